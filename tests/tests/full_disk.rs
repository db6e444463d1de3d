//! The data dir's disk fills while the engine records: the historian's write error is shown and
//! raises Hearth's own alarm, samples wait in memory, and when space returns everything held is
//! written: every sample made during the outage is on disk, and the alarm returns to normal.
//!
//! The disk is a real one made by the test: a 64 MiB tmpfs mounted in a temp dir (needs root,
//! as the test setup has), filled with a file until the kernel says ENOSPC.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::{default_config_at, start_engine, until};
use hearth_engine::Engine;
use hearth_historian::{Historian, Options, SledHistorian};
use hearth_model::config::HISTORIAN_WRITE_ALARM;
use hearth_model::{Quality, Timestamp};
use hearth_sim::{RunningSimulator, SimulatorOptions};

/// A tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    at: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(at: &std::path::Path, size: &str) -> Result<SmallDisk> {
        std::fs::create_dir_all(at)?;
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .context("running mount")?;
        if !out.status.success() {
            bail!(
                "cannot mount a tmpfs at {} (this test needs root): {}",
                at.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(SmallDisk {
            at: at.to_path_buf(),
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.at).status();
    }
}

/// Write zeros into `path` until the disk refuses; returns how much was written.
fn fill(path: &std::path::Path) -> Result<u64> {
    let mut f = std::fs::File::create(path)?;
    let chunk = vec![0u8; 64 * 1024];
    let mut n = 0u64;
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(k) => n += k as u64,
            Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
            Err(e) => return Err(e.into()),
        }
    }
    let _ = f.sync_all();
    Ok(n)
}

fn alarm_state(engine: &Engine) -> Option<String> {
    engine
        .alarms_all()
        .into_iter()
        .find(|a| a.id == HISTORIAN_WRITE_ALARM)
        .map(|a| a.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_raises_the_alarm_holds_samples_and_loses_none_when_space_returns() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let disk = SmallDisk::mount(&dir.path().join("disk"), "64m")?;
    let data = disk.at.join("data");
    let sim = RunningSimulator::start(
        SimulatorOptions::bundled_loopback(5).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let running = start_engine(default_config_at(sim.local_addr().port())?, &data).await?;
    let engine = running.engine();
    until("first good poll", Duration::from_secs(10), || {
        engine
            .snapshot()
            .tags
            .iter()
            .any(|t| t.name == "zone1_temp" && t.quality == Quality::Good)
    })
    .await?;
    assert_eq!(alarm_state(&engine).as_deref(), Some("normal"));

    // Every zone1_temp sample from here on, as the live view gets it.
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let into = seen.clone();
    let mut live = engine.subscribe();
    let watcher = tokio::spawn(async move {
        while let Ok(batch) = live.recv().await {
            for t in batch.tags.iter().filter(|t| t.name == "zone1_temp") {
                if let Some(ts) = t.ts_ms {
                    into.lock().unwrap_or_else(|p| p.into_inner()).push(ts);
                }
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(2)).await;

    let filler = disk.at.join("filler");
    let filled = fill(&filler)?;
    let mut full = false;
    for _ in 0..300 {
        if engine.status().await?.historian_error.is_some() {
            full = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !full {
        bail!("no historian error within 30 s of filling the disk ({filled} bytes)");
    }
    let status = engine.status().await?;
    let error = status.historian_error.clone().unwrap_or_default();
    assert!(
        error.to_lowercase().contains("space") || error.contains("28"),
        "the error does not say the disk is full: {error}"
    );
    until("the alarm raised", Duration::from_secs(10), || {
        alarm_state(&engine).is_some_and(|s| s != "normal")
    })
    .await?;
    // Samples keep coming and wait in memory.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let held = engine.status().await?;
    assert!(held.historian_buffered_bytes > 0, "nothing held: {held:?}");
    assert_eq!(held.historian_dropped, 0);
    let during: Vec<i64> = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();

    std::fs::remove_file(&filler)?;
    let mut still = None;
    for _ in 0..600 {
        still = engine.status().await?.historian_error;
        if still.is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        still.is_none(),
        "the write error did not clear within 60 s of space returning: {still:?}"
    );
    until("the alarm back to normal", Duration::from_secs(10), || {
        alarm_state(&engine).is_some_and(|s| !s.starts_with("active"))
    })
    .await?;
    let last = *during.last().context("no samples during the outage")?;
    let mut durable = None;
    for _ in 0..100 {
        durable = engine.durable_until("zone1_temp".into()).await?;
        if durable.is_some_and(|d| d >= last) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        durable.is_some_and(|d| d >= last),
        "what was held is not acknowledged as durable: {durable:?} < {last}"
    );
    drop(engine);
    running.stop().await?;
    sim.stop().await;
    watcher.abort();

    let h = SledHistorian::open(&data.join("historian"), Options::default())?;
    let stored: Vec<i64> = h
        .range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?
        .iter()
        .map(|p| p.ts.0)
        .collect();
    drop(h);
    let mut during = during;
    during.dedup();
    let missing: Vec<&i64> = during
        .iter()
        .filter(|t| stored.binary_search(t).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "samples lost to the full disk: {missing:?}"
    );
    println!(
        "{} samples made while the disk was full or before; all stored; held {} bytes at most",
        during.len(),
        held.historian_buffered_bytes
    );
    drop(disk);
    Ok(())
}
