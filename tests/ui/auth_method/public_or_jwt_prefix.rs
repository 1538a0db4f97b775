use authroute::{AuthError, AuthRequest, Uid};

#[authroute::auth_method]
fn public_or_jwt_mine(_req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    Ok(Uid(1))
}

fn main() {}
