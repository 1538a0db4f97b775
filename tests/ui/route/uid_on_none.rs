#[authroute::route("/x", auth = "none")]
async fn x(uid: authroute::Uid) -> String {
    uid.to_string()
}

fn main() {}
