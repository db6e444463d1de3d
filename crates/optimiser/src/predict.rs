//! The prediction model: the furnace run forward from its present state under a given set of
//! setpoints, over the time the slabs now inside need to leave it, at coarse steps.
//!
//! Slabs are heated by the same radiation and conduction as the simulator's plant
//! ([`hearth_model::physics::heat_layers`]), with fewer layers and longer steps so one run of a
//! three-hour horizon takes about a millisecond. The zone loops are taken as doing their job:
//! each zone's temperature follows its setpoint at the PLC's ramp rate, and its fuel is what its
//! heat balance needs for that, within the burners' range (a zone that runs out of burner
//! capacity falls behind, and the shortfall is reported).

use hearth_model::physics::{
    SIGMA, SlabFaces, co_ppm, dry_flue_gas_per_fuel, face, heat_layers, lambda_from_o2,
    nox_mg_at_3pct, steel_enthalpy, steel_temperature, wet_flue_gas_per_fuel,
};

use crate::params::ModelParams;

/// Layers through a slab in the model (the simulator uses six; four keep the surface-to-core
/// difference within a few degrees at a quarter of the cost).
pub const MODEL_LAYERS: usize = 4;
/// The model's time step, s. Explicit conduction through 55 mm layers is stable to ~100 s.
pub const MODEL_STEP_S: f64 = 60.0;
const NEWTON_STEPS: usize = 3;

/// A slab as the model tracks it: layer enthalpies above 20 C (kJ/kg, top face first) and the
/// discharge temperature aimed at for its grade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackedSlab {
    pub h: [f64; MODEL_LAYERS],
    pub aim_c: f64,
}

impl TrackedSlab {
    pub fn at(t_c: f64, aim_c: f64) -> TrackedSlab {
        TrackedSlab {
            h: [steel_enthalpy(t_c); MODEL_LAYERS],
            aim_c,
        }
    }

    pub fn mean_c(&self) -> f64 {
        steel_temperature(self.h.iter().sum::<f64>() / MODEL_LAYERS as f64)
    }

    pub fn core_c(&self) -> f64 {
        let m = MODEL_LAYERS / 2;
        0.5 * (steel_temperature(self.h[m - 1]) + steel_temperature(self.h[m]))
    }
}

/// The furnace now, and what the mill will do over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct FurnaceState {
    /// Zone temperatures, charge end first, C.
    pub zone_c: Vec<f64>,
    /// The setpoints the zones run at now (the ramp starts from the temperatures).
    pub zone_sp: Vec<f64>,
    /// O2 setpoint now, % dry (the analyser's reading is held at it).
    pub o2_sp: f64,
    pub air_preheat_c: f64,
    /// Slabs inside, charge end first.
    pub slabs: Vec<TrackedSlab>,
    /// Steel already due towards the next discharge, kg.
    pub discharge_due_kg: f64,
    /// Disturbances over the horizon: pace, charge temperature, and the aim of the slabs charged.
    pub pace_tph: f64,
    pub charge_temp_c: f64,
    pub charge_aim_c: f64,
    /// The fuel's heating value now, MJ/Nm3 (LHV).
    pub lhv_mj_per_nm3: f64,
}

/// What is decided: a setpoint per zone, charge end first, and the O2 setpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub zone_sp: Vec<f64>,
    pub o2_sp: f64,
}

/// A slab as it is predicted to leave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PredictedDischarge {
    /// Seconds from now.
    pub at_s: f64,
    pub aim_c: f64,
    /// The top surface as the discharge pyrometer sees it.
    pub surface_c: f64,
    pub mean_c: f64,
    pub core_c: f64,
}

/// One coarse point of the predicted trajectory, for the optimiser page's charts.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryPoint {
    pub at_s: f64,
    pub zone_c: Vec<f64>,
    pub fuel_nm3h: f64,
}

/// The model's prediction over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub horizon_s: f64,
    /// Mean fuel over the horizon, Nm3/h.
    pub fuel_nm3h: f64,
    /// Mean fuel per zone, Nm3/h.
    pub zone_fuel_nm3h: Vec<f64>,
    /// Mean NOx over the horizon, mg/Nm3 dry at 3 % O2, and its maximum.
    pub nox_mg: f64,
    pub nox_max_mg: f64,
    /// The true O2, % dry (the setpoint less the analyser's bias).
    pub o2_true_pct: f64,
    /// CO at the true O2, ppm dry.
    pub co_ppm: f64,
    /// Highest recuperator inlet (before dilution) and air preheat over the horizon, C.
    pub flue_max_c: f64,
    pub air_preheat_max_c: f64,
    /// Largest burner-capacity shortfall of any zone, C of setpoint not reached.
    pub zone_shortfall_c: f64,
    /// Dry flue gas, mean, Nm3/h.
    pub dry_flue_nm3h: f64,
    /// Steel heated, t/h.
    pub pace_tph: f64,
    pub discharged: Vec<PredictedDischarge>,
    pub trajectory: Vec<TrajectoryPoint>,
}

