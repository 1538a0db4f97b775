//! `#[auth_method]` and `#[auth_method(challenge = "ApiKey", realm = "...")]`: a custom auth
//! method (the `_auth_method_<name>` idea of Odoo), a plain `fn` or an `async fn`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, ItemFn, LitStr, Token};

use crate::names::{auth_method_marker, grant_name_errors, marker_type, unknown_grant_message};
use crate::route::check_custom_name;

const KEYS: &str = "expected `challenge`, `realm` or `grants`";

pub fn auth_method(args: TokenStream, item: TokenStream) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(func) => func,
        Err(err) => {
            let mut out = item;
            out.extend(err.into_compile_error());
            return out;
        }
    };
    match MethodArgs::parse(args).and_then(|args| check(&func, args)) {
        Ok(args) => expand(&func, &args),
        Err(err) => {
            let mut out = func.to_token_stream();
            out.extend(err.into_compile_error());
            out.extend(placeholder(&func));
            out
        }
    }
}

/// The attribute's arguments as written; the values are checked by [`check`].
#[derive(Default)]
struct MethodArgs {
    /// The `WWW-Authenticate` scheme of the method's 401s; `Bearer` when omitted.
    challenge: Option<LitStr>,
    /// The realm of those challenges; the application's realm when omitted.
    realm: Option<LitStr>,
    /// The grants the method may return, which its routes may require.
    grants: Option<Vec<LitStr>>,
}

impl MethodArgs {
    fn parse(args: TokenStream) -> syn::Result<Self> {
        (|input: ParseStream<'_>| {
            let mut parsed = MethodArgs::default();
            while !input.is_empty() {
                let key = Ident::parse_any(input)?;
                input.parse::<Token![=]>()?;
                if key == "grants" {
                    let grants = parse_grant_list(input, &key)?;
                    set_once(&mut parsed.grants, &key, grants)?;
                    if input.is_empty() {
                        break;
                    }
                    input.parse::<Token![,]>()?;
                    continue;
                }
                let (slot, example) = match key.to_string().as_str() {
                    "challenge" => (&mut parsed.challenge, "\"ApiKey\""),
                    "realm" => (&mut parsed.realm, "\"api\""),
                    other => {
                        return Err(syn::Error::new(
                            key.span(),
                            format!("unknown attribute key `{other}`; {KEYS}"),
                        ));
                    }
                };
                let value = string_value(input, &key, example)?;
                set_once(slot, &key, value)?;
                if input.is_empty() {
                    break;
                }
                input.parse::<Token![,]>()?;
            }
            Ok(parsed)
        })
        .parse2(args)
    }
}

fn parse_grant_list(input: ParseStream<'_>, key: &Ident) -> syn::Result<Vec<LitStr>> {
    if !input.peek(syn::token::Bracket) {
        return Err(input.error(format!(
            "expected a list of grant names for `{key}`, like `{key} = [\"read\", \"write\"]`"
        )));
    }
    let content;
    syn::bracketed!(content in input);
    let names = syn::punctuated::Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(names.into_iter().collect())
}

fn set_once<T>(slot: &mut Option<T>, key: &Ident, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            key.span(),
            format!("`{key}` specified more than once"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn string_value(input: ParseStream<'_>, key: &Ident, example: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        return input.parse();
    }
    Err(input.error(format!(
        "expected a string literal for `{key}`, like `{key} = {example}`"
    )))
}

/// Checks the name and the argument values, reporting every problem at once.
fn check(func: &ItemFn, args: MethodArgs) -> syn::Result<MethodArgs> {
    let mut errors: Option<syn::Error> = None;
    let mut push = |err: syn::Error| match &mut errors {
        Some(all) => all.combine(err),
        None => errors = Some(err),
    };
    if let Some(challenge) = &args.challenge {
        let value = challenge.value();
        if value.is_empty() || !value.bytes().all(is_tchar) {
            push(syn::Error::new(
                challenge.span(),
                "invalid `challenge`; expected an auth scheme such as `\"ApiKey\"` \
                 (letters, digits and `!#$%&'*+-.^_`|~`, no spaces)",
            ));
        }
    }
    if let Some(realm) = &args.realm {
        let value = realm.value();
        let printable = value
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        if value.is_empty() || !printable {
            push(syn::Error::new(
                realm.span(),
                "invalid `realm`; expected printable ASCII without `\"` or `\\`, like `\"api\"`",
            ));
        }
    }
    for err in grant_name_errors(args.grants.as_deref().unwrap_or_default()) {
        push(err);
    }
    let name = func.sig.ident.to_string();
    if let Err(err) = check_custom_name(&name, func.sig.ident.span()) {
        push(err);
    }
    match errors {
        Some(errors) => Err(errors),
        None => Ok(args),
    }
}

/// RFC 9110 `tchar`, the characters of an auth scheme.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The function, its `auth_<name>` marker type (with the function's visibility) linked to the
/// static descriptor, and the descriptor's registration. An `async fn` is reached through a
/// wrapper that boxes its future, so the descriptor stays a plain `static`.
fn expand(func: &ItemFn, args: &MethodArgs) -> TokenStream {
    let ident = &func.sig.ident;
    let name = ident.to_string();
    let marker = auth_method_marker(&name, ident.span());
    let marker_decl = marker_type(&func.vis, &marker);
    let sync_call =
        quote_spanned!(ident.span()=> ::authroute::__private::method_result(#ident(req)));
    let (wrapper, method) = match func.sig.asyncness {
        None => (
            quote! {
                fn __authroute_sync_auth_method(
                    req: &::authroute::AuthRequest<'_>,
                ) -> ::std::result::Result<::authroute::MethodIdentity, ::authroute::AuthError> {
                    #sync_call
                }
            },
            quote!(::authroute::__private::AuthMethodFn::Sync(
                __authroute_sync_auth_method
            )),
        ),
        Some(_) => {
            let call = quote_spanned!(ident.span()=> ::std::boxed::Box::pin(async move {
                ::authroute::__private::method_result(#ident(req).await)
            }));
            (
                quote! {
                    fn __authroute_async_auth_method<'a>(
                        req: &'a ::authroute::AuthRequest<'a>,
                    ) -> ::authroute::__private::AuthFuture<'a> {
                        #call
                    }
                },
                quote!(::authroute::__private::AuthMethodFn::Async(
                    __authroute_async_auth_method
                )),
            )
        }
    };
    let challenge = optional(args.challenge.as_ref());
    let realm = optional(args.realm.as_ref());
    let grants = match &args.grants {
        None => quote!(::std::option::Option::None),
        Some(known) => {
            let message = unknown_grant_message(&format!("auth method `{name}`"), known);
            quote!(::std::option::Option::Some(::authroute::__private::MethodGrants {
                known: &[#(#known),*],
                unknown_message: #message,
            }))
        }
    };
    quote! {
        #func

        #marker_decl

        const _: () = {
            #wrapper
            static __AUTHROUTE_AUTH_METHOD: ::authroute::__private::AuthMethodDef =
                ::authroute::__private::AuthMethodDef {
                    name: #name,
                    func: #method,
                    challenge: #challenge,
                    realm: #realm,
                    grants: #grants,
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

fn optional(lit: Option<&LitStr>) -> TokenStream {
    match lit {
        Some(lit) => quote!(::std::option::Option::Some(#lit)),
        None => quote!(::std::option::Option::None),
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
