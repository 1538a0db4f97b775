authroute::validator! {
    name: "demo", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1), next: "demo_2",
}
authroute::validator! {
    name: "demo_two", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}
fn main() {}
