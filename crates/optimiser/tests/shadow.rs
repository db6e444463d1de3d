//! Shadow mode in closed loop on the shipped scenario's plant, which differs from the model's
//! defaults: the optimiser calibrates, suggests and applies, and against baseline practice on the
//! same plant and seed it uses less fuel per tonne with no slab under-heated and CO in limits.

use std::path::Path;

use hearth_optimiser::shadow::{Options, evaluate};
use hearth_sim::Scenario;

#[test]
fn the_optimiser_saves_fuel_in_closed_loop_without_underheating()
-> Result<(), Box<dyn std::error::Error>> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/scenarios/worn-furnace.toml");
    let scenario = Scenario::load(&path)?;
    let report = evaluate(&scenario, &Options::new(3.0, 2), |_| {});
    let (b, o) = (&report.baseline, &report.optimised);
    assert!(!report.suggestions.is_empty(), "{:?}", report.no_suggestion);
    assert!(
        report.fuel_change_pct < -2.0,
        "fuel per tonne {:+.1} %",
        report.fuel_change_pct
    );
    assert!(
        report.nox_change_pct < 0.0,
        "NOx {:+.1} %",
        report.nox_change_pct
    );
    assert_eq!(o.under_heated, 0, "{:?}", o.under_heated_at);
    assert!(o.co_max_ppm <= 100.0, "CO up to {:.0} ppm", o.co_max_ppm);
    assert!(
        (b.steel_t - o.steel_t).abs() < 1e-6,
        "both runs heat the same steel"
    );
    // Each interval's fuel was predicted within a few percent of what the plant then burnt.
    assert!(
        report.fuel_prediction_error_pct < 5.0,
        "fuel predicted within {:.1} %",
        report.fuel_prediction_error_pct
    );
    Ok(())
}
