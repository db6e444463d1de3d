//! The PLC program the simulator imitates: zone PI on fuel with turndown and minimum fire,
//! cross-limited air and fuel, an O2 trim, a pressure loop on the stack damper, setpoint ramping,
//! local/remote mode, a heartbeat, an uptime counter and totalisers.

use hearth_model::physics::{Actuators, PlantParams, ZONES, lambda_from_o2};

/// Zone setpoint ramp, C per second.
const SP_RAMP_C_PER_S: f64 = 5.0 / 60.0;
/// Pace ramp, t/h per second.
const PACE_RAMP_TPH_PER_S: f64 = 50.0 / 60.0;
const TURNDOWN: f64 = 8.0;
const PRESSURE_SP_PA: f64 = 10.0;
/// CO2 per Nm3 of natural gas burnt, taken as CH4 (the composition route).
pub const CO2_KG_PER_NM3: f64 = 1.96;

#[derive(Debug, Clone)]
pub struct Plc {
    /// Setpoints as entered (holding registers).
    pub zone_sp: [f64; ZONES],
    /// Setpoints the loops use, ramping towards `zone_sp`.
    pub working_sp: [f64; ZONES],
    pub o2_sp: f64,
    pub pace_sp: f64,
    pub remote: bool,
    /// The PLC program's own ceiling on zone setpoints: a higher one written over Modbus is
    /// acknowledged and silently clamped to it, as many PLCs do.
    pub zone_sp_high: f64,
    pub burners_on: [bool; ZONES],
    /// A zone's burner-management system has tripped its burners.
    pub zone_trip: [bool; ZONES],
    pub fan_running: bool,
    pub trip: bool,
    pub charge_temp_c: f64,

    pid_i: [f64; ZONES],
    trim_i: f64,
    damper: f64,
    /// Air actually flowing, Nm3/h (lags its demand: air leads on increase via the cross limit).
    air_nm3h: f64,
    pub pace_tph: f64,

    pub heartbeat: u16,
    heartbeat_acc: f64,
    pub uptime_s: f64,
    pub fuel_total_nm3: f64,
    pub steel_total_t: f64,
    pub energy_total_gj: f64,
    /// CO2 from the fuel burnt, kg (1.96 kg per Nm3 of natural gas as CH4).
    pub co2_total_kg: f64,
    /// Grade of the next slab to be charged (set by the simulation's grade mix).
    pub next_grade: u16,
    /// Fuel actually delivered per zone on the last step, Nm3/h.
    pub fuel_nm3h: [f64; ZONES],
    pub lambda: f64,
}

/// What the PLC reads from its instruments.
#[derive(Debug, Clone, Copy)]
pub struct Inputs {
    pub zone_c: [f64; ZONES],
    pub o2_pct: f64,
    pub pressure_pa: f64,
}

impl Plc {
    pub fn new(zone_sp: [f64; ZONES], o2_sp: f64, pace_sp: f64) -> Self {
        Plc {
            zone_sp,
            working_sp: zone_sp,
            o2_sp,
            pace_sp,
            // The bundled plant runs with remote setpoints enabled; a restart falls back to local.
            remote: true,
            zone_sp_high: 1350.0,
            burners_on: [true; ZONES],
            zone_trip: [false; ZONES],
            fan_running: true,
            trip: false,
            charge_temp_c: 20.0,
            pid_i: [0.45, 0.55, 0.45],
            trim_i: 0.0,
            damper: 0.4,
            air_nm3h: 0.0,
            pace_tph: pace_sp,
            heartbeat: 0,
            heartbeat_acc: 0.0,
            uptime_s: 0.0,
            fuel_total_nm3: 0.0,
            steel_total_t: 0.0,
            energy_total_gj: 0.0,
            co2_total_kg: 0.0,
            next_grade: 0,
            fuel_nm3h: [0.0; ZONES],
            lambda: lambda_from_o2(o2_sp),
        }
    }

    /// A restart: the program starts again from its defaults. Setpoints, mode and counters are
    /// lost (holding registers are not retained), the furnace itself carries on.
    pub fn restart(&mut self, defaults: &Plc) {
        self.zone_sp = defaults.zone_sp;
        self.o2_sp = defaults.o2_sp;
        self.pace_sp = defaults.pace_sp;
        self.remote = false;
        self.burners_on = [true; ZONES];
        self.heartbeat = 0;
        self.heartbeat_acc = 0.0;
        self.uptime_s = 0.0;
        self.fuel_total_nm3 = 0.0;
        self.steel_total_t = 0.0;
        self.energy_total_gj = 0.0;
        self.co2_total_kg = 0.0;
    }

