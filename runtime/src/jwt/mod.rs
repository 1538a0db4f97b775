//! JWT validators: configuration, the decoding policy and key sources.

pub mod config;
pub(crate) mod cookie;
mod error;
pub mod jwk;
pub mod jwks;
pub mod keys;
pub mod policy;
mod scan;

pub use error::{Part, TokenError};
