//! Request method and path to the route decision: matchit lookup, percent-decoding of the
//! parameters, the method check and CORS preflight. The first byte picks the method (and
//! whether to send a preflight header); the rest is the path and query. Every answer is one of
//! the statuses routing can give, a 405 names the allowed methods, and a parameter reaches the
//! handler as the percent-decoding of what the path held.
#![no_main]

use authroute::{Json, Path, route};
use authroute_fuzz::send;
use bytes::Bytes;
use http::{Method, Request, Uri};
use http_body_util::Full;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

#[route("/items/{id}", methods = ["GET", "POST"], auth = "none", cors = "*")]
async fn item(Path(id): Path<String>) -> Json<Value> {
    Json(json!({ "id": id }))
}

#[route("/items/{id}/tags/{tag}", methods = ["GET"], auth = "none")]
async fn tag(Path((id, tag)): Path<(u32, String)>) -> Json<Value> {
    Json(json!({ "id": id, "tag": tag }))
}

#[route("/files/{*rest}", methods = ["GET"], auth = "none")]
async fn files(Path(rest): Path<String>) -> Json<Value> {
    Json(json!({ "rest": rest }))
}

#[route("/a/b/c", methods = ["DELETE"], auth = "none")]
async fn abc() -> Json<Value> {
    Json(json!({ "abc": true }))
}

const METHODS: [&str; 8] = [
    "GET", "POST", "OPTIONS", "DELETE", "PUT", "HEAD", "PATCH", "BREW",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, path)) = data.split_first() else {
        return;
    };
    let method = Method::from_bytes(METHODS[usize::from(pick) % METHODS.len()].as_bytes())
        .expect("a valid method");
    // Only paths hyper could have parsed reach the router.
    let Ok(uri) = Uri::builder().path_and_query(path).build() else {
        return;
    };
    let mut request = Request::builder().method(method.clone()).uri(uri.clone());
    if pick & 0x80 != 0 {
        request = request.header("access-control-request-method", "GET");
    }
    let request = request.body(Full::new(Bytes::new())).expect("a request");
    let answer = send(request);
    let context = format!("{method} {uri}");
    match answer.status {
        200 | 204 => {}
        // 400: a parameter that does not fit the handler's type (`{id}` as u32).
        400 | 404 => {}
        405 => assert!(
            answer.headers.contains_key("allow"),
            "{context}: 405 without Allow"
        ),
        other => panic!("{context}: unexpected status {other}"),
    }
    if answer.status == 200 && uri.path().starts_with("/items/") && method == Method::GET {
        let body: Value = serde_json::from_slice(&answer.body).expect("a JSON body");
        if let (Some(id), Some(segment)) = (body["id"].as_str(), uri.path().strip_prefix("/items/"))
        {
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            assert_eq!(
                id, decoded,
                "{context}: parameter is not the decoded segment"
            );
        }
    }
});
