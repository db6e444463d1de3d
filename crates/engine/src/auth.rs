//! Who is asking `hearth serve`: users and roles from the config, logged in with a password
//! (Argon2 hashes in the config), held as sessions in memory, with failed logins rate-limited
//! per address. Without users the engine serves loopback only, to the person at this PC.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use hearth_model::config::{Role, User};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A session lasts a shift and a half, then the user logs in again.
const SESSION_LIFE: Duration = Duration::from_secs(12 * 3600);
/// Failed logins allowed per address within [`FAILURE_WINDOW`].
const MAX_FAILURES: usize = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(300);

/// A random 128-bit secret, hex.
pub(crate) fn new_secret() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No randomness: a secret nobody can present.
        return String::new();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Compare secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// An Argon2id hash of `password` in PHC form, for `[[server.user]].password_hash`.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = argon2::password_hash::SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Who a request is from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Principal {
    pub user: String,
    pub role: Role,
    /// Presented the engine's local key: the CLI or a desktop window of this PC's user.
    pub local: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LoginRequest {
    pub name: String,
    pub password: String,
}

/// What the browser is allowed: shown by the UI, checked again by every route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionInfo {
    /// Users are configured: log in before anything else.
    pub login_required: bool,
    pub user: Option<String>,
    pub role: Option<Role>,
    /// Setpoint writes from browsers are enabled (server.allow_writes).
    pub writes_enabled: bool,
}

struct Session {
    user: String,
    role: Role,
    expires: Instant,
}

pub(crate) enum LoginError {
    TooMany { retry_after_s: u64 },
    Wrong,
}

pub(crate) struct Sessions {
    users: Vec<User>,
    /// A hash checked for unknown names, so the answer's timing does not say which names exist.
    dummy_hash: String,
    local_token: String,
    sessions: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Sessions {
    pub(crate) fn new(users: Vec<User>, local_token: String) -> Self {
        let dummy_hash = if users.is_empty() {
            String::new()
        } else {
            hash_password(&new_secret()).unwrap_or_default()
        };
        Sessions {
            users,
            dummy_hash,
            local_token,
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn login_required(&self) -> bool {
        !self.users.is_empty()
    }

    /// The principal a presented token stands for.
    pub(crate) fn principal(&self, token: Option<&str>, peer: IpAddr) -> Option<Principal> {
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            if !self.local_token.is_empty() && same_secret(t, &self.local_token) {
                return Some(Principal {
                    user: format!("local@{peer}"),
                    role: Role::Admin,
                    local: true,
                });
            }
            let mut sessions = lock(&self.sessions);
            sessions.retain(|_, s| s.expires > Instant::now());
            if let Some(s) = sessions.get(t) {
                return Some(Principal {
                    user: s.user.clone(),
                    role: s.role,
                    local: false,
                });
            }
        }
        if self.users.is_empty() {
            // Loopback only (the engine refuses any other bind without users): the person at
            // this PC, trusted as the desktop window is.
            return Some(Principal {
                user: format!("browser@{peer}"),
                role: Role::Admin,
                local: false,
            });
        }
        None
    }

    /// Check a password; a session token on success. Failures are counted per address.
    pub(crate) fn login(
        &self,
        req: &LoginRequest,
        peer: IpAddr,
    ) -> Result<(String, Principal), LoginError> {
        {
            let mut failures = lock(&self.failures);
            // Addresses whose failures are all old are forgotten.
            failures.retain(|_, q| q.back().is_some_and(|t| t.elapsed() < FAILURE_WINDOW));
            let recent = failures.entry(peer).or_default();
            while recent.front().is_some_and(|t| t.elapsed() > FAILURE_WINDOW) {
                recent.pop_front();
            }
            if recent.len() >= MAX_FAILURES {
                let oldest = recent.front().map_or(Duration::ZERO, Instant::elapsed);
                return Err(LoginError::TooMany {
                    retry_after_s: FAILURE_WINDOW.saturating_sub(oldest).as_secs().max(1),
                });
            }
        }
        let user = self.users.iter().find(|u| u.name == req.name.trim());
        let hash = user.map_or(self.dummy_hash.as_str(), |u| u.password_hash.as_str());
        let ok = password_matches(hash, &req.password) && user.is_some();
        match user.filter(|_| ok) {
            Some(u) => {
                let token = new_secret();
                lock(&self.sessions).insert(
                    token.clone(),
                    Session {
                        user: u.name.clone(),
                        role: u.role,
                        expires: Instant::now() + SESSION_LIFE,
                    },
                );
                tracing::info!(user = %u.name, %peer, "logged in");
                Ok((
                    token,
                    Principal {
                        user: u.name.clone(),
                        role: u.role,
                        local: false,
                    },
                ))
            }
            None => {
                lock(&self.failures)
                    .entry(peer)
                    .or_default()
                    .push_back(Instant::now());
                tracing::warn!(name = %req.name, %peer, "failed login");
                Err(LoginError::Wrong)
            }
        }
    }

    pub(crate) fn logout(&self, token: &str) {
        lock(&self.sessions).remove(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sessions() -> Result<Sessions, String> {
        Ok(Sessions::new(
            vec![User {
                name: "wang".into(),
                role: Role::Viewer,
                password_hash: hash_password("correct horse")?,
            }],
            "local".into(),
        ))
    }

    #[test]
    fn a_right_password_opens_a_session_with_the_users_role() -> Result<(), String> {
        let s = sessions()?;
        let peer = IpAddr::from([10, 0, 0, 7]);
        let req = LoginRequest {
            name: "wang".into(),
            password: "correct horse".into(),
        };
        let (token, p) = s.login(&req, peer).map_err(|_| "refused")?;
        assert_eq!(p.role, Role::Viewer);
        assert_eq!(
            s.principal(Some(&token), peer).map(|p| p.user),
            Some("wang".into())
        );
        s.logout(&token);
        assert_eq!(s.principal(Some(&token), peer), None);
        assert_eq!(
            s.principal(None, peer),
            None,
            "users configured: no anonymous access"
        );
        Ok(())
    }

    #[test]
    fn failed_logins_are_limited_per_address() -> Result<(), String> {
        let s = sessions()?;
        let peer = IpAddr::from([10, 0, 0, 8]);
        let wrong = LoginRequest {
            name: "wang".into(),
            password: "guess".into(),
        };
        for _ in 0..MAX_FAILURES {
            assert!(matches!(s.login(&wrong, peer), Err(LoginError::Wrong)));
        }
        let right = LoginRequest {
            name: "wang".into(),
            password: "correct horse".into(),
        };
        assert!(matches!(
            s.login(&right, peer),
            Err(LoginError::TooMany { .. })
        ));
        assert!(
            s.login(&right, IpAddr::from([10, 0, 0, 9])).is_ok(),
            "another address is not held back"
        );
        Ok(())
    }
}
