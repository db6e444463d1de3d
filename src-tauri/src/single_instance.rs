//! One window per data dir. The first window holds `window.lock` in the data dir and listens on
//! a loopback port it publishes in `window.json`; launching Hearth again on the same data dir
//! asks that window to come forward and exits, instead of opening a second view (or a second
//! engine) on the same furnace.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

const LOCK_FILE: &str = "window.lock";
const INFO_FILE: &str = "window.json";

#[derive(Debug, Serialize, Deserialize)]
struct WindowInfo {
    pid: u32,
    port: u16,
}

/// This process's claim on the data dir's window; released when dropped.
pub struct WindowLock {
    dir: PathBuf,
    _lock: File,
    listener: TcpListener,
}

pub enum Instance {
    /// No window is open on this data dir: this process opens it.
    First(WindowLock),
    /// A window is open (its pid); it was asked to come forward.
    AlreadyOpen(u32),
}

/// Claim the window of `data_dir`, or bring the one already open forward.
pub fn claim(data_dir: &Path) -> Result<Instance> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data dir {}", data_dir.display()))?;
    let lock_path = data_dir.join(LOCK_FILE);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening {}", lock_path.display()))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return bring_forward(data_dir).map(Instance::AlreadyOpen),
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", lock_path.display()));
        }
    }
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .context("listening for a second launch on loopback")?;
    let info = WindowInfo {
        pid: std::process::id(),
        port: listener.local_addr()?.port(),
    };
    let tmp = data_dir.join(format!("{INFO_FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(&info)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, data_dir.join(INFO_FILE))
        .with_context(|| format!("publishing {}", data_dir.join(INFO_FILE).display()))?;
    Ok(Instance::First(WindowLock {
        dir: data_dir.to_path_buf(),
        _lock: lock,
        listener,
    }))
}

fn bring_forward(data_dir: &Path) -> Result<u32> {
    let path = data_dir.join(INFO_FILE);
    // The holder writes its address right after locking: give it a moment.
    let mut info = None;
    for _ in 0..20 {
        if let Some(i) = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<WindowInfo>(&b).ok())
        {
            info = Some(i);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let info = info.with_context(|| {
        format!(
            "a Hearth window holds {} but has not published {}",
            data_dir.display(),
            path.display()
        )
    })?;
    let addr = SocketAddr::from(([127, 0, 0, 1], info.port));
    let ask = || -> std::io::Result<String> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        s.set_read_timeout(Some(Duration::from_secs(2)))?;
        s.write_all(b"show\n")?;
        let mut answer = String::new();
        BufReader::new(s).read_line(&mut answer)?;
        Ok(answer)
    };
    match ask() {
        Ok(a) if a.trim() == "ok" => Ok(info.pid),
        Ok(a) => anyhow::bail!(
            "the Hearth window (pid {}) on {} answered `{}`",
            info.pid,
            data_dir.display(),
            a.trim()
        ),
        Err(e) => Err(e).with_context(|| {
            format!(
                "a Hearth window (pid {}) holds {} but does not answer",
                info.pid,
                data_dir.display()
            )
        }),
    }
}

impl WindowLock {
    /// Answer later launches on a thread of its own, calling `show` for each.
    pub fn serve(self, show: impl Fn() + Send + 'static) {
        let spawned = std::thread::Builder::new()
            .name("hearth-single-instance".into())
            .spawn(move || {
                let this = self;
                for conn in this.listener.incoming() {
                    let Ok(mut conn) = conn else { continue };
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut line = String::new();
                    let asked = BufReader::new(&conn).read_line(&mut line).is_ok();
                    if asked && line.trim() == "show" {
                        tracing::info!(
                            "Hearth launched again on this data dir: showing the window"
                        );
                        show();
                        let _ = conn.write_all(b"ok\n");
                    } else {
                        let _ = conn.write_all(b"unknown request\n");
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::warn!(%err, "cannot answer a second launch; it will open its own window");
        }
    }
}

impl Drop for WindowLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.dir.join(INFO_FILE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn a_second_launch_on_the_same_data_dir_brings_the_first_window_forward() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let Instance::First(lock) = claim(dir.path())? else {
            anyhow::bail!("an empty data dir has no window yet");
        };
        let shown = Arc::new(AtomicU32::new(0));
        let counter = shown.clone();
        lock.serve(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        match claim(dir.path())? {
            Instance::AlreadyOpen(pid) => assert_eq!(pid, std::process::id()),
            Instance::First(_) => anyhow::bail!("two windows claimed one data dir"),
        }
        assert_eq!(shown.load(Ordering::SeqCst), 1);
        Ok(())
    }

    #[test]
    fn another_data_dir_gets_its_own_window() -> Result<()> {
        let a = tempfile::tempdir()?;
        let b = tempfile::tempdir()?;
        let _first = claim(a.path())?;
        assert!(matches!(claim(b.path())?, Instance::First(_)));
        Ok(())
    }
}
