//! The CLI's way to a running engine: the address and local key it publishes in its data dir.

use std::path::Path;

use anyhow::{Context, Result};
use hearth_engine::client::EngineClient;
use hearth_engine::datadir::running_engine;

/// A client for the engine holding `data_dir`, or None when no engine runs there.
pub fn engine(data_dir: &Path) -> Result<Option<EngineClient>> {
    let Some(info) = running_engine(data_dir) else {
        return Ok(None);
    };
    EngineClient::for_engine(&info)
        .with_context(|| {
            format!(
                "an engine (pid {}) holds {} but publishes no API address",
                info.pid,
                data_dir.display()
            )
        })
        .map(Some)
}
