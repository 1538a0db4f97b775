//! authroute: compile-time checked authentication for Rust HTTP routes.
#![deny(missing_docs)]

pub mod clock;
pub mod directory;
mod identity;
pub mod session;
mod sqlite;

pub use directory::{Directory, Partner, User};
pub use identity::{PartnerId, Uid};
pub use session::{Session, SessionStore};
