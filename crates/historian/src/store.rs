//! The sled implementation.
//!
//! Memory holds what is not yet in sled: each series' open chunk (points since its last sealed
//! chunk), chunks sealed since the last flush, and the rollup rows of the current period. Nothing
//! is written to sled outside [`Historian::flush`], which turns all of that into one atomic batch:
//! sealed chunks (replacing the deltas that stood for them) and one delta per series holding the
//! points appended since the previous flush, then syncs. A crash therefore loses at most what was
//! appended since the last flush, and reopening rebuilds the open chunks from their deltas and the
//! open rollup rows from the points they summarise.
//!
//! When a write or sync fails (a full disk), the batch stays in memory, later points keep
//! arriving up to a bound, and each flush retries, reopening sled first since it refuses further
//! work after an I/O error.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};

use hearth_model::Timestamp;

use crate::codec::{decode_points, decode_rows, encode_points, encode_rows};
use crate::format::{
    Layout, check_clean, check_or_create, mark_clean, set_aside_unfinished_snapshots,
};
use crate::keys::{self, Kind};
use crate::open_chunk::OpenChunk;
use crate::query;
use crate::rollup::{DEFAULT_HOLD_MS, Grid, PointAggregator, Row, RowMerger};
use crate::{
    FlushReport, Health, Historian, HistorianError, History, Point, RetentionReport, SeriesId,
    Summary,
};

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// Rollup levels: kind, bucket width, and the period one sealed chunk of rows covers.
pub(crate) const LEVELS: [(Kind, i64, i64); 3] = [
    (Kind::Minute, MINUTE_MS, DAY_MS),
    (Kind::Hour, HOUR_MS, 30 * DAY_MS),
    (Kind::Day, DAY_MS, 1_000 * DAY_MS),
];

/// How long each resolution is kept; `None` keeps it forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub raw_ms: Option<i64>,
    pub minute_ms: Option<i64>,
    pub hour_ms: Option<i64>,
    pub day_ms: Option<i64>,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            raw_ms: Some(90 * DAY_MS),
            minute_ms: Some(730 * DAY_MS),
            hour_ms: None,
            day_ms: None,
        }
    }
}

impl Retention {
    fn of(&self, kind: Kind) -> Option<i64> {
        match kind {
            Kind::Raw => self.raw_ms,
            Kind::Minute => self.minute_ms,
            Kind::Hour => self.hour_ms,
            Kind::Day => self.day_ms,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// sled's page cache.
    pub cache_bytes: u64,
    /// A chunk is sealed when it holds this many points...
    pub chunk_points: usize,
    /// ...or spans this long.
    pub chunk_span_ms: i64,
    /// See [`crate::rollup`].
    pub hold_ms: i64,
    pub retention: Retention,
    /// How much may wait in memory while writes fail before points are dropped.
    pub buffer_bytes: usize,
    /// sled's log segment size (see `docs/HISTORIAN.md`); a database keeps the size it was
    /// created with.
    pub segment_bytes: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            cache_bytes: 64 << 20,
            chunk_points: 14_400,
            chunk_span_ms: 6 * HOUR_MS,
            hold_ms: DEFAULT_HOLD_MS,
            retention: Retention::default(),
            buffer_bytes: 256 << 20,
            segment_bytes: 32 << 10,
        }
    }
}

/// Keys and bytes (key + value) held, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub raw: (u64, u64),
    pub deltas: (u64, u64),
    pub rollups: (u64, u64),
    pub index: (u64, u64),
}

#[derive(Debug, Clone)]
enum Op {
    Insert(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
}

impl Op {
    fn bytes(&self) -> usize {
        match self {
            Op::Insert(k, v) => k.len() + v.len(),
            Op::Remove(k) => k.len(),
        }
    }
}

#[derive(Debug)]
struct SealedRaw {
    first_ts: i64,
    bytes: Vec<u8>,
    /// Delta keys `live_from..=deltas` may exist for this chunk and are removed with it.
    live_from: u32,
    deltas: u32,
}

#[derive(Debug, Default)]
struct LevelState {
    /// Finished rows of the current period.
    unsealed: Vec<Row>,
    /// Chunks of rows sealed since the last flush: period start and bytes.
    sealed: Vec<(i64, Vec<u8>)>,
}

#[derive(Debug)]
struct SeriesState {
    id: SeriesId,
    open: OpenChunk,
    /// Points of `open` already in sled as deltas.
    persisted: usize,
    /// Deltas written for the open chunk: the next one's number.
    deltas: u32,
    /// The oldest delta number that may still exist (the last fold's, or 0).
    live_from: u32,
    sealed: Vec<SealedRaw>,
    last: Option<Point>,
    /// The newest point of this series that a successful flush made durable.
    durable: Option<Timestamp>,
    /// Points were appended to it since the historian opened: only such a series can hold
    /// back [`Health::durable_until`] (a tag no longer recorded would pin it for ever).
    recording: bool,
    agg: PointAggregator,
    hour: RowMerger,
    day: RowMerger,
    levels: [LevelState; 3],
}

impl SeriesState {
    fn new(id: SeriesId, hold_ms: i64) -> SeriesState {
        SeriesState {
            id,
            open: OpenChunk::default(),
            persisted: 0,
            deltas: 0,
            live_from: 0,
            sealed: Vec::new(),
            last: None,
            durable: None,
            recording: false,
            agg: PointAggregator::new(Grid::aligned(MINUTE_MS), hold_ms),
            hour: RowMerger::new(Grid::aligned(HOUR_MS)),
            day: RowMerger::new(Grid::aligned(DAY_MS)),
            levels: Default::default(),
        }
    }

