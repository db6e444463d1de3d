//! Recording the simulator's measured values as the historian would hold them (minute means),
//! for calibration in shadow mode and in tests.

use hearth_sim::{Signal, Simulation};

use crate::calibrate::History;

/// Sums of one step's readings, turned into means every `step_s` seconds.
#[derive(Debug, Clone)]
pub struct Recorder {
    zones: usize,
    step_s: f64,
    acc: Vec<f64>,
    n: f64,
    elapsed: f64,
    pub history: History,
}

fn signals(zones: usize) -> Vec<Signal> {
    let mut s = Vec::new();
    for z in 0..zones {
        s.push(Signal::ZoneTemp(z));
        s.push(Signal::ZoneSetpoint(z));
        s.push(Signal::ZoneFuel(z));
    }
    s.extend([
        Signal::AirFlow,
        Signal::O2,
        Signal::O2Setpoint,
        Signal::Nox,
        Signal::FlueTemp,
        Signal::AirPreheatTemp,
        Signal::DischargeTemp,
        Signal::DischargeAim,
        Signal::ChargeAim,
        Signal::Throughput,
        Signal::ChargeTemp,
        Signal::FuelLhv,
    ]);
    s
}

/// Values that name one slab (its aim) are recorded as the minute's last, never averaged: a
/// mean of two slabs' aims is neither's.
fn held(s: Signal) -> bool {
    matches!(s, Signal::DischargeAim | Signal::ChargeAim)
}

impl Recorder {
    pub fn new(zones: usize, step_s: f64, lhv_mj_per_nm3: f64) -> Recorder {
        Recorder {
            zones,
            step_s,
            acc: vec![0.0; signals(zones).len()],
            n: 0.0,
            elapsed: 0.0,
            history: History {
                step_s,
                zone_c: vec![Vec::new(); zones],
                zone_sp: vec![Vec::new(); zones],
                zone_fuel_nm3h: vec![Vec::new(); zones],
                lhv_mj_per_nm3,
                ..History::default()
            },
        }
    }

    /// Take the simulation's readings after a step of `dt` seconds.
    pub fn sample(&mut self, sim: &Simulation, dt: f64) {
        for (a, s) in self.acc.iter_mut().zip(signals(self.zones)) {
            if held(s) {
                *a = sim.read(s) * (self.n + 1.0);
            } else {
                *a += sim.read(s);
            }
        }
        self.n += 1.0;
        self.elapsed += dt;
        if self.elapsed + 1e-9 >= self.step_s {
            let m: Vec<f64> = self.acc.iter().map(|a| a / self.n).collect();
            let h = &mut self.history;
            for z in 0..self.zones {
                h.zone_c[z].push(m[3 * z]);
                h.zone_sp[z].push(m[3 * z + 1]);
                h.zone_fuel_nm3h[z].push(m[3 * z + 2]);
            }
            let r = &m[3 * self.zones..];
            h.air_nm3h.push(r[0]);
            h.o2_pct.push(r[1]);
            h.o2_sp.push(r[2]);
            h.nox_ppm.push(r[3]);
            h.flue_c.push(r[4]);
            h.air_preheat_c.push(r[5]);
            h.discharge_c.push(r[6]);
            h.discharge_aim_c.push(r[7]);
            h.charge_aim_c.push(r[8]);
            h.pace_tph.push(r[9]);
            h.charge_temp_c.push(r[10]);
            h.lhv.push(r[11]);
            self.acc.iter_mut().for_each(|a| *a = 0.0);
            self.n = 0.0;
            self.elapsed = 0.0;
        }
    }

    /// The last `keep` steps of history.
    pub fn last(&self, keep: usize) -> History {
        let h = &self.history;
        let from = h.len().saturating_sub(keep);
        let cut = |v: &Vec<f64>| v[from.min(v.len())..].to_vec();
        History {
            step_s: h.step_s,
            zone_c: h.zone_c.iter().map(cut).collect(),
            zone_sp: h.zone_sp.iter().map(cut).collect(),
            zone_fuel_nm3h: h.zone_fuel_nm3h.iter().map(cut).collect(),
            air_nm3h: cut(&h.air_nm3h),
            o2_pct: cut(&h.o2_pct),
            o2_sp: cut(&h.o2_sp),
            nox_ppm: cut(&h.nox_ppm),
            flue_c: cut(&h.flue_c),
            air_preheat_c: cut(&h.air_preheat_c),
            discharge_c: cut(&h.discharge_c),
            discharge_aim_c: cut(&h.discharge_aim_c),
            charge_aim_c: cut(&h.charge_aim_c),
            pace_tph: cut(&h.pace_tph),
            charge_temp_c: cut(&h.charge_temp_c),
            lhv: cut(&h.lhv),
            lhv_mj_per_nm3: h.lhv_mj_per_nm3,
            zone_sp_now: h.zone_sp_now.clone(),
            o2_sp_now: h.o2_sp_now,
        }
    }
}
