//! JWKS documents (SPEC section 9), as a key server could send them. The first byte picks the
//! validator's algorithm; the rest is the document. Parsing must never panic, must honour the
//! size cap, and every key it keeps must be selectable by its `kid`, and a token
//! without `kid` finds a key only when the set holds exactly one.
#![no_main]

use authroute::jwt::jwk::{JwksError, parse_key_set};
use jsonwebtoken::Algorithm;
use libfuzzer_sys::fuzz_target;

const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
    Algorithm::RS512,
    Algorithm::HS256,
];
const MAX_BYTES: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, doc)) = data.split_first() else {
        return;
    };
    let algorithm = ALGORITHMS[usize::from(pick) % ALGORITHMS.len()];
    match parse_key_set(doc, algorithm, MAX_BYTES) {
        Ok(set) => {
            assert!(doc.len() <= MAX_BYTES);
            assert_eq!(set.algorithm(), algorithm);
            for kid in set.kids().flatten() {
                assert!(
                    set.select(Some(kid)).is_ok(),
                    "kept key {kid:?} is not selectable"
                );
            }
            assert_eq!(set.select(None).is_ok(), set.len() == 1);
        }
        Err(JwksError::TooLarge { max }) => assert!(doc.len() > max),
        Err(_) => {}
    }
});
