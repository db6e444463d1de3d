//! The simulation-control register block: holding registers 1000-1017, kept apart from the
//! plant's register map and documented in docs/SIMULATOR.md. An external `hearth-sim` is driven
//! through it (faults, speed, charge temperature, gas heating value); the embedded simulator is
//! driven through the library API instead. Hearth's write path refuses these registers unless
//! the device is the bundled simulator.

use crate::faults::Fault;
use crate::registers::Refusal;
use crate::runner::Shared;
use crate::scenario::Action;
use crate::simulation::Simulation;

pub const BASE: u16 = 1000;
pub const LEN: u16 = 18;

const START_FAULT: u16 = 0;
const CLEAR_FAULT: u16 = 1;
const ACTIVE_FAULTS: u16 = 2;
const SPEED: u16 = 3;
const CHARGE_TEMP: u16 = 4;
const GAS_HV: u16 = 5;
const O2_BIAS: u16 = 6;
const FOULING: u16 = 7;
const COMMS_DROP: u16 = 8;
const PLC_RESTART: u16 = 9;
const GRADE_COUNT: u16 = 10;
/// Shares (per mille) of grades 1-3, then their aim temperatures (x0.1 C).
const GRADE_SHARE: std::ops::Range<u16> = 11..14;
const GRADE_AIM: std::ops::Range<u16> = 14..17;
const PACE: u16 = 17;

/// Absolute addresses of the block, for clients that drive an external simulator.
pub mod reg {
    use super::BASE;
    pub const START_FAULT: u16 = BASE + super::START_FAULT;
    pub const CLEAR_FAULT: u16 = BASE + super::CLEAR_FAULT;
    pub const ACTIVE_FAULTS: u16 = BASE + super::ACTIVE_FAULTS;
    pub const SPEED: u16 = BASE + super::SPEED;
    pub const CHARGE_TEMP: u16 = BASE + super::CHARGE_TEMP;
    pub const GAS_HV: u16 = BASE + super::GAS_HV;
    pub const GRADE_COUNT: u16 = BASE + super::GRADE_COUNT;
    pub const GRADE_SHARE: u16 = BASE + super::GRADE_SHARE.start;
    pub const GRADE_AIM: u16 = BASE + super::GRADE_AIM.start;
    pub const PACE: u16 = BASE + super::PACE;
    /// Grades the register block can describe.
    pub const MAX_GRADES: usize = (super::GRADE_SHARE.end - super::GRADE_SHARE.start) as usize;
}

pub fn covers(addr: u16) -> bool {
    addr >= BASE
}

fn range(addr: u16, n: u16) -> Result<std::ops::Range<u16>, Refusal> {
    if n == 0 || n > 125 {
        return Err(Refusal::IllegalDataValue);
    }
    let start = addr.checked_sub(BASE).ok_or(Refusal::IllegalDataAddress)?;
    let end = start
        .checked_add(n)
        .filter(|e| *e <= LEN)
        .ok_or(Refusal::IllegalDataAddress)?;
    Ok(start..end)
}

pub(crate) fn read(
    shared: &Shared,
    sim: &Simulation,
    addr: u16,
    n: u16,
) -> Result<Vec<u16>, Refusal> {
    Ok(range(addr, n)?
        .map(|r| match r {
            ACTIVE_FAULTS => sim.faults.mask(),
            SPEED => shared.speed().round().clamp(0.0, 65535.0) as u16,
            CHARGE_TEMP => (sim.plc.charge_temp_c * 10.0).round() as i16 as u16,
            GAS_HV => {
                let base = sim.base_lhv();
                (sim.plant.params.lhv_mj_per_nm3 / base * 1000.0).round() as u16
            }
            O2_BIAS => (sim.faults.o2_bias * 100.0).round() as i16 as u16,
            FOULING => (sim.faults.fouling * 1000.0).round() as u16,
            PACE => (sim.plc.pace_sp * 10.0).round().clamp(0.0, 65535.0) as u16,
            GRADE_COUNT => sim.grades().len().min(usize::from(u16::MAX)) as u16,
            r if GRADE_SHARE.contains(&r) => {
                let total: f64 = sim.grades().iter().map(|g| g.share).sum();
                sim.grades()
                    .get(usize::from(r - GRADE_SHARE.start))
                    .map_or(0, |g| (g.share / total * 1000.0).round() as u16)
            }
            r if GRADE_AIM.contains(&r) => sim
                .grades()
                .get(usize::from(r - GRADE_AIM.start))
                .map_or(0, |g| (g.aim_c * 10.0).round() as u16),
            _ => 0,
        })
        .collect())
}

