//! The audit log: every setpoint write attempted (sent or refused), every run-time settings
//! change and every simulator command, in a sled database of its own (`audit/`). Append-only and
//! hash-chained: each record carries the SHA-256 of the one before and its own, and the newest
//! sequence number and hash are kept apart in `audit.head`, so an edited, deleted or reordered
//! record, or a deleted tail, is found by `hearth audit verify`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// How messages name the head file.
const HEAD_FILE: &str = "audit.head";
/// What the first record chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    /// Sent and confirmed (a write read back equal; a change applied).
    Ok,
    /// Refused before anything was sent or changed.
    Rejected,
    /// Sent and refused or not taken by the PLC (exception, read-back mismatch), or no
    /// connection to send on.
    Failed,
    /// Sent, then the connection was lost before the reply: the read-back says what happened.
    Unknown,
}

impl AuditOutcome {
    pub fn name(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Rejected => "rejected",
            AuditOutcome::Failed => "failed",
            AuditOutcome::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// A setpoint write to a PLC.
    Write,
    /// A setting changed at run time (Settings page), written back to the config file.
    Setting,
    /// A command to a simulator (faults, speed, pace...).
    Simulator,
    /// An optimiser suggestion accepted or rejected (the writes that apply it are `Write`s
    /// naming it).
    Suggestion,
}

/// What is recorded, before it gets its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEvent {
    /// Epoch ms.
    pub at_ms: i64,
    pub user: String,
    pub kind: AuditKind,
    /// `manual`, `suggestion SID`, `settings page`, `simulator page`.
    pub source: String,
    /// The tag written or the setting's dotted key.
    pub target: String,
    pub device: Option<String>,
    pub unit: String,
    pub old_value: Option<String>,
    pub requested: String,
    pub read_back: Option<String>,
    pub reason: String,
    pub outcome: AuditOutcome,
    /// Why it was refused, how it failed, or how an unknown outcome was resolved.
    pub detail: String,
}

/// An event in its place in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    pub seq: u64,
    #[serde(flatten)]
    pub event: AuditEvent,
    /// Hex SHA-256 of the record before ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this record with `hash` empty.
    pub hash: String,
}

impl std::ops::Deref for AuditEntry {
    type Target = AuditEvent;
    fn deref(&self) -> &AuditEvent {
        &self.event
    }
}

