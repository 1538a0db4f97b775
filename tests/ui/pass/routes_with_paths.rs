//! `routes![...]` names handlers by path: in a child module, a nested one, through `crate::`
//! and `self::`, whatever the handler's visibility within the crate.

mod api {
    #[authroute::route("/me", methods = ["GET"], auth = "none")]
    pub async fn me() -> &'static str {
        "me"
    }

    pub mod admin {
        #[authroute::route("/stats", methods = ["GET"], auth = "none")]
        pub async fn stats() -> &'static str {
            "stats"
        }
    }
}

mod health {
    // Private: its marker is still `pub(crate)`, like that of a handler without `pub`.
    #[authroute::route("/health", methods = ["GET"], auth = "none")]
    async fn health() -> &'static str {
        "ok"
    }
}

#[authroute::route("/root", methods = ["GET"], auth = "none")]
async fn root() -> &'static str {
    "root"
}

fn main() {
    let set = authroute::routes![crate::api::me, api::admin::stats, health::health, self::root];
    assert_eq!(set.len(), 4);
}
