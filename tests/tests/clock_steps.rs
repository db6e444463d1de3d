//! The wall clock stepped an hour either way, and a DST change, while Hearth records.
//!
//! - In this process, through the engine's injectable clock (a wall clock stepped at once).
//! - In a child `hearth serve` under libfaketime (Debian's `faketime`), whose wall clock the
//!   test steps through a file while the monotonic clock stays real, as an NTP step or an
//!   operator would. This machine's clock is never touched.
//!
//! Expected: no sample overwritten or refused; polling keeps its real-time cadence (scheduling
//! is monotonic); the skew is reported; UTC stamps run straight through a DST change and local
//! exports carry the offset, so the repeated hour is not ambiguous.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hearth_e2e::clocks::SteppedClock;
use hearth_e2e::{
    binary, closed_port, default_config_at, spawn_env, start_engine_with_clock, start_sim, until,
    zone1_good,
};
use hearth_historian::{Historian, Options, SledHistorian};
use hearth_model::Timestamp;
use hearth_sim::{RunningSimulator, SimulatorOptions};
use serde_json::Value;

const HOUR: i64 = 3_600_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hour_forward_then_two_back_overwrites_nothing_and_polls_keep_time() -> Result<()> {
    let sim = RunningSimulator::start(
        SimulatorOptions::bundled_loopback(3).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(SteppedClock::default());
    let running = start_engine_with_clock(
        default_config_at(sim.local_addr().port())?,
        dir.path(),
        clock.clone(),
    )
    .await?;
    let engine = running.engine();
    until("first good poll", Duration::from_secs(10), || {
        zone1_good(&engine)
    })
    .await?;

    // Every zone1_temp sample the engine makes, as the live view gets it.
    let mut live = engine.subscribe();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let into = seen.clone();
    let watcher = tokio::spawn(async move {
        while let Ok(batch) = live.recv().await {
            for t in batch.tags.iter().filter(|t| t.name == "zone1_temp") {
                if let Some(ts) = t.ts_ms {
                    into.lock().unwrap_or_else(|p| p.into_inner()).push(ts);
                }
            }
        }
    });
    let requests_before = engine.snapshot().devices[0].requests;
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    clock.step(HOUR);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let skew_after_forward = engine.status().await?.clock_skew_ms;
    clock.step(-HOUR);
    tokio::time::sleep(Duration::from_secs(3)).await;
    clock.step(-HOUR);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let status = engine.status().await?;
    let shown = engine.snapshot().clock_skew_ms;
    let elapsed = started.elapsed();
    let requests = engine.snapshot().devices[0].requests - requests_before;
    running.stop().await?;
    sim.stop().await;
    watcher.abort();
    let mut stamps = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    stamps.dedup();

    assert_eq!(skew_after_forward, 0, "a step forward is followed at once");
    // Two hours back, less what was caught up at half speed in the seconds since.
    assert!(
        (2 * HOUR - 10_000..=2 * HOUR).contains(&status.clock_skew_ms),
        "skew reported: {} ms",
        status.clock_skew_ms
    );
    assert_eq!(status.historian_refused, 0, "points were refused");
    // The live view (its banner) is told the same.
    assert!(
        (shown - status.clock_skew_ms).abs() < 1_000,
        "the live view shows {shown} ms"
    );

    // Scheduling is monotonic: the 1 s group polled about once a second throughout.
    let polls = elapsed.as_secs_f64();
    assert!(
        (requests as f64) >= polls * 0.8,
        "{requests} requests in {polls:.1} s: polling stalled when the clock stepped"
    );
    let stored = SledHistorian::open(&dir.path().join("historian"), Options::default())?.range(
        "zone1_temp",
        Timestamp(0),
        Timestamp(i64::MAX),
    )?;
    let stored_ts: Vec<i64> = stored.iter().map(|p| p.ts.0).collect();
    assert!(
        stored_ts.windows(2).all(|w| w[0] < w[1]),
        "stored stamps go back"
    );
    // Every sample the engine made is stored, under the stamp it was made with.
    let missing: Vec<&i64> = stamps
        .iter()
        .filter(|t| stored_ts.binary_search(t).is_err())
        .collect();
    assert!(missing.is_empty(), "samples not stored: {missing:?}");
    assert!(stamps.len() >= 10, "only {} samples seen", stamps.len());
    // The step forward shows as a gap of an hour; the steps back as stamps half a poll apart.
    let gaps: Vec<i64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().any(|g| (HOUR..HOUR + 3_000).contains(g)),
        "no hour-long gap: {gaps:?}"
    );
    assert!(
        gaps.iter().filter(|g| (300..800).contains(*g)).count() >= 3,
        "no half-speed stamps after the steps back: {gaps:?}"
    );
    println!(
        "{} samples, {requests} requests in {polls:.1} s; skew after two hours back {} ms",
        stamps.len(),
        status.clock_skew_ms
    );
    Ok(())
}

