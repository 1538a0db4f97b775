authroute::validator! {
    name: "a", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: static(1),
    grants: { claim: "realm_access..roles", known: ["read", "read", "two words"] },
}

authroute::validator! {
    name: "b", issuer: "theissuer", audience: ["api"], algorithm: "HS256",
    secret: "a-secret-of-thirty-two-bytes-or-more!!", user: static(1),
    grants: { claim: "scope" },
}

fn main() {}
