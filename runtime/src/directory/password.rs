//! Password hashing: argon2id, stored as PHC strings (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`).

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier as _, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use super::DirectoryError;
use crate::identity::Uid;

/// Refuse to verify hashes asking for more than 1 GiB: a tampered row must not make the process
/// abort on a failed allocation.
const MAX_VERIFY_M_COST_KIB: u32 = 1024 * 1024;

/// Hashes and verifies passwords with argon2id.
///
/// New hashes use this hasher's cost parameters; verification reads the parameters from the PHC
/// string itself, so raising the costs later does not lock out existing users.
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
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    params: Params,
    /// Hash checked when there is no real one (unknown login, user without password), so such
    /// attempts cost as much as a wrong password. Computed on first use, shared by clones.
    dummy: Arc<OnceLock<Option<String>>>,
}

impl Default for PasswordHasher {
    /// Production parameters (OWASP): 19 MiB of memory, 2 passes, 1 lane.
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
        Self {
            params,
            dummy: Arc::new(OnceLock::new()),
        }
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
    /// verification whatever the outcome.
    pub(crate) fn check_login(&self, password: &str, found: Option<LoginRow>) -> Option<Uid> {
        match found {
            Some(LoginRow {
                uid,
                password_hash: Some(phc),
                active,
            }) => (self.verify(password, &phc) && active).then_some(uid),
            _ => {
                self.verify_dummy(password);
                None
            }
        }
    }
}

/// What a directory knows about a login before checking the password.
#[derive(Debug)]
pub(crate) struct LoginRow {
    pub(crate) uid: Uid,
    pub(crate) password_hash: Option<String>,
    pub(crate) active: bool,
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn check_login_outcomes() {
        let hasher = PasswordHasher::fast_for_tests();
        let phc = hasher.hash("pw").unwrap();
        let row = |hash: Option<&str>, active| {
            Some(LoginRow {
                uid: Uid(5),
                password_hash: hash.map(str::to_owned),
                active,
            })
        };
        assert_eq!(
            hasher.check_login("pw", row(Some(&phc), true)),
            Some(Uid(5))
        );
        assert_eq!(hasher.check_login("no", row(Some(&phc), true)), None);
        assert_eq!(hasher.check_login("pw", row(Some(&phc), false)), None);
        assert_eq!(hasher.check_login("pw", row(None, true)), None);
        assert_eq!(hasher.check_login("pw", None), None);
        assert!(hasher.dummy.get().is_some_and(Option::is_some));
    }
}
