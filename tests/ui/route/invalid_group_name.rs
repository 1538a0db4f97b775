#[authroute::route("/x", auth = "user", groups = ["Admin", "sales team"])]
async fn x() -> &'static str {
    "x"
}

#[authroute::route("/y", auth = "user", groups = [])]
async fn y() -> &'static str {
    "y"
}

fn main() {}
