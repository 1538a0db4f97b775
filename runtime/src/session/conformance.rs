//! Behaviour every [`SessionStore`] must have, run against each implementation by its tests.

use std::collections::HashSet;
use std::sync::Arc;

use super::{SessionStore, new_session_id};
use crate::identity::Uid;

const T0: i64 = 1_700_000_000;
const HOUR: i64 = 3_600;

pub(crate) async fn create_then_load(store: &dyn SessionStore) {
    let s = store.create(Uid(2), T0, HOUR).await.unwrap();
    assert_eq!((s.uid, s.created_at, s.expires_at), (Uid(2), T0, T0 + HOUR));
    assert_eq!(store.load(&s.id, T0).await.unwrap().as_ref(), Some(&s));
    assert_eq!(
        store.load(&s.id, T0 + HOUR - 1).await.unwrap().as_ref(),
        Some(&s)
    );
    // Gone at and after `expires_at`.
    assert_eq!(store.load(&s.id, T0 + HOUR).await.unwrap(), None);
    assert_eq!(store.load(&s.id, T0 + 10 * HOUR).await.unwrap(), None);
}

pub(crate) async fn touch_extends_live_sessions_only(store: &dyn SessionStore) {
    let s = store.create(Uid(1), T0, HOUR).await.unwrap();
    assert!(store.touch(&s.id, T0 + HOUR - 1, HOUR).await.unwrap());
    let loaded = store.load(&s.id, T0 + HOUR).await.unwrap().unwrap();
    assert_eq!(
        (loaded.created_at, loaded.expires_at),
        (T0, T0 + 2 * HOUR - 1)
    );
    // Too late: expired sessions cannot be revived.
    assert!(!store.touch(&s.id, T0 + 2 * HOUR - 1, HOUR).await.unwrap());
    assert_eq!(store.load(&s.id, T0 + 2 * HOUR - 1).await.unwrap(), None);
    let unknown = new_session_id().unwrap();
    assert!(!store.touch(&unknown, T0, HOUR).await.unwrap());
}

pub(crate) async fn destroy_removes(store: &dyn SessionStore) {
    let s = store.create(Uid(1), T0, HOUR).await.unwrap();
    let other = store.create(Uid(1), T0, HOUR).await.unwrap();
    assert!(store.destroy(&s.id).await.unwrap());
    assert!(!store.destroy(&s.id).await.unwrap());
    assert_eq!(store.load(&s.id, T0).await.unwrap(), None);
    assert!(store.load(&other.id, T0).await.unwrap().is_some());
}

pub(crate) async fn expire_removes_only_expired(store: &dyn SessionStore) {
    let short = store.create(Uid(1), T0, 10).await.unwrap();
    let exact = store.create(Uid(1), T0, 20).await.unwrap();
    let long = store.create(Uid(1), T0, HOUR).await.unwrap();
    assert_eq!(store.expire(T0 + 5).await.unwrap(), 0);
    assert_eq!(store.expire(T0 + 20).await.unwrap(), 2);
    assert_eq!(store.expire(T0 + 20).await.unwrap(), 0);
    // Even a clock moved back does not bring them back.
    assert_eq!(store.load(&short.id, T0).await.unwrap(), None);
    assert_eq!(store.load(&exact.id, T0).await.unwrap(), None);
    assert!(store.load(&long.id, T0 + 20).await.unwrap().is_some());
}

pub(crate) async fn garbage_and_tampered_ids_are_unknown(store: &dyn SessionStore) {
    let s = store.create(Uid(1), T0, HOUR).await.unwrap();
    let mut tampered = s.id.clone().into_bytes();
    tampered[0] = if tampered[0] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let garbage = [
        "",
        "garbage",
        "' OR 1=1 --",
        &s.id[1..],
        &format!("{}=", s.id),
    ];
    for id in garbage.iter().copied().chain([tampered.as_str()]) {
        assert_eq!(store.load(id, T0).await.unwrap(), None, "{id:?}");
        assert!(!store.touch(id, T0, HOUR).await.unwrap(), "{id:?}");
        assert!(!store.destroy(id).await.unwrap(), "{id:?}");
    }
    assert!(store.load(&s.id, T0).await.unwrap().is_some());
}

pub(crate) async fn concurrent_creates_are_distinct(store: Arc<dyn SessionStore>) {
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.create(Uid(i), T0, HOUR).await })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        let s = task.await.unwrap().unwrap();
        assert_eq!(
            store.load(&s.id, T0).await.unwrap().map(|l| l.uid),
            Some(s.uid)
        );
        ids.insert(s.id);
    }
    assert_eq!(ids.len(), 32);
}

pub(crate) async fn debug_shows_no_session_id(store: &dyn SessionStore) {
    let s = store.create(Uid(7), T0, HOUR).await.unwrap();
    let session = format!("{s:?}");
    assert!(!session.contains(&s.id), "{session}");
    assert!(session.contains(r#"id: "[redacted]""#), "{session}");
    for field in [
        "uid: Uid(7)",
        "created_at: 1700000000",
        "expires_at: 1700003600",
    ] {
        assert!(session.contains(field), "{session}");
    }
    let loaded = store.load(&s.id, T0).await.unwrap().unwrap();
    assert!(!format!("{loaded:?}").contains(&s.id));
    let store_text = format!("{store:?}");
    assert!(!store_text.contains(&s.id), "{store_text}");
}
