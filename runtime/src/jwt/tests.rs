//! Unit tests of the decoding policy. Tokens are minted with `jsonwebtoken` or built by hand.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, crypto, encode};
use serde_json::json;

use super::keys::{hmac_key, pem_public_key};
use super::policy::{Policy, VerifiedToken, parse};
use super::{Part, TokenError};

const NOW: i64 = 1_700_000_000;
const SECRET: [u8; 32] = [7; 32];
const MARKER: &str = "LEAKMARKER";

const RSA_PRIVATE: &[u8] = include_bytes!("../../tests/keys/rsa2048_private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../../tests/keys/rsa2048_public.pem");
const P256_PRIVATE: &[u8] = include_bytes!("../../tests/keys/ec_p256_private.pem");
const P256_PUBLIC: &[u8] = include_bytes!("../../tests/keys/ec_p256_public.pem");
const P384_PRIVATE: &[u8] = include_bytes!("../../tests/keys/ec_p384_private.pem");
const P384_PUBLIC: &[u8] = include_bytes!("../../tests/keys/ec_p384_public.pem");
const ED_PRIVATE: &[u8] = include_bytes!("../../tests/keys/ed25519_private.pem");
const ED_PUBLIC: &[u8] = include_bytes!("../../tests/keys/ed25519_public.pem");

fn b64(data: &str) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

fn policy() -> Policy {
    Policy::new(Algorithm::HS256, ["api"], "issuer")
}

fn key() -> DecodingKey {
    hmac_key(&SECRET, Algorithm::HS256).unwrap()
}

fn claims() -> serde_json::Value {
    json!({"aud": "api", "iss": "issuer", "exp": NOW + 600})
}

/// Signs `header.claims` (raw JSON texts) with HS256 and [`SECRET`].
fn signed(header: &str, claims: &str) -> String {
    signed_b64(&b64(header), &b64(claims))
}

fn signed_b64(header: &str, claims: &str) -> String {
    let message = format!("{header}.{claims}");
    let signature = crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(&SECRET),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

/// A token with the standard HS256 header and the given claims text.
fn with_claims(claims: &str) -> String {
    signed(r#"{"alg":"HS256","typ":"JWT"}"#, claims)
}

/// A token with the given header text and valid claims.
fn with_header(header: &str) -> String {
    signed(header, &claims().to_string())
}

fn check_with(token: &str, policy: &Policy) -> Result<VerifiedToken, TokenError> {
    let result = parse(token, policy).and_then(|t| t.verify(&key(), policy, NOW));
    if let Err(error) = &result {
        assert!(
            !error.to_string().contains(MARKER),
            "{error} leaks token text"
        );
    }
    result
}

fn check(token: &str) -> Result<VerifiedToken, TokenError> {
    check_with(token, &policy())
}

fn err(token: &str) -> TokenError {
    check(token).unwrap_err()
}

fn claims_err(claims: &str) -> TokenError {
    err(&with_claims(claims))
}

fn header_err(header: &str) -> TokenError {
    err(&with_header(header))
}

#[test]
fn valid_token_round_trip() {
    let claims = json!({"aud": "api", "iss": "issuer", "exp": NOW + 600, "email": "a@example.com", "sub": "7"});
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("key-1".into());
    let token = encode(&header, &claims, &EncodingKey::from_secret(&SECRET)).unwrap();
    let unverified = parse(&token, &policy()).unwrap();
    assert_eq!(unverified.kid(), Some("key-1"));
    assert_eq!(unverified.alg(), Algorithm::HS256);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(unverified.payload()).unwrap(),
        claims
    );
    unverified.verify_signature(&key()).unwrap();
    let verified = unverified.verify(&key(), &policy(), NOW).unwrap();
    assert_eq!(verified.exp(), NOW + 600);
    assert_eq!(verified.email(), Some("a@example.com"));
    assert_eq!(verified.kid(), Some("key-1"));
    assert_eq!(verified.claims::<serde_json::Value>().unwrap(), claims);
    assert_eq!(verified.claims_map().get("sub"), Some(&json!("7")));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(verified.payload_json()).unwrap(),
        claims
    );
}

#[test]
fn verified_token_is_send_sync_static() {
    fn assert_bounds<T: Send + Sync + 'static>() {}
    assert_bounds::<VerifiedToken>();
    assert_bounds::<TokenError>();
}

#[test]
fn escaped_strings_are_unescaped() {
    let token = signed(
        r#"{"alg":"HS256","kid":"k\u0031"}"#,
        r#"{"aud":"a\u0070i","iss":"issuer","exp":1700000600,"email":"a\u0040b.c"}"#,
    );
    let verified = check(&token).unwrap();
    assert_eq!(verified.kid(), Some("k1"));
    assert_eq!(verified.email(), Some("a@b.c"));
}

#[test]
fn email_only_when_a_string() {
    let verified = check(&with_claims(
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"email":5}"#,
    ))
    .unwrap();
    assert_eq!(verified.email(), None);
    assert_eq!(
        check(&with_claims(&claims().to_string())).unwrap().email(),
        None
    );
}

