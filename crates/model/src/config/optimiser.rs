//! The `[optimiser]` section: prices, weights, bounds, limits and how often it runs. Every
//! figure has the domain reference's default; the section may be left out entirely.

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct OptimiserSettings {
    /// Suggestions are made (every `interval`, and on demand).
    pub enabled: bool,
    pub gas_price_per_nm3: f64,
    pub co2_price_per_t: f64,
    pub currency: String,
    pub interval_min: f64,
    /// A throughput change of more than this since the last run starts another at once, %.
    pub pace_trigger_pct: f64,
    pub timeout_s: f64,
    /// Hours of history each calibration fits.
    pub history_h: f64,
    pub nox_target_mg: f64,
    pub nox_weight: f64,
    pub quality_weight: f64,
    pub move_weight: f64,
    /// One per furnace zone, charge end first, C.
    pub zone_bounds: Vec<(f64, f64)>,
    pub o2_bounds: (f64, f64),
    pub max_zone_move_c: f64,
    pub max_o2_move_pct: f64,
    /// Below and above each slab's aim, C (both positive).
    pub discharge_below_c: f64,
    pub discharge_above_c: f64,
    pub surface_core_max_c: f64,
    pub co_limit_ppm: f64,
    /// The NOx constraint as a fraction of the permit's NOx limit (if a permit limit is set).
    pub nox_limit_fraction: f64,
    pub flue_max_c: f64,
    pub air_preheat_max_c: f64,
    pub o2_error_pct: f64,
    pub discharge_margin_c: f64,
    pub min_pace_tph: f64,
    /// The plant's standard practice (zone setpoints, O2 setpoint), if configured: what the
    /// optimiser asks to return to when it can no longer check setpoints leaner than these.
    pub standard_zone_sp: Option<Vec<f64>>,
    pub standard_o2_sp: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOptimiser {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default = "d::gas_price")]
    pub gas_price_per_nm3: f64,
    #[serde(default = "d::co2_price")]
    pub co2_price_per_t: f64,
    #[serde(default = "d::currency")]
    pub currency: String,
    #[serde(default = "d::interval")]
    pub interval_min: f64,
    #[serde(default = "d::pace_trigger")]
    pub pace_trigger_pct: f64,
    #[serde(default = "d::timeout")]
    pub timeout_s: f64,
    #[serde(default = "d::history")]
    pub history_h: f64,
    #[serde(default = "d::nox_target")]
    pub nox_target_mg: f64,
    #[serde(default = "d::nox_weight")]
    pub nox_weight: f64,
    #[serde(default = "d::quality_weight")]
    pub quality_weight: f64,
    #[serde(default = "d::move_weight")]
    pub move_weight: f64,
    /// `[[lo, hi], ...]`, one pair per zone; default from the zones' positions.
    #[serde(default)]
    pub zone_bounds: Option<Vec<[f64; 2]>>,
    #[serde(default = "d::o2_bounds")]
    pub o2_bounds: [f64; 2],
    #[serde(default = "d::zone_move")]
    pub max_zone_move_c: f64,
    #[serde(default = "d::o2_move")]
    pub max_o2_move_pct: f64,
    /// `[below, above]` the aim, C, e.g. `[-10, 25]`.
    #[serde(default = "d::window")]
    pub discharge_window_c: [f64; 2],
    #[serde(default = "d::surface_core")]
    pub surface_core_max_c: f64,
    #[serde(default = "d::co_limit")]
    pub co_limit_ppm: f64,
    #[serde(default = "d::nox_fraction")]
    pub nox_limit_fraction_of_permit: f64,
    #[serde(default = "d::flue_max")]
    pub flue_max_c: f64,
    #[serde(default = "d::air_preheat_max")]
    pub air_preheat_max_c: f64,
    #[serde(default = "d::o2_error")]
    pub o2_error_pct: f64,
    #[serde(default = "d::discharge_margin")]
    pub discharge_margin_c: f64,
    #[serde(default = "d::min_pace")]
    pub min_pace_tph: f64,
    /// One setpoint per zone, C: the plant's standard practice.
    #[serde(default)]
    pub standard_zone_sp: Option<Vec<f64>>,
    #[serde(default)]
    pub standard_o2_sp: Option<f64>,
}