impl Prediction {
    /// Fuel energy per tonne, GJ/t (LHV).
    pub fn gj_per_t(&self, lhv_mj_per_nm3: f64) -> f64 {
        if self.pace_tph > 0.0 {
            self.fuel_nm3h * lhv_mj_per_nm3 / 1000.0 / self.pace_tph
        } else {
            0.0
        }
    }
}

/// One zone's heat balance at temperature `tz` (C): the heat each Nm3/s of fuel leaves in the
/// zone, and what the zone needs besides to hold `tz` (W): the gas passing through (`gas_in`
/// Nm3/s from the zones downstream, at `gas_in_t`) and the infiltration heated to `tz`, the
/// steel's uptake `q_steel`, wall, skid and door losses. Air comes in at `ap` and ratio `lambda`.
/// The prediction and the calibration both balance zones with it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn zone_balance(
    p: &ModelParams,
    i: usize,
    tz: f64,
    (gas_in, gas_in_t): (f64, f64),
    q_steel: f64,
    ap: f64,
    lambda: f64,
    lhv_mj_per_nm3: f64,
) -> (f64, f64) {
    let t0 = p.ambient_c;
    let c_fg = p.c_fg * 1000.0;
    let c_air = p.c_air * 1000.0;
    let z = &p.zones[i];
    let infiltration = if i == 0 { p.infiltration_nm3_s } else { 0.0 };
    let door = if i == 0 || i + 1 == p.zones.len() {
        SIGMA * p.door_area_m2 * ((tz + 273.15).powi(4) - (t0 + 273.15).powi(4))
    } else {
        0.0
    };
    let losses = (z.wall_ua_kw_per_k + z.skid_ua_kw_per_k) * 1000.0 * (tz - t0) + door;
    let per_fuel = lhv_mj_per_nm3 * 1e6 + p.a0 * lambda * c_air * (ap - t0)
        - wet_flue_gas_per_fuel(lambda) * c_fg * (tz - t0);
    let other = (gas_in + infiltration) * c_fg * (tz - t0) + q_steel + losses
        - gas_in * c_fg * (gas_in_t - t0);
    (per_fuel, other)
}

/// The longest horizon predicted: slabs that stay longer (at a slow pace) are not judged.
pub const MAX_HORIZON_S: f64 = 4.0 * 3600.0;

/// Seconds until the slab now at the charge end leaves (the horizon every slab inside needs),
/// at most [`MAX_HORIZON_S`].
pub fn residence_s(params: &ModelParams, state: &FurnaceState) -> f64 {
    full_residence_s(params, state, state.pace_tph).min(MAX_HORIZON_S)
}

/// Seconds until the slab at the charge end leaves at `pace_tph` (at least 1 t/h).
pub fn full_residence_s(params: &ModelParams, state: &FurnaceState, pace_tph: f64) -> f64 {
    let kg_per_s = pace_tph.max(1.0) * 1000.0 / 3600.0;
    (state.slabs.len() as f64 * params.slab_kg() - state.discharge_due_kg).max(0.0) / kg_per_s
}

/// Run the model forward from `state` under `decision` until every slab now inside has left.
/// The state's slabs are not changed.
pub fn predict(params: &ModelParams, state: &FurnaceState, decision: &Decision) -> Prediction {
    predict_for(params, state, decision, residence_s(params, state))
}

