//! End-to-end harness: the real server on a real port, with its own fresh database, and
//! real HTTP/WebSocket clients.

pub mod cluster;
pub mod nats;
pub mod proxy;
pub mod show;
pub mod sio;
pub mod ws;

use std::net::TcpListener;
use std::sync::mpsc;

use actix_web::dev::ServerHandle;
use prodsync_api::config::Settings;
use prodsync_api::server::{http_server, services};
use prodsync_storage::test_db::TestDatabase;
use reqwest::StatusCode;
use serde_json::Value;

pub use prodsync_storage::test_db;

pub struct TestServer {
    pub base: String,
    pub db: TestDatabase,
    pub http: reqwest::Client,
    handle: ServerHandle,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let db = TestDatabase::new().await;
        let url = db.url.clone();
        Self::start_with(db, url, |_| {}).await
    }

    /// Starts against `database_url` (e.g. through a proxy), keeping `db` alive.
    pub async fn start_with(
        db: TestDatabase,
        database_url: String,
        tweak: impl FnOnce(&mut Settings),
    ) -> TestServer {
        let mut settings = Settings { database_url, pool_size: 8, workers: 1, ..Settings::default() };
        tweak(&mut settings);
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a port");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let svc = services(&settings).await.expect("services");
                let server = http_server(&svc, listener, &settings).expect("server");
                tx.send(server.handle()).expect("handing back the server handle");
                let _ = server.await;
            })
        });
        let handle = rx.recv().expect("server started");
        TestServer { base, db, http: reqwest::Client::new(), handle }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn ws_url(&self) -> String {
        format!("{}/ws", self.base.replacen("http", "ws", 1))
    }

    #[must_use = "check the status: a test that ignores it cannot fail"]
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        user: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        self.request(method, path, body, |r| r.header("x-user-id", user)).await
    }

    /// Sends a request shaped by `with` (headers) and reads its JSON answer.
    async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        with: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = with(self.http.request(method, self.url(path)));
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.expect("body read");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    #[must_use = "check the status: a test that ignores it cannot fail"]
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send("GET", path, "tester", None).await
    }

    #[must_use = "check the status: a test that ignores it cannot fail"]
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send("POST", path, "tester", Some(body)).await
    }

    #[must_use = "check the status: a test that ignores it cannot fail"]
    pub async fn put(&self, path: &str, user: &str, body: &Value) -> (StatusCode, Value) {
        self.send("PUT", path, user, Some(body)).await
    }

    /// A write that must succeed; returns its body.
    pub async fn ok(&self, method: &str, path: &str, user: &str, body: Option<&Value>) -> Value {
        let (status, got) = self.send(method, path, user, body).await;
        assert!(status.is_success(), "{method} {path} as {user}: {status} {got}");
        got
    }

    /// Creates a production and returns its id.
    pub async fn production(&self, name: &str) -> String {
        let (status, body) =
            self.post("/api/productions", &serde_json::json!({"showName": name, "client": "ACME"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// Creates an entity and returns its JSON.
    pub async fn create(&self, pid: &str, path: &str, body: Value) -> Value {
        let (status, created) = self.post(&format!("/api/productions/{pid}/{path}"), &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let _ = std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false))).join();
    }
}

impl TestServer {
    /// A digest of every row in every table: equal before and after means nothing changed.
    pub async fn fingerprint(&self) -> String {
        use diesel::sql_types::Text;
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        use prodsync_domain::catalog::PRODUCTION_ENTITIES;

        #[derive(diesel::QueryableByName)]
        struct Digest {
            #[diesel(sql_type = Text)]
            digest: String,
        }
        let mut tables: Vec<&str> = PRODUCTION_ENTITIES.iter().map(|k| k.table).collect();
        tables.extend(["productions", "change_log", "equipment"]);
        let rows: Vec<String> =
            tables.iter().map(|t| format!("SELECT '{t}' || to_jsonb(t)::text AS x FROM {t} t")).collect();
        let sql = format!(
            "SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) AS digest FROM ({}) s",
            rows.join(" UNION ALL ")
        );
        let mut conn =
            AsyncPgConnection::establish(&self.db.url).await.expect("connecting for a fingerprint");
        diesel::sql_query(sql).get_result::<Digest>(&mut conn).await.expect("fingerprint").digest
    }
}

impl TestServer {
    /// A server whose WebSocket timings are short enough for tests.
    pub async fn start_tuned(tweak: impl FnOnce(&mut Settings)) -> TestServer {
        let db = TestDatabase::new().await;
        let url = db.url.clone();
        Self::start_with(db, url, tweak).await
    }

    /// The storage adapter on this server's database, for writes behind the server's back.
    pub fn store(&self) -> prodsync_storage::PgStore {
        let settings = prodsync_storage::PoolSettings {
            url: self.db.url.clone(),
            max_size: 1,
            wait_timeout: std::time::Duration::from_secs(5),
            connect_timeout: std::time::Duration::from_secs(5),
            threads: 1,
        };
        prodsync_storage::PgStore::new(prodsync_storage::connect(&settings).expect("pool"))
    }

    /// One sample of this server's `/metrics` (0 when the series is not there yet).
    pub async fn metric(&self, name: &str) -> f64 {
        metric_at(&self.http, &self.base, name).await
    }

    pub async fn head_seq(&self, pid: &str) -> i64 {
        let (_, page) = self.get(&format!("/api/productions/{pid}/changes?since=0&limit=1")).await;
        page["headSeq"].as_i64().expect("headSeq")
    }
}

/// A plain SQL connection to a test database, for what a test does behind the server's
/// back (a trigger, a stale row); it lives while the returned task runs.
pub async fn db_client(url: &str) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
    let task = tokio::spawn(async move {
        let _ = connection.await;
    });
    (client, task)
}

/// Polls `check` until it holds, failing after 10 s: for waiting on a state that no event
/// announces (a server-side count), instead of sleeping a fixed time and hoping.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The secret the jwt-mode test servers verify with.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret";

/// A token for `sub`, valid for an hour.
pub fn token(sub: &str, admin: bool) -> String {
    prodsync_api::auth::mint(JWT_SECRET, sub, Some(sub), admin, std::time::Duration::from_secs(3600))
        .expect("token")
}

impl TestServer {
    /// A server in `jwt` mode: bearer tokens, membership enforced.
    pub async fn start_jwt(tweak: impl FnOnce(&mut Settings)) -> TestServer {
        Self::start_tuned(|s| {
            s.auth_mode = prodsync_api::config::AuthMode::Jwt;
            s.jwt_secret = Some(prodsync_api::config::Secret(JWT_SECRET.into()));
            tweak(s);
        })
        .await
    }

    /// A request with `Authorization: Bearer <token>` (none when `token` is empty).
    #[must_use = "check the status: a test that ignores it cannot fail"]
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        self.request(method, path, body, |r| if token.is_empty() { r } else { r.bearer_auth(token) }).await
    }

    /// A call that must succeed; returns its body.
    pub async fn call_ok(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Value {
        let (status, got) = self.call(method, path, token, body).await;
        assert!(status.is_success(), "{method} {path}: {status} {got}");
        got
    }

    /// The WebSocket URL with a token.
    pub fn ws_url_with_token(&self, token: &str) -> String {
        format!("{}?access_token={token}", self.ws_url())
    }
}

/// One sample of the `/metrics` of the server at `base` (0 when the series is not there yet).
pub async fn metric_at(http: &reqwest::Client, base: &str, name: &str) -> f64 {
    let text = http.get(format!("{base}/metrics")).send().await.expect("metrics").text().await.expect("body");
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().expect("a number"))
}
