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
    #[serde(default, rename = "event")]
    pub events: Vec<Event>,
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
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Scenario {
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Scenario::parse(&text).map_err(|message| ScenarioError::Invalid {
            path: path.display().to_string(),
            message,
        })
    }

    pub fn parse(text: &str) -> Result<Scenario, String> {
        let mut s: Scenario = toml::from_str(text).map_err(|e| e.to_string())?;
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
                    if !(1..=crate::physics::ZONES).contains(zone)
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
