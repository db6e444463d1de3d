//! A small blocking client for a running engine's loopback API: how the CLI reads stored data
//! while an engine holds the data dir.

use std::time::Duration;

use hearth_model::api::EngineStatus;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the engine at {url} did not answer: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the engine at {url} sent an answer this Hearth cannot read: {reason}")]
    BadAnswer { url: String, reason: String },
}

#[derive(Debug, Clone)]
pub struct EngineClient {
    base: String,
    agent: ureq::Agent,
}

impl EngineClient {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .new_agent();
        EngineClient {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut resp = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| ClientError::Unreachable {
                url: url.clone(),
                reason: e.to_string(),
            })?;
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
}
