//! The Simulator page's API: what the bundled simulator is doing (speed, pace, charge, grade mix,
//! faults, scenario) and the commands that change it. The simulator this engine runs is driven
//! through its library API; an external `hearth-sim` through its simulation-control registers.

use std::net::SocketAddr;
use std::time::Duration;

use hearth_model::config::Device;
use hearth_sim::control::reg;
use hearth_sim::{Action, Fault, Grade, Simulation, SimulatorHandle};
use serde::{Deserialize, Serialize};
use tokio_modbus::Slave;
use tokio_modbus::client::Context;
use ts_rs::TS;

/// Fault codes as the control registers number them (docs/SIMULATOR.md).
const FAULT_CODES: std::ops::RangeInclusive<u16> = 1..=14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimulatorMode {
    /// Run by this engine; driven through the library API.
    Embedded,
    /// A `hearth-sim` of its own; driven through its control registers.
    External,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GradeMix {
    pub name: String,
    /// Discharge aim temperature, C.
    pub aim_c: f64,
    /// Share of the slabs charged, 0-1 (normalised over the mix).
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FaultState {
    pub code: u16,
    /// `thermocouple_open`, `burner_trip`, ... as in scenario files.
    pub kind: String,
    /// Zone 1-3 for the zone faults.
    pub zone: Option<u8>,
    /// Known active (momentary faults, a comms drop or a PLC restart, never show as active).
    pub active: bool,
    /// Happens once when started (comms drop, PLC restart): nothing to clear afterwards.
    pub momentary: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScenarioEvent {
    /// Plant minutes from the start of the scenario.
    pub at_min: f64,
    /// `pace`, `charge_temperature`, `mill_delay`, `gas_heating_value`, `zone_setpoint`,
    /// `start_fault`, `clear_fault`.
    pub action: String,
    /// The action's number: t/h, C, minutes or percent.
    pub value: Option<f64>,
    pub zone: Option<u8>,
    /// The fault started or cleared.
    pub fault: Option<String>,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScenarioView {
    pub name: String,
    pub description: String,
    /// Plant minutes since it started.
    pub elapsed_min: f64,
    pub events: Vec<ScenarioEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimulatorView {
    pub device: String,
    pub mode: SimulatorMode,
    pub address: String,
    /// Plant seconds per wall second.
    pub speed: f64,
    /// Pace the mill asks for, t/h.
    pub pace_tph: f64,
    /// Minutes of a mill delay still to run (the pace is 0 meanwhile).
    pub mill_delay_min: Option<f64>,
    pub charge_temp_c: f64,
    /// Gas heating value against nominal, %.
    pub gas_hv_percent: f64,
    pub grades: Vec<GradeMix>,
    pub faults: Vec<FaultState>,
    /// Only known for the simulator this engine runs.
    pub scenario: Option<ScenarioView>,
}

/// A change an engineer makes on the Simulator page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum SimulatorCommand {
    Speed {
        speed: f64,
    },
    Pace {
        tph: f64,
    },
    ChargeTemperature {
        c: f64,
    },
    /// Shares and aims in the order of the current mix (names are kept).
    Grades {
        grades: Vec<GradeMix>,
    },
    StartFault {
        code: u16,
    },
    ClearFault {
        code: u16,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    #[error("no device `{0}` runs the bundled simulator")]
    NotASimulator(String),
    #[error("{0}")]
    Refused(String),
    #[error("the simulator at {addr} did not answer: {reason}")]
    Unreachable { addr: String, reason: String },
}

/// One controllable simulator.
#[derive(Clone)]
pub(crate) enum SimControl {
    Embedded(SimulatorHandle),
    External { addr: String, unit: u8 },
}

fn fault_kind(f: &Fault) -> &'static str {
    match f {
        Fault::ThermocoupleOpen { .. } => "thermocouple_open",
        Fault::ThermocoupleDrift { .. } => "thermocouple_drift",
        Fault::O2AnalyserDrift { .. } => "o2_analyser_drift",
        Fault::BurnerTrip { .. } => "burner_trip",
        Fault::FanTrip => "fan_trip",
        Fault::RecuperatorFouling { .. } => "recuperator_fouling",
        Fault::CommsDrop { .. } => "comms_drop",
        Fault::PlcRestart => "plc_restart",
    }
}

fn fault_zone(f: &Fault) -> Option<u8> {
    f.zone_index().ok().flatten().map(|z| z as u8 + 1)
}

/// Every fault with its state from the control registers' bit mask (bit code - 1).
fn faults_from_mask(mask: u16) -> Vec<FaultState> {
    FAULT_CODES
        .filter_map(|code| {
            let f = Fault::from_code(code)?;
            let momentary = matches!(f, Fault::CommsDrop { .. } | Fault::PlcRestart);
            Some(FaultState {
                code,
                kind: fault_kind(&f).to_owned(),
                zone: fault_zone(&f),
                active: !momentary && code <= 16 && mask & (1 << (code - 1)) != 0,
                momentary,
            })
        })
        .collect()
}

fn event_view(e: &hearth_sim::scenario::Event, done: bool) -> ScenarioEvent {
    let mut v = ScenarioEvent {
        at_min: e.at_min,
        action: String::new(),
        value: None,
        zone: None,
        fault: None,
        done,
    };
    let (action, value) = match &e.action {
        Action::Pace { tph } => ("pace", Some(*tph)),
        Action::ChargeTemperature { c } => ("charge_temperature", Some(*c)),
        Action::MillDelay { minutes } => ("mill_delay", Some(*minutes)),
        Action::GasHeatingValue { percent } => ("gas_heating_value", Some(*percent)),
        Action::ZoneSetpoint { zone, c } => {
            v.zone = u8::try_from(*zone).ok();
            ("zone_setpoint", Some(*c))
        }
        Action::StartFault { fault } | Action::ClearFault { fault } => {
            v.fault = Some(fault_kind(fault).to_owned());
            v.zone = fault_zone(fault);
            let start = matches!(e.action, Action::StartFault { .. });
            (if start { "start_fault" } else { "clear_fault" }, None)
        }
    };
    v.action = action.to_owned();
    v.value = value;
    v
}

fn view_of(device: &Device, speed: f64, sim: &Simulation) -> SimulatorView {
    let total: f64 = sim.grades().iter().map(|g| g.share.max(0.0)).sum();
    let done = sim.scenario_events_done();
    SimulatorView {
        device: device.name.clone(),
        mode: SimulatorMode::Embedded,
        address: device.address(),
        speed,
        pace_tph: sim
            .mill_delay()
            .map_or(sim.plc.pace_sp, |(_, resume)| resume),
        mill_delay_min: sim
            .mill_delay()
            .map(|(until, _)| ((until - sim.plant_ms) as f64 / 60_000.0).max(0.0)),
        charge_temp_c: sim.plc.charge_temp_c,
        gas_hv_percent: (sim.plant.params.lhv_mj_per_nm3 / sim.base_lhv() - 1.0) * 100.0,
        grades: sim
            .grades()
            .iter()
            .map(|g| GradeMix {
                name: g.name.clone(),
                aim_c: g.aim_c,
                share: if total > 0.0 {
                    g.share.max(0.0) / total
                } else {
                    0.0
                },
            })
            .collect(),
        faults: faults_from_mask(sim.faults.mask()),
        scenario: sim.scenario().map(|(s, elapsed)| ScenarioView {
            name: s.name.clone(),
            description: s.description.clone(),
            elapsed_min: elapsed,
            events: s
                .events
                .iter()
                .enumerate()
                .map(|(i, e)| event_view(e, i < done))
                .collect(),
        }),
    }
}

/// Check a command's numbers before anything is sent (the same bounds as the control registers).
fn check(cmd: &SimulatorCommand) -> Result<(), SimulatorError> {
    let refuse = |m: String| Err(SimulatorError::Refused(m));
    match cmd {
        SimulatorCommand::Speed { speed } if !(1.0..=10_000.0).contains(speed) => {
            refuse(format!("speed {speed} is outside 1-10000"))
        }
        SimulatorCommand::Pace { tph } if !(0.0..=450.0).contains(tph) => {
            refuse(format!("pace {tph} t/h is outside 0-450"))
        }
        SimulatorCommand::ChargeTemperature { c } if !(-30.0..=900.0).contains(c) => {
            refuse(format!("charge temperature {c} C is outside -30..900"))
        }
        SimulatorCommand::Grades { grades } => {
            if grades.is_empty() || !grades.iter().any(|g| g.share > 0.0) {
                return refuse("a grade mix needs at least one grade with a share above 0".into());
            }
            match grades
                .iter()
                .find(|g| !((0.0..=1.0).contains(&g.share) && (900.0..=1350.0).contains(&g.aim_c)))
            {
                Some(g) => refuse(format!(
                    "grade {}: share {} must be 0-1 and aim {} C 900-1350",
                    g.name, g.share, g.aim_c
                )),
                None => Ok(()),
            }
        }
        SimulatorCommand::StartFault { code } | SimulatorCommand::ClearFault { code }
            if Fault::from_code(*code).is_none() =>
        {
            refuse(format!("no fault with code {code}"))
        }
        _ => Ok(()),
    }
}

impl SimControl {
    pub(crate) async fn view(&self, device: &Device) -> Result<SimulatorView, SimulatorError> {
        match self {
            SimControl::Embedded(h) => {
                let speed = h.speed();
                Ok(h.with_simulation(|sim| view_of(device, speed, sim)))
            }
            SimControl::External { addr, unit } => {
                let mut ctx = connect(addr, *unit).await?;
                let words = call(
                    addr,
                    hearth_acquisition::modbus::read(
                        &mut ctx,
                        hearth_model::config::RegisterKind::Holding,
                        reg::START_FAULT,
                        18,
                    ),
                )
                .await?
                .into_words();
                let w = |r: u16| {
                    words
                        .get(usize::from(r - reg::START_FAULT))
                        .copied()
                        .unwrap_or(0)
                };
                let count = usize::from(w(reg::GRADE_COUNT)).min(reg::MAX_GRADES);
                Ok(SimulatorView {
                    device: device.name.clone(),
                    mode: SimulatorMode::External,
                    address: addr.clone(),
                    speed: f64::from(w(reg::SPEED)),
                    pace_tph: f64::from(w(reg::PACE)) / 10.0,
                    mill_delay_min: None,
                    charge_temp_c: f64::from(w(reg::CHARGE_TEMP) as i16) / 10.0,
                    gas_hv_percent: f64::from(w(reg::GAS_HV)) / 10.0 - 100.0,
                    grades: (0..count as u16)
                        .map(|i| GradeMix {
                            name: format!("{}", i + 1),
                            share: f64::from(w(reg::GRADE_SHARE + i)) / 1000.0,
                            aim_c: f64::from(w(reg::GRADE_AIM + i)) / 10.0,
                        })
                        .collect(),
                    faults: faults_from_mask(w(reg::ACTIVE_FAULTS)),
                    scenario: None,
                })
            }
        }
    }

    pub(crate) async fn command(&self, cmd: &SimulatorCommand) -> Result<(), SimulatorError> {
        check(cmd)?;
        match self {
            SimControl::Embedded(h) => apply_embedded(h, cmd),
            SimControl::External { addr, unit } => {
                let (start, words) = control_words(cmd)?;
                let mut ctx = connect(addr, *unit).await?;
                call(
                    addr,
                    hearth_acquisition::modbus::write(
                        &mut ctx,
                        start,
                        hearth_acquisition::modbus::Write::Words(&words),
                    ),
                )
                .await
            }
        }
    }
}

fn apply_embedded(h: &SimulatorHandle, cmd: &SimulatorCommand) -> Result<(), SimulatorError> {
    let refused = SimulatorError::Refused;
    let fault = |code: u16| {
        Fault::from_code(code).ok_or_else(|| refused(format!("no fault with code {code}")))
    };
    match cmd {
        SimulatorCommand::Speed { speed } => {
            h.set_speed(*speed);
            Ok(())
        }
        SimulatorCommand::Pace { tph } => h
            .with_simulation(|s| s.apply(&Action::Pace { tph: *tph }))
            .map_err(refused),
        SimulatorCommand::ChargeTemperature { c } => h
            .with_simulation(|s| s.apply(&Action::ChargeTemperature { c: *c }))
            .map_err(refused),
        SimulatorCommand::Grades { grades } => h
            .with_simulation(|s| {
                if grades.len() != s.grades().len() {
                    return Err(format!(
                        "the mix has {} grades, not {}",
                        s.grades().len(),
                        grades.len()
                    ));
                }
                let mix = s
                    .grades()
                    .iter()
                    .zip(grades)
                    .map(|(old, new)| Grade {
                        name: old.name.clone(),
                        aim_c: new.aim_c,
                        share: new.share,
                    })
                    .collect();
                s.set_grades(mix)
            })
            .map_err(refused),
        SimulatorCommand::StartFault { code } => {
            let f = fault(*code)?;
            h.with_simulation(|s| s.start_fault(f)).map_err(refused)
        }
        SimulatorCommand::ClearFault { code } => {
            let f = fault(*code)?;
            h.with_simulation(|s| s.clear_fault(f)).map_err(refused)
        }
    }
}

/// The control registers a command writes, all in one request.
fn control_words(cmd: &SimulatorCommand) -> Result<(u16, Vec<u16>), SimulatorError> {
    Ok(match cmd {
        SimulatorCommand::Speed { speed } => (reg::SPEED, vec![speed.round() as u16]),
        SimulatorCommand::Pace { tph } => (reg::PACE, vec![(tph * 10.0).round() as u16]),
        SimulatorCommand::ChargeTemperature { c } => {
            (reg::CHARGE_TEMP, vec![(c * 10.0).round() as i16 as u16])
        }
        SimulatorCommand::Grades { grades } => {
            // Shares then aims are contiguous: one write keeps the mix consistent, which is
            // only possible for a full table.
            if grades.len() != reg::MAX_GRADES {
                return Err(SimulatorError::Refused(format!(
                    "an external simulator's mix is changed {} grades at a time",
                    reg::MAX_GRADES
                )));
            }
            let shares = grades.iter().map(|g| (g.share * 1000.0).round() as u16);
            let aims = grades.iter().map(|g| (g.aim_c * 10.0).round() as u16);
            (reg::GRADE_SHARE, shares.chain(aims).collect())
        }
        SimulatorCommand::StartFault { code } => (reg::START_FAULT, vec![*code]),
        SimulatorCommand::ClearFault { code } => (reg::CLEAR_FAULT, vec![*code]),
    })
}

const TIMEOUT: Duration = Duration::from_secs(2);

async fn connect(addr: &str, unit: u8) -> Result<Context, SimulatorError> {
    let unreachable = |reason: String| SimulatorError::Unreachable {
        addr: addr.to_owned(),
        reason,
    };
    let sock: SocketAddr = tokio::net::lookup_host(addr)
        .await
        .map_err(|e| unreachable(e.to_string()))?
        .next()
        .ok_or_else(|| unreachable("no address".into()))?;
    tokio::time::timeout(
        TIMEOUT,
        tokio_modbus::client::tcp::connect_slave(sock, Slave(unit)),
    )
    .await
    .map_err(|_| unreachable(format!("no connection within {TIMEOUT:?}")))?
    .map_err(|e| unreachable(e.to_string()))
}

async fn call<T>(
    addr: &str,
    req: impl std::future::Future<Output = hearth_acquisition::modbus::CallResult<T>>,
) -> Result<T, SimulatorError> {
    match tokio::time::timeout(TIMEOUT, req).await {
        Err(_) => Err(SimulatorError::Unreachable {
            addr: addr.to_owned(),
            reason: format!("no reply within {TIMEOUT:?}"),
        }),
        Ok(Err(e)) => Err(SimulatorError::Unreachable {
            addr: addr.to_owned(),
            reason: e.to_string(),
        }),
        Ok(Ok(Err(code))) => Err(SimulatorError::Refused(format!(
            "the simulator refused the value (Modbus exception {code:?})"
        ))),
        Ok(Ok(Ok(v))) => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fault_list_names_every_code_once_with_zones_for_zone_faults() {
        let faults = faults_from_mask(0);
        assert_eq!(faults.len(), 14);
        assert_eq!(faults.iter().filter(|f| f.kind == "burner_trip").count(), 3);
        assert!(
            faults
                .iter()
                .filter(|f| f.kind == "burner_trip")
                .all(|f| f.zone.is_some())
        );
        assert!(faults.iter().all(|f| !f.active));
    }

    #[test]
    fn a_mask_bit_marks_its_fault_active_but_never_a_momentary_one() {
        // Fan trip is code 10, bit 9.
        let faults = faults_from_mask((1 << 9) | (1 << 12) | (1 << 13));
        let active: Vec<_> = faults.iter().filter(|f| f.active).map(|f| f.code).collect();
        assert_eq!(active, vec![10]);
    }

    #[test]
    fn out_of_range_commands_are_refused_before_anything_is_sent() {
        for bad in [
            SimulatorCommand::Speed { speed: 0.0 },
            SimulatorCommand::Pace { tph: 900.0 },
            SimulatorCommand::ChargeTemperature { c: 2000.0 },
            SimulatorCommand::StartFault { code: 99 },
            SimulatorCommand::Grades { grades: vec![] },
        ] {
            assert!(check(&bad).is_err(), "{bad:?}");
        }
        assert!(check(&SimulatorCommand::Pace { tph: 200.0 }).is_ok());
    }

    #[test]
    fn a_full_grade_mix_is_one_contiguous_write_of_shares_then_aims() -> Result<(), SimulatorError>
    {
        let g = |share, aim_c| GradeMix {
            name: String::new(),
            share,
            aim_c,
        };
        let (start, words) = control_words(&SimulatorCommand::Grades {
            grades: vec![g(0.5, 1180.0), g(0.3, 1220.0), g(0.2, 1250.0)],
        })?;
        assert_eq!(start, reg::GRADE_SHARE);
        assert_eq!(words, vec![500, 300, 200, 11800, 12200, 12500]);
        Ok(())
    }
}
