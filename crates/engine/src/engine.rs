//! Starting, running and stopping the engine, and the API every face calls.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use hearth_acquisition::{DevicePoller, PollReport};
use hearth_historian::{Historian, HistorianError, SledHistorian};
use hearth_model::api::{
    EngineStatus, FurnaceRoles, History, HistoryPoint, LiveBatch, PlantInfo, Snapshot, TagInfo,
    ZoneRoles,
};
use hearth_model::config::{Config, Device};
use hearth_model::{Clock, SharedClock, SteadyClock, SystemClock, TagId};
use hearth_sim::{RunningSimulator, SimulatorOptions, StartError};
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use crate::alarming::{AckRequest, ActiveAlarm, AlarmTable};
use crate::datadir::{DataDir, DataDirError, EngineInfo, dir_size};
use crate::history::{ExportQuery, HistoryQuery, PointsQuery, QueryError};
use crate::live::LiveTable;
use crate::recording::Recorder;
use crate::settings::SettingsView;
use crate::simulator::{SimControl, SimulatorCommand, SimulatorError, SimulatorView};

/// The built UI, served by the HTTP face (the binary embeds `ui/dist`).
pub type UiAssets = &'static include_dir::Dir<'static>;

pub struct EngineOptions {
    pub config: Config,
    pub data_dir: PathBuf,
    /// Where the HTTP/WebSocket face listens; `None` for no HTTP face.
    pub bind: Option<SocketAddr>,
    pub ui: Option<UiAssets>,
    /// The time source; by default the bundled simulator's plant clock when one runs, else UTC.
    pub clock: Option<SharedClock>,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error(transparent)]
    Historian(#[from] HistorianError),
    #[error("starting the bundled simulator for device `{device}`: {error}")]
    Simulator { device: String, error: StartError },
    #[error("cannot serve on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        error: std::io::Error,
    },
    #[error(transparent)]
    Journal(#[from] crate::journal::JournalError),
    #[error(transparent)]
    Marks(#[from] crate::marks::MarkError),
    #[error(transparent)]
    Audit(#[from] crate::audit::AuditError),
    #[error(transparent)]
    Optimiser(#[from] crate::optimising::OptimiserError),
    #[error(
        "refusing to serve on {0}: it is reachable from other machines and the config lists no users ([[server.user]] with roles); bind 127.0.0.1 or add users"
    )]
    Unprotected(SocketAddr),
    /// A request that cannot be answered as asked (a date that is not one).
    #[error("{0}")]
    BadQuery(String),
    #[error("{0}")]
    Internal(String),
}

/// How far ahead of the clock a recorded point may be and still be caught up to (see
/// [`SteadyClock::hold_after`]).
const HOLD_AFTER_RECORDED_MS: i64 = 24 * 3_600_000;

pub(crate) struct Inner {
    /// The configuration in effect; swapped whole when a setting changes at run time.
    config: RwLock<Arc<Config>>,
    /// Bumped on each such change, so the ingest task rebuilds what it derived from it.
    config_version: std::sync::atomic::AtomicU64,
    pub(crate) clock: SharedClock,
    /// The same clock, for its skew against the wall clock.
    steady: Arc<SteadyClock>,
    /// Taken (and so closed) by `stop`, whatever engine handles outlive it.
    historian: RwLock<Option<Arc<dyn Historian>>>,
    pub(crate) live: RwLock<LiveTable>,
    tx: broadcast::Sender<LiveBatch>,
    data_dir: PathBuf,
    api_url: RwLock<Option<String>>,
    /// Simulators the Simulator page can drive, by device name.
    sims: Vec<(String, SimControl)>,
    pub(crate) alarms: std::sync::Mutex<AlarmTable>,
    /// Bumped on every alarm transition; carried by snapshots and live batches.
    alarms_version: std::sync::atomic::AtomicU64,
    journal: crate::journal::Journal,
    marks: crate::marks::Marks,
    pub(crate) audit: crate::audit::AuditLog,
    pub(crate) optimiser: crate::optimising::OptimiserDesk,
    pub(crate) evaluations: std::sync::Mutex<crate::optimising::Evaluations>,
    pub(crate) writes: crate::writes::WriteDesk,
    /// One settings change at a time: each reads, checks and replaces the plant file.
    pub(crate) changing: tokio::sync::Mutex<()>,
    /// Lets the CLI of the user who runs the engine through `hearth serve`'s login (it is in
    /// `engine.json`, readable by that user only).
    pub(crate) local_token: String,
}

impl Inner {
    pub(crate) fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Put an event on the audit log; its sequence number, or None (and an error logged) when
    /// the log could not be written.
    pub(crate) fn record(&self, event: crate::audit::AuditEvent) -> Option<u64> {
        match self.audit.append(event) {
            Ok(e) => Some(e.seq),
            Err(err) => {
                tracing::error!(%err, "audit log not written");
                None
            }
        }
    }

    pub(crate) fn config_version(&self) -> u64 {
        self.config_version
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Put `config` in effect (a run-time change of limits, factors or prices).
    pub(crate) fn set_config(&self, config: Config) {
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(config);
        self.config_version
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn alarms_version(&self) -> u64 {
        self.alarms_version
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Journal alarm transitions made outside an operator's action, and tell the faces the
    /// alarm list moved. A journal that cannot be written is logged; the alarms carry on.
    fn journal_transitions(&self, entries: &[crate::journal::JournalEntry]) {
        if entries.is_empty() {
            return;
        }
        self.alarms_changed();
        if let Err(err) = self.journal.append(entries) {
            tracing::error!(%err, "alarm journal not written");
        }
    }

    pub(crate) fn alarms_changed(&self) {
        self.alarms_version
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A handle on a running engine: cheap to clone, what every face calls.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("data_dir", &self.inner.data_dir)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Start an engine: lock the data dir, open the historian, start the bundled simulator if
    /// configured, start the pollers and (if asked) the HTTP face.
    pub async fn start(opts: EngineOptions) -> Result<RunningEngine, EngineError> {
        if let Some(addr) = opts.bind
            && !addr.ip().is_loopback()
            && opts.config.server.users.is_empty()
        {
            return Err(EngineError::Unprotected(addr));
        }
        let datadir = DataDir::acquire(&opts.data_dir)?;
        let mut config = opts.config;
        let historian_dir = opts.data_dir.join("historian");
        let hopts = crate::history::historian_options(&config);
        let historian: Arc<dyn Historian> = Arc::new(
            tokio::task::spawn_blocking(move || SledHistorian::open(&historian_dir, hopts))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??,
        );

        let (sims, plant_clock) = start_embedded_simulators(&mut config).await?;
        let source = opts
            .clock
            .or(plant_clock)
            .unwrap_or_else(|| Arc::new(SystemClock));
        // Stamps never go back: not after a step of the wall clock, nor across a restart after
        // one (the newest recorded point is caught up to at half speed, if within a day).
        let steady = Arc::new(SteadyClock::new(source));
        let names: Vec<&str> = config.tags.iter().map(|t| t.name.as_str()).collect();
        let newest = historian
            .latest(&names)?
            .into_iter()
            .flatten()
            .map(|p| p.ts)
            .max();
        if let Some(t) = newest {
            let ahead = t.0 - steady.now().0;
            if steady.hold_after(t, HOLD_AFTER_RECORDED_MS) {
                tracing::warn!(
                    ahead_ms = ahead,
                    "the newest recorded point is ahead of the clock (was it set back?): timestamps go on at half speed until the clock catches up"
                );
            } else if ahead > 0 {
                tracing::error!(
                    ahead_ms = ahead,
                    "the newest recorded point is more than a day ahead of the clock: points are refused until the clock passes it; check the PC's clock"
                );
            }
        }
        let clock: SharedClock = steady.clone();
        let config = Arc::new(config);
        let embedded = config.devices.iter().filter(|d| d.is_embedded_simulator());
        let mut controls: Vec<(String, SimControl)> = embedded
            .zip(&sims)
            .map(|(d, sim)| (d.name.clone(), SimControl::Embedded(sim.handle())))
            .collect();
        controls.extend(
            config
                .devices
                .iter()
                .filter(|d| d.is_external_simulator())
                .map(|d| {
                    (
                        d.name.clone(),
                        SimControl::External {
                            addr: d.address(),
                            unit: d.unit_id,
                        },
                    )
                }),
        );

        let recorder = Recorder::new(&config, historian.clone())?;

        let (tx, _) = broadcast::channel(256);
        let inner = Arc::new(Inner {
            live: RwLock::new(LiveTable::new(&config)),
            config: RwLock::new(config.clone()),
            config_version: std::sync::atomic::AtomicU64::new(0),
            clock: clock.clone(),
            steady,
            historian: RwLock::new(Some(historian.clone())),
            tx,
            data_dir: opts.data_dir.clone(),
            api_url: RwLock::new(None),
            sims: controls,
            alarms: std::sync::Mutex::new(AlarmTable::new(&config)),
            alarms_version: std::sync::atomic::AtomicU64::new(0),
            journal: crate::journal::Journal::open(&opts.data_dir.join("alarms"))?,
            marks: crate::marks::Marks::open(&opts.data_dir.join("emissions"))?,
            audit: crate::audit::AuditLog::open(&opts.data_dir.join("audit"))?,
            optimiser: crate::optimising::OptimiserDesk::open(&opts.data_dir.join("optimiser"))?,
            evaluations: std::sync::Mutex::new(crate::optimising::Evaluations::default()),
            writes: crate::writes::WriteDesk::new(),
            changing: tokio::sync::Mutex::new(()),
            local_token: crate::auth::new_secret(),
        });
        let engine = Engine { inner };
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks = Vec::new();

        let (report_tx, report_rx) = mpsc::channel::<PollReport>(1024);
        for d in 0..config.devices.len() {
            let poller = DevicePoller::new(config.clone(), d, clock.clone());
            tasks.push(tokio::spawn(
                poller.run(report_tx.clone(), shutdown_rx.clone()),
            ));
        }
        drop(report_tx);
        let ingest = tokio::spawn(ingest(engine.clone(), report_rx, recorder));
        tasks.push(tokio::spawn(permit_watch(
            engine.clone(),
            shutdown_rx.clone(),
        )));
        tasks.push(tokio::spawn(crate::optimising::optimiser_loop(
            engine.clone(),
            shutdown_rx.clone(),
        )));
        let flusher = tokio::spawn(flush_loop(
            historian.clone(),
            config.historian.flush_interval,
            shutdown_rx.clone(),
        ));
        tasks.push(tokio::spawn(retention_loop(
            historian.clone(),
            clock.clone(),
            shutdown_rx.clone(),
        )));

        let mut http = None;
        let mut http_addr = None;
        if let Some(addr) = opts.bind {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|error| EngineError::Bind { addr, error })?;
            let local = listener
                .local_addr()
                .map_err(|error| EngineError::Bind { addr, error })?;
            let url = format!("http://{local}");
            if let Ok(mut u) = engine.inner.api_url.write() {
                *u = Some(url.clone());
            }
            http_addr = Some(local);
            http = Some(tokio::spawn(crate::http::serve(
                listener,
                engine.clone(),
                opts.ui,
                shutdown_rx.clone(),
            )));
            tracing::info!(%url, "engine API listening");
        }
        datadir.publish(&EngineInfo {
            pid: std::process::id(),
            api_url: engine.api_url(),
            local_token: Some(engine.inner.local_token.clone()),
            started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })?;

        Ok(RunningEngine {
            engine,
            shutdown,
            pollers: tasks,
            ingest: Some(ingest),
            flusher: Some(flusher),
            http,
            http_addr,
            sims,
            datadir: Some(datadir),
        })
    }

    /// The configuration in effect now (limits, factors and prices can change at run time).
    pub fn config(&self) -> Arc<Config> {
        self.inner.config()
    }

    pub fn api_url(&self) -> Option<String> {
        self.inner.api_url.read().ok().and_then(|u| u.clone())
    }

    pub fn plant_info(&self) -> PlantInfo {
        let c = &self.inner.config();
        let name = |id: TagId| c.tag(id).map(|t| t.name.clone()).unwrap_or_default();
        let opt = |id: Option<TagId>| id.map(name);
        let f = &c.furnace;
        PlantInfo {
            name: c.plant.name.clone(),
            time_zone: c.plant.time_zone.name().to_owned(),
            tags: c
                .tags
                .iter()
                .map(|t| TagInfo {
                    name: t.name.clone(),
                    device: c
                        .devices
                        .get(t.device)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    unit: t.unit.clone(),
                    description: t.description.clone(),
                    poll_group: c
                        .poll_groups
                        .get(t.poll_group)
                        .map(|g| g.name.clone())
                        .unwrap_or_default(),
                    range: t.range,
                    decimals: t.decimals(),
                    derived: t.derived.is_some(),
                })
                .collect(),
            furnace: FurnaceRoles {
                zones: f
                    .zones
                    .iter()
                    .map(|z| ZoneRoles {
                        name: z.name.clone(),
                        temperature: name(z.temperature),
                        setpoint: name(z.setpoint),
                        fuel_flow: name(z.fuel_flow),
                    })
                    .collect(),
                combustion_air_flow: opt(f.combustion_air_flow),
                o2: opt(f.o2),
                co: opt(f.co),
                nox: opt(f.nox),
                flue_temperature: opt(f.flue_temperature),
                air_preheat_temperature: opt(f.air_preheat_temperature),
                pressure: opt(f.pressure),
                throughput: opt(f.throughput),
                discharge_temperature: opt(f.discharge_temperature),
                charge_temperature: opt(f.charge_temperature),
                discharge_aim: opt(f.discharge_aim),
                charge_aim: opt(f.charge_aim),
                fuel_lhv: opt(f.fuel_lhv),
            },
            clock: self.inner.clock.kind().to_owned(),
            simulators: self.inner.sims.iter().map(|(d, _)| d.clone()).collect(),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let now = self.inner.clock.now();
        let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
        Snapshot {
            now_ms: now.0,
            devices: live.devices.clone(),
            tags: live.values(&self.inner.config(), now, None),
            historian_error: self.historian().ok().and_then(|h| h.write_error()),
            alarms_version: self.inner.alarms_version(),
            clock_skew_ms: self.inner.steady.skew_ms(),
        }
    }

    /// Live batches from now on (one per poll cycle of a device).
    pub fn subscribe(&self) -> broadcast::Receiver<LiveBatch> {
        self.inner.tx.subscribe()
    }

    fn historian(&self) -> Result<Arc<dyn Historian>, EngineError> {
        let h = self
            .inner
            .historian
            .read()
            .unwrap_or_else(|p| p.into_inner());
        h.clone()
            .ok_or_else(|| EngineError::Internal("the engine has stopped".into()))
    }

    async fn with_historian<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Historian, &Config) -> Result<T, QueryError> + Send + 'static,
    ) -> Result<T, QueryError> {
        let h = self
            .historian()
            .map_err(|e| QueryError::Invalid(e.to_string()))?;
        let config = self.inner.config();
        tokio::task::spawn_blocking(move || f(h.as_ref(), &config))
            .await
            .map_err(|e| QueryError::Invalid(e.to_string()))?
    }

    /// The newest point of `tag` on disk (epoch ms): it and everything older survive a crash.
    /// What the engine acknowledges; the crash tests hold it to that.
    pub async fn durable_until(&self, tag: String) -> Result<Option<i64>, QueryError> {
        self.with_historian(move |h, c| {
            c.tag_by_name(&tag)
                .ok_or_else(|| QueryError::UnknownTag(tag.clone()))?;
            Ok(h.durable_until(&tag).map(|t| t.0))
        })
        .await
    }

    /// One tag over `[from, to)` in equal buckets.
    pub async fn history(&self, q: HistoryQuery) -> Result<History, QueryError> {
        self.with_historian(move |h, c| crate::history::history(h, c, &q))
            .await
    }

    /// Raw points of one tag over `[from, to)`.
    pub async fn points(&self, q: PointsQuery) -> Result<Vec<HistoryPoint>, QueryError> {
        self.with_historian(move |h, c| crate::history::points(h, c, &q))
            .await
    }

    /// Stream an export as CSV into `out` (blocking: call from a blocking thread), telling
    /// `progress` how far it has got (0..1).
    pub fn export_blocking(
        &self,
        q: &ExportQuery,
        out: &mut dyn std::io::Write,
        progress: &mut dyn FnMut(f64),
    ) -> Result<u64, QueryError> {
        let h = self
            .historian()
            .map_err(|e| QueryError::Invalid(e.to_string()))?;
        let spec = crate::history::export_spec(&self.inner.config(), q)?;
        crate::history::export(h.as_ref(), &spec, out, progress)
    }

    /// Check an export request before streaming starts, so a bad one gets a clear error.
    pub fn check_export(&self, q: &ExportQuery) -> Result<(), QueryError> {
        crate::history::export_spec(&self.inner.config(), q).map(|_| ())
    }

    fn sim(&self, device: &str) -> Result<(&SimControl, Device), SimulatorError> {
        let not = || SimulatorError::NotASimulator(device.to_owned());
        let (_, control) = self
            .inner
            .sims
            .iter()
            .find(|(d, _)| d == device)
            .ok_or_else(not)?;
        let dev = self
            .inner
            .config()
            .device_by_name(device)
            .cloned()
            .ok_or_else(not)?;
        Ok((control, dev))
    }

    /// What a simulator device is doing: speed, pace, charge, grades, faults, scenario.
    pub async fn simulator(&self, device: &str) -> Result<SimulatorView, SimulatorError> {
        let (control, dev) = self.sim(device)?;
        control.view(&dev).await
    }

    /// Change a simulator device (the Simulator page), and say what it is doing now. Only a
    /// device of kind simulator that nobody pointed elsewhere has a control; every command is
    /// audited.
    pub async fn simulator_command(
        &self,
        actor: &crate::writes::Actor,
        device: &str,
        cmd: SimulatorCommand,
    ) -> Result<SimulatorView, SimulatorError> {
        let (control, dev) = self.sim(device)?;
        tracing::info!(device, ?cmd, "simulator command");
        let result = if actor.role < hearth_model::config::Role::Admin {
            Err(SimulatorError::Refused(format!(
                "role {} may not drive the simulator",
                actor.role.name()
            )))
        } else {
            control.command(&cmd).await
        };
        let (outcome, detail) = match &result {
            Ok(()) => (crate::audit::AuditOutcome::Ok, String::new()),
            Err(SimulatorError::Refused(why)) => {
                (crate::audit::AuditOutcome::Rejected, why.clone())
            }
            Err(e) => (crate::audit::AuditOutcome::Failed, e.to_string()),
        };
        let event = crate::audit::AuditEvent {
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: actor.user.clone(),
            kind: crate::audit::AuditKind::Simulator,
            source: "simulator page".into(),
            target: device.to_owned(),
            device: Some(device.to_owned()),
            unit: String::new(),
            old_value: None,
            requested: serde_json::to_string(&cmd).unwrap_or_default(),
            read_back: None,
            reason: String::new(),
            outcome,
            detail,
        };
        self.inner.record(event);
        result?;
        control.view(&dev).await
    }

    /// The audit log's records a query asks for, newest first.
    pub async fn audit(
        &self,
        q: crate::audit::AuditQuery,
    ) -> Result<Vec<crate::audit::AuditEntry>, EngineError> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.inner.audit.query(&q))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .map_err(EngineError::from)
    }

    /// Walk the audit log's hash chain.
    pub async fn audit_verify(&self) -> Result<crate::audit::AuditVerification, EngineError> {
        let engine = self.clone();
        tokio::task::spawn_blocking(move || engine.inner.audit.verify())
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .map_err(EngineError::from)
    }

    /// Raise or clear one of Hearth's own alarms (a write not taken); journaled like any other.
    pub(crate) fn judge_alarm(&self, id: &str, abnormal: bool, value: Option<f64>, user: &str) {
        let now = self.inner.clock.now().0;
        let mut table = self.inner.alarms.lock().unwrap_or_else(|p| p.into_inner());
        let Some(i) = table.index(id) else {
            return;
        };
        let mut transitions = Vec::new();
        table.judge(i, abnormal, now, &mut transitions);
        let entries: Vec<_> = transitions
            .iter()
            .map(|(i, t)| {
                let mut e = table.entry(*i, t, Some(user), None);
                e.value = value;
                e
            })
            .collect();
        drop(table);
        self.inner.journal_transitions(&entries);
    }

    /// Alarms that are not normal, shelved or out of service, highest priority first.
    pub fn alarms_active(&self) -> Vec<ActiveAlarm> {
        self.alarm_list(false)
    }

    /// Every configured alarm with its state, highest priority first.
    pub fn alarms_all(&self) -> Vec<ActiveAlarm> {
        self.alarm_list(true)
    }

    fn alarm_list(&self, all: bool) -> Vec<ActiveAlarm> {
        self.inner
            .alarms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .active(all)
    }

    /// Acknowledge one alarm, or all annunciated; returns how many changed state.
    pub fn alarms_ack(&self, req: &AckRequest) -> Result<usize, String> {
        self.operator_action(&req.user, &req.comment, |table, now| {
            table.ack(req.id.as_deref(), now)
        })
    }

    /// Shelve or unshelve one alarm; journaled with the user and comment.
    pub fn alarms_shelve(&self, req: &crate::alarming::ShelveRequest) -> Result<usize, String> {
        self.operator_action(&req.user, &req.comment, |table, now| table.shelve(req, now))
    }

    /// Take an alarm out of service or return it; journaled with the user and the reason.
    pub fn alarms_service(&self, req: &crate::alarming::ServiceRequest) -> Result<usize, String> {
        self.operator_action(&req.user, &req.comment, |table, now| {
            table.set_service(req, now)
        })
    }

    /// An operator's change to the alarms, journaled with who and why. The operator is told it
    /// took only once the journal has it on disk.
    fn operator_action(
        &self,
        user: &str,
        comment: &str,
        act: impl FnOnce(
            &mut AlarmTable,
            i64,
        ) -> Result<Vec<(usize, hearth_alarms::Transition)>, String>,
    ) -> Result<usize, String> {
        let now = self.inner.clock.now().0;
        let mut table = self.inner.alarms.lock().unwrap_or_else(|p| p.into_inner());
        let done = act(&mut table, now)?;
        let entries: Vec<_> = done
            .iter()
            .map(|(i, t)| table.entry(*i, t, Some(user), Some(comment)))
            .collect();
        drop(table);
        if !entries.is_empty() {
            self.inner.alarms_changed();
        }
        self.inner
            .journal
            .append(&entries)
            .map_err(|e| e.to_string())?;
        Ok(done.len())
    }

    /// The alarm journal over `[from_ms, to_ms)`, oldest first, at most `limit` entries.
    pub async fn alarm_journal(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: usize,
    ) -> Result<Vec<crate::journal::JournalEntry>, EngineError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.journal.range(from_ms, to_ms, limit))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .map_err(EngineError::from)
    }

    /// The journal entries a query asks for, oldest first.
    pub async fn alarm_journal_query(
        &self,
        q: crate::journal::JournalQuery,
    ) -> Result<Vec<crate::journal::JournalEntry>, EngineError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.journal.query(&q))
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))?
            .map_err(EngineError::from)
    }

    /// The engineers' marks overlapping `[from_ms, to_ms)`, withdrawn ones included.
    pub fn emission_marks(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<crate::marks::Mark>, EngineError> {
        Ok(self.inner.marks.overlapping(from_ms, to_ms)?)
    }

    /// Mark a period as start-up, shutdown or calibration; on disk before this returns.
    pub fn add_emission_mark(
        &self,
        req: &crate::marks::MarkRequest,
    ) -> Result<crate::marks::Mark, EngineError> {
        let m = self.inner.marks.add(req, self.inner.clock.now().0)?;
        tracing::info!(id = m.id, kind = ?m.kind, from = m.from_ms, to = m.to_ms, user = %m.user, "emissions period marked");
        Ok(m)
    }

    /// Withdraw a mark (kept in the log as withdrawn).
    pub fn withdraw_emission_mark(
        &self,
        req: &crate::marks::WithdrawRequest,
    ) -> Result<crate::marks::Mark, EngineError> {
        let m = self.inner.marks.withdraw(req, self.inner.clock.now().0)?;
        tracing::info!(id = m.id, user = %req.user, "emissions mark withdrawn");
        Ok(m)
    }

    /// The emissions and energy of a plant day (`YYYY-MM-DD`, default today).
    pub async fn emissions_day(
        &self,
        date: Option<String>,
    ) -> Result<crate::accounting::DayReport, EngineError> {
        self.accounting(move |h, c, marks, now| {
            let day = crate::accounting::day_period(c, date.as_deref(), now)?;
            crate::accounting::day_report(h, c, &day, marks(day.start_ms, day.end_ms)?, now)
        })
        .await
    }

    /// The emissions and energy of a plant month (`YYYY-MM`, default this month).
    pub async fn emissions_month(
        &self,
        month: Option<String>,
    ) -> Result<crate::accounting::MonthReport, EngineError> {
        self.accounting(move |h, c, marks, now| {
            let m = crate::accounting::month_period(c, month.as_deref(), now)?;
            crate::accounting::month_report(h, c, &m, marks(m.start_ms, m.end_ms)?, now)
        })
        .await
    }

    /// Run accounting over the historian on a blocking thread, with the engineers' marks of a
    /// window to hand.
    async fn accounting<T: Send + 'static>(
        &self,
        job: impl FnOnce(
            &dyn Historian,
            &Config,
            &dyn Fn(i64, i64) -> Result<Vec<crate::marks::Mark>, EngineError>,
            i64,
        ) -> Result<T, EngineError>
        + Send
        + 'static,
    ) -> Result<T, EngineError> {
        let h = self.historian()?;
        let inner = self.inner.clone();
        let now = self.inner.clock.now().0;
        tokio::task::spawn_blocking(move || {
            let marks = |from, to| Ok(inner.marks.overlapping(from, to)?);
            job(h.as_ref(), &inner.config(), &marks, now)
        })
        .await
        .map_err(|e| EngineError::Internal(e.to_string()))?
    }

    /// The configuration in effect, the file's validation now, the data dir and this engine.
    pub async fn settings(&self) -> SettingsView {
        let config = self.inner.config();
        let data_dir = self.inner.data_dir.clone();
        let (mut view, bytes) = tokio::task::spawn_blocking(move || {
            (crate::settings::view(&config), dir_size(&data_dir))
        })
        .await
        .unwrap_or_else(|_| (crate::settings::view(&self.inner.config()), 0));
        view.data_dir = self.inner.data_dir.display().to_string();
        view.data_dir_bytes = bytes;
        view.engine_api_url = self.api_url();
        view.clock = self.inner.clock.kind().to_owned();
        view
    }

    /// Devices, tags and what the data dir holds.
    pub async fn status(&self) -> Result<EngineStatus, EngineError> {
        let historian = self.historian()?;
        let mut health = historian.health();
        // A full disk can leave sled refusing reads too: the status (which says so) must still
        // answer, with what is known.
        let summary = match tokio::task::spawn_blocking(move || historian.summary())
            .await
            .map_err(|e| EngineError::Internal(e.to_string()))?
        {
            Ok(s) => s,
            Err(err) => {
                tracing::warn!(%err, "historian summary unavailable");
                health
                    .write_error
                    .get_or_insert_with(|| format!("the historian cannot be read: {err}"));
                hearth_historian::Summary::default()
            }
        };
        let data_dir = self.inner.data_dir.clone();
        let bytes = tokio::task::spawn_blocking(move || dir_size(&data_dir))
            .await
            .unwrap_or(0);
        let devices = self
            .inner
            .live
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .devices
            .clone();
        Ok(EngineStatus {
            source: "engine".into(),
            pid: Some(std::process::id()),
            api_url: self.api_url(),
            data_dir: self.inner.data_dir.display().to_string(),
            data_dir_bytes: bytes,
            devices,
            tag_count: self.inner.config().tags.len() as u32,
            stored_tags: summary.series,
            oldest_sample: summary.oldest.map(|t| t.to_rfc3339()),
            newest_sample: summary.newest.map(|t| t.to_rfc3339()),
            historian_error: health.write_error,
            historian_buffered_bytes: health.buffered_bytes as u64,
            historian_dropped: health.dropped,
            durable_until_ms: health.durable_until.map(|t| t.0),
            clock_skew_ms: self.inner.steady.skew_ms(),
            historian_refused: health.out_of_order,
        })
    }
}

