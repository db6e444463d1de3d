//! Retention: each resolution is thinned to its own horizon, what is younger stays whole, and
//! history over thinned time falls back to a coarser rollup instead of answering with holes.

use hearth_historian::{Historian, Options, Point, Resolution, Retention, SledHistorian};
use hearth_model::{Quality, Timestamp};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_790_035_200_000; // a UTC midnight

fn point(ts: i64) -> Point {
    Point {
        ts: Timestamp(ts),
        value: Some(((ts / 60_000) % 500) as f64 * 0.1),
        quality: Quality::Good,
    }
}

#[test]
fn retention_thins_each_resolution_to_its_horizon() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let opts = Options {
        chunk_points: 500,
        retention: Retention {
            raw_ms: Some(3 * DAY),
            minute_ms: Some(6 * DAY),
            hour_ms: None,
            day_ms: None,
        },
        ..Options::default()
    };
    let h = SledHistorian::open(dir.path(), opts.clone())?;
    let id = h.series(&["zone1_temp"])?[0];
    // Ten days at one point a minute.
    let all: Vec<Point> = (0..10 * 1440).map(|i| point(T0 + i * 60_000)).collect();
    for part in all.chunks(1440) {
        let batch: Vec<_> = part.iter().map(|p| (id, *p)).collect();
        h.append(&batch)?;
        h.flush()?;
    }
    let now = Timestamp(T0 + 10 * DAY);
    let before = h.history("zone1_temp", Timestamp(T0), now, 40)?;

    let report = h.enforce_retention(now)?;
    assert!(report.raw_chunks > 0, "{report:?}");
    assert!(report.rollup_chunks > 0, "{report:?}");
    h.flush()?;

    let raw_cut = now.0 - 3 * DAY;
    let kept = h.range("zone1_temp", Timestamp(i64::MIN), Timestamp(i64::MAX))?;
    // Everything younger than the horizon is there, point for point; older raw chunks are gone
    // except the one straddling the horizon.
    let young: Vec<&Point> = all.iter().filter(|p| p.ts.0 >= raw_cut).collect();
    let kept_young: Vec<&Point> = kept.iter().filter(|p| p.ts.0 >= raw_cut).collect();
    assert_eq!(kept_young, young);
    let oldest = kept.first().map(|p| p.ts.0).unwrap_or(i64::MAX);
    assert!(
        oldest > raw_cut - 500 * 60_000,
        "raw older than one chunk before the horizon survived"
    );
    assert!(oldest <= raw_cut);

    // The first days are now only in hourly and daily rollups: a fine query there is answered
    // from hours, with the same counts as before.
    let early = h.history("zone1_temp", Timestamp(T0), Timestamp(T0 + DAY), 6)?;
    assert_eq!(early.source, Resolution::Hour);
    assert!(
        early.buckets.iter().all(|b| b.good == 240),
        "{:?}",
        early.buckets
    );
    // The whole window, coarse, is unchanged by retention.
    let after = h.history("zone1_temp", Timestamp(T0), now, 40)?;
    assert_eq!(after.source, before.source);
    assert_eq!(after.buckets, before.buckets);
    drop(h);

    // And it holds after reopening.
    let h = SledHistorian::open(dir.path(), opts)?;
    let again = h.range("zone1_temp", Timestamp(i64::MIN), Timestamp(i64::MAX))?;
    assert_eq!(again, kept);
    Ok(())
}
