//! A redacting wrapper for secret values (HMAC secrets, the cookie secret, `env()` values), so
//! that no derived `Debug` of a configuration, validator or key can print one.

use std::fmt;

/// A secret value: its `Debug` prints `[redacted]`, it has no `Display`, and reading it takes
/// an explicit [`Secret::expose`].
///
/// ```
/// use authroute::Secret;
/// let secret = Secret::new(String::from("hunter2-hunter2-hunter2-hunter2!"));
/// assert_eq!(format!("{secret:?}"), "[redacted]");
/// assert_eq!(secret.expose(), "hunter2-hunter2-hunter2-hunter2!");
/// ```
#[derive(Clone)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value itself; call it only where the value is used, never to print it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_is_redacted_in_every_form() {
        let secret = Secret::new(b"a-secret-of-at-least-32-bytes!!!".to_vec());
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret:#?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(secret.expose(), b"a-secret-of-at-least-32-bytes!!!");
    }
}
