// The validator's error is the only one: its marker still exists, so the routes that name it
// compile. (They sit outside the module holding the error, where rustc would report a missing
// type: it hides lookup errors only inside such a module.)
mod validators {
    authroute::validator! {
        name: "demo", issuer: "i", audience: ["a"], algorithm: "HS256",
        secret: "too-short", user: static(1),
    }
}

use validators::*;

#[authroute::route("/whoami", auth = "jwt_demo")]
async fn whoami(uid: authroute::Uid) -> String {
    uid.to_string()
}

#[authroute::route("/maybe", auth = "public_or_jwt_demo")]
async fn maybe(caller: authroute::Caller) -> String {
    caller.uid.to_string()
}

fn main() {}
