//! Parsing `#[route("/path", methods = [...], auth = "...", type = "...", cors = "...", ...)]`.

use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, bracketed};

use super::auth::AuthSpec;
use super::path::RoutePath;
use crate::names::invalid_group_name;

const KEYS: &str = "expected `methods`, `auth`, `type`, `cors`, `scopes` (or `roles`), `any_scopes` (or `any_roles`), `groups` or `any_groups`";
const HTTP_METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// The checked arguments of one `#[route]`.
pub struct RouteArgs {
    pub path: RoutePath,
    /// Empty means every method.
    pub methods: Vec<LitStr>,
    pub auth: AuthSpec,
    pub auth_lit: Option<LitStr>,
    pub json: bool,
    pub cors: Option<LitStr>,
    /// Grants required: all of `all`, one of `any`; with the list's span for errors.
    pub grants: Grants,
    /// Groups required (`groups`, `any_groups`), only on `user` and `public` routes.
    pub groups: Grants,
}

/// A route's `scopes = [...]` and `any_scopes = [...]`, or its `groups = [...]` and
/// `any_groups = [...]`.
#[derive(Default)]
pub struct Grants {
    pub all: Vec<LitStr>,
    pub any: Vec<LitStr>,
    /// The first list's span, where a grant check's error lands.
    pub span: Option<proc_macro2::Span>,
}

impl RouteArgs {
    pub fn parse(args: proc_macro2::TokenStream) -> syn::Result<Self> {
        let span = proc_macro2::Span::call_site();
        let raw = (|input: ParseStream<'_>| RawArgs::parse(input, span)).parse2(args)?;
        raw.check()
    }
}

/// The arguments as written, before their values are checked.
struct RawArgs {
    path: LitStr,
    methods: Option<Vec<LitStr>>,
    auth: Option<LitStr>,
    route_type: Option<LitStr>,
    cors: Option<LitStr>,
    all_grants: Option<(Vec<LitStr>, proc_macro2::Span)>,
    any_grants: Option<(Vec<LitStr>, proc_macro2::Span)>,
    all_groups: Option<(Vec<LitStr>, proc_macro2::Span)>,
    any_groups: Option<(Vec<LitStr>, proc_macro2::Span)>,
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

impl RawArgs {
    fn parse(input: ParseStream<'_>, span: proc_macro2::Span) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                span,
                "missing route path; expected `#[route(\"/path\", ...)]`",
            ));
        }
        if !input.peek(LitStr) {
            return Err(
                input.error("expected the route path as a string literal, like `\"/path\"`")
            );
        }
        let mut raw = RawArgs {
            path: input.parse()?,
            methods: None,
            auth: None,
            route_type: None,
            cors: None,
            all_grants: None,
            any_grants: None,
            all_groups: None,
            any_groups: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key = Ident::parse_any(input)?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "methods" => {
                    let methods = parse_methods(input, &key)?;
                    set_once(&mut raw.methods, &key, methods)?;
                }
                "auth" => {
                    let value = string_value(input, &key, "\"user\"")?;
                    set_once(&mut raw.auth, &key, value)?;
                }
                "type" => {
                    let value = string_value(input, &key, "\"json\"")?;
                    set_once(&mut raw.route_type, &key, value)?;
                }
                "cors" => {
                    let value = string_value(input, &key, "\"*\"")?;
                    set_once(&mut raw.cors, &key, value)?;
                }
                "scopes" | "roles" => {
                    let list = parse_names(input, &key, "grant")?;
                    set_once(&mut raw.all_grants, &key, list)?;
                }
                "any_scopes" | "any_roles" => {
                    let list = parse_names(input, &key, "grant")?;
                    set_once(&mut raw.any_grants, &key, list)?;
                }
                "groups" => {
                    let list = parse_names(input, &key, "group")?;
                    set_once(&mut raw.all_groups, &key, list)?;
                }
                "any_groups" => {
                    let list = parse_names(input, &key, "group")?;
                    set_once(&mut raw.any_groups, &key, list)?;
                }
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown attribute key `{other}`; {KEYS}"),
                    ));
                }
            }
        }
        Ok(raw)
    }

    fn check(self) -> syn::Result<RouteArgs> {
        let mut errors: Option<syn::Error> = None;
        let mut push = |err: syn::Error| match &mut errors {
            Some(all) => all.combine(err),
            None => errors = Some(err),
        };
        let path = RoutePath::parse(&self.path).map_err(&mut push).ok();
        let methods = self.methods.unwrap_or_default();
        for (i, method) in methods.iter().enumerate() {
            let name = method.value();
            if !HTTP_METHODS.contains(&name.as_str()) {
                push(syn::Error::new(
                    method.span(),
                    format!(
                        "unknown HTTP method `{name}`; expected one of {}",
                        HTTP_METHODS.join(", ")
                    ),
                ));
            } else if methods[..i].iter().any(|m| m.value() == name) {
                push(syn::Error::new(
                    method.span(),
                    format!("method `{name}` listed more than once"),
                ));
            }
        }
        let auth = match &self.auth {
            Some(lit) => AuthSpec::parse(lit).map_err(&mut push).ok(),
            None => Some(AuthSpec::User),
        };
        let json = match &self.route_type {
            None => false,
            Some(lit) => match lit.value().as_str() {
                "http" => false,
                "json" => true,
                other => {
                    push(syn::Error::new(
                        lit.span(),
                        format!("unknown route type `{other}`; expected `http` or `json`"),
                    ));
                    false
                }
            },
        };
        if let Some(cors) = &self.cors {
            let value = cors.value();
            let printable = value.bytes().all(|b| (0x21..0x7f).contains(&b));
            if value.is_empty() || !printable {
                push(syn::Error::new(
                    cors.span(),
                    "invalid `cors` origin; expected `\"*\"` or an origin like `\"https://app.example.com\"`",
                ));
            }
        }
        let mut grants = Grants::default();
        for (_, span) in [&self.all_grants, &self.any_grants].into_iter().flatten() {
            grants.span.get_or_insert(*span);
            let carries_grants = matches!(
                auth,
                Some(AuthSpec::Jwt(_) | AuthSpec::PublicOrJwt(_) | AuthSpec::Custom(_))
            );
            if !carries_grants && auth.is_some() {
                let shown = self.auth.as_ref().map_or("user".to_string(), LitStr::value);
                let hint = if matches!(auth, Some(AuthSpec::User | AuthSpec::Public)) {
                    "; a session route requires groups instead (`groups = [...]`)"
                } else {
                    ""
                };
                push(syn::Error::new(
                    *span,
                    format!(
                        "auth `{shown}` carries no grants; scopes and roles need a JWT route (`jwt_<validator>` or `public_or_jwt_<validator>`) whose validator declares them, or a custom auth method that declares them{hint}"
                    ),
                ));
            }
        }
        if let Some((list, _)) = self.all_grants {
            grants.all = list;
        }
        if let Some((list, _)) = self.any_grants {
            grants.any = list;
        }
        let groups = check_groups(
            self.all_groups,
            self.any_groups,
            auth.as_ref(),
            self.auth.as_ref(),
            &mut push,
        );
        match (path, auth, errors) {
            (Some(path), Some(auth), None) => Ok(RouteArgs {
                path,
                methods,
                auth,
                auth_lit: self.auth,
                json,
                cors: self.cors,
                grants,
                groups,
            }),
            (_, _, errors) => Err(errors
                .unwrap_or_else(|| syn::Error::new(self.path.span(), "invalid route arguments"))),
        }
    }
}

