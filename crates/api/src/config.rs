//! Settings: built-in defaults, then `config/default.toml` (or `--config`), then
//! `PRODSYNC_*` / `DATABASE_URL` environment variables, then command-line flags.

use std::fmt;
use std::path::{Path, PathBuf};

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
    /// On SIGTERM/SIGINT, how long requests in flight may take before the process exits.
    pub shutdown_timeout_secs: u64,
    pub log_level: String,
    pub log_format: LogFormat,
    pub change_log_retention: i64,
    pub retention_interval_secs: u64,
    pub ws_ping_interval_ms: u64,
    pub ws_client_timeout_ms: u64,
    pub ws_send_queue: usize,
    pub ws_gap_timeout_ms: u64,
    /// A room wakes each socket's writer at most this often (0: at every event).
    pub ws_flush_interval_ms: u64,
    /// `none` (trusted network: X-User-Id) or `jwt` (bearer tokens, membership enforced).
    pub auth_mode: AuthMode,
    /// HS256 secret (jwt mode), or use `jwt_public_key_file`.
    pub jwt_secret: Option<Secret>,
    /// PEM public key (RSA -> RS256, EC P-256 -> ES256, Ed25519 -> EdDSA).
    pub jwt_public_key_file: Option<PathBuf>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    /// Browser origins allowed to call the API from other sites; none by default.
    #[serde(deserialize_with = "list_or_commas")]
    pub cors_origins: Vec<String>,
    /// Lets pages of any site call the API and open WebSockets and Socket.IO sessions
    /// (`domain::origin`). Off: only this server's own pages and `cors_origins`.
    pub allow_any_origin: bool,
    /// The demo page's files (built by `npm run build` in clients/js), served at `/`.
    pub web_root: String,
    pub ws_max_rooms_per_socket: usize,
    pub ws_max_sockets_per_user: usize,
    /// Joins a socket may make in a burst, refilled at `ws_joins_per_second`.
    pub ws_join_burst: u32,
    pub ws_joins_per_second: u32,
    /// How instances hear each other's commits: `postgres` (LISTEN/NOTIFY, nothing more to
    /// run) or `nats` (`nats_url`; docs/deployment.md says when to choose which).
    pub fanout: prodsync_domain::fanout::Fanout,
    pub nats_url: String,
    /// NATS credentials, kept out of `nats_url` (which is logged, masked): a `.creds` file
    /// (user JWT and NKey seed), a token, or a user with a password; at most one of them.
    /// Give the secrets as `PRODSYNC_NATS_TOKEN` / `PRODSYNC_NATS_PASSWORD`.
    pub nats_credentials_file: Option<PathBuf>,
    pub nats_token: Option<Secret>,
    pub nats_user: Option<String>,
    pub nats_password: Option<Secret>,
    /// Notices one production's subscription may queue before NATS's client drops them
    /// (counted in `fanout_dropped_total`; every room then reads its head).
    pub nats_subscription_capacity: usize,
    /// How often the open rooms' heads are checked (either fan-out), the longest a lost
    /// notice can delay an event.
    pub head_check_ms: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    None,
    Jwt,
}

