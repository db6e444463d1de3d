//! The CSV export, read back, equals the stored points: values bit for bit, qualities, missing
//! values, in both layouts and with UTC or local times.

use hearth_historian::export::{ExportSpec, Layout, write_csv};
use hearth_historian::time::parse_time;
use hearth_historian::{Historian, Options, Point, SledHistorian};
use hearth_model::{Quality, Timestamp};

const T0: i64 = 1_790_000_000_000;
const TAGS: [&str; 3] = ["zone1_temp", "o2", "co"];

fn stored(h: &SledHistorian) -> Result<(), Box<dyn std::error::Error>> {
    let ids = h.series(&TAGS)?;
    let mut batch = Vec::new();
    // 2.5 hours, so the export crosses its hourly read windows; tags on their own cadences.
    for i in 0..9_000i64 {
        for (j, id) in ids.iter().enumerate() {
            let every = [1, 5, 10][j];
            if i % every != 0 {
                continue;
            }
            let q = match (i / every + j as i64) % 41 {
                0 => Quality::BadNoCommunication,
                1 => Quality::UncertainStale,
                2 => Quality::BadDeviceException(2),
                _ => Quality::Good,
            };
            let value = match q {
                Quality::BadNoCommunication | Quality::BadDeviceException(_) => None,
                _ if i % 997 == 0 => Some(f64::NAN),
                _ => Some((1000.0 + (i as f64 * 0.37).sin() * 50.0) * (j + 1) as f64 / 7.0),
            };
            batch.push((
                *id,
                Point {
                    ts: Timestamp(T0 + i * 1000 + j as i64),
                    value,
                    quality: q,
                },
            ));
        }
    }
    h.append(&batch)?;
    h.flush()?;
    Ok(())
}

fn value(s: &str) -> Result<Option<f64>, std::num::ParseFloatError> {
    if s.is_empty() {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

fn same(a: &Point, b: &Point) -> bool {
    a.ts == b.ts
        && a.quality == b.quality
        && match (a.value, b.value) {
            (Some(x), Some(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
            (None, None) => true,
            _ => false,
        }
}

fn read_back(csv: &str, layout: Layout) -> Result<Vec<Vec<Point>>, Box<dyn std::error::Error>> {
    let mut out = vec![Vec::new(); TAGS.len()];
    let tz = chrono_tz::Asia::Shanghai;
    let mut lines = csv.lines();
    let header = lines.next().ok_or("empty export")?;
    match layout {
        Layout::Long => assert_eq!(header, "time,tag,value,quality"),
        Layout::Wide => assert_eq!(
            header,
            "time,zone1_temp,zone1_temp quality,o2,o2 quality,co,co quality"
        ),
    }
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let ts = parse_time(f[0], Timestamp(0), tz)?;
        match layout {
            Layout::Long => {
                let j = TAGS.iter().position(|t| *t == f[1]).ok_or("unknown tag")?;
                out[j].push(Point {
                    ts,
                    value: value(f[2])?,
                    quality: f[3].parse()?,
                });
            }
            Layout::Wide => {
                assert_eq!(f.len(), 1 + 2 * TAGS.len(), "{line}");
                for j in 0..TAGS.len() {
                    if f[2 + 2 * j].is_empty() {
                        continue;
                    }
                    out[j].push(Point {
                        ts,
                        value: value(f[1 + 2 * j])?,
                        quality: f[2 + 2 * j].parse()?,
                    });
                }
            }
        }
    }
    Ok(out)
}

#[test]
fn the_export_read_back_equals_the_stored_points() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let h = SledHistorian::open(dir.path(), Options::default())?;
    stored(&h)?;
    let (from, to) = (Timestamp(T0 + 1_234), Timestamp(T0 + 8_765_000));
    for layout in [Layout::Long, Layout::Wide] {
        for tz in [None, Some(chrono_tz::Asia::Shanghai)] {
            let spec = ExportSpec {
                tags: TAGS.iter().map(|t| t.to_string()).collect(),
                from,
                to,
                layout,
                tz,
            };
            let mut csv = Vec::new();
            let mut progress = Vec::new();
            let n = write_csv(&h, &spec, &mut csv, &mut |f| progress.push(f))?;
            let back = read_back(&String::from_utf8(csv)?, layout)?;
            let mut total = 0;
            for (j, tag) in TAGS.iter().enumerate() {
                let want = h.range(tag, from, to)?;
                assert!(!want.is_empty());
                assert_eq!(back[j].len(), want.len(), "{tag} {layout:?} {tz:?}");
                assert!(back[j].iter().zip(&want).all(|(a, b)| same(a, b)), "{tag}");
                total += want.len();
            }
            assert_eq!(n, total as u64);
            assert!(progress.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(progress.last(), Some(&1.0));
        }
    }
    Ok(())
}