/// Apply a write to the block; all of it or none of it.
pub(crate) fn write(
    shared: &Shared,
    sim: &mut Simulation,
    addr: u16,
    values: &[u16],
) -> Result<(), Refusal> {
    let regs = range(addr, values.len() as u16)?;
    let bad = Refusal::IllegalDataValue;
    // Check everything first.
    for (r, &v) in regs.clone().zip(values) {
        let ok = match r {
            START_FAULT | CLEAR_FAULT => Fault::from_code(v).is_some(),
            ACTIVE_FAULTS => false,
            SPEED => (1..=10_000).contains(&v),
            CHARGE_TEMP => (-300..=9000).contains(&(v as i16)),
            GAS_HV => (800..=1200).contains(&v),
            O2_BIAS => (-500..=500).contains(&(v as i16)),
            FOULING => v <= 400,
            COMMS_DROP => v <= 3600,
            PLC_RESTART => v == 1,
            PACE => v <= 4500,
            r if GRADE_SHARE.contains(&r) => {
                usize::from(r - GRADE_SHARE.start) < sim.grades().len() && v <= 1000
            }
            r if GRADE_AIM.contains(&r) => {
                usize::from(r - GRADE_AIM.start) < sim.grades().len() && (9000..=13500).contains(&v)
            }
            _ => false,
        };
        if !ok {
            return Err(if matches!(r, ACTIVE_FAULTS | GRADE_COUNT) {
                Refusal::IllegalDataAddress
            } else {
                bad
            });
        }
    }
    // The grade table changes as one (shares and aims written together must stay consistent).
    let mut grades = sim.grades().to_vec();
    let mut grades_changed = false;
    for (r, &v) in regs.clone().zip(values) {
        if GRADE_SHARE.contains(&r) {
            if let Some(g) = grades.get_mut(usize::from(r - GRADE_SHARE.start)) {
                g.share = f64::from(v) / 1000.0;
                grades_changed = true;
            }
        } else if GRADE_AIM.contains(&r)
            && let Some(g) = grades.get_mut(usize::from(r - GRADE_AIM.start))
        {
            g.aim_c = f64::from(v) / 10.0;
            grades_changed = true;
        }
    }
    if grades_changed {
        sim.set_grades(grades).map_err(|_| bad)?;
    }
    for (r, &v) in regs.zip(values) {
        let result = match r {
            START_FAULT => Fault::from_code(v).map_or(Ok(()), |f| sim.start_fault(f)),
            CLEAR_FAULT => Fault::from_code(v).map_or(Ok(()), |f| sim.clear_fault(f)),
            SPEED => {
                shared.set_speed(f64::from(v));
                Ok(())
            }
            CHARGE_TEMP => sim.apply(&Action::ChargeTemperature {
                c: f64::from(v as i16) / 10.0,
            }),
            GAS_HV => sim.apply(&Action::GasHeatingValue {
                percent: f64::from(v) / 10.0 - 100.0,
            }),
            O2_BIAS => {
                sim.faults.o2_bias = f64::from(v as i16) / 100.0;
                Ok(())
            }
            FOULING => sim.start_fault(Fault::RecuperatorFouling {
                effectiveness_drop: f64::from(v) / 1000.0,
            }),
            COMMS_DROP => sim.start_fault(Fault::CommsDrop {
                seconds: f64::from(v),
            }),
            PLC_RESTART => sim.start_fault(Fault::PlcRestart),
            PACE => sim.apply(&Action::Pace {
                tph: f64::from(v) / 10.0,
            }),
            _ => Ok(()),
        };
        result.map_err(|_| bad)?;
    }
    Ok(())
}
