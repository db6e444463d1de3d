//! Settings changed at run time from the Settings page: alarm limits, emission factors, permit
//! limits and optimiser prices. A change is made to the plant file's text (comments and layout
//! kept), the result validated exactly as a config at start, the old file kept as a backup,
//! the new one put in place atomically, applied to the running engine without a restart, and
//! audited with the old and new values.

use std::path::{Path, PathBuf};

use hearth_model::config::{AlarmKind, Config, Pollutant, Role};
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Value};
use ts_rs::TS;

use crate::audit::{AuditEvent, AuditKind, AuditOutcome};
use crate::engine::Engine;
use crate::writes::Actor;

/// One setting that may change while the engine runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EditableSetting {
    /// `alarms.TAG.TYPE.limit`, `emissions.co2_kg_per_gj`, `emissions.limit.nox.day`,
    /// `optimiser.gas_price_per_nm3`...
    pub key: String,
    pub value: f64,
    pub unit: String,
    /// What it is, in the config's words (an alarm's message).
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingChange {
    pub key: String,
    pub value: f64,
    /// Why: mandatory, kept in the audit log.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingResult {
    pub outcome: AuditOutcome,
    pub key: String,
    pub old_value: Option<f64>,
    pub new_value: f64,
    /// Why it was refused, or where the old file was kept.
    pub detail: String,
    pub audit_seq: Option<u64>,
}

fn pollutant_name(p: Pollutant) -> &'static str {
    match p {
        Pollutant::Nox => "nox",
        Pollutant::Co => "co",
    }
}

/// Everything that may change at run time, with its value in effect.
pub fn editable(config: &Config) -> Vec<EditableSetting> {
    let mut out = Vec::new();
    let unit_of = |t: Option<hearth_model::TagId>| {
        t.and_then(|t| config.tag(t))
            .map(|t| t.unit.clone())
            .unwrap_or_default()
    };
    for d in &config.alarms.definitions {
        let limit = match d.kind {
            AlarmKind::Hi { limit }
            | AlarmKind::HiHi { limit }
            | AlarmKind::Lo { limit }
            | AlarmKind::LoLo { limit } => limit,
            AlarmKind::DeviationHigh { by, .. } | AlarmKind::DeviationLow { by, .. } => by,
            _ => continue,
        };
        out.push(EditableSetting {
            key: format!("alarms.{}.limit", d.id),
            value: limit,
            unit: unit_of(d.tag),
            what: d.message.clone(),
        });
    }
    let e = &config.emissions;
    out.push(EditableSetting {
        key: "emissions.fuel_lhv_mj_per_nm3".into(),
        value: e.fuel_lhv_mj_per_nm3,
        unit: "MJ/Nm3".into(),
        what: "Fuel lower heating value".into(),
    });
    out.push(EditableSetting {
        key: "emissions.co2_kg_per_gj".into(),
        value: e.co2_kg_per_gj,
        unit: "kg/GJ".into(),
        what: "CO2 emission factor (co2_route = \"factor\")".into(),
    });
    for l in &e.limits {
        out.push(EditableSetting {
            key: format!(
                "emissions.limit.{}.{}",
                pollutant_name(l.pollutant),
                if l.daily { "day" } else { "hour" }
            ),
            value: l.limit_mg_nm3,
            unit: "mg/Nm3".into(),
            what: format!(
                "Permit limit, {} average at {} % O2",
                if l.daily { "daily" } else { "hourly" },
                l.reference_o2_percent
            ),
        });
    }
    let o = &config.optimiser;
    out.push(EditableSetting {
        key: "optimiser.gas_price_per_nm3".into(),
        value: o.gas_price_per_nm3,
        unit: format!("{}/Nm3", o.currency),
        what: "Fuel gas price".into(),
    });
    out.push(EditableSetting {
        key: "optimiser.co2_price_per_t".into(),
        value: o.co2_price_per_t,
        unit: format!("{}/t", o.currency),
        what: "Carbon price".into(),
    });
    out
}

/// A table of an array of tables (`[[alarms.alarm]]`) whose `keys` have these values.
fn entry_of<'a>(
    doc: &'a mut DocumentMut,
    section: &str,
    array: &str,
    wanted: &[(&str, &str)],
) -> Option<&'a mut toml_edit::Table> {
    doc.get_mut(section)?
        .get_mut(array)?
        .as_array_of_tables_mut()?
        .iter_mut()
        .find(|t| {
            wanted
                .iter()
                .all(|(k, v)| t.get(k).and_then(Item::as_str) == Some(*v))
        })
}

