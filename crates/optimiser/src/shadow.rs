//! Shadow mode: the optimiser run in closed loop on a simulated plant it does not know, against
//! the same plant, disturbances and seed under baseline practice.
//!
//! The scenario sets the true plant (losses, recuperator, radiation, NOx, O2 analyser bias) and
//! what happens to it (pace changes, hot and cold charge, mill delays, gas quality). Both runs
//! first record `history_h` hours under baseline practice, which the optimiser calibrates from;
//! then the counted hours start, and in the optimised run the optimiser calibrates on the last
//! `history_h` hours and applies its suggestion every `interval_min` plant minutes.

use std::time::{Duration, Instant};

use hearth_model::Quality;
use hearth_sim::physics::PlantParams;
use hearth_sim::scenario::Event;
use hearth_sim::{Scenario, Signal, SimSettings, Simulation};
use serde::Serialize;

use crate::advise::{Advice, Request, advise};
use crate::calibrate::FitLimits;
use crate::inputs::Input;
use crate::params::ModelParams;
use crate::predict::{Decision, predict, settle};
use crate::problem::Settings;
use crate::record::Recorder;
use crate::solve::Progress;

/// How an evaluation runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub hours: f64,
    pub seed: u64,
    pub interval_min: f64,
    /// A pace change of more than this (percent) since the last run starts another at once.
    pub pace_trigger_pct: f64,
    /// Hours of history each calibration uses (and recorded before the counted hours start).
    pub history_h: f64,
    pub settings: Settings,
    pub limits: FitLimits,
    /// What the optimiser believes the plant is: the simulator's defaults.
    pub model: ModelParams,
    pub timeout: Duration,
}

impl Options {
    pub fn new(hours: f64, seed: u64) -> Options {
        Options {
            hours,
            seed,
            interval_min: 15.0,
            pace_trigger_pct: 3.0,
            history_h: 5.0,
            settings: Settings::typical(3),
            limits: FitLimits::default(),
            model: ModelParams::from_plant(&PlantParams::default()),
            timeout: Duration::from_secs(10),
        }
    }
}

/// What one run did over the counted hours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct RunFigures {
    pub fuel_nm3: f64,
    pub steel_t: f64,
    pub gj_per_t: f64,
    pub co2_t: f64,
    pub kg_co2_per_t: f64,
    /// Means over the run: NOx mg/Nm3 dry at 3 % O2, CO ppm dry at the measured O2.
    pub nox_mg: f64,
    pub co_ppm: f64,
    pub co_max_ppm: f64,
    pub slabs: usize,
    /// Pyrometer reading below the aim less the window's lower edge, and when (hours into the
    /// counted run) with how far below the aim.
    pub under_heated: usize,
    pub under_heated_at: Vec<(f64, f64)>,
    /// Discharge temperature less aim, C: mean, standard deviation, lowest, highest.
    pub discharge_over_aim_mean: f64,
    pub discharge_over_aim_sd: f64,
    pub discharge_over_aim_min: f64,
    pub discharge_over_aim_max: f64,
    /// Mean surface-to-core difference at discharge, C.
    pub surface_core_mean: f64,
    /// Time-weighted mean setpoints.
    pub mean_zone_sp: Vec<f64>,
    pub mean_o2_sp: f64,
}

/// One suggestion in the optimised run, and what followed it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Applied {
    pub at_h: f64,
    pub zone_sp: Vec<f64>,
    pub o2_sp: f64,
    /// Mean fuel over the interval until the next suggestion: predicted, realised, and the
    /// baseline run's realised over the same interval.
    pub fuel_predicted: f64,
    pub fuel_realised: f64,
    pub fuel_baseline: f64,
    pub nox_predicted: f64,
    pub nox_realised: f64,
    pub solve_s: f64,
}

/// The saving split into where it comes from (percent of the baseline's fuel, by the model at
/// steady state from baseline to the optimised run's mean setpoints).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Sources {
    pub less_overheating_pct: f64,
    pub o2_trim_pct: f64,
    pub zone_profile_pct: f64,
}

