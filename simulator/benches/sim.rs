//! Simulator benchmarks (figures printed, not asserted):
//!   cargo bench -p hearth-sim --bench sim
//! 1. plant-seconds simulated per wall-second with `Simulation::step`, on one core;
//! 2. 125-register reads served per second to one client over loopback TCP, beside a plain TCP
//!    ping-pong of the same frame sizes (the physical limit), with server and client pinned to one
//!    core and to two. Threads are pinned because on this 2-vCPU VM unpinned threads migrating
//!    between cores made the same exchange 5-10 times slower and the figure unrepeatable.

use std::time::{Duration, Instant};

use hearth_sim::registers::load_test_map;
use hearth_sim::{RunningSimulator, SimSettings, Simulation, SimulatorOptions};

fn step_speed() {
    let mut sim = Simulation::new(SimSettings::typical(1, 0));
    let plant_s = 7.0 * 24.0 * 3600.0;
    let t = Instant::now();
    sim.step(plant_s);
    let wall = t.elapsed().as_secs_f64();
    println!(
        "step: {plant_s:.0} plant-seconds in {wall:.3} s wall = {:.0}x real time (goal >= 10,000x, one core)",
        plant_s / wall
    );
}

/// A blocking client on its own OS thread, as a separate process would be: one request in
/// flight, the next sent when the reply is in.
fn client(addr: std::net::SocketAddr, run: Duration, core: usize) -> Result<f64, String> {
    use std::io::{Read, Write};
    pin(core);
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut frame = [0u8, 0, 0, 0, 0, 6, 1, 0x04, 0, 0, 0, 125];
    let mut resp = vec![0u8; 9 + 250];
    let t = Instant::now();
    let mut n: u32 = 0;
    while t.elapsed() < run {
        n = n.wrapping_add(1);
        frame[..2].copy_from_slice(&(n as u16).to_be_bytes());
        s.write_all(&frame).map_err(|e| e.to_string())?;
        s.read_exact(&mut resp).map_err(|e| e.to_string())?;
        if resp[7] != 0x04 || resp[8] != 250 || resp[..2] != frame[..2] {
            return Err(format!("unexpected reply {:02X?}", &resp[..9]));
        }
    }
    Ok(f64::from(n) / t.elapsed().as_secs_f64())
}

/// The physical limit here: a plain TCP ping-pong of the same frame sizes between two threads.
fn ping_pong(run: Duration, server_core: usize, client_core: usize) -> Result<f64, String> {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = l.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        pin(server_core);
        if let Ok((mut c, _)) = l.accept() {
            c.set_nodelay(true).ok();
            let (mut req, resp) = ([0u8; 12], [0u8; 259]);
            while c.read_exact(&mut req).is_ok() && c.write_all(&resp).is_ok() {}
        }
    });
    pin(client_core);
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_nodelay(true).map_err(|e| e.to_string())?;
    let (req, mut resp) = ([0u8; 12], [0u8; 259]);
    let t = Instant::now();
    let mut n = 0u32;
    while t.elapsed() < run {
        s.write_all(&req).map_err(|e| e.to_string())?;
        s.read_exact(&mut resp).map_err(|e| e.to_string())?;
        n += 1;
    }
    Ok(f64::from(n) / t.elapsed().as_secs_f64())
}

fn pin(core: usize) {
    if let Some(id) =
        core_affinity::get_core_ids().and_then(|ids| ids.into_iter().find(|c| c.id == core))
    {
        core_affinity::set_for_current(id);
    }
}

fn served(server_core: usize, client_core: usize) -> Result<f64, Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .on_thread_start(move || pin(server_core))
        .enable_all()
        .build()?;
    let sim = rt.block_on(RunningSimulator::start(SimulatorOptions {
        bind: "127.0.0.1:0".parse()?,
        speed: 1.0,
        seed: 1,
        unit_id: 1,
        register_map: load_test_map(125),
        scenario: None,
    }))?;
    let addr = sim.local_addr();
    let rate = std::thread::spawn(move || client(addr, Duration::from_secs(3), client_core))
        .join()
        .map_err(|_| "client panicked")??;
    rt.block_on(sim.stop());
    Ok(rate)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    pin(0);
    step_speed();
    for (label, server_core, client_core) in [("one core", 0, 0), ("two cores", 0, 1)] {
        let floor = ping_pong(Duration::from_secs(3), server_core, client_core)?;
        let rate = served(server_core, client_core)?;
        println!(
            "{label}: server {rate:.0} reads/s of 125 registers to one client; plain TCP ping-pong of the same frames {floor:.0}/s; ratio {:.2} (goal >= 25,000/s; client: blocking Modbus TCP, one request in flight, loopback)",
            rate / floor
        );
    }
    Ok(())
}
