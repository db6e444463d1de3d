//! The sled implementation. Keys are `series (u32 BE) ++ timestamp (i64 BE, sign bit flipped)`
//! so that key order is time order within a series; values are the value and its quality.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hearth_model::{Quality, Timestamp};

use crate::format::check_or_create;
use crate::{Historian, HistorianError, Point, SeriesId, Summary};

pub struct SledHistorian {
    path: PathBuf,
    db: sled::Db,
    names: sled::Tree,
    points: sled::Tree,
    cache: Mutex<HashMap<String, SeriesId>>,
}

impl std::fmt::Debug for SledHistorian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledHistorian")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn key(series: SeriesId, ts: Timestamp) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..4].copy_from_slice(&series.0.to_be_bytes());
    k[4..].copy_from_slice(&((ts.0 as u64) ^ (1 << 63)).to_be_bytes());
    k
}

fn ts_of(k: &[u8]) -> Option<Timestamp> {
    let b: [u8; 8] = k.get(4..12)?.try_into().ok()?;
    Some(Timestamp((u64::from_be_bytes(b) ^ (1 << 63)) as i64))
}

fn encode(p: &Point) -> [u8; 11] {
    let mut v = [0u8; 11];
    v[0] = u8::from(p.value.is_some());
    v[1..9].copy_from_slice(&p.value.unwrap_or(0.0).to_le_bytes());
    v[9..].copy_from_slice(&p.quality.code().to_le_bytes());
    v
}

fn decode(k: &[u8], v: &[u8]) -> Result<Point, HistorianError> {
    let corrupt = || HistorianError::Corrupt(format!("point record of {} bytes", v.len()));
    let ts = ts_of(k).ok_or_else(corrupt)?;
    if v.len() != 11 {
        return Err(corrupt());
    }
    let value = f64::from_le_bytes(v[1..9].try_into().map_err(|_| corrupt())?);
    let code = u16::from_le_bytes(v[9..11].try_into().map_err(|_| corrupt())?);
    let quality = Quality::from_code(code)
        .ok_or_else(|| HistorianError::Corrupt(format!("quality code {code}")))?;
    Ok(Point {
        ts,
        value: (v[0] == 1).then_some(value),
        quality,
    })
}

impl SledHistorian {
    /// Open (or create) the historian in `dir`. Refuses a database of a newer format without
    /// touching it.
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<SledHistorian, HistorianError> {
        check_or_create(dir)?;
        let sled_err = |error| HistorianError::Sled {
            path: dir.display().to_string(),
            error,
        };
        let db = sled::Config::new()
            .path(dir.join("db"))
            .cache_capacity(cache_bytes)
            .flush_every_ms(None)
            .open()
            .map_err(sled_err)?;
        let names = db.open_tree("series").map_err(sled_err)?;
        let points = db.open_tree("points").map_err(sled_err)?;
        Ok(SledHistorian {
            path: dir.to_path_buf(),
            db,
            names,
            points,
            cache: Mutex::new(HashMap::new()),
        })
    }

    fn err(&self, error: sled::Error) -> HistorianError {
        HistorianError::Sled {
            path: self.path.display().to_string(),
            error,
        }
    }

    fn lookup(&self, name: &str) -> Result<Option<SeriesId>, HistorianError> {
        let v = self.names.get(name.as_bytes()).map_err(|e| self.err(e))?;
        v.map(|v| {
            let b: [u8; 4] = v
                .as_ref()
                .try_into()
                .map_err(|_| HistorianError::Corrupt(format!("series id of `{name}`")))?;
            Ok(SeriesId(u32::from_be_bytes(b)))
        })
        .transpose()
    }
}

