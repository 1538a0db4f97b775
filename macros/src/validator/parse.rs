//! Parsing `validator! { name: "demo", issuer: "...", ... }` into raw fields.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitInt, LitStr, Token, braced, bracketed, parenthesized};

pub const FIELDS: &str = "`name`, `issuer`, `audience`, `algorithm`, `secret`, `public_key`, \
     `public_key_file`, `jwks_uri`, `discovery`, `allow_http`, `leeway`, `typ`, `max_lifetime`, \
     `user`, `partner`, `partner_required`, `next`, `cookie`, `grants`";

/// A deployment-dependent string: a literal, or an environment variable read at startup.
#[derive(Clone)]
pub enum Value {
    Literal(LitStr),
    Env {
        var: LitStr,
        default: Option<LitStr>,
    },
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Literal(lit) => lit.span(),
            Value::Env { var, .. } => var.span(),
        }
    }
}

pub enum Audience {
    List(Vec<LitStr>, Span),
    Env(Value),
}

pub enum Strategy {
    Static(LitInt),
    Custom(syn::Path),
    /// `claim("email")`: the directory user whose login equals the claim.
    Claim(LitStr),
    Email,
    None,
}

pub struct Cookie {
    pub name: Option<LitStr>,
    pub path: Option<LitStr>,
    pub max_age: Option<LitInt>,
    pub secure: Option<LitBool>,
    pub same_site: Option<LitStr>,
}

/// `grants: { claim: "scope", known: ["read", "write"] }`: where a token's grants (scopes,
/// roles) live, as a dotted claim path, and which exist.
pub struct Grants {
    pub claim: LitStr,
    pub known: Vec<LitStr>,
}

/// One `key: value` field, with the key for spans and duplicate detection.
pub enum Field {
    Name(LitStr),
    Issuer(Value),
    Audience(Audience),
    Algorithm(LitStr),
    Secret(Value),
    PublicKey(Value),
    PublicKeyFile(Value),
    JwksUri(Value),
    Discovery(LitBool),
    AllowHttp(LitBool),
    Leeway(LitInt),
    Typ(LitStr),
    MaxLifetime(LitInt),
    User(Strategy),
    Partner(Strategy),
    PartnerRequired(LitBool),
    Next(LitStr),
    Cookie(Cookie),
    Grants(Grants),
}

pub struct RawValidator {
    /// The optional leading visibility (`pub`, `pub(crate)`...) of the validator's marker.
    pub vis: syn::Visibility,
    pub fields: Vec<(Ident, Field)>,
    pub span: Span,
}

pub fn parse(input: TokenStream) -> syn::Result<RawValidator> {
    let span = Span::call_site();
    let (vis, fields) = (|input: ParseStream<'_>| {
        let vis: syn::Visibility = input.parse()?;
        let mut fields = Vec::new();
        while !input.is_empty() {
            let key = Ident::parse_any(input)?;
            input.parse::<Token![:]>()?;
            let field = parse_field(&key, input)?;
            fields.push((key, field));
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok((vis, fields))
    })
    .parse2(input)?;
    Ok(RawValidator { vis, fields, span })
}

fn parse_field(key: &Ident, input: ParseStream<'_>) -> syn::Result<Field> {
    let field = match key.to_string().as_str() {
        "name" => Field::Name(lit_str(key, input, "\"demo\"")?),
        "issuer" => Field::Issuer(value(key, input)?),
        "audience" => Field::Audience(audience(key, input)?),
        "algorithm" => Field::Algorithm(lit_str(key, input, "\"HS256\"")?),
        "secret" => Field::Secret(value(key, input)?),
        "public_key" => Field::PublicKey(value(key, input)?),
        "public_key_file" => Field::PublicKeyFile(value(key, input)?),
        "jwks_uri" => Field::JwksUri(value(key, input)?),
        "discovery" => Field::Discovery(lit_bool(key, input)?),
        "allow_http" => Field::AllowHttp(lit_bool(key, input)?),
        "leeway" => Field::Leeway(lit_int(key, input, "30")?),
        "typ" => Field::Typ(lit_str(key, input, "\"at+jwt\"")?),
        "max_lifetime" => Field::MaxLifetime(lit_int(key, input, "3600")?),
        "user" => Field::User(strategy(
            key,
            input,
            &["static", "claim", "none", "custom"],
        )?),
        "partner" => Field::Partner(strategy(key, input, &["email", "none", "custom"])?),
        "partner_required" => Field::PartnerRequired(lit_bool(key, input)?),
        "next" => Field::Next(lit_str(key, input, "\"other_validator\"")?),
        "cookie" => Field::Cookie(cookie(key, input)?),
        "grants" => Field::Grants(grants(key, input)?),
        other => {
            return Err(syn::Error::new(
                key.span(),
                format!("unknown validator field `{other}`; expected one of {FIELDS}"),
            ));
        }
    };
    Ok(field)
}

