//! A session store in an embedded SQLite file: sessions survive a restart.

use std::future::ready;
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::{
    BoxFuture, Session, SessionError, SessionStore, is_well_formed_session_id, new_session_id,
};
use crate::identity::Uid;
use crate::sqlite::{Db, DbError};

/// Sessions in an SQLite file, which may be shared with a
/// [`SqliteDirectory`](crate::directory::SqliteDirectory).
///
/// All database work runs on tokio's blocking pool, so every method must be awaited inside a
/// tokio runtime. Ids that are not well formed are refused before any query.
///
/// Needs the `sqlite` feature (on by default).
///
/// ```
/// use authroute::session::{SessionStore, SqliteSessionStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let path = tmp.path().join("demo.sqlite");
/// let store = SqliteSessionStore::open(&path).await?;
/// let session = store.create(authroute::Uid(2), 1_000, 3_600).await?;
/// drop(store);
///
/// let store = SqliteSessionStore::open(&path).await?;
/// assert_eq!(store.load(&session.id, 1_001).await?, Some(session));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteSessionStore {
    db: Db,
}

fn storage(e: DbError) -> SessionError {
    SessionError::Storage(e.to_string())
}

impl SqliteSessionStore {
    /// Opens the store at `path`, creating the file and its schema on first use and migrating an
    /// older schema.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, SessionError> {
        let path = path.as_ref();
        let db = Db::open(path).await.map_err(|reason| SessionError::Open {
            path: path.to_owned(),
            reason,
        })?;
        Ok(Self { db })
    }
}

