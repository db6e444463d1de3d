//! From raw structs to checked types. Collects every error instead of stopping at the first.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::raw::*;
use super::types::*;
use super::{ConfigError, ConfigErrors};
use crate::{TagId, units};

struct Errors {
    list: Vec<ConfigError>,
}

impl Errors {
    fn push(&mut self, file: &Path, key: impl Into<String>, message: impl Into<String>) {
        self.list.push(ConfigError {
            file: file.to_path_buf(),
            key: key.into(),
            message: message.into(),
        });
    }
}

/// Parse one TOML file into a raw struct, naming the key path of the first problem.
fn parse_file<T: DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_path_buf(),
        key: String::new(),
        message: format!("cannot read: {e}"),
    })?;
    parse_str(path, &text)
}

fn parse_str<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, ConfigError> {
    let located = |key: String, err: &toml::de::Error| {
        let line = err
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = match line {
            Some(l) => format!("{} (line {l})", err.message().trim()),
            None => err.message().trim().to_owned(),
        };
        ConfigError {
            file: path.to_path_buf(),
            key,
            message,
        }
    };
    let de = toml::Deserializer::parse(text).map_err(|e| located(String::new(), &e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let key = if key == "." { String::new() } else { key };
        located(key, e.inner())
    })
}

pub(super) fn load(path: &Path) -> Result<Config, ConfigErrors> {
    load_text(path, &read_text(path)?)
}

/// A config file's text, or the error naming it.
pub(super) fn read_text(path: &Path) -> Result<String, ConfigErrors> {
    std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![ConfigError {
            file: path.to_path_buf(),
            key: String::new(),
            message: format!("cannot read: {e}"),
        }])
    })
}

