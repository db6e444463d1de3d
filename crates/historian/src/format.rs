//! The format version lives in a small file of our own beside sled's, checked before sled opens
//! the database: sled writes during recovery, and a database from a newer Hearth must never be
//! touched by an older one.

use std::path::{Path, PathBuf};

pub const FORMAT_VERSION: u32 = 1;
const FORMAT_FILE: &str = "FORMAT";
const MAGIC: &str = "hearth-historian";

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(
        "{path} was written by a newer Hearth (historian format {found}, this build reads up to {FORMAT_VERSION}); it has not been modified. Use the newer Hearth, or point --data-dir elsewhere"
    )]
    Newer { path: PathBuf, found: u32 },
    #[error(
        "{path} is not a Hearth historian format file ({reason}); the data dir has not been modified"
    )]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// Check (or, for a new database, write) the format file in `dir`.
pub fn check_or_create(dir: &Path) -> Result<(), FormatError> {
    let path = dir.join(FORMAT_FILE);
    let io = |error| FormatError::Io {
        path: path.clone(),
        error,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let mut parts = text.split_whitespace();
            let (magic, version) = (parts.next(), parts.next());
            if magic != Some(MAGIC) {
                return Err(FormatError::Unreadable {
                    path,
                    reason: "wrong header".into(),
                });
            }
            let found: u32 =
                version
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| FormatError::Unreadable {
                        path: path.clone(),
                        reason: "no version number".into(),
                    })?;
            if found > FORMAT_VERSION {
                return Err(FormatError::Newer { path, found });
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let has_db = dir.join("db").exists() || dir.join("conf").exists();
            if has_db {
                return Err(FormatError::Unreadable {
                    path,
                    reason: "a database exists but its format file is missing".into(),
                });
            }
            std::fs::create_dir_all(dir).map_err(io)?;
            let tmp = dir.join("FORMAT.tmp");
            std::fs::write(&tmp, format!("{MAGIC} {FORMAT_VERSION}\n")).map_err(io)?;
            std::fs::rename(&tmp, &path).map_err(io)?;
            Ok(())
        }
        Err(e) => Err(io(e)),
    }
}

/// Move a historian directory aside (to `<dir>.aside-<unix seconds>`) so a fresh one can start;
/// nothing is deleted. Returns where it went.
pub fn move_aside(dir: &Path) -> Result<PathBuf, FormatError> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name = dir
        .file_name()
        .map_or_else(|| "historian".into(), |n| n.to_string_lossy().into_owned());
    let to = dir.with_file_name(format!("{name}.aside-{secs}"));
    std::fs::rename(dir, &to).map_err(|error| FormatError::Io {
        path: dir.to_path_buf(),
        error,
    })?;
    Ok(to)
}
