//! The HTTP and WebSocket face: the same API the desktop shell calls in-process, for
//! `hearth serve`, browsers on other control-room PCs and the CLI. Also serves the built UI.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Extension, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch};

use std::sync::Arc;

use hearth_model::config::Role;

use crate::auth::{LoginError, LoginRequest, Principal, SessionInfo, Sessions};
use crate::engine::{Engine, EngineError, UiAssets};
use crate::history::{ExportQuery, HistoryQuery, PointsQuery, QueryError};
use crate::simulator::{SimulatorCommand, SimulatorError};
use crate::writes::{Actor, Face, WriteConfirm, WriteRequest};

/// Same policy as the desktop window: nothing inline, nothing remote.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

#[derive(Clone)]
struct AppState {
    engine: Engine,
    ui: Option<UiAssets>,
    shutdown: watch::Receiver<bool>,
    sessions: Arc<Sessions>,
}

pub(crate) async fn serve(
    listener: TcpListener,
    engine: Engine,
    ui: Option<UiAssets>,
    shutdown: watch::Receiver<bool>,
) {
    let sessions = Arc::new(Sessions::new(
        engine.config().server.users.clone(),
        engine.inner.local_token.clone(),
    ));
    let state = AppState {
        engine,
        ui,
        shutdown: shutdown.clone(),
        sessions,
    };
    let api = Router::new()
        .route("/api/plant", get(plant))
        .route("/api/snapshot", get(snapshot))
        .route("/api/status", get(status))
        .route("/api/live", get(live))
        .route("/api/history", get(history))
        .route("/api/points", get(points))
        .route("/api/durable", get(durable))
        .route("/api/export", get(export))
        .route("/api/settings", get(settings))
        .route("/api/alarms", get(alarms))
        .route("/api/alarms/ack", axum::routing::post(alarms_ack))
        .route("/api/alarms/journal", get(alarm_journal))
        .route("/api/alarms/shelve", axum::routing::post(alarms_shelve))
        .route("/api/alarms/service", axum::routing::post(alarms_service))
        .route("/api/alarms/journal.csv", get(alarm_journal_csv))
        .route("/api/alarms/metrics", get(alarm_metrics))
        .route("/api/emissions/day", get(emissions_day))
        .route("/api/emissions/month", get(emissions_month))
        .route("/api/emissions/report", get(emissions_report))
        .route(
            "/api/emissions/marks",
            get(emission_marks).post(add_emission_mark),
        )
        .route(
            "/api/emissions/marks/withdraw",
            axum::routing::post(withdraw_emission_mark),
        )
        .route(
            "/api/simulator/{device}",
            get(simulator).post(simulator_command),
        )
        .route("/api/settings/change", axum::routing::post(change_setting))
        .route("/api/writes", get(writable_tags))
        .route("/api/writes/prepare", axum::routing::post(write_prepare))
        .route("/api/writes/confirm", axum::routing::post(write_confirm))
        .route("/api/optimiser", get(optimiser))
        .route("/api/optimiser/run", axum::routing::post(optimiser_run))
        .route(
            "/api/optimiser/evaluation",
            get(evaluation).post(evaluation_start),
        )
        .route(
            "/api/optimiser/cancel",
            axum::routing::post(optimiser_cancel),
        )
        .route(
            "/api/optimiser/{id}/decide",
            axum::routing::post(optimiser_decide),
        )
        .route("/api/audit", get(audit))
        .route("/api/audit.csv", get(audit_csv))
        .route("/api/audit/verify", get(audit_verify))
        .route("/api/session", get(session))
        .route("/api/login", axum::routing::post(login))
        .route("/api/logout", axum::routing::post(logout))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn(same_origin_only));
    let app = Router::new()
        .merge(api)
        .route("/", get(index))
        .route("/{*path}", get(asset))
        .with_state(state);
    let mut rx = shutdown;
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = rx.wait_for(|s| *s).await;
    })
    .await;
    if let Err(err) = result {
        tracing::error!(%err, "HTTP face stopped");
    }
}