pub(super) fn load_text(path: &Path, text: &str) -> Result<Config, ConfigErrors> {
    let raw: RawPlantFile = parse_str(path, text).map_err(|e| ConfigErrors(vec![e]))?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut errors = Errors { list: Vec::new() };
    let file = path;

    let time_zone = match raw.plant.time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz,
        Err(_) => {
            errors.push(
                file,
                "plant.time_zone",
                format!(
                    "unknown time zone `{}` (use an IANA name such as Asia/Shanghai)",
                    raw.plant.time_zone
                ),
            );
            chrono_tz::UTC
        }
    };

    // Poll groups.
    if raw.poll_groups.is_empty() {
        errors.push(file, "poll_groups", "at least one poll group is needed");
    }
    let mut poll_groups = Vec::new();
    for (name, g) in &raw.poll_groups {
        if g.interval_ms < 100 || g.interval_ms > 3_600_000 {
            errors.push(
                file,
                format!("poll_groups.{name}.interval_ms"),
                format!("{} ms is outside 100 ms to 1 h", g.interval_ms),
            );
        }
        if g.stale_after == 0 {
            errors.push(
                file,
                format!("poll_groups.{name}.stale_after"),
                "must be at least 1",
            );
        }
        poll_groups.push(PollGroup {
            name: name.clone(),
            interval: Duration::from_millis(g.interval_ms),
            stale_after: g.stale_after.max(1),
        });
    }

    // Devices and their register maps.
    let mut devices = Vec::new();
    let mut tags: Vec<Tag> = Vec::new();
    let mut tag_files: HashMap<String, PathBuf> = HashMap::new();
    // (tag, its fault flag's name, file): resolved once every tag is known.
    let mut pending_flags: Vec<(String, String, PathBuf)> = Vec::new();
    for (dev_index, (name, d)) in raw.devices.iter().enumerate() {
        let key = |k: &str| format!("devices.{name}.{k}");
        let external_sim = d.simulator.as_ref().is_some_and(|s| s.external);
        if d.port == 0 && (d.kind == DeviceKind::Plc || external_sim) {
            errors.push(
                file,
                key("port"),
                "a PLC needs a port (Modbus TCP is usually 502)",
            );
        }
        if d.host.trim().is_empty() {
            errors.push(file, key("host"), "is empty");
        }
        for (k, v) in [
            ("connect_timeout_ms", d.connect_timeout_ms),
            ("request_timeout_ms", d.request_timeout_ms),
        ] {
            if !(10..=60_000).contains(&v) {
                errors.push(file, key(k), format!("{v} ms is outside 10 ms to 60 s"));
            }
        }
        if d.retries > 10 {
            errors.push(
                file,
                key("retries"),
                format!("{} retries is more than 10", d.retries),
            );
        }
        let simulator = match (&d.simulator, d.kind) {
            (Some(_), DeviceKind::Plc) => {
                errors.push(
                    file,
                    key("simulator"),
                    "only a device of kind \"simulator\" has simulator settings",
                );
                None
            }
            (s, _) => s.as_ref(),
        };
        let simulator = match simulator {
            Some(s) => {
                if !(s.speed > 0.0 && s.speed <= 10_000.0) {
                    errors.push(
                        file,
                        key("simulator.speed"),
                        format!("{} is outside (0, 10000]", s.speed),
                    );
                }
                let scenario = s.scenario.as_ref().map(|p| base.join(p));
                if let Some(p) = &scenario
                    && !p.is_file()
                {
                    errors.push(
                        file,
                        key("simulator.scenario"),
                        format!("no such file {}", p.display()),
                    );
                }
                if s.external && scenario.is_some() {
                    errors.push(
                        file,
                        key("simulator.scenario"),
                        "an external simulator plays the scenario it was started with (hearth-sim --scenario)",
                    );
                }
                SimulatorSettings {
                    speed: s.speed,
                    seed: s.seed,
                    scenario,
                    external: s.external,
                }
            }
            None => SimulatorSettings {
                speed: 1.0,
                seed: 0,
                scenario: None,
                external: false,
            },
        };
        let map_path = base.join(&d.register_map);
        match parse_file::<RawRegisterMap>(&map_path) {
            Err(e) => errors.list.push(e),
            Ok(map) => {
                for (tag_name, t) in map.tags {
                    if let Some(first) = tag_files.get(&tag_name) {
                        errors.push(
                            &map_path,
                            format!("tags.{tag_name}"),
                            format!(
                                "duplicate tag: `{tag_name}` is also defined in {}",
                                first.display()
                            ),
                        );
                        continue;
                    }
                    tag_files.insert(tag_name.clone(), map_path.clone());
                    let id = TagId(tags.len() as u32);
                    if let Some(flag) = &t.sensor_fault_flag {
                        pending_flags.push((tag_name.clone(), flag.clone(), map_path.clone()));
                    }
                    if let Some(tag) = check_tag(
                        &mut errors,
                        &map_path,
                        &tag_name,
                        t,
                        id,
                        dev_index,
                        d.word_order,
                        Some(&poll_groups),
                    ) {
                        tags.push(tag);
                    }
                }
            }
        }
        devices.push(Device {
            name: name.clone(),
            kind: d.kind,
            host: d.host.clone(),
            port: d.port,
            unit_id: d.unit_id,
            connect_timeout: Duration::from_millis(d.connect_timeout_ms),
            request_timeout: Duration::from_millis(d.request_timeout_ms),
            retries: d.retries,
            backoff_max: Duration::from_millis(d.backoff_max_ms.max(100)),
            writable: d.writable,
            word_order: d.word_order,
            register_map: map_path,
            restart_tag: None,
            simulator,
            overridden: false,
        });
    }
    if devices.is_empty() {
        errors.push(file, "devices", "at least one device is needed");
    }
    for (tag_name, flag, map) in pending_flags {
        let key = format!("tags.{tag_name}.sensor_fault_flag");
        let Some(i) = tags.iter().position(|t| t.name == tag_name) else {
            continue;
        };
        match tags.iter().find(|t| t.name == flag) {
            Some(f) if f.device == tags[i].device && f.data_type == DataType::Bool => {
                let id = f.id;
                tags[i].sensor_fault_flag = Some(id);
            }
            Some(_) => errors.push(
                &map,
                key,
                format!("`{flag}` must be a bool tag of the same device"),
            ),
            None if tag_files.contains_key(&flag) => {}
            None => errors.push(&map, key, format!("names no tag `{flag}`")),
        }
    }
    for (i, (name, d)) in raw.devices.iter().enumerate() {
        let Some(tag_name) = &d.restart_tag else {
            continue;
        };
        match tags.iter().find(|t| &t.name == tag_name) {
            Some(t) if t.device == i => {
                if let Some(dev) = devices.get_mut(i) {
                    dev.restart_tag = Some(t.id);
                }
            }
            Some(_) => errors.push(
                file,
                format!("devices.{name}.restart_tag"),
                format!("`{tag_name}` belongs to another device"),
            ),
            None if tag_files.contains_key(tag_name) => {}
            None => errors.push(
                file,
                format!("devices.{name}.restart_tag"),
                format!("names no tag `{tag_name}`"),
            ),
        }
    }
    check_overlaps(&mut errors, &tags, &devices);

    let declared: std::collections::HashSet<&str> = tag_files.keys().map(String::as_str).collect();
    let furnace = check_furnace(&mut errors, file, &raw.furnace, &tags, &declared);

    let bind = match raw.server.bind.parse() {
        Ok(a) => a,
        Err(_) => {
            errors.push(
                file,
                "server.bind",
                format!(
                    "`{}` is not an address like 127.0.0.1:8720",
                    raw.server.bind
                ),
            );
            std::net::SocketAddr::from(([127, 0, 0, 1], 8720))
        }
    };
    if !(100..=60_000).contains(&raw.historian.flush_interval_ms) {
        errors.push(
            file,
            "historian.flush_interval_ms",
            format!(
                "{} ms is outside 100 ms to 60 s",
                raw.historian.flush_interval_ms
            ),
        );
    }
    if !(8..=65_536).contains(&raw.historian.cache_mb) {
        errors.push(
            file,
            "historian.cache_mb",
            format!("{} MB is outside 8 to 65536", raw.historian.cache_mb),
        );
    }
    if !(16..=16_384).contains(&raw.historian.buffer_mb) {
        errors.push(
            file,
            "historian.buffer_mb",
            format!("{} MB is outside 16 to 16384", raw.historian.buffer_mb),
        );
    }
    let mut retention_days = [None; 4];
    let r = &raw.historian.retention;
    for (i, (key, keep)) in [
        ("raw", &r.raw),
        ("minute", &r.minute),
        ("hour", &r.hour),
        ("day", &r.day),
    ]
    .into_iter()
    .enumerate()
    {
        // Raw points rebuild the open rollup rows after a restart, so keep at least two days.
        let least = if i == 0 { 2 } else { 1 };
        match keep {
            RawKeep::Days(d) if (least..=36_500).contains(d) => {
                retention_days[i] = u32::try_from(*d).ok();
            }
            RawKeep::Days(d) => errors.push(
                file,
                format!("historian.retention.{key}"),
                format!("{d} days is outside {least} to 36500 (or \"forever\")"),
            ),
            RawKeep::Word(w) if w == "forever" => {}
            RawKeep::Word(w) => errors.push(
                file,
                format!("historian.retention.{key}"),
                format!("`{w}` is neither a number of days nor \"forever\""),
            ),
        }
    }
    let emissions =
        super::emissions::check_emissions(file, &raw.emissions, &tags, &mut |f, k, m| {
            errors.push(f, k, m)
        });
    let energy =
        super::emissions::check_energy(file, &raw.energy, &mut |f, k, m| errors.push(f, k, m));
    let derived =
        super::emissions::derived_tags(file, &tags, &furnace, &emissions, &mut |f, k, m| {
            errors.push(f, k, m)
        });
    tags.extend(derived);
    let optimiser =
        super::optimiser::check(file, &raw.optimiser, furnace.zones.len(), &mut |f, k, m| {
            errors.push(f, k, m)
        });

    let alarm_defs = super::alarms::check(
        file,
        &raw.alarms.alarm,
        &tags,
        &declared,
        &devices,
        &mut |f, k, m| errors.push(f, k, m),
    );
    let release_s = raw.alarms.suppression_release_s.unwrap_or(30.0);
    if !(0.0..=3600.0).contains(&release_s) {
        errors.push(
            file,
            "alarms.suppression_release_s",
            format!("{release_s} s is outside 0 to 3600"),
        );
    }
    // Only a value in range is used (an invalid one fails the load above); never NaN.
    let suppression_release = if (0.0..=3600.0).contains(&release_s) {
        Duration::from_secs_f64(release_s)
    } else {
        Duration::ZERO
    };
    let mut alarm_defs = alarm_defs;
    let permits = super::alarms::permit_alarms(&emissions.limits, &tags);
    for p in permits {
        if alarm_defs.iter().any(|d| d.id == p.id) {
            errors.push(
                file,
                "alarms",
                format!("`{}` is Hearth's own permit alarm: use another id", p.id),
            );
        } else {
            alarm_defs.push(p);
        }
    }

    let own = super::alarms::historian_alarm();
    if alarm_defs.iter().any(|d| d.id == own.id) {
        errors.push(
            file,
            "alarms",
            format!(
                "`{}` is Hearth's own historian alarm: use another id",
                own.id
            ),
        );
    } else {
        alarm_defs.push(own);
    }

    let writes =
        super::access::check_writes(file, &raw.writes, &mut tags, &declared, &mut |f, k, m| {
            errors.push(f, k, m)
        });
    for def in super::alarms::readback_alarms(&writes, &tags) {
        if alarm_defs.iter().any(|d| d.id == def.id) {
            errors.push(
                file,
                "alarms",
                format!("`{}` is Hearth's own write alarm: use another id", def.id),
            );
        } else {
            alarm_defs.push(def);
        }
    }
    let users =
        super::access::check_users(file, &raw.server.user, &mut |f, k, m| errors.push(f, k, m));
    if !bind.ip().is_loopback() && users.is_empty() {
        errors.push(
            file,
            "server.bind",
            format!("{bind} is reachable from other machines: list users ([[server.user]]) or bind 127.0.0.1"),
        );
    }

    if !errors.list.is_empty() {
        return Err(ConfigErrors(errors.list));
    }
    Ok(Config {
        source: path.to_path_buf(),
        plant: Plant {
            name: raw.plant.name,
            time_zone,
        },
        poll_groups,
        devices,
        tags,
        furnace,
        historian: HistorianSettings {
            flush_interval: Duration::from_millis(raw.historian.flush_interval_ms),
            cache_bytes: raw.historian.cache_mb * 1024 * 1024,
            buffer_bytes: raw.historian.buffer_mb * 1024 * 1024,
            retention_days,
        },
        server: ServerSettings {
            bind,
            allow_writes: raw.server.allow_writes,
            users,
        },
        writes,
        alarms: AlarmSettings {
            flood_threshold_per_10min: raw.alarms.flood_threshold_per_10min.unwrap_or(10),
            suppression_release,
            definitions: alarm_defs,
        },
        emissions,
        energy,
        optimiser,
    })
}

