//! The derived tags, computed as samples arrive: each time a derived tag's trigger (the slowest
//! measurement it uses: the NOx analyser for the NOx figures, the first zone's fuel flow for the
//! firing figures) brings a sample, the tag is computed from the latest value of every input,
//! stamped with the trigger's time. A derived sample is Good only when every input is; otherwise
//! it carries the worst input's quality, so it never counts in an average it should not.

use hearth_model::config::{Co2Basis, Config, Derived, derived_inputs};
use hearth_model::{Quality, Sample, TagId};

use crate::convert::{Pollutant, at_reference_o2, mass_rate_kg_h, ppm_to_mg_nm3};
use crate::fuel::{FuelError, Stoichiometry};

/// Flue gas and air heat capacities, kJ/(Nm3 K), and the ambient the heat is counted from, C
/// (domain reference, section 2).
pub const C_FLUE_GAS: f64 = 1.5;
pub const C_AIR: f64 = 1.33;
pub const AMBIENT_C: f64 = 20.0;

/// Throughput below which a per-tonne figure means nothing (a furnace on hold).
const MIN_THROUGHPUT_T_H: f64 = 1.0;

/// The share of the fuel's energy (LHV) left in the furnace, %: what the flue gas does not
/// carry out, crediting what the preheated air brought in. Per Nm3 of fuel.
pub fn available_heat_percent(
    s: &Stoichiometry,
    lambda: f64,
    lhv_mj_per_nm3: f64,
    exit_c: f64,
    air_c: f64,
) -> f64 {
    let out = s.wet_flue_gas_at(lambda) * C_FLUE_GAS * (exit_c - AMBIENT_C);
    let back = s.air * lambda * C_AIR * (air_c - AMBIENT_C);
    100.0 * (1.0 - (out - back) / (lhv_mj_per_nm3 * 1000.0))
}

#[derive(Debug, Clone, Copy)]
struct Latest {
    value: Option<f64>,
    quality: Quality,
}

#[derive(Debug, Clone)]
struct Output {
    tag: TagId,
    kind: Derived,
    inputs: Vec<TagId>,
}

/// The roles the formulas read.
#[derive(Debug, Clone)]
struct Roles {
    fuels: Vec<TagId>,
    o2: Option<TagId>,
    nox: Option<TagId>,
    co: Option<TagId>,
    throughput: Option<TagId>,
    stack_flow: Option<TagId>,
    exit: Option<TagId>,
    air_preheat: Option<TagId>,
}

#[derive(Debug)]
pub struct Deriver {
    outputs: Vec<Output>,
    /// Tag index -> outputs it triggers.
    by_trigger: Vec<Vec<usize>>,
    latest: Vec<Latest>,
    roles: Roles,
    stoich: Stoichiometry,
    lhv: f64,
    co2_kg_per_nm3: f64,
    ref_o2: f64,
}

impl Deriver {
    /// Take new factors (heating value, CO2 factor, reference O2) changed at run time, keeping
    /// the latest inputs so the derived tags carry on without a gap. The outputs stay: which
    /// tags are derived does not change at run time.
    pub fn retune(&mut self, config: &Config) -> Result<(), FuelError> {
        let fresh = Deriver::new(config)?;
        self.stoich = fresh.stoich;
        self.lhv = fresh.lhv;
        self.co2_kg_per_nm3 = fresh.co2_kg_per_nm3;
        self.ref_o2 = fresh.ref_o2;
        Ok(())
    }

    pub fn new(config: &Config) -> Result<Deriver, FuelError> {
        let e = &config.emissions;
        let f = &config.furnace;
        let stoich = Stoichiometry::of(&e.fuel_composition)?;
        let co2_kg_per_nm3 = match e.co2_basis {
            Co2Basis::Composition => stoich.co2_kg_per_nm3(),
            Co2Basis::Factor => e.co2_kg_per_gj * e.fuel_lhv_mj_per_nm3 / 1000.0,
        };
        let mut outputs = Vec::new();
        let mut by_trigger = vec![Vec::new(); config.tags.len()];
        for t in &config.tags {
            let Some(kind) = t.derived else { continue };
            let Some(inputs) = derived_inputs(kind, f, e) else {
                continue;
            };
            if let Some(v) = by_trigger.get_mut(inputs.trigger.index()) {
                v.push(outputs.len());
            }
            outputs.push(Output {
                tag: t.id,
                kind,
                inputs: inputs.inputs,
            });
        }
        Ok(Deriver {
            outputs,
            by_trigger,
            latest: vec![
                Latest {
                    value: None,
                    quality: Quality::BadNoCommunication,
                };
                config.tags.len()
            ],
            roles: Roles {
                fuels: f.zones.iter().map(|z| z.fuel_flow).collect(),
                o2: f.o2,
                nox: f.nox,
                co: f.co,
                throughput: f.throughput,
                stack_flow: e.stack_flow,
                exit: e
                    .exit_temperature
                    .or_else(|| f.zones.first().map(|z| z.temperature)),
                air_preheat: f.air_preheat_temperature,
            },
            stoich,
            lhv: e.fuel_lhv_mj_per_nm3,
            co2_kg_per_nm3,
            ref_o2: e.reference_o2_percent,
        })
    }

