//! Calibration from history: the parameters that matter and drift, fitted by least squares
//! (argmin's Gauss-Newton) to the last hours the historian holds, and the fit reported tag by tag.
//!
//! The model is run over the history with the measured zone temperatures, pace and charge
//! temperature as inputs, tracking every slab charged, and is asked for what the plant measured
//! besides: each zone's fuel (from its heat balance), the combustion air, the air preheat (from
//! the measured recuperator inlet), NOx and the discharge pyrometer. Fitted: the wall and skid
//! losses (one factor: both go with the zone temperature, so history cannot tell them apart),
//! the radiation factors, the recuperator's effectiveness, the NOx coefficient and the O2
//! analyser's bias. The same run leaves the slabs' present temperatures, which the optimiser
//! starts from.

use argmin::core::{Error as ArgminError, Executor, Jacobian, Operator, State};
use argmin::solver::gaussnewton::GaussNewton;
use nalgebra::{DMatrix, DVector};

use hearth_model::physics::{
    SlabFaces, heat_layers, lambda_from_o2, nox_mg_at_3pct, wet_flue_gas_per_fuel,
};

use crate::params::{Calibration, ModelParams};
use crate::predict::{Decision, FurnaceState, TrackedSlab, full_residence_s, settle, zone_balance};

/// Evenly spaced history, oldest first (the historian's minute means). NaN marks a gap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub step_s: f64,
    /// Per zone, charge end first, then per step.
    pub zone_c: Vec<Vec<f64>>,
    pub zone_sp: Vec<Vec<f64>>,
    pub zone_fuel_nm3h: Vec<Vec<f64>>,
    pub air_nm3h: Vec<f64>,
    /// The analyser's reading, % dry.
    pub o2_pct: Vec<f64>,
    pub o2_sp: Vec<f64>,
    /// NOx as the analyser reads it, ppm dry at the measured O2.
    pub nox_ppm: Vec<f64>,
    /// Recuperator inlet (after the dilution air), C.
    pub flue_c: Vec<f64>,
    pub air_preheat_c: Vec<f64>,
    /// The discharge pyrometer (it holds each slab's reading until the next) and the aim of the
    /// slab it read.
    pub discharge_c: Vec<f64>,
    pub discharge_aim_c: Vec<f64>,
    /// The aim of the slab last charged (level 2's figure), so each tracked slab carries its
    /// own; where it is missing, the last discharge aim stands in.
    pub charge_aim_c: Vec<f64>,
    pub pace_tph: Vec<f64>,
    pub charge_temp_c: Vec<f64>,
    /// The fuel's heating value as measured (a calorimeter or gas chromatograph, the
    /// `fuel_lhv` role), MJ/Nm3 (LHV); empty, or gaps, where there is none.
    pub lhv: Vec<f64>,
    /// The configured heating value, standing in wherever `lhv` has no reading.
    pub lhv_mj_per_nm3: f64,
    /// The setpoints the PLC holds now, per zone and for O2, where they read Good when the
    /// history was gathered: a write made seconds ago is in no minute's mean yet. `None` (or
    /// empty) where the history's last value stands in.
    pub zone_sp_now: Vec<Option<f64>>,
    pub o2_sp_now: Option<f64>,
}