/// The thread-safe build: with the single-threaded one, a busy multi-threaded process now and
/// then read the real time (seen once in CI as a 35-day step and back).
const LIBFAKETIME: &str = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

fn get(agent: &ureq::Agent, url: &str) -> Result<Value> {
    Ok(agent.get(url).call()?.body_mut().read_json::<Value>()?)
}

/// A `hearth serve` whose wall clock is `offset_s` from the real one and follows the file
/// `spec` (libfaketime re-reads it), recording the external simulator on `sim_port`.
struct FakedServe {
    proc: hearth_e2e::Proc,
    base: String,
    agent: ureq::Agent,
}

fn faked_serve(
    dir: &std::path::Path,
    sim_port: u16,
    spec: &std::path::Path,
    tz: &str,
    config: &std::path::Path,
) -> Result<FakedServe> {
    let port = closed_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let bind = format!("127.0.0.1:{port}");
    let device = format!("furnace=127.0.0.1:{sim_port}");
    let data = dir.join("data").display().to_string();
    let proc = spawn_env(
        &binary("hearth")?,
        &[
            "serve",
            "--bind",
            &bind,
            "--config",
            &config.display().to_string(),
            "--data-dir",
            &data,
            "--device",
            &device,
        ],
        &[
            ("LD_PRELOAD", LIBFAKETIME),
            ("FAKETIME_TIMESTAMP_FILE", &spec.display().to_string()),
            // Re-read the spec file at most once a second (a step shows within a second).
            ("FAKETIME_CACHE_DURATION", "1"),
            // A stepped wall clock, as NTP steps it: the monotonic clock is not touched.
            ("DONT_FAKE_MONOTONIC", "1"),
            ("TZ", tz),
        ],
    )?;
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent();
    let started = Instant::now();
    while get(&agent, &format!("{base}/api/status")).is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the faked engine did not answer within 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(FakedServe { proc, base, agent })
}

impl FakedServe {
    fn status(&self) -> Result<Value> {
        get(&self.agent, &format!("{}/api/status", self.base))
    }

    fn stamps(&self, tag: &str) -> Result<Vec<i64>> {
        let points = get(
            &self.agent,
            &format!("{}/api/points?tag={tag}&from=0&to={}", self.base, i64::MAX),
        )?;
        Ok(points
            .as_array()
            .context("points")?
            .iter()
            .filter_map(|p| p["ts_ms"].as_i64())
            .collect())
    }
}

fn faketime_present() -> Result<()> {
    if !std::path::Path::new(LIBFAKETIME).exists() {
        bail!("{LIBFAKETIME} is missing: scripts/install-deps --test installs Debian's faketime");
    }
    Ok(())
}

#[test]
fn libfaketime_steps_a_running_hearth_back_and_forth() -> Result<()> {
    faketime_present()?;
    let (sim, sim_port) = start_sim()?;
    let dir = tempfile::tempdir()?;
    let spec = dir.path().join("faketime");
    std::fs::write(&spec, "+0\n")?;
    let serve = faked_serve(
        dir.path(),
        sim_port,
        &spec,
        "Asia/Shanghai",
        &hearth_e2e::default_config(),
    )?;
    std::thread::sleep(Duration::from_secs(3));
    std::fs::write(&spec, "+3600\n")?;
    std::thread::sleep(Duration::from_secs(3));
    let forward = serve.status()?;
    std::fs::write(&spec, "-3600\n")?;
    std::thread::sleep(Duration::from_secs(4));
    let back = serve.status()?;
    let stamps = serve.stamps("zone1_temp")?;
    serve.proc.terminate()?;
    sim.terminate()?;

    assert_eq!(forward["clock_skew_ms"].as_i64(), Some(0), "{forward}");
    let skew = back["clock_skew_ms"].as_i64().context("skew")?;
    assert!(
        (2 * HOUR - 10_000..=2 * HOUR).contains(&skew),
        "a step back of two hours reported as {skew} ms"
    );
    assert_eq!(back["historian_refused"].as_u64(), Some(0), "{back}");
    assert!(
        stamps.windows(2).all(|w| w[0] < w[1]),
        "stored stamps go back"
    );
    // About one sample a second of real time throughout: the steps did not stall polling.
    assert!(stamps.len() >= 8, "only {} samples", stamps.len());
    assert!(
        stamps
            .windows(2)
            .any(|w| (HOUR..HOUR + 3_000).contains(&(w[1] - w[0]))),
        "no hour-long gap at the step forward: {stamps:?}"
    );
    println!(
        "{} samples; skew after the step back {skew} ms",
        stamps.len()
    );
    Ok(())
}

