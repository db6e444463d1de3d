//! The furnace itself: a lumped model of a three-zone walking-beam reheating furnace.
//!
//! Gas flows soak -> heating -> preheat -> flue. Each zone has a gas/refractory heat balance. The
//! steel is tracked slab by slab on the walking beam: every slab has layers through its thickness
//! whose enthalpy follows the low-carbon steel table (so the alpha -> gamma step shows in the
//! heating curve), heated by radiation on its top and bottom faces and by conduction inside; slabs
//! move one pitch per discharge. A recuperator with its own lag preheats the combustion air, with
//! dilution air capping its inlet. References: docs/SIMULATOR.md and the
//! domain notes on the reheating furnace (sections 2-4).

/// Stefan-Boltzmann constant, W/(m2 K4).
pub const SIGMA: f64 = 5.670_374e-8;
pub const ZONES: usize = 3;
/// Layers through a slab's thickness (5-7 are accurate to ~1 C; explicit steps are stable far
/// beyond the 1 s the simulation uses).
pub const LAYERS: usize = 6;
/// The most layers [`heat_layers`] takes.
pub const MAX_LAYERS: usize = 16;

/// Low-carbon steel enthalpy above 20 C, kJ/kg, by temperature, C.
const ENTHALPY: [(f64, f64); 15] = [
    (20.0, 0.0),
    (100.0, 38.0),
    (200.0, 88.0),
    (300.0, 140.0),
    (400.0, 195.0),
    (500.0, 255.0),
    (600.0, 323.0),
    (700.0, 403.0),
    (750.0, 455.0),
    (800.0, 515.0),
    (900.0, 577.0),
    (1000.0, 640.0),
    (1100.0, 705.0),
    (1200.0, 772.0),
    (1300.0, 840.0),
];

fn interp(table: &[(f64, f64)], x: f64, forward: bool) -> f64 {
    let key = |p: &(f64, f64)| if forward { p.0 } else { p.1 };
    let val = |p: &(f64, f64)| if forward { p.1 } else { p.0 };
    let n = table.len();
    let (lo, hi) = if x <= key(&table[0]) {
        (&table[0], &table[1])
    } else if x >= key(&table[n - 1]) {
        (&table[n - 2], &table[n - 1])
    } else {
        let i = table.iter().position(|p| key(p) > x).unwrap_or(n - 1);
        (&table[i - 1], &table[i])
    };
    let f = (x - key(lo)) / (key(hi) - key(lo));
    val(lo) + f * (val(hi) - val(lo))
}

/// Steel conductivity, W/(m K): 50 at 20 C falling to 28 at 1200 C.
pub fn steel_conductivity(t_c: f64) -> f64 {
    50.0 - 22.0 * ((t_c - 20.0) / 1180.0).clamp(0.0, 1.0)
}

/// Steel enthalpy above 20 C, kJ/kg.
pub fn steel_enthalpy(t_c: f64) -> f64 {
    interp(&ENTHALPY, t_c, true)
}

/// Steel temperature, C, for an enthalpy above 20 C in kJ/kg.
pub fn steel_temperature(h: f64) -> f64 {
    interp(&ENTHALPY, h, false)
}

/// Air ratio lambda for a dry flue O2 (%), natural gas as CH4.
pub fn lambda_from_o2(o2: f64) -> f64 {
    1.0 + 8.52 * o2 / (9.52 * (21.0 - o2))
}

/// Dry flue O2 (%) for an air ratio.
pub fn o2_from_lambda(lambda: f64) -> f64 {
    let excess = 9.52 * (lambda - 1.0);
    21.0 * excess / (8.52 + excess)
}

/// Wet flue gas per Nm3 of fuel.
pub fn wet_flue_gas_per_fuel(lambda: f64) -> f64 {
    10.52 + 9.52 * (lambda - 1.0)
}

