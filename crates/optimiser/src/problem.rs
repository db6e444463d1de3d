//! The optimisation problem: what a set of setpoints costs, which constraints it keeps and by
//! how much, from one prediction of the model.
//!
//! Objective (money per hour, so an engineer can read every term): fuel cost + carbon price x
//! CO2 + a NOx penalty above the NOx target + quality penalties for slabs near the edge of their
//! discharge window or with too much surface-to-core difference + a move penalty. Constraints are
//! held with margins for what is uncertain: the O2 analyser's error against the CO limit and the
//! calibration's spread against the discharge window.

use hearth_emissions::fuel::Stoichiometry;
use hearth_model::config::{Co2Basis, Config, Pollutant, default_zone_bounds};
use hearth_model::physics::co_ppm;

use crate::predict::{Decision, Prediction};

/// Prices, weights, bounds and limits (the `[optimiser]` config section).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub gas_price_per_nm3: f64,
    pub co2_price_per_t: f64,
    /// CO2 per Nm3 of fuel, kg (the emissions config's route, at the configured LHV).
    pub co2_kg_per_nm3: f64,
    /// NOx above this costs `nox_weight` per (mg/Nm3)^2 per hour.
    pub nox_target_mg: f64,
    pub nox_weight: f64,
    /// Discharge-window and surface-to-core penalties, per C^2 per slab per hour.
    pub quality_weight: f64,
    /// Per (C/20)^2 of zone move and (points/0.3)^2 of O2 move, per hour.
    pub move_weight: f64,
    /// Setpoint bounds per zone, charge end first, C.
    pub zone_bounds: Vec<(f64, f64)>,
    pub o2_bounds: (f64, f64),
    /// Largest move per suggestion.
    pub max_zone_move_c: f64,
    pub max_o2_move_pct: f64,
    /// Discharge window about each slab's aim, C.
    pub discharge_below_c: f64,
    pub discharge_above_c: f64,
    pub surface_core_max_c: f64,
    pub co_limit_ppm: f64,
    /// NOx limit, mg/Nm3 at 3 % O2: the permit's times 0.9, or none.
    pub nox_limit_mg: Option<f64>,
    /// Recuperator inlet and air preheat limits, C.
    pub flue_max_c: f64,
    pub air_preheat_max_c: f64,
    /// The O2 analyser's error, percentage points: the CO limit holds at O2 this much lower.
    pub o2_error_pct: f64,
    /// Kept between each slab's predicted discharge temperature and its window, C; the
    /// calibration's spread is added to it.
    pub discharge_margin_c: f64,
    /// Below this throughput (a mill delay) there is no suggestion, t/h.
    pub min_pace_tph: f64,
    /// The plant's standard practice, if configured (see `advise::fallback`).
    pub standard: Option<Decision>,
}

impl Settings {
    /// The domain reference's problem for a three-zone furnace (or `zones` zones: the first and
    /// last keep the preheat and soak bounds, those between take the heating zone's).
    pub fn typical(zones: usize) -> Settings {
        let zones = zones.max(1);
        let zone_bounds = (0..zones).map(|i| default_zone_bounds(i, zones)).collect();
        Settings {
            gas_price_per_nm3: 0.35,
            co2_price_per_t: 70.0,
            co2_kg_per_nm3: 56.1 * 35.8 / 1000.0,
            nox_target_mg: 150.0,
            nox_weight: 0.05,
            quality_weight: 2.0,
            move_weight: 1.0,
            zone_bounds,
            o2_bounds: (1.5, 4.0),
            max_zone_move_c: 20.0,
            max_o2_move_pct: 0.3,
            discharge_below_c: 10.0,
            discharge_above_c: 25.0,
            surface_core_max_c: 30.0,
            co_limit_ppm: 100.0,
            nox_limit_mg: Some(0.9 * 200.0),
            flue_max_c: 1150.0,
            air_preheat_max_c: 540.0,
            o2_error_pct: 0.2,
            discharge_margin_c: 5.0,
            min_pace_tph: 100.0,
            standard: None,
        }
    }

