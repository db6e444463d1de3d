//! Periods an engineer marks as start-up, shutdown or analyser calibration, excluded from the
//! emissions averages like time flagged by the PLC. The marks are an append-only log in a sled
//! database of their own (`DATA_DIR/emissions`): adding and withdrawing are both entries, with
//! who, when and why, flushed before the engineer is told it took; nothing is ever rewritten.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    Startup,
    Shutdown,
    Calibration,
}

/// A marked period, as it stands (withdrawn or not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Mark {
    pub id: u64,
    pub kind: MarkKind,
    pub from_ms: i64,
    pub to_ms: i64,
    pub reason: String,
    pub user: String,
    /// When it was marked, epoch ms.
    pub at_ms: i64,
    /// Withdrawn: by whom, when and why.
    pub withdrawn: Option<Withdrawal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Withdrawal {
    pub user: String,
    pub at_ms: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MarkRequest {
    pub kind: MarkKind,
    pub from_ms: i64,
    pub to_ms: i64,
    pub reason: String,
    #[serde(default)]
    pub user: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WithdrawRequest {
    pub id: u64,
    pub reason: String,
    #[serde(default)]
    pub user: String,
}

/// One entry of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Entry {
    Add(Mark),
    Withdraw { id: u64, w: Withdrawal },
}

#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    #[error("emission marks at {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error("{0}")]
    Unopened(hearth_historian::FormatError),
    #[error("emission marks: a damaged entry ({0})")]
    Damaged(String),
    #[error("{0}")]
    Refused(String),
}

/// Longest period one mark may cover: a long outage is marked day by day, deliberately.
const LONGEST_MS: i64 = 7 * 86_400_000;

pub struct Marks {
    db: crate::sled_open::CleanDb,
    path: String,
}

impl Marks {
    pub fn open(dir: &Path) -> Result<Marks, MarkError> {
        let path = dir.display().to_string();
        let db = crate::sled_open::open_db(dir, 1 << 20).map_err(|e| match e {
            crate::sled_open::OpenError::Damaged(e) => MarkError::Unopened(e),
            crate::sled_open::OpenError::Sled(error) => MarkError::Sled {
                path: path.clone(),
                error,
            },
        })?;
        Ok(Marks { db, path })
    }

    fn sled(&self, error: sled::Error) -> MarkError {
        MarkError::Sled {
            path: self.path.clone(),
            error,
        }
    }

    fn next_id(&self) -> Result<u64, MarkError> {
        self.db.generate_id().map_err(|e| self.sled(e))
    }

    /// Write one log entry under `key` and flush it: on disk before the caller is answered.
    fn write(&self, key: u64, e: &Entry) -> Result<(), MarkError> {
        let v = serde_json::to_vec(e).map_err(|e| MarkError::Damaged(e.to_string()))?;
        self.db
            .insert(key.to_be_bytes(), v)
            .map_err(|e| self.sled(e))?;
        self.db.flush().map_err(|e| self.sled(e))?;
        Ok(())
    }

    /// Mark a period; refused without a reason, backwards, or longer than a week.
    pub fn add(&self, req: &MarkRequest, now_ms: i64) -> Result<Mark, MarkError> {
        if req.reason.trim().is_empty() {
            return Err(MarkError::Refused("a mark needs a reason".into()));
        }
        if req.to_ms <= req.from_ms {
            return Err(MarkError::Refused(
                "the period must end after it starts".into(),
            ));
        }
        if req.to_ms - req.from_ms > LONGEST_MS {
            return Err(MarkError::Refused("mark at most a week at a time".into()));
        }
        // The id is the log key of the entry that adds it.
        let id = self.next_id()?;
        let mark = Mark {
            id,
            kind: req.kind,
            from_ms: req.from_ms,
            to_ms: req.to_ms,
            reason: req.reason.trim().to_owned(),
            user: req.user.clone(),
            at_ms: now_ms,
            withdrawn: None,
        };
        self.write(id, &Entry::Add(mark.clone()))?;
        Ok(mark)
    }

