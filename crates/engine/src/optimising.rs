//! The optimiser as the engine runs it: every `interval_min` while enabled, at once when the
//! throughput moves, and on demand; on a blocking thread, with progress and cancel. It builds
//! the optimiser's history from the historian's minute means and its inputs from the live
//! values, keeps every suggestion and its fate (accepted, rejected with a reason, superseded) in
//! sled, and once a suggestion's horizon has passed, what was realised against what it predicted.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_model::api::HistoryBucket;
use hearth_model::config::Config;
use hearth_model::{Quality, TagId};
use hearth_optimiser::advise::{Advice, Request, Suggestion};
use hearth_optimiser::calibrate::{FitLimits, History as FitHistory};
use hearth_optimiser::inputs::Input;
use hearth_optimiser::solve::Progress;
use hearth_optimiser::{Decision as OptDecision, ModelParams, Settings};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};
use ts_rs::TS;

use crate::audit::{AuditEvent, AuditKind, AuditOutcome};
use crate::engine::Engine;
use crate::history::HistoryQuery;
use crate::sled_open::{CleanDb, OpenError, open_db};
use crate::writes::Actor;

/// One predicted change against continuing, with its uncertainty band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeltaView {
    pub current: f64,
    pub suggested: f64,
    pub change: f64,
    pub band: f64,
}

/// One setpoint of a suggestion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MoveView {
    /// The zone's name, or "O2".
    pub name: String,
    /// The setpoint tag it is written to (the write path takes it from here).
    pub tag: Option<String>,
    pub unit: String,
    pub from: f64,
    pub to: f64,
    /// The objective term that gained most from the move ("fuel", "co2", "nox", "quality"),
    /// with what each term would cost more per hour had it stayed; empty when it did not move.
    pub driven_by: Option<String>,
    pub gains: Vec<(String, f64)>,
    pub limited_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RampStepView {
    pub after_s: f64,
    pub zone_sp: Vec<f64>,
    pub o2_sp: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MarginView {
    pub name: String,
    /// Positive: kept by this much.
    pub margin: f64,
    pub unit: String,
    /// Continuing already violates it by this much (the suggestion is held to no worse).
    pub allowed: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InputView {
    pub role: String,
    pub tag: Option<String>,
    pub quality: Quality,
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FitView {
    pub role: String,
    pub unit: String,
    pub rms: f64,
    pub bias: f64,
    pub limit: f64,
    pub points: u32,
}

/// A fitted parameter: its factor (or the analyser bias in points) and one standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ParameterView {
    pub name: String,
    pub value: f64,
    pub sigma: f64,
}

/// A predicted discharge: seconds from the suggestion, surface temperature, aim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DischargeView {
    pub at_s: f64,
    pub surface_c: f64,
    pub core_c: f64,
    pub aim_c: f64,
}

/// The predicted trajectories under the current and the suggested setpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrajectoryView {
    pub at_s: Vec<f64>,
    /// Per zone, then per point.
    pub current_zone_c: Vec<Vec<f64>>,
    pub suggested_zone_c: Vec<Vec<f64>>,
    pub current_fuel: Vec<f64>,
    pub suggested_fuel: Vec<f64>,
    pub current_discharge: Vec<DischargeView>,
    pub suggested_discharge: Vec<DischargeView>,
}

/// What the horizon brought, against what was predicted for the setpoints the plant ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OutcomeView {
    /// The suggestion was accepted (compared with its prediction) or not (compared with the
    /// prediction for continuing).
    pub followed: bool,
    pub fuel_predicted: f64,
    pub fuel_realised: Option<f64>,
    pub nox_predicted: f64,
    pub nox_realised: Option<f64>,
    pub discharge_predicted: f64,
    pub discharge_realised: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SuggestionStatus {
    Pending,
    Accepted {
        by: String,
        at_ms: i64,
    },
    Rejected {
        by: String,
        at_ms: i64,
        reason: String,
    },
    /// A newer suggestion replaced it before anyone decided.
    Superseded,
}

/// A suggestion as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SuggestionView {
    pub id: String,
    pub made_at_ms: i64,
    pub status: SuggestionStatus,
    pub moves: Vec<MoveView>,
    pub ramp: Vec<RampStepView>,
    pub currency: String,
    pub fuel_nm3h: DeltaView,
    pub fuel_pct: DeltaView,
    pub co2_kg_h: DeltaView,
    pub cost_per_h: DeltaView,
    pub nox_mg: DeltaView,
    pub discharge_c: DeltaView,
    pub gj_per_t: DeltaView,
    pub margins: Vec<MarginView>,
    pub inputs: Vec<InputView>,
    pub fit: Vec<FitView>,
    pub parameters: Vec<ParameterView>,
    pub horizon_s: f64,
    pub solve_ms: u32,
    pub evaluations: u32,
    pub trajectory: TrajectoryView,
    /// The best setpoints at other NOx weights (the configured one is `nox_weight` x 1).
    pub tradeoff: Vec<TradePointView>,
    pub nox_weight: f64,
    /// Continuing would miss a constraint these setpoints keep or miss by less (under-heated
    /// slabs, CO): the suggestion corrects, and may cost more.
    pub corrective: bool,
    pub outcome: Option<OutcomeView>,
}

