//! Procedural macros of [authroute](https://docs.rs/authroute). Use them through the `authroute`
//! crate, which re-exports them and documents them with examples.
//!
//! Every macro runs in three stages, each in its own function: parse the input into a typed
//! model, check it, expand it. Errors are `syn::Error`s spanned on the smallest offending token;
//! on error the user's item is still emitted so that the IDE keeps working.

use proc_macro::TokenStream;

mod auth_method;
mod auth_ref;
mod groups;
mod names;
mod route;
mod routes;
mod validator;

/// Declares an HTTP route. See `authroute::route` for the documentation.
#[proc_macro_attribute]
pub fn route(args: TokenStream, item: TokenStream) -> TokenStream {
    route::route(args.into(), item.into()).into()
}

/// Declares a custom auth method. See `authroute::auth_method` for the documentation.
#[proc_macro_attribute]
pub fn auth_method(args: TokenStream, item: TokenStream) -> TokenStream {
    auth_method::auth_method(args.into(), item.into()).into()
}

/// Declares a JWT validator. See `authroute::validator` for the documentation.
#[proc_macro]
pub fn validator(input: TokenStream) -> TokenStream {
    validator::validator(input.into()).into()
}

/// Declares group names that routes may require. See `authroute::groups` for the documentation.
#[proc_macro]
pub fn groups(input: TokenStream) -> TokenStream {
    groups::groups(input.into()).into()
}

/// An explicit set of routes. See `authroute::routes` for the documentation.
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    routes::routes(input.into()).into()
}

/// A compile-checked reference to an auth method. See `authroute::auth` for the documentation.
#[proc_macro]
pub fn auth(input: TokenStream) -> TokenStream {
    auth_ref::auth(input.into()).into()
}
