//! Acquisition against the bundled simulator over real TCP.

use std::path::Path;
use std::sync::Arc;

use hearth_acquisition::DevicePoller;
use hearth_model::config::{Config, DeviceOverride, RegisterKind};
use hearth_model::{Quality, SystemClock};
use hearth_sim::{RunningSimulator, SimulatorOptions};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

async fn sim() -> R<RunningSimulator> {
    Ok(RunningSimulator::start(SimulatorOptions::bundled_loopback(1)?).await?)
}

/// The default config plus `extra` register-map text, pointed at `port`.
fn config_with(extra: &str, port: u16) -> R<(tempfile::TempDir, Config)> {
    let dir = tempfile::tempdir()?;
    std::fs::copy(
        repo().join("config/plant.toml"),
        dir.path().join("plant.toml"),
    )?;
    let map = std::fs::read_to_string(repo().join("config/simulator-registers.toml"))?;
    std::fs::write(
        dir.path().join("simulator-registers.toml"),
        format!("{map}\n{extra}\n"),
    )?;
    let mut c = Config::load(&dir.path().join("plant.toml")).map_err(|e| e.to_string())?;
    c.apply_overrides(&[DeviceOverride {
        device: "furnace".into(),
        host: "127.0.0.1".into(),
        port,
    }])
    .map_err(|e| e.to_string())?;
    Ok((dir, c))
}

#[tokio::test]
async fn every_default_tag_is_good_against_the_simulator() -> R<()> {
    let sim = sim().await?;
    let (_d, config) = config_with("", sim.local_addr().port())?;
    let config = Arc::new(config);
    let (samples, status) =
        hearth_acquisition::poll_once(config.clone(), 0, Arc::new(SystemClock)).await;
    assert_eq!(samples.len(), config.polled_tags().count());
    assert!(
        samples.iter().all(|s| s.quality == Quality::Good),
        "{samples:?}"
    );
    assert!(status.error.is_none() && status.last_good.is_some());
    Ok(())
}

#[tokio::test]
async fn an_unmapped_address_inside_a_block_is_isolated_and_the_split_remembered() -> R<()> {
    let sim = sim().await?;
    // Input 39 is not mapped by the simulator; 36 is. Planning bridges the two-register gap
    // (37 and 38 are slow tags), so the first read of the fast group covers 0..=39 and draws
    // exception 02.
    let ghost = "[tags.ghost]\nregister = \"input\"\naddress = 39\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"";
    let (_d, config) = config_with(ghost, sim.local_addr().port())?;
    let config = Arc::new(config);
    let fast = config
        .poll_groups
        .iter()
        .position(|g| g.name == "fast")
        .ok_or("no fast group")?;
    let ghost_id = config.tag_by_name("ghost").ok_or("no ghost")?.id;
    let mut poller = DevicePoller::new(config.clone(), 0, Arc::new(SystemClock));
    let before = poller.plan(fast).to_vec();
    assert!(before.iter().any(|b| b.register == RegisterKind::Input
        && b.tags.iter().any(|(t, _)| *t == ghost_id)
        && b.tags.len() > 1));

    for cycle in 0..2 {
        let samples = poller.poll_group(fast).await;
        let ghost_q = samples
            .iter()
            .find(|s| s.tag == ghost_id)
            .map(|s| s.quality);
        assert_eq!(
            ghost_q,
            Some(Quality::BadDeviceException(2)),
            "cycle {cycle}"
        );
        let others: Vec<_> = samples.iter().filter(|s| s.tag != ghost_id).collect();
        assert!(!others.is_empty());
        assert!(
            others.iter().all(|s| s.quality == Quality::Good),
            "cycle {cycle}: {others:?}"
        );
    }
    let after = poller.plan(fast).to_vec();
    let ghost_block = after
        .iter()
        .find(|b| b.tags.iter().any(|(t, _)| *t == ghost_id))
        .ok_or("ghost lost")?;
    assert_eq!(ghost_block.tags.len(), 1, "the bad address stands alone");
    assert!(
        after.len() <= before.len() + 8,
        "a few extra reads, not one per tag: {} blocks",
        after.len()
    );
    // The second cycle read the remembered plan: as many requests as blocks, no more splitting.
    let requests_before = poller.status().requests;
    poller.poll_group(fast).await;
    assert_eq!(
        poller.status().requests - requests_before,
        after.len() as u64
    );
    Ok(())
}

#[tokio::test]
async fn an_open_thermocouple_reads_bad_sensor_failure_not_just_out_of_range() -> R<()> {
    let sim = sim().await?;
    sim.with_simulation(|s| {
        s.start_fault(hearth_sim::Fault::ThermocoupleOpen { zone: 2 })
            .ok();
        s.step(1.0);
    });
    let (_d, config) = config_with("", sim.local_addr().port())?;
    let config = Arc::new(config);
    let (samples, _) =
        hearth_acquisition::poll_once(config.clone(), 0, Arc::new(SystemClock)).await;
    let q = |name: &str| {
        let id = config.tag_by_name(name).map(|t| t.id);
        samples
            .iter()
            .find(|s| Some(s.tag) == id)
            .map(|s| (s.quality, s.value))
    };
    assert_eq!(
        q("zone2_temp"),
        Some((Quality::BadSensorFailure, Some(1500.0)))
    );
    assert_eq!(q("zone1_temp").map(|x| x.0), Some(Quality::Good));
    Ok(())
}

