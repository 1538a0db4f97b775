//! What every benchmark server shares: the token parameters, the response body and the
//! command line. The binaries live in `src/bin/`; `bench/run.sh` drives them.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// HS256 secret of every server and of `mint-token` (40 bytes: authroute wants >= 32).
pub const SECRET: &str = "bench-secret-0123456789abcdef-0123456789";
/// The `iss` every server requires.
pub const ISSUER: &str = "https://bench.example";
/// The `aud` every server requires.
pub const AUDIENCE: &str = "bench_api";
/// The `sub` claim of the minted token, echoed back by the JWT routes.
pub const SUBJECT: &str = "bench-user";

/// The body of every benchmarked route: `{"sub":"bench-user"}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct WhoAmI {
    /// The token's subject (or `bench-user` on routes without auth).
    pub sub: String,
}

/// The body as bytes, for servers that do not serialise per request.
pub const BODY: &[u8] = br#"{"sub":"bench-user"}"#;

/// The listen address: the first argument when it is not a flag, else `default`.
pub fn listen_addr(default: &str) -> SocketAddr {
    let arg = std::env::args().nth(1).filter(|a| !a.starts_with("--"));
    let text = arg.as_deref().unwrap_or(default);
    text.parse().unwrap_or_else(|_| {
        eprintln!("error: invalid listen address `{text}`; expected HOST:PORT like {default}");
        std::process::exit(2);
    })
}

/// The one line `bench/run.sh` waits for once the socket is bound.
pub fn announce(addr: SocketAddr) {
    eprintln!("listening on {addr}");
}
