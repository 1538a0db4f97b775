//! Expansion: the `jwt_<name>` marker type, linked to the validator's static `ValidatorDef`,
//! which is also registered for startup.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::check::{Checked, KeySource};
use super::parse::{Audience, Strategy, Value};
use crate::names::{marker_type, unknown_grant_message, validator_marker};

pub fn expand(v: &Checked) -> TokenStream {
    let name = v.name.value();
    let marker = validator_marker(&name, v.name.span());
    let issuer = value(&v.issuer);
    let audience = match &v.audience {
        Audience::List(list, _) => {
            quote!(::authroute::__private::ListSource::Literal(&[#(#list),*]))
        }
        Audience::Env(env) => {
            let env = value(env);
            quote!(::authroute::__private::ListSource::Split(#env))
        }
    };
    let algorithm = &v.algorithm;
    let key = match &v.key {
        KeySource::Secret(value_) => {
            let source = value(value_);
            quote!(::authroute::__private::KeySource::Secret(#source))
        }
        KeySource::PublicKey(value_) => {
            let source = value(value_);
            quote!(::authroute::__private::KeySource::PublicKeyPem(#source))
        }
        KeySource::PublicKeyFile(value_) => {
            let source = value(value_);
            quote!(::authroute::__private::KeySource::PublicKeyFile(#source))
        }
        KeySource::JwksUri(value_) => {
            let source = value(value_);
            quote!(::authroute::__private::KeySource::JwksUri(#source))
        }
        KeySource::Discovery => quote!(::authroute::__private::KeySource::Discovery),
    };
    let allow_http = v.allow_http;
    let leeway = v.leeway;
    let typ = option(v.typ.as_ref().map(|t| quote!(#t)));
    let max_lifetime = option(v.max_lifetime.map(|m| quote!(#m)));
    let user = match &v.user {
        Strategy::Static(uid) => quote!(::authroute::__private::UserStrategy::Static(#uid)),
        Strategy::Custom(path) => {
            quote_spanned!(path.segments.last().map_or(proc_macro2::Span::call_site(), |s| s.ident.span())=>
                ::authroute::__private::UserStrategy::Custom(#path))
        }
        Strategy::Claim(claim) => quote!(::authroute::__private::UserStrategy::Claim(#claim)),
        Strategy::None => quote!(::authroute::__private::UserStrategy::ClaimsOnly),
        // The parser only accepts `email` for partners.
        Strategy::Email => quote!(::authroute::__private::UserStrategy::ClaimsOnly),
    };
    let partner = match &v.partner {
        Strategy::Email => quote!(::authroute::__private::PartnerStrategy::Email),
        Strategy::Custom(path) => quote!(::authroute::__private::PartnerStrategy::Custom(#path)),
        _ => quote!(::authroute::__private::PartnerStrategy::None),
    };
    let partner_required = v.partner_required;
    let claims_only = matches!(v.user, Strategy::None);
    let (kind, public_kind) = if claims_only {
        (quote!(jwt_claims), quote!(public_or_jwt_claims))
    } else {
        (quote!(jwt), quote!(public_or_jwt))
    };
    // A chain hands its routes one set of handler arguments, so its validators either all
    // find a user or are all claims-only.
    let next_check = v.next.as_ref().map(|lit| {
        let next_marker = validator_marker(&lit.value(), lit.span());
        let message = if claims_only {
            format!("validator `{name}` is claims-only (`user: none`) but chains to `{}`, which finds a user; a chain's validators all find a user or are all claims-only", lit.value())
        } else {
            format!("validator `{name}` finds a user but chains to `{}`, which is claims-only (`user: none`); a chain's validators all find a user or are all claims-only", lit.value())
        };
        quote_spanned!(lit.span()=>
            const _: () = ::std::assert!(
                <#next_marker as ::authroute::__private::ValidatorLink>::CLAIMS_ONLY == #claims_only,
                #message,
            );
        )
    });
    let next = option(v.next.as_ref().map(|n| quote!(#n)));
    let cookie = option(v.cookie.as_ref().map(|c| {
        let name = c
            .name
            .as_ref()
            .map_or(quote!("authorization"), |n| quote!(#n));
        let path = c.path.as_ref().map_or(quote!("/"), |p| quote!(#p));
        let max_age = c
            .max_age
            .as_ref()
            .map_or(quote!(31_536_000), |m| quote!(#m));
        let secure = c.secure.as_ref().map_or(quote!(true), |s| quote!(#s));
        let same_site = c
            .same_site
            .as_ref()
            .map_or(quote!("Strict"), |s| quote!(#s));
        quote!(::authroute::__private::CookieDef {
            name: #name, path: #path, max_age: #max_age, secure: #secure, same_site: #same_site,
        })
    }));

    let marker_decl = marker_type(&v.vis, &marker);
    let grants = option(v.grants.as_ref().map(|g| {
        let claim = &g.claim;
        let known = &g.known;
        let message = unknown_grant_message(&format!("validator `{name}`"), known);
        quote!(::authroute::__private::GrantsDef {
            claim: #claim,
            known: &[#(#known),*],
            unknown_message: #message,
        })
    }));
    quote! {
        #marker_decl

        const _: () = {
            #next_check
            static __AUTHROUTE_VALIDATOR: ::authroute::__private::ValidatorDef =
                ::authroute::__private::ValidatorDef {
                    name: #name,
                    issuer: #issuer,
                    audience: #audience,
                    algorithm: #algorithm,
                    key: #key,
                    allow_http: #allow_http,
                    leeway: #leeway,
                    typ: #typ,
                    max_lifetime: #max_lifetime,
                    user: #user,
                    partner: #partner,
                    partner_required: #partner_required,
                    next: #next,
                    cookie: #cookie,
                    grants: #grants,
                    defined_at: ::std::module_path!(),
                };
            impl ::authroute::__private::ValidatorLink for #marker {
                const DEF: &'static ::authroute::__private::ValidatorDef = &__AUTHROUTE_VALIDATOR;
                const CLAIMS_ONLY: bool = #claims_only;
                type Kind = ::authroute::kind::#kind;
                type PublicKind = ::authroute::kind::#public_kind;
            }
            ::authroute::__private::inventory::submit! {
                ::authroute::__private::RegisteredValidator(&__AUTHROUTE_VALIDATOR)
            }
        };
    }
}

/// The marker of a validator whose declaration has errors, linked to a placeholder: routes that
/// name it then compile, and the user sees only the declaration's own errors.
pub fn placeholder(vis: &syn::Visibility, name: &syn::LitStr) -> TokenStream {
    let marker = validator_marker(&name.value(), name.span());
    let marker_decl = marker_type(vis, &marker);
    quote! {
        #marker_decl
        impl ::authroute::__private::ValidatorLink for #marker {
            const DEF: &'static ::authroute::__private::ValidatorDef =
                &::authroute::__private::PLACEHOLDER_VALIDATOR;
            const CLAIMS_ONLY: bool = false;
            type Kind = ::authroute::kind::jwt;
            type PublicKind = ::authroute::kind::public_or_jwt;
        }
    }
}

fn value(value: &Value) -> TokenStream {
    match value {
        Value::Literal(lit) => quote!(::authroute::__private::ValueSource::Literal(#lit)),
        Value::Env { var, default } => {
            let default = option(default.as_ref().map(|d| quote!(#d)));
            quote!(::authroute::__private::ValueSource::Env { var: #var, default: #default })
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    }
}
