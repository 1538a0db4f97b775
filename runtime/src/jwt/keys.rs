//! Verification keys from configuration: HMAC secrets and PEM public keys.
//!
//! Everything here runs once, at startup, and refuses weak or mismatched keys with a message
//! meant for the person configuring the validator: HMAC secrets shorter than the hash output
//! (RFC 7518 3.2), private keys where a public key is expected, a key of the wrong kind or curve
//! for the validator's algorithm, RSA moduli under 2048 bits.

use jsonwebtoken::{Algorithm, DecodingKey};

/// The key family an algorithm belongs to; the key kind fixes the family, so a token can never
/// make an RSA public key act as an HMAC secret.
///
/// ```
/// use authroute::jwt::keys::KeyFamily;
/// use jsonwebtoken::Algorithm;
/// assert_eq!(KeyFamily::of(Algorithm::PS256), Some(KeyFamily::Rsa));
/// assert_eq!(KeyFamily::of(Algorithm::EdDSA), Some(KeyFamily::Okp));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// Shared secrets: HS256, HS384, HS512 (JWK `kty: oct`).
    Hmac,
    /// RSA: RS256/384/512 and PS256/384/512 (JWK `kty: RSA`).
    Rsa,
    /// NIST curves: ES256 (P-256), ES384 (P-384) (JWK `kty: EC`).
    Ec,
    /// Edwards curves: EdDSA with Ed25519 (JWK `kty: OKP`).
    Okp,
}

impl KeyFamily {
    /// The family of `alg`, or `None` for an algorithm this crate does not know.
    pub fn of(alg: Algorithm) -> Option<KeyFamily> {
        Some(match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyFamily::Rsa,
            Algorithm::ES256 | Algorithm::ES384 => KeyFamily::Ec,
            Algorithm::EdDSA => KeyFamily::Okp,
            _ => return None,
        })
    }

    /// The matching `jsonwebtoken` family.
    pub fn to_jsonwebtoken(self) -> jsonwebtoken::AlgorithmFamily {
        match self {
            KeyFamily::Hmac => jsonwebtoken::AlgorithmFamily::Hmac,
            KeyFamily::Rsa => jsonwebtoken::AlgorithmFamily::Rsa,
            KeyFamily::Ec => jsonwebtoken::AlgorithmFamily::Ec,
            KeyFamily::Okp => jsonwebtoken::AlgorithmFamily::Ed,
        }
    }

    /// The JWK `kty` of this family.
    pub fn kty(self) -> &'static str {
        match self {
            KeyFamily::Hmac => "oct",
            KeyFamily::Rsa => "RSA",
            KeyFamily::Ec => "EC",
            KeyFamily::Okp => "OKP",
        }
    }
}

/// The JOSE name of an algorithm (`"HS256"`...), or `None` for one this crate does not know.
///
/// ```
/// assert_eq!(authroute::jwt::keys::alg_name(jsonwebtoken::Algorithm::EdDSA), Some("EdDSA"));
/// ```
pub fn alg_name(alg: Algorithm) -> Option<&'static str> {
    Some(match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::EdDSA => "EdDSA",
        _ => return None,
    })
}

/// The shortest HMAC secret accepted for `alg`, in bytes: the hash output size (32, 48, 64 for
/// HS256, HS384, HS512; RFC 7518 3.2). 0 for an algorithm that is not HMAC.
///
/// ```
/// use authroute::jwt::keys::min_hmac_secret_len;
/// assert_eq!(min_hmac_secret_len(jsonwebtoken::Algorithm::HS384), 48);
/// ```
pub const fn min_hmac_secret_len(alg: Algorithm) -> usize {
    match alg {
        Algorithm::HS256 => 32,
        Algorithm::HS384 => 48,
        Algorithm::HS512 => 64,
        _ => 0,
    }
}

/// The smallest RSA modulus accepted, in bits (RFC 7518 3.3, and the floor of the crypto backend).
pub const MIN_RSA_BITS: usize = 2048;

/// The largest RSA modulus accepted, in bits (the ceiling of the crypto backend).
pub const MAX_RSA_BITS: usize = 8192;

