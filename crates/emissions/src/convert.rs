//! Concentrations the way permits state them: ppm and mg/Nm3 (dry, 0 C, 101.325 kPa), correction
//! to a reference O2, mass rates from the actual dry flue gas, and Nm3 against Sm3 (15 C).

use crate::fuel::MOLAR_VOLUME_NM3;

pub use hearth_model::config::Pollutant;

/// mg/Nm3 per ppm (by volume) of a pollutant, dry: NO2 2.05, CO 1.25.
pub fn mg_per_ppm(p: Pollutant) -> f64 {
    p.molar_mass() / MOLAR_VOLUME_NM3
}

pub fn ppm_to_mg_nm3(ppm: f64, p: Pollutant) -> f64 {
    ppm * mg_per_ppm(p)
}

pub fn mg_nm3_to_ppm(mg: f64, p: Pollutant) -> f64 {
    mg / mg_per_ppm(p)
}

/// A dry concentration measured at `o2_measured` % restated at `o2_ref` %:
/// C_ref = C (21 - O2_ref) / (21 - O2). None at or above 20.9 % O2 (air, nothing to correct).
pub fn at_reference_o2(c: f64, o2_measured: f64, o2_ref: f64) -> Option<f64> {
    (o2_measured < 20.9).then(|| c * (21.0 - o2_ref) / (21.0 - o2_measured))
}

/// kg/h from a dry concentration at the measured O2 (mg/Nm3) and the actual dry flue gas
/// (Nm3/h). Never pass a concentration corrected to a reference O2: its dilution is not the
/// actual flow's.
pub fn mass_rate_kg_h(mg_nm3_at_measured_o2: f64, dry_flue_gas_nm3_h: f64) -> f64 {
    mg_nm3_at_measured_o2 * dry_flue_gas_nm3_h * 1e-6
}

/// Nm3 (0 C) in one Sm3 (15 C), both at 101.325 kPa: the same gas takes 5.5 % more room warm.
pub const NM3_PER_SM3: f64 = 273.15 / 288.15;

pub fn sm3_to_nm3(sm3: f64) -> f64 {
    sm3 * NM3_PER_SM3
}

pub fn nm3_to_sm3(nm3: f64) -> f64 {
    nm3 / NM3_PER_SM3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ppm_to_mg_uses_the_reference_factors() {
        // NO2 x 2.05, CO x 1.25 (domain reference, section 4).
        assert!((ppm_to_mg_nm3(100.0, Pollutant::Nox) - 205.0).abs() < 0.3);
        assert!((ppm_to_mg_nm3(100.0, Pollutant::Co) - 125.0).abs() < 0.1);
        for p in Pollutant::ALL {
            assert!((mg_nm3_to_ppm(ppm_to_mg_nm3(37.0, p), p) - 37.0).abs() < 1e-12);
        }
    }

    #[test]
    fn correction_to_reference_o2_by_hand() {
        // 150 mg/Nm3 at 5 % O2 is 150 * 18 / 16 = 168.75 at 3 %.
        assert_eq!(at_reference_o2(150.0, 5.0, 3.0), Some(168.75));
        // At 1 % O2 the gas is less diluted than at 3 %: 200 * 18/20 = 180.
        assert_eq!(at_reference_o2(200.0, 1.0, 3.0), Some(180.0));
        assert_eq!(at_reference_o2(200.0, 3.0, 3.0), Some(200.0));
        assert_eq!(at_reference_o2(200.0, 20.95, 3.0), None);
    }

    #[test]
    fn mass_rate_by_hand() {
        // 200 mg/Nm3 in 120 000 Nm3/h of dry flue gas is 24 kg/h.
        assert!((mass_rate_kg_h(200.0, 120_000.0) - 24.0).abs() < 1e-9);
    }

    #[test]
    fn normal_and_standard_cubic_metres_differ_by_five_and_a_half_percent() {
        assert!((nm3_to_sm3(1.0) - 1.0549).abs() < 1e-4);
        assert!((sm3_to_nm3(nm3_to_sm3(12_000.0)) - 12_000.0).abs() < 1e-9);
    }
}
