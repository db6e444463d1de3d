//! Faults worth simulating (the domain notes, section 8), and the state of those active. Each
//! acts where it would in a plant: on an instrument, an actuator or the PLC, never on the
//! reading Hearth happens to look at.

use serde::Deserialize;

use hearth_model::physics::ZONES;

/// A fault to start or clear. Zones are numbered from 1 (preheat) as operators count them.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Open circuit: the input card reads upscale (NAMUR NE43, >= 21 mA), far above the range.
    ThermocoupleOpen { zone: usize },
    /// The zone thermocouple reads low by a growing amount, C per plant hour (negative = low).
    ThermocoupleDrift { zone: usize, c_per_hour: f64 },
    /// The O2 analyser reads high by a growing amount, % O2 per plant hour.
    O2AnalyserDrift { pct_per_hour: f64 },
    /// The zone's burners trip: fuel to zero within a second.
    BurnerTrip { zone: usize },
    /// The combustion-air fan trips, and with it every burner.
    FanTrip,
    /// Recuperator effectiveness falls by this much (0.1 = from 0.50 to 0.40).
    RecuperatorFouling { effectiveness_drop: f64 },
    /// The PLC stops answering for this many wall-clock seconds (requests time out).
    CommsDrop { seconds: f64 },
    /// The PLC restarts: connections reset, counters and holding registers back to defaults.
    PlcRestart,
}

impl Fault {
    /// Code used by the simulation-control registers (docs/SIMULATOR.md).
    pub fn code(&self) -> u16 {
        match *self {
            Fault::ThermocoupleOpen { zone } => zone as u16,
            Fault::ThermocoupleDrift { zone, .. } => 3 + zone as u16,
            Fault::BurnerTrip { zone } => 6 + zone as u16,
            Fault::FanTrip => 10,
            Fault::O2AnalyserDrift { .. } => 11,
            Fault::RecuperatorFouling { .. } => 12,
            Fault::CommsDrop { .. } => 13,
            Fault::PlcRestart => 14,
        }
    }

    /// The fault a control-register code stands for, with default rates for those that have one.
    pub fn from_code(code: u16) -> Option<Fault> {
        let zone = |base: u16| usize::from(code - base);
        Some(match code {
            1..=3 => Fault::ThermocoupleOpen { zone: zone(0) },
            4..=6 => Fault::ThermocoupleDrift {
                zone: zone(3),
                c_per_hour: -5.0,
            },
            7..=9 => Fault::BurnerTrip { zone: zone(6) },
            10 => Fault::FanTrip,
            11 => Fault::O2AnalyserDrift { pct_per_hour: 0.5 },
            12 => Fault::RecuperatorFouling {
                effectiveness_drop: 0.1,
            },
            13 => Fault::CommsDrop { seconds: 10.0 },
            14 => Fault::PlcRestart,
            _ => return None,
        })
    }

    /// The zone index (0-based) this fault names, checked.
    pub fn zone_index(&self) -> Result<Option<usize>, String> {
        let z = match *self {
            Fault::ThermocoupleOpen { zone }
            | Fault::ThermocoupleDrift { zone, .. }
            | Fault::BurnerTrip { zone } => zone,
            _ => return Ok(None),
        };
        if (1..=ZONES).contains(&z) {
            Ok(Some(z - 1))
        } else {
            Err(format!("zone {z} is not 1..={ZONES}"))
        }
    }
}

/// What is wrong with the plant right now.
#[derive(Debug, Clone, Default)]
pub struct ActiveFaults {
    pub tc_open: [bool; ZONES],
    /// Current thermocouple offsets, C, and how fast they grow, C per plant second.
    pub tc_offset: [f64; ZONES],
    pub tc_drift_rate: [f64; ZONES],
    pub o2_bias: f64,
    pub o2_drift_rate: f64,
    pub burner_trip: [bool; ZONES],
    pub fan_trip: bool,
    pub fouling: f64,
}

impl ActiveFaults {
    /// Bit `code - 1` set for every fault that is active (codes as in [`Fault::code`]).
    pub fn mask(&self) -> u16 {
        let mut m = 0u16;
        for z in 0..ZONES {
            if self.tc_open[z] {
                m |= 1 << z;
            }
            if self.tc_drift_rate[z] != 0.0 || self.tc_offset[z] != 0.0 {
                m |= 1 << (3 + z);
            }
            if self.burner_trip[z] {
                m |= 1 << (6 + z);
            }
        }
        if self.fan_trip {
            m |= 1 << 9;
        }
        if self.o2_drift_rate != 0.0 || self.o2_bias != 0.0 {
            m |= 1 << 10;
        }
        if self.fouling != 0.0 {
            m |= 1 << 11;
        }
        m
    }

    /// Let drifts grow over `dt` plant seconds.
    pub fn advance(&mut self, dt: f64) {
        for z in 0..ZONES {
            self.tc_offset[z] += self.tc_drift_rate[z] * dt;
        }
        self.o2_bias += self.o2_drift_rate * dt;
    }
}
