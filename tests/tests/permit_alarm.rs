//! A permit limit the simulated furnace cannot meet (NOx 50 mg/Nm3 as a daily average, where it
//! runs near 190): the engine's permit alarm goes up while the day is still running, with the
//! projected average, and the journal has it.

use std::time::Duration;

use anyhow::{Result, bail};
use hearth_e2e::{engine_on, repo_root};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_heading_over_its_nox_limit_raises_the_permit_alarm() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("plant.toml");
    let plant = std::fs::read_to_string(repo_root().join("config/plant.toml"))?;
    let strict = plant.replacen("limit_mg_nm3 = 200.0", "limit_mg_nm3 = 50.0", 1);
    anyhow::ensure!(
        strict != plant,
        "the default config has a 200 mg/Nm3 NOx limit"
    );
    std::fs::write(&config, strict)?;
    std::fs::copy(
        repo_root().join("config/simulator-registers.toml"),
        dir.path().join("simulator-registers.toml"),
    )?;
    let data = dir.path().join("data");
    let running = engine_on(&config, &data).await?;
    let engine = running.engine();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let alarm = loop {
        if let Some(a) = engine
            .alarms_active()
            .into_iter()
            .find(|a| a.id == "nox_ref.permit_day")
        {
            break a;
        }
        if tokio::time::Instant::now() > deadline {
            bail!("no permit alarm; active: {:?}", engine.alarms_active());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(alarm.state, "active_unacked");
    assert!(alarm.message.contains("50 mg/Nm3"), "{}", alarm.message);
    let day = engine.emissions_day(None).await?;
    let standing = day
        .pollutants
        .iter()
        .find_map(|p| p.day_standing.clone())
        .ok_or_else(|| anyhow::anyhow!("no daily standing"))?;
    assert!(standing.heading_over && !standing.exceeded, "{standing:?}");
    // The CO limit (100) is met: no alarm for it.
    assert!(
        !engine
            .alarms_active()
            .iter()
            .any(|a| a.id == "co_ref.permit_day")
    );
    let journal = engine.alarm_journal(0, i64::MAX, 1000).await?;
    let raised = journal
        .iter()
        .find(|e| e.alarm == "nox_ref.permit_day" && e.transition == "raise")
        .ok_or_else(|| anyhow::anyhow!("not journaled: {journal:?}"))?;
    assert_eq!(raised.limit, Some(50.0));
    running.stop().await?;
    Ok(())
}
