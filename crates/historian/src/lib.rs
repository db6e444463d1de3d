//! Hearth's historian: every tag's points with their quality, on sled, behind the [`Historian`]
//! trait so the engine never depends on the storage format.
//!
//! Points are kept in compressed chunks per tag (see `codec`), with 1-minute, 1-hour and 1-day
//! rollups maintained as points arrive (see `rollup`). Bucketed queries pick raw points or a
//! rollup by the bucket width. See `docs/HISTORIAN.md` for the on-disk layout.

mod codec;
pub mod export;
mod format;
mod keys;
mod open_chunk;
mod query;
pub mod rollup;
mod store;
pub mod time;

pub use codec::{decode_points, decode_rows, encode_points, encode_rows};
pub use format::{
    FORMAT_VERSION, FormatError, Layout, UNFINISHED_SNAPSHOTS, check_clean_as, mark_clean_as,
    move_aside, set_aside_unfinished_snapshots,
};
pub use hearth_model::api::{History, HistoryBucket, Resolution};
pub use store::{Footprint, Options, Retention, SledHistorian};

use hearth_model::{Quality, Timestamp};

#[derive(Debug, thiserror::Error)]
pub enum HistorianError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("historian database at {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error(
        "historian database at {path} could not be opened: {error}. It has not been moved or deleted; `hearth reset-historian` moves it aside and starts a fresh one"
    )]
    Unopenable { path: String, error: sled::Error },
    #[error(
        "the historian at {path} is open in another process (see `hearth status` for the engine holding this data dir)"
    )]
    Locked { path: String },
    #[error("historian record is corrupt: {0}")]
    Corrupt(String),
    #[error("unknown series id {0}")]
    UnknownSeries(u32),
    #[error(
        "historian cannot write ({cause}); {buffered_bytes} bytes are held in memory and {dropped} points have been dropped since the buffer filled"
    )]
    BufferFull {
        cause: String,
        buffered_bytes: usize,
        dropped: u64,
    },
}

/// A series is one tag's history, identified by a number the store assigns to the tag's name
/// (so reordering tags in the config never mixes histories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesId(pub u32);

/// One stored point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub ts: Timestamp,
    pub value: Option<f64>,
    pub quality: Quality,
}

/// What the store holds, for `hearth status`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub series: u32,
    pub oldest: Option<Timestamp>,
    pub newest: Option<Timestamp>,
}

/// What one flush did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlushReport {
    /// Points newly written (as deltas of open chunks).
    pub points: usize,
    /// Bytes handed to sled in the flush.
    pub bytes: usize,
}

/// What one retention pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub raw_chunks: usize,
    pub rollup_chunks: usize,
}

/// The historian's health, for the engine's status and alarms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    /// The last write error, while writes are failing.
    pub write_error: Option<String>,
    /// Bytes waiting in memory to be written.
    pub buffered_bytes: usize,
    /// Points dropped because the buffer was full.
    pub dropped: u64,
    /// Points refused because they were not newer than the tag's last point.
    pub out_of_order: u64,
    /// Every point at or before this time, of every series, is on disk: the oldest of the
    /// series' durable marks ([`Historian::durable_until`]), so it lags behind the slowest poll
    /// group.
    pub durable_until: Option<Timestamp>,
}

/// The storage the engine writes to and reads from.
pub trait Historian: Send + Sync {
    /// The series for each tag name, created on first use.
    fn series(&self, names: &[&str]) -> Result<Vec<SeriesId>, HistorianError>;
    /// Add points, in time order per series. They are durable only after [`Historian::flush`]
    /// returns; points not newer than their series' last point are refused and counted.
    fn append(&self, batch: &[(SeriesId, Point)]) -> Result<(), HistorianError>;
    /// Make everything appended so far durable (written and synced to disk).
    fn flush(&self) -> Result<FlushReport, HistorianError>;
    /// The latest point of each tag (`None` for a tag never recorded).
    fn latest(&self, names: &[&str]) -> Result<Vec<Option<Point>>, HistorianError>;
    /// Raw points of one tag with `from <= ts < to`, in time order.
    fn range(
        &self,
        name: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Point>, HistorianError>;
    /// `[from, to)` of one tag in `buckets` equal buckets, from raw points or a rollup.
    fn history(
        &self,
        name: &str,
        from: Timestamp,
        to: Timestamp,
        buckets: usize,
    ) -> Result<History, HistorianError>;
    /// Drop what is older than each resolution's retention, as of `now`.
    fn enforce_retention(&self, now: Timestamp) -> Result<RetentionReport, HistorianError>;
    fn summary(&self) -> Result<Summary, HistorianError>;
    fn health(&self) -> Health;
    /// Why writes are failing, while they are: [`Health::write_error`] without the accounting,
    /// cheap enough for every poll.
    fn write_error(&self) -> Option<String>;
    /// The newest point of one tag a flush has made durable since this historian opened: it
    /// and every older point of the tag survive a crash.
    fn durable_until(&self, name: &str) -> Option<Timestamp>;
}
