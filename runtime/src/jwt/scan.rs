//! Single-pass scanners over the top-level JSON object of a JWT header and of its claims.
//!
//! Each scanner is a serde visitor over the top-level object: it detects duplicate member names
//! (after unescaping), checks the JSON type of the members it knows, borrows strings from the
//! input when they contain no escape, and skips every other value with `Skip` (nothing is built
//! for them). A policy violation found mid-scan is stored in an error slot and the
//! scan stops at once; serde's own error then only carries "stop".

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::error::{Part, TokenError};
pub(crate) use super::json::Aud;
use super::json::{
    AudRead, AudValue, IntValue, Key, KnownSeen, SeenKeys, Shape, ShapeOf, Skip, StrValue,
};

/// Where a string found while scanning lives: a byte range of the scanned text, or an owned copy
/// when JSON escapes made it differ from the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Absent.
    #[default]
    None,
    /// `base[start..end]`.
    Range(usize, usize),
    /// Unescaped copy.
    Owned(Box<str>),
}

impl Slot {
    /// Records `value`, found in `base`, as a range of `base` plus `offset` when it is borrowed
    /// from `base`, else as an owned copy.
    pub(crate) fn from_cow(value: Cow<'_, str>, base: &str, offset: usize) -> Slot {
        match value {
            Cow::Borrowed(s) => {
                let start = (s.as_ptr() as usize).checked_sub(base.as_ptr() as usize);
                match start {
                    Some(start) if start + s.len() <= base.len() => {
                        Slot::Range(offset + start, offset + start + s.len())
                    }
                    _ => Slot::Owned(s.into()),
                }
            }
            Cow::Owned(s) => Slot::Owned(s.into_boxed_str()),
        }
    }

    /// The string, for a range taken from `base`.
    pub(crate) fn get<'a>(&'a self, base: &'a str) -> Option<&'a str> {
        match self {
            Slot::None => None,
            Slot::Range(start, end) => base.get(*start..*end),
            Slot::Owned(s) => Some(s),
        }
    }

    /// The string, for a range taken from `base` (bytes that are known to be UTF-8 there).
    pub(crate) fn get_bytes<'a>(&'a self, base: &'a [u8]) -> Option<&'a str> {
        match self {
            Slot::None => None,
            Slot::Range(start, end) => base
                .get(*start..*end)
                .and_then(|b| std::str::from_utf8(b).ok()),
            Slot::Owned(s) => Some(s),
        }
    }
}

/// Stores `error` in `slot` and returns the serde error that stops the scan.
fn reject<E: de::Error>(slot: &mut Option<TokenError>, error: TokenError) -> E {
    *slot = Some(error);
    E::custom("rejected by policy")
}

/// Runs `seed` over `text` as one complete JSON document and maps failures to [`TokenError`].
fn run<'de, S>(
    text: &'de str,
    part: Part,
    seed: S,
    slot: &mut Option<TokenError>,
) -> Result<S::Value, TokenError>
where
    S: DeserializeSeed<'de>,
{
    let mut de = serde_json::Deserializer::from_str(text);
    let result = seed
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    result.map_err(|e| match slot.take() {
        Some(error) => error,
        None if e.classify() == serde_json::error::Category::Data => TokenError::NotAnObject(part),
        None => TokenError::InvalidJson(part),
    })
}

/// Strips a case-insensitive `application/` prefix from a media type (RFC 7515 4.1.9).
fn media_type(value: &str) -> &str {
    const PREFIX: &str = "application/";
    match value.get(..PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(PREFIX) => &value[PREFIX.len()..],
        _ => value,
    }
}

/// Whether a token's `typ` satisfies the required one: media types compared case-insensitively
/// with the optional `application/` prefix (so `at+jwt` accepts `application/at+jwt`, RFC 9068).
pub(crate) fn typ_matches(token_typ: &str, required: &str) -> bool {
    media_type(token_typ).eq_ignore_ascii_case(media_type(required))
}

// ---------------------------------------------------------------------------------------------
// Header.

/// What the header scan keeps.
#[derive(Debug)]
pub(crate) struct HeaderScan<'de> {
    pub(crate) kid: Option<Cow<'de, str>>,
}

struct HeaderSeed<'a> {
    expected_alg: &'static str,
    algorithm: jsonwebtoken::Algorithm,
    required_typ: Option<&'a str>,
    slot: &'a mut Option<TokenError>,
}

