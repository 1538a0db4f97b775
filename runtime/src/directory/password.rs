//! Password hashing: argon2id, stored as PHC strings (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`).
//!
//! Checks on the request path ([`PasswordHasher::check_password`]) run on tokio's blocking pool
//! behind a semaphore, so a burst of logins neither stalls the async workers nor runs more
//! argon2 computations at once than there are cores.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier as _, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{DirectoryError, LoginRow};
use crate::identity::Uid;

/// Refuse to verify hashes asking for more than 1 GiB: a tampered row must not make the process
/// abort on a failed allocation.
const MAX_VERIFY_M_COST_KIB: u32 = 1024 * 1024;

/// Hashes and verifies passwords with argon2id (feature `password`, on by default and implied by
/// `sqlite`; without it a stand-in of the same name refuses every password, see the
/// [module](super) docs).
///
/// New hashes use this hasher's cost parameters; verification reads the parameters from the PHC
/// string itself, so raising the costs later does not lock out existing users.
///
/// [`hash`](Self::hash) and [`verify`](Self::verify) run on the calling thread (for seeding and
/// tools). The directories check logins with [`check_password`](Self::check_password) instead,
/// which runs on tokio's blocking pool and waits for one of a bounded number of permits
/// ([`max_concurrent_checks`](Self::max_concurrent_checks), by default one per core). Clones
/// share the permits, so directories built from clones of one hasher share one bound.
///
/// ```
/// use authroute::directory::PasswordHasher;
///
/// let hasher = PasswordHasher::fast_for_tests();
/// let phc = hasher.hash("s3cret")?;
/// assert!(phc.starts_with("$argon2id$"));
/// assert!(hasher.verify("s3cret", &phc));
/// assert!(!hasher.verify("wrong", &phc));
/// # Ok::<(), authroute::directory::DirectoryError>(())
/// ```
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// Hash checked when there is no real one (unknown login, user without password), so such
    /// attempts cost as much as a wrong password. Computed on first use, shared by clones.
    dummy: Arc<OnceLock<Option<String>>>,
    /// Permits for checks on the request path, shared by clones.
    checks: Arc<Semaphore>,
    /// How many permits `checks` was created with.
    max_checks: usize,
    /// Observes the checks that run, for the tests of the bound.
    #[cfg(test)]
    probe: Option<Arc<super::conformance::CheckProbe>>,
}

impl fmt::Debug for PasswordHasher {
    /// The costs and the bound; never the dummy hash.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("m_cost_kib", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .field("p_cost", &self.params.p_cost())
            .field("max_concurrent_checks", &self.max_checks)
            .finish_non_exhaustive()
    }
}

impl Default for PasswordHasher {
    /// Production parameters (OWASP): 19 MiB of memory, 2 passes, 1 lane; at most one concurrent
    /// check per core ([`std::thread::available_parallelism`], 1 if unknown).
    fn default() -> Self {
        Self::with_params(Params::DEFAULT)
    }
}

impl PasswordHasher {
    /// Minimal costs (8 KiB, 1 pass) so that tests run fast.
    ///
    /// **Not for production**: such hashes are cheap to brute-force. Hashes made with it still
    /// verify under any hasher, since the costs are stored in each hash.
    pub fn fast_for_tests() -> Self {
        // The minimums are valid by definition; falling back to the defaults would only be slower.
        let params = Params::new(
            Params::MIN_M_COST,
            Params::MIN_T_COST,
            Params::MIN_P_COST,
            None,
        )
        .unwrap_or_default();
        Self::with_params(params)
    }

