//! From the plant's data to a suggestion an engineer can judge: the inputs checked, the model
//! calibrated on the recent history, the setpoints solved, and the answer explained (predicted
//! changes against continuing, with an uncertainty band; the margin to every constraint; the data
//! it rests on; which term of the objective moved each setpoint), or the reason there is none.

use std::time::Duration;

use serde::Serialize;

use crate::calibrate::{Fit, FitLimits, History, calibrate};
use crate::inputs::{Input, problems};
use crate::params::{Calibration, ModelParams};
use crate::predict::{Decision, FurnaceState, Prediction, predict};
use crate::problem::{Margin, Settings, Terms, terms};
use crate::solve::{Context, Evaluated, Outcome, Progress, solve};

/// A predicted change against continuing the current setpoints, with its band (one standard
/// deviation from the calibration's spread, plus a tenth of the change for what the model
/// leaves out).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Delta {
    pub current: f64,
    pub suggested: f64,
    pub change: f64,
    pub band: f64,
}

/// The predicted changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deltas {
    pub fuel_nm3h: Delta,
    pub fuel_pct: Delta,
    pub co2_kg_h: Delta,
    pub cost_per_h: Delta,
    pub nox_mg: Delta,
    /// Mean discharge temperature of the slabs leaving over the horizon.
    pub discharge_c: Delta,
    pub gj_per_t: Delta,
}

/// One step of the ramp plan: what to set, this many seconds after accepting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RampStep {
    pub after_s: f64,
    pub zone_sp: Vec<f64>,
    pub o2_sp: f64,
}

/// Why one setpoint moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// "zone 1" ... or "O2".
    pub setpoint: String,
    pub from: f64,
    pub to: f64,
    /// The objective term that gains most from the move ("fuel", "co2", "nox", "quality").
    pub driven_by: &'static str,
    /// What each term would cost more per hour if this setpoint stayed where it is.
    pub gains: Vec<(&'static str, f64)>,
    /// The constraint or bound that stopped it going further, if any.
    pub limited_by: Option<String>,
}

/// A constraint margin as shown: the tightest over slabs for the discharge window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownMargin {
    pub name: String,
    pub margin: f64,
    pub unit: String,
    /// Continuing the current setpoints already violates it by this much.
    pub allowed: f64,
}

/// A suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub decision: Decision,
    pub current: Decision,
    pub ramp: Vec<RampStep>,
    pub deltas: Deltas,
    pub margins: Vec<ShownMargin>,
    pub reasons: Vec<Reason>,
    pub fit: Fit,
    pub inputs: Vec<Input>,
    pub predicted: Prediction,
    pub continuing: Prediction,
    pub terms: Terms,
    pub current_terms: Terms,
    pub evaluations: usize,
    pub solve_time: Duration,
    pub tradeoff: Vec<TradePoint>,
    /// Continuing would miss a constraint these setpoints keep (or miss by less): it corrects,
    /// and may cost more than continuing.
    pub corrective: bool,
}

/// The optimiser's answer.
#[derive(Debug, Clone)]
pub enum Advice {
    Suggestion(Box<Suggestion>),
    /// No suggestion, and why (each line one reason).
    None {
        reasons: Vec<String>,
        fit: Option<Fit>,
        /// The way back to the plant's standard practice, when the setpoints in use are leaner
        /// than it and the optimiser cannot check them (see [`fallback`]).
        fallback: Option<Box<WayBack>>,
    },
    Cancelled,
}

/// Everything one run of the optimiser needs.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub base: &'a ModelParams,
    pub history: &'a History,
    pub inputs: &'a [Input],
    pub settings: &'a Settings,
    pub limits: &'a FitLimits,
    pub timeout: Duration,
    /// Also solve with the NOx weight at these multiples of the configured one, for the
    /// fuel-cost against NOx trade-off (each is one more solve).
    pub tradeoff: &'a [f64],
}

/// One point of the trade-off: the best setpoints with the NOx weight at `nox_weight`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradePoint {
    pub nox_weight: f64,
    /// Fuel and CO2 cost per hour, and NOx (mg/Nm3 at 3 % O2), predicted over the horizon.
    pub cost_per_h: f64,
    pub nox_mg: f64,
    pub fuel_nm3h: f64,
    pub zone_sp: Vec<f64>,
    pub o2_sp: f64,
}

/// Setpoints leaner than the standard practice by more than this are "leaner" (C, and O2
/// points by a hundredth of it): a reading's noise is not a departure.
const LEANER_C: f64 = 1.0;

