authroute::validator! {
    name: "plain", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: static(1),
}

#[authroute::route("/x", auth = "jwt_plain", scopes = ["read"])]
async fn x() -> &'static str {
    "x"
}

fn main() {}
