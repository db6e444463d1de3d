//! Energy per tonne the way energy managers benchmark it: fuel and production from the plant's
//! totalisers over a period (counting through a rollover or a reset, never backwards), energy on
//! the LHV basis, CO2 from the fuel, and where the furnace stands against the theoretical
//! minimum (~0.79 GJ/t to heat steel from 21 to 1204 C) and a best-practice benchmark.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a totaliser advanced by over a run of readings in time order. A reading below the one
/// before is a rollover when the counter has one and the drop is most of it (the count went on
/// from zero), otherwise a reset (the count restarted from zero: what it shows is what was added).
pub fn totaliser_advance(readings: impl IntoIterator<Item = f64>, rollover: Option<f64>) -> f64 {
    let mut total = 0.0;
    let mut last: Option<f64> = None;
    for r in readings.into_iter().filter(|r| r.is_finite()) {
        if let Some(prev) = last {
            let d = r - prev;
            total += if d >= 0.0 {
                d
            } else {
                match rollover {
                    Some(max) if prev > 0.5 * max => r + (max - prev),
                    _ => r.max(0.0),
                }
            };
        }
        last = Some(r);
    }
    total
}

/// How CO2 is counted: from the carbon in the fuel, or from an emission factor on its energy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Co2Route {
    /// kg CO2 per Nm3 of fuel, from its composition.
    Composition { kg_per_nm3: f64 },
    /// kg CO2 per GJ (LHV).
    Factor { kg_per_gj: f64 },
}

impl Co2Route {
    pub fn kg(&self, fuel_nm3: f64, lhv_mj_per_nm3: f64) -> f64 {
        match *self {
            Co2Route::Composition { kg_per_nm3 } => fuel_nm3 * kg_per_nm3,
            Co2Route::Factor { kg_per_gj } => fuel_nm3 * lhv_mj_per_nm3 / 1000.0 * kg_per_gj,
        }
    }

    /// kg CO2 per Nm3 of fuel either way.
    pub fn kg_per_nm3(&self, lhv_mj_per_nm3: f64) -> f64 {
        self.kg(1.0, lhv_mj_per_nm3)
    }
}

/// Energy figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EnergyKpi {
    pub start_ms: i64,
    pub end_ms: i64,
    pub label: String,
    /// Nm3 (0 C).
    pub fuel_nm3: f64,
    /// GJ, LHV.
    pub energy_gj: f64,
    pub production_t: f64,
    pub co2_kg: f64,
    /// None without production (a furnace on hold burns fuel for no tonnes).
    pub gj_per_t: Option<f64>,
    pub kg_co2_per_t: Option<f64>,
    /// Theoretical minimum over actual: the furnace's efficiency against physics.
    pub efficiency_vs_theoretical: Option<f64>,
    /// Actual over the benchmark minus one: +0.12 is 12 % more energy per tonne than best practice.
    pub above_benchmark: Option<f64>,
    /// Readings of the totalisers that went into it (both need at least two).
    pub readings: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyBasis {
    pub lhv_mj_per_nm3: f64,
    pub co2: Co2Route,
    pub theoretical_min_gj_per_t: f64,
    pub benchmark_gj_per_t: f64,
}

