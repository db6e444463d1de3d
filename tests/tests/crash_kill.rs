//! Crash consistency: the real engine (`hearth serve` on the bundled simulator) killed with
//! SIGKILL at random moments, round after round on one data dir. Every time, the database
//! opens, and every sample the engine had acknowledged as durable before the kill (what
//! `/api/durable` said was on disk, and the points up to it it served) is there, in that round
//! and every later one. `HEARTH_KILL_ROUNDS` sets
//! the number of rounds (100 by default).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hearth_e2e::{Lcg, default_config, serve_answering};
use hearth_historian::{Historian, Options, SledHistorian};
use hearth_model::Timestamp;
use serde_json::Value;

fn get(agent: &ureq::Agent, url: &str) -> Result<Value> {
    Ok(agent.get(url).call()?.body_mut().read_json::<Value>()?)
}

const TAGS: [&str; 6] = hearth_e2e::TAGS_OF_EVERY_KIND;

#[test]
fn killed_at_random_moments_the_engine_loses_no_acknowledged_sample() -> Result<()> {
    let rounds: usize = std::env::var("HEARTH_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let (cfg, dd) = (
        default_config().display().to_string(),
        data.display().to_string(),
    );
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent();
    let mut rng = Lcg(0x5eed);
    // Every sample ever acknowledged, checked again after every later kill too.
    let mut acknowledged: HashSet<(&str, i64)> = HashSet::new();
    let mut opens = Vec::new();
    for round in 0..rounds {
        let (mut serve, base) = serve_answering(&agent, &["--config", &cfg, "--data-dir", &dd])
            .with_context(|| format!("round {round}"))?;
        // Run a random while, then note what the engine says is durable, then kill it at a
        // random moment after that (mid-poll, mid-flush, wherever it happens to be).
        std::thread::sleep(Duration::from_millis(300 + rng.below(2200)));
        let mut acked: Vec<(&str, i64)> = Vec::new();
        for tag in TAGS {
            let Some(until) = get(&agent, &format!("{base}/api/durable?tag={tag}"))?.as_i64()
            else {
                continue;
            };
            let points = get(
                &agent,
                &format!("{base}/api/points?tag={tag}&from=0&to={}", until + 1),
            )?;
            acked.extend(
                points
                    .as_array()
                    .context("points")?
                    .iter()
                    .filter_map(|p| p["ts_ms"].as_i64())
                    .map(|ts| (tag, ts)),
            );
        }
        std::thread::sleep(Duration::from_millis(rng.below(1500)));
        serve.child.kill()?;
        serve.child.wait()?;

        let t = Instant::now();
        let h = SledHistorian::open(&data.join("historian"), Options::default())
            .with_context(|| format!("round {round}: the database did not open"))?;
        opens.push(t.elapsed());
        let mut stored: HashSet<(&str, i64)> = HashSet::new();
        for tag in TAGS {
            for p in h.range(tag, Timestamp(0), Timestamp(i64::MAX))? {
                stored.insert((tag, p.ts.0));
            }
        }
        drop(h);
        acknowledged.extend(acked);
        let missing = acknowledged
            .iter()
            .filter(|ts| !stored.contains(ts))
            .count();
        if missing > 0 {
            bail!("round {round}: {missing} acknowledged samples missing after the kill");
        }
    }
    opens.sort();
    println!(
        "{rounds} kill -9 rounds: {} acknowledged samples, none lost; reopen p50 {} ms, max {} ms",
        acknowledged.len(),
        opens.get(opens.len() / 2).map_or(0, Duration::as_millis),
        opens.last().map_or(0, Duration::as_millis)
    );
    assert!(
        acknowledged.len() > rounds,
        "too few acknowledged samples to mean anything: {}",
        acknowledged.len()
    );
    Ok(())
}
