//! Conformance against pymodbus, a Modbus implementation not written here: its client reads and
//! writes every register kind of the simulator and decodes values with its own converters; the
//! values must agree with the simulation's state. The test setup (`scripts/install-deps --test`)
//! installs pymodbus into `.venv`.

use std::path::Path;
use std::process::Command;

use hearth_sim::{RunningSimulator, Signal, SimulatorOptions};

type R<T> = Result<T, Box<dyn std::error::Error>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pymodbus_reads_and_writes_every_register_kind() -> R<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/install-deps --test (it installs pymodbus)",
        python.display()
    );
    let sim = RunningSimulator::start(SimulatorOptions::bundled_loopback(4)?).await?;
    let port = sim.local_addr().port().to_string();
    let script = root.join("tests/conformance/pymodbus_client.py");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .args(["--port", &port])
            .output()
    })
    .await??;
    let stdout = String::from_utf8(out.stdout)?;
    let doc: serde_json::Value = serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "pymodbus printed no JSON ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    assert_eq!(doc["failures"], serde_json::json!([]), "{doc}");
    assert!(out.status.success());

    let seen = &doc["seen"];
    let num = |k: &str| {
        seen[k]
            .as_f64()
            .ok_or_else(|| format!("{k} missing in {seen}"))
    };
    let (zone1, o2, fuel1, fuel2, air, sp, burners, pace, o2sp) = sim.with_simulation(|s| {
        (
            s.read(Signal::ZoneTemp(0)),
            s.read(Signal::O2),
            s.read(Signal::ZoneFuel(0)),
            s.read(Signal::ZoneFuel(1)),
            s.read(Signal::AirFlow),
            s.plc.zone_sp,
            s.plc.burners_on,
            s.plc.pace_sp,
            s.plc.o2_sp,
        )
    });
    // pymodbus's decoding of each type and word order matches the simulator's values (the plant
    // moves between the read and now, hence the tolerances).
    assert!(
        (num("zone1_temp")? - zone1).abs() < 5.0,
        "zone1_temp {} vs {zone1}",
        num("zone1_temp")?
    );
    assert!((num("o2")? - o2).abs() < 0.3, "o2 {} vs {o2}", num("o2")?);
    assert!(
        (num("zone1_fuel")? / fuel1 - 1.0).abs() < 0.1,
        "float32 ABCD: {} vs {fuel1}",
        num("zone1_fuel")?
    );
    assert!(
        (num("zone2_fuel")? / fuel2 - 1.0).abs() < 0.1,
        "float32 CDAB: {} vs {fuel2}",
        num("zone2_fuel")?
    );
    assert!(
        (num("air_flow")? / air - 1.0).abs() < 0.1,
        "float32 CDAB: {} vs {air}",
        num("air_flow")?
    );
    let clock = num("plant_clock")?;
    assert!(
        (clock - chrono::Utc::now().timestamp_millis() as f64).abs() < 60_000.0,
        "uint64 plant clock {clock}"
    );
    // pymodbus's writes reached the PLC program.
    assert_eq!(sp, [1050.0, 1280.0, 1236.0]);
    assert!((o2sp - 2.5).abs() < 1e-9 && (pace - 280.0).abs() < 1e-9);
    assert_eq!(burners, [true, false, false]);
    Ok(())
}
