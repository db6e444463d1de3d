//! A plant whose furnace device is writable, for the write-path tests: the default config with
//! `writable = true`, policies for the preheat zone and O2 setpoints, and `remote_mode` polled
//! fast so a change of the permissive is seen within a second.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_engine::Engine;

use crate::repo_root;

/// The write policies the tests write against.
pub const POLICIES: &str = r#"
[writes.zone1_sp]
min = 1000.0
max = 1100.0
max_step = 20.0
min_interval_s = 3
permissive = "remote_mode"

[writes.o2_sp]
min = 1.5
max = 5.0
max_step = 0.5
min_interval_s = 0
"#;

/// Write the plant into `dir`: writes from browsers on or off, `users` (`[[server.user]]`
/// tables) and `extra` appended; returns the plant file.
pub fn writable_plant(dir: &Path, allow_writes: bool, users: &str, extra: &str) -> Result<PathBuf> {
    let plant = std::fs::read_to_string(repo_root().join("config/plant.toml"))?;
    let writable = plant.replacen(
        "writable = false              # Hearth never writes to this device",
        "writable = true",
        1,
    );
    anyhow::ensure!(writable != plant, "the default furnace device is read-only");
    let with_server = writable.replacen(
        "allow_writes = false",
        &format!("allow_writes = {allow_writes}"),
        1,
    );
    anyhow::ensure!(
        writable.contains("allow_writes = false"),
        "no server.allow_writes line"
    );
    let with_server = format!("{with_server}\n{users}\n");
    let path = dir.join("plant.toml");
    std::fs::write(&path, format!("{with_server}\n{POLICIES}\n{extra}"))?;
    let map = std::fs::read_to_string(repo_root().join("config/simulator-registers.toml"))?;
    let start = map
        .find("[tags.remote_mode]")
        .context("no remote_mode in the register map")?;
    let (head, tail) = map.split_at(start);
    let tail = tail.replacen("poll_group = \"slow\"", "poll_group = \"fast\"", 1);
    std::fs::write(
        dir.join("simulator-registers.toml"),
        format!("{head}{tail}"),
    )?;
    Ok(path)
}

/// The tag's value once it has been read Good (waits up to 20 s for the first polls).
pub async fn good_value(engine: &Engine, tag: &str) -> Result<f64> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = engine
            .snapshot()
            .tags
            .iter()
            .find(|t| t.name == tag && t.quality.is_good())
            .and_then(|t| t.value)
        {
            return Ok(v);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{tag} never read Good");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until `tag` reads `want` (within `tol`), Good.
pub async fn reads(engine: &Engine, tag: &str, want: f64, tol: f64) -> Result<()> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if good_value(engine, tag)
            .await
            .is_ok_and(|v| (v - want).abs() <= tol)
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{tag} never read {want}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
