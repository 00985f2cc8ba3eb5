//! Configuration: one typed struct from flags and `USUL_*` environment variables.

use clap::Args;
use std::fmt;

/// A secret whose `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Settings shared by every command that touches the database.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Database URL: `sqlite://usul.db?mode=rwc` (embedded default) or `postgres://…`.
    #[arg(long, env = "USUL_DATABASE_URL", default_value = "sqlite://usul.db?mode=rwc")]
    pub database_url: String,
}

/// Settings of `usul serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "USUL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// HMAC secret for access tokens, at least 32 bytes. Required unless `--dev` or `--demo`.
    #[arg(long, env = "USUL_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "USUL_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Lifetime of refresh tokens, in seconds.
    #[arg(long, env = "USUL_REFRESH_TOKEN_TTL", default_value_t = 2_592_000)]
    pub refresh_token_ttl: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "USUL_MAX_BODY_BYTES", default_value_t = 262_144)]
    pub max_body_bytes: usize,
    /// Where uploaded files are kept (`USUL_STORAGE=local`), or written while they are checked
    /// before going to the bucket (`s3`).
    #[arg(long, env = "USUL_FILES_DIR", default_value = "files")]
    pub files_dir: String,
    /// Where uploaded files are kept: `local` (under `USUL_FILES_DIR`) or `s3` (an
    /// S3-compatible bucket shared by every instance: AWS S3, MinIO).
    #[arg(long, env = "USUL_STORAGE", value_enum, default_value_t = StorageKind::Local)]
    pub storage: StorageKind,
    /// The bucket (`USUL_STORAGE=s3`).
    #[arg(long, env = "USUL_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// An S3-compatible endpoint such as `http://minio:9000`; AWS S3 when unset.
    #[arg(long, env = "USUL_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, env = "USUL_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// Access key id; unset: the AWS defaults (`AWS_ACCESS_KEY_ID`, an instance role …).
    #[arg(long, env = "USUL_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    /// Secret access key, with `USUL_S3_ACCESS_KEY_ID`.
    #[arg(long, env = "USUL_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Allow a plain-HTTP `USUL_S3_ENDPOINT` (a local MinIO).
    #[arg(long, env = "USUL_S3_ALLOW_HTTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub s3_allow_http: bool,
    /// Largest uploaded file accepted, in bytes.
    #[arg(long, env = "USUL_MAX_FILE_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_file_bytes: u64,
    /// Worker threads (0: one per core).
    /// When set, `/metrics` answers only to `Authorization: Bearer <this token>`.
    #[arg(long, env = "USUL_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Password hashes run at once (0: the number of cores).
    #[arg(long, env = "USUL_HASH_WORKERS", default_value_t = 0)]
    pub hash_workers: usize,
    /// Password hashes that may wait for a worker; beyond that the token endpoint answers 503.
    #[arg(long, env = "USUL_HASH_QUEUE", default_value_t = 16)]
    pub hash_queue: usize,
    /// Token requests a minute per client address (0: no limit).
    #[arg(long, env = "USUL_TOKEN_REQUESTS_PER_MINUTE", default_value_t = 30)]
    pub token_requests_per_minute: u32,
    /// Origins whose browser pages may call the API (CORS), comma-separated, each
    /// `scheme://host[:port]`, e.g. `https://app.example.kg,http://localhost:5173`. None by
    /// default: no CORS headers at all.
    #[arg(long, env = "USUL_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    #[arg(long, env = "USUL_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Seconds the accounts behind tokens, schools and districts are kept in memory once read
    /// (0–60; 0: read them on every request). A change made through this process takes effect
    /// at once; another process over the same database sees it at most this long after.
    #[arg(long, env = "USUL_CACHE_SECONDS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(0..=60))]
    pub cache_seconds: u64,
    /// Let webhooks point at loopback, private and link-local addresses (refused by default:
    /// a webhook must not reach into the server's own network).
    #[arg(long, env = "USUL_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    /// Run the webhook deliverer in this instance (several instances may all run it).
    #[arg(long, env = "USUL_WEBHOOK_DELIVERER", default_value_t = true, action = clap::ArgAction::Set)]
    pub webhook_deliverer: bool,
    /// How often the deliverer looks for due deliveries, in milliseconds.
    #[arg(long, env = "USUL_WEBHOOK_POLL_MS", default_value_t = 1000)]
    pub webhook_poll_ms: u64,
    /// The wait before the first retry, in milliseconds; each next one is three times longer
    /// (at most 1440 times this).
    #[arg(long, env = "USUL_WEBHOOK_BACKOFF_BASE_MS", default_value_t = 30_000)]
    pub webhook_backoff_base_ms: u64,
    /// Attempts of a delivery before it is given up (and its subscription paused).
    #[arg(long, env = "USUL_WEBHOOK_MAX_ATTEMPTS", default_value_t = 10)]
    pub webhook_max_attempts: u32,
    /// How long one delivery attempt may take, in milliseconds; a slower receiver fails it.
    #[arg(long, env = "USUL_WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Development mode: a random JWT secret when none is given.
    #[arg(long)]
    pub dev: bool,
    /// Load the demo school into an empty database and print its logins (implies `--dev`).
    #[arg(long)]
    pub demo: bool,
}

