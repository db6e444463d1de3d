//! The day and month reports as CSV: a few `#` lines saying what the figures are (plant, period,
//! basis, limits, validity rules), then one row per hour, shift and day (day report) or per day
//! and month (month report), pollutants and energy side by side. Times are plant time, each row
//! with its UTC offset so the two 01:00 hours of an autumn DST day stay apart.

use std::fmt::Write;

use hearth_emissions::averaging::{Average, Validity};
use hearth_emissions::energy::EnergyKpi;
use hearth_emissions::periods::Period;

use crate::accounting::{Basis, DayReport, MonthReport};

fn validity(v: Validity) -> &'static str {
    match v {
        Validity::Valid => "valid",
        Validity::Invalid => "invalid",
        Validity::Excluded => "excluded",
        Validity::Open => "open",
    }
}

fn num(v: Option<f64>, decimals: usize) -> String {
    v.filter(|v| v.is_finite())
        .map(|v| format!("{v:.decimals$}"))
        .unwrap_or_default()
}

fn header(out: &mut String, title: &str, plant: &str, p: &Period, b: &Basis, limits: &[String]) {
    let _ = writeln!(
        out,
        "# Hearth {title} {} ({}, UTC{})",
        p.label, b.time_zone, p.utc_offset
    );
    let _ = writeln!(out, "# Plant: {}", plant.replace('\n', " "));
    let _ = writeln!(
        out,
        "# Concentrations: NOx as NO2 and CO, mg/Nm3 dry at {} % O2; volumes {}",
        b.reference_o2_percent, b.volumes
    );
    let _ = writeln!(
        out,
        "# Fuel: {} MJ/Nm3 (LHV), composition {}; CO2 by {} ({:.3} kg/Nm3, {:.1} kg/GJ)",
        b.fuel_lhv_mj_per_nm3, b.fuel_composition, b.co2_route, b.co2_kg_per_nm3, b.co2_kg_per_gj
    );
    let _ = writeln!(
        out,
        "# Validity: an hour needs {:.0} % of its samples good (flagged time not counted); a day {} valid hours",
        b.min_valid_fraction * 100.0,
        b.min_valid_hours_per_day
    );
    let _ = writeln!(
        out,
        "# Energy: theoretical minimum {} GJ/t, benchmark {} GJ/t",
        b.theoretical_min_gj_per_t, b.benchmark_gj_per_t
    );
    for l in limits {
        let _ = writeln!(out, "# Limit: {l}");
    }
}

/// The engineers' marks, each on a `#` line (withdrawn ones said so: they do not count).
fn mark_lines(out: &mut String, marks: &[crate::marks::Mark], tz: &str) {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    let local = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    };
    for m in marks {
        let _ = writeln!(
            out,
            "# Marked {:?} {} to {} by {}: {}{}",
            m.kind,
            local(m.from_ms),
            local(m.to_ms),
            m.user,
            m.reason.replace('\n', " "),
            m.withdrawn
                .as_ref()
                .map(|w| format!(
                    " (withdrawn by {}: {})",
                    w.user,
                    w.reason.replace('\n', " ")
                ))
                .unwrap_or_default()
        );
    }
}

fn pollutant_cells(a: Option<&Average>) -> String {
    match a {
        Some(a) => format!(
            "{},{},{},{},{}",
            num(a.value, 1),
            validity(a.validity),
            a.counted,
            a.expected,
            a.excluded
        ),
        None => ",,,,".into(),
    }
}

fn energy_cells(k: Option<&EnergyKpi>) -> String {
    match k {
        Some(k) => format!(
            "{},{},{},{},{},{}",
            num(Some(k.fuel_nm3), 0),
            num(Some(k.energy_gj), 1),
            num(Some(k.production_t), 1),
            num(k.gj_per_t, 3),
            num(Some(k.co2_kg), 0),
            num(k.kg_co2_per_t, 1)
        ),
        None => ",,,,,".into(),
    }
}

fn columns(out: &mut String, pollutants: &[&str]) {
    out.push_str("period,start,utc_offset");
    for p in pollutants {
        // For a day row of the month report, "samples" and "expected" count hours.
        let _ = write!(
            out,
            ",{p}_mg_nm3,{p}_validity,{p}_samples,{p}_expected,{p}_flagged"
        );
    }
    out.push_str(",fuel_nm3,energy_gj,production_t,gj_per_t,co2_kg,kg_co2_per_t\n");
}

fn row(
    out: &mut String,
    kind: &str,
    p: &Period,
    pollutants: &[Option<&Average>],
    energy: Option<&EnergyKpi>,
) {
    let _ = write!(out, "{kind},{},{}", p.label, p.utc_offset);
    for a in pollutants {
        let _ = write!(out, ",{}", pollutant_cells(*a));
    }
    let _ = writeln!(out, ",{}", energy_cells(energy));
}