    fn level_add(&mut self, level: usize, row: Row) -> Result<(), HistorianError> {
        let period = LEVELS[level].2;
        let l = &mut self.levels[level];
        if let Some(first) = l.unsealed.first() {
            let p0 = first.start.0.div_euclid(period);
            if p0 != row.start.0.div_euclid(period) {
                let bytes = encode_rows(&l.unsealed)?;
                l.sealed.push((p0 * period, bytes));
                l.unsealed.clear();
            }
        }
        l.unsealed.push(row);
        Ok(())
    }

    fn day_row(&mut self, row: Row) -> Result<(), HistorianError> {
        self.level_add(2, row)
    }

    fn hour_row(&mut self, row: Row) -> Result<(), HistorianError> {
        self.level_add(1, row)?;
        let mut done = Vec::new();
        self.day.push(&row, &mut |r| done.push(r));
        done.into_iter().try_for_each(|r| self.day_row(r))
    }

    fn minute_row(&mut self, row: Row) -> Result<(), HistorianError> {
        self.level_add(0, row)?;
        let mut done = Vec::new();
        self.hour.push(&row, &mut |r| done.push(r));
        done.into_iter().try_for_each(|r| self.hour_row(r))
    }

    fn aggregate(&mut self, p: &Point, keep_from: i64) -> Result<(), HistorianError> {
        let mut done = Vec::new();
        self.agg.push(p, &mut |r| done.push(r));
        done.into_iter()
            .filter(|r| r.start.0 >= keep_from)
            .try_for_each(|r| self.minute_row(r))
    }

    fn push(&mut self, p: Point, opts: &Options) -> Result<(), HistorianError> {
        self.open.push(p);
        self.last = Some(p);
        self.aggregate(&p, i64::MIN)?;
        let span = self.open.first_ts().map_or(0, |f| p.ts.0.saturating_sub(f));
        if self.open.len() >= opts.chunk_points || span >= opts.chunk_span_ms {
            self.seal()?;
        }
        Ok(())
    }

    fn seal(&mut self) -> Result<(), HistorianError> {
        let Some(first) = self.open.first_ts() else {
            return Ok(());
        };
        let bytes = encode_points(&self.open.all()?)?;
        self.sealed.push(SealedRaw {
            first_ts: first,
            bytes,
            live_from: self.live_from,
            deltas: self.deltas,
        });
        self.open.clear();
        self.persisted = 0;
        self.deltas = 0;
        self.live_from = 0;
        Ok(())
    }

