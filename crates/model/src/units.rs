//! The engineering units Hearth knows. A tag's unit must be one of these so that the UI can group
//! pens by unit and the emissions maths can check what it is given.

/// Every unit a tag may carry, as written in the config.
pub const UNITS: &[&str] = &[
    "degC", "K", "Pa", "kPa", "mbar", "%", "ppm", "mg/Nm3", "Nm3/h", "Nm3", "Sm3/h", "Sm3", "t/h",
    "t", "kg/h", "kg", "MW", "kW", "GJ", "MJ/Nm3", "s", "min", "h", "ms", "count", "bool", "mode",
    "code", "GJ/t", "kg/t", "ratio",
];

pub fn is_known(unit: &str) -> bool {
    UNITS.contains(&unit)
}
