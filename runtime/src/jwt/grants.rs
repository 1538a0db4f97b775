//! Reading a token's grants at a dotted claim path without building the claims document: a
//! serde walk that skips every member off the path, then collects the words of a string or
//! the strings of an array. A grant check runs on every request of a scoped route, so it must
//! not cost a full JSON tree.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The scalar `visit_*` methods of a visitor for which every scalar means `$none`.
macro_rules! scalars_are {
    ($none:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}

/// The grants at `path` (`scope`, `realm_access.roles`) in the JSON object `claims`: the words
/// of a space-separated string, or the string members of an array; empty when the path is
/// missing, of another type, or the document is not JSON. Duplicate keys: the last one wins,
/// as in `serde_json::Value`.
pub(crate) fn read(claims: &str, path: &str) -> Vec<String> {
    let mut de = serde_json::Deserializer::from_str(claims);
    At(Some(path)).deserialize(&mut de).unwrap_or_default()
}

/// The rest of the path to walk (`None`: here are the grants).
struct At<'p>(Option<&'p str>);

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Vec<String>, D::Error> {
        match self.0 {
            Some(path) => de.deserialize_any(Walk(path)),
            None => de.deserialize_any(Leaf),
        }
    }
}

/// Whether a key equals the expected path segment, without allocating it.
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<bool, D::Error> {
        de.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a claim name")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Inside an object on the path: follow the segment's member, skip the others.
struct Walk<'p>(&'p str);

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
        let (segment, rest) = match self.0.split_once('.') {
            Some((segment, rest)) => (segment, Some(rest)),
            None => (self.0, None),
        };
        let mut found = Vec::new();
        while let Some(matches) = map.next_key_seed(KeyIs(segment))? {
            if matches {
                found = map.next_value_seed(At(rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<String>, A::Error> {
        nothing_in_seq(seq)
    }

    fn visit_str<E>(self, _: &str) -> Result<Vec<String>, E> {
        Ok(Vec::new())
    }
    scalars_are!(Vec::new());
}

/// At the end of the path: a string's words or an array's strings.
struct Leaf;

impl<'de> Visitor<'de> for Leaf {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Vec<String>, E> {
        Ok(text.split_ascii_whitespace().map(String::from).collect())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut names = Vec::new();
        while let Some(item) = seq.next_element::<StringOrSkip>()? {
            names.extend(item.0);
        }
        Ok(names)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Vec::new())
    }

    scalars_are!(Vec::new());
}

fn nothing_in_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<String>, A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(Vec::new())
}

/// An array member: kept when it is a string, skipped otherwise.
struct StringOrSkip(Option<String>);

impl<'de> serde::Deserialize<'de> for StringOrSkip {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(StringOrSkipVisitor)
    }
}

struct StringOrSkipVisitor;

impl<'de> Visitor<'de> for StringOrSkipVisitor {
    type Value = StringOrSkip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<StringOrSkip, E> {
        Ok(StringOrSkip(Some(text.to_owned())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StringOrSkip, A::Error> {
        nothing_in_seq(seq).map(|_| StringOrSkip(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StringOrSkip, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(StringOrSkip(None))
    }
    scalars_are!(StringOrSkip(None));
}

#[cfg(test)]
mod tests {
    use super::read;

    /// The reference: the same reading over a full `serde_json::Value`.
    fn by_value(claims: &str, path: &str) -> Vec<String> {
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(claims) else {
            return Vec::new();
        };
        for segment in path.split('.') {
            match value.get_mut(segment) {
                Some(inner) => value = inner.take(),
                None => return Vec::new(),
            }
        }
        match value {
            serde_json::Value::String(text) => {
                text.split_ascii_whitespace().map(String::from).collect()
            }
            serde_json::Value::Array(items) => items
                .into_iter()
                .filter_map(|item| item.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn agrees_with_a_full_parse() {
        let cases = [
            (r#"{"scope": "read  write\tadmin"}"#, "scope"),
            (
                r#"{"scp": ["read", 1, null, ["x"], {"a": "b"}, "write"]}"#,
                "scp",
            ),
            (
                r#"{"realm_access": {"roles": ["api-admin"]}, "roles": ["x"]}"#,
                "realm_access.roles",
            ),
            (
                r#"{"realm_access": {"roles": "a b"}}"#,
                "realm_access.roles",
            ),
            (r#"{"realm_access": ["roles"]}"#, "realm_access.roles"),
            (r#"{"realm_access": "roles"}"#, "realm_access.roles"),
            (r#"{"scope": 7}"#, "scope"),
            (r#"{"scope": {"read": true}}"#, "scope"),
            (r#"{"scope": null}"#, "scope"),
            (r#"{"scope": "a", "scope": "b c"}"#, "scope"),
            (r#"{"sc\u006fpe": "escaped key"}"#, "scope"),
            (r#"{"scope": "caf\u00e9 \"q\""}"#, "scope"),
            (r#"{"other": {"scope": "nested"}}"#, "scope"),
            (r#"{}"#, "scope"),
            (r#"not json"#, "scope"),
            (r#"["scope"]"#, "scope"),
            (r#"{"a": {"b": {"c": ["deep"]}}}"#, "a.b.c"),
        ];
        for (claims, path) in cases {
            assert_eq!(
                read(claims, path),
                by_value(claims, path),
                "{claims} at {path}"
            );
        }
    }
}
