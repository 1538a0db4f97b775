//! The JWKS cache and its HTTP client (feature `jwks`): fetching, refreshing, rate limiting.
//!
//! Requests whose key is in the current snapshot read it without waiting on anything but a
//! short read lock around an `Arc` clone. Only a `kid` the snapshot lacks may trigger a fetch;
//! concurrent requests for it share one fetch (the refresh mutex), fetches are limited by a token
//! bucket, and a `kid` still unknown after a fetch is remembered (bounded) so that repeating it,
//! or spraying random ones, causes no more fetches than the bucket allows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use jsonwebtoken::Algorithm;

use super::JwksSettings;
use crate::clock::Clock;
use crate::jwt::jwk::{self, KeySet};

/// Where the document is.
#[derive(Debug, Clone)]
pub enum JwksLocation {
    /// A JWKS URL.
    Uri(String),
    /// OIDC discovery from this issuer.
    Discovery(String),
}

/// Why no key could be given for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLookupError {
    /// The key set is known and has no key for this token: 401.
    Unknown(String),
    /// No key set could be fetched yet: 503.
    Unavailable,
}

#[derive(Debug)]
struct Snapshot {
    keys: Option<Arc<KeySet>>,
    generation: u64,
    next_refresh: i64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: i64,
}

/// A validator's cached JWKS.
#[derive(Debug)]
pub struct JwksCache {
    validator: &'static str,
    location: JwksLocation,
    allow_http: bool,
    algorithm: Algorithm,
    settings: JwksSettings,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    snapshot: RwLock<Arc<Snapshot>>,
    refresh: tokio::sync::Mutex<()>,
    bucket: Mutex<Bucket>,
    unknown: Mutex<HashMap<String, i64>>,
    fetches: std::sync::atomic::AtomicU64,
}

