//! The bundled default plant (the simulator's furnace), compiled in so an installed `hearth`
//! starts on it from any directory. The files are the ones in `config/`; nothing is copied by
//! hand.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

const FILES: [(&str, &str); 2] = [
    ("plant.toml", include_str!("../../config/plant.toml")),
    (
        "simulator-registers.toml",
        include_str!("../../config/simulator-registers.toml"),
    ),
];

/// Write the bundled config into `dir` and return the plant file's path. A file still as this
/// or an earlier build wrote it is refreshed (it belongs to the build); one changed since, from
/// the Settings page or by hand, is kept. `NAME.bundled` beside each file remembers what the
/// build last wrote, which is how the two are told apart.
pub fn write_bundled_config(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in FILES {
        let path = dir.join(name);
        let sidecar = dir.join(format!("{name}.bundled"));
        let current = std::fs::read_to_string(&path).ok();
        let last_bundled = std::fs::read_to_string(&sidecar).ok();
        let changed_here = match (&current, &last_bundled) {
            (Some(c), Some(b)) => c != b && c != text,
            _ => false,
        };
        if changed_here {
            eprintln!(
                "Keeping {} as changed since it was bundled; this build's version is in {}",
                path.display(),
                sidecar.display()
            );
        } else if current.as_deref() != Some(text) {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        if last_bundled.as_deref() != Some(text) {
            std::fs::write(&sidecar, text)
                .with_context(|| format!("writing {}", sidecar.display()))?;
        }
    }
    Ok(dir.join("plant.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_changed_at_run_time_survives_the_next_start_and_an_untouched_one_follows_the_build()
    -> Result<()> {
        let dir = tempfile::tempdir()?;
        let plant = write_bundled_config(dir.path())?;
        let bundled = std::fs::read_to_string(&plant)?;
        // An older build's bundle, untouched: refreshed.
        std::fs::write(&plant, "# older bundle\n")?;
        std::fs::write(dir.path().join("plant.toml.bundled"), "# older bundle\n")?;
        write_bundled_config(dir.path())?;
        assert_eq!(std::fs::read_to_string(&plant)?, bundled);
        // Changed from the Settings page: kept.
        let changed = bundled.replacen("limit = 1.0", "limit = 1.5", 1);
        assert_ne!(changed, bundled);
        std::fs::write(&plant, &changed)?;
        write_bundled_config(dir.path())?;
        assert_eq!(std::fs::read_to_string(&plant)?, changed);
        Ok(())
    }
}
