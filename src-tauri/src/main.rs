//! `hearth`: the desktop app and the command line. Only wiring lives here; the work is done by
//! the engine and the crates under `crates/`.

// No console window for the desktop app on Windows release builds.
#![cfg_attr(
    all(not(debug_assertions), target_os = "windows"),
    windows_subsystem = "windows"
)]

/// jemalloc rather than glibc's malloc: glibc's per-thread arenas kept freed memory resident,
/// and a process that records for months grew without holding more (docs/reliability.md). Its
/// settings (a background thread returning freed pages within about a second) are compiled in
/// from `.cargo/config.toml`.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod attach;
mod cli;
mod cmd_alarms;
mod cmd_audit;
mod cmd_check;
mod cmd_evaluate;
mod cmd_history;
mod cmd_poll;
mod cmd_probe;
mod cmd_report;
mod cmd_serve;
mod cmd_status;
mod defaults;
mod desktop;
mod export_file;
mod geometry;
mod logging;
mod single_instance;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let code = match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("hearth: {err:#}");
            1
        }
    };
    std::process::exit(code);
}
