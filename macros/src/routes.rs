//! `routes![handler, module::other]`: an explicit route set, each handler found through the
//! hidden marker type its `#[route]` declared, so a name that is not a route does not compile.

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Path, Token};

use crate::names::route_marker;

pub fn routes(input: TokenStream) -> TokenStream {
    let paths = match Punctuated::<Path, Token![,]>::parse_terminated.parse2(input) {
        Ok(paths) => paths,
        Err(err) => return err.into_compile_error(),
    };
    let defs = paths.into_iter().map(|mut path| {
        let span = path.span();
        if let Some(last) = path.segments.last_mut() {
            last.ident = route_marker(&last.ident);
        }
        quote_spanned!(span=> <#path as ::authroute::__private::RouteLink>::DEF)
    });
    let span = proc_macro2::Span::call_site();
    quote_spanned!(span=> ::authroute::RouteSet::__from_defs([#(#defs),*]))
}