    /// How many derived tags there are.
    pub fn len(&self) -> usize {
        self.outputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    /// Take in a batch of measured samples; push the derived samples they trigger onto `out`.
    pub fn on_samples(&mut self, samples: &[Sample], out: &mut Vec<Sample>) {
        for s in samples {
            if let Some(l) = self.latest.get_mut(s.tag.index()) {
                *l = Latest {
                    value: s.value,
                    quality: s.quality,
                };
            }
        }
        for s in samples {
            let Some(outs) = self.by_trigger.get(s.tag.index()) else {
                continue;
            };
            for &o in outs {
                let Some(output) = self.outputs.get(o) else {
                    continue;
                };
                let quality = worst(output.inputs.iter().map(|t| self.quality(*t)));
                let value = self.compute(output.kind).filter(|v| v.is_finite());
                out.push(Sample {
                    tag: output.tag,
                    ts: s.ts,
                    value,
                    quality: if value.is_none() && quality.is_good() {
                        Quality::BadDecodeError
                    } else {
                        quality
                    },
                });
            }
        }
    }

    fn quality(&self, t: TagId) -> Quality {
        self.latest
            .get(t.index())
            .map_or(Quality::BadNoCommunication, |l| l.quality)
    }

    fn value(&self, t: Option<TagId>) -> Option<f64> {
        self.latest.get(t?.index())?.value
    }

    fn fuel(&self) -> Option<f64> {
        self.roles
            .fuels
            .iter()
            .map(|t| self.value(Some(*t)))
            .sum::<Option<f64>>()
            .map(|v| v.max(0.0))
    }

    fn lambda(&self) -> Option<f64> {
        Some(self.stoich.lambda_from_o2(self.value(self.roles.o2)?))
    }

    fn flue_gas_dry(&self) -> Option<f64> {
        match self.roles.stack_flow {
            Some(t) => self.value(Some(t)),
            None => Some(self.fuel()? * self.stoich.dry_flue_gas_at(self.lambda()?)),
        }
    }

    fn mg(&self, p: Pollutant) -> Option<f64> {
        let tag = match p {
            Pollutant::Nox => self.roles.nox,
            Pollutant::Co => self.roles.co,
        };
        Some(ppm_to_mg_nm3(self.value(tag)?, p))
    }

    fn per_tonne(&self, per_hour: Option<f64>) -> Option<f64> {
        let t = self.value(self.roles.throughput)?;
        (t >= MIN_THROUGHPUT_T_H).then_some(per_hour? / t)
    }

    fn compute(&self, kind: Derived) -> Option<f64> {
        let o2 = || self.value(self.roles.o2);
        match kind {
            Derived::AirRatio => self.lambda(),
            Derived::FuelFlow => self.fuel(),
            Derived::FiringRate => Some(self.fuel()? * self.lhv / 3600.0),
            Derived::FlueGasDry => self.flue_gas_dry(),
            Derived::NoxMg => self.mg(Pollutant::Nox),
            Derived::CoMg => self.mg(Pollutant::Co),
            Derived::NoxRef => at_reference_o2(self.mg(Pollutant::Nox)?, o2()?, self.ref_o2),
            Derived::CoRef => at_reference_o2(self.mg(Pollutant::Co)?, o2()?, self.ref_o2),
            Derived::NoxRate => Some(mass_rate_kg_h(
                self.mg(Pollutant::Nox)?,
                self.flue_gas_dry()?,
            )),
            Derived::CoRate => Some(mass_rate_kg_h(
                self.mg(Pollutant::Co)?,
                self.flue_gas_dry()?,
            )),
            Derived::Co2Rate => Some(self.fuel()? * self.co2_kg_per_nm3),
            Derived::SpecificEnergy => self.per_tonne(Some(self.fuel()? * self.lhv / 1000.0)),
            Derived::Co2Intensity => self.per_tonne(Some(self.fuel()? * self.co2_kg_per_nm3)),
            Derived::AvailableHeat => Some(available_heat_percent(
                &self.stoich,
                self.lambda()?,
                self.lhv,
                self.value(self.roles.exit)?,
                self.value(self.roles.air_preheat)?,
            )),
        }
    }
}

/// Good only if all are; otherwise the worst (bad before uncertain), first found.
fn worst(qs: impl Iterator<Item = Quality>) -> Quality {
    let mut out = Quality::Good;
    for q in qs {
        if q.is_bad() {
            return q;
        }
        if !q.is_good() && out.is_good() {
            out = q;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_heat_matches_the_domain_reference() {
        // 1000 C flue gas, lambda 1.15: ~51 % with ambient air, ~68 % with 450 C air.
        let m = Stoichiometry::methane();
        let cold = available_heat_percent(&m, 1.15, 35.8, 1000.0, AMBIENT_C);
        let hot = available_heat_percent(&m, 1.15, 35.8, 1000.0, 450.0);
        assert!((cold - 51.0).abs() < 1.0, "{cold}");
        assert!((hot - 68.0).abs() < 1.0, "{hot}");
    }

    #[test]
    fn the_worst_quality_wins() {
        let q = [
            Quality::Good,
            Quality::UncertainStale,
            Quality::BadSensorFailure,
        ];
        assert_eq!(worst(q.into_iter()), Quality::BadSensorFailure);
        assert_eq!(
            worst([Quality::Good, Quality::UncertainStale].into_iter()),
            Quality::UncertainStale
        );
        assert_eq!(worst([Quality::Good].into_iter()), Quality::Good);
    }
}
