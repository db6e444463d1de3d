//! Historian benchmarks (figures printed, not asserted):
//!   cargo bench -p hearth-historian --bench historian
//! with SQLite (one row per point, WITHOUT ROWID, WAL) on the same data in the same run.
//!
//! Data: 50 furnace-like tags at 1 s for 200,000 s (10 M points): each a slow drift plus sensor
//! noise, quantised to 0.1 the way the acquisition scales an integer register (raw x 0.1). Tags
//! are read in five poll groups of ten; each group's time stamp is the second plus 0-3 ms of
//! read jitter, as the engine records it. Points are appended one poll (ten points) at a time and
//! flushed once a second of wall time, as the engine's flush timer does.
//!
//! Figures: (a) ingest points/s on one pinned core; (b) bytes per point on disk after closing;
//! (c) 30 days of one tag at 1 s into 1,000 buckets; (d) raw scan points/s.
//! `HEARTH_BENCH_SCALE=0.1` runs a tenth of the data for a quick look.

use std::path::Path;
use std::time::Instant;

use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

const TAGS: usize = 50;
const GROUP: usize = 10;
const T0: i64 = 1_790_000_000_000;

fn pin() {
    if let Some(id) = core_affinity::get_core_ids().and_then(|ids| ids.into_iter().next()) {
        core_affinity::set_for_current(id);
    }
}

/// xorshift64*: deterministic, fast, good enough for noise.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Roughly normal (sum of four uniforms), unit variance.
    fn normal(&mut self) -> f64 {
        (self.unit() + self.unit() + self.unit() + self.unit() - 2.0) * 1.732
    }
}

/// One tag's signal: level, drift and noise in engineering units.
struct Signal {
    level: f64,
    drift: f64,
    period_s: f64,
    noise: f64,
    walk: f64,
}

fn signals(rng: &mut Rng) -> Vec<Signal> {
    (0..TAGS)
        .map(|i| Signal {
            level: [1150.0, 850.0, 3.0, 120.0, 2400.0][i % 5] + i as f64,
            drift: [8.0, 5.0, 0.4, 3.0, 60.0][i % 5],
            period_s: 1_800.0 + rng.unit() * 7_200.0,
            // Thermocouples 0.2-0.5, flows and analysers a little noisier, in 0.1 steps.
            noise: [0.3, 0.25, 0.1, 0.5, 1.5][i % 5] * (0.7 + rng.unit() * 0.6),
            walk: 0.0,
        })
        .collect()
}

/// Generate seconds `[s0, s1)` of every tag, in poll order, calling `f` per poll group.
struct Plant {
    rng: Rng,
    sig: Vec<Signal>,
}

impl Plant {
    fn new(seed: u64) -> Plant {
        let mut rng = Rng(seed);
        let sig = signals(&mut rng);
        Plant { rng, sig }
    }

    fn second(&mut self, s: i64, out: &mut Vec<(usize, Point)>, tags: usize) {
        out.clear();
        for g in 0..tags.div_ceil(GROUP) {
            let ts = T0 + s * 1000 + (self.rng.next() % 4) as i64;
            for i in g * GROUP..((g + 1) * GROUP).min(tags) {
                let sg = &mut self.sig[i];
                sg.walk = (sg.walk + self.rng.normal() * sg.noise * 0.02) * 0.999;
                let v = sg.level
                    + sg.drift * (s as f64 / sg.period_s * std::f64::consts::TAU).sin()
                    + sg.walk
                    + self.rng.normal() * sg.noise;
                let raw = (v * 10.0).round();
                out.push((
                    i,
                    Point {
                        ts: Timestamp(ts),
                        value: Some(raw * 0.1),
                        quality: Quality::Good,
                    },
                ));
            }
        }
    }
}

fn du(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => total += du(&e.path()),
                Ok(m) => total += m.blocks() * 512,
                Err(_) => {}
            }
        }
    }
    total
}

type R<T> = Result<T, Box<dyn std::error::Error>>;

/// The store's options; `HEARTH_BENCH_CHUNK` and `HEARTH_BENCH_SEGMENT` override chunk points
/// and sled's segment size, for tuning.
fn options() -> Options {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok());
    let d = Options::default();
    Options {
        chunk_points: env("HEARTH_BENCH_CHUNK").unwrap_or(d.chunk_points),
        segment_bytes: env("HEARTH_BENCH_SEGMENT").unwrap_or(d.segment_bytes),
        ..d
    }
}

