//! Every kind of config mistake gives an error naming the file, the key path and the reason; and
//! validation reports all of them at once. Each case edits a copy of the shipped default config.

use std::path::{Path, PathBuf};

use hearth_model::config::{Config, ConfigError};

fn repo_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")
}

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    /// A copy of the default config, with `edit_plant` and `edit_map` applied to the two files.
    fn new(edit_plant: impl Fn(String) -> String, edit_map: impl Fn(String) -> String) -> Case {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let read = |f: &str| {
            std::fs::read_to_string(repo_config().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
        };
        let write = |f: &str, s: String| {
            std::fs::write(dir.path().join(f), s).unwrap_or_else(|e| panic!("{f}: {e}"))
        };
        write("plant.toml", edit_plant(read("plant.toml")));
        write(
            "simulator-registers.toml",
            edit_map(read("simulator-registers.toml")),
        );
        Case { dir }
    }

    fn errors(&self) -> Vec<ConfigError> {
        match Config::load(&self.dir.path().join("plant.toml")) {
            Ok(_) => Vec::new(),
            Err(e) => e.0,
        }
    }

    /// Assert an error for `file` at `key` whose message contains `reason`.
    fn expect(&self, file: &str, key: &str, reason: &str) {
        let errors = self.errors();
        let found = errors
            .iter()
            .any(|e| e.file.ends_with(file) && e.key == key && e.message.contains(reason));
        assert!(
            found,
            "expected {file}: {key}: …{reason}…, got:\n{}",
            errors
                .iter()
                .map(|e| format!("  {e}\n"))
                .collect::<String>()
        );
    }
}

fn same(s: String) -> String {
    s
}

fn add_tag(extra: &'static str) -> impl Fn(String) -> String {
    move |s| format!("{s}\n{extra}\n")
}

#[test]
fn the_shipped_default_config_is_valid() {
    let c = Config::load(&repo_config().join("plant.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.devices.len(), 1);
    assert_eq!(c.devices[0].name, "furnace");
    assert!(c.devices[0].is_embedded_simulator());
    assert_eq!(c.furnace.zones.len(), 3);
    assert_eq!(c.plant.time_zone, chrono_tz::Asia::Shanghai);
    // Every role resolves to a real tag.
    for z in &c.furnace.zones {
        for id in [z.temperature, z.setpoint, z.fuel_flow] {
            assert!(c.tag(id).is_some());
        }
    }
}

#[test]
fn an_unknown_key_is_rejected_with_its_path() {
    let case = Case::new(
        |s| {
            s.replace(
                "request_timeout_ms = 1000",
                "request_timeout_ms = 1000\nrequest_timout_ms = 5",
            )
        },
        same,
    );
    case.expect(
        "plant.toml",
        "devices.furnace.request_timout_ms",
        "unknown field `request_timout_ms`",
    );
}

#[test]
fn a_wrongly_typed_value_names_the_key_and_line() {
    let case = Case::new(|s| s.replace("unit_id = 1", "unit_id = \"one\""), same);
    case.expect("plant.toml", "devices.furnace.unit_id", "line");
}

#[test]
fn overlapping_registers_are_rejected() {
    let case = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = 13\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    case.expect(
        "simulator-registers.toml",
        "tags.extra.address",
        "input register 13 overlaps tag `zone1_fuel` (12..=13)",
    );
}

#[test]
fn an_unknown_poll_group_is_rejected() {
    let case = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = 200\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fastest\"",
        ),
    );
    case.expect(
        "simulator-registers.toml",
        "tags.extra.poll_group",
        "unknown poll group `fastest`",
    );
}

#[test]
fn an_address_past_65535_is_rejected() {
    let case = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = 65535\ntype = \"float32\"\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    case.expect(
        "simulator-registers.toml",
        "tags.extra.address",
        "runs past 65535",
    );
}

#[test]
fn a_32_bit_type_given_one_register_is_rejected() {
    let case = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = 200\ntype = \"float32\"\nwords = 1\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    case.expect(
        "simulator-registers.toml",
        "tags.extra.words",
        "float32 takes 2 registers, `words` says 1",
    );
}

#[test]
fn an_unknown_unit_is_rejected() {
    let case = Case::new(same, |s| {
        s.replacen("unit = \"degC\"", "unit = \"celsius\"", 1)
    });
    case.expect(
        "simulator-registers.toml",
        "tags.zone1_temp.unit",
        "unknown unit `celsius`",
    );
}

