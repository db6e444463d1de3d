//! "Export this window to CSV" in the desktop window, where the webview cannot save a download:
//! the file is written to the user's Downloads folder, from the in-process engine or streamed
//! from the attached one, as `NAME.csv.part` renamed when complete, with progress and cancel.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use hearth_engine::Engine;
use hearth_engine::history::ExportQuery;

/// Fails the next write once cancelled, which stops the export where it is.
struct Cancellable<W> {
    inner: W,
    cancel: Arc<AtomicBool>,
}

impl<W: Write> Write for Cancellable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.cancel.load(Ordering::SeqCst) {
            // Not `Interrupted`: `write_all` retries those forever.
            return Err(std::io::Error::other("export cancelled"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `DIR/hearth-FROM.csv`, or `-2`, `-3`... if that exists: an export never overwrites a file.
fn target(dir: &Path, q: &ExportQuery) -> PathBuf {
    let stamp = chrono::DateTime::from_timestamp_millis(q.from)
        .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|| q.from.to_string());
    unique(dir, &format!("hearth-{stamp}.csv"))
}

/// `DIR/NAME`, or `NAME` with `-2`, `-3`... before its extension if that exists.
fn unique(dir: &Path, name: &str) -> PathBuf {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let mut path = dir.join(name);
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    path
}

/// Save a small document (an alarm journal) as `DIR/NAME` without overwriting anything:
/// written as `.part` and renamed, so a half-written file never carries the real name.
pub fn save(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = unique(dir, name);
    let part = path.with_extension("part");
    std::fs::write(&part, contents).with_context(|| format!("writing {}", part.display()))?;
    std::fs::rename(&part, &path).with_context(|| format!("renaming {}", part.display()))?;
    Ok(path)
}

/// The newest RFC 3339 time at the start of a line in `text`, as epoch ms.
fn newest_row_time(text: &str) -> Option<i64> {
    text.lines().rev().find_map(|l| {
        let cell = l.split(',').next()?;
        chrono::DateTime::parse_from_rfc3339(cell)
            .ok()
            .map(|t| t.timestamp_millis())
    })
}

pub enum Source<'a> {
    Engine(&'a Engine),
    /// The attached engine's HTTP API.
    Http(&'a str),
}

/// Write the export into `dir`; returns the file written.
pub fn export(
    source: Source<'_>,
    q: &ExportQuery,
    dir: &Path,
    cancel: Arc<AtomicBool>,
    progress: &mut dyn FnMut(f64),
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = target(dir, q);
    let part = path.with_extension("csv.part");
    let file =
        std::fs::File::create(&part).with_context(|| format!("creating {}", part.display()))?;
    let mut out = Cancellable {
        inner: std::io::BufWriter::new(file),
        cancel: cancel.clone(),
    };
    let written = match source {
        Source::Engine(engine) => engine
            .export_blocking(q, &mut out, progress)
            .map(|_| ())
            .map_err(anyhow::Error::from),
        Source::Http(base) => stream_http(base, q, &mut out, progress),
    }
    .and_then(|()| out.flush().context("writing the export"));
    if let Err(err) = written {
        let _ = std::fs::remove_file(&part);
        if cancel.load(Ordering::SeqCst) {
            bail!("cancelled");
        }
        return Err(err);
    }
    drop(out);
    std::fs::rename(&part, &path).with_context(|| format!("renaming {}", part.display()))?;
    Ok(path)
}

fn stream_http(
    base: &str,
    q: &ExportQuery,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(f64),
) -> Result<()> {
    let url = format!(
        "{base}/api/export?from={}&to={}&tags={}&layout={}",
        q.from, q.to, q.tags, q.layout
    );
    let mut resp = ureq::get(&url)
        .call()
        .with_context(|| format!("asking {base} for the export"))?;
    let mut body = resp.body_mut().as_reader();
    let mut buf = vec![0u8; 64 * 1024];
    let span = (q.to - q.from).max(1) as f64;
    loop {
        let n = std::io::Read::read(&mut body, &mut buf).context("reading the export")?;
        if n == 0 {
            return Ok(());
        }
        let piece = buf.get(..n).unwrap_or_default();
        out.write_all(piece).context("writing the export")?;
        if let Some(t) = newest_row_time(&String::from_utf8_lossy(piece)) {
            progress(((t - q.from) as f64 / span).clamp(0.0, 1.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_never_overwrites_a_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let q = ExportQuery {
            tags: String::new(),
            from: 1_764_288_000_000,
            to: 1_764_291_600_000,
            layout: "wide".into(),
            local: false,
        };
        let first = target(dir.path(), &q);
        assert!(first.ends_with("hearth-20251128T000000Z.csv"), "{first:?}");
        std::fs::write(&first, "x")?;
        let second = target(dir.path(), &q);
        assert!(
            second.ends_with("hearth-20251128T000000Z-2.csv"),
            "{second:?}"
        );
        Ok(())
    }

    #[test]
    fn a_saved_document_never_overwrites_one_and_leaves_no_part_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = save(
            dir.path(),
            "hearth-alarm-journal-2026-11-28T0000.csv",
            b"one",
        )?;
        let b = save(
            dir.path(),
            "hearth-alarm-journal-2026-11-28T0000.csv",
            b"two",
        )?;
        assert_ne!(a, b);
        assert!(
            b.ends_with("hearth-alarm-journal-2026-11-28T0000-2.csv"),
            "{b:?}"
        );
        assert_eq!(std::fs::read(&a)?, b"one");
        assert_eq!(std::fs::read(&b)?, b"two");
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 2);
        Ok(())
    }

    #[test]
    fn progress_comes_from_the_newest_complete_row() {
        let text = "time,a\n2025-11-28T00:00:00Z,1\n2025-11-28T00:30:00.000Z,2\n2025-11-28T00:4";
        assert_eq!(newest_row_time(text), Some(1_764_289_800_000));
        assert_eq!(newest_row_time("time,a\n"), None);
    }

    #[test]
    fn a_cancelled_writer_stops_at_the_next_write() {
        let cancel = Arc::new(AtomicBool::new(false));
        let mut w = Cancellable {
            inner: Vec::new(),
            cancel: cancel.clone(),
        };
        assert!(w.write_all(b"a").is_ok());
        cancel.store(true, Ordering::SeqCst);
        assert!(w.write_all(b"b").is_err());
        assert_eq!(w.inner, b"a");
    }
}
