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
decimals: number, 
/**
 * Computed by Hearth (emissions and energy), not read from the device.
 */
derived: boolean, };

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

export type FurnaceRoles = { zones: Array<ZoneRoles>, combustion_air_flow: string | null, o2: string | null, co: string | null, nox: string | null, flue_temperature: string | null, air_preheat_temperature: string | null, pressure: string | null, throughput: string | null, discharge_temperature: string | null, charge_temperature: string | null, discharge_aim: string | null, charge_aim: string | null, fuel_lhv: string | null, };

export type PlantInfo = { name: string, time_zone: string, tags: Array<TagInfo>, furnace: FurnaceRoles, 
/**
 * Where this engine's time comes from: "system", "plant" (simulator clock) or "manual".
 */
clock: string, 
/**
 * Devices that are the bundled simulator (run here or on their own): the Simulator page.
 */
simulators: Array<string>, };

export type Snapshot = { 
/**
 * Engine time (the plant clock when a simulator runs faster than real time), epoch ms.
 */
now_ms: number, devices: Array<DeviceStatus>, tags: Array<TagValue>, 
/**
 * Why history is not being written (a full disk), while it is not.
 */
historian_error: string | null, 
/**
 * Changes whenever the alarm list does (a transition, an acknowledgement): a view asks for
 * the alarms again when it sees a new one, instead of polling.
 */
alarms_version: number, 
/**
 * How far the engine's timestamps run ahead of the wall clock (ms) after it was set back:
 * they never go back, and catch up at half speed. 0 when in step.
 */
clock_skew_ms: number, };

export type LiveBatch = { now_ms: number, devices: Array<DeviceStatus>, tags: Array<TagValue>, 
/**
 * As in [`Snapshot`]: every batch carries it, so a view learns when writing stops or resumes.
 */
historian_error: string | null, 
/**
 * As in [`Snapshot`].
 */
alarms_version: number, 
/**
 * As in [`Snapshot`].
 */
clock_skew_ms: number, };

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
historian_dropped: number, 
/**
 * Every sample at or before this time (epoch ms) is on disk: what a crash cannot lose.
 */
durable_until_ms: number | null, 
/**
 * How far the engine's timestamps are ahead of the wall clock, in ms: non-zero after the
 * clock was set back, shrinking as the stamps catch up at half speed. Timestamps never go
 * back, so no sample is overwritten.
 */
clock_skew_ms: number, 
/**
 * Points the historian refused as not newer than their tag's last one.
 */
historian_refused: number, };

export type EngineTarget = { "kind": "in_process", api_url: string, } | { "kind": "attached", api_url: string, pid: number | null, user: string, 
/**
 * The engine's local key (from its `engine.json`, when this OS user may read it): the
 * window is then let in as the person at this PC. Without it, the window logs in.
 */
token: string | null, };

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

export type ExportQuery = { tags: string, from: number, to: number, layout: string, local: boolean, };

export type SimulatorMode = "embedded" | "external";

export type GradeMix = { name: string, 
/**
 * Discharge aim temperature, C.
 */
aim_c: number, 
/**
 * Share of the slabs charged, 0-1 (normalised over the mix).
 */
share: number, };

export type FaultState = { code: number, 
/**
 * `thermocouple_open`, `burner_trip`, ... as in scenario files.
 */
kind: string, 
/**
 * Zone 1-3 for the zone faults.
 */
zone: number | null, 
/**
 * Known active (momentary faults, a comms drop or a PLC restart, never show as active).
 */
active: boolean, 
/**
 * Happens once when started (comms drop, PLC restart): nothing to clear afterwards.
 */
momentary: boolean, };

export type ScenarioEvent = { 
/**
 * Plant minutes from the start of the scenario.
 */
at_min: number, 
/**
 * `pace`, `charge_temperature`, `mill_delay`, `gas_heating_value`, `zone_setpoint`,
 * `start_fault`, `clear_fault`.
 */
action: string, 
/**
 * The action's number: t/h, C, minutes or percent.
 */
value: number | null, zone: number | null, 
/**
 * The fault started or cleared.
 */
fault: string | null, done: boolean, };

export type ScenarioView = { name: string, description: string, 
/**
 * Plant minutes since it started.
 */
elapsed_min: number, events: Array<ScenarioEvent>, };

