//! Deleting expired sessions in the background.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::SessionStore;
use crate::clock::Clock;

/// The shortest interval [`Sweeper::spawn`] accepts; shorter ones (zero included) are raised to
/// it. Session times are whole seconds, so sweeping more often finds nothing new.
pub const MIN_SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// Deletes expired sessions from a store at a fixed interval, until it is dropped.
///
/// Stores never return an expired session, but they keep it until
/// [`SessionStore::expire`] runs; the sweeper calls it with the clock's current time once at
/// start and then every interval. Each sweep logs how many sessions it removed (`debug`); a
/// failed sweep logs the error (`warn`) and the sweeper carries on at the next tick. A sweep that
/// takes longer than the interval delays the next one rather than causing a burst.
///
/// Dropping the sweeper aborts its task, so whoever owns it (the application) stops it by
/// dropping it.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use authroute::clock::SystemClock;
/// use authroute::session::{MemorySessionStore, SessionStore, Sweeper};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let store: Arc<dyn SessionStore> = Arc::new(MemorySessionStore::new());
/// let sweeper = Sweeper::spawn(Arc::clone(&store), Arc::new(SystemClock), Duration::from_secs(300));
/// assert_eq!(sweeper.every(), Duration::from_secs(300));
/// // ... serve requests; expired sessions are deleted every five minutes ...
/// drop(sweeper); // stops sweeping
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping the sweeper stops it at once"]
pub struct Sweeper {
    task: JoinHandle<()>,
    every: Duration,
}

