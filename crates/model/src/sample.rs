//! Samples as the engine moves them: a tag, a UTC timestamp, a value and its quality.

use serde::{Deserialize, Serialize};

use crate::Quality;

/// Milliseconds since the Unix epoch, UTC. Stored and moved as this; shown in the plant's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-28T10:00:00.000Z`.
    pub fn to_rfc3339(self) -> String {
        match chrono::DateTime::<chrono::Utc>::from_timestamp_millis(self.0) {
            Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            None => format!("invalid-timestamp({})", self.0),
        }
    }
}

/// Index of a tag in the validated configuration (stable for one config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagId(pub u32);

impl TagId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One reading of one tag. `value` is `None` when there is nothing to show (e.g. no
/// communication yet); a stale or out-of-range reading keeps its last value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub tag: TagId,
    pub ts: Timestamp,
    pub value: Option<f64>,
    pub quality: Quality,
}