#[test]
fn a_duplicate_tag_across_devices_is_rejected() {
    let plant = |s: String| {
        format!(
            "{s}\n[devices.second]\nkind = \"plc\"\nhost = \"127.0.0.1\"\nport = 502\nregister_map = \"second.toml\"\n"
        )
    };
    let case = Case::new(plant, same);
    std::fs::write(
        case.dir.path().join("second.toml"),
        "[tags.o2]\nregister = \"input\"\naddress = 0\ntype = \"uint16\"\nunit = \"%\"\npoll_group = \"fast\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    case.expect("second.toml", "tags.o2", "duplicate tag");
}

#[test]
fn a_role_naming_no_tag_is_rejected() {
    let case = Case::new(
        |s| {
            s.replace(
                "temperature = \"zone2_temp\"",
                "temperature = \"zone2_tmp\"",
            )
        },
        same,
    );
    case.expect(
        "plant.toml",
        "furnace.zones[1].temperature",
        "names no tag `zone2_tmp`",
    );
}

#[test]
fn a_bool_in_a_register_needs_a_bit() {
    let case = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"holding\"\naddress = 200\ntype = \"bool\"\nunit = \"bool\"\npoll_group = \"fast\"",
        ),
    );
    case.expect("simulator-registers.toml", "tags.extra.bit", "needs `bit`");
}

#[test]
fn a_sensor_fault_band_must_make_sense() {
    let case = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = 200\ntype = \"int16\"\nunit = \"degC\"\npoll_group = \"fast\"\nsensor_fault_above = 10.0\nsensor_fault_below = 20.0",
        ),
    );
    case.expect(
        "simulator-registers.toml",
        "tags.extra.sensor_fault_above",
        "is not above sensor_fault_below 20",
    );
}

#[test]
fn modicon_references_are_read_and_checked_against_the_register_kind() {
    let ok = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = \"30201\"\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    let c = Config::load(&ok.dir.path().join("plant.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.tag_by_name("extra").map(|t| t.address),
        Some(200),
        "30201 is input register 200"
    );
    let six = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"holding\"\naddress = \"465536\"\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    let c = Config::load(&six.dir.path().join("plant.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.tag_by_name("extra").map(|t| t.address), Some(65535));
    let wrong_kind = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = \"40001\"\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    wrong_kind.expect(
        "simulator-registers.toml",
        "tags.extra.address",
        "`40001` is a holding register reference but `register` says input register",
    );
    let garbled = Case::new(
        same,
        add_tag(
            "[tags.extra]\nregister = \"input\"\naddress = \"3x001\"\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"",
        ),
    );
    garbled.expect(
        "simulator-registers.toml",
        "tags.extra.address",
        "not a Modicon reference",
    );
}

#[test]
fn a_missing_register_map_names_the_file() {
    let case = Case::new(
        |s| {
            s.replace(
                "register_map = \"simulator-registers.toml\"",
                "register_map = \"nope.toml\"",
            )
        },
        same,
    );
    case.expect("nope.toml", "", "cannot read");
}

#[test]
fn every_error_is_reported_at_once() {
    let case = Case::new(
        |s| {
            s.replace(
                "time_zone = \"Asia/Shanghai\"",
                "time_zone = \"Nowhere/Town\"",
            )
            .replace("o2 = \"o2\"", "o2 = \"o3\"")
        },
        |s| {
            s.replacen("unit = \"degC\"", "unit = \"furlongs\"", 1)
                .replacen("poll_group = \"analysers\"", "poll_group = \"slowest\"", 1)
        },
    );
    case.expect("plant.toml", "plant.time_zone", "unknown time zone");
    case.expect("plant.toml", "furnace.o2", "names no tag `o3`");
    case.expect(
        "simulator-registers.toml",
        "tags.zone1_temp.unit",
        "unknown unit",
    );
    case.expect(
        "simulator-registers.toml",
        "tags.co.poll_group",
        "unknown poll group `slowest`",
    );
    let shown = Config::load(&case.dir.path().join("plant.toml"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(shown.starts_with("4 configuration errors:"), "{shown}");
}

#[test]
fn device_overrides_make_a_device_read_only_and_never_a_simulator() {
    let mut c = Config::load(&repo_config().join("plant.toml")).unwrap_or_else(|e| panic!("{e}"));
    c.apply_overrides(&["furnace=10.1.2.3:502"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))])
        .unwrap_or_else(|e| panic!("{e}"));
    let d = &c.devices[0];
    assert_eq!(
        (d.host.as_str(), d.port, d.writable),
        ("10.1.2.3", 502, false)
    );
    assert!(!d.is_embedded_simulator());
    let err = c
        .apply_overrides(&["boiler=1.2.3.4:502"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"))])
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("devices.boiler") && e.contains("furnace")));
    assert!(
        "furnace:502"
            .parse::<hearth_model::config::DeviceOverride>()
            .is_err()
    );
    assert!(
        "furnace=host:0"
            .parse::<hearth_model::config::DeviceOverride>()
            .is_err()
    );
}

