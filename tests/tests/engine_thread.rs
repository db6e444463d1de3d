//! The thin thread: simulator -> Modbus TCP -> engine -> sled, in-process, on real sockets and a
//! real data dir.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hearth_e2e::{default_config, default_config_at, start_engine};
use hearth_engine::Engine;
use hearth_historian::{Historian, Options, SledHistorian};
use hearth_model::config::Config;
use hearth_model::{Quality, Timestamp};
use hearth_sim::{RunningSimulator, SimulatorOptions};

async fn all_good_within(engine: &Engine, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    loop {
        let snap = engine.snapshot();
        let not_good: Vec<String> = snap
            .tags
            .iter()
            .filter(|t| t.quality != Quality::Good)
            .map(|t| format!("{}={}", t.name, t.quality))
            .collect();
        if not_good.is_empty() {
            return Ok(());
        }
        if start.elapsed() > timeout {
            bail!("not Good after {timeout:?}: {}", not_good.join(", "));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_default_tag_arrives_good_and_is_in_sled_after_the_engine_stops() -> Result<()> {
    let sim = RunningSimulator::start(SimulatorOptions::bundled_loopback(3)?).await?;
    let config = default_config_at(sim.local_addr().port())?;
    let tag_names: Vec<String> = config.tags.iter().map(|t| t.name.clone()).collect();
    let dir = tempfile::tempdir()?;

    let running = start_engine(config, dir.path()).await?;
    let engine = running.engine();
    all_good_within(&engine, Duration::from_secs(5)).await?;
    // Values are the simulator's, decoded: a zone temperature near its setpoint, not a raw word.
    let snap = engine.snapshot();
    let zone1 = snap
        .tags
        .iter()
        .find(|t| t.name == "zone1_temp")
        .and_then(|t| t.value)
        .context("zone1_temp")?;
    assert!((950.0..1150.0).contains(&zone1), "zone1_temp {zone1}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    running.stop().await?;
    sim.stop().await;

    let h = SledHistorian::open(&dir.path().join("historian"), Options::default())?;
    for name in &tag_names {
        let points = h.range(name, Timestamp(0), Timestamp(i64::MAX))?;
        assert!(!points.is_empty(), "{name} has no stored samples");
        assert!(
            points
                .iter()
                .any(|p| p.quality == Quality::Good && p.value.is_some()),
            "{name} has no Good sample"
        );
        assert!(
            points.windows(2).all(|w| w[0].ts < w[1].ts),
            "{name} samples out of order or duplicated"
        );
    }
    let fast = h.range("zone2_temp", Timestamp(0), Timestamp(i64::MAX))?;
    assert!(
        fast.len() >= 2,
        "zone2_temp polled every second should have at least 2 samples, has {}",
        fast.len()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_config_runs_the_bundled_simulator_in_process_on_its_plant_clock() -> Result<()>
{
    let config = Config::load(&default_config()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = tempfile::tempdir()?;
    let running = start_engine(config, dir.path()).await?;
    assert_eq!(running.simulators().len(), 1);
    let engine = running.engine();
    assert_eq!(engine.plant_info().clock, "plant");
    all_good_within(&engine, Duration::from_secs(5)).await?;
    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_device_reads_bad_no_communication_and_the_engine_keeps_running() -> Result<()> {
    let config = default_config_at(hearth_e2e::closed_port()?)?;
    let dir = tempfile::tempdir()?;
    let running = start_engine(config, dir.path()).await?;
    let engine = running.engine();
    let start = Instant::now();
    loop {
        let snap = engine.snapshot();
        if snap
            .tags
            .iter()
            .all(|t| t.quality == Quality::BadNoCommunication && t.ts.is_some())
        {
            assert_eq!(
                snap.devices[0].state,
                hearth_model::api::DeviceState::Disconnected
            );
            assert!(
                snap.devices[0]
                    .error
                    .as_deref()
                    .unwrap_or("")
                    .contains("cannot connect")
            );
            break;
        }
        if start.elapsed() > Duration::from_secs(5) {
            bail!("tags never turned Bad_NoCommunication");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plc_stopped_and_restarted_is_polled_again_within_5_s_with_the_gap_marked() -> Result<()>
{
    let opts = |bind: std::net::SocketAddr| -> Result<SimulatorOptions> {
        Ok(SimulatorOptions {
            bind,
            ..SimulatorOptions::bundled_loopback(3)?
        })
    };
    let sim = RunningSimulator::start(opts("127.0.0.1:0".parse()?)?).await?;
    let addr = sim.local_addr();
    let dir = tempfile::tempdir()?;
    let running = start_engine(default_config_at(addr.port())?, dir.path()).await?;
    let engine = running.engine();
    all_good_within(&engine, Duration::from_secs(5)).await?;

    sim.stop().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let zone1 = |e: &Engine| {
        e.snapshot()
            .tags
            .into_iter()
            .find(|t| t.name == "zone1_temp")
            .map(|t| t.quality)
    };
    assert_eq!(
        zone1(&engine),
        Some(Quality::BadNoCommunication),
        "the outage shows"
    );

    let sim = RunningSimulator::start(opts(addr)?).await?;
    let reopened = Instant::now();
    loop {
        if zone1(&engine) == Some(Quality::Good) {
            break;
        }
        if reopened.elapsed() > Duration::from_secs(5) {
            bail!("no good poll within 5 s of the port reopening");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    running.stop().await?;
    sim.stop().await;

    let h = SledHistorian::open(&dir.path().join("historian"), Options::default())?;
    let points = h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?;
    let qualities: Vec<Quality> = points.iter().map(|p| p.quality).collect();
    let first_bad = qualities
        .iter()
        .position(|q| *q == Quality::BadNoCommunication)
        .context("gap not stored")?;
    assert!(qualities[..first_bad].iter().all(|q| *q == Quality::Good));
    assert_eq!(
        qualities.last(),
        Some(&Quality::Good),
        "good again after the restart"
    );
    assert!(
        points.windows(2).all(|w| w[0].ts < w[1].ts),
        "no duplicate samples"
    );
    Ok(())
}
