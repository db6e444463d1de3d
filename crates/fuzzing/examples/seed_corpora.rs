//! Writes the hand-made seed inputs of every fuzz target into `fuzz/corpus/<target>/` (named
//! `seed-*`, so they are told apart from what the fuzzer adds). Run again after a format
//! changes:
//!
//!     cargo run -p hearth-fuzzing --example seed_corpora

use std::path::{Path, PathBuf};

use hearth_historian::rollup::Row;
use hearth_historian::{Point, encode_points, encode_rows};
use hearth_model::{Quality, Timestamp};

fn write(root: &Path, target: &str, name: &str, data: &[u8]) -> std::io::Result<()> {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("seed-{name}")), data)
}

fn mbap(tid: u16, unit: u8, pdu: &[u8]) -> Vec<u8> {
    let mut f = tid.to_be_bytes().to_vec();
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(&((pdu.len() + 1) as u16).to_be_bytes());
    f.push(unit);
    f.extend_from_slice(pdu);
    f
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");

    // modbus_reply: [function selector, count, flags, reply bytes...]
    let replies: [(&str, u8, u8, Vec<u8>); 7] = [
        (
            "holding-2",
            0,
            2,
            mbap(0, 1, &[3, 4, 0x12, 0x34, 0x56, 0x78]),
        ),
        ("input-1", 1, 1, mbap(0, 1, &[4, 2, 0x03, 0xe8])),
        ("coils-9", 2, 9, mbap(0, 1, &[1, 2, 0xff, 0x01])),
        ("discrete-3", 3, 3, mbap(0, 1, &[2, 1, 0x05])),
        ("exception", 0, 2, mbap(0, 1, &[0x83, 0x02])),
        ("short-count", 0, 4, mbap(0, 1, &[3, 2, 0, 1])),
        ("long-length", 0, 1, vec![0, 0, 0, 0, 0, 200, 1, 3, 2, 0, 1]),
    ];
    for (name, sel, count, reply) in replies {
        let mut d = vec![sel, count, 0];
        d.extend(reply);
        write(&root, "modbus_reply", name, &d)?;
    }

    // register_codec: [type and order selector, register bytes...]
    for (name, d) in [
        ("float32", vec![5u8, 0x44, 0x7a, 0x00, 0x00]),
        ("int16-neg", vec![1, 0xff, 0x38]),
        ("uint32-cdab", vec![4 + 32, 0x00, 0x01, 0x00, 0x02]),
        ("float64-nan", vec![8, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]),
        ("bool-bit", vec![0, 0x80, 0x01]),
        ("int64-dcba", vec![6 + 48, 1, 2, 3, 4, 5, 6, 7, 8]),
    ] {
        write(&root, "register_codec", name, &d)?;
    }

    // sim_request: request frames as a client sends them.
    let requests: [(&str, Vec<u8>); 9] = [
        ("read-input", mbap(1, 1, &[4, 0, 0, 0, 10])),
        ("read-holding", mbap(2, 1, &[3, 0, 0, 0, 4])),
        ("read-coils", mbap(3, 1, &[1, 0, 0, 0, 8])),
        ("read-discrete", mbap(4, 1, &[2, 0, 0, 0, 8])),
        ("write-single", mbap(5, 1, &[6, 0, 0, 0x03, 0xe8])),
        (
            "write-multiple",
            mbap(6, 1, &[0x10, 0, 0, 0, 2, 4, 0x03, 0xe8, 0x03, 0xe9]),
        ),
        ("write-coil", mbap(7, 1, &[5, 0, 0, 0xff, 0])),
        ("control-read", mbap(8, 1, &[3, 0x03, 0xe8, 0, 8])),
        ("not-modbus", b"GET / HTTP/1.1\r\n\r\n".to_vec()),
    ];
    for (name, d) in requests {
        write(&root, "sim_request", name, &d)?;
    }
    let mut two = mbap(9, 1, &[4, 0, 0, 0, 2]);
    two.extend(mbap(10, 7, &[3, 0, 0, 0, 1]));
    write(&root, "sim_request", "two-frames-other-unit", &two)?;

    // config_text: [0 = plant file, 1 = register map, text...]
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config");
    for (name, sel, file) in [
        ("plant", 0u8, "plant.toml"),
        ("register-map", 1, "simulator-registers.toml"),
    ] {
        if let Ok(text) = std::fs::read(config.join(file)) {
            let mut d = vec![sel];
            d.extend(text);
            write(&root, "config_text", name, &d)?;
        }
    }
    for (name, d) in [
        ("broken-toml", b"\x00[plant\nname = ".to_vec()),
        ("wrong-type", b"\x00[plant]\nname = 3\n".to_vec()),
        (
            "map-bad-ref",
            b"\x01[[tag]]\nname = \"t\"\nregister = \"X99\"\n".to_vec(),
        ),
    ] {
        write(&root, "config_text", name, &d)?;
    }

    // chunk: encoded points and rollup rows as the historian stores them.
    let points: Vec<Point> = (0..50)
        .map(|i| Point {
            ts: Timestamp(1_795_000_000_000 + i * 1000),
            value: (i % 7 != 3).then_some(1000.0 + (i as f64).sin() * 5.0),
            quality: if i % 11 == 0 {
                Quality::BadNoCommunication
            } else {
                Quality::Good
            },
        })
        .collect();
    write(&root, "chunk", "points", &encode_points(&points)?)?;
    write(&root, "chunk", "one-point", &encode_points(&points[..1])?)?;
    let rows: Vec<Row> = (0..10)
        .map(|i| Row {
            start: Timestamp(1_795_000_000_000 + i * 60_000),
            good: 60,
            other: (i % 3) as u32,
            weight_ms: 60_000,
            integral: 6.0e7,
            min: Some(990.0),
            max: Some(1010.0),
            first: Some(1000.0),
            last: (i != 4).then_some(1001.0),
        })
        .collect();
    write(&root, "chunk", "rows", &encode_rows(&rows)?)?;
    write(&root, "chunk", "empty", &[])?;
    write(&root, "chunk", "garbage", &[0xff; 40])?;

    // time_text: what --from and --to take.
    for (i, t) in [
        "now",
        "now-2h",
        "-15m",
        "2026-11-28 06:00",
        "2026-11-28T06:00:00Z",
        "2026-03-29 02:30",
        "2026-10-25 02:30",
        "1795000000000",
        "yesterday",
    ]
    .iter()
    .enumerate()
    {
        write(&root, "time_text", &format!("{i}"), t.as_bytes())?;
    }
    println!("seeds written under {}", root.display());
    Ok(())
}
