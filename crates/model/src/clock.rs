//! The one injectable clock. Timestamps come from it; scheduling never does (that uses the
//! monotonic clock), so a wall clock stepped by an hour cannot stall or double a poll.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::Timestamp;

/// Where "now" comes from: wall-clock UTC for a plant, the simulator's plant clock when it runs
/// faster than real time, a manual clock in tests and evaluations.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
    /// A short name for status displays ("system", "plant", "manual").
    fn kind(&self) -> &'static str;
}

pub type SharedClock = Arc<dyn Clock>;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp(chrono::Utc::now().timestamp_millis())
    }

    fn kind(&self) -> &'static str {
        "system"
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Default)]
pub struct ManualClock {
    ms: AtomicI64,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            ms: AtomicI64::new(start.0),
        }
    }

    pub fn set(&self, t: Timestamp) {
        self.ms.store(t.0, Ordering::SeqCst);
    }

    pub fn advance_ms(&self, ms: i64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.ms.load(Ordering::SeqCst))
    }

    fn kind(&self) -> &'static str {
        "manual"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(Timestamp(1_000));
        assert_eq!(c.now(), Timestamp(1_000));
        c.advance_ms(500);
        assert_eq!(c.now(), Timestamp(1_500));
        c.set(Timestamp(10));
        assert_eq!(c.now(), Timestamp(10));
    }

    #[test]
    fn system_clock_is_utc_epoch_millis() {
        let before = chrono::Utc::now().timestamp_millis();
        let t = SystemClock.now().0;
        let after = chrono::Utc::now().timestamp_millis();
        assert!(before <= t && t <= after);
    }
}
