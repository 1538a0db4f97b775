authroute::validator! {
    name: "tokens", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: none,
}

#[authroute::route("/x", auth = "jwt_tokens")]
async fn x(uid: authroute::Uid) -> String {
    uid.to_string()
}

#[authroute::route("/y", auth = "public_or_jwt_tokens")]
async fn y(partner: Option<authroute::Uid>) -> String {
    format!("{partner:?}")
}

fn main() {}