/// Scans a header: `alg` must be a string equal to `expected_alg`; `crit`, `b64`, `zip`, `enc`
/// are refused; `cty` must be a string and not `JWT`; `typ` must be a string and match
/// `required_typ` when one is set; `kid` must be a string; every other member (`jwk`, `jku`,
/// `x5u`, `x5c`, ...) is skipped unread.
pub(crate) fn header<'de>(
    text: &'de str,
    algorithm: jsonwebtoken::Algorithm,
    expected_alg: &'static str,
    required_typ: Option<&str>,
) -> Result<HeaderScan<'de>, TokenError> {
    let mut slot = None;
    let seed = HeaderSeed {
        expected_alg,
        algorithm,
        required_typ,
        slot: &mut slot,
    };
    let scan = run(text, Part::Header, seed, &mut None);
    match (scan, slot) {
        (_, Some(error)) => Err(error),
        (result, None) => result,
    }
}

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = HeaderScan<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = HeaderScan<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let slot = self.slot;
        let mut seen = SeenKeys::new();
        let mut known = KnownSeen::default();
        let mut alg_seen = false;
        let mut typ_seen = false;
        let mut kid = None;
        while let Some(Key(name)) = map.next_key()? {
            let field = match &*name {
                "alg" => Some(("alg", 0)),
                "kid" => Some(("kid", 1)),
                "typ" => Some(("typ", 2)),
                "cty" => Some(("cty", 3)),
                "crit" => Some(("crit", 4)),
                "b64" => Some(("b64", 5)),
                "zip" => Some(("zip", 6)),
                "enc" => Some(("enc", 7)),
                "jku" => Some(("jku", 8)),
                "x5u" => Some(("x5u", 9)),
                "x5t" => Some(("x5t", 10)),
                "x5t#S256" => Some(("x5t#S256", 11)),
                "jwk" => Some(("jwk", 12)),
                "x5c" => Some(("x5c", 13)),
                _ => None,
            };
            let fresh = match field {
                Some((_, bit)) => known.insert(bit),
                None => seen.insert(name),
            };
            if !fresh {
                return Err(reject(slot, TokenError::DuplicateMember(Part::Header)));
            }
            let field = field.map(|(name, _)| name);
            match field {
                Some("alg") => {
                    alg_seen = true;
                    match map.next_value_seed(StrValue)? {
                        Some(alg) if alg == self.expected_alg => {}
                        Some(_) => {
                            let error = TokenError::AlgorithmMismatch {
                                expected: self.algorithm,
                            };
                            return Err(reject(slot, error));
                        }
                        None => {
                            let error = TokenError::InvalidHeaderType { name: "alg" };
                            return Err(reject(slot, error));
                        }
                    }
                }
                Some("kid") => match map.next_value_seed(StrValue)? {
                    Some(value) => kid = Some(value),
                    None => {
                        return Err(reject(slot, TokenError::InvalidHeaderType { name: "kid" }));
                    }
                },
                Some("typ") => {
                    typ_seen = true;
                    match (map.next_value_seed(StrValue)?, self.required_typ) {
                        (None, _) => {
                            return Err(reject(
                                slot,
                                TokenError::InvalidHeaderType { name: "typ" },
                            ));
                        }
                        (Some(typ), Some(required)) if !typ_matches(&typ, required) => {
                            return Err(reject(slot, TokenError::TypMismatch));
                        }
                        (Some(_), _) => {}
                    }
                }
                Some("cty") => match map.next_value_seed(StrValue)? {
                    None => {
                        return Err(reject(slot, TokenError::InvalidHeaderType { name: "cty" }));
                    }
                    Some(cty) if media_type(&cty).eq_ignore_ascii_case("jwt") => {
                        return Err(reject(slot, TokenError::NestedJwt));
                    }
                    Some(_) => {}
                },
                // Ignored (keys never come from the token), but a token whose registered
                // members have the wrong type is malformed (RFC 7515 4.1.2-4.1.8).
                Some(name @ ("jku" | "x5u" | "x5t" | "x5t#S256" | "jwk" | "x5c")) => {
                    let expected = match name {
                        "jwk" => Shape::Object,
                        "x5c" => Shape::StringArray,
                        _ => Shape::String,
                    };
                    if map.next_value_seed(ShapeOf)? != expected {
                        return Err(reject(slot, TokenError::InvalidHeaderType { name }));
                    }
                }
                Some(name) => return Err(reject(slot, TokenError::UnsupportedHeader { name })),
                None => {
                    map.next_value_seed(Skip)?;
                }
            }
        }
        if !alg_seen {
            return Err(reject(slot, TokenError::MissingAlg));
        }
        if self.required_typ.is_some() && !typ_seen {
            return Err(reject(slot, TokenError::MissingTyp));
        }
        Ok(HeaderScan { kid })
    }
}

