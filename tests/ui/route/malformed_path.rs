#[authroute::route("/a//b", auth = "none")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
