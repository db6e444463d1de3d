//! Conformance against a pymodbus server (a Modbus implementation not written here) holding one
//! value of every data type in every word order, laid out by Python's struct module: Hearth's
//! acquisition must decode each to the value the server meant. The test setup
//! (`scripts/install-deps --test`) installs pymodbus into `.venv`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_model::config::Config;
use hearth_model::{Quality, SystemClock};

type R<T> = Result<T, Box<dyn std::error::Error>>;

struct Kill(std::process::Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_and_word_order_from_pymodbus_decodes_to_its_value() -> R<()> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let python = root.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/install-deps --test (it installs pymodbus)",
        python.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(&python)
        .arg(root.join("tests/conformance/pymodbus_server.py"))
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let _guard = Kill(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let manifest: Vec<serde_json::Value> = serde_json::from_str(&line)?;

    // A register map written from the manifest, as an engineer would write it from the PLC's docs.
    let mut map = String::new();
    for m in &manifest {
        let s = |k: &str| m[k].as_str().unwrap_or_default().to_owned();
        map.push_str(&format!(
            "[tags.{}]\nregister = \"{}\"\naddress = {}\ntype = \"{}\"\nunit = \"count\"\npoll_group = \"fast\"\n",
            s("name"),
            s("register"),
            m["address"],
            s("type")
        ));
        if !s("register").ends_with("coil") && s("register") != "discrete" && s("type") != "bool" {
            map.push_str(&format!("word_order = \"{}\"\n", s("order")));
        }
        if let Some(scale) = m["scale"].as_f64() {
            map.push_str(&format!("scale = {scale}\n"));
        }
        if let Some(bit) = m["bit"].as_u64() {
            map.push_str(&format!("bit = {bit}\n"));
        }
    }
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("map.toml"), map)?;
    std::fs::write(
        dir.path().join("plant.toml"),
        format!(
            "[plant]\nname = \"t\"\ntime_zone = \"UTC\"\n[poll_groups.fast]\ninterval_ms = 1000\n\
             [devices.pm]\nkind = \"plc\"\nport = {port}\nregister_map = \"map.toml\"\n\
             [furnace]\nzones = [{{ name = \"z\", temperature = \"temp_x10\", setpoint = \"temp_x10\", fuel_flow = \"temp_x10\" }}]\n"
        ),
    )?;
    let config = Arc::new(Config::load(&dir.path().join("plant.toml")).map_err(|e| e.to_string())?);

    // Wait for the server to listen.
    let t = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "pymodbus server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (samples, status) =
        hearth_acquisition::poll_once(config.clone(), 0, Arc::new(SystemClock)).await;
    assert!(status.error.is_none(), "{:?}", status.error);
    assert_eq!(samples.len(), manifest.len());
    for m in &manifest {
        let name = m["name"].as_str().unwrap_or_default();
        let expected = m["value"].as_f64().ok_or("value")?;
        let id = config.tag_by_name(name).ok_or(name)?.id;
        let s = samples.iter().find(|s| s.tag == id).ok_or(name)?;
        assert_eq!(s.quality, Quality::Good, "{name}");
        let got = s.value.ok_or(name)?;
        let tolerance = if m["type"] == "float32" {
            1e-3
        } else {
            1e-9 * expected.abs().max(1.0)
        };
        assert!(
            (got - expected).abs() <= tolerance,
            "{name}: decoded {got}, pymodbus holds {expected}"
        );
    }
    Ok(())
}
