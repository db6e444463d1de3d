//! `hearth history` and `hearth export` answer the same through a running engine and from the
//! data dir after it stopped; `hearth reset-historian` moves a historian aside.

use std::time::Duration;

use anyhow::{Context, Result};
use hearth_e2e::{binary, default_config, hearth, spawn};

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[test]
fn history_and_export_are_the_same_through_the_engine_and_from_the_files() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().to_str().context("path")?;
    let cfg = default_config();
    let cfg = cfg.to_str().context("path")?;
    let common = ["--config", cfg, "--data-dir", data];

    let from = rfc3339(chrono::Utc::now());
    let serve = spawn(
        &binary("hearth")?,
        &[&["serve", "--bind", "127.0.0.1:0"], &common[..]].concat(),
    )?;
    serve.wait_for("Hearth engine running", Duration::from_secs(30))?;
    std::thread::sleep(Duration::from_secs(5));
    let to = rfc3339(chrono::Utc::now() - chrono::Duration::seconds(2));
    let out_a = dir.path().join("through-engine.csv");
    let out_b = dir.path().join("from-files.csv");
    let runs = |out: &std::path::Path| -> Result<Vec<String>> {
        let out = out.to_str().context("path")?;
        let mut answers = Vec::new();
        for args in [
            vec![
                "history",
                "zone1_temp",
                "--from",
                &from,
                "--to",
                &to,
                "--csv",
                "--utc",
            ],
            vec![
                "history",
                "zone1_temp",
                "--from",
                &from,
                "--to",
                &to,
                "--buckets",
                "4",
                "--csv",
            ],
            vec![
                "export", "--from", &from, "--to", &to, "--layout", "long", "--out", out,
            ],
        ] {
            let (code, stdout, err) = hearth(&[&args[..], &common[..]].concat())?;
            assert_eq!(code, 0, "{args:?}: {err}");
            answers.push(stdout);
        }
        answers.push(std::fs::read_to_string(out)?);
        Ok(answers)
    };
    let through_engine = runs(&out_a)?;
    let status = serve.terminate()?;
    assert!(status.success(), "{status:?}");
    let from_files = runs(&out_b)?;
    assert_eq!(through_engine, from_files);

    // The raw window holds the 1 s samples of the last few seconds, and the export holds the
    // same points for that tag.
    let raw: Vec<&str> = from_files[0].lines().skip(1).collect();
    assert!(raw.len() >= 3, "{}", from_files[0]);
    let exported: Vec<String> = from_files[3]
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("zone1_temp"))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            format!("{},{},{}", f[0], f[2], f[3])
        })
        .collect();
    assert_eq!(exported, raw);
    // Every configured tag is in the export.
    let config = hearth_model::config::Config::load(&default_config())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for t in &config.tags {
        assert!(
            from_files[3].contains(&format!(",{},", t.name)),
            "{} missing from the export",
            t.name
        );
    }
    // Buckets: four, with counts that add up to the raw points.
    let buckets: Vec<&str> = from_files[1].lines().skip(1).collect();
    assert_eq!(buckets.len(), 4);
    let counted: usize = buckets
        .iter()
        .filter_map(|b| b.rsplit(',').nth(1)?.parse::<usize>().ok())
        .sum();
    assert_eq!(counted, raw.len());

    // Clear errors for what an engineer mistypes.
    let (code, _, err) = hearth(&[&["history", "zone9_temp"], &common[..]].concat())?;
    assert_ne!(code, 0);
    assert!(err.contains("unknown tag `zone9_temp`"), "{err}");
    let (code, _, err) = hearth(
        &[
            &[
                "export",
                "--from",
                "yesterday",
                "--out",
                out_a.to_str().context("p")?,
            ],
            &common[..],
        ]
        .concat(),
    )?;
    assert_ne!(code, 0);
    assert!(err.contains("--from") && err.contains("yesterday"), "{err}");

    // Moving the historian aside keeps it and starts afresh.
    let (code, stdout, err) = hearth(&[&["reset-historian"], &common[..]].concat())?;
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("historian.aside-"), "{stdout}");
    let aside = std::fs::read_dir(dir.path())?.flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .starts_with("historian.aside-")
    });
    assert!(aside);
    let (code, stdout, err) = hearth(&[&["status", "--json"], &common[..]].concat())?;
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("\"stored_tags\": 0"), "{stdout}");
    Ok(())
}
