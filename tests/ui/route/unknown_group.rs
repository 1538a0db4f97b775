authroute::groups!("admin", "billing");

#[authroute::route("/x", auth = "user", groups = ["admin", "admn"])]
async fn x() -> &'static str {
    "x"
}

#[authroute::route("/y", auth = "public", any_groups = ["billing", "sales"])]
async fn y() -> &'static str {
    "y"
}

fn main() {}