    /// Bytes waiting in memory for the next flush.
    fn buffered(&self) -> usize {
        (self.open.len() - self.persisted) * std::mem::size_of::<Point>()
            + self.sealed.iter().map(|s| s.bytes.len()).sum::<usize>()
            + self
                .levels
                .iter()
                .flat_map(|l| l.sealed.iter())
                .map(|(_, b)| b.len())
                .sum::<usize>()
    }
}

/// Every this many deltas, the open chunk is written whole as one delta and the smaller ones
/// removed in the same batch. Without it a tag polled every second left 14,400 delta keys per
/// chunk in sled: memory grew with them for four hours, and the seal that removed them all at
/// once (a million removes for 64 tags) took sled 0.34 to 4.8 GB.
const FOLD_EVERY: u32 = 64;

fn ops_batch(ops: &[Op]) -> sled::Batch {
    let mut b = sled::Batch::default();
    for op in ops {
        match op {
            Op::Insert(k, v) => b.insert(k.as_slice(), v.as_slice()),
            Op::Remove(k) => b.remove(k.as_slice()),
        }
    }
    b
}

/// An empty in-memory database, to hold the place of the real one while it is closed.
fn stand_in() -> Result<Handles, sled::Error> {
    let db = sled::Config::new().temporary(true).open()?;
    Ok(Handles {
        names: db.open_tree("series")?,
        data: db.open_tree("data")?,
        chunks: db.open_tree("chunks")?,
        db,
    })
}

struct Handles {
    db: sled::Db,
    names: sled::Tree,
    /// Index, deltas.
    data: sled::Tree,
    /// Sealed chunks only: a tree that grows at its right edge (see `keys`).
    chunks: sled::Tree,
}

impl Handles {
    /// Apply ops as two batches, chunks first: a crash between them leaves chunks no index
    /// entry points to yet, which readers never see and the next seal writes again.
    fn apply(&self, ops: &[Op]) -> Result<(), sled::Error> {
        let mut chunks = sled::Batch::default();
        let mut data = sled::Batch::default();
        for op in ops {
            let (k, batch) = match op {
                Op::Insert(k, _) | Op::Remove(k) => (
                    k,
                    if keys::region(k) == keys::Region::Chunk {
                        &mut chunks
                    } else {
                        &mut data
                    },
                ),
            };
            match op {
                Op::Insert(_, v) => batch.insert(k.as_slice(), v.as_slice()),
                Op::Remove(_) => batch.remove(k.as_slice()),
            }
        }
        self.chunks.apply_batch(chunks)?;
        self.data.apply_batch(data)
    }
}

struct State {
    series: HashMap<SeriesId, SeriesState>,
    by_name: HashMap<String, SeriesId>,
    /// Applied to sled since the last successful sync: applied again after a reopen.
    unsynced: Vec<Op>,
    failing: Option<String>,
    dropped: u64,
    out_of_order: u64,
    /// Per kind, the retention cutoff last enforced: older data is gone at that resolution.
    horizons: [i64; 4],
    /// See [`Health::durable_until`].
    durable_until: Option<Timestamp>,
}

impl State {
    fn buffered(&self) -> usize {
        self.series
            .values()
            .map(SeriesState::buffered)
            .sum::<usize>()
            + self.unsynced.iter().map(Op::bytes).sum::<usize>()
    }
}

pub struct SledHistorian {
    path: PathBuf,
    opts: Options,
    handles: RwLock<Handles>,
    state: Mutex<State>,
    flushing: Mutex<()>,
}

impl std::fmt::Debug for SledHistorian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledHistorian")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn open_sled(dir: &Path, opts: &Options) -> Result<Handles, HistorianError> {
    let unopenable = |error| HistorianError::Unopenable {
        path: dir.display().to_string(),
        error,
    };
    let config = sled::Config::new()
        .path(dir.join("db"))
        .cache_capacity(opts.cache_bytes)
        .segment_size(opts.segment_bytes)
        .flush_every_ms(None);
    // sled's I/O threads hold its file lock for a moment after the last handle is dropped, so
    // a reopen in the same process (after a failed write, or a stop and start) may need a retry.
    // Another process holding the database is reported once the retries run out.
    let mut attempts = 0;
    let db = loop {
        set_aside_unfinished_snapshots(dir, Layout::Historian)?;
        match config.open() {
            Ok(db) => break db,
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                attempts += 1;
                if attempts >= 100 {
                    return Err(HistorianError::Locked {
                        path: dir.display().to_string(),
                    });
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(unopenable(e)),
        }
    };
    let meta = db.open_tree("meta").map_err(unopenable)?;
    let version = crate::FORMAT_VERSION.to_be_bytes();
    match meta.get("format").map_err(unopenable)? {
        None => {
            meta.insert("format", &version).map_err(unopenable)?;
        }
        Some(v) if v.as_ref() == version => {}
        Some(v) => {
            return Err(HistorianError::Corrupt(format!(
                "the database records format {:?}, its FORMAT file says {}",
                v.as_ref(),
                crate::FORMAT_VERSION
            )));
        }
    }
    Ok(Handles {
        names: db.open_tree("series").map_err(unopenable)?,
        data: db.open_tree("data").map_err(unopenable)?,
        chunks: db.open_tree("chunks").map_err(unopenable)?,
        db,
    })
}

impl SledHistorian {
    /// Open (or create) the historian in `dir`. Refuses a database of a newer format without
    /// touching it.
    pub fn open(dir: &Path, opts: Options) -> Result<SledHistorian, HistorianError> {
        check_or_create(dir)?;
        check_clean(dir)?;
        let handles = open_sled(dir, &opts)?;
        let h = SledHistorian {
            path: dir.to_path_buf(),
            handles: RwLock::new(handles),
            state: Mutex::new(State {
                series: HashMap::new(),
                by_name: HashMap::new(),
                unsynced: Vec::new(),
                failing: None,
                dropped: 0,
                out_of_order: 0,
                horizons: [i64::MIN; 4],
                durable_until: None,
            }),
            flushing: Mutex::new(()),
            opts,
        };
        h.load()?;
        Ok(h)
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// What the data tree holds, by kind: (keys, value bytes) for raw chunks, open-chunk deltas
    /// and rollup chunks. For `hearth status` and the benchmark.
    pub fn footprint(&self) -> Result<Footprint, HistorianError> {
        let mut f = Footprint::default();
        let h = self.handles();
        for kv in h.data.iter().chain(h.chunks.iter()) {
            let (k, v) = kv.map_err(|e| self.err(e))?;
            let slot = match (keys::region(&k), k.get(1)) {
                (keys::Region::Chunk, Some(0)) => &mut f.raw,
                (keys::Region::Chunk, _) => &mut f.rollups,
                (keys::Region::Delta, _) => &mut f.deltas,
                _ => &mut f.index,
            };
            slot.0 += 1;
            slot.1 += (k.len() + v.len()) as u64;
        }
        Ok(f)
    }

    fn err(&self, error: sled::Error) -> HistorianError {
        HistorianError::Sled {
            path: self.path.display().to_string(),
            error,
        }
    }

    fn handles(&self) -> std::sync::RwLockReadGuard<'_, Handles> {
        self.handles.read().unwrap_or_else(|p| p.into_inner())
    }

