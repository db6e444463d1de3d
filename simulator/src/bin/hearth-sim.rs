//! `hearth-sim`: the bundled reheating-furnace PLC simulator as a standalone Modbus TCP server.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use hearth_model::Clock;
use hearth_model::config::Config;
use hearth_sim::{RunningSimulator, Signal, SimulatorOptions, bundled_register_map};

/// A reheating furnace (preheat, heating and soak zones) behind a Modbus TCP server, for trying
/// and testing Hearth without a plant. Prints `listening on HOST:PORT` when ready.
#[derive(Parser, Debug)]
#[command(name = "hearth-sim", version)]
struct Args {
    /// Address to listen on. Loopback unless you mean it: Modbus has no authentication.
    #[arg(long, default_value = "127.0.0.1:5020")]
    bind: SocketAddr,
    /// Plant seconds per wall second (1 = real time; up to 10000 for demos).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Seed for sensor noise: the same seed gives the same register values.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Modbus unit id to answer to (0 and 255 are always answered).
    #[arg(long, default_value_t = 1)]
    unit_id: u8,
    /// A scenario to play: pace changes, charge temperature, mill delays, gas changes and faults
    /// scheduled in plant time (see config/scenarios/).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Register map to serve (default: the bundled config/simulator-registers.toml).
    #[arg(long)]
    register_map: Option<PathBuf>,
    /// Seconds between status lines (0 = none).
    #[arg(long, default_value_t = 10)]
    status_every: u64,
}

fn main() {
    let code = match run() {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("hearth-sim: {err:#}");
            1
        }
    };
    std::process::exit(code);
}

#[tokio::main]
async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let register_map = match &args.register_map {
        Some(p) => Config::register_map(p).map_err(|e| anyhow::anyhow!("{e}"))?,
        None => bundled_register_map().map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let scenario = match &args.scenario {
        Some(p) => Some(hearth_sim::Scenario::load(p)?),
        None => None,
    };
    if let Some(s) = &scenario {
        println!("scenario: {} ({} events)", s.name, s.events.len());
    }
    let sim = RunningSimulator::start(SimulatorOptions {
        bind: args.bind,
        speed: args.speed,
        seed: args.seed,
        unit_id: args.unit_id,
        register_map,
        scenario,
    })
    .await
    .context("starting the simulator")?;
    println!("listening on {}", sim.local_addr());
    std::io::stdout().flush().ok();

    let clock = sim.clock();
    let mut status = tokio::time::interval(Duration::from_secs(args.status_every.max(1)));
    status.tick().await;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = status.tick(), if args.status_every > 0 => {
                let line = sim.with_simulation(|s| {
                    format!(
                        "{}  zones {:.0}/{:.0}/{:.0} C  fuel {:.0} Nm3/h  O2 {:.2} %  {:.0} t/h",
                        clock.now().to_rfc3339(),
                        s.read(Signal::ZoneTemp(0)),
                        s.read(Signal::ZoneTemp(1)),
                        s.read(Signal::ZoneTemp(2)),
                        (0..3).map(|z| s.read(Signal::ZoneFuel(z))).sum::<f64>(),
                        s.read(Signal::O2),
                        s.read(Signal::Throughput),
                    )
                });
                println!("{line}");
            }
        }
    }
    eprintln!("stopping");
    sim.stop().await;
    Ok(())
}