/// The evaluation's report.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Report {
    pub scenario: String,
    pub hours: f64,
    pub seed: u64,
    pub baseline: RunFigures,
    pub optimised: RunFigures,
    pub fuel_change_pct: f64,
    pub nox_change_pct: f64,
    pub co2_change_t: f64,
    pub sources: Sources,
    /// Fuel saving against the baseline run, %: as the model predicted it for each interval
    /// and as realised; and the mean absolute error of each interval's predicted fuel.
    pub saving_predicted_pct: f64,
    pub saving_realised_pct: f64,
    pub fuel_prediction_error_pct: f64,
    pub suggestions: Vec<Applied>,
    /// Why the other runs gave no suggestion, with how often.
    pub no_suggestion: Vec<(String, usize)>,
    /// Runs without a suggestion that returned leaner setpoints to the standard practice.
    pub fallbacks: usize,
    pub solve_s_mean: f64,
    pub solve_s_max: f64,
}

/// Baseline practice: the simulator's default operating point (docs/OPTIMISER.md says why it
/// is typical).
pub fn baseline_decision() -> Decision {
    let s = SimSettings::typical(0, 0);
    Decision {
        zone_sp: s.zone_sp.to_vec(),
        o2_sp: s.o2_sp,
    }
}

/// Accumulates one run's figures second by second.
#[derive(Debug, Default)]
struct Tally {
    fuel_nm3: f64,
    steel_t: f64,
    nox_sum: f64,
    co_sum: f64,
    co_max: f64,
    n: f64,
    over_aim: Vec<f64>,
    surface_core: Vec<f64>,
    under: usize,
    under_at: Vec<(f64, f64)>,
    seconds: f64,
    last_slab: Option<u64>,
    sp_sum: Vec<f64>,
    o2_sp_sum: f64,
}

impl Tally {
    fn take(&mut self, sim: &Simulation, settings: &Settings, dt: f64) {
        let fuel: f64 = (0..3).map(|z| sim.read(Signal::ZoneFuel(z))).sum();
        self.fuel_nm3 += fuel * dt / 3600.0;
        self.seconds += dt;
        self.steel_t += sim.read(Signal::Throughput) * dt / 3600.0;
        let o2 = sim.read(Signal::O2);
        let nox_mg = sim.read(Signal::Nox) * 2.05 * (21.0 - 3.0) / (21.0 - o2).max(0.1);
        self.nox_sum += nox_mg;
        let co = sim.read(Signal::Co);
        self.co_sum += co;
        self.co_max = self.co_max.max(co);
        self.n += 1.0;
        if self.sp_sum.is_empty() {
            self.sp_sum = vec![0.0; 3];
        }
        for z in 0..3 {
            self.sp_sum[z] += sim.read(Signal::ZoneSetpoint(z));
        }
        self.o2_sp_sum += sim.read(Signal::O2Setpoint);
        if let Some(d) = sim.plant.last_discharged
            && self.last_slab != Some(d.id)
        {
            if self.last_slab.is_some() {
                let aim = sim
                    .grades()
                    .get(usize::from(d.grade))
                    .map_or(1200.0, |g| g.aim_c);
                self.over_aim.push(d.surface_c - aim);
                self.surface_core.push(d.surface_c - d.core_c);
                if d.surface_c < aim - settings.discharge_below_c {
                    self.under += 1;
                    self.under_at
                        .push((self.seconds / 3600.0, d.surface_c - aim));
                }
            }
            self.last_slab = Some(d.id);
        }
    }