impl History {
    pub fn len(&self) -> usize {
        self.pace_tph.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last value of a series that is not a gap.
    pub fn last(v: &[f64]) -> Option<f64> {
        v.iter().rev().copied().find(|x| x.is_finite())
    }

    /// Zone `z`'s setpoint in use: the PLC's now where it was read, else the history's last.
    pub fn zone_sp_in_use(&self, z: usize) -> Option<f64> {
        self.zone_sp_now
            .get(z)
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
            .or_else(|| self.zone_sp.get(z).and_then(|v| Self::last(v)))
    }

    /// The O2 setpoint in use, as [`zone_sp_in_use`](Self::zone_sp_in_use).
    pub fn o2_sp_in_use(&self) -> Option<f64> {
        self.o2_sp_now
            .filter(|v| v.is_finite())
            .or_else(|| Self::last(&self.o2_sp))
    }

    /// The heating value at step `i`: measured where there is a plausible reading.
    pub fn lhv_at(&self, i: usize) -> f64 {
        self.lhv
            .get(i)
            .copied()
            .filter(|v| plausible_lhv(*v))
            .unwrap_or(self.lhv_mj_per_nm3)
    }

    /// The heating value now: the last plausible reading, else the configured figure.
    pub fn lhv_now(&self) -> f64 {
        self.lhv
            .iter()
            .rev()
            .copied()
            .find(|v| plausible_lhv(*v))
            .unwrap_or(self.lhv_mj_per_nm3)
    }
}

/// A heating value a fuel gas can have, MJ/Nm3 (LHV): coke-oven gas is about 17, natural gas 32
/// to 40, LPG near 90. Anything else is a failed reading, and the configured figure stands in.
fn plausible_lhv(v: f64) -> bool {
    v.is_finite() && (5.0..=120.0).contains(&v)
}

/// The fit of one measured tag: root-mean-square and mean residual (model less measured) in the
/// tag's unit, over `n` points, against the limit a usable fit must keep.
#[derive(Debug, Clone, PartialEq)]
pub struct TagFit {
    pub role: String,
    pub unit: &'static str,
    pub rms: f64,
    pub bias: f64,
    pub n: usize,
    /// Points left out as upsets (see [`OUTLIER_SIGMAS`]).
    pub excluded: usize,
    pub limit: f64,
}

/// More upsets than this share of a tag's points, and its fit is not trusted.
const MAX_EXCLUDED: f64 = 0.2;

impl TagFit {
    pub fn ok(&self) -> bool {
        self.n > 0
            && self.rms <= self.limit
            && (self.excluded as f64) <= MAX_EXCLUDED * (self.n + self.excluded) as f64
    }
}

/// A calibration and how well it fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub calibration: Calibration,
    /// One standard deviation of each fitted value, in the order of [`Fit::names`].
    pub sigma: [f64; 5],
    pub tags: Vec<TagFit>,
    /// The discharge residuals' RMS, C: how far the model's discharge temperatures are off,
    /// kept as margin on the discharge window.
    pub spread_c: f64,
    pub iterations: u64,
}

impl Fit {
    pub const NAMES: [&'static str; 5] = [
        "wall and skid losses",
        "radiation factors",
        "recuperator effectiveness",
        "NOx coefficient",
        "O2 analyser bias",
    ];

    /// Why the fit is too poor to optimise on, tag by tag; empty when it is good enough.
    pub fn problems(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter(|t| !t.ok())
            .map(|t| {
                if t.n == 0 {
                    format!("{}: no data to fit", t.role)
                } else if t.rms <= t.limit {
                    format!(
                        "{}: {} of {} points are upsets the model does not follow",
                        t.role,
                        t.excluded,
                        t.n + t.excluded
                    )
                } else {
                    format!(
                        "{}: the model is off by {:.1} {} RMS (at most {:.1} allowed)",
                        t.role, t.rms, t.unit, t.limit
                    )
                }
            })
            .collect()
    }
}

/// Why a calibration could not be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CalibrationError {
    #[error("{0} of history is too short: at least {1:.1} h is needed (a residence and an hour)")]
    TooShort(String, f64),
    #[error("the history's series have different lengths")]
    Ragged,
    #[error("the least-squares fit failed: {0}")]
    Solver(String),
    #[error("too little good data: {0}")]
    Gaps(String),
}

/// Minutes over which the O2 analyser is checked against the air/fuel ratio, and how far (in
/// points of O2, beyond the fitted bias) it may disagree.
const RECENT_O2_MIN: usize = 15;
const O2_DRIFT_LIMIT: f64 = 0.3;