/// Origins of Hearth's own desktop window (Linux/macOS and Windows spellings).
const DESKTOP_ORIGINS: [&str; 3] = [
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];

/// Who may use the API: the page this engine serves, Hearth's desktop window, and clients that
/// are not browsers (the CLI sends no Origin). Any other web page open on the same PC is refused,
/// including over WebSocket, which browsers do not hold to CORS.
fn origin_allowed(headers: &HeaderMap) -> Result<Option<HeaderValue>, ()> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(None);
    };
    let o = origin.to_str().map_err(|_| ())?;
    if DESKTOP_ORIGINS.contains(&o) {
        return Ok(Some(origin.clone()));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .ok_or(())?;
    if o == format!("http://{host}") {
        Ok(None)
    } else {
        Err(())
    }
}

async fn same_origin_only(req: Request, next: Next) -> Response {
    match origin_allowed(req.headers()) {
        Err(()) => (
            StatusCode::FORBIDDEN,
            "this engine answers only its own pages and Hearth's window",
        )
            .into_response(),
        Ok(cors) => {
            let mut resp = next.run(req).await;
            if let Some(origin) = cors {
                resp.headers_mut()
                    .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                resp.headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("Origin"));
            }
            resp
        }
    }
}

const SESSION_COOKIE: &str = "hearth_session";

/// The token a request presents: `Authorization: Bearer T` (the CLI) or the session cookie.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(t) = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
    {
        return Some(t.trim().to_owned());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// `?access_token=T`: a WebSocket from a browser cannot send headers.
fn query_token(uri: &axum::http::Uri) -> Option<String> {
    uri.query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "access_token")
        .map(|(_, v)| v.to_owned())
}

/// Every API request gets its principal, or is refused: with users configured, only the login
/// and the session question are open to someone not logged in.
async fn authenticate(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    let token = presented_token(req.headers()).or_else(|| query_token(req.uri()));
    match s.sessions.principal(token.as_deref(), peer) {
        Some(mut p) => {
            // The local key's holder (a desktop window, the CLI) says which OS user it runs as.
            if p.local
                && let Some(name) = req
                    .headers()
                    .get("x-hearth-user")
                    .and_then(|h| h.to_str().ok())
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && n.len() <= 64)
            {
                p.user = format!("{name}@{peer}");
            }
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        None if matches!(req.uri().path(), "/api/login" | "/api/session") => next.run(req).await,
        None => (StatusCode::UNAUTHORIZED, "log in first").into_response(),
    }
}

/// The refusal to send when the principal lacks the role for something; None when it has it.
fn lacks(p: &Principal, role: Role, what: &str) -> Option<Response> {
    (p.role < role).then(|| {
        (
            StatusCode::FORBIDDEN,
            format!("{} ({}) may not {what}", p.user, p.role.name()),
        )
            .into_response()
    })
}

async fn session(
    State(s): State<AppState>,
    principal: Option<Extension<Principal>>,
) -> impl IntoResponse {
    Json(SessionInfo {
        login_required: s.sessions.login_required(),
        user: principal.as_ref().map(|p| p.user.clone()),
        role: principal.as_ref().map(|p| p.role),
        writes_enabled: s.engine.config().server.allow_writes,
    })
}

async fn login(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Json(req): Json<LoginRequest>,
) -> Response {
    let sessions = s.sessions.clone();
    let checked = tokio::task::spawn_blocking(move || sessions.login(&req, peer.ip())).await;
    match checked {
        Ok(Ok((token, p))) => (
            [(
                header::SET_COOKIE,
                format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"),
            )],
            Json(SessionInfo {
                login_required: true,
                user: Some(p.user),
                role: Some(p.role),
                writes_enabled: s.engine.config().server.allow_writes,
            }),
        )
            .into_response(),
        Ok(Err(LoginError::TooMany { retry_after_s })) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after_s.to_string())],
            format!("too many failed logins from this address: try again in {retry_after_s} s"),
        )
            .into_response(),
        Ok(Err(LoginError::Wrong)) => {
            (StatusCode::UNAUTHORIZED, "wrong name or password").into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn logout(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(t) = presented_token(&headers) {
        s.sessions.logout(&t);
    }
    (
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        )],
        "logged out",
    )
        .into_response()
}

