//! Acquisition benchmarks (figures printed, not asserted):
//!   cargo bench -p hearth-acquisition --bench acquisition
//! (a) 125-register reads/s on one connection against the simulator, through the poller (request,
//!     reply, decode of 125 tags), beside a plain TCP ping-pong of the same frame sizes;
//! (b) 100 devices x 200 tags polled at 1 Hz: CPU of the thread running every poller.
//! Server and client threads are pinned to separate cores (unpinned threads migrating between
//! this VM's two vCPUs made loopback exchanges several times slower and unrepeatable).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_acquisition::{DevicePoller, PollReport};
use hearth_model::SystemClock;
use hearth_model::config::Config;
use hearth_sim::registers::load_test_map;
use hearth_sim::{RunningSimulator, SimulatorOptions};

fn pin(core: usize) {
    if let Some(id) =
        core_affinity::get_core_ids().and_then(|ids| ids.into_iter().find(|c| c.id == core))
    {
        core_affinity::set_for_current(id);
    }
}

/// A plant of `ports.len()` devices, each with `tags` int16 input registers from address 0.
fn plant(dir: &Path, ports: &[u16], tags: u16) -> Result<Config, Box<dyn std::error::Error>> {
    let mut text = String::from(
        "[plant]\nname = \"bench\"\ntime_zone = \"UTC\"\n[poll_groups.fast]\ninterval_ms = 1000\n",
    );
    for (d, port) in ports.iter().enumerate() {
        let mut map = String::new();
        for t in 0..tags {
            map.push_str(&format!(
                "[tags.d{d}_t{t}]\nregister = \"input\"\naddress = {t}\ntype = \"int16\"\nscale = 0.1\nunit = \"degC\"\npoll_group = \"fast\"\n"
            ));
        }
        std::fs::write(dir.join(format!("d{d}.toml")), map)?;
        text.push_str(&format!(
            "[devices.d{d}]\nkind = \"plc\"\nport = {port}\nregister_map = \"d{d}.toml\"\nbackoff_max_ms = 1000\n"
        ));
    }
    text.push_str("[furnace]\nzones = [{ name = \"z\", temperature = \"d0_t0\", setpoint = \"d0_t0\", fuel_flow = \"d0_t0\" }]\n");
    std::fs::write(dir.join("plant.toml"), text)?;
    Ok(Config::load(&dir.join("plant.toml")).map_err(|e| e.to_string())?)
}

fn server_runtime() -> Result<tokio::runtime::Runtime, std::io::Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .on_thread_start(|| pin(0))
        .enable_all()
        .build()
}

async fn start_sims(
    n: usize,
    regs: u16,
) -> Result<Vec<RunningSimulator>, Box<dyn std::error::Error>> {
    let mut sims = Vec::new();
    for i in 0..n {
        sims.push(
            RunningSimulator::start(SimulatorOptions {
                bind: "127.0.0.1:0".parse()?,
                speed: 1.0,
                seed: i as u64,
                unit_id: 1,
                register_map: load_test_map(regs),
                scenario: None,
            })
            .await?,
        );
    }
    Ok(sims)
}

fn ping_pong(run: Duration) -> Result<f64, String> {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = l.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        pin(0);
        if let Ok((mut c, _)) = l.accept() {
            c.set_nodelay(true).ok();
            let (mut req, resp) = ([0u8; 12], [0u8; 259]);
            while c.read_exact(&mut req).is_ok() && c.write_all(&resp).is_ok() {}
        }
    });
    std::thread::spawn(move || {
        pin(1);
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
    })
    .join()
    .map_err(|_| "ping-pong thread panicked".to_owned())?
}

/// This thread's CPU time so far (user + system), from /proc.
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<u64> = rest
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    let ticks = f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn reads_per_second() -> Result<(), Box<dyn std::error::Error>> {
    let server = server_runtime()?;
    let sims = server.block_on(start_sims(1, 125))?;
    let dir = tempfile::tempdir()?;
    let config = Arc::new(plant(dir.path(), &[sims[0].local_addr().port()], 125)?);
    let run = Duration::from_secs(3);
    let rate = std::thread::spawn(move || -> Result<f64, String> {
        pin(1);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            let mut p = DevicePoller::new(config, 0, Arc::new(SystemClock));
            p.poll_group(0).await;
            let t = Instant::now();
            let mut n = 0u32;
            while t.elapsed() < run {
                let s = p.poll_group(0).await;
                if s.len() != 125 || !s.iter().all(|s| s.quality.is_good()) {
                    return Err("a read failed".to_owned());
                }
                n += 1;
            }
            Ok(f64::from(n) / t.elapsed().as_secs_f64())
        })
    })
    .join()
    .map_err(|_| "client panicked")??;
    let floor = ping_pong(run)?;
    println!(
        "(a) {rate:.0} reads/s of 125 registers (decoded into 125 tags) on one connection; plain TCP ping-pong of the same frames {floor:.0}/s; ratio {:.2} (goal >= 0.55)",
        rate / floor
    );
    for s in sims {
        server.block_on(s.stop());
    }
    Ok(())
}

fn many_devices() -> Result<(), Box<dyn std::error::Error>> {
    let (devices, tags) = (100, 200u16);
    let server = server_runtime()?;
    let sims = server.block_on(start_sims(devices, tags))?;
    let ports: Vec<u16> = sims.iter().map(|s| s.local_addr().port()).collect();
    let dir = tempfile::tempdir()?;
    let config = Arc::new(plant(dir.path(), &ports, tags)?);
    let (warm, measure) = (Duration::from_secs(3), Duration::from_secs(15));
    let (cpu, samples) = std::thread::spawn(move || -> Result<(Duration, u64), String> {
        pin(1);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async {
            let (tx, mut rx) = tokio::sync::mpsc::channel::<PollReport>(4096);
            let (stop, stop_rx) = tokio::sync::watch::channel(false);
            for d in 0..config.devices.len() {
                tokio::spawn(
                    DevicePoller::new(config.clone(), d, Arc::new(SystemClock))
                        .run(tx.clone(), stop_rx.clone()),
                );
            }
            let until = tokio::time::Instant::now() + warm;
            while tokio::time::timeout_at(until, rx.recv()).await.is_ok() {}
            let (cpu0, t0) = (thread_cpu(), Instant::now());
            let mut samples = 0u64;
            let until = tokio::time::Instant::now() + measure;
            while let Ok(Some(r)) = tokio::time::timeout_at(until, rx.recv()).await {
                samples += r.samples.iter().filter(|s| s.quality.is_good()).count() as u64;
            }
            let cpu = thread_cpu() - cpu0;
            let _ = stop.send(true);
            let _ = t0;
            Ok((cpu, samples))
        })
    })
    .join()
    .map_err(|_| "client panicked")??;
    let share = cpu.as_secs_f64() / measure.as_secs_f64() * 100.0;
    println!(
        "(b) {devices} devices x {tags} tags at 1 Hz: {:.0} good samples/s decoded; acquisition thread CPU {share:.1} % of one core (goal < 5 %)",
        samples as f64 / measure.as_secs_f64()
    );
    for s in sims {
        server.block_on(s.stop());
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    reads_per_second()?;
    many_devices()
}
