//! `[emissions]` and `[energy]` in the plant file, and the derived tags they add: computed from
//! measured tags as samples arrive, stored and shown like any tag. A derived tag exists when the
//! furnace roles it needs are configured; it is polled by nobody and belongs to the device of
//! the measurement that paces it (its "trigger": NOx for the NOx figures, the first zone's fuel
//! flow for the firing figures).

use std::path::Path;

use chrono::NaiveTime;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::types::{DataType, Furnace, RegisterKind, Tag, WordOrder};
use crate::TagId;

/// A pollutant a permit limits, counted in the mass of the species its mg/Nm3 are stated as.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "lowercase")]
pub enum Pollutant {
    /// NOx counted as NO2.
    Nox,
    Co,
}

impl Pollutant {
    pub const ALL: [Pollutant; 2] = [Pollutant::Nox, Pollutant::Co];

    pub fn name(self) -> &'static str {
        match self {
            Pollutant::Nox => "nox",
            Pollutant::Co => "co",
        }
    }

    /// kg per kmol of the species the mass is counted as (NOx as NO2).
    pub fn molar_mass(self) -> f64 {
        match self {
            Pollutant::Nox => 46.0055,
            Pollutant::Co => 28.010,
        }
    }
}

impl std::str::FromStr for Pollutant {
    type Err = String;
    fn from_str(s: &str) -> Result<Pollutant, String> {
        Pollutant::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("`{s}`: one of nox, co"))
    }
}

/// The components a pipeline natural gas analysis reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FuelComponent {
    Ch4,
    C2h6,
    C3h8,
    C4h10,
    H2,
    Co,
    Co2,
    N2,
}

impl FuelComponent {
    pub const ALL: [FuelComponent; 8] = [
        FuelComponent::Ch4,
        FuelComponent::C2h6,
        FuelComponent::C3h8,
        FuelComponent::C4h10,
        FuelComponent::H2,
        FuelComponent::Co,
        FuelComponent::Co2,
        FuelComponent::N2,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FuelComponent::Ch4 => "ch4",
            FuelComponent::C2h6 => "c2h6",
            FuelComponent::C3h8 => "c3h8",
            FuelComponent::C4h10 => "c4h10",
            FuelComponent::H2 => "h2",
            FuelComponent::Co => "co",
            FuelComponent::Co2 => "co2",
            FuelComponent::N2 => "n2",
        }
    }

    /// (carbon, hydrogen, oxygen) atoms per molecule.
    pub fn atoms(self) -> (f64, f64, f64) {
        match self {
            FuelComponent::Ch4 => (1.0, 4.0, 0.0),
            FuelComponent::C2h6 => (2.0, 6.0, 0.0),
            FuelComponent::C3h8 => (3.0, 8.0, 0.0),
            FuelComponent::C4h10 => (4.0, 10.0, 0.0),
            FuelComponent::H2 => (0.0, 2.0, 0.0),
            FuelComponent::Co => (1.0, 0.0, 1.0),
            FuelComponent::Co2 => (1.0, 0.0, 2.0),
            FuelComponent::N2 => (0.0, 0.0, 0.0),
        }
    }
}

/// How CO2 is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Co2Basis {
    /// From the carbon in the configured fuel composition.
    Composition,
    /// From `co2_kg_per_gj` on the fuel's energy (LHV).
    Factor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LimitDef {
    pub pollutant: Pollutant,
    /// Daily average (true) or hourly.
    pub daily: bool,
    /// mg/Nm3 dry at `reference_o2_percent`.
    pub limit_mg_nm3: f64,
    pub reference_o2_percent: f64,
}

