//! Marker types naming the auth kind of a route, one per family of auth strings.
//!
//! `#[route]` passes the kind to [`FromRequest`](crate::FromRequest), so that the set of handler
//! arguments depends on the route's auth method: a `Uid` exists on `auth = "user"` routes, not
//! on `auth = "none"` ones. Their lower-case names are what compiler errors print, as in
//! "`Uid` is not available as a handler argument on a route with auth `none`".
#![allow(non_camel_case_types)]

/// `auth = "none"`: no authentication, no user.
#[derive(Debug)]
pub struct none;
/// `auth = "public"`: the session user, or the public user.
#[derive(Debug)]
pub struct public;
/// `auth = "user"`: a logged-in session is required.
#[derive(Debug)]
pub struct user;
/// A custom auth method declared with `#[auth_method]`.
#[derive(Debug)]
pub struct custom;
/// `auth = "jwt"` / `"jwt_<validator>"`: a valid bearer token is required.
#[derive(Debug)]
pub struct jwt;
/// `auth = "public_or_jwt"` / `"public_or_jwt_<validator>"`: a valid token, or none at all.
#[derive(Debug)]
pub struct public_or_jwt;
/// `auth = "jwt_<validator>"` for a claims-only validator (`user: none`): a valid bearer token
/// is required and is the whole identity, so there is no `Uid`.
#[derive(Debug)]
pub struct jwt_claims;
/// `auth = "public_or_jwt_<validator>"` for a claims-only validator: a valid token, or none.
#[derive(Debug)]
pub struct public_or_jwt_claims;