#[test]
fn historian_retention_takes_days_or_forever() {
    let c = Case::new(
        |s| {
            s.replace("raw = 90", "raw = 1")
                .replace("hour = \"forever\"", "hour = \"always\"")
        },
        same,
    );
    c.expect(
        "plant.toml",
        "historian.retention.raw",
        "1 days is outside 2 to 36500",
    );
    c.expect(
        "plant.toml",
        "historian.retention.hour",
        "neither a number of days nor \"forever\"",
    );
    let ok = Case::new(|s| s.replace("minute = 730", "minute = \"forever\""), same);
    assert!(ok.errors().is_empty());
}

fn add_alarm(extra: &'static str) -> impl Fn(String) -> String {
    move |s| format!("{s}\n[[alarms.alarm]]\n{extra}\n")
}

/// The index the next alarm appended to the shipped config gets.
fn next_alarm() -> usize {
    std::fs::read_to_string(repo_config().join("plant.toml"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.trim() == "[[alarms.alarm]]")
        .count()
}

#[test]
fn the_shipped_alarms_are_a_sensible_furnace_set() {
    let config = Config::load(&repo_config().join("plant.toml"))
        .unwrap_or_else(|e| panic!("the default config: {e}"));
    let ids: Vec<&str> = config
        .alarms
        .definitions
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    for id in [
        "zone2_temp.hihi",
        "o2.lo",
        "o2.lolo",
        "co.hihi",
        "flue_temp.hi",
        "furnace_pressure.lo",
        "fan_running.digital",
        "furnace.comms_loss",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}

#[test]
fn an_alarm_on_an_unknown_tag_is_rejected() {
    let n = next_alarm();
    let case = Case::new(
        add_alarm(
            "type = \"hi\"\ntag = \"nonesuch\"\nlimit = 1.0\npriority = \"low\"\nmessage = \"x\"",
        ),
        same,
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{n}].tag"),
        "no tag `nonesuch`",
    );
}

#[test]
fn hi_above_hihi_is_rejected() {
    let case = Case::new(|s| s.replacen("limit = 965.0", "limit = 990.0", 1), same);
    let text = std::fs::read_to_string(repo_config().join("plant.toml")).unwrap_or_default();
    let before = text.split("limit = 965.0").next().unwrap_or_default();
    let i = before
        .lines()
        .filter(|l| l.trim() == "[[alarms.alarm]]")
        .count()
        - 1;
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{i}].limit"),
        "HI at 990 must be below HIHI at 980",
    );
}

#[test]
fn a_deadband_larger_than_the_band_is_rejected() {
    let n = next_alarm();
    let case = Case::new(
        add_alarm(
            "type = \"lo\"\ntag = \"air_preheat_temp\"\nlimit = 400.0\ndeadband = 60.0\npriority = \"low\"\nmessage = \"x\"\n\n[[alarms.alarm]]\ntype = \"hi\"\ntag = \"air_preheat_temp\"\nlimit = 450.0\npriority = \"low\"\nmessage = \"y\"",
        ),
        same,
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{n}].deadband"),
        "larger than the band to the HI limit at 450",
    );
}

#[test]
fn a_digital_alarm_needs_a_bit_and_types_and_priorities_are_checked() {
    let n = next_alarm();
    let case = Case::new(
        add_alarm(
            "type = \"digital\"\ntag = \"zone1_temp\"\nwhen = true\npriority = \"critical\"\nmessage = \"x\"\n\n[[alarms.alarm]]\ntype = \"hihihi\"\ntag = \"co\"\nlimit = 5.0\npriority = \"low\"\nmessage = \"\"",
        ),
        same,
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{n}].tag"),
        "not a bit or coil",
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{n}].priority"),
        "`critical` is not low",
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{}].type", n + 1),
        "unknown alarm type `hihihi`",
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{}].message", n + 1),
        "what the alarm means",
    );
}

