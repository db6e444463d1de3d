//! The engine's recording path: a batch of measured samples gets its derived tags (emissions and
//! energy, computed from it) and goes to the historian, one point per sample. The engine's
//! ingest task runs it for every poll; a replay of plant data (a simulated day in a test, an
//! import) runs the same code.

use std::sync::Arc;

use hearth_emissions::derive::Deriver;
use hearth_historian::{Historian, HistorianError, Point, SeriesId};
use hearth_model::Sample;
use hearth_model::config::Config;

pub struct Recorder {
    historian: Arc<dyn Historian>,
    series: Vec<SeriesId>,
    deriver: Option<Deriver>,
    derived: Vec<Sample>,
    batch: Vec<(SeriesId, Point)>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("series", &self.series.len())
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder for every tag of `config`, measured and derived.
    pub fn new(config: &Config, historian: Arc<dyn Historian>) -> Result<Recorder, HistorianError> {
        let names: Vec<&str> = config.tags.iter().map(|t| t.name.as_str()).collect();
        let series = historian.series(&names)?;
        // The config was validated, so its fuel is: a failure here only loses the derived tags.
        let deriver = match Deriver::new(config) {
            Ok(d) => Some(d),
            Err(err) => {
                tracing::error!(%err, "derived emission tags disabled");
                None
            }
        };
        Ok(Recorder {
            historian,
            series,
            deriver,
            derived: Vec::new(),
            batch: Vec::new(),
        })
    }

    /// Derive with factors changed at run time from the next sample on.
    pub fn retune(&mut self, config: &Config) {
        if let Some(d) = self.deriver.as_mut()
            && let Err(err) = d.retune(config)
        {
            tracing::error!(%err, "derived emission tags keep their previous factors");
        }
    }

    /// Add the derived samples `samples` triggers to it, then append them all. The samples
    /// come back extended even when the append fails (the live view and alarms still want them).
    pub fn record(&mut self, samples: &mut Vec<Sample>) -> Result<(), HistorianError> {
        if let Some(d) = self.deriver.as_mut() {
            self.derived.clear();
            d.on_samples(samples, &mut self.derived);
            samples.extend_from_slice(&self.derived);
        }
        self.batch.clear();
        let series = &self.series;
        self.batch.extend(samples.iter().filter_map(|s| {
            Some((
                *series.get(s.tag.index())?,
                Point {
                    ts: s.ts,
                    value: s.value,
                    quality: s.quality,
                },
            ))
        }));
        self.historian.append(&self.batch)
    }
}
