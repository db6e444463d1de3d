//! The desktop window. It attaches to the engine already running on the data dir (the service),
//! or runs one in-process; with an in-process engine, closing the window offers to keep
//! recording in the tray. Without a display it says so and serves the screens instead.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use hearth_engine::datadir::running_engine;
use hearth_engine::{Engine, EngineOptions, RunningEngine};
use hearth_model::api::{EngineTarget, LiveBatch, PlantInfo, Snapshot};
use hearth_model::config::Config;
use tauri::ipc::Channel;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::utils::config::{Csp, CspDirectiveSources};
use tauri::{Manager, RunEvent, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use hearth_engine::audit::{AuditEntry, AuditQuery, AuditVerification};
use hearth_engine::writes::{
    Actor, Face, Prepared, WritableTag, WriteConfirm, WriteRequest, WriteResult,
};

use crate::cmd_serve::UI;
use crate::geometry::{self, Geometry, Screen};
use crate::single_instance::{self, Instance};

struct Desktop {
    target: EngineTarget,
    engine: Option<Engine>,
    running: Mutex<Option<RunningEngine>>,
    /// Where to ask the UI what closing the window should do (registered by the UI).
    close_prompt: Mutex<Option<Channel<()>>>,
    /// The window's last normal geometry, saved when the app exits or hides to the tray.
    geometry: Mutex<Option<Geometry>>,
    /// Set to stop the export in progress.
    export_cancel: Arc<AtomicBool>,
}

/// Run the window without WebKit's accelerated compositing: the pages are flat panels and 2D
/// canvases, which software rendering draws at full frame rate, and the web process stays about
/// 90 MB smaller (175 MB against 85 MB of PSS after 2.5 min on the Overview). It also avoids the
/// blank windows some GPU drivers give WebKitGTK. WebKit reads the switch from the environment
/// when it starts, so the process re-executes itself once with it set (same pid, same
/// arguments). `HEARTH_WEBVIEW_GPU=1` keeps accelerated compositing.
fn software_rendering() {
    const SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(SWITCH).is_some() || std::env::var_os("HEARTH_WEBVIEW_GPU").is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let err = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env(SWITCH, "1")
            .exec();
        tracing::warn!(%err, "cannot restart without accelerated compositing; keeping it");
    }
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// `http://host:port` of an engine URL, and the same origin for its WebSocket.
fn engine_origins(url: &str) -> Result<[String; 2]> {
    let rest = url
        .strip_prefix("http://")
        .with_context(|| format!("--engine {url}: expected http://HOST:PORT"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        anyhow::bail!("--engine {url}: expected http://HOST:PORT");
    }
    Ok([format!("http://{authority}"), format!("ws://{authority}")])
}

pub fn run(config: Config, data_dir: PathBuf, engine_url: Option<String>) -> Result<i32> {
    if !has_display() {
        eprintln!(
            "No display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window: running the engine and serving the screens to a browser instead."
        );
        let bind = config.server.bind;
        return crate::cmd_serve::run(config, data_dir, bind);
    }

    software_rendering();
    let window_lock = match single_instance::claim(&data_dir)? {
        Instance::First(lock) => lock,
        Instance::AlreadyOpen(pid) => {
            eprintln!(
                "Hearth is already open on {} (pid {pid}): its window was brought forward.",
                data_dir.display()
            );
            return Ok(0);
        }
    };

    let plant_name = config.plant.name.clone();
    let mut context = tauri::generate_context!();
    let attach_to = match engine_url {
        Some(url) => {
            // The window may talk to exactly this engine as well as loopback ones.
            let origins = engine_origins(&url)?;
            if let Some(Csp::DirectiveMap(map)) = &mut context.config_mut().app.security.csp {
                map.entry("connect-src".into())
                    .or_insert_with(|| CspDirectiveSources::List(Vec::new()))
                    .extend(origins.to_vec());
            }
            Some(hearth_engine::EngineInfo {
                pid: 0,
                api_url: Some(url),
                local_token: None,
                started: String::new(),
            })
        }
        None => running_engine(&data_dir),
    };
    let desktop = match attach_to {
        Some(info) => {
            let api_url = info.api_url.with_context(|| {
                format!(
                    "the engine (pid {}) on {} publishes no API address",
                    info.pid,
                    data_dir.display()
                )
            })?;
            tracing::info!(%api_url, pid = info.pid, "attaching to the running engine");
            Desktop {
                target: EngineTarget::Attached {
                    user: os_user(),
                    api_url,
                    pid: Some(info.pid),
                    token: info.local_token,
                },
                engine: None,
                running: Mutex::new(None),
                close_prompt: Mutex::new(None),
                geometry: Mutex::new(None),
                export_cancel: Arc::new(AtomicBool::new(false)),
            }
        }
        None => {
            let running = tauri::async_runtime::block_on(Engine::start(EngineOptions {
                config,
                data_dir: data_dir.clone(),
                bind: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
                ui: Some(&UI),
                clock: None,
            }))
            .context("starting the engine")?;
            let engine = running.engine();
            let api_url = engine.api_url().unwrap_or_default();
            Desktop {
                target: EngineTarget::InProcess { api_url },
                engine: Some(engine),
                running: Mutex::new(Some(running)),
                close_prompt: Mutex::new(None),
                geometry: Mutex::new(None),
                export_cancel: Arc::new(AtomicBool::new(false)),
            }
        }
    };
    let in_process = desktop.engine.is_some();

    let app = tauri::Builder::default()
        .manage(desktop)
        .invoke_handler(tauri::generate_handler![
            engine_target,
            plant_info,
            snapshot,
            on_close_requested,
            subscribe_live,
            close_choice,
            history,
            settings,
            simulator,
            simulator_command,
            export_csv,
            cancel_export,
            alarms,
            alarms_ack,
            alarms_shelve,
            alarms_service,
            alarm_journal_csv,
            emissions_day,
            emissions_month,
            save_report,
            add_emission_mark,
            withdraw_emission_mark,
            alarm_journal,
            alarm_metrics,
            writable_tags,
            write_prepare,
            write_confirm,
            audit,
            audit_verify,
            audit_csv,
            change_setting,
            optimiser,
            optimiser_run,
            optimiser_cancel,
            optimiser_decide,
            optimiser_evaluation,
            optimiser_evaluate
        ])
        .setup(move |app| {
            // SIGTERM (logout, systemd, kill) and Ctrl-C stop the app the orderly way, so the
            // engine writes out every sample it received before the process ends.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                crate::cmd_serve::wait_for_stop().await;
                handle.exit(0);
            });
            let window =
                WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                    .title(format!("Hearth — {plant_name}"))
                    .inner_size(1366.0, 768.0)
                    .min_inner_size(geometry::MIN_WIDTH, geometry::MIN_HEIGHT)
                    .build()?;
            restore_geometry(&window);
            // Known from the start, so even a run that never moves the window saves its place.
            remember_geometry(&window.as_ref().window());
            let shower = app.handle().clone();
            window_lock.serve(move || show_main(&shower));
            if in_process {
                let show = MenuItem::with_id(app, "show", "Show Hearth", true, None::<&str>)?;
                let quit =
                    MenuItem::with_id(app, "quit", "Stop recording and quit", true, None::<&str>)?;
                let menu = Menu::with_items(app, &[&show, &quit])?;
                let mut tray = TrayIconBuilder::with_id("hearth")
                    .tooltip("Hearth: recording")
                    .menu(&menu);
                if let Some(icon) = app.default_window_icon() {
                    tray = tray.icon(icon.clone());
                }
                tray.on_menu_event(|app, event| match event.id.as_ref() {
                    "show" => show_main(app),
                    "quit" => app.exit(0),
                    _ => {}
                })
                .build(app)?;
            }
            Ok(())
        })
        .on_window_event(move |window, event| {
            if matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
                remember_geometry(window);
            }
            if let WindowEvent::CloseRequested { api, .. } = event
                && in_process
            {
                // The UI asks: keep recording in the tray, or stop and quit. A UI that never
                // registered (it failed to load) cannot ask, so the window just closes.
                let state = window.state::<Desktop>();
                let prompt = state.close_prompt.lock().ok().and_then(|c| c.clone());
                if let Some(prompt) = prompt
                    && prompt.send(()).is_ok()
                {
                    api.prevent_close();
                }
            }
        })
        .build(context)
        .context("starting the desktop window")?;

    app.run(|app, event| {
        if let RunEvent::ExitRequested { api, code, .. } = &event
            && code.is_none()
            && app.state::<Desktop>().engine.is_some()
        {
            // Last window hidden to the tray: keep the engine recording.
            api.prevent_exit();
        }
        if let RunEvent::Exit = event {
            save_geometry(app);
            let running = app
                .state::<Desktop>()
                .running
                .lock()
                .ok()
                .and_then(|mut r| r.take());
            if let Some(running) = running
                && let Err(err) = tauri::async_runtime::block_on(running.stop())
            {
                eprintln!("hearth: stopping the engine: {err:#}");
            }
        }
    });
    Ok(0)
}

