//! Per-device counters and round-trip percentiles over a window of recent requests.

use std::collections::VecDeque;
use std::time::Duration;

const WINDOW: usize = 512;

#[derive(Debug, Default, Clone)]
pub(crate) struct Stats {
    pub requests: u64,
    pub errors: u64,
    rtts_ms: VecDeque<f64>,
}

impl Stats {
    pub fn record(&mut self, rtt: Duration) {
        self.requests += 1;
        if self.rtts_ms.len() == WINDOW {
            self.rtts_ms.pop_front();
        }
        self.rtts_ms.push_back(rtt.as_secs_f64() * 1000.0);
    }

    pub fn record_error(&mut self) {
        self.requests += 1;
        self.errors += 1;
    }

    /// The `p`-th percentile (0..=100) of recent round trips.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.rtts_ms.is_empty() {
            return None;
        }
        let mut v: Vec<f64> = self.rtts_ms.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        let idx = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
        v.get(idx.min(v.len() - 1)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_recorded_round_trips() {
        let mut s = Stats::default();
        assert_eq!(s.percentile(50.0), None);
        for ms in 1..=100 {
            s.record(Duration::from_millis(ms));
        }
        assert_eq!(s.percentile(50.0).map(f64::round), Some(51.0));
        assert_eq!(s.percentile(99.0).map(f64::round), Some(99.0));
        s.record_error();
        assert_eq!((s.requests, s.errors), (101, 1));
    }
}