    /// One scan: read inputs, run the loops, return what the actuators do.
    pub fn scan(&mut self, inp: &Inputs, params: &PlantParams, dt: f64) -> Actuators {
        let step = SP_RAMP_C_PER_S * dt;
        for i in 0..ZONES {
            let d = self.zone_sp[i] - self.working_sp[i];
            self.working_sp[i] += d.clamp(-step, step);
        }
        let dp = self.pace_sp - self.pace_tph;
        self.pace_tph += dp.clamp(-PACE_RAMP_TPH_PER_S * dt, PACE_RAMP_TPH_PER_S * dt);

        let firing_allowed = self.fan_running && !self.trip;
        // Zone PI on fuel: output is the firing fraction between minimum fire and full.
        let (kp, ti) = (0.009, 180.0);
        let mut demand = [0.0; ZONES];
        for i in 0..ZONES {
            if !(firing_allowed && self.burners_on[i] && !self.zone_trip[i]) {
                self.pid_i[i] = 1.0 / TURNDOWN;
                continue;
            }
            let e = self.working_sp[i] - inp.zone_c[i];
            let min = 1.0 / TURNDOWN;
            let i_next = (self.pid_i[i] + kp / ti * e * dt).clamp(min - 0.3, 1.3);
            let u = kp * e + i_next;
            // Anti-windup: only integrate while the output is not saturated in that direction.
            if (u < 1.0 || e < 0.0) && (u > min || e > 0.0) {
                self.pid_i[i] = i_next;
            }
            demand[i] = (kp * e + self.pid_i[i]).clamp(min, 1.0) * params.max_fuel_nm3h[i];
        }

        // O2 trim: +-10 % on the air ratio.
        let e_o2 = self.o2_sp - inp.o2_pct;
        if demand.iter().sum::<f64>() > 0.0 {
            self.trim_i = (self.trim_i + 0.004 / 60.0 * e_o2 * dt).clamp(-0.1, 0.1);
        }
        let trim = (0.004 * e_o2 + self.trim_i).clamp(-0.1, 0.1);
        let lambda_cmd = lambda_from_o2(self.o2_sp.clamp(0.2, 15.0)) * (1.0 + trim);

        // Cross limit: air follows its demand with a lag; fuel may not exceed what the air in
        // flight can burn, so air leads on increase and fuel leads on decrease.
        let fuel_demand: f64 = demand.iter().sum();
        let air_demand = if self.fan_running {
            fuel_demand * params.a0 * lambda_cmd
        } else {
            0.0
        };
        self.air_nm3h += (air_demand - self.air_nm3h) * (1.0 - (-dt / 3.0_f64).exp());
        let fuel_limit = self.air_nm3h / params.a0;
        let scale = if fuel_demand > fuel_limit && fuel_demand > 0.0 {
            fuel_limit / fuel_demand
        } else {
            1.0
        };
        for i in 0..ZONES {
            self.fuel_nm3h[i] = demand[i] * scale;
        }
        let fuel: f64 = self.fuel_nm3h.iter().sum();
        self.lambda = if fuel > 0.0 {
            self.air_nm3h / (params.a0 * fuel)
        } else {
            lambda_cmd
        };

        // Pressure: PI on the stack damper.
        let e_p = inp.pressure_pa - PRESSURE_SP_PA;
        self.damper = (self.damper + 0.002 * e_p * dt).clamp(0.0, 1.0);

        // Counters.
        self.uptime_s += dt;
        self.heartbeat_acc += dt;
        while self.heartbeat_acc >= 1.0 {
            self.heartbeat_acc -= 1.0;
            self.heartbeat = self.heartbeat.wrapping_add(1);
        }
        self.fuel_total_nm3 += fuel * dt / 3600.0;
        self.energy_total_gj += fuel * dt / 3600.0 * params.lhv_mj_per_nm3 / 1000.0;
        self.steel_total_t += self.pace_tph * dt / 3600.0;
        self.co2_total_kg += fuel * dt / 3600.0 * CO2_KG_PER_NM3;

        Actuators {
            fuel_nm3h: self.fuel_nm3h,
            lambda: self.lambda,
            damper: self.damper,
            pace_tph: self.pace_tph,
            charge_temp_c: self.charge_temp_c,
            charge_grade: self.next_grade,
        }
    }
}
