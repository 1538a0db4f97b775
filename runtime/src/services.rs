//! What the per-request code shares: the stores, the clock, the settings and the application
//! state. Built once by [`crate::AppBuilder::build`]; auth families see narrow views of it.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::directory::Directory;
use crate::identity::Uid;
use crate::render::Renderer;
use crate::session::{SessionStore, Sweeper};
use crate::state::StateMap;

/// What auth methods may use: stores, clock, the session lifetime, the public user, state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthEnv<'a> {
    pub sessions: &'a dyn SessionStore,
    pub directory: &'a dyn Directory,
    pub clock: &'a dyn Clock,
    /// Session lifetime in seconds.
    pub session_ttl: i64,
    pub public_uid: Uid,
    pub state: &'a StateMap,
}

/// The application's shared services.
#[derive(Debug)]
pub(crate) struct Services {
    pub directory: Arc<dyn Directory>,
    pub sessions: Arc<dyn SessionStore>,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub state: StateMap,
    /// Renders the framework's error bodies.
    pub renderer: Renderer,
    /// Deletes expired sessions until the last clone of the application is dropped.
    pub _sweeper: Sweeper,
}

impl Services {
    /// The view auth methods get.
    pub(crate) fn auth_env(&self) -> AuthEnv<'_> {
        AuthEnv {
            sessions: &*self.sessions,
            directory: &*self.directory,
            clock: &*self.clock,
            session_ttl: self.config.session_ttl_secs(),
            // Startup checks guarantee a public uid wherever `public` is used.
            public_uid: self.config.public_uid.unwrap_or(Uid(0)),
            state: &self.state,
        }
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }
}
