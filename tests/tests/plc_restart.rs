//! A PLC restart as the network sees it: the port closes, stays closed a while, reopens. The
//! engine marks the gap (its tags go Bad, and what is stored says so), reconnects and polls Good
//! within 5 s of the port reopening, and stores no sample twice.

use std::time::{Duration, Instant};

use anyhow::Result;
use hearth_e2e::{default_config_at, start_engine, until};
use hearth_engine::Engine;
use hearth_historian::{Historian, Options, SledHistorian};
use hearth_model::{Quality, Timestamp};
use hearth_sim::{RunningSimulator, SimulatorOptions};

fn zone1(engine: &Engine) -> Option<(Quality, Option<i64>)> {
    engine
        .snapshot()
        .tags
        .iter()
        .find(|t| t.name == "zone1_temp")
        .map(|t| (t.quality, t.ts_ms))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_plc_is_polled_good_within_5_s_of_its_port_reopening() -> Result<()> {
    let opts = || SimulatorOptions::bundled_loopback(1).map_err(|e| anyhow::anyhow!("{e}"));
    let mut sim = RunningSimulator::start(opts()?).await?;
    let addr = sim.local_addr();
    let dir = tempfile::tempdir()?;
    let running = start_engine(default_config_at(addr.port())?, dir.path()).await?;
    let engine = running.engine();
    let good = |e: &Engine| zone1(e).is_some_and(|(q, _)| q == Quality::Good);
    until("first good poll", Duration::from_secs(10), || good(&engine)).await?;

    let mut reconnects = Vec::new();
    for outage_s in [1u64, 3, 8, 15] {
        sim.stop().await;
        until("the gap shows", Duration::from_secs(10), || !good(&engine)).await?;
        tokio::time::sleep(Duration::from_secs(outage_s)).await;
        sim = RunningSimulator::start(SimulatorOptions {
            bind: addr,
            ..opts()?
        })
        .await?;
        let reopened = Instant::now();
        until("Good again", Duration::from_secs(30), || good(&engine)).await?;
        reconnects.push((outage_s, reopened.elapsed()));
    }
    for (outage, t) in &reconnects {
        println!(
            "port closed {outage} s: Good again {} ms after it reopened",
            t.as_millis()
        );
    }
    running.stop().await?;
    sim.stop().await;
    drop(engine);

    // Stored: time strictly increasing (nothing twice), and each outage as non-Good samples.
    let h = SledHistorian::open(&dir.path().join("historian"), Options::default())?;
    let points = h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?;
    assert!(
        points.windows(2).all(|w| w[0].ts < w[1].ts),
        "a sample stored twice or out of order"
    );
    let gaps = points
        .windows(2)
        .filter(|w| w[0].quality == Quality::Good && w[1].quality != Quality::Good)
        .count();
    assert!(
        gaps >= reconnects.len(),
        "{gaps} gaps marked for {} restarts",
        reconnects.len()
    );
    for (outage, t) in &reconnects {
        assert!(
            *t <= Duration::from_secs(5),
            "after a {outage} s restart the first good poll came {} ms after the port reopened",
            t.as_millis()
        );
    }
    Ok(())
}
