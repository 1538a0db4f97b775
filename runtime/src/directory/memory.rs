//! An in-memory directory, for tests and small applications.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::future::ready;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::{
    BoxFuture, Directory, DirectoryError, LoginRow, NewUser, Partner, PasswordHasher, User,
    check_group_name,
};
use crate::identity::{PartnerId, Uid};

/// Users, partners and groups held in memory; ids count from 1 in insertion order.
///
/// Lookups are answered at once. Password checks ([`Directory::authenticate`]) run on tokio's
/// blocking pool behind the hasher's bound
/// ([`PasswordHasher::max_concurrent_checks`]), so `authenticate` must be awaited inside a tokio
/// runtime. Seeding ([`add_user`](Self::add_user)) hashes on the calling thread. Without the
/// `password` feature, users without a password can still be added; one with a password, and
/// every login, fail with [`DirectoryError::PasswordFeatureDisabled`].
///
/// ```
/// use authroute::directory::{Directory, MemoryDirectory, NewUser, PasswordHasher};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), authroute::directory::DirectoryError> {
/// let dir = MemoryDirectory::new(PasswordHasher::fast_for_tests());
/// let partner = dir.add_partner("Marc Demo", Some("mark.brown23@example.com"));
/// let uid = dir.add_user(NewUser::new("Marc Demo").login("demo").password("demo").partner(partner))?;
/// assert_eq!(dir.authenticate("demo", "demo").await?, Some(uid));
/// assert_eq!(dir.authenticate("demo", "nope").await?, None);
/// # Ok(())
/// # }
/// ```
pub struct MemoryDirectory {
    hasher: PasswordHasher,
    data: RwLock<Data>,
}

impl fmt::Debug for MemoryDirectory {
    /// The hasher and the counts; never the users' password hashes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = self.read();
        f.debug_struct("MemoryDirectory")
            .field("hasher", &self.hasher)
            .field("users", &data.users.len())
            .field("partners", &data.partners.len())
            .finish()
    }
}

#[derive(Default)]
struct Data {
    partners: BTreeMap<PartnerId, Partner>,
    users: BTreeMap<Uid, (User, Option<String>)>,
    logins: HashMap<String, Uid>,
    groups: BTreeMap<Uid, BTreeSet<String>>,
}

impl MemoryDirectory {
    /// An empty directory hashing new passwords with `hasher`.
    pub fn new(hasher: PasswordHasher) -> Self {
        Self {
            hasher,
            data: RwLock::default(),
        }
    }

    // A panic while holding the lock cannot leave the maps half-updated (every write is a single
    // insert after all checks), so a poisoned lock is safe to keep using.
    fn read(&self) -> RwLockReadGuard<'_, Data> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Data> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a partner and returns its id.
    pub fn add_partner(&self, name: &str, email: Option<&str>) -> PartnerId {
        let mut data = self.write();
        let id = PartnerId(
            data.partners
                .keys()
                .next_back()
                .map_or(1, |last| last.0 + 1),
        );
        let partner = Partner {
            id,
            name: name.to_owned(),
            email: email.map(str::to_owned),
        };
        data.partners.insert(id, partner);
        id
    }

    /// Adds a user and returns its id (one more than the highest so far); the password (if
    /// any) is hashed here.
    ///
    /// Fails, adding nothing, on a login that already exists, a partner that does not, or an
    /// invalid group name ([`is_valid_group_name`](super::is_valid_group_name)).
    pub fn add_user(&self, user: NewUser) -> Result<Uid, DirectoryError> {
        self.insert_user(None, user)
    }

    /// Adds a user under a chosen id, as a fixture that must match uids named elsewhere (a
    /// validator's static user, the public user). Fails as [`add_user`](Self::add_user) does,
    /// and on an id that is taken.
    pub fn add_user_with_id(&self, id: Uid, user: NewUser) -> Result<Uid, DirectoryError> {
        self.insert_user(Some(id), user)
    }

