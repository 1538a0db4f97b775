//! Identifiers of users and partners, shared by every layer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The database id of a user (Odoo's `uid`).
///
/// As a handler argument, `Uid` is the authenticated user and exists only on routes that always
/// have one (`user`, `jwt_*`, custom methods).
///
/// ```
/// let uid = authroute::Uid(2);
/// assert_eq!(uid.to_string(), "2");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Uid(pub i64);

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The database id of a partner (a contact: person or company).
///
/// ```
/// let id = authroute::PartnerId(7);
/// assert_eq!(id.0, 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PartnerId(pub i64);

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
