//! Time arguments and time stamps as engineers type and read them: RFC 3339, a plant-local date
//! and time, `now`, or relative to now (`-2h`, `-30m`, `-7d`, `now-1w`).

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use hearth_model::Timestamp;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{input}` is not a time: {reason}. Use RFC 3339 (2026-11-28T08:00:00Z), a plant-local \"2026-11-28 08:00\", `now`, or a relative time like -2h, -30m, -7d"
)]
pub struct TimeError {
    pub input: String,
    pub reason: String,
}

fn err(input: &str, reason: impl Into<String>) -> TimeError {
    TimeError {
        input: input.to_owned(),
        reason: reason.into(),
    }
}

/// Parse a time argument; local forms are read in the plant's time zone `tz`.
pub fn parse_time(input: &str, now: Timestamp, tz: Tz) -> Result<Timestamp, TimeError> {
    let s = input.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let rel = s.strip_prefix("now").unwrap_or(s);
    if let Some(rest) = rel.strip_prefix('-').or_else(|| rel.strip_prefix('+')) {
        let sign = if rel.starts_with('-') { -1 } else { 1 };
        let split = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(|| err(input, "a relative time needs a unit (s, m, h, d, w)"))?;
        let (num, unit) = rest.split_at(split);
        let n: f64 = num
            .parse()
            .map_err(|_| err(input, format!("`{num}` is not a number")))?;
        let unit_ms = match unit {
            "s" => 1_000.0,
            "m" | "min" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            "w" => 7.0 * 86_400_000.0,
            other => return Err(err(input, format!("unknown unit `{other}`"))),
        };
        let delta = (n * unit_ms).round();
        if !delta.is_finite() || delta.abs() > 1e15 {
            return Err(err(input, "too far away"));
        }
        return Ok(Timestamp(now.0 + sign * delta as i64));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Timestamp(t.timestamp_millis()));
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
    .ok_or_else(|| err(input, "unrecognised format"))?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
            Ok(Timestamp(t.timestamp_millis()))
        }
        LocalResult::None => Err(err(
            input,
            format!("that local time does not exist in {tz}"),
        )),
    }
}

/// RFC 3339 with milliseconds: UTC (`Z`), or in `tz` with its offset.
pub fn format_ts(ts: Timestamp, tz: Option<Tz>) -> String {
    let Some(utc) = Utc.timestamp_millis_opt(ts.0).single() else {
        return ts.0.to_string();
    };
    match tz {
        None => utc.to_rfc3339_opts(SecondsFormat::Millis, true),
        Some(tz) => utc
            .with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Millis, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    #[test]
    fn relative_and_absolute_forms() -> Result<(), TimeError> {
        let tz = chrono_tz::Asia::Shanghai;
        assert_eq!(parse_time("now", NOW, tz)?, NOW);
        assert_eq!(parse_time("-2h", NOW, tz)?, Timestamp(NOW.0 - 7_200_000));
        assert_eq!(
            parse_time("now-30m", NOW, tz)?,
            Timestamp(NOW.0 - 1_800_000)
        );
        assert_eq!(
            parse_time("-1.5d", NOW, tz)?,
            Timestamp(NOW.0 - 129_600_000)
        );
        assert_eq!(
            parse_time("2026-11-28T00:00:00Z", NOW, tz)?,
            Timestamp(1_795_824_000_000)
        );
        // Plant-local: midnight in Shanghai is 16:00 UTC the day before.
        assert_eq!(
            parse_time("2026-11-28", NOW, tz)?,
            Timestamp(1_795_824_000_000 - 8 * 3_600_000)
        );
        assert_eq!(
            parse_time("2026-11-28 08:00", NOW, tz)?,
            Timestamp(1_795_824_000_000)
        );
        for bad in ["yesterday", "-2", "-2y", "2026-13-01"] {
            assert!(parse_time(bad, NOW, tz).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn formats_read_back() -> Result<(), TimeError> {
        let tz = chrono_tz::Asia::Shanghai;
        let t = Timestamp(1_795_824_000_123);
        assert_eq!(format_ts(t, None), "2026-11-28T00:00:00.123Z");
        assert_eq!(format_ts(t, Some(tz)), "2026-11-28T08:00:00.123+08:00");
        assert_eq!(parse_time(&format_ts(t, Some(tz)), NOW, tz)?, t);
        Ok(())
    }
}
