//! The solver against a brute-force grid on the same model, and its constraints on random plant
//! states: every returned suggestion is feasible on the model, with its margins.

use std::time::Duration;

use hearth_optimiser::predict::{Decision, FurnaceState, TrackedSlab};
use hearth_optimiser::problem::violation;
use hearth_optimiser::{
    Context, ModelParams, Outcome, Progress, Settings, grid_search, settle, solve,
};
use proptest::prelude::*;

fn typical() -> Decision {
    Decision {
        zone_sp: vec![1050.0, 1270.0, 1236.0],
        o2_sp: 2.8,
    }
}

/// A few fixed plant states: the typical point, a faster pace, a hot charge, O2 run high.
fn fixed_states(p: &ModelParams) -> Vec<(String, FurnaceState)> {
    let d = typical();
    let mut out = vec![(
        "typical".to_owned(),
        settle(p, &d, 300.0, 20.0, 1200.0, 35.8),
    )];
    let mut fast = settle(p, &d, 300.0, 20.0, 1200.0, 35.8);
    fast.pace_tph = 320.0;
    out.push(("pace 320 t/h".into(), fast));
    out.push((
        "hot charge 500 C".into(),
        settle(p, &d, 300.0, 500.0, 1200.0, 35.8),
    ));
    let high_o2 = Decision {
        o2_sp: 3.6,
        ..d.clone()
    };
    out.push((
        "O2 at 3.6 %".into(),
        settle(p, &high_o2, 280.0, 20.0, 1220.0, 35.8),
    ));
    out
}

#[test]
fn the_solver_finds_at_least_95_percent_of_the_grids_improvement() {
    let p = ModelParams::from_plant(&Default::default());
    let settings = Settings::typical(3);
    for (name, state) in fixed_states(&p) {
        let ctx = Context {
            params: &p,
            state: &state,
            settings: &settings,
            spread_c: 0.0,
        };
        let (current, _) = ctx.allowed();
        let Some(grid) = grid_search(&ctx, 9) else {
            panic!("{name}: the grid has no feasible point");
        };
        let grid_gain = current.terms.total() - grid.terms.total();
        assert!(grid_gain > 0.0, "{name}: the grid finds no gain");
        let got = match solve(&ctx, &Progress::default(), Duration::from_secs(30)) {
            Outcome::Suggested { best, .. } => best,
            Outcome::NoSuggestion { reason, .. } => panic!("{name}: no suggestion: {reason}"),
            Outcome::Cancelled => panic!("{name}: cancelled"),
        };
        let gain = current.terms.total() - got.terms.total();
        assert!(
            gain >= 0.95 * grid_gain,
            "{name}: solver gain {gain:.1}/h, grid {grid_gain:.1}/h ({:?} against {:?})",
            got.decision,
            grid.decision
        );
    }
}

/// A random plant state: pace, charge temperature, aims, setpoints and O2 away from typical,
/// and slabs settled under other setpoints than the ones now set.
fn arb_state() -> impl Strategy<Value = (FurnaceState, f64)> {
    (
        250.0..340.0f64,
        20.0..600.0f64,
        1170.0..1230.0f64,
        prop::collection::vec(-40.0..40.0f64, 3),
        prop::collection::vec(-25.0..25.0f64, 3),
        1.6..3.9f64,
        -0.3..0.3f64,
        0.0..8.0f64,
    )
        .prop_map(|(pace, charge, aim, settled, now, o2, bias, spread)| {
            let p = ModelParams::from_plant(&Default::default());
            let base = typical();
            let past = Decision {
                zone_sp: base
                    .zone_sp
                    .iter()
                    .zip(&settled)
                    .map(|(a, b)| a + b)
                    .collect(),
                o2_sp: o2,
            };
            let mut s = settle(&p, &past, pace, charge, aim, 35.8);
            s.zone_sp = past.zone_sp.iter().zip(&now).map(|(a, b)| a + b).collect();
            s.o2_sp = (o2 + bias).clamp(1.5, 4.0);
            s.slabs
                .iter_mut()
                .for_each(|sl: &mut TrackedSlab| sl.aim_c = aim);
            (s, spread)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn every_suggestion_keeps_every_constraint((state, spread) in arb_state()) {
        let p = ModelParams::from_plant(&Default::default());
        let settings = Settings::typical(3);
        let ctx = Context { params: &p, state: &state, settings: &settings, spread_c: spread };
        let (_, allowed) = ctx.allowed();
        if let Outcome::Suggested { best, current, corrective, .. } =
            solve(&ctx, &Progress::default(), Duration::from_secs(30))
        {
            // Judged again from scratch on the model, not from what the solver reported.
            let again = ctx.evaluate(&best.decision, &allowed);
            if corrective {
                // Continuing misses what no setpoints within reach fully keep: the suggestion
                // must miss it by less.
                let continuing = ctx.evaluate(&current.decision, &allowed);
                prop_assert!(
                    violation(&again.margins) < violation(&continuing.margins),
                    "a corrective suggestion that does not correct"
                );
                return Ok(());
            }
            for m in &again.margins {
                prop_assert!(m.holds(), "{} {:?} violated by {} (allowed {})", m.name, m.index, -m.margin, m.allowed);
            }
            let bx = settings.box_from(&current.decision);
            for (x, (lo, hi)) in best.decision.zone_sp.iter().chain([&best.decision.o2_sp]).zip(&bx) {
                prop_assert!(*x >= lo - 1e-9 && *x <= hi + 1e-9, "{x} outside [{lo}, {hi}]");
            }
            prop_assert!(again.terms.total() < current.terms.total());
        }
    }
}
