//! Users and partners: who may log in, and the contacts tokens are matched against.
//!
//! The runtime only talks to the [`Directory`] trait. Two implementations ship:
//! [`MemoryDirectory`] for tests and small applications, and `SqliteDirectory`, an embedded
//! SQLite file (the demo's default, so data survives a restart; feature `sqlite`).
//!
//! Passwords are hashed with argon2id by [`PasswordHasher`] (feature `password`, implied by
//! `sqlite`). Without that feature the hasher remains, so the same code builds, but it hashes
//! nothing: users without a password work, while adding one with a password and every login fail
//! with [`DirectoryError::PasswordFeatureDisabled`].

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use crate::identity::{PartnerId, Uid};

// The shared tests are about password checks.
#[cfg(all(test, feature = "password"))]
mod conformance;
mod memory;
#[cfg(not(feature = "password"))]
mod no_password;
#[cfg(feature = "password")]
mod password;
#[cfg(not(feature = "password"))]
use no_password as password;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use memory::MemoryDirectory;
pub use password::PasswordHasher;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteDirectory;

/// A boxed, sendable future, as returned by the object-safe store traits.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Database id.
    pub id: Uid,
    /// Login name; `None` for users that cannot log in (such as the public user).
    pub login: Option<String>,
    /// Display name.
    pub name: String,
    /// Inactive users cannot log in and are not valid token subjects.
    pub active: bool,
    /// The partner (contact) linked to this user.
    pub partner_id: Option<PartnerId>,
}

/// A contact: a person or a company.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Partner {
    /// Database id.
    pub id: PartnerId,
    /// Display name.
    pub name: String,
    /// E-mail address, compared exactly by the `email` partner strategy.
    pub email: Option<String>,
}

/// What can go wrong when talking to a directory.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The storage backend failed.
    #[error("directory storage error: {0}")]
    Storage(String),
    /// A login that already exists was inserted again.
    #[error("login `{0}` already exists")]
    DuplicateLogin(String),
    /// A user was linked to a partner that does not exist.
    #[error("partner {0} does not exist")]
    UnknownPartner(PartnerId),
    /// Hashing a password failed (in practice: the OS random number generator did).
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// A password was given or checked in a build without the `password` feature, which holds
    /// the hashing (argon2id): a user with a password cannot be added, and logins fail.
    #[error(
        "passwords are not available: this build of authroute lacks the `password` feature (enable `password` or `sqlite`)"
    )]
    PasswordFeatureDisabled,
    /// The database file could not be opened or its schema could not be set up.
    #[error("cannot open user directory `{}`: {reason}", path.display())]
    Open {
        /// The file that was being opened.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// A user to insert with a directory's seeding method (`add_user`).
///
/// The password is given in clear and hashed on insertion; `Debug` never prints it.
///
/// ```
/// use authroute::directory::NewUser;
/// let user = NewUser::new("Marc Demo").login("demo").password("hunter2");
/// assert_eq!(user.login.as_deref(), Some("demo"));
/// assert!(user.active);
/// assert!(!format!("{user:?}").contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login name; `None` for a user that cannot log in (such as the public user).
    pub login: Option<String>,
    /// Clear-text password; `None` for a user that cannot log in with one.
    pub password: Option<String>,
    /// Display name.
    pub name: String,
    /// Whether the user may log in.
    pub active: bool,
    /// The linked partner, which must exist.
    pub partner_id: Option<PartnerId>,
}

impl NewUser {
    /// An active user with this display name, no login, no password and no partner.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            login: None,
            password: None,
            name: name.into(),
            active: true,
            partner_id: None,
        }
    }

    /// Sets the login.
    pub fn login(mut self, login: impl Into<String>) -> Self {
        self.login = Some(login.into());
        self
    }

    /// Sets the clear-text password.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Links the user to a partner.
    pub fn partner(mut self, partner_id: PartnerId) -> Self {
        self.partner_id = Some(partner_id);
        self
    }

    /// Marks the user inactive.
    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("login", &self.login)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("name", &self.name)
            .field("active", &self.active)
            .field("partner_id", &self.partner_id)
            .finish()
    }
}

/// Users and partners, as the runtime needs them.
pub trait Directory: Send + Sync + std::fmt::Debug + 'static {
    /// Checks a login and password; `Ok(None)` for an unknown login, a wrong password or an
    /// inactive user (the caller cannot tell which, on purpose).
    fn authenticate<'a>(
        &'a self,
        login: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Uid>, DirectoryError>>;

    /// The user with this id, active or not.
    fn user(&self, uid: Uid) -> BoxFuture<'_, Result<Option<User>, DirectoryError>>;

    /// The user with this exact login, active or not; what a validator's `user: claim("...")`
    /// strategy looks up.
    fn user_by_login<'a>(
        &'a self,
        login: &'a str,
    ) -> BoxFuture<'a, Result<Option<User>, DirectoryError>>;

    /// The partner with this id.
    fn partner(&self, id: PartnerId) -> BoxFuture<'_, Result<Option<Partner>, DirectoryError>>;

    /// Every partner whose e-mail equals `email` exactly (case-sensitive, no trimming).
    fn partners_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Partner>, DirectoryError>>;
}

/// What a directory knows about a login before checking the password.
pub(crate) struct LoginRow {
    pub(crate) uid: Uid,
    pub(crate) password_hash: Option<String>,
    pub(crate) active: bool,
}

impl fmt::Debug for LoginRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRow")
            .field("uid", &self.uid)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "[redacted]"),
            )
            .field("active", &self.active)
            .finish()
    }
}
