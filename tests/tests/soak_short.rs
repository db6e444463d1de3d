//! The soak binary, short: one minute, a fault every ten seconds, built with the test profile
//! (no release build in CI). It fails on a panic, a recovery that does not come, a lost
//! acknowledged sample, file handles that grow, or memory growing by more than half after its
//! warm-up (a loose bound for one minute; the hour-long figure is in docs/reliability.md).

use anyhow::{Context, Result};

#[test]
fn a_minute_of_faults_every_ten_seconds_passes_the_soak() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let report = dir.path().join("soak.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_soak"))
        .args(["--minutes", "1", "--fault-every-s", "10", "--seed", "11"])
        .args(["--max-growth-pct", "50", "--json"])
        .arg(&report)
        .output()
        .context("running the soak")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "the soak failed:\n{stdout}\n{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report)?)?;
    assert_eq!(r["panics"], 0);
    assert_eq!(r["lost_points"], 0);
    assert!(r["faults"].as_u64().is_some_and(|f| f >= 5), "{r}");
    assert!(
        r["acknowledged_points"].as_u64().is_some_and(|n| n > 100),
        "{r}"
    );
    Ok(())
}
