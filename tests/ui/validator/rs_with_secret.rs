authroute::validator! {
    name: "demo", issuer: "i", audience: ["a"], algorithm: "RS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}
fn main() {}
