//! Token validation cost: our full policy against `jsonwebtoken::decode` with a minimal
//! `Validation` (aud, iss, exp), and against the bare signature operation of the crypto backend.
//!
//! `cargo bench -p authroute --bench token`; instruction counts: see [`fixed_iterations`].

use std::hint::black_box;

use authroute::jwt::keys::{VerifyingKey, hmac_key, pem_public_key};
use authroute::jwt::policy::{Policy, parse};
use aws_lc_rs::{hmac, signature};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
const AUDIENCE: &str = "auth_jwt_test_api";
const ISSUER: &str = "https://auth.example.com/realms/main";

const RSA_PRIVATE: &[u8] = include_bytes!("../tests/keys/rsa2048_private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../tests/keys/rsa2048_public.pem");
const P256_PRIVATE: &[u8] = include_bytes!("../tests/keys/ec_p256_private.pem");
const P256_PUBLIC: &[u8] = include_bytes!("../tests/keys/ec_p256_public.pem");
const ED_PRIVATE: &[u8] = include_bytes!("../tests/keys/ed25519_private.pem");
const ED_PUBLIC: &[u8] = include_bytes!("../tests/keys/ed25519_public.pem");

/// Realistic claims: with the HS256 header and signature the token is about 370 bytes.
fn claims() -> serde_json::Value {
    serde_json::json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "248289761001",
        "exp": 4_000_000_000_i64,
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "email": "mark.brown23@example.com",
        "name": "Marc Demo",
        "scope": "openid profile email",
    })
}

fn minimal_validation(alg: Algorithm) -> Validation {
    let mut validation = Validation::new(alg);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[ISSUER]);
    validation.leeway = 0;
    validation
}

fn compare(
    c: &mut Criterion,
    alg: Algorithm,
    encoding: &EncodingKey,
    decoding: &DecodingKey,
    prepared: Option<&VerifyingKey>,
    bare: &dyn Fn(&str),
) {
    let token = encode(&Header::new(alg), &claims(), encoding).unwrap();
    let policy = Policy::new(alg, [AUDIENCE], ISSUER);
    let validation = minimal_validation(alg);
    // Both accept the token before being timed.
    parse(&token, &policy)
        .unwrap()
        .verify(decoding, &policy, NOW)
        .unwrap();
    decode::<serde_json::Value>(&token, decoding, &validation).unwrap();

    let mut group = c.benchmark_group(format!("{alg:?} ({} byte token)", token.len()));
    group.bench_function("authroute policy", |b| {
        b.iter(|| {
            let verified =
                parse(black_box(&token), &policy).and_then(|t| t.verify(decoding, &policy, NOW));
            black_box(verified).unwrap()
        })
    });
    if let Some(prepared) = prepared {
        // What a validator uses: the key prepared once at startup.
        group.bench_function("authroute policy, prepared key", |b| {
            b.iter(|| {
                let verified = parse(black_box(&token), &policy)
                    .and_then(|t| t.verify(prepared, &policy, NOW));
                black_box(verified).unwrap()
            })
        });
    }
    group.bench_function("jsonwebtoken::decode", |b| {
        b.iter(|| {
            black_box(decode::<serde_json::Value>(
                black_box(&token),
                decoding,
                &validation,
            ))
            .unwrap()
        })
    });
    group.bench_function("bare signature check", |b| {
        b.iter(|| bare(black_box(&token)))
    });
    // Where our time goes.
    group.bench_function("authroute parse only", |b| {
        b.iter(|| black_box(parse(black_box(&token), &policy)).unwrap().alg())
    });
    let parsed = parse(&token, &policy).unwrap();
    group.bench_function("authroute verify_signature only", |b| {
        b.iter(|| black_box(parsed.verify_signature(decoding)).unwrap())
    });
    group.finish();
}

fn signing_input_and_signature(token: &str) -> (&str, Vec<u8>) {
    let (input, signature) = token.rsplit_once('.').unwrap();
    (input, URL_SAFE_NO_PAD.decode(signature).unwrap())
}

