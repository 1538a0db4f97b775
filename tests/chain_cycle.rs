//! Validator chain cycles are refused at startup with the exact messages.

use authroute::{App, validator};

validator! { name: "c1", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1), next: "c2" }
validator! { name: "c2", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1), next: "c3" }
validator! { name: "c3", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1), next: "c1" }
validator! { name: "selfish", issuer: "i", audience: ["a"], algorithm: "HS256", secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1), next: "selfish" }

#[tokio::test]
async fn cycles_are_startup_errors() {
    let err = App::builder().build().await.unwrap_err();
    let message = err.to_string();
    let problems: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
    assert!(
        problems
            .contains(&"Validators mustn't make a closed chain: c1 -> c2 -> c3 -> c1.".to_string()),
        "{message}"
    );
    assert!(
        problems
            .contains(&"Validators mustn't make a closed chain: selfish -> selfish.".to_string()),
        "{message}"
    );
    let cycles = problems
        .iter()
        .filter(|p| p.contains("closed chain"))
        .count();
    assert_eq!(cycles, 2, "each cycle is reported once: {message}");
}
