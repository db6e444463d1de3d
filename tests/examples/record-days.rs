//! Fill a data dir with simulated plant days, recorded through the engine's recording path as
//! the pollers would have delivered them, to try the Emissions page and the reports on weeks of
//! history: `cargo run --release -p hearth-e2e --example record-days -- --from 2026-10-01
//! --days 31 --data-dir /tmp/hearth-month` (about 3 s per day), then
//! `hearth report --month 2026-10 --data-dir /tmp/hearth-month --out month.pdf`. It prints how
//! long the month's and the first day's accounting take, and the month's PDF (`--days 0` to
//! measure a data dir already filled).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use hearth_emissions::periods;
use hearth_engine::DataDir;
use hearth_engine::history::historian_options;
use hearth_engine::recording::Recorder;
use hearth_historian::{Historian, SledHistorian};
use hearth_model::config::Config;

fn main() -> Result<()> {
    let mut from = None;
    let mut days = 1u32;
    let mut data_dir = None;
    let mut config = hearth_e2e::default_config();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--from" => from = Some(value()?),
            "--days" => days = value()?.parse().context("--days")?,
            "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
            "--config" => config = PathBuf::from(value()?),
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let data_dir = data_dir.context("--data-dir DIR is required")?;
    let config = Config::load(&config).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tz = config.plant.time_zone;
    let first = periods::parse_day(
        tz,
        from.as_deref().context("--from YYYY-MM-DD is required")?,
    )?;
    std::fs::create_dir_all(&data_dir)?;
    let _lock = DataDir::acquire(&data_dir)?;
    let historian = Arc::new(SledHistorian::open(
        &data_dir.join("historian"),
        historian_options(&config),
    )?);
    let mut recorder = Recorder::new(&config, historian.clone())?;
    let started = Instant::now();
    // `--days 0` records nothing: the figures below for what the data dir already holds.
    let end = periods::day_of(tz, first.start_ms + i64::from(days.max(1)) * 86_400_000 - 1).end_ms;
    if days > 0 {
        hearth_e2e::replay::record(&config, &mut recorder, 7, first.start_ms, end, &[])?;
    }
    historian.flush()?;
    eprintln!(
        "recorded {days} plant days from {} in {:.1} s",
        first.label,
        started.elapsed().as_secs_f64()
    );
    // How long the accounting takes over what was recorded: the figures the reports wait for.
    let month = periods::month_of(tz, first.start_ms);
    let now = end.max(month.end_ms) + 1;
    let t = Instant::now();
    let m = hearth_engine::accounting::month_report(
        historian.as_ref(),
        &config,
        &month,
        Vec::new(),
        now,
    )?;
    let month_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    hearth_engine::accounting::day_report(historian.as_ref(), &config, &first, Vec::new(), now)?;
    let day_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let pdf = hearth_engine::report_pdf::month_pdf(&m, "zh-CN")?;
    let pdf_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "month report {}: {month_ms:.0} ms; day report: {day_ms:.0} ms; month PDF: {pdf_ms:.0} ms, {} kB",
        month.label,
        pdf.len() / 1024
    );
    Ok(())
}