fn lit_str(key: &Ident, input: ParseStream<'_>, example: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        return input.parse();
    }
    Err(input.error(format!(
        "expected a string literal for `{key}`, like `{key}: {example}`"
    )))
}

fn lit_int(key: &Ident, input: ParseStream<'_>, example: &str) -> syn::Result<LitInt> {
    if input.peek(LitInt) {
        return input.parse();
    }
    Err(input.error(format!(
        "expected a number of seconds for `{key}`, like `{key}: {example}`"
    )))
}

fn lit_bool(key: &Ident, input: ParseStream<'_>) -> syn::Result<LitBool> {
    if input.peek(LitBool) {
        return input.parse();
    }
    Err(input.error(format!("expected `true` or `false` for `{key}`")))
}

/// `"literal"` or `env("VAR")` or `env("VAR", default = "value")`.
fn value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Value> {
    if input.peek(LitStr) {
        return Ok(Value::Literal(input.parse()?));
    }
    if input.peek(Ident) && input.fork().parse::<Ident>()? == "env" {
        input.parse::<Ident>()?;
        let content;
        parenthesized!(content in input);
        let var: LitStr = content.parse()?;
        let mut default = None;
        if content.peek(Token![,]) {
            content.parse::<Token![,]>()?;
            let name: Ident = content.parse()?;
            if name != "default" {
                return Err(syn::Error::new(
                    name.span(),
                    "expected `default = \"...\"` after the variable name",
                ));
            }
            content.parse::<Token![=]>()?;
            default = Some(content.parse()?);
        }
        if !content.is_empty() {
            return Err(content.error("unexpected tokens in `env(...)`"));
        }
        return Ok(Value::Env { var, default });
    }
    Err(input.error(format!(
        "expected a string literal or `env(\"VARIABLE\")` for `{key}`"
    )))
}

fn audience(key: &Ident, input: ParseStream<'_>) -> syn::Result<Audience> {
    if input.peek(syn::token::Bracket) {
        let content;
        let brackets = bracketed!(content in input);
        let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
        return Ok(Audience::List(
            list.into_iter().collect(),
            brackets.span.join(),
        ));
    }
    if input.peek(LitStr) {
        return Err(input.error(format!(
            "`{key}` is a list: write `{key}: [\"api\"]`, or `{key}: env(\"VAR\")` for a comma-separated variable"
        )));
    }
    Ok(Audience::Env(value(key, input)?))
}

fn strategy(key: &Ident, input: ParseStream<'_>, allowed: &[&str]) -> syn::Result<Strategy> {
    let expected = || {
        let forms: Vec<String> = allowed
            .iter()
            .map(|a| match *a {
                "static" => "`static(<uid>)`".to_string(),
                "custom" => "`custom(path::to::function)`".to_string(),
                "claim" => "`claim(\"email\")`".to_string(),
                other => format!("`{other}`"),
            })
            .collect();
        format!("expected {} for `{key}`", forms.join(" or "))
    };
    let Ok(word) = Ident::parse_any(input) else {
        return Err(input.error(expected()));
    };
    let name = word.to_string();
    if !allowed.contains(&name.as_str()) {
        return Err(syn::Error::new(word.span(), expected()));
    }
    match name.as_str() {
        "email" => Ok(Strategy::Email),
        "none" => Ok(Strategy::None),
        "static" => {
            let content;
            parenthesized!(content in input);
            let uid: LitInt = content.parse()?;
            Ok(Strategy::Static(uid))
        }
        "claim" => {
            let content;
            parenthesized!(content in input);
            Ok(Strategy::Claim(content.parse()?))
        }
        _ => {
            let content;
            parenthesized!(content in input);
            Ok(Strategy::Custom(content.parse()?))
        }
    }
}

