//! `hearth status`: through the running engine when one holds the data dir, else from the files.

use std::path::Path;

use anyhow::Result;
use hearth_model::api::EngineStatus;
use hearth_model::config::Config;

pub fn run(config: &Config, data_dir: &Path, json: bool) -> Result<i32> {
    let status: EngineStatus = match crate::attach::engine(data_dir)? {
        Some(client) => client.status()?,
        None => hearth_engine::offline::status(config, data_dir)?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(0);
    }
    match (status.source.as_str(), status.pid) {
        ("engine", Some(pid)) => println!(
            "Engine:      running, pid {pid}, {}",
            status.api_url.as_deref().unwrap_or("")
        ),
        _ => println!("Engine:      not running (read from the data dir)"),
    }
    println!(
        "Data dir:    {} ({})",
        status.data_dir,
        human_bytes(status.data_dir_bytes)
    );
    println!(
        "Tags:        {} configured, {} with history",
        status.tag_count, status.stored_tags
    );
    println!(
        "Oldest:      {}",
        status.oldest_sample.as_deref().unwrap_or("-")
    );
    println!(
        "Newest:      {}",
        status.newest_sample.as_deref().unwrap_or("-")
    );
    match &status.historian_error {
        Some(e) => println!(
            "Historian:   CANNOT WRITE: {e}; {} held in memory, {} points dropped",
            human_bytes(status.historian_buffered_bytes),
            status.historian_dropped
        ),
        None => println!("Historian:   writing"),
    }
    if status.clock_skew_ms.abs() >= 1000 {
        println!(
            "Clock:       timestamps {:.1} s ahead of this PC's clock (it was set back); catching up at half speed",
            status.clock_skew_ms as f64 / 1000.0
        );
    }
    if status.historian_refused > 0 {
        println!(
            "             {} points refused as not newer than their tag's last one",
            status.historian_refused
        );
    }
    println!("Devices:");
    for d in &status.devices {
        let state = d.state.as_str();
        println!(
            "  {:<12} {:<22} {:<13} last good {}{}",
            d.name,
            d.address,
            state,
            d.last_good.as_deref().unwrap_or("-"),
            d.error
                .as_deref()
                .map(|e| format!("  ({e})"))
                .unwrap_or_default()
        );
    }
    Ok(0)
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