impl EnergyBasis {
    /// The KPIs of a period from what the fuel (Nm3) and production (t) totalisers advanced by.
    pub fn kpi(
        &self,
        start_ms: i64,
        end_ms: i64,
        label: &str,
        fuel_nm3: f64,
        production_t: f64,
        readings: u32,
    ) -> EnergyKpi {
        let energy_gj = fuel_nm3 * self.lhv_mj_per_nm3 / 1000.0;
        let co2_kg = self.co2.kg(fuel_nm3, self.lhv_mj_per_nm3);
        // A few tonnes over an hour of hold is noise, not a specific energy.
        let per_t = |x: f64| (production_t > 0.5).then(|| x / production_t);
        let gj_per_t = per_t(energy_gj);
        EnergyKpi {
            start_ms,
            end_ms,
            label: label.to_owned(),
            fuel_nm3,
            energy_gj,
            production_t,
            co2_kg,
            gj_per_t,
            kg_co2_per_t: per_t(co2_kg),
            efficiency_vs_theoretical: gj_per_t
                .filter(|g| *g > 0.0)
                .map(|g| self.theoretical_min_gj_per_t / g),
            above_benchmark: gj_per_t.map(|g| g / self.benchmark_gj_per_t - 1.0),
            readings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_totaliser_counts_through_its_rollover_and_a_reset() {
        let max = 4_294_967_296.0;
        assert_eq!(totaliser_advance([10.0, 20.0, 35.0], Some(max)), 25.0);
        // Rolled over: 100 to the top, then 50 more.
        assert_eq!(totaliser_advance([max - 100.0, 50.0], Some(max)), 150.0);
        // Reset (the PLC restarted its count): what it shows after is what was added.
        assert_eq!(totaliser_advance([5_000.0, 30.0, 80.0], Some(max)), 80.0);
        assert_eq!(totaliser_advance([5_000.0, 30.0], None), 30.0);
        // Nothing, or one reading, advances nothing; NaN readings are skipped.
        assert_eq!(totaliser_advance([], None), 0.0);
        assert_eq!(totaliser_advance([7.0, f64::NAN, 9.0], None), 2.0);
    }

    #[test]
    fn an_hour_at_the_reference_plant_by_hand() {
        // 12 000 Nm3 of gas at 35.8 MJ/Nm3 for 300 t: 429.6 GJ, 1.432 GJ/t.
        let basis = EnergyBasis {
            lhv_mj_per_nm3: 35.8,
            co2: Co2Route::Factor { kg_per_gj: 56.1 },
            theoretical_min_gj_per_t: 0.79,
            benchmark_gj_per_t: 1.40,
        };
        let k = basis.kpi(0, 3_600_000, "h", 12_000.0, 300.0, 2);
        assert!((k.energy_gj - 429.6).abs() < 1e-9);
        assert!((k.gj_per_t.unwrap_or(0.0) - 1.432).abs() < 1e-9);
        // 429.6 GJ x 56.1 kg/GJ = 24 100.56 kg, 80.34 kg/t.
        assert!((k.co2_kg - 24_100.56).abs() < 1e-6);
        assert!((k.kg_co2_per_t.unwrap_or(0.0) - 80.3352).abs() < 1e-3);
        assert!((k.efficiency_vs_theoretical.unwrap_or(0.0) - 0.79 / 1.432).abs() < 1e-12);
        assert!((k.above_benchmark.unwrap_or(0.0) - (1.432 / 1.40 - 1.0)).abs() < 1e-12);
        // The composition route: 1.96 kg per Nm3 of methane, 71 kg/t at ~1.3 GJ/t (section 4).
        let m = Co2Route::Composition { kg_per_nm3: 1.9635 };
        assert!((m.kg(12_000.0, 35.8) - 23_562.0).abs() < 1e-6);
        let per_gj = m.kg_per_nm3(35.8) / 35.8 * 1000.0;
        assert!((per_gj - 54.8).abs() < 0.1, "{per_gj}");
    }

    #[test]
    fn no_production_gives_no_specific_figures() {
        let basis = EnergyBasis {
            lhv_mj_per_nm3: 35.8,
            co2: Co2Route::Factor { kg_per_gj: 56.1 },
            theoretical_min_gj_per_t: 0.79,
            benchmark_gj_per_t: 1.40,
        };
        let k = basis.kpi(0, 1, "hold", 3_000.0, 0.0, 2);
        assert_eq!(
            (k.gj_per_t, k.kg_co2_per_t, k.above_benchmark),
            (None, None, None)
        );
        assert!(k.energy_gj > 0.0);
    }
}
