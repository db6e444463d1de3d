//! The engine against the simulator through the fault-injecting proxy: every malformed reply
//! (reset mid-frame, truncation, corruption, wrong transaction id, function code or unit, an
//! MBAP length that lies, no answer at all) degrades the device's tag quality with a counted,
//! typed error and a fresh connection, never a panic or a wrong value; when the fault clears,
//! the device is Good again. Slow but well-formed replies (latency, drip, fragmentation) are
//! read correctly.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use hearth_e2e::default_config;
use hearth_e2e::proxy::{Fault, FaultProxy};
use hearth_engine::{Engine, EngineOptions};
use hearth_model::Quality;
use hearth_model::config::{Config, DeviceOverride};
use hearth_sim::{RunningSimulator, SimulatorOptions};

fn quality(engine: &Engine, tag: &str) -> Option<Quality> {
    engine
        .snapshot()
        .tags
        .iter()
        .find(|t| t.name == tag)
        .map(|t| t.quality)
}

async fn until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) -> Result<Duration> {
    let start = Instant::now();
    while !ok() {
        if start.elapsed() > timeout {
            bail!("{what}: not within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(start.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_malformed_reply_degrades_the_device_and_it_recovers() -> Result<()> {
    let sim = RunningSimulator::start(
        SimulatorOptions::bundled_loopback(1).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let proxy = FaultProxy::start(sim.local_addr()).await?;
    let mut config = Config::load(&default_config()).map_err(|e| anyhow::anyhow!("{e}"))?;
    config
        .apply_overrides(&[DeviceOverride {
            device: "furnace".into(),
            host: "127.0.0.1".into(),
            port: proxy.addr().port(),
        }])
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = tempfile::tempdir()?;
    let running = Engine::start(EngineOptions {
        config,
        data_dir: dir.path().to_path_buf(),
        bind: None,
        ui: None,
        clock: None,
    })
    .await?;
    let engine = running.engine();
    let good = |e: &Engine| quality(e, "zone1_temp") == Some(Quality::Good);
    until("first good poll", Duration::from_secs(10), || good(&engine)).await?;

    // Slow but well-formed: still read, still Good.
    for f in [
        Fault::Latency {
            ms: 200,
            jitter_ms: 200,
        },
        Fault::Drip { gap_ms: 2 },
        Fault::Fragment,
    ] {
        proxy.set(f);
        let before = engine.snapshot().devices[0].requests;
        until(
            &format!("{f:?}: ten more reads"),
            Duration::from_secs(15),
            || engine.snapshot().devices[0].requests >= before + 10,
        )
        .await?;
        assert!(
            good(&engine),
            "{f:?} made zone1_temp {:?}",
            quality(&engine, "zone1_temp")
        );
    }

    let mut recoveries = Vec::new();
    for f in Fault::MALFORMED {
        proxy.set(Fault::None);
        until(
            &format!("Good before {f:?}"),
            Duration::from_secs(15),
            || good(&engine),
        )
        .await?;
        let errors_before = engine.snapshot().devices[0].errors;
        proxy.set(f);
        until(
            &format!("{f:?} counted as an error"),
            Duration::from_secs(15),
            || engine.snapshot().devices[0].errors > errors_before,
        )
        .await?;
        until(
            &format!("{f:?} degrades the tags"),
            Duration::from_secs(15),
            || !good(&engine),
        )
        .await?;
        // Never a wrong value: whatever is shown while the fault lasts is not Good.
        let snap = engine.snapshot();
        let d = &snap.devices[0];
        assert!(d.error.is_some(), "{f:?}: no error said");
        proxy.set(Fault::None);
        let back = until(
            &format!("recovery from {f:?}"),
            Duration::from_secs(15),
            || good(&engine),
        )
        .await?;
        recoveries.push((f, back));
    }
    for (f, t) in &recoveries {
        println!("recovered from {f:?} in {} ms", t.as_millis());
    }
    running.stop().await?;
    sim.stop().await;
    Ok(())
}
