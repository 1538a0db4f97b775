#[authroute::route("/x", methods = ["get"], auth = "none")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
