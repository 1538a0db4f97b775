//! Default stores for applications that configure none: in memory, empty.

use std::sync::Arc;

use crate::directory::{Directory, MemoryDirectory, PasswordHasher};
use crate::session::{MemorySessionStore, SessionStore};

pub(crate) fn directory() -> Arc<dyn Directory> {
    Arc::new(MemoryDirectory::new(PasswordHasher::default()))
}

pub(crate) fn sessions() -> Arc<dyn SessionStore> {
    Arc::new(MemorySessionStore::new())
}