export type SimulatorView = { device: string, mode: SimulatorMode, address: string, 
/**
 * Plant seconds per wall second.
 */
speed: number, 
/**
 * Pace the mill asks for, t/h.
 */
pace_tph: number, 
/**
 * Minutes of a mill delay still to run (the pace is 0 meanwhile).
 */
mill_delay_min: number | null, charge_temp_c: number, 
/**
 * Gas heating value against nominal, %.
 */
gas_hv_percent: number, grades: Array<GradeMix>, faults: Array<FaultState>, 
/**
 * Only known for the simulator this engine runs.
 */
scenario: ScenarioView | null, };

export type SimulatorCommand = { "do": "speed", speed: number, } | { "do": "pace", tph: number, } | { "do": "charge_temperature", c: number, } | { "do": "grades", grades: Array<GradeMix>, } | { "do": "start_fault", code: number, } | { "do": "clear_fault", code: number, };

export type ConfigProblem = { file: string, key: string, message: string, };

export type Validation = { "state": "valid" } | { "state": "changed" } | { "state": "invalid", problems: Array<ConfigProblem>, };

export type DeviceSettings = { name: string, 
/**
 * `plc`, `simulator` (run by this engine) or `external_simulator`.
 */
kind: string, address: string, unit_id: number, connect_timeout_ms: number, request_timeout_ms: number, retries: number, writable: boolean, word_order: string, register_map: string, 
/**
 * Pointed elsewhere for this run with `--device` (read-only).
 */
overridden: boolean, };

export type TagSettings = { name: string, device: string, 
/**
 * Register kind and 0-based address, e.g. `holding register 1`, with `.bit` for a bit.
 */
address: string, data_type: string, unit: string, scale: number, offset: number, range: [number, number] | null, poll_group: string, interval_ms: number, 
/**
 * Furnace roles this tag plays (`zone preheat temperature`, `o2`...).
 */
roles: Array<string>, writable: boolean, description: string, };

export type SettingValue = { 
/**
 * Dotted key as in the config file.
 */
key: string, value: string, unit: string, };

export type SettingsView = { config_file: string, 
/**
 * Every file the configuration was read from.
 */
files: Array<string>, validation: Validation, plant_name: string, time_zone: string, devices: Array<DeviceSettings>, tags: Array<TagSettings>, values: Array<SettingValue>, 
/**
 * What the Settings page may change while the engine runs (engineers only).
 */
editable: Array<EditableSetting>, data_dir: string, data_dir_bytes: number, 
/**
 * The engine answering: its process, API and clock.
 */
engine_pid: number, engine_api_url: string | null, clock: string, };

export type Priority = "low" | "medium" | "high" | "urgent";

export type ActiveAlarm = { 
/**
 * `TAG.TYPE` or `DEVICE.comms_loss`.
 */
id: string, tag: string | null, kind: string, priority: Priority, 
/**
 * `active_unacked`, `active_acked` or `returned_unacked`.
 */
state: string, message: string, response: string | null, 
/**
 * The tag's latest value.
 */
value: number | null, 
/**
 * When it was last raised, epoch ms.
 */
since_ms: number, shelved: boolean, 
/**
 * A timed shelve's expiry, epoch ms; None for one-shot or not shelved.
 */
shelved_until_ms: number | null, suppressed: boolean, 
/**
 * Taken out of service (instrument maintenance): evaluated, never annunciated.
 */
out_of_service: boolean, };

export type AckRequest = { 
/**
 * One alarm, or every annunciated one when absent.
 */
id: string | null, user: string, comment: string, };

export type JournalEntry = { 
/**
 * Epoch ms.
 */
at_ms: number, 
/**
 * `TAG.TYPE` or `DEVICE.comms_loss`.
 */
alarm: string, 
/**
 * `raise`, `clear`, `ack`, `realarm`, `shelve`, `unshelve`, `shelve_expired`, `suppress`...
 */
transition: string, from: string, to: string, priority: Priority, 
/**
 * The tag's value at the time.
 */
value: number | null, 
/**
 * The limit it was judged against (a deviation alarm's is its setpoint plus or minus the
 * deviation at the time).
 */
limit: number | null, message: string, user: string | null, comment: string | null, };

export type ShelveRequest = { id: string, 
/**
 * How long; with `one_shot`, ignored.
 */
minutes: number | null, one_shot: boolean, user: string, comment: string, };

export type ServiceRequest = { id: string, out_of_service: boolean, user: string, comment: string, };

export type JournalQuery = { from: number, to: number, 
/**
 * At most this many entries, oldest first [default 10 000, at most 100 000].
 */
limit: number | null, 
/**
 * Alarms whose id contains this, ignoring case (a tag name, `comms_loss`...).
 */
alarm: string | null, priority: Priority | null, 
/**
 * The state entered: `active_unacked`, `active_acked`, `returned_unacked`, `normal`.
 */
state: string | null, };

