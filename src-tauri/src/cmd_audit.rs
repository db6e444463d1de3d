//! `hearth audit verify` and `hearth audit list`: the audit log of a data dir, through the
//! running engine when there is one, else from the files (which are only read).
//! `hearth hash-password`: a password hash for a `[[server.user]]` entry.

use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::{Context, Result};
use hearth_engine::audit::AuditQuery;
use hearth_historian::time::format_ts;
use hearth_model::Timestamp;
use hearth_model::config::Config;

/// Exit code 0 when the chain is intact, 1 when it is not.
pub fn verify(data_dir: &Path) -> Result<i32> {
    let v = match crate::attach::engine(data_dir)? {
        Some(client) => client
            .audit_verify()
            .context("asking the engine to verify its audit log")?,
        None => hearth_engine::offline::audit_verify(data_dir)?,
    };
    let mut out = std::io::stdout().lock();
    if v.intact() {
        writeln!(
            out,
            "Audit log intact: {} records, newest hash {}",
            v.records, v.head_hash
        )?;
        Ok(0)
    } else {
        writeln!(
            out,
            "AUDIT LOG TAMPERED: {} problem(s) in {} records",
            v.problems.len(),
            v.records
        )?;
        for p in &v.problems {
            writeln!(out, "  {p}")?;
        }
        Ok(1)
    }
}

pub fn list(config: &Config, data_dir: &Path, q: &AuditQuery, csv: bool) -> Result<()> {
    let entries = match crate::attach::engine(data_dir)? {
        Some(client) => client
            .audit(q)
            .context("asking the engine for its audit log")?,
        None => hearth_engine::offline::audit(data_dir, q)?,
    };
    let mut out = std::io::stdout().lock();
    if csv {
        out.write_all(hearth_engine::audit::to_csv(&entries).as_bytes())?;
        return Ok(());
    }
    let tz = config.plant.time_zone;
    for e in &entries {
        writeln!(
            out,
            "{:>5} {}  {:<9} {:<16} {:>10} -> {:<10} read back {:<10} {:<16} {}{}",
            e.seq,
            format_ts(Timestamp(e.at_ms), Some(tz)),
            e.outcome.name(),
            e.target,
            e.old_value.as_deref().unwrap_or("-"),
            e.requested,
            e.read_back.as_deref().unwrap_or("-"),
            e.user,
            e.reason,
            if e.detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.detail)
            }
        )?;
    }
    if entries.is_empty() {
        writeln!(out, "Nothing audited in this period.")?;
    }
    Ok(())
}

pub fn hash_password() -> Result<()> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']);
    anyhow::ensure!(
        password.chars().count() >= 8,
        "a password needs at least 8 characters"
    );
    let hash = hearth_engine::hash_password(password).map_err(anyhow::Error::msg)?;
    println!("{hash}");
    Ok(())
}
