//! Crash safety: a writer in a child process is killed with SIGKILL at random moments, 50 times
//! over the same database. After every kill the database must open, and hold every point the
//! writer had been told was durable, exactly, with nothing but a gapless continuation after it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

const TAGS: [&str; 5] = ["zone1_temp", "zone2_temp", "zone3_temp", "o2", "co"];
const T0: i64 = 1_790_000_000_000;
const STEP_MS: i64 = 20_000;
const ROUNDS: usize = 50;
const WRITER: &str = "HEARTH_CRASH_WRITER";

fn options() -> Options {
    // Small chunks, so kills land during seals and rollup seals too.
    Options {
        chunk_points: 150,
        ..Options::default()
    }
}

/// Batch `k`'s point for tag `j`: deterministic, so the checker knows what must be there.
fn expected(k: i64, j: usize) -> Point {
    let bad = (k + j as i64) % 97 == 0;
    Point {
        ts: Timestamp(T0 + k * STEP_MS + j as i64),
        value: (!bad).then(|| ((k * 7 + j as i64 * 13) % 2000) as f64 * 0.1),
        quality: if bad {
            Quality::BadNoCommunication
        } else {
            Quality::Good
        },
    }
}

fn batch_of(ts: Timestamp) -> i64 {
    (ts.0 - T0).div_euclid(STEP_MS)
}

/// The child: resume after what the database holds, append and flush forever, printing
/// `ack K` once everything up to batch K is durable.
fn writer(dir: &str) -> Result<(), Box<dyn std::error::Error>> {
    let h = SledHistorian::open(std::path::Path::new(dir), options())?;
    let ids = h.series(&TAGS)?;
    let latest = h.latest(&TAGS)?;
    // Resume from the least advanced tag (a kill can land between tags of one batch only if
    // a flush were split, which it never is, but the checker tolerates it anyway).
    let mut k = latest
        .iter()
        .map(|p| p.map_or(0, |p| batch_of(p.ts) + 1))
        .min()
        .unwrap_or(0);
    let mut out = std::io::stdout().lock();
    loop {
        for _ in 0..7 {
            let batch: Vec<_> = (0..TAGS.len())
                .filter(|j| latest[*j].is_none_or(|p| p.ts < expected(k, *j).ts))
                .map(|j| (ids[j], expected(k, j)))
                .collect();
            h.append(&batch)?;
            k += 1;
        }
        h.flush()?;
        use std::io::Write;
        writeln!(out, "ack {}", k - 1)?;
        out.flush()?;
    }
}

#[test]
fn killed_writers_never_lose_acknowledged_points() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(dir) = std::env::var(WRITER) {
        return writer(&dir);
    }
    let dir = tempfile::tempdir()?;
    let exe = std::env::current_exe()?;
    let mut seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos() as u64
        | 1;
    eprintln!("kill-delay seed {seed}");
    let mut acked_ever = -1i64;
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "killed_writers_never_lose_acknowledged_points",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(WRITER, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let acked = Arc::new(AtomicI64::new(-1));
        let reader = {
            let acked = acked.clone();
            let stdout = child.stdout.take().ok_or("no stdout")?;
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(k) = line.strip_prefix("ack ").and_then(|k| k.parse().ok()) {
                        acked.store(k, Ordering::SeqCst);
                    }
                }
            })
        };
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(40 + seed % 400));
        child.kill()?; // SIGKILL
        child.wait()?;
        reader.join().map_err(|_| "reader thread panicked")?;
        let acked = acked.load(Ordering::SeqCst).max(acked_ever);
        acked_ever = acked;

        let h = SledHistorian::open(dir.path(), options())
            .map_err(|e| format!("round {round}: the database did not open: {e}"))?;
        for (j, tag) in TAGS.iter().enumerate() {
            let got = h.range(tag, Timestamp(i64::MIN), Timestamp(i64::MAX))?;
            assert!(
                got.len() as i64 > acked,
                "round {round}: {tag} holds {} points, {} were acknowledged",
                got.len(),
                acked + 1
            );
            for (k, p) in got.iter().enumerate() {
                let want = expected(k as i64, j);
                assert!(
                    p.ts == want.ts
                        && p.quality == want.quality
                        && p.value.map(f64::to_bits) == want.value.map(f64::to_bits),
                    "round {round}: {tag} point {k} is {p:?}, expected {want:?}"
                );
            }
        }
        // Rollups survived too: the minute rows count every point the raw data holds.
        let all = h.range(TAGS[0], Timestamp(i64::MIN), Timestamp(i64::MAX))?;
        if let (Some(first), Some(last)) = (all.first(), all.last()) {
            let from = first.ts.0.div_euclid(86_400_000) * 86_400_000;
            let days = (last.ts.0 - from) / 86_400_000 + 1;
            let hist = h.history(
                TAGS[0],
                Timestamp(from),
                Timestamp(from + days * 86_400_000),
                days as usize * 360,
            )?;
            let counted: u64 = hist
                .buckets
                .iter()
                .map(|b| u64::from(b.good + b.other))
                .sum();
            assert_eq!(counted, all.len() as u64, "round {round}: rollup counts");
        }
    }
    assert!(
        acked_ever > 100,
        "the writer made too little progress to mean anything"
    );
    Ok(())
}