fn benches(c: &mut Criterion) {
    // HS256: the floor is the HMAC-SHA256 of the signing input with a ready key.
    let hmac_ready = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    compare(
        c,
        Algorithm::HS256,
        &EncodingKey::from_secret(SECRET),
        &hmac_key(SECRET, Algorithm::HS256).unwrap(),
        Some(&VerifyingKey::hmac(SECRET, Algorithm::HS256).unwrap()),
        &|token| {
            let (input, _) = token.rsplit_once('.').unwrap();
            black_box(hmac::sign(&hmac_ready, input.as_bytes()));
        },
    );

    let rsa_public = pem::parse(RSA_PUBLIC).unwrap();
    compare(
        c,
        Algorithm::RS256,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap(),
        &pem_public_key(RSA_PUBLIC, Algorithm::RS256).unwrap(),
        None,
        &|token| {
            let (input, signature) = signing_input_and_signature(token);
            let key = signature::UnparsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                rsa_public.contents(),
            );
            key.verify(input.as_bytes(), &signature).unwrap();
        },
    );

    let p256_public = pem::parse(P256_PUBLIC).unwrap();
    let p256_point = &p256_public.contents()[p256_public.contents().len() - 65..];
    compare(
        c,
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(P256_PRIVATE).unwrap(),
        &pem_public_key(P256_PUBLIC, Algorithm::ES256).unwrap(),
        None,
        &|token| {
            let (input, signature) = signing_input_and_signature(token);
            let key =
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, p256_point);
            key.verify(input.as_bytes(), &signature).unwrap();
        },
    );

    let ed_public = pem::parse(ED_PUBLIC).unwrap();
    let ed_raw = &ed_public.contents()[ed_public.contents().len() - 32..];
    compare(
        c,
        Algorithm::EdDSA,
        &EncodingKey::from_ed_pem(ED_PRIVATE).unwrap(),
        &pem_public_key(ED_PUBLIC, Algorithm::EdDSA).unwrap(),
        None,
        &|token| {
            let (input, signature) = signing_input_and_signature(token);
            let key = signature::UnparsedPublicKey::new(&signature::ED25519, ed_raw);
            key.verify(input.as_bytes(), &signature).unwrap();
        },
    );
}

/// Validation cost as the validator's audience list grows: the token names the last audience,
/// the worst case for the linear comparison.
fn audience_growth(c: &mut Criterion) {
    let key = VerifyingKey::hmac(SECRET, Algorithm::HS256).unwrap();
    let mut group = c.benchmark_group("HS256 audience list");
    for size in [1_usize, 10, 100, 1000] {
        let audiences: Vec<String> = (0..size).map(|i| format!("api-{i:04}")).collect();
        let mut claims = claims();
        claims["aud"] = audiences[size - 1].clone().into();
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        let policy = Policy::new(Algorithm::HS256, audiences, ISSUER);
        parse(&token, &policy)
            .unwrap()
            .verify(&key, &policy, NOW)
            .unwrap();
        group.bench_function(format!("{size} audiences"), |b| {
            b.iter(|| {
                let verified =
                    parse(black_box(&token), &policy).and_then(|t| t.verify(&key, &policy, NOW));
                black_box(verified).unwrap()
            })
        });
    }
    group.finish();
}

/// `TOKEN_ITERATIONS=<n> <bench binary> <policy|prepared|decode|hmac>`: runs one HS256
/// variant `n` times and exits, for instruction counts under `valgrind --tool=callgrind` (the
/// difference between two counts over the difference in `n` is the cost of one token).
fn fixed_iterations(count: usize, variant: &str) {
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    let policy = Policy::new(Algorithm::HS256, [AUDIENCE], ISSUER);
    let library = hmac_key(SECRET, Algorithm::HS256).unwrap();
    let prepared = VerifyingKey::hmac(SECRET, Algorithm::HS256).unwrap();
    let validation = minimal_validation(Algorithm::HS256);
    let hmac_ready = hmac::Key::new(hmac::HMAC_SHA256, SECRET);
    let (input, _) = token.rsplit_once('.').unwrap();
    for _ in 0..count {
        match variant {
            "policy" => {
                let t = parse(black_box(&token), &policy).unwrap();
                black_box(t.verify(&library, &policy, NOW).unwrap());
            }
            "prepared" => {
                let t = parse(black_box(&token), &policy).unwrap();
                black_box(t.verify(&prepared, &policy, NOW).unwrap());
            }
            "decode" => {
                black_box(decode::<serde_json::Value>(&token, &library, &validation).unwrap());
            }
            "hmac" => {
                black_box(hmac::sign(&hmac_ready, black_box(input).as_bytes()));
            }
            other => panic!("unknown variant {other}: policy, prepared, decode or hmac"),
        }
    }
}

criterion_group!(token, benches, audience_growth);

fn main() {
    if let Ok(count) = std::env::var("TOKEN_ITERATIONS") {
        let variant = std::env::args()
            .nth(1)
            .unwrap_or_else(|| "policy".to_string());
        fixed_iterations(
            count.parse().expect("TOKEN_ITERATIONS is a count"),
            &variant,
        );
        return;
    }
    token();
    Criterion::default().configure_from_args().final_summary();
}