/// The analyser's reading less the O2 the measured air and fuel imply, less the fitted bias,
/// averaged over the last `minutes` with data; None without data.
fn recent_o2_disagreement(p: &ModelParams, h: &History, minutes: usize) -> Option<f64> {
    let n = h.len();
    let mut sum = 0.0;
    let mut k = 0.0;
    for i in n.saturating_sub(minutes)..n {
        let fuel: f64 = h
            .zone_fuel_nm3h
            .iter()
            .map(|z| z.get(i).copied().unwrap_or(f64::NAN))
            .sum();
        let air = h.air_nm3h.get(i).copied().unwrap_or(f64::NAN);
        let o2 = h.o2_pct.get(i).copied().unwrap_or(f64::NAN);
        if fuel > 0.0 && air.is_finite() && o2.is_finite() {
            let implied = hearth_model::physics::o2_from_lambda(air / (p.a0 * fuel));
            sum += o2 - implied - p.o2_bias_pct;
            k += 1.0;
        }
    }
    (k > 0.0).then(|| sum / k)
}

/// Each series the model needs must have good data in at least this share of the window.
const MIN_COVERAGE: f64 = 0.8;

/// The series with good data in less than `min` of the window, by what the model uses them for.
pub fn coverage_problems(h: &History, min: f64) -> Vec<String> {
    let n = h.len().max(1) as f64;
    let mut series: Vec<(String, &Vec<f64>)> = Vec::new();
    for (z, v) in h.zone_c.iter().enumerate() {
        series.push((format!("zone {} temperature", z + 1), v));
    }
    for (z, v) in h.zone_fuel_nm3h.iter().enumerate() {
        series.push((format!("zone {} fuel", z + 1), v));
    }
    series.extend([
        ("combustion air".to_owned(), &h.air_nm3h),
        ("O2".to_owned(), &h.o2_pct),
        ("NOx".to_owned(), &h.nox_ppm),
        ("flue temperature".to_owned(), &h.flue_c),
        ("air preheat".to_owned(), &h.air_preheat_c),
        ("discharge temperature".to_owned(), &h.discharge_c),
        ("throughput".to_owned(), &h.pace_tph),
        ("charge temperature".to_owned(), &h.charge_temp_c),
    ]);
    series
        .into_iter()
        .filter_map(|(role, v)| {
            let good = v.iter().filter(|x| x.is_finite()).count() as f64 / n;
            (good < min).then(|| {
                format!(
                    "{role} has good data in {:.0} % of the last {:.1} h ({:.0} % needed)",
                    good * 100.0,
                    n * h.step_s / 3600.0,
                    min * 100.0
                )
            })
        })
        .collect()
}

/// Noise of each measurement (the scale of its residuals), and the fit limits.
const FUEL_REL: f64 = 0.01;
const FUEL_ABS: f64 = 20.0;
const AIR_REL: f64 = 0.01;
const AP_C: f64 = 3.0;
const NOX_REL: f64 = 0.03;
const DISCHARGE_C: f64 = 5.0;