    /// Withdraw a mark (it stays in the log, and in the list, as withdrawn).
    pub fn withdraw(&self, req: &WithdrawRequest, now_ms: i64) -> Result<Mark, MarkError> {
        if req.reason.trim().is_empty() {
            return Err(MarkError::Refused(
                "withdrawing a mark needs a reason".into(),
            ));
        }
        let Some(mut mark) = self.all()?.into_iter().find(|m| m.id == req.id) else {
            return Err(MarkError::Refused(format!("no mark {}", req.id)));
        };
        if mark.withdrawn.is_some() {
            return Err(MarkError::Refused(format!(
                "mark {} is already withdrawn",
                req.id
            )));
        }
        let w = Withdrawal {
            user: req.user.clone(),
            at_ms: now_ms,
            reason: req.reason.trim().to_owned(),
        };
        self.write(
            self.next_id()?,
            &Entry::Withdraw {
                id: req.id,
                w: w.clone(),
            },
        )?;
        mark.withdrawn = Some(w);
        Ok(mark)
    }

    /// Every mark, as it stands, in the order they were made.
    pub fn all(&self) -> Result<Vec<Mark>, MarkError> {
        let mut marks: Vec<Mark> = Vec::new();
        for item in self.db.iter() {
            let (_, v) = item.map_err(|e| self.sled(e))?;
            match serde_json::from_slice::<Entry>(&v)
                .map_err(|e| MarkError::Damaged(e.to_string()))?
            {
                Entry::Add(m) => marks.push(m),
                Entry::Withdraw { id, w } => {
                    if let Some(m) = marks.iter_mut().find(|m| m.id == id) {
                        m.withdrawn = Some(w);
                    }
                }
            }
        }
        Ok(marks)
    }

    /// Marks overlapping `[from_ms, to_ms)`, withdrawn ones included.
    pub fn overlapping(&self, from_ms: i64, to_ms: i64) -> Result<Vec<Mark>, MarkError> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|m| m.from_ms < to_ms && m.to_ms > from_ms)
            .collect())
    }
}

/// The marked periods in effect among `marks`, for the averages.
pub fn in_effect(marks: &[Mark]) -> Vec<(i64, i64)> {
    marks
        .iter()
        .filter(|m| m.withdrawn.is_none())
        .map(|m| (m.from_ms, m.to_ms))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(from: i64, to: i64, reason: &str) -> MarkRequest {
        MarkRequest {
            kind: MarkKind::Calibration,
            from_ms: from,
            to_ms: to,
            reason: reason.into(),
            user: "li".into(),
        }
    }

    #[test]
    fn marks_survive_a_reopen_and_a_withdrawal_is_kept_not_erased()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let id = {
            let m = Marks::open(dir.path())?;
            let a = m.add(&req(1_000, 2_000, "NOx analyser span check"), 5)?;
            m.add(&req(3_000, 4_000, "start-up after the reline"), 6)?;
            m.withdraw(
                &WithdrawRequest {
                    id: a.id,
                    reason: "marked the wrong hour".into(),
                    user: "wang".into(),
                },
                7,
            )?;
            a.id
        };
        let m = Marks::open(dir.path())?;
        let all = m.all()?;
        assert_eq!(all.len(), 2);
        let first = all.iter().find(|x| x.id == id).ok_or("lost")?;
        assert_eq!(
            first.withdrawn.as_ref().map(|w| w.user.as_str()),
            Some("wang")
        );
        assert_eq!(in_effect(&all), vec![(3_000, 4_000)]);
        assert_eq!(m.overlapping(0, 1_500)?.len(), 1);
        assert!(m.overlapping(2_000, 3_000)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_mark_needs_a_reason_a_forward_period_and_at_most_a_week()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let m = Marks::open(dir.path())?;
        assert!(matches!(
            m.add(&req(1, 2, "  "), 0),
            Err(MarkError::Refused(_))
        ));
        assert!(matches!(
            m.add(&req(2, 1, "x"), 0),
            Err(MarkError::Refused(_))
        ));
        assert!(matches!(
            m.add(&req(0, LONGEST_MS + 1, "x"), 0),
            Err(MarkError::Refused(_))
        ));
        let a = m.add(&req(1, 2, "x"), 0)?;
        let w = WithdrawRequest {
            id: a.id,
            reason: "y".into(),
            user: String::new(),
        };
        m.withdraw(&w, 1)?;
        assert!(matches!(m.withdraw(&w, 2), Err(MarkError::Refused(_))));
        assert!(m.all()?.len() == 1);
        Ok(())
    }
}