impl Historian for SledHistorian {
    fn series(&self, names: &[&str]) -> Result<Vec<SeriesId>, HistorianError> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if let Some(id) = cache.get(*name) {
                out.push(*id);
                continue;
            }
            let id = match self.lookup(name)? {
                Some(id) => id,
                None => {
                    let next = self.db.generate_id().map_err(|e| self.err(e))?;
                    let id = SeriesId(
                        u32::try_from(next)
                            .map_err(|_| HistorianError::Corrupt("series ids exhausted".into()))?,
                    );
                    self.names
                        .insert(name.as_bytes(), &id.0.to_be_bytes())
                        .map_err(|e| self.err(e))?;
                    id
                }
            };
            cache.insert((*name).to_owned(), id);
            out.push(id);
        }
        Ok(out)
    }

    fn append(&self, batch: &[(SeriesId, Point)]) -> Result<(), HistorianError> {
        let mut b = sled::Batch::default();
        for (series, p) in batch {
            b.insert(&key(*series, p.ts), &encode(p));
        }
        self.points.apply_batch(b).map_err(|e| self.err(e))
    }

    fn flush(&self) -> Result<usize, HistorianError> {
        self.db.flush().map_err(|e| self.err(e))
    }

    fn range(
        &self,
        name: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Point>, HistorianError> {
        let Some(series) = self.lookup(name)? else {
            return Ok(Vec::new());
        };
        self.points
            .range(key(series, from)..key(series, to))
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.err(e))?;
                decode(&k, &v)
            })
            .collect()
    }

    fn summary(&self) -> Result<Summary, HistorianError> {
        let mut s = Summary::default();
        for kv in self.names.iter() {
            let (_, v) = kv.map_err(|e| self.err(e))?;
            let b: [u8; 4] = v
                .as_ref()
                .try_into()
                .map_err(|_| HistorianError::Corrupt("series id".into()))?;
            let prefix = b;
            s.series += 1;
            let first = self
                .points
                .scan_prefix(prefix)
                .next()
                .transpose()
                .map_err(|e| self.err(e))?;
            let last = self
                .points
                .scan_prefix(prefix)
                .next_back()
                .transpose()
                .map_err(|e| self.err(e))?;
            if let Some(t) = first.and_then(|(k, _)| ts_of(&k)) {
                s.oldest = Some(s.oldest.map_or(t, |o| o.min(t)));
            }
            if let Some(t) = last.and_then(|(k, _)| ts_of(&k)) {
                s.newest = Some(s.newest.map_or(t, |o| o.max(t)));
            }
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ts: i64, v: Option<f64>, q: Quality) -> Point {
        Point {
            ts: Timestamp(ts),
            value: v,
            quality: q,
        }
    }

    #[test]
    fn points_come_back_in_time_order_with_quality_after_reopening()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let ids;
        {
            let h = SledHistorian::open(dir.path(), 8 << 20)?;
            ids = h.series(&["a", "b"])?;
            h.append(&[
                (ids[0], p(2_000, Some(2.0), Quality::Good)),
                (ids[0], p(-5, Some(-1.0), Quality::UncertainStale)),
                (ids[0], p(1_000, None, Quality::BadNoCommunication)),
                (ids[1], p(1_500, Some(9.0), Quality::BadDeviceException(2))),
            ])?;
            h.flush()?;
        }
        let h = SledHistorian::open(dir.path(), 8 << 20)?;
        let a = h.range("a", Timestamp(i64::MIN), Timestamp(i64::MAX))?;
        assert_eq!(
            a,
            vec![
                p(-5, Some(-1.0), Quality::UncertainStale),
                p(1_000, None, Quality::BadNoCommunication),
                p(2_000, Some(2.0), Quality::Good),
            ]
        );
        assert_eq!(h.range("b", Timestamp(0), Timestamp(1_500))?, vec![]);
        assert_eq!(h.range("missing", Timestamp(0), Timestamp(10))?, vec![]);
        let s = h.summary()?;
        assert_eq!(
            (s.series, s.oldest, s.newest),
            (2, Some(Timestamp(-5)), Some(Timestamp(2_000)))
        );
        // Series ids survive a reopen: the same name maps to the same history.
        assert_eq!(h.series(&["b", "a", "c"])?[..2], [ids[1], ids[0]]);
        Ok(())
    }

    #[test]
    fn a_newer_format_is_refused_and_left_untouched() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("FORMAT"), "hearth-historian 99\n")?;
        let err = SledHistorian::open(dir.path(), 8 << 20)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("newer Hearth"), "{err}");
        let entries: Vec<_> = std::fs::read_dir(dir.path())?.collect();
        assert_eq!(entries.len(), 1, "nothing but the format file");
        Ok(())
    }
}
