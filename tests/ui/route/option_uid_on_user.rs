#[authroute::route("/x", auth = "user")]
async fn x(uid: Option<authroute::Uid>) -> String {
    format!("{uid:?}")
}

fn main() {}