impl SessionStore for SqliteSessionStore {
    fn create(&self, uid: Uid, now: i64, ttl: i64) -> BoxFuture<'_, Result<Session, SessionError>> {
        Box::pin(async move {
            let session = Session {
                id: new_session_id()?,
                uid,
                created_at: now,
                expires_at: now.saturating_add(ttl),
            };
            let row = session.clone();
            self.db
                .call(move |c| {
                    c.prepare_cached(
                        "INSERT INTO sessions (id, uid, created_at, expires_at)
                         VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        row.id,
                        row.uid.0,
                        row.created_at,
                        row.expires_at
                    ])
                })
                .await
                .map_err(storage)?;
            Ok(session)
        })
    }

    fn load<'a>(
        &'a self,
        id: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Session>, SessionError>> {
        if !is_well_formed_session_id(id) {
            return Box::pin(ready(Ok(None)));
        }
        let id = id.to_owned();
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached(
                        "SELECT uid, created_at, expires_at FROM sessions
                         WHERE id = ?1 AND expires_at > ?2",
                    )?
                    .query_row(params![id, now], |r| {
                        Ok((Uid(r.get(0)?), r.get(1)?, r.get(2)?))
                    })
                    .optional()
                    .map(|found| {
                        found.map(|(uid, created_at, expires_at)| Session {
                            id,
                            uid,
                            created_at,
                            expires_at,
                        })
                    })
                })
                .await
                .map_err(storage)
        })
    }

    fn touch<'a>(
        &'a self,
        id: &'a str,
        now: i64,
        ttl: i64,
    ) -> BoxFuture<'a, Result<bool, SessionError>> {
        if !is_well_formed_session_id(id) {
            return Box::pin(ready(Ok(false)));
        }
        let id = id.to_owned();
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached(
                        "UPDATE sessions SET expires_at = ?3 WHERE id = ?1 AND expires_at > ?2",
                    )?
                    .execute(params![id, now, now.saturating_add(ttl)])
                })
                .await
                .map(|changed| changed > 0)
                .map_err(storage)
        })
    }

    fn destroy<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionError>> {
        if !is_well_formed_session_id(id) {
            return Box::pin(ready(Ok(false)));
        }
        let id = id.to_owned();
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
                        .execute([id])
                })
                .await
                .map(|changed| changed > 0)
                .map_err(storage)
        })
    }

    fn expire(&self, now: i64) -> BoxFuture<'_, Result<u64, SessionError>> {
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")?
                        .execute([now])
                })
                .await
                .map(|removed| removed as u64)
                .map_err(storage)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::directory::{Directory, NewUser, PasswordHasher, SqliteDirectory};
    use crate::session::conformance;

    struct Fixture {
        _tmp: tempfile::TempDir,
        path: std::path::PathBuf,
    }

    impl Fixture {
        fn new() -> Self {
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("sessions.sqlite");
            Self { _tmp: tmp, path }
        }

        async fn store(&self) -> SqliteSessionStore {
            SqliteSessionStore::open(&self.path).await.unwrap()
        }
    }

    #[tokio::test]
    async fn create_then_load() {
        conformance::create_then_load(&Fixture::new().store().await).await;
    }

    #[tokio::test]
    async fn touch_extends_live_sessions_only() {
        conformance::touch_extends_live_sessions_only(&Fixture::new().store().await).await;
    }

    #[tokio::test]
    async fn destroy_removes() {
        conformance::destroy_removes(&Fixture::new().store().await).await;
    }

    #[tokio::test]
    async fn expire_removes_only_expired() {
        conformance::expire_removes_only_expired(&Fixture::new().store().await).await;
    }

    #[tokio::test]
    async fn garbage_and_tampered_ids_are_unknown() {
        conformance::garbage_and_tampered_ids_are_unknown(&Fixture::new().store().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_creates_are_distinct() {
        let f = Fixture::new();
        conformance::concurrent_creates_are_distinct(Arc::new(f.store().await)).await;
    }

    #[tokio::test]
    async fn debug_shows_no_session_id() {
        conformance::debug_shows_no_session_id(&Fixture::new().store().await).await;
    }

    #[tokio::test]
    async fn sessions_survive_reopen() {
        let f = Fixture::new();
        let store = f.store().await;
        let kept = store.create(Uid(2), 1_000, 3_600).await.unwrap();
        let gone = store.create(Uid(1), 1_000, 3_600).await.unwrap();
        assert!(store.destroy(&gone.id).await.unwrap());
        drop(store);

        let store = f.store().await;
        assert_eq!(store.load(&kept.id, 2_000).await.unwrap(), Some(kept));
        assert_eq!(store.load(&gone.id, 2_000).await.unwrap(), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shares_a_file_with_the_directory() {
        let f = Fixture::new();
        let hasher = PasswordHasher::fast_for_tests();
        let (dir, store) = tokio::join!(
            SqliteDirectory::open(&f.path, hasher.clone()),
            SqliteSessionStore::open(&f.path)
        );
        let (dir, store) = (dir.unwrap(), store.unwrap());
        let uid = dir
            .add_user(NewUser::new("Marc Demo").login("demo").password("demo"))
            .await
            .unwrap();
        // Writes through both connections, interleaved.
        let mut ids = Vec::new();
        for _ in 0..5 {
            let (session, login) = tokio::join!(
                store.create(uid, 1_000, 3_600),
                dir.authenticate("demo", "demo")
            );
            assert_eq!(login.unwrap(), Some(uid));
            ids.push(session.unwrap().id);
        }
        drop((dir, store));

        let dir = SqliteDirectory::open(&f.path, hasher).await.unwrap();
        let store = f.store().await;
        assert_eq!(dir.authenticate("demo", "demo").await.unwrap(), Some(uid));
        for id in &ids {
            assert_eq!(
                store.load(id, 1_001).await.unwrap().map(|s| s.uid),
                Some(uid)
            );
        }
    }

    #[tokio::test]
    async fn open_error_names_the_path() {
        let f = Fixture::new();
        let path = f.path.join("no-such-dir").join("s.sqlite");
        let err = SqliteSessionStore::open(&path).await.unwrap_err();
        assert!(matches!(&err, SessionError::Open { path: p, .. } if *p == path));
        assert!(err.to_string().contains("no-such-dir"), "{err}");
    }
}
