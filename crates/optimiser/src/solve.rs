//! Searching the setpoints: Nelder-Mead (argmin) in the box the bounds and move limits leave,
//! with exterior penalties on the constraints raised round by round, then a hard feasibility
//! check of the answer. argmin has no constraints of its own: points outside the box are clamped
//! and pay for the distance, and the final point is checked on the model again, so an infeasible
//! answer is never returned as a suggestion.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use argmin::core::{CostFunction, Error as ArgminError, Executor, State};
use argmin::solver::neldermead::NelderMead;

use crate::params::ModelParams;
use crate::predict::{Decision, FurnaceState, Prediction, predict};
use crate::problem::{Margin, Settings, Terms, allowances, feasible, margins, terms, violation};

/// Everything one solve works from.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub params: &'a ModelParams,
    pub state: &'a FurnaceState,
    pub settings: &'a Settings,
    /// The calibration's spread of the discharge temperature, C (1 sigma), kept as margin.
    pub spread_c: f64,
}

/// Progress a caller may watch from another thread, and a cancel flag it may set.
#[derive(Debug, Default)]
pub struct Progress {
    pub evaluations: AtomicUsize,
    pub round: AtomicUsize,
    pub cancel: AtomicBool,
}

/// A decision evaluated on the model.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub decision: Decision,
    pub prediction: Prediction,
    pub terms: Terms,
    pub margins: Vec<Margin>,
    pub feasible: bool,
}

/// What a solve found.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Feasible setpoints that the model predicts to be better than continuing.
    Suggested {
        best: Box<Evaluated>,
        current: Box<Evaluated>,
        /// Continuing misses a constraint that these setpoints keep, or miss by less: the
        /// suggestion corrects, and may cost more than continuing.
        corrective: bool,
        evaluations: usize,
        elapsed: Duration,
    },
    /// No safe improvement: the reason says which constraint or why.
    NoSuggestion {
        reason: String,
        current: Box<Evaluated>,
        evaluations: usize,
        elapsed: Duration,
    },
    Cancelled,
}

/// The penalty weights of the successive rounds, per squared unit of violation.
const RHO: [f64; 3] = [1e2, 1e4, 1e6];

/// A corrective suggestion is made when it leaves less than this share of continuing's
/// violation (squared, so 0.9 is about 5 % less shortfall). Any real gain counts: a plant heading
/// for under-heated slabs that is told "no suggestion" keeps its setpoints, and the next run
/// starts further behind.
const CORRECTIVE_GAIN: f64 = 0.9;
/// Below this gain (money per hour) the current setpoints are kept: a move has its own risk.
const MIN_GAIN_PER_H: f64 = 1.0;

impl Context<'_> {
    fn now(&self) -> Decision {
        Decision {
            zone_sp: self.state.zone_sp.clone(),
            o2_sp: self.state.o2_sp,
        }
    }

    /// Evaluate a decision: predict, cost, margins.
    pub fn evaluate(&self, d: &Decision, allowed: &[f64]) -> Evaluated {
        let prediction = predict(self.params, self.state, d);
        let t = terms(self.settings, &self.now(), d, &prediction);
        let m = margins(self.settings, &prediction, allowed, self.spread_c);
        Evaluated {
            decision: d.clone(),
            terms: t,
            feasible: feasible(&m),
            margins: m,
            prediction,
        }
    }

    /// Continuing the current setpoints, and what no suggestion can help, constraint by
    /// constraint (see [`allowances`]). A slab's discharge window is allowed only what it
    /// misses even at the hottest and at the coolest zone setpoints this suggestion may reach
    /// (a slab near the door that nothing can save now); a slab that some setpoints within reach
    /// would save must be saved, whatever the current setpoints do to it. Every other
    /// constraint is allowed what continuing already misses it by.
    pub fn allowed(&self) -> (Evaluated, Vec<f64>) {
        let now = self.now();
        let raw = self.evaluate(&now, &[]);
        let mut allowed = allowances(&raw.margins);
        let bx = self.settings.box_from(&now);
        let n = now.zone_sp.len();
        for hot in [true, false] {
            let extreme = Decision {
                zone_sp: bx[..n]
                    .iter()
                    .map(|(lo, hi)| if hot { *hi } else { *lo })
                    .collect(),
                o2_sp: now.o2_sp,
            };
            let e = self.evaluate(&extreme, &[]);
            for (a, m) in allowed.iter_mut().zip(&e.margins) {
                if m.name == "discharge_window" {
                    *a = a.min((-m.margin).max(0.0));
                }
            }
        }
        (self.evaluate(&now, &allowed), allowed)
    }
}