#[derive(Debug, Clone)]
pub struct EmissionSettings {
    pub reference_o2_percent: f64,
    pub fuel_lhv_mj_per_nm3: f64,
    pub co2_basis: Co2Basis,
    pub co2_kg_per_gj: f64,
    /// Mole fractions, adding up to 1.
    pub fuel_composition: Vec<(FuelComponent, f64)>,
    pub min_valid_fraction: f64,
    pub min_valid_hours_per_day: u32,
    /// Nonzero while the furnace starts up, shuts down or the analysers calibrate.
    pub flag_tag: Option<TagId>,
    /// A measured dry stack flow (Nm3/h), used instead of the stoichiometric one.
    pub stack_flow: Option<TagId>,
    /// The gas temperature leaving the furnace, for available heat [default: the first zone's].
    pub exit_temperature: Option<TagId>,
    pub limits: Vec<LimitDef>,
}

#[derive(Debug, Clone)]
pub struct EnergySettings {
    pub theoretical_min_gj_per_t: f64,
    pub benchmark_gj_per_t: f64,
    /// (name, local start), sorted by start.
    pub shifts: Vec<(String, NaiveTime)>,
}

/// A tag Hearth computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Derived {
    AirRatio,
    FuelFlow,
    FiringRate,
    FlueGasDry,
    NoxMg,
    NoxRef,
    NoxRate,
    CoMg,
    CoRef,
    CoRate,
    Co2Rate,
    SpecificEnergy,
    Co2Intensity,
    AvailableHeat,
}

impl Derived {
    pub const ALL: [Derived; 14] = [
        Derived::AirRatio,
        Derived::FuelFlow,
        Derived::FiringRate,
        Derived::FlueGasDry,
        Derived::NoxMg,
        Derived::NoxRef,
        Derived::NoxRate,
        Derived::CoMg,
        Derived::CoRef,
        Derived::CoRate,
        Derived::Co2Rate,
        Derived::SpecificEnergy,
        Derived::Co2Intensity,
        Derived::AvailableHeat,
    ];

