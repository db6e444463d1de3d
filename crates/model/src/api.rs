//! The types the UI and the CLI receive from the engine, in-process or over HTTP. TypeScript
//! declarations for the UI are generated from these (see `hearth-engine`'s bindings test), so
//! they are never written twice by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Quality;

/// Static description of a tag, for labels, units and grouping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagInfo {
    pub name: String,
    pub device: String,
    pub unit: String,
    pub description: String,
    pub poll_group: String,
    /// Engineering range `[low, high]`, when configured.
    pub range: Option<(f64, f64)>,
    /// Decimal places worth showing, from the tag's scale.
    pub decimals: u8,
    /// Computed by Hearth (emissions and energy), not read from the device.
    pub derived: bool,
}

/// The latest value of one tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagValue {
    pub name: String,
    pub device: String,
    pub value: Option<f64>,
    pub unit: String,
    pub quality: Quality,
    /// When the value was read, RFC 3339 UTC; `None` before the first read.
    pub ts: Option<String>,
    /// The same instant as milliseconds since the epoch, for age computations.
    pub ts_ms: Option<i64>,
    /// The last value read with a usable quality, for showing a stale or bad value greyed.
    pub last_good_value: Option<f64>,
    /// When that value was read, epoch ms: the age a greyed value is shown with.
    pub last_good_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// Not yet tried.
    Idle,
    Connecting,
    Connected,
    /// Not connected after a failure; the next attempt waits out an increasing backoff.
    Disconnected,
}

/// Connection health of one device, as in `hearth poll --json` and the Devices page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeviceStatus {
    pub name: String,
    pub state: DeviceState,
    /// Last poll cycle in which every request succeeded, RFC 3339 UTC.
    pub last_good: Option<String>,
    /// The most recent error, in words.
    pub error: Option<String>,
    pub address: String,
    pub requests: u64,
    /// All errors, and by kind below.
    pub errors: u64,
    /// No reply within the request timeout.
    pub timeouts: u64,
    /// Connection attempts that failed (refused, unreachable, connect timeout).
    pub connect_failures: u64,
    /// Replies that could not be trusted (malformed, wrong transaction id, transport errors).
    pub protocol_errors: u64,
    /// Modbus exception replies.
    pub exceptions: u64,
    /// Median round-trip time of recent requests, milliseconds.
    pub rtt_p50_ms: Option<f64>,
    /// 99th percentile round-trip time of recent requests, milliseconds.
    pub rtt_p99_ms: Option<f64>,
    /// PLC restarts seen (from the device's heartbeat or uptime tag falling back).
    pub restarts: u32,
    pub last_restart: Option<String>,
}

impl DeviceState {
    /// The word used in JSON, tables and the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceState::Idle => "idle",
            DeviceState::Connecting => "connecting",
            DeviceState::Connected => "connected",
            DeviceState::Disconnected => "disconnected",
        }
    }
}

impl DeviceStatus {
    /// A device nobody has polled yet.
    pub fn idle(name: &str, address: String) -> Self {
        DeviceStatus {
            name: name.to_owned(),
            state: DeviceState::Idle,
            last_good: None,
            error: None,
            address,
            requests: 0,
            errors: 0,
            timeouts: 0,
            connect_failures: 0,
            protocol_errors: 0,
            exceptions: 0,
            rtt_p50_ms: None,
            rtt_p99_ms: None,
            restarts: 0,
            last_restart: None,
        }
    }
}

/// One furnace zone's tags, by role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ZoneRoles {
    pub name: String,
    pub temperature: String,
    pub setpoint: String,
    pub fuel_flow: String,
}

/// Which tag plays which role in the furnace: the UI draws the furnace from this, never from
/// tag names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FurnaceRoles {
    pub zones: Vec<ZoneRoles>,
    pub combustion_air_flow: Option<String>,
    pub o2: Option<String>,
    pub co: Option<String>,
    pub nox: Option<String>,
    pub flue_temperature: Option<String>,
    pub air_preheat_temperature: Option<String>,
    pub pressure: Option<String>,
    pub throughput: Option<String>,
    pub discharge_temperature: Option<String>,
    pub charge_temperature: Option<String>,
    pub discharge_aim: Option<String>,
    pub charge_aim: Option<String>,
    pub fuel_lhv: Option<String>,
}

/// What the window needs to draw itself once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlantInfo {
    pub name: String,
    pub time_zone: String,
    pub tags: Vec<TagInfo>,
    pub furnace: FurnaceRoles,
    /// Where this engine's time comes from: "system", "plant" (simulator clock) or "manual".
    pub clock: String,
    /// Devices that are the bundled simulator (run here or on their own): the Simulator page.
    pub simulators: Vec<String>,
}

