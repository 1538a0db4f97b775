//! `#[auth_method]`: a custom auth method (the `_auth_method_<name>` idea of Odoo).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ItemFn;

use crate::names::auth_method_marker;
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
            let mut out = func.into_token_stream();
            out.extend(err.into_compile_error());
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

fn expand(func: &ItemFn) -> TokenStream {
    let ident = &func.sig.ident;
    let name = ident.to_string();
    let marker = auth_method_marker(&name, ident.span());
    quote! {
        #func

        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #marker { () => {}; }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use #marker;

        const _: () = {
            ::authroute::__private::inventory::submit! {
                ::authroute::__private::AuthMethodDef {
                    name: #name,
                    func: #ident,
                    defined_at: ::std::concat!(::std::module_path!(), "::", #name),
                }
            }
        };
    }
}
