#[authroute::route("users/{id}", auth = "none")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
