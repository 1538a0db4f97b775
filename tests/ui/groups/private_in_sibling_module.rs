mod groups {
    authroute::groups!(pub(self) "admin");
}

mod routes {
    use super::groups::group_admin;

    #[authroute::route("/x", auth = "user", groups = ["admin"])]
    async fn x() -> &'static str {
        "x"
    }
}

fn main() {}
