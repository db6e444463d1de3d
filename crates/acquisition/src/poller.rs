//! One supervisor per device. Every request has a timeout; after any timeout or protocol error
//! the connection is dropped and a fresh one made, so a late reply can never be taken for the
//! answer to a newer request. A device that cannot be reached backs off exponentially (with
//! jitter, capped) and its tags read Bad_NoCommunication; other devices never wait for it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_model::api::{DeviceState, DeviceStatus};
use hearth_model::codec;
use hearth_model::config::{Config, DataType, Tag};
use hearth_model::{Quality, Sample, SharedClock, TagId, Timestamp};
use tokio::sync::{mpsc, watch};
use tokio_modbus::client::Context;
use tokio_modbus::{ExceptionCode, Slave};

use crate::modbus::{self, Data};
use crate::plan::{ReadBlock, plan_reads, split_block};
use crate::stats::{ErrorKind, Stats};

const BACKOFF_START: Duration = Duration::from_millis(250);

/// What one poll cycle of one group produced.
#[derive(Debug, Clone)]
pub struct PollReport {
    pub device: usize,
    pub samples: Vec<Sample>,
    pub status: DeviceStatus,
}

#[derive(Debug)]
struct GroupPlan {
    interval: Duration,
    blocks: Vec<ReadBlock>,
}

enum ReadOutcome {
    Data(Data),
    Exception(ExceptionCode),
    /// Timeout, transport or protocol error: the connection is no longer trustworthy.
    Failed(String),
}

/// The longest wait before connecting again after a refused connection.
const REFUSED_RETRY: Duration = Duration::from_millis(1000);

pub struct DevicePoller {
    config: Arc<Config>,
    device: usize,
    groups: Vec<GroupPlan>,
    clock: SharedClock,
    ctx: Option<Context>,
    state: DeviceState,
    stats: Stats,
    last_good: Option<Timestamp>,
    last_error: Option<String>,
    backoff: Duration,
    retry_at: Option<Instant>,
    /// The last connect was refused outright (the port is closed: a PLC restarting).
    refused: bool,
    jitter_state: u64,
    restarts: u32,
    last_restart: Option<Timestamp>,
    /// Last good value of the device's restart tag.
    restart_prev: Option<f64>,
    /// Channel-fault flags as last read (only tags other tags name as their fault flag).
    fault_flags: std::collections::HashMap<TagId, bool>,
}

