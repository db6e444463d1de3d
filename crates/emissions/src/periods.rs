//! The periods a plant reports by, in its own time zone: hours, shifts, days and months. A day
//! runs from local midnight to local midnight, so the spring DST day has 23 hours and the autumn
//! one 25 (its repeated hour appears twice, told apart by the UTC offset). A local time the clock
//! skips (a shift change inside the spring gap) starts at the moment the clock jumps.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Hour,
    Shift,
    Day,
    Month,
}

/// `[start_ms, end_ms)` with its name in plant time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    pub kind: PeriodKind,
    pub start_ms: i64,
    pub end_ms: i64,
    /// `2026-11-28 08:00` (hour), `2026-11-28 B` (shift), `2026-11-28` (day), `2026-11` (month).
    pub label: String,
    /// The UTC offset at the start, `+08:00`: tells apart the two 01:00 hours of an autumn DST day.
    pub utc_offset: String,
}

impl Period {
    pub fn hours(&self) -> f64 {
        (self.end_ms - self.start_ms) as f64 / 3_600_000.0
    }

    pub fn contains(&self, ms: i64) -> bool {
        (self.start_ms..self.end_ms).contains(&ms)
    }
}

/// A shift pattern: each shift starts at its local time and runs until the next one starts. A
/// shift belongs to the date on which it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftPattern {
    /// (name, local start), sorted by start.
    shifts: Vec<(String, NaiveTime)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PeriodError {
    #[error("a shift pattern needs at least one shift")]
    NoShifts,
    #[error("shift `{0}`: two shifts start at {1}")]
    SameStart(String, NaiveTime),
    #[error("`{0}` is not a month (YYYY-MM)")]
    BadMonth(String),
    #[error("`{0}` is not a date (YYYY-MM-DD)")]
    BadDate(String),
}

impl ShiftPattern {
    pub fn new(mut shifts: Vec<(String, NaiveTime)>) -> Result<ShiftPattern, PeriodError> {
        if shifts.is_empty() {
            return Err(PeriodError::NoShifts);
        }
        shifts.sort_by_key(|(_, t)| *t);
        if let Some(w) = shifts.windows(2).find(|w| w[0].1 == w[1].1) {
            return Err(PeriodError::SameStart(w[1].0.clone(), w[1].1));
        }
        Ok(ShiftPattern { shifts })
    }

    /// Three eight-hour shifts from 00:00, 08:00 and 16:00, named A, B, C.
    pub fn three_eights() -> ShiftPattern {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
        ShiftPattern {
            shifts: vec![
                ("A".into(), at(0)),
                ("B".into(), at(8)),
                ("C".into(), at(16)),
            ],
        }
    }

    pub fn shifts(&self) -> &[(String, NaiveTime)] {
        &self.shifts
    }
}

/// The instant a local date and time names: the earlier one when it happens twice, the moment
/// the clock jumps when it is skipped.
pub fn resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    // DST gaps are at most two hours (most one); step through in quarter hours.
    for _ in 0..12 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            if t == local {
                return dt.with_timezone(&Utc);
            }
            // Skipped: back off to the first instant after the gap.
            let jumped = dt.with_timezone(&Utc) - Duration::minutes(15);
            let mut u = jumped;
            while tz.from_utc_datetime(&u.naive_utc()).naive_local() < local {
                u += Duration::minutes(1);
            }
            return u;
        }
        t += Duration::minutes(15);
    }
    Utc.from_utc_datetime(&local)
}

fn offset_of(tz: Tz, at: DateTime<Utc>) -> String {
    let secs = tz
        .offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.abs() / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

fn local(tz: Tz, ms: i64) -> NaiveDateTime {
    DateTime::from_timestamp_millis(ms)
        .map(|u| u.with_timezone(&tz).naive_local())
        .unwrap_or_default()
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The plant day `date`.
pub fn day(tz: Tz, date: NaiveDate) -> Period {
    let start = resolve(tz, date.and_time(NaiveTime::MIN));
    let end = resolve(tz, (date + Duration::days(1)).and_time(NaiveTime::MIN));
    Period {
        kind: PeriodKind::Day,
        start_ms: ms(start),
        end_ms: ms(end),
        label: date.format("%Y-%m-%d").to_string(),
        utc_offset: offset_of(tz, start),
    }
}

/// The plant day an instant falls in.
pub fn day_of(tz: Tz, at_ms: i64) -> Period {
    day(tz, local(tz, at_ms).date())
}

/// The plant month `year-month`.
pub fn month(tz: Tz, year: i32, month: u32) -> Result<Period, PeriodError> {
    let bad = || PeriodError::BadMonth(format!("{year}-{month:02}"));
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .ok_or_else(bad)?;
    let start = resolve(tz, first.and_time(NaiveTime::MIN));
    Ok(Period {
        kind: PeriodKind::Month,
        start_ms: ms(start),
        end_ms: ms(resolve(tz, next.and_time(NaiveTime::MIN))),
        label: format!("{year}-{month:02}"),
        utc_offset: offset_of(tz, start),
    })
}

/// `2026-11` as a plant month.
pub fn parse_month(tz: Tz, s: &str) -> Result<Period, PeriodError> {
    let bad = || PeriodError::BadMonth(s.to_owned());
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    month(tz, y, m).map_err(|_| bad())
}

/// `2026-11-28` as a plant day.
pub fn parse_day(tz: Tz, s: &str) -> Result<Period, PeriodError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| day(tz, d))
        .map_err(|_| PeriodError::BadDate(s.to_owned()))
}

