//! The latest value of every tag and the status of every device, as the engine last saw them,
//! turned into the API's snapshot and live-batch types.

use hearth_model::api::{DeviceStatus, TagValue};
use hearth_model::config::Config;
use hearth_model::{Quality, Sample, Timestamp};

#[derive(Debug, Clone, Copy)]
struct Latest {
    value: Option<f64>,
    quality: Quality,
    ts: Option<Timestamp>,
    last_good_value: Option<f64>,
    last_good: Option<Timestamp>,
}

#[derive(Debug)]
pub(crate) struct LiveTable {
    tags: Vec<Latest>,
    pub(crate) devices: Vec<DeviceStatus>,
}

impl LiveTable {
    pub(crate) fn new(config: &Config) -> Self {
        LiveTable {
            tags: vec![
                Latest {
                    value: None,
                    quality: Quality::BadNoCommunication,
                    ts: None,
                    last_good_value: None,
                    last_good: None
                };
                config.tags.len()
            ],
            devices: config
                .devices
                .iter()
                .map(|d| DeviceStatus::idle(&d.name, d.address()))
                .collect(),
        }
    }

    pub(crate) fn apply(&mut self, samples: &[Sample]) {
        for s in samples {
            if let Some(l) = self.tags.get_mut(s.tag.index()) {
                l.value = s.value;
                l.quality = s.quality;
                l.ts = Some(s.ts);
                if s.value.is_some() && !s.quality.is_bad() {
                    l.last_good_value = s.value;
                    l.last_good = Some(s.ts);
                }
            }
        }
    }

    /// The tag values, with Good values older than their group's stale limit shown as
    /// Uncertain_Stale (the device may be answering other groups while this one lags).
    pub(crate) fn values(
        &self,
        config: &Config,
        now: Timestamp,
        only: Option<&[Sample]>,
    ) -> Vec<TagValue> {
        let make = |i: usize| -> Option<TagValue> {
            let t = config.tags.get(i)?;
            let l = self.tags.get(i)?;
            let group = config.poll_groups.get(t.poll_group)?;
            let stale_ms = group.interval.as_millis() as i64 * i64::from(group.stale_after) + 500;
            let quality = match (l.quality, l.ts) {
                (Quality::Good, Some(ts)) if now.0 - ts.0 > stale_ms => Quality::UncertainStale,
                (q, _) => q,
            };
            let device = config
                .devices
                .get(t.device)
                .map(|d| d.name.clone())
                .unwrap_or_default();
            Some(TagValue {
                name: t.name.clone(),
                device,
                value: l.value,
                unit: t.unit.clone(),
                quality,
                ts: l.ts.map(Timestamp::to_rfc3339),
                ts_ms: l.ts.map(|t| t.0),
                last_good_value: l.last_good_value,
                last_good_ms: l.last_good.map(|t| t.0),
            })
        };
        match only {
            Some(samples) => samples.iter().filter_map(|s| make(s.tag.index())).collect(),
            None => (0..config.tags.len()).filter_map(make).collect(),
        }
    }
}
