//! Reading a token's claims at a dotted path without building the claims document: a serde
//! walk that skips every member off the path, then reads the grants (the words of a string or
//! the strings of an array) or a single string there. A grant check runs on every request of a scoped route, so it must
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
    at(claims, path, GrantsLeaf).unwrap_or_default()
}

/// The string at `path` in the JSON object `claims` (what `user: claim("email")` matches),
/// `None` when it is missing or not a string.
pub(crate) fn string_at(claims: &str, path: &str) -> Option<String> {
    at(claims, path, StringLeaf).ok().flatten()
}

/// Walks `path` into `claims` and reads the value there with `leaf`; the default value when
/// the path is missing or runs through a non-object.
fn at<'de, L>(claims: &'de str, path: &str, leaf: L) -> Result<L::Value, serde_json::Error>
where
    L: Visitor<'de> + Copy,
    L::Value: Default,
{
    let mut de = serde_json::Deserializer::from_str(claims);
    At(Some(path), leaf).deserialize(&mut de)
}

/// The rest of the path to walk (`None`: here is the value), and how to read it.
struct At<'p, L>(Option<&'p str>, L);

impl<'de, L> DeserializeSeed<'de> for At<'_, L>
where
    L: Visitor<'de> + Copy,
    L::Value: Default,
{
    type Value = L::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<L::Value, D::Error> {
        match self.0 {
            Some(path) => de.deserialize_any(Walk(path, self.1)),
            None => de.deserialize_any(self.1),
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

/// Inside an object on the path: follow the segment's member, skip the others; anything but
/// an object holds nothing.
struct Walk<'p, L>(&'p str, L);

impl<'de, L> Visitor<'de> for Walk<'_, L>
where
    L: Visitor<'de> + Copy,
    L::Value: Default,
{
    type Value = L::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<L::Value, A::Error> {
        let (segment, rest) = match self.0.split_once('.') {
            Some((segment, rest)) => (segment, Some(rest)),
            None => (self.0, None),
        };
        let mut found = L::Value::default();
        while let Some(matches) = map.next_key_seed(KeyIs(segment))? {
            if matches {
                found = map.next_value_seed(At(rest, self.1))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<L::Value, A::Error> {
        skip_seq(seq)
    }

    fn visit_str<E>(self, _: &str) -> Result<L::Value, E> {
        Ok(L::Value::default())
    }

    scalars_are!(L::Value::default());
}

/// At the end of the path: a string's words or an array's strings.
#[derive(Clone, Copy)]
struct GrantsLeaf;

impl<'de> Visitor<'de> for GrantsLeaf {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Vec<String>, E> {
        Ok(text.split_ascii_whitespace().map(String::from).collect())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut names = Vec::new();
        while let Some(item) = seq.next_element_seed(At(None, StringLeaf))? {
            names.extend(item);
        }
        Ok(names)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<String>, A::Error> {
        skip_map(map)
    }

    scalars_are!(Vec::new());
}

/// A string, kept; any other value, skipped.
#[derive(Clone, Copy)]
struct StringLeaf;

impl<'de> Visitor<'de> for StringLeaf {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Option<String>, E> {
        Ok(Some(text.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<String>, A::Error> {
        skip_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<String>, A::Error> {
        skip_map(map)
    }

    scalars_are!(None);
}

fn skip_seq<'de, A: SeqAccess<'de>, T: Default>(mut seq: A) -> Result<T, A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(T::default())
}

fn skip_map<'de, A: MapAccess<'de>, T: Default>(mut map: A) -> Result<T, A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(T::default())
}

#[cfg(test)]
mod tests {
    use super::{read, string_at};

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
            if !path.contains('.') {
                let string = serde_json::from_str::<serde_json::Value>(claims)
                    .ok()
                    .and_then(|v| v.get(path)?.as_str().map(String::from));
                assert_eq!(string_at(claims, path), string, "{claims} at {path}");
            }
        }
    }
}