/// The plant month an instant falls in.
pub fn month_of(tz: Tz, at_ms: i64) -> Period {
    let d = local(tz, at_ms).date();
    month(tz, d.year(), d.month()).unwrap_or_else(|_| day(tz, d))
}

/// Every local clock hour that starts in `[from_ms, to_ms)`, in order. On an autumn DST day the
/// repeated hour comes twice; in spring the skipped one not at all.
pub fn hours(tz: Tz, from_ms: i64, to_ms: i64) -> Vec<Period> {
    let mut out = Vec::new();
    let Some(mut t) = DateTime::from_timestamp_millis(from_ms) else {
        return out;
    };
    // Back to the start of the local hour `from` is in.
    let l = t.with_timezone(&tz);
    t -= Duration::minutes(i64::from(l.minute())) + Duration::seconds(i64::from(l.second()));
    t -= Duration::nanoseconds(i64::from(l.nanosecond()));
    while ms(t) < to_ms {
        let end = t + Duration::hours(1);
        if ms(t) >= from_ms {
            out.push(Period {
                kind: PeriodKind::Hour,
                start_ms: ms(t),
                end_ms: ms(end),
                label: t.with_timezone(&tz).format("%Y-%m-%d %H:00").to_string(),
                utc_offset: offset_of(tz, t),
            });
        }
        t = end;
    }
    out
}

/// Every plant day that starts in `[from_ms, to_ms)`.
pub fn days(tz: Tz, from_ms: i64, to_ms: i64) -> Vec<Period> {
    let mut out = Vec::new();
    let mut d = local(tz, from_ms).date();
    loop {
        let p = day(tz, d);
        if p.start_ms >= to_ms {
            return out;
        }
        if p.start_ms >= from_ms {
            out.push(p);
        }
        d += Duration::days(1);
    }
}

/// Every shift that starts in `[from_ms, to_ms)`.
pub fn shifts(tz: Tz, pattern: &ShiftPattern, from_ms: i64, to_ms: i64) -> Vec<Period> {
    let mut out = Vec::new();
    // The last shift of the day before may still run at `from`.
    let mut d = local(tz, from_ms).date() - Duration::days(1);
    let n = pattern.shifts.len();
    loop {
        for (i, (name, start)) in pattern.shifts.iter().enumerate() {
            let begin = resolve(tz, d.and_time(*start));
            let end = match pattern.shifts.get(i + 1) {
                Some((_, next)) => resolve(tz, d.and_time(*next)),
                None => resolve(tz, (d + Duration::days(1)).and_time(pattern.shifts[0].1)),
            };
            if ms(begin) >= to_ms {
                return out;
            }
            if ms(begin) >= from_ms && end > begin {
                out.push(Period {
                    kind: PeriodKind::Shift,
                    start_ms: ms(begin),
                    end_ms: ms(end),
                    label: format!("{} {name}", d.format("%Y-%m-%d")),
                    utc_offset: offset_of(tz, begin),
                });
            }
        }
        d += Duration::days(1);
        if n == 0 {
            return out;
        }
    }
}

