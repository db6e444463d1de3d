//! Rollups: per-bucket min, max, time-weighted mean, first, last and sample counts, built
//! incrementally as points arrive and merged from finer buckets into coarser ones.
//!
//! The time-weighted mean treats a series as a step function: a usable value holds from its
//! timestamp until the next point of the series (whatever its quality), but never longer than
//! `hold_ms`, so an outage does not smear a stale value over hours. Each bucket keeps the integral
//! of that step function over the bucket and the time it covers, so coarse buckets are exact sums
//! of fine ones.
//!
//! A value is "usable" when its quality is good and it is a finite number; everything else is
//! counted in `other` and never enters min, max, mean, first or last.

use hearth_model::Timestamp;

use crate::Point;

/// How long a value may stand for the time after it when there is no newer point.
pub const DEFAULT_HOLD_MS: i64 = 15 * 60_000;

/// One bucket of one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub start: Timestamp,
    /// Usable points in the bucket.
    pub good: u32,
    /// Points in the bucket with bad or uncertain quality, or no finite value.
    pub other: u32,
    /// Milliseconds of the bucket covered by a held usable value.
    pub weight_ms: i64,
    /// Integral of the held value over those milliseconds (value x ms).
    pub integral: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub first: Option<f64>,
    pub last: Option<f64>,
}

impl Row {
    pub fn empty(start: Timestamp) -> Row {
        Row {
            start,
            good: 0,
            other: 0,
            weight_ms: 0,
            integral: 0.0,
            min: None,
            max: None,
            first: None,
            last: None,
        }
    }

    /// The time-weighted mean, if any usable value covered part of the bucket.
    pub fn mean(&self) -> Option<f64> {
        (self.weight_ms > 0).then(|| self.integral / self.weight_ms as f64)
    }

    pub fn add_value(&mut self, v: f64) {
        self.good += 1;
        self.min = Some(self.min.map_or(v, |m| m.min(v)));
        self.max = Some(self.max.map_or(v, |m| m.max(v)));
        if self.first.is_none() {
            self.first = Some(v);
        }
        self.last = Some(v);
    }

    /// Fold a later row (or part of the same bucket) into this one.
    pub fn merge(&mut self, r: &Row) {
        self.good += r.good;
        self.other += r.other;
        self.weight_ms += r.weight_ms;
        self.integral += r.integral;
        if let Some(m) = r.min {
            self.min = Some(self.min.map_or(m, |x| x.min(m)));
        }
        if let Some(m) = r.max {
            self.max = Some(self.max.map_or(m, |x| x.max(m)));
        }
        if self.first.is_none() {
            self.first = r.first;
        }
        if r.last.is_some() {
            self.last = r.last;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.good == 0 && self.other == 0 && self.weight_ms == 0
    }
}

/// The value a point contributes to aggregates, if any.
pub fn usable(p: &Point) -> Option<f64> {
    p.value.filter(|v| p.quality.is_good() && v.is_finite())
}

/// A grid of buckets: bucket `i` is `[origin + i * width, origin + (i + 1) * width)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub origin: i64,
    pub width: i64,
}

impl Grid {
    pub fn aligned(width: i64) -> Grid {
        Grid { origin: 0, width }
    }

    pub fn start_of(&self, t: i64) -> i64 {
        self.origin + (t - self.origin).div_euclid(self.width) * self.width
    }
}

/// Builds rows on a grid from points arriving in time order.
#[derive(Debug, Clone)]
pub struct PointAggregator {
    grid: Grid,
    hold_ms: i64,
    last: Option<(i64, Option<f64>)>,
    /// Rows not yet finished, in time order.
    open: Vec<Row>,
}

impl PointAggregator {
    pub fn new(grid: Grid, hold_ms: i64) -> PointAggregator {
        PointAggregator {
            grid,
            hold_ms,
            last: None,
            open: Vec::new(),
        }
    }

    fn row_at(&mut self, start: i64) -> &mut Row {
        let pos = self.open.iter().position(|r| r.start.0 >= start);
        match pos {
            Some(i) if self.open[i].start.0 == start => &mut self.open[i],
            Some(i) => {
                self.open.insert(i, Row::empty(Timestamp(start)));
                &mut self.open[i]
            }
            None => {
                self.open.push(Row::empty(Timestamp(start)));
                let n = self.open.len() - 1;
                &mut self.open[n]
            }
        }
    }

