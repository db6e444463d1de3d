//! Scenarios: a TOML file that schedules what happens to the plant, in plant time from the start
//! of the run: pace changes, hot or cold charge, mill delays, gas heating value changes, and
//! faults started and cleared. The same scenario and seed always give the same run.

use std::path::Path;

use serde::Deserialize;

use crate::faults::Fault;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// How the "real" plant differs from the defaults (for evaluating a model on a plant it did
    /// not know).
    #[serde(default)]
    pub plant: PlantOverrides,
    #[serde(default, rename = "event")]
    pub events: Vec<Event>,
}

/// Changes to the plant's physical parameters, each optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantOverrides {
    /// Multiplies every zone's wall loss (1.15 = 15 % more).
    pub wall_loss_factor: Option<f64>,
    /// Multiplies every zone's skid loss.
    pub skid_loss_factor: Option<f64>,
    /// Multiplies the gas-to-steel exchange factors, top and bottom.
    pub radiation_factor: Option<f64>,
    pub recuperator_effectiveness: Option<f64>,
    /// The NOx model's coefficient, mg/Nm3 at 3 % O2 and 485 C air.
    pub nox_n0_mg: Option<f64>,
    pub infiltration_nm3_s: Option<f64>,
    /// A constant error on the O2 analyser's reading, % O2.
    pub o2_analyser_bias_pct: Option<f64>,
}

impl PlantOverrides {
    pub fn apply(&self, p: &mut hearth_model::physics::PlantParams) {
        if let Some(f) = self.wall_loss_factor {
            p.wall_ua_kw_per_k = p.wall_ua_kw_per_k.map(|v| v * f);
        }
        if let Some(f) = self.skid_loss_factor {
            p.skid_ua_kw_per_k = p.skid_ua_kw_per_k.map(|v| v * f);
        }
        if let Some(f) = self.radiation_factor {
            p.phi_top = p.phi_top.map(|v| (v * f).min(1.0));
            p.phi_bottom = p.phi_bottom.map(|v| (v * f).min(1.0));
        }
        if let Some(e) = self.recuperator_effectiveness {
            p.recuperator_eps = e;
        }
        if let Some(n) = self.nox_n0_mg {
            p.nox_n0_mg = n;
        }
        if let Some(i) = self.infiltration_nm3_s {
            p.infiltration_nm3_s = i;
        }
    }