    /// The settings a plant config gives: its `[optimiser]` section, the CO2 factor of its
    /// emissions route, and the NOx limit as the configured fraction of the permit's (the
    /// tightest NOx limit configured, if any).
    pub fn from_config(config: &Config) -> Settings {
        let o = &config.optimiser;
        let e = &config.emissions;
        let co2_kg_per_nm3 = match e.co2_basis {
            Co2Basis::Composition => Stoichiometry::of(&e.fuel_composition)
                .map(|s| s.co2_kg_per_nm3())
                .unwrap_or(e.co2_kg_per_gj * e.fuel_lhv_mj_per_nm3 / 1000.0),
            Co2Basis::Factor => e.co2_kg_per_gj * e.fuel_lhv_mj_per_nm3 / 1000.0,
        };
        let nox_permit = e
            .limits
            .iter()
            .filter(|l| l.pollutant == Pollutant::Nox)
            // The model's NOx is at 3 % O2: a limit at another reference is restated there.
            .map(|l| l.limit_mg_nm3 * (21.0 - 3.0) / (21.0 - l.reference_o2_percent))
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))));
        Settings {
            gas_price_per_nm3: o.gas_price_per_nm3,
            co2_price_per_t: o.co2_price_per_t,
            co2_kg_per_nm3,
            nox_target_mg: o.nox_target_mg,
            nox_weight: o.nox_weight,
            quality_weight: o.quality_weight,
            move_weight: o.move_weight,
            zone_bounds: o.zone_bounds.clone(),
            o2_bounds: o.o2_bounds,
            max_zone_move_c: o.max_zone_move_c,
            max_o2_move_pct: o.max_o2_move_pct,
            discharge_below_c: o.discharge_below_c,
            discharge_above_c: o.discharge_above_c,
            surface_core_max_c: o.surface_core_max_c,
            co_limit_ppm: o.co_limit_ppm,
            nox_limit_mg: nox_permit.map(|l| l * o.nox_limit_fraction),
            flue_max_c: o.flue_max_c,
            air_preheat_max_c: o.air_preheat_max_c,
            o2_error_pct: o.o2_error_pct,
            discharge_margin_c: o.discharge_margin_c,
            min_pace_tph: o.min_pace_tph,
            standard: o
                .standard_zone_sp
                .clone()
                .zip(o.standard_o2_sp)
                .map(|(zone_sp, o2_sp)| Decision { zone_sp, o2_sp }),
        }
    }

    /// Where the decision may go from `now`: the bounds intersected with the move limits. A
    /// setpoint now outside its bounds may move back towards them by the move limit.
    pub fn box_from(&self, now: &Decision) -> Vec<(f64, f64)> {
        let clamp_box = |x: f64, (lo, hi): (f64, f64), step: f64| {
            let a = lo.max(x - step);
            let b = hi.min(x + step);
            if a <= b {
                (a, b)
            } else if x < lo {
                (x + step, x + step)
            } else {
                (x - step, x - step)
            }
        };
        let mut out: Vec<(f64, f64)> = now
            .zone_sp
            .iter()
            .zip(&self.zone_bounds)
            .map(|(x, b)| clamp_box(*x, *b, self.max_zone_move_c))
            .collect();
        out.push(clamp_box(now.o2_sp, self.o2_bounds, self.max_o2_move_pct));
        out
    }
}

/// The objective's terms, money per hour.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Terms {
    pub fuel: f64,
    pub co2: f64,
    pub nox: f64,
    pub quality: f64,
    pub moves: f64,
}

impl Terms {
    pub fn total(&self) -> f64 {
        self.fuel + self.co2 + self.nox + self.quality + self.moves
    }
}

/// One constraint's margin: positive when kept, in the constraint's own unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    pub name: &'static str,
    /// The slab (by discharge order) or zone it concerns, if any.
    pub index: Option<usize>,
    pub margin: f64,
    pub unit: &'static str,
    /// How far continuing the current setpoints already violates it: a suggestion may violate
    /// it by as much (never more), since it is not to blame for what nothing can save now.
    pub allowed: f64,
}

impl Margin {
    /// Kept, or no worse than continuing.
    pub fn holds(&self) -> bool {
        self.margin + self.allowed >= -1e-6
    }
}

