//! The embedded SQLite database behind [`SqliteDirectory`](crate::directory::SqliteDirectory) and
//! [`SqliteSessionStore`](crate::session::SqliteSessionStore).
//!
//! Each store owns one connection behind a `std::sync::Mutex`; every use of it runs on tokio's
//! blocking pool, never on an async worker. Both stores may open the same file: it is in WAL mode
//! (readers do not wait for the writer) with a busy timeout (writers wait for each other).

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

pub(crate) mod schema;

/// How long a writer waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One connection, shared by the clones of a store.
#[derive(Debug, Clone)]
pub(crate) struct Db {
    conn: Arc<Mutex<Connection>>,
}

/// A failed database call.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Runtime(String),
}

impl DbError {
    /// Whether this is the violation of a UNIQUE (or PRIMARY KEY) constraint.
    pub(crate) fn is_unique_violation(&self) -> bool {
        self.constraint_code().is_some_and(|code| {
            code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        })
    }

    /// Whether this is the violation of a FOREIGN KEY constraint.
    pub(crate) fn is_foreign_key_violation(&self) -> bool {
        self.constraint_code() == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
    }

    fn constraint_code(&self) -> Option<i32> {
        match self {
            Self::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Some(e.extended_code)
            }
            _ => None,
        }
    }
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`. The error is a reason
    /// without the path, which the caller adds.
    pub(crate) async fn open(path: &Path) -> Result<Self, String> {
        let path = path.to_owned();
        let conn = blocking(move || open_blocking(&path))
            .await
            .map_err(|e| e.to_string())??;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` with the connection, on the blocking pool.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        Ok(blocking(move || f(&mut lock(&conn))).await??)
    }
}

/// Locks the connection. A panic while it was held cannot leave it unusable (an open transaction
/// rolls back when dropped during unwinding), so a poisoned lock is recovered.
fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `f` on tokio's blocking pool. Outside a tokio runtime this is an error, not a panic.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, DbError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let handle = tokio::runtime::Handle::try_current().map_err(|_| {
        DbError::Runtime("sqlite stores must be used inside a tokio runtime".to_owned())
    })?;
    handle
        .spawn_blocking(f)
        .await
        .map_err(|e| DbError::Runtime(format!("database task failed: {e}")))
}

fn open_blocking(path: &Path) -> Result<Connection, String> {
    let mut conn = Connection::open(path).map_err(|e| e.to_string())?;
    // Busy timeout first: switching to WAL and migrating may wait for another connection.
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| e.to_string())?;
    enable_wal(&conn).map_err(|e| format!("cannot enable WAL mode: {e}"))?;
    // NORMAL is durable enough in WAL mode (a power cut may lose the last commits, never corrupt).
    conn.pragma_update(None, "synchronous", "NORMAL")
        .and_then(|()| conn.pragma_update(None, "foreign_keys", true))
        .map_err(|e| e.to_string())?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

/// Switches to WAL. SQLite may answer `SQLITE_BUSY` to this pragma without calling the busy
/// handler while another connection creates the same file, so it is retried here for as long
/// as the busy timeout allows (on the blocking pool: the sleep blocks no async worker).
fn enable_wal(conn: &Connection) -> rusqlite::Result<()> {
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(10);
    let mut waited = std::time::Duration::ZERO;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(err, _))
                if err.code == rusqlite::ErrorCode::DatabaseBusy && waited < BUSY_TIMEOUT =>
            {
                std::thread::sleep(PAUSE);
                waited += PAUSE;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_version(path: &Path) -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap()
    }

    #[tokio::test]
    async fn new_file_gets_current_schema_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let db = Db::open(&path).await.unwrap();
        assert_eq!(user_version(&path), schema::SCHEMA_VERSION);
        assert_eq!(schema::SCHEMA_VERSION, 2);
        let mode: String = db
            .call(|c| c.pragma_query_value(None, "journal_mode", |r| r.get(0)))
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let tables: Vec<String> = db
            .call(|c| {
                let mut stmt =
                    c.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?;
                stmt.query_map([], |r| r.get(0))?.collect()
            })
            .await
            .unwrap();
        assert_eq!(tables, ["partners", "sessions", "user_groups", "users"]);
    }

    #[tokio::test]
    async fn version_1_file_upgrades_at_open_and_keeps_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            schema::create_at_version(&conn, 1).unwrap();
            conn.execute(
                "INSERT INTO users (id, name) VALUES (1, 'Administrator')",
                [],
            )
            .unwrap();
        }
        assert_eq!(user_version(&path), 1);
        let db = Db::open(&path).await.unwrap();
        assert_eq!(user_version(&path), schema::SCHEMA_VERSION);
        let (users, memberships): (i64, i64) = db
            .call(|c| {
                c.execute(
                    "INSERT INTO user_groups (user_id, group_name) VALUES (1, 'admin')",
                    [],
                )?;
                c.query_row(
                    "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM user_groups)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
            })
            .await
            .unwrap();
        assert_eq!((users, memberships), (1, 1));
    }

    #[tokio::test]
    async fn group_rows_follow_the_group_name_grammar() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite")).await.unwrap();
        let insert = |name: &'static str| {
            db.call(move |c| {
                c.execute("INSERT OR IGNORE INTO users (id, name) VALUES (1, 'a')", [])?;
                c.execute(
                    "INSERT INTO user_groups (user_id, group_name) VALUES (1, ?1)",
                    [name],
                )
            })
        };
        for good in ["admin", "_x", "read-only", "sales_team2", "a"] {
            assert!(insert(good).await.is_ok(), "{good}");
        }
        for bad in [
            "",
            "Admin",
            "2fa",
            "-x",
            "a b",
            "base.group_user",
            "x]",
            "é",
        ] {
            assert!(insert(bad).await.is_err(), "{bad:?}");
        }
        let unknown_user = db
            .call(|c| {
                c.execute(
                    "INSERT INTO user_groups (user_id, group_name) VALUES (9, 'admin')",
                    [],
                )
            })
            .await
            .unwrap_err();
        assert!(unknown_user.is_foreign_key_violation(), "{unknown_user}");
    }

    #[tokio::test]
    async fn reopening_keeps_the_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        drop(Db::open(&path).await.unwrap());
        Db::open(&path).await.unwrap();
        assert_eq!(user_version(&path), schema::SCHEMA_VERSION);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_first_opens_migrate_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let (a, b) = tokio::join!(Db::open(&path), Db::open(&path));
        a.unwrap();
        b.unwrap();
        assert_eq!(user_version(&path), schema::SCHEMA_VERSION);
    }

    #[tokio::test]
    async fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Db::open(&path).await.unwrap_err();
        assert!(err.contains("schema version 99"), "{err}");
    }

    #[tokio::test]
    async fn garbage_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-db");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        assert!(Db::open(&path).await.is_err());
    }

    #[test]
    fn outside_a_runtime_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let fut = Db::open(&path);
        // Poll by hand, without tokio: must fail cleanly instead of panicking.
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut fut = std::pin::pin!(fut);
        match fut.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(Err(e)) => assert!(e.contains("tokio runtime"), "{e}"),
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
