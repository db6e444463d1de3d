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
    #[error(
        "the historian database at {path} changed after it was last closed ({detail}): it is damaged and has not been opened or modified. `hearth reset-historian` moves it aside and starts a fresh one"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "the database at {path} changed after it was last closed ({detail}): it is damaged and has not been opened or modified. Move it aside (and keep it: it is a record) to start a fresh one"
    )]
    DamagedDb { path: PathBuf, detail: String },
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

/// Written after a clean close: every file of sled's database with its size and CRC-32. The next
/// open checks them before sled touches anything, so a database damaged while closed (disk
/// fault, a stray copy) is refused as it is, instead of being "recovered" by sled, which cuts the
/// log at the first bad page. After a crash there is no manifest and sled's recovery runs as it
/// must.
const CLEAN_FILE: &str = "CLEAN";

/// Every file under `root`, but the clean-close marks themselves, sorted.
fn files_under(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for e in rd {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if !p
                .file_name()
                .is_some_and(|n| n == CLEAN_FILE || n == "CLEAN.tmp")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where sled's files are: `db/` inside a historian, the directory itself for a bare sled
/// database (the engine's alarm journal, marks and audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Historian,
    Bare,
}

impl Layout {
    fn root(self, dir: &Path) -> PathBuf {
        match self {
            Layout::Historian => dir.join("db"),
            Layout::Bare => dir.to_path_buf(),
        }
    }
}

fn manifest(dir: &Path, layout: Layout) -> std::io::Result<String> {
    let mut text = String::new();
    for p in files_under(&layout.root(dir))? {
        let mut hasher = crc32fast::Hasher::new();
        let mut f = std::fs::File::open(&p)?;
        let mut buf = vec![0u8; 1 << 20];
        let mut len = 0u64;
        loop {
            let n = std::io::Read::read(&mut f, &mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            len += n as u64;
        }
        let rel = p.strip_prefix(dir).unwrap_or(&p);
        text.push_str(&format!(
            "{} {len} {:08x}\n",
            rel.display(),
            hasher.finalize()
        ));
    }
    Ok(text)
}

/// Record the database as cleanly closed.
pub fn mark_clean(dir: &Path) -> Result<(), FormatError> {
    mark_clean_as(dir, Layout::Historian)
}

/// Record the sled database in `dir`, laid out as `layout`, as cleanly closed.
pub fn mark_clean_as(dir: &Path, layout: Layout) -> Result<(), FormatError> {
    let io = |error| FormatError::Io {
        path: dir.join(CLEAN_FILE),
        error,
    };
    let text = manifest(dir, layout).map_err(io)?;
    let tmp = dir.join("CLEAN.tmp");
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, dir.join(CLEAN_FILE)).map_err(io)
}

/// Before sled opens: if the database was closed cleanly, check it is exactly as it was left,
/// then drop the mark (from now on it is being written).
pub fn check_clean(dir: &Path) -> Result<(), FormatError> {
    check_clean_as(dir, Layout::Historian)
}

/// [`check_clean`] for the sled database in `dir` laid out as `layout`.
pub fn check_clean_as(dir: &Path, layout: Layout) -> Result<(), FormatError> {
    let path = dir.join(CLEAN_FILE);
    let io = |error| FormatError::Io {
        path: path.clone(),
        error,
    };
    let recorded = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    let now = manifest(dir, layout).map_err(io)?;
    if now != recorded {
        let first = recorded
            .lines()
            .zip(now.lines().chain(std::iter::repeat("(missing)")))
            .find(|(a, b)| a != b)
            .map_or_else(
                || "files were added".to_owned(),
                |(a, b)| format!("recorded `{a}`, found `{b}`"),
            );
        let path = dir.to_path_buf();
        return Err(match layout {
            Layout::Historian => FormatError::Damaged {
                path,
                detail: first,
            },
            Layout::Bare => FormatError::DamagedDb {
                path,
                detail: first,
            },
        });
    }
    std::fs::remove_file(&path).map_err(io)
}
