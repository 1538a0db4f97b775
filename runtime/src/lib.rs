//! authroute: compile-time checked authentication for Rust HTTP routes.
#![deny(missing_docs)]

pub mod clock;
mod identity;
pub mod jwt;

pub use identity::{PartnerId, Uid};