/// Start the bundled simulator for every device of kind "simulator" that `--device` did not
/// point elsewhere, and aim those devices at it. Returns the simulators and the first one's plant
/// clock.
pub async fn start_embedded_simulators(
    config: &mut Config,
) -> Result<(Vec<RunningSimulator>, Option<SharedClock>), EngineError> {
    let mut sims = Vec::new();
    let mut plant_clock: Option<SharedClock> = None;
    for d in config
        .devices
        .iter_mut()
        .filter(|d| d.is_embedded_simulator())
    {
        let register_map = Config::register_map(&d.register_map)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let bind = SocketAddr::new(loopback(&d.host), d.port);
        let scenario = match &d.simulator.scenario {
            Some(path) => Some(
                hearth_sim::Scenario::load(path)
                    .map_err(|e| EngineError::Internal(e.to_string()))?,
            ),
            None => None,
        };
        let sim = RunningSimulator::start(SimulatorOptions {
            bind,
            speed: d.simulator.speed,
            seed: d.simulator.seed,
            unit_id: d.unit_id,
            register_map,
            scenario,
        })
        .await
        .map_err(|error| EngineError::Simulator {
            device: d.name.clone(),
            error,
        })?;
        d.host = sim.local_addr().ip().to_string();
        d.port = sim.local_addr().port();
        if plant_clock.is_none() {
            plant_clock = Some(Arc::new(sim.clock()));
        }
        tracing::info!(device = %d.name, addr = %sim.local_addr(), "bundled simulator started");
        sims.push(sim);
    }
    Ok((sims, plant_clock))
}

