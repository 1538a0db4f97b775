mod auth {
    authroute::validator! {
        name: "staff", issuer: "i", audience: ["a"], algorithm: "HS256",
        secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
    }
}

#[authroute::route("/whoami", auth = "jwt_staff")]
async fn whoami(uid: authroute::Uid) -> String {
    uid.to_string()
}

fn main() {}
