authroute::groups!("admin");

authroute::validator! {
    name: "demo", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: static(1),
}

#[authroute::route("/x", auth = "jwt_demo", groups = ["admin"])]
async fn x() -> &'static str {
    "x"
}

#[authroute::route("/y", auth = "public_or_jwt_demo", any_groups = ["admin"])]
async fn y() -> &'static str {
    "y"
}

fn main() {}