export type Pollutant = "nox" | "co";

export type PeriodKind = "hour" | "shift" | "day" | "month";

export type Period = { kind: PeriodKind, start_ms: number, end_ms: number, 
/**
 * `2026-11-28 08:00` (hour), `2026-11-28 B` (shift), `2026-11-28` (day), `2026-11` (month).
 */
label: string, 
/**
 * The UTC offset at the start, `+08:00`: tells apart the two 01:00 hours of an autumn DST day.
 */
utc_offset: string, };

export type Validity = "valid" | "invalid" | "excluded" | "open";

export type Average = { start_ms: number, end_ms: number, 
/**
 * Only when valid (an hour or day still open carries its running value).
 */
value: number | null, validity: Validity, 
/**
 * Hours: good samples and expected samples. Days: valid hours and hours in the day.
 */
counted: number, expected: number, 
/**
 * Hours: flagged samples. Days: excluded hours.
 */
excluded: number, 
/**
 * Days: invalid hours (too few samples, or none at all).
 */
invalid: number, };

export type EnergyKpi = { start_ms: number, end_ms: number, label: string, 
/**
 * Nm3 (0 C).
 */
fuel_nm3: number, 
/**
 * GJ, LHV.
 */
energy_gj: number, production_t: number, co2_kg: number, 
/**
 * None without production (a furnace on hold burns fuel for no tonnes).
 */
gj_per_t: number | null, kg_co2_per_t: number | null, 
/**
 * Theoretical minimum over actual: the furnace's efficiency against physics.
 */
efficiency_vs_theoretical: number | null, 
/**
 * Actual over the benchmark minus one: +0.12 is 12 % more energy per tonne than best practice.
 */
above_benchmark: number | null, 
/**
 * Readings of the totalisers that went into it (both need at least two).
 */
readings: number, };

export type LimitPeriod = "hour" | "day";

export type PermitLimit = { pollutant: Pollutant, period: LimitPeriod, 
/**
 * mg/Nm3, dry, at `reference_o2_percent`.
 */
limit_mg_nm3: number, reference_o2_percent: number, };

export type Standing = { limit: PermitLimit, average: Average, 
/**
 * A closed, valid average above the limit.
 */
exceeded: boolean, 
/**
 * Open periods: the average the period ends with if the rest goes as the last hour did.
 */
projected: number | null, 
/**
 * Open periods: the most the rest of the period may average and still comply (None when
 * it cannot: the hours so far already break the limit whatever follows).
 */
headroom: number | null, 
/**
 * Open and projected over the limit: warn now, while something can still be done.
 */
heading_over: boolean, };

export type MarkKind = "startup" | "shutdown" | "calibration";

export type Withdrawal = { user: string, at_ms: number, reason: string, };

export type Mark = { id: number, kind: MarkKind, from_ms: number, to_ms: number, reason: string, user: string, 
/**
 * When it was marked, epoch ms.
 */
at_ms: number, 
/**
 * Withdrawn: by whom, when and why.
 */
withdrawn: Withdrawal | null, };

export type MarkRequest = { kind: MarkKind, from_ms: number, to_ms: number, reason: string, user: string, };

export type WithdrawRequest = { id: number, reason: string, user: string, };

export type Basis = { reference_o2_percent: number, fuel_lhv_mj_per_nm3: number, 
/**
 * `factor` or `composition`.
 */
co2_route: string, 
/**
 * kg CO2 per Nm3 of fuel, whichever route.
 */
co2_kg_per_nm3: number, co2_kg_per_gj: number, 
/**
 * `ch4 0.93, c2h6 0.04...`
 */
fuel_composition: string, min_valid_fraction: number, min_valid_hours_per_day: number, theoretical_min_gj_per_t: number, benchmark_gj_per_t: number, 
/**
 * "Nm3 at 0 C and 101.325 kPa, dry; energy on the LHV basis"
 */
volumes: string, time_zone: string, };

export type HourAverage = { period: Period, average: Average, 
/**
 * Over the hourly limit (closed and valid), or heading over it (open).
 */
over: boolean, };

