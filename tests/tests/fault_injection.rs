//! The engine against the simulator through the fault-injecting proxy: every malformed reply
//! (reset mid-frame, truncation, corruption, wrong transaction id, function code or unit, an
//! MBAP length that lies, no answer at all) degrades the device's tag quality with a counted,
//! typed error and a fresh connection, never a panic or a wrong value; when the fault clears,
//! the device is Good again. Slow but well-formed replies (latency, drip, fragmentation) are
//! read correctly.

use std::time::{Duration, Instant};

use anyhow::Result;
use hearth_e2e::proxy::{Fault, FaultProxy};
use hearth_e2e::{default_config_at, start_engine, until};
use hearth_engine::Engine;
use hearth_model::Quality;
use hearth_model::config::Config;
use hearth_sim::{RunningSimulator, SimulatorOptions};

fn quality(engine: &Engine, tag: &str) -> Option<Quality> {
    engine
        .snapshot()
        .tags
        .iter()
        .find(|t| t.name == tag)
        .map(|t| t.quality)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_malformed_reply_degrades_the_device_and_it_recovers() -> Result<()> {
    let sim = RunningSimulator::start(
        SimulatorOptions::bundled_loopback(1).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let proxy = FaultProxy::start(sim.local_addr()).await?;
    let dir = tempfile::tempdir()?;
    let running = start_engine(default_config_at(proxy.addr().port())?, dir.path()).await?;
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

/// The default plant with a second device (another simulator, one tag) and the furnace behind
/// `furnace_port`; returns the plant file.
fn two_devices(
    dir: &std::path::Path,
    furnace_port: u16,
    second_port: u16,
) -> Result<std::path::PathBuf> {
    let root = hearth_e2e::repo_root();
    let plant = std::fs::read_to_string(root.join("config/plant.toml"))?;
    let plant = plant.replacen("kind = \"simulator\"\nhost", "kind = \"plc\"\nhost", 1);
    let plant = plant.replacen(
        "port = 0                      # 0 = any free port (simulator only); Modbus TCP PLCs use 502",
        &format!("port = {furnace_port}"),
        1,
    );
    let plant = plant.replacen(
        "[devices.furnace.simulator]\nspeed = 1.0                   # plant seconds per wall second\nseed = 1\n",
        &format!(
            "[devices.second]\nkind = \"plc\"\nport = {second_port}\nregister_map = \"second.toml\"\n"
        ),
        1,
    );
    anyhow::ensure!(
        plant.contains("[devices.second]") && plant.contains(&format!("port = {furnace_port}"))
    );
    std::fs::write(dir.join("plant.toml"), plant)?;
    std::fs::copy(
        root.join("config/simulator-registers.toml"),
        dir.join("simulator-registers.toml"),
    )?;
    std::fs::write(
        dir.join("second.toml"),
        "[tags.second_heartbeat]\nregister = \"input\"\naddress = 20\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"\n",
    )?;
    Ok(dir.join("plant.toml"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_device_goes_bad_within_its_timeout_and_never_delays_another() -> Result<()> {
    let opts = || SimulatorOptions::bundled_loopback(1).map_err(|e| anyhow::anyhow!("{e}"));
    let furnace = RunningSimulator::start(opts()?).await?;
    let second = RunningSimulator::start(opts()?).await?;
    let proxy = FaultProxy::start(furnace.local_addr()).await?;
    let dir = tempfile::tempdir()?;
    let plant = two_devices(dir.path(), proxy.addr().port(), second.local_addr().port())?;
    let config = Config::load(&plant).map_err(|e| anyhow::anyhow!("{e}"))?;
    let request_timeout = config.devices[0].request_timeout;
    // A poll may start up to one interval after the fault, then each attempt (the first and
    // its retries, each on a fresh connection) waits out the request timeout.
    let budget = Duration::from_secs(1)
        + request_timeout * (config.devices[0].retries + 1)
        + Duration::from_millis(500);
    let running = start_engine(config, &dir.path().join("data")).await?;
    let engine = running.engine();
    let good = |e: &Engine, tag: &str| quality(e, tag) == Some(Quality::Good);
    until("both devices Good", Duration::from_secs(10), || {
        good(&engine, "zone1_temp") && good(&engine, "second_heartbeat")
    })
    .await?;

    // The furnace accepts requests and never answers.
    proxy.set(Fault::BlackHole);
    let hung = Instant::now();
    let went_bad = until(
        "the hung device's tags go Bad",
        Duration::from_secs(10),
        || quality(&engine, "zone1_temp").is_some_and(|q| q.is_bad()),
    )
    .await?;
    // Meanwhile the other device is polled on time: a new sample every second, Good.
    let mut last_ts = None;
    let mut gaps = Vec::new();
    while hung.elapsed() < Duration::from_secs(10) {
        let t = engine
            .snapshot()
            .tags
            .iter()
            .find(|t| t.name == "second_heartbeat")
            .and_then(|t| t.ts_ms.filter(|_| t.quality == Quality::Good));
        if let (Some(prev), Some(now)) = (last_ts, t)
            && now != prev
        {
            gaps.push(now - prev);
        }
        if t.is_some() {
            last_ts = t;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let worst = gaps.iter().copied().max().unwrap_or(i64::MAX);
    println!(
        "hung device Bad after {} ms (request timeout {} ms); the other device's samples {} ms apart at most",
        went_bad.as_millis(),
        request_timeout.as_millis(),
        worst
    );
    assert!(went_bad <= budget, "Bad only after {went_bad:?}");
    assert!(
        gaps.len() >= 6,
        "the other device was hardly polled: {gaps:?}"
    );
    assert!(
        worst <= 1300,
        "the other device's polls were held up: {gaps:?}"
    );
    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_garbage_and_slow_clients_do_not_stop_the_simulator_serving() -> Result<()> {
    use tokio::io::AsyncWriteExt;
    use tokio_modbus::client::Reader;
    let sim = RunningSimulator::start(
        SimulatorOptions::bundled_loopback(1).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let addr = sim.local_addr();
    let mut pests = Vec::new();
    for i in 0..100u32 {
        let mut s = tokio::net::TcpStream::connect(addr).await?;
        pests.push(tokio::spawn(async move {
            // Half send bytes that are not Modbus, half a frame's header one byte a second.
            for k in 0..30u32 {
                let bytes: &[u8] = if i % 2 == 0 {
                    &[0xde, 0xad, 0xbe, 0xef, 0xff, 0x00, 0x13, 0x37]
                } else {
                    &[0x00]
                };
                if s.write_all(bytes).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(
                    if i % 2 == 0 { 10 } else { 1000 } + u64::from(k),
                ))
                .await;
            }
        }));
    }
    let mut ctx = tokio_modbus::client::tcp::connect(addr).await?;
    let mut worst = Duration::ZERO;
    for _ in 0..200 {
        let t = Instant::now();
        let words = tokio::time::timeout(Duration::from_secs(1), ctx.read_input_registers(0, 20))
            .await???;
        assert_eq!(words.len(), 20);
        worst = worst.max(t.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "with 100 garbage and slow clients: 200 reads, slowest {} ms",
        worst.as_millis()
    );
    for p in pests {
        p.abort();
    }
    sim.stop().await;
    Ok(())
}
