//! Emissions and energy accounting over the historian: hourly and daily averages of each
//! pollutant at its permit's reference O2 with their validity, how each stands against its limit
//! (and, for a day still running, where it is heading), and the energy KPIs per hour, shift,
//! day and month from the totalisers. Everything is computed from raw points, so a figure can be
//! checked against the history it came from; the same functions serve the running engine and a
//! data dir read offline (`hearth report`).

use hearth_emissions::averaging::{self, Average, HourStats, ValidityRules};
use hearth_emissions::energy::{Co2Route, EnergyBasis, EnergyKpi, totaliser_advance};
use hearth_emissions::fuel::Stoichiometry;
use hearth_emissions::limits::{self, LimitPeriod, PermitLimit, Standing};
use hearth_emissions::periods::{self, Period, ShiftPattern};
use hearth_historian::{Historian, Point};
use hearth_model::Timestamp;
use hearth_model::config::{Co2Basis, Config, Derived, Pollutant};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::engine::EngineError;
use crate::marks::Mark;

/// The basis every figure is stated on, printed with every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Basis {
    pub reference_o2_percent: f64,
    pub fuel_lhv_mj_per_nm3: f64,
    /// `factor` or `composition`.
    pub co2_route: String,
    /// kg CO2 per Nm3 of fuel, whichever route.
    pub co2_kg_per_nm3: f64,
    pub co2_kg_per_gj: f64,
    /// `ch4 0.93, c2h6 0.04...`
    pub fuel_composition: String,
    pub min_valid_fraction: f64,
    pub min_valid_hours_per_day: u32,
    pub theoretical_min_gj_per_t: f64,
    pub benchmark_gj_per_t: f64,
    /// "Nm3 at 0 C and 101.325 kPa, dry; energy on the LHV basis"
    pub volumes: String,
    pub time_zone: String,
}