impl std::fmt::Debug for DevicePoller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevicePoller")
            .field("device", &self.device)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl DevicePoller {
    pub fn new(config: Arc<Config>, device: usize, clock: SharedClock) -> Self {
        let flags_config = config.clone();
        let groups = (0..config.poll_groups.len())
            .map(|g| GroupPlan {
                interval: config.poll_groups[g].interval,
                blocks: plan_reads(config.device_tags(device).filter(|t| t.poll_group == g)),
            })
            .collect();
        DevicePoller {
            config,
            device,
            groups,
            clock,
            ctx: None,
            state: DeviceState::Idle,
            stats: Stats::default(),
            last_good: None,
            last_error: None,
            backoff: BACKOFF_START,
            retry_at: None,
            refused: false,
            jitter_state: 0x2545_F491_4F6C_DD1D ^ (device as u64 + 1).wrapping_mul(0x9E37_79B9),
            restarts: 0,
            last_restart: None,
            restart_prev: None,
            fault_flags: flags_config
                .device_tags(device)
                .filter_map(|t| t.sensor_fault_flag)
                .map(|f| (f, false))
                .collect(),
        }
    }

    fn dev(&self) -> &hearth_model::config::Device {
        &self.config.devices[self.device]
    }

    pub fn status(&self) -> DeviceStatus {
        let d = self.dev();
        DeviceStatus {
            name: d.name.clone(),
            state: self.state,
            last_good: self.last_good.map(Timestamp::to_rfc3339),
            error: self.last_error.clone(),
            address: d.address(),
            requests: self.stats.requests,
            errors: self.stats.errors,
            rtt_p50_ms: self.stats.percentile(50.0),
            rtt_p99_ms: self.stats.percentile(99.0),
            restarts: self.restarts,
            last_restart: self.last_restart.map(Timestamp::to_rfc3339),
            timeouts: self.stats.timeouts,
            connect_failures: self.stats.connect_failures,
            protocol_errors: self.stats.protocol_errors,
            exceptions: self.stats.exceptions,
        }
    }

    fn jitter(&mut self) -> f64 {
        // xorshift64*: only for spreading reconnect attempts, not for anything reproducible.
        let mut x = self.jitter_state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.jitter_state = x;
        0.8 + 0.4 * ((x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64)
    }

    fn fail(&mut self, error: String) {
        tracing::warn!(device = %self.dev().name, %error, "device communication failed");
        self.ctx = None;
        self.last_error = Some(error);
        self.state = DeviceState::Disconnected;
        let mut wait = self.backoff.mul_f64(self.jitter());
        if std::mem::take(&mut self.refused) {
            // A closed port answers at once, so trying again costs nothing: a PLC coming back
            // from a restart is polled within a second of its port reopening.
            wait = wait.min(REFUSED_RETRY);
        }
        self.retry_at = Some(Instant::now() + wait);
        self.backoff = (self.backoff * 2).min(self.dev().backoff_max);
    }

    async fn connect(&mut self) -> Result<(), String> {
        let d = self.dev().clone();
        self.state = DeviceState::Connecting;
        let target = format!("{}:{}", d.host, d.port);
        let mut refused = false;
        let attempt = async {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host(&target)
                .await
                .map_err(|e| format!("cannot resolve {target}: {e}"))?
                .collect();
            let addr = addrs
                .first()
                .copied()
                .ok_or_else(|| format!("{target} resolves to no address"))?;
            tokio_modbus::client::tcp::connect_slave(addr, Slave(d.unit_id))
                .await
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::ConnectionRefused {
                        refused = true;
                    }
                    format!("cannot connect to {target}: {e}")
                })
        };
        match tokio::time::timeout(d.connect_timeout, attempt).await {
            Ok(Ok(ctx)) => {
                self.ctx = Some(ctx);
                self.state = DeviceState::Connected;
                tracing::info!(device = %d.name, %target, "connected");
                Ok(())
            }
            Ok(Err(e)) => {
                self.stats.record_error(ErrorKind::Connect);
                self.refused = refused;
                Err(e)
            }
            Err(_) => {
                self.stats.record_error(ErrorKind::Connect);
                Err(format!(
                    "no connection to {target} within {} ms",
                    d.connect_timeout.as_millis()
                ))
            }
        }
    }

    async fn read_block(&mut self, block: &ReadBlock) -> ReadOutcome {
        let timeout = self.dev().request_timeout;
        let Some(ctx) = self.ctx.as_mut() else {
            return ReadOutcome::Failed("not connected".into());
        };
        let started = Instant::now();
        let (a, n) = (block.start, block.count);
        let fut = modbus::read(ctx, block.register, a, n);
        match tokio::time::timeout(timeout, fut).await {
            Ok(Ok(Ok(data))) => {
                self.stats.record(started.elapsed());
                ReadOutcome::Data(data)
            }
            Ok(Ok(Err(code))) => {
                self.stats.record(started.elapsed());
                self.stats.record_error(ErrorKind::Exception);
                ReadOutcome::Exception(code)
            }
            Ok(Err(e)) => {
                self.stats.record_error(ErrorKind::Protocol);
                ReadOutcome::Failed(format!("{} {a}+{n}: {e}", block.register.name()))
            }
            Err(_) => {
                self.stats.record_error(ErrorKind::Timeout);
                ReadOutcome::Failed(format!(
                    "no reply to {} {a}+{n} within {} ms",
                    block.register.name(),
                    timeout.as_millis()
                ))
            }
        }
    }

    /// Read every block of one poll group once, with retries, and return its samples.
    pub async fn poll_group(&mut self, group: usize) -> Vec<Sample> {
        let Some(plan) = self.groups.get(group) else {
            return Vec::new();
        };
        let blocks = plan.blocks.clone();
        if blocks.is_empty() {
            return Vec::new();
        }
        let mut samples = Vec::with_capacity(blocks.iter().map(|b| b.tags.len()).sum());
        if let Some(at) = self.retry_at
            && Instant::now() < at
        {
            let ts = self.clock.now();
            for b in &blocks {
                bad(&mut samples, b, ts, Quality::BadNoCommunication);
            }
            return samples;
        }
        let retries = self.dev().retries;
        let mut all_ok = true;
        // Blocks still to read; a block refused with "illegal data address" is split in two and
        // both halves go back to the front, until the bad addresses stand alone. The plan keeps
        // the split, so one unmapped register costs one extra request per cycle, not the group.
        let mut queue: VecDeque<ReadBlock> = blocks.into();
        let mut done: Vec<ReadBlock> = Vec::with_capacity(queue.len());
        let mut split_any = false;
        while let Some(block) = queue.pop_front() {
            let mut attempt = 0;
            let outcome = loop {
                if self.ctx.is_none()
                    && let Err(e) = self.connect().await
                {
                    break ReadOutcome::Failed(e);
                }
                match self.read_block(&block).await {
                    ReadOutcome::Failed(e) if attempt < retries => {
                        tracing::debug!(device = %self.dev().name, error = %e, "retrying on a fresh connection");
                        self.ctx = None;
                        attempt += 1;
                    }
                    other => break other,
                }
            };
            let ts = self.clock.now();
            match outcome {
                ReadOutcome::Data(data) => {
                    decode_block(&self.config.tags, &block, &data, ts, &mut samples)
                }
                ReadOutcome::Exception(ExceptionCode::IllegalDataAddress)
                    if block.tags.len() > 1 =>
                {
                    if let Some((a, b)) = split_block(&block, &self.config.tags) {
                        tracing::info!(
                            device = %self.dev().name,
                            start = block.start,
                            count = block.count,
                            "exception 02 on a block read: splitting it to isolate the bad addresses"
                        );
                        split_any = true;
                        queue.push_front(b);
                        queue.push_front(a);
                        continue;
                    }
                    all_ok = false;
                    self.note_exception(&block, ExceptionCode::IllegalDataAddress);
                    bad(&mut samples, &block, ts, Quality::BadDeviceException(2));
                }
                ReadOutcome::Exception(code) => {
                    all_ok = false;
                    self.note_exception(&block, code);
                    bad(
                        &mut samples,
                        &block,
                        ts,
                        Quality::BadDeviceException(u8::from(code)),
                    );
                }
                ReadOutcome::Failed(e) => {
                    self.fail(e);
                    bad(&mut samples, &block, ts, Quality::BadNoCommunication);
                    for b in &queue {
                        bad(&mut samples, b, ts, Quality::BadNoCommunication);
                    }
                    if split_any {
                        done.push(block);
                        done.extend(queue);
                        self.remember_plan(group, done);
                    }
                    return samples;
                }
            }
            done.push(block);
        }
        if split_any {
            self.remember_plan(group, done);
        }
        self.apply_fault_flags(&mut samples);
        self.watch_for_restart(&samples);
        self.state = DeviceState::Connected;
        self.retry_at = None;
        self.backoff = BACKOFF_START;
        if all_ok {
            self.last_good = Some(self.clock.now());
            self.last_error = None;
        }
        samples
    }

    /// A channel whose PLC diagnostic bit is set reads Bad_SensorFailure, whatever its value.
    fn apply_fault_flags(&mut self, samples: &mut [Sample]) {
        if self.fault_flags.is_empty() {
            return;
        }
        for s in samples.iter() {
            if let Some(f) = self.fault_flags.get_mut(&s.tag)
                && s.quality.is_good()
            {
                *f = s.value.is_some_and(|v| v >= 0.5);
            }
        }
        for s in samples.iter_mut() {
            let flagged = self
                .config
                .tag(s.tag)
                .and_then(|t| t.sensor_fault_flag)
                .and_then(|f| self.fault_flags.get(&f).copied());
            if flagged == Some(true) && !s.quality.is_bad() {
                s.quality = Quality::BadSensorFailure;
            }
        }
    }

    /// A heartbeat or uptime counter only goes up (or wraps at the top of its type): when it
    /// falls back, the PLC restarted.
    fn watch_for_restart(&mut self, samples: &[Sample]) {
        let Some(id) = self.dev().restart_tag else {
            return;
        };
        let Some(s) = samples.iter().find(|s| s.tag == id && s.quality.is_good()) else {
            return;
        };
        let (Some(now), Some(tag)) = (s.value, self.config.tag(id)) else {
            return;
        };
        if let Some(prev) = self.restart_prev
            && now < prev
        {
            let bits = 16 * u32::from(tag.data_type.words());
            let unsigned = matches!(
                tag.data_type,
                DataType::Uint16 | DataType::Uint32 | DataType::Uint64
            );
            let top = (2f64.powi(bits as i32) - 1.0) * tag.scale + tag.offset;
            let wrapped = unsigned && prev > 0.9 * top && now < 0.1 * top;
            if !wrapped {
                self.restarts += 1;
                self.last_restart = Some(s.ts);
                tracing::warn!(device = %self.dev().name, tag = %tag.name, from = prev, to = now, "PLC restart detected");
            }
        }
        self.restart_prev = Some(now);
    }

    fn note_exception(&mut self, block: &ReadBlock, code: ExceptionCode) {
        self.last_error = Some(format!(
            "{} {}+{}: exception {:02X} ({code:?})",
            block.register.name(),
            block.start,
            block.count,
            u8::from(code)
        ));
    }

    fn remember_plan(&mut self, group: usize, mut blocks: Vec<ReadBlock>) {
        blocks.sort_by_key(|b| (b.register, b.start));
        if let Some(g) = self.groups.get_mut(group) {
            g.blocks = blocks;
        }
    }

    /// The reads of one poll group as currently planned (after any splits).
    pub fn plan(&self, group: usize) -> &[ReadBlock] {
        self.groups.get(group).map_or(&[], |g| g.blocks.as_slice())
    }

    /// Poll every group on its interval until `shutdown` turns true, sending a report per cycle.
    pub async fn run(mut self, tx: mpsc::Sender<PollReport>, mut shutdown: watch::Receiver<bool>) {
        let start = tokio::time::Instant::now();
        let mut due: Vec<tokio::time::Instant> = vec![start; self.groups.len()];
        loop {
            let Some((g, at)) = due.iter().copied().enumerate().min_by_key(|(_, t)| *t) else {
                return;
            };
            tokio::select! {
                _ = tokio::time::sleep_until(at) => {}
                _ = shutdown.wait_for(|s| *s) => break,
            }
            let samples = tokio::select! {
                s = self.poll_group(g) => s,
                _ = shutdown.wait_for(|s| *s) => break,
            };
            let interval = self.groups[g].interval;
            let now = tokio::time::Instant::now();
            due[g] = at + interval;
            if due[g] <= now {
                // Fell behind (a slow device): skip the missed cycles rather than burst.
                due[g] = now + interval;
            }
            if samples.is_empty() {
                continue;
            }
            let report = PollReport {
                device: self.device,
                samples,
                status: self.status(),
            };
            if tx.send(report).await.is_err() {
                break;
            }
        }
        if let Some(mut ctx) = self.ctx.take() {
            use tokio_modbus::client::Client;
            let _ = tokio::time::timeout(Duration::from_millis(200), ctx.disconnect()).await;
        }
    }
}

