//! Session ids: 256 random bits, base64url without padding (43 characters).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::SessionError;

/// Random bytes per session id.
const ID_BYTES: usize = 32;

/// Length of a session id in characters: `ceil(32 * 8 / 6)`.
pub const SESSION_ID_LEN: usize = 43;

/// A fresh session id: 32 bytes from the OS random number generator, base64url without padding.
///
/// ```
/// use authroute::session::{is_well_formed_session_id, new_session_id};
/// let id = new_session_id()?;
/// assert_eq!(id.len(), 43);
/// assert!(is_well_formed_session_id(&id));
/// assert_ne!(id, new_session_id()?);
/// # Ok::<(), authroute::session::SessionError>(())
/// ```
pub fn new_session_id() -> Result<String, SessionError> {
    let mut bytes = [0u8; ID_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| SessionError::Random(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `id` has the shape of a session id (length and alphabet), so that stores can turn
/// garbage away without a lookup. Says nothing about whether the session exists.
///
/// ```
/// use authroute::session::is_well_formed_session_id;
/// assert!(is_well_formed_session_id("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
/// assert!(!is_well_formed_session_id("../../etc/passwd"));
/// assert!(!is_well_formed_session_id(""));
/// ```
pub fn is_well_formed_session_id(id: &str) -> bool {
    id.len() == SESSION_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_decode_to_32_bytes() {
        let id = new_session_id().unwrap();
        assert_eq!(id.len(), SESSION_ID_LEN);
        assert_eq!(URL_SAFE_NO_PAD.decode(&id).unwrap().len(), ID_BYTES);
    }

    #[test]
    fn ids_are_distinct() {
        let ids: std::collections::HashSet<_> =
            (0..1000).map(|_| new_session_id().unwrap()).collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn rejects_wrong_length_or_alphabet() {
        let good = new_session_id().unwrap();
        assert!(is_well_formed_session_id(&good));
        assert!(!is_well_formed_session_id(&good[1..]));
        assert!(!is_well_formed_session_id(&format!("{good}A")));
        for bad in ['+', '/', '=', ' ', '.', 'é'] {
            let tampered: String = good.chars().take(42).chain([bad]).collect();
            assert!(!is_well_formed_session_id(&tampered), "{tampered:?}");
        }
    }
}