/// The way back to the standard practice: the setpoints in use, and where it takes them.
#[derive(Debug, Clone, PartialEq)]
pub struct WayBack {
    /// In use: the PLC's now where read, else the history's last, else the standard's own.
    pub from: Decision,
    pub to: Decision,
}

/// The way back to the standard practice from the setpoints in use, if any of them is leaner
/// than it: every leaner setpoint raised to the standard, the others left as they are (one a
/// fraction of a degree below is not leaner, and is not moved). A suggestion the optimiser
/// made while it could check the plant may have lowered setpoints for a margin it can no longer
/// see (an analyser drifting, a thermocouple failed, a fit gone poor); without this the plant
/// kept them for as long as the optimiser could not run, and in shadow mode on
/// `instrument-faults` a slab left under-heated.
pub fn fallback(settings: &Settings, history: &History) -> Option<WayBack> {
    let standard = settings.standard.as_ref()?;
    let from = Decision {
        zone_sp: (0..standard.zone_sp.len())
            .map(|z| history.zone_sp_in_use(z).unwrap_or(standard.zone_sp[z]))
            .collect(),
        o2_sp: history.o2_sp_in_use().unwrap_or(standard.o2_sp),
    };
    let zone_leaner = |now: f64, s: f64| now < s - LEANER_C;
    let o2_leaner = from.o2_sp < standard.o2_sp - LEANER_C / 100.0;
    let to = Decision {
        zone_sp: standard
            .zone_sp
            .iter()
            .zip(&from.zone_sp)
            .map(|(&s, &now)| if zone_leaner(now, s) { s } else { now })
            .collect(),
        o2_sp: if o2_leaner {
            standard.o2_sp
        } else {
            from.o2_sp
        },
    };
    (to != from).then_some(WayBack { from, to })
}

/// No suggestion because the plant cannot be checked now; with the way back to the standard
/// practice if the setpoints in use are leaner than it.
fn unchecked(req: &Request<'_>, mut reasons: Vec<String>, fit: Option<Fit>) -> Advice {
    let back = fallback(req.settings, req.history);
    if let Some(WayBack { to: d, .. }) = &back {
        let zones: Vec<String> = d
            .zone_sp
            .iter()
            .enumerate()
            .map(|(z, v)| format!("zone {} {v:.0} C", z + 1))
            .collect();
        reasons.push(format!(
            "return to the standard practice ({}, O2 {:.1} %): the setpoints in use are leaner, and they cannot be checked now",
            zones.join(", "),
            d.o2_sp
        ));
    }
    Advice::None {
        reasons,
        fit,
        fallback: back.map(Box::new),
    }
}

/// Check, calibrate, solve, explain.
pub fn advise(req: &Request<'_>, progress: &Progress) -> Advice {
    let bad = problems(req.inputs);
    if !bad.is_empty() {
        return unchecked(req, bad, None);
    }
    // Slabs that do not move are not heated for rolling: nothing to optimise until they do.
    let min_pace = req.settings.min_pace_tph;
    let pace_now = req
        .history
        .pace_tph
        .iter()
        .rev()
        .copied()
        .find(|v| v.is_finite())
        .unwrap_or(0.0);
    if pace_now < min_pace {
        return Advice::None {
            reasons: vec![format!(
                "the furnace is not producing at pace (throughput {pace_now:.0} t/h, below {min_pace:.0}): no suggestion during a mill delay"
            )],
            fit: None,
            fallback: None,
        };
    }
    let (fit, state) = match calibrate(req.base, req.history, req.limits) {
        Ok(f) => f,
        Err(e) => return unchecked(req, vec![format!("calibration: {e}")], None),
    };
    let poor = fit.problems();
    if !poor.is_empty() {
        let reasons = poor
            .into_iter()
            .map(|p| format!("calibration fit too poor: {p}"))
            .collect();
        return unchecked(req, reasons, Some(fit));
    }
    let params = req.base.calibrated(&fit.calibration);
    let mut advice = advise_on(
        &params,
        &state,
        req.settings,
        fit,
        req.inputs.to_vec(),
        progress,
        req.timeout,
    );
    if let Advice::Suggestion(s) = &mut advice {
        s.tradeoff = tradeoff(
            &params,
            &state,
            req.settings,
            s.fit.spread_c,
            req.tradeoff,
            progress,
            req.timeout,
        );
    }
    advice
}

