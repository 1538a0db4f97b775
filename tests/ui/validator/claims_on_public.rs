#[authroute::route("/x", auth = "public")]
async fn x(claims: authroute::Claims) -> String {
    claims.0.to_string()
}
fn main() {}
