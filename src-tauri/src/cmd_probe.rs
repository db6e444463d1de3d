//! `hearth probe`: raw registers from a PLC with every plausible decoding, for commissioning.

use std::time::Duration;

use anyhow::{Context, Result};
use hearth_acquisition::probe::{Decoding, decodings, read_raw};
use hearth_model::config::{DataType, RegisterKind, WordOrder};

pub struct ProbeArgs {
    pub host: String,
    pub port: u16,
    pub unit: u8,
    pub kind: RegisterKind,
    pub start: u16,
    pub count: u16,
    pub json: bool,
}

fn reference(kind: RegisterKind, addr: u16) -> String {
    let prefix = match kind {
        RegisterKind::Coil => 0,
        RegisterKind::Discrete => 1,
        RegisterKind::Input => 3,
        RegisterKind::Holding => 4,
    };
    // The familiar 5-digit form (40001) where it fits, the 6-digit one (465536) beyond.
    let n = u32::from(addr) + 1;
    if n <= 9999 {
        format!("{prefix}{n:04}")
    } else {
        format!("{prefix}{n:05}")
    }
}

pub fn run(a: ProbeArgs) -> Result<i32> {
    if a.count == 0 || a.count > 125 {
        anyhow::bail!("--count must be 1 to 125");
    }
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let words = rt
        .block_on(read_raw(
            &a.host,
            a.port,
            a.unit,
            a.kind,
            a.start,
            a.count,
            Duration::from_secs(3),
        ))
        .with_context(|| {
            format!(
                "reading {} {}+{} from {}:{} unit {}",
                a.kind.name(),
                a.start,
                a.count,
                a.host,
                a.port,
                a.unit
            )
        })?;
    let all = decodings(&words);
    if a.json {
        let rows: Vec<serde_json::Value> = all
            .iter()
            .map(|d| {
                serde_json::json!({
                    "address": u32::from(a.start) + d.offset as u32,
                    "type": d.data_type.name(),
                    "order": format!("{:?}", d.order),
                    "value": d.value,
                    "plausible": d.plausible,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "raw": words, "decodings": rows }))?
        );
        return Ok(0);
    }
    println!(
        "{} {}..{} of {}:{} unit {}",
        a.kind.name(),
        a.start,
        u32::from(a.start) + u32::from(a.count) - 1,
        a.host,
        a.port,
        a.unit
    );
    println!();
    println!(
        "{:>6} {:>7} {:>7} {:>7} {:>7} {:>10} {:>10}",
        "ADDR", "REF", "RAW", "HEX", "int16", "x0.1", "x0.01"
    );
    for (i, w) in words.iter().enumerate() {
        let addr = a.start + i as u16;
        let s = *w as i16;
        println!(
            "{addr:>6} {:>7} {w:>7} {:>7} {s:>7} {:>10.1} {:>10.2}",
            reference(a.kind, addr),
            format!("0x{w:04X}"),
            f64::from(s) * 0.1,
            f64::from(s) * 0.01
        );
    }
    if a.kind.is_bit() || words.len() < 2 {
        return Ok(0);
    }
    println!();
    println!("32- and 64-bit readings by word order (* = looks like a value):");
    println!(
        "{:>6} {:<8} {:>16} {:>16} {:>16} {:>16}",
        "ADDR", "TYPE", "ABCD", "CDAB", "BADC", "DCBA"
    );
    let orders = [
        WordOrder::ABCD,
        WordOrder::CDAB,
        WordOrder::BADC,
        WordOrder::DCBA,
    ];
    for offset in 0..words.len() {
        for ty in [
            DataType::Float32,
            DataType::Int32,
            DataType::Uint32,
            DataType::Float64,
        ] {
            let row: Vec<Option<&Decoding>> = orders
                .iter()
                .map(|o| {
                    all.iter()
                        .find(|d| d.offset == offset && d.data_type == ty && d.order == *o)
                })
                .collect();
            if row.iter().all(Option::is_none) {
                continue;
            }
            let cell = |d: &Option<&Decoding>| match d {
                Some(d) => format!(
                    "{}{}",
                    fmt_value(d.value),
                    if d.plausible { "*" } else { " " }
                ),
                None => "-".to_owned(),
            };
            println!(
                "{:>6} {:<8} {:>16} {:>16} {:>16} {:>16}",
                a.start + offset as u16,
                ty.name(),
                cell(&row[0]),
                cell(&row[1]),
                cell(&row[2]),
                cell(&row[3])
            );
        }
    }
    Ok(0)
}

fn fmt_value(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-3) {
        format!("{v:.3e}")
    } else {
        format!("{v:.3}")
    }
}
