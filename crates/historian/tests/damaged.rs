//! A database it cannot read (newer format, damaged files) gives a clear error and is left as
//! it was; moving it aside keeps it and lets a fresh one start.

use std::path::Path;

use hearth_historian::{Historian, Options, Point, SledHistorian, move_aside};
use hearth_model::{Quality, Timestamp};

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir)
                        .map(|r| r.display().to_string())
                        .unwrap_or_default(),
                    std::fs::read(&p).unwrap_or_default(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn filled(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let h = SledHistorian::open(dir, Options::default())?;
    let id = h.series(&["zone1_temp"])?[0];
    let batch: Vec<_> = (0..5_000)
        .map(|i| {
            (
                id,
                Point {
                    ts: Timestamp(1_790_000_000_000 + i * 1000),
                    value: Some(1000.0 + (i % 97) as f64 * 0.1),
                    quality: Quality::Good,
                },
            )
        })
        .collect();
    h.append(&batch)?;
    h.flush()?;
    Ok(())
}

#[test]
fn a_damaged_database_is_refused_and_left_untouched() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("historian");
    filled(&db)?;
    // Damage the log where sled keeps its pages.
    let file = db.join("db").join("db");
    let mut bytes = std::fs::read(&file)?;
    for b in bytes.iter_mut().take(4096) {
        *b ^= 0x5a;
    }
    std::fs::write(&file, &bytes)?;
    let before = snapshot(&db);

    let err = SledHistorian::open(&db, Options::default())
        .err()
        .ok_or("a damaged database opened")?
        .to_string();
    assert!(
        err.contains("damaged") && err.contains("not been opened or modified"),
        "{err}"
    );
    assert!(err.contains("hearth reset-historian"), "{err}");
    assert_eq!(
        snapshot(&db),
        before,
        "opening changed the damaged database"
    );

    let aside = move_aside(&db)?;
    assert_eq!(snapshot(&aside), before);
    let fresh = SledHistorian::open(&db, Options::default())?;
    assert_eq!(fresh.summary()?.series, 0);
    Ok(())
}

#[test]
fn a_newer_format_is_refused_and_left_untouched() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    filled(dir.path())?;
    std::fs::write(dir.path().join("FORMAT"), "hearth-historian 99\n")?;
    let before = snapshot(dir.path());
    let err = SledHistorian::open(dir.path(), Options::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("newer Hearth"), "{err}");
    assert_eq!(snapshot(dir.path()), before);
    Ok(())
}

/// The snapshot files sled keeps beside its log, by name.
fn snapshots(db: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(db.join("db"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.starts_with("snap."))
        .collect();
    out.sort();
    out
}

/// [`filled`], then opened again: sled writes its snapshot when it opens a log that moved on
/// since the last one. Returns the snapshot files.
fn filled_with_snapshot(db: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    filled(db)?;
    drop(SledHistorian::open(db, Options::default())?);
    Ok(snapshots(db))
}

#[test]
fn an_unfinished_snapshot_is_set_aside_and_everything_opens()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("historian");
    let whole = filled_with_snapshot(&db)?;
    assert!(!whole.is_empty(), "sled wrote no snapshot");
    // What a kill, or a full disk, leaves while sled writes its next snapshot: the file is
    // created, then nothing (or only part of it) reaches the disk. No clean-close mark either,
    // as after any crash.
    std::fs::remove_file(db.join("CLEAN"))?;
    let empty = db.join("db").join("snap.00000000FFFFFFFF.generating");
    std::fs::write(&empty, b"")?;
    let cut = db.join("db").join("snap.00000000FFFFFFFE.generating");
    let real = std::fs::read(db.join("db").join(&whole[0]))?;
    std::fs::write(&cut, &real[..real.len() / 2])?;

    // sled on its own refuses the database for it (which is why this is done at all).
    let refused = sled::Config::new()
        .path(db.join("db"))
        .segment_size(Options::default().segment_bytes)
        .open()
        .err()
        .ok_or("sled opened a database with an unfinished snapshot")?;
    assert!(
        matches!(refused, sled::Error::Corruption { .. }),
        "{refused}"
    );

    let h = SledHistorian::open(&db, Options::default())?;
    let points = h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?;
    assert_eq!(
        points.len(),
        5_000,
        "points lost after setting the snapshot aside"
    );
    drop(h);
    // Kept, not deleted, and out of sled's way.
    let aside: Vec<String> = std::fs::read_dir(db.join(hearth_historian::UNFINISHED_SNAPSHOTS))?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    assert_eq!(aside.len(), 2, "{aside:?}");
    assert!(
        aside
            .iter()
            .any(|n| n.starts_with("snap.00000000FFFFFFFF.generating")),
        "{aside:?}"
    );
    assert!(
        snapshots(&db)
            .iter()
            .all(|n| !n.starts_with("snap.00000000FFFFFFF")),
        "{:?}",
        snapshots(&db)
    );
    Ok(())
}

#[test]
fn a_whole_snapshot_still_being_named_is_left_for_sled() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("historian");
    let whole = filled_with_snapshot(&db)?;
    let name = whole.last().ok_or("sled wrote no snapshot")?;
    // A kill between sled's sync of the new snapshot and its rename.
    std::fs::remove_file(db.join("CLEAN"))?;
    std::fs::rename(
        db.join("db").join(name),
        db.join("db").join(format!("{name}.generating")),
    )?;
    let h = SledHistorian::open(&db, Options::default())?;
    assert_eq!(
        h.range("zone1_temp", Timestamp(0), Timestamp(i64::MAX))?
            .len(),
        5_000
    );
    drop(h);
    assert!(!db.join(hearth_historian::UNFINISHED_SNAPSHOTS).exists());
    Ok(())
}
