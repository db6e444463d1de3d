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

/// A journal query: the window `[from, to)` in epoch ms, and which entries of it. The same
/// for the HTTP API (as URL parameters), the desktop window and the CLI.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct JournalQuery {
    pub from: i64,
    pub to: i64,
    /// At most this many entries, oldest first [default 10 000, at most 100 000].
    #[serde(default)]
    pub limit: Option<u32>,
    /// Alarms whose id contains this, ignoring case (a tag name, `comms_loss`...).
    #[serde(default)]
    pub alarm: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The state entered: `active_unacked`, `active_acked`, `returned_unacked`, `normal`.
    #[serde(default)]
    pub state: Option<String>,
}

/// Every state a journal entry can enter, for checking a query's `state`.
pub const STATES: [&str; 4] = [
    "normal",
    "active_unacked",
    "active_acked",
    "returned_unacked",
];

impl JournalQuery {
    /// The window and the filter make sense (an empty filter field means no filter).
    pub fn check(&self) -> Result<(), String> {
        if self.from >= self.to {
            return Err("from must be before to".into());
        }
        if let Some(s) = self.state.as_deref().filter(|s| !s.is_empty())
            && !STATES.contains(&s)
        {
            return Err(format!("state `{s}`: one of {}", STATES.join(", ")));
        }
        Ok(())
    }

    pub fn limit(&self) -> usize {
        self.limit.map_or(10_000, |l| (l as usize).min(100_000))
    }

    pub fn keeps(&self, e: &JournalEntry) -> bool {
        let wanted = |f: &Option<String>| f.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
        wanted(&self.alarm).is_none_or(|a| e.alarm.to_lowercase().contains(&a.to_lowercase()))
            && self.priority.is_none_or(|p| e.priority == p)
            && wanted(&self.state).is_none_or(|s| e.to == s)
    }
}

/// The journal's CSV header; times in UTC (RFC 3339), one row per transition.
pub const CSV_HEADER: &str =
    "time,alarm,transition,from,to,priority,value,limit,message,user,comment\n";

use hearth_historian::export::quoted as cell;

impl JournalEntry {
    /// This entry as one CSV row (with its newline), under [`CSV_HEADER`].
    pub fn csv_row(&self) -> String {
        let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            hearth_historian::time::format_ts(hearth_model::Timestamp(self.at_ms), None),
            cell(&self.alarm),
            cell(&self.transition),
            cell(&self.from),
            cell(&self.to),
            self.priority.name(),
            num(self.value),
            num(self.limit),
            cell(&self.message),
            cell(self.user.as_deref().unwrap_or("")),
            cell(self.comment.as_deref().unwrap_or("")),
        )
    }
}

/// The download's file name for a journal from `from_ms` (UTC, so it sorts and never clashes
/// across a DST change).
pub fn csv_file_name(from_ms: i64) -> String {
    let stamp = hearth_historian::time::format_ts(hearth_model::Timestamp(from_ms), None);
    let day: String = stamp.chars().take(16).filter(|c| *c != ':').collect();
    format!("hearth-alarm-journal-{day}.csv")
}

