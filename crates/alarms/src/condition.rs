//! Whether a value is in alarm against a limit, with the deadband that keeps a signal hovering
//! at the limit from chattering: an alarm raised at a HI limit clears only once the value is a
//! deadband below it (and the other way round for LO).

/// Which side of the limit is abnormal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// Abnormal at or above the limit (HI, HIHI, deviation above a setpoint).
    High,
    /// Abnormal at or below the limit (LO, LOLO, deviation below a setpoint).
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub kind: LimitKind,
    pub value: f64,
    /// In the tag's unit, >= 0.
    pub deadband: f64,
}

impl Limit {
    /// Is `value` abnormal, given whether the alarm's condition is active now? A NaN is not a
    /// measurement: it changes nothing (bad quality has its own alarm).
    pub fn abnormal(&self, value: f64, active: bool) -> bool {
        if value.is_nan() {
            return active;
        }
        let db = if active { self.deadband.max(0.0) } else { 0.0 };
        match self.kind {
            LimitKind::High => value >= self.value - db,
            LimitKind::Low => value <= self.value + db,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_high_limit_raises_at_the_limit_and_clears_a_deadband_below() {
        let hi = Limit {
            kind: LimitKind::High,
            value: 100.0,
            deadband: 2.0,
        };
        assert!(!hi.abnormal(99.9, false));
        assert!(hi.abnormal(100.0, false));
        assert!(hi.abnormal(98.5, true), "inside the deadband: still active");
        assert!(!hi.abnormal(97.9, true));
    }

    #[test]
    fn a_low_limit_mirrors_it() {
        let lo = Limit {
            kind: LimitKind::Low,
            value: 1.0,
            deadband: 0.2,
        };
        assert!(lo.abnormal(1.0, false));
        assert!(!lo.abnormal(1.1, false));
        assert!(lo.abnormal(1.15, true));
        assert!(!lo.abnormal(1.25, true));
    }

    #[test]
    fn nan_keeps_the_condition_as_it_was() {
        let hi = Limit {
            kind: LimitKind::High,
            value: 1.0,
            deadband: 0.0,
        };
        assert!(hi.abnormal(f64::NAN, true));
        assert!(!hi.abnormal(f64::NAN, false));
    }
}
