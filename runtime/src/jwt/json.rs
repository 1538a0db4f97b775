//! Serde building blocks for the scanners: member names, duplicate detection, and value seeds
//! that report a wrong JSON type instead of failing.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A member name, borrowed from the input when it has no escape.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// How many names are compared linearly before switching to a hash set.
pub(crate) const INLINE_KEYS: usize = 16;

/// The member names seen so far, for duplicate detection. The names a scanner knows are tracked
/// by the scanner itself (one flag each); this holds the others: a small inline array of
/// borrowed names (no allocation for ordinary tokens), escaped names in a vector, and past
/// [`INLINE_KEYS`] names a SipHash set, so hostile objects with many members stay linear.
pub(crate) struct SeenKeys<'de> {
    inline: [&'de str; INLINE_KEYS],
    len: usize,
    escaped: Vec<String>,
    spill: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> SeenKeys<'de> {
    pub(crate) fn new() -> Self {
        Self {
            inline: [""; INLINE_KEYS],
            len: 0,
            escaped: Vec::new(),
            spill: None,
        }
    }

    /// Records `key`; false when it was already there.
    pub(crate) fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if let Some(set) = &mut self.spill {
            return set.insert(key);
        }
        let name: &str = &key;
        if self.inline[..self.len].contains(&name) || self.escaped.iter().any(|e| e == name) {
            return false;
        }
        if self.len + self.escaped.len() < INLINE_KEYS {
            match key {
                Cow::Borrowed(name) => {
                    self.inline[self.len] = name;
                    self.len += 1;
                }
                Cow::Owned(name) => self.escaped.push(name),
            }
            return true;
        }
        let mut set: HashSet<Cow<'de, str>> = self.inline[..self.len]
            .iter()
            .map(|n| Cow::Borrowed(*n))
            .collect();
        set.extend(self.escaped.drain(..).map(Cow::Owned));
        set.insert(key);
        self.spill = Some(set);
        true
    }
}

/// One flag per known member name, for duplicate detection without comparisons.
#[derive(Default)]
pub(crate) struct KnownSeen(u16);

impl KnownSeen {
    /// Records known member number `bit`; false when it was already there.
    pub(crate) fn insert(&mut self, bit: u8) -> bool {
        let mask = 1u16 << bit;
        let fresh = self.0 & mask == 0;
        self.0 |= mask;
        fresh
    }
}

// ---------------------------------------------------------------------------------------------
// Values.

/// Skips one JSON value without building anything, but through `deserialize_any`, so that
/// serde_json's recursion limit (128) and its string checks (lone surrogates) apply exactly as
/// when the handler later deserializes the claims (`IgnoredAny` would skip without either).
pub(crate) struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        drain_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        drain_map(map)
    }
}

/// Drains a sequence without building anything.
pub(crate) fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element_seed(Skip)?.is_some() {}
    Ok(())
}

/// Drains a map without building anything.
pub(crate) fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_key_seed(Skip)?.is_some() {
        map.next_value_seed(Skip)?;
    }
    Ok(())
}

/// Implements the visitor methods that mean "wrong JSON type" by returning `$none`.
macro_rules! wrong_type_visits {
    ($none:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            drain_seq(seq).map(|()| $none)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            drain_map(map).map(|()| $none)
        }
    };
}

/// A JSON string, borrowed when it has no escape; `None` for any other JSON type.
pub(crate) struct StrValue;

impl<'de> DeserializeSeed<'de> for StrValue {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrValue {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v)))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    wrong_type_visits!(None);
}

/// The JSON type of a value, its content skipped: enough to check a member's registered type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    String,
    Object,
    /// An array whose elements are all strings (the empty array included).
    StringArray,
    Other,
}

pub(crate) struct ShapeOf;

impl<'de> DeserializeSeed<'de> for ShapeOf {
    type Value = Shape;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeOf {
    type Value = Shape;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::String)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut all_strings = true;
        while let Some(element) = seq.next_element_seed(ShapeOf)? {
            all_strings &= element == Shape::String;
        }
        Ok(if all_strings {
            Shape::StringArray
        } else {
            Shape::Other
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shape, A::Error> {
        drain_map(map).map(|()| Shape::Object)
    }
}

/// A JSON integer that fits an `i64`; `None` for any other JSON type, for numbers written with a
/// fraction or an exponent (`1.0`, `1e9`) and for integers out of the `i64` range.
pub(crate) struct IntValue;

impl<'de> DeserializeSeed<'de> for IntValue {
    type Value = Option<i64>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IntValue {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).ok())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    wrong_type_visits!(None);
}

/// What an `aud` claim says about the policy's audience list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aud {
    /// The token has no `aud`.
    Missing,
    /// At least one audience of the token is in the policy's list.
    Match,
    /// None is.
    NoMatch,
}

/// An `aud` value checked against the accepted audiences as it is read.
pub(crate) struct AudValue<'a> {
    pub(crate) accepted: &'a [String],
}

pub(crate) enum AudRead {
    Checked(Aud),
    WrongType,
    Empty,
}

impl<'de> DeserializeSeed<'de> for AudValue<'_> {
    type Value = AudRead;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl AudValue<'_> {
    fn check(&self, aud: &str) -> bool {
        self.accepted.iter().any(|accepted| accepted == aud)
    }
}

impl<'de> Visitor<'de> for AudValue<'_> {
    type Value = AudRead;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(AudRead::Checked(if self.check(v) {
            Aud::Match
        } else {
            Aud::NoMatch
        }))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(AudRead::WrongType)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(AudRead::WrongType)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(AudRead::WrongType)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(AudRead::WrongType)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AudRead::WrongType)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AudRead::WrongType)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|()| AudRead::WrongType)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut count = 0usize;
        let mut matched = false;
        let mut wrong_type = false;
        while let Some(item) = seq.next_element_seed(StrValue)? {
            count += 1;
            match item {
                Some(aud) => matched = matched || self.check(&aud),
                None => wrong_type = true,
            }
        }
        Ok(if wrong_type {
            AudRead::WrongType
        } else if count == 0 {
            AudRead::Empty
        } else if matched {
            AudRead::Checked(Aud::Match)
        } else {
            AudRead::Checked(Aud::NoMatch)
        })
    }
}