    fn figures(&self, lhv: f64, co2_kg_per_nm3: f64) -> RunFigures {
        let n = self.n.max(1.0);
        let m = self.over_aim.len().max(1) as f64;
        let mean = self.over_aim.iter().sum::<f64>() / m;
        let sd = (self
            .over_aim
            .iter()
            .map(|x| (x - mean).powi(2))
            .sum::<f64>()
            / m)
            .sqrt();
        let co2_t = self.fuel_nm3 * co2_kg_per_nm3 / 1000.0;
        RunFigures {
            fuel_nm3: self.fuel_nm3,
            steel_t: self.steel_t,
            gj_per_t: if self.steel_t > 0.0 {
                self.fuel_nm3 * lhv / 1000.0 / self.steel_t
            } else {
                0.0
            },
            co2_t,
            kg_co2_per_t: if self.steel_t > 0.0 {
                co2_t * 1000.0 / self.steel_t
            } else {
                0.0
            },
            nox_mg: self.nox_sum / n,
            co_ppm: self.co_sum / n,
            co_max_ppm: self.co_max,
            slabs: self.over_aim.len(),
            under_heated: self.under,
            under_heated_at: self.under_at.clone(),
            discharge_over_aim_mean: mean,
            discharge_over_aim_sd: sd,
            discharge_over_aim_min: self.over_aim.iter().copied().fold(f64::NAN, f64::min),
            discharge_over_aim_max: self.over_aim.iter().copied().fold(f64::NAN, f64::max),
            surface_core_mean: self.surface_core.iter().sum::<f64>()
                / self.surface_core.len().max(1) as f64,
            mean_zone_sp: self.sp_sum.iter().map(|s| s / n).collect(),
            mean_o2_sp: self.o2_sp_sum / n,
        }
    }
}

/// A simulation of the scenario's plant, its events shifted to start with the counted hours.
/// Write setpoints to the simulated PLC, as an operator entering them would.
fn apply(sim: &mut Simulation, d: &crate::predict::Decision) {
    for (z, sp) in d.zone_sp.iter().enumerate() {
        sim.write(Signal::ZoneSetpoint(z), *sp);
    }
    sim.write(Signal::O2Setpoint, d.o2_sp);
}

fn simulation(scenario: &Scenario, opts: &Options) -> Simulation {
    let mut sim = Simulation::new(SimSettings::typical(opts.seed, 1_790_000_000_000));
    let lead_min = opts.history_h * 60.0;
    let mut s = scenario.clone();
    s.events = scenario
        .events
        .iter()
        .filter(|e| e.at_min <= opts.hours * 60.0)
        .map(|e| Event {
            at_min: e.at_min + lead_min,
            action: e.action.clone(),
        })
        .collect();
    sim.play(s);
    sim
}

/// The inputs as the simulator shows them: Good, with the register map's ranges for what has
/// one (an open thermocouple reads far above its range).
fn inputs(sim: &Simulation) -> Vec<Input> {
    let mut out = Vec::new();
    let mut add = |role: String, tag: &str, v: f64, range: Option<(f64, f64)>| {
        out.push(Input {
            role,
            tag: Some(tag.to_owned()),
            quality: match range {
                Some((lo, hi)) if v < lo || v > hi => Quality::UncertainEngineeringRange,
                _ => Quality::Good,
            },
            value: Some(v),
            range,
        })
    };
    for z in 0..3 {
        add(
            format!("zone {} temperature", z + 1),
            &format!("zone{}_temp", z + 1),
            sim.read(Signal::ZoneTemp(z)),
            Some((0.0, 1400.0)),
        );
        add(
            format!("zone {} fuel", z + 1),
            &format!("zone{}_fuel", z + 1),
            sim.read(Signal::ZoneFuel(z)),
            Some((0.0, 10_000.0)),
        );
    }
    add("O2".into(), "o2", sim.read(Signal::O2), Some((0.0, 21.0)));
    add(
        "combustion air".into(),
        "air_flow",
        sim.read(Signal::AirFlow),
        Some((0.0, 200_000.0)),
    );
    add(
        "NOx".into(),
        "nox",
        sim.read(Signal::Nox),
        Some((0.0, 1000.0)),
    );
    add(
        "air preheat".into(),
        "air_preheat_temp",
        sim.read(Signal::AirPreheatTemp),
        Some((0.0, 700.0)),
    );
    add(
        "discharge temperature".into(),
        "discharge_temp",
        sim.read(Signal::DischargeTemp),
        Some((600.0, 1400.0)),
    );
    add(
        "fuel heating value".into(),
        "fuel_lhv",
        sim.read(Signal::FuelLhv),
        Some((20.0, 50.0)),
    );
    out
}

