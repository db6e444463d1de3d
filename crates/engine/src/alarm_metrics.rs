//! The numbers an alarm rationalisation review asks for, from the journal (EEMUA 191 /
//! ISA-18.2): alarms per 10 minutes, time in flood, chattering and stale alarms, the priority
//! distribution and the ten most frequent alarms.

use std::collections::HashMap;

use hearth_alarms::Priority;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::journal::JournalEntry;

const TEN_MIN: i64 = 600_000;
/// Chattering: raised this many times within a minute (ISA-18.2 TR5's rule of thumb).
const CHATTER_COUNT: usize = 3;
const CHATTER_WINDOW_MS: i64 = 60_000;
/// Stale: active for longer than a day.
const STALE_MS: i64 = 86_400_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AlarmCount {
    pub alarm: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AlarmMetrics {
    pub from_ms: i64,
    pub to_ms: i64,
    /// Raises and re-alarms.
    pub annunciations: u32,
    /// Average per 10 minutes over the period (EEMUA 191 target: about 1).
    pub per_10min_average: f64,
    /// The busiest 10-minute interval.
    pub per_10min_max: u32,
    /// Share of the period in 10-minute intervals with more than the flood threshold, %.
    pub time_in_flood_percent: f64,
    pub flood_threshold: u32,
    /// Alarms raised 3 or more times within a minute.
    pub chattering: Vec<String>,
    /// Alarms active at the end of the period, raised more than a day before it.
    pub stale: Vec<String>,
    /// Annunciations per priority, lowest first.
    pub by_priority: Vec<(Priority, u32)>,
    pub top_ten: Vec<AlarmCount>,
}

pub fn metrics(
    entries: &[JournalEntry],
    from_ms: i64,
    to_ms: i64,
    flood_threshold: u32,
) -> AlarmMetrics {
    let span = (to_ms - from_ms).max(1);
    let buckets = usize::try_from((span + TEN_MIN - 1) / TEN_MIN)
        .unwrap_or(1)
        .max(1);
    let mut per_bucket = vec![0u32; buckets];
    let mut raises: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut by_priority: HashMap<Priority, u32> = HashMap::new();
    // Per alarm: when it was raised last and not cleared since.
    let mut open: HashMap<&str, i64> = HashMap::new();
    let mut annunciations = 0u32;
    for e in entries
        .iter()
        .filter(|e| (from_ms..to_ms).contains(&e.at_ms))
    {
        match e.transition.as_str() {
            "raise" | "realarm" => {
                annunciations += 1;
                let b = usize::try_from((e.at_ms - from_ms) / TEN_MIN).unwrap_or(0);
                if let Some(n) = per_bucket.get_mut(b) {
                    *n += 1;
                }
                raises.entry(&e.alarm).or_default().push(e.at_ms);
                *by_priority.entry(e.priority).or_default() += 1;
                if e.transition == "raise" {
                    open.insert(&e.alarm, e.at_ms);
                }
            }
            "clear" => {
                open.remove(e.alarm.as_str());
            }
            _ => {}
        }
    }
    let flooded = per_bucket.iter().filter(|n| **n > flood_threshold).count();
    let mut chattering: Vec<String> = raises
        .iter()
        .filter(|(_, times)| {
            times.windows(CHATTER_COUNT).any(|w| {
                w.last()
                    .zip(w.first())
                    .is_some_and(|(l, f)| l - f <= CHATTER_WINDOW_MS)
            })
        })
        .map(|(a, _)| (*a).to_owned())
        .collect();
    chattering.sort();
    let mut stale: Vec<String> = open
        .iter()
        .filter(|(_, at)| to_ms - **at > STALE_MS)
        .map(|(a, _)| (*a).to_owned())
        .collect();
    stale.sort();
    let mut top: Vec<AlarmCount> = raises
        .iter()
        .map(|(a, t)| AlarmCount {
            alarm: (*a).to_owned(),
            count: u32::try_from(t.len()).unwrap_or(u32::MAX),
        })
        .collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then(a.alarm.cmp(&b.alarm)));
    top.truncate(10);
    AlarmMetrics {
        from_ms,
        to_ms,
        annunciations,
        per_10min_average: f64::from(annunciations) / (span as f64 / TEN_MIN as f64),
        per_10min_max: per_bucket.iter().copied().max().unwrap_or(0),
        time_in_flood_percent: flooded as f64 * 100.0 / buckets as f64,
        flood_threshold,
        chattering,
        stale,
        by_priority: [
            Priority::Low,
            Priority::Medium,
            Priority::High,
            Priority::Urgent,
        ]
        .into_iter()
        .map(|p| (p, by_priority.get(&p).copied().unwrap_or(0)))
        .collect(),
        top_ten: top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(at_ms: i64, alarm: &str, transition: &str, priority: Priority) -> JournalEntry {
        JournalEntry {
            at_ms,
            alarm: alarm.into(),
            transition: transition.into(),
            from: String::new(),
            to: String::new(),
            priority,
            value: None,
            limit: None,
            message: String::new(),
            user: None,
            comment: None,
        }
    }

    #[test]
    fn a_flood_a_chatterer_a_stale_alarm_and_the_top_ten() {
        let mut j = Vec::new();
        // 12 different alarms in the first ten minutes: a flood (threshold 10).
        for i in 0..12 {
            j.push(e(i * 1000, &format!("a{i}"), "raise", Priority::Low));
        }
        // One alarm raised three times in 40 s, clearing between: chattering.
        for t in [700_000, 720_000, 740_000] {
            j.push(e(t, "chatty", "raise", Priority::High));
            j.push(e(t + 5_000, "chatty", "clear", Priority::High));
        }
        // Raised at the start and never cleared over two days: stale.
        j.push(e(1_000, "stuck", "raise", Priority::Medium));
        let to = 2 * 86_400_000;
        let m = metrics(&j, 0, to, 10);
        assert_eq!(m.annunciations, 16);
        assert_eq!(m.per_10min_max, 13);
        assert_eq!(m.chattering, vec!["chatty".to_owned()]);
        assert!(m.stale.contains(&"stuck".to_owned()));
        assert!(!m.stale.contains(&"chatty".to_owned()), "it cleared");
        let one_bucket = 100.0 / (to as f64 / TEN_MIN as f64);
        assert!((m.time_in_flood_percent - one_bucket).abs() < 1e-9);
        assert_eq!(
            m.top_ten[0],
            AlarmCount {
                alarm: "chatty".into(),
                count: 3
            }
        );
        assert_eq!(m.top_ten.len(), 10);
        assert_eq!(m.by_priority[0], (Priority::Low, 12));
        assert_eq!(m.by_priority[2], (Priority::High, 3));
    }

    #[test]
    fn entries_outside_the_period_do_not_count() {
        let j = vec![
            e(-1, "x", "raise", Priority::Low),
            e(600_000, "y", "raise", Priority::Low),
        ];
        let m = metrics(&j, 0, 600_000, 10);
        assert_eq!(m.annunciations, 0);
        assert_eq!(m.per_10min_average, 0.0);
    }
}