/// A secret value: never printed, not even in debug output.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `PRODSYNC_CORS_ORIGINS=https://a.example,https://b.example` or a TOML list.
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        One(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(v) => v,
        Either::One(s) => s.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect(),
    })
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
            shutdown_timeout_secs: 10,
            log_level: "info".into(),
            log_format: LogFormat::Text,
            change_log_retention: 100_000,
            retention_interval_secs: 300,
            ws_ping_interval_ms: 10_000,
            ws_client_timeout_ms: 30_000,
            ws_send_queue: 1024,
            ws_gap_timeout_ms: 200,
            ws_flush_interval_ms: 15,
            auth_mode: AuthMode::None,
            jwt_secret: None,
            jwt_public_key_file: None,
            jwt_issuer: None,
            jwt_audience: None,
            cors_origins: Vec::new(),
            allow_any_origin: false,
            web_root: "clients/js/dist".into(),
            ws_max_rooms_per_socket: 100,
            ws_max_sockets_per_user: 50,
            ws_join_burst: 20,
            ws_joins_per_second: 5,
            fanout: prodsync_domain::fanout::Fanout::Postgres,
            nats_url: "nats://127.0.0.1:4222".into(),
            nats_credentials_file: None,
            nats_token: None,
            nats_user: None,
            nats_password: None,
            nats_subscription_capacity: 8192,
            head_check_ms: 1000,
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
    /// The HTTP workers to run: `workers`, or one per core when it is 0 (actix's default).
    /// The connection pool shares `pool_size` out among them.
    pub fn worker_threads(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }

    /// Who-is-calling as configured: the header on a trusted network, or verified tokens.
    pub fn authenticator(&self) -> Result<prodsync_app::Authenticator, String> {
        if self.auth_mode == AuthMode::None {
            return Ok(prodsync_app::Authenticator::None);
        }
        prodsync_app::Authenticator::jwt(&prodsync_app::JwtSettings {
            secret: self.jwt_secret.as_ref().map(|s| s.0.as_str()),
            public_key_file: self.jwt_public_key_file.as_deref(),
            issuer: self.jwt_issuer.as_deref(),
            audience: self.jwt_audience.as_deref(),
        })
    }

    pub fn realtime(&self) -> prodsync_realtime::RealtimeSettings {
        use std::time::Duration;
        prodsync_realtime::RealtimeSettings {
            ping_interval: Duration::from_millis(self.ws_ping_interval_ms.max(10)),
            client_timeout: Duration::from_millis(self.ws_client_timeout_ms.max(10)),
            send_queue: self.ws_send_queue.max(1),
            gap_timeout: Duration::from_millis(self.ws_gap_timeout_ms),
            flush_interval: Duration::from_millis(self.ws_flush_interval_ms.min(1000)),
            max_rooms_per_socket: self.ws_max_rooms_per_socket.max(1),
            max_sockets_per_user: self.ws_max_sockets_per_user.max(1),
            join_burst: self.ws_join_burst.max(1),
            joins_per_second: self.ws_joins_per_second.max(1),
            ..Default::default()
        }
    }

    /// The keys settings files and `PRODSYNC_*` variables may name.
    pub fn keys() -> Vec<String> {
        match serde_json::to_value(Settings::default()) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// `PRODSYNC_*` variables that name no setting (scripts use some for themselves, such
    /// as `PRODSYNC_PG_PORT`): ignored, and reported so a typo does not go unnoticed.
    pub fn unknown_env_vars() -> Vec<String> {
        let keys = Settings::keys();
        std::env::vars()
            .filter_map(|(k, _)| k.strip_prefix("PRODSYNC_").map(str::to_ascii_lowercase))
            .filter(|k| !keys.contains(k))
            .map(|k| format!("PRODSYNC_{}", k.to_ascii_uppercase()))
            .collect()
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
            .merge(
                Env::prefixed("PRODSYNC_")
                    .filter(|k| Settings::keys().iter().any(|known| k == known.as_str())),
            )
            .merge(Serialized::defaults(overrides));
        figment.extract().map_err(|e| format!("invalid configuration: {e}"))
    }

    /// The URL with any password masked, for logs.
    pub fn database_url_for_logs(&self) -> String {
        masked(&self.database_url)
    }

    /// The NATS credentials the settings give: at most one kind, a user only with a
    /// password, and not beside credentials written into `nats_url`.
    pub fn nats_auth(&self) -> Result<prodsync_nats::Auth, String> {
        use prodsync_nats::Auth;
        let secret = |s: &Option<Secret>| s.as_ref().map(|s| s.0.clone());
        let user = (self.nats_user.clone(), secret(&self.nats_password));
        let given = [
            self.nats_credentials_file.clone().map(Auth::CredentialsFile),
            secret(&self.nats_token).map(Auth::Token),
            match user {
                (Some(user), Some(password)) => Some(Auth::UserPassword { user, password }),
                (None, None) => None,
                _ => return Err("nats_user and nats_password go together".into()),
            },
        ];
        let mut given = given.into_iter().flatten();
        let auth = given.next().unwrap_or_default();
        if given.next().is_some() {
            return Err(
                "give one of nats_credentials_file, nats_token, or nats_user with nats_password".into()
            );
        }
        if auth != Auth::None && self.nats_url.contains('@') {
            return Err(
                "NATS credentials are both in nats_url and in nats_* settings: give them one way".into()
            );
        }
        Ok(auth)
    }

    /// Where and how to reach NATS.
    pub fn nats(&self) -> Result<prodsync_nats::Target, String> {
        Ok(prodsync_nats::Target {
            url: self.nats_url.clone(),
            auth: self.nats_auth()?,
            subscription_capacity: self.nats_subscription_capacity,
        })
    }

    /// The NATS URL with any password or token masked, for logs.
    pub fn nats_url_for_logs(&self) -> String {
        masked(&self.nats_url)
    }
}

