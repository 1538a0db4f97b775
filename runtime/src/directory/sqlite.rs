//! A directory in an embedded SQLite file.

use std::path::Path;

use rusqlite::{OptionalExtension, Row, params};

use super::{
    BoxFuture, Directory, DirectoryError, LoginRow, NewUser, Partner, PasswordHasher, User,
};
use crate::identity::{PartnerId, Uid};
use crate::sqlite::{self, Db, DbError};

/// Users and partners in an SQLite file, which may be shared with a
/// [`SqliteSessionStore`](crate::session::SqliteSessionStore).
///
/// All database work and password hashing run on tokio's blocking pool, so every method must be
/// awaited inside a tokio runtime. Password checks ([`Directory::authenticate`]) also wait for
/// one of the hasher's permits ([`PasswordHasher::max_concurrent_checks`]); the connection is
/// not held meanwhile.
///
/// Needs the `sqlite` feature (on by default).
///
/// ```
/// use authroute::directory::{Directory, NewUser, PasswordHasher, SqliteDirectory};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let tmp = tempfile::tempdir()?;
/// # let path = tmp.path().join("demo.sqlite");
/// let dir = SqliteDirectory::open(&path, PasswordHasher::fast_for_tests()).await?;
/// if dir.is_empty().await? {
///     let partner = dir.add_partner("Administrator", Some("admin@example.com")).await?;
///     dir.add_user(NewUser::new("Administrator").login("admin").password("admin").partner(partner))
///         .await?;
/// }
/// assert_eq!(dir.authenticate("admin", "admin").await?, Some(authroute::Uid(1)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteDirectory {
    db: Db,
    hasher: PasswordHasher,
}

fn storage(e: DbError) -> DirectoryError {
    DirectoryError::Storage(e.to_string())
}

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: Uid(row.get(0)?),
        login: row.get(1)?,
        name: row.get(2)?,
        active: row.get(3)?,
        partner_id: row.get::<_, Option<i64>>(4)?.map(PartnerId),
    })
}

fn partner_from_row(row: &Row<'_>) -> rusqlite::Result<Partner> {
    Ok(Partner {
        id: PartnerId(row.get(0)?),
        name: row.get(1)?,
        email: row.get(2)?,
    })
}

impl SqliteDirectory {
    /// Opens the directory at `path`, creating the file and its schema on first use and
    /// migrating an older schema. New passwords are hashed with `hasher`.
    pub async fn open(
        path: impl AsRef<Path>,
        hasher: PasswordHasher,
    ) -> Result<Self, DirectoryError> {
        let path = path.as_ref();
        let db = Db::open(path)
            .await
            .map_err(|reason| DirectoryError::Open {
                path: path.to_owned(),
                reason,
            })?;
        Ok(Self { db, hasher })
    }

    /// Adds a partner and returns its id.
    pub async fn add_partner(
        &self,
        name: &str,
        email: Option<&str>,
    ) -> Result<PartnerId, DirectoryError> {
        let (name, email) = (name.to_owned(), email.map(str::to_owned));
        self.db
            .call(move |c| {
                c.prepare_cached("INSERT INTO partners (name, email) VALUES (?1, ?2)")?
                    .insert(params![name, email])
            })
            .await
            .map(PartnerId)
            .map_err(storage)
    }

    /// Adds a user and returns its id; the password (if any) is hashed here.
    ///
    /// Fails on a login that already exists or a partner that does not.
    pub async fn add_user(&self, user: NewUser) -> Result<Uid, DirectoryError> {
        let hasher = self.hasher.clone();
        let password = user.password.clone();
        let hash = sqlite::blocking(move || password.map(|p| hasher.hash(&p)).transpose())
            .await
            .map_err(storage)??;
        let NewUser {
            login,
            name,
            active,
            partner_id,
            ..
        } = user;
        let dup_login = login.clone();
        self.db
            .call(move |c| {
                c.prepare_cached(
                    "INSERT INTO users (login, name, password_hash, active, partner_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .insert(params![
                    login,
                    name,
                    hash,
                    active,
                    partner_id.map(|p| p.0)
                ])
            })
            .await
            .map(Uid)
            .map_err(|e| match (dup_login, partner_id) {
                (Some(login), _) if e.is_unique_violation() => {
                    DirectoryError::DuplicateLogin(login)
                }
                (_, Some(pid)) if e.is_foreign_key_violation() => {
                    DirectoryError::UnknownPartner(pid)
                }
                _ => storage(e),
            })
    }

    /// Number of users, active or not.
    pub async fn user_count(&self) -> Result<u64, DirectoryError> {
        self.db
            .call(|c| c.query_row("SELECT count(*) FROM users", [], |r| r.get(0)))
            .await
            .map_err(storage)
    }

    /// Whether the directory has no user yet (a new file, to be seeded).
    pub async fn is_empty(&self) -> Result<bool, DirectoryError> {
        Ok(self.user_count().await? == 0)
    }
}