impl Default for RawOptimiser {
    fn default() -> Self {
        RawOptimiser {
            enabled: false,
            gas_price_per_nm3: d::gas_price(),
            co2_price_per_t: d::co2_price(),
            currency: d::currency(),
            interval_min: d::interval(),
            pace_trigger_pct: d::pace_trigger(),
            timeout_s: d::timeout(),
            history_h: d::history(),
            nox_target_mg: d::nox_target(),
            nox_weight: d::nox_weight(),
            quality_weight: d::quality_weight(),
            move_weight: d::move_weight(),
            zone_bounds: None,
            o2_bounds: d::o2_bounds(),
            max_zone_move_c: d::zone_move(),
            max_o2_move_pct: d::o2_move(),
            discharge_window_c: d::window(),
            surface_core_max_c: d::surface_core(),
            co_limit_ppm: d::co_limit(),
            nox_limit_fraction_of_permit: d::nox_fraction(),
            flue_max_c: d::flue_max(),
            air_preheat_max_c: d::air_preheat_max(),
            o2_error_pct: d::o2_error(),
            discharge_margin_c: d::discharge_margin(),
            min_pace_tph: d::min_pace(),
            standard_zone_sp: None,
            standard_o2_sp: None,
        }
    }
}

mod d {
    pub fn gas_price() -> f64 {
        0.35
    }
    pub fn co2_price() -> f64 {
        70.0
    }
    pub fn currency() -> String {
        "EUR".to_owned()
    }
    pub fn interval() -> f64 {
        15.0
    }
    pub fn pace_trigger() -> f64 {
        3.0
    }
    pub fn timeout() -> f64 {
        10.0
    }
    pub fn history() -> f64 {
        5.0
    }
    pub fn nox_target() -> f64 {
        150.0
    }
    pub fn nox_weight() -> f64 {
        0.05
    }
    pub fn quality_weight() -> f64 {
        2.0
    }
    pub fn move_weight() -> f64 {
        1.0
    }
    pub fn o2_bounds() -> [f64; 2] {
        [1.5, 4.0]
    }
    pub fn zone_move() -> f64 {
        20.0
    }
    pub fn o2_move() -> f64 {
        0.3
    }
    pub fn window() -> [f64; 2] {
        [-10.0, 25.0]
    }
    pub fn surface_core() -> f64 {
        30.0
    }
    pub fn co_limit() -> f64 {
        100.0
    }
    pub fn nox_fraction() -> f64 {
        0.9
    }
    pub fn flue_max() -> f64 {
        1150.0
    }
    pub fn air_preheat_max() -> f64 {
        540.0
    }
    pub fn o2_error() -> f64 {
        0.2
    }
    pub fn discharge_margin() -> f64 {
        // The pyrometer's +-2 C and a pace change between two runs: 3 C let a few slabs out of
        // the window in shadow mode.
        5.0
    }
    pub fn min_pace() -> f64 {
        100.0
    }
}

/// The domain reference's bounds for zone `i` of `n`: preheat first, soak last, heating between.
pub fn default_zone_bounds(i: usize, n: usize) -> (f64, f64) {
    if i == 0 && n > 1 {
        (950.0, 1150.0)
    } else if i + 1 == n {
        (1180.0, 1280.0)
    } else {
        (1150.0, 1300.0)
    }
}