fn limit_lines(
    limits: impl Iterator<Item = Option<hearth_emissions::limits::PermitLimit>>,
) -> Vec<String> {
    limits
        .flatten()
        .map(|l| {
            format!(
                "{} {} average {} mg/Nm3 at {} % O2",
                l.pollutant.name(),
                match l.period {
                    hearth_emissions::limits::LimitPeriod::Day => "daily",
                    hearth_emissions::limits::LimitPeriod::Hour => "hourly",
                },
                l.limit_mg_nm3,
                l.reference_o2_percent
            )
        })
        .collect()
}

pub fn day_csv(r: &DayReport) -> String {
    let mut out = String::new();
    let limits = limit_lines(r.pollutants.iter().flat_map(|p| {
        [
            p.day_standing.as_ref().map(|s| s.limit.clone()),
            p.hour_limit.clone(),
        ]
    }));
    header(
        &mut out,
        "daily emissions and energy report",
        &r.plant,
        &r.period,
        &r.basis,
        &limits,
    );
    mark_lines(&mut out, &r.marks, &r.basis.time_zone);
    let names: Vec<&str> = r.pollutants.iter().map(|p| p.pollutant.name()).collect();
    columns(&mut out, &names);
    for (i, k) in r.energy_hours.iter().enumerate() {
        let cells: Vec<Option<&Average>> = r
            .pollutants
            .iter()
            .map(|p| p.hours.get(i).map(|h| &h.average))
            .collect();
        let period = r
            .pollutants
            .first()
            .and_then(|p| p.hours.get(i))
            .map(|h| h.period.clone())
            .unwrap_or_else(|| Period {
                kind: hearth_emissions::periods::PeriodKind::Hour,
                start_ms: k.start_ms,
                end_ms: k.end_ms,
                label: k.label.clone(),
                utc_offset: String::new(),
            });
        row(&mut out, "hour", &period, &cells, Some(k));
    }
    for k in &r.energy_shifts {
        let p = Period {
            kind: hearth_emissions::periods::PeriodKind::Shift,
            start_ms: k.start_ms,
            end_ms: k.end_ms,
            label: k.label.clone(),
            utc_offset: r.period.utc_offset.clone(),
        };
        let none: Vec<Option<&Average>> = r.pollutants.iter().map(|_| None).collect();
        row(&mut out, "shift", &p, &none, Some(k));
    }
    let days: Vec<Option<&Average>> = r.pollutants.iter().map(|p| Some(&p.day)).collect();
    row(&mut out, "day", &r.period, &days, Some(&r.energy_day));
    out
}

pub fn month_csv(r: &MonthReport) -> String {
    let mut out = String::new();
    let limits = limit_lines(r.pollutants.iter().map(|p| p.limit.clone()));
    header(
        &mut out,
        "monthly emissions and energy report",
        &r.plant,
        &r.period,
        &r.basis,
        &limits,
    );
    for p in &r.pollutants {
        let _ = writeln!(
            out,
            "# {}: {} valid days, {} invalid, {} excluded, {} over the limit; {} invalid or missing hours, {} excluded",
            p.pollutant.name(),
            p.valid_days,
            p.invalid_days,
            p.excluded_days,
            p.exceeded_days,
            p.invalid_hours,
            p.excluded_hours
        );
    }
    mark_lines(&mut out, &r.marks, &r.basis.time_zone);
    let names: Vec<&str> = r.pollutants.iter().map(|p| p.pollutant.name()).collect();
    columns(&mut out, &names);
    for (i, k) in r.energy_days.iter().enumerate() {
        let cells: Vec<Option<&Average>> = r
            .pollutants
            .iter()
            .map(|p| p.days.get(i).map(|d| &d.average))
            .collect();
        let period = r
            .pollutants
            .first()
            .and_then(|p| p.days.get(i))
            .map(|d| d.period.clone())
            .unwrap_or_else(|| Period {
                kind: hearth_emissions::periods::PeriodKind::Day,
                start_ms: k.start_ms,
                end_ms: k.end_ms,
                label: k.label.clone(),
                utc_offset: String::new(),
            });
        row(&mut out, "day", &period, &cells, Some(k));
    }
    let month: Vec<Average> = r
        .pollutants
        .iter()
        .map(|p| Average {
            start_ms: r.period.start_ms,
            end_ms: r.period.end_ms,
            value: p.mean_of_valid_days,
            validity: if p.valid_days > 0 {
                Validity::Valid
            } else {
                Validity::Invalid
            },
            counted: p.valid_days,
            expected: p.days.len() as u32,
            excluded: p.excluded_days,
            invalid: p.invalid_days,
        })
        .collect();
    let cells: Vec<Option<&Average>> = month.iter().map(Some).collect();
    row(&mut out, "month", &r.period, &cells, Some(&r.energy_month));
    out
}
