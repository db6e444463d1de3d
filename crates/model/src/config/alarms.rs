//! Alarm definitions in the plant file (`[[alarms.alarm]]`), and their checks: every tag,
//! setpoint and device named must exist, limits must be in order on a tag (HI below HIHI, LO
//! above LOLO, LO below HI), a deadband must be smaller than the band to the next limit and the
//! tag's range, and each alarm says what it means to the operator.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::types::{DataType, Device, Tag};
use crate::TagId;

/// Operator priority, lowest first (EEMUA 191 expects roughly 80 % low, 15 % medium, 5 % high).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    /// The name the config, the API and the CSV use.
    pub fn name(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlarm {
    #[serde(rename = "type")]
    pub kind: String,
    pub tag: Option<String>,
    pub device: Option<String>,
    pub setpoint: Option<String>,
    pub limit: Option<f64>,
    /// Digital alarms: the value that is abnormal.
    pub when: Option<bool>,
    pub priority: String,
    #[serde(default)]
    pub deadband: f64,
    #[serde(default)]
    pub on_delay_s: f64,
    #[serde(default)]
    pub off_delay_s: f64,
    /// Minutes after which an acknowledged alarm still active is raised again; 0 = never.
    #[serde(default)]
    pub realarm_min: f64,
    pub message: String,
    /// What it means and what to do, for the operator.
    pub response: Option<String>,
    /// Alarms whose condition explains this one (a fan trip explains a zone running cold):
    /// while any of them is active, this one is suppressed by design, not raised.
    #[serde(default)]
    pub suppressed_by: Vec<String>,
}

/// What an alarm watches.
#[derive(Debug, Clone, PartialEq)]
pub enum AlarmKind {
    Hi {
        limit: f64,
    },
    HiHi {
        limit: f64,
    },
    Lo {
        limit: f64,
    },
    LoLo {
        limit: f64,
    },
    /// The tag more than `by` above (or below) its setpoint tag.
    DeviationHigh {
        setpoint: TagId,
        by: f64,
    },
    DeviationLow {
        setpoint: TagId,
        by: f64,
    },
    /// A bit or coil reading `when`.
    Digital {
        when: bool,
    },
    /// The tag's quality is Bad.
    BadQuality,
    /// The device does not answer.
    CommsLoss {
        device: usize,
    },
    /// A permit limit's average heading over it before its period closes (or over it): made
    /// by Hearth from each `[[emissions.limit]]`, judged by the emissions accounting.
    Permit {
        pollutant: super::emissions::Pollutant,
        daily: bool,
        limit: f64,
    },
    /// A setpoint write the PLC did not take as sent (read back another value): made by Hearth
    /// for each writable tag, raised and cleared by the write path.
    WriteReadback,
    /// The historian cannot write to disk (a full disk): made by Hearth, raised and cleared by
    /// the recording path.
    HistorianWrite,
}

/// The id of Hearth's own alarm for a historian that cannot write.
pub const HISTORIAN_WRITE_ALARM: &str = "historian.write_failed";

impl AlarmKind {
    /// `hi`, `hihi`... as in the file and the journal.
    pub fn name(&self) -> &'static str {
        match self {
            AlarmKind::Hi { .. } => "hi",
            AlarmKind::HiHi { .. } => "hihi",
            AlarmKind::Lo { .. } => "lo",
            AlarmKind::LoLo { .. } => "lolo",
            AlarmKind::DeviationHigh { .. } => "deviation_high",
            AlarmKind::DeviationLow { .. } => "deviation_low",
            AlarmKind::Digital { .. } => "digital",
            AlarmKind::BadQuality => "bad_quality",
            AlarmKind::CommsLoss { .. } => "comms_loss",
            AlarmKind::Permit { daily: true, .. } => "permit_day",
            AlarmKind::Permit { daily: false, .. } => "permit_hour",
            AlarmKind::WriteReadback => "write_readback",
            AlarmKind::HistorianWrite => "write_failed",
        }
    }

    /// The absolute limit, for the kinds that have one, and whether abnormal is above it.
    fn absolute(&self) -> Option<(f64, bool)> {
        match *self {
            AlarmKind::Hi { limit } | AlarmKind::HiHi { limit } => Some((limit, true)),
            AlarmKind::Lo { limit } | AlarmKind::LoLo { limit } => Some((limit, false)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlarmDef {
    /// `TAG.KIND` (or `DEVICE.comms_loss`): unique, what the journal and the UI call it.
    pub id: String,
    pub tag: Option<TagId>,
    pub kind: AlarmKind,
    pub priority: Priority,
    pub deadband: f64,
    pub on_delay: Duration,
    pub off_delay: Duration,
    pub realarm: Option<Duration>,
    pub message: String,
    pub response: Option<String>,
    /// Indices (into the definitions) of the alarms that suppress this one while active.
    pub suppressed_by: Vec<usize>,
}

fn priority(s: &str) -> Option<Priority> {
    [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ]
    .into_iter()
    .find(|p| p.name() == s)
}

impl std::str::FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Priority, String> {
        priority(s).ok_or_else(|| format!("`{s}`: one of low, medium, high, urgent"))
    }
}

fn seconds(v: f64) -> Option<Duration> {
    (v.is_finite() && (0.0..=86_400.0).contains(&v)).then(|| Duration::from_secs_f64(v))
}

/// Check `raw` against the tags and devices; problems go to `push(key, message)`.
pub(super) fn check(
    file: &Path,
    raw: &[RawAlarm],
    tags: &[Tag],
    // Every tag the maps declare, valid or not: one with its own error is not reported again.
    declared: &std::collections::HashSet<&str>,
    devices: &[Device],
    push: &mut dyn FnMut(&Path, String, String),
) -> Vec<AlarmDef> {
    let mut defs: Vec<AlarmDef> = Vec::new();
    // (raw index, the ids it names in suppressed_by), resolved once every alarm is known.
    let mut names: Vec<(usize, Vec<String>)> = Vec::new();
    let tag_by_name = |n: &str| tags.iter().find(|t| t.name == n);
    for (i, a) in raw.iter().enumerate() {
        let key = |k: &str| format!("alarms.alarm[{i}].{k}");
        let mut ok = true;
        let mut reported_already = false;
        let mut bad = |k: &str, m: String| {
            push(file, key(k), m);
            ok = false;
        };
        let tag = match (&a.tag, a.kind.as_str()) {
            (None, "comms_loss") => None,
            (None, _) => {
                bad("tag", "names no tag".into());
                None
            }
            (Some(n), _) => match tag_by_name(n) {
                Some(t) => Some(t),
                None if declared.contains(n.as_str()) => {
                    reported_already = true;
                    None
                }
                None => {
                    bad("tag", format!("no tag `{n}` in the register maps"));
                    None
                }
            },
        };
        let need_limit = |bad: &mut dyn FnMut(&str, String)| match a.limit {
            Some(l) if l.is_finite() => l,
            Some(l) => {
                bad("limit", format!("{l} is not a number"));
                0.0
            }
            None => {
                bad("limit", format!("a `{}` alarm needs a limit", a.kind));
                0.0
            }
        };
        let kind = match a.kind.as_str() {
            "hi" => AlarmKind::Hi {
                limit: need_limit(&mut bad),
            },
            "hihi" => AlarmKind::HiHi {
                limit: need_limit(&mut bad),
            },
            "lo" => AlarmKind::Lo {
                limit: need_limit(&mut bad),
            },
            "lolo" => AlarmKind::LoLo {
                limit: need_limit(&mut bad),
            },
            k @ ("deviation_high" | "deviation_low") => {
                let by = need_limit(&mut bad);
                if by <= 0.0 {
                    bad("limit", format!("a deviation of {by} must be above 0"));
                }
                let sp = match a.setpoint.as_deref().map(|n| (n, tag_by_name(n))) {
                    Some((_, Some(t))) => t.id,
                    Some((n, None)) if declared.contains(n) => {
                        bad("setpoint", format!("`{n}` has an error of its own"));
                        TagId(0)
                    }
                    Some((n, None)) => {
                        bad("setpoint", format!("no tag `{n}` in the register maps"));
                        TagId(0)
                    }
                    None => {
                        bad("setpoint", "a deviation alarm needs a setpoint tag".into());
                        TagId(0)
                    }
                };
                if k == "deviation_high" {
                    AlarmKind::DeviationHigh { setpoint: sp, by }
                } else {
                    AlarmKind::DeviationLow { setpoint: sp, by }
                }
            }
            "digital" => {
                if let Some(t) = tag
                    && !(t.register.is_bit() || t.data_type == DataType::Bool)
                {
                    bad(
                        "tag",
                        format!(
                            "`{}` is not a bit or coil: a digital alarm needs one",
                            t.name
                        ),
                    );
                }
                AlarmKind::Digital {
                    when: a.when.unwrap_or_else(|| {
                        bad(
                            "when",
                            "a digital alarm needs `when = true` or `false`".into(),
                        );
                        true
                    }),
                }
            }
            "bad_quality" => AlarmKind::BadQuality,
            "comms_loss" => {
                let d = a
                    .device
                    .as_deref()
                    .and_then(|n| devices.iter().position(|d| d.name == n));
                if d.is_none() {
                    bad(
                        "device",
                        format!(
                            "a comms_loss alarm names a configured device (configured: {})",
                            devices
                                .iter()
                                .map(|d| d.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                AlarmKind::CommsLoss {
                    device: d.unwrap_or(0),
                }
            }
            other => {
                bad(
                    "type",
                    format!(
                        "unknown alarm type `{other}` (hi, hihi, lo, lolo, deviation_high, deviation_low, digital, bad_quality, comms_loss)"
                    ),
                );
                AlarmKind::BadQuality
            }
        };
        let prio = priority(&a.priority).unwrap_or_else(|| {
            bad(
                "priority",
                format!("`{}` is not low, medium, high or urgent", a.priority),
            );
            Priority::Low
        });
        if a.message.trim().is_empty() {
            bad("message", "tell the operator what the alarm means".into());
        }
        if !(a.deadband.is_finite() && a.deadband >= 0.0) {
            bad("deadband", format!("{} must be zero or more", a.deadband));
        }
        if let (Some(t), Some((lo, hi))) = (tag, tag.and_then(|t| t.range))
            && a.deadband >= hi - lo
        {
            bad(
                "deadband",
                format!(
                    "{} is larger than the range of `{}` ({lo} to {hi})",
                    a.deadband, t.name
                ),
            );
        }
        let mut delay = |k: &str, v: f64| {
            seconds(v).unwrap_or_else(|| {
                bad(k, format!("{v} s is outside 0 to 86400"));
                Duration::ZERO
            })
        };
        let on_delay = delay("on_delay_s", a.on_delay_s);
        let off_delay = delay("off_delay_s", a.off_delay_s);
        let realarm = if a.realarm_min == 0.0 {
            None
        } else {
            match seconds(a.realarm_min * 60.0) {
                Some(d) => Some(d),
                None => {
                    bad(
                        "realarm_min",
                        format!("{} is outside 0 to 1440", a.realarm_min),
                    );
                    None
                }
            }
        };
        let id = match (&kind, tag) {
            (AlarmKind::CommsLoss { device }, _) => format!(
                "{}.comms_loss",
                devices.get(*device).map_or("", |d| d.name.as_str())
            ),
            (k, Some(t)) => format!("{}.{}", t.name, k.name()),
            (k, None) => k.name().to_owned(),
        };
        if defs.iter().any(|d| d.id == id) {
            bad("type", format!("`{id}` is defined twice"));
        }
        if ok && !reported_already {
            defs.push(AlarmDef {
                id,
                tag: tag.map(|t| t.id),
                kind,
                priority: prio,
                deadband: a.deadband,
                on_delay,
                off_delay,
                realarm,
                message: a.message.clone(),
                response: a.response.clone(),
                suppressed_by: Vec::new(),
            });
            names.push((i, a.suppressed_by.clone()));
        }
    }
    for (k, (i, by)) in names.into_iter().enumerate() {
        for id in by {
            match defs.iter().position(|d| d.id == id) {
                Some(p) if p == k => push(
                    file,
                    format!("alarms.alarm[{i}].suppressed_by"),
                    format!("`{id}` cannot suppress itself"),
                ),
                Some(p) => {
                    if let Some(d) = defs.get_mut(k) {
                        d.suppressed_by.push(p);
                    }
                }
                None => push(
                    file,
                    format!("alarms.alarm[{i}].suppressed_by"),
                    format!("no alarm `{id}` (name alarms as TAG.TYPE, e.g. fan_running.digital)"),
                ),
            }
        }
    }
    check_order(file, raw, &defs, push);
    defs
}

/// Limits of one tag must be in order, and a deadband must not reach the next limit on the side
/// where the alarm clears (else it could never clear before another raises).
fn check_order(
    file: &Path,
    raw: &[RawAlarm],
    defs: &[AlarmDef],
    push: &mut dyn FnMut(&Path, String, String),
) {
    let index_of = |d: &AlarmDef| {
        raw.iter().position(|r| {
            r.tag
                .as_deref()
                .is_some_and(|t| d.id.starts_with(&format!("{t}.")))
                && r.kind == d.kind.name()
        })
    };
    for d in defs {
        let (Some(tag), Some((limit, high))) = (d.tag, d.kind.absolute()) else {
            continue;
        };
        let key = |k: &str| format!("alarms.alarm[{}].{k}", index_of(d).unwrap_or(0));
        for other in defs.iter().filter(|o| o.tag == Some(tag) && o.id != d.id) {
            let Some((other_limit, _)) = other.kind.absolute() else {
                continue;
            };
            let rule = match (&d.kind, &other.kind) {
                (AlarmKind::Hi { .. }, AlarmKind::HiHi { .. }) => {
                    Some(("below", limit < other_limit))
                }
                (AlarmKind::Lo { .. }, AlarmKind::LoLo { .. }) => {
                    Some(("above", limit > other_limit))
                }
                (
                    AlarmKind::Lo { .. } | AlarmKind::LoLo { .. },
                    AlarmKind::Hi { .. } | AlarmKind::HiHi { .. },
                ) => Some(("below", limit < other_limit)),
                _ => None,
            };
            if let Some((relation, false)) = rule {
                push(
                    file,
                    key("limit"),
                    format!(
                        "{} at {limit} must be {relation} {} at {other_limit}",
                        d.kind.name().to_uppercase(),
                        other.kind.name().to_uppercase()
                    ),
                );
            }
            // The band on the clearing side: from this limit down (high) or up (low) to the
            // next limit of the opposite sense.
            let clears_towards = if high {
                other_limit < limit && !other.kind.absolute().is_some_and(|(_, h)| h)
            } else {
                other_limit > limit && other.kind.absolute().is_some_and(|(_, h)| h)
            };
            if clears_towards && d.deadband >= (limit - other_limit).abs() {
                push(
                    file,
                    key("deadband"),
                    format!(
                        "{} is larger than the band to the {} limit at {other_limit}",
                        d.deadband,
                        other.kind.name().to_uppercase()
                    ),
                );
            }
        }
    }
}

/// An alarm for each permit limit whose concentration is accounted (its derived tag exists):
/// raised when the running average heads over the limit, before the period closes.
pub(super) fn permit_alarms(limits: &[super::emissions::LimitDef], tags: &[Tag]) -> Vec<AlarmDef> {
    use super::emissions::{Derived, Pollutant};
    let mut out = Vec::new();
    for l in limits {
        let derived = match l.pollutant {
            Pollutant::Nox => Derived::NoxRef,
            Pollutant::Co => Derived::CoRef,
        };
        let Some(tag) = tags.iter().find(|t| t.derived == Some(derived)) else {
            continue;
        };
        let (period, kind) = if l.daily {
            ("daily", "permit_day")
        } else {
            ("hourly", "permit_hour")
        };
        let name = match l.pollutant {
            Pollutant::Nox => "NOx",
            Pollutant::Co => "CO",
        };
        out.push(AlarmDef {
            id: format!("{}.{kind}", tag.name),
            tag: Some(tag.id),
            kind: AlarmKind::Permit {
                pollutant: l.pollutant,
                daily: l.daily,
                limit: l.limit_mg_nm3,
            },
            priority: Priority::High,
            deadband: 0.0,
            on_delay: Duration::ZERO,
            off_delay: Duration::ZERO,
            realarm: None,
            message: format!(
                "{name} {period} average heading over its permit limit ({} mg/Nm3 at {} % O2)",
                l.limit_mg_nm3, l.reference_o2_percent
            ),
            response: Some(
                "Lower NOx or CO now (excess air, firing, zone temperatures as the process allows); the Emissions page shows the most the rest of the period may average.".into(),
            ),
            suppressed_by: Vec::new(),
        });
    }
    out
}

/// Hearth's own alarm for a historian that cannot write (the disk is full, or failing).
pub(super) fn historian_alarm() -> AlarmDef {
    AlarmDef {
        id: HISTORIAN_WRITE_ALARM.into(),
        tag: None,
        kind: AlarmKind::HistorianWrite,
        priority: Priority::Urgent,
        deadband: 0.0,
        on_delay: Duration::ZERO,
        off_delay: Duration::ZERO,
        realarm: None,
        message: "The historian cannot write to disk: samples wait in memory".into(),
        response: Some(
            "Free space on the data dir's disk. Recording resumes by itself and nothing held is lost; `hearth status` shows how much is held and whether any was dropped.".into(),
        ),
        suppressed_by: Vec::new(),
    }
}

/// An alarm for each writable tag, raised when a write to it reads back another value.
pub(super) fn readback_alarms(
    writes: &[super::access::WritePolicy],
    tags: &[Tag],
) -> Vec<AlarmDef> {
    writes
        .iter()
        .filter_map(|w| tags.get(w.tag.index()))
        .map(|t| AlarmDef {
            id: format!("{}.write_readback", t.name),
            tag: Some(t.id),
            kind: AlarmKind::WriteReadback,
            priority: Priority::High,
            deadband: 0.0,
            on_delay: Duration::ZERO,
            off_delay: Duration::ZERO,
            realarm: None,
            message: format!("A write to {} was not taken: the PLC reads back another value", t.name),
            response: Some(
                "The value read back is the one in force. Check the PLC's mode and its own limits before writing again.".into(),
            ),
            suppressed_by: Vec::new(),
        })
        .collect()
}
