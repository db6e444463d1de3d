//! The write path's figures: a setpoint write from proposal to confirmed read-back against the
//! bundled simulator over loopback TCP (one poll cycle is 1 s, the read-back's deadline two),
//! audit appends (each flushed to disk before it returns) and a whole-chain verification.
//! Prints the figures; `cargo bench -p hearth-e2e --bench write_path`.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use hearth_e2e::writes::{good_value, writable_engine};
use hearth_engine::audit::{AuditEvent, AuditKind, AuditLog, AuditOutcome};
use hearth_engine::writes::{Prepared, WriteConfirm, WriteRequest};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

async fn writes() -> Result<()> {
    const N: usize = 40;
    let plant = writable_engine(false, "").await?;
    let engine = plant.engine.clone();
    let start = good_value(&engine, "o2_sp").await?;
    let actor = hearth_e2e::test_admin();
    let mut ms = Vec::with_capacity(N);
    for i in 0..N {
        let value = if i % 2 == 0 { start - 0.1 } else { start };
        let t = Instant::now();
        let req = WriteRequest {
            tag: "o2_sp".into(),
            value,
            reason: "bench".into(),
            suggestion: None,
        };
        let Prepared::Proposed(p) = engine.write_prepare(&actor, &req) else {
            bail!("write {i} refused");
        };
        let r = engine
            .write_confirm(&actor, &WriteConfirm { token: p.token })
            .await;
        if r.outcome != AuditOutcome::Ok {
            bail!("write {i}: {:?} {}", r.outcome, r.detail);
        }
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        // The next proposal is judged from the polled value: let a poll see this one.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "setpoint write, proposal to confirmed read-back: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {N} writes",
        percentile(&ms, 0.5),
        percentile(&ms, 0.95),
        percentile(&ms, 1.0)
    );
    plant.stop().await?;
    Ok(())
}

fn audit() -> Result<()> {
    const N: u64 = 5_000;
    let dir = tempfile::tempdir()?;
    let log = AuditLog::open(&dir.path().join("audit"))?;
    let t = Instant::now();
    for i in 0..N {
        log.append(AuditEvent {
            at_ms: 1_700_000_000_000 + i as i64,
            user: "li.wei".into(),
            kind: AuditKind::Write,
            source: "manual".into(),
            target: "zone1_sp".into(),
            device: Some("furnace".into()),
            unit: "degC".into(),
            old_value: Some("1050".into()),
            requested: "1060".into(),
            read_back: Some("1060".into()),
            reason: "bench".into(),
            outcome: AuditOutcome::Ok,
            detail: "read back equal".into(),
        })?;
    }
    let append = t.elapsed();
    let t = Instant::now();
    let v = log.verify()?;
    let verify = t.elapsed();
    if !v.intact() || v.records != N {
        bail!("verification: {v:?}");
    }
    println!(
        "audit append (flushed): {:.2} ms per record; verify: {N} records in {:.1} ms ({:.0} records/s)",
        append.as_secs_f64() * 1000.0 / N as f64,
        verify.as_secs_f64() * 1000.0,
        N as f64 / verify.as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<()> {
    audit()?;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(writes())
}
