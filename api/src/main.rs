//! The `usul` command: serve the API, migrate, create an administrator, load the demo, print
//! the contract.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;
use usul_api::cli::{demo, generate};
use usul_api::config::{DbArgs, ServeArgs, Settings};
use usul_api::{app, auth, openapi};
use usul_domain::staff::{Affiliation, Experience, QualificationCategory, Role};
use usul_domain::values::{Email, Name, Password};
use usul_persistence::{Audit, NewStaff, Store};

/// Usul: the methodological work of schools, as a REST/JSON service.
#[derive(Debug, Parser)]
#[command(name = "usul", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (migrations run first).
    Serve(Box<ServeArgs>),
    /// Bring the database schema up to date.
    Migrate(DbArgs),
    /// Create an administrator account.
    CreateAdmin {
        #[command(flatten)]
        db: DbArgs,
        /// The login.
        #[arg(long)]
        email: String,
        /// The password (8–128 characters).
        #[arg(long, env = "USUL_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Load the demo school into an empty database.
    Demo(DbArgs),
    /// Fill a database with generated schools of one new district, for benchmarks and load
    /// tests: staff, commissions, an approved unified plan, activities, trainings, materials,
    /// knowledge quality and a submitted school report per school (2022-2023).
    Generate {
        #[command(flatten)]
        db: DbArgs,
        /// How many schools (1–5000): the whole country is about 2,300.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=5000))]
        schools: u16,
        /// How many new districts the schools are spread over, in turn (1–200; the country has
        /// about 50 district and city departments).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=200))]
        districts: u16,
        /// Schools generated at once (1–32); 0 picks 8 on PostgreSQL and 1 on SQLite, whose
        /// writes take turns anyway.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=32))]
        concurrency: u16,
        /// Staff per school (3–2000): a director, a deputy and teachers.
        #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u16).range(3..=2000))]
        staff: u16,
        /// Items of each school's unified plan (0–20000).
        #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u16).range(0..=20000))]
        items: u16,
        /// Activities per school (0–50000).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(0..=50000))]
        activities: u32,
        /// The seed: the same seed generates the same records.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Print the OpenAPI contract (as committed in openapi/openapi.json).
    Openapi,
}

fn init_tracing() {
    let filter = EnvFilter::try_from_env("USUL_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

/// Tunes glibc's allocator, each setting unless its own environment variable says otherwise:
/// - two arenas (`MALLOC_ARENA_MAX`), one per core of the machine it was measured on. By
///   default glibc gives each of the many threads that allocate here (actix workers, SQLite's
///   connection threads, the hashing pool) an arena of its own, up to eight per core, and
///   memory freed in one arena is not reused by another: the release build held 136 MiB under
///   `bench/hot.py`'s load on SQLite, 109 MiB with two arenas, at the same throughput;
/// - a fixed 1 MiB threshold above which an allocation is its own mapping, returned to the
///   system when freed (`MALLOC_MMAP_THRESHOLD_`). glibc's threshold otherwise rises to the
///   largest block freed so far: after the first sign-in, argon2's 19 MiB working memory came
///   from the heap and stayed resident. 101 → 93 MiB under the same load.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only tunes the allocator, and takes effect for arenas and
        // allocations made later; it is called before any other thread of this process starts.
        #[allow(unsafe_code)]
        unsafe {
            if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
                let _ = libc::mallopt(libc::M_ARENA_MAX, 2);
            }
            if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
                let _ = libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            }
        }
    }
}

