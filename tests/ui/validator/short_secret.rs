authroute::validator! {
    name: "demo", issuer: "i", audience: ["a"], algorithm: "HS256",
    secret: "too-short", user: static(1),
}
fn main() {}
