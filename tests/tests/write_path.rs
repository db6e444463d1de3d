//! The guarded write path against the bundled simulator over real TCP, with the simulator
//! recording every write request that reaches it: out-of-policy writes never reach the wire, a
//! PLC that clamps is caught by the read-back, a reset after sending is "unknown" and never
//! resent, and every attempt is in the audit log.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::writes::{good_value, reads, writable_engine, writable_plant};
use hearth_engine::Engine;
use hearth_engine::audit::{AuditOutcome, AuditQuery};
use hearth_engine::writes::{Actor, Face, Prepared, WriteConfirm, WriteRequest, WriteResult};
use hearth_model::config::Role;

fn engineer(name: &str) -> Actor {
    Actor {
        user: name.into(),
        role: Role::Engineer,
        face: Face::Desktop,
    }
}

fn req(tag: &str, value: f64, reason: &str) -> WriteRequest {
    WriteRequest {
        tag: tag.into(),
        value,
        reason: reason.into(),
        suggestion: None,
    }
}

/// Propose and confirm; the refusal's reason if it is refused at either step.
async fn write(engine: &Engine, actor: &Actor, r: &WriteRequest) -> Result<WriteResult, String> {
    match engine.write_prepare(actor, r) {
        Prepared::Refused(res) => Err(res.detail),
        Prepared::Proposed(p) => {
            let res = engine
                .write_confirm(
                    actor,
                    &WriteConfirm {
                        token: p.token.clone(),
                    },
                )
                .await;
            if res.outcome == AuditOutcome::Rejected {
                Err(res.detail)
            } else {
                Ok(res)
            }
        }
    }
}

fn refused_with(got: Result<WriteResult, String>, needle: &str) -> Result<()> {
    match got {
        Err(why) if why.contains(needle) => Ok(()),
        Err(why) => bail!("refused, but for `{why}`, not `{needle}`"),
        Ok(res) => bail!("not refused (expected `{needle}`): {res:?}"),
    }
}