impl JwksCache {
    /// A cache with no keys yet; call [`JwksCache::refresh_now`] or let the first request fetch.
    pub fn new(
        validator: &'static str,
        location: JwksLocation,
        allow_http: bool,
        algorithm: Algorithm,
        settings: JwksSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        check_url(location_url(&location), allow_http)?;
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.total_timeout)
            .redirect(same_host_redirects())
            .build()
            .map_err(|err| format!("cannot build the HTTP client: {err}"))?;
        let now = clock.now();
        Ok(Self {
            validator,
            location,
            allow_http,
            algorithm,
            client,
            snapshot: RwLock::new(Arc::new(Snapshot {
                keys: None,
                generation: 0,
                next_refresh: now,
            })),
            refresh: tokio::sync::Mutex::new(()),
            bucket: Mutex::new(Bucket {
                tokens: f64::from(settings.fetches_per_minute),
                updated: now,
            }),
            unknown: Mutex::new(HashMap::new()),
            fetches: Default::default(),
            settings,
            clock,
        })
    }

    /// How many fetches were attempted (for tests and metrics).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The `Retry-After` seconds for 503 answers.
    pub fn retry_after(&self) -> u32 {
        self.settings.retry_after
    }

    fn current(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The key for a token with this `kid`; may fetch (single-flight, rate-limited).
    pub async fn key(&self, kid: Option<&str>) -> Result<Arc<KeySet>, KeyLookupError> {
        let snapshot = self.current();
        if let Some(keys) = &snapshot.keys
            && keys.select(kid).is_ok()
        {
            return Ok(keys.clone());
        }
        if let Some(kid) = kid
            && self.remembered_unknown(kid)
        {
            return Err(self.missing(&snapshot, kid));
        }
        let _flight = self.refresh.lock().await;
        let latest = self.current();
        if latest.generation == snapshot.generation && self.take_token() {
            self.fetch_and_swap().await;
        }
        let latest = self.current();
        match &latest.keys {
            Some(keys) if keys.select(kid).is_ok() => Ok(keys.clone()),
            Some(_) => {
                if let Some(kid) = kid {
                    self.remember_unknown(kid);
                }
                Err(self.missing(&latest, kid.unwrap_or("")))
            }
            None => Err(KeyLookupError::Unavailable),
        }
    }

    fn missing(&self, snapshot: &Snapshot, kid: &str) -> KeyLookupError {
        match snapshot.keys {
            Some(_) => KeyLookupError::Unknown(format!("no key with kid of {} bytes", kid.len())),
            None => KeyLookupError::Unavailable,
        }
    }

    fn take_token(&self) -> bool {
        let now = self.clock.now();
        let mut bucket = match self.bucket.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let rate = f64::from(self.settings.fetches_per_minute) / 60.0;
        let elapsed = (now - bucket.updated).max(0) as f64;
        bucket.tokens =
            (bucket.tokens + elapsed * rate).min(f64::from(self.settings.fetches_per_minute));
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            tracing::debug!(
                validator = self.validator,
                "JWKS refresh skipped: rate limit"
            );
            false
        }
    }

    fn remembered_unknown(&self, kid: &str) -> bool {
        let now = self.clock.now();
        let unknown = match self.unknown.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        unknown.get(kid).is_some_and(|until| *until > now)
    }

    fn remember_unknown(&self, kid: &str) {
        let now = self.clock.now();
        let mut unknown = match self.unknown.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if unknown.len() >= self.settings.unknown_kid_capacity {
            unknown.retain(|_, until| *until > now);
        }
        // Still full of live entries: forget them all rather than grow without bound; the
        // token bucket keeps the fetch rate bounded either way.
        if unknown.len() >= self.settings.unknown_kid_capacity {
            unknown.clear();
        }
        if kid.len() <= 256 {
            unknown.insert(kid.to_string(), now + self.settings.unknown_kid_ttl);
        }
    }

    /// Fetches now (single-flight with request-driven refreshes), ignoring the rate limit;
    /// used at startup and by the periodic refresher.
    pub async fn refresh_now(&self) {
        let _flight = self.refresh.lock().await;
        self.fetch_and_swap().await;
    }

    /// When the periodic refresher should run next (seconds since the epoch).
    pub fn next_refresh(&self) -> i64 {
        self.current().next_refresh
    }

    async fn fetch_and_swap(&self) {
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let now = self.clock.now();
        let previous = self.current();
        let (keys, next_refresh) = match self.fetch().await {
            Ok((keys, max_age)) => {
                let period = max_age
                    .unwrap_or(self.settings.default_refresh)
                    .clamp(self.settings.min_refresh, self.settings.max_refresh);
                if let Ok(mut unknown) = self.unknown.lock() {
                    unknown.clear();
                }
                crate::observe::jwks_refreshed(self.validator, true, keys.len());
                (Some(Arc::new(keys)), now + period)
            }
            Err(err) => {
                tracing::warn!(validator = self.validator, error = %err, "JWKS refresh failed; keeping the last good keys");
                let kept = previous.keys.as_ref().map_or(0, |keys| keys.len());
                crate::observe::jwks_refreshed(self.validator, false, kept);
                (previous.keys.clone(), now + self.settings.min_refresh)
            }
        };
        let next = Arc::new(Snapshot {
            keys,
            generation: previous.generation + 1,
            next_refresh,
        });
        match self.snapshot.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    async fn fetch(&self) -> Result<(KeySet, Option<i64>), String> {
        let uri = match &self.location {
            JwksLocation::Uri(uri) => uri.clone(),
            JwksLocation::Discovery(issuer) => self.discover(issuer).await?,
        };
        let (body, max_age) = self.get(&uri).await?;
        let keys = jwk::parse_key_set(&body, self.algorithm, self.settings.max_body_bytes)
            .map_err(|err| format!("invalid JWKS document: {err}"))?;
        if keys.is_empty() {
            tracing::warn!(validator = self.validator, skipped = ?keys.skipped(), "JWKS document has no usable key");
        }
        Ok((keys, max_age))
    }

    async fn discover(&self, issuer: &str) -> Result<String, String> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let (body, _) = self.get(&url).await?;
        #[derive(serde::Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }
        let doc: Discovery = serde_json::from_slice(&body)
            .map_err(|err| format!("invalid OIDC discovery document: {err}"))?;
        if doc.issuer != issuer {
            return Err(format!(
                "OIDC discovery names issuer `{}`, not the configured `{issuer}`",
                doc.issuer.escape_debug()
            ));
        }
        check_url(&doc.jwks_uri, self.allow_http)?;
        Ok(doc.jwks_uri)
    }

    /// GET with the body cap enforced while streaming.
    async fn get(&self, url: &str) -> Result<(Vec<u8>, Option<i64>), String> {
        let mut response = self
            .client
            .get(url)
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|err| format!("fetching {url} failed: {err}"))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        let max_age = response
            .headers()
            .get(http::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_max_age);
        let cap = self.settings.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(format!("{url}: document larger than {cap} bytes"));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| format!("reading {url} failed: {err}"))?
        {
            if body.len() + chunk.len() > cap {
                return Err(format!("{url}: document larger than {cap} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, max_age))
    }
}

fn location_url(location: &JwksLocation) -> &str {
    match location {
        JwksLocation::Uri(uri) | JwksLocation::Discovery(uri) => uri,
    }
}

/// `https` always; plain `http` only when the validator allows it explicitly.
pub(crate) fn check_url(url: &str, allow_http: bool) -> Result<(), String> {
    let parsed: http::Uri = url
        .parse()
        .map_err(|_| format!("`{}` is not a valid URL", url.escape_debug()))?;
    match parsed.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if allow_http => Ok(()),
        Some("http") => Err(format!(
            "`{url}` is plain http; use https, or `allow_http: true` for local development"
        )),
        _ => Err(format!("`{url}` must be an https URL")),
    }
}

fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_host = attempt
            .previous()
            .first()
            .is_some_and(|first| first.host_str() == attempt.url().host_str());
        if attempt.previous().len() >= 3 || !same_host {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

fn parse_max_age(value: &str) -> Option<i64> {
    value
        .split(',')
        .map(str::trim)
        .find_map(|directive| directive.strip_prefix("max-age="))
        .and_then(|seconds| seconds.trim_matches('"').parse::<i64>().ok())
}

/// Keeps a cache fresh in the background until the cache is dropped.
pub(crate) fn spawn_refresher(cache: &Arc<JwksCache>) {
    let weak = Arc::downgrade(cache);
    tokio::spawn(async move {
        loop {
            let Some(cache) = weak.upgrade() else { return };
            let wait = (cache.next_refresh() - cache.clock.now()).max(1) as u64;
            drop(cache);
            tokio::time::sleep(Duration::from_secs(wait.min(3600))).await;
            let Some(cache) = weak.upgrade() else { return };
            if cache.clock.now() >= cache.next_refresh() {
                cache.refresh_now().await;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age() {
        assert_eq!(parse_max_age("public, max-age=300"), Some(300));
        assert_eq!(parse_max_age("no-cache"), None);
    }

    #[test]
    fn urls() {
        assert!(check_url("https://idp.example/certs", false).is_ok());
        assert!(check_url("http://127.0.0.1/certs", false).is_err());
        assert!(check_url("http://127.0.0.1/certs", true).is_ok());
        assert!(check_url("file:///etc/passwd", true).is_err());
    }
}