/// Set `table[key]` to `value`, keeping the comment after the old value.
fn set_number(table: &mut toml_edit::Table, key: &str, value: f64) {
    let decor = table
        .get(key)
        .and_then(Item::as_value)
        .map(|v| v.decor().clone());
    let mut v = Value::from(value);
    if let Some(d) = decor {
        *v.decor_mut() = d;
    }
    table.insert(key, Item::Value(v));
}

/// Make the change in the file's text; Err when the file does not hold that setting where
/// this key says (written some other way, e.g. in an inline table).
fn edit(text: &str, config: &Config, key: &str, value: f64) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let missing = || format!("{key} is not written in the plant file where Hearth can change it");
    if let Some(id) = key
        .strip_prefix("alarms.")
        .and_then(|k| k.strip_suffix(".limit"))
    {
        let def = config
            .alarms
            .definitions
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(missing)?;
        let tag = def
            .tag
            .and_then(|t| config.tag(t))
            .map(|t| t.name.clone())
            .ok_or_else(missing)?;
        let table = entry_of(
            &mut doc,
            "alarms",
            "alarm",
            &[("tag", &tag), ("type", def.kind.name())],
        )
        .ok_or_else(missing)?;
        set_number(table, "limit", value);
    } else if let Some(rest) = key.strip_prefix("emissions.limit.") {
        let (pollutant, average) = rest.split_once('.').ok_or_else(missing)?;
        let table = entry_of(
            &mut doc,
            "emissions",
            "limit",
            &[("pollutant", pollutant), ("average", average)],
        )
        .ok_or_else(missing)?;
        set_number(table, "limit_mg_nm3", value);
    } else {
        let (section, name) = key.split_once('.').ok_or_else(missing)?;
        let table = doc
            .get_mut(section)
            .and_then(Item::as_table_mut)
            .ok_or_else(missing)?;
        if table.get(name).is_none() {
            return Err(missing());
        }
        set_number(table, name, value);
    }
    Ok(doc.to_string())
}

/// `plant.toml` -> `plant.toml.bak-20261128T081500Z` (UTC, sorts in time).
fn backup_path(source: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut name = source.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".bak-{stamp}"));
    source.with_file_name(name)
}

/// The new file checked as at start: written beside the old one (so relative paths resolve the
/// same), loaded, and left in place for the rename. Errors name the plant file, not the copy.
fn checked_candidate(source: &Path, text: &str) -> Result<(PathBuf, Config), String> {
    let mut name = std::ffi::OsString::from(".");
    name.push(source.file_name().unwrap_or_default());
    name.push(".hearth-new");
    let candidate = source.with_file_name(name);
    std::fs::write(&candidate, text)
        .map_err(|e| format!("cannot write {}: {e}", candidate.display()))?;
    match Config::load(&candidate) {
        Ok(c) => Ok((candidate, c)),
        Err(errors) => {
            let _ = std::fs::remove_file(&candidate);
            let shown = candidate.display().to_string();
            Err(errors
                .0
                .iter()
                .map(|e| e.to_string().replace(&shown, &source.display().to_string()))
                .collect::<Vec<_>>()
                .join("; "))
        }
    }
}

impl Engine {
    /// Change one setting at run time: validated like the config, written back with a backup,
    /// applied now, audited.
    pub async fn change_setting(&self, actor: &Actor, change: &SettingChange) -> SettingResult {
        let _one_at_a_time = self.inner.changing.lock().await;
        let find = |config: &Config| editable(config).into_iter().find(|s| s.key == change.key);
        let before = find(&self.config());
        let old = before.as_ref().map(|s| s.value);
        let engine = self.clone();
        let actor2 = actor.clone();
        let change2 = change.clone();
        let done = tokio::task::spawn_blocking(move || engine.apply_change(&actor2, &change2, old))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        let (outcome, detail) = match done {
            Ok(backup) => (
                AuditOutcome::Ok,
                format!("applied; the old file is {backup}"),
            ),
            Err(why) => (AuditOutcome::Rejected, why),
        };
        let event = AuditEvent {
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: actor.user.clone(),
            kind: AuditKind::Setting,
            source: "settings page".into(),
            target: change.key.clone(),
            device: None,
            unit: before.map(|s| s.unit).unwrap_or_default(),
            old_value: old.map(|v| v.to_string()),
            requested: change.value.to_string(),
            // The value in effect now, whether the change took or not.
            read_back: find(&self.config()).map(|s| s.value.to_string()),
            reason: change.reason.trim().to_owned(),
            outcome,
            detail: detail.clone(),
        };
        let audit_seq = self.inner.record(event);
        SettingResult {
            outcome,
            key: change.key.clone(),
            old_value: old,
            new_value: change.value,
            detail,
            audit_seq,
        }
    }