impl Sweeper {
    /// Starts sweeping `store` every `every` (at least [`MIN_SWEEP_INTERVAL`]), the first time
    /// at once, with `clock` deciding what has expired.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, like [`tokio::spawn`].
    pub fn spawn(store: Arc<dyn SessionStore>, clock: Arc<dyn Clock>, every: Duration) -> Self {
        let every = every.max(MIN_SWEEP_INTERVAL);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let now = clock.now();
                match store.expire(now).await {
                    Ok(removed) => tracing::debug!(removed, now, "expired sessions swept"),
                    Err(error) => tracing::warn!(%error, "sweeping expired sessions failed"),
                }
            }
        });
        Self { task, every }
    }

    /// The interval between two sweeps.
    ///
    /// ```
    /// # use std::{sync::Arc, time::Duration};
    /// # use authroute::{clock::SystemClock, session::{MemorySessionStore, Sweeper}};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let sweeper = Sweeper::spawn(Arc::new(MemorySessionStore::new()), Arc::new(SystemClock), Duration::ZERO);
    /// assert_eq!(sweeper.every(), authroute::session::MIN_SWEEP_INTERVAL);
    /// # }
    /// ```
    pub fn every(&self) -> Duration {
        self.every
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use tokio::sync::watch;

    use super::*;
    use crate::clock::ManualClock;
    use crate::directory::BoxFuture;
    use crate::identity::Uid;
    #[cfg(feature = "sqlite")]
    use crate::session::SqliteSessionStore;
    use crate::session::{MemorySessionStore, Session, SessionError};

    const T0: i64 = 1_700_000_000;
    const EVERY: Duration = Duration::from_secs(60);

    /// Wraps a store, counting the sweeps that start and that end, and optionally failing them.
    #[derive(Debug)]
    struct Counted {
        inner: Arc<dyn SessionStore>,
        fail: bool,
        started: AtomicU64,
        finished: watch::Sender<u64>,
    }

    impl Counted {
        fn new(inner: Arc<dyn SessionStore>, fail: bool) -> Arc<Self> {
            Arc::new(Self {
                inner,
                fail,
                started: AtomicU64::new(0),
                finished: watch::Sender::new(0),
            })
        }

        fn started(&self) -> u64 {
            self.started.load(Ordering::SeqCst)
        }

        /// Waits for the `n`-th sweep to end; fails (in paused time, at once) if the sweeper does
        /// not get there within one interval.
        async fn finished(&self, n: u64) {
            let mut finished = self.finished.subscribe();
            tokio::time::timeout(EVERY / 2, finished.wait_for(|&count| count >= n))
                .await
                .unwrap_or_else(|_| panic!("sweep {n} did not happen"))
                .unwrap();
        }

        /// Whether the session is still stored, expired or not.
        async fn stored(&self, session: &Session) -> bool {
            self.inner
                .load(&session.id, i64::MIN)
                .await
                .unwrap()
                .is_some()
        }
    }

    impl SessionStore for Counted {
        fn create(
            &self,
            uid: Uid,
            now: i64,
            ttl: i64,
        ) -> BoxFuture<'_, Result<Session, SessionError>> {
            self.inner.create(uid, now, ttl)
        }

        fn load<'a>(
            &'a self,
            id: &'a str,
            now: i64,
        ) -> BoxFuture<'a, Result<Option<Session>, SessionError>> {
            self.inner.load(id, now)
        }

        fn touch<'a>(
            &'a self,
            id: &'a str,
            now: i64,
            ttl: i64,
        ) -> BoxFuture<'a, Result<bool, SessionError>> {
            self.inner.touch(id, now, ttl)
        }

        fn destroy<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionError>> {
            self.inner.destroy(id)
        }

        fn expire(&self, now: i64) -> BoxFuture<'_, Result<u64, SessionError>> {
            self.started.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                let result = if self.fail {
                    Err(SessionError::Storage("store unavailable".into()))
                } else {
                    self.inner.expire(now).await
                };
                self.finished.send_modify(|n| *n += 1);
                result
            })
        }
    }

    /// Expired sessions go at the first sweep after they expire, live ones stay, and nothing is
    /// swept once the sweeper is dropped.
    async fn sweeps_expired_sessions_until_dropped(inner: Arc<dyn SessionStore>) {
        tokio::time::pause();
        let store = Counted::new(inner, false);
        let clock = ManualClock::new(T0);
        let old = store.create(Uid(1), T0 - 100, 50).await.unwrap();
        let short = store.create(Uid(2), T0, 30).await.unwrap();
        let long = store.create(Uid(3), T0, 3_600).await.unwrap();

        let sweeper = Sweeper::spawn(store.clone(), Arc::new(clock.clone()), EVERY);
        // The first sweep runs at once.
        store.finished(1).await;
        assert!(!store.stored(&old).await);
        assert!(store.stored(&short).await && store.stored(&long).await);

        // `short` expires, but the next sweep is only due one interval later.
        clock.advance(45);
        tokio::time::advance(EVERY / 2).await;
        assert_eq!(store.started(), 1);
        assert!(store.stored(&short).await);
        tokio::time::advance(EVERY / 2).await;
        store.finished(2).await;
        assert!(!store.stored(&short).await);
        assert!(store.stored(&long).await);

        // Once dropped, no more sweeps, however much time passes.
        drop(sweeper);
        clock.advance(7_200);
        for _ in 0..10 {
            tokio::time::advance(EVERY).await;
        }
        tokio::task::yield_now().await;
        assert_eq!(store.started(), 2);
        assert!(store.stored(&long).await);
        // The aborted task has let go of the store.
        assert_eq!(Arc::strong_count(&store), 1);
    }

    #[tokio::test]
    async fn memory_store_is_swept_until_dropped() {
        sweeps_expired_sessions_until_dropped(Arc::new(MemorySessionStore::new())).await;
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_store_is_swept_until_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SqliteSessionStore::open(tmp.path().join("sessions.sqlite"))
            .await
            .unwrap();
        sweeps_expired_sessions_until_dropped(Arc::new(store)).await;
    }

    #[tokio::test]
    async fn a_failed_sweep_does_not_stop_the_sweeper() {
        tokio::time::pause();
        let store = Counted::new(Arc::new(MemorySessionStore::new()), true);
        let _sweeper = Sweeper::spawn(store.clone(), Arc::new(ManualClock::new(T0)), EVERY);
        store.finished(1).await;
        for n in 2..=4 {
            tokio::time::advance(EVERY).await;
            store.finished(n).await;
        }
    }

    #[tokio::test]
    async fn short_intervals_are_raised_to_the_minimum() {
        tokio::time::pause();
        let store = Counted::new(Arc::new(MemorySessionStore::new()), false);
        let sweeper = Sweeper::spawn(
            store.clone(),
            Arc::new(ManualClock::new(T0)),
            Duration::ZERO,
        );
        assert_eq!(sweeper.every(), MIN_SWEEP_INTERVAL);
        store.finished(1).await;
        tokio::time::advance(MIN_SWEEP_INTERVAL / 2).await;
        assert_eq!(store.started(), 1);
        tokio::time::advance(MIN_SWEEP_INTERVAL / 2).await;
        store.finished(2).await;
    }
}