impl AuditEntry {
    fn chained(seq: u64, event: AuditEvent, prev_hash: String) -> AuditEntry {
        let mut entry = AuditEntry {
            seq,
            event,
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry.digest();
        entry
    }

    /// The hash this record should carry: over its JSON with `hash` empty (field order is the
    /// struct's, so the bytes are stable).
    pub fn digest(&self) -> String {
        let mut unhashed = self.clone();
        unhashed.hash.clear();
        let bytes = serde_json::to_vec(&unhashed).unwrap_or_default();
        hex(&Sha256::digest(&bytes))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A query over the log: `[from, to)` in epoch ms and filters; the same for every face.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditQuery {
    pub from: i64,
    pub to: i64,
    /// At most this many, newest first [default 1000, at most 100 000].
    #[serde(default)]
    pub limit: Option<u32>,
    /// Records whose target (tag or setting) contains this, ignoring case.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub outcome: Option<AuditOutcome>,
}

impl AuditQuery {
    pub fn limit(&self) -> usize {
        self.limit.map_or(1000, |l| (l as usize).min(100_000))
    }

    pub fn keeps(&self, e: &AuditEntry) -> bool {
        (self.from..self.to).contains(&e.at_ms)
            && self
                .target
                .as_deref()
                .filter(|t| !t.is_empty())
                .is_none_or(|t| e.target.to_lowercase().contains(&t.to_lowercase()))
            && self.outcome.is_none_or(|o| e.outcome == o)
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditVerification {
    pub records: u64,
    /// The newest record's hash: write it down elsewhere (a shift report) to anchor the log.
    pub head_hash: String,
    /// Every break in the chain, in order; empty when the log is intact.
    pub problems: Vec<String>,
}

impl AuditVerification {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit log {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error("{0}")]
    Refused(hearth_historian::FormatError),
    #[error("audit log {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("audit log: record {0} cannot be read")]
    Damaged(String),
}

/// The newest record, kept in a file beside the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

pub struct AuditLog {
    db: crate::sled_open::CleanDb,
    path: String,
    head_file: PathBuf,
    /// The next sequence number and the hash to chain to; one writer at a time.
    tail: Mutex<(u64, String)>,
}

impl AuditLog {
    /// Open (or create) the log in `dir`; the head file lives beside it, in the data dir.
    pub fn open(dir: &Path) -> Result<AuditLog, AuditError> {
        let path = dir.display().to_string();
        let db = crate::sled_open::open_db(dir, 1 << 20).map_err(|e| match e {
            crate::sled_open::OpenError::Damaged(e) => AuditError::Refused(e),
            crate::sled_open::OpenError::Sled(error) => AuditError::Sled {
                path: path.clone(),
                error,
            },
        })?;
        // `audit/` -> `audit.head`, beside it in the data dir.
        let head_file = dir.with_extension("head");
        let log = AuditLog {
            db,
            path,
            head_file,
            tail: Mutex::new((0, GENESIS.to_owned())),
        };
        let last = log.last()?;
        if let Some(last) = &last {
            if let Ok(mut t) = log.tail.lock() {
                *t = (last.seq + 1, last.hash.clone());
            }
            if log
                .read_head()
                .is_none_or(|h| h.seq != last.seq || h.hash != last.hash)
            {
                tracing::error!(
                    records = last.seq + 1,
                    "the audit log's newest record does not match audit.head: run `hearth audit verify`"
                );
            }
        }
        Ok(log)
    }

    fn sled(&self, error: sled::Error) -> AuditError {
        AuditError::Sled {
            path: self.path.clone(),
            error,
        }
    }

    fn last(&self) -> Result<Option<AuditEntry>, AuditError> {
        match self.db.last().map_err(|e| self.sled(e))? {
            None => Ok(None),
            Some((k, v)) => decode(&k, &v).map(Some),
        }
    }

    fn read_head(&self) -> Option<Head> {
        let text = std::fs::read_to_string(&self.head_file).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn write_head(&self, head: &Head) -> Result<(), AuditError> {
        let io = |error| AuditError::Io {
            path: self.head_file.display().to_string(),
            error,
        };
        let tmp = self.head_file.with_extension("head.tmp");
        let text = serde_json::to_string(head).map_err(|e| io(std::io::Error::other(e)))?;
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &self.head_file).map_err(io)
    }

    /// Append one record and flush it (and the head) to disk before returning it: an attempt the
    /// user saw answered is on record.
    pub fn append(&self, event: AuditEvent) -> Result<AuditEntry, AuditError> {
        let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        let entry = AuditEntry::chained(tail.0, event, tail.1.clone());
        let value = serde_json::to_vec(&entry).map_err(|e| AuditError::Damaged(e.to_string()))?;
        self.db
            .insert(entry.seq.to_be_bytes(), value)
            .map_err(|e| self.sled(e))?;
        self.db.flush().map_err(|e| self.sled(e))?;
        self.write_head(&Head {
            seq: entry.seq,
            hash: entry.hash.clone(),
        })?;
        *tail = (entry.seq + 1, entry.hash.clone());
        tracing::info!(
            seq = entry.seq,
            user = %entry.user,
            target = %entry.target,
            requested = %entry.requested,
            outcome = entry.outcome.name(),
            detail = %entry.detail,
            "audit"
        );
        Ok(entry)
    }

    /// Records a query asks for, newest first.
    pub fn query(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, AuditError> {
        let mut out = Vec::new();
        for item in self.db.iter().rev() {
            if out.len() >= q.limit() {
                break;
            }
            let (k, v) = item.map_err(|e| self.sled(e))?;
            let e = decode(&k, &v)?;
            if q.keeps(&e) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Walk the whole chain: sequence numbers without gaps, each record's hash its own and
    /// chained to the one before, and the newest the one `audit.head` names.
    pub fn verify(&self) -> Result<AuditVerification, AuditError> {
        let mut problems = Vec::new();
        let mut expected_seq = 0u64;
        let mut prev = GENESIS.to_owned();
        let mut records = 0u64;
        for item in self.db.iter() {
            let (k, v) = item.map_err(|e| self.sled(e))?;
            records += 1;
            let e = match decode(&k, &v) {
                Ok(e) => e,
                Err(err) => {
                    problems.push(err.to_string());
                    continue;
                }
            };
            if e.seq != expected_seq {
                problems.push(format!(
                    "record {expected_seq}{} is missing",
                    if e.seq > expected_seq + 1 {
                        format!(" to {}", e.seq - 1)
                    } else {
                        String::new()
                    }
                ));
            }
            if e.prev_hash != prev {
                problems.push(format!(
                    "record {} does not chain to the record before it",
                    e.seq
                ));
            }
            if e.digest() != e.hash {
                problems.push(format!(
                    "record {} was changed after it was written (its hash does not match)",
                    e.seq
                ));
            }
            expected_seq = e.seq + 1;
            prev = e.hash;
        }
        match (self.read_head(), records) {
            (None, 0) => {}
            (None, _) => problems.push(format!("{HEAD_FILE} is missing")),
            // The head is written just after its record: one behind is a crash between the two,
            // more is not.
            (Some(h), _) if h.seq + 2 < expected_seq => {
                problems.push(format!(
                    "{HEAD_FILE} names record {} but the log goes on to {}",
                    h.seq,
                    expected_seq - 1
                ));
            }
            (Some(h), _) if h.seq + 1 < expected_seq => {}
            (Some(h), _)
                if h.seq + 1 > expected_seq || (h.seq + 1 == expected_seq && h.hash != prev) =>
            {
                problems.push(format!(
                    "{HEAD_FILE} names record {} with another hash: the newest records were deleted or changed",
                    h.seq
                ));
            }
            _ => {}
        }
        Ok(AuditVerification {
            records,
            head_hash: prev,
            problems,
        })
    }
}

fn decode(k: &[u8], v: &[u8]) -> Result<AuditEntry, AuditError> {
    let seq = <[u8; 8]>::try_from(k)
        .map(u64::from_be_bytes)
        .map_or_else(|_| format!("{k:?}"), |s| s.to_string());
    let e: AuditEntry =
        serde_json::from_slice(v).map_err(|err| AuditError::Damaged(format!("{seq}: {err}")))?;
    if e.seq.to_string() != seq {
        return Err(AuditError::Damaged(format!(
            "{seq}: it says it is record {}",
            e.seq
        )));
    }
    Ok(e)
}

/// The log's CSV header; times in UTC (RFC 3339).
pub const CSV_HEADER: &str = "seq,time,user,kind,source,target,device,unit,old_value,requested,read_back,reason,outcome,detail,hash\n";

/// Records as a CSV document, header first.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    use hearth_historian::export::quoted as cell;
    let mut out = String::from(CSV_HEADER);
    for e in entries {
        let kind = match e.kind {
            AuditKind::Write => "write",
            AuditKind::Setting => "setting",
            AuditKind::Simulator => "simulator",
            AuditKind::Suggestion => "suggestion",
        };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            e.seq,
            hearth_historian::time::format_ts(hearth_model::Timestamp(e.at_ms), None),
            cell(&e.user),
            kind,
            cell(&e.source),
            cell(&e.target),
            cell(e.device.as_deref().unwrap_or("")),
            cell(&e.unit),
            cell(e.old_value.as_deref().unwrap_or("")),
            cell(&e.requested),
            cell(e.read_back.as_deref().unwrap_or("")),
            cell(&e.reason),
            e.outcome.name(),
            cell(&e.detail),
            e.hash,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(target: &str, outcome: AuditOutcome) -> AuditEvent {
        AuditEvent {
            at_ms: 1_000,
            user: "li.wei".into(),
            kind: AuditKind::Write,
            source: "manual".into(),
            target: target.into(),
            device: Some("furnace".into()),
            unit: "degC".into(),
            old_value: Some("1180".into()),
            requested: "1190".into(),
            read_back: Some("1190".into()),
            reason: "trim".into(),
            outcome,
            detail: String::new(),
        }
    }

    fn three(dir: &Path) -> Result<AuditLog, AuditError> {
        let log = AuditLog::open(dir)?;
        for t in ["zone1_sp", "zone2_sp", "o2_sp"] {
            log.append(event(t, AuditOutcome::Ok))?;
        }
        Ok(log)
    }

    #[test]
    fn an_untouched_log_verifies_and_continues_its_chain_after_a_reopen()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("audit");
        drop(three(&db)?);
        let log = AuditLog::open(&db)?;
        let e = log.append(event("zone3_sp", AuditOutcome::Rejected))?;
        assert_eq!(e.seq, 3);
        let v = log.verify()?;
        assert!(v.intact(), "{:?}", v.problems);
        assert_eq!(v.records, 4);
        assert_eq!(v.head_hash, e.hash);
        Ok(())
    }

    #[test]
    fn an_edited_record_is_found() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let log = three(&dir.path().join("audit"))?;
        let key = 1u64.to_be_bytes();
        let raw = log.db.get(key)?.ok_or("no record 1")?;
        let edited = String::from_utf8(raw.to_vec())?.replace("\"1190\"", "\"1300\"");
        log.db.insert(key, edited.as_bytes())?;
        let v = log.verify()?;
        assert_eq!(
            v.problems,
            vec!["record 1 was changed after it was written (its hash does not match)"]
        );
        Ok(())
    }

    #[test]
    fn a_deleted_record_and_a_deleted_tail_are_found() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let log = three(&dir.path().join("audit"))?;
        log.db.remove(1u64.to_be_bytes())?;
        let v = log.verify()?;
        assert!(
            v.problems.iter().any(|p| p == "record 1 is missing"),
            "{:?}",
            v.problems
        );
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("record 2 does not chain"))
        );

        let dir = tempfile::tempdir()?;
        let log = three(&dir.path().join("audit"))?;
        log.db.remove(2u64.to_be_bytes())?;
        let v = log.verify()?;
        assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
        assert!(
            v.problems[0].contains("newest records were deleted"),
            "{:?}",
            v.problems
        );
        Ok(())
    }

    #[test]
    fn queries_come_newest_first_and_filter() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let log = three(&dir.path().join("audit"))?;
        log.append(event("zone1_sp", AuditOutcome::Rejected))?;
        let q = AuditQuery {
            from: 0,
            to: 10_000,
            target: Some("ZONE1".into()),
            ..Default::default()
        };
        let got: Vec<u64> = log.query(&q)?.iter().map(|e| e.seq).collect();
        assert_eq!(got, vec![3, 0]);
        let q = AuditQuery {
            outcome: Some(AuditOutcome::Rejected),
            ..q
        };
        assert_eq!(log.query(&q)?.len(), 1);
        let csv = to_csv(&log.query(&q)?);
        assert!(csv.starts_with(CSV_HEADER) && csv.contains(",rejected,"));
        Ok(())
    }
}
