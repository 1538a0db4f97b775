use authroute::{AuthError, AuthRequest};

#[authroute::auth_method]
async fn keyed(_req: &AuthRequest<'_>) -> Result<String, AuthError> {
    Ok("1".to_string())
}

fn main() {}
