//! Running the simulator in real time (or `speed` times faster) behind its Modbus server, with a
//! plant clock the engine can use as its time source.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hearth_model::config::{Config, ConfigErrors, Tag};
use hearth_model::{Clock, Timestamp};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::registers::Image;
use crate::scenario::Scenario;
use crate::server::serve;
use crate::simulation::{ServerRequests, SimSettings, Simulation};

/// The bundled register map: the file in `config/`, compiled in so `hearth-sim` runs anywhere.
pub const BUNDLED_REGISTER_MAP: &str = include_str!("../../config/simulator-registers.toml");

/// The bundled register map, checked.
pub fn bundled_register_map() -> Result<Vec<Tag>, ConfigErrors> {
    Config::register_map_from_str(
        std::path::Path::new("config/simulator-registers.toml"),
        BUNDLED_REGISTER_MAP,
    )
}

#[derive(Debug, Clone)]
pub struct SimulatorOptions {
    pub bind: SocketAddr,
    /// Plant seconds per wall second.
    pub speed: f64,
    pub seed: u64,
    pub unit_id: u8,
    pub register_map: Vec<Tag>,
    /// A scenario to play from the start.
    pub scenario: Option<Scenario>,
}

impl SimulatorOptions {
    /// The bundled register map on a free loopback port, in real time, with no scenario: what
    /// tests and benchmarks start from.
    pub fn bundled_loopback(seed: u64) -> Result<SimulatorOptions, ConfigErrors> {
        Ok(SimulatorOptions {
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            speed: 1.0,
            seed,
            unit_id: 1,
            register_map: bundled_register_map()?,
            scenario: None,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        error: std::io::Error,
    },
    #[error("register map: {0}")]
    Map(String),
    #[error("speed {0} must be above 0 and at most 10000")]
    Speed(f64),
}

pub(crate) struct State {
    pub(crate) sim: Simulation,
    pub(crate) image: Image,
}

#[derive(Debug, Clone, Copy)]
struct ClockAnchor {
    plant_ms: i64,
    wall: Instant,
    speed: f64,
}

pub(crate) struct Shared {
    state: Mutex<State>,
    anchor: Mutex<ClockAnchor>,
    /// While set and in the future, the PLC answers nothing (a comms drop or a restart).
    silent_until: Mutex<Option<Instant>>,
    /// Bumped by a PLC restart: connections of an older generation are closed.
    generation: std::sync::atomic::AtomicU64,
    /// Every write request received, as it arrived (the newest [`WRITE_LOG_LEN`]).
    writes: Mutex<std::collections::VecDeque<ReceivedWrite>>,
    /// Apply the next write, then close its connection instead of answering.
    drop_next_write_reply: std::sync::atomic::AtomicBool,
}

/// Writes remembered by a simulator, for tests that check what reached the wire.
pub const WRITE_LOG_LEN: usize = 10_000;

/// A write request as the simulator received it, before it was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedWrite {
    /// FC05, FC06, FC15 or FC16.
    pub function: u8,
    pub address: u16,
    /// The request's data after the address (a value, or quantity, byte count and values).
    pub data: Vec<u8>,
}

impl Shared {
    /// A settled plant behind `register_map`, its clock starting now.
    fn new(
        register_map: &[Tag],
        seed: u64,
        speed: f64,
        scenario: Option<Scenario>,
    ) -> Result<Shared, StartError> {
        let mut image = Image::new(register_map).map_err(StartError::Map)?;
        let start_ms = chrono::Utc::now().timestamp_millis();
        let mut sim = Simulation::new(SimSettings::typical(seed, start_ms));
        if let Some(s) = scenario {
            sim.play(s);
        }
        image.refresh(&sim);
        Ok(Shared {
            state: Mutex::new(State { sim, image }),
            anchor: Mutex::new(ClockAnchor {
                plant_ms: start_ms,
                wall: Instant::now(),
                speed,
            }),
            silent_until: Mutex::new(None),
            generation: std::sync::atomic::AtomicU64::new(0),
            writes: Mutex::new(std::collections::VecDeque::new()),
            drop_next_write_reply: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the image half-written in a way that
        // matters more than stopping the simulator would: carry on with the data.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn speed(&self) -> f64 {
        self.anchor.lock().unwrap_or_else(|p| p.into_inner()).speed
    }

    /// Change the speed from now on; plant time stays continuous.
    pub(crate) fn set_speed(&self, speed: f64) {
        let now = self.plant_now_ms();
        let mut a = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        *a = ClockAnchor {
            plant_ms: now,
            wall: Instant::now(),
            speed: speed.clamp(0.01, 10_000.0),
        };
    }

    pub(crate) fn silent(&self) -> bool {
        let s = self.silent_until.lock().unwrap_or_else(|p| p.into_inner());
        s.is_some_and(|t| Instant::now() < t)
    }

    /// Remember a write request; true when its reply is to be dropped with the connection.
    pub(crate) fn received_write(&self, w: ReceivedWrite) -> bool {
        let mut log = self.writes.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == WRITE_LOG_LEN {
            log.pop_front();
        }
        log.push_back(w);
        self.drop_next_write_reply
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Carry out what the simulation asked of the server.
    pub(crate) fn serve_requests(&self, r: ServerRequests) {
        if let Some(s) = r.comms_drop_s {
            *self.silent_until.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(Instant::now() + Duration::from_secs_f64(s));
        }
        if r.reset_connections {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn plant_now_ms(&self) -> i64 {
        let a = *self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        a.plant_ms + (a.wall.elapsed().as_secs_f64() * a.speed * 1000.0) as i64
    }
}

/// The plant clock of a running simulator: UTC plant time, moving `speed` times faster than the
/// wall clock.
#[derive(Clone)]
pub struct PlantClock(Arc<Shared>);

impl std::fmt::Debug for PlantClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlantClock").finish_non_exhaustive()
    }
}

impl Clock for PlantClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.plant_now_ms())
    }