/// Dry flue gas per Nm3 of fuel.
pub fn dry_flue_gas_per_fuel(lambda: f64) -> f64 {
    8.52 + 9.52 * (lambda - 1.0)
}

/// CO, ppm dry at the measured O2: rises sharply below ~1 % O2.
pub fn co_ppm(o2: f64) -> f64 {
    15.0 + 2000.0 * (-(o2 - 0.3) / 0.25).exp()
}

/// Thermal NOx, mg/Nm3 dry at 3 % O2 (as NO2).
pub fn nox_mg_at_3pct(n0: f64, t_air_preheat: f64, t_zone_max: f64, o2: f64) -> f64 {
    n0 * (0.004 * (t_air_preheat - 485.0)).exp()
        * (0.003 * (t_zone_max - 1250.0)).exp()
        * (o2.max(0.05) / 3.0).powf(0.3)
}

/// Radiation into one face of a slab whose outer layer (of thickness `dx`, m) is at `t_layer`,
/// with the surface hotter than that layer's centre by the conduction drop over half a layer.
/// Returns the surface temperature, C, and the flux, W/m2. `newton_steps` iterations solve the
/// surface balance (6 are exact to well under 0.1 C; 3 are within ~1 C at coarse steps).
pub fn face(phi: f64, t_gas: f64, t_layer: f64, dx: f64, newton_steps: usize) -> (f64, f64) {
    let r = 0.5 * dx / steel_conductivity(t_layer);
    let sp = SIGMA * phi;
    let tg4 = (t_gas + 273.15).powi(4);
    let mut q = 0.0;
    for _ in 0..newton_steps {
        let ts = t_layer + q * r + 273.15;
        let f = q - sp * (tg4 - ts.powi(4));
        let df = 1.0 + sp * 4.0 * ts.powi(3) * r;
        q -= f / df;
    }
    (t_layer + q * r, q)
}

/// How a slab takes heat: the exchange factors of the zone it is in and its own geometry.
#[derive(Debug, Clone, Copy)]
pub struct SlabFaces {
    pub phi_top: f64,
    pub phi_bottom: f64,
    pub thickness_m: f64,
    pub density: f64,
    pub newton_steps: usize,
}

/// Heat the layers of one slab (enthalpies above 20 C, kJ/kg, top face first; any number of
/// layers from two to [`MAX_LAYERS`]; other counts are left as they are) for `dt` seconds under gas at `t_gas`: radiation on both faces,
/// conduction between layers, explicit in time. Returns the heat taken per square metre of one
/// face, W/m2. The simulator's plant and the optimiser's prediction both heat slabs with this.
pub fn heat_layers(h: &mut [f64], f: &SlabFaces, t_gas: f64, dt: f64) -> f64 {
    let n = h.len();
    if !(2..=MAX_LAYERS).contains(&n) {
        return 0.0;
    }
    let dx = f.thickness_m / n as f64;
    let mut t = [0.0; MAX_LAYERS];
    let mut k = [0.0; MAX_LAYERS];
    for j in 0..n {
        t[j] = steel_temperature(h[j]);
        k[j] = steel_conductivity(t[j]);
    }
    let (_, q_top) = face(f.phi_top, t_gas, t[0], dx, f.newton_steps);
    let (_, q_bot) = face(f.phi_bottom, t_gas, t[n - 1], dx, f.newton_steps);
    let mut flux_in = [0.0; MAX_LAYERS];
    flux_in[0] += q_top;
    flux_in[n - 1] += q_bot;
    for j in 0..n - 1 {
        let q = 0.5 * (k[j] + k[j + 1]) * (t[j] - t[j + 1]) / dx;
        flux_in[j] -= q;
        flux_in[j + 1] += q;
    }
    // W/m2 into a layer of dx metres: kJ/kg per second = q / (rho dx) / 1000.
    let per = dt / (f.density * dx * 1000.0);
    for j in 0..n {
        h[j] = (h[j] + flux_in[j] * per).max(0.0);
    }
    q_top + q_bot
}

