//! Default stores for applications that configure none.
//! (Placeholder until the directory and session stores land.)

use std::sync::Arc;

use crate::directory::{BoxFuture, Directory, DirectoryError, Partner, User};
use crate::identity::{PartnerId, Uid};
use crate::session::{Session, SessionError, SessionStore};

pub(crate) fn directory() -> Arc<dyn Directory> {
    Arc::new(Empty)
}

pub(crate) fn sessions() -> Arc<dyn SessionStore> {
    Arc::new(Empty)
}

#[derive(Debug)]
struct Empty;

impl Directory for Empty {
    fn authenticate<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Option<Uid>, DirectoryError>> {
        Box::pin(async { Ok(None) })
    }
    fn user(&self, uid: Uid) -> BoxFuture<'_, Result<Option<User>, DirectoryError>> {
        Box::pin(async move {
            Ok(Some(User {
                id: uid,
                login: None,
                name: "x".into(),
                active: true,
                partner_id: None,
            }))
        })
    }
    fn partner(&self, _: PartnerId) -> BoxFuture<'_, Result<Option<Partner>, DirectoryError>> {
        Box::pin(async { Ok(None) })
    }
    fn partners_by_email<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Partner>, DirectoryError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

impl SessionStore for Empty {
    fn create(&self, uid: Uid, now: i64, ttl: i64) -> BoxFuture<'_, Result<Session, SessionError>> {
        Box::pin(async move {
            Ok(Session {
                id: "x".into(),
                uid,
                created_at: now,
                expires_at: now + ttl,
            })
        })
    }
    fn load<'a>(
        &'a self,
        _: &'a str,
        _: i64,
    ) -> BoxFuture<'a, Result<Option<Session>, SessionError>> {
        Box::pin(async { Ok(None) })
    }
    fn touch<'a>(
        &'a self,
        _: &'a str,
        _: i64,
        _: i64,
    ) -> BoxFuture<'a, Result<bool, SessionError>> {
        Box::pin(async { Ok(false) })
    }
    fn destroy<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<bool, SessionError>> {
        Box::pin(async { Ok(false) })
    }
    fn expire(&self, _: i64) -> BoxFuture<'_, Result<u64, SessionError>> {
        Box::pin(async { Ok(0) })
    }
}
