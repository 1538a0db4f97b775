//! Our decoding policy for compact JWS tokens (RFC 7515, 7519, 8725).
//!
//! [`parse`] checks the size cap, splits the token, base64url-decodes header and payload once
//! into one buffer, and scans the header once; [`UnverifiedToken::verify`] checks the signature
//! with `jsonwebtoken::crypto::verify` (the `aws_lc_rs` backend, the only one enabled, so no
//! provider needs installing) and then scans the claims once. The handler's own claims type is
//! deserialized later, from the decoded payload, only if it asks ([`VerifiedToken::claims`]).
//!
//! # What is rejected, and why
//!
//! - Tokens longer than [`Policy::max_token_bytes`] (default 8 KiB), before any decoding.
//! - Anything but three segments: five is a JWE (RFC 7516), a leading `{` is the JWS JSON
//!   serialization (RFC 7515 7.2); only the compact form is accepted.
//! - Segments that are not strict base64url without padding (RFC 7515 2): `=`, `+`, `/`,
//!   whitespace, and non-zero trailing bits are refused. The payload may be empty at the JWS
//!   layer (it then fails the claims check).
//! - A header that is not a JSON object, has duplicate members (RFC 7515 5.2), or whose `alg`
//!   is missing, not a string, or not exactly the policy's algorithm (`none` in any case,
//!   lower-case names: RFC 8725 2.1, 3.1).
//! - `crit` in any form: we understand no extension (RFC 7515 4.1.11); `b64` (RFC 7797), `zip`,
//!   `enc` (JWE parameters); `cty` equal to `JWT` (nested tokens, RFC 7519 5.2, RFC 8725 2.8).
//! - `kid`, `typ`, `cty` that are not strings. With [`Policy::required_typ`], a missing or
//!   different `typ`; media types compare case-insensitively with an optional `application/`
//!   prefix, so `at+jwt` accepts `application/at+jwt` (RFC 9068 2.1, RFC 8725 3.11).
//! - `jwk`, `jku`, `x5u`, `x5c`, `x5t`, `x5t#S256` are ignored: keys never come from the token
//!   (RFC 8725 3.10); `kid` is only a lookup key. Ignored does not mean unchecked: each must
//!   have its registered type (a string; `jwk` an object; `x5c` an array of strings, RFC 7515
//!   4.1.2-4.1.8), or the token is malformed.
//! - Claims that are not a JSON object or have duplicate top-level members.
//! - `exp` (required), `nbf`, `iat` that are not integers: JSON numbers written with a fraction
//!   or an exponent (`1.5`, `1.0`, `1e9`), strings, booleans, `null` and integers outside `i64`
//!   are refused, as RFC 7519 2 NumericDate values are seconds and every issuer we know sends
//!   integers.
//! - `aud` (required) that is not a string or a non-empty array of strings; `iss` (required)
//!   that is not a single string (an array is refused); `sub` and `jti` that are not strings
//!   (RFC 7519 4.1.2, 4.1.7).
//! - Expiry follows RFC 7519 4.1.4 ("the current time must be before `exp`"): a token is
//!   expired when `exp <= now - leeway`. (`jsonwebtoken` uses `exp < now - leeway`, one second
//!   more lenient.) `nbf > now + leeway` is not valid yet, `iat > now + leeway` was issued in
//!   the future.
//! - `aud`: accepted when the token's audience (string or array) contains at least one of the
//!   policy's, compared exactly (case-sensitive, no trimming). `iss`: exact match.
//! - With [`Policy::max_lifetime`], `exp - now` and (when `iat` is present) `exp - iat` above it.

use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey};

use super::error::{Part, TokenError};
use super::keys::{self, KeyFamily, VerifyingKey, alg_name};
use super::scan::{self, Aud, Slot};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The default size cap for a token, in bytes.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8192;

/// The longest signature segment accepted, in characters (an RSA-8192 signature).
const MAX_SIGNATURE_CHARS: usize = 1366;