export type PollutantDay = { pollutant: Pollutant, 
/**
 * The derived tag the averages are of (`nox_ref`).
 */
tag: string, 
/**
 * The O2 the averages are stated at: the permit limit's (its daily one first), else the
 * plant's reference O2.
 */
reference_o2_percent: number, hours: Array<HourAverage>, day: Average, 
/**
 * Against the daily limit, when the permit has one.
 */
day_standing: Standing | null, 
/**
 * The hourly limit, when the permit has one (each hour's `over` says where it was broken).
 */
hour_limit: PermitLimit | null, };

export type DayReport = { plant: string, period: Period, basis: Basis, pollutants: Array<PollutantDay>, energy_hours: Array<EnergyKpi>, energy_shifts: Array<EnergyKpi>, energy_day: EnergyKpi, 
/**
 * Engineers' marks overlapping the day (withdrawn ones shown as such).
 */
marks: Array<Mark>, 
/**
 * When it was computed, epoch ms (a day still running changes).
 */
computed_ms: number, };

export type DayAverage = { period: Period, average: Average, standing: Standing | null, };

export type PollutantMonth = { pollutant: Pollutant, tag: string, days: Array<DayAverage>, limit: PermitLimit | null, 
/**
 * Mean of the valid days.
 */
mean_of_valid_days: number | null, valid_days: number, invalid_days: number, excluded_days: number, exceeded_days: number, 
/**
 * Hours over the month that were invalid or missing.
 */
invalid_hours: number, excluded_hours: number, };

export type MonthReport = { plant: string, period: Period, basis: Basis, pollutants: Array<PollutantMonth>, energy_days: Array<EnergyKpi>, energy_month: EnergyKpi, marks: Array<Mark>, computed_ms: number, };

export type AlarmCount = { alarm: string, count: number, };

export type AlarmMetrics = { from_ms: number, to_ms: number, 
/**
 * Raises and re-alarms.
 */
annunciations: number, 
/**
 * Average per 10 minutes over the period (EEMUA 191 target: about 1).
 */
per_10min_average: number, 
/**
 * The busiest 10-minute interval.
 */
per_10min_max: number, 
/**
 * Share of the period in 10-minute intervals with more than the flood threshold, %.
 */
time_in_flood_percent: number, flood_threshold: number, 
/**
 * Alarms raised 3 or more times within a minute.
 */
chattering: Array<string>, 
/**
 * Alarms active at the end of the period, raised more than a day before it.
 */
stale: Array<string>, 
/**
 * Annunciations per priority, lowest first.
 */
by_priority: Array<[Priority, number]>, top_ten: Array<AlarmCount>, };

export type Role = "viewer" | "engineer" | "admin";

export type LoginRequest = { name: string, password: string, };

export type SessionInfo = { 
/**
 * Users are configured: log in before anything else.
 */
login_required: boolean, user: string | null, role: Role | null, 
/**
 * Setpoint writes from browsers are enabled (server.allow_writes).
 */
writes_enabled: boolean, };

export type AuditOutcome = "ok" | "rejected" | "failed" | "unknown";

export type AuditKind = "write" | "setting" | "simulator" | "suggestion";

export type AuditEvent = { 
/**
 * Epoch ms.
 */
at_ms: number, user: string, kind: AuditKind, 
/**
 * `manual`, `suggestion SID`, `settings page`, `simulator page`.
 */
source: string, 
/**
 * The tag written or the setting's dotted key.
 */
target: string, device: string | null, unit: string, old_value: string | null, requested: string, read_back: string | null, reason: string, outcome: AuditOutcome, 
/**
 * Why it was refused, how it failed, or how an unknown outcome was resolved.
 */
detail: string, };

export type AuditEntry = { seq: number, 
/**
 * Hex SHA-256 of the record before ([`GENESIS`] for the first).
 */
prev_hash: string, 
/**
 * Hex SHA-256 of this record with `hash` empty.
 */
hash: string, 
/**
 * Epoch ms.
 */
at_ms: number, user: string, kind: AuditKind, 
/**
 * `manual`, `suggestion SID`, `settings page`, `simulator page`.
 */
source: string, 
/**
 * The tag written or the setting's dotted key.
 */
target: string, device: string | null, unit: string, old_value: string | null, requested: string, read_back: string | null, reason: string, outcome: AuditOutcome, 
/**
 * Why it was refused, how it failed, or how an unknown outcome was resolved.
 */
detail: string, };

export type AuditQuery = { from: number, to: number, 
/**
 * At most this many, newest first [default 1000, at most 100 000].
 */
limit: number | null, 
/**
 * Records whose target (tag or setting) contains this, ignoring case.
 */
target: string | null, outcome: AuditOutcome | null, };

