//! A gaseous fuel's combustion stoichiometry from its composition (mole fractions, which for
//! ideal gases are volume fractions): the air it needs, the flue gas it makes wet and dry, and
//! the CO2 it releases. Pure methane gives the domain reference's 9.52, 10.52 and 8.52 Nm3 per
//! Nm3 and 1.96 kg CO2 per Nm3.

/// O2 in dry air, by volume.
pub const O2_IN_AIR: f64 = 0.21;
/// Molar volume of an ideal gas at 0 C and 101.325 kPa, Nm3 per kmol.
pub const MOLAR_VOLUME_NM3: f64 = 22.414;
/// kg per kmol.
pub const M_CO2: f64 = 44.009;

pub use hearth_model::config::FuelComponent as Component;

/// Per Nm3 of fuel burnt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stoichiometry {
    /// Stoichiometric air, Nm3.
    pub air: f64,
    /// Wet flue gas at lambda 1, Nm3.
    pub wet_flue_gas: f64,
    /// Dry flue gas at lambda 1, Nm3.
    pub dry_flue_gas: f64,
    /// CO2 formed (and carried through), Nm3.
    pub co2_nm3: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FuelError {
    #[error("the mole fractions add up to {0:.4}, not 1 (within 0.5 %)")]
    NotNormalised(f64),
    #[error("{0}: a mole fraction must be between 0 and 1")]
    OutOfRange(&'static str),
    #[error("the fuel has nothing that burns")]
    Incombustible,
}

impl Stoichiometry {
    /// From mole fractions, which must add up to 1 (within 0.5 %, as analyses are rounded; the
    /// fractions are then scaled to exactly 1).
    pub fn of(composition: &[(Component, f64)]) -> Result<Stoichiometry, FuelError> {
        let total: f64 = composition.iter().map(|(_, x)| x).sum();
        if let Some((c, _)) = composition
            .iter()
            .find(|(_, x)| !(0.0..=1.0).contains(x) || !x.is_finite())
        {
            return Err(FuelError::OutOfRange(c.name()));
        }
        if (total - 1.0).abs() > 0.005 {
            return Err(FuelError::NotNormalised(total));
        }
        let (mut o2, mut co2, mut h2o, mut inert) = (0.0, 0.0, 0.0, 0.0);
        for &(c, x) in composition {
            let x = x / total;
            let (nc, nh, no) = c.atoms();
            match c {
                Component::N2 => inert += x,
                Component::Co2 => co2 += x,
                _ => {
                    // CxHyOz + (x + y/4 - z/2) O2 -> x CO2 + y/2 H2O
                    o2 += x * (nc + nh / 4.0 - no / 2.0);
                    co2 += x * nc;
                    h2o += x * nh / 2.0;
                }
            }
        }
        if o2 <= 0.0 {
            return Err(FuelError::Incombustible);
        }
        let air = o2 / O2_IN_AIR;
        let dry = co2 + inert + air * (1.0 - O2_IN_AIR);
        Ok(Stoichiometry {
            air,
            wet_flue_gas: dry + h2o,
            dry_flue_gas: dry,
            co2_nm3: co2,
        })
    }

    /// Pure methane: the domain reference's natural gas.
    pub fn methane() -> Stoichiometry {
        // Fixed, valid input: cannot fail.
        Stoichiometry::of(&[(Component::Ch4, 1.0)]).unwrap_or(Stoichiometry {
            air: 9.524,
            wet_flue_gas: 10.524,
            dry_flue_gas: 8.524,
            co2_nm3: 1.0,
        })
    }

    /// Air ratio for a dry flue O2 (%): the excess air is what carries that O2.
    pub fn lambda_from_o2(&self, o2_pct: f64) -> f64 {
        let o2 = o2_pct / 100.0;
        1.0 + o2 * self.dry_flue_gas / (self.air * (O2_IN_AIR - o2))
    }

    /// Dry flue O2 (%) at an air ratio.
    pub fn o2_from_lambda(&self, lambda: f64) -> f64 {
        let excess = self.air * (lambda - 1.0);
        100.0 * O2_IN_AIR * excess / (self.dry_flue_gas + excess)
    }

    /// Dry flue gas per Nm3 fuel at an air ratio.
    pub fn dry_flue_gas_at(&self, lambda: f64) -> f64 {
        self.dry_flue_gas + self.air * (lambda - 1.0)
    }

    /// Wet flue gas per Nm3 fuel at an air ratio.
    pub fn wet_flue_gas_at(&self, lambda: f64) -> f64 {
        self.wet_flue_gas + self.air * (lambda - 1.0)
    }

    /// kg CO2 per Nm3 fuel, from its carbon.
    pub fn co2_kg_per_nm3(&self) -> f64 {
        self.co2_nm3 * M_CO2 / MOLAR_VOLUME_NM3
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::physics;

    #[test]
    fn methane_matches_the_domain_reference() {
        let m = Stoichiometry::methane();
        assert!((m.air - 9.52).abs() < 0.01, "{m:?}");
        assert!((m.wet_flue_gas - 10.52).abs() < 0.01, "{m:?}");
        assert!((m.dry_flue_gas - 8.52).abs() < 0.01, "{m:?}");
        // 1.96 kg per Nm3 CH4 (section 4).
        assert!((m.co2_kg_per_nm3() - 1.96).abs() < 0.005);
        // lambda 1.10 -> 2.1 %, 1.15 -> 3.0 %, 1.20 -> 3.8 % (section 2).
        for (lambda, o2) in [(1.10, 2.1), (1.15, 3.0), (1.20, 3.8)] {
            assert!(
                (m.o2_from_lambda(lambda) - o2).abs() < 0.05,
                "{lambda}: {}",
                m.o2_from_lambda(lambda)
            );
        }
    }

    #[test]
    fn methane_agrees_with_the_simulators_physics() {
        // The accounting and the simulated plant must burn the same gas.
        let m = Stoichiometry::methane();
        for o2 in [0.5, 1.0, 2.0, 3.0, 5.0, 8.0] {
            let a = m.lambda_from_o2(o2);
            let b = physics::lambda_from_o2(o2);
            assert!((a - b).abs() < 1e-3, "{o2}: {a} vs {b}");
            let fa = m.dry_flue_gas_at(a);
            let fb = physics::dry_flue_gas_per_fuel(b);
            assert!((fa - fb).abs() / fb < 1e-3, "{o2}: {fa} vs {fb}");
        }
    }

    #[test]
    fn a_pipeline_gas_needs_more_air_and_makes_more_co2_than_methane() {
        // A typical pipeline analysis, worked by hand below.
        let gas = Stoichiometry::of(&[
            (Component::Ch4, 0.93),
            (Component::C2h6, 0.04),
            (Component::C3h8, 0.01),
            (Component::Co2, 0.01),
            (Component::N2, 0.01),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        // O2: 0.93*2 + 0.04*3.5 + 0.01*5 = 2.05 -> air 9.762; CO2: 0.93+0.08+0.03+0.01 = 1.05
        assert!((gas.air - 9.762).abs() < 0.001, "{gas:?}");
        assert!((gas.co2_nm3 - 1.05).abs() < 1e-9);
        // dry: 1.05 + 0.01 + 9.762*0.79 = 8.772
        assert!((gas.dry_flue_gas - 8.772).abs() < 0.001, "{gas:?}");
        // H2O: 0.93*2 + 0.04*3 + 0.01*4 = 2.02
        assert!((gas.wet_flue_gas - gas.dry_flue_gas - 2.02).abs() < 1e-9);
    }

    #[test]
    fn o2_and_lambda_invert_each_other() {
        let m = Stoichiometry::methane();
        for o2 in [0.2, 1.0, 3.0, 6.0, 12.0] {
            assert!((m.o2_from_lambda(m.lambda_from_o2(o2)) - o2).abs() < 1e-9);
        }
    }

    #[test]
    fn a_bad_analysis_is_refused() {
        assert_eq!(
            Stoichiometry::of(&[(Component::Ch4, 0.9)]),
            Err(FuelError::NotNormalised(0.9))
        );
        assert!(matches!(
            Stoichiometry::of(&[(Component::Ch4, 1.2), (Component::N2, -0.2)]),
            Err(FuelError::OutOfRange(_))
        ));
        assert_eq!(
            Stoichiometry::of(&[(Component::N2, 1.0)]),
            Err(FuelError::Incombustible)
        );
    }
}