/// Every algorithm signs with `jsonwebtoken` and verifies through our policy, with no crypto
/// provider installed anywhere: the `aws_lc_rs` feature alone selects the backend.
#[test]
fn sign_and_verify_without_provider_setup() {
    let cases: [(Algorithm, EncodingKey, DecodingKey); 9] = [
        (
            Algorithm::HS256,
            EncodingKey::from_secret(&[1; 32]),
            hmac_key(&[1; 32], Algorithm::HS256).unwrap(),
        ),
        (
            Algorithm::HS384,
            EncodingKey::from_secret(&[1; 48]),
            hmac_key(&[1; 48], Algorithm::HS384).unwrap(),
        ),
        (
            Algorithm::HS512,
            EncodingKey::from_secret(&[1; 64]),
            hmac_key(&[1; 64], Algorithm::HS512).unwrap(),
        ),
        (
            Algorithm::RS256,
            EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
            pem_public_key(RSA_PUBLIC, Algorithm::RS256).unwrap(),
        ),
        (
            Algorithm::RS512,
            EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
            pem_public_key(RSA_PUBLIC, Algorithm::RS512).unwrap(),
        ),
        (
            Algorithm::PS256,
            EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
            pem_public_key(RSA_PUBLIC, Algorithm::PS256).unwrap(),
        ),
        (
            Algorithm::ES256,
            EncodingKey::from_ec_pem(P256_PRIVATE).unwrap(),
            pem_public_key(P256_PUBLIC, Algorithm::ES256).unwrap(),
        ),
        (
            Algorithm::ES384,
            EncodingKey::from_ec_pem(P384_PRIVATE).unwrap(),
            pem_public_key(P384_PUBLIC, Algorithm::ES384).unwrap(),
        ),
        (
            Algorithm::EdDSA,
            EncodingKey::from_ed_pem(ED_PRIVATE).unwrap(),
            pem_public_key(ED_PUBLIC, Algorithm::EdDSA).unwrap(),
        ),
    ];
    for (alg, encoding, decoding) in cases {
        let token = encode(&Header::new(alg), &claims(), &encoding).unwrap();
        let policy = Policy::new(alg, ["api"], "issuer");
        let verified = parse(&token, &policy)
            .unwrap()
            .verify(&decoding, &policy, NOW);
        assert_eq!(verified.map(|v| v.exp()), Ok(NOW + 600), "{alg:?}");
        // A flipped signature byte fails.
        let mut bad = token.into_bytes();
        let last = bad.len() - 5;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        let result = parse(&bad, &policy).and_then(|t| t.verify(&decoding, &policy, NOW));
        assert_eq!(result.unwrap_err(), TokenError::InvalidSignature, "{alg:?}");
    }
}

#[test]
fn size_cap_is_checked_first() {
    let policy = policy();
    let huge = "a".repeat(8193);
    assert_eq!(
        check(&huge).unwrap_err(),
        TokenError::TooLarge { max: 8192 }
    );
    assert_eq!(
        check(&"x".repeat(1 << 20)).unwrap_err(),
        TokenError::TooLarge { max: 8192 }
    );
    // A real token padded into the cap with an ignored claim still passes at exactly 8192.
    let base = with_claims(
        &json!({"aud": "api", "iss": "issuer", "exp": NOW + 600, "pad": ""}).to_string(),
    );
    let mut pad = String::new();
    let mut token = base;
    while token.len() < 8192 {
        pad.push('x');
        token = with_claims(
            &json!({"aud": "api", "iss": "issuer", "exp": NOW + 600, "pad": pad}).to_string(),
        );
    }
    let mut small = policy.clone();
    small.max_token_bytes = token.len();
    assert!(check_with(&token, &small).is_ok());
    small.max_token_bytes = token.len() - 1;
    assert_eq!(
        check_with(&token, &small).unwrap_err(),
        TokenError::TooLarge {
            max: token.len() - 1
        }
    );
}