#[test]
fn through_a_dst_change_utc_stamps_run_straight_and_local_exports_carry_the_offset() -> Result<()> {
    faketime_present()?;
    let (sim, sim_port) = start_sim()?;
    let dir = tempfile::tempdir()?;
    // A plant in Berlin, started 20 s before 03:00 CEST on 25 October 2026 turns to 02:00 CET.
    let root = hearth_e2e::repo_root().join("config");
    let cfg_dir = dir.path().join("config");
    std::fs::create_dir_all(&cfg_dir)?;
    for f in std::fs::read_dir(&root)? {
        let f = f?;
        if f.path().is_file() {
            std::fs::copy(f.path(), cfg_dir.join(f.file_name()))?;
        }
    }
    let plant = std::fs::read_to_string(cfg_dir.join("plant.toml"))?;
    let zone_line = plant
        .lines()
        .find(|l| l.trim_start().starts_with("time_zone"))
        .context("no time_zone in plant.toml")?
        .to_owned();
    std::fs::write(
        cfg_dir.join("plant.toml"),
        plant.replacen(&zone_line, "time_zone = \"Europe/Berlin\"", 1),
    )?;
    let change = chrono::DateTime::parse_from_rfc3339("2026-10-25T01:00:00Z")?.timestamp();
    let offset = change - 20 - chrono::Utc::now().timestamp();
    let spec = dir.path().join("faketime");
    std::fs::write(&spec, format!("{offset:+}\n"))?;
    let serve = faked_serve(
        dir.path(),
        sim_port,
        &spec,
        "Europe/Berlin",
        &cfg_dir.join("plant.toml"),
    )?;
    std::thread::sleep(Duration::from_secs(30));
    let status = serve.status()?;
    let stamps = serve.stamps("zone1_temp")?;
    let (from, to) = (
        stamps.first().copied().context("no samples")?,
        stamps.last().copied().context("no samples")? + 1,
    );
    let csv = serve
        .agent
        .get(&format!(
            "{}/api/export?tags=zone1_temp&from={from}&to={to}&local=true",
            serve.base
        ))
        .call()?
        .body_mut()
        .read_to_string()?;
    serve.proc.terminate()?;
    sim.terminate()?;

    assert_eq!(status["clock_skew_ms"].as_i64(), Some(0), "{status}");
    assert_eq!(status["historian_refused"].as_u64(), Some(0), "{status}");
    assert!(
        from < change * 1000 && to > change * 1000,
        "the samples do not span the change: {from}..{to}"
    );
    // UTC stamps: about one a second straight through, no jump of an hour either way.
    let gaps: Vec<i64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.iter().all(|g| (1..5_000).contains(g)),
        "stamps jump at the change: {gaps:?}"
    );
    // Local times: 02:59:5x+02:00, then 02:00:0x+01:00, each row once and in order.
    let times: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert!(
        times
            .iter()
            .any(|t| t.starts_with("2026-10-25T02:59") && t.ends_with("+02:00")),
        "no summer-time rows: {times:?}"
    );
    assert!(
        times
            .iter()
            .any(|t| t.starts_with("2026-10-25T02:00") && t.ends_with("+01:00")),
        "no winter-time rows: {times:?}"
    );
    let parsed: Vec<i64> = times
        .iter()
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).map(|d| d.timestamp_millis()))
        .collect::<Result<_, _>>()?;
    assert!(
        parsed.windows(2).all(|w| w[0] < w[1]),
        "local rows out of order or repeated"
    );
    assert_eq!(parsed.len(), stamps.len(), "rows and samples differ");
    Ok(())
}
