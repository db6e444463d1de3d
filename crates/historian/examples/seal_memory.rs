//! Memory of the historian over simulated hours: 64 tags at 1 s, flushed every second (as the
//! engine does), sled's page cache at 8 MiB. Prints resident memory every half hour of data,
//! across the seal of the first chunks at 14,400 points (4 h). Runs as fast as it can.
//!
//!     cargo run --release -p hearth-historian --example seal_memory -- [CHUNK_POINTS] [HOURS]

use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let chunk: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(14_400);
    let hours: i64 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(8);
    let dir = tempfile::tempdir()?;
    let opts = Options {
        chunk_points: chunk,
        cache_bytes: 8 << 20,
        ..Options::default()
    };
    let h = SledHistorian::open(dir.path(), opts)?;
    let names: Vec<String> = (0..64).map(|i| format!("t{i}")).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let ids = h.series(&refs)?;
    let t0 = 1_795_000_000_000i64;
    for s in 0..hours * 3600 {
        let batch: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    *id,
                    Point {
                        ts: Timestamp(t0 + s * 1000),
                        value: Some(1000.0 + ((s * 7 + i as i64) % 97) as f64 * 0.1),
                        quality: Quality::Good,
                    },
                )
            })
            .collect();
        h.append(&batch)?;
        h.flush()?;
        if s % 1800 == 0 {
            println!(
                "chunk {chunk}: {:.1} h  rss {} KiB",
                s as f64 / 3600.0,
                rss_kib()
            );
        }
    }
    Ok(())
}
