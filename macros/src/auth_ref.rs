//! `auth!("jwt_demo")`: a compile-checked reference to an auth method, for code outside
//! `#[route]` (axum layers). The string is checked exactly as a route's `auth` is: the same
//! grammar errors, and the same "cannot find type" under the string for an unknown validator
//! or method.

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

use crate::route::auth::AuthSpec;
use crate::route::expand::auth_def;

pub fn auth(input: TokenStream) -> TokenStream {
    let lit: LitStr = match syn::parse2(input) {
        Ok(lit) => lit,
        Err(err) => {
            let message =
                format!("{err}: `auth!` takes one auth string, like `auth!(\"jwt_demo\")`");
            return syn::Error::new(err.span(), message).into_compile_error();
        }
    };
    match AuthSpec::parse(&lit) {
        Ok(spec) => {
            let def = auth_def(&spec, lit.span());
            quote!(::authroute::Auth::__new(#def, #lit))
        }
        Err(err) => err.into_compile_error(),
    }
}
