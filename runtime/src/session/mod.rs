//! Login sessions: opaque random ids in a cookie, mapped to a user.
//!
//! The runtime only talks to the [`SessionStore`] trait. Two implementations ship:
//! [`MemorySessionStore`] and `SqliteSessionStore` (sessions survive a restart; feature
//! `sqlite`).
//!
//! Stores never return an expired session but keep it until [`SessionStore::expire`] runs; a
//! [`Sweeper`] calls it in the background at a fixed interval.

use std::fmt;
use std::path::PathBuf;

use crate::directory::BoxFuture;
use crate::identity::Uid;

#[cfg(test)]
mod conformance;
mod id;
mod memory;
#[cfg(feature = "sqlite")]
mod sqlite;
mod sweeper;

pub use id::{SESSION_ID_LEN, is_well_formed_session_id, new_session_id};
pub use memory::MemorySessionStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteSessionStore;
pub use sweeper::{MIN_SWEEP_INTERVAL, Sweeper};

/// Name of the session cookie (Odoo's).
pub const SESSION_COOKIE: &str = "session_id";

/// A logged-in session.
///
/// The id is a bearer credential: `Debug` prints it as `"[redacted]"`.
///
/// ```
/// use authroute::{Session, Uid};
///
/// let session = Session {
///     id: "ZXhhbXBsZS1zZXNzaW9uLWlk".into(),
///     uid: Uid(2),
///     created_at: 1_000,
///     expires_at: 4_600,
/// };
/// let text = format!("{session:?}");
/// assert!(text.contains(r#"id: "[redacted]""#) && text.contains("uid: Uid(2)"));
/// assert!(!text.contains(&session.id));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// Opaque random id (at least 128 bits from the OS RNG, URL-safe text).
    pub id: String,
    /// The logged-in user.
    pub uid: Uid,
    /// Creation time, seconds since the Unix epoch.
    pub created_at: i64,
    /// Expiry time, seconds since the Unix epoch; the session is gone at and after it.
    pub expires_at: i64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &"[redacted]")
            .field("uid", &self.uid)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What can go wrong when talking to a session store.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The storage backend failed.
    #[error("session storage error: {0}")]
    Storage(String),
    /// The OS random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(String),
    /// The database file could not be opened or its schema could not be set up.
    #[error("cannot open session store `{}`: {reason}", path.display())]
    Open {
        /// The file that was being opened.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Where sessions live. Times are passed in (seconds since the Unix epoch) so that the caller's
/// clock decides, and tests never sleep.
pub trait SessionStore: Send + Sync + std::fmt::Debug + 'static {
    /// Creates a session for `uid` that expires `ttl` seconds after `now`.
    fn create(&self, uid: Uid, now: i64, ttl: i64) -> BoxFuture<'_, Result<Session, SessionError>>;

    /// The session with this id, if it exists and has not expired at `now`.
    fn load<'a>(
        &'a self,
        id: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Session>, SessionError>>;

    /// Extends a live session to expire `ttl` seconds after `now`; `false` when it does not exist.
    fn touch<'a>(
        &'a self,
        id: &'a str,
        now: i64,
        ttl: i64,
    ) -> BoxFuture<'a, Result<bool, SessionError>>;

    /// Deletes a session; `false` when it did not exist.
    fn destroy<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionError>>;

    /// Deletes every session expired at `now`; returns how many.
    fn expire(&self, now: i64) -> BoxFuture<'_, Result<u64, SessionError>>;
}
