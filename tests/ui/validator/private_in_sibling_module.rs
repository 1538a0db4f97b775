mod auth {
    authroute::validator! {
        pub(self) name: "inner", issuer: "i", audience: ["a"], algorithm: "HS256",
        secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
    }
}

mod routes {
    use crate::auth::jwt_inner;

    #[authroute::route("/whoami", auth = "jwt_inner")]
    async fn whoami(uid: authroute::Uid) -> String {
        uid.to_string()
    }
}

fn main() {}
