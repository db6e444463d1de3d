//! CSV export, streamed window by window so that a year of history never sits in memory.
//!
//! Long layout: `time,tag,value,quality`, one line per point. Wide layout: `time` then a value and
//! a quality column per tag, one line per distinct time stamp (tags read in the same poll share
//! time stamps, so they share lines); a cell is empty where that tag has no point at that time.
//! Values are written in Rust's shortest round-trip form, so reading them back gives the stored
//! numbers exactly. Times are RFC 3339 with milliseconds, UTC unless a time zone is given.

use std::io::Write;

use chrono_tz::Tz;
use hearth_model::Timestamp;

use crate::time::format_ts;
use crate::{Historian, HistorianError, Point};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Wide,
    Long,
}

impl std::str::FromStr for Layout {
    type Err = String;

    fn from_str(s: &str) -> Result<Layout, String> {
        match s {
            "wide" => Ok(Layout::Wide),
            "long" => Ok(Layout::Long),
            other => Err(format!("`{other}` is not a layout (wide or long)")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ExportSpec {
    pub tags: Vec<String>,
    pub from: Timestamp,
    pub to: Timestamp,
    pub layout: Layout,
    /// Write local times in this zone instead of UTC.
    pub tz: Option<Tz>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Historian(#[from] HistorianError),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

/// How much of the time range each read covers.
const WINDOW_MS: i64 = 3_600_000;

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

fn push_value(line: &mut String, v: Option<f64>) {
    use std::fmt::Write as _;
    if let Some(v) = v {
        let _ = write!(line, "{v}");
    }
}

/// Write the export; `progress` gets the fraction of the time range done after each window.
/// Returns the number of points written.
pub fn write_csv(
    h: &dyn Historian,
    spec: &ExportSpec,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(f64),
) -> Result<u64, ExportError> {
    let mut written = 0u64;
    match spec.layout {
        Layout::Long => writeln!(out, "time,tag,value,quality")?,
        Layout::Wide => {
            let mut header = String::from("time");
            for t in &spec.tags {
                header.push(',');
                header.push_str(&quoted(t));
                header.push(',');
                header.push_str(&quoted(&format!("{t} quality")));
            }
            writeln!(out, "{header}")?;
        }
    }
    use std::fmt::Write as _;
    let names: Vec<String> = spec.tags.iter().map(|t| quoted(t)).collect();
    let span = (spec.to.0 - spec.from.0).max(1) as f64;
    let mut start = spec.from.0;
    let mut line = String::new();
    while start < spec.to.0 {
        let end = start.saturating_add(WINDOW_MS).min(spec.to.0);
        let mut series: Vec<Vec<Point>> = Vec::with_capacity(spec.tags.len());
        for t in &spec.tags {
            series.push(h.range(t, Timestamp(start), Timestamp(end))?);
        }
        // Merge by time; within one time stamp, tags in the order asked for.
        let mut pos = vec![0usize; series.len()];
        loop {
            let next = series
                .iter()
                .zip(&pos)
                .filter_map(|(s, &i)| s.get(i).map(|p| p.ts))
                .min();
            let Some(ts) = next else { break };
            line.clear();
            let time = format_ts(ts, spec.tz);
            match spec.layout {
                Layout::Long => {
                    for (k, s) in series.iter().enumerate() {
                        if let Some(p) = s.get(pos[k]).filter(|p| p.ts == ts) {
                            line.push_str(&time);
                            line.push(',');
                            line.push_str(&names[k]);
                            line.push(',');
                            push_value(&mut line, p.value);
                            let _ = writeln!(line, ",{}", p.quality);
                            pos[k] += 1;
                            written += 1;
                        }
                    }
                }
                Layout::Wide => {
                    line.push_str(&time);
                    for (k, s) in series.iter().enumerate() {
                        match s.get(pos[k]).filter(|p| p.ts == ts) {
                            Some(p) => {
                                line.push(',');
                                push_value(&mut line, p.value);
                                let _ = write!(line, ",{}", p.quality);
                                pos[k] += 1;
                                written += 1;
                            }
                            None => line.push_str(",,"),
                        }
                    }
                    line.push('\n');
                }
            }
            out.write_all(line.as_bytes())?;
        }
        start = end;
        progress(((start - spec.from.0) as f64 / span).min(1.0));
    }
    out.flush()?;
    Ok(written)
}