fn grants(key: &Ident, input: ParseStream<'_>) -> syn::Result<Grants> {
    let example = format!("`{key}: {{ claim: \"scope\", known: [\"read\", \"write\"] }}`");
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!("expected {example}")));
    }
    let content;
    braced!(content in input);
    let (mut claim, mut known) = (None, None);
    while !content.is_empty() {
        let sub: Ident = Ident::parse_any(&content)?;
        content.parse::<Token![:]>()?;
        let duplicate = || {
            syn::Error::new(
                sub.span(),
                format!("`{key}.{sub}` specified more than once"),
            )
        };
        match sub.to_string().as_str() {
            "claim" if claim.is_some() => return Err(duplicate()),
            "known" if known.is_some() => return Err(duplicate()),
            "claim" => claim = Some(lit_str(&sub, &content, "\"scope\"")?),
            "known" => {
                if !content.peek(syn::token::Bracket) {
                    return Err(
                        content.error(format!("expected a list of grant names, like {example}"))
                    );
                }
                let list;
                bracketed!(list in content);
                let names = Punctuated::<LitStr, Token![,]>::parse_terminated(&list)?;
                known = Some(names.into_iter().collect::<Vec<_>>());
            }
            other => {
                return Err(syn::Error::new(
                    sub.span(),
                    format!(
                        "unknown `{key}` field `{other}`; expected `claim` and `known`, like {example}"
                    ),
                ));
            }
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    match (claim, known) {
        (Some(claim), Some(known)) => Ok(Grants { claim, known }),
        _ => Err(syn::Error::new(
            key.span(),
            format!("`{key}` needs `claim` and `known`, like {example}"),
        )),
    }
}

fn cookie(key: &Ident, input: ParseStream<'_>) -> syn::Result<Cookie> {
    let mut cookie = Cookie {
        name: None,
        path: None,
        max_age: None,
        secure: None,
        same_site: None,
    };
    if input.peek(LitBool) {
        let enabled: LitBool = input.parse()?;
        if !enabled.value {
            return Err(syn::Error::new(
                enabled.span,
                "omit `cookie` to disable cookie mode",
            ));
        }
        return Ok(cookie);
    }
    if !input.peek(syn::token::Brace) {
        return Err(input.error(format!(
            "expected `{key}: true` or `{key}: {{ name: \"...\", path: \"/\", max_age: 31536000, secure: true, same_site: \"Strict\" }}`"
        )));
    }
    let content;
    braced!(content in input);
    let mut seen: Vec<Ident> = Vec::new();
    while !content.is_empty() {
        let sub: Ident = Ident::parse_any(&content)?;
        content.parse::<Token![:]>()?;
        if seen.contains(&sub) {
            return Err(syn::Error::new(
                sub.span(),
                format!("`cookie.{sub}` specified more than once"),
            ));
        }
        match sub.to_string().as_str() {
            "name" => cookie.name = Some(lit_str(&sub, &content, "\"authorization\"")?),
            "path" => cookie.path = Some(lit_str(&sub, &content, "\"/\"")?),
            "max_age" => cookie.max_age = Some(lit_int(&sub, &content, "31536000")?),
            "secure" => cookie.secure = Some(lit_bool(&sub, &content)?),
            "same_site" => cookie.same_site = Some(lit_str(&sub, &content, "\"Strict\"")?),
            other => {
                return Err(syn::Error::new(
                    sub.span(),
                    format!(
                        "unknown cookie field `{other}`; expected `name`, `path`, `max_age`, `secure` or `same_site`"
                    ),
                ));
            }
        }
        seen.push(sub);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(cookie)
}

/// The visibility and `name` of a declaration that failed to parse or check, found by a loose
/// scan, so that its marker can still be emitted and routes naming it do not cascade errors.
pub fn salvage_name(input: TokenStream) -> Option<(syn::Visibility, LitStr)> {
    use proc_macro2::TokenTree;
    let vis = (|input: ParseStream<'_>| {
        let vis: syn::Visibility = input.parse()?;
        input.parse::<TokenStream>()?;
        Ok(vis)
    })
    .parse2(input.clone())
    .unwrap_or(syn::Visibility::Inherited);
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    tokens.windows(3).find_map(|window| match window {
        [
            TokenTree::Ident(key),
            TokenTree::Punct(colon),
            TokenTree::Literal(lit),
        ] if key == "name" && colon.as_char() == ':' => {
            syn::parse2::<LitStr>(TokenTree::Literal(lit.clone()).into())
                .ok()
                .filter(|name| crate::names::is_valid_name(&name.value()))
                .map(|name| (vis.clone(), name))
        }
        _ => None,
    })
}