#[allow(clippy::too_many_arguments)]
fn check_tag(
    errors: &mut Errors,
    file: &Path,
    name: &str,
    t: RawTag,
    id: TagId,
    device: usize,
    default_order: WordOrder,
    poll_groups: Option<&[PollGroup]>,
) -> Option<Tag> {
    let key = |k: &str| format!("tags.{name}.{k}");
    let before = errors.list.len();
    let address: u64 = match &t.address {
        RawAddress::Pdu(a) => *a,
        RawAddress::Reference(r) => match RegisterKind::parse_reference(r) {
            Ok((kind, a)) if kind == t.register => u64::from(a),
            Ok((kind, _)) => {
                errors.push(
                    file,
                    key("address"),
                    format!(
                        "`{r}` is a {} reference but `register` says {}",
                        kind.name(),
                        t.register.name()
                    ),
                );
                0
            }
            Err(e) => {
                errors.push(file, key("address"), e);
                0
            }
        },
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        errors.push(
            file,
            format!("tags.{name}"),
            "tag names use letters, digits, `_` and `-` only",
        );
    }
    if !units::is_known(&t.unit) {
        errors.push(
            file,
            key("unit"),
            format!(
                "unknown unit `{}` (known: {})",
                t.unit,
                units::UNITS.join(", ")
            ),
        );
    }
    let poll_group = poll_groups.map_or(Some(0), |g| g.iter().position(|g| g.name == t.poll_group));
    if let (None, Some(poll_groups)) = (poll_group, poll_groups) {
        errors.push(
            file,
            key("poll_group"),
            format!(
                "unknown poll group `{}` (defined: {})",
                t.poll_group,
                poll_groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let span: u64 = if t.register.is_bit() {
        if t.data_type != DataType::Bool {
            errors.push(
                file,
                key("type"),
                format!(
                    "a {} holds one bit: the type must be \"bool\", not \"{}\"",
                    t.register.name(),
                    t.data_type.name()
                ),
            );
        }
        if t.bit.is_some() {
            errors.push(
                file,
                key("bit"),
                "`bit` is for a bool inside a 16-bit register, not for coils or discrete inputs",
            );
        }
        1
    } else {
        if t.data_type == DataType::Bool {
            match t.bit {
                None => errors.push(
                    file,
                    key("bit"),
                    "a bool in a 16-bit register needs `bit` (0-15)",
                ),
                Some(b) if b > 15 => {
                    errors.push(file, key("bit"), format!("bit {b} is outside 0-15"))
                }
                Some(_) => {}
            }
        } else if t.bit.is_some() {
            errors.push(file, key("bit"), "`bit` only goes with type \"bool\"");
        }
        u64::from(t.data_type.words())
    };
    if let Some(w) = t.words
        && !t.register.is_bit()
        && w != t.data_type.words()
    {
        errors.push(
            file,
            key("words"),
            format!(
                "type {} takes {} register{}, `words` says {w}",
                t.data_type.name(),
                t.data_type.words(),
                if t.data_type.words() == 1 { "" } else { "s" }
            ),
        );
    }
    if address + span - 1 > 65_535 {
        errors.push(
            file,
            key("address"),
            format!("address {address} with {span} register(s) runs past 65535"),
        );
    }
    if !(t.scale.is_finite() && t.scale != 0.0) {
        errors.push(
            file,
            key("scale"),
            format!("{} must be a finite, non-zero number", t.scale),
        );
    }
    if !t.offset.is_finite() {
        errors.push(file, key("offset"), "must be a finite number");
    }
    if let Some([lo, hi]) = t.range
        && !(lo.is_finite() && hi.is_finite() && lo < hi)
    {
        errors.push(
            file,
            key("range"),
            format!("[{lo}, {hi}] is not [low, high] with low < high"),
        );
    }
    for (k, v) in [
        ("sensor_fault_above", t.sensor_fault_above),
        ("sensor_fault_below", t.sensor_fault_below),
    ] {
        if v.is_some_and(|v| !v.is_finite()) {
            errors.push(file, key(k), "must be a finite number");
        }
    }
    if let (Some(hi), Some(lo)) = (t.sensor_fault_above, t.sensor_fault_below)
        && hi <= lo
    {
        errors.push(
            file,
            key("sensor_fault_above"),
            format!("{hi} is not above sensor_fault_below {lo}"),
        );
    }
    if errors.list.len() != before {
        return None;
    }
    Some(Tag {
        id,
        name: name.to_owned(),
        device,
        register: t.register,
        address: address as u16,
        data_type: t.data_type,
        bit: t.bit,
        word_order: t.word_order.unwrap_or(default_order),
        scale: t.scale,
        offset: t.offset,
        unit: t.unit,
        poll_group: poll_group.unwrap_or(0),
        range: t.range.map(|[a, b]| (a, b)),
        sensor_fault_above: t.sensor_fault_above,
        sensor_fault_below: t.sensor_fault_below,
        // Resolved once every tag is known.
        sensor_fault_flag: None,
        description: t.description,
        // Set by a `[writes.TAG]` policy in the plant file.
        writable: false,
        derived: None,
    })
}

/// Two tags of one device may not share a register, except bools on different bits of it.
fn check_overlaps(errors: &mut Errors, tags: &[Tag], devices: &[Device]) {
    let mut by_space: BTreeMap<(usize, RegisterKind), Vec<&Tag>> = BTreeMap::new();
    for t in tags {
        by_space.entry((t.device, t.register)).or_default().push(t);
    }
    for ((dev, _), mut list) in by_space {
        list.sort_by_key(|t| t.address);
        for (i, a) in list.iter().enumerate() {
            let a_end = u32::from(a.address) + u32::from(a.span());
            for b in list.iter().skip(i + 1) {
                if u32::from(b.address) >= a_end {
                    break;
                }
                let distinct_bits = a.bit.is_some()
                    && b.bit.is_some()
                    && a.bit != b.bit
                    && a.span() == 1
                    && b.span() == 1;
                if distinct_bits {
                    continue;
                }
                let file = devices
                    .get(dev)
                    .map(|d| d.register_map.clone())
                    .unwrap_or_default();
                errors.push(
                    &file,
                    format!("tags.{}.address", b.name),
                    format!(
                        "{} {} overlaps tag `{}` ({}..={})",
                        b.register.name(),
                        b.address,
                        a.name,
                        a.address,
                        a_end - 1
                    ),
                );
            }
        }
    }
}

/// `declared` holds every tag name in the register maps, valid or not: a role naming a tag that
/// exists but has its own error is not reported twice.
fn check_furnace(
    errors: &mut Errors,
    file: &Path,
    f: &RawFurnace,
    tags: &[Tag],
    declared: &std::collections::HashSet<&str>,
) -> Furnace {
    let mut lookup = |key: String, name: &str| -> TagId {
        match tags.iter().find(|t| t.name == name) {
            Some(t) => t.id,
            None if declared.contains(name) => TagId(u32::MAX),
            None => {
                errors.push(file, key, format!("names no tag `{name}`"));
                TagId(u32::MAX)
            }
        }
    };
    let mut zones = Vec::new();
    for (i, z) in f.zones.iter().enumerate() {
        zones.push(Zone {
            name: z.name.clone(),
            temperature: lookup(format!("furnace.zones[{i}].temperature"), &z.temperature),
            setpoint: lookup(format!("furnace.zones[{i}].setpoint"), &z.setpoint),
            fuel_flow: lookup(format!("furnace.zones[{i}].fuel_flow"), &z.fuel_flow),
        });
    }
    let mut opt =
        |k: &str, v: &Option<String>| v.as_ref().map(|n| lookup(format!("furnace.{k}"), n));
    let furnace = Furnace {
        zones,
        combustion_air_flow: opt("combustion_air_flow", &f.combustion_air_flow),
        o2: opt("o2", &f.o2),
        o2_setpoint: opt("o2_setpoint", &f.o2_setpoint),
        co: opt("co", &f.co),
        nox: opt("nox", &f.nox),
        flue_temperature: opt("flue_temperature", &f.flue_temperature),
        air_preheat_temperature: opt("air_preheat_temperature", &f.air_preheat_temperature),
        pressure: opt("pressure", &f.pressure),
        throughput: opt("throughput", &f.throughput),
        discharge_temperature: opt("discharge_temperature", &f.discharge_temperature),
        charge_temperature: opt("charge_temperature", &f.charge_temperature),
        discharge_aim: opt("discharge_aim", &f.discharge_aim),
        charge_aim: opt("charge_aim", &f.charge_aim),
        fuel_lhv: opt("fuel_lhv", &f.fuel_lhv),
        fuel_total: opt("fuel_total", &f.fuel_total),
        steel_total: opt("steel_total", &f.steel_total),
        heartbeat: opt("heartbeat", &f.heartbeat),
    };
    if f.zones.is_empty() {
        errors.push(file, "furnace.zones", "a furnace needs at least one zone");
    }
    let mut seen = std::collections::HashSet::new();
    for (i, z) in f.zones.iter().enumerate() {
        if !seen.insert(z.name.as_str()) {
            errors.push(
                file,
                format!("furnace.zones[{i}].name"),
                format!("duplicate zone name `{}`", z.name),
            );
        }
    }
    furnace
}

/// A register map on its own, as the simulator reads it: tags checked for type, address and
/// unit, without a plant around them (poll groups are not checked, `device` is 0).
pub(super) fn register_map_from_str(path: &Path, text: &str) -> Result<Vec<Tag>, ConfigErrors> {
    let map: RawRegisterMap = parse_str(path, text).map_err(|e| ConfigErrors(vec![e]))?;
    let mut errors = Errors { list: Vec::new() };
    let mut tags = Vec::new();
    for (name, t) in map.tags {
        let id = TagId(tags.len() as u32);
        if let Some(tag) = check_tag(&mut errors, path, &name, t, id, 0, WordOrder::ABCD, None) {
            tags.push(tag);
        }
    }
    let devices = [Device {
        name: String::new(),
        kind: DeviceKind::Simulator,
        host: String::new(),
        port: 0,
        unit_id: 1,
        connect_timeout: Duration::ZERO,
        request_timeout: Duration::ZERO,
        retries: 0,
        backoff_max: Duration::ZERO,
        writable: false,
        word_order: WordOrder::ABCD,
        register_map: path.to_path_buf(),
        restart_tag: None,
        simulator: SimulatorSettings {
            speed: 1.0,
            seed: 0,
            scenario: None,
            external: false,
        },
        overridden: false,
    }];
    check_overlaps(&mut errors, &tags, &devices);
    if errors.list.is_empty() {
        Ok(tags)
    } else {
        Err(ConfigErrors(errors.list))
    }
}