/// The plant's physical parameters. A scenario may make the "real" plant differ from these.
#[derive(Debug, Clone)]
pub struct PlantParams {
    pub lhv_mj_per_nm3: f64,
    /// Stoichiometric air, Nm3 air per Nm3 fuel.
    pub a0: f64,
    /// Flue gas heat capacity, kJ/(Nm3 K).
    pub c_fg: f64,
    /// Air heat capacity, kJ/(Nm3 K).
    pub c_air: f64,
    pub ambient_c: f64,
    /// Effective heat capacity of each zone's gas and refractory, MJ/K.
    pub zone_capacity_mj_per_k: [f64; ZONES],
    /// Gas-to-steel exchange factor on the slabs' top faces, per zone.
    pub phi_top: [f64; ZONES],
    /// The same for the bottom faces (lower: the skids shadow them).
    pub phi_bottom: [f64; ZONES],
    pub wall_ua_kw_per_k: [f64; ZONES],
    pub skid_ua_kw_per_k: [f64; ZONES],
    pub recuperator_eps: f64,
    pub recuperator_tau_s: f64,
    /// Dilution air keeps the recuperator inlet at or below this.
    pub recuperator_inlet_max_c: f64,
    /// Slabs on the hearth.
    pub slabs_inside: usize,
    /// Share of the furnace length each zone takes, charge end first.
    pub zone_length_fraction: [f64; ZONES],
    pub slab_thickness_m: f64,
    pub slab_width_m: f64,
    pub slab_length_m: f64,
    pub steel_density: f64,
    pub max_fuel_nm3h: [f64; ZONES],
    pub nox_n0_mg: f64,
    /// Furnace pressure per Nm3/s of flue gas, Pa, and the damper's full authority, Pa.
    pub pressure_per_flow: f64,
    pub damper_authority_pa: f64,
    /// Cold air drawn in at the charge door, Nm3/s (heated to flue temperature, then lost).
    pub infiltration_nm3_s: f64,
    /// Open door area radiating to the hall at the charge (preheat) and discharge (soak) ends, m2.
    pub door_area_m2: f64,
}

impl PlantParams {
    /// Mass of one slab, kg.
    pub fn slab_kg(&self) -> f64 {
        self.slab_thickness_m * self.slab_width_m * self.slab_length_m * self.steel_density
    }

    /// One face's area, m2.
    pub fn slab_face_m2(&self) -> f64 {
        self.slab_width_m * self.slab_length_m
    }

    /// The zone that slab position `i` (0 = charge end) lies in.
    pub fn zone_of(&self, i: usize) -> usize {
        let x = (i as f64 + 0.5) / self.slabs_inside.max(1) as f64;
        let mut edge = 0.0;
        for (z, f) in self.zone_length_fraction.iter().enumerate() {
            edge += f;
            if x < edge {
                return z;
            }
        }
        ZONES - 1
    }
}

impl Default for PlantParams {
    fn default() -> Self {
        PlantParams {
            lhv_mj_per_nm3: 35.8,
            a0: 9.52,
            c_fg: 1.5,
            c_air: 1.33,
            ambient_c: 20.0,
            zone_capacity_mj_per_k: [60.0, 55.0, 45.0],
            phi_top: [0.62, 0.62, 0.62],
            phi_bottom: [0.52, 0.52, 0.52],
            wall_ua_kw_per_k: [1.6, 1.4, 1.0],
            skid_ua_kw_per_k: [2.6, 2.3, 1.6],
            recuperator_eps: 0.50,
            recuperator_tau_s: 600.0,
            recuperator_inlet_max_c: 950.0,
            slabs_inside: 35,
            zone_length_fraction: [0.40, 0.35, 0.25],
            slab_thickness_m: 0.22,
            slab_width_m: 1.5,
            slab_length_m: 10.0,
            steel_density: 7850.0,
            max_fuel_nm3h: [7000.0, 6500.0, 4000.0],
            nox_n0_mg: 180.0,
            pressure_per_flow: 1.0,
            damper_authority_pa: 90.0,
            infiltration_nm3_s: 2.0,
            door_area_m2: 2.0,
        }
    }
}

