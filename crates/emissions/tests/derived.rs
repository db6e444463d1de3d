//! The derived tags of the default plant file, fed one poll's worth of readings, against values
//! worked by hand from the domain reference's formulas (the rounded 8.52 / 9.52 constants, so
//! agreement is to 0.1 %).

use std::path::Path;

use hearth_emissions::derive::Deriver;
use hearth_model::config::Config;
use hearth_model::{Quality, Sample, Timestamp};

fn config() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/plant.toml");
    match Config::load(&path) {
        Ok(c) => c,
        Err(e) => panic!("the default config loads: {e}"),
    }
}

fn sample(c: &Config, name: &str, value: f64, quality: Quality) -> Sample {
    let tag = c
        .tag_by_name(name)
        .map(|t| t.id)
        .unwrap_or_else(|| panic!("no tag {name}"));
    Sample {
        tag,
        ts: Timestamp(1_000),
        value: Some(value),
        quality,
    }
}

fn reference_poll(c: &Config, o2_quality: Quality) -> Vec<Sample> {
    let good = Quality::Good;
    vec![
        sample(c, "zone1_fuel", 4_000.0, good),
        sample(c, "zone2_fuel", 5_000.0, good),
        sample(c, "zone3_fuel", 3_000.0, good),
        sample(c, "o2", 3.0, o2_quality),
        sample(c, "nox", 100.0, good),
        sample(c, "co", 20.0, good),
        sample(c, "throughput", 300.0, good),
        sample(c, "zone1_temp", 1_000.0, good),
        sample(c, "air_preheat_temp", 450.0, good),
    ]
}

fn derived(c: &Config, o2_quality: Quality) -> Vec<(String, Option<f64>, Quality)> {
    let mut d = Deriver::new(c).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    d.on_samples(&reference_poll(c, o2_quality), &mut out);
    out.iter()
        .map(|s| {
            let name = c.tag(s.tag).map(|t| t.name.clone()).unwrap_or_default();
            (name, s.value, s.quality)
        })
        .collect()
}

fn value_of(d: &[(String, Option<f64>, Quality)], name: &str) -> f64 {
    d.iter()
        .find(|(n, _, _)| n == name)
        .and_then(|(_, v, _)| *v)
        .unwrap_or_else(|| panic!("no value for {name}: {d:?}"))
}

fn close(got: f64, want: f64, name: &str) {
    assert!(
        ((got - want) / want).abs() < 1e-3,
        "{name}: {got} against {want} by hand"
    );
}

#[test]
fn every_derived_tag_matches_the_hand_computation() {
    let c = config();
    let d = derived(&c, Quality::Good);
    // One sample per derived tag, all Good.
    assert_eq!(d.len(), 14, "{d:?}");
    assert!(d.iter().all(|(_, _, q)| *q == Quality::Good), "{d:?}");

    let fuel = 12_000.0;
    let lambda = 1.0 + 8.52 * 3.0 / (9.52 * 18.0);
    let flue = fuel * (8.52 + 9.52 * (lambda - 1.0));
    let nox_mg = 100.0 * 2.0525;
    close(value_of(&d, "air_ratio"), lambda, "air_ratio");
    close(value_of(&d, "fuel_flow"), fuel, "fuel_flow");
    close(
        value_of(&d, "firing_rate"),
        fuel * 35.8 / 3600.0,
        "firing_rate",
    );
    close(value_of(&d, "flue_gas_dry"), flue, "flue_gas_dry");
    close(value_of(&d, "nox_mg"), nox_mg, "nox_mg");
    // At 3 % O2 the reference O2 changes nothing.
    close(value_of(&d, "nox_ref"), nox_mg, "nox_ref");
    close(value_of(&d, "nox_rate"), nox_mg * flue * 1e-6, "nox_rate");
    close(value_of(&d, "co_mg"), 20.0 * 1.2497, "co_mg");
    close(
        value_of(&d, "co_rate"),
        20.0 * 1.2497 * flue * 1e-6,
        "co_rate",
    );
    // The factor route: 12 000 Nm3/h x 35.8 MJ/Nm3 x 56.1 kg/GJ.
    close(value_of(&d, "co2_rate"), 24_100.56, "co2_rate");
    close(value_of(&d, "specific_energy"), 1.432, "specific_energy");
    close(value_of(&d, "co2_intensity"), 80.3352, "co2_intensity");
    // Available heat with 1000 C leaving and 450 C air, by the section 2 formula.
    let out = (10.52 + 9.52 * (lambda - 1.0)) * 1.5 * 980.0;
    let back = 9.52 * lambda * 1.33 * 430.0;
    close(
        value_of(&d, "available_heat"),
        100.0 * (1.0 - (out - back) / 35_800.0),
        "available_heat",
    );
}

#[test]
fn a_bad_o2_reading_spoils_what_depends_on_it_and_nothing_else() {
    let c = config();
    let d = derived(&c, Quality::BadSensorFailure);
    let q = |name: &str| d.iter().find(|(n, _, _)| n == name).map(|(_, _, q)| *q);
    for name in [
        "air_ratio",
        "nox_ref",
        "nox_rate",
        "co_ref",
        "flue_gas_dry",
        "available_heat",
    ] {
        assert_eq!(q(name), Some(Quality::BadSensorFailure), "{name}");
    }
    for name in [
        "nox_mg",
        "co_mg",
        "fuel_flow",
        "co2_rate",
        "specific_energy",
    ] {
        assert_eq!(q(name), Some(Quality::Good), "{name}");
    }
}

#[test]
fn a_derived_tag_is_computed_only_when_its_trigger_arrives() {
    let c = config();
    let mut d = Deriver::new(&c).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    d.on_samples(&reference_poll(&c, Quality::Good), &mut out);
    out.clear();
    // A fast poll without the analysers: the firing figures, not the NOx ones.
    d.on_samples(
        &[sample(&c, "zone1_fuel", 4_100.0, Quality::Good)],
        &mut out,
    );
    let names: Vec<String> = out
        .iter()
        .filter_map(|s| c.tag(s.tag).map(|t| t.name.clone()))
        .collect();
    assert!(names.contains(&"fuel_flow".to_owned()), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("nox") || n.starts_with("co_")),
        "{names:?}"
    );
    let fuel = out
        .iter()
        .find(|s| c.tag(s.tag).is_some_and(|t| t.name == "fuel_flow"))
        .and_then(|s| s.value);
    assert_eq!(fuel, Some(12_100.0));
}