    fn insert_user(&self, id: Option<Uid>, user: NewUser) -> Result<Uid, DirectoryError> {
        user.groups.iter().try_for_each(|g| check_group_name(g))?;
        // Hash before taking the lock: it is the slow part.
        let hash = user
            .password
            .as_deref()
            .map(|p| self.hasher.hash(p))
            .transpose()?;
        let mut data = self.write();
        if let Some(login) = &user.login
            && data.logins.contains_key(login)
        {
            return Err(DirectoryError::DuplicateLogin(login.clone()));
        }
        if let Some(pid) = user.partner_id
            && !data.partners.contains_key(&pid)
        {
            return Err(DirectoryError::UnknownPartner(pid));
        }
        let id = match id {
            Some(id) if data.users.contains_key(&id) => {
                return Err(DirectoryError::Storage(format!("user id {id} is taken")));
            }
            Some(id) => id,
            None => Uid(data.users.keys().next_back().map_or(1, |last| last.0 + 1)),
        };
        if let Some(login) = &user.login {
            data.logins.insert(login.clone(), id);
        }
        let stored = User {
            id,
            login: user.login,
            name: user.name,
            active: user.active,
            partner_id: user.partner_id,
        };
        data.users.insert(id, (stored, hash));
        if !user.groups.is_empty() {
            data.groups.insert(id, user.groups);
        }
        Ok(id)
    }

    /// Puts an existing user in a group; doing so again changes nothing.
    ///
    /// Fails on an unknown user or an invalid group name
    /// ([`is_valid_group_name`](super::is_valid_group_name)).
    ///
    /// ```
    /// use authroute::directory::{Directory, DirectoryError, MemoryDirectory, NewUser, PasswordHasher};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), DirectoryError> {
    /// let dir = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    /// let uid = dir.add_user(NewUser::new("Administrator"))?;
    /// dir.add_to_group(uid, "admin")?;
    /// dir.add_to_group(uid, "admin")?;
    /// assert_eq!(dir.groups(uid).await?, ["admin"]);
    /// assert!(matches!(dir.add_to_group(uid, "Admin"), Err(DirectoryError::InvalidGroupName(_))));
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_to_group(&self, uid: Uid, group: &str) -> Result<(), DirectoryError> {
        check_group_name(group)?;
        let mut data = self.write();
        if !data.users.contains_key(&uid) {
            return Err(DirectoryError::UnknownUser(uid));
        }
        data.groups.entry(uid).or_default().insert(group.to_owned());
        Ok(())
    }

    /// Number of users.
    pub fn user_count(&self) -> usize {
        self.read().users.len()
    }
}

impl Directory for MemoryDirectory {
    fn authenticate<'a>(
        &'a self,
        login: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Uid>, DirectoryError>> {
        let row = {
            let data = self.read();
            data.logins.get(login).and_then(|uid| {
                data.users.get(uid).map(|(user, hash)| LoginRow {
                    uid: user.id,
                    password_hash: hash.clone(),
                    active: user.active,
                })
            })
        };
        Box::pin(self.hasher.check_login(password, row))
    }

    fn user(&self, uid: Uid) -> BoxFuture<'_, Result<Option<User>, DirectoryError>> {
        let user = self.read().users.get(&uid).map(|(user, _)| user.clone());
        Box::pin(ready(Ok(user)))
    }

    fn user_by_login<'a>(
        &'a self,
        login: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, DirectoryError>> {
        let user = self
            .read()
            .users
            .values()
            .find(|(user, _)| user.login.as_deref() == Some(login))
            .map(|(user, _)| user.clone());
        Box::pin(ready(Ok(user)))
    }

    fn partner(&self, id: PartnerId) -> BoxFuture<'_, Result<Option<Partner>, DirectoryError>> {
        let partner = self.read().partners.get(&id).cloned();
        Box::pin(ready(Ok(partner)))
    }

    fn partners_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Partner>, DirectoryError>> {
        let found = self
            .read()
            .partners
            .values()
            .filter(|p| p.email.as_deref() == Some(email))
            .cloned()
            .collect();
        Box::pin(ready(Ok(found)))
    }

    fn groups(&self, uid: Uid) -> BoxFuture<'_, Result<Vec<String>, DirectoryError>> {
        let groups = self
            .read()
            .groups
            .get(&uid)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default();
        Box::pin(ready(Ok(groups)))
    }
}

