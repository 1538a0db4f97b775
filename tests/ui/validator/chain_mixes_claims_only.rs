authroute::validator! {
    name: "users", issuer: "a", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: static(1), next: "tokens",
}

authroute::validator! {
    name: "tokens", issuer: "b", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: none,
}

authroute::validator! {
    name: "bad_claim", issuer: "c", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: claim("profile.email"),
}

fn main() {}