/// Put the window where it was last time, if a screen can still show it there.
fn restore_geometry(window: &tauri::WebviewWindow) {
    let Some(saved) = geometry::load() else {
        return;
    };
    let screens: Vec<Screen> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let scale = m.scale_factor();
            Screen {
                x: f64::from(m.position().x) / scale,
                y: f64::from(m.position().y) / scale,
                width: f64::from(m.size().width) / scale,
                height: f64::from(m.size().height) / scale,
            }
        })
        .collect();
    let Some(g) = geometry::fit(saved, &screens) else {
        return;
    };
    let _ = window.set_size(tauri::LogicalSize::new(g.width, g.height));
    let _ = window.set_position(tauri::LogicalPosition::new(g.x, g.y));
    if g.maximized {
        let _ = window.maximize();
    }
    if let Ok(mut m) = window.state::<Desktop>().geometry.lock() {
        *m = Some(g);
    }
}

/// Note the window's geometry as it moves; a maximised window keeps its normal size to
/// return to.
fn remember_geometry(window: &tauri::Window) {
    let (Ok(scale), Ok(size), Ok(pos)) = (
        window.scale_factor(),
        window.inner_size(),
        window.outer_position(),
    ) else {
        return;
    };
    let maximized = window.is_maximized().unwrap_or(false);
    let state = window.state::<Desktop>();
    let Ok(mut current) = state.geometry.lock() else {
        return;
    };
    if maximized {
        if let Some(g) = current.as_mut() {
            g.maximized = true;
        }
        return;
    }
    if window.is_minimized().unwrap_or(false) {
        return;
    }
    *current = Some(Geometry {
        x: f64::from(pos.x) / scale,
        y: f64::from(pos.y) / scale,
        width: f64::from(size.width) / scale,
        height: f64::from(size.height) / scale,
        maximized: false,
    });
}

