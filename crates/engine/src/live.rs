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
        match only {
            Some(samples) => samples
                .iter()
                .filter_map(|s| self.value(config, s.tag.index(), now))
                .collect(),
            None => (0..config.tags.len())
                .filter_map(|i| self.value(config, i, now))
                .collect(),
        }
    }

    /// Tag `i` as [`values`](Self::values) shows it.
    pub(crate) fn value(&self, config: &Config, i: usize, now: Timestamp) -> Option<TagValue> {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::TagId;

    fn config() -> Config {
        let path = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../config/plant.toml"
        ));
        Config::load(path).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_good_value_older_than_its_groups_stale_limit_reads_uncertain_stale() {
        let c = config();
        let tag = c
            .tag_by_name("zone1_temp")
            .unwrap_or_else(|| panic!("zone1_temp"));
        let group = &c.poll_groups[tag.poll_group];
        let limit = group.interval.as_millis() as i64 * i64::from(group.stale_after);
        let mut live = LiveTable::new(&c);
        live.apply(&[Sample {
            tag: tag.id,
            ts: Timestamp(0),
            value: Some(1050.0),
            quality: Quality::Good,
        }]);
        let q = |now: i64| {
            live.values(&c, Timestamp(now), None)
                .into_iter()
                .find(|v| v.name == "zone1_temp")
                .map(|v| v.quality)
        };
        assert_eq!(q(limit - 1000), Some(Quality::Good));
        assert_eq!(q(limit + 1000), Some(Quality::UncertainStale));
        // A bad reading stays what it is and keeps the last good value for display.
        let mut live2 = LiveTable::new(&c);
        live2.apply(&[
            Sample {
                tag: TagId(tag.id.0),
                ts: Timestamp(0),
                value: Some(1050.0),
                quality: Quality::Good,
            },
            Sample {
                tag: tag.id,
                ts: Timestamp(1000),
                value: None,
                quality: Quality::BadNoCommunication,
            },
        ]);
        let v = live2
            .values(&c, Timestamp(60_000), None)
            .into_iter()
            .find(|v| v.name == "zone1_temp");
        assert_eq!(
            v.as_ref().map(|v| v.quality),
            Some(Quality::BadNoCommunication)
        );
        assert_eq!(v.and_then(|v| v.last_good_value), Some(1050.0));
    }
}
