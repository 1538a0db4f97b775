#[authroute::route("/x", auht = "none")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