fn save_geometry(app: &tauri::AppHandle) {
    let g = app.state::<Desktop>().geometry.lock().ok().and_then(|g| *g);
    if let Some(g) = g {
        geometry::save(&g);
    }
}

fn show_main(app: &tauri::AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::engine_origins;

    #[test]
    fn an_engine_url_gives_its_http_and_websocket_origins() {
        let o = engine_origins("http://10.1.2.3:8720/").ok();
        assert_eq!(
            o,
            Some([
                "http://10.1.2.3:8720".to_owned(),
                "ws://10.1.2.3:8720".to_owned()
            ])
        );
        assert!(engine_origins("https://x:1").is_err());
        assert!(engine_origins("http://").is_err());
        assert!(engine_origins("10.1.2.3:8720").is_err());
    }

    /// Tauri's ACL as built from `capabilities/`: the main window reaches the write path's
    /// commands, any other window is refused before a command runs.
    #[test]
    fn only_the_main_window_may_call_the_write_path() -> Result<(), String> {
        use super::*;
        use tauri::ipc::{CallbackFn, InvokeBody};
        use tauri::webview::InvokeRequest;
        let desktop = Desktop {
            target: EngineTarget::Attached {
                api_url: "http://127.0.0.1:1".into(),
                pid: None,
                user: "test".into(),
                token: None,
            },
            engine: None,
            running: Mutex::new(None),
            close_prompt: Mutex::new(None),
            geometry: Mutex::new(None),
            export_cancel: Arc::new(AtomicBool::new(false)),
        };
        let app = tauri::test::mock_builder()
            .manage(desktop)
            .invoke_handler(tauri::generate_handler![
                write_prepare,
                write_confirm,
                change_setting
            ])
            .build(tauri::generate_context!())
            .map_err(|e| e.to_string())?;
        let window = |label: &str| {
            tauri::WebviewWindowBuilder::new(&app, label, Default::default())
                .build()
                .map_err(|e| e.to_string())
        };
        let (main, other) = (window("main")?, window("other")?);
        let call = |w: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str| {
            let url = "tauri://localhost".parse().map_err(|e| format!("{e}"))?;
            let body = serde_json::json!({
                "req": { "tag": "zone1_sp", "value": 1060.0, "reason": "test", "suggestion": null, "token": "00" }
            });
            Ok::<_, String>(tauri::test::get_ipc_response(
                w,
                InvokeRequest {
                    cmd: cmd.into(),
                    callback: CallbackFn(0),
                    error: CallbackFn(1),
                    url,
                    body: InvokeBody::Json(body),
                    headers: Default::default(),
                    invoke_key: tauri::test::INVOKE_KEY.to_string(),
                },
            ))
        };
        for cmd in ["write_prepare", "write_confirm"] {
            // From the main window the command runs (and says this window has no engine).
            let from_main = call(&main, cmd)?;
            assert_eq!(
                from_main.as_ref().err().and_then(|e| e.as_str()),
                Some("this window is attached to another engine: use its HTTP API"),
                "{cmd} from main: {from_main:?}"
            );
            // From any other window it is refused by the ACL.
            let from_other = call(&other, cmd)?;
            let refusal = from_other
                .as_ref()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                refusal.contains("not allowed"),
                "{cmd} from another window: {from_other:?}"
            );
        }
        Ok(())
    }
}

