//! `hearth poll --once`: read every tag from its device once, straight from the PLCs.

use std::sync::Arc;

use anyhow::{Context, Result};
use hearth_acquisition::poll_once;
use hearth_model::config::Config;
use hearth_model::{Quality, Sample, SharedClock, SystemClock, Timestamp};
use serde::Serialize;

use crate::cli::EXIT_NOT_ALL_GOOD;

#[derive(Serialize)]
struct Doc {
    devices: Vec<DeviceOut>,
    tags: Vec<TagOut>,
}

#[derive(Serialize)]
struct DeviceOut {
    name: String,
    state: hearth_model::api::DeviceState,
    last_good: Option<String>,
    error: Option<String>,
}

#[derive(Serialize)]
struct TagOut {
    #[serde(skip)]
    decimals: u8,
    name: String,
    device: String,
    value: Option<f64>,
    unit: String,
    quality: Quality,
    ts: Option<String>,
}

pub fn run(mut config: Config, json: bool) -> Result<i32> {
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let (doc, all_good) = rt.block_on(async {
        let (sims, plant_clock) = hearth_engine::start_embedded_simulators(&mut config).await?;
        let clock: SharedClock = plant_clock.unwrap_or_else(|| Arc::new(SystemClock));
        let config = Arc::new(config);
        let polls = (0..config.devices.len())
            .map(|d| tokio::spawn(poll_once(config.clone(), d, clock.clone())));
        let mut devices = Vec::new();
        let mut samples: Vec<Sample> = Vec::new();
        for p in polls {
            let (s, status) = p.await.context("a device poll failed")?;
            samples.extend(s);
            devices.push(DeviceOut {
                name: status.name,
                state: status.state,
                last_good: status.last_good,
                error: status.error,
            });
        }
        for s in sims {
            s.stop().await;
        }
        samples.sort_by_key(|s| s.tag);
        let all_good = samples.len() == config.polled_tags().count()
            && samples.iter().all(|s| s.quality.is_good());
        let tags = samples
            .iter()
            .filter_map(|s| {
                let t = config.tag(s.tag)?;
                Some(TagOut {
                    decimals: t.decimals(),
                    name: t.name.clone(),
                    device: config
                        .devices
                        .get(t.device)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    value: s.value,
                    unit: t.unit.clone(),
                    quality: s.quality,
                    ts: Some(Timestamp::to_rfc3339(s.ts)),
                })
            })
            .collect();
        anyhow::Ok((Doc { devices, tags }, all_good))
    })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print_table(&doc);
    }
    Ok(if all_good { 0 } else { EXIT_NOT_ALL_GOOD })
}

fn print_table(doc: &Doc) {
    println!(
        "{:<12} {:<13} {:<26} ERROR",
        "DEVICE", "STATE", "LAST GOOD (UTC)"
    );
    for d in &doc.devices {
        let state = d.state.as_str();
        println!(
            "{:<12} {:<13} {:<26} {}",
            d.name,
            state,
            d.last_good.as_deref().unwrap_or("-"),
            d.error.as_deref().unwrap_or("")
        );
    }
    println!();
    println!(
        "{:<20} {:>14} {:<7} {:<28} TIME (UTC)",
        "TAG", "VALUE", "UNIT", "QUALITY"
    );
    for t in &doc.tags {
        let value = t.value.map_or_else(
            || "-".to_owned(),
            |v| format!("{v:.*}", usize::from(t.decimals)),
        );
        println!(
            "{:<20} {:>14} {:<7} {:<28} {}",
            t.name,
            value,
            t.unit,
            t.quality.to_string(),
            t.ts.as_deref().unwrap_or("-")
        );
    }
}
