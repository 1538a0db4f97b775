//! A validator declared in the crate root after `mod child`, used in the child through
//! `use super::jwt_root;` and in a grandchild through `use crate::jwt_root;`: macro-declared
//! markers resolve like any item, whatever the order in the file.

mod child {
    use super::jwt_root;

    #[authroute::route("/child", methods = ["GET"], auth = "jwt_root")]
    async fn child(uid: authroute::Uid) -> String {
        uid.to_string()
    }

    mod grandchild {
        use crate::jwt_root;

        #[authroute::route("/grandchild", methods = ["GET"], auth = "public_or_jwt_root")]
        async fn grandchild(caller: authroute::Caller) -> String {
            caller.uid.to_string()
        }
    }
}

authroute::validator! {
    name: "root", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}

fn main() {}
