//! Stored history for every face: the historian's settings from the config, and the queries the
//! engine answers in-process and over HTTP (and the CLI answers itself when no engine runs).

use std::io::Write;

use hearth_historian::export::{ExportSpec, Layout, write_csv};
use hearth_historian::{Historian, HistorianError, Options, Retention, rollup::DEFAULT_HOLD_MS};
use hearth_model::Timestamp;
use hearth_model::api::{History, HistoryPoint};
use hearth_model::config::Config;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 86_400_000;

/// The historian's options from the `[historian]` section.
pub fn historian_options(config: &Config) -> Options {
    let h = &config.historian;
    let days = |i: usize| h.retention_days[i].map(|d| i64::from(d) * DAY_MS);
    Options {
        cache_bytes: h.cache_bytes,
        buffer_bytes: usize::try_from(h.buffer_bytes).unwrap_or(usize::MAX),
        retention: Retention {
            raw_ms: days(0),
            minute_ms: days(1),
            hour_ms: days(2),
            day_ms: days(3),
        },
        hold_ms: DEFAULT_HOLD_MS,
        ..Options::default()
    }
}

/// `GET /api/history` parameters (and the desktop `history` command's); times in epoch ms.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct HistoryQuery {
    pub tag: String,
    pub from: i64,
    pub to: i64,
    pub buckets: usize,
}

/// `GET /api/points` parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PointsQuery {
    pub tag: String,
    pub from: i64,
    pub to: i64,
}

/// `GET /api/export` parameters: `tags` comma-separated (empty: every tag), `layout` wide or
/// long, `local` for plant-local times.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportQuery {
    #[serde(default)]
    pub tags: String,
    pub from: i64,
    pub to: i64,
    #[serde(default = "wide")]
    pub layout: String,
    #[serde(default)]
    pub local: bool,
}

fn wide() -> String {
    "wide".into()
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("unknown tag `{0}`")]
    UnknownTag(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Historian(#[from] HistorianError),
    #[error(transparent)]
    Export(#[from] hearth_historian::export::ExportError),
}

fn known(config: &Config, tag: &str) -> Result<(), QueryError> {
    config
        .tag_by_name(tag)
        .map(|_| ())
        .ok_or_else(|| QueryError::UnknownTag(tag.to_owned()))
}

pub fn history(
    h: &dyn Historian,
    config: &Config,
    q: &HistoryQuery,
) -> Result<History, QueryError> {
    known(config, &q.tag)?;
    if q.to <= q.from {
        return Err(QueryError::Invalid("`to` must be after `from`".into()));
    }
    Ok(h.history(&q.tag, Timestamp(q.from), Timestamp(q.to), q.buckets)?)
}

pub fn points(
    h: &dyn Historian,
    config: &Config,
    q: &PointsQuery,
) -> Result<Vec<HistoryPoint>, QueryError> {
    known(config, &q.tag)?;
    Ok(h.range(&q.tag, Timestamp(q.from), Timestamp(q.to))?
        .into_iter()
        .map(|p| HistoryPoint {
            ts_ms: p.ts.0,
            value: p.value,
            quality: p.quality,
        })
        .collect())
}

/// Check an export request and turn it into the historian's terms.
pub fn export_spec(config: &Config, q: &ExportQuery) -> Result<ExportSpec, QueryError> {
    let tags: Vec<String> = if q.tags.trim().is_empty() {
        config.tags.iter().map(|t| t.name.clone()).collect()
    } else {
        q.tags.split(',').map(|t| t.trim().to_owned()).collect()
    };
    for t in &tags {
        known(config, t)?;
    }
    if q.to <= q.from {
        return Err(QueryError::Invalid("`to` must be after `from`".into()));
    }
    let layout: Layout = q.layout.parse().map_err(QueryError::Invalid)?;
    let tz = q.local.then_some(config.plant.time_zone);
    Ok(ExportSpec {
        tags,
        from: Timestamp(q.from),
        to: Timestamp(q.to),
        layout,
        tz,
    })
}

/// Write an export as CSV. Returns the number of points written.
pub fn export(
    h: &dyn Historian,
    spec: &ExportSpec,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(f64),
) -> Result<u64, QueryError> {
    Ok(write_csv(h, spec, out, progress)?)
}
