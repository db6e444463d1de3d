//! The Simulator and Settings pages' API, end to end: the simulator the engine runs driven
//! through its library API, an external `hearth-sim` driven through its control registers, both
//! over the engine's HTTP face; their effect seen in the polled tags; and the configuration
//! view noticing when the file on disk changes or breaks.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::{default_config, engine_on, repo_root, start_sim};
use hearth_engine::Engine;
use hearth_engine::settings::{SettingsView, Validation};
use hearth_engine::simulator::{SimulatorCommand, SimulatorMode, SimulatorView};
use hearth_model::Quality;

/// GET or POST on the engine's HTTP face: status and body.
async fn http(url: String, body: Option<SimulatorCommand>) -> Result<(u16, String)> {
    tokio::task::spawn_blocking(move || -> Result<(u16, String)> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = match body {
            None => agent.get(&url).call()?,
            Some(cmd) => agent.post(&url).send_json(&cmd)?,
        };
        let status = resp.status().as_u16();
        Ok((status, resp.body_mut().read_to_string()?))
    })
    .await?
}

async fn command(base: &str, cmd: SimulatorCommand) -> Result<SimulatorView> {
    let (status, body) = http(format!("{base}/api/simulator/furnace"), Some(cmd)).await?;
    if status != 200 {
        bail!("HTTP {status}: {body}");
    }
    Ok(serde_json::from_str(&body)?)
}

/// Wait until the engine's live value of `tag` satisfies `ok`.
async fn wait_for_tag(engine: &Engine, tag: &str, ok: impl Fn(f64) -> bool) -> Result<f64> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let snap = engine.snapshot();
        let v = snap
            .tags
            .iter()
            .find(|t| t.name == tag && t.quality == Quality::Good)
            .and_then(|t| t.value);
        if let Some(v) = v
            && ok(v)
        {
            return Ok(v);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{tag} never reached the expected value (last {v:?})");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn fault_active(v: &SimulatorView, kind: &str) -> bool {
    v.faults.iter().any(|f| f.kind == kind && f.active)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_the_engine_runs_is_driven_through_its_library_api() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let running = engine_on(&default_config(), dir.path()).await?;
    let engine = running.engine();
    let base = format!("http://{}", running.http_addr().context("no HTTP face")?);
    assert_eq!(engine.plant_info().simulators, vec!["furnace".to_owned()]);

    let (status, body) = http(format!("{base}/api/simulator/furnace"), None).await?;
    assert_eq!(status, 200, "{body}");
    let view: SimulatorView = serde_json::from_str(&body)?;
    assert_eq!(view.mode, SimulatorMode::Embedded);
    assert_eq!(view.grades.len(), 3);
    assert!(view.grades.iter().all(|g| !g.name.is_empty()));
    assert!(view.faults.iter().all(|f| !f.active), "{:?}", view.faults);
    let shares: f64 = view.grades.iter().map(|g| g.share).sum();
    assert!(
        (shares - 1.0).abs() < 1e-9,
        "shares are normalised: {shares}"
    );

    // A fan trip stops the fan: the PLC's fan-running input drops, as polled by the engine.
    wait_for_tag(&engine, "fan_running", |v| v == 1.0).await?;
    let v = command(&base, SimulatorCommand::StartFault { code: 10 }).await?;
    assert!(fault_active(&v, "fan_trip"), "{:?}", v.faults);
    wait_for_tag(&engine, "fan_running", |v| v == 0.0).await?;
    let v = command(&base, SimulatorCommand::ClearFault { code: 10 }).await?;
    assert!(!fault_active(&v, "fan_trip"));
    wait_for_tag(&engine, "fan_running", |v| v == 1.0).await?;

    // Charge temperature and pace as the mill would change them.
    let v = command(&base, SimulatorCommand::ChargeTemperature { c: 450.0 }).await?;
    assert_eq!(v.charge_temp_c, 450.0);
    wait_for_tag(&engine, "charge_temp", |v| (v - 450.0).abs() < 0.5).await?;
    let v = command(&base, SimulatorCommand::Pace { tph: 150.0 }).await?;
    assert_eq!(v.pace_tph, 150.0);

    // The grade mix: shares and aims change, names stay.
    let mut grades = v.grades.clone();
    grades[0].share = 0.0;
    grades[1].share = 1.0;
    grades[2].share = 0.0;
    grades[2].aim_c = 1190.0;
    let v = command(&base, SimulatorCommand::Grades { grades }).await?;
    assert_eq!(v.grades[1].share, 1.0);
    assert_eq!(v.grades[2].aim_c, 1190.0);
    assert_eq!(v.grades[0].name, view.grades[0].name);

    // Out of range is refused with the reason, and changes nothing.
    let (status, body) = http(
        format!("{base}/api/simulator/furnace"),
        Some(SimulatorCommand::Pace { tph: 9000.0 }),
    )
    .await?;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("outside"), "{body}");
    assert_eq!(engine.simulator("furnace").await?.pace_tph, 150.0);
    let (status, _) = http(format!("{base}/api/simulator/nonesuch"), None).await?;
    assert_eq!(status, 404);

    running.stop().await?;
    Ok(())
}

