//! A plant day of the simulated furnace, stepped second by second in process and recorded
//! through the engine's recording path (derived tags, then sled on disk), as the pollers would
//! have delivered it; then the day's report from the accounting, checked against a brute-force
//! computation straight over the raw history. (Real-time polling cannot cover a day in a test:
//! the pollers and the wire have their own tests.)
//!
//! The day has faults a CEMS sees: the NOx analyser out for 40 minutes in one hour (that hour is
//! invalid) and reading bad for 10 minutes in another (that hour stays valid).

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use hearth_e2e::default_config;
use hearth_e2e::replay::{Fault, record};
use hearth_emissions::averaging::Validity;
use hearth_emissions::periods;
use hearth_engine::accounting::day_report;
use hearth_engine::history::historian_options;
use hearth_engine::recording::Recorder;
use hearth_historian::{Historian, SledHistorian};
use hearth_model::config::{Config, Pollutant};
use hearth_model::{Quality, Timestamp};

const HOUR: i64 = 3_600_000;
const DAY: &str = "2026-10-14";

/// Brute force: good points and their sum per hour of a 24-hour day, by plain arithmetic on
/// the stored points.
fn hourly_sums(raw: &[hearth_historian::Point], start_ms: i64) -> [(u32, f64); 24] {
    let mut sums = [(0u32, 0.0f64); 24];
    for p in raw {
        if let (true, Some(v)) = (p.quality.is_good(), p.value) {
            let h = ((p.ts.0 - start_ms) / HOUR) as usize;
            sums[h].0 += 1;
            sums[h].1 += v;
        }
    }
    sums
}

/// A plant day of the simulator recorded into `dir/historian`, with the analyser faults above.
fn record_day(dir: &std::path::Path) -> Result<(Config, periods::Period, Arc<SledHistorian>)> {
    let config = Config::load(&default_config()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let tz = config.plant.time_zone;
    let day = periods::parse_day(tz, DAY)?;
    let historian: Arc<SledHistorian> = Arc::new(SledHistorian::open(
        &dir.join("historian"),
        historian_options(&config),
    )?);
    let mut recorder = Recorder::new(&config, historian.clone())?;
    let nox = config.tag_by_name("nox").context("no nox tag")?.id;
    // Hour 5: the analyser gives nothing for 40 minutes. Hour 9: it reads bad for 10.
    let faults = [
        Fault {
            tag: nox,
            during: (day.start_ms + 5 * HOUR + 600_000)..(day.start_ms + 5 * HOUR + 3_000_000),
            quality: None,
        },
        Fault {
            tag: nox,
            during: (day.start_ms + 9 * HOUR)..(day.start_ms + 9 * HOUR + 600_000),
            quality: Some(Quality::BadSensorFailure),
        },
    ];
    let started = Instant::now();
    record(
        &config,
        &mut recorder,
        11,
        day.start_ms,
        day.end_ms,
        &faults,
    )?;
    historian.flush()?;
    eprintln!(
        "recorded a plant day in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    Ok((config, day, historian))
}

#[test]
fn a_simulated_day_averages_like_brute_force_over_its_raw_history() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (config, day, historian) = record_day(dir.path())?;
    let report = day_report(
        historian.as_ref(),
        &config,
        &day,
        Vec::new(),
        day.end_ms + 1,
    )?;
    let nox_day = report
        .pollutants
        .iter()
        .find(|p| p.pollutant == Pollutant::Nox)
        .context("no NOx in the report")?;

    // Brute force, straight over the stored nox_ref points: hour by hour, 75 % of 720.
    let raw = historian.range("nox_ref", Timestamp(day.start_ms), Timestamp(day.end_ms))?;
    let sums = hourly_sums(&raw, day.start_ms);
    let valid: Vec<(usize, f64)> = sums
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| *n >= 540)
        .map(|(h, (n, s))| (h, s / f64::from(*n)))
        .collect();
    let brute = valid.iter().map(|(_, m)| m).sum::<f64>() / valid.len() as f64;
    let got = nox_day.day.value.context("the day has no NOx average")?;
    eprintln!(
        "daily NOx {got:.2} mg/Nm3 at 3 % O2 (brute force {brute:.2}); {:.0} Nm3 fuel, {:.1} t, {:.3} GJ/t",
        report.energy_day.fuel_nm3,
        report.energy_day.production_t,
        report.energy_day.gj_per_t.unwrap_or(f64::NAN)
    );
    assert_eq!(nox_day.day.validity, Validity::Valid);
    assert!(
        ((got - brute) / brute).abs() < 0.01,
        "daily NOx {got} against brute force {brute}"
    );
    // The hour the analyser was out is invalid, the one it read bad for 10 minutes is not.
    let validity: Vec<Validity> = nox_day.hours.iter().map(|h| h.average.validity).collect();
    assert_eq!(validity[5], Validity::Invalid, "{validity:?}");
    assert_eq!(validity[9], Validity::Valid, "{validity:?}");
    assert_eq!(
        validity.iter().filter(|v| **v == Validity::Valid).count(),
        valid.len()
    );
    assert_eq!((nox_day.day.counted, nox_day.day.invalid), (23, 1));
    // Plausible for the reference plant (domain reference: ~220 mg/Nm3 at 3 % O2).
    assert!((100.0..400.0).contains(&got), "{got}");

    // A permit stating its NOx limit at 8 % O2 gets the averages at 8 %: (21 - 8) / (21 - 3).
    let mut at8 = config.clone();
    for l in at8
        .emissions
        .limits
        .iter_mut()
        .filter(|l| l.pollutant == Pollutant::Nox)
    {
        l.reference_o2_percent = 8.0;
    }
    let r8 = day_report(historian.as_ref(), &at8, &day, Vec::new(), day.end_ms + 1)?;
    let nox8 = r8
        .pollutants
        .iter()
        .find(|p| p.pollutant == Pollutant::Nox)
        .context("no NOx")?;
    assert_eq!(nox8.reference_o2_percent, 8.0);
    let v8 = nox8.day.value.context("no NOx at 8 %")?;
    assert!(
        (v8 - got * 13.0 / 18.0).abs() < 1e-9 * got,
        "{v8} against {got} at 3 %"
    );

    // Energy: the totaliser's day against the fuel flow integrated second by second.
    let flow = historian.range("fuel_flow", Timestamp(day.start_ms), Timestamp(day.end_ms))?;
    let integrated: f64 = flow.iter().filter_map(|p| p.value).sum::<f64>() / 3600.0;
    let e = &report.energy_day;
    assert!(
        ((e.fuel_nm3 - integrated) / integrated).abs() < 0.01,
        "fuel {} Nm3 by the totaliser, {integrated} by the flow",
        e.fuel_nm3
    );
    let steel = historian.range("throughput", Timestamp(day.start_ms), Timestamp(day.end_ms))?;
    let tonnes: f64 = steel.iter().filter_map(|p| p.value).sum::<f64>() / 3600.0;
    assert!(
        ((e.production_t - tonnes) / tonnes).abs() < 0.05,
        "production {} t by the totaliser, {tonnes} by the rate",
        e.production_t
    );
    let gj_t = e.gj_per_t.context("no GJ/t")?;
    assert!((1.0..2.5).contains(&gj_t), "{gj_t} GJ/t");
    // Hours and shifts add up to the day.
    let hours_fuel: f64 = report.energy_hours.iter().map(|k| k.fuel_nm3).sum();
    let shifts_fuel: f64 = report.energy_shifts.iter().map(|k| k.fuel_nm3).sum();
    assert!((hours_fuel - e.fuel_nm3).abs() < 1e-6 * e.fuel_nm3.max(1.0));
    assert!((shifts_fuel - e.fuel_nm3).abs() < 1e-6 * e.fuel_nm3.max(1.0));
    assert_eq!(report.energy_shifts.len(), 3);
    Ok(())
}