/// Mean fuel the model predicts over the first `seconds` of a prediction's trajectory.
fn early_mean(
    p: &crate::predict::Prediction,
    seconds: f64,
    f: impl Fn(&crate::predict::TrajectoryPoint) -> f64,
) -> f64 {
    let pts: Vec<f64> = p
        .trajectory
        .iter()
        .filter(|t| t.at_s <= seconds + 1e-9)
        .map(f)
        .collect();
    if pts.is_empty() {
        f64::NAN
    } else {
        pts.iter().sum::<f64>() / pts.len() as f64
    }
}

/// Run the scenario twice, under baseline practice and under the optimiser, and compare.
pub fn evaluate(scenario: &Scenario, opts: &Options, mut log: impl FnMut(&str)) -> Report {
    let mut base = simulation(scenario, opts);
    let mut opt = simulation(scenario, opts);
    let lhv = base.base_lhv();
    let mut rec = Recorder::new(3, 60.0, lhv);
    let lead = (opts.history_h * 3600.0) as usize;
    for _ in 0..lead {
        base.step(1.0);
        opt.step(1.0);
        rec.sample(&opt, 1.0);
    }
    let mut tb = Tally::default();
    let mut to = Tally::default();
    let total = (opts.hours * 3600.0) as usize;
    let every = (opts.interval_min * 60.0).max(60.0) as usize;
    let keep = (opts.history_h * 60.0) as usize;
    let mut applied: Vec<Applied> = Vec::new();
    let mut none: Vec<(String, usize)> = Vec::new();
    let mut fallbacks = 0;
    // Fuel over the current interval in both runs, for realised against predicted.
    let (mut f_opt, mut f_base, mut nox_opt, mut n_int) = (0.0, 0.0, 0.0, 0.0);
    let mut progress_h = 0;

    let mut last_pace = f64::NAN;
    let mut since = every;
    for s in 0..total {
        // Every interval, and at once when the pace has changed (as level-2 systems do).
        let pace = opt.read(Signal::Throughput);
        let pace_moved = last_pace.is_finite()
            && (pace - last_pace).abs() > opts.pace_trigger_pct / 100.0 * last_pace.max(1.0)
            && since >= 120;
        if since >= every || pace_moved {
            since = 0;
            last_pace = pace;
            if let Some(last) = applied.last_mut()
                && n_int > 0.0
                && last.fuel_realised.is_nan()
            {
                last.fuel_realised = f_opt / n_int;
                last.fuel_baseline = f_base / n_int;
                last.nox_realised = nox_opt / n_int;
            }
            (f_opt, f_base, nox_opt, n_int) = (0.0, 0.0, 0.0, 0.0);
            let history = rec.last(keep);
            let ins = inputs(&opt);
            let req = Request {
                base: &opts.model,
                history: &history,
                inputs: &ins,
                settings: &opts.settings,
                limits: &opts.limits,
                timeout: opts.timeout,
                tradeoff: &[],
            };
            let t = Instant::now();
            match advise(&req, &Progress::default()) {
                Advice::Suggestion(sg) => {
                    let solve_s = t.elapsed().as_secs_f64();
                    tracing::debug!(
                        at_h = s as f64 / 3600.0,
                        worst_planned_over_aim = sg
                            .predicted
                            .discharged
                            .iter()
                            .map(|x| x.surface_c - x.aim_c)
                            .fold(f64::MAX, f64::min),
                        corrective = sg.corrective,
                        "shadow: suggestion applied"
                    );
                    apply(&mut opt, &sg.decision);
                    let interval = every as f64;
                    applied.push(Applied {
                        at_h: s as f64 / 3600.0,
                        zone_sp: sg.decision.zone_sp.clone(),
                        o2_sp: sg.decision.o2_sp,
                        fuel_predicted: early_mean(&sg.predicted, interval, |t| t.fuel_nm3h),
                        fuel_realised: f64::NAN,
                        fuel_baseline: f64::NAN,
                        nox_predicted: sg.predicted.nox_mg,
                        nox_realised: f64::NAN,
                        solve_s,
                    });
                }
                Advice::None {
                    reasons, fallback, ..
                } => {
                    // The operators take the way back to standard practice when it is given.
                    if let Some(back) = &fallback {
                        apply(&mut opt, &back.to);
                        fallbacks += 1;
                    }
                    let r = reasons.join("; ");
                    tracing::debug!(at_h = s as f64 / 3600.0, reasons = %r, "shadow: no suggestion");
                    // Group by the reason's kind, not its figures.
                    let key: String = r.split(['(', ':']).next().unwrap_or(&r).trim().to_owned();
                    match none.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, n)) => *n += 1,
                        None => none.push((key, 1)),
                    }
                }
                Advice::Cancelled => {}
            }
        }
        since += 1;
        base.step(1.0);
        opt.step(1.0);
        rec.sample(&opt, 1.0);
        tb.take(&base, &opts.settings, 1.0);
        to.take(&opt, &opts.settings, 1.0);
        f_opt += (0..3).map(|z| opt.read(Signal::ZoneFuel(z))).sum::<f64>();
        f_base += (0..3).map(|z| base.read(Signal::ZoneFuel(z))).sum::<f64>();
        let o2 = opt.read(Signal::O2);
        nox_opt += opt.read(Signal::Nox) * 2.05 * 18.0 / (21.0 - o2).max(0.1);
        n_int += 1.0;
        let h = s / 3600;
        if h > progress_h {
            progress_h = h;
            log(&format!(
                "{h} h of {:.0}: {} suggestions applied",
                opts.hours,
                applied.len()
            ));
        }
    }
    if let Some(last) = applied.last_mut()
        && n_int > 0.0
        && last.fuel_realised.is_nan()
    {
        last.fuel_realised = f_opt / n_int;
        last.fuel_baseline = f_base / n_int;
        last.nox_realised = nox_opt / n_int;
    }

    let co2 = opts.settings.co2_kg_per_nm3;
    let b = tb.figures(lhv, co2);
    let o = to.figures(lhv, co2);
    let pct = |a: f64, b: f64| if a != 0.0 { 100.0 * (b - a) / a } else { 0.0 };
    let done: Vec<&Applied> = applied
        .iter()
        .filter(|a| a.fuel_realised.is_finite() && a.fuel_predicted.is_finite())
        .collect();
    let mean = |f: &dyn Fn(&Applied) -> f64| {
        if done.is_empty() {
            f64::NAN
        } else {
            done.iter().map(|a| f(a)).sum::<f64>() / done.len() as f64
        }
    };
    let saving_predicted =
        mean(&|a| 100.0 * (a.fuel_baseline - a.fuel_predicted) / a.fuel_baseline);
    let saving_realised = mean(&|a| 100.0 * (a.fuel_baseline - a.fuel_realised) / a.fuel_baseline);
    let fuel_err = mean(&|a| 100.0 * (a.fuel_predicted - a.fuel_realised).abs() / a.fuel_realised);
    let solve: Vec<f64> = applied.iter().map(|a| a.solve_s).collect();
    Report {
        scenario: scenario.name.clone(),
        hours: opts.hours,
        seed: opts.seed,
        fuel_change_pct: pct(
            b.fuel_nm3 / b.steel_t.max(1e-9),
            o.fuel_nm3 / o.steel_t.max(1e-9),
        ),
        nox_change_pct: pct(b.nox_mg, o.nox_mg),
        co2_change_t: o.co2_t - b.co2_t,
        sources: sources(opts, &b, &o, lhv),
        saving_predicted_pct: saving_predicted,
        saving_realised_pct: saving_realised,
        fuel_prediction_error_pct: fuel_err,
        solve_s_mean: solve.iter().sum::<f64>() / solve.len().max(1) as f64,
        solve_s_max: solve.iter().copied().fold(0.0, f64::max),
        suggestions: applied,
        no_suggestion: none,
        fallbacks,
        baseline: b,
        optimised: o,
    }
}