/// One tag's residuals: its role, unit, and (index in the scaled residuals, value in the unit).
type TagResiduals = (String, &'static str, Vec<(usize, f64)>);

/// What one run of the model over the history gives.
struct Run {
    /// Scaled residuals, in a fixed order and length.
    residuals: Vec<f64>,
    /// Residuals in engineering units by tag: (role, unit, (index in `residuals`, value)).
    by_tag: Vec<TagResiduals>,
    state: FurnaceState,
}

fn theta_to_calibration(t: &[f64]) -> Calibration {
    let f = |x: f64| x.clamp(-1.2, 1.2).exp();
    Calibration {
        wall_loss: f(t[0]),
        skid_loss: f(t[0]),
        radiation: f(t[1]),
        recuperator: f(t[2]),
        nox: f(t[3]),
        o2_bias_pct: t[4].clamp(-1.5, 1.5),
    }
}

/// Run the model over the history under `params` (already calibrated).
fn run(params: &ModelParams, h: &History) -> Run {
    let p = params;
    let nz = p.zones.len().min(h.zone_c.len());
    let n = h.len();
    let dt = h.step_s;
    let t0 = p.ambient_c;
    let face_m2 = p.slab_width_m * p.slab_length_m;
    let slab_kg = p.slab_kg();
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    let first = |v: &[f64], d: f64| v.iter().copied().find(|x| x.is_finite()).unwrap_or(d);

    // Slabs at the start are not known: the furnace settled under the first hour's conditions
    // stands in, and the discharges it decides are not judged (see `judged_from`).
    let start = Decision {
        zone_sp: (0..nz).map(|z| first(&h.zone_c[z], 1200.0)).collect(),
        o2_sp: first(&h.o2_pct, 3.0),
    };
    let pace0 = first(&h.pace_tph, 300.0);
    let charge0 = first(&h.charge_temp_c, 20.0);
    let aim0 = first(&h.discharge_aim_c, 1200.0);
    let mut state = settle(p, &start, pace0, charge0, aim0, h.lhv_at(0));
    let judged_from = full_residence_s(p, &state, pace0.max(50.0)) / dt;
    let faces: Vec<SlabFaces> = p.zones[..nz]
        .iter()
        .map(|z| SlabFaces {
            phi_top: z.phi_top,
            phi_bottom: z.phi_bottom,
            thickness_m: p.slab_thickness_m,
            density: p.steel_density,
            newton_steps: 3,
        })
        .collect();

    let mut fuel_r: Vec<Vec<(usize, f64)>> = vec![Vec::with_capacity(n); nz];
    let mut air_r = Vec::with_capacity(n);
    let mut ap_r = Vec::with_capacity(n);
    let mut nox_r = Vec::with_capacity(n);
    let mut dis_r = Vec::with_capacity(n);
    let mut residuals = Vec::with_capacity(n * (nz + 4));
    let mut ap = first(&h.air_preheat_c, 480.0);
    let mut held_surface = f64::NAN;
    let mut zone_now: Vec<f64> = start.zone_sp.clone();
    let mut q_steel = vec![0.0; nz];
    let mut last_pace = pace0;
    let mut last_charge = charge0;
    let mut last_aim = aim0;

    for i in 0..n {
        let zc: Vec<f64> = (0..nz)
            .map(|z| {
                let v = at(&h.zone_c[z], i);
                if v.is_finite() { v } else { zone_now[z] }
            })
            .collect();
        let pace = Some(at(&h.pace_tph, i))
            .filter(|v| v.is_finite())
            .unwrap_or(last_pace);
        let charge = Some(at(&h.charge_temp_c, i))
            .filter(|v| v.is_finite())
            .unwrap_or(last_charge);
        // Which slab the plant charged when is known to the minute, and the model's charges
        // need not fall in the same minute: a slab takes the highest aim charged within a
        // slab's time of it, so none is planned below its own.
        let pitch_steps = (slab_kg / (pace.max(50.0) * 1000.0 / 3600.0) / dt).ceil() as usize;
        let lo = i.saturating_sub(pitch_steps);
        let hi = (i + pitch_steps).min(n.saturating_sub(1));
        let charged = (lo..=hi)
            .map(|k| at(&h.charge_aim_c, k))
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(f64::NAN, f64::max);
        let aim = [charged, at(&h.discharge_aim_c, i)]
            .into_iter()
            .find(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(last_aim);
        (last_pace, last_charge, last_aim) = (pace, charge, aim);

        q_steel.iter_mut().for_each(|q| *q = 0.0);
        for (k, slab) in state.slabs.iter_mut().enumerate() {
            let z = p.zone_of(k).min(nz - 1);
            q_steel[z] += heat_layers(&mut slab.h, &faces[z], zc[z], dt) * face_m2;
        }
        state.discharge_due_kg += pace.max(0.0) * 1000.0 / 3600.0 * dt;
        while state.discharge_due_kg >= slab_kg && !state.slabs.is_empty() {
            state.discharge_due_kg -= slab_kg;
            if let Some(leaving) = state.slabs.pop() {
                let zl = nz - 1;
                held_surface = hearth_model::physics::face(
                    p.zones[zl].phi_top,
                    zc[zl],
                    hearth_model::physics::steel_temperature(leaving.h[0]),
                    p.slab_thickness_m / crate::predict::MODEL_LAYERS as f64,
                    3,
                )
                .0;
            }
            state.slabs.insert(0, TrackedSlab::at(charge, aim));
        }

        let o2_meas = at(&h.o2_pct, i);
        let o2_true = (o2_meas - p.o2_bias_pct).max(0.05);
        let lambda = lambda_from_o2(o2_true);
        let wfg = wet_flue_gas_per_fuel(lambda);
        let ap_meas = at(&h.air_preheat_c, i);
        let ap_in = if ap_meas.is_finite() { ap_meas } else { ap };
        let fuel_meas: Vec<f64> = (0..nz).map(|z| at(&h.zone_fuel_nm3h[z], i)).collect();
        let mut gas_in = 0.0;
        let mut gas_in_t = t0;
        for z in (0..nz).rev() {
            let zp = &p.zones[z];
            let tz = zc[z];
            let prev = if i > 0 {
                at(&h.zone_c[z], i - 1)
            } else {
                f64::NAN
            };
            let dtdt = if prev.is_finite() {
                (tz - prev) / dt
            } else {
                0.0
            };
            let infiltration = if z == 0 { p.infiltration_nm3_s } else { 0.0 };
            let (per_fuel, holding) = zone_balance(
                p,
                z,
                tz,
                (gas_in, gas_in_t),
                q_steel[z],
                ap_in,
                lambda,
                h.lhv_at(i),
            );
            let other = holding + zp.capacity_mj_per_k * 1e6 * dtdt;
            let model = other / per_fuel * 3600.0;
            let meas = fuel_meas[z];
            let r = model - meas;
            let scale = FUEL_REL * meas.abs() + FUEL_ABS;
            push(
                &mut residuals,
                &mut fuel_r[z],
                r,
                scale,
                i as f64 >= judged_from,
            );
            // Downstream gas as measured, so one zone's error does not run into the next.
            let f = if meas.is_finite() { meas } else { model } / 3600.0;
            gas_in += f * wfg + infiltration;
            gas_in_t = tz;
        }
        let fuel_total: f64 = fuel_meas.iter().sum();
        let air_model = p.a0 * lambda * fuel_total;
        let air_meas = at(&h.air_nm3h, i);
        push(
            &mut residuals,
            &mut air_r,
            air_model - air_meas,
            AIR_REL * air_meas.abs() + 50.0,
            true,
        );

        let flue = at(&h.flue_c, i);
        if flue.is_finite() {
            ap += (t0 + p.recuperator_eps * (flue - t0) - ap)
                * (1.0 - (-dt / p.recuperator_tau_s).exp());
        }
        // The recuperator's lag needs a time constant or two to forget where it started.
        let ap_judged = i as f64 * dt >= 3.0 * p.recuperator_tau_s;
        push(&mut residuals, &mut ap_r, ap - ap_meas, AP_C, ap_judged);

        let zmax = zc.iter().copied().fold(f64::MIN, f64::max);
        let nox_mg = nox_mg_at_3pct(p.nox_n0_mg, ap_in, zmax, o2_true);
        let nox_model = nox_mg / 2.05 * (21.0 - o2_true) / (21.0 - 3.0);
        let nox_meas = at(&h.nox_ppm, i);
        push(
            &mut residuals,
            &mut nox_r,
            nox_model - nox_meas,
            NOX_REL * nox_meas.abs() + 1.0,
            true,
        );

        let dis_meas = at(&h.discharge_c, i);
        push(
            &mut residuals,
            &mut dis_r,
            held_surface - dis_meas,
            DISCHARGE_C,
            i as f64 >= judged_from,
        );
        zone_now = zc;
    }

    // The state now, for the optimiser: measured zones, the slabs as tracked.
    state.zone_c = zone_now;
    state.zone_sp = (0..nz)
        .map(|z| h.zone_sp_in_use(z).unwrap_or(state.zone_c[z]))
        .collect();
    state.o2_sp = h.o2_sp_in_use().unwrap_or(state.o2_sp);
    state.air_preheat_c = History::last(&h.air_preheat_c).unwrap_or(ap);
    state.pace_tph = last_pace;
    state.charge_temp_c = last_charge;
    state.charge_aim_c = last_aim;
    state.lhv_mj_per_nm3 = h.lhv_now();

    let mut by_tag: Vec<TagResiduals> = fuel_r
        .into_iter()
        .enumerate()
        .map(|(z, r)| (format!("zone {} fuel", z + 1), "Nm3/h", r))
        .collect();
    by_tag.push(("combustion air".into(), "Nm3/h", air_r));
    by_tag.push(("air preheat".into(), "C", ap_r));
    by_tag.push(("NOx".into(), "ppm", nox_r));
    by_tag.push(("discharge temperature".into(), "C", dis_r));
    Run {
        residuals,
        by_tag,
        state,
    }
}

/// One residual: scaled into the fit (0 for a gap or before it is judged, so the vector keeps
/// its shape), and in engineering units for the report.
fn push(all: &mut Vec<f64>, tag: &mut Vec<(usize, f64)>, r: f64, scale: f64, judged: bool) {
    if judged && r.is_finite() && scale > 0.0 {
        tag.push((all.len(), r));
        all.push(r / scale);
    } else {
        all.push(0.0);
    }
}

struct LeastSquares<'a> {
    base: &'a ModelParams,
    history: &'a History,
    /// 0 for residuals left out of the fit (outliers of the first pass), else 1.
    weights: Option<&'a [f64]>,
}

impl LeastSquares<'_> {
    fn residuals(&self, theta: &[f64]) -> Vec<f64> {
        let mut r = run(
            &self.base.calibrated(&theta_to_calibration(theta)),
            self.history,
        )
        .residuals;
        if let Some(w) = self.weights {
            r.iter_mut().zip(w).for_each(|(r, w)| *r *= w);
        }
        r.extend(theta.iter().zip(PRIOR_SD).map(|(t, sd)| t / sd));
        r
    }
}

