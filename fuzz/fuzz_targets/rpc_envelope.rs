//! JSON-RPC 2.0 envelopes on a `type = "json"` route (SPEC section 11): the input is the POST
//! body. Every answer is a JSON-RPC response object with exactly one of `result` and `error`,
//! 200 exactly when it is a `result`, and otherwise 400 (malformed call) or 413 (too large).
#![no_main]

use authroute::{Params, route};
use authroute_fuzz::send;
use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

#[derive(serde::Deserialize)]
struct Echo {
    #[serde(default)]
    say: Option<String>,
}

#[route("/rpc", auth = "none", type = "json")]
async fn rpc(Params(echo): Params<Echo>) -> Value {
    json!({ "said": echo.say })
}

fuzz_target!(|data: &[u8]| {
    let request = Request::post("/rpc")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::copy_from_slice(data)))
        .expect("a request");
    let answer = send(request);
    let context = format!("body {:?}", String::from_utf8_lossy(data));
    let response: Value = serde_json::from_slice(&answer.body)
        .unwrap_or_else(|err| panic!("{context}: the answer is not JSON: {err}"));
    assert_eq!(response["jsonrpc"], "2.0", "{context}: {response}");
    let has_result = response.get("result").is_some();
    let has_error = response.get("error").is_some();
    assert!(has_result != has_error, "{context}: {response}");
    match answer.status {
        200 => assert!(has_result, "{context}: 200 without result: {response}"),
        400 | 413 => assert!(has_error, "{context}: {response}"),
        other => panic!("{context}: unexpected status {other}: {response}"),
    }
    if has_error {
        assert!(response["error"]["code"].is_i64(), "{context}: {response}");
    }
    // A well-formed call echoes its id exactly.
    if has_result
        && let Ok(call) = serde_json::from_slice::<Value>(data)
        && let Some(id) = call.get("id")
    {
        assert_eq!(&response["id"], id, "{context}");
    }
});
