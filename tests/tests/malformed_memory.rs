//! Malformed replies by the hundred hold no memory: the engine's device poller reads the
//! simulator through the fault-injecting proxy every 20 ms while each malformed fault is held in
//! turn, six rounds over, recycling its connection after each one. What the process holds
//! (jemalloc's `stats.allocated`) after the last round is compared with after the second.
//! A test binary of its own, so that no other test's allocations are counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Result, bail};
use hearth_acquisition::DevicePoller;
use hearth_e2e::default_config_at;
use hearth_e2e::proxy::{Fault, FaultProxy};
use hearth_model::SystemClock;
use hearth_sim::{RunningSimulator, SimulatorOptions};
use tokio::sync::{mpsc, watch};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// What the process holds now, in KiB.
fn held_kib() -> Result<u64> {
    use tikv_jemalloc_ctl::{epoch, stats};
    epoch::advance().map_err(|e| anyhow::anyhow!("jemalloc epoch: {e}"))?;
    let bytes = stats::allocated::read().map_err(|e| anyhow::anyhow!("jemalloc stats: {e}"))?;
    Ok(bytes as u64 / 1024)
}

/// Each malformed fault for 0.4 s, with a moment of clean replies after each; then what is
/// held once the replies are clean again: the least of ten readings, so that a buffer in flight
/// at one reading does not count.
async fn round(proxy: &FaultProxy) -> Result<u64> {
    for f in Fault::MALFORMED {
        proxy.set(f);
        tokio::time::sleep(Duration::from_millis(400)).await;
        proxy.set(Fault::None);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut least = u64::MAX;
    for _ in 0..10 {
        least = least.min(held_kib()?);
        tokio::time::sleep(Duration::from_millis(37)).await;
    }
    Ok(least)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_malformed_replies_hold_no_more_memory() -> Result<()> {
    let sim = RunningSimulator::start(
        SimulatorOptions::bundled_loopback(3).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    let proxy = FaultProxy::start(sim.local_addr()).await?;
    let mut config = default_config_at(proxy.addr().port())?;
    for g in &mut config.poll_groups {
        g.interval = Duration::from_millis(20);
    }
    for d in &mut config.devices {
        d.connect_timeout = Duration::from_millis(200);
        d.request_timeout = Duration::from_millis(100);
        d.retries = 0;
        d.backoff_max = Duration::from_millis(20);
    }
    let (tx, mut rx) = mpsc::channel(1024);
    let (stop, stop_rx) = watch::channel(false);
    let poller = DevicePoller::new(Arc::new(config), 0, Arc::new(SystemClock));
    let polling = tokio::spawn(poller.run(tx, stop_rx));
    let (errors, requests) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let (e, r) = (errors.clone(), requests.clone());
    let draining = tokio::spawn(async move {
        while let Some(report) = rx.recv().await {
            e.store(report.status.errors, Ordering::SeqCst);
            r.store(report.status.requests, Ordering::SeqCst);
        }
    });

    // The first two rounds fill what fills once: connection buffers, tokio's slabs, the
    // allocator's caches.
    round(&proxy).await?;
    let held_warm = round(&proxy).await?;
    let errors_warm = errors.load(Ordering::SeqCst);
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(round(&proxy).await?);
    }
    let held_end = held.last().copied().unwrap_or(held_warm);
    let malformed = errors.load(Ordering::SeqCst) - errors_warm;
    let _ = stop.send(true);
    let _ = polling.await;
    let _ = draining.await;
    sim.stop().await;

    println!(
        "{malformed} malformed replies and timeouts after the second round ({} requests in all); \
         held {held_warm} KiB after it, then {held:?} KiB after each later round",
        requests.load(Ordering::SeqCst)
    );
    if malformed < 120 {
        bail!("only {malformed} errors after the second round: the test measured too little");
    }
    // A leak of a kilobyte per malformed reply is about 170 KiB here (planted in the poller's
    // error count, it failed this test); without one the rounds stay within about 70 KiB.
    let grown = held_end.saturating_sub(held_warm);
    if grown > 128 {
        bail!("held memory grew {grown} KiB over {malformed} malformed replies");
    }
    Ok(())
}