    /// The tag's name.
    pub fn name(self) -> &'static str {
        match self {
            Derived::AirRatio => "air_ratio",
            Derived::FuelFlow => "fuel_flow",
            Derived::FiringRate => "firing_rate",
            Derived::FlueGasDry => "flue_gas_dry",
            Derived::NoxMg => "nox_mg",
            Derived::NoxRef => "nox_ref",
            Derived::NoxRate => "nox_rate",
            Derived::CoMg => "co_mg",
            Derived::CoRef => "co_ref",
            Derived::CoRate => "co_rate",
            Derived::Co2Rate => "co2_rate",
            Derived::SpecificEnergy => "specific_energy",
            Derived::Co2Intensity => "co2_intensity",
            Derived::AvailableHeat => "available_heat",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Derived::AirRatio => "ratio",
            Derived::FuelFlow | Derived::FlueGasDry => "Nm3/h",
            Derived::FiringRate => "MW",
            Derived::NoxMg | Derived::NoxRef | Derived::CoMg | Derived::CoRef => "mg/Nm3",
            Derived::NoxRate | Derived::CoRate | Derived::Co2Rate => "kg/h",
            Derived::SpecificEnergy => "GJ/t",
            Derived::Co2Intensity => "kg/t",
            Derived::AvailableHeat => "%",
        }
    }

    /// What it is, with its basis (`ref_o2` fills in the reference O2).
    pub fn description(self, ref_o2: f64) -> String {
        match self {
            Derived::AirRatio => "Air ratio lambda, from the flue O2 (dry) and the fuel's stoichiometry".into(),
            Derived::FuelFlow => "Fuel flow, all zones, Nm3/h at 0 C".into(),
            Derived::FiringRate => "Firing rate, LHV".into(),
            Derived::FlueGasDry => "Dry flue gas flow, Nm3/h at 0 C (stoichiometric from fuel and O2, or the measured stack flow)".into(),
            Derived::NoxMg => "NOx as NO2, mg/Nm3 dry at the measured O2".into(),
            Derived::NoxRef => format!("NOx as NO2, mg/Nm3 dry at {ref_o2} % O2 (the permit's basis)"),
            Derived::NoxRate => "NOx as NO2 mass rate, from the concentration at the measured O2 and the actual dry flue gas".into(),
            Derived::CoMg => "CO, mg/Nm3 dry at the measured O2".into(),
            Derived::CoRef => format!("CO, mg/Nm3 dry at {ref_o2} % O2 (the permit's basis)"),
            Derived::CoRate => "CO mass rate, from the concentration at the measured O2 and the actual dry flue gas".into(),
            Derived::Co2Rate => "CO2 mass rate from the fuel burnt".into(),
            Derived::SpecificEnergy => "Specific energy now, GJ (LHV) per tonne discharged".into(),
            Derived::Co2Intensity => "CO2 per tonne discharged, now".into(),
            Derived::AvailableHeat => "Available heat: the share of the fuel's energy (LHV) left in the furnace".into(),
        }
    }

    pub fn decimals(self) -> u8 {
        match self {
            Derived::AirRatio | Derived::SpecificEnergy => 3,
            Derived::FuelFlow
            | Derived::FlueGasDry
            | Derived::NoxMg
            | Derived::NoxRef
            | Derived::CoMg
            | Derived::CoRef
            | Derived::Co2Rate => 0,
            _ => 1,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmissions {
    #[serde(default = "default_ref_o2")]
    pub reference_o2_percent: f64,
    #[serde(default = "default_lhv")]
    pub fuel_lhv_mj_per_nm3: f64,
    #[serde(default)]
    pub co2_route: Option<String>,
    #[serde(default = "default_co2_factor")]
    pub co2_kg_per_gj: f64,
    #[serde(default)]
    pub fuel_composition: Option<IndexMap<String, f64>>,
    #[serde(default = "default_fraction")]
    pub min_valid_fraction: f64,
    #[serde(default = "default_hours")]
    pub min_valid_hours_per_day: u32,
    #[serde(default)]
    pub flag_tag: Option<String>,
    #[serde(default)]
    pub stack_flow: Option<String>,
    #[serde(default)]
    pub furnace_exit_temperature: Option<String>,
    #[serde(default)]
    pub limit: Vec<RawLimit>,
}

impl Default for RawEmissions {
    fn default() -> Self {
        RawEmissions {
            reference_o2_percent: default_ref_o2(),
            fuel_lhv_mj_per_nm3: default_lhv(),
            co2_route: None,
            co2_kg_per_gj: default_co2_factor(),
            fuel_composition: None,
            min_valid_fraction: default_fraction(),
            min_valid_hours_per_day: default_hours(),
            flag_tag: None,
            stack_flow: None,
            furnace_exit_temperature: None,
            limit: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimit {
    pub pollutant: String,
    pub average: String,
    pub limit_mg_nm3: f64,
    #[serde(default)]
    pub reference_o2_percent: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnergy {
    #[serde(default = "default_theoretical")]
    pub theoretical_min_gj_per_t: f64,
    #[serde(default = "default_benchmark")]
    pub benchmark_gj_per_t: f64,
    /// Shift name -> local start, `HH:MM`.
    #[serde(default)]
    pub shifts: Option<IndexMap<String, String>>,
}

impl Default for RawEnergy {
    fn default() -> Self {
        RawEnergy {
            theoretical_min_gj_per_t: default_theoretical(),
            benchmark_gj_per_t: default_benchmark(),
            shifts: None,
        }
    }
}

fn default_ref_o2() -> f64 {
    3.0
}
fn default_lhv() -> f64 {
    35.8
}
fn default_co2_factor() -> f64 {
    56.1
}
fn default_fraction() -> f64 {
    0.75
}
fn default_hours() -> u32 {
    18
}
fn default_theoretical() -> f64 {
    0.79
}
fn default_benchmark() -> f64 {
    1.40
}

type Push<'a> = dyn FnMut(&Path, String, String) + 'a;

/// Check `[emissions]`; tag names are looked up in `tags`.
pub(super) fn check_emissions(
    file: &Path,
    e: &RawEmissions,
    tags: &[Tag],
    push: &mut Push<'_>,
) -> EmissionSettings {
    let mut err = |k: &str, m: String| push(file, format!("emissions.{k}"), m);
    if !(0.0..21.0).contains(&e.reference_o2_percent) {
        err(
            "reference_o2_percent",
            format!("{} % is outside 0 to 21", e.reference_o2_percent),
        );
    }
    if !(e.fuel_lhv_mj_per_nm3 > 0.0 && e.fuel_lhv_mj_per_nm3 < 200.0) {
        err(
            "fuel_lhv_mj_per_nm3",
            format!("{} is not a plausible heating value", e.fuel_lhv_mj_per_nm3),
        );
    }
    if !(e.co2_kg_per_gj > 0.0 && e.co2_kg_per_gj < 200.0) {
        err(
            "co2_kg_per_gj",
            format!("{} is not a plausible emission factor", e.co2_kg_per_gj),
        );
    }
    let co2_basis = match e.co2_route.as_deref() {
        None | Some("factor") => Co2Basis::Factor,
        Some("composition") => Co2Basis::Composition,
        Some(other) => {
            err(
                "co2_route",
                format!("`{other}`: \"factor\" or \"composition\""),
            );
            Co2Basis::Factor
        }
    };
    let mut fuel_composition = Vec::new();
    match &e.fuel_composition {
        None => fuel_composition.push((FuelComponent::Ch4, 1.0)),
        Some(map) => {
            for (k, x) in map {
                match FuelComponent::ALL.into_iter().find(|c| c.name() == k) {
                    Some(_) if !(x.is_finite() && (0.0..=1.0).contains(x)) => {
                        err(
                            &format!("fuel_composition.{k}"),
                            format!("{x} is not a mole fraction (0 to 1)"),
                        );
                    }
                    Some(c) => fuel_composition.push((c, *x)),
                    None => err(
                        &format!("fuel_composition.{k}"),
                        format!(
                            "unknown component; one of {}",
                            FuelComponent::ALL.map(FuelComponent::name).join(", ")
                        ),
                    ),
                }
            }
            let total: f64 = fuel_composition.iter().map(|(_, x)| x).sum();
            if (total - 1.0).abs() > 0.005 {
                err(
                    "fuel_composition",
                    format!("the fractions add up to {total:.4}, not 1"),
                );
            }
            let burns = fuel_composition
                .iter()
                .any(|(c, x)| *x > 0.0 && !matches!(c, FuelComponent::N2 | FuelComponent::Co2));
            if !burns {
                err("fuel_composition", "nothing in it burns".into());
            }
        }
    }
    if !(e.min_valid_fraction > 0.0 && e.min_valid_fraction <= 1.0) {
        err(
            "min_valid_fraction",
            format!("{} is outside 0 to 1", e.min_valid_fraction),
        );
    }
    if !(1..=24).contains(&e.min_valid_hours_per_day) {
        err(
            "min_valid_hours_per_day",
            format!("{} is outside 1 to 24", e.min_valid_hours_per_day),
        );
    }
    let mut lookup = |key: &str, name: &Option<String>, unit: Option<&str>| -> Option<TagId> {
        let name = name.as_deref().filter(|n| !n.is_empty())?;
        match tags.iter().find(|t| t.name == name) {
            Some(t) if unit.is_some_and(|u| u != t.unit) => {
                err(
                    key,
                    format!(
                        "`{name}` is in {}, not {}",
                        t.unit,
                        unit.unwrap_or_default()
                    ),
                );
                None
            }
            Some(t) => Some(t.id),
            None => {
                err(key, format!("names no tag `{name}`"));
                None
            }
        }
    };
    let flag_tag = lookup("flag_tag", &e.flag_tag, None);
    let stack_flow = lookup("stack_flow", &e.stack_flow, Some("Nm3/h"));
    let exit_temperature = lookup(
        "furnace_exit_temperature",
        &e.furnace_exit_temperature,
        Some("degC"),
    );
    let mut limits = Vec::new();
    for (i, l) in e.limit.iter().enumerate() {
        let key = |k: &str| format!("limit[{i}].{k}");
        let pollutant = match l.pollutant.parse::<Pollutant>() {
            Ok(p) => Some(p),
            Err(m) => {
                err(&key("pollutant"), m);
                None
            }
        };
        let daily = match l.average.as_str() {
            "day" => Some(true),
            "hour" => Some(false),
            other => {
                err(&key("average"), format!("`{other}`: \"hour\" or \"day\""));
                None
            }
        };
        if !(l.limit_mg_nm3 > 0.0 && l.limit_mg_nm3.is_finite()) {
            err(
                &key("limit_mg_nm3"),
                format!("{} must be a positive number", l.limit_mg_nm3),
            );
        }
        let reference_o2_percent = l.reference_o2_percent.unwrap_or(e.reference_o2_percent);
        if !(0.0..21.0).contains(&reference_o2_percent) {
            err(
                &key("reference_o2_percent"),
                format!("{reference_o2_percent} % is outside 0 to 21"),
            );
        }
        if let (Some(pollutant), Some(daily)) = (pollutant, daily) {
            if limits
                .iter()
                .any(|x: &LimitDef| x.pollutant == pollutant && x.daily == daily)
            {
                err(
                    &key("pollutant"),
                    format!("a second {} limit for the same average", pollutant.name()),
                );
            }
            limits.push(LimitDef {
                pollutant,
                daily,
                limit_mg_nm3: l.limit_mg_nm3,
                reference_o2_percent,
            });
        }
    }
    EmissionSettings {
        reference_o2_percent: e.reference_o2_percent,
        fuel_lhv_mj_per_nm3: e.fuel_lhv_mj_per_nm3,
        co2_basis,
        co2_kg_per_gj: e.co2_kg_per_gj,
        fuel_composition,
        min_valid_fraction: e.min_valid_fraction,
        min_valid_hours_per_day: e.min_valid_hours_per_day,
        flag_tag,
        stack_flow,
        exit_temperature,
        limits,
    }
}

/// Check `[energy]`.
pub(super) fn check_energy(file: &Path, e: &RawEnergy, push: &mut Push<'_>) -> EnergySettings {
    let mut err = |k: &str, m: String| push(file, format!("energy.{k}"), m);
    if !(e.theoretical_min_gj_per_t > 0.0 && e.theoretical_min_gj_per_t < 10.0) {
        err(
            "theoretical_min_gj_per_t",
            format!("{} is not plausible", e.theoretical_min_gj_per_t),
        );
    }
    if !(e.benchmark_gj_per_t >= e.theoretical_min_gj_per_t && e.benchmark_gj_per_t < 20.0) {
        err(
            "benchmark_gj_per_t",
            format!(
                "{} must be at least the theoretical minimum and below 20",
                e.benchmark_gj_per_t
            ),
        );
    }
    let mut shifts = Vec::new();
    match &e.shifts {
        None => {
            for (n, h) in [("A", 0), ("B", 8), ("C", 16)] {
                shifts.push((
                    n.to_owned(),
                    NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default(),
                ));
            }
        }
        Some(map) if map.is_empty() => err("shifts", "at least one shift".into()),
        Some(map) => {
            for (name, at) in map {
                match NaiveTime::parse_from_str(at, "%H:%M") {
                    Ok(t) if shifts.iter().any(|(_, s)| *s == t) => {
                        err(
                            &format!("shifts.{name}"),
                            format!("another shift starts at {at}"),
                        );
                    }
                    Ok(t) => shifts.push((name.clone(), t)),
                    Err(_) => err(
                        &format!("shifts.{name}"),
                        format!("`{at}` is not a time (HH:MM)"),
                    ),
                }
            }
        }
    }
    shifts.sort_by_key(|(_, t)| *t);
    EnergySettings {
        theoretical_min_gj_per_t: e.theoretical_min_gj_per_t,
        benchmark_gj_per_t: e.benchmark_gj_per_t,
        shifts,
    }
}

/// The tags a derived tag is computed from, and the one whose samples pace it.
pub struct DerivedInputs {
    pub trigger: TagId,
    pub inputs: Vec<TagId>,
}

/// What `d` needs from the furnace roles, or None when a role it needs is not configured.
pub fn derived_inputs(d: Derived, f: &Furnace, e: &EmissionSettings) -> Option<DerivedInputs> {
    let fuels: Vec<TagId> = f.zones.iter().map(|z| z.fuel_flow).collect();
    let first_fuel = *fuels.first()?;
    let with = |trigger: TagId, more: &[Option<TagId>], base: &[TagId]| -> Option<DerivedInputs> {
        let mut inputs: Vec<TagId> = base.to_vec();
        for m in more {
            inputs.push((*m)?);
        }
        inputs.sort_by_key(|t| t.0);
        inputs.dedup();
        Some(DerivedInputs { trigger, inputs })
    };
    // The dry flue gas: measured, or from the fuel and the O2.
    let flue: Vec<Option<TagId>> = match e.stack_flow {
        Some(s) => vec![Some(s)],
        None => vec![f.o2],
    };
    let exit = e
        .exit_temperature
        .or_else(|| f.zones.first().map(|z| z.temperature));
    match d {
        Derived::AirRatio => with(f.o2?, &[f.o2], &[]),
        Derived::FuelFlow | Derived::FiringRate | Derived::Co2Rate => with(first_fuel, &[], &fuels),
        Derived::FlueGasDry => with(e.stack_flow.unwrap_or(first_fuel), &flue, &fuels),
        Derived::NoxMg => with(f.nox?, &[f.nox], &[]),
        Derived::NoxRef => with(f.nox?, &[f.nox, f.o2], &[]),
        Derived::NoxRate => with(f.nox?, &[&[f.nox, f.o2][..], &flue[..]].concat(), &fuels),
        Derived::CoMg => with(f.co?, &[f.co], &[]),
        Derived::CoRef => with(f.co?, &[f.co, f.o2], &[]),
        Derived::CoRate => with(f.co?, &[&[f.co, f.o2][..], &flue[..]].concat(), &fuels),
        Derived::SpecificEnergy | Derived::Co2Intensity => {
            with(first_fuel, &[f.throughput], &fuels)
        }
        Derived::AvailableHeat => {
            with(first_fuel, &[f.o2, exit, f.air_preheat_temperature], &fuels)
        }
    }
}

/// The derived tags this plant can compute, numbered after `tags`. A name already taken by a
/// measured tag is an error.
pub(super) fn derived_tags(
    file: &Path,
    tags: &[Tag],
    f: &Furnace,
    e: &EmissionSettings,
    push: &mut Push<'_>,
) -> Vec<Tag> {
    let mut out = Vec::new();
    let valid = |id: TagId| tags.get(id.index()).is_some();
    for d in Derived::ALL {
        let Some(inputs) = derived_inputs(d, f, e) else {
            continue;
        };
        // A role that failed its own check: nothing to compute from.
        if !inputs.inputs.iter().all(|t| valid(*t)) {
            continue;
        }
        let Some(trigger) = tags.get(inputs.trigger.index()) else {
            continue;
        };
        if tags.iter().any(|t| t.name == d.name()) {
            push(
                file,
                "emissions".into(),
                format!(
                    "the derived tag `{}` clashes with a measured tag of that name: rename it",
                    d.name()
                ),
            );
            continue;
        }
        out.push(Tag {
            id: TagId((tags.len() + out.len()) as u32),
            name: d.name().to_owned(),
            device: trigger.device,
            register: RegisterKind::Holding,
            address: 0,
            data_type: DataType::Float64,
            bit: None,
            word_order: WordOrder::ABCD,
            scale: 1.0,
            offset: 0.0,
            unit: d.unit().to_owned(),
            poll_group: trigger.poll_group,
            range: None,
            sensor_fault_above: None,
            sensor_fault_below: None,
            sensor_fault_flag: None,
            description: d.description(e.reference_o2_percent),
            writable: false,
            derived: Some(d),
        });
    }
    out
}
