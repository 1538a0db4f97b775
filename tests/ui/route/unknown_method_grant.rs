use authroute::{AuthError, AuthRequest, MethodIdentity, Uid};

#[authroute::auth_method(grants = ["read"])]
fn keyed(_req: &AuthRequest<'_>) -> Result<MethodIdentity, AuthError> {
    Ok(MethodIdentity::new(Uid(1)))
}

#[authroute::auth_method]
fn undeclared(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Ok(Uid(1))
}

#[authroute::route("/x", auth = "keyed", scopes = ["write"])]
async fn x() -> &'static str {
    "x"
}

#[authroute::route("/y", auth = "undeclared", scopes = ["read"])]
async fn y() -> &'static str {
    "y"
}

fn main() {}
