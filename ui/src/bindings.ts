// Generated from the Rust types in crates/model/src/api.rs. Do not edit by hand:
// HEARTH_BLESS=1 cargo test -p hearth-engine --test bindings

export type Quality = "Good" | "Bad_NoCommunication" | `Bad_DeviceException(${number})` | "Bad_DecodeError" | "Bad_SensorFailure" | "Uncertain_Stale" | "Uncertain_EngineeringRange";

export type TagInfo = { name: string, device: string, unit: string, description: string, poll_group: string, 
/**
 * Engineering range `[low, high]`, when configured.
 */
range: [number, number] | null, 
/**
 * Decimal places worth showing, from the tag's scale.
 */
decimals: number, };

export type TagValue = { name: string, device: string, value: number | null, unit: string, quality: Quality, 
/**
 * When the value was read, RFC 3339 UTC; `None` before the first read.
 */
ts: string | null, 
/**
 * The same instant as milliseconds since the epoch, for age computations.
 */
ts_ms: number | null, 
/**
 * The last value read with a usable quality, for showing a stale or bad value greyed.
 */
last_good_value: number | null, 
/**
 * When that value was read, epoch ms: the age a greyed value is shown with.
 */
last_good_ms: number | null, };

export type DeviceState = "idle" | "connecting" | "connected" | "disconnected";

export type DeviceStatus = { name: string, state: DeviceState, 
/**
 * Last poll cycle in which every request succeeded, RFC 3339 UTC.
 */
last_good: string | null, 
/**
 * The most recent error, in words.
 */
error: string | null, address: string, requests: number, 
/**
 * All errors, and by kind below.
 */
errors: number, 
/**
 * No reply within the request timeout.
 */
timeouts: number, 
/**
 * Connection attempts that failed (refused, unreachable, connect timeout).
 */
connect_failures: number, 
/**
 * Replies that could not be trusted (malformed, wrong transaction id, transport errors).
 */
protocol_errors: number, 
/**
 * Modbus exception replies.
 */
exceptions: number, 
/**
 * Median round-trip time of recent requests, milliseconds.
 */
rtt_p50_ms: number | null, 
/**
 * 99th percentile round-trip time of recent requests, milliseconds.
 */
rtt_p99_ms: number | null, 
/**
 * PLC restarts seen (from the device's heartbeat or uptime tag falling back).
 */
restarts: number, last_restart: string | null, };

export type ZoneRoles = { name: string, temperature: string, setpoint: string, fuel_flow: string, };

export type FurnaceRoles = { zones: Array<ZoneRoles>, combustion_air_flow: string | null, o2: string | null, co: string | null, nox: string | null, flue_temperature: string | null, air_preheat_temperature: string | null, pressure: string | null, throughput: string | null, discharge_temperature: string | null, charge_temperature: string | null, };

export type PlantInfo = { name: string, time_zone: string, tags: Array<TagInfo>, furnace: FurnaceRoles, 
/**
 * Where this engine's time comes from: "system", "plant" (simulator clock) or "manual".
 */
clock: string, };

export type Snapshot = { 
/**
 * Engine time (the plant clock when a simulator runs faster than real time), epoch ms.
 */
now_ms: number, devices: Array<DeviceStatus>, tags: Array<TagValue>, 
/**
 * Why history is not being written (a full disk), while it is not.
 */
historian_error: string | null, };

export type LiveBatch = { now_ms: number, devices: Array<DeviceStatus>, tags: Array<TagValue>, 
/**
 * As in [`Snapshot`]: every batch carries it, so a view learns when writing stops or resumes.
 */
historian_error: string | null, };

export type EngineStatus = { 
/**
 * "engine" when answered by a running engine, "data-dir" when read from the files.
 */
source: string, pid: number | null, api_url: string | null, data_dir: string, data_dir_bytes: number, devices: Array<DeviceStatus>, tag_count: number, stored_tags: number, oldest_sample: string | null, newest_sample: string | null, 
/**
 * Why the historian cannot write, while it cannot (a full disk): points wait in memory.
 */
historian_error: string | null, historian_buffered_bytes: number, 
/**
 * Points lost because the memory buffer filled while the historian could not write.
 */
historian_dropped: number, };

export type EngineTarget = { "kind": "in_process", api_url: string, } | { "kind": "attached", api_url: string, pid: number | null, };

export type Resolution = "raw" | "minute" | "hour" | "day";

export type HistoryBucket = { 
/**
 * Bucket start, epoch ms.
 */
start_ms: number, min: number | null, max: number | null, mean: number | null, first: number | null, last: number | null, 
/**
 * Points with good quality and a finite value.
 */
good: number, 
/**
 * Points with bad or uncertain quality, or without a value.
 */
other: number, };

export type History = { tag: string, from_ms: number, to_ms: number, bucket_ms: number, source: Resolution, buckets: Array<HistoryBucket>, };

export type HistoryPoint = { ts_ms: number, value: number | null, quality: Quality, };

export type HistoryQuery = { tag: string, from: number, to: number, buckets: number, };
