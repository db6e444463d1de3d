//! Every input kept in `fuzz/corpus/<target>/` (what the fuzzer found interesting, seeds, and
//! any crash once fixed) runs through its target in every test run, without libFuzzer. A
//! target's corpus going missing fails the test too.

use std::path::PathBuf;

fn corpus(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

#[test]
fn every_kept_input_runs_through_its_target_without_a_panic() -> Result<(), String> {
    let mut report = Vec::new();
    for (name, run) in hearth_fuzzing::TARGETS {
        let dir = corpus(name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        if files.len() < 5 {
            return Err(format!(
                "{name}: {} inputs in {}; the corpus has gone missing",
                files.len(),
                dir.display()
            ));
        }
        for f in &files {
            let data = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
            let outcome = std::panic::catch_unwind(|| run(&data));
            if outcome.is_err() {
                return Err(format!("{name} panicked on {}", f.display()));
            }
        }
        report.push(format!("{name}: {} inputs", files.len()));
    }
    println!("{}", report.join(", "));
    Ok(())
}
