//! The window's size and position, remembered per user between runs (in the user's config dir,
//! `hearth/window.json`), and put back only where a screen can show it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Smallest window the pages are laid out for.
pub const MIN_WIDTH: f64 = 1024.0;
pub const MIN_HEIGHT: f64 = 640.0;

/// Logical (DPI-independent) pixels: inner size, outer position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    #[serde(default)]
    pub maximized: bool,
}

/// A screen's area, logical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

fn path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("hearth").join("window.json"))
}

/// The geometry saved last time, if any and readable (a damaged file is ignored: the window
/// then opens at its default size).
pub fn load() -> Option<Geometry> {
    let p = path()?;
    let text = std::fs::read_to_string(&p).ok()?;
    match serde_json::from_str(&text) {
        Ok(g) => Some(g),
        Err(err) => {
            tracing::warn!(path = %p.display(), %err, "ignoring the saved window geometry");
            None
        }
    }
}

pub fn save(g: &Geometry) {
    let Some(p) = path() else { return };
    let write = || -> std::io::Result<()> {
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = p.with_extension("json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(g).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&tmp, &p)
    };
    if let Err(err) = write() {
        tracing::warn!(path = %p.display(), %err, "cannot save the window geometry");
    }
}

/// The saved geometry made fit for today's screens: at least the minimum size, no larger than
/// the screen, and moved onto the screen when its title bar would be off every screen (a
/// monitor unplugged since). `None` when no screen is known.
pub fn fit(saved: Geometry, screens: &[Screen]) -> Option<Geometry> {
    let title_visible = |s: &Screen| {
        saved.x + 80.0 > s.x
            && saved.x < s.x + s.width - 80.0
            && saved.y >= s.y
            && saved.y < s.y + s.height - 40.0
    };
    let screen = screens
        .iter()
        .find(|s| title_visible(s))
        .or_else(|| screens.first())?;
    let width = saved.width.max(MIN_WIDTH).min(screen.width.max(MIN_WIDTH));
    let height = saved
        .height
        .max(MIN_HEIGHT)
        .min(screen.height.max(MIN_HEIGHT));
    let (x, y) = if title_visible(screen) {
        (saved.x, saved.y)
    } else {
        (screen.x, screen.y)
    };
    Some(Geometry {
        x,
        y,
        width,
        height,
        maximized: saved.maximized,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HD: Screen = Screen {
        x: 0.0,
        y: 0.0,
        width: 1920.0,
        height: 1080.0,
    };

    fn g(x: f64, y: f64, width: f64, height: f64) -> Geometry {
        Geometry {
            x,
            y,
            width,
            height,
            maximized: false,
        }
    }

    #[test]
    fn a_window_on_screen_comes_back_where_it_was() {
        assert_eq!(
            fit(g(100.0, 50.0, 1400.0, 900.0), &[HD]),
            Some(g(100.0, 50.0, 1400.0, 900.0))
        );
    }

    #[test]
    fn a_window_left_on_an_unplugged_monitor_comes_back_onto_a_screen() {
        let got = fit(g(2500.0, 100.0, 1400.0, 900.0), &[HD]);
        assert_eq!(got, Some(g(0.0, 0.0, 1400.0, 900.0)));
    }

    #[test]
    fn sizes_are_kept_between_the_minimum_and_the_screen() {
        assert_eq!(
            fit(g(0.0, 0.0, 300.0, 200.0), &[HD]),
            Some(g(0.0, 0.0, MIN_WIDTH, MIN_HEIGHT))
        );
        assert_eq!(
            fit(g(0.0, 0.0, 5000.0, 3000.0), &[HD]),
            Some(g(0.0, 0.0, 1920.0, 1080.0))
        );
    }

    #[test]
    fn the_second_monitor_is_used_when_the_window_was_there() {
        let right = Screen { x: 1920.0, ..HD };
        let got = fit(g(2000.0, 100.0, 1200.0, 800.0), &[HD, right]);
        assert_eq!(got, Some(g(2000.0, 100.0, 1200.0, 800.0)));
    }

    #[test]
    fn no_screen_known_means_no_placement() {
        assert_eq!(fit(g(0.0, 0.0, 1200.0, 800.0), &[]), None);
    }
}
