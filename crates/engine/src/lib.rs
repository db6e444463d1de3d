//! The Hearth engine: the one process that owns a data dir. It starts the bundled simulator when
//! the config asks for it, runs a poller per device, writes every sample to the historian,
//! keeps the latest values, and serves one API to every face: the desktop shell calls it
//! in-process, `hearth serve` and the CLI reach it over HTTP and WebSocket on loopback.

pub mod accounting;
pub mod alarm_metrics;
pub mod alarming;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod client;
pub mod datadir;
mod engine;
pub mod history;
mod http;
pub mod journal;
mod live;
pub mod marks;
pub mod offline;
pub mod optimising;
pub mod recording;
pub mod report_csv;
pub mod report_file;
pub mod report_pdf;
pub mod settings;
pub mod simulator;
mod sled_open;
pub mod writes;

pub use auth::hash_password;
pub use datadir::{DataDir, DataDirError, EngineInfo};
pub use engine::{
    Engine, EngineError, EngineOptions, RunningEngine, UiAssets, start_embedded_simulators,
};