    fn integrate(&mut self, from: i64, to: i64, v: f64) {
        let mut t = from;
        while t < to {
            let start = self.grid.start_of(t);
            let end = (start + self.grid.width).min(to);
            let row = self.row_at(start);
            row.weight_ms += end - t;
            row.integral += v * (end - t) as f64;
            t = end;
        }
    }

    /// Add a point later than every point before it; finished rows go to `done` in time order.
    pub fn push(&mut self, p: &Point, done: &mut impl FnMut(Row)) {
        let t = p.ts.0;
        if let Some((lt, lv)) = self.last {
            if t <= lt {
                return;
            }
            if let Some(v) = lv {
                self.integrate(lt, t.min(lt.saturating_add(self.hold_ms)), v);
            }
        }
        let start = self.grid.start_of(t);
        let u = usable(p);
        let row = self.row_at(start);
        match u {
            Some(v) => row.add_value(v),
            None => row.other += 1,
        }
        self.last = Some((t, u));
        // Nothing later can reach a bucket that ends at or before this point.
        let finished = self
            .open
            .iter()
            .take_while(|r| r.start.0 + self.grid.width <= t)
            .count();
        for r in self.open.drain(..finished) {
            done(r);
        }
    }

    /// Rows still open, including the hold of the last value up to `until` (not recorded).
    pub fn open_rows(&self, until: Option<i64>) -> Vec<Row> {
        let mut copy = self.clone();
        if let (Some(until), Some((lt, Some(v)))) = (until, self.last) {
            copy.integrate(lt, until.min(lt.saturating_add(self.hold_ms)), v);
        }
        copy.open
    }
}

/// Merges finished rows of a finer grid into rows of a coarser one.
#[derive(Debug, Clone)]
pub struct RowMerger {
    grid: Grid,
    open: Option<Row>,
}

impl RowMerger {
    pub fn new(grid: Grid) -> RowMerger {
        RowMerger { grid, open: None }
    }

    pub fn push(&mut self, r: &Row, done: &mut impl FnMut(Row)) {
        let start = self.grid.start_of(r.start.0);
        match &mut self.open {
            Some(o) if o.start.0 == start => o.merge(r),
            _ => {
                if let Some(o) = self.open.take() {
                    done(o);
                }
                let mut o = Row::empty(Timestamp(start));
                o.merge(r);
                self.open = Some(o);
            }
        }
    }

    pub fn open_row(&self) -> Option<Row> {
        self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::Quality;

    fn p(ts: i64, v: f64) -> Point {
        Point {
            ts: Timestamp(ts),
            value: Some(v),
            quality: Quality::Good,
        }
    }

    #[test]
    fn a_value_holds_across_a_bucket_edge_until_the_next_point() {
        let mut agg = PointAggregator::new(Grid::aligned(1000), 10_000);
        let mut rows = Vec::new();
        for pt in [p(500, 1.0), p(1500, 3.0), p(2500, 5.0)] {
            agg.push(&pt, &mut |r| rows.push(r));
        }
        assert_eq!(rows.len(), 2);
        // [0,1000): 1.0 held 500 ms.  [1000,2000): 1.0 for 500 ms, 3.0 for 500 ms.
        assert_eq!((rows[0].weight_ms, rows[0].mean()), (500, Some(1.0)));
        assert_eq!((rows[1].weight_ms, rows[1].mean()), (1000, Some(2.0)));
        assert_eq!(
            (rows[1].min, rows[1].max, rows[1].good),
            (Some(3.0), Some(3.0), 1)
        );
    }

    #[test]
    fn a_hold_stops_at_the_limit_and_bad_points_break_it() {
        let mut agg = PointAggregator::new(Grid::aligned(1000), 300);
        let mut rows = Vec::new();
        let bad = Point {
            ts: Timestamp(700),
            value: None,
            quality: Quality::BadNoCommunication,
        };
        for pt in [p(0, 2.0), bad, p(2000, 4.0), p(3000, 4.0)] {
            agg.push(&pt, &mut |r| rows.push(r));
        }
        assert_eq!(rows[0].weight_ms, 300);
        assert_eq!((rows[0].good, rows[0].other), (1, 1));
        // Nothing held through [1000, 2000): the bad point ended the hold.
        assert_eq!(rows[1].start, Timestamp(2000));
    }
}
