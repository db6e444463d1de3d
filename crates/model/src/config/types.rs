//! Stage two: the checked configuration every other crate uses. Tags are referred to by
//! [`TagId`], devices by index; names only exist for display and for the files.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::TagId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A real PLC.
    Plc,
    /// The bundled simulator, started in-process by the engine.
    Simulator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// FC01 / FC05 / FC15, one bit each.
    Coil,
    /// FC02, one bit each, read-only.
    Discrete,
    /// FC04, 16-bit, read-only: measurements.
    Input,
    /// FC03 / FC06 / FC16, 16-bit: setpoints and mode words.
    Holding,
}

impl RegisterKind {
    /// How an engineer says it: "coil", "discrete input", "input register", "holding register".
    pub fn name(self) -> &'static str {
        match self {
            RegisterKind::Coil => "coil",
            RegisterKind::Discrete => "discrete input",
            RegisterKind::Input => "input register",
            RegisterKind::Holding => "holding register",
        }
    }

    /// A Modicon-style reference: "40001" (5 digits) or "400001" (6 digits) is holding register 0,
    /// 3xxxx input registers, 1xxxx discrete inputs, 0xxxx coils. Returns the kind and the
    /// 0-based PDU address.
    pub fn parse_reference(s: &str) -> Result<(RegisterKind, u16), String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a Modicon reference like 40001 or 300001");
        if !(s.len() == 5 || s.len() == 6) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let kind = match &s[..1] {
            "0" => RegisterKind::Coil,
            "1" => RegisterKind::Discrete,
            "3" => RegisterKind::Input,
            "4" => RegisterKind::Holding,
            _ => return Err(bad()),
        };
        let n: u32 = s[1..].parse().map_err(|_| bad())?;
        let max = if s.len() == 5 { 9999 } else { 65536 };
        if n == 0 || n > max {
            return Err(format!(
                "`{s}`: the number after the first digit must be 1..={max}"
            ));
        }
        Ok((kind, (n - 1) as u16))
    }

    pub fn is_bit(self) -> bool {
        matches!(self, RegisterKind::Coil | RegisterKind::Discrete)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    Bool,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Int64,
    Uint64,
    Float32,
    Float64,
}

impl DataType {
    /// Registers one value occupies (a bool in a register occupies that one register).
    pub fn words(self) -> u16 {
        match self {
            DataType::Bool | DataType::Int16 | DataType::Uint16 => 1,
            DataType::Int32 | DataType::Uint32 | DataType::Float32 => 2,
            DataType::Int64 | DataType::Uint64 | DataType::Float64 => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DataType::Bool => "bool",
            DataType::Int16 => "int16",
            DataType::Uint16 => "uint16",
            DataType::Int32 => "int32",
            DataType::Uint32 => "uint32",
            DataType::Int64 => "int64",
            DataType::Uint64 => "uint64",
            DataType::Float32 => "float32",
            DataType::Float64 => "float64",
        }
    }
}

/// Byte and word order of multi-register values, named by where bytes A (most significant) to
/// D land: ABCD big-endian, CDAB word-swapped, BADC byte-swapped, DCBA little-endian.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum WordOrder {
    #[default]
    ABCD,
    CDAB,
    BADC,
    DCBA,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The plant file this was loaded from.
    pub source: PathBuf,
    pub plant: Plant,
    pub poll_groups: Vec<PollGroup>,
    pub devices: Vec<Device>,
    pub tags: Vec<Tag>,
    pub furnace: Furnace,
    pub historian: HistorianSettings,
    pub server: ServerSettings,
    pub alarms: AlarmSettings,
    pub emissions: super::emissions::EmissionSettings,
    pub energy: super::emissions::EnergySettings,
    pub optimiser: super::optimiser::OptimiserSettings,
    /// The only tags Hearth may write, each with its policy.
    pub writes: Vec<super::access::WritePolicy>,
}

impl Config {
    /// How `tag` may be written; None: it may not.
    pub fn write_policy(&self, tag: TagId) -> Option<&super::access::WritePolicy> {
        self.writes.iter().find(|w| w.tag == tag)
    }