/// Everything live, at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Snapshot {
    /// Engine time (the plant clock when a simulator runs faster than real time), epoch ms.
    pub now_ms: i64,
    pub devices: Vec<DeviceStatus>,
    pub tags: Vec<TagValue>,
    /// Why history is not being written (a full disk), while it is not.
    pub historian_error: Option<String>,
    /// Changes whenever the alarm list does (a transition, an acknowledgement): a view asks for
    /// the alarms again when it sees a new one, instead of polling.
    pub alarms_version: u64,
    /// How far the engine's timestamps run ahead of the wall clock (ms) after it was set back:
    /// they never go back, and catch up at half speed. 0 when in step.
    #[serde(default)]
    pub clock_skew_ms: i64,
}

/// A batch of changes pushed to live views (one per poll cycle of a device).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LiveBatch {
    pub now_ms: i64,
    pub devices: Vec<DeviceStatus>,
    pub tags: Vec<TagValue>,
    /// As in [`Snapshot`]: every batch carries it, so a view learns when writing stops or resumes.
    pub historian_error: Option<String>,
    /// As in [`Snapshot`].
    pub alarms_version: u64,
    /// As in [`Snapshot`].
    #[serde(default)]
    pub clock_skew_ms: i64,
}

impl From<Snapshot> for LiveBatch {
    /// A snapshot sent as a batch: to start a live view, or to catch up one that fell behind.
    fn from(s: Snapshot) -> LiveBatch {
        LiveBatch {
            now_ms: s.now_ms,
            devices: s.devices,
            tags: s.tags,
            historian_error: s.historian_error,
            alarms_version: s.alarms_version,
            clock_skew_ms: s.clock_skew_ms,
        }
    }
}

/// Answer of `hearth status` and `GET /api/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EngineStatus {
    /// "engine" when answered by a running engine, "data-dir" when read from the files.
    pub source: String,
    pub pid: Option<u32>,
    pub api_url: Option<String>,
    pub data_dir: String,
    pub data_dir_bytes: u64,
    pub devices: Vec<DeviceStatus>,
    pub tag_count: u32,
    pub stored_tags: u32,
    pub oldest_sample: Option<String>,
    pub newest_sample: Option<String>,
    /// Why the historian cannot write, while it cannot (a full disk): points wait in memory.
    pub historian_error: Option<String>,
    pub historian_buffered_bytes: u64,
    /// Points lost because the memory buffer filled while the historian could not write.
    pub historian_dropped: u64,
    /// Every sample at or before this time (epoch ms) is on disk: what a crash cannot lose.
    #[serde(default)]
    pub durable_until_ms: Option<i64>,
    /// How far the engine's timestamps are ahead of the wall clock, in ms: non-zero after the
    /// clock was set back, shrinking as the stamps catch up at half speed. Timestamps never go
    /// back, so no sample is overwritten.
    #[serde(default)]
    pub clock_skew_ms: i64,
    /// Points the historian refused as not newer than their tag's last one.
    #[serde(default)]
    pub historian_refused: u64,
}

/// How the desktop window reaches its engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineTarget {
    /// The engine runs inside the desktop process: use Tauri commands and a channel.
    InProcess { api_url: String },
    /// Another process (`hearth serve`) holds the data dir: use HTTP and WebSocket.
    /// `user` is the OS user running the window: who acknowledges from it.
    Attached {
        api_url: String,
        pid: Option<u32>,
        user: String,
        /// The engine's local key (from its `engine.json`, when this OS user may read it): the
        /// window is then let in as the person at this PC. Without it, the window logs in.
        token: Option<String>,
    },
}

/// Where a history answer's buckets were computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Raw,
    Minute,
    Hour,
    Day,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Raw => "raw",
            Resolution::Minute => "1 minute",
            Resolution::Hour => "1 hour",
            Resolution::Day => "1 day",
        }
    }
}

/// One bucket of a history answer. A bucket with `good == 0 && other == 0` is a gap: nothing was
/// recorded in it. Values are never interpolated: `min`, `max`, `first` and `last` come from
/// points inside the bucket with good quality; `mean` is time-weighted and may come from a
/// value held over from just before the bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HistoryBucket {
    /// Bucket start, epoch ms.
    pub start_ms: i64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub first: Option<f64>,
    pub last: Option<f64>,
    /// Points with good quality and a finite value.
    pub good: u32,
    /// Points with bad or uncertain quality, or without a value.
    pub other: u32,
}

/// `history(tag, from, to, buckets)`: a window of one tag in equal buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct History {
    pub tag: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub bucket_ms: i64,
    pub source: Resolution,
    pub buckets: Vec<HistoryBucket>,
}

/// A stored point, as raw reads return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HistoryPoint {
    pub ts_ms: i64,
    pub value: Option<f64>,
    pub quality: Quality,
}