/// Why a configured key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The algorithm is not one this crate supports.
    #[error("algorithm {0:?} is not supported")]
    UnsupportedAlgorithm(Algorithm),
    /// An HMAC secret was given for an algorithm that is not HMAC.
    #[error("{alg:?} is not an hmac algorithm: it needs a public key, not a secret")]
    NotHmac {
        /// The validator's algorithm.
        alg: Algorithm,
    },
    /// A public key was given for an HMAC algorithm.
    #[error("{alg:?} is an hmac algorithm: it needs a secret, not a public key")]
    NotPublicKeyAlgorithm {
        /// The validator's algorithm.
        alg: Algorithm,
    },
    /// The HMAC secret is shorter than the hash output.
    #[error("the hmac secret is {len} bytes long; {alg:?} needs at least {min}")]
    SecretTooShort {
        /// The validator's algorithm.
        alg: Algorithm,
        /// The secret's length in bytes.
        len: usize,
        /// The minimum, [`min_hmac_secret_len`].
        min: usize,
    },
    /// The data is not PEM.
    #[error("the key is not pem data")]
    InvalidPem,
    /// The PEM block holds a private key.
    #[error("the pem block is a private key; configure the public key (`openssl pkey -pubout`)")]
    PrivateKey,
    /// The PEM block has a label other than `PUBLIC KEY` / `RSA PUBLIC KEY`.
    #[error("the pem block is a {label}; expected PUBLIC KEY or RSA PUBLIC KEY")]
    UnexpectedPemLabel {
        /// The block's label, e.g. `CERTIFICATE`.
        label: String,
    },
    /// The DER inside the PEM block is malformed.
    #[error("the public key is malformed")]
    MalformedKey,
    /// The key is of another kind than the algorithm needs.
    #[error("the key is a {found} key but {alg:?} needs a {expected} key")]
    WrongKeyKind {
        /// The validator's algorithm.
        alg: Algorithm,
        /// The kind the algorithm needs.
        expected: &'static str,
        /// The kind found.
        found: &'static str,
    },
    /// An EC key on another curve than the algorithm's.
    #[error("the ec key is on {found} but {alg:?} needs {expected}")]
    WrongCurve {
        /// The validator's algorithm.
        alg: Algorithm,
        /// The curve the algorithm needs.
        expected: &'static str,
        /// The curve found.
        found: &'static str,
    },
    /// The RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key is
    /// recoverable.
    #[error("the rsa key has the roca fingerprint (cve-2017-15361); replace it")]
    RocaVulnerable,
    /// The RSA modulus is too small or too large.
    #[error("the rsa key has {bits} bits; between 2048 and 8192 are accepted")]
    RsaKeySize {
        /// The modulus size in bits.
        bits: usize,
    },
}

/// A decoding key for an HMAC validator, refusing secrets shorter than the hash output
/// (32/48/64 bytes for HS256/384/512) and algorithms that are not HMAC.
///
/// ```
/// use authroute::jwt::keys::{KeyError, hmac_key};
/// use jsonwebtoken::Algorithm;
/// assert!(hmac_key(&[7; 32], Algorithm::HS256).is_ok());
/// assert!(matches!(hmac_key(b"short", Algorithm::HS256), Err(KeyError::SecretTooShort { .. })));
/// ```
pub fn hmac_key(secret: &[u8], alg: Algorithm) -> Result<DecodingKey, KeyError> {
    match KeyFamily::of(alg) {
        None => return Err(KeyError::UnsupportedAlgorithm(alg)),
        Some(KeyFamily::Hmac) => {}
        Some(_) => return Err(KeyError::NotHmac { alg }),
    }
    let min = min_hmac_secret_len(alg);
    if secret.len() < min {
        return Err(KeyError::SecretTooShort {
            alg,
            len: secret.len(),
            min,
        });
    }
    Ok(DecodingKey::from_secret(secret))
}

/// A verification key prepared once, at startup. For HMAC it holds the keyed hash state, so a
/// token costs only the hash of its signing input: `jsonwebtoken::crypto::verify` re-keys on
/// every call (two more SHA-2 blocks and an allocation, about a fifth of the whole HS256 check).
/// Other algorithms verify through `jsonwebtoken`, whose public keys are already parsed.
///
/// ```
/// use authroute::jwt::keys::VerifyingKey;
/// use jsonwebtoken::Algorithm;
/// let key = VerifyingKey::hmac(&[7; 32], Algorithm::HS256).unwrap();
/// assert!(VerifyingKey::hmac(b"short", Algorithm::HS256).is_err());
/// # let _ = key.decoding();
/// ```
pub struct VerifyingKey {
    decoding: DecodingKey,
    hmac: Option<aws_lc_rs::hmac::Key>,
}

