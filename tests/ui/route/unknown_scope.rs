authroute::validator! {
    name: "demo", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: static(1),
    grants: { claim: "scope", known: ["read", "write"] },
}

#[authroute::route("/x", auth = "jwt_demo", scopes = ["read", "raed"])]
async fn x() -> &'static str {
    "x"
}

fn main() {}