/// A run in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunProgress {
    pub started_ms: i64,
    pub evaluations: u32,
    pub round: u32,
}

/// How the last run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    pub at_ms: i64,
    /// "suggestion", "none", "cancelled" or "failed".
    pub result: String,
    pub reasons: Vec<String>,
    /// With "none", when the plant cannot be checked and setpoints in use are leaner than the
    /// standard practice: those setpoints, from where they are to the standard. Each goes through
    /// the write path (or to the operator) like a suggestion's.
    #[serde(default)]
    pub way_back: Vec<MoveView>,
}

/// The optimiser page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OptimiserView {
    pub enabled: bool,
    pub interval_min: f64,
    pub running: Option<RunProgress>,
    pub last_run: Option<RunSummary>,
    /// The newest suggestion still pending, if any.
    pub current: Option<SuggestionView>,
    /// Newest first.
    pub history: Vec<SuggestionView>,
    pub currency: String,
    pub gas_price_per_nm3: f64,
    pub co2_price_per_t: f64,
}

/// `POST /api/optimiser/{id}/decide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Decision {
    pub accept: bool,
    /// Required to reject; kept in the audit log either way.
    #[serde(default)]
    pub reason: String,
}

/// The suggestions' database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OptimiserError {
    #[error("optimiser suggestions at {path}: {error}")]
    Sled { path: String, error: sled::Error },
    #[error("{0}")]
    Unopened(hearth_historian::FormatError),
}

/// What the engine keeps for the optimiser.
pub(crate) struct OptimiserDesk {
    db: CleanDb,
    state: Mutex<DeskState>,
    pub(crate) trigger: Notify,
}

#[derive(Default)]
struct DeskState {
    running: Option<(i64, Arc<Progress>)>,
    last_run: Option<RunSummary>,
}

/// The NOx weights of the trade-off view, as multiples of the configured one.
const TRADEOFF: [f64; 6] = [0.0, 0.25, 1.0, 4.0, 16.0, 64.0];

/// One point of the fuel-cost against NOx trade-off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TradePointView {
    pub nox_weight: f64,
    pub cost_per_h: f64,
    pub nox_mg: f64,
    pub fuel_nm3h: f64,
    pub zone_sp: Vec<f64>,
    pub o2_sp: f64,
}

/// How many suggestions the page lists.
const HISTORY_SHOWN: usize = 50;