fn engine_of(state: &Desktop) -> Result<&Engine, String> {
    state
        .engine
        .as_ref()
        .ok_or_else(|| "this window is attached to another engine: use its HTTP API".to_owned())
}

#[tauri::command]
fn engine_target(state: tauri::State<'_, Desktop>) -> EngineTarget {
    state.target.clone()
}

#[tauri::command]
fn plant_info(state: tauri::State<'_, Desktop>) -> Result<PlantInfo, String> {
    Ok(engine_of(&state)?.plant_info())
}

#[tauri::command]
fn snapshot(state: tauri::State<'_, Desktop>) -> Result<Snapshot, String> {
    Ok(engine_of(&state)?.snapshot())
}

/// One tag over a window in equal buckets, for the Trends page.
#[tauri::command]
async fn history(
    state: tauri::State<'_, Desktop>,
    query: hearth_engine::history::HistoryQuery,
) -> Result<hearth_model::api::History, String> {
    let engine = engine_of(&state)?.clone();
    engine.history(query).await.map_err(|e| e.to_string())
}

/// Alarms not normal, shelved or out of service; with `all`, every configured alarm.
#[tauri::command]
fn alarms(
    state: tauri::State<'_, Desktop>,
    all: Option<bool>,
) -> Result<Vec<hearth_engine::alarming::ActiveAlarm>, String> {
    let engine = engine_of(&state)?;
    Ok(if all.unwrap_or(false) {
        engine.alarms_all()
    } else {
        engine.alarms_active()
    })
}

