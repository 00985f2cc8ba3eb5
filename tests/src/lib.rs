//! Test harness for Usul's black-box HTTP tests: a real server on port 0 over a fresh
//! database per test — SQLite by default, PostgreSQL when `USUL_TEST_DATABASE_URL` is set —
//! dropped when the test ends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::sync::Once;
use usul_api::config::{Secret, Settings, WebhookSettings};
use usul_api::storage::FileStore;
use usul_persistence::Store;
use uuid::Uuid;

/// The demo password.
pub const PASSWORD: &str = usul_api::cli::demo::DEMO_PASSWORD;
/// The JWT secret of every test server (tests sign expired tokens with it).
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

static TRACING: Once = Once::new();

/// A fresh database and what it takes to drop it.
enum TestDb {
    Sqlite(String),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Self::Postgres { admin_url, name } => {
                let (url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                    rt.block_on(async move {
                        if let Ok(db) = Database::connect(&url).await {
                            let _ = db
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                                .await;
                            let _ = db.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A running server with the demo school loaded.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// A client with no default headers.
    pub client: reqwest::Client,
    /// The store the server uses, for assertions about what was (not) written.
    pub store: Store,
    handle: actix_web::dev::ServerHandle,
    /// The database the server uses.
    pub db_url: String,
    /// With [`Options::counted`]: how many SQL statements the server's store has sent.
    pub statements: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    deliverer: Option<tokio::task::JoinHandle<()>>,
    _db: TestDb,
}

/// A second server over the same database, as another instance behind a load balancer would
/// be: its own process state and connection pool.
pub struct Twin {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    handle: actix_web::dev::ServerHandle,
    deliverer: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Twin {
    fn drop(&mut self) {
        if let Some(d) = &self.deliverer {
            d.abort();
        }
        std::mem::drop(self.handle.stop(false));
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting and drop the server's connections; the database is dropped after.
        if let Some(d) = &self.deliverer {
            d.abort();
        }
        let handle = self.handle.clone();
        std::mem::drop(handle.stop(false));
    }
}

/// The statements of the purge every server runs once at start (`usul_api::app::start`):
/// idempotency records, webhook deliveries, events, sync tombstones.
const START_PURGE_STATEMENTS: u64 = 4;

/// How long the served store keeps accounts, schools and districts: the whole test.
pub const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Options for [`spawn_app_with`].
#[derive(Debug, Clone)]
pub struct Options {
    pub max_body_bytes: usize,
    pub max_file_bytes: u64,
    pub access_token_ttl: u64,
    pub demo: bool,
    /// Password hashes that may wait for one of the two hashing workers.
    pub hash_queue: usize,
    /// Token requests a minute per client address (0: no limit).
    pub token_requests_per_minute: u32,
    /// Serve over a store that counts its SQL statements ([`TestApp::statements`]).
    pub counted: bool,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<String>,
    /// Origins allowed to call the API from a browser (CORS).
    pub cors_origins: Vec<String>,
    /// Webhooks: private receivers allowed (tests run theirs on loopback); the deliverer off
    /// unless a test turns it on ([`Options::delivering`]).
    pub webhooks: WebhookSettings,
    /// Where uploaded files go; `None`: a local temporary directory.
    pub files: Option<FileStore>,
}

impl Options {
    /// The defaults with a fast webhook deliverer: polls every 25 ms, retries after 50 ms
    /// (then 150 ms, …), an attempt times out after 2 s.
    #[must_use]
    pub fn delivering() -> Self {
        Self {
            webhooks: WebhookSettings {
                deliverer: true,
                poll_interval: std::time::Duration::from_millis(25),
                backoff_base: std::time::Duration::from_millis(50),
                timeout: std::time::Duration::from_secs(2),
                ..Self::default().webhooks
            },
            ..Self::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_body_bytes: 262_144,
            max_file_bytes: 1024 * 1024,
            access_token_ttl: 900,
            demo: true,
            hash_queue: 256,
            token_requests_per_minute: 0,
            counted: false,
            metrics_token: None,
            cors_origins: Vec::new(),
            webhooks: WebhookSettings { allow_private: true, deliverer: false, ..WebhookSettings::default() },
            files: None,
        }
    }
}

/// A server with the demo school.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

async fn fresh_database() -> (String, TestDb) {
    match std::env::var("USUL_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("usul_test_{}", Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url).await.expect("connect to USUL_TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.expect("close");
            let (base, _) = admin_url.rsplit_once('/').expect("database url has a path");
            (format!("{base}/{name}"), TestDb::Postgres { admin_url, name })
        }
        _ => {
            let path = std::env::temp_dir().join(format!("usul-test-{}.db", Uuid::new_v4().simple()));
            let path = path.to_string_lossy().into_owned();
            (format!("sqlite://{path}?mode=rwc"), TestDb::Sqlite(path))
        }
    }
}

/// A server with chosen options.
pub async fn spawn_app_with(options: Options) -> TestApp {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
                .with_test_writer()
                .try_init();
        }
    });
    let (url, db) = fresh_database().await;
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    if options.demo {
        usul_api::cli::demo::load(&store).await.expect("demo");
    }
    // Accounts, schools and districts stay in memory for the whole test, so that a change that
    // forgets to clear them shows as stale data instead of passing by luck of timing.
    let (served, statements) = if options.counted {
        let (counted, counter) = Store::connect_counted(&url).await.expect("connect counted");
        (counted.with_cache_ttl(CACHE_TTL), Some(counter))
    } else {
        (store.clone().with_cache_ttl(CACHE_TTL), None)
    };
    let running = usul_api::app::start(served, settings(&options), "127.0.0.1:0", 1).expect("bind");
    let handle = running.server.handle();
    tokio::spawn(running.server);
    if let Some(counter) = &statements {
        // The served store purges expired records once at start, in the background. A test
        // that counts statements must not count those: it starts once they are counted.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while counter.load(std::sync::atomic::Ordering::SeqCst) < START_PURGE_STATEMENTS
            && std::time::Instant::now() < deadline
        {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
    TestApp {
        address: format!("http://{}", running.addr),
        client: reqwest::Client::new(),
        store,
        handle,
        db_url: url,
        statements,
        deliverer: running.deliverer,
        _db: db,
    }
}

fn settings(options: &Options) -> Settings {
    Settings {
        jwt_secret: Secret(JWT_SECRET.to_owned()),
        access_token_ttl: options.access_token_ttl,
        refresh_token_ttl: 3600,
        max_body_bytes: options.max_body_bytes,
        max_failed_logins: 5,
        lockout_seconds: 900,
        files: options.files.clone().unwrap_or_else(|| FileStore::local(std::env::temp_dir().join("usul-test-files"))),
        max_file_bytes: options.max_file_bytes,
        hash_workers: 2,
        hash_queue: options.hash_queue,
        token_requests_per_minute: options.token_requests_per_minute,
        metrics_token: options.metrics_token.clone().map(Secret),
        cors_origins: options.cors_origins.clone(),
        webhooks: options.webhooks,
    }
}

/// An answer read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    async fn read(res: Response) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, headers, body, text }
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The problem `code`.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// The fields named in a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// Asserts a problem+json answer of `status` and `code`.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "status; body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "content type; body: {}", self.text);
        assert_eq!(self.code(), code, "problem code; body: {}", self.text);
        assert_eq!(self.body["status"].as_u64(), Some(u64::from(status)));
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()), "a title");
        assert!(self.body["type"].as_str().is_some_and(|t| t.starts_with("urn:usul:problem:")), "a type");
        // One shape for what is wrong (issue 11, point 10): every 422 lists it in `errors`, each
        // entry with a code and a message; no other list.
        if status == 422 {
            let errors =
                self.body["errors"].as_array().unwrap_or_else(|| panic!("a 422 without `errors`: {}", self.text));
            assert!(!errors.is_empty(), "a 422 with an empty `errors`: {}", self.text);
            for e in errors {
                assert!(e["code"].as_str().is_some_and(|c| !c.is_empty()), "an entry without a code: {}", self.text);
                assert!(
                    e["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "an entry without a message: {}",
                    self.text
                );
            }
            for other in ["problems", "missing", "reason"] {
                assert!(self.body.get(other).is_none(), "a 422 with `{other}`: {}", self.text);
            }
        }
    }

    /// A string field of the body.
    pub fn str(&self, key: &str) -> String {
        self.body[key].as_str().unwrap_or_else(|| panic!("no string `{key}` in {}", self.text)).to_owned()
    }
}

impl TestApp {
    /// Starts a second server over the same database.
    pub async fn twin(&self) -> Twin {
        self.twin_with(Options::default()).await
    }

