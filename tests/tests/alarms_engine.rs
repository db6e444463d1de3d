//! Alarms in the running engine against the simulator over real TCP: a fan trip raises its
//! alarm and an acknowledgement over HTTP acknowledges it; a comms drop raises exactly one comms
//! alarm, with the device's other alarms suppressed rather than raised.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::{default_config, engine_on};
use hearth_engine::Engine;
use hearth_engine::alarming::{AckRequest, ActiveAlarm};
use hearth_engine::simulator::SimulatorCommand;

async fn wait_for(
    engine: &Engine,
    what: &str,
    ok: impl Fn(&[ActiveAlarm]) -> bool,
) -> Result<Vec<ActiveAlarm>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let active = engine.alarms_active();
        if ok(&active) {
            return Ok(active);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{what} did not happen; active: {active:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_trip_alarms_and_a_comms_drop_raises_one_comms_alarm() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let running = engine_on(&default_config(), dir.path()).await?;
    let engine = running.engine();
    let base = format!("http://{}", running.http_addr().context("no HTTP face")?);
    // The furnace settles with nothing in alarm.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        engine.alarms_active().is_empty(),
        "{:?}",
        engine.alarms_active()
    );

    engine
        .simulator_command(
            &hearth_e2e::test_admin(),
            "furnace",
            SimulatorCommand::StartFault { code: 10 },
        )
        .await?;
    let active = wait_for(&engine, "the fan-trip alarm", |a| {
        a.iter()
            .any(|x| x.id == "fan_running.digital" && x.state == "active_unacked")
    })
    .await?;
    // Urgent first.
    assert_eq!(active[0].id, "fan_running.digital", "{active:?}");

    let ack = AckRequest {
        id: Some("fan_running.digital".into()),
        user: "test".into(),
        comment: "fan tripped on purpose".into(),
    };
    let acked: usize = tokio::task::spawn_blocking(move || -> Result<usize> {
        Ok(ureq::post(&format!("{base}/api/alarms/ack"))
            .send_json(&ack)?
            .body_mut()
            .read_json()?)
    })
    .await??;
    assert_eq!(acked, 1);
    assert!(
        engine
            .alarms_active()
            .iter()
            .any(|x| x.id == "fan_running.digital" && x.state == "active_acked")
    );

    // Shelved for 3 s: hidden, then back when the shelf expires (the fan is still tripped).
    engine
        .alarms_shelve(&hearth_engine::alarming::ShelveRequest {
            id: "fan_running.digital".into(),
            minutes: Some(0.05),
            one_shot: false,
            user: "test".into(),
            comment: "known trip".into(),
        })
        .map_err(anyhow::Error::msg)?;
    assert!(
        engine
            .alarms_active()
            .iter()
            .any(|x| x.id == "fan_running.digital" && x.shelved)
    );
    wait_for(&engine, "the shelf expiring", |a| {
        a.iter()
            .any(|x| x.id == "fan_running.digital" && !x.shelved)
    })
    .await?;

    // Relight, acknowledge everything, then lose the PLC for 10 s.
    engine
        .simulator_command(
            &hearth_e2e::test_admin(),
            "furnace",
            SimulatorCommand::ClearFault { code: 10 },
        )
        .await?;
    wait_for(&engine, "the fan alarm returning", |a| {
        a.iter().all(|x| x.state != "active_acked")
    })
    .await?;
    engine
        .alarms_ack(&AckRequest {
            id: None,
            user: "test".into(),
            comment: String::new(),
        })
        .map_err(anyhow::Error::msg)?;
    wait_for(&engine, "everything back to normal", |a| a.is_empty()).await?;

    engine
        .simulator_command(
            &hearth_e2e::test_admin(),
            "furnace",
            SimulatorCommand::StartFault { code: 13 },
        )
        .await?;
    let active = wait_for(&engine, "the comms alarm", |a| {
        a.iter().any(|x| x.id == "furnace.comms_loss")
    })
    .await?;
    let shown: Vec<&str> = active
        .iter()
        .filter(|a| !a.suppressed && !a.shelved)
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(shown, vec!["furnace.comms_loss"], "{active:?}");

    running.stop().await?;
    drop(engine);

    // The journal survives a restart: the raise, and the acknowledgement with who and why.
    let running = engine_on(&default_config(), dir.path()).await?;
    let journal = running.engine().alarm_journal(0, i64::MAX, 10_000).await?;
    let fan: Vec<_> = journal
        .iter()
        .filter(|e| e.alarm == "fan_running.digital")
        .collect();
    assert_eq!(
        fan.first().map(|e| e.transition.as_str()),
        Some("raise"),
        "{fan:?}"
    );
    let ack = fan
        .iter()
        .find(|e| e.transition == "ack" && e.to == "active_acked")
        .context("no acknowledgement in the journal")?;
    // Over HTTP the name given goes with the address it came from.
    assert_eq!(ack.user.as_deref(), Some("test@127.0.0.1"));
    assert_eq!(ack.comment.as_deref(), Some("fan tripped on purpose"));
    assert!(
        journal
            .iter()
            .any(|e| e.alarm == "furnace.comms_loss" && e.transition == "raise")
    );
    // Queried by alarm, priority and state over HTTP.
    let base = format!("http://{}", running.http_addr().context("no HTTP face")?);
    let filtered: Vec<hearth_engine::journal::JournalEntry> =
        tokio::task::spawn_blocking(move || -> Result<_> {
            Ok(ureq::get(&format!(
                "{base}/api/alarms/journal?from=0&to=9999999999999&alarm=fan_running&priority=urgent&state=active_acked"
            ))
            .call()?
            .body_mut()
            .read_json()?)
        })
        .await??;
    assert!(!filtered.is_empty());
    assert!(
        filtered
            .iter()
            .all(|e| e.alarm == "fan_running.digital" && e.to == "active_acked"),
        "{filtered:?}"
    );
    assert!(
        journal.windows(2).all(|w| w[0].at_ms <= w[1].at_ms),
        "the journal reads in time order"
    );

    // Out of service over HTTP: refused without a reason; with one, listed as out of service,
    // the live stream's alarm version moves, and the journal's CSV has it with who and why.
    let engine = running.engine();
    let before = engine.snapshot().alarms_version;
    let base = format!("http://{}", running.http_addr().context("no HTTP face")?);
    let b = base.clone();
    let refused = tokio::task::spawn_blocking(move || {
        ureq::post(&format!("{b}/api/alarms/service")).send_json(serde_json::json!({
            "id": "o2.lolo", "out_of_service": true, "user": "", "comment": " "
        }))
    })
    .await?;
    assert!(
        matches!(refused, Err(ureq::Error::StatusCode(422))),
        "{refused:?}"
    );
    assert!(!engine.alarms_active().iter().any(|a| a.id == "o2.lolo"));
    let b = base.clone();
    let changed: usize = tokio::task::spawn_blocking(move || -> Result<usize> {
        Ok(ureq::post(&format!("{b}/api/alarms/service"))
            .send_json(serde_json::json!({
                "id": "o2.lolo", "out_of_service": true, "user": "", "comment": "probe replaced"
            }))?
            .body_mut()
            .read_json()?)
    })
    .await??;
    assert_eq!(changed, 1);
    assert!(
        engine
            .alarms_active()
            .iter()
            .any(|a| a.id == "o2.lolo" && a.out_of_service),
        "{:?}",
        engine.alarms_active()
    );
    assert!(engine.snapshot().alarms_version > before);
    let b = base.clone();
    let (kind, csv) = tokio::task::spawn_blocking(move || -> Result<(String, String)> {
        let mut r = ureq::get(&format!(
            "{b}/api/alarms/journal.csv?from=0&to=9999999999999&alarm=o2.lolo"
        ))
        .call()?;
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok((kind, r.body_mut().read_to_string()?))
    })
    .await??;
    assert!(kind.starts_with("text/csv"), "{kind}");
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("time,alarm,transition"), "{csv}");
    assert!(rows[1..].iter().all(|r| r.contains(",o2.lolo,")), "{csv}");
    let oos: Vec<&&str> = rows
        .iter()
        .filter(|r| r.contains(",out_of_service,"))
        .collect();
    assert_eq!(oos.len(), 1, "{csv}");
    assert!(
        oos[0].ends_with(",browser@127.0.0.1,probe replaced"),
        "{}",
        oos[0]
    );
    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burner_trip_raises_that_zones_flame_failure_and_nothing_else() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let running = engine_on(&default_config(), dir.path()).await?;
    let engine = running.engine();
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Burner trip in zone 2 (the heating zone): code 8.
    engine
        .simulator_command(
            &hearth_e2e::test_admin(),
            "furnace",
            SimulatorCommand::StartFault { code: 8 },
        )
        .await?;
    let active = wait_for(&engine, "the zone 2 flame failure", |a| {
        a.iter().any(|x| x.id == "flame_ok_zone2.digital")
    })
    .await?;
    let shown: Vec<&str> = active
        .iter()
        .filter(|a| !a.suppressed)
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(shown, vec!["flame_ok_zone2.digital"], "{active:?}");
    running.stop().await?;
    Ok(())
}
