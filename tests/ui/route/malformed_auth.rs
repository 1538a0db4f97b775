#[authroute::route("/x", auth = "Jwt demo")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