#[test]
fn an_alarm_defined_twice_is_rejected() {
    let n = next_alarm();
    let case = Case::new(
        add_alarm(
            "type = \"lo\"\ntag = \"o2\"\nlimit = 1.2\npriority = \"low\"\nmessage = \"again\"",
        ),
        same,
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{n}].type"),
        "`o2.lo` is defined twice",
    );
}

#[test]
fn suppressed_by_must_name_an_alarm() {
    let n = next_alarm();
    let case = Case::new(
        add_alarm(
            "type = \"hi\"\ntag = \"zone1_fuel\"\nlimit = 9000.0\npriority = \"low\"\nmessage = \"x\"\nsuppressed_by = [\"fan_running\"]",
        ),
        same,
    );
    case.expect(
        "plant.toml",
        &format!("alarms.alarm[{n}].suppressed_by"),
        "no alarm `fan_running`",
    );
}

#[test]
fn emission_settings_are_checked_key_by_key() {
    let edit = |from: &'static str, to: &'static str| {
        move |s: String| {
            assert!(s.contains(from), "the default config has `{from}`");
            s.replacen(from, to, 1)
        }
    };
    let c = Case::new(
        edit(
            "fuel_composition = { ch4 = 1.0 }",
            "fuel_composition = { ch4 = 0.9, xe = 0.1 }",
        ),
        same,
    );
    c.expect(
        "plant.toml",
        "emissions.fuel_composition.xe",
        "unknown component",
    );
    c.expect(
        "plant.toml",
        "emissions.fuel_composition",
        "add up to 0.9000",
    );
    let c = Case::new(
        edit("co2_route = \"factor\"", "co2_route = \"guess\""),
        same,
    );
    c.expect(
        "plant.toml",
        "emissions.co2_route",
        "\"factor\" or \"composition\"",
    );
    let c = Case::new(
        edit(
            "min_valid_hours_per_day = 18",
            "min_valid_hours_per_day = 30",
        ),
        same,
    );
    c.expect(
        "plant.toml",
        "emissions.min_valid_hours_per_day",
        "outside 1 to 24",
    );
    let c = Case::new(edit("pollutant = \"co\"", "pollutant = \"so2\""), same);
    c.expect(
        "plant.toml",
        "emissions.limit[1].pollutant",
        "one of nox, co",
    );
    let c = Case::new(edit("average = \"day\"", "average = \"week\""), same);
    c.expect(
        "plant.toml",
        "emissions.limit[0].average",
        "\"hour\" or \"day\"",
    );
    let c = Case::new(
        edit(
            "# stack_flow = \"stack_flow\"",
            "stack_flow = \"zone1_temp\"",
        ),
        same,
    );
    c.expect("plant.toml", "emissions.stack_flow", "in degC, not Nm3/h");
    let c = Case::new(
        edit("# flag_tag = \"startup\"", "flag_tag = \"startup\""),
        same,
    );
    c.expect("plant.toml", "emissions.flag_tag", "names no tag `startup`");
    let c = Case::new(
        edit(
            "shifts = { A = \"00:00\", B = \"08:00\", C = \"16:00\" }",
            "shifts = { A = \"00:00\", B = \"8 am\", C = \"00:00\" }",
        ),
        same,
    );
    c.expect("plant.toml", "energy.shifts.B", "not a time (HH:MM)");
    c.expect(
        "plant.toml",
        "energy.shifts.C",
        "another shift starts at 00:00",
    );
}

