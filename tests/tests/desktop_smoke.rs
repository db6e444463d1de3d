//! The real desktop window: `hearth` under Xvfb, driven through tauri-driver and WebKitWebDriver
//! (WebDriver over HTTP), opens on the bundled simulator at the size remembered from last time
//! and shows a live value; a second launch on the same data dir brings the first window forward
//! instead of opening another, and the window's place is saved when the app stops.

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

/// An X display of our own, for as long as the returned process lives.
fn xvfb() -> Result<(String, Killed)> {
    let display = format!(":{}", 90 + closed_port()? % 100);
    let x = Killed::spawn(
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
    // Xvfb takes a moment to accept clients.
    let socket = format!("/tmp/.X11-unix/X{}", &display[1..]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::path::Path::new(&socket).exists() {
        if Instant::now() > deadline {
            bail!("Xvfb did not start on {display}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((display, x))
}

/// A window geometry as the app saves it, in `config_home`.
fn write_geometry(config_home: &std::path::Path, width: u32, height: u32) -> Result<()> {
    let dir = config_home.join("hearth");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("window.json"),
        json!({ "x": 20.0, "y": 30.0, "width": width, "height": height }).to_string(),
    )?;
    Ok(())
}

/// One desktop at a time: each test starts an X server, WebKit and an engine, and the driver's
/// ports are picked free beforehand; two at once on a small CI machine is a race for both.
static ONE_DESKTOP: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn the_desktop_window_opens_where_it_was_and_shows_a_live_value() -> Result<()> {
    let _one = ONE_DESKTOP.lock().unwrap_or_else(|p| p.into_inner());
    let (display, _xvfb) = xvfb()?;
    // The window was 1200x700 last time (the default is 1366x768).
    let config_home = tempfile::tempdir()?;
    write_geometry(config_home.path(), 1200, 700)?;
    // Downloads go here (the XDG user-dirs file the shell reads).
    let downloads = tempfile::tempdir()?;
    std::fs::write(
        config_home.path().join("user-dirs.dirs"),
        format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.path().display()),
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
            .env("XDG_CONFIG_HOME", config_home.path())
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

    // "Export this window to CSV" writes into the user's Downloads folder through the shell.
    let click = |css: &str| -> Result<()> {
        let found = post(
            &agent,
            &format!("{s}/element"),
            &json!({ "using": "css selector", "value": css }),
        )?;
        let el = found["value"][ELEMENT]
            .as_str()
            .with_context(|| format!("no {css}: {found}"))?;
        post(&agent, &format!("{s}/element/{el}/click"), &json!({}))?;
        Ok(())
    };
    click("[data-page=\"trends\"]")?;
    std::thread::sleep(Duration::from_millis(500));
    click("[data-testid=\"export\"]")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let csv = loop {
        let done = std::fs::read_dir(downloads.path())?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "csv"));
        if let Some(p) = done {
            break std::fs::read_to_string(p)?;
        }
        if Instant::now() > deadline {
            bail!("no CSV in the Downloads folder within 20 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let header = csv.lines().next().unwrap_or_default();
    assert!(header.contains("zone1_temp"), "export header: {header}");

    // The Emissions page's day report, saved as PDF by the shell (a command the window must be
    // allowed to call).
    click("[data-page=\"emissions\"]")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while click("[data-testid=\"report-day-pdf\"]").is_err() {
        if Instant::now() > deadline {
            bail!("no report button on the Emissions page within 20 s");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let pdf = loop {
        let done = std::fs::read_dir(downloads.path())?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "pdf"));
        if let Some(p) = done {
            break std::fs::read(p)?;
        }
        if Instant::now() > deadline {
            bail!("no PDF in the Downloads folder within 30 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");

    let size = post(
        &agent,
        &format!("{s}/execute/sync"),
        &json!({ "script": "return [window.innerWidth, window.innerHeight]", "args": [] }),
    )?;
    let _ = agent.delete(&s).call();
    assert!(
        text.chars().any(|c| c.is_ascii_digit()),
        "no live zone temperature in the window within 30 s (last text {text:?})"
    );
    assert_eq!(
        size["value"],
        json!([1200, 700]),
        "the window opens at its remembered size"
    );
    eprintln!("desktop window: first live value after {first_value:?} (session start included)");
    Ok(())
}

#[test]
fn a_second_launch_on_the_same_data_dir_brings_the_first_window_forward() -> Result<()> {
    let _one = ONE_DESKTOP.lock().unwrap_or_else(|p| p.into_inner());
    let (display, _xvfb) = xvfb()?;
    let config_home = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let cfg = default_config();
    let args = |c: &mut Command| {
        c.arg("--config")
            .arg(&cfg)
            .arg("--data-dir")
            .arg(data.path())
            .env("DISPLAY", &display)
            .env("XDG_CONFIG_HOME", config_home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
    };
    let hearth = binary("hearth")?;
    let mut first_cmd = Command::new(&hearth);
    args(&mut first_cmd);
    let mut first = Killed::spawn(&mut first_cmd)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(data.path().join("window.json").exists() && data.path().join("engine.json").exists()) {
        if Instant::now() > deadline {
            bail!("the first window never claimed the data dir");
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    let mut second_cmd = Command::new(&hearth);
    args(&mut second_cmd);
    let second = second_cmd.output()?;
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "second launch failed: {said}");
    assert!(
        said.contains("already open") && said.contains(&first.0.id().to_string()),
        "the second launch names the window it brought forward: {said}"
    );
    // Still one engine, the first one's, on the data dir.
    let engine = std::fs::read_to_string(data.path().join("engine.json"))?;
    assert!(
        engine.contains(&format!("\"pid\": {}", first.0.id())),
        "{engine}"
    );

    // Stopping the app (SIGTERM, as at logout) saves where its window was.
    Command::new("kill")
        .args(["-TERM", &first.0.id().to_string()])
        .status()?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while first.0.try_wait()?.is_none() {
        if Instant::now() > deadline {
            bail!("the app did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(
        config_home.path().join("hearth/window.json"),
    )?)?;
    let width = saved["width"].as_f64().context("no width saved")?;
    assert!(
        (1024.0..=1366.0).contains(&width),
        "saved geometry: {saved}"
    );
    Ok(())
}
