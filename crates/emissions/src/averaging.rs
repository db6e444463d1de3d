//! Averages the way an emissions permit counts them. An hour is valid when at least
//! `min_valid_fraction` (75 % by default) of the samples it should have are good, not counting
//! those taken while the plant was flagged (start-up, shutdown, analyser calibration); an hour
//! flagged for more than half its length is excluded, neither valid nor invalid. A day averages
//! its valid hours and is valid with at least `min_valid_hours_per_day` of them. Nothing missing
//! is ever filled in: missing and invalid periods are counted and reported.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValidityRules {
    pub min_valid_fraction: f64,
    pub min_valid_hours_per_day: u32,
}

impl Default for ValidityRules {
    fn default() -> Self {
        ValidityRules {
            min_valid_fraction: 0.75,
            min_valid_hours_per_day: 18,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Valid,
    /// Too few good samples (or valid hours).
    Invalid,
    /// Flagged start-up, shutdown or calibration for most of it.
    Excluded,
    /// Not over yet.
    Open,
}

/// What went into one hour.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HourStats {
    pub start_ms: i64,
    pub end_ms: i64,
    /// Samples the hour should have at the analyser's polling interval.
    pub expected: u32,
    /// Good samples outside flagged time.
    pub good: u32,
    /// Sum of their values.
    pub sum: f64,
    /// Samples taken while flagged.
    pub excluded: u32,
}

impl HourStats {
    /// From raw samples `(ts_ms, value if good)`; `flagged(ts)` says whether the plant was
    /// flagged then. Samples outside `[start_ms, end_ms)` are ignored.
    pub fn from_samples(
        start_ms: i64,
        end_ms: i64,
        interval_ms: i64,
        samples: impl IntoIterator<Item = (i64, Option<f64>)>,
        flagged: impl Fn(i64) -> bool,
    ) -> HourStats {
        let mut h = HourStats {
            start_ms,
            end_ms,
            expected: expected_samples(start_ms, end_ms, interval_ms),
            ..HourStats::default()
        };
        for (ts, v) in samples {
            if !(start_ms..end_ms).contains(&ts) {
                continue;
            }
            if flagged(ts) {
                h.excluded += 1;
            } else if let Some(v) = v.filter(|v| v.is_finite()) {
                h.good += 1;
                h.sum += v;
            }
        }
        h
    }
}

/// Samples a period should hold at one per `interval_ms`.
pub fn expected_samples(start_ms: i64, end_ms: i64, interval_ms: i64) -> u32 {
    if interval_ms <= 0 || end_ms <= start_ms {
        return 0;
    }
    u32::try_from((end_ms - start_ms) / interval_ms).unwrap_or(u32::MAX)
}

/// An average with how it was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Average {
    pub start_ms: i64,
    pub end_ms: i64,
    /// Only when valid (an hour or day still open carries its running value).
    pub value: Option<f64>,
    pub validity: Validity,
    /// Hours: good samples and expected samples. Days: valid hours and hours in the day.
    pub counted: u32,
    pub expected: u32,
    /// Hours: flagged samples. Days: excluded hours.
    pub excluded: u32,
    /// Days: invalid hours (too few samples, or none at all).
    pub invalid: u32,
}

/// The average of one hour, given whether it is over (`now_ms` at or past its end).
pub fn hour_average(h: &HourStats, rules: &ValidityRules, now_ms: i64) -> Average {
    let mean = (h.good > 0).then(|| h.sum / f64::from(h.good));
    let open = now_ms < h.end_ms;
    let flagged_most = f64::from(h.excluded) > 0.5 * f64::from(h.expected);
    let wanted = f64::from(h.expected.saturating_sub(h.excluded)) * rules.min_valid_fraction;
    let validity = if open {
        Validity::Open
    } else if flagged_most {
        Validity::Excluded
    } else if h.good > 0 && f64::from(h.good) >= wanted {
        Validity::Valid
    } else {
        Validity::Invalid
    };
    Average {
        start_ms: h.start_ms,
        end_ms: h.end_ms,
        value: match validity {
            Validity::Valid | Validity::Open => mean,
            _ => None,
        },
        validity,
        counted: h.good,
        expected: h.expected,
        excluded: h.excluded,
        invalid: 0,
    }
}

