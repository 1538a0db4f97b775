authroute::validator! {
    name: "demo", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}

#[authroute::route("/x", auth = "public_or_jwt_demo")]
async fn x(claims: authroute::Claims) -> String {
    claims.0.to_string()
}
fn main() {}
