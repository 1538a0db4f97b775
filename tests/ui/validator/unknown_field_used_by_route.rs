// A validator that does not parse still declares its marker, with its visibility, so the route
// in another module reports nothing more.
mod auth {
    authroute::validator! {
        pub name: "demo", issuer: "i", audiences: ["a"], algorithm: "HS256",
        secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
    }
}

mod routes {
    use crate::auth::*;

    #[authroute::route("/whoami", auth = "jwt_demo")]
    async fn whoami(uid: authroute::Uid) -> String {
        uid.to_string()
    }
}

fn main() {}
