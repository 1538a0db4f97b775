//! An in-memory session store: sessions are lost on restart.

use std::collections::HashMap;
use std::fmt;
use std::future::ready;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{
    BoxFuture, Session, SessionError, SessionStore, is_well_formed_session_id, new_session_id,
};
use crate::identity::Uid;

/// Sessions in a `HashMap` behind a mutex; every future it returns is ready at once.
///
/// ```
/// use authroute::session::{MemorySessionStore, SessionStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), authroute::session::SessionError> {
/// let store = MemorySessionStore::new();
/// let session = store.create(authroute::Uid(2), 1_000, 3_600).await?;
/// assert_eq!(store.load(&session.id, 1_001).await?, Some(session.clone()));
/// assert_eq!(store.load(&session.id, 4_600).await?, None); // expired
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct MemorySessionStore {
    sessions: Mutex<HashMap<String, Session>>,
}

impl fmt::Debug for MemorySessionStore {
    /// How many sessions are stored; never their ids.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemorySessionStore")
            .field("sessions", &self.len())
            .finish()
    }
}

impl MemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    // Every write is a single map operation, so a poisoned lock still guards consistent data.
    fn map(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Number of stored sessions, expired ones included until [`SessionStore::expire`] runs.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Whether no session is stored.
    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }

    fn create_now(&self, uid: Uid, now: i64, ttl: i64) -> Result<Session, SessionError> {
        let session = Session {
            id: new_session_id()?,
            uid,
            created_at: now,
            expires_at: now.saturating_add(ttl),
        };
        self.map().insert(session.id.clone(), session.clone());
        Ok(session)
    }
}

impl SessionStore for MemorySessionStore {
    fn create(&self, uid: Uid, now: i64, ttl: i64) -> BoxFuture<'_, Result<Session, SessionError>> {
        Box::pin(ready(self.create_now(uid, now, ttl)))
    }

    fn load<'a>(
        &'a self,
        id: &'a str,
        now: i64,
    ) -> BoxFuture<'a, Result<Option<Session>, SessionError>> {
        let found = is_well_formed_session_id(id)
            .then(|| self.map().get(id).filter(|s| now < s.expires_at).cloned())
            .flatten();
        Box::pin(ready(Ok(found)))
    }

    fn touch<'a>(
        &'a self,
        id: &'a str,
        now: i64,
        ttl: i64,
    ) -> BoxFuture<'a, Result<bool, SessionError>> {
        let touched = is_well_formed_session_id(id)
            && match self.map().get_mut(id) {
                Some(s) if now < s.expires_at => {
                    s.expires_at = now.saturating_add(ttl);
                    true
                }
                _ => false,
            };
        Box::pin(ready(Ok(touched)))
    }

    fn destroy<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionError>> {
        let removed = is_well_formed_session_id(id) && self.map().remove(id).is_some();
        Box::pin(ready(Ok(removed)))
    }

    fn expire(&self, now: i64) -> BoxFuture<'_, Result<u64, SessionError>> {
        let mut map = self.map();
        let before = map.len();
        map.retain(|_, s| now < s.expires_at);
        let removed = (before - map.len()) as u64;
        Box::pin(ready(Ok(removed)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::session::conformance;

    #[tokio::test]
    async fn create_then_load() {
        conformance::create_then_load(&MemorySessionStore::new()).await;
    }

    #[tokio::test]
    async fn touch_extends_live_sessions_only() {
        conformance::touch_extends_live_sessions_only(&MemorySessionStore::new()).await;
    }

    #[tokio::test]
    async fn destroy_removes() {
        conformance::destroy_removes(&MemorySessionStore::new()).await;
    }

    #[tokio::test]
    async fn expire_removes_only_expired() {
        let store = MemorySessionStore::new();
        conformance::expire_removes_only_expired(&store).await;
        assert_eq!(store.len(), 1);
    }

    #[tokio::test]
    async fn garbage_and_tampered_ids_are_unknown() {
        conformance::garbage_and_tampered_ids_are_unknown(&MemorySessionStore::new()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_creates_are_distinct() {
        conformance::concurrent_creates_are_distinct(Arc::new(MemorySessionStore::new())).await;
    }

    #[tokio::test]
    async fn debug_shows_no_session_id() {
        conformance::debug_shows_no_session_id(&MemorySessionStore::new()).await;
    }

    #[tokio::test]
    async fn huge_ttl_saturates() {
        let store = MemorySessionStore::new();
        let s = store.create(Uid(1), 10, i64::MAX).await.unwrap();
        assert_eq!(s.expires_at, i64::MAX);
    }
}
