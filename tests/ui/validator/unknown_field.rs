authroute::validator! {
    name: "demo", issuer: "i", audiences: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}
fn main() {}
