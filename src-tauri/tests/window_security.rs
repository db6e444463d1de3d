//! The desktop window's lockdown, checked in the files Tauri builds it from: the main window's
//! capability grants only Hearth's own commands (every one the shell registers, nothing from
//! core or a plugin, no other window), and the CSP allows no inline script and no remote origin.

use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The commands `build.rs` declares to Tauri.
fn commands() -> Vec<String> {
    let build = read("build.rs");
    let list = build
        .split(".commands(&[")
        .nth(1)
        .and_then(|s| s.split("])").next())
        .unwrap_or_else(|| panic!("no command list in build.rs"));
    list.split(',')
        .map(|c| c.trim().trim_matches('"').to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn the_main_window_may_call_hearths_commands_and_nothing_else() {
    let caps = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities"))
        .unwrap_or_else(|e| panic!("capabilities: {e}"))
        .count();
    assert_eq!(caps, 1, "one capability file, for the main window");
    let cap = json("capabilities/main.json");
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(
        cap.get("remote").is_none(),
        "no remote origin may use the commands"
    );
    let granted: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("no permissions"))
        .iter()
        .map(|p| p.as_str().unwrap_or_default().to_owned())
        .collect();
    let wanted: Vec<String> = commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    for g in &granted {
        assert!(
            wanted.contains(g),
            "`{g}` is not one of Hearth's own commands (core and plugin permissions are not granted)"
        );
    }
    for w in &wanted {
        assert!(
            granted.contains(w),
            "command permission `{w}` is not granted to the main window"
        );
    }
    let manifest = read("Cargo.toml");
    assert!(
        !manifest.contains("tauri-plugin"),
        "no Tauri plugin (shell, fs, http...) is compiled in"
    );
}

#[test]
fn the_csp_allows_no_inline_script_and_no_remote_origin() {
    let conf = json("tauri.conf.json");
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    for (directive, value) in csp.as_object().unwrap_or_else(|| panic!("no CSP map")) {
        let v = value.as_str().unwrap_or_default();
        assert!(
            !v.contains("unsafe-inline") && !v.contains("unsafe-eval"),
            "{directive}: {v}"
        );
        for source in v.split_whitespace() {
            let local = source.starts_with('\'')
                || source == "data:"
                || source == "ipc:"
                || source.starts_with("http://ipc.localhost")
                || source.starts_with("http://127.0.0.1:")
                || source.starts_with("ws://127.0.0.1:");
            assert!(
                local,
                "{directive} allows `{source}`, which is not this machine"
            );
        }
    }
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
}
