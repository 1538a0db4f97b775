//! Reading cookies from a request's `Cookie` headers, for the session and cookie-mode auth.

/// The value of the first cookie called `name` in the request's `Cookie` headers.
pub(crate) fn value<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}
