//! Route path syntax: `/literal/{param}/{*rest}`, checked at compile time.

use syn::LitStr;

/// A checked route path.
pub struct RoutePath {
    pub value: String,
}

impl RoutePath {
    pub fn parse(lit: &LitStr) -> syn::Result<Self> {
        let value = lit.value();
        check(&value).map_err(|why| {
            syn::Error::new(
                lit.span(),
                format!(
                    "malformed route path: {why}; expected `/` followed by `/`-separated literal segments or `{{name}}` parameters, like \"/users/{{id}}\""
                ),
            )
        })?;
        Ok(RoutePath { value })
    }
}

fn check(path: &str) -> Result<Vec<String>, String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err("it must start with `/`".into());
    };
    let mut params: Vec<String> = Vec::new();
    if rest.is_empty() {
        return Ok(params);
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            if i == last {
                // A trailing slash is a distinct, legal path.
                continue;
            }
            return Err("empty segment (`//`)".into());
        }
        if let Some(inner) = segment.strip_prefix('{') {
            let Some(name) = inner.strip_suffix('}') else {
                return Err(format!(
                    "parameter segment `{segment}` must be exactly `{{name}}`"
                ));
            };
            let (name, catch_all) = match name.strip_prefix('*') {
                Some(name) => (name, true),
                None => (name, false),
            };
            if catch_all && i != last {
                return Err(format!(
                    "catch-all parameter `{{*{name}}}` must be the last segment"
                ));
            }
            if !is_param_name(name) {
                return Err(format!("parameter name `{name}` is not an identifier"));
            }
            if params.iter().any(|p| p == name) {
                return Err(format!("parameter `{name}` appears more than once"));
            }
            params.push(name.to_string());
        } else if let Some(bad) = segment
            .chars()
            .find(|c| matches!(c, '{' | '}' | '?' | '#' | ' ' | '*') || c.is_control())
        {
            return Err(format!(
                "character `{}` is not allowed in segment `{segment}`",
                bad.escape_debug()
            ));
        }
    }
    Ok(params)
}

fn is_param_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn paths() {
        assert_eq!(check("/").unwrap(), Vec::<String>::new());
        assert_eq!(check("/a/{id}/b").unwrap(), vec!["id".to_string()]);
        assert_eq!(check("/files/{*rest}").unwrap(), vec!["rest".to_string()]);
        assert!(check("/a/").is_ok());
        for bad in [
            "", "a", "/a//b", "/{}", "/{a", "/{1a}", "/{a}/{a}", "/{*a}/b", "/a b", "/a?x",
        ] {
            assert!(check(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
