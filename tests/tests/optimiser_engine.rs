//! The optimiser in the running engine against the simulator over real TCP: a tag the model
//! needs going bad gives "no suggestion" naming the tag and its quality; a suggestion that does
//! not exist cannot be decided on; a run can be started only once at a time.

use std::time::Duration;

use anyhow::{Result, bail};
use hearth_e2e::{default_config, engine_on, test_admin};
use hearth_engine::Engine;
use hearth_engine::optimising::{Decision, RunSummary};
use hearth_engine::simulator::SimulatorCommand;
use hearth_model::Quality;

async fn next_run(engine: &Engine, after_ms: i64) -> Result<RunSummary> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let v = engine.optimiser_view();
        if let Some(r) = v.last_run
            && r.at_ms >= after_ms
            && v.running.is_none()
        {
            return Ok(r);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("no optimiser run finished");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_input_gives_no_suggestion_and_names_the_tag() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let running = engine_on(&default_config(), dir.path()).await?;
    let engine = running.engine();
    hearth_e2e::until("first good poll", Duration::from_secs(15), || {
        hearth_e2e::zone1_good(&engine)
    })
    .await?;

    // An open thermocouple in the preheat zone (simulator fault code 1).
    engine
        .simulator_command(
            &test_admin(),
            "furnace",
            SimulatorCommand::StartFault { code: 1 },
        )
        .await?;
    hearth_e2e::until("zone 1 thermocouple bad", Duration::from_secs(15), || {
        engine
            .snapshot()
            .tags
            .iter()
            .any(|t| t.name == "zone1_temp" && !t.quality.is_good())
    })
    .await?;
    let quality = engine
        .snapshot()
        .tags
        .into_iter()
        .find(|t| t.name == "zone1_temp")
        .map(|t| t.quality);
    let started = engine.snapshot().now_ms;
    engine.optimise_now().map_err(anyhow::Error::msg)?;
    let run = next_run(&engine, started).await?;
    assert_eq!(run.result, "none", "{run:?}");
    let named = run
        .reasons
        .iter()
        .find(|r| r.contains("zone1_temp"))
        .cloned()
        .unwrap_or_default();
    let q = quality.unwrap_or(Quality::Good).to_string();
    assert!(
        named.contains("zone 1 temperature") && (named.contains(&q) || named.contains("range")),
        "the reason names the tag, its role and what is wrong: {:?} (quality {q})",
        run.reasons
    );
    assert!(engine.optimiser_view().current.is_none());

    // Nothing to decide on.
    let refused = engine.suggestion_decide(
        &test_admin(),
        "12345",
        &Decision {
            accept: true,
            reason: String::new(),
        },
    );
    assert!(refused.is_err());

    running.stop().await?;
    Ok(())
}