/// One pollutant over a day: its hours, the day, and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PollutantDay {
    pub pollutant: Pollutant,
    /// The derived tag the averages are of (`nox_ref`).
    pub tag: String,
    /// The O2 the averages are stated at: the permit limit's (its daily one first), else the
    /// plant's reference O2.
    pub reference_o2_percent: f64,
    pub hours: Vec<HourAverage>,
    pub day: Average,
    /// Against the daily limit, when the permit has one.
    pub day_standing: Option<Standing>,
    /// The hourly limit, when the permit has one (each hour's `over` says where it was broken).
    pub hour_limit: Option<PermitLimit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HourAverage {
    pub period: Period,
    pub average: Average,
    /// Over the hourly limit (closed and valid), or heading over it (open).
    pub over: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DayReport {
    pub plant: String,
    pub period: Period,
    pub basis: Basis,
    pub pollutants: Vec<PollutantDay>,
    pub energy_hours: Vec<EnergyKpi>,
    pub energy_shifts: Vec<EnergyKpi>,
    pub energy_day: EnergyKpi,
    /// Engineers' marks overlapping the day (withdrawn ones shown as such).
    pub marks: Vec<Mark>,
    /// When it was computed, epoch ms (a day still running changes).
    pub computed_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DayAverage {
    pub period: Period,
    pub average: Average,
    pub standing: Option<Standing>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PollutantMonth {
    pub pollutant: Pollutant,
    pub tag: String,
    pub days: Vec<DayAverage>,
    pub limit: Option<PermitLimit>,
    /// Mean of the valid days.
    pub mean_of_valid_days: Option<f64>,
    pub valid_days: u32,
    pub invalid_days: u32,
    pub excluded_days: u32,
    pub exceeded_days: u32,
    /// Hours over the month that were invalid or missing.
    pub invalid_hours: u32,
    pub excluded_hours: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MonthReport {
    pub plant: String,
    pub period: Period,
    pub basis: Basis,
    pub pollutants: Vec<PollutantMonth>,
    pub energy_days: Vec<EnergyKpi>,
    pub energy_month: EnergyKpi,
    pub marks: Vec<Mark>,
    pub computed_ms: i64,
}

fn derived_tag(p: Pollutant) -> Derived {
    match p {
        Pollutant::Nox => Derived::NoxRef,
        Pollutant::Co => Derived::CoRef,
    }
}

pub fn basis(c: &Config) -> Basis {
    let e = &c.emissions;
    let s = Stoichiometry::of(&e.fuel_composition).unwrap_or_else(|_| Stoichiometry::methane());
    let route = co2_route(c, &s);
    Basis {
        reference_o2_percent: e.reference_o2_percent,
        fuel_lhv_mj_per_nm3: e.fuel_lhv_mj_per_nm3,
        co2_route: match e.co2_basis {
            Co2Basis::Composition => "composition",
            Co2Basis::Factor => "factor",
        }
        .into(),
        co2_kg_per_nm3: route.kg_per_nm3(e.fuel_lhv_mj_per_nm3),
        co2_kg_per_gj: route.kg_per_nm3(e.fuel_lhv_mj_per_nm3) / e.fuel_lhv_mj_per_nm3 * 1000.0,
        fuel_composition: e
            .fuel_composition
            .iter()
            .map(|(c, x)| format!("{} {x}", c.name()))
            .collect::<Vec<_>>()
            .join(", "),
        min_valid_fraction: e.min_valid_fraction,
        min_valid_hours_per_day: e.min_valid_hours_per_day,
        theoretical_min_gj_per_t: c.energy.theoretical_min_gj_per_t,
        benchmark_gj_per_t: c.energy.benchmark_gj_per_t,
        volumes: "Nm3 at 0 C and 101.325 kPa, dry; energy on the LHV basis".into(),
        time_zone: c.plant.time_zone.name().into(),
    }
}

fn co2_route(c: &Config, s: &Stoichiometry) -> Co2Route {
    match c.emissions.co2_basis {
        Co2Basis::Composition => Co2Route::Composition {
            kg_per_nm3: s.co2_kg_per_nm3(),
        },
        Co2Basis::Factor => Co2Route::Factor {
            kg_per_gj: c.emissions.co2_kg_per_gj,
        },
    }
}

fn rules(c: &Config) -> ValidityRules {
    ValidityRules {
        min_valid_fraction: c.emissions.min_valid_fraction,
        min_valid_hours_per_day: c.emissions.min_valid_hours_per_day,
    }
}

fn limit(c: &Config, p: Pollutant, daily: bool) -> Option<PermitLimit> {
    c.emissions
        .limits
        .iter()
        .find(|l| l.pollutant == p && l.daily == daily)
        .map(|l| PermitLimit {
            pollutant: p,
            period: if daily {
                LimitPeriod::Day
            } else {
                LimitPeriod::Hour
            },
            limit_mg_nm3: l.limit_mg_nm3,
            reference_o2_percent: l.reference_o2_percent,
        })
}

/// The O2 a pollutant's averages are stated at: its daily limit's, its hourly limit's, or the
/// plant's reference O2.
fn reference_o2(c: &Config, p: Pollutant) -> f64 {
    limit(c, p, true)
        .or_else(|| limit(c, p, false))
        .map_or(c.emissions.reference_o2_percent, |l| l.reference_o2_percent)
}

fn pattern(c: &Config) -> ShiftPattern {
    ShiftPattern::new(c.energy.shifts.clone()).unwrap_or_else(|_| ShiftPattern::three_eights())
}

/// The pollutants this plant accounts for: those with a derived tag at the reference O2.
fn pollutants(c: &Config) -> Vec<(Pollutant, String, i64)> {
    Pollutant::ALL
        .into_iter()
        .filter_map(|p| {
            let t = c.tag_by_name(derived_tag(p).name())?;
            let interval = c.poll_groups.get(t.poll_group)?.interval.as_millis() as i64;
            Some((p, t.name.clone(), interval))
        })
        .collect()
}

/// `flagged(ts)`: the flag tag's value (held from its last sample) is nonzero, or an engineer's
/// mark in effect covers `ts`.
struct Flags {
    plc: Vec<(i64, bool)>,
    marked: Vec<(i64, i64)>,
}

impl Flags {
    fn read(
        h: &dyn Historian,
        c: &Config,
        from: i64,
        to: i64,
        marks: &[Mark],
    ) -> Result<Flags, EngineError> {
        let marked = crate::marks::in_effect(marks);
        let Some(tag) = c.emissions.flag_tag.and_then(|t| c.tag(t)) else {
            return Ok(Flags {
                plc: Vec::new(),
                marked,
            });
        };
        // From a little before, so the state at `from` is known.
        let points = h.range(&tag.name, Timestamp(from - 3_600_000), Timestamp(to))?;
        Ok(Flags {
            plc: points
                .iter()
                .map(|p| {
                    (
                        p.ts.0,
                        p.quality.is_good() && p.value.is_some_and(|v| v != 0.0),
                    )
                })
                .collect(),
            marked,
        })
    }

    fn at(&self, ts: i64) -> bool {
        let i = self.plc.partition_point(|(t, _)| *t <= ts);
        (i > 0 && self.plc.get(i - 1).is_some_and(|(_, f)| *f))
            || self.marked.iter().any(|(a, b)| (*a..*b).contains(&ts))
    }
}

/// Hour statistics for consecutive hours from one pass over the points.
fn hour_stats(
    points: &[Point],
    hours: &[Period],
    interval_ms: i64,
    flags: &Flags,
) -> Vec<HourStats> {
    hours
        .iter()
        .map(|h| {
            let lo = points.partition_point(|p| p.ts.0 < h.start_ms);
            let hi = points.partition_point(|p| p.ts.0 < h.end_ms);
            let slice = points.get(lo..hi).unwrap_or(&[]);
            HourStats::from_samples(
                h.start_ms,
                h.end_ms,
                interval_ms,
                slice
                    .iter()
                    .map(|p| (p.ts.0, p.value.filter(|_| p.quality.is_good()))),
                |ts| flags.at(ts),
            )
        })
        .collect()
}

/// The totaliser readings that bound `[from, to)`: the last before `from`, then those inside.
fn readings_in(points: &[Point], from: i64, to: i64) -> Vec<f64> {
    let lo = points.partition_point(|p| p.ts.0 < from);
    let hi = points.partition_point(|p| p.ts.0 < to);
    let start = lo.saturating_sub(1);
    points
        .get(start..hi)
        .unwrap_or(&[])
        .iter()
        .filter(|p| p.quality.is_good())
        .filter_map(|p| p.value)
        .collect()
}

struct Totals {
    fuel: Vec<Point>,
    steel: Vec<Point>,
    fuel_rollover: Option<f64>,
    steel_rollover: Option<f64>,
}

impl Totals {
    fn read(h: &dyn Historian, c: &Config, from: i64, to: i64) -> Result<Totals, EngineError> {
        let f = c.furnace.fuel_total.and_then(|t| c.tag(t));
        let s = c.furnace.steel_total.and_then(|t| c.tag(t));
        // An hour before, for the reading the period starts from.
        let read = |t: Option<&hearth_model::config::Tag>| -> Result<Vec<Point>, EngineError> {
            match t {
                Some(t) => Ok(h.range(&t.name, Timestamp(from - 3_600_000), Timestamp(to))?),
                None => Ok(Vec::new()),
            }
        };
        Ok(Totals {
            fuel: read(f)?,
            steel: read(s)?,
            fuel_rollover: f.and_then(|t| t.counter_rollover()),
            steel_rollover: s.and_then(|t| t.counter_rollover()),
        })
    }

    fn kpi(&self, b: &EnergyBasis, p: &Period) -> EnergyKpi {
        let f = readings_in(&self.fuel, p.start_ms, p.end_ms);
        let s = readings_in(&self.steel, p.start_ms, p.end_ms);
        let readings = f.len().min(s.len()) as u32;
        b.kpi(
            p.start_ms,
            p.end_ms,
            &p.label,
            totaliser_advance(f, self.fuel_rollover),
            totaliser_advance(s, self.steel_rollover),
            readings,
        )
    }
}

fn energy_basis(c: &Config) -> EnergyBasis {
    let s = Stoichiometry::of(&c.emissions.fuel_composition)
        .unwrap_or_else(|_| Stoichiometry::methane());
    EnergyBasis {
        lhv_mj_per_nm3: c.emissions.fuel_lhv_mj_per_nm3,
        co2: co2_route(c, &s),
        theoretical_min_gj_per_t: c.energy.theoretical_min_gj_per_t,
        benchmark_gj_per_t: c.energy.benchmark_gj_per_t,
    }
}

/// One pollutant's hours and day over `day`.
fn pollutant_day(
    h: &dyn Historian,
    c: &Config,
    (p, tag, interval): &(Pollutant, String, i64),
    day: &Period,
    flags: &Flags,
    now_ms: i64,
) -> Result<PollutantDay, EngineError> {
    let r = rules(c);
    let hours = periods::hours(c.plant.time_zone, day.start_ms, day.end_ms);
    let mut points = h.range(tag, Timestamp(day.start_ms), Timestamp(day.end_ms))?;
    // The derived tag is at the plant's reference O2; a limit stated at another one gets the
    // averages at its own. The correction is one factor for every sample, so it carries through.
    let global = c.emissions.reference_o2_percent;
    let reference = reference_o2(c, *p);
    if reference != global {
        let f = (21.0 - reference) / (21.0 - global);
        for pt in &mut points {
            pt.value = pt.value.map(|v| v * f);
        }
    }
    let stats = hour_stats(&points, &hours, *interval, flags);
    let averages: Vec<Average> = stats
        .iter()
        .map(|s| averaging::hour_average(s, &r, now_ms))
        .collect();
    // A day still running counts only the hours begun; the rest are not missing yet.
    let begun: Vec<Average> = averages
        .iter()
        .filter(|a| a.start_ms <= now_ms)
        .cloned()
        .collect();
    let mut d = averaging::day_average(day.start_ms, day.end_ms, &begun, &r);
    if now_ms < day.end_ms {
        d.validity = hearth_emissions::averaging::Validity::Open;
        d.value = {
            let v: Vec<f64> = begun.iter().filter_map(|a| a.value).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        d.invalid = begun
            .iter()
            .filter(|a| a.validity == hearth_emissions::averaging::Validity::Invalid)
            .count() as u32;
    }
    let hour_limit = limit(c, *p, false);
    let day_standing =
        limit(c, *p, true).map(|l| limits::day_standing(&l, &d, &begun, hours.len() as u32));
    Ok(PollutantDay {
        pollutant: *p,
        tag: tag.clone(),
        reference_o2_percent: reference,
        hours: hours
            .into_iter()
            .zip(averages)
            .map(|(period, average)| {
                let over = hour_limit.as_ref().is_some_and(|l| {
                    let s = limits::hour_standing(l, &average);
                    s.exceeded || s.heading_over
                });
                HourAverage {
                    period,
                    average,
                    over,
                }
            })
            .collect(),
        day: d,
        day_standing,
        hour_limit,
    })
}

/// A plant day: every pollutant by the hour and for the day, energy by hour, shift and day.
pub fn day_report(
    h: &dyn Historian,
    c: &Config,
    day: &Period,
    marks: Vec<Mark>,
    now_ms: i64,
) -> Result<DayReport, EngineError> {
    let flags = Flags::read(h, c, day.start_ms, day.end_ms, &marks)?;
    let pollutants = pollutants(c)
        .iter()
        .map(|p| pollutant_day(h, c, p, day, &flags, now_ms))
        .collect::<Result<Vec<_>, _>>()?;
    let tz = c.plant.time_zone;
    let b = energy_basis(c);
    let totals = Totals::read(h, c, day.start_ms, day.end_ms)?;
    let energy_hours = periods::hours(tz, day.start_ms, day.end_ms)
        .iter()
        .map(|p| totals.kpi(&b, p))
        .collect();
    let energy_shifts = periods::shifts(tz, &pattern(c), day.start_ms, day.end_ms)
        .iter()
        .map(|p| totals.kpi(&b, p))
        .collect();
    Ok(DayReport {
        plant: c.plant.name.clone(),
        period: day.clone(),
        basis: basis(c),
        pollutants,
        energy_hours,
        energy_shifts,
        energy_day: totals.kpi(&b, day),
        marks,
        computed_ms: now_ms,
    })
}

/// A plant month: each pollutant's daily averages against the daily limit, energy by day.
pub fn month_report(
    h: &dyn Historian,
    c: &Config,
    month: &Period,
    marks: Vec<Mark>,
    now_ms: i64,
) -> Result<MonthReport, EngineError> {
    let tz = c.plant.time_zone;
    let days = periods::days(tz, month.start_ms, month.end_ms);
    let flags = Flags::read(h, c, month.start_ms, month.end_ms, &marks)?;
    let mut rows = Vec::new();
    for p in pollutants(c) {
        let mut out = Vec::new();
        for d in &days {
            let pd = pollutant_day(h, c, &p, d, &flags, now_ms)?;
            out.push(pd);
        }
        use hearth_emissions::averaging::Validity;
        let count = |v: Validity| out.iter().filter(|d| d.day.validity == v).count() as u32;
        let valid: Vec<f64> = out
            .iter()
            .filter(|d| d.day.validity == Validity::Valid)
            .filter_map(|d| d.day.value)
            .collect();
        rows.push(PollutantMonth {
            pollutant: p.0,
            tag: p.1.clone(),
            limit: limit(c, p.0, true),
            mean_of_valid_days: (!valid.is_empty())
                .then(|| valid.iter().sum::<f64>() / valid.len() as f64),
            valid_days: count(Validity::Valid),
            invalid_days: count(Validity::Invalid),
            excluded_days: count(Validity::Excluded),
            exceeded_days: out
                .iter()
                .filter(|d| d.day_standing.as_ref().is_some_and(|s| s.exceeded))
                .count() as u32,
            invalid_hours: out.iter().map(|d| d.day.invalid).sum(),
            excluded_hours: out.iter().map(|d| d.day.excluded).sum(),
            days: out
                .into_iter()
                .zip(&days)
                .map(|(d, period)| DayAverage {
                    period: period.clone(),
                    average: d.day,
                    standing: d.day_standing,
                })
                .collect(),
        });
    }
    let b = energy_basis(c);
    let totals = Totals::read(h, c, month.start_ms, month.end_ms)?;
    Ok(MonthReport {
        plant: c.plant.name.clone(),
        period: month.clone(),
        basis: basis(c),
        pollutants: rows,
        energy_days: days.iter().map(|d| totals.kpi(&b, d)).collect(),
        energy_month: totals.kpi(&b, month),
        marks,
        computed_ms: now_ms,
    })
}

/// Which day or month a report is of: `2026-11-28`, `2026-11`, or none for the current one.
pub fn day_period(c: &Config, date: Option<&str>, now_ms: i64) -> Result<Period, EngineError> {
    let tz = c.plant.time_zone;
    match date.filter(|d| !d.is_empty()) {
        None => Ok(periods::day_of(tz, now_ms)),
        Some(d) => periods::parse_day(tz, d).map_err(|e| EngineError::BadQuery(e.to_string())),
    }
}

pub fn month_period(c: &Config, month: Option<&str>, now_ms: i64) -> Result<Period, EngineError> {
    let tz = c.plant.time_zone;
    match month.filter(|m| !m.is_empty()) {
        None => Ok(periods::month_of(tz, now_ms)),
        Some(m) => periods::parse_month(tz, m).map_err(|e| EngineError::BadQuery(e.to_string())),
    }
}