/// `pdftotext -layout FILE -`: what a reader of the PDF sees.
fn pdf_text(path: &std::path::Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .context("pdftotext (poppler-utils) is not installed: scripts/test installs it")?;
    anyhow::ensure!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
fn hearth_report_writes_the_day_as_pdf_in_english_and_chinese_and_the_month_as_csv() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (config, day, historian) = record_day(dir.path())?;
    let expected = day_report(
        historian.as_ref(),
        &config,
        &day,
        Vec::new(),
        day.end_ms + 1,
    )?;
    drop(historian);
    let nox = expected
        .pollutants
        .iter()
        .find(|p| p.pollutant == Pollutant::Nox)
        .and_then(|p| p.day.value)
        .context("no NOx average")?;
    let gj_t = expected.energy_day.gj_per_t.context("no GJ/t")?;
    let cfg = default_config();
    let common = [
        "--config",
        cfg.to_str().unwrap_or_default(),
        "--data-dir",
        dir.path().to_str().unwrap_or_default(),
    ];

    for (lang, title, words) in [
        (
            "en",
            "Daily emissions and energy report",
            ["within the limit", "Valid hours", "invalid"],
        ),
        ("zh-CN", "排放与能耗日报", ["达标", "有效小时", "无效"]),
    ] {
        let pdf = dir.path().join(format!("day-{lang}.pdf"));
        let (code, _, err) = hearth_e2e::hearth(
            &[
                &[
                    "report",
                    "--day",
                    DAY,
                    "--lang",
                    lang,
                    "--out",
                    pdf.to_str().unwrap_or_default(),
                ][..],
                &common[..],
            ]
            .concat(),
        )?;
        assert_eq!(code, 0, "{err}");
        // HEARTH_KEEP_REPORTS=DIR keeps the PDFs to look at.
        if let Some(keep) = std::env::var_os("HEARTH_KEEP_REPORTS") {
            std::fs::copy(
                &pdf,
                std::path::Path::new(&keep).join(format!("report-day-{lang}.pdf")),
            )?;
        }
        let text = pdf_text(&pdf)?;
        assert!(text.contains(title), "{lang}: no title in\n{text}");
        for w in words {
            assert!(text.contains(w), "{lang}: no `{w}` in\n{text}");
        }
        // The figures, as computed from the history.
        assert!(
            text.contains(&format!("{nox:.1}")),
            "{lang}: no NOx {nox:.1} in\n{text}"
        );
        assert!(
            text.contains(&format!("{gj_t:.3}")),
            "{lang}: no {gj_t:.3} GJ/t in\n{text}"
        );
        assert!(
            text.contains("3 % O2") && text.contains("35.8 MJ/Nm3"),
            "{lang}: no basis in\n{text}"
        );
        assert!(text.contains(DAY) && text.contains("Asia/Shanghai"));
    }

    // The month as CSV: the recorded day valid, the other 30 days without data, invalid.
    let (code, out, err) =
        hearth_e2e::hearth(&[&["report", "--month", "2026-10"][..], &common[..]].concat())?;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("# nox: 1 valid days, 30 invalid, 0 excluded, 0 over the limit; 721 invalid or missing hours"), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with(&format!("day,{DAY},")))
        .context("no row for the day")?;
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells.get(4), Some(&"valid"), "{row}");
    let got: f64 = cells.get(3).context("no NOx cell")?.parse()?;
    assert!((got - nox).abs() < 0.051, "{row}");

    // Bad input says what is wrong.
    let (code, _, err) =
        hearth_e2e::hearth(&[&["report", "--month", "2026-13"][..], &common[..]].concat())?;
    assert_ne!(code, 0);
    assert!(err.contains("2026-13") && err.contains("YYYY-MM"), "{err}");
    Ok(())
}

