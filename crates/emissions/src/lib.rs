//! Emissions and energy accounting, free of the GUI and of storage: what a permit and an energy
//! manager ask of a reheating furnace's data.
//!
//! - [`fuel`]: the fuel's stoichiometry from its composition (air and flue gas per Nm3, CO2);
//! - [`convert`]: ppm and mg/Nm3, correction to a reference O2, Nm3 and Sm3, mass rates;
//! - [`derive`]: the derived tags computed from measured ones as samples arrive;
//! - [`periods`]: hours, shifts, days and months in the plant's time zone, DST included;
//! - [`averaging`]: hourly and daily averages with their validity rules;
//! - [`energy`]: energy KPIs from the fuel and production totalisers;
//! - [`limits`]: permit limits and the projection of a running average against them.
//!
//! Volumes are Nm3 (0 C, 101.325 kPa) unless a name says Sm3 (15 C); energies are on the lower
//! heating value (LHV) basis.

pub mod averaging;
pub mod convert;
pub mod derive;
pub mod energy;
pub mod fuel;
pub mod limits;
pub mod periods;
