//! The password hasher of a build without the `password` feature: no argon2 compiled in.
//!
//! It has the API of the real one, so the same code builds with and without the feature, but it
//! hashes and checks nothing: adding a user with a password and every login fail with
//! [`DirectoryError::PasswordFeatureDisabled`]. Users without a password (such as the public
//! user) work as usual.

use std::fmt;

use super::{DirectoryError, LoginRow};
use crate::identity::Uid;

/// Stands in for the argon2id hasher in a build without the `password` feature.
///
/// A [`MemoryDirectory`](super::MemoryDirectory) built with it accepts users without a
/// password; [`hash`](Self::hash), [`check_password`](Self::check_password), and therefore
/// `add_user` with a password and [`Directory::authenticate`](super::Directory::authenticate),
/// fail with [`DirectoryError::PasswordFeatureDisabled`]; [`verify`](Self::verify) is `false`.
/// Enable the `password` feature (or `sqlite`, which implies it) for logins.
///
/// ```
/// use authroute::directory::{DirectoryError, MemoryDirectory, NewUser, PasswordHasher};
///
/// let directory = MemoryDirectory::new(PasswordHasher::default());
/// assert!(directory.add_user(NewUser::new("Public user")).is_ok());
/// let with_password = directory.add_user(NewUser::new("Demo").login("demo").password("demo"));
/// assert!(matches!(with_password, Err(DirectoryError::PasswordFeatureDisabled)));
/// ```
#[derive(Clone, Default)]
pub struct PasswordHasher {
    _private: (),
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("hashing", &"disabled (no `password` feature)")
            .finish()
    }
}

impl PasswordHasher {
    /// The same hasher as [`default`](Self::default): there are no costs to lower.
    pub fn fast_for_tests() -> Self {
        Self::default()
    }

    /// Has no effect: there are no checks to bound.
    pub fn max_concurrent_checks(self, _n: usize) -> Self {
        self
    }

    /// Always [`DirectoryError::PasswordFeatureDisabled`].
    pub fn hash(&self, _password: &str) -> Result<String, DirectoryError> {
        Err(DirectoryError::PasswordFeatureDisabled)
    }

    /// Always `false`: no hash can be verified.
    pub fn verify(&self, _password: &str, _phc: &str) -> bool {
        false
    }

    /// Always [`DirectoryError::PasswordFeatureDisabled`].
    pub async fn check_password(
        &self,
        _password: &str,
        _phc: Option<&str>,
    ) -> Result<bool, DirectoryError> {
        Err(DirectoryError::PasswordFeatureDisabled)
    }

    /// Every login fails, whether or not the login exists.
    pub(crate) async fn check_login(
        &self,
        _password: &str,
        _found: Option<LoginRow>,
    ) -> Result<Option<Uid>, DirectoryError> {
        Err(DirectoryError::PasswordFeatureDisabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{Directory, MemoryDirectory, NewUser};

    #[tokio::test]
    async fn users_without_a_password_work_and_logins_fail() {
        let directory = MemoryDirectory::new(PasswordHasher::default().max_concurrent_checks(2));
        let public = directory.add_user(NewUser::new("Public user")).unwrap();
        let demo = directory
            .add_user(NewUser::new("Demo").login("demo"))
            .unwrap();
        assert_eq!(
            directory.user(public).await.unwrap().unwrap().name,
            "Public user"
        );
        assert_eq!(
            directory
                .user(demo)
                .await
                .unwrap()
                .unwrap()
                .login
                .as_deref(),
            Some("demo")
        );
        let refused = directory.add_user(NewUser::new("Admin").login("admin").password("admin"));
        assert!(matches!(
            refused,
            Err(DirectoryError::PasswordFeatureDisabled)
        ));
        assert_eq!(directory.user_count(), 2);
        for login in ["demo", "unknown"] {
            let err = directory.authenticate(login, "pw").await.unwrap_err();
            assert!(matches!(err, DirectoryError::PasswordFeatureDisabled));
            assert!(err.to_string().contains("`password` feature"), "{err}");
        }
    }

    #[tokio::test]
    async fn the_hasher_hashes_and_checks_nothing() {
        let hasher = PasswordHasher::fast_for_tests();
        assert!(matches!(
            hasher.hash("pw"),
            Err(DirectoryError::PasswordFeatureDisabled)
        ));
        assert!(!hasher.verify("pw", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
        assert!(hasher.check_password("pw", None).await.is_err());
        assert!(format!("{hasher:?}").contains("disabled"));
    }
}
