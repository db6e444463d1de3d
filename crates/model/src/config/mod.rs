//! Plant configuration: TOML files under `config/`, loaded in two stages (raw serde structs with
//! unknown keys rejected, then checked types). Every error names the file, the key path and what
//! is wrong, and validation reports all of them at once.

mod access;
mod alarms;
mod emissions;
mod optimiser;
mod raw;
mod types;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

pub use access::{Role, User, WritePolicy};
pub use alarms::{AlarmDef, AlarmKind, HISTORIAN_WRITE_ALARM, Priority};
pub use emissions::{
    Co2Basis, Derived, DerivedInputs, EmissionSettings, EnergySettings, FuelComponent, LimitDef,
    Pollutant, derived_inputs,
};
pub use optimiser::{OptimiserSettings, default_zone_bounds};
pub use types::*;

/// One problem in one config file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// Dotted key path, e.g. `tags.zone2_temp.address`; empty when the file as a whole is at fault.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}: {}: {}", self.file.display(), self.key, self.message)
        }
    }
}

/// Every problem found in a configuration; never empty.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} configuration error{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl ConfigErrors {
    pub fn errors(&self) -> &[ConfigError] {
        &self.0
    }
}

/// `--device NAME=HOST:PORT`: point one configured device elsewhere for one run. The device is
/// then read-only and never treated as the bundled simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceOverride {
    pub device: String,
    pub host: String,
    pub port: u16,
}

impl std::str::FromStr for DeviceOverride {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (device, addr) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not NAME=HOST:PORT"))?;
        let (host, port) = addr
            .rsplit_once(':')
            .ok_or_else(|| format!("`{addr}` is not HOST:PORT"))?;
        let port: u16 = port
            .parse()
            .map_err(|_| format!("`{port}` is not a TCP port (1-65535)"))?;
        if device.is_empty() || host.is_empty() || port == 0 {
            return Err(format!("`{s}` is not NAME=HOST:PORT"));
        }
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        Ok(DeviceOverride {
            device: device.to_owned(),
            host,
            port,
        })
    }
}

impl Config {
    /// Load and validate the plant file at `path` and every file it names.
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        validate::load(path)
    }

    /// The plant file given as text: `path` is what errors call it and where the register maps
    /// it names are found from.
    pub fn from_text(path: &Path, text: &str) -> Result<Config, ConfigErrors> {
        validate::load_text(path, text)
    }

    /// Read a register map file on its own (the simulator serves one without a plant file).
    pub fn register_map(path: &Path) -> Result<Vec<Tag>, ConfigErrors> {
        validate::register_map_from_str(path, &validate::read_text(path)?)
    }

    /// A register map given as text; `name` is what errors call the file.
    pub fn register_map_from_str(name: &Path, text: &str) -> Result<Vec<Tag>, ConfigErrors> {
        validate::register_map_from_str(name, text)
    }

    /// Apply `--device` overrides. Unknown device names are errors.
    pub fn apply_overrides(&mut self, overrides: &[DeviceOverride]) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        for o in overrides {
            match self.devices.iter_mut().find(|d| d.name == o.device) {
                Some(d) => {
                    d.host.clone_from(&o.host);
                    d.port = o.port;
                    d.overridden = true;
                    d.writable = false;
                    d.kind = DeviceKind::Plc;
                }
                None => errors.push(ConfigError {
                    file: self.source.clone(),
                    key: format!("devices.{}", o.device),
                    message: format!(
                        "--device names no configured device (configured: {})",
                        self.devices
                            .iter()
                            .map(|d| d.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }
}
