//! An OpenAPI 3.1 document from the compiled routes (feature `openapi`), on `utoipa`'s OpenAPI
//! model: the security section comes from the same auth declarations the compiler checked, so it
//! cannot drift from the code.
//!
//! - One `http` bearer (`JWT`) scheme per validator, `openIdConnect` with the discovery URL for
//!   discovery validators, and `session` (`apiKey` in cookie `session_id`) for sessions.
//! - Per operation: `jwt_<v>` requires `<v>` with the route's grants (each validator of a chain
//!   as an alternative); `public_or_jwt_<v>` adds the anonymous alternative `{}`; `user` requires
//!   the session; `none` and `public` require nothing.
//! - JSON-RPC routes (`type = "json"`) take the JSON-RPC 2.0 envelope as their request body.

use std::collections::{BTreeMap, HashSet};

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, OpenIdConnect, SecurityRequirement,
    SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder,
    PathsBuilder, Required, ResponseBuilder, Type,
};

use crate::compile::table::RouteEntry;
use crate::jwt::config::{KeySource, Validator};
use crate::pipeline::Pipeline;
use crate::registry::AuthDef;

/// The security scheme of session routes.
pub const SESSION_SCHEME: &str = "session";

/// The document of `pipeline`'s routes.
pub(crate) fn document(pipeline: &Pipeline) -> OpenApi {
    let mut validators: Vec<&Validator> =
        pipeline.validators.by_name.values().map(|v| &**v).collect();
    validators.sort_by_key(|v| v.name);
    let mut components = ComponentsBuilder::new().security_scheme(
        SESSION_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::session::SESSION_COOKIE,
            "the session cookie set by a login",
        ))),
    );
    for validator in &validators {
        components = components.security_scheme(validator.name, validator_scheme(validator));
    }

    // Paths sorted, operations by method: a stable document.
    let mut paths: BTreeMap<String, Vec<(HttpMethod, &RouteEntry)>> = BTreeMap::new();
    for entry in &pipeline.table.entries {
        for (_, route) in &entry.routes {
            let methods = http_methods(route.def.methods);
            let operations = paths.entry(openapi_path(&route.path)).or_default();
            operations.extend(methods.into_iter().map(|m| (m, &**route)));
        }
    }
    let mut ids = HashSet::new();
    let mut builder = PathsBuilder::new();
    for (path, operations) in paths {
        let mut item: Option<PathItem> = None;
        for (method, route) in operations {
            let operation = operation(pipeline, route, &method, &mut ids);
            match &mut item {
                None => item = Some(PathItem::new(method, operation)),
                Some(item) => item.merge_operations(PathItem::new(method, operation)),
            }
        }
        if let Some(item) = item {
            builder = builder.path(path, item);
        }
    }

    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("authroute application")
                .version("0.1.0")
                .build(),
        )
        .paths(builder.build())
        .components(Some(components.build()))
        .build()
}

fn validator_scheme(validator: &Validator) -> SecurityScheme {
    if matches!(validator.def.key, KeySource::Discovery) {
        let issuer = validator.policy.issuer.trim_end_matches('/');
        return SecurityScheme::OpenIdConnect(OpenIdConnect::new(format!(
            "{issuer}/.well-known/openid-configuration"
        )));
    }
    SecurityScheme::Http(
        HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .description(Some(format!("a JWT for validator `{}`", validator.name)))
            .build(),
    )
}

