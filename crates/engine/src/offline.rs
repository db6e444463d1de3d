//! Reading a data dir when no engine holds it: the CLI opens the files itself, holding the
//! data dir's lock for the duration so an engine cannot start underneath it.

use std::path::Path;

use hearth_historian::{Historian, SledHistorian};
use hearth_model::api::{DeviceStatus, EngineStatus};
use hearth_model::config::Config;

use crate::datadir::{DataDir, dir_size};
use crate::engine::EngineError;
use crate::history::historian_options;

/// `hearth status` without an engine.
pub fn status(config: &Config, data_dir: &Path) -> Result<EngineStatus, EngineError> {
    let lock = DataDir::acquire(data_dir)?;
    let historian_dir = data_dir.join("historian");
    let (stored, oldest, newest) = if historian_dir.exists() {
        let h = SledHistorian::open(&historian_dir, historian_options(config))?;
        let s = h.summary()?;
        (s.series, s.oldest, s.newest)
    } else {
        (0, None, None)
    };
    drop(lock);
    Ok(EngineStatus {
        source: "data-dir".into(),
        pid: None,
        api_url: None,
        data_dir: data_dir.display().to_string(),
        data_dir_bytes: dir_size(data_dir),
        devices: config
            .devices
            .iter()
            .map(|d| DeviceStatus::idle(&d.name, d.address()))
            .collect(),
        tag_count: config.tags.len() as u32,
        stored_tags: stored,
        oldest_sample: oldest.map(|t| t.to_rfc3339()),
        newest_sample: newest.map(|t| t.to_rfc3339()),
        historian_error: None,
        historian_buffered_bytes: 0,
        historian_dropped: 0,
        // Everything in the files is on disk.
        durable_until_ms: None,
        clock_skew_ms: 0,
        historian_refused: 0,
    })
}

/// Open the data dir's historian for reading while no engine runs, holding the data dir's lock.
pub fn open_historian(
    config: &Config,
    data_dir: &Path,
) -> Result<(DataDir, SledHistorian), EngineError> {
    let lock = DataDir::acquire(data_dir)?;
    let h = SledHistorian::open(&data_dir.join("historian"), historian_options(config))?;
    Ok((lock, h))
}

/// The alarm journal of a data dir no engine runs on, read under the data dir's lock: all of
/// `[from_ms, to_ms)` (for the metrics).
pub fn alarm_journal(
    data_dir: &Path,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<crate::journal::JournalEntry>, EngineError> {
    with_journal(data_dir, |j| j.range(from_ms, to_ms, usize::MAX))
}

/// What a journal query asks for, from a data dir no engine runs on.
pub fn alarm_journal_query(
    data_dir: &Path,
    q: &crate::journal::JournalQuery,
) -> Result<Vec<crate::journal::JournalEntry>, EngineError> {
    with_journal(data_dir, |j| j.query(q))
}

fn with_journal(
    data_dir: &Path,
    read: impl FnOnce(
        &crate::journal::Journal,
    ) -> Result<Vec<crate::journal::JournalEntry>, crate::journal::JournalError>,
) -> Result<Vec<crate::journal::JournalEntry>, EngineError> {
    let _lock = DataDir::acquire(data_dir)?;
    let dir = data_dir.join("alarms");
    if !dir.exists() {
        // No engine has run alarms here yet: an empty journal, and nothing created.
        return Ok(Vec::new());
    }
    let journal = crate::journal::Journal::open(&dir)?;
    Ok(read(&journal)?)
}

/// The audit log of a data dir no engine runs on, read under the data dir's lock; None when
/// nothing was ever audited there (nothing is created).
fn with_audit<T>(
    data_dir: &Path,
    read: impl FnOnce(&crate::audit::AuditLog) -> Result<T, crate::audit::AuditError>,
) -> Result<Option<T>, EngineError> {
    let _lock = DataDir::acquire(data_dir)?;
    let dir = data_dir.join("audit");
    if !dir.exists() {
        return Ok(None);
    }
    match crate::audit::AuditLog::open(&dir) {
        Ok(log) => Ok(Some(read(&log)?)),
        // Changed since Hearth closed it: the files are left as they are, and a copy is read,
        // so the chain can still say which records were touched.
        Err(crate::audit::AuditError::Refused(why)) => {
            tracing::warn!(%why, "reading a copy of the audit log");
            let copy = tempfile::tempdir().map_err(|e| EngineError::Internal(e.to_string()))?;
            let to = copy.path().join("audit");
            copy_tree(&dir, &to).map_err(|e| EngineError::Internal(e.to_string()))?;
            let head = dir.with_extension("head");
            if head.exists() {
                std::fs::copy(&head, to.with_extension("head"))
                    .map_err(|e| EngineError::Internal(e.to_string()))?;
            }
            // The copy is opened as it is: its manifest is the very thing that no longer fits.
            let _ = std::fs::remove_file(to.join("CLEAN"));
            let log = crate::audit::AuditLog::open(&to)?;
            Ok(Some(read(&log)?))
        }
        Err(e) => Err(e.into()),
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_tree(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

/// What an audit query asks for, from a data dir no engine runs on.
pub fn audit(
    data_dir: &Path,
    q: &crate::audit::AuditQuery,
) -> Result<Vec<crate::audit::AuditEntry>, EngineError> {
    Ok(with_audit(data_dir, |log| log.query(q))?.unwrap_or_default())
}

/// Walk the audit log's chain in a data dir no engine runs on. The files are only read.
pub fn audit_verify(data_dir: &Path) -> Result<crate::audit::AuditVerification, EngineError> {
    Ok(
        with_audit(data_dir, |log| log.verify())?.unwrap_or(crate::audit::AuditVerification {
            records: 0,
            head_hash: crate::audit::GENESIS.to_owned(),
            problems: Vec::new(),
        }),
    )
}

/// A day's emissions report from a data dir no engine runs on.
pub fn emissions_day(
    config: &Config,
    data_dir: &Path,
    date: Option<&str>,
    now_ms: i64,
) -> Result<crate::accounting::DayReport, EngineError> {
    let (_lock, h) = open_historian(config, data_dir)?;
    let day = crate::accounting::day_period(config, date, now_ms)?;
    let marks = marks_in(data_dir, day.start_ms, day.end_ms)?;
    crate::accounting::day_report(&h, config, &day, marks, now_ms)
}

/// A month's emissions report from a data dir no engine runs on.
pub fn emissions_month(
    config: &Config,
    data_dir: &Path,
    month: Option<&str>,
    now_ms: i64,
) -> Result<crate::accounting::MonthReport, EngineError> {
    let (_lock, h) = open_historian(config, data_dir)?;
    let m = crate::accounting::month_period(config, month, now_ms)?;
    let marks = marks_in(data_dir, m.start_ms, m.end_ms)?;
    crate::accounting::month_report(&h, config, &m, marks, now_ms)
}

/// The marks of a data dir over a window (none when nobody ever marked anything).
fn marks_in(
    data_dir: &Path,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<crate::marks::Mark>, EngineError> {
    let dir = data_dir.join("emissions");
    if !dir.exists() {
        return Ok(Vec::new());
    }
    Ok(crate::marks::Marks::open(&dir)?.overlapping(from_ms, to_ms)?)
}