async fn audited(engine: &Engine, outcome: AuditOutcome) -> Result<usize> {
    Ok(engine
        .audit(AuditQuery {
            from: 0,
            to: i64::MAX,
            outcome: Some(outcome),
            ..Default::default()
        })
        .await?
        .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_policy_writes_are_refused_before_anything_reaches_the_wire() -> Result<()> {
    let plant = writable_engine(false, "").await?;
    let (engine, sim) = (plant.engine.clone(), plant.sim.clone());
    let sp = good_value(&engine, "zone1_sp").await?;
    good_value(&engine, "remote_mode").await?;
    let li = engineer("li");

    refused_with(
        write(&engine, &li, &req("zone1_sp", 1150.0, "hotter")).await,
        "outside the write limits",
    )?;
    refused_with(
        write(&engine, &li, &req("zone1_sp", sp + 25.0, "hotter")).await,
        "more than max_step",
    )?;
    refused_with(
        write(&engine, &li, &req("zone1_sp", sp + 5.0, "  ")).await,
        "a reason is required",
    )?;
    refused_with(
        write(&engine, &li, &req("zone1_sp", f64::NAN, "x")).await,
        "not a number",
    )?;
    refused_with(
        write(&engine, &li, &req("zone1_temp", sp, "x")).await,
        "not writable",
    )?;
    refused_with(
        write(&engine, &li, &req("pace_sp", 200.0, "x")).await,
        "not writable",
    )?;
    let viewer = Actor {
        role: Role::Viewer,
        ..engineer("zhang")
    };
    refused_with(
        write(&engine, &viewer, &req("zone1_sp", sp + 5.0, "x")).await,
        "role viewer may not write",
    )?;
    let browser = Actor {
        face: Face::Serve,
        ..engineer("li")
    };
    refused_with(
        write(&engine, &browser, &req("zone1_sp", sp + 5.0, "x")).await,
        "server.allow_writes",
    )?;

    // A token nobody issued, and one proposed by another user.
    let none = engine
        .write_confirm(
            &li,
            &WriteConfirm {
                token: "00ff".into(),
            },
        )
        .await;
    assert_eq!(none.outcome, AuditOutcome::Rejected);
    assert!(
        none.detail.contains("no such confirmation"),
        "{}",
        none.detail
    );
    let Prepared::Proposed(p) = engine.write_prepare(&li, &req("zone1_sp", sp + 5.0, "trim"))
    else {
        bail!("a write within policy was refused");
    };
    assert_eq!(p.old_value, sp);
    let other = engine
        .write_confirm(
            &engineer("wang"),
            &WriteConfirm {
                token: p.token.clone(),
            },
        )
        .await;
    assert!(other.detail.contains("another user"), "{}", other.detail);
    // That token is spent now, even for the user who proposed it.
    let again = engine
        .write_confirm(
            &li,
            &WriteConfirm {
                token: p.token.clone(),
            },
        )
        .await;
    assert!(again.detail.contains("already used"), "{}", again.detail);

    // The permissive: the PLC in local mode accepts no setpoints from Hearth.
    sim.with_simulation(|s| s.plc.remote = false);
    reads(&engine, "remote_mode", 0.0, 0.1).await?;
    refused_with(
        write(&engine, &li, &req("zone1_sp", sp + 5.0, "trim")).await,
        "permissive remote_mode is not set",
    )?;
    sim.with_simulation(|s| s.plc.remote = true);
    reads(&engine, "remote_mode", 1.0, 0.1).await?;

    // Bad quality: while the PLC is silent its values go stale, then Bad.
    sim.with_simulation(|s| s.start_fault(hearth_sim::Fault::CommsDrop { seconds: 8.0 }))
        .map_err(anyhow::Error::msg)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while engine
        .snapshot()
        .tags
        .iter()
        .any(|t| t.name == "zone1_sp" && t.quality.is_good())
    {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "zone1_sp stayed Good"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    refused_with(
        write(&engine, &li, &req("zone1_sp", sp + 5.0, "trim")).await,
        "a step cannot be judged",
    )?;
    assert!(
        sim.writes_received().is_empty(),
        "{:?}",
        sim.writes_received()
    );
    reads(&engine, "zone1_sp", sp, 0.05).await?;

    // One write within policy reaches the wire, once; the next too soon does not.
    let ok = write(&engine, &li, &req("zone1_sp", sp + 10.0, "trim preheat"))
        .await
        .map_err(anyhow::Error::msg)?;
    assert_eq!(ok.outcome, AuditOutcome::Ok, "{}", ok.detail);
    assert_eq!(ok.read_back, Some(sp + 10.0));
    refused_with(
        write(&engine, &li, &req("zone1_sp", sp + 15.0, "more")).await,
        "at least 3 s apart",
    )?;
    let received = sim.writes_received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].function, 0x06);
    assert_eq!(received[0].address, 0);
    let raw = ((sp + 10.0) * 10.0).round() as u16;
    assert_eq!(received[0].data, raw.to_be_bytes().to_vec());

    // Every attempt is on record; the chain is intact.
    let rejected = audited(&engine, AuditOutcome::Rejected).await?;
    assert!(rejected >= 14, "{rejected} refusals audited");
    assert_eq!(audited(&engine, AuditOutcome::Ok).await?, 1);
    assert!(engine.audit_verify().await?.intact());
    plant.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_confirmation_is_refused_and_nothing_is_sent() -> Result<()> {
    let plant = writable_engine(false, "").await?;
    let (engine, sim) = (plant.engine.clone(), plant.sim.clone());
    let o2 = good_value(&engine, "o2_sp").await?;
    let li = engineer("li");
    let Prepared::Proposed(p) = engine.write_prepare(&li, &req("o2_sp", o2 - 0.2, "trim")) else {
        bail!("refused");
    };
    tokio::time::sleep(hearth_engine::writes::CONFIRM_WITHIN + Duration::from_millis(200)).await;
    let late = engine
        .write_confirm(&li, &WriteConfirm { token: p.token })
        .await;
    assert_eq!(late.outcome, AuditOutcome::Rejected);
    assert!(late.detail.contains("expired"), "{}", late.detail);
    assert!(sim.writes_received().is_empty());
    plant.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plc_that_clamps_the_value_fails_the_read_back_and_raises_an_alarm() -> Result<()> {
    let plant = writable_engine(false, "").await?;
    let (engine, sim) = (plant.engine.clone(), plant.sim.clone());
    let sp = good_value(&engine, "zone1_sp").await?;
    good_value(&engine, "remote_mode").await?;
    // The PLC program's own ceiling, below what Hearth will ask for.
    sim.with_simulation(|s| s.plc.zone_sp_high = sp + 5.0);
    let res = write(
        &engine,
        &engineer("li"),
        &req("zone1_sp", sp + 15.0, "hotter"),
    )
    .await
    .map_err(anyhow::Error::msg)?;
    assert_eq!(res.outcome, AuditOutcome::Failed, "{}", res.detail);
    assert_eq!(res.read_back, Some(sp + 5.0));
    assert!(res.detail.contains("did not take"), "{}", res.detail);
    let alarm = engine
        .alarms_active()
        .into_iter()
        .find(|a| a.id == "zone1_sp.write_readback")
        .context("no read-back alarm")?;
    assert_eq!(alarm.state, "active_unacked");
    let failed = engine
        .audit(AuditQuery {
            from: 0,
            to: i64::MAX,
            outcome: Some(AuditOutcome::Failed),
            ..Default::default()
        })
        .await?;
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].read_back.as_deref(),
        Some((sp + 5.0).to_string().as_str())
    );
    assert_eq!(sim.writes_received().len(), 1, "sent once, never retried");
    plant.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_after_sending_is_unknown_resolved_by_the_read_back_and_never_resent() -> Result<()>
{
    let plant = writable_engine(false, "").await?;
    let (engine, sim) = (plant.engine.clone(), plant.sim.clone());
    let o2 = good_value(&engine, "o2_sp").await?;
    sim.reset_after_next_write();
    let want = ((o2 - 0.3) * 100.0).round() / 100.0;
    let res = write(
        &engine,
        &engineer("li"),
        &req("o2_sp", want, "less excess air"),
    )
    .await
    .map_err(anyhow::Error::msg)?;
    assert_eq!(res.outcome, AuditOutcome::Unknown, "{}", res.detail);
    assert!(res.detail.contains("not resent"), "{}", res.detail);
    assert!(res.detail.contains("it took"), "{}", res.detail);
    assert!(
        res.read_back.is_some_and(|v| (v - want).abs() < 0.006),
        "{res:?}"
    );
    assert_eq!(
        sim.writes_received().len(),
        1,
        "{:?}",
        sim.writes_received()
    );
    plant.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_pointed_elsewhere_is_never_written_nor_driven_as_a_simulator() -> Result<()> {
    let sim = hearth_sim::RunningSimulator::start(
        hearth_sim::SimulatorOptions::bundled_loopback(1).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let plant = writable_plant(dir.path(), false, "")?;
    let mut config =
        hearth_model::config::Config::load(&plant).map_err(|e| anyhow::anyhow!("{e}"))?;
    config
        .apply_overrides(&[hearth_model::config::DeviceOverride {
            device: "furnace".into(),
            host: "127.0.0.1".into(),
            port: sim.local_addr().port(),
        }])
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let running = hearth_e2e::start_engine(config, &dir.path().join("data")).await?;
    let engine = running.engine();
    let sp = good_value(&engine, "zone1_sp").await?;
    refused_with(
        write(&engine, &engineer("li"), &req("zone1_sp", sp + 5.0, "trim")).await,
        "pointed elsewhere with --device",
    )?;
    let driven = engine
        .simulator_command(
            &hearth_e2e::test_admin(),
            "furnace",
            hearth_engine::simulator::SimulatorCommand::StartFault { code: 10 },
        )
        .await;
    assert!(
        matches!(
            driven,
            Err(hearth_engine::simulator::SimulatorError::NotASimulator(_))
        ),
        "{driven:?}"
    );
    assert!(
        sim.handle().writes_received().is_empty(),
        "{:?}",
        sim.handle().writes_received()
    );
    running.stop().await?;
    sim.stop().await;
    Ok(())
}