fn operation(
    pipeline: &Pipeline,
    route: &RouteEntry,
    method: &HttpMethod,
    ids: &mut HashSet<String>,
) -> utoipa::openapi::path::Operation {
    let def = route.def;
    let mut id = def.name.to_string();
    if !ids.insert(id.clone()) {
        id = format!("{}_{}", def.name, method_name(method));
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{}_{}_{n}", def.name, method_name(method));
            n += 1;
        }
    }
    let mut operation = OperationBuilder::new()
        .operation_id(Some(id))
        .summary(Some(format!("auth = \"{}\"", def.auth_name)))
        .response(
            "200",
            ResponseBuilder::new().description("the handler's answer"),
        );
    for name in path_parameters(&route.path) {
        operation = operation.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
        );
    }
    let security = security(pipeline, route);
    if !security.is_empty() {
        operation = operation.response(
            "401",
            ResponseBuilder::new().description("no or bad credentials"),
        );
        if !def.grants.all.is_empty()
            || !def.grants.any.is_empty()
            || !def.groups.all.is_empty()
            || !def.groups.any.is_empty()
        {
            operation = operation.response(
                "403",
                ResponseBuilder::new().description("a required grant or group is missing"),
            );
        }
        operation = operation.securities(Some(security));
    }
    if def.json {
        operation = operation.request_body(Some(
            RequestBodyBuilder::new()
                .description(Some("a JSON-RPC 2.0 call"))
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(rpc_envelope())).build(),
                )
                .required(Some(Required::True))
                .build(),
        ));
    }
    operation.build()
}

/// The route's security requirements: alternatives, `{}` for anonymous.
fn security(pipeline: &Pipeline, route: &RouteEntry) -> Vec<SecurityRequirement> {
    let def = route.def;
    let grants: Vec<&str> = def
        .grants
        .all
        .iter()
        .chain(def.grants.any)
        .copied()
        .collect();
    let jwt = |validator: &str, anonymous: bool| {
        let mut alternatives: Vec<SecurityRequirement> =
            match pipeline.validators.by_name.get(validator) {
                Some(first) => pipeline
                    .validators
                    .chain(first)
                    .iter()
                    .map(|v| SecurityRequirement::new(v.name, grants.iter().copied()))
                    .collect(),
                None => vec![SecurityRequirement::new(validator, grants.iter().copied())],
            };
        if anonymous {
            alternatives.push(SecurityRequirement::default());
        }
        alternatives
    };
    let sole = || {
        pipeline
            .validators
            .by_name
            .keys()
            .next()
            .copied()
            .unwrap_or("jwt")
    };
    match def.auth {
        AuthDef::None | AuthDef::Public | AuthDef::Custom(_) => Vec::new(),
        AuthDef::User => vec![SecurityRequirement::new(SESSION_SCHEME, [] as [&str; 0])],
        AuthDef::Jwt(v) => jwt(v.name, false),
        AuthDef::PublicOrJwt(v) => jwt(v.name, true),
        AuthDef::SoleJwt => jwt(sole(), false),
        AuthDef::SolePublicOrJwt => jwt(sole(), true),
    }
}

/// The JSON-RPC 2.0 request envelope (Odoo's `call`).
fn rpc_envelope() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "jsonrpc",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["2.0"])),
        )
        .property("method", ObjectBuilder::new().schema_type(Type::String))
        .property("params", ObjectBuilder::new().schema_type(Type::Object))
        .property("id", ObjectBuilder::new())
}

fn http_methods(methods: &[&str]) -> Vec<HttpMethod> {
    let all = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let methods = if methods.is_empty() {
        &all[..]
    } else {
        methods
    };
    methods
        .iter()
        .filter_map(|m| match *m {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "PATCH" => Some(HttpMethod::Patch),
            "DELETE" => Some(HttpMethod::Delete),
            "HEAD" => Some(HttpMethod::Head),
            "OPTIONS" => Some(HttpMethod::Options),
            "TRACE" => Some(HttpMethod::Trace),
            _ => None,
        })
        .collect()
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
        HttpMethod::Put => "put",
        HttpMethod::Patch => "patch",
        HttpMethod::Delete => "delete",
        HttpMethod::Head => "head",
        HttpMethod::Options => "options",
        HttpMethod::Trace => "trace",
    }
}

/// The router's `{*rest}` catch-all is OpenAPI's `{rest}`.
fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

fn path_parameters(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(name, _)| name.trim_start_matches('*').to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_and_catch_alls_are_openapi_templates() {
        assert_eq!(path_parameters("/a/{id}/b/{*rest}"), ["id", "rest"]);
        assert_eq!(openapi_path("/a/{id}/b/{*rest}"), "/a/{id}/b/{rest}");
        assert!(path_parameters("/plain").is_empty());
    }
}
