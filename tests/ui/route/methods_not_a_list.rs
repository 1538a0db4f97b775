#[authroute::route("/x", methods = "GET", auth = "none")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