/// [`predict`] over a horizon of `horizon_s` seconds.
pub fn predict_for(
    params: &ModelParams,
    state: &FurnaceState,
    decision: &Decision,
    horizon_s: f64,
) -> Prediction {
    let p = params;
    let nz = p
        .zones
        .len()
        .min(state.zone_c.len())
        .min(decision.zone_sp.len());
    let t0 = p.ambient_c;
    let o2_true = (decision.o2_sp - p.o2_bias_pct).max(0.05);
    let lambda = lambda_from_o2(o2_true);
    let wfg = wet_flue_gas_per_fuel(lambda);
    let face_m2 = p.slab_width_m * p.slab_length_m;
    let slab_kg = p.slab_kg();
    let dt = MODEL_STEP_S;
    let steps = (horizon_s / dt).ceil().max(1.0) as usize;
    let faces: Vec<SlabFaces> = p.zones[..nz]
        .iter()
        .map(|z| SlabFaces {
            phi_top: z.phi_top,
            phi_bottom: z.phi_bottom,
            thickness_m: p.slab_thickness_m,
            density: p.steel_density,
            newton_steps: NEWTON_STEPS,
        })
        .collect();
    let zone_of: Vec<usize> = (0..p.slabs_inside.max(state.slabs.len()))
        .map(|i| p.zone_of(i).min(nz.saturating_sub(1)))
        .collect();

    let mut zone_c = state.zone_c[..nz].to_vec();
    let mut working: Vec<f64> = zone_c.clone();
    let mut slabs = state.slabs.clone();
    let mut due = state.discharge_due_kg;
    let mut ap = state.air_preheat_c;
    let mut out = Prediction {
        horizon_s: steps as f64 * dt,
        fuel_nm3h: 0.0,
        zone_fuel_nm3h: vec![0.0; nz],
        nox_mg: 0.0,
        nox_max_mg: 0.0,
        o2_true_pct: o2_true,
        co_ppm: co_ppm(o2_true),
        flue_max_c: f64::MIN,
        air_preheat_max_c: f64::MIN,
        zone_shortfall_c: 0.0,
        dry_flue_nm3h: 0.0,
        pace_tph: state.pace_tph,
        discharged: Vec::with_capacity(state.slabs.len() + 1),
        trajectory: Vec::with_capacity(steps / 5 + 2),
    };
    let mut q_steel = vec![0.0; nz];
    let mut fuel = vec![0.0; nz];
    let ramp = p.sp_ramp_c_per_s * dt;
    let kg_per_step = state.pace_tph.max(0.0) * 1000.0 / 3600.0 * dt;
    let mut to_leave = state.slabs.len();

    for step in 0..steps {
        let now = step as f64 * dt;
        q_steel.iter_mut().for_each(|q| *q = 0.0);
        for (i, slab) in slabs.iter_mut().enumerate() {
            let z = zone_of.get(i).copied().unwrap_or(nz - 1);
            q_steel[z] += heat_layers(&mut slab.h, &faces[z], zone_c[z], dt) * face_m2;
        }

        // Zones from the soak end, as the gas flows: the fuel each needs to follow its ramp.
        let mut gas_in = 0.0;
        let mut gas_in_t = t0;
        for i in (0..nz).rev() {
            working[i] += (decision.zone_sp[i] - working[i]).clamp(-ramp, ramp);
            let z = &p.zones[i];
            let tz = zone_c[i];
            let infiltration = if i == 0 { p.infiltration_nm3_s } else { 0.0 };
            let cap = z.capacity_mj_per_k * 1e6;
            let (per_fuel, other) = zone_balance(
                p,
                i,
                tz,
                (gas_in, gas_in_t),
                q_steel[i],
                ap,
                lambda,
                state.lhv_mj_per_nm3,
            );
            let need = other + cap * (working[i] - tz) / dt;
            let max_f = z.max_fuel_nm3h / 3600.0;
            let f = if per_fuel > 0.0 {
                (need / per_fuel).clamp(max_f * p.min_fire_fraction, max_f)
            } else {
                max_f
            };
            fuel[i] = f;
            let balance = f * per_fuel - other;
            zone_c[i] = tz + balance / cap * dt;
            gas_in += f * wfg + infiltration;
            gas_in_t = tz;
        }

        // Slabs leave one pitch at a time, the charge end takes a new one.
        due += kg_per_step;
        while due >= slab_kg && !slabs.is_empty() {
            due -= slab_kg;
            let leaving = slabs.remove(slabs.len() - 1);
            if to_leave > 0 {
                to_leave -= 1;
                let zl = nz - 1;
                let (surface_c, _) = face(
                    p.zones[zl].phi_top,
                    zone_c[zl],
                    steel_temperature(leaving.h[0]),
                    p.slab_thickness_m / MODEL_LAYERS as f64,
                    NEWTON_STEPS,
                );
                out.discharged.push(PredictedDischarge {
                    at_s: now + dt,
                    aim_c: leaving.aim_c,
                    surface_c,
                    mean_c: leaving.mean_c(),
                    core_c: leaving.core_c(),
                });
            }
            slabs.insert(0, TrackedSlab::at(state.charge_temp_c, state.charge_aim_c));
        }

        let rec_in = zone_c[0];
        ap += (t0 + p.recuperator_eps * (rec_in.min(p.recuperator_inlet_max_c) - t0) - ap)
            * (1.0 - (-dt / p.recuperator_tau_s).exp());
        let zmax = zone_c.iter().copied().fold(f64::MIN, f64::max);
        let nox = nox_mg_at_3pct(p.nox_n0_mg, ap, zmax, o2_true);
        let total: f64 = fuel.iter().sum::<f64>() * 3600.0;
        out.fuel_nm3h += total;
        for (acc, f) in out.zone_fuel_nm3h.iter_mut().zip(&fuel) {
            *acc += f * 3600.0;
        }
        out.nox_mg += nox;
        out.nox_max_mg = out.nox_max_mg.max(nox);
        out.dry_flue_nm3h += total * dry_flue_gas_per_fuel(lambda);
        out.flue_max_c = out.flue_max_c.max(rec_in);
        out.air_preheat_max_c = out.air_preheat_max_c.max(ap);
        // Shortfall once the ramp is done: a zone that cannot reach its setpoint.
        for i in 0..nz {
            if (working[i] - decision.zone_sp[i]).abs() < 1e-9 {
                out.zone_shortfall_c = out.zone_shortfall_c.max(working[i] - zone_c[i] - 5.0);
            }
        }
        if step % 5 == 0 || step + 1 == steps {
            out.trajectory.push(TrajectoryPoint {
                at_s: now + dt,
                zone_c: zone_c.clone(),
                fuel_nm3h: total,
            });
        }
    }
    let n = steps as f64;
    out.fuel_nm3h /= n;
    out.zone_fuel_nm3h.iter_mut().for_each(|f| *f /= n);
    out.nox_mg /= n;
    out.dry_flue_nm3h /= n;
    out.zone_shortfall_c = out.zone_shortfall_c.max(0.0);
    out
}