impl Directory for SqliteDirectory {
    fn authenticate<'a>(
        &'a self,
        login: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Uid>, DirectoryError>> {
        let login = login.to_owned();
        Box::pin(async move {
            let row = self
                .db
                .call(move |c| {
                    c.prepare_cached(
                        "SELECT id, password_hash, active FROM users WHERE login = ?1",
                    )?
                    .query_row([&login], |r| {
                        Ok(LoginRow {
                            uid: Uid(r.get(0)?),
                            password_hash: r.get(1)?,
                            active: r.get(2)?,
                        })
                    })
                    .optional()
                })
                .await
                .map_err(storage)?;
            // The connection is free again: the (slow) check waits for its own permit.
            self.hasher.check_login(password, row).await
        })
    }

    fn user(&self, uid: Uid) -> BoxFuture<'_, Result<Option<User>, DirectoryError>> {
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached(
                        "SELECT id, login, name, active, partner_id FROM users WHERE id = ?1",
                    )?
                    .query_row([uid.0], user_from_row)
                    .optional()
                })
                .await
                .map_err(storage)
        })
    }

    fn user_by_login<'a>(
        &'a self,
        login: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, DirectoryError>> {
        let login = login.to_owned();
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached(
                        "SELECT id, login, name, active, partner_id FROM users WHERE login = ?1",
                    )?
                    .query_row([login], user_from_row)
                    .optional()
                })
                .await
                .map_err(storage)
        })
    }

    fn partner(&self, id: PartnerId) -> BoxFuture<'_, Result<Option<Partner>, DirectoryError>> {
        Box::pin(async move {
            self.db
                .call(move |c| {
                    c.prepare_cached("SELECT id, name, email FROM partners WHERE id = ?1")?
                        .query_row([id.0], partner_from_row)
                        .optional()
                })
                .await
                .map_err(storage)
        })
    }

    fn partners_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Partner>, DirectoryError>> {
        let email = email.to_owned();
        Box::pin(async move {
            self.db
                .call(move |c| {
                    // `=` on TEXT uses the BINARY collation: exact and case-sensitive.
                    c.prepare_cached(
                        "SELECT id, name, email FROM partners WHERE email = ?1 ORDER BY id",
                    )?
                    .query_map([&email], partner_from_row)?
                    .collect()
                })
                .await
                .map_err(storage)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::directory::conformance::{self, DEMO};

    struct Fixture {
        _tmp: tempfile::TempDir,
        path: std::path::PathBuf,
    }

    fn fixture() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("authroute.sqlite");
        Fixture { _tmp: tmp, path }
    }

    async fn open(path: &Path) -> SqliteDirectory {
        SqliteDirectory::open(path, PasswordHasher::fast_for_tests())
            .await
            .unwrap()
    }

    /// The demo's data, seeded only into an empty directory.
    async fn seed_if_empty(dir: &SqliteDirectory) {
        if !dir.is_empty().await.unwrap() {
            return;
        }
        let admin = dir
            .add_partner("Administrator", Some("admin@example.com"))
            .await
            .unwrap();
        let demo = dir
            .add_partner("Marc Demo", Some("mark.brown23@example.com"))
            .await
            .unwrap();
        let public = dir.add_partner("Public user", None).await.unwrap();
        let user = NewUser::new("Administrator")
            .login("admin")
            .password("admin")
            .partner(admin);
        assert_eq!(dir.add_user(user).await.unwrap(), Uid(1));
        let user = NewUser::new("Marc Demo")
            .login("demo")
            .password("demo")
            .partner(demo);
        assert_eq!(dir.add_user(user).await.unwrap(), Uid(2));
        let user = NewUser::new("Public user").partner(public).inactive();
        assert_eq!(dir.add_user(user).await.unwrap(), Uid(3));
    }

    /// A directory in a new file with login `demo` / `demo`; the file lives as long as `f`.
    fn with_demo(
        f: &Fixture,
    ) -> impl FnOnce(PasswordHasher) -> BoxFuture<'static, Arc<dyn Directory>> {
        let path = f.path.clone();
        move |hasher| {
            Box::pin(async move {
                let dir = SqliteDirectory::open(&path, hasher).await.unwrap();
                let user = NewUser::new("Marc Demo").login("demo").password("demo");
                assert_eq!(dir.add_user(user).await.unwrap(), DEMO);
                Arc::new(dir) as Arc<dyn Directory>
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_never_exceed_the_bound() {
        let f = fixture();
        conformance::checks_never_exceed_the_bound(with_demo(&f)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_run_up_to_the_bound() {
        let f = fixture();
        conformance::checks_run_up_to_the_bound(with_demo(&f)).await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn runtime_stays_responsive_during_a_check() {
        let f = fixture();
        conformance::runtime_stays_responsive(with_demo(&f)).await;
    }

    #[tokio::test]
    async fn debug_shows_no_password_hash() {
        let f = fixture();
        let dir = open(&f.path).await;
        seed_if_empty(&dir).await;
        let text = format!("{dir:?}");
        assert!(!text.contains("argon2"), "{text}");
    }

    #[tokio::test]
    async fn authenticate_good_bad_unknown_inactive() {
        let f = fixture();
        let dir = open(&f.path).await;
        seed_if_empty(&dir).await;
        dir.add_user(NewUser::new("Gone").login("gone").password("pw").inactive())
            .await
            .unwrap();
        dir.add_user(NewUser::new("No password").login("nopw"))
            .await
            .unwrap();
        assert_eq!(
            dir.authenticate("admin", "admin").await.unwrap(),
            Some(Uid(1))
        );
        assert_eq!(
            dir.authenticate("demo", "demo").await.unwrap(),
            Some(Uid(2))
        );
        assert_eq!(dir.authenticate("demo", "Demo").await.unwrap(), None);
        assert_eq!(dir.authenticate("ADMIN", "admin").await.unwrap(), None);
        assert_eq!(dir.authenticate("nobody", "admin").await.unwrap(), None);
        assert_eq!(dir.authenticate("gone", "pw").await.unwrap(), None);
        assert_eq!(dir.authenticate("nopw", "").await.unwrap(), None);
    }

    #[tokio::test]
    async fn users_and_partners_by_id() {
        let f = fixture();
        let dir = open(&f.path).await;
        seed_if_empty(&dir).await;
        let public = dir.user(Uid(3)).await.unwrap().unwrap();
        assert_eq!(
            public,
            User {
                id: Uid(3),
                login: None,
                name: "Public user".into(),
                active: false,
                partner_id: Some(PartnerId(3)),
            }
        );
        let partner = dir.partner(PartnerId(2)).await.unwrap().unwrap();
        assert_eq!(partner.name, "Marc Demo");
        assert_eq!(partner.email.as_deref(), Some("mark.brown23@example.com"));
        assert_eq!(dir.user(Uid(99)).await.unwrap(), None);
        assert_eq!(dir.partner(PartnerId(99)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn partners_by_email_is_exact() {
        let f = fixture();
        let dir = open(&f.path).await;
        seed_if_empty(&dir).await;
        let twin = dir
            .add_partner("Admin twin", Some("admin@example.com"))
            .await
            .unwrap();
        let found = dir.partners_by_email("admin@example.com").await.unwrap();
        let ids: Vec<_> = found.iter().map(|p| p.id).collect();
        assert_eq!(ids, [PartnerId(1), twin]);
        for near in [
            "Admin@example.com",
            "admin@example.com ",
            "admin@example",
            "",
        ] {
            assert!(
                dir.partners_by_email(near).await.unwrap().is_empty(),
                "{near:?}"
            );
        }
    }

    #[tokio::test]
    async fn insert_errors() {
        let f = fixture();
        let dir = open(&f.path).await;
        seed_if_empty(&dir).await;
        let dup = dir.add_user(NewUser::new("Again").login("admin")).await;
        assert!(matches!(dup, Err(DirectoryError::DuplicateLogin(l)) if l == "admin"));
        let orphan = dir
            .add_user(NewUser::new("Orphan").partner(PartnerId(99)))
            .await;
        assert!(matches!(
            orphan,
            Err(DirectoryError::UnknownPartner(PartnerId(99)))
        ));
        // Logins are optional and NULLs do not collide.
        dir.add_user(NewUser::new("Bot")).await.unwrap();
        assert_eq!(dir.user_count().await.unwrap(), 4);
    }

    #[tokio::test]
    async fn data_survives_reopen_without_reseeding() {
        let f = fixture();
        let dir = open(&f.path).await;
        assert!(dir.is_empty().await.unwrap());
        seed_if_empty(&dir).await;
        drop(dir);

        let dir = open(&f.path).await;
        assert!(!dir.is_empty().await.unwrap());
        seed_if_empty(&dir).await;
        assert_eq!(dir.user_count().await.unwrap(), 3);
        assert_eq!(
            dir.authenticate("demo", "demo").await.unwrap(),
            Some(Uid(2))
        );
        assert_eq!(
            dir.partners_by_email("admin@example.com")
                .await
                .unwrap()
                .len(),
            1
        );
    }

    #[tokio::test]
    async fn hashes_are_stored_not_passwords() {
        let f = fixture();
        let dir = open(&f.path).await;
        seed_if_empty(&dir).await;
        let hash: String = dir
            .db
            .call(|c| {
                c.query_row("SELECT password_hash FROM users WHERE id = 1", [], |r| {
                    r.get(0)
                })
            })
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
    }

    #[tokio::test]
    async fn open_error_names_the_path() {
        let f = fixture();
        let path = f.path.join("missing-dir").join("db.sqlite");
        let err = SqliteDirectory::open(&path, PasswordHasher::fast_for_tests())
            .await
            .unwrap_err();
        assert!(matches!(&err, DirectoryError::Open { path: p, .. } if *p == path));
        assert!(err.to_string().contains("missing-dir"), "{err}");
    }
}
