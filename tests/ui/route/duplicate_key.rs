#[authroute::route("/x", auth = "none", auth = "user")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
