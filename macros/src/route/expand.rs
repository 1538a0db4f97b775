//! Expansion of a checked `#[route]` into the user's function plus a registered handler.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType};

use super::auth::AuthSpec;
use super::parse::RouteArgs;
use crate::names::{auth_method_marker, validator_marker};

pub fn expand(args: RouteArgs, func: &ItemFn) -> syn::Result<TokenStream> {
    let arg_types = check_handler(func)?;
    let fn_name = &func.sig.ident;
    let kind = format_ident!("{}", args.auth.kind());
    let auth_check = auth_check(&args);

    let arg_names: Vec<_> = (0..arg_types.len())
        .map(|i| format_ident!("__authroute_arg{}", i))
        .collect();
    let extractions = arg_types.iter().zip(&arg_names).map(|(ty, name)| {
        quote_spanned! {ty.span()=>
            let #name = match <#ty as ::authroute::__private::FromRequest<::authroute::kind::#kind>>::from_request(&mut __ctx) {
                ::std::result::Result::Ok(value) => value,
                ::std::result::Result::Err(rejection) => return __ctx.reject(rejection),
            };
        }
    });
    let output_span = match &func.sig.output {
        ReturnType::Default => fn_name.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let finish = if args.json {
        quote_spanned!(output_span=> ::authroute::__private::finish_json(__ctx, __output))
    } else {
        quote_spanned!(output_span=> ::authroute::__private::finish_http(__ctx, __output))
    };

    let path = &args.path.value;
    let methods = args.methods.iter().map(|m| m.value());
    let auth = args
        .auth_lit
        .as_ref()
        .map(|lit| lit.value())
        .unwrap_or_else(|| "user".to_string());
    let json = args.json;
    let cors = match &args.cors {
        Some(lit) => quote!(::std::option::Option::Some(#lit)),
        None => quote!(::std::option::Option::None),
    };
    let fn_name_str = fn_name.to_string();

    Ok(quote! {
        #func

        #[doc(hidden)]
        const _: () = {
            #auth_check

            fn __authroute_handler(
                mut __ctx: ::authroute::__private::RequestContext,
            ) -> ::authroute::__private::HandlerFuture {
                ::std::boxed::Box::pin(async move {
                    #(#extractions)*
                    let __output = #fn_name(#(#arg_names),*).await;
                    #finish
                })
            }

            ::authroute::__private::inventory::submit! {
                ::authroute::__private::RouteDef {
                    path: #path,
                    methods: &[#(#methods),*],
                    auth: #auth,
                    json: #json,
                    cors: #cors,
                    handler: __authroute_handler,
                    name: ::std::concat!(::std::module_path!(), "::", #fn_name_str),
                }
            }
        };
    })
}

/// A reference to the validator's or custom method's marker macro, spanned on the auth string,
/// so that rustc reports a missing one as "cannot find macro" under the literal.
fn auth_check(args: &RouteArgs) -> TokenStream {
    let span = args
        .auth_lit
        .as_ref()
        .map(|lit| lit.span())
        .unwrap_or_else(Span::call_site);
    let marker = match &args.auth {
        AuthSpec::Jwt(Some(name)) | AuthSpec::PublicOrJwt(Some(name)) => {
            validator_marker(name, span)
        }
        AuthSpec::Custom(name) => auth_method_marker(name, span),
        _ => return TokenStream::new(),
    };
    quote_spanned!(span=> #marker!();)
}

/// The handler must be a free `async fn` with typed arguments; returns the argument types.
fn check_handler(func: &ItemFn) -> syn::Result<Vec<&syn::Type>> {
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span,
            "route handlers must be `async fn`",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "route handlers cannot be generic",
        ));
    }
    sig.inputs
        .iter()
        .map(|arg| match arg {
            FnArg::Typed(pat) => Ok(&*pat.ty),
            FnArg::Receiver(recv) => Err(syn::Error::new(
                recv.span(),
                "route handlers are free functions; `self` is not allowed",
            )),
        })
        .collect()
}
