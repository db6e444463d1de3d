//! Optimiser figures: one model evaluation (a whole residence horizon), one solve from several
//! plant states, and one calibration on six hours of minute history, each timed on one thread.
//!
//!     cargo bench -p hearth-optimiser --bench optimiser

use std::time::{Duration, Instant};

use hearth_optimiser::predict::Decision;
use hearth_optimiser::record::Recorder;
use hearth_optimiser::{
    Context, FitLimits, ModelParams, Outcome, Progress, Settings, calibrate, predict, settle, solve,
};
use hearth_sim::{SimSettings, Simulation};

fn main() {
    let p = ModelParams::from_plant(&Default::default());
    let typical = Decision {
        zone_sp: vec![1050.0, 1270.0, 1236.0],
        o2_sp: 2.8,
    };
    let state = settle(&p, &typical, 300.0, 20.0, 1200.0, 35.8);

    let n = 2000;
    let t = Instant::now();
    let mut fuel = 0.0;
    for _ in 0..n {
        fuel += predict(&p, &state, &typical).fuel_nm3h;
    }
    let per = t.elapsed().as_secs_f64() / n as f64;
    println!(
        "model evaluation (3 zones, {:.1} h horizon): {:.3} ms (mean of {n}; fuel {:.0} Nm3/h)",
        hearth_optimiser::predict::residence_s(&p, &state) / 3600.0,
        per * 1e3,
        fuel / n as f64
    );

    let settings = Settings::typical(3);
    let states = [
        ("typical", state.clone()),
        (
            "hot charge",
            settle(&p, &typical, 300.0, 500.0, 1200.0, 35.8),
        ),
        (
            "pace 260 t/h",
            settle(&p, &typical, 260.0, 20.0, 1200.0, 35.8),
        ),
    ];
    for (name, s) in &states {
        let ctx = Context {
            params: &p,
            state: s,
            settings: &settings,
            spread_c: 2.0,
        };
        let t = Instant::now();
        let out = solve(&ctx, &Progress::default(), Duration::from_secs(30));
        let el = t.elapsed().as_secs_f64();
        match out {
            Outcome::Suggested {
                best,
                current,
                evaluations,
                ..
            } => println!(
                "solve ({name}): {el:.2} s, {evaluations} evaluations; fuel {:+.1} %, NOx {:+.1} %",
                100.0 * (best.prediction.fuel_nm3h / current.prediction.fuel_nm3h - 1.0),
                100.0 * (best.prediction.nox_mg / current.prediction.nox_mg - 1.0)
            ),
            Outcome::NoSuggestion { reason, .. } => {
                println!("solve ({name}): {el:.2} s, no suggestion: {reason}")
            }
            Outcome::Cancelled => println!("solve ({name}): cancelled"),
        }
    }

    let mut sim = Simulation::new(SimSettings::typical(1, 1_790_000_000_000));
    let mut rec = Recorder::new(3, 60.0, sim.base_lhv());
    for _ in 0..6 * 3600 {
        sim.step(1.0);
        rec.sample(&sim, 1.0);
    }
    let t = Instant::now();
    match calibrate(&p, &rec.history, &FitLimits::default()) {
        Ok((fit, _)) => println!(
            "calibration (6 h of minute means): {:.2} s, {} Gauss-Newton iterations",
            t.elapsed().as_secs_f64(),
            fit.iterations
        ),
        Err(e) => println!("calibration failed: {e}"),
    }
}
