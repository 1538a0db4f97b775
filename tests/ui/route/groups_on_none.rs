authroute::groups!("admin");

#[authroute::route("/x", auth = "none", groups = ["admin"])]
async fn x() -> &'static str {
    "x"
}

#[authroute::auth_method]
fn custom(_req: &authroute::AuthRequest<'_>) -> Result<authroute::Uid, authroute::AuthError> {
    Ok(authroute::Uid(1))
}

#[authroute::route("/y", auth = "custom", any_groups = ["admin"])]
async fn y() -> &'static str {
    "y"
}

fn main() {}
