//! Who may reach `hearth serve` and do what: a non-loopback bind without users is refused at
//! start; with users, nothing but the login answers before logging in, viewers cannot write or
//! change alarms, failed logins are rate-limited, and an engineer's confirmed write is audited.
//! Also: an audit log edited or cut short on disk is caught by `hearth audit verify`.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use hearth_e2e::writes::{good_value, writable_engine, writable_plant};
use hearth_e2e::{engine_on, hearth};
use serde_json::{Value, json};

#[test]
fn serve_on_a_non_loopback_address_without_users_refuses_to_start() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let dd = data.to_str().context("path")?;
    let (code, _out, err) = hearth(&["serve", "--bind", "0.0.0.0:0", "--data-dir", dd])?;
    assert_ne!(code, 0, "it started: {err}");
    assert!(err.contains("refusing to serve on 0.0.0.0:0"), "{err}");
    assert!(err.contains("[[server.user]]"), "{err}");
    assert!(
        !data.join("engine.json").exists(),
        "an engine was published"
    );

    // The same bind in the plant file fails its check, naming the key.
    let plant = writable_plant(dir.path(), false, "")?;
    let text = std::fs::read_to_string(&plant)?.replacen(
        "bind = \"127.0.0.1:8720\"",
        "bind = \"0.0.0.0:8720\"",
        1,
    );
    std::fs::write(&plant, text)?;
    let (code, out, err) = hearth(&["check-config", plant.to_str().context("path")?])?;
    assert_ne!(code, 0);
    let said = format!("{out}{err}");
    assert!(said.contains("server.bind"), "{said}");
    assert!(said.contains("reachable from other machines"), "{said}");
    Ok(())
}

struct Http {
    agent: ureq::Agent,
    base: String,
}