    /// The change itself; the backup's path on success.
    fn apply_change(
        &self,
        actor: &Actor,
        change: &SettingChange,
        old: Option<f64>,
    ) -> Result<String, String> {
        if actor.role < Role::Engineer {
            return Err(format!(
                "role {} may not change settings",
                actor.role.name()
            ));
        }
        if change.reason.trim().is_empty() {
            return Err("a reason is required".into());
        }
        if old.is_none() {
            return Err(format!(
                "{} is not a setting that can change while Hearth runs",
                change.key
            ));
        }
        if !change.value.is_finite() {
            return Err(format!("{} is not a number", change.value));
        }
        let config = self.config();
        let source = config.source.clone();
        // Someone else's unapplied edit of the file would go into effect with this one.
        match Config::load(&source) {
            Ok(on_disk) if crate::settings::same_effect(&on_disk, &config) => {}
            Ok(_) => {
                return Err(format!(
                    "{} has changes that are not in effect: restart Hearth or undo them first",
                    source.display()
                ));
            }
            Err(e) => return Err(format!("{} does not validate now: {e}", source.display())),
        }
        let text = std::fs::read_to_string(&source)
            .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
        let edited = edit(&text, &config, &change.key, change.value)?;
        let (candidate, loaded) = checked_candidate(&source, &edited)?;
        let backup = backup_path(&source);
        if let Err(e) = std::fs::copy(&source, &backup) {
            let _ = std::fs::remove_file(&candidate);
            return Err(format!("cannot keep a backup at {}: {e}", backup.display()));
        }
        if let Err(e) = std::fs::rename(&candidate, &source) {
            let _ = std::fs::remove_file(&candidate);
            return Err(format!("cannot replace {}: {e}", source.display()));
        }
        // What may change at run time, taken from the new file; the rest stays as it runs
        // (simulator ports, --device overrides).
        let mut next = (*config).clone();
        next.alarms.definitions = loaded.alarms.definitions;
        next.emissions = loaded.emissions;
        next.optimiser = loaded.optimiser;
        self.inner
            .alarms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retune(&next.alarms.definitions)?;
        self.inner.set_config(next);
        self.inner.alarms_changed();
        tracing::info!(key = %change.key, value = change.value, user = %actor.user, "setting changed");
        Ok(backup.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_changes_the_one_value_and_keeps_the_comments() -> Result<(), String> {
        let text = "[optimiser]\ngas_price_per_nm3 = 0.35   # EUR\nco2_price_per_t = 70.0\n";
        let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
        let table = doc
            .get_mut("optimiser")
            .and_then(Item::as_table_mut)
            .ok_or("no table")?;
        set_number(table, "gas_price_per_nm3", 0.4);
        let out = doc.to_string();
        assert_eq!(
            out,
            "[optimiser]\ngas_price_per_nm3 = 0.4   # EUR\nco2_price_per_t = 70.0\n"
        );
        Ok(())
    }

    #[test]
    fn an_array_entry_is_found_by_its_keys() -> Result<(), String> {
        let text = "[[alarms.alarm]]\ntype = \"hi\"\ntag = \"co\"\nlimit = 200.0\n\n[[alarms.alarm]]\ntype = \"hihi\"\ntag = \"co\"\nlimit = 1000.0 # ppm\n";
        let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
        let t = entry_of(
            &mut doc,
            "alarms",
            "alarm",
            &[("tag", "co"), ("type", "hihi")],
        )
        .ok_or("not found")?;
        set_number(t, "limit", 900.0);
        assert!(doc.to_string().contains("limit = 900.0 # ppm"));
        assert!(doc.to_string().contains("limit = 200.0"));
        Ok(())
    }
}