/// A weak prior on each fitted value around the plant's nominal figures (log factors 0, O2 bias
/// 0), as one residual each: against the thousands of measured residuals it moves a fit by
/// hundredths, but it keeps the normal equations solvable when the data say nothing about a
/// value (every NOx or O2 reading left out as an upset, say). Without it Gauss-Newton stopped
/// on a singular matrix, and the engineer was told that instead of which data were the trouble.
const PRIOR_SD: [f64; 5] = [0.5, 0.5, 0.5, 0.5, 1.0];

/// A residual further than this many robust standard deviations (1.4826 MAD) from its tag's
/// median is an upset (a burner trip, a delay's transient) and is left out of the second pass.
const OUTLIER_SIGMAS: f64 = 5.0;

/// Weights leaving out each tag's outliers, from one run's scaled residuals.
fn robust_weights(run: &Run) -> Vec<f64> {
    let mut w = vec![1.0; run.residuals.len()];
    for (_, _, rs) in &run.by_tag {
        let mut scaled: Vec<f64> = rs.iter().map(|(i, _)| run.residuals[*i]).collect();
        if scaled.len() < 10 {
            continue;
        }
        scaled.sort_by(f64::total_cmp);
        let med = scaled[scaled.len() / 2];
        let mut dev: Vec<f64> = scaled.iter().map(|x| (x - med).abs()).collect();
        dev.sort_by(f64::total_cmp);
        let sd = (1.4826 * dev[dev.len() / 2]).max(0.5);
        for (i, _) in rs {
            if (run.residuals[*i] - med).abs() > OUTLIER_SIGMAS * sd {
                w[*i] = 0.0;
            }
        }
    }
    w
}