fn loopback(host: &str) -> std::net::IpAddr {
    // The bundled simulator only ever listens on loopback, whatever the config's host says.
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_loopback() => ip,
        _ => std::net::IpAddr::from([127, 0, 0, 1]),
    }
}

async fn ingest(engine: Engine, mut rx: mpsc::Receiver<PollReport>, mut recorder: Recorder) {
    let inner = &engine.inner;
    let mut last_append_error = None;
    let mut historian_failing = false;
    let mut config_version = inner.config_version();
    while let Some(mut report) = rx.recv().await {
        if inner.config_version() != config_version {
            config_version = inner.config_version();
            recorder.retune(&inner.config());
        }
        // Derived tags go with the samples they came from: stored, shown and alarmed alike.
        let appended = recorder.record(&mut report.samples);
        if let Err(err) = appended {
            // While the disk is full this repeats every poll: say it once a minute.
            let now = std::time::Instant::now();
            if last_append_error
                .is_none_or(|t: std::time::Instant| now - t > std::time::Duration::from_secs(60))
            {
                tracing::error!(%err, "historian append failed");
                last_append_error = Some(now);
            }
        }
        let historian_error = engine.historian().ok().and_then(|h| h.write_error());
        if historian_error.is_some() != historian_failing {
            historian_failing = historian_error.is_some();
            engine.judge_alarm(
                hearth_model::config::HISTORIAN_WRITE_ALARM,
                historian_failing,
                None,
                "hearth",
            );
        }
        let now = inner.clock.now();
        evaluate_alarms(inner, &report, now.0);
        let live_batch = {
            let mut live = inner.live.write().unwrap_or_else(|p| p.into_inner());
            live.apply(&report.samples);
            if let Some(d) = live.devices.get_mut(report.device) {
                *d = report.status.clone();
            }
            LiveBatch {
                now_ms: now.0,
                devices: vec![report.status],
                tags: live.values(&inner.config(), now, Some(&report.samples)),
                historian_error: historian_error.clone(),
                alarms_version: inner.alarms_version(),
                clock_skew_ms: inner.steady.skew_ms(),
            }
        };
        // No subscribers is fine: nobody is watching.
        let _ = inner.tx.send(live_batch);
    }
}

