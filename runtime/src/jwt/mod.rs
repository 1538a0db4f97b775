//! JWT validators: configuration, the decoding policy and key sources.

pub mod config;
pub(crate) mod cookie;