impl VerifyingKey {
    /// An HMAC key with the checks of [`hmac_key`].
    pub fn hmac(secret: &[u8], alg: Algorithm) -> Result<Self, KeyError> {
        let decoding = hmac_key(secret, alg)?;
        let algorithm = hmac_algorithm(alg).ok_or(KeyError::NotHmac { alg })?;
        Ok(Self {
            decoding,
            hmac: Some(aws_lc_rs::hmac::Key::new(algorithm, secret)),
        })
    }

    /// The same key as `jsonwebtoken` sees it.
    pub fn decoding(&self) -> &DecodingKey {
        &self.decoding
    }

    /// The prepared HMAC state, for HMAC keys.
    pub(crate) fn prepared_hmac(&self) -> Option<&aws_lc_rs::hmac::Key> {
        self.hmac.as_ref()
    }
}

impl From<DecodingKey> for VerifyingKey {
    /// A public key (or an HMAC secret verified without the prepared state).
    fn from(decoding: DecodingKey) -> Self {
        Self {
            decoding,
            hmac: None,
        }
    }
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key material.
        f.debug_struct("VerifyingKey")
            .field("family", &self.decoding.family())
            .field("prepared_hmac", &self.hmac.is_some())
            .finish()
    }
}

/// The aws-lc-rs HMAC algorithm of a JWS HMAC algorithm.
pub(crate) fn hmac_algorithm(alg: Algorithm) -> Option<aws_lc_rs::hmac::Algorithm> {
    match alg {
        Algorithm::HS256 => Some(aws_lc_rs::hmac::HMAC_SHA256),
        Algorithm::HS384 => Some(aws_lc_rs::hmac::HMAC_SHA384),
        Algorithm::HS512 => Some(aws_lc_rs::hmac::HMAC_SHA512),
        _ => None,
    }
}

/// A decoding key from a PEM public key: RSA for RS*/PS* (`PUBLIC KEY` or PKCS#1
/// `RSA PUBLIC KEY`, 2048 to 8192 bits), EC P-256 for ES256 and P-384 for ES384, Ed25519 for
/// EdDSA. Private keys, certificates, other kinds and other curves are refused with a message
/// that says what was found.
///
/// ```
/// use authroute::jwt::keys::{KeyError, pem_public_key};
/// use jsonwebtoken::Algorithm;
/// let pem = b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEANXGTIX2Oi087NtbuSKqNqaqF3sPypO8HD9BXM2r0MD4=\n-----END PUBLIC KEY-----\n";
/// assert!(pem_public_key(pem, Algorithm::EdDSA).is_ok());
/// assert!(matches!(pem_public_key(pem, Algorithm::RS256), Err(KeyError::WrongKeyKind { .. })));
/// ```
pub fn pem_public_key(pem: &[u8], alg: Algorithm) -> Result<DecodingKey, KeyError> {
    let family = match KeyFamily::of(alg) {
        None => return Err(KeyError::UnsupportedAlgorithm(alg)),
        Some(KeyFamily::Hmac) => return Err(KeyError::NotPublicKeyAlgorithm { alg }),
        Some(family) => family,
    };
    let block = pem::parse(pem).map_err(|_| KeyError::InvalidPem)?;
    let public = match block.tag() {
        "PUBLIC KEY" => der::spki(block.contents()).ok_or(KeyError::MalformedKey)?,
        "RSA PUBLIC KEY" => der::PublicKey::Rsa(block.contents()),
        label if label.contains("PRIVATE KEY") => return Err(KeyError::PrivateKey),
        label => {
            return Err(KeyError::UnexpectedPemLabel {
                label: label.to_owned(),
            });
        }
    };
    let expected = match family {
        KeyFamily::Rsa => "rsa",
        KeyFamily::Ec => "ec",
        _ => "ed25519",
    };
    let wrong_kind = |found| KeyError::WrongKeyKind {
        alg,
        expected,
        found,
    };
    match (family, public) {
        (KeyFamily::Rsa, der::PublicKey::Rsa(pkcs1)) => {
            let bits = der::rsa_modulus_bits(pkcs1).ok_or(KeyError::MalformedKey)?;
            if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                return Err(KeyError::RsaKeySize { bits });
            }
            if der::rsa_modulus(pkcs1).is_some_and(roca_fingerprint) {
                return Err(KeyError::RocaVulnerable);
            }
            Ok(DecodingKey::from_rsa_der(pkcs1))
        }
        (KeyFamily::Ec, der::PublicKey::Ec { curve, point }) => {
            let needed = if alg == Algorithm::ES256 {
                "P-256"
            } else {
                "P-384"
            };
            if curve != needed {
                return Err(KeyError::WrongCurve {
                    alg,
                    expected: needed,
                    found: curve,
                });
            }
            let coordinate = if needed == "P-256" { 32 } else { 48 };
            if point.len() != 1 + 2 * coordinate || point.first() != Some(&4) {
                return Err(KeyError::MalformedKey);
            }
            Ok(DecodingKey::from_ec_der(point))
        }
        (KeyFamily::Okp, der::PublicKey::Ed25519(raw)) => {
            if raw.len() != 32 {
                return Err(KeyError::MalformedKey);
            }
            Ok(DecodingKey::from_ed_der(raw))
        }
        (_, der::PublicKey::Rsa(_)) => Err(wrong_kind("rsa")),
        (_, der::PublicKey::Ec { .. }) => Err(wrong_kind("ec")),
        (_, der::PublicKey::Ed25519(_)) => Err(wrong_kind("ed25519")),
        (_, der::PublicKey::Other(found)) => Err(wrong_kind(found)),
    }
}