/// Acknowledge one alarm or all, as the OS user running the window.
#[tauri::command]
fn alarms_ack(
    state: tauri::State<'_, Desktop>,
    mut req: hearth_engine::alarming::AckRequest,
) -> Result<usize, String> {
    req.user = os_user();
    engine_of(&state)?.alarms_ack(&req)
}

/// Shelve or unshelve an alarm, as the OS user running the window.
#[tauri::command]
fn alarms_shelve(
    state: tauri::State<'_, Desktop>,
    mut req: hearth_engine::alarming::ShelveRequest,
) -> Result<usize, String> {
    req.user = os_user();
    engine_of(&state)?.alarms_shelve(&req)
}

/// The journal entries a query asks for.
#[tauri::command]
async fn alarm_journal(
    state: tauri::State<'_, Desktop>,
    query: hearth_engine::journal::JournalQuery,
) -> Result<Vec<hearth_engine::journal::JournalEntry>, String> {
    query.check()?;
    let engine = engine_of(&state)?.clone();
    engine
        .alarm_journal_query(query)
        .await
        .map_err(|e| e.to_string())
}

/// Take an alarm out of service or return it, as the OS user running the window.
#[tauri::command]
fn alarms_service(
    state: tauri::State<'_, Desktop>,
    mut req: hearth_engine::alarming::ServiceRequest,
) -> Result<usize, String> {
    req.user = os_user();
    engine_of(&state)?.alarms_service(&req)
}

/// Save the journal entries a query asks for as CSV in the Downloads folder (the webview
/// cannot save a download itself), from this engine or the attached one. Returns the path.
#[tauri::command]
async fn alarm_journal_csv(
    state: tauri::State<'_, Desktop>,
    query: hearth_engine::journal::JournalQuery,
) -> Result<String, String> {
    query.check()?;
    let entries = match &state.engine {
        Some(e) => e
            .alarm_journal_query(query.clone())
            .await
            .map_err(|e| e.to_string())?,
        None => {
            let url = match &state.target {
                EngineTarget::InProcess { api_url } | EngineTarget::Attached { api_url, .. } => {
                    api_url.clone()
                }
            };
            let q = query.clone();
            tauri::async_runtime::spawn_blocking(move || {
                hearth_engine::client::EngineClient::new(&url).alarm_journal(&q)
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?
        }
    };
    let dir = downloads()?;
    let name = hearth_engine::journal::csv_file_name(query.from);
    let csv = hearth_engine::journal::to_csv(&entries);
    crate::export_file::save(&dir, &name, csv.as_bytes())
        .map(|p| p.display().to_string())
        .map_err(|e| format!("{e:#}"))
}

fn downloads() -> Result<std::path::PathBuf, String> {
    dirs::download_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join("Downloads")))
        .ok_or_else(|| "no Downloads folder for this user".to_owned())
}

/// Who acknowledges from this window: the OS user running it.
fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "desktop".into())
}

/// A plant day's emissions and energy (`YYYY-MM-DD`; today when absent).
#[tauri::command]
async fn emissions_day(
    state: tauri::State<'_, Desktop>,
    date: Option<String>,
) -> Result<hearth_engine::accounting::DayReport, String> {
    let engine = engine_of(&state)?.clone();
    engine.emissions_day(date).await.map_err(|e| e.to_string())
}

/// A plant month's (`YYYY-MM`; this month when absent).
#[tauri::command]
async fn emissions_month(
    state: tauri::State<'_, Desktop>,
    month: Option<String>,
) -> Result<hearth_engine::accounting::MonthReport, String> {
    let engine = engine_of(&state)?.clone();
    engine
        .emissions_month(month)
        .await
        .map_err(|e| e.to_string())
}

