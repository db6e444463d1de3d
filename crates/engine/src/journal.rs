//! The alarm journal: every transition (raise, clear, acknowledge, shelve, suppress...) with its
//! time, value, user and comment, in a sled database of its own under the data dir
//! (`alarms/`), keyed by time so a period reads in order. Each entry is flushed before the
//! engine moves on: an acknowledgement the operator saw accepted survives a crash.

use std::path::Path;

use hearth_alarms::Priority;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JournalEntry {
    /// Epoch ms.
    pub at_ms: i64,
    /// `TAG.TYPE` or `DEVICE.comms_loss`.
    pub alarm: String,
    /// `raise`, `clear`, `ack`, `realarm`, `shelve`, `unshelve`, `shelve_expired`, `suppress`...
    pub transition: String,
    pub from: String,
    pub to: String,
    pub priority: Priority,
    /// The tag's value at the time.
    pub value: Option<f64>,
    /// The limit it was judged against (a deviation alarm's is its setpoint plus or minus the
    /// deviation at the time).
    #[serde(default)]
    pub limit: Option<f64>,
    pub message: String,
    pub user: Option<String>,
    pub comment: Option<String>,
}

/// Which entries a journal query wants, besides the time window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct JournalFilter {
    /// Alarms whose id contains this (a tag name, `comms_loss`...).
    #[serde(default)]
    pub alarm: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The state entered: `active_unacked`, `normal`...
    #[serde(default)]
    pub state: Option<String>,
}

impl JournalFilter {
    pub fn keeps(&self, e: &JournalEntry) -> bool {
        self.alarm.as_deref().is_none_or(|a| e.alarm.contains(a))
            && self.priority.is_none_or(|p| e.priority == p)
            && self.state.as_deref().is_none_or(|s| e.to == s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("alarm journal {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error("alarm journal: a damaged entry ({0})")]
    Damaged(String),
}

pub struct Journal {
    db: sled::Db,
    path: String,
}

impl Journal {
    pub fn open(dir: &Path) -> Result<Journal, JournalError> {
        let path = dir.display().to_string();
        let sled_err = |error| JournalError::Sled {
            path: path.clone(),
            error,
        };
        let config = sled::Config::new()
            .path(dir)
            .cache_capacity(8 << 20)
            .flush_every_ms(None);
        // sled's threads hold its file lock a moment after the last handle goes (a stop and a
        // start in one process): retry briefly, as the historian does.
        let mut attempts = 0;
        let db = loop {
            match config.open() {
                Ok(db) => break db,
                Err(sled::Error::Io(e))
                    if e.to_string().contains("could not acquire lock") && attempts < 100 =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(error) => return Err(sled_err(error)),
            }
        };
        Ok(Journal { db, path })
    }

    /// Time, then sled's id (monotonic across restarts), so entries of one millisecond keep
    /// their order and never overwrite each other.
    fn key(&self, at_ms: i64) -> Result<[u8; 16], sled::Error> {
        let mut k = [0u8; 16];
        // Sign bit flipped so negative times (never expected) still sort first.
        k[..8].copy_from_slice(&((at_ms as u64) ^ (1 << 63)).to_be_bytes());
        k[8..].copy_from_slice(&self.db.generate_id()?.to_be_bytes());
        Ok(k)
    }

    /// Append entries and flush them to disk.
    pub fn append(&self, entries: &[JournalEntry]) -> Result<(), JournalError> {
        if entries.is_empty() {
            return Ok(());
        }
        let sled_err = |error| JournalError::Sled {
            path: self.path.clone(),
            error,
        };
        let mut batch = sled::Batch::default();
        for e in entries {
            let value =
                serde_json::to_vec(e).map_err(|err| JournalError::Damaged(err.to_string()))?;
            batch.insert(&self.key(e.at_ms).map_err(sled_err)?, value);
        }
        self.db.apply_batch(batch).map_err(sled_err)?;
        self.db.flush().map_err(sled_err)?;
        Ok(())
    }

    /// Entries in `[from_ms, to_ms)`, oldest first, at most `limit`.
    pub fn range(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Vec<JournalEntry>, JournalError> {
        let bound = |ms: i64| ((ms as u64) ^ (1 << 63)).to_be_bytes();
        let mut out = Vec::new();
        for item in self.db.range(bound(from_ms)..bound(to_ms)).take(limit) {
            let (_, v) = item.map_err(|error| JournalError::Sled {
                path: self.path.clone(),
                error,
            })?;
            out.push(serde_json::from_slice(&v).map_err(|e| JournalError::Damaged(e.to_string()))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at_ms: i64, alarm: &str) -> JournalEntry {
        JournalEntry {
            at_ms,
            alarm: alarm.into(),
            transition: "raise".into(),
            from: "normal".into(),
            to: "active_unacked".into(),
            priority: Priority::High,
            value: Some(1.0),
            limit: None,
            message: "m".into(),
            user: None,
            comment: None,
        }
    }

    #[test]
    fn entries_come_back_in_time_order_after_a_reopen() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        {
            let j = Journal::open(dir.path())?;
            j.append(&[entry(3_000, "c"), entry(1_000, "a")])?;
            j.append(&[entry(2_000, "b"), entry(2_000, "b2")])?;
        }
        let j = Journal::open(dir.path())?;
        let got: Vec<String> = j
            .range(0, 10_000, 100)?
            .into_iter()
            .map(|e| e.alarm)
            .collect();
        assert_eq!(got, vec!["a", "b", "b2", "c"]);
        let window: Vec<String> = j
            .range(2_000, 3_000, 100)?
            .into_iter()
            .map(|e| e.alarm)
            .collect();
        assert_eq!(window, vec!["b", "b2"]);
        Ok(())
    }
}
