#[authroute::route("/x", type = "xml", auth = "none")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