fn actor(p: &Principal) -> Actor {
    Actor {
        user: p.user.clone(),
        role: p.role,
        // The local key is held by this PC's user: a desktop window attached to the service.
        face: if p.local { Face::Desktop } else { Face::Serve },
    }
}

async fn change_setting(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Json(req): Json<crate::changes::SettingChange>,
) -> Response {
    Json(s.engine.change_setting(&actor(&p), &req).await).into_response()
}

async fn writable_tags(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
) -> impl IntoResponse {
    Json(s.engine.writable_tags(&actor(&p)))
}

async fn write_prepare(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Json(req): Json<WriteRequest>,
) -> Response {
    Json(s.engine.write_prepare(&actor(&p), &req)).into_response()
}

async fn write_confirm(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Json(req): Json<WriteConfirm>,
) -> Response {
    Json(s.engine.write_confirm(&actor(&p), &req).await).into_response()
}

async fn optimiser(State(s): State<AppState>) -> impl IntoResponse {
    Json(s.engine.optimiser_view())
}

async fn optimiser_run(State(s): State<AppState>, Extension(p): Extension<Principal>) -> Response {
    if let Some(r) = lacks(&p, Role::Engineer, "run the optimiser") {
        return r;
    }
    match s.engine.optimise_now() {
        Ok(()) => Json(true).into_response(),
        Err(e) => (StatusCode::CONFLICT, e).into_response(),
    }
}