fn hearth_ingest(dir: &Path, seconds: i64) -> R<(f64, u64)> {
    let h = SledHistorian::open(dir, options())?;
    let names: Vec<String> = (0..TAGS).map(|i| format!("tag{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let ids = h.series(&refs)?;
    let mut plant = Plant::new(7);
    let mut poll = Vec::new();
    let mut batch = Vec::with_capacity(GROUP);
    let mut points = 0u64;
    let mut gen_time = 0.0;
    // `HEARTH_BENCH_FLUSH_EVERY` (simulated seconds) replaces the wall-clock flush, for tuning.
    let flush_every: Option<i64> = std::env::var("HEARTH_BENCH_FLUSH_EVERY")
        .ok()
        .and_then(|v| v.parse().ok());
    let start = Instant::now();
    let mut last_flush = Instant::now();
    for s in 0..seconds {
        let g0 = Instant::now();
        plant.second(s, &mut poll, TAGS);
        gen_time += g0.elapsed().as_secs_f64();
        for group in poll.chunks(GROUP) {
            batch.clear();
            batch.extend(group.iter().map(|(i, p)| (ids[*i], *p)));
            h.append(&batch)?;
        }
        points += poll.len() as u64;
        let due = match flush_every {
            Some(n) => s % n == n - 1,
            None => s % 64 == 0 && last_flush.elapsed().as_secs_f64() >= 1.0,
        };
        if due {
            h.flush()?;
            last_flush = Instant::now();
        }
    }
    h.flush()?;
    let secs = start.elapsed().as_secs_f64() - gen_time;
    let f = h.footprint()?;
    let per = |b: u64| b as f64 / points as f64;
    println!(
        "hearth  held in sled: raw chunks {} ({:.3} B/point), deltas {} ({:.3} B/point), rollup chunks {} ({:.3} B/point)",
        f.raw.0,
        per(f.raw.1),
        f.deltas.0,
        per(f.deltas.1),
        f.rollups.0,
        per(f.rollups.1)
    );
    drop(h);
    Ok((points as f64 / secs, points))
}

fn one_tag_month(dir: &Path) -> R<SledHistorian> {
    let h = SledHistorian::open(dir, options())?;
    let id = h.series(&["zone1_temp"])?[0];
    let mut plant = Plant::new(11);
    let mut poll = Vec::new();
    let mut batch = Vec::with_capacity(3600);
    for s in 0..30 * 86_400 {
        plant.second(s, &mut poll, 1);
        batch.extend(poll.iter().map(|(_, p)| (id, *p)));
        if batch.len() == 3600 {
            h.append(&batch)?;
            h.flush()?;
            batch.clear();
        }
    }
    h.append(&batch)?;
    h.flush()?;
    Ok(h)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The SQLite baseline's table: one row per point, clustered by series and time, in WAL mode.
fn sqlite_table(path: &Path) -> R<rusqlite::Connection> {
    let db = rusqlite::Connection::open(path)?;
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE TABLE points (series INTEGER, ts INTEGER, value REAL, quality INTEGER,
                              PRIMARY KEY (series, ts)) WITHOUT ROWID;",
    )?;
    Ok(db)
}

fn sqlite(dir: &Path, seconds: i64) -> R<()> {
    let path = dir.join("bench.sqlite");
    let mut db = sqlite_table(&path)?;
    let mut plant = Plant::new(7);
    let mut poll = Vec::new();
    let mut points = 0u64;
    let mut gen_time = 0.0;
    let start = Instant::now();
    let mut tx = db.transaction()?;
    let mut last_commit = Instant::now();
    for s in 0..seconds {
        let g0 = Instant::now();
        plant.second(s, &mut poll, TAGS);
        gen_time += g0.elapsed().as_secs_f64();
        {
            let mut st = tx.prepare_cached("INSERT INTO points VALUES (?1, ?2, ?3, ?4)")?;
            for (i, p) in &poll {
                st.execute(rusqlite::params![*i as i64, p.ts.0, p.value, 0])?;
            }
        }
        points += poll.len() as u64;
        if s % 64 == 0 && last_commit.elapsed().as_secs_f64() >= 1.0 {
            tx.commit()?;
            tx = db.transaction()?;
            last_commit = Instant::now();
        }
    }
    tx.commit()?;
    let secs = start.elapsed().as_secs_f64() - gen_time;
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    drop(db);
    let bytes = du(dir);
    println!(
        "sqlite  ingest: {:>12.0} points/s   disk: {:.2} bytes/point",
        points as f64 / secs,
        bytes as f64 / points as f64
    );

    // The same month-of-one-tag queries on SQLite.
    let path = dir.join("month.sqlite");
    let mut db = sqlite_table(&path)?;
    let mut plant = Plant::new(11);
    let tx = db.transaction()?;
    {
        let mut st = tx.prepare("INSERT INTO points VALUES (0, ?1, ?2, 0)")?;
        for s in 0..30 * 86_400 {
            plant.second(s, &mut poll, 1);
            for (_, p) in &poll {
                st.execute(rusqlite::params![p.ts.0, p.value])?;
            }
        }
    }
    tx.commit()?;
    let (from, to) = (T0, T0 + 30 * 86_400_000);
    let width = (to - from) / 1000;
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut st = db.prepare_cached(
            "SELECT (ts - ?1) / ?2 AS b, min(value), max(value), avg(value), count(*)
             FROM points WHERE series = 0 AND ts >= ?1 AND ts < ?3 GROUP BY b",
        )?;
        let n = st
            .query_map(rusqlite::params![from, width, to], |_| Ok(()))?
            .count();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(n, 1000);
    }
    println!(
        "sqlite  30 days of one tag into 1,000 buckets (min/max/avg, no first/last): {:.1} ms",
        median(times)
    );
    let t = Instant::now();
    let mut st =
        db.prepare("SELECT ts, value, quality FROM points WHERE series = 0 ORDER BY ts")?;
    let n = st.query_map([], |r| r.get::<_, f64>(1))?.count();
    println!(
        "sqlite  raw scan: {:>12.0} points/s",
        n as f64 / t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> R<()> {
    pin();
    let scale: f64 = std::env::var("HEARTH_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let seconds = (200_000.0 * scale) as i64;
    let keep = std::env::var("HEARTH_BENCH_KEEP").is_ok();
    let base = tempfile::tempdir_in(
        std::env::var("HEARTH_BENCH_DIR").unwrap_or_else(|_| "/var/tmp".into()),
    )?;

    let dir = base.path().join("ingest");
    let (rate, points) = hearth_ingest(&dir, seconds)?;
    let closed = du(&dir);
    // sled deletes a blob that a newer page replaced only once the log segment that replaced it
    // retires, so the last few replaced blobs are still on disk at close; opening the database
    // again collects them. Both figures are printed.
    drop(SledHistorian::open(&dir, options())?);
    let bytes = du(&dir);
    println!(
        "hearth  ingest: {rate:>12.0} points/s   disk: {:.2} bytes/point at close, {:.2} once reopened ({points} points, {bytes} bytes)",
        closed as f64 / points as f64,
        bytes as f64 / points as f64,
    );

    if std::env::var("HEARTH_BENCH_ONLY").is_ok_and(|v| v == "ingest") {
        if keep {
            println!("kept {}", base.keep().display());
        }
        return Ok(());
    }
    let dir = base.path().join("month");
    let t = Instant::now();
    let h = one_tag_month(&dir)?;
    let built = t.elapsed().as_secs_f64();
    let (from, to) = (Timestamp(T0), Timestamp(T0 + 30 * 86_400_000));
    let mut times = Vec::new();
    let mut source = None;
    for _ in 0..20 {
        let t = Instant::now();
        let r = h.history("zone1_temp", from, to, 1000)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        source = Some(r.source);
        assert_eq!(r.buckets.len(), 1000);
    }
    drop(h);
    let h = SledHistorian::open(&dir, options())?;
    let t = Instant::now();
    h.history("zone1_temp", from, to, 1000)?;
    let first = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "hearth  30 days of one tag into 1,000 buckets: {:.2} ms median, {first:.2} ms first after reopening (from {:?} rows; month written in {built:.1} s)",
        median(times),
        source
    );
    let t = Instant::now();
    let n = h.range("zone1_temp", from, to)?.len();
    println!(
        "hearth  raw scan: {:>12.0} points/s ({n} points)",
        n as f64 / t.elapsed().as_secs_f64()
    );
    let spec = hearth_historian::export::ExportSpec {
        tags: vec!["zone1_temp".into()],
        from,
        to,
        layout: hearth_historian::export::Layout::Long,
        tz: None,
    };
    let mut sink = std::io::BufWriter::new(std::io::sink());
    let t = Instant::now();
    let n = hearth_historian::export::write_csv(&h, &spec, &mut sink, &mut |_| {})?;
    println!(
        "hearth  CSV export (long layout): {:>12.0} points/s ({n} points)",
        n as f64 / t.elapsed().as_secs_f64()
    );
    drop(h);

    let dir = base.path().join("sqlite");
    std::fs::create_dir_all(&dir)?;
    sqlite(&dir, seconds)?;
    if keep {
        let kept = base.keep();
        println!("kept {}", kept.display());
    }
    Ok(())
}
