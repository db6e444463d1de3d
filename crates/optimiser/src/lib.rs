//! Hearth's optimiser: setpoint suggestions that save fuel and cut NOx, on a model calibrated
//! to the plant's own history.
//!
//! [`predict`] runs the furnace forward from its present state with the physics the simulator
//! uses; [`calibrate`] fits the parameters that drift to the recent history and tracks the slabs
//! inside; [`problem`] turns a prediction into cost, penalties and constraint margins; [`solve`]
//! searches the zone and O2 setpoints with argmin and returns a suggestion only when the answer
//! passes a hard feasibility check; [`advise`] does all of it from the plant's data, checked by
//! [`inputs`], and explains the answer; [`record`] turns a running simulation into history.

pub mod advise;
pub mod calibrate;
pub mod inputs;
pub mod params;
pub mod predict;
pub mod problem;
pub mod record;
pub mod shadow;
pub mod solve;

pub use advise::{Advice, Request, Suggestion, WayBack, advise};
pub use calibrate::{CalibrationError, Fit, FitLimits, History, calibrate};
pub use params::{Calibration, ModelParams, ZoneParams};
pub use predict::{Decision, FurnaceState, Prediction, TrackedSlab, predict, residence_s, settle};
pub use problem::Settings;
pub use solve::{Context, Outcome, Progress, grid_search, solve};