export type AuditVerification = { records: number, 
/**
 * The newest record's hash: write it down elsewhere (a shift report) to anchor the log.
 */
head_hash: string, 
/**
 * Every break in the chain, in order; empty when the log is intact.
 */
problems: Array<string>, };

export type WriteRequest = { tag: string, value: number, 
/**
 * Why: mandatory, kept in the audit log.
 */
reason: string, 
/**
 * The optimiser suggestion this applies, if any.
 */
suggestion: string | null, };

export type WriteProposal = { 
/**
 * Binds the confirmation to exactly this write; used once.
 */
token: string, tag: string, device: string, unit: string, description: string, old_value: number, 
/**
 * As the register will hold it (rounded to its resolution).
 */
new_value: number, min: number, max: number, max_step: number, reason: string, 
/**
 * Milliseconds left to confirm.
 */
expires_in_ms: number, };

export type WriteConfirm = { token: string, };

export type WriteResult = { outcome: AuditOutcome, tag: string, requested: number | null, read_back: number | null, detail: string, 
/**
 * The audit record; None only when the audit log itself could not be written.
 */
audit_seq: number | null, };

export type Prepared = { "state": "proposed" } & WriteProposal | { "state": "refused" } & WriteResult;

export type WritableTag = { tag: string, device: string, unit: string, description: string, min: number, max: number, max_step: number, min_interval_s: number, permissive: string | null, 
/**
 * Why writes to it cannot be made from here at all (device read-only, writes from browsers
 * off, role); None when they can.
 */
blocked: string | null, };

export type EditableSetting = { 
/**
 * `alarms.TAG.TYPE.limit`, `emissions.co2_kg_per_gj`, `emissions.limit.nox.day`,
 * `optimiser.gas_price_per_nm3`...
 */
key: string, value: number, unit: string, 
/**
 * What it is, in the config's words (an alarm's message).
 */
what: string, };

export type SettingChange = { key: string, value: number, 
/**
 * Why: mandatory, kept in the audit log.
 */
reason: string, };

export type SettingResult = { outcome: AuditOutcome, key: string, old_value: number | null, new_value: number, 
/**
 * Why it was refused, or where the old file was kept.
 */
detail: string, audit_seq: number | null, };

export type DeltaView = { current: number, suggested: number, change: number, band: number, };

export type MoveView = { 
/**
 * The zone's name, or "O2".
 */
name: string, 
/**
 * The setpoint tag it is written to (the write path takes it from here).
 */
tag: string | null, unit: string, from: number, to: number, 
/**
 * The objective term that gained most from the move ("fuel", "co2", "nox", "quality"),
 * with what each term would cost more per hour had it stayed; empty when it did not move.
 */
driven_by: string | null, gains: Array<[string, number]>, limited_by: string | null, };

export type RampStepView = { after_s: number, zone_sp: Array<number>, o2_sp: number, };

export type MarginView = { name: string, 
/**
 * Positive: kept by this much.
 */
margin: number, unit: string, 
/**
 * Continuing already violates it by this much (the suggestion is held to no worse).
 */
allowed: number, };

export type InputView = { role: string, tag: string | null, quality: Quality, value: number | null, };

export type FitView = { role: string, unit: string, rms: number, bias: number, limit: number, points: number, };

export type ParameterView = { name: string, value: number, sigma: number, };

export type DischargeView = { at_s: number, surface_c: number, core_c: number, aim_c: number, };

export type TrajectoryView = { at_s: Array<number>, 
/**
 * Per zone, then per point.
 */
current_zone_c: Array<Array<number>>, suggested_zone_c: Array<Array<number>>, current_fuel: Array<number>, suggested_fuel: Array<number>, current_discharge: Array<DischargeView>, suggested_discharge: Array<DischargeView>, };

export type OutcomeView = { 
/**
 * The suggestion was accepted (compared with its prediction) or not (compared with the
 * prediction for continuing).
 */
followed: boolean, fuel_predicted: number, fuel_realised: number | null, nox_predicted: number, nox_realised: number | null, discharge_predicted: number, discharge_realised: number | null, };

export type TradePointView = { nox_weight: number, cost_per_h: number, nox_mg: number, fuel_nm3h: number, zone_sp: Array<number>, o2_sp: number, };

export type SuggestionStatus = { "state": "pending" } | { "state": "accepted", by: string, at_ms: number, } | { "state": "rejected", by: string, at_ms: number, reason: string, } | { "state": "superseded" };

