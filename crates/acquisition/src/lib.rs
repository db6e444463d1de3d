//! Modbus TCP acquisition: plans the fewest reads for each poll group, runs one supervisor per
//! device (timeouts, reconnect after any error, backoff with jitter), decodes registers into
//! samples with their quality, and keeps per-device statistics.

pub mod modbus;
pub mod plan;
pub mod poller;
pub mod probe;
mod stats;

pub use plan::{ReadBlock, plan_reads, split_block};
pub use poller::{DevicePoller, PollReport, poll_once};
pub mod writer;
