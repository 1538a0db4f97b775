//! A bounded cache of verified tokens, per validator with a static key (HMAC secret or PEM
//! public key): clients send the same bearer token on every request until it expires, and
//! checking its signature again is most of the cost of a JWT route. Envoy's `jwt_authn` filter
//! does the same.
//!
//! Why it is safe:
//! - Only tokens that passed the whole policy are stored, and a hit needs the exact text: the
//!   map is indexed by a randomly keyed SipHash of the token's last 32 bytes (the signature,
//!   so hashing costs the same for every token size) and each slot holds the whole text, which
//!   a lookup compares. Two tokens sharing a slot only cost each other a verification. Garbage
//!   can never enter the cache, and filling it takes valid tokens.
//! - Of the policy's checks only expiry can change with time (`nbf`, `iat` and `max_lifetime`
//!   only get easier to meet), so a hit re-checks `exp` and drops the entry when it has passed;
//!   the full verification then reports the expiry as usual.
//! - Static keys never change while the application runs. JWKS validators are not cached: a key
//!   removed from the set must stop verifying at once.
//! - Bounded: at most [`ENTRIES`] tokens of at most [`MAX_TOKEN_BYTES`] each.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

use super::policy::VerifiedToken;

/// Tokens kept per validator.
pub const ENTRIES: usize = 1024;
/// Longer tokens are verified every time (typical access tokens are under 1.5 KiB).
pub const MAX_TOKEN_BYTES: usize = 2048;

/// Bytes of the token's end that pick its slot.
const HASHED_SUFFIX: usize = 32;

/// A remembered token: its whole text and its verdict.
type Entry = (Box<str>, Arc<VerifiedToken>);

/// Verified tokens: slot (the hash of the token's end) to the whole text and its verdict. Its
/// `Debug` shows how many tokens it holds, never their text: a bearer token is a credential.
#[derive(Default)]
pub(crate) struct VerifiedCache {
    slots: RandomState,
    entries: Mutex<HashMap<u64, Entry>>,
}

impl VerifiedCache {
    /// The verified token for this text, if cached and not expired at `now` (with `leeway`).
    pub(crate) fn get(&self, token: &[u8], now: i64, leeway: u64) -> Option<Arc<VerifiedToken>> {
        let slot = self.slot(token);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (text, verified) = entries.get(&slot)?;
        if text.as_bytes() != token {
            return None;
        }
        let leeway = i64::try_from(leeway).unwrap_or(i64::MAX);
        if verified.exp() > now.saturating_sub(leeway) {
            return Some(verified.clone());
        }
        entries.remove(&slot);
        None
    }

    fn slot(&self, token: &[u8]) -> u64 {
        self.slots
            .hash_one(&token[token.len().saturating_sub(HASHED_SUFFIX)..])
    }

    /// Remembers a token that passed the whole policy.
    pub(crate) fn insert(&self, token: &str, verified: &Arc<VerifiedToken>) {
        if token.len() > MAX_TOKEN_BYTES {
            return;
        }
        let slot = self.slot(token.as_bytes());
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= ENTRIES && !entries.contains_key(&slot) {
            // Any entry will do: the map's order is random, and a client whose token was
            // evicted pays one verification.
            if let Some(victim) = entries.keys().next().copied() {
                entries.remove(&victim);
            }
        }
        entries.insert(slot, (token.into(), verified.clone()));
    }

    /// How many tokens it holds.
    pub(crate) fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl std::fmt::Debug for VerifiedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedCache")
            .field("tokens", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::keys::hmac_key;
    use crate::jwt::policy::{Policy, parse};
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};

    const SECRET: &[u8] = b"cache-test-secret-of-32-bytes-at-least";

    fn verified(exp: i64, sub: &str) -> (String, Arc<VerifiedToken>) {
        let claims = serde_json::json!({"aud": "api", "iss": "me", "exp": exp, "sub": sub});
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        let policy = Policy::new(Algorithm::HS256, ["api"], "me");
        let key = hmac_key(SECRET, Algorithm::HS256).unwrap();
        let verified = parse(&token, &policy)
            .unwrap()
            .verify(&key, &policy, 0)
            .unwrap();
        (token, Arc::new(verified))
    }

    #[test]
    fn hits_until_expiry_then_forgets() {
        let cache = VerifiedCache::default();
        let (token, verified) = verified(1_000, "a");
        assert!(cache.get(token.as_bytes(), 0, 0).is_none());
        cache.insert(&token, &verified);
        assert_eq!(cache.get(token.as_bytes(), 999, 0).unwrap(), verified);
        // Expired at 1000 (RFC 7519 4.1.4), unless the leeway covers it.
        assert!(cache.get(token.as_bytes(), 1_004, 5).is_some());
        assert!(cache.get(token.as_bytes(), 1_000, 0).is_none());
        assert_eq!(cache.len(), 0, "an expired entry is dropped");
        // Another text never hits, even one differing in the signature only.
        cache.insert(&token, &verified);
        let mut other = token.clone();
        other.push('A');
        assert!(cache.get(other.as_bytes(), 0, 0).is_none());
        // Same slot (same last 32 bytes), different text: a miss, never the other's verdict.
        let same_slot = format!("x{token}");
        assert!(cache.get(same_slot.as_bytes(), 0, 0).is_none());
        assert!(cache.get(token.as_bytes(), 0, 0).is_some());
    }

    #[test]
    fn stays_bounded() {
        let cache = VerifiedCache::default();
        for i in 0..ENTRIES + 10 {
            let (token, verified) = verified(1_000, &i.to_string());
            cache.insert(&token, &verified);
        }
        assert_eq!(cache.len(), ENTRIES);
        let (long, verified) = verified(1_000, &"x".repeat(MAX_TOKEN_BYTES));
        cache.insert(&long, &verified);
        assert!(cache.get(long.as_bytes(), 0, 0).is_none());
    }

    #[test]
    fn debug_shows_no_token() {
        let cache = VerifiedCache::default();
        let (token, verified) = verified(1_000, "a");
        cache.insert(&token, &verified);
        let output = format!("{cache:?}");
        assert_eq!(output, "VerifiedCache { tokens: 1, .. }");
    }
}