/// Groups belong to session users: only `user` and `public` routes may require them, and each
/// name must be a valid group name (whether it is declared is rustc's to say, in the expansion).
fn check_groups(
    all: Option<(Vec<LitStr>, proc_macro2::Span)>,
    any: Option<(Vec<LitStr>, proc_macro2::Span)>,
    auth: Option<&AuthSpec>,
    auth_lit: Option<&LitStr>,
    push: &mut impl FnMut(syn::Error),
) -> Grants {
    let mut groups = Grants::default();
    for (list, span) in [&all, &any].into_iter().flatten() {
        groups.span.get_or_insert(*span);
        if let Some(auth) = auth
            && !matches!(auth, AuthSpec::User | AuthSpec::Public)
        {
            let shown = auth_lit.map_or("user".to_string(), LitStr::value);
            let hint = if matches!(auth, AuthSpec::Jwt(_) | AuthSpec::PublicOrJwt(_)) {
                "; a JWT route requires scopes or roles instead (`scopes = [...]`), declared by its validator"
            } else {
                ""
            };
            push(syn::Error::new(
                *span,
                format!(
                    "auth `{shown}` cannot require groups; groups belong to session users and need `auth = \"user\"` or `auth = \"public\"`{hint}"
                ),
            ));
        }
        list.iter()
            .filter_map(invalid_group_name)
            .for_each(&mut *push);
    }
    groups.all = all.map(|(list, _)| list).unwrap_or_default();
    groups.any = any.map(|(list, _)| list).unwrap_or_default();
    groups
}

/// A non-empty list of `what` names (grants, groups) as string literals, with its span.
fn parse_names(
    input: ParseStream<'_>,
    key: &Ident,
    what: &str,
) -> syn::Result<(Vec<LitStr>, proc_macro2::Span)> {
    if !input.peek(syn::token::Bracket) {
        let example = if what == "group" { "admin" } else { "read" };
        return Err(input.error(format!(
            "expected a list of {what} names for `{key}`, like `{key} = [\"{example}\"]`"
        )));
    }
    let content;
    let brackets = bracketed!(content in input);
    let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    let span = brackets.span.join();
    if list.is_empty() {
        return Err(syn::Error::new(
            span,
            format!("empty `{key}` list; omit `{key}` to require nothing"),
        ));
    }
    Ok((list.into_iter().collect(), span))
}

fn parse_methods(input: ParseStream<'_>, key: &Ident) -> syn::Result<Vec<LitStr>> {
    if !input.peek(syn::token::Bracket) {
        return Err(input.error(format!(
            "expected a list of methods for `{key}`, like `{key} = [\"GET\", \"POST\"]`"
        )));
    }
    let content;
    let brackets = bracketed!(content in input);
    let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    if list.is_empty() {
        return Err(syn::Error::new(
            brackets.span.join(),
            "empty `methods` list; omit `methods` to accept every method",
        ));
    }
    Ok(list.into_iter().collect())
}