async fn open(db: &DbArgs) -> Result<Store, String> {
    let store = Store::connect(&db.database_url).await.map_err(|e| format!("cannot open {}: {e}", db.database_url))?;
    store.migrate().await.map_err(|e| format!("migration failed: {e}"))?;
    Ok(store)
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Openapi => {
            print!("{}", openapi::document_json().map_err(|e| e.to_string())?);
        }
        Command::Migrate(db) => {
            open(&db).await?;
            tracing::info!("database is up to date");
        }
        Command::Demo(db) => {
            let store = open(&db).await?;
            if demo::load(&store).await.map_err(|e| e.to_string())? {
                println!("Demo school loaded.\n{}", demo::logins());
            } else {
                println!("The database is not empty; the demo was not loaded.");
            }
        }
        Command::Generate { db, schools, districts, concurrency, staff, items, activities, seed } => {
            let store = open(&db).await?;
            let size = generate::Size {
                staff: usize::from(staff),
                activities: usize::try_from(activities).map_err(|e| e.to_string())?,
                items: usize::from(items),
            };
            let concurrency = match concurrency {
                0 if db.database_url.starts_with("postgres") => 8,
                0 => 1,
                n => usize::from(n),
            };
            let started = std::time::Instant::now();
            let run = generate::Run {
                schools: usize::from(schools),
                districts: usize::from(districts),
                concurrency,
                size,
                seed,
            };
            let made = generate::country(&store, &run).await.map_err(|e| e.to_string())?;
            store.vacuum_after_bulk_load().await.map_err(|e| format!("vacuum after the load: {e}"))?;
            println!(
                "Generated {schools} school(s) of {staff} staff, {items} plan items and {activities} activities in {} district(s) (first {}) in {:.1} s, {concurrency} at once.\nLogins: t0.{tag}-1@gen.usul.kg (director), t1.{tag}-1@gen.usul.kg (deputy), password generated-password.",
                made.districts.len(),
                made.districts.first().map(|d| d.to_string()).unwrap_or_default(),
                started.elapsed().as_secs_f64(),
                tag = made.tag,
            );
        }
        Command::CreateAdmin { db, email, password } => {
            let email = Email::parse(&email).map_err(|e| format!("--email: {e}"))?;
            let password = Password::parse(&password).map_err(|e| format!("--password: {e}"))?;
            let store = open(&db).await?;
            let hash = auth::hash_password_blocking(password.expose()).map_err(|e| e.to_string())?;
            let new = NewStaff {
                affiliation: Affiliation::Service,
                email,
                password_hash: hash,
                last_name: Name::parse("Администратор").map_err(|e| e.to_string())?,
                first_name: Name::parse("Usul").map_err(|e| e.to_string())?,
                patronymic: None,
                position: None,
                role: Role::Admin,
                subjects: Vec::new(),
                category: QualificationCategory::None,
                experience: Experience::parse(0).map_err(|_| "experience")?,
            };
            let s = store.create_staff(new, &Audit::system("create-admin")).await.map_err(|e| e.to_string())?;
            println!("Administrator {} created ({}).", s.email, s.id);
        }
        Command::Serve(args) => {
            let (settings, generated) = Settings::from_args(&args).map_err(|e| e.to_string())?;
            if generated {
                tracing::warn!(
                    "no USUL_JWT_SECRET: using a random one; tokens will not survive a restart (dev/demo mode only)"
                );
            }
            tracing::info!(files = %settings.files.describe(), "where uploaded files are kept");
            if let Err(e) = settings.files.check().await {
                // Not fatal: uploads and downloads answer 503 until the store answers.
                tracing::warn!(error = %e, "the file storage does not answer yet");
            }
            let store = open(&args.db).await?.with_cache_ttl(std::time::Duration::from_secs(args.cache_seconds));
            if args.demo {
                if demo::load(&store).await.map_err(|e| e.to_string())? {
                    tracing::info!("demo school loaded");
                } else {
                    tracing::info!("the database is not empty; the demo data was left as it is");
                }
            }
            let running = app::start(store, settings, &args.bind, args.workers)
                .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
            println!("Usul listens on http://{}", running.addr);
            println!(
                "Swagger UI: http://{}/swagger-ui/   contract: http://{}/api-docs/openapi.json",
                running.addr, running.addr
            );
            if args.demo {
                println!("{}", demo::logins());
            }
            running.server.await.map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

#[actix_web::main]
async fn main() -> ExitCode {
    tune_malloc();
    init_tracing();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("usul: {e}");
            ExitCode::FAILURE
        }
    }
}