impl OptimiserDesk {
    pub(crate) fn open(dir: &std::path::Path) -> Result<OptimiserDesk, OptimiserError> {
        let path = dir.display().to_string();
        let db = open_db(dir, 1 << 20).map_err(|e| match e {
            OpenError::Damaged(e) => OptimiserError::Unopened(e),
            OpenError::Sled(error) => OptimiserError::Sled { path, error },
        })?;
        Ok(OptimiserDesk {
            db,
            state: Mutex::new(DeskState::default()),
            trigger: Notify::new(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DeskState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn put(&self, s: &SuggestionView) -> Result<(), String> {
        let v = serde_json::to_vec(s).map_err(|e| e.to_string())?;
        self.db
            .insert(s.made_at_ms.to_be_bytes(), v)
            .map_err(|e| e.to_string())?;
        self.db.flush().map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Newest first, at most `n`.
    fn newest(&self, n: usize) -> Vec<SuggestionView> {
        self.db
            .iter()
            .rev()
            .filter_map(|kv| kv.ok())
            .filter_map(|(_, v)| serde_json::from_slice(&v).ok())
            .take(n)
            .collect()
    }

    fn get(&self, id: &str) -> Option<SuggestionView> {
        let ms: i64 = id.parse().ok()?;
        let v = self.db.get(ms.to_be_bytes()).ok()??;
        serde_json::from_slice(&v).ok()
    }
}

impl Engine {
    pub fn optimiser_view(&self) -> OptimiserView {
        let config = self.config();
        let o = &config.optimiser;
        let desk = &self.inner.optimiser;
        let st = desk.lock();
        let running = st.running.as_ref().map(|(t, p)| RunProgress {
            started_ms: *t,
            evaluations: p.evaluations.load(Ordering::Relaxed) as u32,
            round: p.round.load(Ordering::Relaxed) as u32,
        });
        let last_run = st.last_run.clone();
        drop(st);
        let history = desk.newest(HISTORY_SHOWN);
        let current = history
            .iter()
            .find(|s| s.status == SuggestionStatus::Pending)
            .cloned();
        OptimiserView {
            enabled: o.enabled,
            interval_min: o.interval_min,
            running,
            last_run,
            current,
            history,
            currency: o.currency.clone(),
            gas_price_per_nm3: o.gas_price_per_nm3,
            co2_price_per_t: o.co2_price_per_t,
        }
    }

    /// Start a run now (refused while one runs).
    pub fn optimise_now(&self) -> Result<(), String> {
        if self.inner.optimiser.lock().running.is_some() {
            return Err("the optimiser is already running".into());
        }
        self.inner.optimiser.trigger.notify_one();
        Ok(())
    }

    /// Cancel the run in progress; false when none runs.
    pub fn optimiser_cancel(&self) -> bool {
        match &self.inner.optimiser.lock().running {
            Some((_, p)) => {
                p.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Accept or reject a pending suggestion. Accepting records the decision; the setpoints
    /// then go through the write path (or are entered by the operator), each write naming it.
    pub fn suggestion_decide(
        &self,
        actor: &Actor,
        id: &str,
        d: &Decision,
    ) -> Result<SuggestionView, String> {
        let desk = &self.inner.optimiser;
        let mut s = desk.get(id).ok_or_else(|| format!("no suggestion {id}"))?;
        if s.status != SuggestionStatus::Pending {
            return Err(format!("suggestion {id} was already decided or superseded"));
        }
        let reason = d.reason.trim().to_owned();
        if !d.accept && reason.is_empty() {
            return Err("say why the suggestion is rejected".into());
        }
        let at_ms = self.inner.clock.now().0;
        s.status = if d.accept {
            SuggestionStatus::Accepted {
                by: actor.user.clone(),
                at_ms,
            }
        } else {
            SuggestionStatus::Rejected {
                by: actor.user.clone(),
                at_ms,
                reason: reason.clone(),
            }
        };
        desk.put(&s)?;
        let moves: Vec<String> = s
            .moves
            .iter()
            .map(|m| format!("{} {:.1} -> {:.1} {}", m.name, m.from, m.to, m.unit))
            .collect();
        self.inner.record(AuditEvent {
            at_ms: chrono::Utc::now().timestamp_millis(),
            user: actor.user.clone(),
            kind: AuditKind::Suggestion,
            source: format!("suggestion {id}"),
            target: "optimiser".into(),
            device: None,
            unit: String::new(),
            old_value: None,
            requested: if d.accept { "accept" } else { "reject" }.into(),
            read_back: None,
            reason: if reason.is_empty() {
                "accepted".into()
            } else {
                reason
            },
            outcome: AuditOutcome::Ok,
            detail: moves.join(", "),
        });
        Ok(s)
    }
}

/// The model's view of this furnace: the simulator's plant for three zones, the same furnace
/// split into the configured number otherwise.
fn model_for(config: &Config) -> ModelParams {
    ModelParams::with_zones(config.furnace.zones.len())
}

fn name_of(config: &Config, id: Option<TagId>) -> Option<String> {
    id.and_then(|t| config.tags.get(t.0 as usize).map(|t| t.name.clone()))
}

/// Every input the model needs, with its live quality and value.
fn inputs(engine: &Engine, config: &Config) -> Vec<Input> {
    let snap = engine.snapshot();
    let f = &config.furnace;
    let mut roles: Vec<(String, Option<TagId>)> = Vec::new();
    for (i, z) in f.zones.iter().enumerate() {
        roles.push((format!("zone {} temperature", i + 1), Some(z.temperature)));
        roles.push((format!("zone {} setpoint", i + 1), Some(z.setpoint)));
        roles.push((format!("zone {} fuel", i + 1), Some(z.fuel_flow)));
    }
    roles.extend([
        ("O2".to_owned(), f.o2),
        ("O2 setpoint".to_owned(), f.o2_setpoint),
        ("combustion air".to_owned(), f.combustion_air_flow),
        ("NOx".to_owned(), f.nox),
        ("flue temperature".to_owned(), f.flue_temperature),
        ("air preheat".to_owned(), f.air_preheat_temperature),
        ("discharge temperature".to_owned(), f.discharge_temperature),
        ("throughput".to_owned(), f.throughput),
        ("charge temperature".to_owned(), f.charge_temperature),
    ]);
    // Optional, but once configured the model's fuel rests on it: a failed calorimeter is named
    // rather than quietly replaced by the configured figure.
    if f.fuel_lhv.is_some() {
        roles.push(("fuel heating value".to_owned(), f.fuel_lhv));
    }
    roles
        .into_iter()
        .map(|(role, id)| {
            let tag = id.and_then(|t| config.tags.get(t.0 as usize));
            let live = tag.and_then(|t| snap.tags.iter().find(|v| v.name == t.name));
            Input {
                role,
                tag: tag.map(|t| t.name.clone()),
                quality: live.map_or(Quality::BadNoCommunication, |v| v.quality),
                value: live.and_then(|v| v.value),
                range: tag.and_then(|t| t.range),
            }
        })
        .collect()
}

/// Minute means of one tag over `[from, to)` (its last value per minute for aims); NaN where
/// nothing good was recorded.
async fn minutes(
    engine: &Engine,
    tag: Option<String>,
    from: i64,
    to: i64,
    pick: fn(&HistoryBucket) -> Option<f64>,
) -> Vec<f64> {
    let n = ((to - from) / 60_000).max(1) as usize;
    let Some(tag) = tag else {
        return vec![f64::NAN; n];
    };
    match engine
        .history(HistoryQuery {
            tag,
            from,
            to,
            buckets: n,
        })
        .await
    {
        Ok(h) => {
            let mut v: Vec<f64> = h
                .buckets
                .iter()
                .map(|b| {
                    if b.good > 0 {
                        pick(b).unwrap_or(f64::NAN)
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            v.resize(n, f64::NAN);
            v
        }
        Err(_) => vec![f64::NAN; n],
    }
}

async fn fit_history(engine: &Engine, config: &Config, from: i64, to: i64) -> FitHistory {
    let f = &config.furnace;
    let mean: fn(&HistoryBucket) -> Option<f64> = |b| b.mean;
    let last: fn(&HistoryBucket) -> Option<f64> = |b| b.last;
    let m = |id: Option<TagId>| name_of(config, id);
    let mut h = FitHistory {
        step_s: 60.0,
        lhv_mj_per_nm3: config.emissions.fuel_lhv_mj_per_nm3,
        ..FitHistory::default()
    };
    for z in &f.zones {
        h.zone_c
            .push(minutes(engine, m(Some(z.temperature)), from, to, mean).await);
        h.zone_sp
            .push(minutes(engine, m(Some(z.setpoint)), from, to, mean).await);
        h.zone_fuel_nm3h
            .push(minutes(engine, m(Some(z.fuel_flow)), from, to, mean).await);
    }
    h.air_nm3h = minutes(engine, m(f.combustion_air_flow), from, to, mean).await;
    h.o2_pct = minutes(engine, m(f.o2), from, to, mean).await;
    h.o2_sp = minutes(engine, m(f.o2_setpoint), from, to, mean).await;
    let mut nox = minutes(engine, m(f.nox), from, to, mean).await;
    // The model's NOx is in ppm; an analyser that reports mg/Nm3 (as NO2) is converted.
    let nox_unit = f
        .nox
        .and_then(|t| config.tags.get(t.0 as usize))
        .map(|t| t.unit.to_ascii_lowercase())
        .unwrap_or_default();
    if nox_unit.contains("mg") {
        nox.iter_mut().for_each(|v| *v /= 2.05);
    }
    h.nox_ppm = nox;
    h.flue_c = minutes(engine, m(f.flue_temperature), from, to, mean).await;
    h.air_preheat_c = minutes(engine, m(f.air_preheat_temperature), from, to, mean).await;
    h.discharge_c = minutes(engine, m(f.discharge_temperature), from, to, mean).await;
    h.discharge_aim_c = minutes(engine, m(f.discharge_aim), from, to, last).await;
    h.charge_aim_c = minutes(engine, m(f.charge_aim), from, to, last).await;
    h.pace_tph = minutes(engine, m(f.throughput), from, to, mean).await;
    h.charge_temp_c = minutes(engine, m(f.charge_temperature), from, to, mean).await;
    if f.fuel_lhv.is_some() {
        h.lhv = minutes(engine, m(f.fuel_lhv), from, to, mean).await;
    }
    h
}

fn delta(d: &hearth_optimiser::advise::Delta) -> DeltaView {
    DeltaView {
        current: d.current,
        suggested: d.suggested,
        change: d.change,
        band: d.band,
    }
}

fn discharges(p: &hearth_optimiser::Prediction) -> Vec<DischargeView> {
    p.discharged
        .iter()
        .map(|d| DischargeView {
            at_s: d.at_s,
            surface_c: d.surface_c,
            core_c: d.core_c,
            aim_c: d.aim_c,
        })
        .collect()
}

/// Setpoint `i` (the zones, then O2 at `i == n`) moving from `from` to `to`, with no reasons.
fn bare_move(config: &Config, i: usize, n: usize, from: f64, to: f64) -> MoveView {
    let f = &config.furnace;
    let (name, tag, unit) = if i < n {
        let z = f.zones.get(i);
        (
            z.map_or(format!("zone {}", i + 1), |z| z.name.clone()),
            z.and_then(|z| name_of(config, Some(z.setpoint))),
            "C".to_owned(),
        )
    } else {
        (
            "O2".to_owned(),
            name_of(config, f.o2_setpoint),
            "%".to_owned(),
        )
    };
    MoveView {
        name,
        tag,
        unit,
        from,
        to,
        driven_by: None,
        gains: Vec::new(),
        limited_by: None,
    }
}

/// The setpoints the way back to the standard practice raises (those it leaves are not listed).
fn way_back(config: &Config, in_use: &OptDecision, back: &OptDecision) -> Vec<MoveView> {
    let n = back.zone_sp.len();
    (0..=n)
        .filter_map(|i| {
            let (from, to) = if i < n {
                (in_use.zone_sp.get(i).copied()?, back.zone_sp[i])
            } else {
                (in_use.o2_sp, back.o2_sp)
            };
            (to > from).then(|| bare_move(config, i, n, from, to))
        })
        .collect()
}

/// The setpoints in use are the PLC's now where they read Good, not the last minute's mean: a
/// write made a few seconds ago is what continuing continues, and what the way back starts
/// from. The minutes the calibration fits on are left as they were recorded.
fn hold_live_setpoints(h: &mut FitHistory, ins: &[Input]) {
    let live = |role: &str| {
        ins.iter()
            .find(|i| i.role == role && i.quality == Quality::Good)
            .and_then(|i| i.value)
            .filter(|v| v.is_finite())
    };
    h.zone_sp_now = (0..h.zone_sp.len())
        .map(|z| live(&format!("zone {} setpoint", z + 1)))
        .collect();
    h.o2_sp_now = live("O2 setpoint");
}

/// A suggestion as stored and shown.
pub(crate) fn view(config: &Config, made_at_ms: i64, s: &Suggestion) -> SuggestionView {
    let mut moves: Vec<MoveView> = Vec::new();
    let n = s.decision.zone_sp.len();
    for i in 0..=n {
        let (from, to) = if i < n {
            (s.current.zone_sp[i], s.decision.zone_sp[i])
        } else {
            (s.current.o2_sp, s.decision.o2_sp)
        };
        let key = if i < n {
            format!("zone {}", i + 1)
        } else {
            "O2".to_owned()
        };
        let why = s.reasons.iter().find(|r| r.setpoint == key);
        moves.push(MoveView {
            driven_by: why.map(|r| r.driven_by.to_owned()),
            gains: why
                .map(|r| r.gains.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect())
                .unwrap_or_default(),
            limited_by: why.and_then(|r| r.limited_by.clone()),
            ..bare_move(config, i, n, from, to)
        });
    }
    let zones_of = |p: &hearth_optimiser::Prediction| -> Vec<Vec<f64>> {
        (0..n)
            .map(|z| {
                p.trajectory
                    .iter()
                    .map(|t| t.zone_c.get(z).copied().unwrap_or(f64::NAN))
                    .collect()
            })
            .collect()
    };
    let c = &s.fit.calibration;
    let names = hearth_optimiser::Fit::NAMES;
    let values = [
        c.wall_loss,
        c.radiation,
        c.recuperator,
        c.nox,
        c.o2_bias_pct,
    ];
    SuggestionView {
        id: made_at_ms.to_string(),
        made_at_ms,
        status: SuggestionStatus::Pending,
        moves,
        ramp: s
            .ramp
            .iter()
            .map(|r| RampStepView {
                after_s: r.after_s,
                zone_sp: r.zone_sp.clone(),
                o2_sp: r.o2_sp,
            })
            .collect(),
        currency: config.optimiser.currency.clone(),
        fuel_nm3h: delta(&s.deltas.fuel_nm3h),
        fuel_pct: delta(&s.deltas.fuel_pct),
        co2_kg_h: delta(&s.deltas.co2_kg_h),
        cost_per_h: delta(&s.deltas.cost_per_h),
        nox_mg: delta(&s.deltas.nox_mg),
        discharge_c: delta(&s.deltas.discharge_c),
        gj_per_t: delta(&s.deltas.gj_per_t),
        margins: s
            .margins
            .iter()
            .map(|m| MarginView {
                name: m.name.clone(),
                margin: m.margin,
                unit: m.unit.clone(),
                allowed: m.allowed,
            })
            .collect(),
        inputs: s
            .inputs
            .iter()
            .map(|i| InputView {
                role: i.role.clone(),
                tag: i.tag.clone(),
                quality: i.quality,
                value: i.value,
            })
            .collect(),
        fit: s
            .fit
            .tags
            .iter()
            .map(|t| FitView {
                role: t.role.clone(),
                unit: t.unit.to_owned(),
                rms: t.rms,
                bias: t.bias,
                limit: t.limit,
                points: t.n as u32,
            })
            .collect(),
        parameters: names
            .iter()
            .zip(values)
            .zip(s.fit.sigma)
            .map(|((n, v), sd)| ParameterView {
                name: (*n).to_owned(),
                value: v,
                sigma: sd,
            })
            .collect(),
        horizon_s: s.predicted.horizon_s,
        solve_ms: s.solve_time.as_millis().min(u128::from(u32::MAX)) as u32,
        evaluations: s.evaluations.min(u32::MAX as usize) as u32,
        trajectory: TrajectoryView {
            at_s: s.predicted.trajectory.iter().map(|t| t.at_s).collect(),
            current_zone_c: zones_of(&s.continuing),
            suggested_zone_c: zones_of(&s.predicted),
            current_fuel: s
                .continuing
                .trajectory
                .iter()
                .map(|t| t.fuel_nm3h)
                .collect(),
            suggested_fuel: s.predicted.trajectory.iter().map(|t| t.fuel_nm3h).collect(),
            current_discharge: discharges(&s.continuing),
            suggested_discharge: discharges(&s.predicted),
        },
        tradeoff: s
            .tradeoff
            .iter()
            .map(|p| TradePointView {
                nox_weight: p.nox_weight,
                cost_per_h: p.cost_per_h,
                nox_mg: p.nox_mg,
                fuel_nm3h: p.fuel_nm3h,
                zone_sp: p.zone_sp.clone(),
                o2_sp: p.o2_sp,
            })
            .collect(),
        nox_weight: config.optimiser.nox_weight,
        corrective: s.corrective,
        outcome: None,
    }
}

/// Mean of the good minute means, or None.
fn mean_of(v: &[f64]) -> Option<f64> {
    let good: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    (!good.is_empty()).then(|| good.iter().sum::<f64>() / good.len() as f64)
}

/// What the plant did over a suggestion's horizon (`h`), against what was predicted for the
/// setpoints it ran: the suggestion's if it was accepted, continuing's if not.
fn outcome(s: &SuggestionView, h: &FitHistory) -> OutcomeView {
    let fuel: Vec<f64> = (0..h.pace_tph.len())
        .map(|i| {
            h.zone_fuel_nm3h
                .iter()
                .map(|z| z.get(i).copied().unwrap_or(f64::NAN))
                .sum()
        })
        .collect();
    // NOx as predicted: mg/Nm3 (as NO2) dry at 3 % O2, from ppm at the measured O2.
    let nox_mg: Vec<f64> = h
        .nox_ppm
        .iter()
        .zip(&h.o2_pct)
        .map(|(ppm, o2)| ppm * 2.05 * 18.0 / (21.0 - o2).max(0.1))
        .collect();
    let followed = matches!(s.status, SuggestionStatus::Accepted { .. });
    let pick = |d: &DeltaView| if followed { d.suggested } else { d.current };
    OutcomeView {
        followed,
        fuel_predicted: pick(&s.fuel_nm3h),
        fuel_realised: mean_of(&fuel),
        nox_predicted: pick(&s.nox_mg),
        nox_realised: mean_of(&nox_mg),
        discharge_predicted: pick(&s.discharge_c),
        discharge_realised: mean_of(&h.discharge_c),
    }
}

/// Realised against predicted for suggestions whose horizon has passed.
async fn settle_outcomes(engine: &Engine, config: &Config) {
    let now = engine.inner.clock.now().0;
    let desk = &engine.inner.optimiser;
    for mut s in desk.newest(HISTORY_SHOWN) {
        if s.outcome.is_some() || s.made_at_ms + (s.horizon_s * 1000.0) as i64 > now {
            continue;
        }
        let (from, to) = (s.made_at_ms, s.made_at_ms + (s.horizon_s * 1000.0) as i64);
        let h = fit_history(engine, config, from, to).await;
        s.outcome = Some(outcome(&s, &h));
        if let SuggestionStatus::Pending = s.status {
            s.status = SuggestionStatus::Superseded;
        }
        if let Err(e) = desk.put(&s) {
            tracing::error!("optimiser: outcome of suggestion {} not stored: {e}", s.id);
        }
    }
}

/// One run: history and inputs gathered, the advice computed on a blocking thread.
async fn run_once(engine: &Engine) {
    let config = engine.config();
    let o = &config.optimiser;
    let now = engine.inner.clock.now().0;
    let from = now - (o.history_h * 3_600_000.0) as i64;
    let progress = Arc::new(Progress::default());
    engine.inner.optimiser.lock().running = Some((now, progress.clone()));
    let mut history = fit_history(engine, &config, from, now).await;
    let ins = inputs(engine, &config);
    hold_live_setpoints(&mut history, &ins);
    let settings = Settings::from_config(&config);
    let base = model_for(&config);
    let timeout = Duration::from_secs_f64(o.timeout_s);
    let p = progress.clone();
    let job = tokio::task::spawn_blocking(move || {
        let req = Request {
            base: &base,
            history: &history,
            inputs: &ins,
            settings: &settings,
            limits: &FitLimits::default(),
            timeout,
            tradeoff: &TRADEOFF,
        };
        hearth_optimiser::advise(&req, &p)
    });
    let summary = match job.await {
        Ok(Advice::Suggestion(s)) => {
            let v = view(&config, now, &s);
            let desk = &engine.inner.optimiser;
            for mut old in desk.newest(HISTORY_SHOWN) {
                if old.status == SuggestionStatus::Pending {
                    old.status = SuggestionStatus::Superseded;
                    let _ = desk.put(&old);
                }
            }
            match desk.put(&v) {
                Ok(()) => RunSummary {
                    at_ms: now,
                    result: "suggestion".into(),
                    reasons: Vec::new(),
                    way_back: Vec::new(),
                },
                Err(e) => RunSummary {
                    at_ms: now,
                    result: "failed".into(),
                    reasons: vec![format!("the suggestion could not be stored: {e}")],
                    way_back: Vec::new(),
                },
            }
        }
        Ok(Advice::None {
            reasons, fallback, ..
        }) => RunSummary {
            at_ms: now,
            result: "none".into(),
            reasons,
            way_back: fallback
                .map(|back| way_back(&config, &back.from, &back.to))
                .unwrap_or_default(),
        },
        Ok(Advice::Cancelled) => RunSummary {
            at_ms: now,
            result: "cancelled".into(),
            reasons: Vec::new(),
            way_back: Vec::new(),
        },
        Err(e) => RunSummary {
            at_ms: now,
            result: "failed".into(),
            reasons: vec![format!("the optimiser stopped: {e}")],
            way_back: Vec::new(),
        },
    };
    tracing::info!(result = %summary.result, reasons = ?summary.reasons, "optimiser run");
    let mut st = engine.inner.optimiser.lock();
    st.running = None;
    st.last_run = Some(summary);
}

/// The throughput now, when it reads Good.
fn pace_now(engine: &Engine) -> Option<f64> {
    let config = engine.config();
    let tag = name_of(&config, config.furnace.throughput)?;
    engine
        .snapshot()
        .tags
        .into_iter()
        .find(|v| v.name == tag)
        .filter(|v| v.quality.is_good())
        .and_then(|v| v.value)
}

/// Runs every interval while enabled, on demand, and when the throughput moves.
pub(crate) async fn optimiser_loop(engine: Engine, mut shutdown: watch::Receiver<bool>) {
    // The throughput at the last run (or when first read): a move from it starts a run.
    let mut last_pace: Option<f64> = None;
    let mut since_run = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let run = tokio::select! {
            _ = shutdown.changed() => return,
            _ = engine.inner.optimiser.trigger.notified() => true,
            _ = tick.tick() => {
                let config = engine.config();
                let o = &config.optimiser;
                settle_outcomes(&engine, &config).await;
                let moved = match (last_pace, pace_now(&engine)) {
                    (Some(a), Some(b)) => (b - a).abs() > o.pace_trigger_pct / 100.0 * a.abs().max(1.0),
                    _ => false,
                };
                let due = since_run.elapsed() >= Duration::from_secs_f64(o.interval_min * 60.0);
                o.enabled && (due || moved)
            }
        };
        if *shutdown.borrow() {
            return;
        }
        if run {
            since_run = tokio::time::Instant::now();
            run_once(&engine).await;
        }
        if run || last_pace.is_none() {
            last_pace = pace_now(&engine);
        }
    }
}

/// `POST /api/optimiser/evaluate`: a shadow-mode evaluation of one of the config's scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EvaluationRequest {
    /// A file name in the `scenarios` folder beside the plant file.
    pub scenario: String,
    pub hours: f64,
    pub seed: u32,
}

/// The evaluation section of the optimiser page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct EvaluationView {
    /// Scenario files that can be evaluated.
    pub scenarios: Vec<String>,
    /// The one running: its request and the plant hours done.
    pub running: Option<(EvaluationRequest, f64)>,
    pub report: Option<hearth_optimiser::shadow::Report>,
    pub error: Option<String>,
}

#[derive(Default)]
pub(crate) struct Evaluations {
    running: Option<(EvaluationRequest, Arc<std::sync::atomic::AtomicU32>)>,
    report: Option<hearth_optimiser::shadow::Report>,
    error: Option<String>,
}

/// The longest evaluation the page may start, plant hours.
const MAX_EVALUATION_H: f64 = 48.0;

fn scenarios_dir(config: &Config) -> std::path::PathBuf {
    config
        .source
        .parent()
        .map(|d| d.join("scenarios"))
        .unwrap_or_else(|| std::path::PathBuf::from("scenarios"))
}

fn scenario_files(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(scenarios_dir(config))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

impl Engine {
    pub fn evaluation_view(&self) -> EvaluationView {
        let config = self.config();
        let ev = self
            .inner
            .evaluations
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        EvaluationView {
            scenarios: scenario_files(&config),
            running: ev
                .running
                .as_ref()
                .map(|(r, h)| (r.clone(), f64::from(h.load(Ordering::Relaxed)))),
            report: ev.report.clone(),
            error: ev.error.clone(),
        }
    }

    /// Start a shadow-mode evaluation on a blocking thread (one at a time).
    pub fn evaluate_start(&self, req: EvaluationRequest) -> Result<(), String> {
        let config = self.config();
        if config.furnace.zones.len() != hearth_sim::physics::ZONES {
            return Err(format!(
                "the simulator's furnace has {} zones and this plant's has {}: evaluate with the simulated furnace's config",
                hearth_sim::physics::ZONES,
                config.furnace.zones.len()
            ));
        }
        if !(req.hours > 0.0 && req.hours <= MAX_EVALUATION_H) {
            return Err(format!(
                "hours must be more than 0 and at most {MAX_EVALUATION_H}"
            ));
        }
        if !scenario_files(&config).contains(&req.scenario) {
            return Err(format!(
                "no scenario {} in {}",
                req.scenario,
                scenarios_dir(&config).display()
            ));
        }
        let scenario = hearth_sim::Scenario::load(&scenarios_dir(&config).join(&req.scenario))
            .map_err(|e| e.to_string())?;
        let done = Arc::new(std::sync::atomic::AtomicU32::new(0));
        {
            let mut ev = self
                .inner
                .evaluations
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if ev.running.is_some() {
                return Err("an evaluation is already running".into());
            }
            ev.running = Some((req.clone(), done.clone()));
            ev.error = None;
        }
        let opts =
            hearth_optimiser::shadow::Options::from_config(&config, req.hours, u64::from(req.seed));
        let engine = self.clone();
        tokio::task::spawn_blocking(move || {
            let report = hearth_optimiser::shadow::evaluate(&scenario, &opts, |_| {
                done.fetch_add(1, Ordering::Relaxed);
            });
            let mut ev = engine
                .inner
                .evaluations
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            ev.running = None;
            ev.report = Some(report);
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plant() -> Config {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/plant.toml");
        Config::load(&path).unwrap_or_else(|e| panic!("default config: {e}"))
    }

    fn input(role: &str, quality: Quality, value: f64) -> Input {
        Input {
            role: role.into(),
            tag: None,
            quality,
            value: Some(value),
            range: None,
        }
    }

    #[test]
    fn the_setpoints_in_use_are_the_live_ones_when_good() {
        let mut h = FitHistory {
            zone_sp: vec![vec![1050.0, 1050.0], vec![1270.0, f64::NAN]],
            o2_sp: vec![2.8, 2.75],
            ..FitHistory::default()
        };
        hold_live_setpoints(
            &mut h,
            &[
                input("zone 1 setpoint", Quality::Good, 1040.0),
                input("zone 2 setpoint", Quality::Good, 1265.0),
                input("O2 setpoint", Quality::BadSensorFailure, 9.9),
            ],
        );
        assert_eq!(h.zone_sp_now, vec![Some(1040.0), Some(1265.0)]);
        assert_eq!(h.zone_sp_in_use(1), Some(1265.0));
        // A bad reading leaves the history's own.
        assert_eq!(h.o2_sp_now, None);
        assert_eq!(h.o2_sp_in_use(), Some(2.75));
        // The minutes the calibration fits on are as recorded.
        assert_eq!(h.zone_sp[0], vec![1050.0, 1050.0]);
        assert!(h.zone_sp[1][0] == 1270.0 && h.zone_sp[1][1].is_nan());
    }

    #[test]
    fn the_way_back_lists_each_raised_setpoint_with_its_tag() {
        let config = plant();
        let in_use = OptDecision {
            zone_sp: vec![1050.0, 1250.0, 1236.0],
            o2_sp: 2.4,
        };
        let back = OptDecision {
            zone_sp: vec![1050.0, 1270.0, 1236.0],
            o2_sp: 2.8,
        };
        let moves = way_back(&config, &in_use, &back);
        let listed: Vec<(&str, Option<&str>, f64, f64)> = moves
            .iter()
            .map(|m| (m.name.as_str(), m.tag.as_deref(), m.from, m.to))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("heating", Some("zone2_sp"), 1250.0, 1270.0),
                ("O2", Some("o2_sp"), 2.4, 2.8),
            ]
        );
        assert!(moves.iter().all(|m| m.driven_by.is_none()));
    }

    fn delta(current: f64, suggested: f64) -> DeltaView {
        DeltaView {
            current,
            suggested,
            change: suggested - current,
            band: 0.0,
        }
    }

    fn suggestion(status: SuggestionStatus) -> SuggestionView {
        let empty = TrajectoryView {
            at_s: Vec::new(),
            current_zone_c: Vec::new(),
            suggested_zone_c: Vec::new(),
            current_fuel: Vec::new(),
            suggested_fuel: Vec::new(),
            current_discharge: Vec::new(),
            suggested_discharge: Vec::new(),
        };
        SuggestionView {
            id: "1".into(),
            made_at_ms: 0,
            status,
            moves: Vec::new(),
            ramp: Vec::new(),
            currency: "EUR".into(),
            fuel_nm3h: delta(12_000.0, 11_000.0),
            fuel_pct: delta(100.0, 91.7),
            co2_kg_h: delta(0.0, 0.0),
            cost_per_h: delta(0.0, 0.0),
            nox_mg: delta(180.0, 160.0),
            discharge_c: delta(1225.0, 1215.0),
            gj_per_t: delta(0.0, 0.0),
            margins: Vec::new(),
            inputs: Vec::new(),
            fit: Vec::new(),
            parameters: Vec::new(),
            horizon_s: 3600.0,
            solve_ms: 0,
            evaluations: 0,
            trajectory: empty,
            tradeoff: Vec::new(),
            nox_weight: 0.05,
            corrective: false,
            outcome: None,
        }
    }

    /// Two minutes of history: zone fuels, O2 and NOx as an analyser reads them, the pyrometer;
    /// a gap in the second minute's zone 2 fuel.
    fn history() -> FitHistory {
        FitHistory {
            step_s: 60.0,
            zone_fuel_nm3h: vec![
                vec![5000.0, 5200.0],
                vec![6000.0, f64::NAN],
                vec![1000.0, 1100.0],
            ],
            o2_pct: vec![3.0, 3.0],
            // 78.05 ppm at 3 % O2 is 160 mg/Nm3 as NO2.
            nox_ppm: vec![160.0 / 2.05, 160.0 / 2.05],
            discharge_c: vec![1210.0, 1220.0],
            pace_tph: vec![300.0, 300.0],
            ..FitHistory::default()
        }
    }

    #[test]
    fn an_accepted_suggestion_is_set_against_its_own_prediction() {
        let s = suggestion(SuggestionStatus::Accepted {
            by: "x".into(),
            at_ms: 0,
        });
        let o = outcome(&s, &history());
        assert!(o.followed);
        assert_eq!(o.fuel_predicted, 11_000.0);
        // The minute with a zone's fuel missing is not counted as less fuel.
        assert_eq!(o.fuel_realised, Some(12_000.0));
        assert_eq!(o.nox_predicted, 160.0);
        assert!((o.nox_realised.unwrap_or(0.0) - 160.0).abs() < 1e-9);
        assert_eq!(o.discharge_realised, Some(1215.0));
        assert_eq!(o.discharge_predicted, 1215.0);
    }

    #[test]
    fn a_suggestion_not_followed_is_set_against_continuing() {
        let s = suggestion(SuggestionStatus::Rejected {
            by: "x".into(),
            at_ms: 0,
            reason: "trial".into(),
        });
        let o = outcome(&s, &history());
        assert!(!o.followed);
        assert_eq!(o.fuel_predicted, 12_000.0);
        assert_eq!(o.nox_predicted, 180.0);
        assert_eq!(o.discharge_predicted, 1225.0);
    }
}
