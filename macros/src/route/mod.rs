//! `#[route]`: parse the attribute and the handler, check them, expand to a registered handler.

use proc_macro2::TokenStream;
use quote::ToTokens;

pub mod auth;
pub mod expand;
mod parse;
mod path;

pub use auth::check_custom_name;

pub fn route(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(err) => {
            let mut out = item;
            out.extend(err.into_compile_error());
            return out;
        }
    };
    match parse::RouteArgs::parse(args).and_then(|args| expand::expand(args, &func)) {
        Ok(tokens) => tokens,
        Err(err) => {
            let mut out = func.into_token_stream();
            out.extend(err.into_compile_error());
            out
        }
    }
}