// Every test seeds users with passwords; without the `password` feature, see `no_password.rs`.
#[cfg(all(test, feature = "password"))]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::directory::conformance::{self, DEMO};

    fn with_demo(hasher: PasswordHasher) -> std::future::Ready<Arc<dyn Directory>> {
        let dir = MemoryDirectory::new(hasher);
        let uid = dir
            .add_user(NewUser::new("Marc Demo").login("demo").password("demo"))
            .unwrap();
        assert_eq!(uid, DEMO);
        ready(Arc::new(dir))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_never_exceed_the_bound() {
        conformance::checks_never_exceed_the_bound(with_demo).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_run_up_to_the_bound() {
        conformance::checks_run_up_to_the_bound(with_demo).await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn runtime_stays_responsive_during_a_check() {
        conformance::runtime_stays_responsive(with_demo).await;
    }

    #[test]
    fn debug_shows_no_password_hash() {
        let dir = seeded();
        let text = format!("{dir:?}");
        assert!(!text.contains("argon2"), "{text}");
        assert!(text.contains("users: 3"), "{text}");
    }

    fn seeded() -> MemoryDirectory {
        let dir = MemoryDirectory::new(PasswordHasher::fast_for_tests());
        let admin = dir.add_partner("Administrator", Some("admin@example.com"));
        let demo = dir.add_partner("Marc Demo", Some("mark.brown23@example.com"));
        let public = dir.add_partner("Public user", None);
        dir.add_user(
            NewUser::new("Administrator")
                .login("admin")
                .password("admin")
                .partner(admin),
        )
        .unwrap();
        dir.add_user(
            NewUser::new("Marc Demo")
                .login("demo")
                .password("demo")
                .partner(demo),
        )
        .unwrap();
        dir.add_user(NewUser::new("Public user").partner(public).inactive())
            .unwrap();
        dir
    }

    #[tokio::test]
    async fn authenticate_good_bad_unknown() {
        let dir = seeded();
        assert_eq!(
            dir.authenticate("admin", "admin").await.unwrap(),
            Some(Uid(1))
        );
        assert_eq!(
            dir.authenticate("demo", "demo").await.unwrap(),
            Some(Uid(2))
        );
        assert_eq!(dir.authenticate("demo", "admin").await.unwrap(), None);
        assert_eq!(dir.authenticate("Demo", "demo").await.unwrap(), None);
        assert_eq!(dir.authenticate("nobody", "demo").await.unwrap(), None);
        assert_eq!(dir.authenticate("", "").await.unwrap(), None);
    }

    #[tokio::test]
    async fn inactive_and_passwordless_users_cannot_log_in() {
        let dir = seeded();
        dir.add_user(NewUser::new("Gone").login("gone").password("pw").inactive())
            .unwrap();
        dir.add_user(NewUser::new("No password").login("nopw"))
            .unwrap();
        assert_eq!(dir.authenticate("gone", "pw").await.unwrap(), None);
        assert_eq!(dir.authenticate("nopw", "").await.unwrap(), None);
        // The inactive user is still a user.
        let gone = dir.user(Uid(4)).await.unwrap().unwrap();
        assert_eq!((gone.login.as_deref(), gone.active), (Some("gone"), false));
    }

    #[test]
    fn duplicate_login_and_unknown_partner_are_errors() {
        let dir = seeded();
        let dup = dir.add_user(NewUser::new("Again").login("demo"));
        assert!(matches!(dup, Err(DirectoryError::DuplicateLogin(l)) if l == "demo"));
        let orphan = dir.add_user(NewUser::new("Orphan").partner(PartnerId(99)));
        assert!(matches!(
            orphan,
            Err(DirectoryError::UnknownPartner(PartnerId(99)))
        ));
        // Several users without login are fine.
        dir.add_user(NewUser::new("Bot 1")).unwrap();
        dir.add_user(NewUser::new("Bot 2")).unwrap();
        assert_eq!(dir.user_count(), 5);
    }

    #[tokio::test]
    async fn users_and_partners_by_id() {
        let dir = seeded();
        let demo = dir.user(Uid(2)).await.unwrap().unwrap();
        assert_eq!(demo.login.as_deref(), Some("demo"));
        assert_eq!(demo.partner_id, Some(PartnerId(2)));
        let partner = dir.partner(PartnerId(2)).await.unwrap().unwrap();
        assert_eq!(partner.email.as_deref(), Some("mark.brown23@example.com"));
        assert_eq!(dir.user(Uid(42)).await.unwrap(), None);
        assert_eq!(dir.partner(PartnerId(42)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn partners_by_email_is_exact() {
        let dir = seeded();
        let twin = dir.add_partner("Admin twin", Some("admin@example.com"));
        let found = dir.partners_by_email("admin@example.com").await.unwrap();
        let ids: Vec<_> = found.iter().map(|p| p.id).collect();
        assert_eq!(ids, [PartnerId(1), twin]);
        for near in [
            "Admin@example.com",
            " admin@example.com",
            "admin@example.co",
            "",
        ] {
            assert!(
                dir.partners_by_email(near).await.unwrap().is_empty(),
                "{near:?}"
            );
        }
    }
}

// Users without passwords: these run with or without the `password` feature.
#[cfg(test)]
mod group_tests {
    use super::*;

    fn directory() -> MemoryDirectory {
        MemoryDirectory::new(PasswordHasher::fast_for_tests())
    }

    #[tokio::test]
    async fn groups_are_sorted_deduplicated_and_empty_for_unknown_users() {
        let dir = directory();
        let admin = dir
            .add_user(NewUser::new("Administrator").groups(["sales", "admin", "sales"]))
            .unwrap();
        let plain = dir.add_user(NewUser::new("Marc Demo")).unwrap();
        dir.add_to_group(admin, "billing").unwrap();
        dir.add_to_group(admin, "admin").unwrap();
        assert_eq!(
            dir.groups(admin).await.unwrap(),
            ["admin", "billing", "sales"]
        );
        assert!(dir.groups(plain).await.unwrap().is_empty());
        assert!(dir.groups(Uid(99)).await.unwrap().is_empty());
        dir.add_to_group(plain, "read-only").unwrap();
        assert_eq!(dir.groups(plain).await.unwrap(), ["read-only"]);
    }

    #[test]
    fn an_invalid_group_name_adds_nothing() {
        let dir = directory();
        let err = dir
            .add_user(NewUser::new("Administrator").groups(["admin", "Admin"]))
            .unwrap_err();
        assert!(matches!(&err, DirectoryError::InvalidGroupName(name) if name == "Admin"));
        assert_eq!(dir.user_count(), 0);
        let uid = dir.add_user(NewUser::new("Administrator")).unwrap();
        for bad in ["", "sales team", "base.group_user"] {
            assert!(matches!(
                dir.add_to_group(uid, bad),
                Err(DirectoryError::InvalidGroupName(_))
            ));
        }
    }

    #[test]
    fn adding_an_unknown_user_to_a_group_fails() {
        let dir = directory();
        assert!(matches!(
            dir.add_to_group(Uid(7), "admin"),
            Err(DirectoryError::UnknownUser(Uid(7)))
        ));
    }
}
