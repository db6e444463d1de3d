//! A data dir whose databases were damaged while Hearth was stopped (a truncated file, flipped
//! bytes): `hearth serve` refuses to start with a message naming the database and saying it was
//! left alone, and every byte of the damaged database is as it was. sled itself would "recover"
//! such a log by cutting it at the first bad page; the clean-close manifest written when Hearth
//! stops is what catches it first. The undamaged copy starts, so the refusals are not spurious.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hearth_e2e::{binary, closed_port, serve_on};

fn snapshot(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir)?.to_path_buf(), std::fs::read(&p)?));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

/// `hearth serve` on `data`: Ok(stderr) when it exits (with its code), Err when it runs on.
fn serve_exit(data: &Path) -> Result<(i32, String)> {
    let port = closed_port()?;
    let mut child = Command::new(binary("hearth")?)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
            &data.display().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("DISPLAY")
        .spawn()?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err)?;
            }
            return Ok((status.code().unwrap_or(-1), err));
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            bail!("hearth serve on {} kept running", data.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    /// Cut to half its length, as a lost tail.
    Truncate,
    /// Flip bytes in the middle, as a bad sector.
    Flip,
}

fn damage(file: &Path, how: Damage) -> Result<()> {
    let mut bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
    if bytes.len() < 64 {
        bail!(
            "{} is too small to damage ({} bytes)",
            file.display(),
            bytes.len()
        );
    }
    match how {
        Damage::Truncate => bytes.truncate(bytes.len() / 2),
        Damage::Flip => {
            let mid = bytes.len() / 2;
            for b in &mut bytes[mid..mid + 32] {
                *b ^= 0xa5;
            }
        }
    }
    std::fs::write(file, bytes)?;
    Ok(())
}

#[test]
fn a_damaged_database_is_refused_by_name_and_left_byte_for_byte() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let recorded = dir.path().join("recorded");
    // Record a while and stop cleanly: the stop writes each database's manifest.
    let serve = serve_on(&recorded)?;
    std::thread::sleep(Duration::from_secs(4));
    let status = serve.terminate()?;
    assert!(status.success(), "the recording run ended with {status}");

    let cases = [
        ("historian", "historian/db/db", Damage::Truncate),
        ("historian", "historian/db/db", Damage::Flip),
        ("alarms", "alarms/db", Damage::Truncate),
        ("audit", "audit/db", Damage::Flip),
        ("emissions", "emissions/db", Damage::Truncate),
    ];
    for (i, (db, file, how)) in cases.into_iter().enumerate() {
        let data = dir.path().join(format!("case{i}"));
        copy_dir(&recorded, &data)?;
        damage(&data.join(file), how)?;
        let before = snapshot(&data.join(db))?;
        let (code, err) = serve_exit(&data)?;
        assert_ne!(code, 0, "{file} {how:?}: hearth started on it");
        let named = data.join(db).display().to_string();
        assert!(
            err.contains("damaged") && err.contains(&named),
            "{file} {how:?}: the error does not say which database is damaged: {err}"
        );
        assert!(
            err.contains("not been opened or modified"),
            "{file} {how:?}: the error does not say it was left alone: {err}"
        );
        assert_eq!(
            snapshot(&data.join(db))?,
            before,
            "{file} {how:?}: the damaged database was modified"
        );
    }

    // The same data dir undamaged starts and serves.
    serve_on(&recorded)?.terminate()?;
    Ok(())
}