/// The best setpoints at each NOx weight (multiples of the configured one): what lower NOx costs.
pub fn tradeoff(
    params: &ModelParams,
    state: &FurnaceState,
    settings: &Settings,
    spread_c: f64,
    multiples: &[f64],
    progress: &Progress,
    timeout: Duration,
) -> Vec<TradePoint> {
    let mut out = Vec::new();
    for m in multiples {
        let mut s = settings.clone();
        s.nox_weight = settings.nox_weight * m;
        let ctx = Context {
            params,
            state,
            settings: &s,
            spread_c: if spread_c.is_finite() { spread_c } else { 0.0 },
        };
        let best = match solve(&ctx, progress, timeout) {
            Outcome::Suggested { best, .. } => *best,
            Outcome::NoSuggestion { current, .. } => *current,
            Outcome::Cancelled => break,
        };
        out.push(TradePoint {
            nox_weight: s.nox_weight,
            cost_per_h: best.terms.fuel + best.terms.co2,
            nox_mg: best.prediction.nox_mg,
            fuel_nm3h: best.prediction.fuel_nm3h,
            zone_sp: best.decision.zone_sp.clone(),
            o2_sp: best.decision.o2_sp,
        });
    }
    out
}

/// Solve and explain on a calibrated model and a tracked state.
pub fn advise_on(
    params: &ModelParams,
    state: &FurnaceState,
    settings: &Settings,
    fit: Fit,
    inputs: Vec<Input>,
    progress: &Progress,
    timeout: Duration,
) -> Advice {
    let spread = if fit.spread_c.is_finite() {
        fit.spread_c
    } else {
        0.0
    };
    let ctx = Context {
        params,
        state,
        settings,
        spread_c: spread,
    };
    match solve(&ctx, progress, timeout) {
        Outcome::Cancelled => Advice::Cancelled,
        Outcome::NoSuggestion { reason, .. } => Advice::None {
            reasons: vec![reason],
            fit: Some(fit),
            fallback: None,
        },
        Outcome::Suggested {
            best,
            current,
            corrective,
            evaluations,
            elapsed,
        } => {
            let deltas = deltas(&ctx, &fit, &best, &current);
            let reasons = reasons(&ctx, &best, &current);
            Advice::Suggestion(Box::new(Suggestion {
                ramp: ramp(&current.decision, &best.decision),
                margins: shown(&best.margins),
                decision: best.decision.clone(),
                current: current.decision.clone(),
                deltas,
                reasons,
                fit,
                inputs,
                terms: best.terms,
                current_terms: current.terms,
                predicted: best.prediction.clone(),
                continuing: current.prediction.clone(),
                evaluations,
                solve_time: elapsed,
                tradeoff: Vec::new(),
                corrective,
            }))
        }
    }
}

/// The figures compared: fuel, fuel %, CO2, cost, NOx, discharge, GJ/t.
fn figures(s: &Settings, lhv: f64, p: &Prediction, t: &Terms) -> [f64; 6] {
    let discharge = if p.discharged.is_empty() {
        f64::NAN
    } else {
        p.discharged.iter().map(|d| d.surface_c).sum::<f64>() / p.discharged.len() as f64
    };
    [
        p.fuel_nm3h,
        s.co2_kg_per_nm3 * p.fuel_nm3h,
        t.fuel + t.co2,
        p.nox_mg,
        discharge,
        p.gj_per_t(lhv),
    ]
}

