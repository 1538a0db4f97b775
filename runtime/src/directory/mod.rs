//! Users and partners: who may log in, and the contacts tokens are matched against.
//!
//! The runtime only talks to the [`Directory`] trait. Two implementations ship:
//! [`MemoryDirectory`] for tests and small applications, and [`SqliteDirectory`], an embedded
//! SQLite file (the demo's default, so data survives a restart).

use std::future::Future;
use std::pin::Pin;

use crate::identity::{PartnerId, Uid};

// mod memory;
// mod password;
// mod sqlite;

// pub use memory::MemoryDirectory;
// pub use password::PasswordHasher;
// pub use sqlite::SqliteDirectory;

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

    /// The partner with this id.
    fn partner(&self, id: PartnerId) -> BoxFuture<'_, Result<Option<Partner>, DirectoryError>>;

    /// Every partner whose e-mail equals `email` exactly (case-sensitive, no trimming).
    fn partners_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Partner>, DirectoryError>>;
}
