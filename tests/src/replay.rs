//! Plant days of the bundled simulator recorded through the engine's recording path, second by
//! second, as the pollers would have delivered them: for the emissions tests, and for trying the
//! reports on weeks of data (`cargo run -p hearth-e2e --example record-days`).

use std::ops::Range;

use anyhow::Result;
use hearth_engine::recording::Recorder;
use hearth_model::config::{Config, DataType, Tag};
use hearth_model::{Quality, Sample, TagId, Timestamp};
use hearth_sim::{Signal, SimSettings, Simulation};

/// What a poll reads: the register's resolution, as the PLC would hold it.
pub fn as_read(t: &Tag, v: f64) -> f64 {
    match t.data_type {
        DataType::Float32 => f64::from(v as f32),
        DataType::Float64 => v,
        _ => ((v - t.offset) / t.scale).round() * t.scale + t.offset,
    }
}

/// Something wrong with one tag over a window: no reply, or a bad reading.
#[derive(Debug, Clone)]
pub struct Fault {
    pub tag: TagId,
    pub during: Range<i64>,
    /// None: nothing read at all; Some(q): read with quality q.
    pub quality: Option<Quality>,
}

/// Record `[from_ms, to_ms)` of the simulator (seeded `seed`) through `recorder`, each tag at its
/// poll group's interval, with `faults` applied.
pub fn record(
    config: &Config,
    recorder: &mut Recorder,
    seed: u64,
    from_ms: i64,
    to_ms: i64,
    faults: &[Fault],
) -> Result<()> {
    let mut sim = Simulation::new(SimSettings::typical(seed, from_ms));
    let polled: Vec<(&Tag, Signal, i64)> = config
        .polled_tags()
        .filter_map(|t| {
            let s = Signal::from_name(&t.name)?;
            let every = config.poll_groups.get(t.poll_group)?.interval.as_millis() as i64;
            Some((t, s, every))
        })
        .collect();
    let mut samples = Vec::new();
    let mut ts = from_ms;
    while ts < to_ms {
        sim.step(1.0);
        samples.clear();
        for (t, signal, every) in &polled {
            if (ts - from_ms) % every != 0 {
                continue;
            }
            let fault = faults
                .iter()
                .find(|f| f.tag == t.id && f.during.contains(&ts));
            let quality = match fault {
                Some(Fault { quality: None, .. }) => continue,
                Some(Fault {
                    quality: Some(q), ..
                }) => *q,
                None => Quality::Good,
            };
            samples.push(Sample {
                tag: t.id,
                ts: Timestamp(ts),
                value: Some(as_read(t, sim.read(*signal))),
                quality,
            });
        }
        recorder.record(&mut samples)?;
        ts += 1000;
    }
    Ok(())
}
