//! Prints an HS256 token accepted by every benchmark server: a realistic access token of
//! 300-400 bytes (registered claims plus email, name and scope), valid until 2100.

use std::time::{SystemTime, UNIX_EPOCH};

use authroute_bench_servers::{AUDIENCE, ISSUER, SECRET, SUBJECT};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;

/// 2100-01-01T00:00:00Z: the token outlives any benchmark run.
const EXP: u64 = 4_102_444_800;

fn main() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // A little in the past, so that a server whose clock is a second behind accepts it.
    let issued = now - 60;
    let claims = json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": SUBJECT,
        "exp": EXP,
        "iat": issued,
        "nbf": issued,
        "email": "bench.user@bench.example",
        "name": "Bench User",
        "scope": "openid profile email whoami:read orders:read",
    });
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap_or_else(|err| {
        eprintln!("error: cannot sign the token: {err}");
        std::process::exit(1);
    });
    println!("{token}");
}
