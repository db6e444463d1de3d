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

/// Write the bundled config into `dir` (refreshing it, since it belongs to this build) and
/// return the plant file's path.
pub fn write_bundled_config(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in FILES {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(dir.join("plant.toml"))
}
