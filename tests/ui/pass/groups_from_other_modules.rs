//! Group markers resolve like validators': declared in another module (default `pub(crate)`)
//! and imported, or through a glob; names with `-` work; a `pub` declaration is `pub`.

mod access {
    authroute::groups!("admin", "read-only");

    pub mod public {
        authroute::groups!(pub "billing");
    }
}

mod routes {
    use crate::access::public::*;
    use crate::access::{group_admin, group_read_H_only};

    #[authroute::route("/x", auth = "user", groups = ["admin"], any_groups = ["billing", "read-only"])]
    async fn x(uid: authroute::Uid) -> String {
        uid.to_string()
    }

    #[authroute::route("/y", auth = "public", groups = ["read-only"])]
    async fn y(caller: authroute::Caller) -> String {
        caller.uid.to_string()
    }
}

// The group name is the declared string.
const _: () = assert!(matches!(
    <access::group_read_H_only as authroute::__private::GroupLink>::NAME.as_bytes(),
    b"read-only"
));

fn main() {}