/// A day (or any longer period) from its hours: the mean of the valid hours. Valid with at least
/// the rule's number of valid hours; open while any hour is.
pub fn day_average(
    start_ms: i64,
    end_ms: i64,
    hours: &[Average],
    rules: &ValidityRules,
) -> Average {
    let valid: Vec<f64> = hours
        .iter()
        .filter(|h| h.validity == Validity::Valid)
        .filter_map(|h| h.value)
        .collect();
    let count = |v| hours.iter().filter(|h| h.validity == v).count() as u32;
    let expected = ((end_ms - start_ms) / 3_600_000).max(0) as u32;
    let excluded = count(Validity::Excluded);
    // Hours with no record at all are invalid too.
    let invalid = expected
        .saturating_sub(hours.len() as u32)
        .saturating_add(count(Validity::Invalid));
    let mean = (!valid.is_empty()).then(|| valid.iter().sum::<f64>() / valid.len() as f64);
    let open = hours.iter().any(|h| h.validity == Validity::Open);
    let validity = if open {
        Validity::Open
    } else if valid.len() as u32 >= rules.min_valid_hours_per_day {
        Validity::Valid
    } else if excluded > 0 && valid.len() as u32 + excluded >= rules.min_valid_hours_per_day {
        // A start-up day: what ran is excluded, not failed.
        Validity::Excluded
    } else {
        Validity::Invalid
    };
    Average {
        start_ms,
        end_ms,
        value: match validity {
            Validity::Valid | Validity::Open => mean,
            _ => None,
        },
        validity,
        counted: valid.len() as u32,
        expected,
        excluded,
        invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn hour(start: i64, good: u32, mean: f64, excluded: u32) -> HourStats {
        HourStats {
            start_ms: start,
            end_ms: start + H,
            expected: 720,
            good,
            sum: mean * f64::from(good),
            excluded,
        }
    }

    #[test]
    fn an_hour_needs_three_quarters_of_its_samples() {
        let r = ValidityRules::default();
        let ok = hour_average(&hour(0, 540, 180.0, 0), &r, H);
        assert_eq!((ok.validity, ok.value), (Validity::Valid, Some(180.0)));
        let short = hour_average(&hour(0, 539, 180.0, 0), &r, H);
        assert_eq!((short.validity, short.value), (Validity::Invalid, None));
        // Flagged samples do not count against it: 200 flagged leave 520 expected, 390 needed.
        let cal = hour_average(&hour(0, 390, 150.0, 200), &r, H);
        assert_eq!(cal.validity, Validity::Valid);
        // Flagged for most of the hour: excluded, not invalid.
        let start = hour_average(&hour(0, 100, 150.0, 400), &r, H);
        assert_eq!((start.validity, start.value), (Validity::Excluded, None));
        // Not over: open, with its running mean.
        let open = hour_average(&hour(0, 10, 120.0, 0), &r, H / 2);
        assert_eq!((open.validity, open.value), (Validity::Open, Some(120.0)));
        // Nothing at all.
        assert_eq!(
            hour_average(&hour(0, 0, 0.0, 0), &r, H).validity,
            Validity::Invalid
        );
    }

    #[test]
    fn hour_stats_from_samples_leave_out_flagged_and_bad_ones() {
        // 5 s samples over an hour; 10 minutes flagged, 60 samples bad.
        let samples = (0..720).map(|i| {
            let ts = i * 5_000;
            (
                ts,
                if (100..160).contains(&i) {
                    None
                } else {
                    Some(200.0)
                },
            )
        });
        let flagged = |ts: i64| (1_200_000..1_800_000).contains(&ts);
        let h = HourStats::from_samples(0, H, 5_000, samples, flagged);
        assert_eq!(h.expected, 720);
        assert_eq!(h.excluded, 120);
        // Bad ones at 100..160 are 500 s to 800 s: not flagged, not good.
        assert_eq!(h.good, 720 - 120 - 60);
        assert_eq!(h.sum, 200.0 * f64::from(h.good));
    }

    #[test]
    fn a_day_averages_its_valid_hours_and_counts_the_rest() {
        let r = ValidityRules::default();
        let mut hours: Vec<Average> = (0..24)
            .map(|i| hour_average(&hour(i * H, 700, 100.0 + i as f64, 0), &r, 100 * H))
            .collect();
        // Two hours invalid, one excluded, one missing altogether.
        hours[3] = hour_average(&hour(3 * H, 10, 999.0, 0), &r, 100 * H);
        hours[4] = hour_average(&hour(4 * H, 10, 999.0, 0), &r, 100 * H);
        hours[5] = hour_average(&hour(5 * H, 10, 999.0, 700), &r, 100 * H);
        hours.remove(6);
        let d = day_average(0, 24 * H, &hours, &r);
        let valid: Vec<f64> = (0..24)
            .filter(|i| ![3, 4, 5, 6].contains(i))
            .map(|i| 100.0 + f64::from(i))
            .collect();
        let mean = valid.iter().sum::<f64>() / valid.len() as f64;
        assert_eq!(d.validity, Validity::Valid);
        assert!((d.value.unwrap_or(0.0) - mean).abs() < 1e-9);
        assert_eq!(
            (d.counted, d.expected, d.excluded, d.invalid),
            (20, 24, 1, 3)
        );
    }

    #[test]
    fn a_day_with_too_few_valid_hours_is_invalid_and_shows_no_value() {
        let r = ValidityRules::default();
        let hours: Vec<Average> = (0..17)
            .map(|i| hour_average(&hour(i * H, 700, 100.0, 0), &r, 100 * H))
            .collect();
        let d = day_average(0, 24 * H, &hours, &r);
        assert_eq!(
            (d.validity, d.value, d.invalid),
            (Validity::Invalid, None, 7)
        );
    }

    #[test]
    fn a_23_hour_day_expects_23_hours() {
        let r = ValidityRules::default();
        let hours: Vec<Average> = (0..23)
            .map(|i| hour_average(&hour(i * H, 700, 100.0, 0), &r, 100 * H))
            .collect();
        let d = day_average(0, 23 * H, &hours, &r);
        assert_eq!(
            (d.expected, d.invalid, d.validity),
            (23, 0, Validity::Valid)
        );
    }
}
