//! Expansion of a checked `#[route]` into the user's function plus a registered handler.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType};

use super::auth::AuthSpec;
use super::parse::RouteArgs;
use crate::names::{auth_method_marker, group_marker, marker_type, route_marker, validator_marker};

pub fn expand(args: RouteArgs, func: &ItemFn) -> syn::Result<TokenStream> {
    let arg_types = check_handler(func)?;
    let fn_name = &func.sig.ident;
    let auth_span = args
        .auth_lit
        .as_ref()
        .map(|lit| lit.span())
        .unwrap_or_else(Span::call_site);
    let auth_def = auth_def(&args.auth, auth_span);
    let kind = kind_type(&args.auth, auth_span);
    let grants_check = grants_check(&args);
    let (all_grants, any_grants) = (&args.grants.all, &args.grants.any);
    let all_groups = args.groups.all.iter().map(group_name);
    let any_groups = args.groups.any.iter().map(group_name);

    let arg_names: Vec<_> = (0..arg_types.len())
        .map(|i| format_ident!("__authroute_arg{}", i))
        .collect();
    let extractions = arg_types.iter().zip(&arg_names).map(|(ty, name)| {
        quote_spanned! {ty.span()=>
            let #name = match <#ty as ::authroute::__private::FromRequest<#kind>>::from_request(&mut __ctx) {
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

    let needs = arg_types.iter().map(|ty| {
        // Autoref selection: arguments that are not `FromRequest` under this kind fall back to
        // a no-op here, so that only the extraction above reports them.
        quote_spanned! {ty.span()=>
            (&&::authroute::__private::NeedsOf::<#ty, #kind>::new()).declare(__needs);
        }
    });

    let path = &args.path.value;
    let methods = args.methods.iter().map(|m| m.value());
    let auth_name = args
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
    let marker = route_marker(fn_name);
    let marker_decl = marker_type(&func.vis, &marker);

    Ok(quote! {
        #func

        #marker_decl

        const _: () = {
            #grants_check

            fn __authroute_handler(
                mut __ctx: ::authroute::__private::RequestContext,
            ) -> ::authroute::__private::HandlerFuture {
                ::std::boxed::Box::pin(async move {
                    #(#extractions)*
                    let __output = #fn_name(#(#arg_names),*).await;
                    #finish
                })
            }

            fn __authroute_needs(__needs: &mut ::authroute::__private::Needs) {
                #[allow(unused_imports)]
                use ::authroute::__private::{DeclareNeeds as _, DeclareNothing as _};
                #(#needs)*
            }

            static __AUTHROUTE_ROUTE: ::authroute::__private::RouteDef =
                ::authroute::__private::RouteDef {
                    path: #path,
                    methods: &[#(#methods),*],
                    auth: #auth_def,
                    auth_name: #auth_name,
                    json: #json,
                    cors: #cors,
                    grants: ::authroute::__private::GrantRule {
                        all: &[#(#all_grants),*],
                        any: &[#(#any_grants),*],
                    },
                    groups: ::authroute::__private::GrantRule {
                        all: &[#(#all_groups),*],
                        any: &[#(#any_groups),*],
                    },
                    handler: __authroute_handler,
                    needs: __authroute_needs,
                    name: ::std::concat!(::std::module_path!(), "::", #fn_name_str),
                };
            impl ::authroute::__private::RouteLink for #marker {
                const DEF: &'static ::authroute::__private::RouteDef = &__AUTHROUTE_ROUTE;
            }
            ::authroute::__private::inventory::submit! {
                ::authroute::__private::RegisteredRoute(&__AUTHROUTE_ROUTE)
            }
        };
    })
}

/// Compile-time checks of the route's grants against its validator's declaration, one per
/// grant and spanned on its literal: a `const` whose evaluation fails with the validator's
/// message (which lists the declared grants) right under the unknown name.
fn grants_check(args: &RouteArgs) -> TokenStream {
    let Some(span) = args.grants.span else {
        return TokenStream::new();
    };
    let (check, def) = match &args.auth {
        AuthSpec::Jwt(Some(name)) | AuthSpec::PublicOrJwt(Some(name)) => {
            let marker = validator_marker(name, span);
            (
                "check_grant",
                quote!(<#marker as ::authroute::__private::ValidatorLink>::DEF),
            )
        }
        AuthSpec::Custom(name) => {
            let marker = auth_method_marker(name, span);
            (
                "check_method_grant",
                quote!(<#marker as ::authroute::__private::AuthMethodLink>::DEF),
            )
        }
        _ => return TokenStream::new(),
    };
    // Every token of the check carries the grant's span, so the error lands under the name.
    let checks = args.grants.all.iter().chain(&args.grants.any).map(|grant| {
        let check = proc_macro2::Ident::new(check, grant.span());
        quote_spanned! {grant.span()=>
            const _: () = ::authroute::__private::#check(#def, #grant);
        }
    });
    quote!(#(#checks)*)
}

/// A required group's name, read from its `group_<name>` marker and spanned on the literal: an
/// undeclared group is rustc's "cannot find type `group_<name>`" under the string.
fn group_name(lit: &syn::LitStr) -> TokenStream {
    let marker = group_marker(&lit.value(), lit.span());
    quote_spanned!(lit.span()=> <#marker as ::authroute::__private::GroupLink>::NAME)
}

/// The auth kind that decides the handler's arguments. A named validator supplies its own
/// (`jwt` or, when claims-only, `jwt_claims`), so a `Uid` on a claims-only route is a compile
/// error.
fn kind_type(auth: &AuthSpec, span: Span) -> TokenStream {
    match auth {
        AuthSpec::Jwt(Some(name)) => {
            let marker = validator_marker(name, span);
            quote_spanned!(span=> <#marker as ::authroute::__private::ValidatorLink>::Kind)
        }
        AuthSpec::PublicOrJwt(Some(name)) => {
            let marker = validator_marker(name, span);
            quote_spanned!(span=> <#marker as ::authroute::__private::ValidatorLink>::PublicKind)
        }
        other => {
            let kind = format_ident!("{}", other.kind());
            quote!(::authroute::kind::#kind)
        }
    }
}

/// The typed auth descriptor: built-in kinds by name, validators and custom methods through
/// their marker types, spanned on the auth string, so that a missing one is rustc's "cannot
/// find type" under the literal and a found one hands over its exact static descriptor.
pub fn auth_def(auth: &AuthSpec, span: Span) -> TokenStream {
    match auth {
        AuthSpec::None => quote!(::authroute::__private::AuthDef::None),
        AuthSpec::Public => quote!(::authroute::__private::AuthDef::Public),
        AuthSpec::User => quote!(::authroute::__private::AuthDef::User),
        AuthSpec::Jwt(None) => quote!(::authroute::__private::AuthDef::SoleJwt),
        AuthSpec::PublicOrJwt(None) => quote!(::authroute::__private::AuthDef::SolePublicOrJwt),
        AuthSpec::Jwt(Some(name)) => {
            let marker = validator_marker(name, span);
            quote_spanned!(span=> ::authroute::__private::AuthDef::Jwt(
                <#marker as ::authroute::__private::ValidatorLink>::DEF
            ))
        }
        AuthSpec::PublicOrJwt(Some(name)) => {
            let marker = validator_marker(name, span);
            quote_spanned!(span=> ::authroute::__private::AuthDef::PublicOrJwt(
                <#marker as ::authroute::__private::ValidatorLink>::DEF
            ))
        }
        AuthSpec::Custom(name) => {
            let marker = auth_method_marker(name, span);
            quote_spanned!(span=> ::authroute::__private::AuthDef::Custom(
                <#marker as ::authroute::__private::AuthMethodLink>::DEF
            ))
        }
    }
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