/// Gauss-Newton from `start`; the best parameters and the iterations taken.
fn gauss_newton(
    problem: LeastSquares<'_>,
    start: DVector<f64>,
) -> Result<(DVector<f64>, u64), CalibrationError> {
    let solver = GaussNewton::new()
        .with_tolerance(1e-6)
        .map_err(|e| CalibrationError::Solver(e.to_string()))?;
    let res = Executor::new(problem, solver)
        .configure(|s| s.param(start).max_iters(25))
        .run()
        .map_err(|e| CalibrationError::Solver(e.to_string()))?;
    let state = res.state();
    let theta = state
        .get_best_param()
        .cloned()
        .ok_or_else(|| CalibrationError::Solver("no parameters".into()))?;
    Ok((theta, state.get_iter()))
}

/// Finite-difference steps of the fitted values (log factors, then the O2 bias in points).
const STEPS: [f64; 5] = [1e-3, 1e-3, 1e-3, 1e-3, 2e-3];

impl Operator for LeastSquares<'_> {
    type Param = DVector<f64>;
    type Output = DVector<f64>;

    fn apply(&self, t: &Self::Param) -> Result<Self::Output, ArgminError> {
        Ok(DVector::from_vec(self.residuals(t.as_slice())))
    }
}

impl Jacobian for LeastSquares<'_> {
    type Param = DVector<f64>;
    type Jacobian = DMatrix<f64>;

    fn jacobian(&self, t: &Self::Param) -> Result<Self::Jacobian, ArgminError> {
        let r0 = self.residuals(t.as_slice());
        let mut j = DMatrix::zeros(r0.len(), t.len());
        for k in 0..t.len() {
            let mut tk = t.as_slice().to_vec();
            tk[k] += STEPS[k];
            let rk = self.residuals(&tk);
            for (row, (a, b)) in rk.iter().zip(&r0).enumerate() {
                j[(row, k)] = (a - b) / STEPS[k];
            }
        }
        Ok(j)
    }
}

