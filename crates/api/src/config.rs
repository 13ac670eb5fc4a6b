//! Settings: built-in defaults, then `config/default.toml` (or `--config`), then
//! `PRODSYNC_*` / `DATABASE_URL` environment variables, then command-line flags.

use std::path::Path;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub bind: String,
    pub port: u16,
    pub database_url: String,
    pub pool_size: usize,
    pub workers: usize,
    pub max_connections: usize,
    pub log_level: String,
    pub log_format: LogFormat,
    pub change_log_retention: i64,
    pub retention_interval_secs: u64,
    pub ws_ping_interval_ms: u64,
    pub ws_client_timeout_ms: u64,
    pub ws_send_queue: usize,
    pub ws_gap_timeout_ms: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "0.0.0.0".into(),
            port: 3010,
            database_url: "postgres://postgres@127.0.0.1:5432/prodsync".into(),
            pool_size: 16,
            workers: 0,
            max_connections: 25_000,
            log_level: "info".into(),
            log_format: LogFormat::Text,
            change_log_retention: 100_000,
            retention_interval_secs: 300,
            ws_ping_interval_ms: 10_000,
            ws_client_timeout_ms: 30_000,
            ws_send_queue: 1024,
            ws_gap_timeout_ms: 200,
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
}

impl Settings {
    pub fn realtime(&self) -> prodsync_realtime::RealtimeSettings {
        use std::time::Duration;
        prodsync_realtime::RealtimeSettings {
            ping_interval: Duration::from_millis(self.ws_ping_interval_ms.max(10)),
            client_timeout: Duration::from_millis(self.ws_client_timeout_ms.max(10)),
            send_queue: self.ws_send_queue.max(1),
            gap_timeout: Duration::from_millis(self.ws_gap_timeout_ms),
            ..Default::default()
        }
    }

    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Settings, String> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) if !path.exists() => return Err(format!("config file {} not found", path.display())),
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("config/default.toml")),
        }
        figment = figment
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Env::prefixed("PRODSYNC_"))
            .merge(Serialized::defaults(overrides));
        figment.extract().map_err(|e| format!("invalid configuration: {e}"))
    }

    /// The URL with any password masked, for logs.
    pub fn database_url_for_logs(&self) -> String {
        match (self.database_url.find("://"), self.database_url.rfind('@')) {
            (Some(s), Some(at)) if self.database_url[s + 3..at].contains(':') => {
                let user_end = s + 3 + self.database_url[s + 3..at].find(':').unwrap_or(0);
                format!("{}:***{}", &self.database_url[..user_end], &self.database_url[at..])
            }
            _ => self.database_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let dir = std::env::temp_dir().join(format!("prodsync-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "port = 4000\npool_size = 3\n").unwrap();
        let s = Settings::load(Some(&file), &Overrides { port: Some(5000), ..Default::default() }).unwrap();
        assert_eq!((s.port, s.pool_size, s.bind.as_str()), (5000, 3, "0.0.0.0"));
        std::fs::write(&file, "prot = 4000\n").unwrap();
        assert!(Settings::load(Some(&file), &Overrides::default()).unwrap_err().contains("prot"));
    }

    #[test]
    fn passwords_are_masked_in_logs() {
        let s = Settings { database_url: "postgres://u:secret@h/db".into(), ..Default::default() };
        assert_eq!(s.database_url_for_logs(), "postgres://u:***@h/db");
    }
}