fn decision_at(bx: &[(f64, f64)], u: &[f64]) -> Decision {
    let x: Vec<f64> = bx
        .iter()
        .zip(u)
        .map(|((lo, hi), u)| lo + (hi - lo) * u.clamp(0.0, 1.0))
        .collect();
    let n = x.len() - 1;
    Decision {
        zone_sp: x[..n].to_vec(),
        o2_sp: x[n],
    }
}

fn unit_of(bx: &[(f64, f64)], d: &Decision) -> Vec<f64> {
    d.zone_sp
        .iter()
        .chain(std::iter::once(&d.o2_sp))
        .zip(bx)
        .map(|(x, (lo, hi))| {
            if hi > lo {
                ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
            } else {
                0.5
            }
        })
        .collect()
}

struct Penalised<'a> {
    ctx: &'a Context<'a>,
    bx: &'a [(f64, f64)],
    allowed: &'a [f64],
    rho: f64,
    progress: &'a Progress,
}

impl CostFunction for Penalised<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Self::Param) -> Result<f64, ArgminError> {
        if self.progress.cancel.load(Ordering::Relaxed) {
            return Err(ArgminError::msg("cancelled"));
        }
        self.progress.evaluations.fetch_add(1, Ordering::Relaxed);
        let clamp: f64 = u
            .iter()
            .map(|v| (v - v.clamp(0.0, 1.0)).powi(2))
            .sum::<f64>();
        let e = self.ctx.evaluate(&decision_at(self.bx, u), self.allowed);
        Ok(e.terms.total() + self.rho * violation(&e.margins) + 1e6 * clamp)
    }
}

/// A start simplex about `u`: one step of `step` along each axis, inwards at the box's edge.
fn simplex(u: &[f64], step: f64) -> Vec<Vec<f64>> {
    let mut out = vec![u.to_vec()];
    for i in 0..u.len() {
        let mut v = u.to_vec();
        v[i] = if v[i] + step <= 1.0 {
            v[i] + step
        } else {
            v[i] - step
        };
        out.push(v);
    }
    out
}

/// Minimise from `start` through the penalty rounds; the best point in unit coordinates.
fn minimise(
    ctx: &Context<'_>,
    bx: &[(f64, f64)],
    allowed: &[f64],
    start: Vec<f64>,
    progress: &Progress,
    deadline: Instant,
) -> Result<Vec<f64>, ArgminError> {
    let mut u = start;
    let mut step = 0.3;
    for (round, rho) in RHO.iter().enumerate() {
        progress.round.store(round + 1, Ordering::Relaxed);
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let problem = Penalised {
            ctx,
            bx,
            allowed,
            rho: *rho,
            progress,
        };
        let solver = NelderMead::new(simplex(&u, step)).with_sd_tolerance(1e-3)?;
        let res = Executor::new(problem, solver)
            .configure(|s| s.max_iters(120))
            .timeout(left)
            .run()?;
        if let Some(best) = res.state().get_best_param() {
            u = best.iter().map(|v| v.clamp(0.0, 1.0)).collect();
        }
        step *= 0.4;
    }
    Ok(u)
}

