//! The `hearth` binary as an engineer uses it, against real `hearth-sim` and `hearth serve`
//! processes.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use hearth_e2e::{binary, closed_port, default_config, hearth, spawn, start_sim};
use serde_json::Value;

/// How many tags the shipped default config defines.
/// Tags a poll reads (the derived ones are computed by the engine, not polled).
fn default_tag_count() -> Result<usize> {
    Ok(hearth_model::config::Config::load(&default_config())
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .polled_tags()
        .count())
}

/// `hearth poll --once [--json]` on the default config with the furnace at `port`.
fn poll_default_at(port: u16, json: bool) -> Result<(i32, String, String)> {
    let cfg = default_config();
    let device = format!("furnace=127.0.0.1:{port}");
    let mut args = vec![
        "poll",
        "--once",
        "--config",
        cfg.to_str().context("path")?,
        "--device",
        &device,
    ];
    if json {
        args.push("--json");
    }
    hearth(&args)
}

#[test]
fn poll_once_json_against_a_running_simulator_is_all_good() -> Result<()> {
    let (_sim, port) = start_sim()?;
    let (code, out, err) = poll_default_at(port, true)?;
    let doc: Value =
        serde_json::from_str(&out).with_context(|| format!("not JSON: {out}\n{err}"))?;
    let tags = doc["tags"].as_array().context("tags")?;
    assert_eq!(
        tags.len(),
        default_tag_count()?,
        "every default tag is reported"
    );
    for t in tags {
        assert_eq!(t["quality"], "Good", "{t}");
        assert!(t["value"].is_number(), "{t}");
        assert!(t["ts"].as_str().is_some_and(|s| s.ends_with('Z')), "{t}");
        for key in ["name", "device", "unit"] {
            assert!(t[key].is_string(), "{key} in {t}");
        }
    }
    let devices = doc["devices"].as_array().context("devices")?;
    assert_eq!(devices[0]["name"], "furnace");
    assert_eq!(devices[0]["state"], "connected");
    assert!(devices[0]["last_good"].is_string());
    assert!(devices[0]["error"].is_null());
    assert_eq!(code, 0, "{err}");
    Ok(())
}

#[test]
fn poll_once_against_a_closed_port_is_bad_no_communication_and_exits_3() -> Result<()> {
    let started = Instant::now();
    let (code, out, _) = poll_default_at(closed_port()?, true)?;
    // A hang guard, not a benchmark: the configured timeouts are a few seconds at most.
    assert!(started.elapsed() < Duration::from_secs(20));
    let doc: Value = serde_json::from_str(&out)?;
    let tags = doc["tags"].as_array().context("tags")?;
    assert_eq!(tags.len(), default_tag_count()?);
    assert!(
        tags.iter()
            .all(|t| t["quality"] == "Bad_NoCommunication" && t["value"].is_null()),
        "{out}"
    );
    assert_eq!(doc["devices"][0]["state"], "disconnected");
    assert!(
        doc["devices"][0]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    assert_eq!(code, 3);
    Ok(())
}

#[test]
fn poll_once_prints_a_table_by_default() -> Result<()> {
    let (_sim, port) = start_sim()?;
    let (code, out, _) = poll_default_at(port, false)?;
    assert_eq!(code, 0);
    let line = out
        .lines()
        .find(|l| l.starts_with("zone1_temp"))
        .context("no zone1_temp row")?;
    assert!(line.contains("degC") && line.contains("Good"), "{line}");
    Ok(())
}

#[test]
fn status_answers_through_serve_and_from_the_data_dir_and_a_second_serve_is_refused() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("path")?;
    let cfg = default_config();
    let cfg = cfg.to_str().context("path")?;

    let serve_args = [
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--config",
        cfg,
        "--data-dir",
        data,
    ];
    let serve = spawn(&binary("hearth")?, &serve_args)?;
    let line = serve.wait_for("Hearth engine running", Duration::from_secs(30))?;
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    std::thread::sleep(Duration::from_millis(2500));

    let (code, out, err) = hearth(&["status", "--json", "--config", cfg, "--data-dir", data])?;
    assert_eq!(code, 0, "{err}");
    let st: Value = serde_json::from_str(&out)?;
    assert_eq!(st["source"], "engine");
    assert_eq!(st["pid"], serve.pid());
    // Every tag recorded: those read and the derived ones.
    let all = hearth_model::config::Config::load(&default_config())
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .tags
        .len();
    assert_eq!(st["tag_count"], all);
    assert_eq!(st["devices"][0]["state"], "connected");
    assert!(st["newest_sample"].is_string(), "{st}");

    let (code, _, err) = hearth(&serve_args)?;
    assert_ne!(code, 0);
    assert!(
        err.contains(&format!("pid {}", serve.pid())),
        "second serve should name the first's pid: {err}"
    );

    let status = serve.terminate()?;
    assert!(
        status.success(),
        "serve should stop cleanly on SIGTERM: {status:?}"
    );

    let (code, out, err) = hearth(&["status", "--json", "--config", cfg, "--data-dir", data])?;
    assert_eq!(code, 0, "{err}");
    let offline: Value = serde_json::from_str(&out)?;
    assert_eq!(offline["source"], "data-dir");
    assert!(offline["pid"].is_null());
    assert_eq!(offline["stored_tags"], all);
    // What the engine said was newest was flushed before it stopped.
    assert!(
        offline["newest_sample"].as_str() >= st["newest_sample"].as_str(),
        "{offline} vs {st}"
    );
    assert!(offline["data_dir_bytes"].as_u64().unwrap_or(0) > 0);
    Ok(())
}

