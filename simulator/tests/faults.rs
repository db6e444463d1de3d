//! Each fault of the domain notes (section 8) has its visible effect on what the PLC reports, and
//! a scenario plays its events at their plant times. Stepped in-process: minutes, not hours.

use hearth_sim::{Action, Fault, Scenario, Signal, SimSettings, Simulation};

fn running() -> Simulation {
    let mut s = Simulation::new(SimSettings::typical(2, 0));
    s.step(600.0);
    s
}

fn start(s: &mut Simulation, f: Fault) {
    s.start_fault(f).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn an_open_thermocouple_reads_upscale_and_sends_its_zone_to_low_fire() {
    let mut s = running();
    let fuel_before = s.read(Signal::ZoneFuel(1));
    start(&mut s, Fault::ThermocoupleOpen { zone: 2 });
    s.step(60.0);
    assert!(
        s.read(Signal::ZoneTemp(1)) >= 1400.0,
        "reads {}",
        s.read(Signal::ZoneTemp(1))
    );
    assert!(
        s.read(Signal::ZoneFuel(1)) < 0.3 * fuel_before,
        "fuel {} from {fuel_before}",
        s.read(Signal::ZoneFuel(1))
    );
    assert!(
        (s.read(Signal::ZoneTemp(0)) - 1050.0).abs() < 10.0,
        "other zones unaffected"
    );
    s.clear_fault(Fault::ThermocoupleOpen { zone: 2 }).ok();
    s.step(60.0);
    assert!(s.read(Signal::ZoneTemp(1)) < 1350.0);
}

#[test]
fn a_drifting_thermocouple_reads_ever_lower_than_the_gas() {
    let mut s = running();
    start(
        &mut s,
        Fault::ThermocoupleDrift {
            zone: 1,
            c_per_hour: -10.0,
        },
    );
    s.step(3600.0);
    // The loop holds the (wrong) reading at setpoint, so the real zone runs hot by the drift.
    let reading = s.read(Signal::ZoneTemp(0));
    let real = s.plant.zone_c[0];
    assert!(
        (real - reading - 10.0).abs() < 3.0,
        "real {real:.1}, reading {reading:.1}"
    );
}

#[test]
fn a_drifting_o2_analyser_starves_the_air_and_co_rises() {
    let mut s = running();
    let co_before = s.read(Signal::Co);
    start(&mut s, Fault::O2AnalyserDrift { pct_per_hour: 2.0 });
    s.step(3600.0);
    let true_o2 = s.plant.out.o2_dry_pct;
    assert!(
        s.read(Signal::O2) - true_o2 > 1.5,
        "reads {:.2}, true {true_o2:.2}",
        s.read(Signal::O2)
    );
    assert!(true_o2 < 1.3, "the trim cut the air: true O2 {true_o2:.2}");
    assert!(
        s.read(Signal::Co) > 3.0 * co_before,
        "CO {} from {co_before}",
        s.read(Signal::Co)
    );
}

#[test]
fn a_burner_trip_cuts_the_zones_fuel_within_a_second_and_the_zone_cools() {
    let mut s = running();
    let t0 = s.plant.zone_c[2];
    start(&mut s, Fault::BurnerTrip { zone: 3 });
    s.step(1.0);
    assert_eq!(s.read(Signal::ZoneFuel(2)), 0.0);
    assert_eq!(s.read(Signal::FlameOk(2)), 0.0);
    assert_eq!(s.read(Signal::FlameOk(1)), 1.0);
    s.step(600.0);
    let fall_per_min = (t0 - s.plant.zone_c[2]) / 10.0;
    assert!(fall_per_min > 2.0, "soak zone fell {fall_per_min:.1} C/min");
}

#[test]
fn a_fan_trip_trips_every_burner() {
    let mut s = running();
    start(&mut s, Fault::FanTrip);
    s.step(2.0);
    for z in 0..3 {
        assert_eq!(s.read(Signal::ZoneFuel(z)), 0.0);
    }
    assert_eq!(s.read(Signal::FanRunning), 0.0);
    assert_eq!(s.read(Signal::Trip), 1.0);
    assert!(s.read(Signal::AirFlow) < 1000.0);
}

#[test]
fn recuperator_fouling_lets_the_air_preheat_drift_down() {
    let mut s = running();
    let before = s.read(Signal::AirPreheatTemp);
    start(
        &mut s,
        Fault::RecuperatorFouling {
            effectiveness_drop: 0.1,
        },
    );
    s.step(3600.0);
    let after = s.read(Signal::AirPreheatTemp);
    assert!(
        before - after > 60.0,
        "air preheat {before:.0} -> {after:.0}"
    );
}

#[test]
fn a_plc_restart_resets_counters_and_holding_registers_and_asks_for_the_connections_to_drop() {
    let mut s = running();
    s.write(Signal::ZoneSetpoint(0), 1100.0);
    s.write(Signal::RemoteMode, 1.0);
    s.step(100.0);
    assert!(s.read(Signal::Heartbeat) >= 100.0);
    s.take_server_requests();
    start(&mut s, Fault::PlcRestart);
    assert_eq!(s.read(Signal::Heartbeat), 0.0);
    assert_eq!(s.read(Signal::Uptime), 0.0);
    assert_eq!(s.read(Signal::FuelTotal), 0.0);
    assert_eq!(s.read(Signal::ZoneSetpoint(0)), 1050.0);
    assert_eq!(s.read(Signal::RemoteMode), 0.0);
    let r = s.take_server_requests();
    assert!(r.reset_connections);
    assert!(r.comms_drop_s.is_some_and(|d| d > 0.0));
}

#[test]
fn a_scenario_plays_pace_hot_charge_mill_delay_and_a_fault_at_their_plant_times() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/scenarios/shift.toml"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let scenario = Scenario::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut s = running();
    s.play(scenario);
    s.step(9.0 * 60.0);
    assert_eq!(s.plc.pace_sp, 300.0, "nothing before the first event");
    s.step(2.0 * 60.0);
    assert_eq!(s.plc.pace_sp, 330.0, "pace raised at 10 min");
    s.step(30.0 * 60.0);
    assert!(s.plc.charge_temp_c > 400.0, "hot charge from 30 min");
    s.step(20.0 * 60.0);
    assert_eq!(s.plc.pace_sp, 0.0, "mill delay from 60 min");
    s.step(20.0 * 60.0);
    assert_eq!(s.plc.pace_sp, 330.0, "the pace resumes after the delay");
    s.step(45.0 * 60.0);
    assert!(
        s.faults.burner_trip[1],
        "zone 2 burners tripped at 120 min (now 126)"
    );
    assert_eq!(s.read(Signal::ZoneFuel(1)), 0.0);
    s.step(10.0 * 60.0);
    assert!(!s.faults.burner_trip[1], "and relit at 130 min (now 136)");
}