/// The periods of a kind starting in `[from_ms, to_ms)`.
pub fn periods(
    kind: PeriodKind,
    tz: Tz,
    pattern: &ShiftPattern,
    from_ms: i64,
    to_ms: i64,
) -> Vec<Period> {
    match kind {
        PeriodKind::Hour => hours(tz, from_ms, to_ms),
        PeriodKind::Shift => shifts(tz, pattern, from_ms, to_ms),
        PeriodKind::Day => days(tz, from_ms, to_ms),
        PeriodKind::Month => {
            let mut out = Vec::new();
            let mut p = month_of(tz, from_ms);
            if p.start_ms < from_ms {
                p = month_of(tz, p.end_ms);
            }
            while p.start_ms < to_ms && p.kind == PeriodKind::Month {
                let next = p.end_ms;
                out.push(p);
                p = month_of(tz, next);
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.timestamp_millis())
            .unwrap_or(0)
    }

    #[test]
    fn a_day_in_shanghai_starts_at_16_utc_the_day_before() {
        let d =
            parse_day(chrono_tz::Asia::Shanghai, "2026-11-28").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.start_ms, utc("2026-11-27T16:00:00Z"));
        assert_eq!(d.hours(), 24.0);
        assert_eq!(d.utc_offset, "+08:00");
    }

    #[test]
    fn dst_days_have_23_and_25_hours() {
        let tz = chrono_tz::Europe::Berlin;
        let spring = parse_day(tz, "2026-03-29").unwrap_or_else(|e| panic!("{e}"));
        let autumn = parse_day(tz, "2026-10-25").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spring.hours(), 23.0);
        assert_eq!(autumn.hours(), 25.0);
        let h = hours(tz, autumn.start_ms, autumn.end_ms);
        assert_eq!(h.len(), 25);
        // The repeated hour, told apart by its offset.
        let twos: Vec<&Period> = h.iter().filter(|p| p.label == "2026-10-25 02:00").collect();
        assert_eq!(twos.len(), 2);
        assert_eq!(twos[0].utc_offset, "+02:00");
        assert_eq!(twos[1].utc_offset, "+01:00");
        let h = hours(tz, spring.start_ms, spring.end_ms);
        assert_eq!(h.len(), 23);
        assert!(!h.iter().any(|p| p.label == "2026-03-29 02:00"));
        // Hours tile the day exactly.
        assert!(h.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
        assert_eq!(h.last().map(|p| p.end_ms), Some(spring.end_ms));
    }

    #[test]
    fn hours_follow_the_local_clock_in_a_half_hour_zone() {
        let tz = chrono_tz::Asia::Kolkata;
        let d = parse_day(tz, "2026-11-28").unwrap_or_else(|e| panic!("{e}"));
        let h = hours(tz, d.start_ms, d.end_ms);
        assert_eq!(h.len(), 24);
        assert_eq!(h[0].label, "2026-11-28 00:00");
        assert_eq!(h[0].start_ms, utc("2026-11-27T18:30:00Z"));
    }

    #[test]
    fn shifts_tile_the_days_and_a_night_shift_belongs_to_the_day_it_starts() {
        let tz = chrono_tz::Asia::Shanghai;
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_else(|| panic!("a time"));
        let p = ShiftPattern::new(vec![("day".into(), at(8)), ("night".into(), at(20))])
            .unwrap_or_else(|e| panic!("{e}"));
        let d = parse_day(tz, "2026-11-28").unwrap_or_else(|e| panic!("{e}"));
        let s = shifts(tz, &p, d.start_ms, d.end_ms);
        let labels: Vec<&str> = s.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026-11-28 day", "2026-11-28 night"]);
        assert_eq!(
            s[1].end_ms,
            utc("2026-11-29T00:00:00Z"),
            "night runs to 08:00 local"
        );
        assert!(s.iter().all(|p| p.hours() == 12.0));
    }

    #[test]
    fn a_shift_over_the_spring_gap_is_an_hour_short_and_one_over_the_autumn_repeat_an_hour_long() {
        let tz = chrono_tz::Europe::Berlin;
        let p = ShiftPattern::three_eights();
        let spring = parse_day(tz, "2026-03-29").unwrap_or_else(|e| panic!("{e}"));
        let s = shifts(tz, &p, spring.start_ms, spring.end_ms);
        let h: Vec<f64> = s.iter().map(Period::hours).collect();
        assert_eq!(h, [7.0, 8.0, 8.0]);
        let autumn = parse_day(tz, "2026-10-25").unwrap_or_else(|e| panic!("{e}"));
        let h: Vec<f64> = shifts(tz, &p, autumn.start_ms, autumn.end_ms)
            .iter()
            .map(Period::hours)
            .collect();
        assert_eq!(h, [9.0, 8.0, 8.0]);
    }

    #[test]
    fn a_shift_starting_inside_the_gap_starts_when_the_clock_jumps() {
        let tz = chrono_tz::Europe::Berlin;
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_else(|| panic!("a time"));
        let p = ShiftPattern::new(vec![
            ("early".into(), at(2, 30)),
            ("late".into(), at(14, 30)),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let spring = parse_day(tz, "2026-03-29").unwrap_or_else(|e| panic!("{e}"));
        let s = shifts(tz, &p, spring.start_ms, spring.end_ms);
        assert_eq!(s[0].label, "2026-03-29 early");
        // 03:00 CEST = 01:00 UTC.
        assert_eq!(s[0].start_ms, utc("2026-03-29T01:00:00Z"));
    }

    #[test]
    fn months_follow_the_plant_calendar() {
        let tz = chrono_tz::Europe::Berlin;
        let m = parse_month(tz, "2026-10").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.start_ms, utc("2026-09-30T22:00:00Z"));
        assert_eq!(m.end_ms, utc("2026-10-31T23:00:00Z"));
        assert_eq!(m.hours(), 31.0 * 24.0 + 1.0);
        assert!(parse_month(tz, "2026-13").is_err());
        assert!(parse_month(tz, "November").is_err());
        let all = periods(
            PeriodKind::Month,
            tz,
            &ShiftPattern::three_eights(),
            m.start_ms,
            m.end_ms + 1,
        );
        assert_eq!(
            all.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(),
            ["2026-10", "2026-11"]
        );
    }

    #[test]
    fn days_cover_a_month_without_gaps() {
        let tz = chrono_tz::Europe::Berlin;
        let m = parse_month(tz, "2026-03").unwrap_or_else(|e| panic!("{e}"));
        let d = days(tz, m.start_ms, m.end_ms);
        assert_eq!(d.len(), 31);
        assert!(d.windows(2).all(|w| w[0].end_ms == w[1].start_ms));
        assert_eq!((d[0].start_ms, d[30].end_ms), (m.start_ms, m.end_ms));
    }
}