/// Split the saving by the model at steady state: from the baseline setpoints, first a uniform
/// shift of every zone that gives the optimised run's discharge temperature (less overheating),
/// then the rest of the zone change (the profile), then O2.
fn sources(opts: &Options, b: &RunFigures, o: &RunFigures, lhv: f64) -> Sources {
    let p = &opts.model;
    let pace = if b.steel_t > 0.0 {
        b.steel_t / opts.hours
    } else {
        300.0
    };
    let at = |zones: &[f64], o2: f64| {
        let d = Decision {
            zone_sp: zones.to_vec(),
            o2_sp: o2,
        };
        let s = settle(p, &d, pace, 20.0, 1200.0, lhv);
        let pr = predict(p, &s, &d);
        let dis = pr.discharged.iter().map(|x| x.surface_c).sum::<f64>()
            / pr.discharged.len().max(1) as f64;
        (pr.fuel_nm3h, dis)
    };
    if b.mean_zone_sp.len() != o.mean_zone_sp.len() || b.mean_zone_sp.is_empty() {
        return Sources::default();
    }
    let (f0, _) = at(&b.mean_zone_sp, b.mean_o2_sp);
    let (f_zones, d_target) = at(&o.mean_zone_sp, b.mean_o2_sp);
    let (f_all, _) = at(&o.mean_zone_sp, o.mean_o2_sp);
    // The uniform shift that gives the same discharge temperature, by bisection.
    let (mut lo, mut hi) = (-150.0, 50.0);
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        let z: Vec<f64> = b.mean_zone_sp.iter().map(|x| x + mid).collect();
        if at(&z, b.mean_o2_sp).1 < d_target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let z: Vec<f64> = b.mean_zone_sp.iter().map(|x| x + 0.5 * (lo + hi)).collect();
    let (f_shift, _) = at(&z, b.mean_o2_sp);
    let pct = |a: f64, c: f64| 100.0 * (a - c) / f0;
    Sources {
        less_overheating_pct: pct(f0, f_shift),
        zone_profile_pct: pct(f_shift, f_zones),
        o2_trim_pct: pct(f_zones, f_all),
    }
}

