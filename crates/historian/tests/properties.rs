//! Property tests: chunks round-trip bit-exactly, and every rollup equals a brute-force
//! aggregation over the raw points (before and after reopening the store).

use hearth_historian::rollup::Row;
use hearth_historian::{
    Historian, Options, Point, Resolution, SledHistorian, decode_points, decode_rows,
    encode_points, encode_rows,
};
use hearth_model::{Quality, Timestamp};
use proptest::prelude::*;

fn quality() -> impl Strategy<Value = Quality> {
    prop_oneof![
        6 => Just(Quality::Good),
        1 => Just(Quality::BadNoCommunication),
        1 => Just(Quality::UncertainStale),
        1 => Just(Quality::BadSensorFailure),
        1 => any::<u8>().prop_map(Quality::BadDeviceException),
    ]
}

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        6 => (-20_000i64..20_000).prop_map(|v| Some(v as f64 / 10.0)),
        1 => any::<u64>().prop_map(|b| Some(f64::from_bits(b))),
        1 => Just(Some(f64::NAN)),
        1 => Just(Some(-0.0)),
        1 => Just(None),
    ]
}

/// Points in strictly increasing time, with irregular steps.
fn points(max: usize) -> impl Strategy<Value = Vec<Point>> {
    (
        any::<i32>(),
        prop::collection::vec((1i64..400_000, value(), quality()), 0..max),
    )
        .prop_map(|(start, steps)| {
            let mut ts = i64::from(start) * 1000;
            steps
                .into_iter()
                .map(|(dt, value, quality)| {
                    ts += dt;
                    Point {
                        ts: Timestamp(ts),
                        value,
                        quality,
                    }
                })
                .collect()
        })
}

fn same(a: &Point, b: &Point) -> bool {
    a.ts == b.ts && a.quality == b.quality && a.value.map(f64::to_bits) == b.value.map(f64::to_bits)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn raw_chunks_round_trip_bit_exactly(pts in points(300)) {
        let bytes = encode_points(&pts).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut back = Vec::new();
        decode_points(&bytes, &mut back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.len(), pts.len());
        for (a, b) in pts.iter().zip(&back) {
            prop_assert!(same(a, b), "{:?} != {:?}", a, b);
        }
    }

    #[test]
    fn rollup_chunks_round_trip(rows in prop::collection::vec(
        (any::<i32>(), any::<u16>(), any::<u16>(), 0i64..60_000, -1e9f64..1e9,
         prop::option::of(-1e6f64..1e6), prop::option::of(-1e6f64..1e6)), 0..200)) {
        let rows: Vec<Row> = rows.into_iter().map(|(s, g, o, w, i, a, b)| Row {
            start: Timestamp(i64::from(s) * 60_000),
            good: u32::from(g),
            other: u32::from(o),
            weight_ms: w,
            integral: i,
            min: a,
            max: b,
            first: a,
            last: b,
        }).collect();
        let bytes = encode_rows(&rows).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut back = Vec::new();
        decode_rows(&bytes, &mut back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, rows);
    }

    #[test]
    fn corrupt_chunks_are_errors_not_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode_points(&bytes, &mut Vec::new());
        let _ = decode_rows(&bytes, &mut Vec::new());
    }
}

/// The definition, computed directly: for each bucket of `width` from `origin`, the usable points
/// in it and the integral of the held step function over it.
fn brute_force(pts: &[Point], origin: i64, width: i64, n: usize, hold: i64) -> Vec<Row> {
    let usable = |p: &Point| p.value.filter(|v| p.quality.is_good() && v.is_finite());
    (0..n)
        .map(|i| {
            let (b0, b1) = (origin + i as i64 * width, origin + (i as i64 + 1) * width);
            let mut r = Row::empty(Timestamp(b0));
            for p in pts.iter().filter(|p| p.ts.0 >= b0 && p.ts.0 < b1) {
                match usable(p) {
                    Some(v) => r.add_value(v),
                    None => r.other += 1,
                }
            }
            for (k, p) in pts.iter().enumerate() {
                let Some(v) = usable(p) else { continue };
                let next = pts.get(k + 1).map_or(i64::MAX, |n| n.ts.0);
                let (s, e) = (p.ts.0.max(b0), next.min(p.ts.0 + hold).min(b1));
                if e > s {
                    r.weight_ms += e - s;
                    r.integral += v * (e - s) as f64;
                }
            }
            r
        })
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs())),
        (None, None) => true,
        _ => false,
    }
}

