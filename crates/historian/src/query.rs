//! Bucketed reads: choose raw points or a rollup level for the bucket width, then fold into equal
//! buckets. A rollup row goes into the bucket holding its start, so a bucket edge may be off by
//! up to one row's width; a level is only used when its rows are at most a quarter of a bucket.

use hearth_model::api::{History, HistoryBucket, Resolution};

use crate::Point;
use crate::rollup::{Grid, PointAggregator, Row};
use crate::store::LEVELS;

/// Buckets are capped so that a careless request cannot exhaust memory.
pub const MAX_BUCKETS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub from: i64,
    pub to: i64,
    pub width: i64,
    pub count: usize,
    /// `None` for raw points, else an index into `LEVELS`.
    pub level: Option<usize>,
}

/// `horizons[k]` is the retention cutoff of kind `k` (raw, minute, hour, day).
pub fn plan(from: i64, to: i64, buckets: usize, horizons: &[i64; 4]) -> Plan {
    let to = to.max(from);
    let span = to.saturating_sub(from).max(1);
    let count = buckets.clamp(1, MAX_BUCKETS);
    let width = (span.saturating_add(count as i64 - 1) / count as i64).max(1);
    let count = usize::try_from((span + width - 1) / width)
        .unwrap_or(1)
        .max(1);
    let mut level = None;
    for (i, (_, res, _)) in LEVELS.iter().enumerate() {
        if res.saturating_mul(4) <= width {
            level = Some(i);
        }
    }
    // Fall back to coarser data where a resolution has already been thinned by retention.
    let mut kind = level.map_or(0, |l| l + 1);
    while kind < 3 && from < horizons[kind] {
        kind += 1;
    }
    let level = if kind == 0 { None } else { Some(kind - 1) };
    Plan {
        from,
        to,
        width,
        count,
        level,
    }
}

/// Buckets from raw points (which may start up to one hold before `from`, for the carried value).
pub fn rows_from_points(plan: &Plan, points: &[Point], hold_ms: i64) -> Vec<Row> {
    let grid = Grid {
        origin: plan.from,
        width: plan.width,
    };
    let mut agg = PointAggregator::new(grid, hold_ms);
    let mut rows = Vec::new();
    for p in points {
        agg.push(p, &mut |r| rows.push(r));
    }
    rows.extend(agg.open_rows(Some(plan.to)));
    rows.retain(|r| r.start.0 >= plan.from && r.start.0 < plan.to);
    rows
}

/// Buckets from rollup rows.
pub fn rows_from_rows(plan: &Plan, rows: &[Row]) -> Vec<Row> {
    let grid = Grid {
        origin: plan.from,
        width: plan.width,
    };
    let mut out: Vec<Row> = Vec::new();
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| r.start);
    for r in sorted {
        let start = grid.start_of(r.start.0);
        match out.last_mut() {
            Some(o) if o.start.0 == start => o.merge(r),
            _ => {
                let mut o = Row::empty(hearth_model::Timestamp(start));
                o.merge(r);
                out.push(o);
            }
        }
    }
    out
}

pub fn answer(tag: &str, plan: &Plan, rows: Vec<Row>) -> History {
    let mut buckets: Vec<HistoryBucket> = (0..plan.count)
        .map(|i| HistoryBucket {
            start_ms: plan.from + i as i64 * plan.width,
            min: None,
            max: None,
            mean: None,
            first: None,
            last: None,
            good: 0,
            other: 0,
        })
        .collect();
    for r in rows {
        let i = (r.start.0 - plan.from).div_euclid(plan.width);
        let Some(b) = usize::try_from(i).ok().and_then(|i| buckets.get_mut(i)) else {
            continue;
        };
        b.min = r.min;
        b.max = r.max;
        b.mean = r.mean();
        b.first = r.first;
        b.last = r.last;
        b.good = r.good;
        b.other = r.other;
    }
    History {
        tag: tag.to_owned(),
        from_ms: plan.from,
        to_ms: plan.to,
        bucket_ms: plan.width,
        source: match plan.level {
            None => Resolution::Raw,
            Some(0) => Resolution::Minute,
            Some(1) => Resolution::Hour,
            Some(_) => Resolution::Day,
        },
        buckets,
    }
}
