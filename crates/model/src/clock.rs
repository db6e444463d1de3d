//! The one injectable clock. Timestamps come from it; scheduling never does (that uses the
//! monotonic clock), so a wall clock stepped by an hour cannot stall or double a poll. The
//! engine stamps through a [`SteadyClock`], so its timestamps never go back either.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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

/// How fast stamps move, against the monotonic clock, while they wait for a wall clock that was
/// set back to catch up: an hour's step is absorbed in two hours.
pub const CATCH_UP_RATE: f64 = 0.5;

/// A step of the wall clock beyond this (either way) is logged as one.
pub const STEP_MS: i64 = 2_000;

/// Timestamps from a wall clock `source` that never go back, even when the source does.
///
/// - While the source moves normally, stamps are the source's time.
/// - A step forward is followed at once (the data shows a gap, nothing is overwritten).
/// - A step back is not followed: stamps go on at [`CATCH_UP_RATE`] of real time until the
///   source catches up, so every sample keeps its own, later stamp and none is refused or
///   overwritten. Meanwhile [`SteadyClock::skew_ms`] says how far ahead of the source they are.
#[derive(Debug)]
pub struct SteadyClock {
    source: SharedClock,
    state: Mutex<Steady>,
}

#[derive(Debug, Clone, Copy)]
struct Steady {
    stamp: i64,
    /// The source's time at `at`, to tell a step from the normal drift.
    wall: i64,
    at: Instant,
    skew_ms: i64,
}

impl SteadyClock {
    pub fn new(source: SharedClock) -> SteadyClock {
        SteadyClock {
            state: Mutex::new(Steady {
                stamp: source.now().0,
                wall: source.now().0,
                at: Instant::now(),
                skew_ms: 0,
            }),
            source,
        }
    }

    /// Stamps from now on are later than `t` (the newest point already recorded, at start),
    /// caught up to as after a step back, unless `t` is more than `max_ahead_ms` ahead of the
    /// source: a clock that far off is not waited for at half speed.
    pub fn hold_after(&self, t: Timestamp, max_ahead_ms: i64) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let wall = self.source.now().0;
        if t.0 <= st.stamp || t.0 - wall > max_ahead_ms {
            return false;
        }
        st.stamp = t.0;
        st.skew_ms = t.0 - wall;
        true
    }

    /// How far the stamps are ahead of the source (after a step back), in ms; 0 when in step.
    pub fn skew_ms(&self) -> i64 {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).skew_ms
    }
}

impl Clock for SteadyClock {
    fn now(&self) -> Timestamp {
        let wall = self.source.now().0;
        let at = Instant::now();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let real_ms = at.saturating_duration_since(st.at).as_secs_f64() * 1000.0;
        let step = wall - (st.wall + real_ms as i64);
        // Only a wall clock is expected to keep pace with real time (a plant clock runs faster).
        if step.abs() > STEP_MS && self.source.kind() == "system" {
            tracing::warn!(
                step_ms = step,
                source = self.source.kind(),
                "the wall clock stepped {} by {:.1} s{}",
                if step > 0 { "forward" } else { "back" },
                step.abs() as f64 / 1000.0,
                if step > 0 {
                    ""
                } else {
                    "; timestamps go on at half speed until it catches up, none goes back"
                }
            );
        }
        // Never behind the source, never back, and while ahead, gaining on it at half speed.
        let stamp = wall
            .max(st.stamp + (real_ms * CATCH_UP_RATE) as i64)
            .max(st.stamp);
        // Only a step back leaves the stamps ahead; a plant clock running faster than real time
        // is always followed.
        *st = Steady {
            stamp,
            wall,
            at,
            skew_ms: stamp - wall,
        };
        Timestamp(stamp)
    }

    fn kind(&self) -> &'static str {
        self.source.kind()
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

    #[test]
    fn a_steady_clock_follows_a_step_forward_and_never_goes_back() {
        let wall = Arc::new(ManualClock::new(Timestamp(1_000_000)));
        let steady = SteadyClock::new(wall.clone());
        assert_eq!(steady.now(), Timestamp(1_000_000));
        wall.advance_ms(3_600_000);
        assert_eq!(
            steady.now(),
            Timestamp(4_600_000),
            "a step forward is followed"
        );
        assert_eq!(steady.skew_ms(), 0);

        wall.advance_ms(-3_600_000);
        let after = steady.now();
        assert!(after >= Timestamp(4_600_000), "went back to {after:?}");
        let skew = steady.skew_ms();
        assert!((3_599_000..=3_600_500).contains(&skew), "skew {skew}");
        // Real time passes; the wall moves with it; the stamps gain on it at half speed.
        std::thread::sleep(std::time::Duration::from_millis(200));
        wall.advance_ms(200);
        let later = steady.now();
        assert!(later > after);
        assert!(steady.skew_ms() < skew, "the skew does not shrink");
    }

    #[test]
    fn holding_after_a_recorded_point_is_bounded() {
        let wall = Arc::new(ManualClock::new(Timestamp(1_000_000)));
        let steady = SteadyClock::new(wall.clone());
        assert!(steady.hold_after(Timestamp(1_500_000), 86_400_000));
        assert!(steady.now() >= Timestamp(1_500_000));
        assert!(!steady.hold_after(Timestamp(1_000_000 + 2 * 86_400_000), 86_400_000));
    }
}
