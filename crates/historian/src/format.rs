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

/// Where [`set_aside_unfinished_snapshots`] puts what it moves, inside the database's directory.
pub const UNFINISHED_SNAPSHOTS: &str = "unfinished-snapshots";

/// sled 0.34 writes a snapshot of its page table to `snap.<lsn>.generating`, syncs it and only
/// then renames it to `snap.<lsn>`. But when it opens, it reads the newest `snap.*` file, an
/// unfinished `.generating` one included, and refuses the whole database as corrupt when that
/// file is empty or cut short: what a full disk leaves (sled writes its snapshot while it
/// opens, and the historian's retry after a write error reopens sled with the disk still full),
/// or a kill while the snapshot was being written. An unfinished snapshot holds nothing that the previous snapshot
/// and the log do not (the previous one is removed only after the rename), so it is moved into
/// [`UNFINISHED_SNAPSHOTS`] (never deleted) before sled opens. A `.generating` file that is
/// whole (its length and CRC check out, as sled checks them) is left for sled to read, and so
/// is any renamed snapshot, which was synced: if that is damaged, sled's error stands.
/// Nothing is touched while sled's lock on the database is held (by another process, or by
/// sled's threads finishing a close in this one): the file may be a snapshot being written.
/// Returns where each file went.
pub fn set_aside_unfinished_snapshots(
    dir: &Path,
    layout: Layout,
) -> Result<Vec<PathBuf>, FormatError> {
    let root = layout.root(dir);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| FormatError::Io { path, error }
    };
    let lock_path = root.join("db");
    let lock = match std::fs::File::open(&lock_path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&lock_path)(e)),
    };
    if lock.try_lock().is_err() {
        return Ok(Vec::new());
    }
    let entries = match std::fs::read_dir(&root) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&root)(e)),
    };
    let mut moved = Vec::new();
    for entry in entries {
        let path = entry.map_err(io(&root))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !(name.starts_with("snap.") && name.ends_with(".generating") && path.is_file()) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        if snapshot_is_whole(&bytes) {
            continue;
        }
        let aside = dir.join(UNFINISHED_SNAPSHOTS);
        std::fs::create_dir_all(&aside).map_err(io(&aside))?;
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let to = aside.join(format!("{name}.{secs}"));
        std::fs::rename(&path, &to).map_err(io(&path))?;
        // The move must outlast a power cut, or sled meets the same file on the next start.
        if let Ok(d) = std::fs::File::open(&root) {
            let _ = d.sync_all();
        }
        tracing::warn!(
            from = %path.display(),
            to = %to.display(),
            bytes = bytes.len(),
            "an unfinished sled snapshot (a full disk, or a stop while it was written) was set aside; the database opens from its log"
        );
        moved.push(to);
    }
    Ok(moved)
}

/// sled's own check of a snapshot file: the body, its length (8 bytes), then a CRC-32 of the
/// body (4 bytes, little-endian).
fn snapshot_is_whole(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len <= 12 {
        return false;
    }
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&bytes[len - 4..]);
    crc32fast::hash(&bytes[..len - 12]) == u32::from_le_bytes(crc)
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