    pub fn tag(&self, id: TagId) -> Option<&Tag> {
        self.tags.get(id.index())
    }

    pub fn tag_by_name(&self, name: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.name == name)
    }

    pub fn device_by_name(&self, name: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.name == name)
    }

    /// The tags a device's poller reads, in config order (derived tags are computed, not read).
    pub fn device_tags(&self, device: usize) -> impl Iterator<Item = &Tag> {
        self.tags
            .iter()
            .filter(move |t| t.device == device && t.derived.is_none())
    }

    /// Tags read from devices (all but the derived ones).
    pub fn polled_tags(&self) -> impl Iterator<Item = &Tag> {
        self.tags.iter().filter(|t| t.derived.is_none())
    }
}

#[derive(Debug, Clone)]
pub struct Plant {
    pub name: String,
    pub time_zone: chrono_tz::Tz,
}

#[derive(Debug, Clone)]
pub struct PollGroup {
    pub name: String,
    pub interval: Duration,
    pub stale_after: u32,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub name: String,
    pub kind: DeviceKind,
    pub host: String,
    pub port: u16,
    pub unit_id: u8,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retries: u32,
    pub backoff_max: Duration,
    pub writable: bool,
    pub word_order: WordOrder,
    pub register_map: PathBuf,
    /// Heartbeat or uptime tag whose falling back reveals a PLC restart.
    pub restart_tag: Option<TagId>,
    pub simulator: SimulatorSettings,
    /// Set when `--device NAME=HOST:PORT` pointed this device elsewhere for this run.
    pub overridden: bool,
}

impl Device {
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Only a configured simulator that nobody pointed elsewhere is run in-process.
    pub fn is_embedded_simulator(&self) -> bool {
        self.kind == DeviceKind::Simulator && !self.overridden && !self.simulator.external
    }

    /// A simulator this engine does not run: driven through its control registers.
    pub fn is_external_simulator(&self) -> bool {
        self.kind == DeviceKind::Simulator && !self.overridden && self.simulator.external
    }
}

#[derive(Debug, Clone)]
pub struct SimulatorSettings {
    pub speed: f64,
    pub seed: u64,
    pub scenario: Option<PathBuf>,
    /// Started on its own (`hearth-sim`): polled over TCP, driven by its control registers.
    pub external: bool,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub id: TagId,
    pub name: String,
    /// Index into [`Config::devices`].
    pub device: usize,
    pub register: RegisterKind,
    pub address: u16,
    pub data_type: DataType,
    pub bit: Option<u8>,
    pub word_order: WordOrder,
    pub scale: f64,
    pub offset: f64,
    pub unit: String,
    /// Index into [`Config::poll_groups`].
    pub poll_group: usize,
    pub range: Option<(f64, f64)>,
    /// Readings at or above / at or below which the sensor has failed.
    pub sensor_fault_above: Option<f64>,
    pub sensor_fault_below: Option<f64>,
    /// A bool tag of the same device whose being set means this channel has failed.
    pub sensor_fault_flag: Option<TagId>,
    pub description: String,
    /// Has a write policy (`[writes.TAG]`); its device must be writable too.
    pub writable: bool,
    /// Computed by Hearth from other tags (emissions and energy), not read from a device.
    pub derived: Option<super::emissions::Derived>,
}

impl Tag {
    /// A tag with nothing but a place and a type (unit "count", scale 1, poll group 0, device 0):
    /// for tests, benchmarks and generated maps.
    pub fn synthetic(
        id: u32,
        name: &str,
        register: RegisterKind,
        address: u16,
        data_type: DataType,
    ) -> Tag {
        Tag {
            id: TagId(id),
            name: name.to_owned(),
            device: 0,
            register,
            address,
            data_type,
            bit: None,
            word_order: WordOrder::ABCD,
            scale: 1.0,
            offset: 0.0,
            unit: "count".into(),
            poll_group: 0,
            range: None,
            sensor_fault_above: None,
            sensor_fault_below: None,
            sensor_fault_flag: None,
            description: String::new(),
            writable: false,
            derived: None,
        }
    }