    fn load(&self) -> Result<(), HistorianError> {
        let mut names = Vec::new();
        for kv in self.handles().names.iter() {
            let (k, v) = kv.map_err(|e| self.err(e))?;
            let name = String::from_utf8(k.to_vec())
                .map_err(|_| HistorianError::Corrupt("series name is not UTF-8".into()))?;
            let b: [u8; 4] = v
                .as_ref()
                .try_into()
                .map_err(|_| HistorianError::Corrupt(format!("series id of `{name}`")))?;
            names.push((name, SeriesId(u32::from_be_bytes(b))));
        }
        let mut st = lock(&self.state);
        for (name, id) in names {
            let s = self.rebuild(id)?;
            st.series.insert(id, s);
            st.by_name.insert(name, id);
        }
        Ok(())
    }

    /// A series' memory state from what sled holds: the open chunk from its deltas, the open
    /// rollup rows from the points and finer rows after each level's last sealed chunk.
    fn rebuild(&self, id: SeriesId) -> Result<SeriesState, HistorianError> {
        let mut s = SeriesState::new(id, self.opts.hold_ms);
        let mut open: Vec<Point> = Vec::new();
        let h = self.handles();
        let last_sealed = match h
            .data
            .scan_prefix(keys::index_prefix(Kind::Raw, id))
            .next_back()
        {
            Some(kv) => {
                let (k, _) = kv.map_err(|e| self.err(e))?;
                keys::index_time(&k)
            }
            None => None,
        };
        for kv in h.data.scan_prefix(keys::delta_prefix(id)) {
            let (k, v) = kv.map_err(|e| self.err(e))?;
            let Some((first, seq)) = keys::delta_parts(&k) else {
                continue;
            };
            // Deltas of a chunk that was sealed are never left behind (the seal removes them in
            // the same batch), but if one were, the sealed chunk already holds its points.
            if last_sealed.is_some_and(|l| first <= l) {
                continue;
            }
            decode_points(&v, &mut open)?;
            s.live_from = if s.deltas == 0 {
                seq
            } else {
                s.live_from.min(seq)
            };
            s.deltas = s.deltas.max(seq + 1);
        }
        open.sort_by_key(|p| p.ts);
        // A delta written again after a failed flush repeats points: keep each time once.
        open.dedup_by_key(|p| p.ts);
        s.persisted = open.len();
        s.last = match (open.last(), last_sealed) {
            (Some(p), _) => Some(*p),
            (None, Some(t)) => match h.chunks.get(keys::chunk_key(Kind::Raw, id, t)) {
                Ok(Some(v)) => {
                    let mut pts = Vec::new();
                    decode_points(&v, &mut pts)?;
                    pts.last().copied()
                }
                Ok(None) => None,
                Err(e) => return Err(self.err(e)),
            },
            (None, None) => None,
        };

        // Where each level's sealed chunks end.
        let mut ends = [i64::MIN; 3];
        for (i, (kind, _, period)) in LEVELS.iter().enumerate() {
            if let Some(kv) = h
                .data
                .scan_prefix(keys::index_prefix(*kind, id))
                .next_back()
            {
                let (k, _) = kv.map_err(|e| self.err(e))?;
                if let Some(t) = keys::index_time(&k) {
                    ends[i] = t + period;
                }
            }
        }
        drop(h);
        let [end_min, end_hour, end_day] = ends;
        for r in self.sled_rows(Kind::Hour, id, end_day, end_hour.max(end_day))? {
            let mut done = Vec::new();
            s.day.push(&r, &mut |r| done.push(r));
            done.into_iter().try_for_each(|r| s.day_row(r))?;
        }
        for r in self.sled_rows(Kind::Minute, id, end_hour, end_min.max(end_hour))? {
            let mut done = Vec::new();
            s.hour.push(&r, &mut |r| done.push(r));
            done.into_iter().try_for_each(|r| s.hour_row(r))?;
        }
        let from = end_min.saturating_sub(self.opts.hold_ms);
        let mut pts = self.sled_points(id, from, i64::MAX)?;
        pts.extend(open.iter().copied());
        for p in &pts {
            s.aggregate(p, end_min)?;
        }
        s.open.set(open, s.persisted)?;
        Ok(s)
    }

