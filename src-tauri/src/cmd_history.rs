//! `hearth history`, `hearth export` and `hearth reset-historian`: stored history through the
//! running engine when one holds the data dir, else straight from the files.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use hearth_engine::DataDir;
use hearth_engine::client::EngineClient;
use hearth_engine::datadir::running_engine;
use hearth_engine::history::{self, ExportQuery, HistoryQuery, PointsQuery};
use hearth_historian::SledHistorian;
use hearth_historian::time::{format_ts, parse_time};
use hearth_model::api::{History, HistoryPoint};
use hearth_model::config::Config;
use hearth_model::{Clock, SystemClock, Timestamp};

pub struct HistoryArgs {
    pub tag: String,
    pub from: String,
    pub to: String,
    pub buckets: Option<usize>,
    pub csv: bool,
    pub utc: bool,
}

pub struct ExportArgs {
    pub from: String,
    pub to: String,
    pub tags: Vec<String>,
    pub layout: String,
    pub local_time: bool,
    pub out: PathBuf,
}

/// Where stored history comes from.
enum Source {
    Engine(EngineClient),
    /// The data dir's lock is held while the files are read, so no engine starts underneath.
    Files {
        _lock: DataDir,
        h: Box<SledHistorian>,
    },
}

fn source(config: &Config, data_dir: &Path) -> Result<Source> {
    if let Some(client) = crate::attach::engine(data_dir)? {
        return Ok(Source::Engine(client));
    }
    let (lock, h) = hearth_engine::offline::open_historian(config, data_dir)?;
    Ok(Source::Files {
        _lock: lock,
        h: Box::new(h),
    })
}

fn window(config: &Config, from: &str, to: &str) -> Result<(i64, i64)> {
    let now = SystemClock.now();
    let tz = config.plant.time_zone;
    let f = parse_time(from, now, tz).context("--from")?;
    let t = parse_time(to, now, tz).context("--to")?;
    if t <= f {
        bail!(
            "--to ({}) must be after --from ({})",
            format_ts(t, Some(tz)),
            format_ts(f, Some(tz))
        );
    }
    Ok((f.0, t.0))
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_default()
}

pub fn history(config: &Config, data_dir: &Path, a: HistoryArgs) -> Result<i32> {
    if config.tag_by_name(&a.tag).is_none() {
        bail!(
            "unknown tag `{}` (see `hearth poll --once` for the tag names)",
            a.tag
        );
    }
    let (from, to) = window(config, &a.from, &a.to)?;
    let tz = (!a.utc).then_some(config.plant.time_zone);
    let src = source(config, data_dir)?;
    let unit = config
        .tag_by_name(&a.tag)
        .map(|t| t.unit.clone())
        .unwrap_or_default();
    let out = std::io::stdout();
    let mut out = out.lock();
    match a.buckets {
        Some(n) => {
            let q = HistoryQuery {
                tag: a.tag.clone(),
                from,
                to,
                buckets: n,
            };
            let h: History = match &src {
                Source::Engine(c) => c.history(&q)?,
                Source::Files { h, .. } => history::history(h.as_ref(), config, &q)?,
            };
            if a.csv {
                writeln!(out, "start,min,max,mean,first,last,good,other")?;
            } else {
                writeln!(
                    out,
                    "{} [{unit}]: {} buckets of {} s from {} data",
                    h.tag,
                    h.buckets.len(),
                    h.bucket_ms as f64 / 1000.0,
                    h.source.as_str()
                )?;
                writeln!(
                    out,
                    "{:<29} {:>10} {:>10} {:>10} {:>10} {:>10} {:>6} {:>6}",
                    "start", "min", "max", "mean", "first", "last", "good", "other"
                )?;
            }
            for b in &h.buckets {
                let start = format_ts(Timestamp(b.start_ms), tz);
                if a.csv {
                    writeln!(
                        out,
                        "{start},{},{},{},{},{},{},{}",
                        b.min.map(|v| v.to_string()).unwrap_or_default(),
                        b.max.map(|v| v.to_string()).unwrap_or_default(),
                        b.mean.map(|v| v.to_string()).unwrap_or_default(),
                        b.first.map(|v| v.to_string()).unwrap_or_default(),
                        b.last.map(|v| v.to_string()).unwrap_or_default(),
                        b.good,
                        b.other
                    )?;
                } else if b.good == 0 && b.other == 0 && b.mean.is_none() {
                    writeln!(out, "{start:<29} {:>10}", "(no data)")?;
                } else {
                    writeln!(
                        out,
                        "{start:<29} {:>10} {:>10} {:>10} {:>10} {:>10} {:>6} {:>6}",
                        num(b.min),
                        num(b.max),
                        num(b.mean),
                        num(b.first),
                        num(b.last),
                        b.good,
                        b.other
                    )?;
                }
            }
        }
        None => {
            let q = PointsQuery {
                tag: a.tag.clone(),
                from,
                to,
            };
            let points: Vec<HistoryPoint> = match &src {
                Source::Engine(c) => c.points(&q)?,
                Source::Files { h, .. } => history::points(h.as_ref(), config, &q)?,
            };
            if a.csv {
                writeln!(out, "time,value,quality")?;
            } else {
                writeln!(out, "{} [{unit}]: {} points", a.tag, points.len())?;
            }
            for p in &points {
                let t = format_ts(Timestamp(p.ts_ms), tz);
                let v = p.value.map(|v| v.to_string()).unwrap_or_default();
                if a.csv {
                    writeln!(out, "{t},{v},{}", p.quality)?;
                } else {
                    writeln!(out, "{t:<29} {v:>12} {}", p.quality)?;
                }
            }
        }
    }
    Ok(0)
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(1000),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {percent:>3}%  {msg} ({elapsed})")
    {
        bar.set_style(style);
    }
    bar
}