/// What the actuators do this step.
#[derive(Debug, Clone, Copy)]
pub struct Actuators {
    /// Fuel per zone, Nm3/h.
    pub fuel_nm3h: [f64; ZONES],
    /// Air ratio delivered.
    pub lambda: f64,
    /// Stack damper opening 0..1.
    pub damper: f64,
    /// Production rate, t/h.
    pub pace_tph: f64,
    pub charge_temp_c: f64,
    /// Grade of the next slab charged.
    pub charge_grade: u16,
}

/// One slab on the walking beam: enthalpy of each layer, top face first, kJ/kg above 20 C.
#[derive(Debug, Clone, Copy)]
pub struct Slab {
    pub id: u64,
    /// Steel grade code (index into the simulation's grade table).
    pub grade: u16,
    pub h: [f64; LAYERS],
}

impl Slab {
    pub fn at(id: u64, t_c: f64) -> Slab {
        Slab {
            id,
            grade: 0,
            h: [steel_enthalpy(t_c); LAYERS],
        }
    }

    pub fn mean_h(&self) -> f64 {
        self.h.iter().sum::<f64>() / LAYERS as f64
    }

    pub fn mean_c(&self) -> f64 {
        steel_temperature(self.mean_h())
    }

    /// Temperature of the middle of the slab (the coldest part while it heats).
    pub fn core_c(&self) -> f64 {
        let mid = LAYERS / 2;
        0.5 * (steel_temperature(self.h[mid - 1]) + steel_temperature(self.h[mid]))
    }
}

/// A slab leaving the furnace, as the discharge pyrometer and the mill see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Discharged {
    pub id: u64,
    pub grade: u16,
    pub surface_c: f64,
    pub mean_c: f64,
    pub core_c: f64,
}

/// The true state of the furnace.
#[derive(Debug, Clone)]
pub struct Plant {
    pub params: PlantParams,
    pub zone_c: [f64; ZONES],
    /// Slabs from the charge end (index 0) to the discharge end.
    pub slabs: Vec<Slab>,
    next_slab_id: u64,
    /// Steel discharged since the last slab left, kg (a slab leaves when a whole one is due).
    discharge_due_kg: f64,
    pub last_discharged: Option<Discharged>,
    pub air_preheat_c: f64,
    pub pressure_pa: f64,
    /// Outputs of the last step, for sensors and accounting.
    pub out: PlantOutputs,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct PlantOutputs {
    /// Top-surface temperature of the slab nearest the discharge end of each zone.
    pub stock_surface_c: [f64; ZONES],
    /// Mean temperature of that slab.
    pub stock_mean_c: [f64; ZONES],
    pub heat_to_steel_w: [f64; ZONES],
    pub flue_c: f64,
    pub recuperator_inlet_c: f64,
    pub o2_dry_pct: f64,
    pub co_ppm: f64,
    pub nox_mg_at_3pct: f64,
    pub air_nm3h: f64,
    pub fuel_total_nm3h: f64,
    pub firing_mw: f64,
    pub wall_loss_w: f64,
    pub door_loss_w: f64,
    pub infiltration_loss_w: f64,
    pub skid_loss_w: f64,
    pub flue_loss_w: f64,
    pub air_sensible_w: f64,
    /// Enthalpy carried out by slabs discharged this step, less what the charged ones brought, J.
    pub steel_out_j: f64,
}

impl Plant {
    /// A furnace at a plausible warm state, from which it settles within a few hours.
    pub fn new(params: PlantParams, zone_c: [f64; ZONES]) -> Self {
        let n = params.slabs_inside.max(1);
        let slabs = (0..n)
            .map(|i| {
                let x = i as f64 / (n - 1).max(1) as f64;
                Slab::at(i as u64, 20.0 + 1180.0 * x.powf(0.6))
            })
            .collect();
        Plant {
            params,
            zone_c,
            slabs,
            next_slab_id: n as u64,
            discharge_due_kg: 0.0,
            last_discharged: None,
            air_preheat_c: 480.0,
            pressure_pa: 10.0,
            out: PlantOutputs::default(),
        }
    }

