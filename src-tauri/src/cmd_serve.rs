//! `hearth serve`: the engine without a window, as a plant runs it around the clock.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use hearth_engine::{Engine, EngineOptions};
use hearth_model::config::Config;

pub static UI: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../ui/dist");

pub fn run(config: Config, data_dir: PathBuf, bind: SocketAddr) -> Result<i32> {
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async move {
        let engine = Engine::start(EngineOptions {
            config,
            data_dir: data_dir.clone(),
            bind: Some(bind),
            ui: Some(&UI),
            clock: None,
        })
        .await
        .context("starting the engine")?;
        let url = engine.engine().api_url().unwrap_or_default();
        println!(
            "Hearth engine running: open {url} (data dir {})",
            data_dir.display()
        );
        wait_for_stop().await;
        eprintln!("stopping: writing out the last samples");
        engine.stop().await.context("stopping the engine")?;
        anyhow::Ok(0)
    })
}

pub async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