/// A copy of the default config whose furnace is a `hearth-sim` on `port`, started on its own.
fn external_config(dir: &Path, port: u16) -> Result<std::path::PathBuf> {
    let plant = std::fs::read_to_string(default_config())?;
    let plant = plant
        .replacen("port = 0 ", &format!("port = {port} "), 1)
        .replacen(
            "[devices.furnace.simulator]\n",
            "[devices.furnace.simulator]\nexternal = true\n",
            1,
        );
    if !plant.contains("external = true") || !plant.contains(&format!("port = {port}")) {
        bail!("the default config's device section changed: update this test");
    }
    std::fs::write(dir.join("plant.toml"), plant)?;
    std::fs::copy(
        repo_root().join("config/simulator-registers.toml"),
        dir.join("simulator-registers.toml"),
    )?;
    Ok(dir.join("plant.toml"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_external_simulator_is_driven_through_its_control_registers() -> Result<()> {
    let (_sim, port) = start_sim()?;
    let conf = tempfile::tempdir()?;
    let config = external_config(conf.path(), port)?;
    let dir = tempfile::tempdir()?;
    let running = engine_on(&config, dir.path()).await?;
    let engine = running.engine();
    let base = format!("http://{}", running.http_addr().context("no HTTP face")?);

    let v: SimulatorView = {
        let (status, body) = http(format!("{base}/api/simulator/furnace"), None).await?;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body)?
    };
    assert_eq!(v.mode, SimulatorMode::External);
    assert_eq!(v.address, format!("127.0.0.1:{port}"));
    assert_eq!(v.grades.len(), 3);
    assert!(v.scenario.is_none());

    wait_for_tag(&engine, "fan_running", |v| v == 1.0).await?;
    let v = command(&base, SimulatorCommand::StartFault { code: 10 }).await?;
    assert!(fault_active(&v, "fan_trip"), "{:?}", v.faults);
    wait_for_tag(&engine, "fan_running", |v| v == 0.0).await?;
    let v = command(&base, SimulatorCommand::ClearFault { code: 10 }).await?;
    assert!(!fault_active(&v, "fan_trip"));

    let v = command(&base, SimulatorCommand::Pace { tph: 180.5 }).await?;
    assert_eq!(v.pace_tph, 180.5);
    let v = command(&base, SimulatorCommand::ChargeTemperature { c: -5.0 }).await?;
    assert_eq!(v.charge_temp_c, -5.0);
    let mut grades = v.grades.clone();
    grades[0].share = 0.25;
    grades[1].share = 0.25;
    grades[2].share = 0.5;
    let v = command(&base, SimulatorCommand::Grades { grades }).await?;
    let shares: Vec<f64> = v.grades.iter().map(|g| g.share).collect();
    assert_eq!(shares, vec![0.25, 0.25, 0.5]);
    let v = command(&base, SimulatorCommand::Speed { speed: 5.0 }).await?;
    assert_eq!(v.speed, 5.0);

    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_show_the_config_in_effect_and_notice_the_file_changing() -> Result<()> {
    let conf = tempfile::tempdir()?;
    std::fs::copy(default_config(), conf.path().join("plant.toml"))?;
    std::fs::copy(
        repo_root().join("config/simulator-registers.toml"),
        conf.path().join("simulator-registers.toml"),
    )?;
    let plant = conf.path().join("plant.toml");
    let dir = tempfile::tempdir()?;
    let running = engine_on(&plant, dir.path()).await?;
    let base = format!("http://{}", running.http_addr().context("no HTTP face")?);
    let get = || async {
        let (status, body) = http(format!("{base}/api/settings"), None).await?;
        if status != 200 {
            bail!("HTTP {status}: {body}");
        }
        Ok::<SettingsView, anyhow::Error>(serde_json::from_str(&body)?)
    };

    let s = get().await?;
    assert_eq!(s.validation, Validation::Valid);
    assert_eq!(s.time_zone, "Asia/Shanghai");
    assert!(
        s.files
            .iter()
            .any(|f| f.ends_with("simulator-registers.toml"))
    );
    assert_eq!(s.data_dir, dir.path().display().to_string());
    assert!(s.data_dir_bytes > 0);
    let zone1 = s
        .tags
        .iter()
        .find(|t| t.name == "zone1_temp")
        .context("zone1_temp missing")?;
    assert_eq!(zone1.roles, vec!["zone preheat temperature".to_owned()]);
    assert_eq!(zone1.unit, "degC");
    assert!(
        s.values
            .iter()
            .any(|v| v.key == "emissions.limit.nox.day" && v.value == "200")
    );

    // A valid edit is noticed (a restart applies it); a broken one names the key.
    let text = std::fs::read_to_string(&plant)?;
    std::fs::write(
        &plant,
        text.replacen("limit_mg_nm3 = 200.0", "limit_mg_nm3 = 150.0", 1),
    )?;
    assert_eq!(get().await?.validation, Validation::Changed);
    // An alarm limit edited counts as a change too.
    std::fs::write(&plant, text.replace("limit = 965.0", "limit = 970.0"))?;
    assert_eq!(get().await?.validation, Validation::Changed);
    std::fs::write(
        &plant,
        text.replace(
            "time_zone = \"Asia/Shanghai\"",
            "time_zone = \"Mars/Olympus\"",
        ),
    )?;
    match get().await?.validation {
        Validation::Invalid { problems } => {
            assert!(
                problems.iter().any(|p| p.key == "plant.time_zone"),
                "{problems:?}"
            );
        }
        other => bail!("a broken file shows as {other:?}"),
    }

    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_and_its_timeline_show_what_has_happened() -> Result<()> {
    let conf = tempfile::tempdir()?;
    let plant = std::fs::read_to_string(default_config())?.replacen(
        "speed = 1.0 ",
        "speed = 600.0 \nscenario = \"shift.toml\"\n",
        1,
    );
    if !plant.contains("scenario = \"shift.toml\"") {
        bail!("the default config's simulator section changed: update this test");
    }
    std::fs::write(conf.path().join("plant.toml"), plant)?;
    std::fs::copy(
        repo_root().join("config/simulator-registers.toml"),
        conf.path().join("simulator-registers.toml"),
    )?;
    std::fs::copy(
        repo_root().join("config/scenarios/shift.toml"),
        conf.path().join("shift.toml"),
    )?;
    let dir = tempfile::tempdir()?;
    let running = engine_on(&conf.path().join("plant.toml"), dir.path()).await?;
    let engine = running.engine();

    // Ten plant minutes a wall second: the pace change at minute 10 happens within seconds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let view = loop {
        let v = engine.simulator("furnace").await?;
        let elapsed = v.scenario.as_ref().map_or(0.0, |s| s.elapsed_min);
        if elapsed > 15.0 {
            break v;
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the scenario did not advance (elapsed {elapsed} min)");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let s = view.scenario.context("no scenario in the view")?;
    assert_eq!(s.name, "A shift with a mill delay and a burner trip");
    let pace = s.events.first().context("no events")?;
    assert_eq!((pace.action.as_str(), pace.value), ("pace", Some(330.0)));
    assert!(pace.done, "the event at minute 10 has happened");
    let trip = s
        .events
        .iter()
        .find(|e| e.action == "start_fault")
        .context("no fault event")?;
    assert_eq!(
        (trip.fault.as_deref(), trip.zone),
        (Some("burner_trip"), Some(2))
    );
    assert!(!trip.done, "the trip at minute 120 is still to come");
    assert_eq!(view.pace_tph, 330.0);
    running.stop().await?;
    Ok(())
}
