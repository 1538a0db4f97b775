//! `#[auth_method]`: a custom auth method (the `_auth_method_<name>` idea of Odoo).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ItemFn;

use crate::names::{auth_method_marker, marker_type};
use crate::route::check_custom_name;

pub fn auth_method(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(err) => {
            let mut out = item;
            out.extend(err.into_compile_error());
            return out;
        }
    };
    match check(&args, &func).map(|()| expand(&func)) {
        Ok(tokens) => tokens,
        Err(err) => {
            let mut out = func.to_token_stream();
            out.extend(err.into_compile_error());
            out.extend(placeholder(&func));
            out
        }
    }
}

fn check(args: &TokenStream, func: &ItemFn) -> syn::Result<()> {
    if !args.is_empty() {
        return Err(syn::Error::new_spanned(
            args,
            "`#[auth_method]` takes no arguments; the function's name is the auth method's name",
        ));
    }
    if let Some(asyncness) = func.sig.asyncness {
        return Err(syn::Error::new(
            asyncness.span,
            "auth methods are plain `fn`s: they run before the handler on data the runtime already loaded (request head, session)",
        ));
    }
    let name = func.sig.ident.to_string();
    check_custom_name(&name, func.sig.ident.span())
}

/// The function, its `auth_<name>` marker type (with the function's visibility) linked to the
/// static descriptor, and the descriptor's registration.
fn expand(func: &ItemFn) -> TokenStream {
    let ident = &func.sig.ident;
    let name = ident.to_string();
    let marker = auth_method_marker(&name, ident.span());
    let marker_decl = marker_type(&func.vis, &marker);
    quote! {
        #func

        #marker_decl

        const _: () = {
            static __AUTHROUTE_AUTH_METHOD: ::authroute::__private::AuthMethodDef =
                ::authroute::__private::AuthMethodDef {
                    name: #name,
                    func: #ident,
                    defined_at: ::std::concat!(::std::module_path!(), "::", #name),
                };
            impl ::authroute::__private::AuthMethodLink for #marker {
                const DEF: &'static ::authroute::__private::AuthMethodDef = &__AUTHROUTE_AUTH_METHOD;
            }
            ::authroute::__private::inventory::submit! {
                ::authroute::__private::RegisteredAuthMethod(&__AUTHROUTE_AUTH_METHOD)
            }
        };
    }
}

/// The marker of a method whose declaration has errors, linked to a placeholder, so that routes
/// naming it report nothing more. Names that are not identifiers get none.
fn placeholder(func: &ItemFn) -> TokenStream {
    let ident = &func.sig.ident;
    let name = ident.to_string();
    if !crate::names::is_valid_name(&name) {
        return TokenStream::new();
    }
    let marker = auth_method_marker(&name, ident.span());
    let marker_decl = marker_type(&func.vis, &marker);
    quote! {
        #marker_decl
        impl ::authroute::__private::AuthMethodLink for #marker {
            const DEF: &'static ::authroute::__private::AuthMethodDef =
                &::authroute::__private::PLACEHOLDER_AUTH_METHOD;
        }
    }
}