    fn with_params(params: Params) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Self {
            params,
            dummy: Arc::new(OnceLock::new()),
            checks: Arc::new(Semaphore::new(cores)),
            max_checks: cores,
            #[cfg(test)]
            probe: None,
        }
    }

    /// At most `n` password checks ([`check_password`](Self::check_password)) run at once; the
    /// others wait their turn, in arrival order. `0` is clamped to `1` (a bound of zero would
    /// refuse every login forever).
    ///
    /// The default is the number of cores: argon2 is CPU- and memory-bound, so more concurrent
    /// checks only add memory (19 MiB each with the default costs) and latency.
    ///
    /// This gives the hasher fresh permits: call it before cloning the hasher into directories,
    /// so that they share the bound.
    ///
    /// ```
    /// use authroute::directory::{MemoryDirectory, PasswordHasher};
    ///
    /// let hasher = PasswordHasher::default().max_concurrent_checks(4);
    /// assert!(format!("{hasher:?}").contains("max_concurrent_checks: 4"));
    /// let directory = MemoryDirectory::new(hasher);
    /// # drop(directory);
    /// ```
    pub fn max_concurrent_checks(mut self, n: usize) -> Self {
        let n = n.clamp(1, Semaphore::MAX_PERMITS);
        self.checks = Arc::new(Semaphore::new(n));
        self.max_checks = n;
        self
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes `password` with a fresh 16-byte salt from the OS random number generator.
    ///
    /// Fails only if the OS RNG does.
    pub fn hash(&self, password: &str) -> Result<String, DirectoryError> {
        let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
        getrandom::fill(&mut salt).map_err(|e| DirectoryError::Hash(e.to_string()))?;
        self.hash_with_salt(password, &salt)
    }

    fn hash_with_salt(&self, password: &str, salt: &[u8]) -> Result<String, DirectoryError> {
        let salt = SaltString::encode_b64(salt).map_err(|e| DirectoryError::Hash(e.to_string()))?;
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| DirectoryError::Hash(e.to_string()))
    }

    /// Whether `password` matches the PHC string `phc`. A malformed or unsupported hash is simply
    /// `false`.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        match Params::try_from(&parsed) {
            Ok(p) if p.m_cost() <= MAX_VERIFY_M_COST_KIB => {}
            _ => return false,
        }
        // `verify_password` rebuilds argon2 from the algorithm, version and costs in `parsed`.
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    }

    /// Checks `password` against the PHC string `phc` on tokio's blocking pool, once one of the
    /// [`max_concurrent_checks`](Self::max_concurrent_checks) permits is free.
    ///
    /// With `phc` `None` (unknown login, user without a password) it verifies against a dummy
    /// hash and returns `false`, so that such attempts cost as much as a wrong password and
    /// cannot be told apart by timing. A malformed hash is `false`, as with
    /// [`verify`](Self::verify).
    ///
    /// The permit is held by the blocking task itself: if the caller stops waiting, the check
    /// still counts against the bound until it ends. Fails only outside a tokio runtime or if the
    /// check panicked.
    ///
    /// ```
    /// use authroute::directory::PasswordHasher;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), authroute::directory::DirectoryError> {
    /// let hasher = PasswordHasher::fast_for_tests().max_concurrent_checks(2);
    /// let phc = hasher.hash("s3cret")?;
    /// assert!(hasher.check_password("s3cret", Some(&phc)).await?);
    /// assert!(!hasher.check_password("wrong", Some(&phc)).await?);
    /// assert!(!hasher.check_password("s3cret", None).await?);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn check_password(
        &self,
        password: &str,
        phc: Option<&str>,
    ) -> Result<bool, DirectoryError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| {
            DirectoryError::Hash("password checks must run inside a tokio runtime".to_owned())
        })?;
        // The semaphore is never closed, so this only fails if that changes.
        let permit = Arc::clone(&self.checks)
            .acquire_owned()
            .await
            .map_err(|e| DirectoryError::Hash(e.to_string()))?;
        let hasher = self.clone();
        let (password, phc) = (password.to_owned(), phc.map(str::to_owned));
        handle
            .spawn_blocking(move || {
                let _permit = permit;
                hasher.observed(|| match &phc {
                    Some(phc) => hasher.verify(&password, phc),
                    None => {
                        hasher.verify_dummy(&password);
                        false
                    }
                })
            })
            .await
            .map_err(|e| DirectoryError::Hash(format!("password check failed: {e}")))
    }

    #[cfg(not(test))]
    fn observed<T>(&self, check: impl FnOnce() -> T) -> T {
        check()
    }

    #[cfg(test)]
    fn observed<T>(&self, check: impl FnOnce() -> T) -> T {
        match &self.probe {
            Some(probe) => probe.run(check),
            None => check(),
        }
    }

    /// Reports every check to `probe` (tests only).
    #[cfg(test)]
    pub(crate) fn with_probe(mut self, probe: Arc<super::conformance::CheckProbe>) -> Self {
        self.probe = Some(probe);
        self
    }

    /// Burns the time of one verification, for attempts that have no real hash to check.
    fn verify_dummy(&self, password: &str) {
        let dummy = self.dummy.get_or_init(|| {
            // A fixed salt is fine: nothing can ever log in with this hash.
            self.hash_with_salt("authroute dummy password", &[0x5a; 16])
                .ok()
        });
        if let Some(phc) = dummy {
            let _ = self.verify(password, phc);
        }
    }

    /// The login decision shared by every directory, at constant cost: exactly one argon2
    /// verification whatever the outcome, run by [`check_password`](Self::check_password).
    pub(crate) async fn check_login(
        &self,
        password: &str,
        found: Option<LoginRow>,
    ) -> Result<Option<Uid>, DirectoryError> {
        let (phc, login) = match &found {
            Some(row) => (row.password_hash.as_deref(), Some((row.uid, row.active))),
            None => (None, None),
        };
        let matches = self.check_password(password, phc).await?;
        Ok(login.and_then(|(uid, active)| (matches && active).then_some(uid)))
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future as _;
    use std::time::Duration;

    use super::super::conformance::CheckProbe;
    use super::*;

    #[test]
    fn hash_then_verify() {
        let hasher = PasswordHasher::fast_for_tests();
        let phc = hasher.hash("admin").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{phc}");
        assert!(hasher.verify("admin", &phc));
        assert!(!hasher.verify("Admin", &phc));
        assert!(!hasher.verify("", &phc));
    }

    #[test]
    fn salts_differ() {
        let hasher = PasswordHasher::fast_for_tests();
        assert_ne!(hasher.hash("same").unwrap(), hasher.hash("same").unwrap());
    }

    #[test]
    fn production_parameters_are_owasp() {
        let hasher = PasswordHasher::default();
        assert_eq!(
            (
                hasher.params.m_cost(),
                hasher.params.t_cost(),
                hasher.params.p_cost()
            ),
            (19_456, 2, 1)
        );
    }

    #[test]
    fn verification_uses_the_costs_in_the_hash() {
        let fast = PasswordHasher::fast_for_tests().hash("pw").unwrap();
        // A hasher with other costs still verifies it.
        assert!(PasswordHasher::default().verify("pw", &fast));
    }

    #[test]
    fn malformed_hashes_are_false() {
        let hasher = PasswordHasher::fast_for_tests();
        for bad in [
            "",
            "plain",
            "$argon2id$",
            "$argon2id$v=19$m=8,t=1,p=1$",
            "$bcrypt$whatever",
            // Absurd memory cost: refused rather than allocated.
            "$argon2id$v=19$m=4294967295,t=1,p=1$WlpaWlpaWlpaWlpaWlpaWg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(!hasher.verify("pw", bad), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn check_login_outcomes() {
        let hasher = PasswordHasher::fast_for_tests();
        let phc = hasher.hash("pw").unwrap();
        let row = |hash: Option<&str>, active| {
            Some(LoginRow {
                uid: Uid(5),
                password_hash: hash.map(str::to_owned),
                active,
            })
        };
        let check = async |password, found| hasher.check_login(password, found).await.unwrap();
        assert_eq!(check("pw", row(Some(&phc), true)).await, Some(Uid(5)));
        assert_eq!(check("no", row(Some(&phc), true)).await, None);
        assert_eq!(check("pw", row(Some(&phc), false)).await, None);
        assert_eq!(check("pw", row(None, true)).await, None);
        assert_eq!(check("pw", None).await, None);
        assert!(hasher.dummy.get().is_some_and(Option::is_some));
    }

    #[tokio::test]
    async fn check_password_outcomes() {
        let hasher = PasswordHasher::fast_for_tests();
        let phc = hasher.hash("pw").unwrap();
        assert!(hasher.check_password("pw", Some(&phc)).await.unwrap());
        assert!(!hasher.check_password("PW", Some(&phc)).await.unwrap());
        assert!(!hasher.check_password("pw", Some("garbage")).await.unwrap());
        assert!(!hasher.check_password("pw", None).await.unwrap());
    }

    #[test]
    fn check_password_outside_a_runtime_is_an_error() {
        let hasher = PasswordHasher::fast_for_tests();
        let fut = hasher.check_password("pw", None);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(fut).poll(&mut cx) {
            std::task::Poll::Ready(Err(DirectoryError::Hash(e))) => {
                assert!(e.contains("tokio runtime"), "{e}")
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn the_bound_defaults_to_the_cores_and_is_at_least_one() {
        let cores = std::thread::available_parallelism().unwrap().get();
        for hasher in [PasswordHasher::default(), PasswordHasher::fast_for_tests()] {
            assert_eq!(hasher.max_checks, cores);
            assert_eq!(hasher.checks.available_permits(), cores);
        }
        let zero = PasswordHasher::fast_for_tests().max_concurrent_checks(0);
        assert_eq!((zero.max_checks, zero.checks.available_permits()), (1, 1));
        let three = PasswordHasher::fast_for_tests().max_concurrent_checks(3);
        assert_eq!(three.checks.available_permits(), 3);
        let huge = PasswordHasher::fast_for_tests().max_concurrent_checks(usize::MAX);
        assert_eq!(huge.max_checks, Semaphore::MAX_PERMITS);
    }

    #[tokio::test]
    async fn clones_share_the_bound() {
        let probe = CheckProbe::new(2, 3, Duration::from_millis(200));
        let hasher = PasswordHasher::fast_for_tests()
            .max_concurrent_checks(1)
            .with_probe(Arc::clone(&probe));
        let phc = hasher.hash("pw").unwrap();
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let (hasher, phc) = (hasher.clone(), phc.clone());
                tokio::spawn(async move { hasher.check_password("pw", Some(&phc)).await })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().unwrap());
        }
        assert_eq!((probe.finished(), probe.max_in_flight()), (3, 1));
    }

    #[test]
    fn debug_shows_costs_and_bound_but_no_hash() {
        let hasher = PasswordHasher::fast_for_tests().max_concurrent_checks(2);
        hasher.verify_dummy("pw");
        let dummy = hasher.dummy.get().cloned().flatten().unwrap();
        let text = format!("{hasher:?}");
        assert!(text.contains("max_concurrent_checks: 2"), "{text}");
        assert!(text.contains("m_cost_kib: 8"), "{text}");
        assert!(!text.contains("argon2") && !text.contains(&dummy), "{text}");
        let row = LoginRow {
            uid: Uid(1),
            password_hash: Some(dummy.clone()),
            active: true,
        };
        let text = format!("{row:?}");
        assert!(
            !text.contains(&dummy) && text.contains("[redacted]"),
            "{text}"
        );
    }
}