#[test]
fn check_config_accepts_the_default_and_rejects_a_broken_one_with_file_and_key() -> Result<()> {
    let cfg = default_config();
    let (code, out, _) = hearth(&["check-config", cfg.to_str().context("path")?])?;
    assert_eq!(code, 0);
    assert!(out.contains("valid"));

    let dir = tempfile::tempdir()?;
    let plant = std::fs::read_to_string(&cfg)?.replace(
        "time_zone = \"Asia/Shanghai\"",
        "time_zone = \"Mars/Olympus\"",
    );
    std::fs::write(dir.path().join("plant.toml"), plant)?;
    std::fs::copy(
        hearth_e2e::repo_root().join("config/simulator-registers.toml"),
        dir.path().join("simulator-registers.toml"),
    )?;
    let broken = dir.path().join("plant.toml");
    let (code, _, err) = hearth(&["check-config", broken.to_str().context("path")?])?;
    assert_eq!(code, 2);
    assert!(
        err.contains("plant.toml: plant.time_zone: unknown time zone `Mars/Olympus`"),
        "{err}"
    );
    Ok(())
}

#[test]
fn probe_shows_the_right_decoding_of_a_float_among_the_plausible_ones() -> Result<()> {
    let (_sim, port) = start_sim()?;
    let port = port.to_string();
    // Input registers 12-13 hold zone 1's fuel flow as float32 ABCD (30013 in Modicon terms).
    let (code, out, err) = hearth(&[
        "probe",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--address",
        "30013",
        "--count",
        "2",
        "--json",
    ])?;
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out)?;
    let find = |order: &str| {
        doc["decodings"].as_array().and_then(|a| {
            a.iter()
                .find(|d| d["address"] == 12 && d["type"] == "float32" && d["order"] == order)
                .cloned()
        })
    };
    let abcd = find("ABCD").context("no ABCD float")?;
    assert_eq!(abcd["plausible"], true);
    let v = abcd["value"].as_f64().context("value")?;
    assert!((1000.0..8000.0).contains(&v), "zone 1 fuel {v}");
    assert_eq!(
        find("CDAB").context("no CDAB float")?["plausible"],
        false,
        "the wrong order is flagged"
    );

    let (code, out, _) = hearth(&[
        "probe",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--address",
        "0",
        "--register",
        "holding",
        "--count",
        "3",
    ])?;
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.contains("40001") && l.contains("10500") && l.contains("1050.0")),
        "{out}"
    );

    let (code, _, err) = hearth(&[
        "probe",
        "--host",
        "127.0.0.1",
        "--port",
        &closed_port()?.to_string(),
        "--address",
        "40001",
    ])?;
    assert_eq!(code, 1);
    assert!(err.contains("cannot connect"), "{err}");
    Ok(())
}
