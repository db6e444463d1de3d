//! Opening the engine's small sled databases (alarm journal, emission marks, audit log) the
//! same way: flushed by their owners, never on a timer.

use std::path::Path;

/// Open the database at `dir`. sled's threads hold its file lock a moment after the last handle
/// goes (a stop and a start in one process): retry briefly, as the historian does.
pub(crate) fn open_db(dir: &Path, cache_bytes: u64) -> Result<sled::Db, sled::Error> {
    let config = sled::Config::new()
        .path(dir)
        .cache_capacity(cache_bytes)
        .flush_every_ms(None);
    let mut attempts = 0;
    loop {
        match config.open() {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && attempts < 100 =>
            {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(error) => return Err(error),
        }
    }
}