    fn kind(&self) -> &'static str {
        "plant"
    }
}

/// Drives a running simulator through its library API: faults, pace, grades, speed.
#[derive(Clone)]
pub struct SimulatorHandle(Arc<Shared>);

impl std::fmt::Debug for SimulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorHandle").finish_non_exhaustive()
    }
}

impl SimulatorHandle {
    /// Plant seconds per wall second.
    pub fn speed(&self) -> f64 {
        self.0.speed()
    }

    /// Change the speed from now on; plant time stays continuous.
    pub fn set_speed(&self, speed: f64) {
        self.0.set_speed(speed);
    }

    /// Run `f` on the simulation; what it changes is served from the next request on.
    pub fn with_simulation<R>(&self, f: impl FnOnce(&mut Simulation) -> R) -> R {
        with_simulation(&self.0, f)
    }

    /// Every write request received so far (the newest [`WRITE_LOG_LEN`]), oldest first,
    /// whether it was applied or refused.
    pub fn writes_received(&self) -> Vec<ReceivedWrite> {
        let log = self.0.writes.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().cloned().collect()
    }

    /// The next write request is applied, then its connection is reset before the reply is
    /// sent: the client cannot know whether it took.
    pub fn reset_after_next_write(&self) {
        self.0
            .drop_next_write_reply
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn with_simulation<R>(shared: &Shared, f: impl FnOnce(&mut Simulation) -> R) -> R {
    let mut st = shared.lock();
    let State { sim, image } = &mut *st;
    let r = f(sim);
    image.refresh(sim);
    let requests = sim.take_server_requests();
    drop(st);
    shared.serve_requests(requests);
    r
}

/// The simulator's request handling without a socket: the bytes a client sends in, the bytes
/// a connection would send back out. The plant does not move on its own. For fuzzing and tests
/// of the framing; [`RunningSimulator`] is the real thing.
pub struct FrameServer {
    shared: Shared,
    unit_id: u8,
}

impl std::fmt::Debug for FrameServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameServer")
            .field("unit_id", &self.unit_id)
            .finish_non_exhaustive()
    }
}

