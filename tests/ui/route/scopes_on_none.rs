#[authroute::route("/x", auth = "none", scopes = ["read"])]
async fn x() -> &'static str {
    "x"
}

#[authroute::route("/y", auth = "user", any_roles = ["admin"])]
async fn y() -> &'static str {
    "y"
}

fn main() {}