/// Find setpoints better than continuing the current ones, within bounds, move limits and every
/// constraint, or say why there are none.
pub fn solve(ctx: &Context<'_>, progress: &Progress, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let deadline = started + timeout;
    let (current, allowed) = ctx.allowed();
    let now = ctx.now();
    let bx = ctx.settings.box_from(&now);
    let starts = [unit_of(&bx, &now), vec![0.5; bx.len()]];
    let mut best: Option<Evaluated> = None;
    for start in starts {
        let u = match minimise(ctx, &bx, &allowed, start, progress, deadline) {
            Ok(u) => u,
            Err(_) if progress.cancel.load(Ordering::Relaxed) => return Outcome::Cancelled,
            Err(e) => {
                tracing::warn!("optimiser: a solver run failed: {e}");
                continue;
            }
        };
        let e = ctx.evaluate(&decision_at(&bx, &u), &allowed);
        let better = match &best {
            None => true,
            Some(b) => rank(&e) < rank(b),
        };
        if better {
            best = Some(e);
        }
    }
    let evaluations = progress.evaluations.load(Ordering::Relaxed);
    let elapsed = started.elapsed();
    let current = Box::new(current);
    let Some(best) = best else {
        return Outcome::NoSuggestion {
            reason: "the solver failed on every start".into(),
            current,
            evaluations,
            elapsed,
        };
    };
    // The penalties let the solver end a hair outside a constraint. Continuing is feasible by
    // construction (what it violates is allowed), so the last feasible point on the way from it
    // to the solver's answer is a safe answer.
    let mut current = current;
    let mut corrective = false;
    let best = if best.feasible {
        best
    } else if current.feasible {
        repair(ctx, &allowed, &current.decision, best)
    } else if violation(&best.margins) < CORRECTIVE_GAIN * violation(&current.margins) {
        // Continuing misses constraints that some setpoints within reach would keep, and none
        // keep them all: the least violation the penalty rounds found is what no suggestion can
        // help now. Held to it, the answer is feasible, and continuing is not; the suggestion
        // is corrective.
        let relaxed: Vec<f64> = best
            .margins
            .iter()
            .zip(&allowed)
            .map(|(m, a)| a.max((-m.margin).max(0.0)))
            .collect();
        corrective = true;
        current = Box::new(ctx.evaluate(&current.decision, &relaxed));
        ctx.evaluate(&best.decision, &relaxed)
    } else {
        best
    };
    if !best.feasible {
        let worst = best
            .margins
            .iter()
            .filter(|m| !m.holds())
            .min_by(|a, b| (a.margin + a.allowed).total_cmp(&(b.margin + b.allowed)));
        // The constraint, which slab, and by how much: "discharge_window of slab 6 (by 2.1 C)".
        let what = |m: &Margin, by: &str| {
            format!(
                "{}{} ({by} {:.1} {})",
                m.name,
                m.index
                    .map(|i| format!(" of slab {}", i + 1))
                    .unwrap_or_default(),
                -(m.margin + m.allowed),
                m.unit
            )
        };
        let reason = match worst {
            Some(m) if current.feasible => format!(
                "the current setpoints are kept: every move found within the bounds and move limits would break {}",
                what(m, "by")
            ),
            Some(m) => format!(
                "no setpoints within the bounds and move limits keep {}",
                what(m, "short by")
            ),
            None => "no feasible setpoints found".into(),
        };
        return Outcome::NoSuggestion {
            reason,
            current,
            evaluations,
            elapsed,
        };
    }
    let gain = current.terms.total() - best.terms.total();
    if !corrective && current.feasible && gain < MIN_GAIN_PER_H {
        return Outcome::NoSuggestion {
            reason: format!(
                "the current setpoints are within {gain:.2} per hour of the best found: no move is worth making"
            ),
            current,
            evaluations,
            elapsed,
        };
    }
    Outcome::Suggested {
        best: Box::new(best),
        current,
        corrective,
        evaluations,
        elapsed,
    }
}

/// The feasible point nearest `best` on the line from `from` (feasible) to it, by bisection.
fn repair(ctx: &Context<'_>, allowed: &[f64], from: &Decision, best: Evaluated) -> Evaluated {
    let at = |t: f64| Decision {
        zone_sp: from
            .zone_sp
            .iter()
            .zip(&best.decision.zone_sp)
            .map(|(a, b)| a + (b - a) * t)
            .collect(),
        o2_sp: from.o2_sp + (best.decision.o2_sp - from.o2_sp) * t,
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    let mut found: Option<Evaluated> = None;
    for _ in 0..12 {
        let mid = 0.5 * (lo + hi);
        let e = ctx.evaluate(&at(mid), allowed);
        if e.feasible {
            lo = mid;
            found = Some(e);
        } else {
            hi = mid;
        }
    }
    found.unwrap_or(best)
}

/// Feasible before infeasible, then by cost.
fn rank(e: &Evaluated) -> (bool, f64) {
    (
        !e.feasible,
        if e.feasible {
            e.terms.total()
        } else {
            violation(&e.margins)
        },
    )
}

/// The best feasible point of a grid with `per_axis` points along each axis of the box (the
/// brute-force reference the solver is measured against; `per_axis`^(zones+1) evaluations).
pub fn grid_search(ctx: &Context<'_>, per_axis: usize) -> Option<Evaluated> {
    let (_, allowed) = ctx.allowed();
    let bx = ctx.settings.box_from(&ctx.now());
    let dims = bx.len();
    let per = per_axis.max(2);
    let total = per.checked_pow(dims as u32)?;
    let mut best: Option<Evaluated> = None;
    let mut u = vec![0.0; dims];
    for k in 0..total {
        let mut r = k;
        for v in u.iter_mut() {
            *v = (r % per) as f64 / (per - 1) as f64;
            r /= per;
        }
        let e = ctx.evaluate(&decision_at(&bx, &u), &allowed);
        if e.feasible
            && best
                .as_ref()
                .is_none_or(|b| e.terms.total() < b.terms.total())
        {
            best = Some(e);
        }
    }
    best
}
