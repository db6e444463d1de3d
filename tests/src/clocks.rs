//! A wall clock the tests can step, as NTP or an operator steps the PC's: UTC plus an offset
//! that changes at once. It says it is the system clock, since that is what it stands for.

use std::sync::atomic::{AtomicI64, Ordering};

use hearth_model::{Clock, Timestamp};

#[derive(Debug, Default)]
pub struct SteppedClock {
    offset_ms: AtomicI64,
}

impl SteppedClock {
    /// Step the clock by `ms` (negative: back).
    pub fn step(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for SteppedClock {
    fn now(&self) -> Timestamp {
        Timestamp(chrono::Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::SeqCst))
    }

    fn kind(&self) -> &'static str {
        "system"
    }
}
