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
