//! Application state: values registered with [`crate::AppBuilder::state`], one per type, that
//! handlers take as [`crate::State<T>`] and auth methods reach through [`crate::AuthRequest`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;

/// The registered values by type. Built once at startup, read-only afterwards.
#[derive(Default)]
pub(crate) struct StateMap {
    values: HashMap<TypeId, Entry>,
}

struct Entry {
    value: Box<dyn Any + Send + Sync>,
    type_name: &'static str,
}

impl StateMap {
    /// Registers `value`, replacing an earlier value of the same type.
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        let entry = Entry {
            value: Box::new(value),
            type_name: std::any::type_name::<T>(),
        };
        self.values.insert(TypeId::of::<T>(), entry);
    }

    /// The value of type `T`, if one was registered.
    pub(crate) fn get<T: 'static>(&self) -> Option<&T> {
        self.values
            .get(&TypeId::of::<T>())
            .and_then(|entry| entry.value.downcast_ref())
    }

    pub(crate) fn contains(&self, type_id: TypeId) -> bool {
        self.values.contains_key(&type_id)
    }
}

/// Only the type names: state may hold clients with credentials.
impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.values.values().map(|e| e.type_name).collect();
        names.sort_unstable();
        f.debug_set().entries(names).finish()
    }
}