// ---------------------------------------------------------------------------------------------
// Claims.

/// What the claims scan keeps: the registered claims the policy checks, already type-checked,
/// `aud` and `iss` already compared, and the `email` claim when it is a string.
#[derive(Debug)]
pub(crate) struct ClaimsScan<'de> {
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) aud: Aud,
    /// `Some(true)` when `iss` equals the policy's issuer.
    pub(crate) iss: Option<bool>,
    pub(crate) email: Option<Cow<'de, str>>,
}

struct ClaimsSeed<'a> {
    audience: &'a [String],
    issuer: &'a str,
    slot: &'a mut Option<TokenError>,
}

/// Scans the claims object once (see [`ClaimsScan`]).
pub(crate) fn claims<'de>(
    text: &'de str,
    audience: &[String],
    issuer: &str,
) -> Result<ClaimsScan<'de>, TokenError> {
    let mut slot = None;
    let seed = ClaimsSeed {
        audience,
        issuer,
        slot: &mut slot,
    };
    let scan = run(text, Part::Payload, seed, &mut None);
    match (scan, slot) {
        (_, Some(error)) => Err(error),
        (result, None) => result,
    }
}

impl<'de> DeserializeSeed<'de> for ClaimsSeed<'_> {
    type Value = ClaimsScan<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ClaimsSeed<'_> {
    type Value = ClaimsScan<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let slot = self.slot;
        let mut seen = SeenKeys::new();
        let mut known = KnownSeen::default();
        let mut scan = ClaimsScan {
            exp: None,
            nbf: None,
            iat: None,
            aud: Aud::Missing,
            iss: None,
            email: None,
        };
        while let Some(Key(name)) = map.next_key()? {
            let field = match &*name {
                "exp" => Some(("exp", 0)),
                "nbf" => Some(("nbf", 1)),
                "iat" => Some(("iat", 2)),
                "aud" => Some(("aud", 3)),
                "iss" => Some(("iss", 4)),
                "email" => Some(("email", 5)),
                "sub" => Some(("sub", 6)),
                "jti" => Some(("jti", 7)),
                _ => None,
            };
            let fresh = match field {
                Some((_, bit)) => known.insert(bit),
                None => seen.insert(name),
            };
            if !fresh {
                return Err(reject(slot, TokenError::DuplicateMember(Part::Payload)));
            }
            let field = field.map(|(name, _)| name);
            match field {
                Some(name @ ("exp" | "nbf" | "iat")) => {
                    let Some(value) = map.next_value_seed(IntValue)? else {
                        return Err(reject(slot, TokenError::InvalidClaimType { name }));
                    };
                    match name {
                        "exp" => scan.exp = Some(value),
                        "nbf" => scan.nbf = Some(value),
                        _ => scan.iat = Some(value),
                    }
                }
                Some("aud") => match map.next_value_seed(AudValue {
                    accepted: self.audience,
                })? {
                    AudRead::Checked(aud) => scan.aud = aud,
                    AudRead::WrongType => {
                        return Err(reject(slot, TokenError::InvalidClaimType { name: "aud" }));
                    }
                    AudRead::Empty => return Err(reject(slot, TokenError::EmptyAudience)),
                },
                Some("iss") => match map.next_value_seed(StrValue)? {
                    Some(iss) => scan.iss = Some(iss == self.issuer),
                    None => return Err(reject(slot, TokenError::InvalidClaimType { name: "iss" })),
                },
                // RFC 7519 4.1.2 and 4.1.7: strings. A handler or user strategy reading them
                // must never see another type.
                Some(name @ ("sub" | "jti")) => {
                    if map.next_value_seed(StrValue)?.is_none() {
                        return Err(reject(slot, TokenError::InvalidClaimType { name }));
                    }
                }
                Some(_) => scan.email = map.next_value_seed(StrValue)?,
                None => {
                    map.next_value_seed(Skip)?;
                }
            }
        }
        Ok(scan)
    }
}
