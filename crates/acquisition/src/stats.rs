//! Per-device counters and round-trip percentiles over a window of recent requests.

use std::collections::VecDeque;
use std::time::Duration;

const WINDOW: usize = 512;

/// What went wrong with a request or a connection attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// No reply within the request timeout.
    Timeout,
    /// The TCP connection could not be made (refused, unreachable, connect timeout).
    Connect,
    /// The reply could not be trusted: transport error, malformed frame, wrong transaction id.
    Protocol,
    /// The device answered with a Modbus exception.
    Exception,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Stats {
    pub requests: u64,
    pub errors: u64,
    pub timeouts: u64,
    pub connect_failures: u64,
    pub protocol_errors: u64,
    pub exceptions: u64,
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

    /// Count an error. A failed request (timeout, protocol) is a request here; an exception was
    /// answered and already counted by [`Stats::record`]; a connection attempt is no request.
    pub fn record_error(&mut self, kind: ErrorKind) {
        if matches!(kind, ErrorKind::Timeout | ErrorKind::Protocol) {
            self.requests += 1;
        }
        self.errors += 1;
        match kind {
            ErrorKind::Timeout => self.timeouts += 1,
            ErrorKind::Connect => self.connect_failures += 1,
            ErrorKind::Protocol => self.protocol_errors += 1,
            ErrorKind::Exception => self.exceptions += 1,
        }
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
        s.record_error(ErrorKind::Timeout);
        s.record_error(ErrorKind::Connect);
        assert_eq!(
            (s.requests, s.errors, s.timeouts, s.connect_failures),
            (101, 2, 1, 1)
        );
    }
}