    /// Starts a second server over the same database, with its own options (webhooks on, or
    /// another file store's spool directory, say).
    pub async fn twin_with(&self, options: Options) -> Twin {
        let store = Store::connect(&self.db_url).await.expect("connect twin");
        let running = usul_api::app::start(store, settings(&options), "127.0.0.1:0", 1).expect("bind twin");
        let handle = running.server.handle();
        tokio::spawn(running.server);
        Twin { address: format!("http://{}", running.addr), handle, deliverer: running.deliverer }
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A request with an optional bearer token.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.client.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends and reads a request.
    pub async fn send(&self, rb: RequestBuilder) -> Answer {
        Answer::read(rb.send().await.expect("request")).await
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(self.request(Method::GET, path, Some(token))).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(self.request(Method::POST, path, Some(token)).json(body)).await
    }

    /// PATCH JSON with a token.
    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(self.request(Method::PATCH, path, Some(token)).json(body)).await
    }

    /// PUT JSON with a token.
    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(self.request(Method::PUT, path, Some(token)).json(body)).await
    }

    /// The token endpoint with any body.
    pub async fn token(&self, body: &Value) -> Answer {
        self.send(self.client.post(self.url("/api/v1/auth/token")).json(body)).await
    }

    /// Signs in with the password grant; panics unless it works.
    pub async fn login_with(&self, email: &str, password: &str) -> Answer {
        let a = self.token(&json!({"grant_type": "password", "username": email, "password": password})).await;
        assert_eq!(a.status, StatusCode::OK, "login of {email}: {}", a.text);
        a
    }