/// Whether `text` is canonical unpadded base64url (RFC 7515 2, RFC 4648 5): only the URL-safe
/// alphabet, no length that leaves a lone character, and zero trailing bits in the last one.
fn is_base64url_no_pad(text: &[u8]) -> bool {
    fn value(byte: u8) -> Option<u8> {
        match byte {
            b'A'..=b'Z' => Some(byte - b'A'),
            b'a'..=b'z' => Some(byte - b'a' + 26),
            b'0'..=b'9' => Some(byte - b'0' + 52),
            b'-' => Some(62),
            b'_' => Some(63),
            _ => None,
        }
    }
    if !text
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    {
        return false;
    }
    let unused_bits_mask = match text.len() % 4 {
        0 => return true,
        1 => return false,
        2 => 0x0f,
        _ => 0x03,
    };
    text.last()
        .and_then(|last| value(*last))
        .is_some_and(|v| v & unused_bits_mask == 0)
}

/// What a validator accepts.
///
/// ```
/// use authroute::jwt::policy::Policy;
/// use jsonwebtoken::Algorithm;
/// let mut policy = Policy::new(Algorithm::RS256, ["api", "admin"], "https://issuer.example");
/// policy.leeway = 30;
/// policy.required_typ = Some("at+jwt".into());
/// assert_eq!(policy.max_token_bytes, 8192);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The only algorithm accepted; the token's `alg` must equal it.
    pub algorithm: Algorithm,
    /// Accepted audiences: the token passes when its `aud` contains at least one of them. An
    /// empty list accepts nothing.
    pub audience: Vec<String>,
    /// The exact issuer.
    pub issuer: String,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 0).
    pub leeway: u64,
    /// A required `typ` header, e.g. `at+jwt` (default none).
    pub required_typ: Option<String>,
    /// The size cap, checked before any decoding (default 8192).
    pub max_token_bytes: usize,
    /// An upper bound on `exp - now` and `exp - iat`, in seconds (default none).
    pub max_lifetime: Option<u64>,
}

impl Policy {
    /// A policy with a leeway of 0, no required `typ`, an 8 KiB size cap and no lifetime bound.
    pub fn new(
        algorithm: Algorithm,
        audience: impl IntoIterator<Item = impl Into<String>>,
        issuer: impl Into<String>,
    ) -> Self {
        Self {
            algorithm,
            audience: audience.into_iter().map(Into::into).collect(),
            issuer: issuer.into(),
            leeway: 0,
            required_typ: None,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            max_lifetime: None,
        }
    }
}

/// A token whose structure and header passed the policy, not yet verified.
///
/// It borrows the token text (the signing input and the signature) and owns one buffer with the
/// decoded payload followed by the decoded header. Its `Debug` output shows no token text.
pub struct UnverifiedToken<'t> {
    signing_input: &'t str,
    signature: &'t str,
    alg: Algorithm,
    /// Decoded payload, then decoded header.
    buf: Vec<u8>,
    payload_len: usize,
    /// Position of `kid` in `buf` (or an unescaped copy).
    kid: Slot,
}

