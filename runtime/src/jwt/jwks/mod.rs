//! JWKS key source (SPEC section 9): fetched over HTTP(S) with timeouts and a body cap, cached
//! per validator as an immutable snapshot, refreshed single-flight and rate-limited.
//!
//! Requests whose key is in the current snapshot read it without waiting on anything but a
//! short read lock around an `Arc` clone. Only a `kid` the snapshot lacks may trigger a fetch;
//! concurrent requests for it share one fetch (the refresh mutex), fetches are limited by a token
//! bucket, and a `kid` still unknown after a fetch is remembered (bounded) so that repeating it,
//! or spraying random ones, causes no more fetches than the bucket allows.
//!
//! Fetching needs the `jwks` feature (on by default), which brings reqwest and rustls. Without
//! it only [`JwksSettings`] remains, so that configuration code builds either way, and a
//! validator declaring `jwks_uri` or `discovery: true` is a startup error that names the
//! validator and the feature.

use std::time::Duration;

#[cfg(feature = "jwks")]
mod cache;

#[cfg(feature = "jwks")]
pub(crate) use cache::spawn_refresher;
#[cfg(feature = "jwks")]
pub use cache::{JwksCache, JwksLocation, KeyLookupError};

/// Tunables of a JWKS cache. Without the `jwks` feature there is no cache, and they have no
/// effect.
#[derive(Debug, Clone)]
pub struct JwksSettings {
    /// Fetches allowed per minute on unknown `kid`s (token bucket size and refill).
    pub fetches_per_minute: u32,
    /// How long a `kid` unknown after a fetch stays remembered, in seconds.
    pub unknown_kid_ttl: i64,
    /// Most remembered unknown `kid`s.
    pub unknown_kid_capacity: usize,
    /// Largest accepted document, in bytes.
    pub max_body_bytes: usize,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub total_timeout: Duration,
    /// Refresh period bounds applied to `Cache-Control: max-age`, in seconds.
    pub min_refresh: i64,
    /// Upper bound of the refresh period.
    pub max_refresh: i64,
    /// Refresh period without `max-age`.
    pub default_refresh: i64,
    /// `Retry-After` sent with 503 when no keys are available.
    pub retry_after: u32,
}

impl Default for JwksSettings {
    fn default() -> Self {
        Self {
            fetches_per_minute: 10,
            unknown_kid_ttl: 300,
            unknown_kid_capacity: 1024,
            max_body_bytes: 512 * 1024,
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(5),
            min_refresh: 60,
            max_refresh: 24 * 3600,
            default_refresh: 600,
            retry_after: 10,
        }
    }
}
