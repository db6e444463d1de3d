//! Calibration against the simulator: a plant whose parameters differ from the model's defaults
//! is recorded for hours, and the fit must find how it differs.

use hearth_optimiser::record::Recorder;
use hearth_optimiser::{Calibration, FitLimits, History, ModelParams, calibrate};
use hearth_sim::physics::PlantParams;
use hearth_sim::scenario::PlantOverrides;
use hearth_sim::{Scenario, SimSettings, Simulation};

/// Record `hours` of a simulated plant with `params` as its true parameters and an O2 analyser
/// reading `o2_bias` high.
fn record(params: PlantParams, o2_bias: f64, hours: f64, seed: u64) -> History {
    record_with(params, o2_bias, hours, seed, Vec::new())
}

/// [`record`] with scenario events, timed from the start of the recording.
fn record_with(
    params: PlantParams,
    o2_bias: f64,
    hours: f64,
    seed: u64,
    events: Vec<hearth_sim::scenario::Event>,
) -> History {
    let mut settings = SimSettings::typical(seed, 1_790_000_000_000);
    settings.params = params;
    let mut sim = Simulation::new(settings);
    sim.play(Scenario {
        name: "calibration".into(),
        description: String::new(),
        plant: PlantOverrides {
            o2_analyser_bias_pct: Some(o2_bias),
            ..PlantOverrides::default()
        },
        events: events
            .into_iter()
            .map(|e| hearth_sim::scenario::Event {
                at_min: e.at_min + 60.0,
                ..e
            })
            .collect(),
    });
    let lhv = sim.base_lhv();
    let mut rec = Recorder::new(3, 60.0, lhv);
    // The simulator starts settled; the new parameters take an hour to show.
    let warm = 3600;
    let total = warm + (hours * 3600.0) as usize;
    for s in 0..total {
        sim.step(1.0);
        if s >= warm {
            rec.sample(&sim, 1.0);
        }
    }
    rec.history
}

fn within(name: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{name}: fitted {got:.3}, true {want:.3} (tolerance {tol})"
    );
}

#[test]
fn calibration_recovers_a_plant_that_differs_from_the_defaults()
-> Result<(), Box<dyn std::error::Error>> {
    let mut truth = PlantParams::default();
    for z in 0..3 {
        truth.wall_ua_kw_per_k[z] *= 1.15;
        truth.skid_ua_kw_per_k[z] *= 1.15;
    }
    truth.recuperator_eps *= 0.9;
    truth.nox_n0_mg *= 1.2;
    let base = ModelParams::from_plant(&PlantParams::default());
    let history = record(truth, 0.3, 6.0, 3);
    let (fit, state) = calibrate(&base, &history, &FitLimits::default())?;
    eprintln!("{fit:#?}");
    let c: Calibration = fit.calibration;
    within("losses", c.wall_loss, 1.15, 0.06);
    within("recuperator", c.recuperator, 0.9, 0.03);
    within("NOx", c.nox, 1.2, 0.05);
    within("O2 bias", c.o2_bias_pct, 0.3, 0.05);
    within("radiation", c.radiation, 1.0, 0.08);
    assert!(fit.problems().is_empty(), "{:?}", fit.problems());
    assert_eq!(state.slabs.len(), base.slabs_inside);
    Ok(())
}

#[test]
fn an_o2_analyser_drifting_now_makes_the_fit_unusable() -> Result<(), Box<dyn std::error::Error>> {
    let base = ModelParams::from_plant(&PlantParams::default());
    let mut sim = Simulation::new(SimSettings::typical(5, 1_790_000_000_000));
    let mut rec = Recorder::new(3, 60.0, sim.base_lhv());
    for s in 0..6 * 3600 {
        // The analyser starts drifting high, 2 points an hour, twenty minutes before the end.
        if s == 6 * 3600 - 20 * 60 {
            sim.start_fault(hearth_sim::Fault::O2AnalyserDrift { pct_per_hour: 2.0 })?;
        }
        sim.step(1.0);
        rec.sample(&sim, 1.0);
    }
    let (fit, _) = calibrate(&base, &rec.history, &FitLimits::default())?;
    let problems = fit.problems();
    assert!(
        problems.iter().any(|p| p.contains("O2 analyser")),
        "{problems:?}"
    );
    Ok(())
}

/// Zone fuel RMS over the zones, relative to each zone's limit.
fn fuel_misfit(fit: &hearth_optimiser::Fit) -> f64 {
    fit.tags
        .iter()
        .filter(|t| t.role.ends_with(" fuel"))
        .map(|t| t.rms / t.limit)
        .sum()
}

#[test]
fn a_measured_heating_value_carries_the_fit_through_a_gas_change()
-> Result<(), Box<dyn std::error::Error>> {
    let base = ModelParams::from_plant(&PlantParams::default());
    // The plant is the model's, but its gas loses 6 % of its heating value halfway through.
    let history = record_with(
        PlantParams::default(),
        0.0,
        6.0,
        4,
        vec![hearth_sim::scenario::Event {
            at_min: 180.0,
            action: hearth_sim::scenario::Action::GasHeatingValue { percent: -6.0 },
        }],
    );
    assert!(
        history
            .lhv
            .iter()
            .any(|v| *v < 0.95 * history.lhv_mj_per_nm3),
        "the calorimeter did not see the change"
    );
    let (measured, _) = calibrate(&base, &history, &FitLimits::default())?;
    let mut unmeasured = history.clone();
    unmeasured.lhv.clear();
    let (configured, _) = calibrate(&base, &unmeasured, &FitLimits::default())?;
    eprintln!(
        "measured: losses {:.3}, fuel misfit {:.2}; configured: losses {:.3}, fuel misfit {:.2}",
        measured.calibration.wall_loss,
        fuel_misfit(&measured),
        configured.calibration.wall_loss,
        fuel_misfit(&configured)
    );
    within(
        "losses, measured heating value",
        measured.calibration.wall_loss,
        1.0,
        0.06,
    );
    assert!(
        fuel_misfit(&measured) < 0.8 * fuel_misfit(&configured),
        "the measured heating value did not improve the fuel fit: {:.2} against {:.2}",
        fuel_misfit(&measured),
        fuel_misfit(&configured)
    );
    Ok(())
}
