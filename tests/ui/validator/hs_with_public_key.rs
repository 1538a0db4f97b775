authroute::validator! {
    name: "demo", issuer: "i", audience: ["a"], algorithm: "HS256",
    public_key_file: "keys/public.pem", user: static(1),
}
fn main() {}