#[test]
fn derived_tags_follow_the_roles_and_never_take_a_measured_tags_name() {
    let c = Config::load(&repo_config().join("plant.toml")).unwrap_or_else(|e| panic!("{e}"));
    let derived: Vec<&str> = c
        .tags
        .iter()
        .filter(|t| t.derived.is_some())
        .map(|t| t.name.as_str())
        .collect();
    assert!(
        derived.contains(&"nox_ref") && derived.contains(&"co2_rate"),
        "{derived:?}"
    );
    // Derived tags are numbered after the measured ones and never polled.
    assert!(c.tags.iter().enumerate().all(|(i, t)| t.id.index() == i));
    assert!(c.device_tags(0).all(|t| t.derived.is_none()));
    assert_eq!(c.polled_tags().count() + derived.len(), c.tags.len());
    // A measured tag named like a derived one is a clash, said so.
    let clash = Case::new(same, |s| {
        s.replacen("[tags.flue_temp]", "[tags.nox_ref]", 1)
    });
    let errors = clash.errors();
    assert!(
        errors
            .iter()
            .any(|e| e.key == "emissions" && e.message.contains("`nox_ref` clashes")),
        "{errors:?}"
    );
    // Without a NOx analyser there are no NOx figures.
    let no_nox = Case::new(|s| s.replacen("nox = \"nox\"\n", "", 1), same);
    let c = Config::load(&no_nox.dir.path().join("plant.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.tag_by_name("nox_ref").is_none() && c.tag_by_name("co_ref").is_some());
}

#[test]
fn the_suppression_release_time_is_checked() {
    let c = Case::new(
        |s| {
            s.replacen(
                "suppression_release_s = 30",
                "suppression_release_s = -5",
                1,
            )
        },
        same,
    );
    c.expect(
        "plant.toml",
        "alarms.suppression_release_s",
        "outside 0 to 3600",
    );
    let c = Case::new(
        |s| {
            s.replacen(
                "suppression_release_s = 30",
                "suppression_release_s = nan",
                1,
            )
        },
        same,
    );
    c.expect(
        "plant.toml",
        "alarms.suppression_release_s",
        "outside 0 to 3600",
    );
}

#[test]
fn a_write_policy_is_checked_against_its_tag() {
    let case = Case::new(
        add_tag(
            "[writes.zone1_temp]\nmin = 900.0\nmax = 1000.0\nmax_step = 10.0\n\n[writes.zone2_sp]\nmin = 700.0\nmax = 1300.0\nmax_step = 0.0\npermissive = \"no_such_tag\"\n\n[writes.nothing]\nmin = 0.0\nmax = 1.0\nmax_step = 1.0",
        ),
        same,
    );
    case.expect(
        "plant.toml",
        "writes.zone1_temp",
        "only holding registers and coils",
    );
    case.expect(
        "plant.toml",
        "writes.zone2_sp.max",
        "outside the tag's range [800, 1350]",
    );
    case.expect(
        "plant.toml",
        "writes.zone2_sp.max_step",
        "must be more than zero",
    );
    case.expect(
        "plant.toml",
        "writes.zone2_sp.permissive",
        "names no tag `no_such_tag`",
    );
    case.expect("plant.toml", "writes.nothing", "names no tag `nothing`");
}

#[test]
fn a_reachable_server_needs_users_with_real_password_hashes() {
    let open = Case::new(
        |s| s.replace("bind = \"127.0.0.1:8720\"", "bind = \"0.0.0.0:8720\""),
        same,
    );
    open.expect("plant.toml", "server.bind", "list users ([[server.user]])");
    let plain = Case::new(
        add_tag("[[server.user]]\nname = \"li\"\nrole = \"engineer\"\npassword_hash = \"hunter2\""),
        same,
    );
    plain.expect(
        "plant.toml",
        "server.user[0].password_hash",
        "not an Argon2 hash",
    );
}

#[test]
fn optimiser_settings_are_checked_against_the_furnace() {
    let c = Case::new(
        |s| {
            s.replace(
                "zone_bounds = [[950, 1150], [1150, 1300], [1180, 1280]]",
                "zone_bounds = [[950, 1150], [1300, 1150]]",
            )
            .replace("o2_bounds = [1.5, 4.0]", "o2_bounds = [4.0, 1.5]")
            .replace(
                "discharge_window_c = [-10, 25]",
                "discharge_window_c = [10, 25]",
            )
            .replace("history_h = 5 ", "history_h = 0 ")
            .replace(
                "standard_zone_sp = [1050, 1270, 1236]",
                "standard_zone_sp = [1050, 1270, 12360]",
            )
            .replace("standard_o2_sp = 2.8", "")
        },
        same,
    );
    c.expect(
        "plant.toml",
        "optimiser.zone_bounds",
        "2 pairs for a furnace of 3 zones",
    );
    c.expect("plant.toml", "optimiser.zone_bounds[1]", "low to high");
    c.expect("plant.toml", "optimiser.o2_bounds", "from low to high");
    c.expect(
        "plant.toml",
        "optimiser.discharge_window_c",
        "below the aim",
    );
    c.expect("plant.toml", "optimiser.history_h", "outside 1 to 72");
    c.expect(
        "plant.toml",
        "optimiser.standard_zone_sp[2]",
        "not a zone setpoint",
    );
    c.expect(
        "plant.toml",
        "optimiser.standard_o2_sp",
        "needs both the zone setpoints and the O2 setpoint",
    );
}