/// The objective for one prediction of one decision.
pub fn terms(s: &Settings, now: &Decision, d: &Decision, p: &Prediction) -> Terms {
    let fuel = s.gas_price_per_nm3 * p.fuel_nm3h;
    let co2 = s.co2_price_per_t / 1000.0 * s.co2_kg_per_nm3 * p.fuel_nm3h;
    let nox = s.nox_weight * (p.nox_mg - s.nox_target_mg).max(0.0).powi(2);
    let mut quality = 0.0;
    for slab in &p.discharged {
        let low = (slab.aim_c - s.discharge_below_c + s.discharge_margin_c) - slab.surface_c;
        let spread = (slab.surface_c - slab.core_c) - s.surface_core_max_c;
        quality += low.max(0.0).powi(2) + spread.max(0.0).powi(2);
    }
    quality *= s.quality_weight;
    let mut moves = 0.0;
    for (a, b) in d.zone_sp.iter().zip(&now.zone_sp) {
        moves += ((a - b) / s.max_zone_move_c.max(1e-9)).powi(2);
    }
    moves += ((d.o2_sp - now.o2_sp) / s.max_o2_move_pct.max(1e-9)).powi(2);
    Terms {
        fuel,
        co2,
        nox,
        quality,
        moves: s.move_weight * moves,
    }
}

/// Every constraint's margin for a prediction, with the calibration's spread kept as margin on
/// the discharge window. `allowed` is what continuing violates, constraint by constraint in the
/// same order (see [`allowances`]); empty for none.
pub fn margins(s: &Settings, p: &Prediction, allowed: &[f64], spread_c: f64) -> Vec<Margin> {
    let mut out = Vec::with_capacity(p.discharged.len() + 6);
    let mut push = |name, index, margin, unit| {
        let allowed = allowed.get(out.len()).copied().unwrap_or(0.0);
        out.push(Margin {
            name,
            index,
            margin,
            unit,
            allowed,
        });
    };
    for (i, e) in slab_excess(s, p, spread_c).iter().enumerate() {
        push("discharge_window", Some(i), -e, "C");
    }
    push(
        "co",
        None,
        s.co_limit_ppm - co_ppm((p.o2_true_pct - s.o2_error_pct).max(0.0)),
        "ppm",
    );
    if let Some(limit) = s.nox_limit_mg {
        push("nox", None, limit - p.nox_max_mg, "mg/Nm3");
    }
    push("flue", None, s.flue_max_c - p.flue_max_c, "C");
    push(
        "air_preheat",
        None,
        s.air_preheat_max_c - p.air_preheat_max_c,
        "C",
    );
    push("burner_capacity", None, -p.zone_shortfall_c, "C");
    out
}

/// What continuing the current setpoints violates, constraint by constraint, from its margins.
pub fn allowances(current: &[Margin]) -> Vec<f64> {
    current.iter().map(|m| (-m.margin).max(0.0)).collect()
}

/// How far each slab leaving over the horizon is outside its window (below, above, or by its
/// surface-to-core difference), C, with the margin and the calibration's spread; 0 inside.
pub fn slab_excess(s: &Settings, p: &Prediction, spread_c: f64) -> Vec<f64> {
    let m = s.discharge_margin_c + spread_c;
    p.discharged
        .iter()
        .map(|slab| {
            let low = (slab.aim_c - s.discharge_below_c + m) - slab.surface_c;
            let high = slab.surface_c - (slab.aim_c + s.discharge_above_c - m);
            let spread = (slab.surface_c - slab.core_c) - s.surface_core_max_c;
            low.max(high).max(spread).max(0.0)
        })
        .collect()
}

/// The sum of squared violations beyond what is allowed: 0 for a feasible prediction.
pub fn violation(margins: &[Margin]) -> f64 {
    margins
        .iter()
        .map(|m| (-(m.margin + m.allowed)).max(0.0).powi(2))
        .sum()
}

/// Whether every constraint holds (or is no worse than continuing).
pub fn feasible(margins: &[Margin]) -> bool {
    margins.iter().all(Margin::holds)
}