#[test]
fn structure() {
    for token in ["", ".", "a", "a.b", "a.b.c.d", "a.b.c.d.e.f", "...."] {
        let expected = if token.matches('.').count() == 4 {
            TokenError::Jwe
        } else {
            TokenError::SegmentCount
        };
        assert_eq!(err(token), expected, "{token:?}");
    }
    // `..`: the empty signature and payload decode; the empty header is not JSON.
    assert_eq!(err(".."), TokenError::InvalidJson(Part::Header));
    let valid = with_claims(&claims().to_string());
    assert_eq!(err(&format!("{valid}.e30.e30")), TokenError::Jwe);
    assert_eq!(err(&format!("{valid}.")), TokenError::SegmentCount);
    assert_eq!(
        err(r#"{"payload":"e30","signatures":[]}"#),
        TokenError::JsonSerialization
    );
    assert_eq!(err(r#"  {"payload":"e30"}"#), TokenError::JsonSerialization);
}

#[test]
fn strict_base64url() {
    let valid = with_claims(&claims().to_string());
    let parts: Vec<&str> = valid.split('.').collect();
    for (index, part) in [Part::Header, Part::Payload, Part::Signature]
        .into_iter()
        .enumerate()
    {
        for corrupt in ["=", "==", "+", "/", " ", "\t", "\n", "%", "\u{e9}"] {
            let mut pieces: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            pieces[index].push_str(corrupt);
            let token = pieces.join(".");
            assert_eq!(
                err(&token),
                TokenError::Base64(part),
                "{part} + {corrupt:?}"
            );
            let mut pieces: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            pieces[index].insert_str(2, corrupt);
            assert_eq!(
                err(&pieces.join(".")),
                TokenError::Base64(part),
                "{part} inner {corrupt:?}"
            );
        }
    }
    // Non-canonical trailing bits: "e30" is `{}`; "e31" decodes to the same byte with a bit set.
    let header = b64(r#"{"alg":"HS256"}"#);
    assert_eq!(
        err(&signed_b64(&header, "e31")),
        TokenError::Base64(Part::Payload)
    );
    // Standard-alphabet padding of a real token is refused.
    let padded = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}x"#) + "=";
    assert_eq!(
        err(&signed_b64(&padded, &b64(&claims().to_string()))),
        TokenError::Base64(Part::Header)
    );
}

#[test]
fn debug_output_shows_no_token_text() {
    let token = with_header(&format!(r#"{{"alg":"HS256","kid":"{MARKER}"}}"#));
    let claims = format!(
        r#"{{"aud":"api","iss":"issuer","exp":{},"secret":"{MARKER}"}}"#,
        NOW + 600
    );
    let token2 = signed(&format!(r#"{{"alg":"HS256","kid":"{MARKER}"}}"#), &claims);
    let parsed = parse(&token, &policy()).unwrap();
    assert!(!format!("{parsed:?}").contains(MARKER));
    let verified = check(&token2).unwrap();
    assert!(!format!("{verified:?}").contains(MARKER));
}

#[test]
fn signature_segment() {
    let valid = with_claims(&claims().to_string());
    let (message, signature) = valid.rsplit_once('.').unwrap();
    assert_eq!(err(&format!("{message}.")), TokenError::InvalidSignature);
    assert_eq!(
        err(&format!("{message}.{}", &signature[..20])),
        TokenError::InvalidSignature
    );
    assert_eq!(
        err(&format!("{message}.{}", "A".repeat(1500))),
        TokenError::Base64(Part::Signature)
    );
    assert_eq!(
        err(&format!("{message}.{signature}AAAA")),
        TokenError::InvalidSignature
    );
}

#[test]
fn alg_family() {
    let mismatch = TokenError::AlgorithmMismatch {
        expected: Algorithm::HS256,
    };
    for alg in [
        "none", "None", "NONE", "nOnE", "hs256", "HS384", "RS256", "ES256", "", "HS256 ",
    ] {
        assert_eq!(
            header_err(&format!(r#"{{"alg":"{alg}"}}"#)),
            mismatch,
            "{alg}"
        );
    }
    assert_eq!(header_err(r#"{"typ":"JWT"}"#), TokenError::MissingAlg);
    assert_eq!(header_err(r#"{}"#), TokenError::MissingAlg);
    for alg in ["null", "256", "[\"HS256\"]", "{}", "true", "1.5"] {
        assert_eq!(
            header_err(&format!(r#"{{"alg":{alg}}}"#)),
            TokenError::InvalidHeaderType { name: "alg" },
            "{alg}"
        );
    }
    // `alg: none` with an empty signature, the classic.
    let none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none"}"#),
        b64(&claims().to_string())
    );
    assert_eq!(err(&none), mismatch);
}

#[test]
fn key_family_is_fixed_by_the_key() {
    // RS/HS confusion: an HS256 token signed with the PEM of the RSA public key as secret is
    // refused by an RS256 policy on its alg, and an HMAC key never verifies an RS256 policy.
    let confused = encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(RSA_PUBLIC),
    )
    .unwrap();
    let rs = Policy::new(Algorithm::RS256, ["api"], "issuer");
    let rsa_key = pem_public_key(RSA_PUBLIC, Algorithm::RS256).unwrap();
    assert_eq!(
        parse(&confused, &rs).unwrap_err(),
        TokenError::AlgorithmMismatch {
            expected: Algorithm::RS256
        }
    );
    let rs_token = encode(
        &Header::new(Algorithm::RS256),
        &claims(),
        &EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
    )
    .unwrap();
    let parsed = parse(&rs_token, &rs).unwrap();
    assert_eq!(
        parsed
            .verify_signature(&DecodingKey::from_secret(RSA_PUBLIC))
            .unwrap_err(),
        TokenError::KeyMismatch {
            alg: Algorithm::RS256
        }
    );
    // An RSA key on an HS256 policy.
    let hs_token = with_claims(&claims().to_string());
    let hs = parse(&hs_token, &policy()).unwrap();
    assert_eq!(
        hs.verify_signature(&rsa_key).unwrap_err(),
        TokenError::KeyMismatch {
            alg: Algorithm::HS256
        }
    );
    // An ES token on an RSA validator.
    let es = encode(
        &Header::new(Algorithm::ES256),
        &claims(),
        &EncodingKey::from_ec_pem(P256_PRIVATE).unwrap(),
    )
    .unwrap();
    assert_eq!(
        parse(&es, &rs).unwrap_err(),
        TokenError::AlgorithmMismatch {
            expected: Algorithm::RS256
        }
    );
    // A policy swapped between parse and verify.
    let other = Policy::new(Algorithm::HS384, ["api"], "issuer");
    let text = with_claims(&claims().to_string());
    let token = parse(&text, &policy()).unwrap();
    assert_eq!(
        token.verify(&key(), &other, NOW).unwrap_err(),
        TokenError::AlgorithmMismatch {
            expected: Algorithm::HS384
        }
    );
}

#[test]
fn wrong_secret() {
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(&[8; 32]),
    )
    .unwrap();
    assert_eq!(err(&token), TokenError::InvalidSignature);
}

#[test]
fn refused_header_parameters() {
    for (header, name) in [
        (r#"{"alg":"HS256","crit":["exp"],"exp":1}"#, "crit"),
        (r#"{"alg":"HS256","crit":[]}"#, "crit"),
        (r#"{"alg":"HS256","crit":"b64"}"#, "crit"),
        (r#"{"crit":["b64"],"alg":"HS256"}"#, "crit"),
        (r#"{"alg":"HS256","b64":false}"#, "b64"),
        (r#"{"alg":"HS256","b64":true}"#, "b64"),
        (r#"{"alg":"HS256","zip":"DEF"}"#, "zip"),
        (r#"{"alg":"HS256","enc":"A256GCM"}"#, "enc"),
    ] {
        assert_eq!(
            header_err(header),
            TokenError::UnsupportedHeader { name },
            "{header}"
        );
    }
    for cty in ["JWT", "jwt", "Jwt", "application/jwt", "APPLICATION/JWT"] {
        assert_eq!(
            header_err(&format!(r#"{{"alg":"HS256","cty":"{cty}"}}"#)),
            TokenError::NestedJwt
        );
    }
    assert_eq!(
        header_err(r#"{"alg":"HS256","cty":5}"#),
        TokenError::InvalidHeaderType { name: "cty" }
    );
    assert!(check(&with_header(r#"{"alg":"HS256","cty":"json"}"#)).is_ok());
}

#[test]
fn keys_in_the_header_are_ignored() {
    let attacker = r#"{"kty":"oct","k":"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"}"#;
    for member in ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256"] {
        let value = match member {
            "jwk" => attacker.to_string(),
            "x5c" => r#"["MIIB"]"#.to_string(),
            _ => r#""https://attacker.example/keys""#.to_string(),
        };
        let header = format!(r#"{{"alg":"HS256","{member}":{value}}}"#);
        // Signed with our secret: the header member changes nothing.
        assert!(check(&with_header(&header)).is_ok(), "{member}");
        // Signed with the attacker's key: refused.
        let message = format!("{}.{}", b64(&header), b64(&claims().to_string()));
        let signature = crypto::sign(
            message.as_bytes(),
            &EncodingKey::from_secret(b"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            Algorithm::HS256,
        )
        .unwrap();
        assert_eq!(
            err(&format!("{message}.{signature}")),
            TokenError::InvalidSignature,
            "{member}"
        );
    }
}

#[test]
fn kid_abuse() {
    for kid in [
        "../../etc/passwd",
        "' OR 1=1 --",
        "https://x.example/k",
        "a\r\nb",
        "\u{0}",
    ] {
        let header = json!({"alg": "HS256", "kid": kid}).to_string();
        let token = with_header(&header);
        assert_eq!(parse(&token, &policy()).unwrap().kid(), Some(kid));
        assert!(check(&token).is_ok());
    }
    let long = "k".repeat(10_000);
    let mut big = policy();
    big.max_token_bytes = 64 * 1024;
    let token = with_header(&json!({"alg": "HS256", "kid": long}).to_string());
    assert_eq!(check_with(&token, &big).unwrap().kid(), Some(long.as_str()));
    assert_eq!(
        check(&token).unwrap_err(),
        TokenError::TooLarge { max: 8192 }
    );
    for kid in ["5", "null", "[]", "{}", "true"] {
        assert_eq!(
            header_err(&format!(r#"{{"alg":"HS256","kid":{kid}}}"#)),
            TokenError::InvalidHeaderType { name: "kid" }
        );
    }
}

#[test]
fn duplicates_are_refused_in_both_orders() {
    let dup_header = TokenError::DuplicateMember(Part::Header);
    assert_eq!(header_err(r#"{"alg":"HS256","alg":"HS256"}"#), dup_header);
    assert_eq!(
        header_err(r#"{"alg":"HS256","kid":"a","kid":"b"}"#),
        dup_header
    );
    assert_eq!(
        header_err(r#"{"kid":"a","alg":"HS256","kid":"b"}"#),
        dup_header
    );
    assert_eq!(header_err(r#"{"alg":"HS256","x":1,"x":2}"#), dup_header);
    assert_eq!(
        header_err(r#"{"alg":"HS256","\u0061lg":"HS256"}"#),
        dup_header
    );
    // A duplicate alg whose second value is "none": refused as a duplicate, not as a mismatch.
    assert_eq!(header_err(r#"{"alg":"HS256","alg":"none"}"#), dup_header);

    let dup = TokenError::DuplicateMember(Part::Payload);
    for claims in [
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"exp":1}"#,
        r#"{"exp":1,"aud":"api","iss":"issuer","exp":1700000600}"#,
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"aud":"other"}"#,
        r#"{"aud":"other","iss":"issuer","exp":1700000600,"aud":"api"}"#,
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"iss":"evil"}"#,
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"role":"user","role":"admin"}"#,
        r#"{"role":"admin","aud":"api","iss":"issuer","exp":1700000600,"role":"user"}"#,
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"\u0065xp":1}"#,
        r#"{"aud":"api","iss":"issuer","exp":1700000600,"email":"a@b.c","email":"x@y.z"}"#,
    ] {
        assert_eq!(claims_err(claims), dup, "{claims}");
    }
    // More members than the inline set: the duplicate is still found (after the spill).
    let mut members: Vec<String> = (0..40).map(|i| format!(r#""c{i}":{i}"#)).collect();
    members.extend([
        r#""aud":"api""#.into(),
        r#""iss":"issuer""#.into(),
        format!(r#""exp":{}"#, NOW + 600),
    ]);
    let unique = format!("{{{}}}", members.join(","));
    assert!(check(&with_claims(&unique)).is_ok());
    members.push(r#""c3":0"#.into());
    assert_eq!(claims_err(&format!("{{{}}}", members.join(","))), dup);
    // Nested duplicates are the handler's business (top level only).
    assert!(
        check(&with_claims(
            r#"{"aud":"api","iss":"issuer","exp":1700000600,"o":{"a":1,"a":2}}"#
        ))
        .is_ok()
    );
}

#[test]
fn header_must_be_a_json_object() {
    for header in ["[]", r#""x""#, "null", "1", "true"] {
        assert_eq!(
            header_err(header),
            TokenError::NotAnObject(Part::Header),
            "{header}"
        );
    }
    for header in [
        "",
        "{",
        "{\"alg\":\"HS256\"",
        "{\"alg\":\"HS256\"}x",
        "\u{feff}{\"alg\":\"HS256\"}",
        "{'alg':'HS256'}",
    ] {
        assert_eq!(
            header_err(header),
            TokenError::InvalidJson(Part::Header),
            "{header:?}"
        );
    }
    let token = signed_b64(
        &URL_SAFE_NO_PAD.encode(b"{\"alg\":\"HS\xff\"}"),
        &b64(&claims().to_string()),
    );
    assert_eq!(err(&token), TokenError::InvalidJson(Part::Header));
}

#[test]
fn claims_must_be_a_json_object() {
    for claims in ["[]", "1", r#""s""#, "null"] {
        assert_eq!(
            claims_err(claims),
            TokenError::NotAnObject(Part::Payload),
            "{claims}"
        );
    }
    for claims in ["", "{", "{}x", "\u{feff}{}", r#"{"aud":"api",}"#] {
        assert_eq!(
            claims_err(claims),
            TokenError::InvalidJson(Part::Payload),
            "{claims:?}"
        );
    }
    let header = b64(r#"{"alg":"HS256"}"#);
    let invalid_utf8 =
        URL_SAFE_NO_PAD.encode(b"{\"aud\":\"\xff\",\"iss\":\"issuer\",\"exp\":1700000600}");
    assert_eq!(
        err(&signed_b64(&header, &invalid_utf8)),
        TokenError::InvalidJson(Part::Payload)
    );
    assert_eq!(
        claims_err(r#"{"aud":"api","iss":"issuer","exp":1700000600,"x":"\ud800"}"#),
        TokenError::InvalidJson(Part::Payload)
    );
}

#[test]
fn exp_type_and_presence() {
    let missing = TokenError::MissingClaim { name: "exp" };
    let wrong = TokenError::InvalidClaimType { name: "exp" };
    assert_eq!(claims_err(r#"{"aud":"api","iss":"issuer"}"#), missing);
    for exp in [
        "null",
        r#""1700000600""#,
        "true",
        "1700000600.5",
        "1700000600.0",
        "1.7e9",
        "[1700000600]",
        "{}",
        "18446744073709551615",
    ] {
        assert_eq!(
            claims_err(&format!(r#"{{"aud":"api","iss":"issuer","exp":{exp}}}"#)),
            wrong,
            "{exp}"
        );
    }
    // Beyond f64: serde_json refuses the number itself.
    assert_eq!(
        claims_err(r#"{"aud":"api","iss":"issuer","exp":1e400}"#),
        TokenError::InvalidJson(Part::Payload)
    );
    assert_eq!(
        claims_err(r#"{"aud":"api","iss":"issuer","exp":-1}"#),
        TokenError::Expired
    );
    assert!(
        check(&with_claims(
            r#"{"aud":"api","iss":"issuer","exp":9223372036854775807}"#
        ))
        .is_ok()
    );
}

#[test]
fn expiry_boundary_and_leeway() {
    let at = |exp: i64, leeway: u64| {
        let mut policy = policy();
        policy.leeway = leeway;
        check_with(
            &with_claims(&format!(r#"{{"aud":"api","iss":"issuer","exp":{exp}}}"#)),
            &policy,
        )
    };
    assert_eq!(at(NOW, 0).unwrap_err(), TokenError::Expired);
    assert_eq!(at(NOW - 1, 0).unwrap_err(), TokenError::Expired);
    assert!(at(NOW + 1, 0).is_ok());
    assert_eq!(at(NOW - 10, 10).unwrap_err(), TokenError::Expired);
    assert!(at(NOW - 10, 11).is_ok());
    assert!(at(NOW - 10, u64::MAX).is_ok());
}

#[test]
fn nbf_and_iat() {
    let with = |extra: &str| {
        with_claims(&format!(
            r#"{{"aud":"api","iss":"issuer","exp":{},{extra}}}"#,
            NOW + 600
        ))
    };
    assert_eq!(
        err(&with(&format!(r#""nbf":{}"#, NOW + 60))),
        TokenError::NotYetValid
    );
    assert!(check(&with(&format!(r#""nbf":{}"#, NOW - 60))).is_ok());
    assert!(check(&with(&format!(r#""nbf":{NOW}"#))).is_ok());
    let mut lenient = policy();
    lenient.leeway = 60;
    assert!(check_with(&with(&format!(r#""nbf":{}"#, NOW + 60)), &lenient).is_ok());
    assert_eq!(
        err(&with(&format!(r#""iat":{}"#, NOW + 60))),
        TokenError::IssuedInFuture
    );
    assert!(check(&with(&format!(r#""iat":{}"#, NOW - 60))).is_ok());
    for (name, value) in [
        ("nbf", "\"1\""),
        ("nbf", "null"),
        ("nbf", "1.5"),
        ("iat", "true"),
        ("iat", "[]"),
    ] {
        assert_eq!(
            err(&with(&format!(r#""{name}":{value}"#))),
            TokenError::InvalidClaimType {
                name: if name == "nbf" { "nbf" } else { "iat" }
            }
        );
    }
}

#[test]
fn audience() {
    let with_aud = |aud: &str| {
        with_claims(&format!(
            r#"{{"aud":{aud},"iss":"issuer","exp":{}}}"#,
            NOW + 600
        ))
    };
    assert!(check(&with_aud(r#""api""#)).is_ok());
    assert!(check(&with_aud(r#"["other","api"]"#)).is_ok());
    for aud in [
        r#""API""#,
        r#""api ""#,
        r#"" api""#,
        r#""other""#,
        r#"["other"]"#,
        r#""api,other""#,
    ] {
        assert_eq!(err(&with_aud(aud)), TokenError::AudienceMismatch, "{aud}");
    }
    assert_eq!(err(&with_aud("[]")), TokenError::EmptyAudience);
    for aud in [
        "5",
        "null",
        "true",
        "{}",
        r#"["api",5]"#,
        r#"["api",null]"#,
        r#"[["api"]]"#,
    ] {
        assert_eq!(
            err(&with_aud(aud)),
            TokenError::InvalidClaimType { name: "aud" },
            "{aud}"
        );
    }
    assert_eq!(
        claims_err(&format!(r#"{{"iss":"issuer","exp":{}}}"#, NOW + 600)),
        TokenError::MissingClaim { name: "aud" }
    );
    // The validator's audience list: a token for any one of them passes.
    let list = Policy::new(Algorithm::HS256, ["a1", "a2"], "issuer");
    assert!(check_with(&with_aud(r#""a1""#), &list).is_ok());
    assert!(check_with(&with_aud(r#""a2""#), &list).is_ok());
    assert!(check_with(&with_aud(r#"["a3","a2"]"#), &list).is_ok());
    assert_eq!(
        check_with(&with_aud(r#""a3""#), &list).unwrap_err(),
        TokenError::AudienceMismatch
    );
    let nobody = Policy::new(Algorithm::HS256, Vec::<String>::new(), "issuer");
    assert_eq!(
        check_with(&with_aud(r#""api""#), &nobody).unwrap_err(),
        TokenError::AudienceMismatch
    );
}

#[test]
fn issuer() {
    let with_iss = |iss: &str| {
        with_claims(&format!(
            r#"{{"aud":"api","iss":{iss},"exp":{}}}"#,
            NOW + 600
        ))
    };
    for iss in [r#""other""#, r#""Issuer""#, r#""issuer ""#] {
        assert_eq!(err(&with_iss(iss)), TokenError::IssuerMismatch, "{iss}");
    }
    for iss in [r#"["issuer"]"#, "5", "null", "{}"] {
        assert_eq!(
            err(&with_iss(iss)),
            TokenError::InvalidClaimType { name: "iss" },
            "{iss}"
        );
    }
    assert_eq!(
        claims_err(&format!(r#"{{"aud":"api","exp":{}}}"#, NOW + 600)),
        TokenError::MissingClaim { name: "iss" }
    );
}

/// Found by the `signed_edge_claims_follow_the_reference` property: `jsonwebtoken` refuses a
/// non-string `sub`, and so must we, whatever the claims type a handler asks for.
#[test]
fn subject_and_token_id_are_strings() {
    for name in ["sub", "jti"] {
        let with = |value: &str| {
            with_claims(&format!(
                r#"{{"aud":"api","iss":"issuer","exp":{},"{name}":{value}}}"#,
                NOW + 600
            ))
        };
        assert!(check(&with(r#""248289761001""#)).is_ok(), "{name}");
        for value in [r#"["api"]"#, "5", "null", "{}", "true"] {
            assert_eq!(
                err(&with(value)),
                TokenError::InvalidClaimType { name },
                "{name}: {value}"
            );
        }
    }
}

/// Found by the `token_policy` fuzz target after 2.75 million runs: `{"x5c": 1900000600}` passed
/// our header scan (the member is ignored) while `jsonwebtoken` refused the type. Ignored
/// members must still have their registered types.
#[test]
fn key_header_members_have_their_registered_types() {
    let valid = [
        ("jku", r#""https://attacker.example/jwks""#),
        ("x5u", r#""https://attacker.example/cert""#),
        ("x5t", r#""dGh1bWI""#),
        ("x5t#S256", r#""dGh1bWI""#),
        ("jwk", r#"{"kty":"oct","k":"AAAA"}"#),
        ("x5c", r#"["MIIB"]"#),
        ("x5c", "[]"),
    ];
    for (name, value) in valid {
        let token = with_header(&format!(r#"{{"alg":"HS256","{name}":{value}}}"#));
        assert!(check(&token).is_ok(), "{name}: {value}");
    }
    let wrong = [
        ("x5c", "1900000600"),
        ("x5c", r#""MIIB""#),
        ("x5c", r#"["MIIB", 5]"#),
        ("jwk", r#""key""#),
        ("jwk", "[]"),
        ("jku", "5"),
        ("x5u", "null"),
        ("x5t", "{}"),
        ("x5t#S256", "true"),
    ];
    for (name, value) in wrong {
        let header = format!(r#"{{"alg":"HS256","{name}":{value}}}"#);
        let expected = TokenError::InvalidHeaderType {
            name: match name {
                "jku" => "jku",
                "x5u" => "x5u",
                "x5t" => "x5t",
                "x5t#S256" => "x5t#S256",
                "jwk" => "jwk",
                _ => "x5c",
            },
        };
        assert_eq!(header_err(&header), expected, "{header}");
    }
    // Still one member each.
    assert_eq!(
        header_err(r#"{"alg":"HS256","x5u":"a","x5u":"b"}"#),
        TokenError::DuplicateMember(Part::Header)
    );
}

#[test]
fn required_typ() {
    let mut at = policy();
    at.required_typ = Some("at+jwt".into());
    let with_typ = |typ: &str| with_header(&format!(r#"{{"alg":"HS256","typ":{typ}}}"#));
    for typ in [
        "at+jwt",
        "AT+JWT",
        "application/at+jwt",
        "Application/At+JWT",
    ] {
        assert!(
            check_with(&with_typ(&format!("\"{typ}\"")), &at).is_ok(),
            "{typ}"
        );
    }
    for typ in ["JWT", "jwt", "at+jwt ", "application/jwt", "application/"] {
        assert_eq!(
            check_with(&with_typ(&format!("\"{typ}\"")), &at).unwrap_err(),
            TokenError::TypMismatch,
            "{typ}"
        );
    }
    assert_eq!(
        check_with(&with_header(r#"{"alg":"HS256"}"#), &at).unwrap_err(),
        TokenError::MissingTyp
    );
    assert_eq!(
        check_with(&with_typ("5"), &at).unwrap_err(),
        TokenError::InvalidHeaderType { name: "typ" }
    );
    // Without a requirement, any string typ passes, but it must be a string.
    assert!(check(&with_typ(r#""whatever""#)).is_ok());
    assert_eq!(
        err(&with_typ("null")),
        TokenError::InvalidHeaderType { name: "typ" }
    );
    let mut app = policy();
    app.required_typ = Some("application/at+jwt".into());
    assert!(check_with(&with_typ(r#""at+jwt""#), &app).is_ok());
}

#[test]
fn max_lifetime() {
    let mut bounded = policy();
    bounded.max_lifetime = Some(3600);
    let token = |exp: i64, iat: Option<i64>| {
        let iat = iat
            .map(|iat| format!(r#","iat":{iat}"#))
            .unwrap_or_default();
        with_claims(&format!(
            r#"{{"aud":"api","iss":"issuer","exp":{exp}{iat}}}"#
        ))
    };
    assert!(check_with(&token(NOW + 3600, None), &bounded).is_ok());
    assert_eq!(
        check_with(&token(NOW + 3601, None), &bounded).unwrap_err(),
        TokenError::LifetimeTooLong { max: 3600 }
    );
    assert_eq!(
        check_with(&token(i64::MAX, None), &bounded).unwrap_err(),
        TokenError::LifetimeTooLong { max: 3600 }
    );
    assert!(check_with(&token(NOW + 600, Some(NOW - 3000)), &bounded).is_ok());
    assert_eq!(
        check_with(&token(NOW + 600, Some(NOW - 3001)), &bounded).unwrap_err(),
        TokenError::LifetimeTooLong { max: 3600 }
    );
    assert_eq!(
        check_with(&token(NOW + 600, Some(i64::MIN)), &bounded).unwrap_err(),
        TokenError::LifetimeTooLong { max: 3600 }
    );
    assert!(check(&token(i64::MAX, Some(i64::MIN))).is_ok());
}

#[test]
fn hostile_shapes_are_bounded() {
    let mut big = policy();
    big.max_token_bytes = 4 << 20;
    // Depth 200 inside an ignored claim: serde_json's recursion limit refuses it, no overflow.
    let deep = format!(
        r#"{{"aud":"api","iss":"issuer","exp":{},"x":{}1{}}}"#,
        NOW + 600,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(check_with(&with_claims(&deep), &big).is_err());
    let deep_objects = format!(
        r#"{{"aud":"api","iss":"issuer","exp":{},"x":{}1{}}}"#,
        NOW + 600,
        "{\"a\":".repeat(200),
        "}".repeat(200)
    );
    assert!(check_with(&with_claims(&deep_objects), &big).is_err());
    let deep_header = format!(
        r#"{{"alg":"HS256","x":{}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(check_with(&with_header(&deep_header), &big).is_err());
    // 100 000 members: linear, and a duplicate at the very end is still found.
    let mut members: Vec<String> = (0..100_000).map(|i| format!(r#""k{i}":0"#)).collect();
    members.extend([
        r#""aud":"api""#.into(),
        r#""iss":"issuer""#.into(),
        format!(r#""exp":{}"#, NOW + 600),
    ]);
    let started = std::time::Instant::now();
    assert!(check_with(&with_claims(&format!("{{{}}}", members.join(","))), &big).is_ok());
    members.push(r#""k99999":1"#.into());
    assert_eq!(
        check_with(&with_claims(&format!("{{{}}}", members.join(","))), &big).unwrap_err(),
        TokenError::DuplicateMember(Part::Payload)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn errors_never_contain_token_text() {
    let m = MARKER;
    let tokens = [
        signed(&format!(r#"{{"alg":"{m}"}}"#), "{}"),
        signed(
            &format!(r#"{{"alg":"HS256","kid":"{m}","crit":["{m}"]}}"#),
            "{}",
        ),
        signed(
            &format!(r#"{{"alg":"HS256","typ":"{m}","cty":"{m}"}}"#),
            "{}",
        ),
        with_claims(&format!(
            r#"{{"aud":"{m}","iss":"issuer","exp":{}}}"#,
            NOW + 600
        )),
        with_claims(&format!(
            r#"{{"aud":"api","iss":"{m}","exp":{}}}"#,
            NOW + 600
        )),
        with_claims(&format!(r#"{{"aud":"api","iss":"issuer","exp":"{m}"}}"#)),
        with_claims(&format!(r#"{{"{m}":1,"{m}":2}}"#)),
        format!("{m}.{m}.{m}"),
        m.to_string(),
    ];
    let mut required = policy();
    required.required_typ = Some("at+jwt".into());
    for token in &tokens {
        // `check_with` asserts the message does not contain the marker.
        assert!(check(token).is_err());
        assert!(check_with(token, &required).is_err());
    }
}

/// A cheap deterministic mutation run: no input may panic.
#[test]
fn mutations_never_panic() {
    let base = with_claims(&json!({"aud": ["api", "x"], "iss": "issuer", "exp": NOW + 600, "nbf": NOW, "email": "e@x"}).to_string());
    let alphabet = b"AZaz09-_.=+/ {}\"\\";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let policy = policy();
    for _ in 0..20_000 {
        let mut bytes = base.clone().into_bytes();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[at] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        let token = String::from_utf8_lossy(&bytes);
        let _ = parse(&token, &policy).map(|t| {
            let _ = t.kid();
            let _ = t.payload();
            t.verify(&key(), &policy, NOW)
        });
    }
}