    /// Radiation into one face of a slab whose outer layer is at `t_layer`: see [`face`].
    fn face(&self, phi: f64, t_gas: f64, t_layer: f64) -> (f64, f64) {
        let p = &self.params;
        face(phi, t_gas, t_layer, p.slab_thickness_m / LAYERS as f64, 6)
    }

    /// Heat one slab for `dt` under gas at `t_gas`; returns the heat it took, W.
    fn heat_slab(&self, slab: &mut Slab, zone: usize, t_gas: f64, dt: f64) -> f64 {
        let p = &self.params;
        let faces = SlabFaces {
            phi_top: p.phi_top[zone],
            phi_bottom: p.phi_bottom[zone],
            thickness_m: p.slab_thickness_m,
            density: p.steel_density,
            newton_steps: 6,
        };
        heat_layers(&mut slab.h, &faces, t_gas, dt) * p.slab_face_m2()
    }

    /// Advance the plant by `dt` seconds (keep dt <= 2 s).
    pub fn step(&mut self, a: &Actuators, dt: f64) {
        let p = self.params.clone();
        let t0 = p.ambient_c;
        let lambda = a.lambda.max(0.5);
        let fuel_s: [f64; ZONES] = a.fuel_nm3h.map(|f| f.max(0.0) / 3600.0);
        let c_fg = p.c_fg * 1000.0;
        let c_air = p.c_air * 1000.0;

        let mut out = PlantOutputs::default();
        // Steel first, under the zone temperatures at the start of the step.
        let mut slabs = std::mem::take(&mut self.slabs);
        let mut q_steel = [0.0; ZONES];
        for (i, slab) in slabs.iter_mut().enumerate() {
            let z = p.zone_of(i);
            q_steel[z] += self.heat_slab(slab, z, self.zone_c[z], dt);
        }
        self.slabs = slabs;

        let mut gas_in = 0.0; // Nm3/s entering zone i from downstream
        let mut gas_in_t = t0;
        let mut dzone = [0.0; ZONES];
        // Soak (last) to preheat (first).
        for i in (0..ZONES).rev() {
            let tz = self.zone_c[i];
            let fuel = fuel_s[i];
            let fg = fuel * wet_flue_gas_per_fuel(lambda);
            let air = fuel * p.a0 * lambda;
            let wall = p.wall_ua_kw_per_k[i] * 1000.0 * (tz - t0);
            let skid = p.skid_ua_kw_per_k[i] * 1000.0 * (tz - t0);
            let at_door = i == 0 || i == ZONES - 1;
            let door = if at_door {
                SIGMA * p.door_area_m2 * ((tz + 273.15).powi(4) - (t0 + 273.15).powi(4))
            } else {
                0.0
            };
            let infiltration = if i == 0 { p.infiltration_nm3_s } else { 0.0 };
            let gas_out = gas_in + fg + infiltration;
            let heat_in = fuel * p.lhv_mj_per_nm3 * 1e6
                + air * c_air * (self.air_preheat_c - t0)
                + gas_in * c_fg * (gas_in_t - t0);
            let heat_out = gas_out * c_fg * (tz - t0) + q_steel[i] + wall + skid + door;
            dzone[i] = (heat_in - heat_out) / (p.zone_capacity_mj_per_k[i] * 1e6);
            out.heat_to_steel_w[i] = q_steel[i];
            out.wall_loss_w += wall;
            out.skid_loss_w += skid;
            out.door_loss_w += door;
            out.infiltration_loss_w += infiltration * c_fg * (tz - t0);
            out.air_sensible_w += air * c_air * (self.air_preheat_c - t0);
            out.air_nm3h += air * 3600.0;
            gas_in = gas_out;
            gas_in_t = tz;
        }
        for i in 0..ZONES {
            self.zone_c[i] += dzone[i] * dt;
        }

        // The walking beam: a slab leaves when a whole slab's worth of production is due, and
        // every slab moves one pitch.
        let slab_kg = p.slab_kg();
        self.discharge_due_kg += a.pace_tph.max(0.0) * 1000.0 / 3600.0 * dt;
        while self.discharge_due_kg >= slab_kg && !self.slabs.is_empty() {
            self.discharge_due_kg -= slab_kg;
            let leaving = self.slabs.remove(self.slabs.len() - 1);
            let z = ZONES - 1;
            let (surface_c, _) = self.face(
                p.phi_top[z],
                self.zone_c[z],
                steel_temperature(leaving.h[0]),
            );
            self.last_discharged = Some(Discharged {
                id: leaving.id,
                grade: leaving.grade,
                surface_c,
                mean_c: leaving.mean_c(),
                core_c: leaving.core_c(),
            });
            let charged = Slab {
                grade: a.charge_grade,
                ..Slab::at(self.next_slab_id, a.charge_temp_c)
            };
            self.next_slab_id += 1;
            out.steel_out_j += slab_kg * (leaving.mean_h() - charged.mean_h()) * 1000.0;
            self.slabs.insert(0, charged);
        }

        let flue_flow = gas_in;
        let flue_c = self.zone_c[0];
        let rec_in = flue_c.min(p.recuperator_inlet_max_c);
        let ap_target = t0 + p.recuperator_eps * (rec_in - t0);
        self.air_preheat_c +=
            (ap_target - self.air_preheat_c) * (1.0 - (-dt / p.recuperator_tau_s).exp());

        let p_eq = p.pressure_per_flow * flue_flow
            - p.damper_authority_pa * a.damper.clamp(0.0, 1.0)
            + 10.0;
        self.pressure_pa += (p_eq - self.pressure_pa) * (1.0 - (-dt / 5.0_f64).exp());

        // The slab nearest each zone's discharge end, for displays and the soak-zone pyrometer.
        for z in 0..ZONES {
            if let Some((i, slab)) = self
                .slabs
                .iter()
                .enumerate()
                .rev()
                .find(|(i, _)| p.zone_of(*i) == z)
            {
                let _ = i;
                let (ts, _) = self.face(p.phi_top[z], self.zone_c[z], steel_temperature(slab.h[0]));
                out.stock_surface_c[z] = ts;
                out.stock_mean_c[z] = slab.mean_c();
            }
        }
        let fuel_total: f64 = fuel_s.iter().sum();
        out.flue_c = flue_c;
        out.recuperator_inlet_c = rec_in;
        out.o2_dry_pct = if fuel_total > 0.0 {
            o2_from_lambda(lambda)
        } else {
            21.0
        };
        out.co_ppm = if fuel_total > 0.0 {
            co_ppm(out.o2_dry_pct)
        } else {
            0.0
        };
        let zmax = self.zone_c.iter().copied().fold(f64::MIN, f64::max);
        out.nox_mg_at_3pct = if fuel_total > 0.0 {
            nox_mg_at_3pct(p.nox_n0_mg, self.air_preheat_c, zmax, out.o2_dry_pct)
        } else {
            0.0
        };
        out.fuel_total_nm3h = fuel_total * 3600.0;
        out.firing_mw = fuel_total * p.lhv_mj_per_nm3;
        out.flue_loss_w = (flue_flow - p.infiltration_nm3_s) * c_fg * (flue_c - t0);
        self.out = out;
    }

