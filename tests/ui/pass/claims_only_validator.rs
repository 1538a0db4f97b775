//! A claims-only validator: its routes take the token's claims, and chains of claims-only
//! validators compile.

authroute::validator! {
    name: "first", issuer: "a", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: none, next: "second",
}

authroute::validator! {
    name: "second", issuer: "b", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: none,
}

#[authroute::route("/x", auth = "jwt_first")]
async fn x(
    authroute::Claims(claims): authroute::Claims<serde_json::Value>,
    name: authroute::ValidatorName,
) -> String {
    format!("{claims} {}", name.0)
}

#[authroute::route("/y", auth = "public_or_jwt_second")]
async fn y(claims: Option<authroute::Claims<serde_json::Value>>) -> String {
    format!("{}", claims.is_some())
}

fn main() {}