/// Entries as a CSV document, header first.
pub fn to_csv(entries: &[JournalEntry]) -> String {
    let mut out = String::from(CSV_HEADER);
    for e in entries {
        out.push_str(&e.csv_row());
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("alarm journal {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error("{0}")]
    Refused(hearth_historian::FormatError),
    #[error("alarm journal: a damaged entry ({0})")]
    Damaged(String),
}

pub struct Journal {
    db: crate::sled_open::CleanDb,
    path: String,
}

impl Journal {
    pub fn open(dir: &Path) -> Result<Journal, JournalError> {
        let path = dir.display().to_string();
        let sled_err = |error| JournalError::Sled {
            path: path.clone(),
            error,
        };
        let db = crate::sled_open::open_db(dir, 8 << 20).map_err(|e| match e {
            crate::sled_open::OpenError::Damaged(e) => JournalError::Refused(e),
            crate::sled_open::OpenError::Sled(e) => sled_err(e),
        })?;
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
        self.scan(from_ms, to_ms, limit, |_| true)
    }

    /// The entries a query asks for, oldest first; the limit counts kept entries.
    pub fn query(&self, q: &JournalQuery) -> Result<Vec<JournalEntry>, JournalError> {
        self.scan(q.from, q.to, q.limit(), |e| q.keeps(e))
    }

    fn scan(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
        keep: impl Fn(&JournalEntry) -> bool,
    ) -> Result<Vec<JournalEntry>, JournalError> {
        let bound = |ms: i64| ((ms as u64) ^ (1 << 63)).to_be_bytes();
        let mut out = Vec::new();
        for item in self.db.range(bound(from_ms)..bound(to_ms)) {
            if out.len() >= limit {
                break;
            }
            let (_, v) = item.map_err(|error| JournalError::Sled {
                path: self.path.clone(),
                error,
            })?;
            let e: JournalEntry =
                serde_json::from_slice(&v).map_err(|e| JournalError::Damaged(e.to_string()))?;
            if keep(&e) {
                out.push(e);
            }
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

    #[test]
    fn a_query_filters_while_scanning_and_its_limit_counts_what_it_keeps()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let j = Journal::open(dir.path())?;
        let mut low = entry(1_000, "zone1_temp.hi");
        low.priority = Priority::Low;
        let mut ack = entry(2_000, "Zone1_Temp.hi");
        ack.to = "active_acked".into();
        j.append(&[
            low,
            ack,
            entry(3_000, "flue.hi"),
            entry(4_000, "zone1_temp.hihi"),
        ])?;
        let ids = |q: &JournalQuery| -> Result<Vec<String>, JournalError> {
            Ok(j.query(q)?.into_iter().map(|e| e.alarm).collect())
        };
        let all = JournalQuery {
            from: 0,
            to: 10_000,
            ..Default::default()
        };
        let zone = JournalQuery {
            alarm: Some("ZONE1".into()),
            ..all.clone()
        };
        assert_eq!(
            ids(&zone)?,
            ["zone1_temp.hi", "Zone1_Temp.hi", "zone1_temp.hihi"]
        );
        let high = JournalQuery {
            priority: Some(Priority::High),
            ..zone.clone()
        };
        assert_eq!(ids(&high)?, ["Zone1_Temp.hi", "zone1_temp.hihi"]);
        let raised = JournalQuery {
            state: Some("active_unacked".into()),
            limit: Some(2),
            ..all.clone()
        };
        // The first two raised, skipping the acknowledgement between them.
        assert_eq!(ids(&raised)?, ["zone1_temp.hi", "flue.hi"]);
        // Empty fields (a form left blank) filter nothing.
        let blank = JournalQuery {
            alarm: Some(String::new()),
            state: Some(String::new()),
            ..all.clone()
        };
        assert_eq!(ids(&blank)?.len(), 4);
        Ok(())
    }

    #[test]
    fn a_query_with_an_unknown_state_or_an_empty_window_is_refused() {
        let q = JournalQuery {
            from: 0,
            to: 10,
            state: Some("acked".into()),
            ..Default::default()
        };
        assert!(q.check().is_err_and(|e| e.contains("active_acked")));
        let backwards = JournalQuery {
            from: 10,
            to: 10,
            ..Default::default()
        };
        assert!(backwards.check().is_err());
    }

    #[test]
    fn csv_rows_read_back_with_a_csv_reader() -> Result<(), Box<dyn std::error::Error>> {
        let mut e = entry(1_700_000_000_123, "zone1_temp.hi");
        e.comment = Some("checked \"TC\", replaced,\nlater".into());
        e.user = Some("li, wei".into());
        e.limit = Some(1250.5);
        let text = to_csv(&[e.clone(), entry(0, "b")]);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = r.headers()?.iter().map(str::to_owned).collect();
        assert_eq!(header.join(",") + "\n", CSV_HEADER);
        let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>()?;
        assert_eq!(rows.len(), 2);
        let row = &rows[0];
        assert_eq!(&row[0], "2023-11-14T22:13:20.123Z");
        assert_eq!(&row[1], "zone1_temp.hi");
        assert_eq!(&row[5], "high");
        assert_eq!(row[6].parse::<f64>()?, 1.0);
        assert_eq!(row[7].parse::<f64>()?, 1250.5);
        assert_eq!(Some(&row[9]), e.user.as_deref());
        assert_eq!(Some(&row[10]), e.comment.as_deref());
        assert_eq!(&rows[1][7], "");
        Ok(())
    }
}
