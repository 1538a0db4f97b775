struct Opaque;

#[authroute::route("/x", auth = "none")]
async fn x() -> Opaque {
    Opaque
}

fn main() {}
