#[authroute::route("/x", auth = "jwt_")]
async fn x() -> &'static str {
    "x"
}

fn main() {}