/// Where uploaded files are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StorageKind {
    /// A local directory (`USUL_FILES_DIR`): one instance, or a shared volume.
    Local,
    /// An S3-compatible bucket shared by every instance.
    S3,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No secret outside dev/demo mode.
    #[error("USUL_JWT_SECRET is required (at least 32 bytes); use --dev or --demo to run with a random one")]
    MissingSecret,
    /// A secret too short to be safe.
    #[error("USUL_JWT_SECRET must be at least 32 bytes long")]
    ShortSecret,
    /// A secret long enough but too regular to be safe (`aaaa…`, 32 spaces).
    #[error("USUL_JWT_SECRET is too predictable; use a random one, e.g. `openssl rand -hex 32`")]
    WeakSecret,
    /// An entry of `USUL_CORS_ORIGINS` that is not an origin.
    #[error("USUL_CORS_ORIGINS: `{0}` is not an origin; write scheme://host[:port], e.g. https://app.example.kg")]
    BadCorsOrigin(String),
    /// `USUL_STORAGE=s3` with settings that cannot work.
    #[error("{0}")]
    Storage(#[from] crate::storage::S3ConfigError),
}

/// What the running service needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub jwt_secret: Secret,
    pub access_token_ttl: u64,
    pub refresh_token_ttl: u64,
    pub max_body_bytes: usize,
    /// Failed logins before an account is locked.
    pub max_failed_logins: i32,
    /// How long a locked account stays locked, in seconds.
    pub lockout_seconds: u64,
    /// Where uploaded files are kept: a local directory or an S3-compatible bucket.
    pub files: crate::storage::FileStore,
    /// Largest uploaded file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Password hashes run at once.
    pub hash_workers: usize,
    /// Password hashes that may wait.
    pub hash_queue: usize,
    /// Token requests a minute per client address (0: no limit).
    pub token_requests_per_minute: u32,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<Secret>,
    /// Origins allowed to call the API from a browser (CORS); empty: CORS is off.
    pub cors_origins: Vec<String>,
    /// Webhooks: which URLs are allowed and how the deliverer runs.
    pub webhooks: WebhookSettings,
}

/// How webhooks are checked and delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Whether URLs may reach loopback, private and link-local addresses.
    pub allow_private: bool,
    /// Whether this instance runs the deliverer.
    pub deliverer: bool,
    /// How often the deliverer looks for due deliveries.
    pub poll_interval: std::time::Duration,
    /// The wait before the first retry.
    pub backoff_base: std::time::Duration,
    /// Attempts before a delivery is given up.
    pub max_attempts: u32,
    /// How long one attempt may take.
    pub timeout: std::time::Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            deliverer: true,
            poll_interval: std::time::Duration::from_secs(1),
            backoff_base: std::time::Duration::from_secs(30),
            max_attempts: 10,
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