/// Fit the calibration to the history. `limits` are the largest acceptable RMS residuals:
/// fuel (relative), air (relative), air preheat (C), NOx (relative), discharge (C).
pub fn calibrate(
    base: &ModelParams,
    history: &History,
    limits: &FitLimits,
) -> Result<(Fit, FurnaceState), CalibrationError> {
    let n = history.len();
    let ragged = history
        .zone_c
        .iter()
        .chain(&history.zone_fuel_nm3h)
        .map(Vec::len)
        .chain([
            history.air_nm3h.len(),
            history.o2_pct.len(),
            history.nox_ppm.len(),
            history.flue_c.len(),
            history.air_preheat_c.len(),
            history.discharge_c.len(),
            history.discharge_aim_c.len(),
            history.charge_temp_c.len(),
        ])
        .any(|l| l != n);
    if ragged || history.zone_c.len() < base.zones.len() || history.step_s <= 0.0 {
        return Err(CalibrationError::Ragged);
    }
    let producing: Vec<f64> = history
        .pace_tph
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let pace = (producing.iter().sum::<f64>() / producing.len().max(1) as f64).max(50.0);
    let residence_h = base.slabs_inside as f64 * base.slab_kg() / 1000.0 / pace;
    let need_h = residence_h + 1.0;
    let recorded = history.pace_tph.iter().filter(|v| v.is_finite()).count();
    let have_h = recorded as f64 * history.step_s / 3600.0;
    if have_h < need_h {
        return Err(CalibrationError::TooShort(format!("{have_h:.1} h"), need_h));
    }
    let gaps = coverage_problems(history, MIN_COVERAGE);
    if !gaps.is_empty() {
        return Err(CalibrationError::Gaps(gaps.join("; ")));
    }

    let first = LeastSquares {
        base,
        history,
        weights: None,
    };
    let (theta1, it1) = gauss_newton(first, DVector::zeros(5))?;
    let weights = robust_weights(&run(
        &base.calibrated(&theta_to_calibration(theta1.as_slice())),
        history,
    ));
    let second = LeastSquares {
        base,
        history,
        weights: Some(&weights),
    };
    let (theta, it2) = gauss_newton(second, theta1)?;
    let iterations = it1 + it2;

    // Spread of each fitted value from the Jacobian at the answer.
    let problem = LeastSquares {
        base,
        history,
        weights: Some(&weights),
    };
    let j = problem
        .jacobian(&theta)
        .map_err(|e| CalibrationError::Solver(e.to_string()))?;
    let r = problem.residuals(theta.as_slice());
    let used = r.iter().filter(|x| **x != 0.0).count();
    let s2 = r.iter().map(|x| x * x).sum::<f64>() / (used.saturating_sub(5).max(1)) as f64;
    let cov = (j.transpose() * &j).try_inverse();
    let calibration = theta_to_calibration(theta.as_slice());
    let mut sigma = [f64::NAN; 5];
    if let Some(cov) = cov {
        for k in 0..5 {
            // For the factors (fitted as logarithms) this is their relative spread; for the
            // bias, points of O2.
            sigma[k] = (cov[(k, k)] * s2).max(0.0).sqrt();
        }
    }

    let fitted = base.calibrated(&calibration);
    let out = run(&fitted, history);
    let mut tags = Vec::new();
    for (role, unit, all) in &out.by_tag {
        let rs: Vec<f64> = all
            .iter()
            .filter(|(i, _)| weights.get(*i).copied().unwrap_or(1.0) > 0.0)
            .map(|(_, r)| *r)
            .collect();
        let n = rs.len();
        let rms = if n > 0 {
            (rs.iter().map(|x| x * x).sum::<f64>() / n as f64).sqrt()
        } else {
            f64::NAN
        };
        let bias = if n > 0 {
            rs.iter().sum::<f64>() / n as f64
        } else {
            f64::NAN
        };
        let limit = limits.for_role(role, history);
        tags.push(TagFit {
            role: role.clone(),
            unit,
            rms,
            bias,
            n,
            excluded: all.len() - n,
            limit,
        });
    }
    // An analyser drifting now is not the constant bias the window's fit found: the O2 its
    // reading implies against the air/fuel ratio over the last quarter hour.
    if let Some(drift) = recent_o2_disagreement(&fitted, history, RECENT_O2_MIN) {
        tags.push(TagFit {
            role: "O2 analyser against the air/fuel ratio, last 15 min".into(),
            unit: "points",
            rms: drift.abs(),
            bias: drift,
            n: RECENT_O2_MIN,
            excluded: 0,
            limit: O2_DRIFT_LIMIT,
        });
    }
    let spread_c = tags
        .iter()
        .find(|t| t.role == "discharge temperature")
        .map_or(f64::NAN, |t| t.rms);
    Ok((
        Fit {
            calibration,
            sigma,
            tags,
            spread_c,
            iterations,
        },
        out.state,
    ))
}