/// The permit alarms: each limit's running average judged against it twice a minute. The day's
/// (or hour's) average heading over the limit raises its alarm while the period is still open.
async fn permit_watch(engine: Engine, mut shutdown: watch::Receiver<bool>) {
    if engine
        .inner
        .alarms
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .permits()
        .is_empty()
    {
        return;
    }
    // The first judgement once the first samples are in, then twice a minute.
    let first = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut tick = tokio::time::interval_at(first, std::time::Duration::from_secs(30));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        match engine.emissions_day(None).await {
            Ok(report) => judge_permits(&engine.inner, &report),
            Err(err) => tracing::warn!(%err, "permit limits not judged"),
        }
    }
}

/// Judge every permit alarm on a day's accounting; transitions journaled like any others.
pub(crate) fn judge_permits(inner: &Inner, report: &crate::accounting::DayReport) {
    let now = inner.clock.now().0;
    let mut transitions = Vec::new();
    let mut table = inner.alarms.lock().unwrap_or_else(|p| p.into_inner());
    for (i, pollutant, daily) in table.permits() {
        let Some(p) = report.pollutants.iter().find(|p| p.pollutant == pollutant) else {
            continue;
        };
        let abnormal = if daily {
            p.day_standing
                .as_ref()
                .is_some_and(|s| s.heading_over || s.exceeded)
        } else {
            // The hour running now, or the one just closed over its limit.
            p.hours
                .iter()
                .rev()
                .find(|h| {
                    h.average.validity != hearth_emissions::averaging::Validity::Invalid
                        && h.period.start_ms <= now
                })
                .is_some_and(|h| h.over)
        };
        table.judge(i, abnormal, now, &mut transitions);
    }
    let entries: Vec<_> = transitions
        .iter()
        .map(|(i, t)| {
            tracing::info!(alarm = table.id(*i), transition = ?t.kind, "permit alarm");
            table.entry(*i, t, None, None)
        })
        .collect();
    drop(table);
    inner.journal_transitions(&entries);
}