/// Splits, decodes and checks the structure and header of a compact JWS against `policy`.
///
/// ```
/// use authroute::jwt::{TokenError, policy::{Policy, parse}};
/// let policy = Policy::new(jsonwebtoken::Algorithm::HS256, ["api"], "me");
/// // {"alg":"none"}.{}.
/// assert_eq!(
///     parse("eyJhbGciOiJub25lIn0.e30.", &policy).unwrap_err(),
///     TokenError::AlgorithmMismatch { expected: jsonwebtoken::Algorithm::HS256 }
/// );
/// ```
pub fn parse<'t>(token: &'t str, policy: &Policy) -> Result<UnverifiedToken<'t>, TokenError> {
    if token.len() > policy.max_token_bytes {
        return Err(TokenError::TooLarge {
            max: policy.max_token_bytes,
        });
    }
    let expected_alg =
        alg_name(policy.algorithm).ok_or(TokenError::UnsupportedAlgorithm(policy.algorithm))?;
    if token.trim_start().starts_with('{') {
        return Err(TokenError::JsonSerialization);
    }
    let Some((header_b64, rest)) = token.split_once('.') else {
        return Err(TokenError::SegmentCount);
    };
    let Some((payload_b64, signature)) = rest.split_once('.') else {
        return Err(TokenError::SegmentCount);
    };
    if signature.contains('.') {
        let extra = signature.bytes().filter(|b| *b == b'.').count();
        return Err(if extra == 2 {
            TokenError::Jwe
        } else {
            TokenError::SegmentCount
        });
    }
    let signing_input = &token[..header_b64.len() + 1 + payload_b64.len()];

    // The signature is decoded by `jsonwebtoken::crypto::verify`; checking its alphabet, length
    // and trailing bits here refuses a malformed one early, without decoding it twice.
    if signature.len() > MAX_SIGNATURE_CHARS || !is_base64url_no_pad(signature.as_bytes()) {
        return Err(TokenError::Base64(Part::Signature));
    }

    let mut buf = Vec::with_capacity(
        base64::decoded_len_estimate(payload_b64.len())
            + base64::decoded_len_estimate(header_b64.len()),
    );
    URL_SAFE_NO_PAD
        .decode_vec(payload_b64, &mut buf)
        .map_err(|_| TokenError::Base64(Part::Payload))?;
    let payload_len = buf.len();
    URL_SAFE_NO_PAD
        .decode_vec(header_b64, &mut buf)
        .map_err(|_| TokenError::Base64(Part::Header))?;

    let header_bytes = buf.get(payload_len..).unwrap_or_default();
    let header_text =
        std::str::from_utf8(header_bytes).map_err(|_| TokenError::InvalidJson(Part::Header))?;
    let header = scan::header(
        header_text,
        policy.algorithm,
        expected_alg,
        policy.required_typ.as_deref(),
    )?;
    let kid = match header.kid {
        Some(kid) => Slot::from_cow(kid, header_text, payload_len),
        None => Slot::None,
    };

    Ok(UnverifiedToken {
        signing_input,
        signature,
        alg: policy.algorithm,
        buf,
        payload_len,
        kid,
    })
}

impl<'t> UnverifiedToken<'t> {
    /// The `kid` header, if any: only a key lookup key, never trusted for anything else.
    pub fn kid(&self) -> Option<&str> {
        self.kid.get_bytes(&self.buf)
    }

    /// The token's algorithm (equal to the policy's).
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The decoded payload bytes (unverified).
    pub fn payload(&self) -> &[u8] {
        self.buf.get(..self.payload_len).unwrap_or_default()
    }

    /// Checks the signature only (the JWS layer), with `key` for the token's algorithm.
    ///
    /// Fails with [`TokenError::KeyMismatch`] when the key is of another family than the
    /// algorithm, and [`TokenError::InvalidSignature`] when the signature does not verify.
    pub fn verify_signature(&self, key: &(impl SignatureKey + ?Sized)) -> Result<(), TokenError> {
        key.check(self)
    }

    /// The signature check through `jsonwebtoken`.
    fn verify_with_library(&self, key: &DecodingKey) -> Result<(), TokenError> {
        let mismatch = TokenError::KeyMismatch { alg: self.alg };
        let family = KeyFamily::of(self.alg).ok_or(mismatch.clone())?;
        if key.family() != family.to_jsonwebtoken() {
            return Err(mismatch);
        }
        match jsonwebtoken::crypto::verify(
            self.signature,
            self.signing_input.as_bytes(),
            key,
            self.alg,
        ) {
            Ok(true) => Ok(()),
            Ok(false) => Err(TokenError::InvalidSignature),
            Err(_) => Err(mismatch),
        }
    }

    /// The HMAC check with a prepared key: the same decoding of the signature as
    /// `jsonwebtoken` (base64url without padding, canonical), then a constant-time comparison.
    fn verify_with_prepared_hmac(&self, key: &aws_lc_rs::hmac::Key) -> Result<(), TokenError> {
        let mismatch = TokenError::KeyMismatch { alg: self.alg };
        if keys::hmac_algorithm(self.alg) != Some(key.algorithm()) {
            return Err(mismatch);
        }
        let mut signature = [0_u8; 64];
        let len = URL_SAFE_NO_PAD
            .decode_slice(self.signature, &mut signature)
            .map_err(|_| mismatch)?;
        aws_lc_rs::hmac::verify(key, self.signing_input.as_bytes(), &signature[..len])
            .map_err(|_| TokenError::InvalidSignature)
    }