impl Options {
    /// The options a plant config gives (its `[optimiser]` section), for `hours` and `seed`.
    pub fn from_config(config: &hearth_model::config::Config, hours: f64, seed: u64) -> Options {
        let o = &config.optimiser;
        Options {
            hours,
            seed,
            interval_min: o.interval_min,
            pace_trigger_pct: o.pace_trigger_pct,
            history_h: o.history_h,
            settings: Settings::from_config(config),
            limits: FitLimits::default(),
            model: ModelParams::from_plant(&PlantParams::default()),
            timeout: Duration::from_secs_f64(o.timeout_s),
        }
    }
}

impl Report {
    /// The report as Markdown: both runs side by side, the difference, where the saving comes
    /// from, predicted against realised, and every suggestion applied.
    pub fn markdown(&self) -> String {
        use std::fmt::Write;
        let (b, o) = (&self.baseline, &self.optimised);
        let mut s = String::new();
        let _ = writeln!(s, "# Shadow-mode evaluation: {}\n", self.scenario);
        let _ = writeln!(
            s,
            "{:.1} plant hours, seed {}. Baseline practice: setpoints {} C, O2 {:.1} %. The optimised run calibrated on the recorded history and applied {} suggestions.\n",
            self.hours,
            self.seed,
            b.mean_zone_sp
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(" / "),
            b.mean_o2_sp,
            self.suggestions.len()
        );
        let _ = writeln!(s, "| | baseline | optimised | change |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        let mut row = |name: &str, a: f64, c: f64, digits: usize| {
            let _ = writeln!(
                s,
                "| {name} | {a:.digits$} | {c:.digits$} | {:+.digits$} |",
                c - a
            );
        };
        row("fuel, Nm3", b.fuel_nm3, o.fuel_nm3, 0);
        row("steel, t", b.steel_t, o.steel_t, 0);
        row("GJ/t (LHV)", b.gj_per_t, o.gj_per_t, 3);
        row("CO2, t", b.co2_t, o.co2_t, 1);
        row("kg CO2/t", b.kg_co2_per_t, o.kg_co2_per_t, 1);
        row("NOx, mg/Nm3 at 3 % O2 (mean)", b.nox_mg, o.nox_mg, 0);
        row("CO, ppm (mean)", b.co_ppm, o.co_ppm, 0);
        row("CO, ppm (highest)", b.co_max_ppm, o.co_max_ppm, 0);
        row("slabs discharged", b.slabs as f64, o.slabs as f64, 0);
        row(
            "slabs under-heated",
            b.under_heated as f64,
            o.under_heated as f64,
            0,
        );
        row(
            "discharge - aim, C (mean)",
            b.discharge_over_aim_mean,
            o.discharge_over_aim_mean,
            1,
        );
        row(
            "discharge - aim, C (sd)",
            b.discharge_over_aim_sd,
            o.discharge_over_aim_sd,
            1,
        );
        row(
            "discharge - aim, C (lowest)",
            b.discharge_over_aim_min,
            o.discharge_over_aim_min,
            1,
        );
        row(
            "discharge - aim, C (highest)",
            b.discharge_over_aim_max,
            o.discharge_over_aim_max,
            1,
        );
        row(
            "surface - core at discharge, C",
            b.surface_core_mean,
            o.surface_core_mean,
            1,
        );
        row("O2 setpoint, % (mean)", b.mean_o2_sp, o.mean_o2_sp, 2);
        for (z, (a, c)) in b.mean_zone_sp.iter().zip(&o.mean_zone_sp).enumerate() {
            row(&format!("zone {} setpoint, C (mean)", z + 1), *a, *c, 0);
        }
        let _ = writeln!(
            s,
            "\n**Fuel per tonne {:+.1} %, NOx {:+.1} %, CO2 {:+.1} t.**\n",
            self.fuel_change_pct, self.nox_change_pct, self.co2_change_t
        );
        let _ = writeln!(
            s,
            "Where the saving comes from (the model at steady state, % of the baseline's fuel): less discharge overheating {:.1}, O2 trim {:.1}, zone temperature profile {:.1}.\n",
            self.sources.less_overheating_pct,
            self.sources.o2_trim_pct,
            self.sources.zone_profile_pct
        );
        let _ = writeln!(
            s,
            "Predicted against realised, interval by interval: fuel saving against the baseline run {:.1} % predicted, {:.1} % realised; each interval's fuel predicted within {:.1} % (mean absolute error).\n",
            self.saving_predicted_pct, self.saving_realised_pct, self.fuel_prediction_error_pct
        );
        let _ = writeln!(
            s,
            "Solve time per suggestion: mean {:.2} s, longest {:.2} s.\n",
            self.solve_s_mean, self.solve_s_max
        );
        if !self.no_suggestion.is_empty() {
            let _ = writeln!(s, "Runs without a suggestion:\n");
            for (r, n) in &self.no_suggestion {
                let _ = writeln!(s, "- {n} x {r}");
            }
            let _ = writeln!(s);
            if self.fallbacks > 0 {
                let _ = writeln!(
                    s,
                    "{} of them returned setpoints leaner than the standard practice to it.\n",
                    self.fallbacks
                );
            }
        }
        if !o.under_heated_at.is_empty() {
            let _ = writeln!(
                s,
                "Under-heated slabs in the optimised run (hour, C below aim):\n"
            );
            for (h, d) in &o.under_heated_at {
                let _ = writeln!(s, "- {h:.2} h: {d:.1} C");
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "## Suggestions applied\n");
        let _ = writeln!(
            s,
            "| hour | zone setpoints, C | O2, % | fuel predicted | realised | baseline | NOx predicted | realised | solve, s |"
        );
        let _ = writeln!(s, "|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for a in &self.suggestions {
            let _ = writeln!(
                s,
                "| {:.2} | {} | {:.2} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.2} |",
                a.at_h,
                a.zone_sp
                    .iter()
                    .map(|v| format!("{v:.0}"))
                    .collect::<Vec<_>>()
                    .join(" / "),
                a.o2_sp,
                a.fuel_predicted,
                a.fuel_realised,
                a.fuel_baseline,
                a.nox_predicted,
                a.nox_realised,
                a.solve_s
            );
        }
        s
    }
}