/// The largest RMS residual of each tag a usable fit keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct FitLimits {
    /// Of the zone's mean fuel.
    pub fuel_rel: f64,
    pub air_rel: f64,
    pub air_preheat_c: f64,
    pub nox_rel: f64,
    pub discharge_c: f64,
}

impl Default for FitLimits {
    fn default() -> Self {
        FitLimits {
            fuel_rel: 0.08,
            air_rel: 0.03,
            air_preheat_c: 10.0,
            nox_rel: 0.10,
            discharge_c: 10.0,
        }
    }
}

impl FitLimits {
    fn for_role(&self, role: &str, h: &History) -> f64 {
        let mean = |v: &[f64]| {
            let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            if f.is_empty() {
                0.0
            } else {
                f.iter().sum::<f64>() / f.len() as f64
            }
        };
        if let Some(z) = role
            .strip_prefix("zone ")
            .and_then(|r| r.strip_suffix(" fuel"))
            .and_then(|z| z.parse::<usize>().ok())
        {
            let m = h.zone_fuel_nm3h.get(z - 1).map_or(0.0, |v| mean(v));
            return self.fuel_rel * m + FUEL_ABS;
        }
        match role {
            "combustion air" => self.air_rel * mean(&h.air_nm3h),
            "air preheat" => self.air_preheat_c,
            "NOx" => self.nox_rel * mean(&h.nox_ppm),
            _ => self.discharge_c,
        }
    }
}