    /// Where an unsigned counter of this type wraps, in engineering units (a totaliser's
    /// rollover); None for anything else.
    pub fn counter_rollover(&self) -> Option<f64> {
        let bits = match self.data_type {
            DataType::Uint16 => 16,
            DataType::Uint32 => 32,
            DataType::Uint64 => 64,
            _ => return None,
        };
        Some(2f64.powi(bits) * self.scale.abs())
    }

    /// The quality of a decoded engineering value: a failed sensor first, then the range.
    pub fn quality_of(&self, value: f64) -> crate::Quality {
        let failed = self.sensor_fault_above.is_some_and(|hi| value >= hi)
            || self.sensor_fault_below.is_some_and(|lo| value <= lo);
        if failed {
            return crate::Quality::BadSensorFailure;
        }
        match self.range {
            Some((lo, hi)) if !(lo..=hi).contains(&value) => {
                crate::Quality::UncertainEngineeringRange
            }
            _ => crate::Quality::Good,
        }
    }

    /// Registers (or bits) this tag spans.
    pub fn span(&self) -> u16 {
        if self.register.is_bit() {
            1
        } else {
            self.data_type.words()
        }
    }

    /// Decimal places worth showing, from the scale: x0.1 shows one, x0.01 two.
    pub fn decimals(&self) -> u8 {
        if let Some(d) = self.derived {
            return d.decimals();
        }
        if matches!(self.data_type, DataType::Float32 | DataType::Float64) {
            // Large flows read better whole; small quantities keep a decimal.
            return match self.range {
                Some((_, hi)) if hi > 1000.0 => 0,
                _ => 1,
            };
        }
        let mut d = 0u8;
        let mut s = self.scale.abs();
        while s > 0.0 && s < 0.999 && d < 6 {
            s *= 10.0;
            d += 1;
        }
        d
    }
}

#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub temperature: TagId,
    pub setpoint: TagId,
    pub fuel_flow: TagId,
}

/// Roles to tags: every feature finds its inputs here, never by tag name.
#[derive(Debug, Clone)]
pub struct Furnace {
    pub zones: Vec<Zone>,
    pub combustion_air_flow: Option<TagId>,
    pub o2: Option<TagId>,
    pub o2_setpoint: Option<TagId>,
    pub co: Option<TagId>,
    pub nox: Option<TagId>,
    pub flue_temperature: Option<TagId>,
    pub air_preheat_temperature: Option<TagId>,
    pub pressure: Option<TagId>,
    pub throughput: Option<TagId>,
    pub discharge_temperature: Option<TagId>,
    pub charge_temperature: Option<TagId>,
    /// The aim of the slab last discharged, and of the slab last charged (level 2's figures):
    /// the optimiser plans each slab for its own aim.
    pub discharge_aim: Option<TagId>,
    pub charge_aim: Option<TagId>,
    /// The fuel gas's measured heating value (a calorimeter), MJ/Nm3: where it is configured
    /// the optimiser takes it as a disturbance instead of `emissions.fuel_lhv_mj_per_nm3`.
    pub fuel_lhv: Option<TagId>,
    pub fuel_total: Option<TagId>,
    pub steel_total: Option<TagId>,
    pub heartbeat: Option<TagId>,
}

#[derive(Debug, Clone)]
pub struct HistorianSettings {
    pub flush_interval: Duration,
    pub cache_bytes: u64,
    /// How much may wait in memory while the disk cannot be written.
    pub buffer_bytes: u64,
    /// Days kept at each resolution (raw, 1 minute, 1 hour, 1 day); `None` keeps it forever.
    pub retention_days: [Option<u32>; 4],
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: std::net::SocketAddr,
    /// Setpoint writes from `hearth serve` (off unless the config says so).
    pub allow_writes: bool,
    /// Users of `hearth serve`; with none, it serves loopback only.
    pub users: Vec<super::access::User>,
}

#[derive(Debug, Clone)]
pub struct AlarmSettings {
    pub flood_threshold_per_10min: u32,
    /// How long an alarm suppressed by design (`suppressed_by`) stays suppressed after the alarm
    /// that explained it clears: burners relight some seconds after their fan.
    pub suppression_release: Duration,
    pub definitions: Vec<super::alarms::AlarmDef>,
}