    /// Heat stored in gas, refractory and steel, J, for energy-balance checks.
    pub fn stored_heat_j(&self) -> f64 {
        let p = &self.params;
        let gas: f64 = (0..ZONES)
            .map(|i| p.zone_capacity_mj_per_k[i] * 1e6 * self.zone_c[i])
            .sum();
        let steel: f64 = self
            .slabs
            .iter()
            .map(|s| p.slab_kg() * s.mean_h() * 1000.0)
            .sum();
        gas + steel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn o2_and_air_ratio_match_the_stoichiometric_formula() {
        assert!((o2_from_lambda(1.10) - 2.1).abs() < 0.05);
        assert!((o2_from_lambda(1.15) - 3.0).abs() < 0.05);
        assert!((o2_from_lambda(1.20) - 3.8).abs() < 0.05);
        for o2 in [0.5, 1.0, 2.0, 3.0, 6.0] {
            assert!((o2_from_lambda(lambda_from_o2(o2)) - o2).abs() < 1e-9);
        }
    }

    #[test]
    fn enthalpy_table_inverts_and_shows_the_transformation() {
        for t in [20.0, 333.0, 745.0, 1199.0] {
            assert!((steel_temperature(steel_enthalpy(t)) - t).abs() < 1e-9);
        }
        // 700-800 C takes more energy per degree than 900-1000 C.
        let per_k = |a: f64, b: f64| (steel_enthalpy(b) - steel_enthalpy(a)) / (b - a);
        assert!(per_k(700.0, 800.0) > 1.5 * per_k(900.0, 1000.0));
    }

    #[test]
    fn the_alpha_gamma_transformation_shows_in_a_slabs_heating_curve() {
        // One slab under constant 1250 C gas: only the steel's own properties shape the curve.
        let plant = Plant::new(PlantParams::default(), [1250.0; ZONES]);
        let mut slab = Slab::at(0, 20.0);
        let mut curve = Vec::new();
        for t in 0..(3 * 3600) {
            plant.heat_slab(&mut slab, 1, 1250.0, 1.0);
            curve.push((t, slab.mean_c()));
        }
        let rate_at = |temp: f64| {
            let i = curve
                .iter()
                .position(|(_, c)| *c >= temp)
                .unwrap_or(curve.len() - 61);
            (curve[i + 60].1 - curve[i].1) / 60.0
        };
        let (r650, r750, r880) = (rate_at(650.0), rate_at(750.0), rate_at(880.0));
        // Through the transformation the slab heats more slowly than on either side of it, even
        // though the radiant driving force only falls with temperature.
        assert!(
            r750 < 0.8 * r650,
            "650 C: {r650:.3} K/s, 750 C: {r750:.3} K/s"
        );
        assert!(
            r750 < 0.8 * r880,
            "750 C: {r750:.3} K/s, 880 C: {r880:.3} K/s"
        );
        // And a 220 mm slab's core lags its surface while it heats.
        let mut s2 = Slab::at(1, 20.0);
        for _ in 0..1800 {
            plant.heat_slab(&mut s2, 1, 1250.0, 1.0);
        }
        let top = steel_temperature(s2.h[0]);
        assert!(
            top - s2.core_c() > 50.0,
            "surface {top:.0} C, core {:.0} C",
            s2.core_c()
        );
    }

    #[test]
    fn co_rises_steeply_below_one_percent_o2() {
        assert!((co_ppm(1.5) - 31.0).abs() < 2.0);
        assert!((co_ppm(1.0) - 137.0).abs() < 5.0);
        assert!(co_ppm(0.5) > 800.0);
        assert!(co_ppm(3.0) < 20.0);
    }

    #[test]
    fn nox_rises_with_air_preheat() {
        let cold = nox_mg_at_3pct(180.0, 400.0, 1250.0, 3.0);
        let hot = nox_mg_at_3pct(180.0, 540.0, 1250.0, 3.0);
        assert!(hot > cold * 1.5);
        assert!((nox_mg_at_3pct(180.0, 485.0, 1250.0, 3.0) - 180.0).abs() < 1e-9);
    }
}