pub fn export(config: &Config, data_dir: &Path, a: ExportArgs) -> Result<i32> {
    let (from, to) = window(config, &a.from, &a.to)?;
    let q = ExportQuery {
        tags: a.tags.join(","),
        from,
        to,
        layout: a.layout.clone(),
        local: a.local_time,
    };
    // Check the request here too, so a typo is reported before anything is written.
    history::export_spec(config, &q)?;
    // Written beside the target and renamed when complete: a failed export never leaves a file
    // that looks whole.
    let part = a.out.with_extension("csv.part");
    let file = std::fs::File::create(&part)
        .with_context(|| format!("cannot create {}", part.display()))?;
    let mut file = std::io::BufWriter::new(file);
    let bar = progress_bar();
    let span = (to - from).max(1) as f64;
    let src = source(config, data_dir)?;
    let result = match &src {
        Source::Engine(c) => (|| -> Result<u64> {
            let mut reader = BufReader::new(c.export(&q)?);
            let mut line = String::new();
            let mut lines = 0u64;
            let tz = config.plant.time_zone;
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    break;
                }
                file.write_all(line.as_bytes())?;
                lines += 1;
                if lines.is_multiple_of(4096)
                    && let Some(t) = line.split(',').next()
                    && let Ok(t) = parse_time(t, Timestamp(to), tz)
                {
                    bar.set_position(((t.0 - from) as f64 / span * 1000.0) as u64);
                }
            }
            Ok(lines.saturating_sub(1))
        })(),
        Source::Files { h, .. } => {
            let spec = history::export_spec(config, &q)?;
            history::export(h.as_ref(), &spec, &mut file, &mut |f| {
                bar.set_position((f * 1000.0) as u64)
            })
            .map_err(anyhow::Error::from)
        }
    };
    let finished = result.and_then(|n| {
        file.flush()?;
        file.get_ref().sync_all()?;
        Ok(n)
    });
    match finished {
        Ok(n) => {
            bar.finish_and_clear();
            std::fs::rename(&part, &a.out).with_context(|| {
                format!("cannot rename {} to {}", part.display(), a.out.display())
            })?;
            eprintln!(
                "Wrote {n} {} to {}",
                if matches!(src, Source::Engine(_)) {
                    "lines"
                } else {
                    "points"
                },
                a.out.display()
            );
            Ok(0)
        }
        Err(e) => {
            bar.abandon();
            let _ = std::fs::remove_file(&part);
            Err(e.context("export failed; no file was written"))
        }
    }
}

pub fn reset(data_dir: &Path) -> Result<i32> {
    if let Some(info) = running_engine(data_dir) {
        bail!(
            "an engine (pid {}) is using {}; stop it first",
            info.pid,
            data_dir.display()
        );
    }
    let _lock = DataDir::acquire(data_dir)?;
    let dir = data_dir.join("historian");
    if !dir.exists() {
        println!("{} holds no historian; nothing to move", data_dir.display());
        return Ok(0);
    }
    let to = hearth_historian::move_aside(&dir)?;
    println!(
        "Moved the historian to {}; the next start begins a fresh one",
        to.display()
    );
    Ok(0)
}
