//! The data dir and its owner. One engine per data dir (sled allows one opener): the engine
//! holds an OS file lock for its lifetime and publishes its pid and API address in
//! `engine.json`, so a second engine is refused with the first's pid and the CLI knows where to
//! send its questions.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const LOCK_FILE: &str = "engine.lock";
const INFO_FILE: &str = "engine.json";

/// Who holds a data dir, as published in `engine.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineInfo {
    pub pid: u32,
    /// The engine's loopback HTTP API, e.g. `http://127.0.0.1:8720`.
    pub api_url: Option<String>,
    /// The CLI's key to the API (the file is readable by the engine's user only).
    #[serde(default)]
    pub local_token: Option<String>,
    pub started: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("the data dir {dir} is in use by another Hearth engine (pid {pid}{}); stop it first, or use it through `hearth status` and friends", api.as_deref().map(|a| format!(", {a}")).unwrap_or_default())]
    InUse {
        dir: PathBuf,
        pid: String,
        api: Option<String>,
    },
    #[error("data dir {dir}: {error}")]
    Io { dir: PathBuf, error: std::io::Error },
}

/// A locked data dir. Dropping it releases the lock.
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: File,
}

impl DataDir {
    /// Lock `path` (created if missing) for this process.
    pub fn acquire(path: &Path) -> Result<DataDir, DataDirError> {
        let io = |error| DataDirError::Io {
            dir: path.to_path_buf(),
            error,
        };
        std::fs::create_dir_all(path).map_err(io)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path.join(LOCK_FILE))
            .map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let info = read_info(path);
                return Err(DataDirError::InUse {
                    dir: path.to_path_buf(),
                    pid: info
                        .as_ref()
                        .map_or_else(|| "unknown".to_owned(), |i| i.pid.to_string()),
                    api: info.and_then(|i| i.api_url),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        Ok(DataDir {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Publish who holds the data dir (written atomically: write then rename).
    pub fn publish(&self, info: &EngineInfo) -> Result<(), DataDirError> {
        let io = |error| DataDirError::Io {
            dir: self.path.clone(),
            error,
        };
        let tmp = self.path.join(format!("{INFO_FILE}.tmp"));
        let text = serde_json::to_string_pretty(info).map_err(|e| io(std::io::Error::other(e)))?;
        let mut open = OpenOptions::new();
        open.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(0o600);
        }
        let mut f = open.open(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, self.path.join(INFO_FILE)).map_err(io)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.path.join(INFO_FILE));
    }
}

fn read_info(dir: &Path) -> Option<EngineInfo> {
    let text = std::fs::read_to_string(dir.join(INFO_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// The engine running on `dir`, if any: the lock is held and `engine.json` says where it is.
/// A stale `engine.json` left by a crash is ignored because nobody holds the lock.
pub fn running_engine(dir: &Path) -> Option<EngineInfo> {
    let lock = OpenOptions::new()
        .write(true)
        .open(dir.join(LOCK_FILE))
        .ok()?;
    match lock.try_lock() {
        Ok(()) => None,
        Err(TryLockError::WouldBlock) => read_info(dir),
        Err(TryLockError::Error(_)) => None,
    }
}

/// Total size of the files under `dir`, bytes.
pub fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_owner_is_refused_with_the_first_owners_pid()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let first = DataDir::acquire(dir.path())?;
        first.publish(&EngineInfo {
            pid: 4242,
            api_url: Some("http://127.0.0.1:1".into()),
            local_token: None,
            started: "x".into(),
        })?;
        assert_eq!(running_engine(dir.path()).map(|i| i.pid), Some(4242));
        match DataDir::acquire(dir.path()) {
            Err(DataDirError::InUse { pid, .. }) => assert_eq!(pid, "4242"),
            other => panic!("expected InUse, got {other:?}"),
        }
        drop(first);
        assert_eq!(running_engine(dir.path()), None);
        assert!(DataDir::acquire(dir.path()).is_ok());
        Ok(())
    }
}
