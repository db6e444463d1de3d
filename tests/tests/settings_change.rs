//! Settings changed while the engine runs: validated like the config, written back to the plant
//! file with its comments and a backup, applied without a restart (alarm limits, emission
//! factors through the derived tags, permit limits), refused for viewers and invalid values, and
//! audited with old and new values.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::writes::good_value;
use hearth_e2e::{engine_on, repo_root};
use hearth_engine::audit::{AuditKind, AuditOutcome, AuditQuery};
use hearth_engine::changes::SettingChange;
use hearth_engine::writes::{Actor, Face};
use hearth_model::config::{AlarmKind, Role};

fn change(key: &str, value: f64) -> SettingChange {
    SettingChange {
        key: key.into(),
        value,
        reason: "commissioning".into(),
    }
}

fn actor(role: Role) -> Actor {
    Actor {
        user: "li".into(),
        role,
        face: Face::Serve,
    }
}

fn backups(dir: &std::path::Path) -> Result<usize> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("plant.toml.bak-")
        })
        .count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_limit_is_validated_written_back_applied_and_audited() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let plant = dir.path().join("plant.toml");
    let original = std::fs::read_to_string(repo_root().join("config/plant.toml"))?;
    std::fs::write(&plant, &original)?;
    std::fs::copy(
        repo_root().join("config/simulator-registers.toml"),
        dir.path().join("simulator-registers.toml"),
    )?;
    let running = engine_on(&plant, &dir.path().join("data")).await?;
    let engine = running.engine();
    let engineer = actor(Role::Engineer);

    // O2 LO from 1.0 to 1.5.
    let done = engine
        .change_setting(&engineer, &change("alarms.o2.lo.limit", 1.5))
        .await;
    assert_eq!(done.outcome, AuditOutcome::Ok, "{}", done.detail);
    assert_eq!(done.old_value, Some(1.0));
    let text = std::fs::read_to_string(&plant)?;
    let lo = text
        .split("[[alarms.alarm]]")
        .find(|t| t.contains("type = \"lo\"") && t.contains("tag = \"o2\""))
        .context("no o2 lo entry")?;
    assert!(lo.contains("limit = 1.5\n"), "{lo}");
    assert!(
        text.contains("# `hearth serve` listens here."),
        "comments kept"
    );
    assert_eq!(text.len(), original.len(), "only the number changed");
    assert_eq!(backups(dir.path())?, 1);
    let kept = std::fs::read_dir(dir.path())?
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("plant.toml.bak-")
        })
        .context("no backup")?;
    assert_eq!(std::fs::read_to_string(kept.path())?, original);
    let def = engine
        .config()
        .alarms
        .definitions
        .iter()
        .find(|d| d.id == "o2.lo")
        .map(|d| d.kind.clone())
        .context("no o2.lo")?;
    assert_eq!(def, AlarmKind::Lo { limit: 1.5 });
    let view = engine.settings().await;
    assert_eq!(
        view.validation,
        hearth_engine::settings::Validation::Valid,
        "the file is what is in effect"
    );

    // Out of order with LOLO (0.5): refused with the config's own words, nothing written.
    let refused = engine
        .change_setting(&engineer, &change("alarms.o2.lo.limit", 0.4))
        .await;
    assert_eq!(refused.outcome, AuditOutcome::Rejected);
    assert!(refused.detail.contains("plant.toml"), "{}", refused.detail);
    assert!(!refused.detail.contains("hearth-new"), "{}", refused.detail);
    assert_eq!(std::fs::read_to_string(&plant)?, text);
    assert_eq!(backups(dir.path())?, 1);
    let viewer = engine
        .change_setting(&actor(Role::Viewer), &change("alarms.o2.lo.limit", 1.2))
        .await;
    assert!(
        viewer.detail.contains("may not change settings"),
        "{}",
        viewer.detail
    );
    let unknown = engine
        .change_setting(&engineer, &change("historian.cache_mb", 128.0))
        .await;
    assert!(
        unknown.detail.contains("not a setting that can change"),
        "{}",
        unknown.detail
    );

    // A permit limit: the permit alarm speaks of the new one.
    let done = engine
        .change_setting(&engineer, &change("emissions.limit.nox.day", 180.0))
        .await;
    assert_eq!(done.outcome, AuditOutcome::Ok, "{}", done.detail);
    let permit = engine
        .alarms_all()
        .into_iter()
        .find(|a| a.id == "nox_ref.permit_day")
        .context("no permit alarm")?;
    assert!(permit.message.contains("180 mg/Nm3"), "{}", permit.message);

    // An emission factor: the derived CO2 rate follows from the next samples on.
    let before = good_value(&engine, "co2_rate").await?;
    let done = engine
        .change_setting(&engineer, &change("emissions.co2_kg_per_gj", 112.2))
        .await;
    assert_eq!(done.outcome, AuditOutcome::Ok, "{}", done.detail);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let now = good_value(&engine, "co2_rate").await?;
        if (1.8..2.2).contains(&(now / before)) {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            bail!("co2_rate went from {before} to {now}, not doubled");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let audit = engine
        .audit(AuditQuery {
            from: 0,
            to: i64::MAX,
            ..Default::default()
        })
        .await?;
    let settings: Vec<_> = audit
        .iter()
        .filter(|e| e.kind == AuditKind::Setting)
        .collect();
    assert_eq!(settings.len(), 6, "{settings:?}");
    let first = settings.last().context("none")?;
    assert_eq!(first.target, "alarms.o2.lo.limit");
    assert_eq!(first.old_value.as_deref(), Some("1"));
    assert_eq!(first.requested, "1.5");
    assert_eq!(first.user, "li");
    assert_eq!(first.reason, "commissioning");
    running.stop().await?;
    Ok(())
}
