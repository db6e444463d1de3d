//! Helpers for Hearth's end-to-end tests: where the repo, its default config and the built
//! binaries are, and how to start `hearth-sim` and `hearth serve` as real processes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

pub mod clocks;
pub mod proxy;
pub mod replay;
pub mod writes;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn default_config() -> PathBuf {
    repo_root().join("config/plant.toml")
}

/// A binary built by `cargo build --workspace --bins` into the same target dir as this test.
pub fn binary(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .context("test binary has no target dir")?;
    let path = dir.join(name);
    if !path.is_file() {
        bail!(
            "{} is not built: run `cargo build --workspace --bins` first (scripts/test does)",
            path.display()
        );
    }
    Ok(path)
}

/// A child process killed when dropped, so a failing test leaves nothing running.
pub struct Proc {
    pub child: Child,
    pub lines: mpsc::Receiver<String>,
}

impl Proc {
    /// Wait for a stdout line containing `needle`; return it.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> Result<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Ok(line),
                Ok(_) => continue,
                Err(_) => bail!("no line containing `{needle}` within {timeout:?}"),
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ask it to stop as an operator would (SIGTERM / Ctrl-C), then wait.
    pub fn terminate(mut self) -> Result<std::process::ExitStatus> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if std::time::Instant::now() > deadline {
                bail!("process {pid} did not stop within 15 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn spawn(bin: &Path, args: &[&str]) -> Result<Proc> {
    spawn_env(bin, args, &[])
}

/// [`spawn`] with extra environment variables.
pub fn spawn_env(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Proc> {
    let mut child = Command::new(bin)
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Ok(Proc { child, lines })
}

/// `hearth serve` on a free loopback port with `args` after `--bind`, once it answers
/// `/api/status`: the process and its base URL. The port is free when chosen, but the bundled
/// simulator binds an ephemeral port of its own first and may be given the same one: an engine
/// that exits before answering is started again on another port, up to three times.
pub fn serve_answering(agent: &ureq::Agent, args: &[&str]) -> Result<(Proc, String)> {
    for _ in 0..3 {
        let port = closed_port()?;
        let base = format!("http://127.0.0.1:{port}");
        let bind = format!("127.0.0.1:{port}");
        let mut all = vec!["serve", "--bind", &bind];
        all.extend_from_slice(args);
        let mut serve = spawn(&binary("hearth")?, &all)?;
        let started = std::time::Instant::now();
        loop {
            if agent.get(format!("{base}/api/status")).call().is_ok() {
                return Ok((serve, base));
            }
            if serve.child.try_wait()?.is_some() {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("the engine did not answer within 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    bail!("the engine exited before answering, three times")
}

/// A small deterministic generator for the kill tests, so a failing round can be replayed.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// `hearth-sim` on a free loopback port; returns the process and its port.
pub fn start_sim() -> Result<(Proc, u16)> {
    let sim = spawn(
        &binary("hearth-sim")?,
        &["--bind", "127.0.0.1:0", "--status-every", "0"],
    )?;
    let line = sim.wait_for("listening on", Duration::from_secs(20))?;
    let port = line
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .context("no port in the listening line")?;
    Ok((sim, port))
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Run the `hearth` CLI as an engineer would (no display, no config or data dir from the
/// environment): exit code, stdout, stderr.
pub fn hearth(args: &[&str]) -> Result<(i32, String, String)> {
    let out = Command::new(binary("hearth")?)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("HEARTH_CONFIG")
        .env_remove("HEARTH_DATA_DIR")
        .output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout)?,
        String::from_utf8(out.stderr)?,
    ))
}

/// An engine in this process on the plant file `config`, recording into `data_dir`, with its
/// HTTP face on a free loopback port.
pub async fn engine_on(config: &Path, data_dir: &Path) -> Result<hearth_engine::RunningEngine> {
    let config = hearth_model::config::Config::load(config).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(hearth_engine::Engine::start(hearth_engine::EngineOptions {
        config,
        data_dir: data_dir.to_path_buf(),
        bind: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        ui: None,
        clock: None,
    })
    .await?)
}

/// Who drives the simulator in engine tests: an admin at the desktop.
pub fn test_admin() -> hearth_engine::writes::Actor {
    hearth_engine::writes::Actor {
        user: "test".into(),
        role: hearth_model::config::Role::Admin,
        face: hearth_engine::writes::Face::Desktop,
    }
}

/// The default plant with its furnace pointed at `port` on loopback, as `--device` would (so
/// it is a read-only PLC, not the bundled simulator).
pub fn default_config_at(port: u16) -> Result<hearth_model::config::Config> {
    let mut config = hearth_model::config::Config::load(&default_config())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    config
        .apply_overrides(&[hearth_model::config::DeviceOverride {
            device: "furnace".into(),
            host: "127.0.0.1".into(),
            port,
        }])
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(config)
}

/// An engine in this process on `config`, recording into `data_dir`, without an HTTP face.
pub async fn start_engine(
    config: hearth_model::config::Config,
    data_dir: &Path,
) -> Result<hearth_engine::RunningEngine> {
    start_faceless(config, data_dir, None).await
}

async fn start_faceless(
    config: hearth_model::config::Config,
    data_dir: &Path,
    clock: Option<hearth_model::SharedClock>,
) -> Result<hearth_engine::RunningEngine> {
    Ok(hearth_engine::Engine::start(hearth_engine::EngineOptions {
        config,
        data_dir: data_dir.to_path_buf(),
        bind: None,
        ui: None,
        clock,
    })
    .await?)
}

/// Wait until `ok` holds, looking every 20 ms; how long it took.
pub async fn until(
    what: &str,
    timeout: Duration,
    mut ok: impl FnMut() -> bool,
) -> Result<Duration> {
    let start = std::time::Instant::now();
    while !ok() {
        if start.elapsed() > timeout {
            bail!("{what}: not within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(start.elapsed())
}

/// Tags of every kind: fast and slow poll groups, an analyser, a digital, a counter and a
/// derived tag. The crash and soak tests follow their acknowledged points.
pub const TAGS_OF_EVERY_KIND: [&str; 6] = [
    "zone1_temp",
    "heartbeat",
    "o2",
    "remote_mode",
    "fuel_total",
    "nox_ref",
];

/// Whether the engine's zone1_temp (the fast poll group's first tag) is Good now.
pub fn zone1_good(engine: &hearth_engine::Engine) -> bool {
    engine
        .snapshot()
        .tags
        .iter()
        .find(|t| t.name == "zone1_temp")
        .is_some_and(|t| t.quality == hearth_model::Quality::Good)
}

/// An engine in this process on `config`, stamping by `clock`, without an HTTP face.
pub async fn start_engine_with_clock(
    config: hearth_model::config::Config,
    data_dir: &Path,
    clock: hearth_model::SharedClock,
) -> Result<hearth_engine::RunningEngine> {
    start_faceless(config, data_dir, Some(clock)).await
}

/// `hearth serve` on a free loopback port recording into `data_dir`, once it says it runs.
pub fn serve_on(data_dir: &Path) -> Result<Proc> {
    let port = closed_port()?;
    let serve = spawn(
        &binary("hearth")?,
        &[
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            &data_dir.display().to_string(),
        ],
    )?;
    serve.wait_for("Hearth engine running", Duration::from_secs(30))?;
    Ok(serve)
}
