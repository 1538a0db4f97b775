//! Custom auth methods declared with `#[auth_method]` (Odoo's `_auth_method_<name>`).

use super::AuthEnv;
use crate::directory::Directory;
use crate::session::Session;

/// What a custom auth method sees: the request head, the logged-in session if any, the user
/// directory, the clock and the application state.
///
/// ```
/// use authroute::{AuthError, AuthRequest, Uid, auth_method};
///
/// /// `Authorization: 42` runs as the administrator, or as the logged-in user.
/// #[auth_method]
/// fn custom(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
///     match req.header("authorization") {
///         Some(b"42") => Ok(req.session_uid().unwrap_or(Uid(1))),
///         _ => Err(AuthError::denied("the `Authorization` header must be 42")),
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Debug)]
pub struct AuthRequest<'a> {
    pub(crate) head: &'a http::request::Parts,
    pub(crate) session: Option<&'a Session>,
    pub(crate) env: AuthEnv<'a>,
}

impl<'a> AuthRequest<'a> {
    /// The request head: method, URI, headers.
    pub fn head(&self) -> &'a http::request::Parts {
        self.head
    }

    /// The raw bytes of a header when it appears exactly once; `None` when absent or repeated,
    /// so that a method never picks one of two conflicting values by accident.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        let mut values = self.head.headers.get_all(name).iter();
        let first = values.next()?;
        match values.next() {
            Some(_) => None,
            None => Some(first.as_bytes()),
        }
    }

    /// The logged-in session, if the request carries a valid session cookie.
    pub fn session(&self) -> Option<&'a Session> {
        self.session
    }

    /// The logged-in user, if any.
    pub fn session_uid(&self) -> Option<crate::Uid> {
        self.session.map(|s| s.uid)
    }

    /// The user directory.
    pub fn directory(&self) -> &'a dyn Directory {
        self.env.directory
    }

    /// The current time, seconds since the Unix epoch, from the application's clock.
    pub fn now(&self) -> i64 {
        self.env.clock.now()
    }

    /// The application state of type `T`, registered with [`crate::AppBuilder::state`].
    ///
    /// ```
    /// use authroute::{AuthError, AuthRequest, Uid, auth_method};
    ///
    /// #[derive(Clone)]
    /// struct ApiKeys(Vec<(String, Uid)>);
    ///
    /// #[auth_method]
    /// fn api_key(req: &AuthRequest<'_>) -> Result<Uid, AuthError> {
    ///     let keys = req.state::<ApiKeys>().ok_or_else(|| AuthError::denied("no keys"))?;
    ///     let given = req.header("x-api-key").unwrap_or_default();
    ///     keys.0
    ///         .iter()
    ///         .find(|(key, _)| key.as_bytes() == given)
    ///         .map(|(_, uid)| *uid)
    ///         .ok_or_else(|| AuthError::denied("a valid `X-Api-Key` header is required"))
    /// }
    /// # fn main() {}
    /// ```
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&'a T> {
        self.env.state.get::<T>()
    }
}
