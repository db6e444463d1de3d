//! Hearth's PLC simulator: a reheating furnace with credible physics behind a Modbus TCP server
//! that behaves like a PLC. Used in-process by the engine (the default plant), as the
//! `hearth-sim` binary, and stepped directly by tests and evaluations.

pub mod control;
pub mod faults;
/// The furnace physics lives in `hearth-model`, shared with the optimiser and emissions.
pub use hearth_model::physics;
pub mod plc;
pub mod registers;
pub mod rng;
mod runner;
pub mod scenario;
pub mod sensors;
mod server;
pub mod simulation;

pub use faults::Fault;
pub use runner::{
    BUNDLED_REGISTER_MAP, FrameServer, PlantClock, ReceivedWrite, RunningSimulator,
    SimulatorHandle, SimulatorOptions, StartError, bundled_register_map,
};
pub use scenario::{Action, Scenario};
pub use simulation::{Grade, ServerRequests, Signal, SimSettings, Simulation, typical_grades};
