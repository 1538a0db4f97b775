use authroute::{AuthError, AuthRequest, Uid, auth_method, route};

#[auth_method]
fn custom(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Ok(Uid(1))
}

#[route("/x", auth = "custm")]
async fn x(uid: Uid) -> String {
    uid.to_string()
}

fn main() {}