impl Settings {
    /// Validates the serve flags. Returns the settings and whether the secret was generated.
    ///
    /// # Errors
    /// [`ConfigError`] when the secret is missing or short outside dev/demo mode, a CORS
    /// origin is not one, or the S3 settings cannot work.
    pub fn from_args(args: &ServeArgs) -> Result<(Self, bool), ConfigError> {
        let (secret, generated) = match &args.jwt_secret {
            Some(s) if s.len() < 32 => return Err(ConfigError::ShortSecret),
            Some(s) if estimated_entropy_bits(s) < MIN_SECRET_BITS => return Err(ConfigError::WeakSecret),
            Some(s) => (s.clone(), false),
            None if args.dev || args.demo => (random_secret(), true),
            None => return Err(ConfigError::MissingSecret),
        };
        let cors_origins = args
            .cors_origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .map(|o| cors_origin(o).ok_or_else(|| ConfigError::BadCorsOrigin(o.to_owned())))
            .collect::<Result<Vec<_>, _>>()?;
        let files_dir = std::path::PathBuf::from(&args.files_dir);
        let files = match args.storage {
            StorageKind::Local => crate::storage::FileStore::local(files_dir),
            StorageKind::S3 => crate::storage::FileStore::s3(crate::storage::S3Config {
                bucket: args.s3_bucket.clone().unwrap_or_default(),
                endpoint: args.s3_endpoint.clone(),
                region: args.s3_region.clone(),
                access_key_id: args.s3_access_key_id.clone(),
                secret_access_key: args.s3_secret_access_key.clone(),
                allow_http: args.s3_allow_http,
                spool: files_dir,
            })?,
        };
        Ok((
            Self {
                jwt_secret: Secret(secret),
                access_token_ttl: args.access_token_ttl.max(1),
                refresh_token_ttl: args.refresh_token_ttl.max(1),
                max_body_bytes: args.max_body_bytes.max(1024),
                max_failed_logins: 5,
                lockout_seconds: 900,
                files,
                max_file_bytes: args.max_file_bytes.max(1024),
                hash_workers: if args.hash_workers == 0 {
                    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
                } else {
                    args.hash_workers
                },
                hash_queue: args.hash_queue,
                token_requests_per_minute: args.token_requests_per_minute,
                metrics_token: args.metrics_token.clone().filter(|t| !t.is_empty()).map(Secret),
                cors_origins,
                webhooks: WebhookSettings {
                    allow_private: args.webhook_allow_private,
                    deliverer: args.webhook_deliverer,
                    poll_interval: std::time::Duration::from_millis(args.webhook_poll_ms.max(10)),
                    backoff_base: std::time::Duration::from_millis(args.webhook_backoff_base_ms.max(10)),
                    max_attempts: args.webhook_max_attempts.max(1),
                    timeout: std::time::Duration::from_millis(args.webhook_timeout_ms.max(100)),
                },
            },
            generated,
        ))
    }
}

/// An allowed CORS origin in the form browsers send it (`scheme://host[:port]`, lower-case
/// scheme and host, no path): `None` when `raw` is not one. A wildcard is refused: the
/// allowed origins are named.
#[must_use]
pub fn cors_origin(raw: &str) -> Option<String> {
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !["http", "https"].contains(&scheme.as_str()) {
        return None;
    }
    let (host, port) = if rest.starts_with('[') {
        let (h, after) = rest.split_once(']')?;
        (&rest[..=h.len()], if after.is_empty() { None } else { Some(after.strip_prefix(':')?) })
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c))
        && (host.starts_with('[') || !host.contains(':'))
        && !host.starts_with('.')
        && !host.ends_with('.');
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0));
    (host_ok && port_ok).then(|| format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

/// The least estimated entropy of a JWT secret, in bits.
pub const MIN_SECRET_BITS: f64 = 96.0;

/// A rough estimate of a secret's entropy: its length times the Shannon entropy of its
/// characters (a random hex string of 32 characters scores about 117 bits, of 64 about 245;
/// 32 spaces score 0). Coarse, but it refuses the secrets people type by accident.
#[must_use]
pub fn estimated_entropy_bits(secret: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let chars: Vec<char> = secret.chars().collect();
    for c in &chars {
        *counts.entry(*c).or_insert(0_u32) += 1;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = chars.len() as f64;
    let per_char: f64 = counts
        .values()
        .map(|&k| {
            let p = f64::from(k) / n;
            -p * p.log2()
        })
        .sum();
    per_char * n
}

/// 256 random bits, hex-encoded (two v4 UUIDs come from the OS generator).
#[must_use]
pub fn random_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins_are_scheme_host_and_port_only() {
        assert_eq!(cors_origin("https://App.Example.kg").as_deref(), Some("https://app.example.kg"));
        assert_eq!(cors_origin("http://localhost:5173").as_deref(), Some("http://localhost:5173"));
        assert_eq!(cors_origin("http://[::1]:8080").as_deref(), Some("http://[::1]:8080"));
        assert_eq!(cors_origin("http://[::1]").as_deref(), Some("http://[::1]"));
        for bad in [
            "*",
            "app.example.kg",
            "https://app.example.kg/",
            "https://a.kg/path",
            "ftp://a.kg",
            "https://",
            "https://a.kg:0",
            "https://a.kg:99999",
            "https://*.a.kg",
            "https://a b.kg",
        ] {
            assert_eq!(cors_origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_random_secret_is_strong_and_a_regular_one_is_weak() {
        assert!(estimated_entropy_bits(&random_secret()) >= MIN_SECRET_BITS);
        assert!(estimated_entropy_bits(&" ".repeat(32)) < MIN_SECRET_BITS);
        assert!(estimated_entropy_bits(&"ab".repeat(32)) < MIN_SECRET_BITS);
        assert!(estimated_entropy_bits(&format!("{}{}", "a".repeat(10), "b".repeat(22))) < MIN_SECRET_BITS);
        assert!(estimated_entropy_bits("0f3a9c1e7b2d4a6c8e0f1a3b5c7d9e2f") >= MIN_SECRET_BITS, "32 hex characters");
    }
}
