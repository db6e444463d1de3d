//! Time arguments as the CLI and CSV exports take them (`now-2h`, `2026-11-28 06:00`, RFC 3339,
//! epoch milliseconds), in a zone with DST and one without.

use hearth_historian::time::{format_ts, parse_time};
use hearth_model::Timestamp;

pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = Timestamp(1_795_000_000_000);
    for tz in [chrono_tz::Asia::Shanghai, chrono_tz::Europe::Berlin] {
        if let Ok(t) = parse_time(text, now, tz) {
            // Whatever parses can be shown, in UTC and in the plant's zone.
            let _ = format_ts(t, None);
            let _ = format_ts(t, Some(tz));
        }
    }
}
