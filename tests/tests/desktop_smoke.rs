//! The real desktop window: `hearth` under Xvfb, driven through tauri-driver and WebKitWebDriver
//! (WebDriver over HTTP), opens on the bundled simulator and shows a live value.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hearth_e2e::{binary, closed_port, default_config};
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A child process in a process group of its own, the whole group killed when dropped:
/// tauri-driver starts WebKitWebDriver, which starts the app, and none may outlive the test.
struct Killed(Child);

impl Killed {
    fn spawn(cmd: &mut Command) -> Result<Killed> {
        use std::os::unix::process::CommandExt;
        Ok(Killed(cmd.process_group(0).spawn()?))
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.wait();
    }
}

fn tool(name: &str) -> Result<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    for dir in std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .chain([format!("{home}/.cargo/bin").as_str()])
    {
        let p = std::path::Path::new(dir).join(name);
        if p.is_file() {
            return Ok(p.display().to_string());
        }
    }
    bail!("{name} is not installed: scripts/install-deps --test installs it")
}

fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Result<Value> {
    let mut resp = agent
        .post(url)
        .send_json(body)
        .with_context(|| format!("POST {url}"))?;
    Ok(resp.body_mut().read_json::<Value>()?)
}

#[test]
fn the_desktop_window_opens_and_shows_a_live_value() -> Result<()> {
    // A display of our own.
    let display = format!(":{}", 90 + closed_port()? % 100);
    let _xvfb = Killed::spawn(
        Command::new(tool("Xvfb")?)
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1366x768x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    let port = closed_port()?;
    let native = closed_port()?;
    let _driver = Killed::spawn(
        Command::new(tool("tauri-driver")?)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    let base = format!("http://127.0.0.1:{port}");
    // WebDriver answers "no such element" with a 404 and a JSON body: read it, don't fail on it.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .into();
    let deadline = Instant::now() + Duration::from_secs(20);
    while agent.get(&format!("{base}/status")).call().is_err() {
        if Instant::now() > deadline {
            bail!("tauri-driver did not come up on {base}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    let data = tempfile::tempdir()?;
    let cfg = default_config();
    let started = Instant::now();
    let session = post(
        &agent,
        &format!("{base}/session"),
        &json!({ "capabilities": { "alwaysMatch": { "tauri:options": {
            "application": binary("hearth")?,
            "args": ["--config", cfg, "--data-dir", data.path()],
        }}}}),
    )?;
    let id = session["value"]["sessionId"]
        .as_str()
        .context(format!("no session: {session}"))?
        .to_owned();
    let s = format!("{base}/session/{id}");

    // The first zone's temperature, with a number in it.
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let found = post(
            &agent,
            &format!("{s}/element"),
            &json!({ "using": "css selector", "value": ".reading[data-tag=\"zone1_temp\"] .number" }),
        )?;
        // The W3C element reference; absent when the answer is "no such element" (not yet).
        if let Some(el) = found["value"][ELEMENT].as_str() {
            let mut resp = agent.get(&format!("{s}/element/{el}/text")).call()?;
            let v: Value = resp.body_mut().read_json()?;
            text = v["value"].as_str().unwrap_or_default().to_owned();
            if text.chars().any(|c| c.is_ascii_digit()) {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let first_value = started.elapsed();
    let _ = agent.delete(&s).call();
    assert!(
        text.chars().any(|c| c.is_ascii_digit()),
        "no live zone temperature in the window within 30 s (last text {text:?})"
    );
    eprintln!("desktop window: first live value after {first_value:?} (session start included)");
    Ok(())
}