    /// Checks the signature, then the claims against `policy` at time `now` (seconds since the
    /// Unix epoch), in a single pass over the claims. `policy` must be the one given to
    /// [`parse`]; its algorithm is checked again.
    pub fn verify(
        self,
        key: &(impl SignatureKey + ?Sized),
        policy: &Policy,
        now: i64,
    ) -> Result<VerifiedToken, TokenError> {
        if self.alg != policy.algorithm {
            return Err(TokenError::AlgorithmMismatch {
                expected: policy.algorithm,
            });
        }
        self.verify_signature(key)?;
        let UnverifiedToken {
            buf,
            payload_len,
            kid,
            ..
        } = self;
        let json = String::from_utf8(buf).map_err(|_| TokenError::InvalidJson(Part::Payload))?;
        let payload = json
            .get(..payload_len)
            .ok_or(TokenError::InvalidJson(Part::Payload))?;
        let claims = scan::claims(payload, &policy.audience, &policy.issuer)?;
        let exp = check_claims(&claims, policy, now)?;
        let email = match claims.email {
            Some(email) => Slot::from_cow(email, payload, 0),
            None => Slot::None,
        };
        Ok(VerifiedToken {
            json,
            payload_len,
            kid,
            email,
            exp,
            grants: GrantsCache::default(),
        })
    }
}

/// The time, audience and issuer checks; returns `exp`.
fn check_claims(
    claims: &scan::ClaimsScan<'_>,
    policy: &Policy,
    now: i64,
) -> Result<i64, TokenError> {
    let exp = claims.exp.ok_or(TokenError::MissingClaim { name: "exp" })?;
    if claims.aud == Aud::Missing {
        return Err(TokenError::MissingClaim { name: "aud" });
    }
    let iss_matches = claims.iss.ok_or(TokenError::MissingClaim { name: "iss" })?;
    let leeway = i64::try_from(policy.leeway).unwrap_or(i64::MAX);
    if exp <= now.saturating_sub(leeway) {
        return Err(TokenError::Expired);
    }
    if claims
        .nbf
        .is_some_and(|nbf| nbf > now.saturating_add(leeway))
    {
        return Err(TokenError::NotYetValid);
    }
    if claims
        .iat
        .is_some_and(|iat| iat > now.saturating_add(leeway))
    {
        return Err(TokenError::IssuedInFuture);
    }
    if let Some(max) = policy.max_lifetime {
        let bound = i64::try_from(max).unwrap_or(i64::MAX);
        let too_long = exp.saturating_sub(now) > bound
            || claims
                .iat
                .is_some_and(|iat| exp.saturating_sub(iat) > bound);
        if too_long {
            return Err(TokenError::LifetimeTooLong { max });
        }
    }
    if !iss_matches {
        return Err(TokenError::IssuerMismatch);
    }
    if claims.aud != Aud::Match {
        return Err(TokenError::AudienceMismatch);
    }
    Ok(exp)
}

/// A token that passed the whole policy. It owns the decoded payload; handler claims are
/// deserialized from it only on demand. Its `Debug` output shows no claim values.
///
/// ```
/// # use authroute::jwt::{keys, policy::{self, Policy}};
/// # use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
/// # let secret = [9u8; 32];
/// # let claims = serde_json::json!({"aud": "api", "iss": "me", "exp": 2_000_000_000_i64, "email": "a@b.c", "sub": "42"});
/// # let token = encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&secret)).unwrap();
/// # let policy = Policy::new(Algorithm::HS256, ["api"], "me");
/// # let key = keys::hmac_key(&secret, Algorithm::HS256).unwrap();
/// let verified = policy::parse(&token, &policy)?.verify(&key, &policy, 1_700_000_000)?;
/// assert_eq!(verified.email(), Some("a@b.c"));
/// #[derive(serde::Deserialize)]
/// struct Mine { sub: String }
/// assert_eq!(verified.claims::<Mine>().unwrap().sub, "42");
/// # Ok::<(), authroute::jwt::TokenError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedToken {
    /// Decoded payload, then decoded header; all UTF-8.
    json: String,
    payload_len: usize,
    kid: Slot,
    email: Slot,
    exp: i64,
    grants: GrantsCache,
}

