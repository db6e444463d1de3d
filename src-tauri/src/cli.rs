//! The command line: global options, subcommands, and how each is dispatched.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use hearth_model::config::{Config, DeviceOverride, RegisterKind};

use crate::defaults;

/// Hearth: live telemetry, history, emissions and setpoint advice for a reheating furnace.
///
/// With no command, opens the desktop app (or, on a machine with no display, runs the engine
/// and serves the same screens to a browser). Without --config, Hearth runs the bundled
/// furnace simulator so you can try everything without a plant.
#[derive(Parser, Debug)]
#[command(name = "hearth", version, propagate_version = true)]
pub struct Cli {
    /// Plant configuration file [default: config/plant.toml, else the bundled simulator plant]
    #[arg(long, global = true, env = "HEARTH_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Where history, logs and the engine lock live [default: your local data dir, e.g. ~/.local/share/hearth]
    #[arg(long, global = true, env = "HEARTH_DATA_DIR", value_name = "PATH")]
    pub data_dir: Option<PathBuf>,

    /// Point a configured device at another address for this run only, e.g. furnace=10.0.0.5:502.
    /// The device is then read-only and never treated as the bundled simulator. Repeatable.
    #[arg(long = "device", global = true, value_name = "NAME=HOST:PORT")]
    pub devices: Vec<DeviceOverride>,