async fn optimiser_cancel(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Response {
    if let Some(r) = lacks(&p, Role::Engineer, "cancel the optimiser") {
        return r;
    }
    Json(s.engine.optimiser_cancel()).into_response()
}

async fn evaluation(State(s): State<AppState>) -> impl IntoResponse {
    Json(s.engine.evaluation_view())
}

async fn evaluation_start(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Json(req): Json<crate::optimising::EvaluationRequest>,
) -> Response {
    if let Some(r) = lacks(&p, Role::Engineer, "start an evaluation") {
        return r;
    }
    match s.engine.evaluate_start(req) {
        Ok(()) => Json(true).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

async fn optimiser_decide(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Json(d): Json<crate::optimising::Decision>,
) -> Response {
    if let Some(r) = lacks(&p, Role::Engineer, "decide on a suggestion") {
        return r;
    }
    match s.engine.suggestion_decide(&actor(&p), &id, &d) {
        Ok(v) => Json(v).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

async fn audit(State(s): State<AppState>, Query(q): Query<crate::audit::AuditQuery>) -> Response {
    match s.engine.audit(q).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => engine_error(e),
    }
}

async fn audit_csv(
    State(s): State<AppState>,
    Query(q): Query<crate::audit::AuditQuery>,
) -> Response {
    match s.engine.audit(q).await {
        Ok(v) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"hearth-audit.csv\"".to_owned(),
                ),
            ],
            crate::audit::to_csv(&v),
        )
            .into_response(),
        Err(e) => engine_error(e),
    }
}

async fn audit_verify(State(s): State<AppState>) -> Response {
    match s.engine.audit_verify().await {
        Ok(v) => Json(v).into_response(),
        Err(e) => engine_error(e),
    }
}

async fn plant(State(s): State<AppState>) -> impl IntoResponse {
    Json(s.engine.plant_info())
}

async fn snapshot(State(s): State<AppState>) -> impl IntoResponse {
    Json(s.engine.snapshot())
}

async fn status(State(s): State<AppState>) -> Response {
    match s.engine.status().await {
        Ok(st) => Json(st).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

fn query_error(e: QueryError) -> Response {
    let code = match e {
        QueryError::UnknownTag(_) => StatusCode::NOT_FOUND,
        QueryError::Invalid(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (code, e.to_string()).into_response()
}

async fn history(State(s): State<AppState>, Query(q): Query<HistoryQuery>) -> Response {
    match s.engine.history(q).await {
        Ok(h) => Json(h).into_response(),
        Err(e) => query_error(e),
    }
}

#[derive(serde::Deserialize)]
struct AlarmsQuery {
    #[serde(default)]
    all: bool,
}

/// The alarms not normal, shelved or out of service; `?all=true`: every configured alarm.
async fn alarms(State(s): State<AppState>, Query(q): Query<AlarmsQuery>) -> impl IntoResponse {
    Json(if q.all {
        s.engine.alarms_all()
    } else {
        s.engine.alarms_active()
    })
}

async fn alarms_ack(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Extension(p): Extension<Principal>,
    Json(mut req): Json<crate::alarming::AckRequest>,
) -> Response {
    if let Some(refused) = lacks(&p, Role::Engineer, "change alarms") {
        return refused;
    }
    req.user = operator(&s, &p, &req.user, peer);
    match s.engine.alarms_ack(&req) {
        Ok(n) => Json(n).into_response(),
        Err(e) => (StatusCode::NOT_FOUND, e).into_response(),
    }
}

async fn alarms_shelve(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Extension(p): Extension<Principal>,
    Json(mut req): Json<crate::alarming::ShelveRequest>,
) -> Response {
    if let Some(refused) = lacks(&p, Role::Engineer, "change alarms") {
        return refused;
    }
    req.user = operator(&s, &p, &req.user, peer);
    match s.engine.alarms_shelve(&req) {
        Ok(n) => Json(n).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e).into_response(),
    }
}

async fn alarms_service(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Extension(p): Extension<Principal>,
    Json(mut req): Json<crate::alarming::ServiceRequest>,
) -> Response {
    if let Some(refused) = lacks(&p, Role::Engineer, "change alarms") {
        return refused;
    }
    req.user = operator(&s, &p, &req.user, peer);
    match s.engine.alarms_service(&req) {
        Ok(n) => Json(n).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e).into_response(),
    }
}

/// Who an operator action over HTTP is recorded as: the logged-in user when serve has users;
/// otherwise (loopback only) the name the client gives (a desktop window gives its OS user)
/// and where it came from.
fn operator(s: &AppState, p: &Principal, claimed: &str, peer: std::net::SocketAddr) -> String {
    if s.sessions.login_required() {
        return p.user.clone();
    }
    let name = claimed.trim();
    let name = if name.is_empty() { "browser" } else { name };
    format!("{name}@{}", peer.ip())
}

async fn alarm_metrics(State(s): State<AppState>, Query(q): Query<Window>) -> Response {
    if q.from >= q.to {
        return (StatusCode::BAD_REQUEST, "from must be before to").into_response();
    }
    match s.engine.alarm_journal(q.from, q.to, usize::MAX).await {
        Ok(v) => Json(crate::alarm_metrics::metrics(
            &v,
            q.from,
            q.to,
            s.engine.config().alarms.flood_threshold_per_10min,
        ))
        .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct Window {
    from: i64,
    to: i64,
}

async fn alarm_journal(
    State(s): State<AppState>,
    Query(q): Query<crate::journal::JournalQuery>,
) -> Response {
    if let Err(e) = q.check() {
        return (StatusCode::BAD_REQUEST, e).into_response();
    }
    match s.engine.alarm_journal_query(q).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The same query as CSV, as a download.
async fn alarm_journal_csv(
    State(s): State<AppState>,
    Query(q): Query<crate::journal::JournalQuery>,
) -> Response {
    if let Err(e) = q.check() {
        return (StatusCode::BAD_REQUEST, e).into_response();
    }
    let name = crate::journal::csv_file_name(q.from);
    match s.engine.alarm_journal_query(q).await {
        Ok(v) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            crate::journal::to_csv(&v),
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct ReportQuery {
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    month: Option<String>,
}

fn engine_error(e: EngineError) -> Response {
    let code = match e {
        EngineError::BadQuery(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (code, e.to_string()).into_response()
}

/// A plant day's emissions and energy (`?date=YYYY-MM-DD`, default today).
async fn emissions_day(State(s): State<AppState>, Query(q): Query<ReportQuery>) -> Response {
    match s.engine.emissions_day(q.date).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => engine_error(e),
    }
}

/// A plant month's (`?month=YYYY-MM`, default this month).
async fn emissions_month(State(s): State<AppState>, Query(q): Query<ReportQuery>) -> Response {
    match s.engine.emissions_month(q.month).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => engine_error(e),
    }
}

#[derive(serde::Deserialize)]
struct ReportFile {
    /// `day` or `month`.
    period: String,
    /// `YYYY-MM-DD` or `YYYY-MM`; the current one when absent.
    #[serde(default)]
    of: Option<String>,
    /// `csv` or `pdf`.
    format: String,
    #[serde(default)]
    lang: Option<String>,
}

/// Engineers' marks overlapping a window.
async fn emission_marks(State(s): State<AppState>, Query(q): Query<Window>) -> Response {
    match s.engine.emission_marks(q.from, q.to) {
        Ok(m) => Json(m).into_response(),
        Err(e) => engine_error(e),
    }
}

fn mark_error(e: EngineError) -> Response {
    match e {
        EngineError::Marks(crate::marks::MarkError::Refused(why)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, why).into_response()
        }
        other => engine_error(other),
    }
}

async fn add_emission_mark(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Extension(p): Extension<Principal>,
    Json(mut req): Json<crate::marks::MarkRequest>,
) -> Response {
    if let Some(refused) = lacks(&p, Role::Engineer, "mark emission periods") {
        return refused;
    }
    req.user = operator(&s, &p, &req.user, peer);
    match s.engine.add_emission_mark(&req) {
        Ok(m) => Json(m).into_response(),
        Err(e) => mark_error(e),
    }
}

async fn withdraw_emission_mark(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Extension(p): Extension<Principal>,
    Json(mut req): Json<crate::marks::WithdrawRequest>,
) -> Response {
    if let Some(refused) = lacks(&p, Role::Engineer, "mark emission periods") {
        return refused;
    }
    req.user = operator(&s, &p, &req.user, peer);
    match s.engine.withdraw_emission_mark(&req) {
        Ok(m) => Json(m).into_response(),
        Err(e) => mark_error(e),
    }
}

/// A report as a file to download: `?period=day|month&of=...&format=csv|pdf&lang=en|zh-CN`.
async fn emissions_report(State(s): State<AppState>, Query(q): Query<ReportFile>) -> Response {
    let lang = q.lang.unwrap_or_else(|| "en".into());
    let made = match q.period.as_str() {
        "day" => s
            .engine
            .emissions_day(q.of)
            .await
            .map(crate::report_file::Report::Day),
        "month" => s
            .engine
            .emissions_month(q.of)
            .await
            .map(crate::report_file::Report::Month),
        other => Err(EngineError::BadQuery(format!(
            "period `{other}`: day or month"
        ))),
    };
    let report = match made {
        Ok(r) => r,
        Err(e) => return engine_error(e),
    };
    let file = tokio::task::spawn_blocking(move || report.render(&q.format, &lang)).await;
    match file {
        Ok(Ok(f)) => (
            [
                (header::CONTENT_TYPE, f.content_type.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", f.name),
                ),
            ],
            f.bytes,
        )
            .into_response(),
        Ok(Err(e)) => engine_error(e),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn settings(State(s): State<AppState>) -> impl IntoResponse {
    Json(s.engine.settings().await)
}

fn simulator_error(e: SimulatorError) -> Response {
    let code = match e {
        SimulatorError::NotASimulator(_) => StatusCode::NOT_FOUND,
        SimulatorError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
        SimulatorError::Unreachable { .. } => StatusCode::BAD_GATEWAY,
    };
    (code, e.to_string()).into_response()
}

async fn simulator(State(s): State<AppState>, Path(device): Path<String>) -> Response {
    match s.engine.simulator(&device).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => simulator_error(e),
    }
}

async fn simulator_command(
    State(s): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(device): Path<String>,
    Json(cmd): Json<SimulatorCommand>,
) -> Response {
    match s.engine.simulator_command(&actor(&p), &device, cmd).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => simulator_error(e),
    }
}

#[derive(serde::Deserialize)]
struct TagQuery {
    tag: String,
}

/// `?tag=NAME`: the newest point of the tag on disk, epoch ms (null before the first flush).
async fn durable(State(s): State<AppState>, Query(q): Query<TagQuery>) -> Response {
    match s.engine.durable_until(q.tag).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => query_error(e),
    }
}

async fn points(State(s): State<AppState>, Query(q): Query<PointsQuery>) -> Response {
    match s.engine.points(q).await {
        Ok(p) => Json(p).into_response(),
        Err(e) => query_error(e),
    }
}

/// Hands CSV text to the response body in 64 KiB pieces as the export is written.
struct ChannelWriter {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        let piece = axum::body::Bytes::from(std::mem::take(&mut self.buf));
        self.tx
            .blocking_send(Ok(piece))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 64 * 1024 {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

/// CSV, streamed: the engine reads an hour at a time, so a year never sits in memory.
async fn export(State(s): State<AppState>, Query(q): Query<ExportQuery>) -> Response {
    if let Err(e) = s.engine.check_export(&q) {
        return query_error(e);
    }
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let engine = s.engine.clone();
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter {
            buf: Vec::with_capacity(64 * 1024),
            tx: tx.clone(),
        };
        if let Err(e) = engine.export_blocking(&q, &mut w, &mut |_| {}) {
            tracing::warn!(%e, "export failed part way");
            // The client sees a broken body rather than a silently short file.
            let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    let body = axum::body::Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async {
        rx.recv().await.map(|item| (item, rx))
    }));
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

async fn live(State(s): State<AppState>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| stream_live(socket, s))
}

/// Push a snapshot first, then every live batch; a client too slow to keep up gets a fresh
/// snapshot instead of a gap it cannot see.
async fn stream_live(mut socket: WebSocket, s: AppState) {
    let mut rx = s.engine.subscribe();
    let mut shutdown = s.shutdown.clone();
    let first = hearth_model::api::LiveBatch::from(s.engine.snapshot());
    if send_json(&mut socket, &first).await.is_err() {
        return;
    }
    loop {
        let batch = tokio::select! {
            b = rx.recv() => b,
            _ = shutdown.wait_for(|v| *v) => break,
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => continue,
            },
        };
        let batch = match batch {
            Ok(b) => b,
            Err(broadcast::error::RecvError::Lagged(_)) => s.engine.snapshot().into(),
            Err(broadcast::error::RecvError::Closed) => break,
        };
        if send_json(&mut socket, &batch).await.is_err() {
            break;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

async fn send_json<T: serde::Serialize>(socket: &mut WebSocket, value: &T) -> Result<(), ()> {
    let text = serde_json::to_string(value).map_err(|_| ())?;
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|_| ())
}

async fn index(State(s): State<AppState>) -> Response {
    serve_file(&s, "index.html")
}

async fn asset(State(s): State<AppState>, Path(path): Path<String>) -> Response {
    if path.starts_with("api/") {
        return (StatusCode::NOT_FOUND, "no such API").into_response();
    }
    serve_file(&s, &path)
}

fn serve_file(s: &AppState, path: &str) -> Response {
    let Some(ui) = s.ui else {
        return (
            StatusCode::NOT_FOUND,
            "this engine serves no UI; the API is under /api/",
        )
            .into_response();
    };
    // Unknown paths get the app itself (client-side routes), never a directory listing.
    let file = ui.get_file(path).or_else(|| ui.get_file("index.html"));
    let Some(file) = file else {
        return (StatusCode::NOT_FOUND, "UI not built").into_response();
    };
    let name = file.path().to_string_lossy();
    let mime = match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    let mut resp = file.contents().to_vec().into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}
