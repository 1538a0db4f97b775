async fn plain() -> &'static str {
    "not a route"
}

fn main() {
    let _ = authroute::routes![plain];
}
