//! Custom user and partner strategies reach the token, the directory and the application state.

use std::collections::HashMap;
use std::sync::Arc;

use authroute::directory::{BoxFuture, MemoryDirectory, NewUser, PasswordHasher};
use authroute::{
    App, AuthError, Json, Partner, PartnerId, TokenContext, Uid, route, routes, validator,
};
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

const SECRET: &str = "strategies-secret-0123456789abcdef-0123";

/// Token subjects to users, as state.
#[derive(Clone)]
struct Subjects(Arc<HashMap<String, Uid>>);

#[derive(serde::Deserialize)]
struct Sub {
    sub: String,
}

fn by_subject<'a>(ctx: &'a TokenContext<'a>) -> BoxFuture<'a, Result<Uid, AuthError>> {
    Box::pin(async move {
        let Sub { sub } = ctx
            .token()
            .claims()
            .map_err(|_| AuthError::invalid_token("the token has no `sub`"))?;
        let subjects = ctx
            .state::<Subjects>()
            .ok_or_else(|| AuthError::invalid_token("no subjects are known"))?;
        subjects
            .0
            .get(&sub)
            .copied()
            .ok_or_else(|| AuthError::invalid_token("unknown subject"))
    })
}

/// The partner of the user the subject maps to, read from the directory.
fn partner_of_subject<'a>(
    ctx: &'a TokenContext<'a>,
) -> BoxFuture<'a, Result<Option<Partner>, AuthError>> {
    Box::pin(async move {
        let uid = by_subject(ctx).await?;
        let user = ctx
            .directory()
            .user(uid)
            .await
            .map_err(|_| AuthError::invalid_token("directory unavailable"))?;
        let Some(partner_id) = user.and_then(|u| u.partner_id) else {
            return Ok(None);
        };
        ctx.directory()
            .partner(partner_id)
            .await
            .map_err(|_| AuthError::invalid_token("directory unavailable"))
    })
}

validator! {
    name: "strategic", issuer: "iss", audience: ["api"], algorithm: "HS256",
    secret: "strategies-secret-0123456789abcdef-0123",
    user: custom(by_subject), partner: custom(partner_of_subject),
}

#[route("/who", methods = ["GET"], auth = "jwt_strategic")]
async fn who(uid: Uid, partner: Option<Partner>) -> Json<Value> {
    Json(json!({ "uid": uid, "partner": partner.map(|p| p.name) }))
}

fn token(sub: &str) -> String {
    let claims = json!({ "iss": "iss", "aud": "api", "exp": 4_000_000_000_u64, "sub": sub });
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn strategies_use_token_directory_and_state() {
    let directory = MemoryDirectory::new(PasswordHasher::fast_for_tests());
    let partner: PartnerId = directory.add_partner("Alice Example", None);
    let alice = directory
        .add_user(NewUser::new("Alice").partner(partner))
        .unwrap();
    let bob = directory.add_user(NewUser::new("Bob")).unwrap();
    let subjects = HashMap::from([
        ("alice-sub".to_string(), alice),
        ("bob-sub".to_string(), bob),
    ]);
    let app = App::builder()
        .directory(Arc::new(directory))
        .routes(routes![who])
        .state(Subjects(Arc::new(subjects)))
        .build()
        .await
        .expect("starts");
    let server = app.spawn("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = format!("http://{}/who", server.addr());
    let client = reqwest::Client::new();

    let alice_answer = client
        .get(&url)
        .bearer_auth(token("alice-sub"))
        .send()
        .await
        .unwrap();
    assert_eq!(alice_answer.status(), 200);
    assert_eq!(
        alice_answer.json::<Value>().await.unwrap(),
        json!({ "uid": alice, "partner": "Alice Example" })
    );
    let bob_answer = client
        .get(&url)
        .bearer_auth(token("bob-sub"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        bob_answer.json::<Value>().await.unwrap(),
        json!({ "uid": bob, "partner": null })
    );
    let unknown = client
        .get(&url)
        .bearer_auth(token("eve-sub"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 401);
    assert_eq!(
        unknown.headers()["www-authenticate"],
        r#"Bearer realm="strategic", error="invalid_token""#
    );
    server.shutdown().await;
}