fn deltas(ctx: &Context<'_>, fit: &Fit, best: &Evaluated, current: &Evaluated) -> Deltas {
    let lhv = ctx.state.lhv_mj_per_nm3;
    let s = ctx.settings;
    let a = figures(s, lhv, &current.prediction, &current.terms);
    let b = figures(s, lhv, &best.prediction, &best.terms);
    let change: Vec<f64> = a.iter().zip(&b).map(|(a, b)| b - a).collect();
    // The change again with each fitted value one standard deviation off.
    let mut var = [0.0; 6];
    for k in 0..5 {
        let sd = fit.sigma[k];
        if !sd.is_finite() || sd == 0.0 {
            continue;
        }
        let mut c = Calibration::default();
        match k {
            0 => {
                c.wall_loss = sd.exp();
                c.skid_loss = sd.exp();
            }
            1 => c.radiation = sd.exp(),
            2 => c.recuperator = sd.exp(),
            3 => c.nox = sd.exp(),
            _ => c.o2_bias_pct = sd,
        }
        let p = ctx.params.calibrated(&c);
        let pa = predict(&p, ctx.state, &current.decision);
        let pb = predict(&p, ctx.state, &best.decision);
        let now = Decision {
            zone_sp: ctx.state.zone_sp.clone(),
            o2_sp: ctx.state.o2_sp,
        };
        let ta = terms(s, &now, &current.decision, &pa);
        let tb = terms(s, &now, &best.decision, &pb);
        let fa = figures(s, lhv, &pa, &ta);
        let fb = figures(s, lhv, &pb, &tb);
        for i in 0..6 {
            let d = (fb[i] - fa[i]) - change[i];
            if d.is_finite() {
                var[i] += d * d;
            }
        }
    }
    let delta = |i: usize| Delta {
        current: a[i],
        suggested: b[i],
        change: change[i],
        band: var[i].sqrt() + 0.1 * change[i].abs(),
    };
    let fuel = delta(0);
    let pct = |v: f64| if a[0] > 0.0 { 100.0 * v / a[0] } else { 0.0 };
    Deltas {
        fuel_pct: Delta {
            current: 100.0,
            suggested: 100.0 + pct(fuel.change),
            change: pct(fuel.change),
            band: pct(fuel.band),
        },
        fuel_nm3h: fuel,
        co2_kg_h: delta(1),
        cost_per_h: delta(2),
        nox_mg: delta(3),
        discharge_c: delta(4),
        gj_per_t: delta(5),
    }
}