/// The furnace at steady state under `decision`: slabs tracked through the whole furnace at
/// constant pace until their temperatures repeat. For tests, the shadow-mode baseline and a
/// state to start from when history is too short to track the slabs inside.
pub fn settle(
    params: &ModelParams,
    decision: &Decision,
    pace_tph: f64,
    charge_temp_c: f64,
    aim_c: f64,
    lhv_mj_per_nm3: f64,
) -> FurnaceState {
    let n = params.slabs_inside.max(1);
    let slabs = (0..n)
        .map(|i| {
            let x = i as f64 / (n - 1).max(1) as f64;
            TrackedSlab::at(
                charge_temp_c + (1180.0 - charge_temp_c) * x.powf(0.6),
                aim_c,
            )
        })
        .collect();
    let mut state = FurnaceState {
        zone_c: decision.zone_sp.clone(),
        zone_sp: decision.zone_sp.clone(),
        o2_sp: decision.o2_sp,
        air_preheat_c: 480.0,
        slabs,
        discharge_due_kg: 0.0,
        pace_tph,
        charge_temp_c,
        charge_aim_c: aim_c,
        lhv_mj_per_nm3,
    };
    // Twice through: the first pass replaces every slab, the second settles the recuperator.
    // A furnace that is not producing settles as if at a slow pace.
    for _ in 0..2 {
        let horizon = full_residence_s(params, &state, pace_tph.max(50.0));
        state.pace_tph = pace_tph.max(50.0);
        let (slabs, zone_c, ap) = run_state(params, &state, decision, horizon);
        state.slabs = slabs;
        state.zone_c = zone_c;
        state.air_preheat_c = ap;
    }
    state.pace_tph = pace_tph;
    state
}

/// The state after `horizon_s` under `decision` (slabs, zone temperatures, air preheat).
fn run_state(
    params: &ModelParams,
    state: &FurnaceState,
    decision: &Decision,
    horizon_s: f64,
) -> (Vec<TrackedSlab>, Vec<f64>, f64) {
    let p = params;
    let nz = p.zones.len();
    let dt = MODEL_STEP_S;
    let steps = (horizon_s / dt).ceil().max(1.0) as usize;
    let slab_kg = p.slab_kg();
    let mut slabs = state.slabs.clone();
    let mut due = state.discharge_due_kg;
    let kg_per_step = state.pace_tph.max(0.0) * 1000.0 / 3600.0 * dt;
    let zone_c = decision.zone_sp.clone();
    let mut ap = state.air_preheat_c;
    for _ in 0..steps {
        for (i, slab) in slabs.iter_mut().enumerate() {
            let z = p.zone_of(i).min(nz - 1);
            let f = SlabFaces {
                phi_top: p.zones[z].phi_top,
                phi_bottom: p.zones[z].phi_bottom,
                thickness_m: p.slab_thickness_m,
                density: p.steel_density,
                newton_steps: NEWTON_STEPS,
            };
            heat_layers(&mut slab.h, &f, zone_c[z], dt);
        }
        due += kg_per_step;
        while due >= slab_kg && !slabs.is_empty() {
            due -= slab_kg;
            slabs.pop();
            slabs.insert(0, TrackedSlab::at(state.charge_temp_c, state.charge_aim_c));
        }
        let t0 = p.ambient_c;
        ap += (t0 + p.recuperator_eps * (zone_c[0].min(p.recuperator_inlet_max_c) - t0) - ap)
            * (1.0 - (-dt / p.recuperator_tau_s).exp());
    }
    (slabs, zone_c, ap)
}
