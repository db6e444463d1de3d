//! Hearth's alarms after ISA-18.2 / IEC 62682: when a condition is abnormal (limits with deadband
//! and on/off delays), and the state each alarm is in (normal, active and unacknowledged, active
//! and acknowledged, returned and unacknowledged; shelved, suppressed by design, out of service),
//! with every transition reported so the journal can record it. Pure logic, no I/O: the engine
//! feeds it samples and the clock.

pub mod condition;
pub mod state;

pub use condition::{Limit, LimitKind};
pub use state::{Alarm, AlarmState, Delays, Shelve, Transition, TransitionKind};

/// Operator priority, defined with the alarm definitions in the plant config.
pub use hearth_model::config::Priority;