export type SuggestionView = { id: string, made_at_ms: number, status: SuggestionStatus, moves: Array<MoveView>, ramp: Array<RampStepView>, currency: string, fuel_nm3h: DeltaView, fuel_pct: DeltaView, co2_kg_h: DeltaView, cost_per_h: DeltaView, nox_mg: DeltaView, discharge_c: DeltaView, gj_per_t: DeltaView, margins: Array<MarginView>, inputs: Array<InputView>, fit: Array<FitView>, parameters: Array<ParameterView>, horizon_s: number, solve_ms: number, evaluations: number, trajectory: TrajectoryView, 
/**
 * The best setpoints at other NOx weights (the configured one is `nox_weight` x 1).
 */
tradeoff: Array<TradePointView>, nox_weight: number, 
/**
 * Continuing would miss a constraint these setpoints keep or miss by less (under-heated
 * slabs, CO): the suggestion corrects, and may cost more.
 */
corrective: boolean, outcome: OutcomeView | null, };

export type RunProgress = { started_ms: number, evaluations: number, round: number, };

export type RunSummary = { at_ms: number, 
/**
 * "suggestion", "none", "cancelled" or "failed".
 */
result: string, reasons: Array<string>, 
/**
 * With "none", when the plant cannot be checked and setpoints in use are leaner than the
 * standard practice: those setpoints, from where they are to the standard. Each goes through
 * the write path (or to the operator) like a suggestion's.
 */
way_back: Array<MoveView>, };

export type OptimiserView = { enabled: boolean, interval_min: number, running: RunProgress | null, last_run: RunSummary | null, 
/**
 * The newest suggestion still pending, if any.
 */
current: SuggestionView | null, 
/**
 * Newest first.
 */
history: Array<SuggestionView>, currency: string, gas_price_per_nm3: number, co2_price_per_t: number, };

export type Decision = { accept: boolean, 
/**
 * Required to reject; kept in the audit log either way.
 */
reason: string, };

export type RunFigures = { fuel_nm3: number, steel_t: number, gj_per_t: number, co2_t: number, kg_co2_per_t: number, 
/**
 * Means over the run: NOx mg/Nm3 dry at 3 % O2, CO ppm dry at the measured O2.
 */
nox_mg: number, co_ppm: number, co_max_ppm: number, slabs: number, 
/**
 * Pyrometer reading below the aim less the window's lower edge, and when (hours into the
 * counted run) with how far below the aim.
 */
under_heated: number, under_heated_at: Array<[number, number]>, 
/**
 * Discharge temperature less aim, C: mean, standard deviation, lowest, highest.
 */
discharge_over_aim_mean: number, discharge_over_aim_sd: number, discharge_over_aim_min: number, discharge_over_aim_max: number, 
/**
 * Mean surface-to-core difference at discharge, C.
 */
surface_core_mean: number, 
/**
 * Time-weighted mean setpoints.
 */
mean_zone_sp: Array<number>, mean_o2_sp: number, };

export type Applied = { at_h: number, zone_sp: Array<number>, o2_sp: number, 
/**
 * Mean fuel over the interval until the next suggestion: predicted, realised, and the
 * baseline run's realised over the same interval.
 */
fuel_predicted: number, fuel_realised: number, fuel_baseline: number, nox_predicted: number, nox_realised: number, solve_s: number, };

export type Sources = { less_overheating_pct: number, o2_trim_pct: number, zone_profile_pct: number, };

export type Report = { scenario: string, hours: number, seed: number, baseline: RunFigures, optimised: RunFigures, fuel_change_pct: number, nox_change_pct: number, co2_change_t: number, sources: Sources, 
/**
 * Fuel saving against the baseline run, %: as the model predicted it for each interval
 * and as realised; and the mean absolute error of each interval's predicted fuel.
 */
saving_predicted_pct: number, saving_realised_pct: number, fuel_prediction_error_pct: number, suggestions: Array<Applied>, 
/**
 * Why the other runs gave no suggestion, with how often.
 */
no_suggestion: Array<[string, number]>, 
/**
 * Runs without a suggestion that returned leaner setpoints to the standard practice.
 */
fallbacks: number, solve_s_mean: number, solve_s_max: number, };

export type EvaluationRequest = { 
/**
 * A file name in the `scenarios` folder beside the plant file.
 */
scenario: string, hours: number, seed: number, };

export type EvaluationView = { 
/**
 * Scenario files that can be evaluated.
 */
scenarios: Array<string>, 
/**
 * The one running: its request and the plant hours done.
 */
running: [EvaluationRequest, number] | null, report: Report | null, error: string | null, };