    /// Desktop only: attach the window to the engine at this URL (e.g. a `hearth serve` reached
    /// through a tunnel) instead of the one on the data dir. Such a window never starts an engine.
    #[arg(long, global = true, env = "HEARTH_ENGINE", value_name = "URL")]
    pub engine: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the engine without a window, around the clock: record every tag, serve the screens
    /// and the API over HTTP (this is what the systemd service runs).
    Serve {
        /// Address for the screens and API [default: server.bind from the config, 127.0.0.1:8720]
        #[arg(long, value_name = "ADDR")]
        bind: Option<SocketAddr>,
    },
    /// Read every tag from the PLCs once and print value, unit and quality. Needs no data dir.
    /// Exits 0 when every tag is Good, 3 otherwise.
    Poll {
        /// Poll once and exit (continuous recording is `hearth serve`).
        #[arg(long, required = true)]
        once: bool,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Commissioning: read raw registers from a PLC and print every plausible decoding (each
    /// type and word order, with scale suggestions), to write the register map of a new PLC.
    Probe {
        #[arg(long)]
        host: String,
        #[arg(long, default_value_t = 502)]
        port: u16,
        #[arg(long, default_value_t = 1)]
        unit: u8,
        /// A Modicon reference (40001, 300001: the first digit picks the register kind) or, with
        /// --register, a 0-based PDU address.
        #[arg(long)]
        address: String,
        /// Register kind for a 0-based --address: holding, input, coil or discrete.
        #[arg(long)]
        register: Option<String>,
        /// How many registers (1-125).
        #[arg(long, default_value_t = 10)]
        count: u16,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Devices, tag count, data-dir size, oldest and newest sample. Asks the running engine when
    /// there is one, reads the data dir otherwise.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print one tag's history over a window: raw points, or with --buckets the min, max,
    /// time-weighted mean, first and last per bucket. Through the running engine when there is
    /// one, from the data dir otherwise. Times: RFC 3339, plant-local "2026-11-28 08:00", now,
    /// or relative (-2h, -30m, -7d).
    History {
        /// The tag's name, as in the config.
        tag: String,
        #[arg(long, default_value = "-1h", allow_hyphen_values = true)]
        from: String,
        #[arg(long, default_value = "now", allow_hyphen_values = true)]
        to: String,
        /// Fold the window into this many equal buckets (raw points or a rollup, whichever fits).
        #[arg(long)]
        buckets: Option<usize>,
        /// Print CSV instead of a table.
        #[arg(long)]
        csv: bool,
        /// Print times in UTC instead of the plant's time zone.
        #[arg(long)]
        utc: bool,
    },
    /// Export stored history to a CSV file, streamed (a year never sits in memory), with a
    /// progress bar. Through the running engine when there is one, from the data dir otherwise.
    Export {
        #[arg(long, allow_hyphen_values = true)]
        from: String,
        #[arg(long, default_value = "now", allow_hyphen_values = true)]
        to: String,
        /// Tags to export, comma-separated or repeated [default: every tag]
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        tags: Vec<String>,
        /// wide: one line per time stamp, a value and a quality column per tag. long: one line
        /// per point (time, tag, value, quality).
        #[arg(long, default_value = "wide")]
        layout: String,
        /// Write plant-local times (with their offset) instead of UTC.
        #[arg(long)]
        local_time: bool,
        /// The CSV file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The emissions and energy report of a plant day or month, as CSV or PDF: through the
    /// running engine when there is one, from the data dir otherwise.
    Report {
        /// A plant day, YYYY-MM-DD.
        #[arg(long, conflicts_with = "month", value_name = "DATE")]
        day: Option<String>,
        /// A plant month, YYYY-MM.
        #[arg(long, value_name = "MONTH")]
        month: Option<String>,
        /// Where to write it; `.pdf` makes a PDF, anything else CSV [default: CSV to stdout]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The PDF's language: en or zh-CN.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Shadow mode: run the optimiser in closed loop on a simulated plant that differs from
    /// its model (the scenario sets the true plant and its disturbances), against the same
    /// scenario and seed under baseline practice, as fast as the machine allows. Prints the
    /// report and writes it as Markdown and JSON. Uses the config's `[optimiser]` settings.
    Evaluate {
        /// The scenario: the simulator's scenario format (config/scenarios/).
        #[arg(long, value_name = "FILE")]
        scenario: PathBuf,
        /// Plant hours to compare (after the history the optimiser first calibrates on).
        #[arg(long, default_value_t = 12.0)]
        hours: f64,
        /// The simulator's random seed (noise and grade mix); runs repeat exactly.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the report [default: evaluations/ in the data dir]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the report as JSON instead of Markdown.
        #[arg(long)]
        json: bool,
    },
    /// The active alarms of the running engine. `journal` and `metrics` read what was recorded,
    /// through the running engine when there is one, from the data dir otherwise.
    Alarms {
        #[command(subcommand)]
        what: Option<AlarmsCommand>,
    },
    /// The audit log of setpoint writes, settings changes and simulator commands.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Print an Argon2 hash of a password read from standard input, for a
    /// `[[server.user]]` entry's `password_hash`.
    HashPassword,
    /// Move a historian that cannot be opened (corrupt, or from a newer Hearth) aside, to
    /// historian.aside-<time> in the data dir, so the next start begins a fresh one. Deletes
    /// nothing. Refuses while an engine holds the data dir.
    ResetHistorian,
    /// Check a plant configuration and print every problem with its file and key. Exits 0 when
    /// valid, 2 when not.
    CheckConfig {
        /// The plant file to check [default: the --config file]
        path: Option<PathBuf>,
    },
}

/// Exit code for "ran, but not everything is Good".
pub const EXIT_NOT_ALL_GOOD: i32 = 3;
/// Exit code for an invalid configuration.
pub const EXIT_INVALID_CONFIG: i32 = 2;

impl Cli {
    pub fn data_dir(&self) -> Result<PathBuf> {
        match &self.data_dir {
            Some(d) => Ok(d.clone()),
            None => dirs::data_local_dir()
                .map(|d| d.join("hearth"))
                .context("cannot work out a per-user data dir here; pass --data-dir"),
        }
    }

    /// The plant file: --config, else ./config/plant.toml, else the bundled default written out
    /// under the data dir.
    pub fn config_path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.config {
            return Ok(p.clone());
        }
        let local = PathBuf::from("config/plant.toml");
        if local.is_file() {
            return Ok(local);
        }
        defaults::write_bundled_config(&self.data_dir()?.join("default-config"))
    }

    /// Load, validate and apply `--device` overrides.
    pub fn load_config(&self) -> Result<Config> {
        let path = self.config_path()?;
        let mut config = Config::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
        config
            .apply_overrides(&self.devices)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(config)
    }
}

pub fn run(cli: Cli) -> Result<i32> {
    match &cli.command {
        Some(Command::CheckConfig { path }) => {
            logging::init_stderr("warn");
            let path = match path {
                Some(p) => p.clone(),
                None => cli.config_path()?,
            };
            Ok(crate::cmd_check::run(&path))
        }
        Some(Command::Poll { json, .. }) => {
            // Device errors are part of the output; the log only adds noise here.
            logging::init_stderr("error");
            let config = cli.load_config()?;
            crate::cmd_poll::run(config, *json)
        }
        Some(Command::Probe {
            host,
            port,
            unit,
            address,
            register,
            count,
            json,
        }) => {
            logging::init_stderr("error");
            let (kind, start) = match register {
                Some(r) => {
                    let kind = match r.as_str() {
                        "holding" => RegisterKind::Holding,
                        "input" => RegisterKind::Input,
                        "coil" => RegisterKind::Coil,
                        "discrete" => RegisterKind::Discrete,
                        other => anyhow::bail!(
                            "--register {other}: use holding, input, coil or discrete"
                        ),
                    };
                    let start: u16 = address.parse().with_context(|| {
                        format!("--address {address}: a 0-based address 0-65535")
                    })?;
                    (kind, start)
                }
                None => RegisterKind::parse_reference(address).map_err(|e| {
                    anyhow::anyhow!("--address {e} (or give --register with a 0-based address)")
                })?,
            };
            crate::cmd_probe::run(crate::cmd_probe::ProbeArgs {
                host: host.clone(),
                port: *port,
                unit: *unit,
                kind,
                start,
                count: *count,
                json: *json,
            })
        }
        Some(Command::Status { json }) => {
            logging::init_stderr("error");
            let data_dir = cli.data_dir()?;
            let config = cli.load_config()?;
            crate::cmd_status::run(&config, &data_dir, *json)
        }
        Some(Command::History {
            tag,
            from,
            to,
            buckets,
            csv,
            utc,
        }) => {
            logging::init_stderr("error");
            let config = cli.load_config()?;
            crate::cmd_history::history(
                &config,
                &cli.data_dir()?,
                crate::cmd_history::HistoryArgs {
                    tag: tag.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    buckets: *buckets,
                    csv: *csv,
                    utc: *utc,
                },
            )
        }
        Some(Command::Export {
            from,
            to,
            tags,
            layout,
            local_time,
            out,
        }) => {
            logging::init_stderr("error");
            let config = cli.load_config()?;
            crate::cmd_history::export(
                &config,
                &cli.data_dir()?,
                crate::cmd_history::ExportArgs {
                    from: from.clone(),
                    to: to.clone(),
                    tags: tags.clone(),
                    layout: layout.clone(),
                    local_time: *local_time,
                    out: out.clone(),
                },
            )
        }
        Some(Command::Report {
            day,
            month,
            out,
            lang,
        }) => {
            logging::init_stderr("error");
            crate::cmd_report::run(
                &cli.load_config()?,
                &cli.data_dir()?,
                day.as_deref(),
                month.as_deref(),
                out.as_deref(),
                lang,
            )?;
            Ok(0)
        }
        Some(Command::Evaluate {
            scenario,
            hours,
            seed,
            out,
            json,
        }) => {
            logging::init_stderr("warn");
            let out = match out {
                Some(d) => d.clone(),
                None => cli.data_dir()?.join("evaluations"),
            };
            crate::cmd_evaluate::run(&cli.load_config()?, scenario, *hours, *seed, &out, *json)
        }
        Some(Command::Alarms { what }) => {
            logging::init_stderr("error");
            let data_dir = cli.data_dir()?;
            match what {
                None => crate::cmd_alarms::active(&cli.load_config()?, &data_dir)?,
                Some(AlarmsCommand::Journal {
                    from,
                    to,
                    alarm,
                    priority,
                    state,
                    limit,
                    csv,
                }) => {
                    let config = cli.load_config()?;
                    let (from, to) = crate::cmd_alarms::window(&config, from, to)?;
                    let q = hearth_engine::journal::JournalQuery {
                        from,
                        to,
                        limit: Some(*limit),
                        alarm: alarm.clone(),
                        priority: *priority,
                        state: state.clone(),
                    };
                    crate::cmd_alarms::journal(&config, &data_dir, &q, *csv)?
                }
                Some(AlarmsCommand::Metrics { from, to }) => {
                    crate::cmd_alarms::print_metrics(&cli.load_config()?, &data_dir, from, to)?
                }
            }
            Ok(0)
        }
        Some(Command::Audit { what }) => {
            logging::init_stderr("error");
            let data_dir = cli.data_dir()?;
            match what {
                AuditCommand::Verify => crate::cmd_audit::verify(&data_dir),
                AuditCommand::List {
                    from,
                    to,
                    target,
                    outcome,
                    limit,
                    csv,
                } => {
                    let config = cli.load_config()?;
                    let (from, to) = crate::cmd_alarms::window(&config, from, to)?;
                    let q = hearth_engine::audit::AuditQuery {
                        from,
                        to,
                        limit: Some(*limit),
                        target: target.clone(),
                        outcome: *outcome,
                    };
                    crate::cmd_audit::list(&config, &data_dir, &q, *csv)?;
                    Ok(0)
                }
            }
        }
        Some(Command::HashPassword) => {
            logging::init_stderr("error");
            crate::cmd_audit::hash_password()?;
            Ok(0)
        }
        Some(Command::ResetHistorian) => {
            logging::init_stderr("error");
            crate::cmd_history::reset(&cli.data_dir()?)
        }
        Some(Command::Serve { bind }) => {
            let data_dir = cli.data_dir()?;
            let _guard = logging::init_with_file(&data_dir, "info")?;
            let config = cli.load_config()?;
            let bind = bind.unwrap_or(config.server.bind);
            crate::cmd_serve::run(config, data_dir, bind)
        }
        None => {
            let data_dir = cli.data_dir()?;
            let _guard = logging::init_with_file(&data_dir, "info")?;
            let config = cli.load_config()?;
            crate::desktop::run(config, data_dir, cli.engine.clone())
        }
    }
}

use crate::logging;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Walk the log's hash chain: exit 0 when intact, 1 naming every edited, deleted or
    /// reordered record. Prints the newest hash, to note down elsewhere.
    Verify,
    /// The records over a window, newest first.
    List {
        #[arg(long, default_value = "-30d", allow_hyphen_values = true)]
        from: String,
        #[arg(long, default_value = "now", allow_hyphen_values = true)]
        to: String,
        /// Only records whose tag or setting contains this, ignoring case.
        #[arg(long)]
        target: Option<String>,
        /// Only this outcome: ok, rejected, failed or unknown.
        #[arg(long, value_parser = parse_outcome)]
        outcome: Option<hearth_engine::audit::AuditOutcome>,
        #[arg(long, default_value_t = 100_000)]
        limit: u32,
        /// Print CSV (times in UTC) instead of a table.
        #[arg(long)]
        csv: bool,
    },
}

fn parse_outcome(s: &str) -> Result<hearth_engine::audit::AuditOutcome, String> {
    use hearth_engine::audit::AuditOutcome as O;
    [O::Ok, O::Rejected, O::Failed, O::Unknown]
        .into_iter()
        .find(|o| o.name() == s)
        .ok_or_else(|| format!("`{s}`: one of ok, rejected, failed, unknown"))
}

#[derive(Debug, clap::Subcommand)]
pub enum AlarmsCommand {
    /// Every alarm transition over a window (raise, clear, acknowledge, shelve, suppress...).
    Journal {
        #[arg(long, default_value = "-1d", allow_hyphen_values = true)]
        from: String,
        #[arg(long, default_value = "now", allow_hyphen_values = true)]
        to: String,
        /// Only alarms whose id contains this, ignoring case (a tag name, `comms_loss`...).
        #[arg(long)]
        alarm: Option<String>,
        /// Only alarms of this priority: low, medium, high or urgent.
        #[arg(long)]
        priority: Option<hearth_model::config::Priority>,
        /// Only transitions into this state: normal, active_unacked, active_acked or
        /// returned_unacked.
        #[arg(long)]
        state: Option<String>,
        /// At most this many entries, oldest first.
        #[arg(long, default_value_t = 100_000)]
        limit: u32,
        /// Print CSV (times in UTC) instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// Alarm-system figures over a window: alarms per 10 minutes, time in flood, chattering
    /// and stale alarms, priority distribution, the ten most frequent.
    Metrics {
        #[arg(long, default_value = "-7d", allow_hyphen_values = true)]
        from: String,
        #[arg(long, default_value = "now", allow_hyphen_values = true)]
        to: String,
    },
}
