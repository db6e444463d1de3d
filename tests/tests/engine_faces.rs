//! The engine's faces and its clock: the HTTP API and the WebSocket live stream that browsers and
//! attached windows use, and timestamps taken from an injected clock.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use hearth_e2e::default_config;
use hearth_engine::{Engine, EngineOptions};
use hearth_historian::{Historian, Options, SledHistorian};
use hearth_model::api::{LiveBatch, PlantInfo, Snapshot};
use hearth_model::config::Config;
use hearth_model::{ManualClock, Quality, Timestamp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_websocket_streams_a_snapshot_then_live_batches_that_change() -> Result<()> {
    let config = Config::load(&default_config()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = tempfile::tempdir()?;
    let running = Engine::start(EngineOptions {
        config,
        data_dir: dir.path().to_path_buf(),
        bind: Some("127.0.0.1:0".parse()?),
        ui: None,
        clock: None,
    })
    .await?;
    let addr = running.http_addr().context("no HTTP face")?;

    let plant: PlantInfo = tokio::task::spawn_blocking(move || -> Result<PlantInfo> {
        Ok(ureq::get(&format!("http://{addr}/api/plant"))
            .call()?
            .body_mut()
            .read_json()?)
    })
    .await??;
    assert_eq!(plant.furnace.zones.len(), 3);
    assert_eq!(plant.time_zone, "Asia/Shanghai");

    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/live")).await?;
    let mut zone1 = Vec::new();
    let mut batches = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    while zone1.len() < 3 {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .context("no live batches in time")?;
        let Some(msg) = msg else {
            bail!("the WebSocket closed")
        };
        let text = msg?.into_text()?;
        let batch: LiveBatch = serde_json::from_str(&text)?;
        batches += 1;
        if batches == 1 {
            assert_eq!(
                batch.tags.len(),
                plant.tags.len(),
                "the first message is a full snapshot"
            );
        }
        if let Some(t) = batch
            .tags
            .iter()
            .find(|t| t.name == "zone1_temp" && t.quality == Quality::Good)
        {
            zone1.push((t.ts_ms, t.value));
        }
    }
    let stamps: Vec<_> = zone1.iter().map(|z| z.0).collect();
    assert!(
        stamps.windows(2).all(|w| w[0] < w[1]),
        "live values are new readings: {zone1:?}"
    );

    // Another web page open on this PC may not read the plant over the WebSocket or the API.
    let mut foreign =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{addr}/api/live"
        ))?;
    foreign
        .headers_mut()
        .insert("Origin", "http://evil.example".parse()?);
    assert!(
        tokio_tungstenite::connect_async(foreign).await.is_err(),
        "a foreign origin got the live stream"
    );
    let (code, cors) = tokio::task::spawn_blocking(move || -> Result<(u16, Option<String>)> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let foreign = agent
            .get(&format!("http://{addr}/api/snapshot"))
            .header("Origin", "http://evil.example")
            .call()?;
        let desktop = agent
            .get(&format!("http://{addr}/api/snapshot"))
            .header("Origin", "tauri://localhost")
            .call()?;
        let cors = desktop
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok((foreign.status().as_u16(), cors))
    })
    .await??;
    assert_eq!(code, 403);
    assert_eq!(
        cors.as_deref(),
        Some("tauri://localhost"),
        "the attached desktop window may read the API"
    );

    let snap: Snapshot = tokio::task::spawn_blocking(move || -> Result<Snapshot> {
        Ok(ureq::get(&format!("http://{addr}/api/snapshot"))
            .call()?
            .body_mut()
            .read_json()?)
    })
    .await??;
    assert!(snap.tags.iter().all(|t| t.quality == Quality::Good));
    drop(ws);
    running.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samples_are_stamped_by_the_injected_clock() -> Result<()> {
    let config = Config::load(&default_config()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = tempfile::tempdir()?;
    // A plant day long ago: nothing about the wall clock can produce these stamps.
    let start = Timestamp(1_000_000_000_000);
    let clock = Arc::new(ManualClock::new(start));
    let running = hearth_e2e::start_engine_with_clock(config, dir.path(), clock.clone()).await?;
    let engine = running.engine();
    assert_eq!(engine.plant_info().clock, "manual");
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        clock.advance_ms(1_000);
    }
    running.stop().await?;
    let h = SledHistorian::open(&dir.path().join("historian"), Options::default())?;
    let points = h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?;
    assert!(!points.is_empty());
    let end = Timestamp(start.0 + 31_000);
    assert!(
        points.iter().all(|p| p.ts >= start && p.ts <= end),
        "stamps outside the manual clock's range: {points:?}"
    );
    Ok(())
}
