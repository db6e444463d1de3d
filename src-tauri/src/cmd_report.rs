//! `hearth report --day D | --month M [--out FILE] [--lang L]`: the emissions and energy report
//! of a plant day or month, from the running engine when there is one, else from the data dir.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use hearth_engine::report_file::Report;
use hearth_model::config::Config;
use hearth_model::{Clock, SystemClock};

pub fn run(
    config: &Config,
    data_dir: &Path,
    day: Option<&str>,
    month: Option<&str>,
    out: Option<&Path>,
    lang: &str,
) -> Result<()> {
    anyhow::ensure!(
        lang == "en" || lang == "zh-CN",
        "--lang {lang}: en or zh-CN"
    );
    let engine = crate::attach::engine(data_dir)?;
    let now = SystemClock.now().0;
    let report = match (engine, month) {
        (Some(client), Some(m)) => Report::Month(
            client
                .emissions_month(m)
                .context("asking the engine for the month")?,
        ),
        (Some(client), None) => Report::Day(
            client
                .emissions_day(day.unwrap_or(""))
                .context("asking the engine for the day")?,
        ),
        (None, Some(m)) => Report::Month(hearth_engine::offline::emissions_month(
            config,
            data_dir,
            Some(m),
            now,
        )?),
        (None, None) => Report::Day(hearth_engine::offline::emissions_day(
            config, data_dir, day, now,
        )?),
    };
    let pdf = out.is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")));
    let file = report.render(if pdf { "pdf" } else { "csv" }, lang)?;
    match out {
        Some(path) => {
            std::fs::write(path, &file.bytes)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "{} report {} written to {}",
                if pdf { "PDF" } else { "CSV" },
                report.label(),
                path.display()
            );
        }
        None => std::io::stdout().lock().write_all(&file.bytes)?,
    }
    Ok(())
}
