//! Stage one: the config files exactly as written, as serde structs. Unknown keys are rejected
//! here so that a typo never silently falls back to a default.

use indexmap::IndexMap;
use serde::Deserialize;

use super::types::{DataType, DeviceKind, RegisterKind, WordOrder};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlantFile {
    pub plant: RawPlant,
    pub poll_groups: IndexMap<String, RawPollGroup>,
    pub devices: IndexMap<String, RawDevice>,
    pub furnace: RawFurnace,
    #[serde(default)]
    pub historian: RawHistorian,
    #[serde(default)]
    pub server: RawServer,
    #[serde(default)]
    pub alarms: RawAlarms,
    #[serde(default)]
    pub emissions: super::emissions::RawEmissions,
    #[serde(default)]
    pub energy: super::emissions::RawEnergy,
    #[serde(default)]
    pub optimiser: super::optimiser::RawOptimiser,
    /// Tags Hearth may write, each with its policy (`[writes.zone1_sp]`).
    #[serde(default)]
    pub writes: IndexMap<String, super::access::RawWritePolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlant {
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPollGroup {
    pub interval_ms: u64,
    /// Intervals without a good read before a value turns Uncertain_Stale.
    #[serde(default = "default_stale_after")]
    pub stale_after: u32,
}

fn default_stale_after() -> u32 {
    3
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDevice {
    pub kind: DeviceKind,
    #[serde(default = "default_host")]
    pub host: String,
    pub port: u16,
    #[serde(default = "default_unit_id")]
    pub unit_id: u8,
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_ms: u64,
    #[serde(default = "default_request_timeout")]
    pub request_timeout_ms: u64,
    #[serde(default = "default_retries")]
    pub retries: u32,
    #[serde(default = "default_backoff_max")]
    pub backoff_max_ms: u64,
    #[serde(default)]
    pub writable: bool,
    #[serde(default)]
    pub word_order: WordOrder,
    /// The device's register map, relative to the plant file.
    pub register_map: String,
    /// A heartbeat or uptime tag of this device: when its value falls back, the PLC restarted.
    #[serde(default)]
    pub restart_tag: Option<String>,
    /// Only for kind = "simulator": how the bundled simulator runs.
    #[serde(default)]
    pub simulator: Option<RawSimulator>,
}

fn default_host() -> String {
    "127.0.0.1".to_owned()
}
fn default_unit_id() -> u8 {
    1
}
fn default_connect_timeout() -> u64 {
    1000
}
fn default_request_timeout() -> u64 {
    1000
}
fn default_retries() -> u32 {
    1
}
fn default_backoff_max() -> u64 {
    10_000
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulator {
    #[serde(default = "default_speed")]
    pub speed: f64,
    #[serde(default)]
    pub seed: u64,
    /// Scenario file relative to the plant file.
    #[serde(default)]
    pub scenario: Option<String>,
    /// A `hearth-sim` started on its own at host:port: Hearth polls it like a PLC and drives it
    /// through its simulation-control registers instead of starting one in-process.
    #[serde(default)]
    pub external: bool,
}

fn default_speed() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegisterMap {
    pub tags: IndexMap<String, RawTag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTag {
    pub register: RegisterKind,
    /// 0-based PDU address (a number), or a Modicon reference such as "40001" (a string).
    pub address: RawAddress,
    #[serde(rename = "type")]
    pub data_type: DataType,
    /// For `type = "bool"` in a register: which bit (0 = least significant).
    #[serde(default)]
    pub bit: Option<u8>,
    /// Registers the value spans; checked against the type when given.
    #[serde(default)]
    pub words: Option<u16>,
    #[serde(default)]
    pub word_order: Option<WordOrder>,
    #[serde(default = "default_scale")]
    pub scale: f64,
    #[serde(default)]
    pub offset: f64,
    pub unit: String,
    pub poll_group: String,
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Readings at or above this mean the sensor has failed (e.g. an open thermocouple driven
    /// upscale): quality Bad_SensorFailure.
    #[serde(default)]
    pub sensor_fault_above: Option<f64>,
    /// Readings at or below this mean the sensor has failed (e.g. a broken 4-20 mA loop).
    #[serde(default)]
    pub sensor_fault_below: Option<f64>,
    /// A bool tag of the same device that the PLC sets when this channel has failed (an input
    /// card's diagnostic bit): while it is set, this tag reads Bad_SensorFailure.
    #[serde(default)]
    pub sensor_fault_flag: Option<String>,
    #[serde(default)]
    pub description: String,
}

fn default_scale() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAddress {
    /// Wider than u16 on purpose, to report addresses past 65535 clearly.
    Pdu(u64),
    Reference(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFurnace {
    pub zones: Vec<RawZone>,
    #[serde(default)]
    pub combustion_air_flow: Option<String>,
    #[serde(default)]
    pub o2: Option<String>,
    #[serde(default)]
    pub o2_setpoint: Option<String>,
    #[serde(default)]
    pub co: Option<String>,
    #[serde(default)]
    pub nox: Option<String>,
    #[serde(default)]
    pub flue_temperature: Option<String>,
    #[serde(default)]
    pub air_preheat_temperature: Option<String>,
    #[serde(default)]
    pub pressure: Option<String>,
    #[serde(default)]
    pub throughput: Option<String>,
    #[serde(default)]
    pub discharge_temperature: Option<String>,
    #[serde(default)]
    pub charge_temperature: Option<String>,
    #[serde(default)]
    pub discharge_aim: Option<String>,
    #[serde(default)]
    pub charge_aim: Option<String>,
    #[serde(default)]
    pub fuel_lhv: Option<String>,
    #[serde(default)]
    pub fuel_total: Option<String>,
    #[serde(default)]
    pub steel_total: Option<String>,
    #[serde(default)]
    pub heartbeat: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    pub name: String,
    pub temperature: String,
    pub setpoint: String,
    pub fuel_flow: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistorian {
    #[serde(default = "default_flush")]
    pub flush_interval_ms: u64,
    #[serde(default = "default_cache")]
    pub cache_mb: u64,
    #[serde(default = "default_buffer")]
    pub buffer_mb: u64,
    #[serde(default)]
    pub retention: RawRetention,
}

impl Default for RawHistorian {
    fn default() -> Self {
        RawHistorian {
            flush_interval_ms: default_flush(),
            cache_mb: default_cache(),
            buffer_mb: default_buffer(),
            retention: RawRetention::default(),
        }
    }
}

/// A retention: a number of days, or "forever".
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawKeep {
    Days(i64),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    #[serde(default = "keep_raw")]
    pub raw: RawKeep,
    #[serde(default = "keep_minute")]
    pub minute: RawKeep,
    #[serde(default = "keep_forever")]
    pub hour: RawKeep,
    #[serde(default = "keep_forever")]
    pub day: RawKeep,
}

impl Default for RawRetention {
    fn default() -> Self {
        RawRetention {
            raw: keep_raw(),
            minute: keep_minute(),
            hour: keep_forever(),
            day: keep_forever(),
        }
    }
}

fn keep_raw() -> RawKeep {
    RawKeep::Days(90)
}
fn keep_minute() -> RawKeep {
    RawKeep::Days(730)
}
fn keep_forever() -> RawKeep {
    RawKeep::Word("forever".into())
}
fn default_buffer() -> u64 {
    256
}

fn default_flush() -> u64 {
    1000
}
fn default_cache() -> u64 {
    64
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    #[serde(default = "default_bind")]
    pub bind: String,
    /// Setpoint writes from browsers (`hearth serve`); the desktop window does not need this.
    #[serde(default)]
    pub allow_writes: bool,
    /// Users of `hearth serve`; required to bind anything but loopback.
    #[serde(default)]
    pub user: Vec<super::access::RawUser>,
}

impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            bind: default_bind(),
            allow_writes: false,
            user: Vec::new(),
        }
    }
}

fn default_bind() -> String {
    "127.0.0.1:8720".to_owned()
}

/// Alarm settings and definitions (`[[alarms.alarm]]`, checked in `alarms.rs`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlarms {
    #[serde(default)]
    pub flood_threshold_per_10min: Option<u32>,
    /// Seconds an alarm suppressed by design stays suppressed after its cause clears.
    #[serde(default)]
    pub suppression_release_s: Option<f64>,
    #[serde(default)]
    pub alarm: Vec<super::alarms::RawAlarm>,
}