#[test]
fn a_marked_calibration_is_left_out_of_the_average_and_said_in_the_report() -> Result<()> {
    use hearth_engine::marks::{MarkKind, MarkRequest, Marks, WithdrawRequest};
    let dir = tempfile::tempdir()?;
    let (config, day, historian) = record_day(dir.path())?;
    let marks = Marks::open(&dir.path().join("emissions"))?;
    // 40 minutes of hour 12: most of the hour, so the hour is excluded, not invalid.
    let from = day.start_ms + 12 * HOUR;
    let cal = marks.add(
        &MarkRequest {
            kind: MarkKind::Calibration,
            from_ms: from,
            to_ms: from + 2_400_000,
            reason: "NOx analyser span gas".into(),
            user: "li".into(),
        },
        day.end_ms,
    )?;
    // A mark made by mistake and withdrawn counts for nothing.
    let wrong = marks.add(
        &MarkRequest {
            kind: MarkKind::Startup,
            from_ms: day.start_ms + 15 * HOUR,
            to_ms: day.start_ms + 16 * HOUR,
            reason: "wrong day".into(),
            user: "li".into(),
        },
        day.end_ms,
    )?;
    marks.withdraw(
        &WithdrawRequest {
            id: wrong.id,
            reason: "marked by mistake".into(),
            user: "wang".into(),
        },
        day.end_ms,
    )?;
    let all = marks.overlapping(day.start_ms, day.end_ms)?;
    let report = day_report(historian.as_ref(), &config, &day, all, day.end_ms + 1)?;
    let nox = report
        .pollutants
        .iter()
        .find(|p| p.pollutant == Pollutant::Nox)
        .context("no NOx")?;
    let validity: Vec<Validity> = nox.hours.iter().map(|h| h.average.validity).collect();
    assert_eq!(validity[12], Validity::Excluded, "{validity:?}");
    assert_eq!(
        validity[15],
        Validity::Valid,
        "a withdrawn mark excludes nothing: {validity:?}"
    );
    assert_eq!(
        (nox.day.counted, nox.day.invalid, nox.day.excluded),
        (22, 1, 1)
    );
    // Brute force without hours 5 (analyser out) and 12 (calibration).
    let raw = historian.range("nox_ref", Timestamp(day.start_ms), Timestamp(day.end_ms))?;
    let sums = hourly_sums(&raw, day.start_ms);
    let means: Vec<f64> = (0..24)
        .filter(|h| ![5, 12].contains(h))
        .map(|h| sums[h].1 / f64::from(sums[h].0))
        .collect();
    let brute = means.iter().sum::<f64>() / means.len() as f64;
    let got = nox.day.value.context("no NOx average")?;
    assert!(
        ((got - brute) / brute).abs() < 0.01,
        "{got} against {brute}"
    );
    // The report says what was marked, and what was withdrawn.
    let csv = hearth_engine::report_csv::day_csv(&report);
    assert!(csv.contains("# Marked Calibration 2026-10-14 12:00 to 2026-10-14 12:40 by li: NOx analyser span gas\n"), "{csv}");
    assert!(
        csv.contains("(withdrawn by wang: marked by mistake)"),
        "{csv}"
    );
    assert_eq!(report.marks.iter().filter(|m| m.id == cal.id).count(), 1);
    Ok(())
}