fn check(
    h: &SledHistorian,
    pts: &[Point],
    origin: i64,
    width: i64,
    n: usize,
    expect: Resolution,
) -> Result<(), TestCaseError> {
    let hold = h.options().hold_ms;
    let got = h
        .history(
            "t",
            Timestamp(origin),
            Timestamp(origin + width * n as i64),
            n,
        )
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(got.source, expect);
    prop_assert_eq!(got.bucket_ms, width);
    let want = brute_force(pts, origin, width, n, hold);
    for (g, w) in got.buckets.iter().zip(&want) {
        prop_assert_eq!(g.start_ms, w.start.0);
        prop_assert_eq!(
            (g.good, g.other),
            (w.good, w.other),
            "bucket at {}",
            w.start.0
        );
        prop_assert_eq!(
            (g.min, g.max, g.first, g.last),
            (w.min, w.max, w.first, w.last)
        );
        prop_assert!(
            close(g.mean, w.mean()),
            "mean {:?} vs {:?} at {}",
            g.mean,
            w.mean(),
            w.start.0
        );
    }
    Ok(())
}

fn stream() -> impl Strategy<Value = Vec<Point>> {
    // Up to ~3 days of points at irregular steps from seconds to an hour, with some bad ones.
    prop::collection::vec(
        (
            prop_oneof![5 => 1_000i64..20_000, 1 => 20_000i64..3_600_000],
            (-5_000i64..5_000).prop_map(|v| v as f64 / 10.0),
            quality(),
            prop::bool::weighted(0.05),
        ),
        1..1_500,
    )
    .prop_map(|steps| {
        let mut ts = 1_764_288_000_000i64; // a UTC midnight
        steps
            .into_iter()
            .map(|(dt, v, q, none)| {
                ts += dt;
                Point {
                    ts: Timestamp(ts),
                    value: (!none).then_some(v),
                    quality: q,
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_rollup_equals_brute_force_aggregation(pts in stream(), seal_every in 50usize..400) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let opts = Options { chunk_points: seal_every, ..Options::default() };
        let fail = |e: hearth_historian::HistorianError| TestCaseError::fail(e.to_string());
        let day0 = 1_764_288_000_000i64;
        let days = ((pts.last().map_or(day0, |p| p.ts.0) - day0) / 86_400_000 + 1) as usize;
        {
            let h = SledHistorian::open(dir.path(), opts.clone()).map_err(fail)?;
            let id = h.series(&["t"]).map_err(fail)?[0];
            // In a few batches with flushes between, as the engine does.
            for part in pts.chunks(97) {
                let batch: Vec<_> = part.iter().map(|p| (id, *p)).collect();
                h.append(&batch).map_err(fail)?;
                h.flush().map_err(fail)?;
            }
            check(&h, &pts, day0, 240_000, days * 360, Resolution::Minute)?;
            check(&h, &pts, day0, 14_400_000, days * 6, Resolution::Hour)?;
            check(&h, &pts, day0, 4 * 86_400_000, days.div_ceil(4), Resolution::Day)?;
            check(&h, &pts, day0, 60_000, days * 1440, Resolution::Raw)?;
        }
        // Reopened: open chunks and open rollup rows are rebuilt from what was flushed.
        let h = SledHistorian::open(dir.path(), opts).map_err(fail)?;
        let back = h.range("t", Timestamp(i64::MIN), Timestamp(i64::MAX)).map_err(fail)?;
        prop_assert_eq!(back.len(), pts.len());
        prop_assert!(back.iter().zip(&pts).all(|(a, b)| same(a, b)));
        check(&h, &pts, day0, 240_000, days * 360, Resolution::Minute)?;
        check(&h, &pts, day0, 14_400_000, days * 6, Resolution::Hour)?;
        check(&h, &pts, day0, 4 * 86_400_000, days.div_ceil(4), Resolution::Day)?;
    }
}
