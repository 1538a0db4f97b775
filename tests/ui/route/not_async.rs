#[authroute::route("/x", auth = "none")]
fn x() -> &'static str {
    "x"
}

fn main() {}