/// The grants read at the accepting validator's claim path, kept with the token: a verified
/// token is cached and shared by the requests that present it again, so the claims are walked
/// once per token rather than once per request.
#[derive(Clone, Default)]
struct GrantsCache(std::sync::OnceLock<(&'static str, Vec<String>)>);

impl PartialEq for GrantsCache {
    /// A cache says nothing about the token's identity.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for GrantsCache {}

impl VerifiedToken {
    /// Deserializes the claims into the handler's type.
    pub fn claims<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.payload_json())
    }

    /// The claims as a JSON map.
    pub fn claims_map(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(self.payload_json()).unwrap_or_default()
    }

    /// The grants at a dotted claim path (`scope`, `realm_access.roles`): the words of a
    /// space-separated string, or the strings of an array (other members ignored); none when
    /// the path is missing or of another type.
    pub fn grants(&self, path: &str) -> Vec<String> {
        super::grants::read(self.payload_json(), path)
    }

    /// [`grants`](Self::grants) at a validator's claim path, read once per token.
    pub(crate) fn grants_at(&self, path: &'static str) -> std::borrow::Cow<'_, [String]> {
        let (cached_path, grants) = self
            .grants
            .0
            .get_or_init(|| (path, super::grants::read(self.payload_json(), path)));
        if *cached_path == path {
            std::borrow::Cow::Borrowed(grants)
        } else {
            std::borrow::Cow::Owned(self.grants(path))
        }
    }

    /// A top-level claim, when it is a string.
    pub fn string_claim(&self, name: &str) -> Option<String> {
        super::grants::string_at(self.payload_json(), name)
    }

    /// The `email` claim when it is a string.
    pub fn email(&self) -> Option<&str> {
        self.email.get(&self.json)
    }

    /// The `exp` claim.
    pub fn exp(&self) -> i64 {
        self.exp
    }

    /// The `kid` header, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.get(&self.json)
    }

    /// The decoded payload, a JSON object.
    pub fn payload_json(&self) -> &str {
        self.json.get(..self.payload_len).unwrap_or_default()
    }
}

impl fmt::Debug for UnverifiedToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnverifiedToken")
            .field("alg", &self.alg)
            .field("has_kid", &!matches!(self.kid, Slot::None))
            .field("payload_bytes", &self.payload_len)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for VerifiedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedToken")
            .field("exp", &self.exp)
            .field("has_kid", &!matches!(self.kid, Slot::None))
            .field("payload_bytes", &self.payload_len)
            .finish_non_exhaustive()
    }
}

/// A key a token's signature can be checked with: a `jsonwebtoken` [`DecodingKey`], or a
/// [`VerifyingKey`] prepared once (faster for HMAC).
pub trait SignatureKey: sealed::Sealed {
    /// Checks `token`'s signature.
    fn check(&self, token: &UnverifiedToken<'_>) -> Result<(), TokenError>;
}

impl SignatureKey for DecodingKey {
    fn check(&self, token: &UnverifiedToken<'_>) -> Result<(), TokenError> {
        token.verify_with_library(self)
    }
}

impl SignatureKey for VerifyingKey {
    fn check(&self, token: &UnverifiedToken<'_>) -> Result<(), TokenError> {
        match self.prepared_hmac() {
            Some(hmac) => token.verify_with_prepared_hmac(hmac),
            None => token.verify_with_library(self.decoding()),
        }
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for jsonwebtoken::DecodingKey {}
    impl Sealed for super::VerifyingKey {}
}
