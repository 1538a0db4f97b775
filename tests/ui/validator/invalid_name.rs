authroute::validator! {
    name: "Demo-1", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "a-secret-that-is-long-enough-for-hs256!!", user: static(1),
}
fn main() {}