/// Alarms on the new samples and the device's connection; every transition is logged.
fn evaluate_alarms(inner: &Inner, report: &PollReport, now_ms: i64) {
    use hearth_model::api::DeviceState;
    let mut transitions = Vec::new();
    let mut table = inner.alarms.lock().unwrap_or_else(|p| p.into_inner());
    table.on_samples(&report.samples, &mut transitions);
    // Connecting after a failure counts as lost too, so the alarm does not flicker between tries.
    let lost = !matches!(
        report.status.state,
        DeviceState::Connected | DeviceState::Idle
    );
    table.on_device(report.device, lost, now_ms, &mut transitions);
    let entries: Vec<_> = transitions
        .iter()
        .map(|(i, t)| {
            tracing::info!(alarm = table.id(*i), transition = ?t.kind, from = ?t.from, to = ?t.to, "alarm");
            table.entry(*i, t, None, None)
        })
        .collect();
    drop(table);
    inner.journal_transitions(&entries);
}

/// Run a historian job on a blocking thread every `period` (the first at once) until shutdown,
/// logging a failure as `what`.
async fn periodically(
    period: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
    what: &'static str,
    job: impl Fn() -> Result<(), HistorianError> + Send + Sync + Clone + 'static,
) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait_for(|s| *s) => break,
        }
        let job = job.clone();
        match tokio::task::spawn_blocking(job).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::error!(%err, "{what} failed"),
            Err(err) => tracing::error!(%err, "{what} task failed"),
        }
    }
}