/// Whether an RSA modulus has the fingerprint of keys generated by the Infineon library affected
/// by ROCA (CVE-2017-15361): for each of the small primes below, `n mod p` lies in the subgroup
/// generated by 65537. Random moduli pass this test with negligible probability.
pub(crate) fn roca_fingerprint(modulus: &[u8]) -> bool {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
        97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    if unsigned_bits(modulus) == 0 {
        return false;
    }
    PRIMES.iter().all(|&p| {
        let residue = modulus
            .iter()
            .fold(0u32, |acc, byte| (acc * 256 + u32::from(*byte)) % p);
        let generator = 65_537 % p;
        let mut element = 1u32;
        for _ in 0..p {
            if element == residue {
                return true;
            }
            element = element * generator % p;
        }
        false
    })
}

/// Bits of a big-endian unsigned integer, ignoring leading zero bytes.
pub(crate) fn unsigned_bits(bytes: &[u8]) -> usize {
    let trimmed: &[u8] = match bytes.iter().position(|b| *b != 0) {
        Some(start) => &bytes[start..],
        None => &[],
    };
    match trimmed.first() {
        Some(first) => (trimmed.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

/// The little DER reading needed to classify a SubjectPublicKeyInfo (RFC 5280 4.1, RFC 8410)
/// and to measure an RSA modulus (RFC 8017 A.1.1). Every read is bounds-checked.
mod der {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const BIT_STRING: u8 = 0x03;
    const OID: u8 = 0x06;

    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    const ED448: &[u8] = &[0x2b, 0x65, 0x71];

    /// A classified public key.
    pub(super) enum PublicKey<'a> {
        /// PKCS#1 `RSAPublicKey` DER.
        Rsa(&'a [u8]),
        /// An EC point on a named curve.
        Ec {
            curve: &'static str,
            point: &'a [u8],
        },
        /// A raw Ed25519 key.
        Ed25519(&'a [u8]),
        /// Anything else, named.
        Other(&'static str),
    }

    /// Reads one TLV: (tag, content, rest).
    fn read(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (bytes, tail) = rest.split_at(count);
            rest = tail;
            bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        };
        if rest.len() < len {
            return None;
        }
        let (content, rest) = rest.split_at(len);
        Some((tag, content, rest))
    }

    fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        match read(input)? {
            (found, content, rest) if found == tag => Some((content, rest)),
            _ => None,
        }
    }

    /// Classifies a SubjectPublicKeyInfo.
    pub(super) fn spki(input: &[u8]) -> Option<PublicKey<'_>> {
        let (spki, trailing) = expect(input, SEQUENCE)?;
        if !trailing.is_empty() {
            return None;
        }
        let (algorithm, rest) = expect(spki, SEQUENCE)?;
        let (bits, rest) = expect(rest, BIT_STRING)?;
        if !rest.is_empty() {
            return None;
        }
        let (&unused, key) = bits.split_first()?;
        if unused != 0 {
            return None;
        }
        let (oid, params) = expect(algorithm, OID)?;
        Some(match oid {
            RSA_ENCRYPTION => PublicKey::Rsa(key),
            RSASSA_PSS => PublicKey::Other("rsassa-pss restricted"),
            EC_PUBLIC_KEY => {
                let (curve, _) = expect(params, OID)?;
                let curve = match curve {
                    P256 => "P-256",
                    P384 => "P-384",
                    P521 => "P-521",
                    _ => "an unknown curve",
                };
                PublicKey::Ec { curve, point: key }
            }
            ED25519 => PublicKey::Ed25519(key),
            ED448 => PublicKey::Other("ed448"),
            _ => PublicKey::Other("unknown"),
        })
    }

    /// The modulus size of a PKCS#1 `RSAPublicKey`.
    pub(super) fn rsa_modulus_bits(input: &[u8]) -> Option<usize> {
        rsa_modulus(input).map(super::unsigned_bits)
    }

    /// The modulus bytes of a PKCS#1 `RSAPublicKey`.
    pub(super) fn rsa_modulus(input: &[u8]) -> Option<&[u8]> {
        let (key, trailing) = expect(input, SEQUENCE)?;
        if !trailing.is_empty() {
            return None;
        }
        let (modulus, rest) = expect(key, INTEGER)?;
        let (exponent, rest) = expect(rest, INTEGER)?;
        if !rest.is_empty() || exponent.is_empty() {
            return None;
        }
        Some(modulus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA2048: &[u8] = include_bytes!("../../tests/keys/rsa2048_public.pem");
    const RSA2048_PKCS1: &[u8] = include_bytes!("../../tests/keys/rsa2048_public_pkcs1.pem");
    const RSA2048_PRIVATE: &[u8] = include_bytes!("../../tests/keys/rsa2048_private.pem");
    const RSA1024: &[u8] = include_bytes!("../../tests/keys/rsa1024_public.pem");
    const P256: &[u8] = include_bytes!("../../tests/keys/ec_p256_public.pem");
    const P384: &[u8] = include_bytes!("../../tests/keys/ec_p384_public.pem");
    const ED25519: &[u8] = include_bytes!("../../tests/keys/ed25519_public.pem");

    #[test]
    fn hmac_secret_lengths() {
        for (alg, min) in [
            (Algorithm::HS256, 32),
            (Algorithm::HS384, 48),
            (Algorithm::HS512, 64),
        ] {
            assert_eq!(min_hmac_secret_len(alg), min);
            assert!(hmac_key(&vec![1; min], alg).is_ok());
            assert_eq!(
                hmac_key(&vec![1; min - 1], alg).unwrap_err(),
                KeyError::SecretTooShort {
                    alg,
                    len: min - 1,
                    min
                }
            );
        }
        assert!(matches!(
            hmac_key(b"", Algorithm::HS256),
            Err(KeyError::SecretTooShort { .. })
        ));
        assert_eq!(min_hmac_secret_len(Algorithm::RS256), 0);
    }

    #[test]
    fn hmac_refuses_other_families() {
        for alg in [
            Algorithm::RS256,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::EdDSA,
        ] {
            assert_eq!(
                hmac_key(&[1; 64], alg).unwrap_err(),
                KeyError::NotHmac { alg }
            );
        }
    }

    #[test]
    fn families_and_names() {
        assert_eq!(KeyFamily::of(Algorithm::HS512), Some(KeyFamily::Hmac));
        assert_eq!(KeyFamily::of(Algorithm::RS384), Some(KeyFamily::Rsa));
        assert_eq!(KeyFamily::of(Algorithm::ES384), Some(KeyFamily::Ec));
        assert_eq!(KeyFamily::of(Algorithm::EdDSA), Some(KeyFamily::Okp));
        assert_eq!(alg_name(Algorithm::PS384), Some("PS384"));
        assert_eq!(KeyFamily::Okp.kty(), "OKP");
    }

    #[test]
    fn pem_keys_of_the_right_kind_load() {
        for alg in [Algorithm::RS256, Algorithm::RS512, Algorithm::PS256] {
            assert_eq!(
                pem_public_key(RSA2048, alg).unwrap().family(),
                jsonwebtoken::AlgorithmFamily::Rsa
            );
            assert!(pem_public_key(RSA2048_PKCS1, alg).is_ok());
        }
        assert!(pem_public_key(P256, Algorithm::ES256).is_ok());
        assert!(pem_public_key(P384, Algorithm::ES384).is_ok());
        assert!(pem_public_key(ED25519, Algorithm::EdDSA).is_ok());
    }

    #[test]
    fn pem_wrong_kind_curve_size_and_garbage() {
        assert!(matches!(
            pem_public_key(P256, Algorithm::RS256),
            Err(KeyError::WrongKeyKind { found: "ec", .. })
        ));
        assert!(matches!(
            pem_public_key(RSA2048, Algorithm::ES256),
            Err(KeyError::WrongKeyKind { found: "rsa", .. })
        ));
        assert!(matches!(
            pem_public_key(RSA2048, Algorithm::EdDSA),
            Err(KeyError::WrongKeyKind { found: "rsa", .. })
        ));
        assert_eq!(
            pem_public_key(P384, Algorithm::ES256).unwrap_err(),
            KeyError::WrongCurve {
                alg: Algorithm::ES256,
                expected: "P-256",
                found: "P-384"
            }
        );
        assert_eq!(
            pem_public_key(P256, Algorithm::ES384).unwrap_err(),
            KeyError::WrongCurve {
                alg: Algorithm::ES384,
                expected: "P-384",
                found: "P-256"
            }
        );
        assert_eq!(
            pem_public_key(RSA1024, Algorithm::RS256).unwrap_err(),
            KeyError::RsaKeySize { bits: 1024 }
        );
        assert_eq!(
            pem_public_key(RSA2048_PRIVATE, Algorithm::RS256).unwrap_err(),
            KeyError::PrivateKey
        );
        assert_eq!(
            pem_public_key(b"garbage", Algorithm::RS256).unwrap_err(),
            KeyError::InvalidPem
        );
        assert_eq!(
            pem_public_key(RSA2048, Algorithm::HS256).unwrap_err(),
            KeyError::NotPublicKeyAlgorithm {
                alg: Algorithm::HS256
            }
        );
        let cert = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            pem_public_key(cert, Algorithm::RS256),
            Err(KeyError::UnexpectedPemLabel { .. })
        ));
        let junk = b"-----BEGIN PUBLIC KEY-----\nMAMCAQA=\n-----END PUBLIC KEY-----\n";
        assert_eq!(
            pem_public_key(junk, Algorithm::RS256).unwrap_err(),
            KeyError::MalformedKey
        );
    }

    #[test]
    fn der_reader_never_panics_on_truncations() {
        let block = pem::parse(RSA2048).unwrap();
        let der = block.contents();
        for end in 0..der.len() {
            let _ = der::spki(&der[..end]);
            let _ = der::rsa_modulus_bits(&der[..end]);
        }
        let mut flipped = der.to_vec();
        for i in 0..flipped.len() {
            flipped[i] ^= 0xff;
            let _ = der::spki(&flipped);
            flipped[i] ^= 0xff;
        }
    }

    #[test]
    fn roca() {
        // The Wycheproof `jws_rsa_roca_key` modulus has the fingerprint; our test key does not.
        let roca =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, ROCA_N)
                .unwrap();
        assert!(roca_fingerprint(&roca));
        let block = pem::parse(RSA2048_PKCS1).unwrap();
        assert!(!roca_fingerprint(
            der::rsa_modulus(block.contents()).unwrap()
        ));
        assert!(!roca_fingerprint(&[]));
    }

    const ROCA_N: &str = "AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE";

    #[test]
    fn bit_counting() {
        assert_eq!(unsigned_bits(&[0, 0, 1]), 1);
        assert_eq!(unsigned_bits(&[0x80, 0]), 16);
        assert_eq!(unsigned_bits(&[]), 0);
        assert_eq!(unsigned_bits(&[0, 0]), 0);
    }
}