#[tokio::test]
async fn a_plc_restart_is_seen_in_the_heartbeat_and_a_wrap_is_not_mistaken_for_one() -> R<()> {
    let sim = sim().await?;
    let (_d, config) = config_with("", sim.local_addr().port())?;
    assert!(
        config.devices[0].restart_tag.is_some(),
        "the default config names the heartbeat"
    );
    let config = Arc::new(config);
    let fast = config
        .poll_groups
        .iter()
        .position(|g| g.name == "fast")
        .ok_or("no fast group")?;
    let mut poller = DevicePoller::new(config.clone(), 0, Arc::new(SystemClock));
    let poll_after = |secs: f64, f: &dyn Fn(&mut hearth_sim::Simulation)| {
        sim.with_simulation(|s| {
            f(s);
            s.step(secs);
        });
    };
    poll_after(5.0, &|_| {});
    poller.poll_group(fast).await;
    // The heartbeat wraps from 65535 to 0: not a restart.
    poll_after(0.0, &|s| s.plc.heartbeat = 65534);
    poller.poll_group(fast).await;
    poll_after(3.0, &|_| {});
    poller.poll_group(fast).await;
    assert_eq!(poller.status().restarts, 0, "a wrap is not a restart");
    // A restart (the connection drop left out, so only the counters speak).
    poll_after(0.0, &|s| s.plc.heartbeat = 500);
    poller.poll_group(fast).await;
    poll_after(2.0, &|s| {
        s.start_fault(hearth_sim::Fault::PlcRestart).ok();
        s.take_server_requests();
    });
    poller.poll_group(fast).await;
    let st = poller.status();
    assert_eq!(st.restarts, 1);
    assert!(st.last_restart.is_some());
    Ok(())
}

#[tokio::test]
async fn a_plc_diagnostic_bit_alone_marks_its_channel_bad_sensor_failure() -> R<()> {
    let sim = sim().await?;
    let dir = tempfile::tempdir()?;
    std::fs::copy(
        repo().join("config/plant.toml"),
        dir.path().join("plant.toml"),
    )?;
    // Drop zone 2's value band so only the input card's diagnostic bit can tell.
    let map = std::fs::read_to_string(repo().join("config/simulator-registers.toml"))?;
    let zone2 = map.find("[tags.zone2_temp]").ok_or("no zone2_temp")?;
    let band = map[zone2..]
        .find("sensor_fault_above = 1450.0\n")
        .ok_or("no band")?
        + zone2;
    let map = format!(
        "{}{}",
        &map[..band],
        &map[band + "sensor_fault_above = 1450.0\n".len()..]
    );
    std::fs::write(dir.path().join("simulator-registers.toml"), map)?;
    let mut config = Config::load(&dir.path().join("plant.toml")).map_err(|e| e.to_string())?;
    config
        .apply_overrides(&[DeviceOverride {
            device: "furnace".into(),
            host: "127.0.0.1".into(),
            port: sim.local_addr().port(),
        }])
        .map_err(|e| e.to_string())?;
    let config = Arc::new(config);
    let zone2_id = config.tag_by_name("zone2_temp").ok_or("zone2_temp")?.id;
    assert!(
        config
            .tag(zone2_id)
            .is_some_and(|t| t.sensor_fault_above.is_none() && t.sensor_fault_flag.is_some())
    );
    let fast = config
        .poll_groups
        .iter()
        .position(|g| g.name == "fast")
        .ok_or("fast")?;
    let mut p = DevicePoller::new(config.clone(), 0, Arc::new(SystemClock));
    let q = |samples: &[hearth_model::Sample]| {
        samples
            .iter()
            .find(|s| s.tag == zone2_id)
            .map(|s| s.quality)
    };
    assert_eq!(q(&p.poll_group(fast).await), Some(Quality::Good));
    sim.with_simulation(|s| {
        s.start_fault(hearth_sim::Fault::ThermocoupleOpen { zone: 2 })
            .ok();
        s.step(1.0);
    });
    assert_eq!(
        q(&p.poll_group(fast).await),
        Some(Quality::BadSensorFailure)
    );
    sim.with_simulation(|s| {
        s.clear_fault(hearth_sim::Fault::ThermocoupleOpen { zone: 2 })
            .ok();
        s.step(120.0);
    });
    assert_eq!(
        q(&p.poll_group(fast).await),
        Some(Quality::Good),
        "repaired"
    );
    Ok(())
}
