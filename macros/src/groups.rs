//! `groups!("admin", "billing")`: declares the group names routes may require, one
//! `group_<name>` marker type each, linked to the name through `GroupLink`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{LitStr, Token};

use crate::names::{group_marker, invalid_group_name, marker_type};

/// The declaration as written: an optional visibility, then the names.
struct Declaration {
    vis: syn::Visibility,
    names: Vec<LitStr>,
}

fn parse(input: TokenStream) -> syn::Result<Declaration> {
    (|input: ParseStream<'_>| {
        let vis: syn::Visibility = input.parse()?;
        if input.is_empty() {
            return Err(input.error(
                "expected the group names as string literals, like `groups!(\"admin\", \"billing\")`",
            ));
        }
        if !input.peek(LitStr) {
            return Err(input.error(
                "expected a group name as a string literal, like `groups!(\"admin\")`",
            ));
        }
        let names = Punctuated::<LitStr, Token![,]>::parse_terminated(input)?;
        Ok(Declaration {
            vis,
            names: names.into_iter().collect(),
        })
    })
    .parse2(input)
}

/// The names that are valid and declared once; an error for each other one.
fn check(decl: &Declaration) -> (Vec<&LitStr>, Option<syn::Error>) {
    let mut errors: Option<syn::Error> = None;
    let mut push = |err: syn::Error| match &mut errors {
        Some(all) => all.combine(err),
        None => errors = Some(err),
    };
    let mut valid: Vec<&LitStr> = Vec::new();
    for lit in &decl.names {
        let name = lit.value();
        if let Some(err) = invalid_group_name(lit) {
            push(err);
        } else if valid.iter().any(|v| v.value() == name) {
            push(syn::Error::new(
                lit.span(),
                format!("group `{name}` declared more than once"),
            ));
        } else {
            valid.push(lit);
        }
    }
    (valid, errors)
}

fn expand(vis: &syn::Visibility, names: &[&LitStr]) -> TokenStream {
    let items = names.iter().map(|lit| {
        let marker = group_marker(&lit.value(), lit.span());
        let decl = marker_type(vis, &marker);
        quote! {
            #decl
            impl ::authroute::__private::GroupLink for #marker {
                const NAME: &'static str = #lit;
            }
        }
    });
    quote!(#(#items)*)
}

pub fn groups(input: TokenStream) -> TokenStream {
    let decl = match parse(input) {
        Ok(decl) => decl,
        Err(err) => return err.into_compile_error(),
    };
    // Valid names are declared even when others are not, so that routes naming them do not
    // add errors of their own to the declaration's.
    let (valid, errors) = check(&decl);
    let mut out = expand(&decl.vis, &valid);
    if let Some(err) = errors {
        out.extend(err.into_compile_error());
    }
    out
}
