//! Who may change the plant, and how: the write policy of every writable tag (`[writes.TAG]`),
//! and the users and roles of `hearth serve` (`[[server.user]]`). Hearth is read-only unless
//! both the device and the tag are made writable here.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::types::{RegisterKind, Tag};
use crate::TagId;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWritePolicy {
    /// Lowest and highest value Hearth will ever send, in engineering units.
    pub min: f64,
    pub max: f64,
    /// Largest change from the current value in one write.
    pub max_step: f64,
    /// Seconds that must pass after a write to this tag before the next.
    #[serde(default = "default_min_interval")]
    pub min_interval_s: f64,
    /// A tag of the same device that must read true (non-zero) for a write to be sent, such as
    /// "remote setpoints enabled".
    #[serde(default)]
    pub permissive: Option<String>,
}

fn default_min_interval() -> f64 {
    60.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub name: String,
    pub role: Role,
    /// An Argon2 PHC string, as printed by `hearth hash-password`.
    pub password_hash: String,
}

/// What a user of `hearth serve` may do. Each role may do everything the one before it may.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees everything; changes nothing.
    Viewer,
    /// Acknowledges and shelves alarms, marks emission periods, writes setpoints (when the
    /// config allows writes), changes limits and prices on the Settings page.
    Engineer,
    /// Everything an engineer may, and drives the simulator.
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Engineer => "engineer",
            Role::Admin => "admin",
        }
    }
}

/// How one tag may be written.
#[derive(Debug, Clone, PartialEq)]
pub struct WritePolicy {
    pub tag: TagId,
    pub min: f64,
    pub max: f64,
    pub max_step: f64,
    pub min_interval: Duration,
    pub permissive: Option<TagId>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Check `[writes.TAG]`; marks each policy's tag writable.
pub(super) fn check_writes(
    file: &Path,
    raw: &indexmap::IndexMap<String, RawWritePolicy>,
    tags: &mut [Tag],
    declared: &std::collections::HashSet<&str>,
    push: &mut dyn FnMut(&Path, String, String),
) -> Vec<WritePolicy> {
    let mut out = Vec::new();
    for (name, w) in raw {
        let key = |k: &str| {
            if k.is_empty() {
                format!("writes.{name}")
            } else {
                format!("writes.{name}.{k}")
            }
        };
        let Some(tag) = tags.iter().find(|t| &t.name == name) else {
            if !declared.contains(name.as_str()) {
                push(
                    file,
                    format!("writes.{name}"),
                    format!("names no tag `{name}`"),
                );
            }
            continue;
        };
        let mut ok = true;
        let mut bad = |k: &str, m: String| {
            ok = false;
            push(file, key(k), m);
        };
        if tag.derived.is_some() {
            bad(
                "",
                format!("`{name}` is computed by Hearth, not a PLC register"),
            );
        } else if tag.register == RegisterKind::Holding && tag.bit.is_some() {
            bad(
                "",
                format!("`{name}` is one bit of a register: Hearth writes whole registers only"),
            );
        } else if !matches!(tag.register, RegisterKind::Holding | RegisterKind::Coil) {
            bad(
                "",
                format!(
                    "`{name}` is a {}: only holding registers and coils can be written",
                    tag.register.name()
                ),
            );
        }
        if !(w.min.is_finite() && w.max.is_finite() && w.min < w.max) {
            bad("min", format!("[{}, {}] is not min < max", w.min, w.max));
        } else if let Some((lo, hi)) = tag.range
            && (w.min < lo || w.max > hi)
        {
            bad(
                "max",
                format!(
                    "[{}, {}] reaches outside the tag's range [{lo}, {hi}]",
                    w.min, w.max
                ),
            );
        }
        if !(w.max_step.is_finite() && w.max_step > 0.0) {
            bad("max_step", format!("{} must be more than zero", w.max_step));
        }
        if !(0.0..=86_400.0).contains(&w.min_interval_s) {
            bad(
                "min_interval_s",
                format!("{} s is outside 0 to 86400", w.min_interval_s),
            );
        }
        let device = tag.device;
        let id = tag.id;
        let permissive = match &w.permissive {
            None => None,
            Some(p) => match tags.iter().find(|t| &t.name == p) {
                Some(t) if t.device == device && t.derived.is_none() => Some(t.id),
                Some(_) => {
                    bad(
                        "permissive",
                        format!("`{p}` must be a tag of the same device"),
                    );
                    None
                }
                None => {
                    bad("permissive", format!("names no tag `{p}`"));
                    None
                }
            },
        };
        if ok {
            if let Some(t) = tags.get_mut(id.index()) {
                t.writable = true;
            }
            out.push(WritePolicy {
                tag: id,
                min: w.min,
                max: w.max,
                max_step: w.max_step,
                min_interval: Duration::from_secs_f64(w.min_interval_s),
                permissive,
            });
        }
    }
    out
}

/// Check `[[server.user]]`: names unique and plain, hashes in Argon2's PHC form.
pub(super) fn check_users(
    file: &Path,
    raw: &[RawUser],
    push: &mut dyn FnMut(&Path, String, String),
) -> Vec<User> {
    let mut out: Vec<User> = Vec::new();
    for (i, u) in raw.iter().enumerate() {
        let key = |k: &str| format!("server.user[{i}].{k}");
        let name = u.name.trim();
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            push(
                file,
                key("name"),
                format!("`{}`: 1 to 64 letters, digits, `.`, `_` or `-`", u.name),
            );
            continue;
        }
        if out.iter().any(|o| o.name == name) {
            push(file, key("name"), format!("`{name}` is listed twice"));
            continue;
        }
        if !looks_like_argon2(&u.password_hash) {
            push(
                file,
                key("password_hash"),
                "not an Argon2 hash: make one with `hearth hash-password`".into(),
            );
            continue;
        }
        out.push(User {
            name: name.to_owned(),
            role: u.role,
            password_hash: u.password_hash.clone(),
        });
    }
    out
}

/// `$argon2id$v=19$m=...,t=...,p=...$salt$hash` (the hash itself is checked at login).
fn looks_like_argon2(s: &str) -> bool {
    let parts: Vec<&str> = s.split('$').collect();
    parts.len() == 6
        && parts.first() == Some(&"")
        && parts
            .get(1)
            .is_some_and(|a| matches!(*a, "argon2id" | "argon2i" | "argon2d"))
        && parts.iter().skip(2).all(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_argon2_phc_string_is_recognised_and_a_plain_password_is_not() {
        assert!(looks_like_argon2(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
        ));
        assert!(!looks_like_argon2("hunter2"));
        assert!(!looks_like_argon2("$argon2id$v=19$$salt$hash"));
        assert!(!looks_like_argon2("$bcrypt$v=19$m=1$salt$hash"));
    }

    #[test]
    fn roles_are_ordered_so_that_each_includes_the_one_before() {
        assert!(Role::Viewer < Role::Engineer && Role::Engineer < Role::Admin);
    }
}
