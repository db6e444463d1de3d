//! A plant whose furnace device is writable, for the write-path tests: the default config with
//! `writable = true`, policies for the preheat zone and O2 setpoints, and `remote_mode` polled
//! fast so a change of the permissive is seen within a second.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_engine::Engine;

use crate::repo_root;

/// The write policies the tests write against (the browser tests use the same file).
pub const POLICIES: &str = include_str!("../fixtures/write-policies.toml");

/// An engine in this process on [`writable_plant`] in a temp dir, with its bundled simulator.
pub struct WritablePlant {
    pub dir: tempfile::TempDir,
    pub running: hearth_engine::RunningEngine,
    pub engine: Engine,
    /// The bundled simulator, which remembers every write it receives.
    pub sim: hearth_sim::SimulatorHandle,
}

impl WritablePlant {
    pub async fn stop(self) -> Result<()> {
        self.running.stop().await?;
        Ok(())
    }
}

pub async fn writable_engine(allow_writes: bool, users: &str) -> Result<WritablePlant> {
    let dir = tempfile::tempdir()?;
    let plant = writable_plant(dir.path(), allow_writes, users)?;
    let running = crate::engine_on(&plant, &dir.path().join("data")).await?;
    let engine = running.engine();
    let sim = running
        .simulators()
        .first()
        .context("no bundled simulator")?
        .handle();
    Ok(WritablePlant {
        dir,
        running,
        engine,
        sim,
    })
}

/// Write the plant into `dir`: writes from browsers on or off, `users` (`[[server.user]]`
/// tables) appended; returns the plant file.
pub fn writable_plant(dir: &Path, allow_writes: bool, users: &str) -> Result<PathBuf> {
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
    std::fs::write(&path, format!("{with_server}\n{POLICIES}"))?;
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
