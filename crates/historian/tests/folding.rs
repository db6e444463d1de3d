//! A tag flushed every second writes one delta per flush; every 64 the open chunk is folded
//! into one delta. So sled holds a bounded number of delta keys however long a chunk stays
//! open, every point survives a reopen in the middle of it, and the seal removes the few left.

use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

const T0: i64 = 1_795_000_000_000;

fn point(i: i64) -> Point {
    Point {
        ts: Timestamp(T0 + i * 1000),
        value: Some(500.0 + i as f64 * 0.1),
        quality: Quality::Good,
    }
}

#[test]
fn deltas_stay_few_and_every_point_survives_reopens_and_the_seal()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let opts = || Options {
        chunk_points: 1_000,
        ..Options::default()
    };
    let mut written = 0i64;
    let mut most_deltas = 0;
    // Three sessions, each flushing one point at a time, reopened in between.
    for session in 0..3 {
        let h = SledHistorian::open(dir.path(), opts())?;
        let id = h.series(&["zone1_temp"])?[0];
        for _ in 0..300 {
            h.append(&[(id, point(written))])?;
            h.flush()?;
            written += 1;
            most_deltas = most_deltas.max(h.footprint()?.deltas.0);
        }
        let got = h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?;
        assert_eq!(got.len() as i64, written, "session {session}: points lost");
        assert!(
            got.iter().enumerate().all(|(i, p)| *p == point(i as i64)),
            "session {session}: points changed"
        );
    }
    // 900 flushes of one open chunk: without folding there would be 900 delta keys.
    assert!(most_deltas <= 65, "{most_deltas} delta keys at once");

    // Past the chunk size: the seal removes the open chunk's deltas.
    let h = SledHistorian::open(dir.path(), opts())?;
    let id = h.series(&["zone1_temp"])?[0];
    for _ in 0..200 {
        h.append(&[(id, point(written))])?;
        h.flush()?;
        written += 1;
    }
    let f = h.footprint()?;
    assert!(f.raw.0 >= 1, "no chunk sealed: {f:?}");
    assert!(f.deltas.0 <= 65, "{} deltas after the seal", f.deltas.0);
    let got = h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?;
    assert_eq!(got.len() as i64, written);
    Ok(())
}