/// Check the section against the furnace's zone count.
pub fn check(
    file: &Path,
    o: &RawOptimiser,
    zones: usize,
    push: &mut dyn FnMut(&Path, String, String),
) -> OptimiserSettings {
    let mut err = |k: &str, m: String| push(file, format!("optimiser.{k}"), m);
    let nonneg = [
        ("gas_price_per_nm3", o.gas_price_per_nm3),
        ("co2_price_per_t", o.co2_price_per_t),
        ("nox_target_mg", o.nox_target_mg),
        ("nox_weight", o.nox_weight),
        ("quality_weight", o.quality_weight),
        ("move_weight", o.move_weight),
        ("o2_error_pct", o.o2_error_pct),
        ("discharge_margin_c", o.discharge_margin_c),
        ("min_pace_tph", o.min_pace_tph),
    ];
    for (k, v) in nonneg {
        if !(v >= 0.0 && v.is_finite()) {
            err(k, format!("{v} must be zero or more"));
        }
    }
    let positive = [
        ("interval_min", o.interval_min, 1.0, 1440.0),
        ("pace_trigger_pct", o.pace_trigger_pct, 0.1, 100.0),
        ("timeout_s", o.timeout_s, 0.1, 600.0),
        ("history_h", o.history_h, 1.0, 72.0),
        ("max_zone_move_c", o.max_zone_move_c, 0.1, 200.0),
        ("max_o2_move_pct", o.max_o2_move_pct, 0.01, 5.0),
        ("surface_core_max_c", o.surface_core_max_c, 1.0, 300.0),
        ("co_limit_ppm", o.co_limit_ppm, 1.0, 10_000.0),
        (
            "nox_limit_fraction_of_permit",
            o.nox_limit_fraction_of_permit,
            0.1,
            1.0,
        ),
        ("flue_max_c", o.flue_max_c, 100.0, 1600.0),
        ("air_preheat_max_c", o.air_preheat_max_c, 20.0, 1000.0),
    ];
    for (k, v, lo, hi) in positive {
        if !(lo..=hi).contains(&v) {
            err(k, format!("{v} is outside {lo} to {hi}"));
        }
    }
    let [o2_lo, o2_hi] = o.o2_bounds;
    if !(0.0..21.0).contains(&o2_lo) || !(o2_lo..21.0).contains(&o2_hi) {
        err(
            "o2_bounds",
            format!("[{o2_lo}, {o2_hi}] is not a range of O2 % from low to high"),
        );
    }
    let [below, above] = o.discharge_window_c;
    if !(-200.0..=0.0).contains(&below) || !(0.0..=200.0).contains(&above) {
        err(
            "discharge_window_c",
            format!(
                "[{below}, {above}] must be [C below the aim (0 or negative), C above it (0 or more)]"
            ),
        );
    }
    let zone_bounds: Vec<(f64, f64)> = match &o.zone_bounds {
        Some(b) => {
            if b.len() != zones {
                err(
                    "zone_bounds",
                    format!(
                        "{} pairs for a furnace of {zones} zones: give one [low, high] per zone",
                        b.len()
                    ),
                );
            }
            for (i, [lo, hi]) in b.iter().enumerate() {
                if !(lo.is_finite() && hi.is_finite() && 500.0 <= *lo && lo <= hi && *hi <= 1500.0)
                {
                    err(
                        &format!("zone_bounds[{i}]"),
                        format!(
                            "[{lo}, {hi}] is not a setpoint range from low to high within 500 to 1500 C"
                        ),
                    );
                }
            }
            b.iter().map(|[lo, hi]| (*lo, *hi)).collect()
        }
        None => (0..zones).map(|i| default_zone_bounds(i, zones)).collect(),
    };
    if let Some(sp) = &o.standard_zone_sp {
        if sp.len() != zones {
            err(
                "standard_zone_sp",
                format!(
                    "{} setpoints for a furnace of {zones} zones: give one per zone",
                    sp.len()
                ),
            );
        }
        for (i, v) in sp.iter().enumerate() {
            if !(v.is_finite() && (500.0..=1500.0).contains(v)) {
                err(
                    &format!("standard_zone_sp[{i}]"),
                    format!("{v} is not a zone setpoint within 500 to 1500 C"),
                );
            }
        }
    }
    if let Some(v) = o.standard_o2_sp
        && !(v.is_finite() && (0.0..21.0).contains(&v))
    {
        err("standard_o2_sp", format!("{v} is not an O2 setpoint in %"));
    }
    if o.standard_zone_sp.is_some() != o.standard_o2_sp.is_some() {
        err(
            if o.standard_o2_sp.is_none() {
                "standard_o2_sp"
            } else {
                "standard_zone_sp"
            },
            "the standard practice needs both the zone setpoints and the O2 setpoint".into(),
        );
    }
    OptimiserSettings {
        enabled: o.enabled,
        gas_price_per_nm3: o.gas_price_per_nm3,
        co2_price_per_t: o.co2_price_per_t,
        currency: o.currency.clone(),
        interval_min: o.interval_min,
        pace_trigger_pct: o.pace_trigger_pct,
        timeout_s: o.timeout_s,
        history_h: o.history_h,
        nox_target_mg: o.nox_target_mg,
        nox_weight: o.nox_weight,
        quality_weight: o.quality_weight,
        move_weight: o.move_weight,
        zone_bounds,
        o2_bounds: (o2_lo, o2_hi),
        max_zone_move_c: o.max_zone_move_c,
        max_o2_move_pct: o.max_o2_move_pct,
        discharge_below_c: -below,
        discharge_above_c: above,
        surface_core_max_c: o.surface_core_max_c,
        co_limit_ppm: o.co_limit_ppm,
        nox_limit_fraction: o.nox_limit_fraction_of_permit,
        flue_max_c: o.flue_max_c,
        air_preheat_max_c: o.air_preheat_max_c,
        o2_error_pct: o.o2_error_pct,
        discharge_margin_c: o.discharge_margin_c,
        min_pace_tph: o.min_pace_tph,
        standard_zone_sp: o.standard_zone_sp.clone(),
        standard_o2_sp: o.standard_o2_sp,
    }
}
