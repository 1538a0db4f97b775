//! A directory in an embedded SQLite file.

use std::path::Path;

use rusqlite::{OptionalExtension, Row, params};

use super::{
    BoxFuture, Directory, DirectoryError, LoginRow, NewUser, Partner, PasswordHasher, User,
    check_group_name,
};
use crate::identity::{PartnerId, Uid};
use crate::sqlite::{self, Db, DbError};

/// Users, partners and groups in an SQLite file, which may be shared with a
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
    /// Fails, adding nothing, on a login that already exists, a partner that does not, or an
    /// invalid group name ([`is_valid_group_name`](super::is_valid_group_name)).
    pub async fn add_user(&self, user: NewUser) -> Result<Uid, DirectoryError> {
        user.groups.iter().try_for_each(|g| check_group_name(g))?;
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
            groups,
            ..
        } = user;
        let dup_login = login.clone();
        self.db
            .call(move |c| {
                let tx = c.transaction()?;
                let id = tx
                    .prepare_cached(
                        "INSERT INTO users (login, name, password_hash, active, partner_id)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .insert(params![login, name, hash, active, partner_id.map(|p| p.0)])?;
                let mut member = tx.prepare_cached(
                    "INSERT INTO user_groups (user_id, group_name) VALUES (?1, ?2)",
                )?;
                for group in &groups {
                    member.execute(params![id, group])?;
                }
                drop(member);
                tx.commit()?;
                Ok(id)
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

    /// Puts an existing user in a group; doing so again changes nothing.
    ///
    /// Fails on an unknown user or an invalid group name
    /// ([`is_valid_group_name`](super::is_valid_group_name)).
    ///
    /// ```
    /// use authroute::directory::{Directory, NewUser, PasswordHasher, SqliteDirectory};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let tmp = tempfile::tempdir()?;
    /// let dir = SqliteDirectory::open(tmp.path().join("db.sqlite"), PasswordHasher::fast_for_tests())
    ///     .await?;
    /// let uid = dir.add_user(NewUser::new("Administrator").group("admin")).await?;
    /// dir.add_to_group(uid, "billing").await?;
    /// dir.add_to_group(uid, "admin").await?;
    /// assert_eq!(dir.groups(uid).await?, ["admin", "billing"]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn add_to_group(&self, uid: Uid, group: &str) -> Result<(), DirectoryError> {
        check_group_name(group)?;
        let group = group.to_owned();
        self.db
            .call(move |c| {
                c.prepare_cached(
                    "INSERT INTO user_groups (user_id, group_name) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING",
                )?
                .execute(params![uid.0, group])
            })
            .await
            .map(drop)
            .map_err(|e| {
                if e.is_foreign_key_violation() {
                    DirectoryError::UnknownUser(uid)
                } else {
                    storage(e)
                }
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

    fn groups(&self, uid: Uid) -> BoxFuture<'_, Result<Vec<String>, DirectoryError>> {
        Box::pin(async move {
            self.db
                .call(move |c| {
                    // The primary key's order: BINARY collation, the same as `str`'s `Ord`.
                    c.prepare_cached(
                        "SELECT group_name FROM user_groups WHERE user_id = ?1
                         ORDER BY group_name",
                    )?
                    .query_map([uid.0], |r| r.get(0))?
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

    #[tokio::test]
    async fn groups_are_stored_sorted_and_survive_a_reopen() {
        let f = fixture();
        let dir = open(&f.path).await;
        let admin = dir
            .add_user(NewUser::new("Administrator").groups(["sales", "admin"]))
            .await
            .unwrap();
        let plain = dir.add_user(NewUser::new("Marc Demo")).await.unwrap();
        dir.add_to_group(admin, "billing").await.unwrap();
        dir.add_to_group(admin, "admin").await.unwrap();
        assert_eq!(
            dir.groups(admin).await.unwrap(),
            ["admin", "billing", "sales"]
        );
        assert!(dir.groups(plain).await.unwrap().is_empty());
        assert!(dir.groups(Uid(99)).await.unwrap().is_empty());
        drop(dir);
        let dir = open(&f.path).await;
        assert_eq!(
            dir.groups(admin).await.unwrap(),
            ["admin", "billing", "sales"]
        );
    }

    #[tokio::test]
    async fn invalid_groups_and_unknown_users_add_nothing() {
        let f = fixture();
        let dir = open(&f.path).await;
        let err = dir
            .add_user(NewUser::new("Administrator").groups(["admin", "Admin"]))
            .await
            .unwrap_err();
        assert!(matches!(&err, DirectoryError::InvalidGroupName(name) if name == "Admin"));
        assert!(dir.is_empty().await.unwrap());
        assert!(matches!(
            dir.add_to_group(Uid(7), "admin").await,
            Err(DirectoryError::UnknownUser(Uid(7)))
        ));
        let uid = dir.add_user(NewUser::new("Administrator")).await.unwrap();
        assert!(matches!(
            dir.add_to_group(uid, "sales team").await,
            Err(DirectoryError::InvalidGroupName(_))
        ));
        assert!(dir.groups(uid).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_user_whose_groups_fail_to_insert_is_not_added() {
        let f = fixture();
        let dir = open(&f.path).await;
        // A login clash fails the whole insert, groups included.
        dir.add_user(NewUser::new("A").login("a")).await.unwrap();
        let err = dir
            .add_user(NewUser::new("B").login("a").group("admin"))
            .await
            .unwrap_err();
        assert!(matches!(err, DirectoryError::DuplicateLogin(_)), "{err}");
        let rows: i64 = dir
            .db
            .call(|c| c.query_row("SELECT count(*) FROM user_groups", [], |r| r.get(0)))
            .await
            .unwrap();
        assert_eq!(rows, 0);
    }

    /// A file written by a build from before groups (schema version 1) is upgraded when the
    /// directory opens it: users keep their ids and logins, and can join groups.
    #[tokio::test]
    async fn a_database_from_before_groups_upgrades_at_open() {
        let f = fixture();
        {
            let conn = rusqlite::Connection::open(&f.path).unwrap();
            crate::sqlite::schema::create_at_version(&conn, 1).unwrap();
            conn.execute_batch(
                "INSERT INTO partners (id, name, email) VALUES (1, 'Administrator', 'admin@example.com');
                 INSERT INTO users (id, login, name, active, partner_id)
                 VALUES (1, 'admin', 'Administrator', 1, 1);",
            )
            .unwrap();
        }
        let dir = open(&f.path).await;
        assert_eq!(dir.user_count().await.unwrap(), 1);
        assert!(dir.groups(Uid(1)).await.unwrap().is_empty());
        dir.add_to_group(Uid(1), "admin").await.unwrap();
        assert_eq!(dir.groups(Uid(1)).await.unwrap(), ["admin"]);
        let user = dir.user(Uid(1)).await.unwrap().unwrap();
        assert_eq!(user.login.as_deref(), Some("admin"));
    }
}
