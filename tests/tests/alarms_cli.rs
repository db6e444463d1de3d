//! `hearth alarms`, `hearth alarms journal` and `hearth alarms metrics` on a data dir no engine
//! runs on: the journal is read from sled on disk, written beforehand through the journal's API.

use anyhow::Result;
use hearth_e2e::{default_config, hearth};
use hearth_engine::journal::{Journal, JournalEntry};
use hearth_model::config::Priority;

fn entry(at: &str, alarm: &str, transition: &str, user: Option<&str>) -> Result<JournalEntry> {
    Ok(JournalEntry {
        at_ms: chrono::DateTime::parse_from_rfc3339(at)?.timestamp_millis(),
        alarm: alarm.into(),
        transition: transition.into(),
        from: "normal".into(),
        to: match transition {
            "ack" => "active_acked",
            "clear" => "normal",
            _ => "active_unacked",
        }
        .into(),
        priority: Priority::High,
        value: Some(0.0),
        limit: None,
        message: "Combustion air fan tripped, every burner is out".into(),
        user: user.map(str::to_owned),
        comment: user.map(|_| "checked, \"fan\" restarted".to_owned()),
    })
}

#[test]
fn the_journal_and_its_metrics_are_read_from_a_data_dir() -> Result<()> {
    let data = tempfile::tempdir()?;
    {
        let j = Journal::open(&data.path().join("alarms"))?;
        j.append(&[
            entry("2026-11-20T00:00:00Z", "fan_running.digital", "raise", None)?,
            entry("2026-11-20T00:00:20Z", "fan_running.digital", "clear", None)?,
            entry("2026-11-20T00:00:30Z", "fan_running.digital", "raise", None)?,
            entry(
                "2026-11-20T00:00:40Z",
                "fan_running.digital",
                "ack",
                Some("wang"),
            )?,
            entry("2026-11-20T00:00:50Z", "fan_running.digital", "raise", None)?,
            entry("2026-11-25T00:00:00Z", "o2.lo", "raise", None)?,
        ])?;
    }
    let cfg = default_config();
    let cfg = cfg.to_str().unwrap_or_default();
    let dd = data.path().to_str().unwrap_or_default();
    let common = ["--config", cfg, "--data-dir", dd];

    let (code, out, err) = hearth(
        &[
            &[
                "alarms",
                "journal",
                "--from",
                "2026-11-19T00:00:00Z",
                "--to",
                "2026-11-21T00:00:00Z",
                "--csv",
            ][..],
            &common[..],
        ]
        .concat(),
    )?;
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        6,
        "a header and the five entries of the window:\n{out}"
    );
    assert_eq!(
        lines[0],
        "time,alarm,transition,from,to,priority,value,limit,message,user,comment"
    );
    assert!(lines[1].starts_with("2026-11-20T00:00:00"), "{}", lines[1]);
    assert!(
        lines[4].contains(",ack,") && lines[4].contains(",wang,"),
        "{}",
        lines[4]
    );
    // Commas and quotes in a comment are quoted, not split.
    assert!(
        lines[4].ends_with("\"checked, \"\"fan\"\" restarted\""),
        "{}",
        lines[4]
    );

    // Queried by alarm (ignoring case), state and priority.
    let query = |extra: &[&str]| -> Result<(i32, String, String)> {
        hearth(
            &[
                &[
                    "alarms",
                    "journal",
                    "--from",
                    "2026-11-19T00:00:00Z",
                    "--to",
                    "2026-11-26T00:00:00Z",
                    "--csv",
                ][..],
                extra,
                &common[..],
            ]
            .concat(),
        )
    };
    let (code, out, err) = query(&["--alarm", "FAN_RUNNING", "--state", "active_unacked"])?;
    assert_eq!(code, 0, "{err}");
    let kinds: Vec<&str> = out
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(2))
        .collect();
    assert_eq!(kinds, ["raise", "raise", "raise"], "{out}");
    let (code, out, _) = query(&["--alarm", "o2"])?;
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2, "{out}");
    let (code, out, _) = query(&["--priority", "urgent"])?;
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "only the header: {out}");
    let (code, out, _) = query(&["--state", "active_acked", "--limit", "1"])?;
    assert_eq!(code, 0);
    assert!(
        out.lines().nth(1).is_some_and(|l| l.contains(",wang,")),
        "{out}"
    );
    let (code, _, err) = query(&["--state", "acked"])?;
    assert_ne!(code, 0);
    assert!(err.contains("active_acked"), "names the states: {err}");
    let (code, _, err) = query(&["--priority", "critical"])?;
    assert_ne!(code, 0);
    assert!(err.contains("urgent"), "names the priorities: {err}");

    let (code, out, err) = hearth(
        &[
            &[
                "alarms",
                "metrics",
                "--from",
                "2026-11-19T00:00:00Z",
                "--to",
                "2026-11-26T00:00:00Z",
            ][..],
            &common[..],
        ]
        .concat(),
    )?;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("annunciations           4"), "{out}");
    assert!(
        out.contains("chattering              fan_running.digital"),
        "{out}"
    );
    assert!(out.contains("    3  fan_running.digital"), "{out}");

    let (code, out, _) = hearth(&[&["alarms"][..], &common[..]].concat())?;
    assert_eq!(code, 0);
    assert!(out.contains("No engine runs"), "{out}");

    let (code, _, err) = hearth(
        &[
            &["alarms", "journal", "--from", "now", "--to", "-1h"][..],
            &common[..],
        ]
        .concat(),
    )?;
    assert_ne!(code, 0);
    assert!(err.contains("must be after"), "{err}");
    Ok(())
}
