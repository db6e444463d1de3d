//! Opening the engine's small sled databases (alarm journal, emission marks, audit log) the
//! same way: flushed by their owners, never on a timer; held to the historian's rule that a
//! database closed cleanly is checked against its manifest before sled touches it (sled's
//! recovery would otherwise cut a damaged log silently), and the manifest written after it
//! closes.

use std::path::{Path, PathBuf};

use hearth_historian::{
    FormatError, Layout, check_clean_as, mark_clean_as, set_aside_unfinished_snapshots,
};

#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    #[error(transparent)]
    Damaged(#[from] FormatError),
    #[error(transparent)]
    Sled(#[from] sled::Error),
}

/// A sled database that records a clean close when dropped.
pub(crate) struct CleanDb {
    db: Option<sled::Db>,
    dir: PathBuf,
}

impl std::ops::Deref for CleanDb {
    type Target = sled::Db;

    fn deref(&self) -> &sled::Db {
        match &self.db {
            Some(db) => db,
            None => unreachable!("the database is taken only when dropped"),
        }
    }
}

impl Drop for CleanDb {
    fn drop(&mut self) {
        let Some(db) = self.db.take() else { return };
        if let Err(err) = db.flush() {
            tracing::error!(%err, dir = %self.dir.display(), "final flush failed; the next start recovers");
            return;
        }
        drop(db);
        // sled's threads let go of the files a moment after the last handle: wait for its
        // lock, so the manifest is taken of files nobody writes any more.
        let lock = self.dir.join("db");
        for _ in 0..250 {
            match std::fs::File::open(&lock).map(|f| f.try_lock().is_ok()) {
                Ok(true) => {
                    if let Err(err) = mark_clean_as(&self.dir, Layout::Bare) {
                        tracing::warn!(%err, "could not record a clean close");
                    }
                    return;
                }
                Ok(false) => std::thread::sleep(std::time::Duration::from_millis(20)),
                Err(_) => return,
            }
        }
        tracing::warn!(dir = %self.dir.display(), "sled kept its files busy; not recording a clean close");
    }
}

/// Open the database at `dir`. sled's threads hold its file lock a moment after the last handle
/// goes (a stop and a start in one process): retry briefly, as the historian does.
pub(crate) fn open_db(dir: &Path, cache_bytes: u64) -> Result<CleanDb, OpenError> {
    check_clean_as(dir, Layout::Bare)?;
    let config = sled::Config::new()
        .path(dir)
        .cache_capacity(cache_bytes)
        .flush_every_ms(None);
    let mut attempts = 0;
    loop {
        set_aside_unfinished_snapshots(dir, Layout::Bare)?;
        match config.open() {
            Ok(db) => {
                return Ok(CleanDb {
                    db: Some(db),
                    dir: dir.to_path_buf(),
                });
            }
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && attempts < 100 =>
            {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(error) => return Err(error.into()),
        }
    }
}
