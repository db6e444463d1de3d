//! A small blocking client for a running engine's loopback API: how the CLI reads stored data
//! while an engine holds the data dir.

use std::time::Duration;

use hearth_model::api::{EngineStatus, History, HistoryPoint};

use crate::history::{ExportQuery, HistoryQuery, PointsQuery};
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the engine at {url} did not answer: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the engine at {url} sent an answer this Hearth cannot read: {reason}")]
    BadAnswer { url: String, reason: String },
    #[error("the engine refused: {0}")]
    Refused(String),
}

#[derive(Debug, Clone)]
pub struct EngineClient {
    base: String,
    agent: ureq::Agent,
    /// The engine's local key from its `engine.json`, when this user may read it.
    token: Option<String>,
}

impl EngineClient {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .new_agent();
        EngineClient {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            token: None,
        }
    }

    /// The client for the engine an `engine.json` describes, with its local key.
    pub fn for_engine(info: &crate::EngineInfo) -> Option<Self> {
        let mut c = EngineClient::new(info.api_url.as_deref()?);
        c.token.clone_from(&info.local_token);
        Some(c)
    }

    fn call(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(String, ureq::http::Response<ureq::Body>), ClientError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.agent.get(&url);
        if let Some(t) = &self.token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in query {
            req = req.query(*k, v);
        }
        let mut resp = req.call().map_err(|e| ClientError::Unreachable {
            url: url.clone(),
            reason: e.to_string(),
        })?;
        if !resp.status().is_success() {
            let text = resp.body_mut().read_to_string().unwrap_or_default();
            return Err(ClientError::Refused(if text.is_empty() {
                resp.status().to_string()
            } else {
                text
            }));
        }
        Ok((url, resp))
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.get_with(path, &[])
    }

    fn get_with<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let (url, mut resp) = self.call(path, query)?;
        resp.body_mut()
            .read_json::<T>()
            .map_err(|e| ClientError::BadAnswer {
                url,
                reason: e.to_string(),
            })
    }

    pub fn status(&self) -> Result<EngineStatus, ClientError> {
        self.get("/api/status")
    }

    /// The audit records a query asks for, newest first.
    pub fn audit(
        &self,
        q: &crate::audit::AuditQuery,
    ) -> Result<Vec<crate::audit::AuditEntry>, ClientError> {
        let mut params = vec![("from", q.from.to_string()), ("to", q.to.to_string())];
        if let Some(l) = q.limit {
            params.push(("limit", l.to_string()));
        }
        if let Some(t) = &q.target {
            params.push(("target", t.clone()));
        }
        if let Some(o) = q.outcome {
            params.push(("outcome", o.name().to_owned()));
        }
        self.get_with("/api/audit", &params)
    }

    /// The engine walks its audit log's chain.
    pub fn audit_verify(&self) -> Result<crate::audit::AuditVerification, ClientError> {
        self.get("/api/audit/verify")
    }
}

impl EngineClient {
    pub fn history(&self, q: &HistoryQuery) -> Result<History, ClientError> {
        self.get_with(
            "/api/history",
            &[
                ("tag", q.tag.clone()),
                ("from", q.from.to_string()),
                ("to", q.to.to_string()),
                ("buckets", q.buckets.to_string()),
            ],
        )
    }

    /// Alarms that are not normal.
    pub fn alarms(&self) -> Result<Vec<crate::alarming::ActiveAlarm>, ClientError> {
        self.get("/api/alarms")
    }

    /// The journal entries a query asks for.
    pub fn alarm_journal(
        &self,
        q: &crate::journal::JournalQuery,
    ) -> Result<Vec<crate::journal::JournalEntry>, ClientError> {
        let mut params = vec![("from", q.from.to_string()), ("to", q.to.to_string())];
        if let Some(l) = q.limit {
            params.push(("limit", l.to_string()));
        }
        if let Some(a) = &q.alarm {
            params.push(("alarm", a.clone()));
        }
        if let Some(p) = q.priority {
            params.push(("priority", p.name().to_owned()));
        }
        if let Some(s) = &q.state {
            params.push(("state", s.clone()));
        }
        self.get_with("/api/alarms/journal", &params)
    }

    /// Alarm-system figures over `[from_ms, to_ms)`, computed by the engine.
    pub fn alarm_metrics(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<crate::alarm_metrics::AlarmMetrics, ClientError> {
        self.get_with(
            "/api/alarms/metrics",
            &[("from", from_ms.to_string()), ("to", to_ms.to_string())],
        )
    }

    /// A plant day's emissions and energy (`YYYY-MM-DD`; empty for today).
    pub fn emissions_day(&self, date: &str) -> Result<crate::accounting::DayReport, ClientError> {
        self.get_with("/api/emissions/day", &[("date", date.to_owned())])
    }

    /// A plant month's (`YYYY-MM`; empty for this month).
    pub fn emissions_month(
        &self,
        month: &str,
    ) -> Result<crate::accounting::MonthReport, ClientError> {
        self.get_with("/api/emissions/month", &[("month", month.to_owned())])
    }

    pub fn points(&self, q: &PointsQuery) -> Result<Vec<HistoryPoint>, ClientError> {
        self.get_with(
            "/api/points",
            &[
                ("tag", q.tag.clone()),
                ("from", q.from.to_string()),
                ("to", q.to.to_string()),
            ],
        )
    }

    /// The export as a stream of CSV text.
    pub fn export(&self, q: &ExportQuery) -> Result<impl std::io::Read + use<>, ClientError> {
        let (_, resp) = self.call(
            "/api/export",
            &[
                ("tags", q.tags.clone()),
                ("from", q.from.to_string()),
                ("to", q.to.to_string()),
                ("layout", q.layout.clone()),
                ("local", q.local.to_string()),
            ],
        )?;
        Ok(resp.into_body().into_reader())
    }
}
