//! `hearth alarms`: the active alarms of the running engine; `hearth alarms journal` and
//! `hearth alarms metrics`: the journal of a data dir, through the running engine when there is
//! one, else from the files.

use std::path::Path;

use anyhow::{Context, Result};
use hearth_engine::alarm_metrics::metrics;
use hearth_engine::client::EngineClient;
use hearth_engine::datadir::running_engine;
use hearth_engine::journal::JournalEntry;
use hearth_historian::time::{format_ts, parse_time};
use hearth_model::config::Config;
use hearth_model::{Clock, SystemClock, Timestamp};

fn engine(data_dir: &Path) -> Result<Option<EngineClient>> {
    let Some(info) = running_engine(data_dir) else {
        return Ok(None);
    };
    let url = info.api_url.with_context(|| {
        format!(
            "an engine (pid {}) holds {} but publishes no API address",
            info.pid,
            data_dir.display()
        )
    })?;
    Ok(Some(EngineClient::new(&url)))
}

/// The active alarms, highest priority first.
pub fn active(data_dir: &Path) -> Result<()> {
    let Some(client) = engine(data_dir)? else {
        println!(
            "No engine runs on {}: nothing is being evaluated. `hearth alarms journal` reads what was recorded.",
            data_dir.display()
        );
        return Ok(());
    };
    let list = client
        .alarms()
        .context("asking the engine for its alarms")?;
    if list.is_empty() {
        println!("No alarms.");
    }
    for a in list {
        println!(
            "{:<7} {:<17} {:<28} {}{}",
            format!("{:?}", a.priority).to_lowercase(),
            a.state,
            a.id,
            a.message,
            if a.suppressed { " (suppressed)" } else { "" }
        );
    }
    Ok(())
}

fn window(config: &Config, from: &str, to: &str) -> Result<(i64, i64)> {
    let now = SystemClock.now();
    let tz = config.plant.time_zone;
    let f = parse_time(from, now, tz).context("--from")?;
    let t = parse_time(to, now, tz).context("--to")?;
    anyhow::ensure!(
        t > f,
        "--to ({}) must be after --from ({})",
        format_ts(t, Some(tz)),
        format_ts(f, Some(tz))
    );
    Ok((f.0, t.0))
}

fn journal_of(
    config: &Config,
    data_dir: &Path,
    from: &str,
    to: &str,
) -> Result<(i64, i64, Vec<JournalEntry>)> {
    let (f, t) = window(config, from, to)?;
    let entries = match engine(data_dir)? {
        Some(client) => client
            .alarm_journal(f, t)
            .context("asking the engine for the journal")?,
        None => hearth_engine::offline::alarm_journal(data_dir, f, t)?,
    };
    Ok((f, t, entries))
}

/// Quote a CSV cell when it needs it.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn journal(config: &Config, data_dir: &Path, from: &str, to: &str, csv: bool) -> Result<()> {
    let (_, _, entries) = journal_of(config, data_dir, from, to)?;
    let tz = config.plant.time_zone;
    if csv {
        println!("time,alarm,transition,from,to,priority,value,message,user,comment");
    }
    for e in &entries {
        let time = format_ts(Timestamp(e.at_ms), if csv { None } else { Some(tz) });
        let value = e.value.map(|v| v.to_string()).unwrap_or_default();
        let priority = format!("{:?}", e.priority).to_lowercase();
        if csv {
            println!(
                "{},{},{},{},{},{},{},{},{},{}",
                time,
                cell(&e.alarm),
                e.transition,
                e.from,
                e.to,
                priority,
                value,
                cell(&e.message),
                cell(e.user.as_deref().unwrap_or("")),
                cell(e.comment.as_deref().unwrap_or(""))
            );
        } else {
            println!(
                "{time}  {:<28} {:<14} {:<7} {}{}",
                e.alarm,
                e.transition,
                priority,
                e.message,
                e.user
                    .as_deref()
                    .map(|u| format!(" (by {u})"))
                    .unwrap_or_default()
            );
        }
    }
    if !csv && entries.is_empty() {
        println!("No alarm activity in this period.");
    }
    Ok(())
}

pub fn print_metrics(config: &Config, data_dir: &Path, from: &str, to: &str) -> Result<()> {
    let (f, t, entries) = journal_of(config, data_dir, from, to)?;
    let m = metrics(&entries, f, t, config.alarms.flood_threshold_per_10min);
    let tz = config.plant.time_zone;
    println!(
        "Alarm metrics {} to {}",
        format_ts(Timestamp(f), Some(tz)),
        format_ts(Timestamp(t), Some(tz))
    );
    println!("  annunciations           {}", m.annunciations);
    println!(
        "  per 10 min, average     {:.2}  (target about 1)",
        m.per_10min_average
    );
    println!("  per 10 min, busiest     {}", m.per_10min_max);
    println!(
        "  time in flood           {:.1} %  (more than {} in 10 min)",
        m.time_in_flood_percent, m.flood_threshold
    );
    let total = m.by_priority.iter().map(|(_, n)| *n).sum::<u32>().max(1);
    for (p, n) in &m.by_priority {
        println!(
            "  {:<23} {n} ({:.0} %)",
            format!("{p:?}").to_lowercase(),
            f64::from(*n) * 100.0 / f64::from(total)
        );
    }
    println!(
        "  chattering              {}",
        if m.chattering.is_empty() {
            "none".into()
        } else {
            m.chattering.join(", ")
        }
    );
    println!(
        "  stale (active > 1 day)  {}",
        if m.stale.is_empty() {
            "none".into()
        } else {
            m.stale.join(", ")
        }
    );
    println!("  most frequent:");
    for c in &m.top_ten {
        println!("    {:>5}  {}", c.count, c.alarm);
    }
    Ok(())
}
