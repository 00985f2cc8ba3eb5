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
    /// Where uploaded files are kept.
    #[arg(long, env = "USUL_FILES_DIR", default_value = "files")]
    pub files_dir: String,
    /// Largest uploaded file accepted, in bytes.
    #[arg(long, env = "USUL_MAX_FILE_BYTES", default_value_t = 20 * 1024 * 1024)]
    pub max_file_bytes: u64,
    /// Worker threads (0: one per core).
    /// Password hashes run at once (0: the number of cores).
    #[arg(long, env = "USUL_HASH_WORKERS", default_value_t = 0)]
    pub hash_workers: usize,
    /// Password hashes that may wait for a worker; beyond that the token endpoint answers 503.
    #[arg(long, env = "USUL_HASH_QUEUE", default_value_t = 16)]
    pub hash_queue: usize,
    /// Token requests a minute per client address (0: no limit).
    #[arg(long, env = "USUL_TOKEN_REQUESTS_PER_MINUTE", default_value_t = 30)]
    pub token_requests_per_minute: u32,
    #[arg(long, env = "USUL_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// Development mode: a random JWT secret when none is given.
    #[arg(long)]
    pub dev: bool,
    /// Load the demo school into an empty database and print its logins (implies `--dev`).
    #[arg(long)]
    pub demo: bool,
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
    /// Where uploaded files are kept.
    pub files_dir: std::path::PathBuf,
    /// Largest uploaded file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Password hashes run at once.
    pub hash_workers: usize,
    /// Password hashes that may wait.
    pub hash_queue: usize,
    /// Token requests a minute per client address (0: no limit).
    pub token_requests_per_minute: u32,
}

impl Settings {
    /// Validates the serve flags. Returns the settings and whether the secret was generated.
    ///
    /// # Errors
    /// [`ConfigError`] when the secret is missing or short outside dev/demo mode.
    pub fn from_args(args: &ServeArgs) -> Result<(Self, bool), ConfigError> {
        let (secret, generated) = match &args.jwt_secret {
            Some(s) if s.len() >= 32 => (s.clone(), false),
            Some(_) => return Err(ConfigError::ShortSecret),
            None if args.dev || args.demo => (random_secret(), true),
            None => return Err(ConfigError::MissingSecret),
        };
        Ok((
            Self {
                jwt_secret: Secret(secret),
                access_token_ttl: args.access_token_ttl.max(1),
                refresh_token_ttl: args.refresh_token_ttl.max(1),
                max_body_bytes: args.max_body_bytes.max(1024),
                max_failed_logins: 5,
                lockout_seconds: 900,
                files_dir: std::path::PathBuf::from(&args.files_dir),
                max_file_bytes: args.max_file_bytes.max(1024),
                hash_workers: if args.hash_workers == 0 {
                    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
                } else {
                    args.hash_workers
                },
                hash_queue: args.hash_queue,
                token_requests_per_minute: args.token_requests_per_minute,
            },
            generated,
        ))
    }
}

/// 256 random bits, hex-encoded (two v4 UUIDs come from the OS generator).
#[must_use]
pub fn random_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}