#[test]
fn every_shipped_scenario_parses() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "toml") {
            Scenario::load(&entry.path()).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 2, "scenarios shipped: {n}");
}

#[test]
fn a_gas_heating_value_drop_is_met_with_more_fuel() {
    let mut s = running();
    s.step(3600.0);
    let before: f64 = (0..3).map(|z| s.read(Signal::ZoneFuel(z))).sum();
    s.apply(&Action::GasHeatingValue { percent: -5.0 }).ok();
    s.step(3600.0);
    let after: f64 = (0..3).map(|z| s.read(Signal::ZoneFuel(z))).sum();
    assert!(
        after > before * 1.03,
        "fuel {before:.0} -> {after:.0} Nm3/h"
    );
}

#[test]
fn a_scenario_can_make_the_real_plant_differ_from_the_defaults() {
    let scenario = Scenario::parse(
        "name = 'a plant the model does not know'\n[plant]\nwall_loss_factor = 1.5\nskid_loss_factor = 1.5\nrecuperator_effectiveness = 0.40\no2_analyser_bias_pct = 0.3\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut default = running();
    let mut other = running();
    other.play(scenario);
    default.step(3.0 * 3600.0);
    other.step(3.0 * 3600.0);
    let fuel = |s: &Simulation| (0..3).map(|z| s.read(Signal::ZoneFuel(z))).sum::<f64>();
    assert!(
        fuel(&other) > 1.05 * fuel(&default),
        "more losses, less air preheat: more fuel"
    );
    assert!(other.read(Signal::AirPreheatTemp) < default.read(Signal::AirPreheatTemp) - 30.0);
    assert!(
        (other.read(Signal::O2) - other.plant.out.o2_dry_pct - 0.3).abs() < 0.1,
        "the analyser reads 0.3 high"
    );
    assert!(Scenario::parse("name='x'\n[plant]\nwall_loss_factor = 9").is_err());
    assert!(Scenario::parse("name='x'\n[plant]\nwal_loss_factor = 1.1").is_err());
}

#[test]
fn each_slab_leaves_with_its_grades_aim_and_the_mix_follows_the_shares() {
    let mut s = Simulation::new(SimSettings::typical(9, 0));
    let mut counts = [0usize; 3];
    let mut last = None;
    for _ in 0..(24 * 60) {
        s.step(60.0);
        let d = s.plant.last_discharged.map(|d| (d.id, d.grade));
        if d != last {
            if let Some((_, g)) = d {
                counts[usize::from(g)] += 1;
                let aim = s.read(Signal::DischargeAim);
                assert_eq!(aim, s.grades()[usize::from(g)].aim_c);
                assert_eq!(s.read(Signal::DischargeGrade), f64::from(g));
            }
            last = d;
        }
    }
    let total: usize = counts.iter().sum();
    assert!(total > 200, "slabs discharged in a day: {total}");
    let share = |i: usize| counts[i] as f64 / total as f64;
    assert!(
        (share(0) - 0.6).abs() < 0.1 && (share(1) - 0.3).abs() < 0.1,
        "mix {counts:?}"
    );
    assert!(s.set_grades(vec![]).is_err());
}

#[test]
fn same_seed_and_scenario_give_the_same_registers() {
    use hearth_sim::bundled_register_map;
    use hearth_sim::registers::Image;
    let map = bundled_register_map().unwrap_or_else(|e| panic!("{e}"));
    let scenario = || {
        Scenario::parse(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../config/scenarios/instrument-faults.toml"
            ))
            .unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let run = |seed: u64| {
        let mut s = Simulation::new(SimSettings::typical(seed, 1_700_000_000_000));
        s.play(scenario());
        s.step(2.0 * 3600.0);
        let mut image = Image::new(&map).unwrap_or_else(|e| panic!("{e}"));
        image.refresh(&s);
        (
            image.read_input(0, 37).unwrap_or_default(),
            image.read_holding(0, 6).unwrap_or_default(),
            image.read_discrete(0, 5).unwrap_or_default(),
        )
    };
    let a = run(11);
    assert_eq!(a, run(11));
    assert_ne!(a.0, run(12).0);
}
