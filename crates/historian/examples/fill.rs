//! Fill a data dir's historian with synthetic 1 s history, for the UI's pan benchmark
//! (`scripts/bench-ui`): `cargo run --release -p hearth-historian --example fill -- DATA_DIR
//! DAYS TAG...`. The history ends one minute before now, so an engine started on the data dir
//! right after continues it. Values are a slow daily wave with noise and the odd spike, so the
//! min/max envelopes have something to show.

use std::path::PathBuf;

use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: fill DATA_DIR DAYS TAG...";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let days: i64 = args.next().ok_or(usage)?.parse()?;
    let tags: Vec<String> = args.collect();
    if tags.is_empty() {
        return Err(usage.into());
    }
    let h = SledHistorian::open(&dir.join("historian"), Options::default())?;
    let names: Vec<&str> = tags.iter().map(String::as_str).collect();
    let ids = h.series(&names)?;
    let end = chrono::Utc::now().timestamp_millis() / 1000 * 1000 - 60_000;
    let start = end - days * 86_400_000;
    let started = std::time::Instant::now();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut batch = Vec::with_capacity(3600 * ids.len());
    let mut points = 0u64;
    let mut ts = start;
    while ts < end {
        for (i, id) in ids.iter().enumerate() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed % 1000) as f64 / 1000.0 - 0.5;
            let day = (ts - start) as f64 / 86_400_000.0;
            let base = 1000.0 + 100.0 * i as f64;
            let spike = if seed.is_multiple_of(20_000) {
                80.0
            } else {
                0.0
            };
            let value = base + 60.0 * (day * std::f64::consts::TAU).sin() + 4.0 * noise + spike;
            batch.push((
                *id,
                Point {
                    ts: Timestamp(ts),
                    value: Some(value),
                    quality: Quality::Good,
                },
            ));
        }
        ts += 1000;
        if batch.len() >= 3600 * ids.len() {
            points += batch.len() as u64;
            h.append(&batch)?;
            h.flush()?;
            batch.clear();
        }
    }
    points += batch.len() as u64;
    h.append(&batch)?;
    drop(h);
    println!(
        "{points} points ({days} days at 1 s, {} tags) in {:.1} s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