impl FrameServer {
    pub fn new(opts: &SimulatorOptions) -> Result<FrameServer, StartError> {
        Ok(FrameServer {
            shared: Shared::new(
                &opts.register_map,
                opts.seed,
                opts.speed,
                opts.scenario.clone(),
            )?,
            unit_id: opts.unit_id,
        })
    }

    /// Answer every complete request frame in `input`, in order, as one connection would,
    /// stopping where it would close. Returns the reply bytes.
    pub fn answer_stream(&self, mut input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(header) = input.first_chunk::<7>() {
            let Some(len) = crate::server::body_len(header) else {
                break;
            };
            let Some(body) = input.get(7..7 + len) else {
                break;
            };
            match crate::server::respond(&self.shared, self.unit_id, header, body, &mut out) {
                crate::server::Step::Replied | crate::server::Step::Silent => {}
                crate::server::Step::Reset => break,
            }
            input = &input[7 + len..];
        }
        out
    }
}

/// A simulator serving Modbus TCP. Stops when [`RunningSimulator::stop`] is called or it is dropped.
pub struct RunningSimulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for RunningSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSimulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningSimulator {
    /// Bind, settle the plant and start serving. Needs a tokio runtime.
    pub async fn start(opts: SimulatorOptions) -> Result<RunningSimulator, StartError> {
        if !(opts.speed > 0.0 && opts.speed <= 10_000.0) {
            return Err(StartError::Speed(opts.speed));
        }
        let listener = TcpListener::bind(opts.bind)
            .await
            .map_err(|error| StartError::Bind {
                addr: opts.bind,
                error,
            })?;
        let addr = listener.local_addr().map_err(|error| StartError::Bind {
            addr: opts.bind,
            error,
        })?;
        let scenario = opts.scenario.clone();
        let (seed, speed, map) = (opts.seed, opts.speed, opts.register_map.clone());
        let shared = tokio::task::spawn_blocking(move || Shared::new(&map, seed, speed, scenario))
            .await
            .map_err(|e| StartError::Map(format!("simulation failed to start: {e}")))??;
        let shared = Arc::new(shared);
        let (stop, stop_rx) = watch::channel(false);

        let server = tokio::spawn(serve(
            listener,
            shared.clone(),
            opts.unit_id,
            stop_rx.clone(),
        ));

        let physics_shared = shared.clone();
        let mut rx = stop_rx;
        let physics = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = rx.wait_for(|s| *s) => break,
                }
                let target = physics_shared.plant_now_ms();
                let mut st = physics_shared.lock();
                let behind_s = (target - st.sim.plant_ms) as f64 / 1000.0;
                if behind_s >= 1.0 {
                    st.sim.step(behind_s);
                    let State { sim, image } = &mut *st;
                    image.refresh(sim);
                    let requests = sim.take_server_requests();
                    drop(st);
                    physics_shared.serve_requests(requests);
                }
            }
        });
        tracing::info!(%addr, speed = opts.speed, seed = opts.seed, "simulator listening");
        Ok(RunningSimulator {
            addr,
            shared,
            stop,
            tasks: vec![server, physics],
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulator's plant clock, for an engine that records in plant time.
    pub fn clock(&self) -> PlantClock {
        PlantClock(self.shared.clone())
    }

    /// Change the speed from now on; plant time stays continuous.
    pub fn set_speed(&self, speed: f64) {
        self.shared.set_speed(speed);
    }

    /// Run `f` on the simulation (the library API tests and the UI's Simulator page use).
    pub fn with_simulation<R>(&self, f: impl FnOnce(&mut Simulation) -> R) -> R {
        with_simulation(&self.shared, f)
    }

    /// A handle for driving this simulator from elsewhere (the engine's Simulator API); it does
    /// not keep the simulator running.
    pub fn handle(&self) -> SimulatorHandle {
        SimulatorHandle(self.shared.clone())
    }

    /// Stop serving and close every connection.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for t in &self.tasks {
            t.abort();
        }
    }
}
