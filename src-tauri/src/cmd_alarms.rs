//! `hearth alarms`: the active alarms of the running engine; `hearth alarms journal` and
//! `hearth alarms metrics`: the journal of a data dir, through the running engine when there is
//! one, else from the files.

use std::path::Path;

use anyhow::{Context, Result};
use hearth_engine::alarm_metrics::metrics;
use hearth_engine::journal::JournalQuery;
use hearth_historian::time::{format_ts, parse_time};
use hearth_model::config::Config;
use hearth_model::{Clock, SystemClock, Timestamp};
use std::io::Write;

/// Why an alarm listed is not annunciated, if it is not.
fn silenced(a: &hearth_engine::alarming::ActiveAlarm, config: &Config) -> String {
    if a.out_of_service {
        " (out of service)".into()
    } else if a.shelved {
        match a.shelved_until_ms {
            Some(until) => format!(
                " (shelved until {})",
                format_ts(Timestamp(until), Some(config.plant.time_zone))
            ),
            None => " (shelved until it returns)".into(),
        }
    } else if a.suppressed {
        " (suppressed)".into()
    } else {
        String::new()
    }
}

/// The active alarms, highest priority first.
pub fn active(config: &Config, data_dir: &Path) -> Result<()> {
    let Some(client) = crate::attach::engine(data_dir)? else {
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
            a.priority.name(),
            a.state,
            a.id,
            a.message,
            silenced(&a, config)
        );
    }
    Ok(())
}

/// `--from` and `--to` in the plant's time, as epoch ms.
pub fn window(config: &Config, from: &str, to: &str) -> Result<(i64, i64)> {
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

pub fn journal(config: &Config, data_dir: &Path, q: &JournalQuery, csv: bool) -> Result<()> {
    q.check().map_err(anyhow::Error::msg).context("--state")?;
    let entries = match crate::attach::engine(data_dir)? {
        Some(client) => client
            .alarm_journal(q)
            .context("asking the engine for the journal")?,
        None => hearth_engine::offline::alarm_journal_query(data_dir, q)?,
    };
    let tz = config.plant.time_zone;
    let mut out = std::io::stdout().lock();
    if csv {
        out.write_all(hearth_engine::journal::to_csv(&entries).as_bytes())?;
        return Ok(());
    }
    for e in &entries {
        writeln!(
            out,
            "{}  {:<28} {:<14} {:<7} {}{}{}",
            format_ts(Timestamp(e.at_ms), Some(tz)),
            e.alarm,
            e.transition,
            e.priority.name(),
            e.message,
            e.user
                .as_deref()
                .map(|u| format!(" (by {u})"))
                .unwrap_or_default(),
            e.comment
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| format!(": {c}"))
                .unwrap_or_default()
        )?;
    }
    if entries.is_empty() {
        writeln!(out, "No alarm activity in this period.")?;
    }
    Ok(())
}

pub fn print_metrics(config: &Config, data_dir: &Path, from: &str, to: &str) -> Result<()> {
    let (f, t) = window(config, from, to)?;
    let m = match crate::attach::engine(data_dir)? {
        Some(client) => client
            .alarm_metrics(f, t)
            .context("asking the engine for the alarm metrics")?,
        None => {
            let entries = hearth_engine::offline::alarm_journal(data_dir, f, t)?;
            metrics(&entries, f, t, config.alarms.flood_threshold_per_10min)
        }
    };
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
