//! The Settings page's view: the configuration in effect (files, devices, tags with their roles,
//! limits and factors), whether the file on disk still validates, the data dir and the engine.
//! Read-only here; run-time changes come with access control.

use std::collections::HashMap;

use hearth_model::config::{Config, DeviceKind};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConfigProblem {
    pub file: String,
    pub key: String,
    pub message: String,
}

/// The file on disk checked again now: it may have been edited since the engine started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Validation {
    /// Valid, and describes what is in effect.
    Valid,
    /// Valid, but differs from what is in effect: a restart applies it.
    Changed,
    /// No longer valid: what is in effect stays; these need fixing before a restart.
    Invalid { problems: Vec<ConfigProblem> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeviceSettings {
    pub name: String,
    /// `plc`, `simulator` (run by this engine) or `external_simulator`.
    pub kind: String,
    pub address: String,
    pub unit_id: u8,
    pub connect_timeout_ms: u32,
    pub request_timeout_ms: u32,
    pub retries: u32,
    pub writable: bool,
    pub word_order: String,
    pub register_map: String,
    /// Pointed elsewhere for this run with `--device` (read-only).
    pub overridden: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagSettings {
    pub name: String,
    pub device: String,
    /// Register kind and 0-based address, e.g. `holding register 1`, with `.bit` for a bit.
    pub address: String,
    pub data_type: String,
    pub unit: String,
    pub scale: f64,
    pub offset: f64,
    pub range: Option<(f64, f64)>,
    pub poll_group: String,
    pub interval_ms: u32,
    /// Furnace roles this tag plays (`zone preheat temperature`, `o2`...).
    pub roles: Vec<String>,
    pub writable: bool,
    pub description: String,
}

/// One setting shown as key = value (limits, factors, retention, prices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingValue {
    /// Dotted key as in the config file.
    pub key: String,
    pub value: String,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingsView {
    pub config_file: String,
    /// Every file the configuration was read from.
    pub files: Vec<String>,
    pub validation: Validation,
    pub plant_name: String,
    pub time_zone: String,
    pub devices: Vec<DeviceSettings>,
    pub tags: Vec<TagSettings>,
    pub values: Vec<SettingValue>,
    /// What the Settings page may change while the engine runs (engineers only).
    pub editable: Vec<crate::changes::EditableSetting>,
    pub data_dir: String,
    pub data_dir_bytes: u64,
    /// The engine answering: its process, API and clock.
    pub engine_pid: u32,
    pub engine_api_url: Option<String>,
    pub clock: String,
}

/// Role names of each tag, from the furnace section.
fn roles(config: &Config) -> HashMap<usize, Vec<String>> {
    let mut out: HashMap<usize, Vec<String>> = HashMap::new();
    let f = &config.furnace;
    for z in &f.zones {
        for (id, what) in [
            (z.temperature, "temperature"),
            (z.setpoint, "setpoint"),
            (z.fuel_flow, "fuel_flow"),
        ] {
            out.entry(id.index())
                .or_default()
                .push(format!("zone {} {what}", z.name));
        }
    }
    for (id, role) in [
        (f.combustion_air_flow, "combustion_air_flow"),
        (f.o2, "o2"),
        (f.o2_setpoint, "o2_setpoint"),
        (f.co, "co"),
        (f.nox, "nox"),
        (f.flue_temperature, "flue_temperature"),
        (f.air_preheat_temperature, "air_preheat_temperature"),
        (f.pressure, "pressure"),
        (f.throughput, "throughput"),
        (f.discharge_temperature, "discharge_temperature"),
        (f.charge_temperature, "charge_temperature"),
        (f.discharge_aim, "discharge_aim"),
        (f.charge_aim, "charge_aim"),
        (f.fuel_lhv, "fuel_lhv"),
        (f.fuel_total, "fuel_total"),
        (f.steel_total, "steel_total"),
        (f.heartbeat, "heartbeat"),
    ] {
        if let Some(id) = id {
            out.entry(id.index()).or_default().push(role.to_owned());
        }
    }
    out
}

fn ms(d: std::time::Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// Compare what matters of two configurations: the file re-read now against the one in effect.
/// (`--device` overrides are applied to the one in effect only, so devices compare by file.)
pub(crate) fn same_effect(a: &Config, b: &Config) -> bool {
    let tags = |c: &Config| {
        c.tags
            .iter()
            .map(|t| {
                format!(
                    "{}|{}|{:?}|{}|{:?}|{}|{}|{}|{:?}|{}",
                    t.name,
                    t.device,
                    t.register,
                    t.address,
                    t.data_type,
                    t.scale,
                    t.offset,
                    t.unit,
                    t.range,
                    t.poll_group
                )
            })
            .collect::<Vec<_>>()
    };
    let devices = |c: &Config| {
        c.devices
            .iter()
            .map(|d| {
                format!(
                    "{}|{:?}|{}|{}|{:?}|{:?}|{}",
                    d.name,
                    d.register_map,
                    d.unit_id,
                    d.writable,
                    d.connect_timeout,
                    d.request_timeout,
                    d.retries
                )
            })
            .collect::<Vec<_>>()
    };
    tags(a) == tags(b)
        && devices(a) == devices(b)
        && a.plant.name == b.plant.name
        && a.plant.time_zone == b.plant.time_zone
        && values(a) == values(b)
        && a.alarms.definitions == b.alarms.definitions
}

fn values(c: &Config) -> Vec<SettingValue> {
    let v = |key: &str, value: String, unit: &str| SettingValue {
        key: key.to_owned(),
        value,
        unit: unit.to_owned(),
    };
    let mut out = Vec::new();
    for g in &c.poll_groups {
        out.push(v(
            &format!("poll_groups.{}.interval_ms", g.name),
            ms(g.interval).to_string(),
            "ms",
        ));
        out.push(v(
            &format!("poll_groups.{}.stale_after", g.name),
            g.stale_after.to_string(),
            "intervals",
        ));
    }
    let h = &c.historian;
    out.push(v(
        "historian.flush_interval_ms",
        ms(h.flush_interval).to_string(),
        "ms",
    ));
    out.push(v(
        "historian.cache_mb",
        (h.cache_bytes >> 20).to_string(),
        "MiB",
    ));
    out.push(v(
        "historian.buffer_mb",
        (h.buffer_bytes >> 20).to_string(),
        "MiB",
    ));
    for (name, days) in ["raw", "minute", "hour", "day"]
        .iter()
        .zip(h.retention_days)
    {
        out.push(v(
            &format!("historian.retention.{name}"),
            days.map_or_else(|| "forever".to_owned(), |d| d.to_string()),
            if days.is_some() { "days" } else { "" },
        ));
    }
    out.push(v("server.bind", c.server.bind.to_string(), ""));
    out.push(v(
        "alarms.flood_threshold_per_10min",
        c.alarms.flood_threshold_per_10min.to_string(),
        "alarms",
    ));
    let e = &c.emissions;
    out.push(v(
        "emissions.reference_o2_percent",
        e.reference_o2_percent.to_string(),
        "% O2",
    ));
    out.push(v(
        "emissions.fuel_lhv_mj_per_nm3",
        e.fuel_lhv_mj_per_nm3.to_string(),
        "MJ/Nm3",
    ));
    out.push(v(
        "emissions.co2_kg_per_gj",
        e.co2_kg_per_gj.to_string(),
        "kg/GJ",
    ));
    out.push(v(
        "emissions.co2_route",
        match e.co2_basis {
            hearth_model::config::Co2Basis::Composition => "composition",
            hearth_model::config::Co2Basis::Factor => "factor",
        }
        .to_owned(),
        "",
    ));
    out.push(v(
        "emissions.fuel_composition",
        e.fuel_composition
            .iter()
            .map(|(c, x)| format!("{} {x}", c.name()))
            .collect::<Vec<_>>()
            .join(", "),
        "mol/mol",
    ));
    out.push(v(
        "emissions.min_valid_fraction",
        e.min_valid_fraction.to_string(),
        "",
    ));
    out.push(v(
        "emissions.min_valid_hours_per_day",
        e.min_valid_hours_per_day.to_string(),
        "h",
    ));
    for l in &e.limits {
        out.push(v(
            &format!(
                "emissions.limit.{}.{}",
                l.pollutant.name(),
                if l.daily { "day" } else { "hour" }
            ),
            l.limit_mg_nm3.to_string(),
            &format!("mg/Nm3 at {} % O2", l.reference_o2_percent),
        ));
    }
    let n = &c.energy;
    out.push(v(
        "energy.theoretical_min_gj_per_t",
        n.theoretical_min_gj_per_t.to_string(),
        "GJ/t",
    ));
    out.push(v(
        "energy.benchmark_gj_per_t",
        n.benchmark_gj_per_t.to_string(),
        "GJ/t",
    ));
    out.push(v(
        "energy.shifts",
        n.shifts
            .iter()
            .map(|(name, t)| format!("{name} {}", t.format("%H:%M")))
            .collect::<Vec<_>>()
            .join(", "),
        "",
    ));
    let o = &c.optimiser;
    out.push(v("optimiser.enabled", o.enabled.to_string(), ""));
    out.push(v(
        "optimiser.gas_price_per_nm3",
        o.gas_price_per_nm3.to_string(),
        &format!("{}/Nm3", o.currency),
    ));
    out.push(v(
        "optimiser.co2_price_per_t",
        o.co2_price_per_t.to_string(),
        &format!("{}/t", o.currency),
    ));
    out
}

/// What the Settings page shows. `data_dir_bytes` and the engine fields are the caller's.
pub(crate) fn view(config: &Config) -> SettingsView {
    let roles = roles(config);
    let mut files = vec![config.source.display().to_string()];
    for d in &config.devices {
        let f = d.register_map.display().to_string();
        if !files.contains(&f) {
            files.push(f);
        }
        if let Some(s) = &d.simulator.scenario {
            files.push(s.display().to_string());
        }
    }
    let validation = match Config::load(&config.source) {
        Err(errors) => Validation::Invalid {
            problems: errors
                .0
                .into_iter()
                .map(|e| ConfigProblem {
                    file: e.file.display().to_string(),
                    key: e.key,
                    message: e.message,
                })
                .collect(),
        },
        Ok(now) if same_effect(&now, config) => Validation::Valid,
        Ok(_) => Validation::Changed,
    };
    SettingsView {
        config_file: config.source.display().to_string(),
        files,
        validation,
        plant_name: config.plant.name.clone(),
        time_zone: config.plant.time_zone.name().to_owned(),
        devices: config
            .devices
            .iter()
            .map(|d| DeviceSettings {
                name: d.name.clone(),
                kind: match d.kind {
                    DeviceKind::Plc => "plc",
                    DeviceKind::Simulator if d.simulator.external => "external_simulator",
                    DeviceKind::Simulator => "simulator",
                }
                .to_owned(),
                address: d.address(),
                unit_id: d.unit_id,
                connect_timeout_ms: ms(d.connect_timeout),
                request_timeout_ms: ms(d.request_timeout),
                retries: d.retries,
                writable: d.writable,
                word_order: format!("{:?}", d.word_order),
                register_map: d.register_map.display().to_string(),
                overridden: d.overridden,
            })
            .collect(),
        tags: config
            .tags
            .iter()
            .map(|t| {
                let group = config.poll_groups.get(t.poll_group);
                TagSettings {
                    name: t.name.clone(),
                    device: config
                        .devices
                        .get(t.device)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    address: match t.bit {
                        Some(b) => format!("{} {}.{b}", t.register.name(), t.address),
                        None => format!("{} {}", t.register.name(), t.address),
                    },
                    data_type: t.data_type.name().to_owned(),
                    unit: t.unit.clone(),
                    scale: t.scale,
                    offset: t.offset,
                    range: t.range,
                    poll_group: group.map(|g| g.name.clone()).unwrap_or_default(),
                    interval_ms: group.map_or(0, |g| ms(g.interval)),
                    roles: roles.get(&t.id.index()).cloned().unwrap_or_default(),
                    writable: t.writable,
                    description: t.description.clone(),
                }
            })
            .collect(),
        values: values(config),
        editable: crate::changes::editable(config),
        data_dir: String::new(),
        data_dir_bytes: 0,
        engine_pid: std::process::id(),
        engine_api_url: None,
        clock: String::new(),
    }
}