    fn check(&self) -> Result<(), String> {
        let factor = |name: &str, v: Option<f64>| match v {
            Some(f) if !(0.5..=2.0).contains(&f) => {
                Err(format!("plant.{name} = {f} is outside 0.5-2.0"))
            }
            _ => Ok(()),
        };
        factor("wall_loss_factor", self.wall_loss_factor)?;
        factor("skid_loss_factor", self.skid_loss_factor)?;
        factor("radiation_factor", self.radiation_factor)?;
        if let Some(e) = self.recuperator_effectiveness
            && !(0.0..=0.8).contains(&e)
        {
            return Err(format!(
                "plant.recuperator_effectiveness = {e} is outside 0-0.8"
            ));
        }
        if let Some(n) = self.nox_n0_mg
            && !(10.0..=1000.0).contains(&n)
        {
            return Err(format!("plant.nox_n0_mg = {n} is outside 10-1000"));
        }
        if let Some(i) = self.infiltration_nm3_s
            && !(0.0..=20.0).contains(&i)
        {
            return Err(format!("plant.infiltration_nm3_s = {i} is outside 0-20"));
        }
        if let Some(b) = self.o2_analyser_bias_pct
            && !(-3.0..=3.0).contains(&b)
        {
            return Err(format!("plant.o2_analyser_bias_pct = {b} is outside +-3"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "toml::Table")]
pub struct Event {
    /// When, in plant minutes from the start of the run.
    pub at_min: f64,
    pub action: Action,
}

impl TryFrom<toml::Table> for Event {
    type Error = String;

    /// `at_min` plus exactly one action; any other key is an error, not ignored.
    fn try_from(mut t: toml::Table) -> Result<Self, Self::Error> {
        let at_min = match t.remove("at_min") {
            Some(toml::Value::Integer(i)) => i as f64,
            Some(toml::Value::Float(f)) => f,
            Some(other) => return Err(format!("at_min must be a number of minutes, not {other}")),
            None => return Err("an event needs at_min".into()),
        };
        let action = Action::deserialize(toml::Value::Table(t)).map_err(|e| e.to_string())?;
        Ok(Event { at_min, action })
    }
}

/// What happens. `do = "..."` in the file names the action.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// The mill asks for a new production rate.
    Pace {
        tph: f64,
    },
    /// Slabs arrive at this temperature from now on (20 cold, 400-800 hot).
    ChargeTemperature {
        c: f64,
    },
    /// The mill stops taking slabs for this long; the previous pace then resumes.
    MillDelay {
        minutes: f64,
    },
    /// The gas heating value changes by this many percent of nominal.
    GasHeatingValue {
        percent: f64,
    },
    /// A zone setpoint changes, as an operator would change it (zone 1 = preheat).
    ZoneSetpoint {
        zone: usize,
        c: f64,
    },
    /// `fault = { kind = "burner_trip", zone = 2 }`
    StartFault {
        fault: Fault,
    },
    ClearFault {
        fault: Fault,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Scenario {
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Read {
            path: path.display().to_string(),
            error,
        })?;
        Scenario::parse(&text).map_err(|message| ScenarioError::Invalid {
            path: path.display().to_string(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<Scenario, String> {
        let mut s: Scenario = toml::from_str(text).map_err(|e| e.to_string())?;
        s.plant.check()?;
        for (i, e) in s.events.iter().enumerate() {
            let at = format!("event[{i}] (at_min = {})", e.at_min);
            if !(e.at_min.is_finite() && e.at_min >= 0.0) {
                return Err(format!("{at}: at_min must be zero or more"));
            }
            match &e.action {
                Action::Pace { tph } if !(0.0..=450.0).contains(tph) => {
                    return Err(format!("{at}: pace {tph} t/h is outside 0-450"));
                }
                Action::ChargeTemperature { c } if !(-30.0..=900.0).contains(c) => {
                    return Err(format!(
                        "{at}: charge temperature {c} C is outside -30..900"
                    ));
                }
                Action::MillDelay { minutes } if !(minutes.is_finite() && *minutes > 0.0) => {
                    return Err(format!("{at}: a mill delay needs minutes > 0"));
                }
                Action::GasHeatingValue { percent } if !(-20.0..=20.0).contains(percent) => {
                    return Err(format!(
                        "{at}: heating value change {percent} % is outside +-20 %"
                    ));
                }
                Action::ZoneSetpoint { zone, c }
                    if !(1..=hearth_model::physics::ZONES).contains(zone)
                        || !(800.0..=1350.0).contains(c) =>
                {
                    return Err(format!(
                        "{at}: zone {zone} setpoint {c} C (zones 1-3, 800-1350 C)"
                    ));
                }
                Action::StartFault { fault } | Action::ClearFault { fault } => {
                    fault.zone_index().map_err(|m| format!("{at}: {m}"))?;
                }
                _ => {}
            }
        }
        s.events.sort_by(|a, b| a.at_min.total_cmp(&b.at_min));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_in_time_order_with_their_faults() {
        let s = Scenario::parse(
            r#"
            name = "t"
            [[event]]
            at_min = 30
            do = "start_fault"
            fault = { kind = "burner_trip", zone = 2 }
            [[event]]
            at_min = 5
            do = "pace"
            tph = 250
            [[event]]
            at_min = 40
            do = "start_fault"
            fault = { kind = "o2_analyser_drift", pct_per_hour = 1.0 }
            "#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.events.len(), 3);
        assert!(matches!(s.events[0].action, Action::Pace { tph } if tph == 250.0));
        assert!(matches!(
            s.events[1].action,
            Action::StartFault {
                fault: Fault::BurnerTrip { zone: 2 }
            }
        ));
    }

    #[test]
    fn bad_events_are_refused_with_where_and_why() {
        for (text, needle) in [
            (
                "name='t'\n[[event]]\nat_min=1\ndo='pace'\ntph=900",
                "outside 0-450",
            ),
            (
                "name='t'\n[[event]]\nat_min=1\ndo='start_fault'\nfault={kind='burner_trip', zone=7}",
                "zone 7",
            ),
            (
                "name='t'\n[[event]]\nat_min=1\ndo='pace'\ntph=100\ntpm=3",
                "tpm",
            ),
            (
                "name='t'\n[[event]]\nat_min=-1\ndo='pace'\ntph=100",
                "at_min",
            ),
            ("name='t'\n[[event]]\nat_min=1\ndo='teleport'", "teleport"),
        ] {
            let err = Scenario::parse(text).err().unwrap_or_default();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }
}
