//! Hearth's domain model: tags, samples and their quality, the injectable clock, the types the
//! UI receives, and the plant configuration with its two-stage validation.
//!
//! Nothing here does I/O beyond reading configuration files, so every other crate can depend on it.

pub mod api;
pub mod clock;
pub mod codec;
pub mod config;
pub mod physics;
pub mod quality;
pub mod sample;
pub mod units;

pub use clock::{Clock, ManualClock, SharedClock, SteadyClock, SystemClock};
pub use quality::Quality;
pub use sample::{Sample, TagId, Timestamp};
