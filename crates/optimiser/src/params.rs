//! The prediction model's view of the plant: per-zone parameters for any number of zones, and
//! the calibration factors fitted from history that scale them.
//!
//! A furnace config names its zones; the model needs their share of the furnace length, heat
//! capacity, radiation factors, losses and burner capacity. The bundled simulator's three-zone
//! plant is the default; a furnace with more zones splits the same furnace among them until its
//! own figures are configured.

use hearth_model::physics::PlantParams;

/// One zone, charge end first.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneParams {
    /// Share of the furnace length.
    pub length_fraction: f64,
    /// Heat capacity of the zone's gas and refractory, MJ/K.
    pub capacity_mj_per_k: f64,
    pub phi_top: f64,
    pub phi_bottom: f64,
    pub wall_ua_kw_per_k: f64,
    pub skid_ua_kw_per_k: f64,
    /// Burner capacity, Nm3/h.
    pub max_fuel_nm3h: f64,
}

/// The plant as the model sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelParams {
    pub zones: Vec<ZoneParams>,
    pub lhv_mj_per_nm3: f64,
    pub a0: f64,
    pub c_fg: f64,
    pub c_air: f64,
    pub ambient_c: f64,
    pub recuperator_eps: f64,
    pub recuperator_tau_s: f64,
    pub recuperator_inlet_max_c: f64,
    pub slabs_inside: usize,
    pub slab_thickness_m: f64,
    pub slab_width_m: f64,
    pub slab_length_m: f64,
    pub steel_density: f64,
    pub nox_n0_mg: f64,
    pub infiltration_nm3_s: f64,
    pub door_area_m2: f64,
    /// The O2 analyser's reading less the true O2, percentage points: the O2 trim holds the
    /// reading at its setpoint, so the true O2 is the setpoint less this.
    pub o2_bias_pct: f64,
    /// The PLC's zone setpoint ramp, C per second.
    pub sp_ramp_c_per_s: f64,
    /// Burners turn down to this fraction of their capacity, then cut off.
    pub min_fire_fraction: f64,
}

impl ModelParams {
    /// The bundled simulator's plant, as its defaults describe it.
    pub fn from_plant(p: &PlantParams) -> ModelParams {
        let zones = (0..p.zone_capacity_mj_per_k.len())
            .map(|i| ZoneParams {
                length_fraction: p.zone_length_fraction[i],
                capacity_mj_per_k: p.zone_capacity_mj_per_k[i],
                phi_top: p.phi_top[i],
                phi_bottom: p.phi_bottom[i],
                wall_ua_kw_per_k: p.wall_ua_kw_per_k[i],
                skid_ua_kw_per_k: p.skid_ua_kw_per_k[i],
                max_fuel_nm3h: p.max_fuel_nm3h[i],
            })
            .collect();
        ModelParams {
            zones,
            lhv_mj_per_nm3: p.lhv_mj_per_nm3,
            a0: p.a0,
            c_fg: p.c_fg,
            c_air: p.c_air,
            ambient_c: p.ambient_c,
            recuperator_eps: p.recuperator_eps,
            recuperator_tau_s: p.recuperator_tau_s,
            recuperator_inlet_max_c: p.recuperator_inlet_max_c,
            slabs_inside: p.slabs_inside,
            slab_thickness_m: p.slab_thickness_m,
            slab_width_m: p.slab_width_m,
            slab_length_m: p.slab_length_m,
            steel_density: p.steel_density,
            nox_n0_mg: p.nox_n0_mg,
            infiltration_nm3_s: p.infiltration_nm3_s,
            door_area_m2: p.door_area_m2,
            o2_bias_pct: 0.0,
            sp_ramp_c_per_s: 5.0 / 60.0,
            min_fire_fraction: 1.0 / 8.0,
        }
    }

    /// The default plant split into `n` zones of equal length (n >= 1): totals of capacity,
    /// losses and burner capacity kept, radiation factors kept.
    pub fn with_zones(n: usize) -> ModelParams {
        let base = ModelParams::from_plant(&PlantParams::default());
        if n == base.zones.len() || n == 0 {
            return base;
        }
        let total = |f: fn(&ZoneParams) -> f64| base.zones.iter().map(f).sum::<f64>();
        let cap = total(|z| z.capacity_mj_per_k);
        let wall = total(|z| z.wall_ua_kw_per_k);
        let skid = total(|z| z.skid_ua_kw_per_k);
        let fuel = total(|z| z.max_fuel_nm3h);
        let share = 1.0 / n as f64;
        let zones = (0..n)
            .map(|_| ZoneParams {
                length_fraction: share,
                capacity_mj_per_k: cap * share,
                phi_top: base.zones[0].phi_top,
                phi_bottom: base.zones[0].phi_bottom,
                wall_ua_kw_per_k: wall * share,
                skid_ua_kw_per_k: skid * share,
                // Real furnaces install more than they need: each zone can fire a little more
                // than its share.
                max_fuel_nm3h: fuel * share * 1.2,
            })
            .collect();
        ModelParams { zones, ..base }
    }

    /// Mass of one slab, kg.
    pub fn slab_kg(&self) -> f64 {
        self.slab_thickness_m * self.slab_width_m * self.slab_length_m * self.steel_density
    }

    /// The zone that slab position `i` (0 = charge end) lies in.
    pub fn zone_of(&self, i: usize) -> usize {
        let x = (i as f64 + 0.5) / self.slabs_inside.max(1) as f64;
        let mut edge = 0.0;
        for (z, zp) in self.zones.iter().enumerate() {
            edge += zp.length_fraction;
            if x < edge {
                return z;
            }
        }
        self.zones.len().saturating_sub(1)
    }

    /// These parameters with calibration factors applied.
    pub fn calibrated(&self, c: &Calibration) -> ModelParams {
        let mut p = self.clone();
        for z in &mut p.zones {
            z.wall_ua_kw_per_k *= c.wall_loss;
            z.skid_ua_kw_per_k *= c.skid_loss;
            z.phi_top = (z.phi_top * c.radiation).clamp(0.05, 0.98);
            z.phi_bottom = (z.phi_bottom * c.radiation).clamp(0.05, 0.98);
        }
        p.recuperator_eps = (p.recuperator_eps * c.recuperator).clamp(0.05, 0.95);
        p.nox_n0_mg *= c.nox;
        p.o2_bias_pct += c.o2_bias_pct;
        p
    }
}

/// Factors on the parameters that matter and drift, fitted from history. 1.0 (and a bias of 0)
/// is the plant as configured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    pub wall_loss: f64,
    pub skid_loss: f64,
    pub radiation: f64,
    pub recuperator: f64,
    pub nox: f64,
    /// Added to the analyser bias, percentage points.
    pub o2_bias_pct: f64,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            wall_loss: 1.0,
            skid_loss: 1.0,
            radiation: 1.0,
            recuperator: 1.0,
            nox: 1.0,
            o2_bias_pct: 0.0,
        }
    }
}