/// `scheme://user:***@host/...`; a lone user part (a NATS token) is masked whole.
fn masked(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if url[s + 3..at].contains(':') => {
            let user_end = s + 3 + url[s + 3..at].find(':').unwrap_or(0);
            format!("{}:***{}", &url[..user_end], &url[at..])
        }
        (Some(s), Some(at)) => format!("{}***{}", &url[..s + 3], &url[at..]),
        _ => url.to_owned(),
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
    fn cors_origins_come_as_a_list_or_comma_separated() {
        let dir = std::env::temp_dir().join(format!("prodsync-cors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "cors_origins = \"https://a.example, https://b.example\"\n").unwrap();
        let s = Settings::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!(s.cors_origins, vec!["https://a.example", "https://b.example"]);
        std::fs::write(&file, "cors_origins = [\"https://c.example\"]\nauth_mode = \"jwt\"\n").unwrap();
        let s = Settings::load(Some(&file), &Overrides::default()).unwrap();
        assert_eq!((s.cors_origins, s.auth_mode), (vec!["https://c.example".to_owned()], AuthMode::Jwt));
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings { jwt_secret: Some(Secret("hunter2".into())), ..Default::default() };
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn nats_credentials_come_one_way() {
        use prodsync_nats::Auth;
        let secret = |s: &str| Some(Secret(s.into()));
        let base = Settings::default();
        let ok = [
            (base.clone(), Auth::None),
            (Settings { nats_token: secret("t"), ..base.clone() }, Auth::Token("t".into())),
            (
                Settings { nats_user: Some("u".into()), nats_password: secret("p"), ..base.clone() },
                Auth::UserPassword { user: "u".into(), password: "p".into() },
            ),
            (
                Settings { nats_credentials_file: Some("/run/nats.creds".into()), ..base.clone() },
                Auth::CredentialsFile("/run/nats.creds".into()),
            ),
            (Settings { nats_url: "nats://tok@h:4222".into(), ..base.clone() }, Auth::None),
        ];
        for (settings, auth) in ok {
            assert_eq!(settings.nats_auth(), Ok(auth));
        }
        let refused = [
            (Settings { nats_user: Some("u".into()), ..base.clone() }, "go together"),
            (Settings { nats_password: secret("p"), ..base.clone() }, "go together"),
            (
                Settings {
                    nats_token: secret("t"),
                    nats_credentials_file: Some("/c".into()),
                    ..base.clone()
                },
                "one of",
            ),
            (
                Settings { nats_token: secret("t"), nats_url: "nats://u:p@h:4222".into(), ..base.clone() },
                "one way",
            ),
        ];
        for (settings, why) in refused {
            let err = settings.nats_auth().unwrap_err();
            assert!(err.contains(why), "{err}");
        }
        let s = Settings { nats_token: secret("hunter2"), nats_password: secret("hunter3"), ..base };
        assert!(!format!("{s:?}").contains("hunter"), "no NATS secret in debug output");
    }

    #[test]
    fn passwords_are_masked_in_logs() {
        let s = Settings { database_url: "postgres://u:secret@h/db".into(), ..Default::default() };
        assert_eq!(s.database_url_for_logs(), "postgres://u:***@h/db");
        let s = Settings { nats_url: "nats://s3cret-token@h:4222".into(), ..Default::default() };
        assert_eq!(s.nats_url_for_logs(), "nats://***@h:4222");
        assert_eq!(masked("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
    }
}
