#[authroute::route("/x", auth = 5)]
async fn x() -> &'static str {
    "x"
}

fn main() {}
