//! The one path by which Hearth writes to a PLC. A write is checked against its tag's policy
//! (limits, step, rate, permissive, the current value's quality) before a byte is sent; it is
//! proposed, then confirmed with a one-time token that expires; it is sent once, read back and
//! compared; and every attempt, refused or sent, goes to the audit log. A write whose connection
//! is lost after sending is never sent again: the read-back tells what happened.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hearth_acquisition::writer::{self, Sent};
use hearth_model::TagId;
use hearth_model::config::{Config, Role, Tag, WritePolicy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{AuditEvent, AuditKind, AuditOutcome};
use crate::engine::Engine;

/// How long a proposed write may wait for its confirmation.
pub const CONFIRM_WITHIN: Duration = Duration::from_secs(30);

/// Which face a request came through: browsers may write only when the config says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Desktop,
    Serve,
    Cli,
}

/// Who asks, and through which face.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user: String,
    pub role: Role,
    pub face: Face,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WriteRequest {
    pub tag: String,
    pub value: f64,
    /// Why: mandatory, kept in the audit log.
    pub reason: String,
    /// The optimiser suggestion this applies, if any.
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// A write checked and waiting for its confirmation: what the confirm dialog shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WriteProposal {
    /// Binds the confirmation to exactly this write; used once.
    pub token: String,
    pub tag: String,
    pub device: String,
    pub unit: String,
    pub description: String,
    pub old_value: f64,
    /// As the register will hold it (rounded to its resolution).
    pub new_value: f64,
    pub min: f64,
    pub max: f64,
    pub max_step: f64,
    pub reason: String,
    /// Milliseconds left to confirm.
    pub expires_in_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WriteConfirm {
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WriteResult {
    pub outcome: AuditOutcome,
    pub tag: String,
    pub requested: Option<f64>,
    pub read_back: Option<f64>,
    pub detail: String,
    /// The audit record; None only when the audit log itself could not be written.
    pub audit_seq: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Prepared {
    Proposed(WriteProposal),
    Refused(WriteResult),
}

/// A writable tag as the UI offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WritableTag {
    pub tag: String,
    pub device: String,
    pub unit: String,
    pub description: String,
    pub min: f64,
    pub max: f64,
    pub max_step: f64,
    pub min_interval_s: f64,
    pub permissive: Option<String>,
    /// Why writes to it cannot be made from here at all (device read-only, writes from browsers
    /// off, role); None when they can.
    pub blocked: Option<String>,
}

struct Pending {
    tag: TagId,
    value: f64,
    reason: String,
    source: String,
    user: String,
    issued: Instant,
}

/// The write path's state: pending confirmations, used tokens, when each tag was last written.
pub(crate) struct WriteDesk {
    pending: Mutex<HashMap<String, Pending>>,
    used: Mutex<VecDeque<String>>,
    last_sent: Mutex<HashMap<TagId, Instant>>,
    /// One write at a time: the checks and the send are one step.
    busy: tokio::sync::Mutex<()>,
}

impl WriteDesk {
    pub(crate) fn new() -> Self {
        WriteDesk {
            pending: Mutex::new(HashMap::new()),
            used: Mutex::new(VecDeque::new()),
            last_sent: Mutex::new(HashMap::new()),
            busy: tokio::sync::Mutex::new(()),
        }
    }
}

fn new_token() -> String {
    let mut b = [0u8; 16];
    // Without the OS's randomness no token can be trusted: an empty one matches nothing.
    if getrandom::fill(&mut b).is_err() {
        return String::new();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Why the face, role or device rules out writing `policy`'s tag at all.
fn blocked(config: &Config, actor: &Actor, tag: &Tag) -> Option<String> {
    if actor.face == Face::Serve && !config.server.allow_writes {
        return Some("writes from browsers are off (server.allow_writes = false)".into());
    }
    if actor.role < Role::Engineer {
        return Some(format!("role {} may not write", actor.role.name()));
    }
    let device = config.devices.get(tag.device)?;
    if device.overridden {
        return Some(format!(
            "device `{}` is pointed elsewhere with --device for this run: read-only",
            device.name
        ));
    }
    if !device.writable {
        return Some(format!(
            "device `{0}` is read-only (devices.{0}.writable = false)",
            device.name
        ));
    }
    None
}

impl Engine {
    /// The tags this actor could write, with their policies.
    pub fn writable_tags(&self, actor: &Actor) -> Vec<WritableTag> {
        let config = self.config();
        config
            .writes
            .iter()
            .filter_map(|w| {
                let t = config.tag(w.tag)?;
                Some(WritableTag {
                    tag: t.name.clone(),
                    device: config.devices.get(t.device)?.name.clone(),
                    unit: t.unit.clone(),
                    description: t.description.clone(),
                    min: w.min,
                    max: w.max,
                    max_step: w.max_step,
                    min_interval_s: w.min_interval.as_secs_f64(),
                    permissive: w
                        .permissive
                        .and_then(|p| config.tag(p))
                        .map(|p| p.name.clone()),
                    blocked: blocked(&config, actor, t),
                })
            })
            .collect()
    }

    /// Everything that must hold for `value` to be sent to `tag` now; the first that does not.
    /// Returns the current value and the value as the register will hold it.
    fn check_write(
        &self,
        actor: &Actor,
        tag: &Tag,
        policy: &WritePolicy,
        value: f64,
        reason: &str,
    ) -> Result<(f64, f64), String> {
        let config = self.config();
        if let Some(why) = blocked(&config, actor, tag) {
            return Err(why);
        }
        if reason.trim().is_empty() {
            return Err("a reason is required".into());
        }
        if !value.is_finite() {
            return Err(format!("{value} is not a number"));
        }
        let value = writer::representable(tag, value);
        if !(policy.min..=policy.max).contains(&value) {
            return Err(format!(
                "{value} {} is outside the write limits [{}, {}] (writes.{})",
                tag.unit, policy.min, policy.max, tag.name
            ));
        }
        let now = self.inner.clock.now();
        let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
        let current = live.value(&config, tag.id.index(), now);
        let permissive = policy
            .permissive
            .and_then(|p| live.value(&config, p.index(), now));
        drop(live);
        let current = match current {
            Some(c) if c.quality.is_good() => c.value,
            Some(c) => {
                return Err(format!(
                    "the current value of {} is {}: a step cannot be judged from it",
                    tag.name, c.quality
                ));
            }
            None => None,
        };
        let Some(old) = current.map(|v| writer::tidy(tag, v)) else {
            return Err(format!("{} has no current value yet", tag.name));
        };
        let step = (value - old).abs();
        if step > policy.max_step + writer::tolerance(tag) {
            return Err(format!(
                "a step of {step:.3} {} from {old} is more than max_step {} (writes.{})",
                tag.unit, policy.max_step, tag.name
            ));
        }
        if let Some(at) = lock(&self.inner.writes.last_sent).get(&tag.id)
            && at.elapsed() < policy.min_interval
        {
            return Err(format!(
                "{} was written {:.0} s ago; writes to it are at least {:.0} s apart (writes.{}.min_interval_s)",
                tag.name,
                at.elapsed().as_secs_f64(),
                policy.min_interval.as_secs_f64(),
                tag.name
            ));
        }
        if let Some(p) = permissive {
            if !p.quality.is_good() {
                return Err(format!("permissive {} is {}", p.name, p.quality));
            }
            if p.value.is_none_or(|v| v == 0.0) {
                return Err(format!(
                    "permissive {} is not set: the PLC does not accept setpoints from Hearth now",
                    p.name
                ));
            }
        }
        Ok((old, value))
    }

    fn audit_write(&self, a: Attempt<'_>, outcome: AuditOutcome, detail: String) -> WriteResult {
        let Attempt {
            actor,
            tag,
            target,
            old,
            requested,
            read_back,
            reason,
            source,
        } = a;
        let config = self.config();
        let num = |v: Option<f64>| v.map(|v| v.to_string());
        let event = AuditEvent {
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: actor.user.clone(),
            kind: AuditKind::Write,
            source: source.to_owned(),
            target: target.to_owned(),
            device: tag
                .and_then(|t| config.devices.get(t.device))
                .map(|d| d.name.clone()),
            unit: tag.map(|t| t.unit.clone()).unwrap_or_default(),
            old_value: num(old),
            requested: num(requested).unwrap_or_default(),
            read_back: num(read_back),
            reason: reason.to_owned(),
            outcome,
            detail: detail.clone(),
        };
        let audit_seq = self.inner.record(event);
        WriteResult {
            outcome,
            tag: target.to_owned(),
            requested,
            read_back,
            detail,
            audit_seq,
        }
    }

    /// Step one: check a write and propose it for confirmation; a refusal is audited.
    pub fn write_prepare(&self, actor: &Actor, req: &WriteRequest) -> Prepared {
        let config = self.config();
        let source = req
            .suggestion
            .as_ref()
            .map_or_else(|| "manual".to_owned(), |s| format!("suggestion {s}"));
        let refuse = |tag: Option<&Tag>, detail: String| {
            Prepared::Refused(self.audit_write(
                Attempt {
                    actor,
                    tag,
                    target: &req.tag,
                    old: None,
                    requested: Some(req.value),
                    read_back: None,
                    reason: &req.reason,
                    source: &source,
                },
                AuditOutcome::Rejected,
                detail,
            ))
        };
        let Some(tag) = config.tag_by_name(&req.tag) else {
            return refuse(None, format!("no tag `{}`", req.tag));
        };
        let Some(policy) = config.write_policy(tag.id) else {
            return refuse(
                Some(tag),
                format!(
                    "{} is not writable: no [writes.{}] in the config",
                    tag.name, tag.name
                ),
            );
        };
        match self.check_write(actor, tag, policy, req.value, &req.reason) {
            Err(why) => refuse(Some(tag), why),
            Ok((old, value)) => {
                let token = new_token();
                let mut pending = lock(&self.inner.writes.pending);
                pending.retain(|_, p| p.issued.elapsed() < CONFIRM_WITHIN);
                pending.insert(
                    token.clone(),
                    Pending {
                        tag: tag.id,
                        value,
                        reason: req.reason.trim().to_owned(),
                        source,
                        user: actor.user.clone(),
                        issued: Instant::now(),
                    },
                );
                Prepared::Proposed(WriteProposal {
                    token,
                    tag: tag.name.clone(),
                    device: config
                        .devices
                        .get(tag.device)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    unit: tag.unit.clone(),
                    description: tag.description.clone(),
                    old_value: old,
                    new_value: value,
                    min: policy.min,
                    max: policy.max,
                    max_step: policy.max_step,
                    reason: req.reason.trim().to_owned(),
                    expires_in_ms: CONFIRM_WITHIN.as_millis() as u32,
                })
            }
        }
    }

    /// Step two: the confirmation. Checked again (the plant may have moved), sent once, read
    /// back within two poll cycles and audited.
    pub async fn write_confirm(&self, actor: &Actor, c: &WriteConfirm) -> WriteResult {
        let _one_at_a_time = self.inner.writes.busy.lock().await;
        let config = self.config();
        let taken = lock(&self.inner.writes.pending).remove(&c.token);
        let Some(p) = taken.filter(|_| !c.token.is_empty()) else {
            let reused = lock(&self.inner.writes.used).contains(&c.token);
            return self.audit_write(
                Attempt {
                    actor,
                    tag: None,
                    target: "",
                    old: None,
                    requested: None,
                    read_back: None,
                    reason: "",
                    source: "manual",
                },
                AuditOutcome::Rejected,
                if reused {
                    "this confirmation was already used: propose the write again".into()
                } else {
                    "no such confirmation: propose the write first".into()
                },
            );
        };
        {
            let mut used = lock(&self.inner.writes.used);
            if used.len() >= 1000 {
                used.pop_front();
            }
            used.push_back(c.token.clone());
        }
        let tag = config.tag(p.tag);
        let policy = config.write_policy(p.tag);
        let (Some(tag), Some(policy)) = (tag, policy) else {
            return self.audit_write(
                Attempt {
                    actor,
                    tag: None,
                    target: "",
                    old: None,
                    requested: Some(p.value),
                    read_back: None,
                    reason: &p.reason,
                    source: &p.source,
                },
                AuditOutcome::Rejected,
                "the tag is no longer writable".into(),
            );
        };
        let refuse = |old: Option<f64>, detail: String| {
            self.audit_write(
                Attempt {
                    actor,
                    tag: Some(tag),
                    target: &tag.name,
                    old,
                    requested: Some(p.value),
                    read_back: None,
                    reason: &p.reason,
                    source: &p.source,
                },
                AuditOutcome::Rejected,
                detail,
            )
        };
        if p.issued.elapsed() >= CONFIRM_WITHIN {
            return refuse(
                None,
                format!(
                    "the confirmation expired ({} s): propose the write again",
                    CONFIRM_WITHIN.as_secs()
                ),
            );
        }
        if p.user != actor.user {
            return refuse(None, "confirmed by another user than proposed it".into());
        }
        let (old, value) = match self.check_write(actor, tag, policy, p.value, &p.reason) {
            Ok(v) => v,
            Err(why) => return refuse(None, why),
        };
        let Some(device) = config.devices.get(tag.device) else {
            return refuse(Some(old), "no such device".into());
        };
        let sent = writer::send(device, tag, value).await;
        if !matches!(sent, Sent::NotSent(_)) {
            lock(&self.inner.writes.last_sent).insert(tag.id, Instant::now());
        }
        let (outcome, read_back, detail) = match sent {
            Sent::NotSent(e) => (AuditOutcome::Failed, None, format!("nothing was sent: {e}")),
            Sent::Refused(e) => (
                AuditOutcome::Failed,
                None,
                format!("the PLC refused it: {e}"),
            ),
            Sent::Acknowledged => match self.read_back(device, tag, value).await {
                ReadBack::Equal(v) => (AuditOutcome::Ok, Some(v), "read back equal".to_owned()),
                ReadBack::Differs(v) => (
                    AuditOutcome::Failed,
                    Some(v),
                    format!(
                        "acknowledged, but the PLC reads back {v} {}: it did not take the value sent",
                        tag.unit
                    ),
                ),
                ReadBack::Unreadable(e) => (
                    AuditOutcome::Unknown,
                    None,
                    format!("acknowledged, but no read-back: {e}"),
                ),
            },
            Sent::Lost(e) => {
                let detail = format!("{e}; not resent");
                match self.read_back(device, tag, value).await {
                    ReadBack::Equal(v) => (
                        AuditOutcome::Unknown,
                        Some(v),
                        format!("{detail}. The read-back equals the value sent: it took"),
                    ),
                    ReadBack::Differs(v) => (
                        AuditOutcome::Unknown,
                        Some(v),
                        format!("{detail}. The read-back is {v}: it did not take"),
                    ),
                    ReadBack::Unreadable(r) => (
                        AuditOutcome::Unknown,
                        None,
                        format!(
                            "{detail}. No read-back either ({r}): check the PLC before writing again"
                        ),
                    ),
                }
            }
        };
        let mismatch = read_back.is_some_and(|v| (v - value).abs() > writer::tolerance(tag));
        if mismatch || outcome == AuditOutcome::Ok {
            self.judge_alarm(
                &format!("{}.write_readback", tag.name),
                mismatch,
                read_back,
                &actor.user,
            );
        }
        self.audit_write(
            Attempt {
                actor,
                tag: Some(tag),
                target: &tag.name,
                old: Some(old),
                requested: Some(value),
                read_back,
                reason: &p.reason,
                source: &p.source,
            },
            outcome,
            detail,
        )
    }

    /// Read `tag` until it equals `value` or two poll cycles of its group have passed.
    async fn read_back(
        &self,
        device: &hearth_model::config::Device,
        tag: &Tag,
        value: f64,
    ) -> ReadBack {
        let cycle = self
            .config()
            .poll_groups
            .get(tag.poll_group)
            .map_or(Duration::from_secs(1), |g| g.interval);
        let deadline = Instant::now() + (cycle * 2).max(Duration::from_millis(500));
        let mut last = ReadBack::Unreadable("not read".into());
        loop {
            last = match writer::read(device, tag).await {
                Ok(v) if (v - value).abs() <= writer::tolerance(tag) => return ReadBack::Equal(v),
                Ok(v) => ReadBack::Differs(v),
                // A value read before keeps its place over a later failure to read.
                Err(e) if matches!(last, ReadBack::Differs(_)) => {
                    tracing::debug!(%e, "read-back failed");
                    last
                }
                Err(e) => ReadBack::Unreadable(e),
            };
            if Instant::now() >= deadline {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// One write attempt as the audit log records it.
struct Attempt<'a> {
    actor: &'a Actor,
    tag: Option<&'a Tag>,
    target: &'a str,
    old: Option<f64>,
    requested: Option<f64>,
    read_back: Option<f64>,
    reason: &'a str,
    source: &'a str,
}

enum ReadBack {
    Equal(f64),
    Differs(f64),
    Unreadable(String),
}
