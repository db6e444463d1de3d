//! Sample quality, spelled OPC UA style ("Good", "Bad_NoCommunication", ...): the same words in
//! the JSON of `hearth poll --json`, the HTTP API, the UI and the historian.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How far a value can be trusted. Every sample carries one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ts_rs::TS)]
#[ts(
    type = "\"Good\" | \"Bad_NoCommunication\" | `Bad_DeviceException(${number})` | \"Bad_DecodeError\" | \"Bad_SensorFailure\" | \"Uncertain_Stale\" | \"Uncertain_EngineeringRange\""
)]
pub enum Quality {
    Good,
    /// The device could not be reached or did not answer in time.
    BadNoCommunication,
    /// The device answered with a Modbus exception (the code is kept).
    BadDeviceException(u8),
    /// The raw registers do not make a valid value (NaN, infinity, impossible raw value).
    BadDecodeError,
    /// The value sits in the tag's configured sensor-fault band or a status bit flags it.
    BadSensorFailure,
    /// No successful read for several intervals; the value shown is the last one known.
    UncertainStale,
    /// The value is outside the tag's configured engineering range.
    UncertainEngineeringRange,
}

impl Quality {
    pub fn is_good(self) -> bool {
        self == Quality::Good
    }

    pub fn is_bad(self) -> bool {
        matches!(
            self,
            Quality::BadNoCommunication
                | Quality::BadDeviceException(_)
                | Quality::BadDecodeError
                | Quality::BadSensorFailure
        )
    }

    /// Compact code for storage: stable across versions (the historian's format depends on it).
    pub fn code(self) -> u16 {
        match self {
            Quality::Good => 0,
            Quality::BadNoCommunication => 1,
            Quality::BadDecodeError => 2,
            Quality::BadSensorFailure => 3,
            Quality::UncertainStale => 4,
            Quality::UncertainEngineeringRange => 5,
            Quality::BadDeviceException(code) => 0x100 | u16::from(code),
        }
    }

    pub fn from_code(code: u16) -> Option<Quality> {
        Some(match code {
            0 => Quality::Good,
            1 => Quality::BadNoCommunication,
            2 => Quality::BadDecodeError,
            3 => Quality::BadSensorFailure,
            4 => Quality::UncertainStale,
            5 => Quality::UncertainEngineeringRange,
            c if c & 0xff00 == 0x100 => Quality::BadDeviceException((c & 0xff) as u8),
            _ => return None,
        })
    }
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quality::Good => f.write_str("Good"),
            Quality::BadNoCommunication => f.write_str("Bad_NoCommunication"),
            Quality::BadDeviceException(code) => write!(f, "Bad_DeviceException({code})"),
            Quality::BadDecodeError => f.write_str("Bad_DecodeError"),
            Quality::BadSensorFailure => f.write_str("Bad_SensorFailure"),
            Quality::UncertainStale => f.write_str("Uncertain_Stale"),
            Quality::UncertainEngineeringRange => f.write_str("Uncertain_EngineeringRange"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown quality `{0}`")]
pub struct UnknownQuality(String);

impl FromStr for Quality {
    type Err = UnknownQuality;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "Good" => Quality::Good,
            "Bad_NoCommunication" => Quality::BadNoCommunication,
            "Bad_DecodeError" => Quality::BadDecodeError,
            "Bad_SensorFailure" => Quality::BadSensorFailure,
            "Uncertain_Stale" => Quality::UncertainStale,
            "Uncertain_EngineeringRange" => Quality::UncertainEngineeringRange,
            other => {
                let code = other
                    .strip_prefix("Bad_DeviceException(")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .and_then(|n| n.parse::<u8>().ok());
                match code {
                    Some(code) => Quality::BadDeviceException(code),
                    None => return Err(UnknownQuality(other.to_owned())),
                }
            }
        })
    }
}

impl Serialize for Quality {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quality {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Quality; 8] = [
        Quality::Good,
        Quality::BadNoCommunication,
        Quality::BadDeviceException(2),
        Quality::BadDeviceException(11),
        Quality::BadDecodeError,
        Quality::BadSensorFailure,
        Quality::UncertainStale,
        Quality::UncertainEngineeringRange,
    ];

    #[test]
    fn text_round_trips_for_every_quality() {
        for q in ALL {
            assert_eq!(q.to_string().parse::<Quality>().ok(), Some(q));
        }
    }

    #[test]
    fn storage_code_round_trips_and_is_distinct() {
        let mut codes: Vec<u16> = ALL.iter().map(|q| q.code()).collect();
        for q in ALL {
            assert_eq!(Quality::from_code(q.code()), Some(q));
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
    }

    #[test]
    fn device_exception_is_spelled_with_its_code() {
        assert_eq!(
            Quality::BadDeviceException(2).to_string(),
            "Bad_DeviceException(2)"
        );
        assert!("Bad_DeviceException(x)".parse::<Quality>().is_err());
        assert!("good".parse::<Quality>().is_err());
    }
}