/// Steps the operator (or the write path) can follow: zones by at most 10 C and O2 by at most
/// 0.1 points per step, a step every two minutes, so the PLC's own ramp keeps up.
pub fn ramp(from: &Decision, to: &Decision) -> Vec<RampStep> {
    let zone_steps = from
        .zone_sp
        .iter()
        .zip(&to.zone_sp)
        .map(|(a, b)| ((b - a).abs() / 10.0).ceil() as usize)
        .max()
        .unwrap_or(0);
    let o2_steps = ((to.o2_sp - from.o2_sp).abs() / 0.1 - 1e-9).ceil().max(0.0) as usize;
    let n = zone_steps.max(o2_steps).max(1);
    (1..=n)
        .map(|k| {
            let f = k as f64 / n as f64;
            RampStep {
                after_s: (k - 1) as f64 * 120.0,
                zone_sp: from
                    .zone_sp
                    .iter()
                    .zip(&to.zone_sp)
                    .map(|(a, b)| round1(a + (b - a) * f))
                    .collect(),
                o2_sp: round2(from.o2_sp + (to.o2_sp - from.o2_sp) * f),
            }
        })
        .collect()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Every constraint once: the discharge window by its tightest slab.
fn shown(margins: &[Margin]) -> Vec<ShownMargin> {
    let mut out: Vec<ShownMargin> = Vec::new();
    for m in margins {
        let name = m.name.to_owned();
        match out.iter_mut().find(|s| s.name == name) {
            Some(s) if m.margin + m.allowed < s.margin + s.allowed => {
                s.margin = m.margin;
                s.allowed = m.allowed;
            }
            Some(_) => {}
            None => out.push(ShownMargin {
                name,
                margin: m.margin,
                unit: m.unit.to_owned(),
                allowed: m.allowed,
            }),
        }
    }
    out
}

/// For each setpoint that moved: put it back and see which terms lose.
fn reasons(ctx: &Context<'_>, best: &Evaluated, current: &Evaluated) -> Vec<Reason> {
    let n = best.decision.zone_sp.len();
    let allowed = crate::problem::allowances(&ctx.evaluate(&current.decision, &[]).margins);
    let bx = ctx.settings.box_from(&current.decision);
    let mut out = Vec::new();
    for i in 0..=n {
        let (from, to) = if i < n {
            (current.decision.zone_sp[i], best.decision.zone_sp[i])
        } else {
            (current.decision.o2_sp, best.decision.o2_sp)
        };
        if (to - from).abs() < if i < n { 0.5 } else { 0.02 } {
            continue;
        }
        let mut back = best.decision.clone();
        if i < n {
            back.zone_sp[i] = from;
        } else {
            back.o2_sp = from;
        }
        let e = ctx.evaluate(&back, &allowed);
        let gains = vec![
            ("fuel", e.terms.fuel - best.terms.fuel),
            ("co2", e.terms.co2 - best.terms.co2),
            ("nox", e.terms.nox - best.terms.nox),
            ("quality", e.terms.quality - best.terms.quality),
        ];
        let driven_by = gains
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or("fuel", |g| g.0);
        let (lo, hi) = bx[i];
        let at_bound = (to - lo).abs() < 1e-3 || (to - hi).abs() < 1e-3;
        let limited_by = if at_bound {
            let bounds = if i < n {
                ctx.settings.zone_bounds.get(i).copied()
            } else {
                Some(ctx.settings.o2_bounds)
            };
            Some(match bounds {
                Some((blo, bhi)) if (to - blo).abs() < 1e-3 || (to - bhi).abs() < 1e-3 => {
                    "its bound".to_owned()
                }
                _ => "the move limit per suggestion".to_owned(),
            })
        } else {
            best.margins
                .iter()
                .filter(|m| m.margin + m.allowed < 1.0)
                .min_by(|a, b| (a.margin + a.allowed).total_cmp(&(b.margin + b.allowed)))
                .map(|m| format!("the {} constraint", m.name.replace('_', " ")))
        };
        out.push(Reason {
            setpoint: if i < n {
                format!("zone {}", i + 1)
            } else {
                "O2".to_owned()
            },
            from,
            to,
            driven_by,
            gains,
            limited_by,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(zone_sp: [f64; 3], o2_sp: f64) -> History {
        History {
            zone_sp: zone_sp
                .iter()
                .map(|v| vec![f64::NAN, *v, f64::NAN])
                .collect(),
            o2_sp: vec![o2_sp, o2_sp],
            ..History::default()
        }
    }

    fn with_standard() -> Settings {
        Settings {
            standard: Some(Decision {
                zone_sp: vec![1050.0, 1270.0, 1236.0],
                o2_sp: 2.8,
            }),
            ..Settings::typical(3)
        }
    }

    #[test]
    fn leaner_setpoints_are_raised_to_the_standard_and_no_others_are_touched() {
        let back = fallback(&with_standard(), &history([1000.0, 1280.0, 1236.0], 1.6));
        assert_eq!(
            back,
            Some(WayBack {
                from: Decision {
                    zone_sp: vec![1000.0, 1280.0, 1236.0],
                    o2_sp: 1.6,
                },
                to: Decision {
                    zone_sp: vec![1050.0, 1280.0, 1236.0],
                    o2_sp: 2.8,
                },
            })
        );
        // O2 alone leaner is enough.
        let back = fallback(&with_standard(), &history([1050.0, 1270.0, 1240.0], 2.0));
        assert_eq!(
            back.map(|d| (d.to.zone_sp[2], d.to.o2_sp)),
            Some((1240.0, 2.8))
        );
    }

    #[test]
    fn a_setpoint_a_fraction_of_a_degree_below_the_standard_is_left_where_it_is() {
        // Zone 1 is 0.4 C below its standard: not leaner. O2 is, so there is a way back, and
        // it moves O2 alone.
        let back = fallback(&with_standard(), &history([1049.6, 1270.0, 1236.0], 2.0));
        let to = back.map(|b| b.to);
        assert_eq!(
            to,
            Some(Decision {
                zone_sp: vec![1049.6, 1270.0, 1236.0],
                o2_sp: 2.8,
            })
        );
    }

    #[test]
    fn the_way_back_starts_from_the_live_setpoints_where_they_were_read() {
        // The history's last minute still says 2.8 % O2; the PLC has held 2.2 % since a write
        // seconds ago.
        let mut h = history([1050.0, 1270.0, 1236.0], 2.8);
        h.o2_sp_now = Some(2.2);
        h.zone_sp_now = vec![None, Some(1275.0), None];
        let back = fallback(&with_standard(), &h);
        assert_eq!(
            back.map(|b| (b.from.zone_sp, b.from.o2_sp, b.to.o2_sp)),
            Some((vec![1050.0, 1275.0, 1236.0], 2.2, 2.8))
        );
        // The history itself is left as it was gathered.
        assert_eq!(h.o2_sp, vec![2.8, 2.8]);
    }

    #[test]
    fn no_way_back_at_or_above_the_standard_or_without_one() {
        assert_eq!(
            fallback(&with_standard(), &history([1050.5, 1300.0, 1236.0], 3.0)),
            None
        );
        assert_eq!(
            fallback(
                &Settings::typical(3),
                &history([900.0, 1100.0, 1180.0], 1.5)
            ),
            None
        );
    }
}
