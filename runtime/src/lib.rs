//! authroute: compile-time checked authentication for Rust HTTP routes.
#![deny(missing_docs)]

pub mod clock;
mod identity;

pub use identity::{PartnerId, Uid};
