//! Acquisition against devices that misbehave, served by a small Modbus server written for this
//! test: one that accepts connections and never answers, one that floods the connection with
//! unsolicited bytes, one that always answers too late, one that answers with the wrong
//! transaction id, one whose first answer comes after the timeout, one that answers everything
//! with an exception. None may stall another device, and a late reply is never taken for the
//! answer to a newer request.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use hearth_acquisition::{DevicePoller, PollReport};
use hearth_model::config::Config;
use hearth_model::{Quality, SystemClock};
use hearth_sim::{RunningSimulator, SimulatorOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

type R<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Clone, Copy)]
enum Behaviour {
    /// Accept, read, never answer.
    Silent,
    /// Answer with the transaction id plus one.
    WrongTid,
    /// Answer the very first request after `0` ms, carrying value 111; answer every later
    /// request at once with value 222.
    LateFirst(u64),
    /// Answer every request with this exception code.
    Exception(u8),
    /// Pour out unsolicited bytes, as fast as the socket takes them.
    Flood,
    /// Answer every request, always after this many ms.
    Slow(u64),
}

/// Serve FC04 reads of any count, each register holding a marker value. Returns the port.
async fn misbehaving(b: Behaviour) -> R<(u16, Arc<AtomicU32>)> {
    let l = TcpListener::bind("127.0.0.1:0").await?;
    let port = l.local_addr()?.port();
    let connections = Arc::new(AtomicU32::new(0));
    let count = connections.clone();
    let late_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let late_done = late_done.clone();
            tokio::spawn(async move {
                if let Behaviour::Flood = b {
                    let junk = [0xA5u8; 4096];
                    while s.write_all(&junk).await.is_ok() {}
                    return;
                }
                loop {
                    let mut h = [0u8; 7];
                    if s.read_exact(&mut h).await.is_err() {
                        return;
                    }
                    let len = usize::from(u16::from_be_bytes([h[4], h[5]])).saturating_sub(1);
                    let mut pdu = vec![0u8; len];
                    if s.read_exact(&mut pdu).await.is_err() {
                        return;
                    }
                    let n = usize::from(u16::from_be_bytes([pdu[3], pdu[4]]));
                    let (mut tid, mut value) = ([h[0], h[1]], 222u16);
                    let body: Vec<u8> = match b {
                        Behaviour::Silent | Behaviour::Flood => continue,
                        Behaviour::Slow(ms) => {
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                            words(pdu[0], n, value)
                        }
                        Behaviour::Exception(code) => vec![pdu[0] | 0x80, code],
                        Behaviour::WrongTid => {
                            tid = (u16::from_be_bytes(tid).wrapping_add(1)).to_be_bytes();
                            words(pdu[0], n, value)
                        }
                        Behaviour::LateFirst(ms) => {
                            if !late_done.swap(true, Ordering::SeqCst) {
                                value = 111;
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                            }
                            words(pdu[0], n, value)
                        }
                    };
                    let mut out = vec![tid[0], tid[1], 0, 0];
                    out.extend_from_slice(&((body.len() + 1) as u16).to_be_bytes());
                    out.push(h[6]);
                    out.extend(body);
                    if s.write_all(&out).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok((port, connections))
}

fn words(fc: u8, n: usize, value: u16) -> Vec<u8> {
    let mut v = vec![fc, (2 * n) as u8];
    for _ in 0..n {
        v.extend_from_slice(&value.to_be_bytes());
    }
    v
}

/// A plant with a device `plc` at `port` (one uint16 tag, `marker`, at input 0) and, when
/// `sim_port` is given, the bundled simulator as `furnace`.
fn plant(port: u16, unit_id: u8, sim_port: Option<u16>) -> R<(tempfile::TempDir, Config)> {
    let dir = tempfile::tempdir()?;
    let repo = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    std::fs::write(
        dir.path().join("plc.toml"),
        "[tags.marker]\nregister = \"input\"\naddress = 0\ntype = \"uint16\"\nunit = \"count\"\npoll_group = \"fast\"\n",
    )?;
    let mut text = format!(
        "[plant]\nname = \"test\"\ntime_zone = \"UTC\"\n[poll_groups.fast]\ninterval_ms = 500\n\
         [devices.plc]\nkind = \"plc\"\nport = {port}\nunit_id = {unit_id}\nrequest_timeout_ms = 300\nconnect_timeout_ms = 300\nretries = 0\nbackoff_max_ms = 500\nregister_map = \"plc.toml\"\n"
    );
    let zones = if let Some(sp) = sim_port {
        std::fs::copy(
            repo.join("config/simulator-registers.toml"),
            dir.path().join("sim.toml"),
        )?;
        // The simulator's map refers to poll groups the default plant defines.
        text = text.replace("[poll_groups.fast]\ninterval_ms = 500\n", "[poll_groups.fast]\ninterval_ms = 500\n[poll_groups.analysers]\ninterval_ms = 5000\n[poll_groups.slow]\ninterval_ms = 10000\n");
        text.push_str(&format!(
            "[devices.furnace]\nkind = \"plc\"\nport = {sp}\nregister_map = \"sim.toml\"\n"
        ));
        "zones = [{ name = \"z\", temperature = \"zone1_temp\", setpoint = \"zone1_sp\", fuel_flow = \"zone1_fuel\" }]"
    } else {
        "zones = [{ name = \"z\", temperature = \"marker\", setpoint = \"marker\", fuel_flow = \"marker\" }]"
    };
    text.push_str(&format!("[furnace]\n{zones}\n"));
    std::fs::write(dir.path().join("plant.toml"), text)?;
    let c = Config::load(&dir.path().join("plant.toml")).map_err(|e| e.to_string())?;
    Ok((dir, c))
}

/// What a misbehaving `plc` and the healthy simulator `furnace` reported when polled side by
/// side for `run`: the plc's reports with when they came, and when each full furnace cycle came.
struct SideBySide {
    plc: Vec<(Duration, PollReport)>,
    furnace: Vec<Duration>,
}

impl SideBySide {
    /// The longest wait between two consecutive healthy-device cycles.
    fn worst_furnace_gap(&self) -> Duration {
        self.furnace
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or_default()
    }
}

async fn beside_a_healthy_device(
    b: Behaviour,
    sim: &RunningSimulator,
    run: Duration,
) -> R<SideBySide> {
    let (port, _) = misbehaving(b).await?;
    let (_d, config) = plant(port, 1, Some(sim.local_addr().port()))?;
    let config = Arc::new(config);
    let index = |name: &str| {
        config
            .devices
            .iter()
            .position(|d| d.name == name)
            .ok_or(format!("no {name}"))
    };
    let (plc, furnace) = (index("plc")?, index("furnace")?);
    let (tx, mut rx) = mpsc::channel::<PollReport>(256);
    let (stop, stop_rx) = watch::channel(false);
    for d in [plc, furnace] {
        tokio::spawn(
            DevicePoller::new(config.clone(), d, Arc::new(SystemClock))
                .run(tx.clone(), stop_rx.clone()),
        );
    }
    let start = Instant::now();
    let mut out = SideBySide {
        plc: Vec::new(),
        furnace: Vec::new(),
    };
    while start.elapsed() < run {
        let Ok(Some(r)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await else {
            continue;
        };
        if r.device == plc {
            out.plc.push((start.elapsed(), r));
        } else if r.device == furnace && r.samples.len() > 10 {
            assert!(
                r.samples.iter().all(|s| s.quality == Quality::Good),
                "the healthy device is Good"
            );
            out.furnace.push(start.elapsed());
        }
    }
    let _ = stop.send(true);
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_never_answers_goes_bad_in_time_and_never_delays_another() -> R<()> {
    let sim = RunningSimulator::start(SimulatorOptions::bundled_loopback(1)?).await?;
    let seen = beside_a_healthy_device(Behaviour::Silent, &sim, Duration::from_secs(4)).await?;
    // Bad within the request timeout (300 ms) plus scheduling, not after some long stall.
    let bad_at = seen
        .plc
        .iter()
        .find(|(_, r)| {
            r.samples
                .iter()
                .all(|s| s.quality == Quality::BadNoCommunication)
        })
        .map(|(t, _)| *t)
        .ok_or("the silent device never went Bad")?;
    assert!(
        bad_at < Duration::from_millis(1500),
        "silent device Bad after {bad_at:?}"
    );
    // The healthy device kept its 500 ms rhythm throughout.
    assert!(
        seen.furnace.len() >= 7,
        "{} furnace reports in 4 s",
        seen.furnace.len()
    );
    let worst = seen.worst_furnace_gap();
    assert!(
        worst < Duration::from_millis(900),
        "the healthy device waited {worst:?} between polls"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flooding_and_slow_devices_go_bad_with_the_right_kind_and_never_delay_another() -> R<()> {
    let sim = RunningSimulator::start(SimulatorOptions::bundled_loopback(1)?).await?;
    for (behaviour, kind) in [
        (Behaviour::Flood, "protocol"),
        (Behaviour::Slow(800), "timeout"),
    ] {
        let seen = beside_a_healthy_device(behaviour, &sim, Duration::from_secs(3)).await?;
        for (_, r) in &seen.plc {
            assert!(
                r.samples
                    .iter()
                    .all(|s| s.quality == Quality::BadNoCommunication),
                "{kind}: {:?}",
                r.samples
            );
        }
        let st = &seen
            .plc
            .last()
            .ok_or("no report from the misbehaving device")?
            .1
            .status;
        match kind {
            "protocol" => assert!(st.protocol_errors >= 1, "{st:?}"),
            _ => assert!(st.timeouts >= 1, "{st:?}"),
        }
        assert!(
            seen.furnace.len() >= 5,
            "{kind}: {} healthy reports in 3 s",
            seen.furnace.len()
        );
        let worst = seen.worst_furnace_gap();
        assert!(
            worst < Duration::from_millis(900),
            "{kind}: the healthy device waited {worst:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_reply_with_the_wrong_transaction_id_is_refused_and_the_connection_recycled() -> R<()> {
    let (port, connections) = misbehaving(Behaviour::WrongTid).await?;
    let (_d, config) = plant(port, 1, None)?;
    let mut p = DevicePoller::new(Arc::new(config), 0, Arc::new(SystemClock));
    let s = p.poll_group(0).await;
    assert_eq!(s[0].quality, Quality::BadNoCommunication, "{s:?}");
    assert!(p.status().error.is_some());
    assert_eq!(p.status().protocol_errors, 1, "counted as a protocol error");
    tokio::time::sleep(Duration::from_millis(600)).await;
    p.poll_group(0).await;
    assert!(
        connections.load(Ordering::SeqCst) >= 2,
        "a fresh connection after the bad reply"
    );
    Ok(())
}

#[tokio::test]
async fn a_late_reply_is_never_taken_for_a_newer_request() -> R<()> {
    let (port, connections) = misbehaving(Behaviour::LateFirst(700)).await?;
    let (_d, config) = plant(port, 1, None)?;
    let mut p = DevicePoller::new(Arc::new(config), 0, Arc::new(SystemClock));
    let first = p.poll_group(0).await;
    assert_eq!(first[0].quality, Quality::BadNoCommunication, "timed out");
    assert_eq!(p.status().timeouts, 1);
    // The late answer (111) arrives while the poller waits; what it reads next must be a fresh
    // answer (222) on a fresh connection.
    let mut values = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while values.len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let s = p.poll_group(0).await;
        if s[0].quality == Quality::Good {
            values.push(s[0].value);
        }
    }
    assert!(!values.is_empty(), "never recovered");
    assert!(
        values.iter().all(|v| *v == Some(222.0)),
        "a stale reply was taken: {values:?}"
    );
    assert!(connections.load(Ordering::SeqCst) >= 2);
    Ok(())
}

#[tokio::test]
async fn exception_replies_and_a_wrong_unit_id_read_as_device_exceptions() -> R<()> {
    let (port, connections) = misbehaving(Behaviour::Exception(4)).await?;
    let (_d, config) = plant(port, 1, None)?;
    let mut p = DevicePoller::new(Arc::new(config), 0, Arc::new(SystemClock));
    for _ in 0..3 {
        let s = p.poll_group(0).await;
        assert_eq!(s[0].quality, Quality::BadDeviceException(4));
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "an exception is an answer: the connection stays"
    );

    let sim = RunningSimulator::start(SimulatorOptions::bundled_loopback(1)?).await?;
    let (_d2, config) = plant(sim.local_addr().port(), 7, None)?;
    let mut p = DevicePoller::new(Arc::new(config), 0, Arc::new(SystemClock));
    let s = p.poll_group(0).await;
    assert_eq!(
        s[0].quality,
        Quality::BadDeviceException(0x0B),
        "unit 7 is not there"
    );
    Ok(())
}
