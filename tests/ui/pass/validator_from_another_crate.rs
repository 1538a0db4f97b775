//! Declarations of another crate (`shared_auth`, examples/shared-auth): a `pub` validator, a
//! `pub fn` auth method, and a validator re-exported from a private module, imported with `use`.

use shared_auth::{auth_api_key, jwt_corp, jwt_partners};

#[authroute::route("/corp", methods = ["GET"], auth = "jwt_corp")]
async fn corp(uid: authroute::Uid) -> String {
    uid.to_string()
}

#[authroute::route("/maybe", methods = ["GET"], auth = "public_or_jwt_corp")]
async fn maybe(caller: authroute::Caller) -> String {
    caller.uid.to_string()
}

#[authroute::route("/partners", methods = ["GET"], auth = "jwt_partners")]
async fn partners(uid: authroute::Uid) -> String {
    uid.to_string()
}

#[authroute::route("/robot", methods = ["GET"], auth = "api_key")]
async fn robot(uid: authroute::Uid) -> String {
    uid.to_string()
}

mod nested {
    // The `use` may come after the route, like any import.
    #[authroute::route("/nested", methods = ["GET"], auth = "jwt_corp")]
    async fn nested(uid: authroute::Uid) -> String {
        uid.to_string()
    }
    use shared_auth::jwt_corp;
}

fn main() {}