    /// Start times of the sealed chunks of one kind and series that may hold `[from, to)`: for
    /// raw chunks, the one starting at or before `from` and every one starting before `to`.
    fn chunk_starts(
        &self,
        h: &Handles,
        kind: Kind,
        id: SeriesId,
        from: i64,
        to: i64,
    ) -> Result<Vec<i64>, HistorianError> {
        let mut out = Vec::new();
        let lo = keys::index_key(kind, id, i64::MIN);
        let at = keys::index_key(kind, id, from);
        if let Some(kv) = h.data.range(lo..=at).next_back() {
            let (k, _) = kv.map_err(|e| self.err(e))?;
            out.extend(keys::index_time(&k));
        }
        for kv in h.data.range(at..keys::index_key(kind, id, to)) {
            let (k, _) = kv.map_err(|e| self.err(e))?;
            if let Some(t) = keys::index_time(&k)
                && out.last() != Some(&t)
            {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// Sealed raw points in sled with `from <= ts < to`.
    fn sled_points(&self, id: SeriesId, from: i64, to: i64) -> Result<Vec<Point>, HistorianError> {
        let h = self.handles();
        let mut out = Vec::new();
        let mut buf = Vec::new();
        for t in self.chunk_starts(&h, Kind::Raw, id, from, to)? {
            let Some(v) = h
                .chunks
                .get(keys::chunk_key(Kind::Raw, id, t))
                .map_err(|e| self.err(e))?
            else {
                continue;
            };
            buf.clear();
            decode_points(&v, &mut buf)?;
            out.extend(buf.iter().filter(|p| p.ts.0 >= from && p.ts.0 < to));
        }
        Ok(out)
    }

    /// Sealed rollup rows in sled with `from <= start < to`.
    fn sled_rows(
        &self,
        kind: Kind,
        id: SeriesId,
        from: i64,
        to: i64,
    ) -> Result<Vec<Row>, HistorianError> {
        let mut out = Vec::new();
        if from >= to {
            return Ok(out);
        }
        let h = self.handles();
        let mut buf = Vec::new();
        // A rollup chunk covers its whole period, so the one holding `from` starts at or before it.
        for t in self.chunk_starts(&h, kind, id, from, to)? {
            let Some(v) = h
                .chunks
                .get(keys::chunk_key(kind, id, t))
                .map_err(|e| self.err(e))?
            else {
                continue;
            };
            buf.clear();
            decode_rows(&v, &mut buf)?;
            out.extend(buf.iter().filter(|r| r.start.0 >= from && r.start.0 < to));
        }
        Ok(out)
    }

    fn id_of(st: &State, name: &str) -> Option<SeriesId> {
        st.by_name.get(name).copied()
    }

    /// Raw points of a series, sled and memory, with the state locked by the caller.
    fn points_locked(
        &self,
        st: &State,
        id: SeriesId,
        from: i64,
        to: i64,
    ) -> Result<Vec<Point>, HistorianError> {
        let mut out = self.sled_points(id, from, to)?;
        if let Some(s) = st.series.get(&id) {
            let mut buf = Vec::new();
            for c in &s.sealed {
                buf.clear();
                decode_points(&c.bytes, &mut buf)?;
                out.extend(buf.iter().filter(|p| p.ts.0 >= from && p.ts.0 < to));
            }
            s.open.extend_range(from, to, &mut out)?;
        }
        Ok(out)
    }

    /// Rollup rows of one level with `from <= start < to`, sled and memory, state locked.
    fn rows_locked(
        &self,
        st: &State,
        level: usize,
        id: SeriesId,
        from: i64,
        to: i64,
    ) -> Result<Vec<Row>, HistorianError> {
        let kind = LEVELS[level].0;
        let mut out = self.sled_rows(kind, id, from, to)?;
        let Some(s) = st.series.get(&id) else {
            return Ok(out);
        };
        let l = &s.levels[level];
        let mut buf = Vec::new();
        for (_, bytes) in &l.sealed {
            decode_rows(bytes, &mut buf)?;
        }
        buf.extend(l.unsealed.iter().copied());
        // Rows still being built, at this level and the finer ones feeding it.
        buf.extend(s.agg.open_rows(Some(to)));
        if level >= 1 {
            buf.extend(s.hour.open_row());
        }
        if level >= 2 {
            buf.extend(s.day.open_row());
        }
        out.extend(
            buf.into_iter()
                .filter(|r| r.start.0 >= from && r.start.0 < to),
        );
        Ok(out)
    }

    /// Move everything in memory to sled in one batch, then sync.
    fn write_out(&self) -> Result<FlushReport, HistorianError> {
        let mut report = FlushReport::default();
        let mut st = lock(&self.state);
        if st.failing.is_some() {
            self.reopen(&st)?;
        }
        let mut ops = Vec::new();
        for s in st.series.values() {
            for c in &s.sealed {
                ops.push(Op::Insert(
                    keys::chunk_key(Kind::Raw, s.id, c.first_ts).to_vec(),
                    c.bytes.clone(),
                ));
                ops.push(Op::Insert(
                    keys::index_key(Kind::Raw, s.id, c.first_ts).to_vec(),
                    Vec::new(),
                ));
                for seq in c.live_from..=c.deltas {
                    ops.push(Op::Remove(keys::delta_key(s.id, c.first_ts, seq).to_vec()));
                }
            }
            for (i, l) in s.levels.iter().enumerate() {
                for (start, bytes) in &l.sealed {
                    ops.push(Op::Insert(
                        keys::chunk_key(LEVELS[i].0, s.id, *start).to_vec(),
                        bytes.clone(),
                    ));
                    ops.push(Op::Insert(
                        keys::index_key(LEVELS[i].0, s.id, *start).to_vec(),
                        Vec::new(),
                    ));
                }
            }
            if s.open.len() > s.persisted {
                let fresh = s.open.after(s.persisted);
                report.points += fresh.len();
                let Some(first) = s.open.first_ts() else {
                    continue;
                };
                if s.deltas > s.live_from && s.deltas % FOLD_EVERY == 0 {
                    // The whole open chunk as one delta, replacing the ones before it (a crash
                    // cannot split this batch; a point in two deltas is read once anyway).
                    ops.push(Op::Insert(
                        keys::delta_key(s.id, first, s.deltas).to_vec(),
                        encode_points(&s.open.all()?)?,
                    ));
                    for seq in s.live_from..s.deltas {
                        ops.push(Op::Remove(keys::delta_key(s.id, first, seq).to_vec()));
                    }
                } else {
                    ops.push(Op::Insert(
                        keys::delta_key(s.id, first, s.deltas).to_vec(),
                        encode_points(fresh)?,
                    ));
                }
            }
        }
        if !ops.is_empty() {
            report.bytes = ops.iter().map(Op::bytes).sum();
            self.handles().apply(&ops).map_err(|e| self.err(e))?;
            for s in st.series.values_mut() {
                s.sealed.clear();
                for l in &mut s.levels {
                    l.sealed.clear();
                }
                if s.open.len() > s.persisted {
                    if s.deltas > s.live_from && s.deltas % FOLD_EVERY == 0 {
                        s.live_from = s.deltas;
                    }
                    s.persisted = s.open.len();
                    s.deltas += 1;
                    s.open.pack(s.persisted)?;
                }
            }
            st.unsynced.extend(ops);
        }
        drop(st);
        // Appends go on while the disk syncs; they are in the next flush.
        self.handles().db.flush().map_err(|e| self.err(e))?;
        Ok(report)
    }

    /// Open sled again after a failed write, and apply what had not been synced.
    fn reopen(&self, st: &State) -> Result<(), HistorianError> {
        let mut h = self.handles.write().unwrap_or_else(|p| p.into_inner());
        // The old handles must be gone before sled opens the files again; a temporary database
        // stands in meanwhile (and stays, empty, if the reopen fails: the next flush retries).
        let old = std::mem::replace(&mut *h, stand_in().map_err(|e| self.err(e))?);
        drop(old);
        let fresh = open_sled(&self.path, &self.opts).map_err(|e| match e {
            // Not a broken database: the same failure that stopped the writes.
            HistorianError::Unopenable { path, error } => HistorianError::Sled { path, error },
            other => other,
        })?;
        *h = fresh;
        if !st.unsynced.is_empty() {
            h.apply(&st.unsynced).map_err(|e| self.err(e))?;
        }
        Ok(())
    }
}

impl Drop for SledHistorian {
    /// Flush, close sled, and mark the database cleanly closed (see `format::mark_clean`).
    fn drop(&mut self) {
        if let Err(err) = self.flush() {
            tracing::error!(%err, "historian: final flush failed; the next start recovers");
            return;
        }
        let Ok(placeholder) = stand_in() else { return };
        let h = self.handles.get_mut().unwrap_or_else(|p| p.into_inner());
        drop(std::mem::replace(h, placeholder));
        // sled's I/O threads let go of the files a moment after the last handle: wait for its
        // lock, so the manifest is taken of files nobody writes any more.
        let lock = self.path.join("db").join("db");
        for _ in 0..250 {
            match std::fs::File::open(&lock).map(|f| f.try_lock().is_ok()) {
                Ok(true) => {
                    if let Err(err) = mark_clean(&self.path) {
                        tracing::warn!(%err, "historian: could not record a clean close");
                    }
                    return;
                }
                Ok(false) => std::thread::sleep(std::time::Duration::from_millis(20)),
                Err(_) => return,
            }
        }
        tracing::warn!("historian: sled kept its files busy; not recording a clean close");
    }
}

impl Historian for SledHistorian {
    fn series(&self, names: &[&str]) -> Result<Vec<SeriesId>, HistorianError> {
        let mut st = lock(&self.state);
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if let Some(id) = st.by_name.get(*name) {
                out.push(*id);
                continue;
            }
            let h = self.handles();
            let next = h.db.generate_id().map_err(|e| self.err(e))?;
            let id = SeriesId(
                u32::try_from(next)
                    .map_err(|_| HistorianError::Corrupt("series ids exhausted".into()))?,
            );
            h.names
                .insert(name.as_bytes(), &id.0.to_be_bytes())
                .map_err(|e| self.err(e))?;
            drop(h);
            st.series
                .insert(id, SeriesState::new(id, self.opts.hold_ms));
            st.by_name.insert((*name).to_owned(), id);
            out.push(id);
        }
        Ok(out)
    }

    fn append(&self, batch: &[(SeriesId, Point)]) -> Result<(), HistorianError> {
        let mut st = lock(&self.state);
        if let Some(cause) = &st.failing {
            let buffered = st.buffered();
            if buffered > self.opts.buffer_bytes {
                let cause = cause.clone();
                st.dropped += batch.len() as u64;
                return Err(HistorianError::BufferFull {
                    cause,
                    buffered_bytes: buffered,
                    dropped: st.dropped,
                });
            }
        }
        let mut refused = 0;
        for (id, p) in batch {
            let s = st
                .series
                .get_mut(id)
                .ok_or(HistorianError::UnknownSeries(id.0))?;
            if s.last.is_some_and(|l| p.ts <= l.ts) {
                refused += 1;
                continue;
            }
            s.push(*p, &self.opts)?;
            s.recording = true;
        }
        if refused > 0 {
            // Usually a wall clock stepped back (NTP): say so once, then every 10,000 points.
            if st.out_of_order == 0
                || (st.out_of_order + refused) / 10_000 > st.out_of_order / 10_000
            {
                tracing::warn!(
                    refused,
                    total = st.out_of_order + refused,
                    "historian refused points not newer than their tag's last one (has the clock been set back?)"
                );
            }
            st.out_of_order += refused;
        }
        Ok(())
    }

    fn flush(&self) -> Result<FlushReport, HistorianError> {
        let _one_at_a_time = lock(&self.flushing);
        // Taken before writing out: everything appended by now goes into this flush, and what
        // arrives later is newer than its series' point noted here (appends are in time order).
        let marks: Vec<(SeriesId, Timestamp)> = lock(&self.state)
            .series
            .values()
            .filter_map(|s| s.last.map(|p| (s.id, p.ts)))
            .collect();
        match self.write_out() {
            Ok(report) => {
                let mut st = lock(&self.state);
                for (id, ts) in marks {
                    if let Some(s) = st.series.get_mut(&id) {
                        s.durable = Some(ts);
                    }
                }
                st.durable_until = st
                    .series
                    .values()
                    .filter(|s| s.recording)
                    .filter_map(|s| s.durable)
                    .min();
                st.unsynced.clear();
                if st.failing.take().is_some() {
                    tracing::info!(path = %self.path.display(), "historian writes resumed");
                }
                Ok(report)
            }
            Err(err) => {
                let mut st = lock(&self.state);
                if st.failing.is_none() {
                    tracing::error!(%err, "historian write failed; holding points in memory");
                }
                st.failing = Some(err.to_string());
                Err(err)
            }
        }
    }

    fn latest(&self, names: &[&str]) -> Result<Vec<Option<Point>>, HistorianError> {
        let st = lock(&self.state);
        Ok(names
            .iter()
            .map(|n| {
                Self::id_of(&st, n)
                    .and_then(|id| st.series.get(&id))
                    .and_then(|s| s.last)
            })
            .collect())
    }

    fn range(
        &self,
        name: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Point>, HistorianError> {
        let st = lock(&self.state);
        let Some(id) = Self::id_of(&st, name) else {
            return Ok(Vec::new());
        };
        self.points_locked(&st, id, from.0, to.0)
    }

    fn history(
        &self,
        name: &str,
        from: Timestamp,
        to: Timestamp,
        buckets: usize,
    ) -> Result<History, HistorianError> {
        let st = lock(&self.state);
        let plan = query::plan(from.0, to.0, buckets, &st.horizons);
        let Some(id) = Self::id_of(&st, name) else {
            return Ok(query::answer(name, &plan, Vec::new()));
        };
        let rows = match plan.level {
            None => {
                let pts =
                    self.points_locked(&st, id, from.0.saturating_sub(self.opts.hold_ms), to.0)?;
                query::rows_from_points(&plan, &pts, self.opts.hold_ms)
            }
            Some(level) => {
                let rows = self.rows_locked(&st, level, id, from.0, to.0)?;
                query::rows_from_rows(&plan, &rows)
            }
        };
        Ok(query::answer(name, &plan, rows))
    }

    fn enforce_retention(&self, now: Timestamp) -> Result<RetentionReport, HistorianError> {
        let mut report = RetentionReport::default();
        let ids: Vec<SeriesId> = lock(&self.state).series.keys().copied().collect();
        let kinds = [Kind::Raw, Kind::Minute, Kind::Hour, Kind::Day];
        for (ki, kind) in kinds.iter().enumerate() {
            let Some(keep) = self.opts.retention.of(*kind) else {
                continue;
            };
            let cutoff = now.0.saturating_sub(keep);
            let period = LEVELS.iter().find(|l| l.0 == *kind).map(|l| l.2);
            for id in &ids {
                let mut doomed = Vec::new();
                {
                    let h = self.handles();
                    let range =
                        keys::index_key(*kind, *id, i64::MIN)..=keys::index_key(*kind, *id, cutoff);
                    let mut prev: Option<i64> = None;
                    for kv in h.data.range(range) {
                        let (k, _) = kv.map_err(|e| self.err(e))?;
                        let Some(t) = keys::index_time(&k) else {
                            continue;
                        };
                        match period {
                            // A rollup chunk ends with its period.
                            Some(p) => {
                                if t + p <= cutoff {
                                    doomed.push(t);
                                }
                            }
                            // A raw chunk ends where the next one starts.
                            None => {
                                if let Some(p) = prev.replace(t) {
                                    doomed.push(p);
                                }
                            }
                        }
                    }
                }
                for group in doomed.chunks(256) {
                    // Index entries first: a chunk nobody points to is never read.
                    let ops: Vec<Op> = group
                        .iter()
                        .map(|t| Op::Remove(keys::index_key(*kind, *id, *t).to_vec()))
                        .chain(
                            group
                                .iter()
                                .map(|t| Op::Remove(keys::chunk_key(*kind, *id, *t).to_vec())),
                        )
                        .collect();
                    let h = self.handles();
                    h.data
                        .apply_batch(ops_batch(&ops[..group.len()]))
                        .map_err(|e| self.err(e))?;
                    h.chunks
                        .apply_batch(ops_batch(&ops[group.len()..]))
                        .map_err(|e| self.err(e))?;
                }
                if period.is_some() {
                    report.rollup_chunks += doomed.len();
                } else {
                    report.raw_chunks += doomed.len();
                }
            }
            lock(&self.state).horizons[ki] = cutoff;
        }
        Ok(report)
    }

    fn summary(&self) -> Result<Summary, HistorianError> {
        let st = lock(&self.state);
        let h = self.handles();
        let mut s = Summary {
            series: st.series.len() as u32,
            ..Summary::default()
        };
        for (id, ss) in &st.series {
            let first = match h
                .data
                .scan_prefix(keys::index_prefix(Kind::Raw, *id))
                .next()
            {
                Some(kv) => keys::index_time(&kv.map_err(|e| self.err(e))?.0),
                None => None,
            };
            let first = first
                .or_else(|| ss.sealed.first().map(|c| c.first_ts))
                .or_else(|| ss.open.first_ts());
            if let Some(t) = first {
                s.oldest = Some(s.oldest.map_or(Timestamp(t), |o| o.min(Timestamp(t))));
            }
            if let Some(l) = ss.last {
                s.newest = Some(s.newest.map_or(l.ts, |o| o.max(l.ts)));
            }
        }
        Ok(s)
    }

    fn write_error(&self) -> Option<String> {
        lock(&self.state).failing.clone()
    }

    fn durable_until(&self, name: &str) -> Option<Timestamp> {
        let st = lock(&self.state);
        Self::id_of(&st, name)
            .and_then(|id| st.series.get(&id))
            .and_then(|s| s.durable)
    }

    fn health(&self) -> Health {
        let st = lock(&self.state);
        Health {
            write_error: st.failing.clone(),
            buffered_bytes: st.buffered(),
            dropped: st.dropped,
            out_of_order: st.out_of_order,
            durable_until: st.durable_until,
        }
    }
}
