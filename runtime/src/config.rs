//! Application settings with their defaults; set them through [`crate::AppBuilder`].

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use crate::identity::Uid;
use crate::jwt::jwks::JwksSettings;
use crate::secret::Secret;

/// Settings with their defaults; change them through [`crate::AppBuilder`].
///
/// | setting | default |
/// |---|---|
/// | `body_limit` | 1 MiB (larger is 413) |
/// | `header_limit` | 64 KiB |
/// | `head_timeout` | 15 s to receive a request head, else the connection is closed |
/// | `body_timeout` | 30 s to receive the body, else 408 |
/// | `handler_timeout` | 30 s for the handler, else 503 |
/// | `session_ttl` | 7 days, renewed while in use |
/// | `session_sweep_interval` | 10 minutes between sweeps of expired sessions |
///
/// `Debug` shows no secret: the cookie secret and the values given with
/// [`crate::AppBuilder::var`] are [`Secret`]s and print as `[redacted]`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Realm of `WWW-Authenticate` challenges that no validator names (default `authroute`).
    pub realm: String,
    /// The user anonymous `public` requests run as.
    pub public_uid: Option<Uid>,
    /// Largest accepted request body in bytes.
    pub body_limit: usize,
    /// Largest accepted request head in bytes.
    pub header_limit: usize,
    /// How long a client may take to send a request head (HTTP/1).
    pub head_timeout: Duration,
    /// How long a client may take to send a request body, counted after authentication.
    pub body_timeout: Duration,
    /// How long a handler may run.
    pub handler_timeout: Duration,
    /// Session lifetime, renewed while in use.
    pub session_ttl: Duration,
    /// How often expired sessions are deleted from the session store.
    pub session_sweep_interval: Duration,
    /// `Secure` attribute of the session cookie (default on).
    pub secure_session_cookie: bool,
    /// Secret signing cookie-mode tokens (default: `AUTHROUTE_COOKIE_SECRET`).
    pub cookie_secret: Option<Secret<Vec<u8>>>,
    /// JWKS fetching and caching.
    pub jwks: JwksSettings,
    /// Values for `env("VAR")` references, taking precedence over the process environment.
    pub vars: HashMap<String, Secret<String>>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            realm: "authroute".to_string(),
            public_uid: None,
            body_limit: 1024 * 1024,
            header_limit: 64 * 1024,
            head_timeout: Duration::from_secs(15),
            body_timeout: Duration::from_secs(30),
            handler_timeout: Duration::from_secs(30),
            session_ttl: Duration::from_secs(7 * 24 * 3600),
            session_sweep_interval: Duration::from_secs(600),
            secure_session_cookie: true,
            cookie_secret: None,
            jwks: JwksSettings::default(),
            vars: HashMap::new(),
        }
    }
}

impl Config {
    /// The session lifetime in whole seconds, as the session stores count it.
    pub(crate) fn session_ttl_secs(&self) -> i64 {
        i64::try_from(self.session_ttl.as_secs()).unwrap_or(i64::MAX)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("realm", &self.realm)
            .field("public_uid", &self.public_uid)
            .field("body_limit", &self.body_limit)
            .field("header_limit", &self.header_limit)
            .field("head_timeout", &self.head_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("handler_timeout", &self.handler_timeout)
            .field("session_ttl", &self.session_ttl)
            .field("session_sweep_interval", &self.session_sweep_interval)
            .field("secure_session_cookie", &self.secure_session_cookie)
            .field("cookie_secret", &self.cookie_secret)
            .field("jwks", &self.jwks)
            .field("vars", &self.vars)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_timeouts_are_bounded() {
        let config = Config::default();
        assert!(config.head_timeout <= Duration::from_secs(15));
        assert!(config.body_timeout <= Duration::from_secs(60));
        assert!(config.handler_timeout <= Duration::from_secs(60));
    }

    #[test]
    fn debug_hides_the_cookie_secret_and_var_values() {
        let mut config = Config {
            cookie_secret: Some(Secret::new(b"cookie-secret-bytes".to_vec())),
            ..Config::default()
        };
        config
            .vars
            .insert("API_SECRET".into(), Secret::new("var-secret-value".into()));
        let shown = format!("{config:?}");
        assert!(shown.contains("API_SECRET"), "{shown}");
        assert!(!shown.contains("var-secret-value"), "{shown}");
        assert!(!shown.contains("99, 111, 111"), "{shown}"); // "coo" as bytes
        assert!(!shown.contains("cookie-secret"), "{shown}");
    }
}
