use authroute::{AuthRequest, Uid};

#[authroute::auth_method]
async fn custom(_req: &AuthRequest<'_>) -> Option<Uid> {
    Some(Uid(1))
}

fn main() {}
