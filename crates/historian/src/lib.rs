//! Hearth's historian: every tag's samples with their quality, on sled, behind the
//! [`Historian`] trait so the engine never depends on the storage format.

mod format;
mod sled_store;

pub use format::{FORMAT_VERSION, FormatError};
pub use sled_store::SledHistorian;

use hearth_model::{Quality, Timestamp};

#[derive(Debug, thiserror::Error)]
pub enum HistorianError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("historian database at {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error("historian record is corrupt: {0}")]
    Corrupt(String),
    #[error("unknown series id {0}")]
    UnknownSeries(u32),
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

/// The storage the engine writes to and reads from.
pub trait Historian: Send + Sync {
    /// The series for each tag name, created on first use.
    fn series(&self, names: &[&str]) -> Result<Vec<SeriesId>, HistorianError>;
    /// Add points; they are durable only after [`Historian::flush`] returns.
    fn append(&self, batch: &[(SeriesId, Point)]) -> Result<(), HistorianError>;
    /// Make everything appended so far durable. Returns the bytes written by the flush.
    fn flush(&self) -> Result<usize, HistorianError>;
    /// Raw points of one tag with `from <= ts < to`, in time order.
    fn range(
        &self,
        name: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Point>, HistorianError>;
    fn summary(&self) -> Result<Summary, HistorianError>;
}