    /// An access token of a demo login.
    pub async fn login(&self, email: &str) -> String {
        self.login_with(email, PASSWORD).await.str("access_token")
    }

    /// The demo school's id.
    pub async fn demo_school(&self) -> String {
        let token = self.login("director@demo.usul.kg").await;
        let me = self.get("/api/v1/me", &token).await;
        me.body["school"]["id"].as_str().expect("school").to_owned()
    }

    /// A demo person's id by e-mail.
    pub async fn staff_id(&self, email: &str) -> String {
        let token = self.login(email).await;
        self.get("/api/v1/me", &token).await.body["staff"]["id"].as_str().expect("staff").to_owned()
    }

    /// A second district with a school and its director, made by the admin. Returns
    /// (district id, school id, director token).
    pub async fn other_school(&self) -> (String, String, String) {
        let admin = self.login("admin@demo.usul.kg").await;
        let d = self.post("/api/v1/districts", &admin, &json!({"name": "Башка район", "region": "Ош"})).await;
        assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
        let district = d.str("id");
        let s = self.post("/api/v1/schools", &admin, &json!({"district_id": district, "name": "№7 мектеп"})).await;
        assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
        let school = s.str("id");
        let p = self
            .post(
                &format!("/api/v1/schools/{school}/staff"),
                &admin,
                &json!({"email": "director7@other.kg", "password": "other-pass-7", "last_name": "Асанов", "first_name": "Асан", "role": "director"}),
            )
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
        let token = self.login_with("director7@other.kg", "other-pass-7").await.str("access_token");
        (district, school, token)
    }

    /// How many SQL statements the server sends to answer `GET path` (needs
    /// [`Options::counted`]).
    pub async fn statements_of(&self, path: &str, token: &str) -> u64 {
        let counter = self.statements.as_ref().expect("spawned with Options { counted: true }");
        // The caller's account is read once, then kept in memory: count a warm request.
        let warm = self.get("/api/v1/me", token).await;
        assert_eq!(warm.status, StatusCode::OK, "{}", warm.text);
        let before = counter.load(std::sync::atomic::Ordering::SeqCst);
        let a = self.get(path, token).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        counter.load(std::sync::atomic::Ordering::SeqCst) - before
    }

    /// How many people are stored (to prove a refused request wrote nothing).
    pub async fn count_staff(&self) -> u64 {
        self.store.count_staff().await.expect("count")
    }
}
