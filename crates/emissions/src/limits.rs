//! Permit limits and how an average stands against one, including while its period is still
//! running: the projected average if the rest of the period continues as the last hour went,
//! and the most the rest may average without breaking the limit. An alert goes up when the
//! projection is over the limit, before the period closes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::averaging::{Average, Validity};
use crate::convert::Pollutant;

/// The averaging period a permit limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LimitPeriod {
    Hour,
    Day,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PermitLimit {
    pub pollutant: Pollutant,
    pub period: LimitPeriod,
    /// mg/Nm3, dry, at `reference_o2_percent`.
    pub limit_mg_nm3: f64,
    pub reference_o2_percent: f64,
}

/// An average against its limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Standing {
    pub limit: PermitLimit,
    pub average: Average,
    /// A closed, valid average above the limit.
    pub exceeded: bool,
    /// Open periods: the average the period ends with if the rest goes as the last hour did.
    pub projected: Option<f64>,
    /// Open periods: the most the rest of the period may average and still comply (None when
    /// it cannot: the hours so far already break the limit whatever follows).
    pub headroom: Option<f64>,
    /// Open and projected over the limit: warn now, while something can still be done.
    pub heading_over: bool,
}

/// How a day stands: its hours so far (closed ones with their validity, the running one open)
/// and `hours_in_day` (23, 24 or 25).
pub fn day_standing(
    limit: &PermitLimit,
    day: &Average,
    hours: &[Average],
    hours_in_day: u32,
) -> Standing {
    let closed: Vec<f64> = hours
        .iter()
        .filter(|h| h.validity == Validity::Valid)
        .filter_map(|h| h.value)
        .collect();
    let running = hours.iter().rev().find(|h| h.validity == Validity::Open);
    let recent = running
        .and_then(|h| h.value)
        .or_else(|| closed.last().copied());
    let done = hours
        .iter()
        .filter(|h| h.validity != Validity::Open)
        .count() as u32;
    let left = hours_in_day.saturating_sub(done);
    let sum: f64 = closed.iter().sum();
    let n = closed.len() as f64;
    let (projected, headroom, lost) = if day.validity == Validity::Open && left > 0 {
        let projected = recent.map(|r| (sum + r * f64::from(left)) / (n + f64::from(left)));
        let room = (limit.limit_mg_nm3 * (n + f64::from(left)) - sum) / f64::from(left);
        (projected, (room >= 0.0).then_some(room), room < 0.0)
    } else {
        (None, None, false)
    };
    standing(limit, day, projected, headroom, lost)
}

/// How an hour stands; an open hour projects its running mean.
pub fn hour_standing(limit: &PermitLimit, hour: &Average) -> Standing {
    let projected = (hour.validity == Validity::Open)
        .then_some(hour.value)
        .flatten();
    standing(limit, hour, projected, None, false)
}

/// `lost`: the closed part of the period already breaks the limit whatever follows.
fn standing(
    limit: &PermitLimit,
    average: &Average,
    projected: Option<f64>,
    headroom: Option<f64>,
    lost: bool,
) -> Standing {
    let open = average.validity == Validity::Open;
    Standing {
        limit: limit.clone(),
        average: average.clone(),
        exceeded: !open
            && average.validity == Validity::Valid
            && average.value.is_some_and(|v| v > limit.limit_mg_nm3),
        projected,
        headroom,
        heading_over: open && (lost || projected.is_some_and(|p| p > limit.limit_mg_nm3)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn avg(i: i64, value: Option<f64>, validity: Validity) -> Average {
        Average {
            start_ms: i * H,
            end_ms: (i + 1) * H,
            value,
            validity,
            counted: 700,
            expected: 720,
            excluded: 0,
            invalid: 0,
        }
    }

    fn nox_daily() -> PermitLimit {
        PermitLimit {
            pollutant: Pollutant::Nox,
            period: LimitPeriod::Day,
            limit_mg_nm3: 200.0,
            reference_o2_percent: 3.0,
        }
    }

    #[test]
    fn a_day_running_hot_is_flagged_before_it_closes() {
        // Twelve hours at 190, the running hour at 230: the rest at 230 ends the day at 210.
        let mut hours: Vec<Average> = (0..12)
            .map(|i| avg(i, Some(190.0), Validity::Valid))
            .collect();
        hours.push(avg(12, Some(230.0), Validity::Open));
        let day = avg(0, Some(193.0), Validity::Open);
        let s = day_standing(&nox_daily(), &day, &hours, 24);
        // 12 closed at 190 and 12 left at 230: (2280 + 2760) / 24 = 210.
        assert_eq!(s.projected, Some(210.0));
        // The rest may average (200 * 24 - 2280) / 12 = 210 and still comply.
        assert_eq!(s.headroom, Some(210.0));
        assert!(s.heading_over && !s.exceeded);
    }

    #[test]
    fn a_day_running_below_its_limit_is_not_flagged() {
        let mut hours: Vec<Average> = (0..20)
            .map(|i| avg(i, Some(150.0), Validity::Valid))
            .collect();
        hours.push(avg(20, Some(160.0), Validity::Open));
        let s = day_standing(
            &nox_daily(),
            &avg(0, Some(150.0), Validity::Open),
            &hours,
            24,
        );
        assert!(!s.heading_over);
        assert!(s.headroom.is_some_and(|h| h > 200.0));
    }

    #[test]
    fn a_closed_day_is_exceeded_only_when_valid_and_over() {
        let over = day_standing(&nox_daily(), &avg(0, Some(201.0), Validity::Valid), &[], 24);
        assert!(over.exceeded && !over.heading_over && over.projected.is_none());
        let invalid = day_standing(&nox_daily(), &avg(0, None, Validity::Invalid), &[], 24);
        assert!(!invalid.exceeded);
    }

    #[test]
    fn an_open_hour_over_its_limit_is_heading_over() {
        let limit = PermitLimit {
            period: LimitPeriod::Hour,
            ..nox_daily()
        };
        assert!(hour_standing(&limit, &avg(0, Some(250.0), Validity::Open)).heading_over);
        assert!(!hour_standing(&limit, &avg(0, Some(150.0), Validity::Open)).heading_over);
        assert!(hour_standing(&limit, &avg(0, Some(250.0), Validity::Valid)).exceeded);
    }
}