fn flush_loop(
    historian: Arc<dyn Historian>,
    every: std::time::Duration,
    shutdown: watch::Receiver<bool>,
) -> impl std::future::Future<Output = ()> {
    periodically(every, shutdown, "historian flush", move || {
        historian.flush().map(|_| ())
    })
}

/// Drop what is past its retention, shortly after start and then every ten minutes, off the
/// ingest path (sled deletes run beside appends and flushes).
fn retention_loop(
    historian: Arc<dyn Historian>,
    clock: SharedClock,
    shutdown: watch::Receiver<bool>,
) -> impl std::future::Future<Output = ()> {
    let period = std::time::Duration::from_secs(600);
    periodically(period, shutdown, "historian retention", move || {
        let r = historian.enforce_retention(clock.now())?;
        if r.raw_chunks + r.rollup_chunks > 0 {
            tracing::info!(
                raw = r.raw_chunks,
                rollups = r.rollup_chunks,
                "retention removed chunks"
            );
        }
        Ok(())
    })
}

/// An engine and everything it runs. Call [`RunningEngine::stop`] for an orderly stop that
/// flushes every sample received.
pub struct RunningEngine {
    engine: Engine,
    shutdown: watch::Sender<bool>,
    pollers: Vec<JoinHandle<()>>,
    ingest: Option<JoinHandle<()>>,
    flusher: Option<JoinHandle<()>>,
    http: Option<JoinHandle<()>>,
    http_addr: Option<SocketAddr>,
    sims: Vec<RunningSimulator>,
    datadir: Option<DataDir>,
}

