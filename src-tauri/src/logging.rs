//! Logging: the filter comes from HEARTH_LOG (e.g. `HEARTH_LOG=debug`), readable lines go to
//! stderr, and the engine also writes a daily-rolling file in `<data dir>/logs`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| EnvFilter::new(default))
}

fn stderr_layer<S>() -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
}

/// Commands that own no data dir log to stderr only.
pub fn init_stderr(default: &str) {
    let _ = tracing_subscriber::registry()
        .with(filter(default))
        .with(stderr_layer())
        .try_init();
}

/// The engine logs to stderr and to `<data dir>/logs/hearth.log.YYYY-MM-DD`. Keep the guard
/// alive for as long as the process logs.
pub fn init_with_file(
    data_dir: &Path,
    default: &str,
) -> Result<tracing_appender::non_blocking::WorkerGuard> {
    let logs = data_dir.join("logs");
    std::fs::create_dir_all(&logs)
        .with_context(|| format!("creating the log dir {}", logs.display()))?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::daily(&logs, "hearth.log"));
    let _ = tracing_subscriber::registry()
        .with(filter(default))
        .with(stderr_layer())
        .with(fmt::layer().with_writer(writer).with_ansi(false))
        .try_init();
    Ok(guard)
}