fn bad(out: &mut Vec<Sample>, block: &ReadBlock, ts: Timestamp, quality: Quality) {
    out.extend(block.tags.iter().map(|(tag, _)| Sample {
        tag: *tag,
        ts,
        value: None,
        quality,
    }));
}

fn decode_block(
    tags: &[Tag],
    block: &ReadBlock,
    data: &Data,
    ts: Timestamp,
    out: &mut Vec<Sample>,
) {
    for &(id, offset) in &block.tags {
        let Some(tag) = tags.get(id.index()) else {
            continue;
        };
        let off = usize::from(offset);
        let raw = match data {
            Data::Bits(bits) => bits.get(off).map(|b| Ok(if *b { 1.0 } else { 0.0 })),
            Data::Words(words) => words
                .get(off..)
                .map(|w| codec::decode_raw(w, tag.data_type, tag.word_order, tag.bit)),
        };
        let sample = match raw {
            Some(Ok(raw)) => {
                let value = codec::to_engineering(raw, tag.scale, tag.offset);
                let quality = tag.quality_of(value);
                Sample {
                    tag: id,
                    ts,
                    value: Some(value),
                    quality,
                }
            }
            // A short reply or a NaN: the device answered, but not with a usable value.
            Some(Err(_)) | None => Sample {
                tag: id,
                ts,
                value: None,
                quality: Quality::BadDecodeError,
            },
        };
        out.push(sample);
    }
}

/// Poll every group of one device once (for `hearth poll --once`).
pub async fn poll_once(
    config: Arc<Config>,
    device: usize,
    clock: SharedClock,
) -> (Vec<Sample>, DeviceStatus) {
    let mut poller = DevicePoller::new(config, device, clock);
    let mut samples = Vec::new();
    for g in 0..poller.groups.len() {
        samples.extend(poller.poll_group(g).await);
    }
    if let Some(mut ctx) = poller.ctx.take() {
        use tokio_modbus::client::Client;
        let _ = tokio::time::timeout(Duration::from_millis(200), ctx.disconnect()).await;
    }
    samples.sort_by_key(|s| s.tag);
    (samples, poller.status())
}