impl std::fmt::Debug for RunningEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningEngine")
            .field("http", &self.http_addr)
            .finish_non_exhaustive()
    }
}

impl RunningEngine {
    pub fn engine(&self) -> Engine {
        self.engine.clone()
    }

    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http_addr
    }

    pub fn data_dir(&self) -> &Path {
        &self.engine.inner.data_dir
    }

    /// The bundled simulators this engine runs (for the Simulator page and tests).
    pub fn simulators(&self) -> &[RunningSimulator] {
        &self.sims
    }

    /// Stop polling, write out everything received, stop serving, release the data dir.
    pub async fn stop(mut self) -> Result<(), EngineError> {
        let _ = self.shutdown.send(true);
        for p in self.pollers.drain(..) {
            let _ = p.await;
        }
        if let Some(i) = self.ingest.take() {
            let _ = i.await;
        }
        if let Some(f) = self.flusher.take() {
            let _ = f.await;
        }
        let h = self
            .engine
            .inner
            .historian
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(h) = h {
            // Flush, then drop the last handle so sled closes its files before the lock goes.
            tokio::task::spawn_blocking(move || h.flush().map(|_| drop(h)))
                .await
                .map_err(|e| EngineError::Internal(e.to_string()))??;
        }
        if let Some(h) = self.http.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(3), h).await;
        }
        for s in self.sims.drain(..) {
            s.stop().await;
        }
        self.datadir.take();
        tracing::info!("engine stopped");
        Ok(())
    }
}

impl Drop for RunningEngine {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