/// Save a report (`period` day or month, `of` which one, `format` csv or pdf, `lang`) in the
/// Downloads folder, from this engine or the attached one. Returns the path.
#[tauri::command]
async fn save_report(
    state: tauri::State<'_, Desktop>,
    period: String,
    of: Option<String>,
    format: String,
    lang: String,
) -> Result<String, String> {
    use hearth_engine::report_file::Report;
    let report = match &state.engine {
        Some(e) => match period.as_str() {
            "day" => e.emissions_day(of).await.map(Report::Day),
            "month" => e.emissions_month(of).await.map(Report::Month),
            other => return Err(format!("period `{other}`: day or month")),
        }
        .map_err(|e| e.to_string())?,
        None => {
            let url = match &state.target {
                EngineTarget::InProcess { api_url } | EngineTarget::Attached { api_url, .. } => {
                    api_url.clone()
                }
            };
            let of = of.unwrap_or_default();
            tauri::async_runtime::spawn_blocking(move || {
                let c = hearth_engine::client::EngineClient::new(&url);
                match period.as_str() {
                    "day" => c
                        .emissions_day(&of)
                        .map(Report::Day)
                        .map_err(|e| e.to_string()),
                    "month" => c
                        .emissions_month(&of)
                        .map(Report::Month)
                        .map_err(|e| e.to_string()),
                    other => Err(format!("period `{other}`: day or month")),
                }
            })
            .await
            .map_err(|e| e.to_string())??
        }
    };
    let dir = downloads()?;
    tauri::async_runtime::spawn_blocking(move || {
        let file = report.render(&format, &lang).map_err(|e| e.to_string())?;
        crate::export_file::save(&dir, &file.name, &file.bytes)
            .map(|p| p.display().to_string())
            .map_err(|e| format!("{e:#}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Mark a period as start-up, shutdown or calibration, as the OS user running the window.
#[tauri::command]
fn add_emission_mark(
    state: tauri::State<'_, Desktop>,
    mut req: hearth_engine::marks::MarkRequest,
) -> Result<hearth_engine::marks::Mark, String> {
    req.user = os_user();
    engine_of(&state)?
        .add_emission_mark(&req)
        .map_err(|e| e.to_string())
}

/// Withdraw a mark, as the OS user running the window.
#[tauri::command]
fn withdraw_emission_mark(
    state: tauri::State<'_, Desktop>,
    mut req: hearth_engine::marks::WithdrawRequest,
) -> Result<hearth_engine::marks::Mark, String> {
    req.user = os_user();
    engine_of(&state)?
        .withdraw_emission_mark(&req)
        .map_err(|e| e.to_string())
}

/// Alarm-system figures over a window.
#[tauri::command]
async fn alarm_metrics(
    state: tauri::State<'_, Desktop>,
    from: i64,
    to: i64,
) -> Result<hearth_engine::alarm_metrics::AlarmMetrics, String> {
    let engine = engine_of(&state)?.clone();
    let entries = engine
        .alarm_journal(from, to, usize::MAX)
        .await
        .map_err(|e| e.to_string())?;
    let flood = engine.config().alarms.flood_threshold_per_10min;
    Ok(hearth_engine::alarm_metrics::metrics(
        &entries, from, to, flood,
    ))
}

/// The configuration in effect and where this engine keeps its data, for the Settings page.
#[tauri::command]
async fn settings(
    state: tauri::State<'_, Desktop>,
) -> Result<hearth_engine::settings::SettingsView, String> {
    let engine = engine_of(&state)?.clone();
    Ok(engine.settings().await)
}

/// What a simulator device is doing, for the Simulator page.
#[tauri::command]
async fn simulator(
    state: tauri::State<'_, Desktop>,
    device: String,
) -> Result<hearth_engine::simulator::SimulatorView, String> {
    let engine = engine_of(&state)?.clone();
    engine.simulator(&device).await.map_err(|e| e.to_string())
}

#[tauri::command]
async fn simulator_command(
    state: tauri::State<'_, Desktop>,
    device: String,
    command: hearth_engine::simulator::SimulatorCommand,
) -> Result<hearth_engine::simulator::SimulatorView, String> {
    let engine = engine_of(&state)?.clone();
    engine
        .simulator_command(&desktop_actor(), &device, command)
        .await
        .map_err(|e| e.to_string())
}

/// Who acts from this window: the OS user at this PC, with every right; writes still need
/// the device and the tag to be writable in the config.
fn desktop_actor() -> Actor {
    Actor {
        user: os_user(),
        role: hearth_model::config::Role::Admin,
        face: Face::Desktop,
    }
}

/// Change a limit, factor or price while the engine runs (validated, written back, audited).
#[tauri::command]
async fn change_setting(
    state: tauri::State<'_, Desktop>,
    req: hearth_engine::changes::SettingChange,
) -> Result<hearth_engine::changes::SettingResult, String> {
    let engine = engine_of(&state)?.clone();
    Ok(engine.change_setting(&desktop_actor(), &req).await)
}

/// The optimiser page's data: the current suggestion, the run in progress, the history.
#[tauri::command]
fn optimiser(
    state: tauri::State<'_, Desktop>,
) -> Result<hearth_engine::optimising::OptimiserView, String> {
    Ok(engine_of(&state)?.optimiser_view())
}

/// Start an optimiser run now.
#[tauri::command]
fn optimiser_run(state: tauri::State<'_, Desktop>) -> Result<(), String> {
    engine_of(&state)?.optimise_now()
}

/// Cancel the run in progress; false when none runs.
#[tauri::command]
fn optimiser_cancel(state: tauri::State<'_, Desktop>) -> Result<bool, String> {
    Ok(engine_of(&state)?.optimiser_cancel())
}

/// Accept or reject a pending suggestion (audited).
#[tauri::command]
fn optimiser_decide(
    state: tauri::State<'_, Desktop>,
    id: String,
    decision: hearth_engine::optimising::Decision,
) -> Result<hearth_engine::optimising::SuggestionView, String> {
    engine_of(&state)?.suggestion_decide(&desktop_actor(), &id, &decision)
}

/// The shadow-mode evaluation: the scenarios, the one running, the last report.
#[tauri::command]
fn optimiser_evaluation(
    state: tauri::State<'_, Desktop>,
) -> Result<hearth_engine::optimising::EvaluationView, String> {
    Ok(engine_of(&state)?.evaluation_view())
}

/// Start a shadow-mode evaluation of one of the config's scenarios.
#[tauri::command]
fn optimiser_evaluate(
    state: tauri::State<'_, Desktop>,
    req: hearth_engine::optimising::EvaluationRequest,
) -> Result<(), String> {
    engine_of(&state)?.evaluate_start(req)
}

/// The tags this window may write, with their policies.
#[tauri::command]
fn writable_tags(state: tauri::State<'_, Desktop>) -> Result<Vec<WritableTag>, String> {
    Ok(engine_of(&state)?.writable_tags(&desktop_actor()))
}

/// Step one of a setpoint write: checked and proposed, or refused (and audited).
#[tauri::command]
fn write_prepare(state: tauri::State<'_, Desktop>, req: WriteRequest) -> Result<Prepared, String> {
    Ok(engine_of(&state)?.write_prepare(&desktop_actor(), &req))
}

/// Step two: the confirmation; sent once, read back and audited.
#[tauri::command]
async fn write_confirm(
    state: tauri::State<'_, Desktop>,
    req: WriteConfirm,
) -> Result<WriteResult, String> {
    let engine = engine_of(&state)?.clone();
    Ok(engine.write_confirm(&desktop_actor(), &req).await)
}

/// The audit log's records a query asks for, newest first.
#[tauri::command]
async fn audit(
    state: tauri::State<'_, Desktop>,
    query: AuditQuery,
) -> Result<Vec<AuditEntry>, String> {
    let engine = engine_of(&state)?.clone();
    engine.audit(query).await.map_err(|e| e.to_string())
}

/// Walk the audit log's hash chain.
#[tauri::command]
async fn audit_verify(state: tauri::State<'_, Desktop>) -> Result<AuditVerification, String> {
    let engine = engine_of(&state)?.clone();
    engine.audit_verify().await.map_err(|e| e.to_string())
}

/// Save the records a query asks for as CSV in the Downloads folder. Returns the path.
#[tauri::command]
async fn audit_csv(state: tauri::State<'_, Desktop>, query: AuditQuery) -> Result<String, String> {
    let engine = engine_of(&state)?.clone();
    let entries = engine.audit(query).await.map_err(|e| e.to_string())?;
    let csv = hearth_engine::audit::to_csv(&entries);
    crate::export_file::save(&downloads()?, "hearth-audit.csv", csv.as_bytes())
        .map(|p| p.display().to_string())
        .map_err(|e| format!("{e:#}"))
}

/// Export a window of history to CSV in the Downloads folder (the webview cannot save a
/// download itself); progress goes to `on_progress`, `cancel_export` stops it. Returns the path.
#[tauri::command]
async fn export_csv(
    state: tauri::State<'_, Desktop>,
    query: hearth_engine::history::ExportQuery,
    on_progress: Channel<f64>,
) -> Result<String, String> {
    let engine = state.engine.clone();
    let api_url = match &state.target {
        EngineTarget::InProcess { api_url } | EngineTarget::Attached { api_url, .. } => {
            api_url.clone()
        }
    };
    if let Some(e) = &engine {
        e.check_export(&query).map_err(|e| e.to_string())?;
    }
    let dir = downloads()?;
    let cancel = state.export_cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    tauri::async_runtime::spawn_blocking(move || {
        let mut last = -1.0;
        let mut progress = |f: f64| {
            // A few dozen updates, not one per hour exported.
            if f - last >= 0.02 || f >= 1.0 {
                last = f;
                let _ = on_progress.send(f);
            }
        };
        let source = match &engine {
            Some(e) => crate::export_file::Source::Engine(e),
            None => crate::export_file::Source::Http(&api_url),
        };
        crate::export_file::export(source, &query, &dir, cancel, &mut progress)
            .map(|p| p.display().to_string())
            .map_err(|e| format!("{e:#}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

#[tauri::command]
fn cancel_export(state: tauri::State<'_, Desktop>) {
    state.export_cancel.store(true, Ordering::SeqCst);
}

#[tauri::command]
fn subscribe_live(
    state: tauri::State<'_, Desktop>,
    on_event: Channel<LiveBatch>,
) -> Result<(), String> {
    let mut rx = engine_of(&state)?.subscribe();
    let engine = engine_of(&state)?.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let batch = match rx.recv().await {
                Ok(b) => b,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    LiveBatch::from(engine.snapshot())
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            if on_event.send(batch).is_err() {
                break;
            }
        }
    });
    Ok(())
}

#[tauri::command]
fn on_close_requested(state: tauri::State<'_, Desktop>, on_event: Channel<()>) {
    if let Ok(mut c) = state.close_prompt.lock() {
        *c = Some(on_event);
    }
}

/// The answer to the close prompt: "tray" hides the window and keeps recording, "quit" stops
/// the engine (flushing every sample) and exits.
#[tauri::command]
fn close_choice(app: tauri::AppHandle, choice: String) -> Result<(), String> {
    match choice.as_str() {
        "tray" => {
            save_geometry(&app);
            if let Some(w) = app.get_webview_window("main") {
                w.hide().map_err(|e| e.to_string())?;
            }
            Ok(())
        }
        "quit" => {
            app.exit(0);
            Ok(())
        }
        other => Err(format!("unknown choice `{other}`")),
    }
}
