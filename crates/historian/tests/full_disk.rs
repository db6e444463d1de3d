//! A disk that cannot take more writes: flushes fail with a clear error, points wait in memory
//! (still readable) up to the bound, then are dropped and counted; when space returns the next
//! flush writes everything held, and it survives a reopen.
//!
//! The full disk is the kernel's: the process's file-size limit (RLIMIT_FSIZE) is lowered below
//! the database's size, so sled's next write fails with EFBIG exactly as a full disk fails with
//! ENOSPC, then raised again. This test is its own binary (own process) because the limit is
//! process-wide.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use hearth_historian::{Historian, HistorianError, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

const T0: i64 = 1_790_000_000_000;

fn batch(
    id: hearth_historian::SeriesId,
    from: i64,
    n: i64,
) -> Vec<(hearth_historian::SeriesId, Point)> {
    (from..from + n)
        .map(|i| {
            (
                id,
                Point {
                    ts: Timestamp(T0 + i * 1000),
                    // Noisy, so that what is held does not compress to nothing.
                    value: Some((i.wrapping_mul(2_654_435_761) % 100_000) as f64 * 0.1),
                    quality: Quality::Good,
                },
            )
        })
        .collect()
}

fn largest_file(dir: &std::path::Path) -> u64 {
    let mut max = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let Ok(m) = e.metadata() else { continue };
            max = max.max(if m.is_dir() {
                largest_file(&e.path())
            } else {
                m.len()
            });
        }
    }
    max
}

#[test]
fn a_full_disk_buffers_then_resumes_without_losing_what_was_held()
-> Result<(), Box<dyn std::error::Error>> {
    // Writing past the limit raises SIGXFSZ, which would kill the process; with a handler the
    // write just fails with EFBIG.
    signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        Arc::new(AtomicBool::new(false)),
    )?;
    let dir = tempfile::tempdir()?;
    let opts = Options {
        chunk_points: 2_000,
        buffer_bytes: 200_000,
        ..Options::default()
    };
    let h = SledHistorian::open(dir.path(), opts.clone())?;
    let id = h.series(&["zone1_temp"])?[0];
    h.append(&batch(id, 0, 10_000))?;
    h.flush()?;

    let before = getrlimit(Resource::Fsize);
    let full = largest_file(dir.path());
    setrlimit(
        Resource::Fsize,
        Rlimit {
            current: Some(full),
            maximum: before.maximum,
        },
    )?;

    // Writes fail now; points are held and readable.
    let mut next = 10_000;
    let mut failed = None;
    for _ in 0..50 {
        h.append(&batch(id, next, 2_000))?;
        next += 2_000;
        if let Err(e) = h.flush() {
            failed = Some(e);
            break;
        }
    }
    let failed = failed.ok_or("no flush failed with the file-size limit in place")?;
    assert!(
        !matches!(failed, HistorianError::BufferFull { .. }),
        "{failed}"
    );
    let health = h.health();
    assert!(health.write_error.is_some(), "{health:?}");
    assert_eq!(
        h.range("zone1_temp", Timestamp(i64::MIN), Timestamp(i64::MAX))?
            .len() as i64,
        next
    );

    // Keep recording until the memory bound is reached: then points are dropped, and counted.
    let mut held = next;
    let mut dropped = false;
    for _ in 0..1_000 {
        match h.append(&batch(id, next, 2_000)) {
            Ok(()) => {
                next += 2_000;
                held = next;
            }
            Err(HistorianError::BufferFull { dropped: n, .. }) => {
                assert!(n > 0);
                dropped = true;
                next += 2_000;
                break;
            }
            Err(e) => return Err(e.into()),
        }
        let _ = h.flush();
    }
    assert!(dropped, "the buffer never filled");
    assert!(h.health().dropped > 0);

    // Space returns: the next flush writes everything held.
    setrlimit(Resource::Fsize, before)?;
    h.flush()?;
    assert_eq!(h.health().write_error, None);
    h.append(&batch(id, next, 100))?;
    h.flush()?;
    drop(h);

    let h = SledHistorian::open(dir.path(), opts)?;
    let got = h.range("zone1_temp", Timestamp(i64::MIN), Timestamp(i64::MAX))?;
    let want: Vec<Point> = batch(id, 0, held)
        .into_iter()
        .chain(batch(id, next, 100))
        .map(|(_, p)| p)
        .collect();
    assert_eq!(got.len(), want.len());
    assert!(
        got == want,
        "the points held through the outage are not all there"
    );
    Ok(())
}
