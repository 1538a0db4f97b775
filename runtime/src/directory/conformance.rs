//! Behaviour every shipped [`Directory`] must have on the request path, run against each
//! implementation by its tests, and [`CheckProbe`], which makes password checks observable.

use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use super::{Directory, PasswordHasher};
use crate::identity::Uid;

/// Watches the password checks of a hasher ([`PasswordHasher::with_probe`]): how many run at
/// once, at most, and in total.
///
/// A check that starts waits, on its blocking thread, until `company` checks are in flight
/// together, until the last of the `expected` checks has started, until the probe is
/// [opened](Self::open), or until `patience` runs out. So a check stays in flight long enough
/// for any other check that is allowed to start to overlap with it, and a test can assert on what
/// was seen, never on how long something took.
#[derive(Debug)]
pub(crate) struct CheckProbe {
    state: Mutex<ProbeState>,
    changed: Condvar,
    company: usize,
    expected: usize,
    patience: Duration,
    started: watch::Sender<usize>,
}

#[derive(Debug, Default)]
struct ProbeState {
    started: usize,
    in_flight: usize,
    max_in_flight: usize,
    finished: usize,
    open: bool,
}

impl CheckProbe {
    pub(crate) fn new(company: usize, expected: usize, patience: Duration) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::default(),
            changed: Condvar::new(),
            company,
            expected,
            patience,
            started: watch::Sender::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ProbeState> {
        self.state.lock().unwrap()
    }

    /// Runs one check under observation (on the blocking thread that runs it).
    pub(crate) fn run<T>(&self, check: impl FnOnce() -> T) -> T {
        let mut state = self.lock();
        state.started += 1;
        state.in_flight += 1;
        state.max_in_flight = state.max_in_flight.max(state.in_flight);
        self.changed.notify_all();
        self.started.send_modify(|n| *n += 1);
        let (state, _) = self
            .changed
            .wait_timeout_while(state, self.patience, |s| {
                !s.open && s.in_flight < self.company && s.started < self.expected
            })
            .unwrap();
        drop(state);
        let out = check();
        let mut state = self.lock();
        state.in_flight -= 1;
        state.finished += 1;
        self.changed.notify_all();
        out
    }

    /// Lets every waiting and future check go on at once.
    pub(crate) fn open(&self) {
        self.lock().open = true;
        self.changed.notify_all();
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    pub(crate) fn max_in_flight(&self) -> usize {
        self.lock().max_in_flight
    }

    pub(crate) fn finished(&self) -> usize {
        self.lock().finished
    }

    /// Waits, without blocking the runtime, until `n` checks have started.
    pub(crate) async fn started(&self, n: usize) {
        let mut started = self.started.subscribe();
        started.wait_for(|&count| count >= n).await.unwrap();
    }
}

/// Every test directory holds login `demo` / password `demo` as this user.
pub(crate) const DEMO: Uid = Uid(1);

/// Logins to try at once: right, wrong, unknown and right again; each costs one check.
const ATTEMPTS: [(&str, &str, Option<Uid>); 4] = [
    ("demo", "demo", Some(DEMO)),
    ("demo", "nope", None),
    ("nobody", "demo", None),
    ("demo", "demo", Some(DEMO)),
];

async fn authenticate_all(dir: &Arc<dyn Directory>) {
    let tasks: Vec<_> = ATTEMPTS
        .iter()
        .map(|&(login, password, expected)| {
            let dir = Arc::clone(dir);
            let task = tokio::spawn(async move { dir.authenticate(login, password).await });
            (task, expected)
        })
        .collect();
    for (task, expected) in tasks {
        assert_eq!(task.await.unwrap().unwrap(), expected);
    }
}

/// With a bound of one, concurrent logins never check two passwords at once. Each check waits a
/// moment for company, so a missing bound would be seen overlapping.
pub(crate) async fn checks_never_exceed_the_bound<F, Fut>(make: F)
where
    F: FnOnce(PasswordHasher) -> Fut,
    Fut: Future<Output = Arc<dyn Directory>>,
{
    let probe = CheckProbe::new(2, ATTEMPTS.len(), Duration::from_millis(200));
    let hasher = PasswordHasher::fast_for_tests()
        .max_concurrent_checks(1)
        .with_probe(Arc::clone(&probe));
    let dir = make(hasher).await;
    authenticate_all(&dir).await;
    assert_eq!(probe.finished(), ATTEMPTS.len());
    assert_eq!(probe.max_in_flight(), 1);
}

/// The other side of the bound: up to it, checks do run together (so the probe can see overlap
/// and the test above means something).
pub(crate) async fn checks_run_up_to_the_bound<F, Fut>(make: F)
where
    F: FnOnce(PasswordHasher) -> Fut,
    Fut: Future<Output = Arc<dyn Directory>>,
{
    // Patience only ends the wait if the bound wrongly kept the second check out.
    let probe = CheckProbe::new(2, ATTEMPTS.len(), Duration::from_secs(10));
    let hasher = PasswordHasher::fast_for_tests()
        .max_concurrent_checks(2)
        .with_probe(Arc::clone(&probe));
    let dir = make(hasher).await;
    authenticate_all(&dir).await;
    assert_eq!(probe.finished(), ATTEMPTS.len());
    assert_eq!(probe.max_in_flight(), 2);
}

/// While a password check runs, the async runtime runs other tasks. Must be called on a
/// current-thread runtime: a check run inline would hold its only thread until the probe's
/// patience ran out, and be over before the other task ran.
pub(crate) async fn runtime_stays_responsive<F, Fut>(make: F)
where
    F: FnOnce(PasswordHasher) -> Fut,
    Fut: Future<Output = Arc<dyn Directory>>,
{
    let probe = CheckProbe::new(usize::MAX, usize::MAX, Duration::from_secs(10));
    let hasher = PasswordHasher::fast_for_tests().with_probe(Arc::clone(&probe));
    let dir = make(hasher).await;
    let login = {
        let dir = Arc::clone(&dir);
        tokio::spawn(async move { dir.authenticate("demo", "demo").await })
    };
    probe.started(1).await;
    let other = tokio::spawn(async {
        tokio::task::yield_now().await;
        "ran"
    });
    assert_eq!(other.await.unwrap(), "ran");
    assert_eq!(probe.in_flight(), 1, "the check should still be running");
    assert!(!login.is_finished());
    probe.open();
    assert_eq!(login.await.unwrap().unwrap(), Some(DEMO));
}
