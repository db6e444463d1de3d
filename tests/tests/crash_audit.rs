//! Crash consistency of the audit log: `hearth serve` on a writable plant, O2 setpoint writes
//! proposed and confirmed over HTTP one after another, the process killed with SIGKILL at a
//! random moment, round after round on one data dir. After every kill the log's hash chain is
//! intact, and every write the engine answered has its record (the `audit_seq` the answer
//! gave, with that outcome and reason), in that round and every later one.
//! `HEARTH_AUDIT_KILL_ROUNDS` sets the number of rounds (20 by default).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::writes::writable_plant;
use hearth_e2e::{Lcg, serve_answering};
use hearth_engine::audit::AuditQuery;
use serde_json::{Value, json};

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Result<Value> {
    Ok(agent.post(url).send_json(body)?.body_mut().read_json()?)
}

/// One write, proposed and confirmed: the answer's (audit seq, outcome), or None when the write
/// was refused before it was proposed.
fn write(
    agent: &ureq::Agent,
    base: &str,
    value: f64,
    reason: &str,
) -> Result<Option<(u64, String)>> {
    let req = json!({ "tag": "o2_sp", "value": value, "reason": reason, "suggestion": null });
    let prepared = post(agent, &format!("{base}/api/writes/prepare"), &req)?;
    let Some(token) = prepared["token"].as_str() else {
        return Ok(None);
    };
    let done = post(
        agent,
        &format!("{base}/api/writes/confirm"),
        &json!({ "token": token }),
    )?;
    let seq = done["audit_seq"]
        .as_u64()
        .context("an answer without its audit record")?;
    let outcome = done["outcome"]
        .as_str()
        .context("an answer without an outcome")?;
    Ok(Some((seq, outcome.to_owned())))
}

#[test]
fn killed_while_writing_the_engine_loses_no_answered_audit_record() -> Result<()> {
    let rounds: usize = std::env::var("HEARTH_AUDIT_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir()?;
    let plant = writable_plant(dir.path(), true, "")?;
    let data = dir.path().join("data");
    let (cfg, dd) = (plant.display().to_string(), data.display().to_string());
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut rng = Lcg(0xa0d17);
    // Every answered write ever, by audit seq: (outcome, reason), checked after every later
    // kill too.
    let mut answered: BTreeMap<u64, (String, String)> = BTreeMap::new();
    let mut per_round = Vec::new();
    for round in 0..rounds {
        let (mut serve, base) = serve_answering(&agent, &["--config", &cfg, "--data-dir", &dd])
            .with_context(|| format!("round {round}"))?;

        // Writes one after another until the kill cuts one short; what was answered is kept.
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (agent, base, stop) = (agent.clone(), base.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut got = Vec::new();
                let mut k = 0u32;
                while !stop.load(Ordering::SeqCst) {
                    let value = if k.is_multiple_of(2) { 3.0 } else { 2.9 };
                    let reason = format!("crash round {round} write {k}");
                    k += 1;
                    match write(&agent, &base, value, &reason) {
                        Ok(Some((seq, outcome))) => got.push((seq, outcome, reason)),
                        // Refused before proposing (the permissive not yet read): try again.
                        Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                        // The kill: this one was not answered.
                        Err(_) => break,
                    }
                }
                got
            })
        };
        std::thread::sleep(Duration::from_millis(1500 + rng.below(1500)));
        serve.child.kill()?;
        serve.child.wait()?;
        stop.store(true, Ordering::SeqCst);
        let got = writer
            .join()
            .map_err(|_| anyhow::anyhow!("round {round}: the writing thread panicked"))?;
        per_round.push(got.len());
        for (seq, outcome, reason) in got {
            answered.insert(seq, (outcome, reason));
        }

        let v = hearth_engine::offline::audit_verify(&data)
            .with_context(|| format!("round {round}: the audit log did not open"))?;
        if !v.intact() {
            bail!("round {round}: the audit chain is broken: {:?}", v.problems);
        }
        let stored: BTreeMap<u64, (String, String)> = hearth_engine::offline::audit(
            &data,
            &AuditQuery {
                from: 0,
                to: i64::MAX,
                limit: Some(100_000),
                target: None,
                outcome: None,
            },
        )?
        .iter()
        .map(|e| (e.seq, (e.outcome.name().to_owned(), e.reason.clone())))
        .collect();
        for (seq, want) in &answered {
            match stored.get(seq) {
                Some(got) if got == want => {}
                Some(got) => bail!("round {round}: record {seq} is {got:?}, answered as {want:?}"),
                None => bail!("round {round}: record {seq} ({want:?}) missing after the kill"),
            }
        }
    }
    let writes: usize = per_round.iter().sum();
    println!(
        "{rounds} kills while writing: {writes} answered writes (per round {:?}), every one in \
         the audit log after every later kill; the chain intact every time ({} records at the end)",
        per_round,
        answered.len()
    );
    if writes < rounds {
        bail!("only {writes} answered writes in {rounds} rounds: the test measured too little");
    }
    Ok(())
}
