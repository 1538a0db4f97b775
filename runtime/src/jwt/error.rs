//! Why a token was refused.

use std::fmt;

use jsonwebtoken::Algorithm;

use super::keys::alg_name;

/// A part of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The protected header (first segment).
    Header,
    /// The payload, i.e. the claims (second segment).
    Payload,
    /// The signature (third segment).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// Displays an algorithm by its JOSE name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgName(pub Algorithm);

impl fmt::Display for AlgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match alg_name(self.0) {
            Some(name) => f.write_str(name),
            None => write!(f, "{:?}", self.0),
        }
    }
}

/// Why a token was refused by the decoding policy.
///
/// One variant per cause. Messages are lower-case and never contain any text taken from the
/// token (only static names and the policy's own settings), so they are safe to log.
///
/// ```
/// use authroute::jwt::{TokenError, policy::{Policy, parse}};
/// let policy = Policy::new(jsonwebtoken::Algorithm::HS256, ["api"], "me");
/// assert_eq!(parse("a.b", &policy).unwrap_err(), TokenError::SegmentCount);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is longer than the policy's size cap (checked before any decoding).
    #[error("token is longer than {max} bytes")]
    TooLarge {
        /// The cap, [`Policy::max_token_bytes`](super::policy::Policy::max_token_bytes).
        max: usize,
    },
    /// Five segments: a JWE (encrypted token), which we never accept.
    #[error("token has five segments (a jwe); only a signed jwt is accepted")]
    Jwe,
    /// The JWS JSON serialization (`{"payload": ...}`) instead of the compact form.
    #[error("token uses the json serialization; only the compact serialization is accepted")]
    JsonSerialization,
    /// Not exactly three dot-separated segments.
    #[error("token does not have exactly three segments")]
    SegmentCount,
    /// A segment is not strict base64url without padding.
    #[error("token {0} is not unpadded base64url")]
    Base64(Part),
    /// A segment is not valid (UTF-8) JSON.
    #[error("token {0} is not valid json")]
    InvalidJson(Part),
    /// A segment is valid JSON but not an object.
    #[error("token {0} is not a json object")]
    NotAnObject(Part),
    /// A member name appears twice at the top level of the header or the claims.
    #[error("token {0} has a duplicate member")]
    DuplicateMember(Part),
    /// The header has no `alg`.
    #[error("token header has no alg")]
    MissingAlg,
    /// The header's `alg` is not the policy's algorithm (this includes `none` in any case).
    #[error("token alg is not the expected {}", AlgName(*expected))]
    AlgorithmMismatch {
        /// The policy's algorithm.
        expected: Algorithm,
    },
    /// A known header parameter has the wrong JSON type (`alg`, `kid`, `typ`, `cty`, and the
    /// ignored key parameters `jku`, `jwk`, `x5u`, `x5c`, `x5t`, `x5t#S256`).
    #[error("token header parameter {name} has the wrong json type")]
    InvalidHeaderType {
        /// The parameter's name.
        name: &'static str,
    },
    /// A header parameter we refuse on principle: `crit` (we understand no extension), `b64`
    /// (RFC 7797 unencoded payloads), `zip` (compression), `enc` (JWE).
    #[error("token header parameter {name} is not accepted")]
    UnsupportedHeader {
        /// The parameter's name.
        name: &'static str,
    },
    /// `cty: JWT`: a nested token, which we never unwrap.
    #[error("nested jwts (cty jwt) are not accepted")]
    NestedJwt,
    /// The policy requires a `typ` and the header has none.
    #[error("token has no typ but one is required")]
    MissingTyp,
    /// The header's `typ` is not the required one.
    #[error("token typ is not the required type")]
    TypMismatch,
    /// The key cannot verify this algorithm (wrong family or malformed key).
    #[error("the key cannot verify {}", AlgName(*alg))]
    KeyMismatch {
        /// The token's (and policy's) algorithm.
        alg: Algorithm,
    },
    /// The signature does not verify.
    #[error("token signature does not verify")]
    InvalidSignature,
    /// A required claim (`exp`, `aud`, `iss`) is absent.
    #[error("required claim {name} is missing")]
    MissingClaim {
        /// The claim's name.
        name: &'static str,
    },
    /// A registered claim has the wrong JSON type (`exp`/`nbf`/`iat` not an integer, `aud` not
    /// a string or an array of strings, `iss` not a string).
    #[error("claim {name} has the wrong json type")]
    InvalidClaimType {
        /// The claim's name.
        name: &'static str,
    },
    /// `aud` is an empty array.
    #[error("claim aud is an empty array")]
    EmptyAudience,
    /// `exp` is in the past (beyond the leeway).
    #[error("token has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token is not valid yet")]
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    #[error("token was issued in the future")]
    IssuedInFuture,
    /// `exp - now` or `exp - iat` exceeds the policy's `max_lifetime`.
    #[error("token lifetime exceeds {max} seconds")]
    LifetimeTooLong {
        /// The policy's maximum lifetime in seconds.
        max: u64,
    },
    /// No audience of the token is one of the policy's.
    #[error("token audience is not accepted")]
    AudienceMismatch,
    /// `iss` is not the policy's issuer.
    #[error("token issuer is not accepted")]
    IssuerMismatch,
    /// The policy's algorithm is not one this crate supports.
    #[error("algorithm {0:?} is not supported")]
    UnsupportedAlgorithm(Algorithm),
}
