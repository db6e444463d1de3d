//! `hearth evaluate`: the optimiser in shadow mode on a scenario, against baseline practice.

use std::path::Path;

use anyhow::{Context, Result, bail};
use hearth_model::config::Config;
use hearth_optimiser::shadow::{Options, evaluate};
use hearth_sim::Scenario;

pub fn run(
    config: &Config,
    scenario_path: &Path,
    hours: f64,
    seed: u64,
    out: &Path,
    json: bool,
) -> Result<i32> {
    if !(hours.is_finite() && hours > 0.0 && hours <= 24.0 * 14.0) {
        bail!("--hours must be more than 0 and at most two weeks (336)");
    }
    let zones = config.furnace.zones.len();
    if zones != hearth_sim::physics::ZONES {
        bail!(
            "the simulator's furnace has {} zones and this config's has {zones}: evaluate with a config for the simulated furnace (config/plant.toml)",
            hearth_sim::physics::ZONES
        );
    }
    let scenario = Scenario::load(scenario_path)?;
    let opts = Options::from_config(config, hours, seed);
    eprintln!(
        "evaluating \"{}\": {:.0} h of history, then {hours} h under baseline practice and under the optimiser (seed {seed})",
        scenario.name, opts.history_h
    );
    let report = evaluate(&scenario, &opts, |line| eprintln!("  {line}"));
    let stem = scenario_path
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let base = out.join(format!("{stem}-seed{seed}-{hours}h"));
    let md = report.markdown();
    let js = serde_json::to_string_pretty(&report).context("writing the report as JSON")?;
    let md_path = base.with_extension("md");
    let js_path = base.with_extension("json");
    std::fs::write(&md_path, &md).with_context(|| format!("writing {}", md_path.display()))?;
    std::fs::write(&js_path, &js).with_context(|| format!("writing {}", js_path.display()))?;
    if json {
        println!("{js}");
    } else {
        println!("{md}");
    }
    eprintln!(
        "report written to {} and {}",
        md_path.display(),
        js_path.display()
    );
    Ok(0)
}