impl Http {
    fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, String, Option<String>)> {
        let url = format!("{}{path}", self.base);
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut resp = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.call()?
            }
            (_, b) => {
                let mut r = self.agent.post(&url);
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.send_json(b.unwrap_or(Value::Null))?
            }
        };
        let cookie = resp
            .headers()
            .get("set-cookie")
            .and_then(|c| c.to_str().ok())
            .and_then(|c| c.split(';').next())
            .and_then(|c| c.strip_prefix("hearth_session="))
            .map(str::to_owned);
        let status = resp.status().as_u16();
        Ok((status, resp.body_mut().read_to_string()?, cookie))
    }

    fn login(&self, name: &str, password: &str) -> Result<(u16, Option<String>)> {
        let (code, _, token) = self.send(
            "POST",
            "/api/login",
            None,
            Some(json!({ "name": name, "password": password })),
        )?;
        Ok((code, token))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_users_viewers_cannot_write_or_change_alarms_and_logins_are_rate_limited() -> Result<()>
{
    let viewer = hearth_engine::hash_password("viewer-pass").map_err(anyhow::Error::msg)?;
    let engineer = hearth_engine::hash_password("engineer-pass").map_err(anyhow::Error::msg)?;
    let users = format!(
        "[[server.user]]\nname = \"zhang\"\nrole = \"viewer\"\npassword_hash = \"{viewer}\"\n\n[[server.user]]\nname = \"li\"\nrole = \"engineer\"\npassword_hash = \"{engineer}\"\n"
    );
    let plant = writable_engine(true, &users).await?;
    let (engine, sim) = (plant.engine.clone(), plant.sim.clone());
    let sp = good_value(&engine, "zone1_sp").await?;
    good_value(&engine, "remote_mode").await?;
    let base = engine.api_url().context("no HTTP face")?;

    let outcome = tokio::task::spawn_blocking(move || -> Result<()> {
        let http = Http {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(20)))
                .build()
                .new_agent(),
            base,
        };
        // Nothing but the login before logging in.
        assert_eq!(http.send("GET", "/api/snapshot", None, None)?.0, 401);
        let (code, body, _) = http.send("GET", "/api/session", None, None)?;
        assert_eq!(code, 200);
        let session: Value = serde_json::from_str(&body)?;
        assert_eq!(session["login_required"], true);
        assert_eq!(http.login("zhang", "wrong")?.0, 401);
        assert_eq!(http.login("nobody", "viewer-pass")?.0, 401);

        let (code, token) = http.login("zhang", "viewer-pass")?;
        assert_eq!(code, 200);
        let viewer = token.context("no session cookie")?;
        assert_eq!(http.send("GET", "/api/snapshot", Some(&viewer), None)?.0, 200);
        let write = json!({ "tag": "zone1_sp", "value": sp + 5.0, "reason": "trim", "suggestion": null });
        let (code, body, _) = http.send("POST", "/api/writes/prepare", Some(&viewer), Some(write.clone()))?;
        assert_eq!(code, 200);
        let refused: Value = serde_json::from_str(&body)?;
        assert_eq!(refused["state"], "refused", "{body}");
        assert!(body.contains("role viewer may not write"), "{body}");
        let (code, body, _) = http.send(
            "POST",
            "/api/alarms/ack",
            Some(&viewer),
            Some(json!({ "id": null, "user": "", "comment": "" })),
        )?;
        assert_eq!(code, 403, "{body}");
        let (code, _, _) = http.send(
            "POST",
            "/api/alarms/service",
            Some(&viewer),
            Some(json!({ "id": "o2.lo", "out_of_service": true, "user": "", "comment": "maintenance" })),
        )?;
        assert_eq!(code, 403);

        let (code, token) = http.login("li", "engineer-pass")?;
        assert_eq!(code, 200);
        let li = token.context("no session cookie")?;
        let (_, body, _) = http.send("POST", "/api/writes/prepare", Some(&li), Some(write))?;
        let proposed: Value = serde_json::from_str(&body)?;
        assert_eq!(proposed["state"], "proposed", "{body}");
        let token = proposed["token"].as_str().context("no token")?;
        let (_, body, _) = http.send(
            "POST",
            "/api/writes/confirm",
            Some(&li),
            Some(json!({ "token": token })),
        )?;
        let done: Value = serde_json::from_str(&body)?;
        assert_eq!(done["outcome"], "ok", "{body}");

        let (_, body, _) = http.send("GET", "/api/audit?from=0&to=9999999999999", Some(&viewer), None)?;
        let audit: Vec<Value> = serde_json::from_str(&body)?;
        assert_eq!(audit.len(), 2, "{body}");
        assert_eq!(audit[0]["user"], "li");
        assert_eq!(audit[0]["outcome"], "ok");
        assert_eq!(audit[1]["user"], "zhang");
        assert_eq!(audit[1]["outcome"], "rejected");

        // Failed logins from one address: three more make five, then even the right password
        // waits.
        for _ in 0..3 {
            assert_eq!(http.login("li", "guess")?.0, 401);
        }
        let (code, _) = http.login("li", "engineer-pass")?;
        assert_eq!(code, 429);
        Ok(())
    })
    .await?;
    outcome?;
    assert_eq!(
        sim.writes_received().len(),
        1,
        "only the engineer's write was sent"
    );
    plant.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_or_cut_short_audit_log_is_caught_by_hearth_audit_verify() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let plant = writable_plant(dir.path(), false, "")?;
    let data = dir.path().join("data");
    let running = engine_on(&plant, &data).await?;
    let engine = running.engine();
    let actor = hearth_e2e::test_admin();
    for value in [2000.0, 3000.0, 4000.0] {
        let req = hearth_engine::writes::WriteRequest {
            tag: "zone1_sp".into(),
            value,
            reason: "out of limits on purpose".into(),
            suggestion: None,
        };
        if let hearth_engine::writes::Prepared::Proposed(p) = engine.write_prepare(&actor, &req) {
            bail!("{value} was proposed: {p:?}");
        }
    }
    running.stop().await?;
    // The engine's databases close with its last handle.
    drop(engine);

    let (cfg, dd) = (
        plant.to_str().context("path")?,
        data.to_str().context("path")?,
    );
    let verify = || hearth(&["audit", "verify", "--config", cfg, "--data-dir", dd]);
    let (code, out, err) = verify()?;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("intact: 3 records"), "{out}");
    let (code, csv, _) = hearth(&["audit", "list", "--csv", "--config", cfg, "--data-dir", dd])?;
    assert_eq!(code, 0);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("3000"), "{csv}");

    // Someone changes what was asked for in record 1.
    {
        let db = sled::open(data.join("audit"))?;
        let key = 1u64.to_be_bytes();
        let v = db.get(key)?.context("no record 1")?;
        let edited = String::from_utf8(v.to_vec())?.replacen("\"3000\"", "\"1050\"", 1);
        db.insert(key, edited.as_bytes())?;
        db.flush()?;
    }
    let (code, out, _) = verify()?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("record 1 was changed"), "{out}");

    // ... and removes the newest record.
    {
        let db = sled::open(data.join("audit"))?;
        db.remove(2u64.to_be_bytes())?;
        db.flush()?;
    }
    let (code, out, _) = verify()?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("newest records were deleted"), "{out}");
    Ok(())
}
