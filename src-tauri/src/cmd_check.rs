//! `hearth check-config`: every problem in a plant configuration, each with file and key.

use std::path::Path;

use hearth_model::config::Config;

use crate::cli::EXIT_INVALID_CONFIG;

pub fn run(path: &Path) -> i32 {
    match Config::load(path) {
        Ok(c) => {
            println!(
                "{}: valid ({} device{}, {} tags read and {} derived, {} zones, {} alarms, time zone {})",
                path.display(),
                c.devices.len(),
                if c.devices.len() == 1 { "" } else { "s" },
                c.polled_tags().count(),
                c.tags.len() - c.polled_tags().count(),
                c.furnace.zones.len(),
                c.alarms.definitions.len(),
                c.plant.time_zone.name()
            );
            0
        }
        Err(errors) => {
            eprint!("{errors}");
            EXIT_INVALID_CONFIG
        }
    }
}
