//! The `usul` command: serve the API, migrate, create an administrator, load the demo, print
//! the contract.

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;
use usul_api::config::{DbArgs, ServeArgs, Settings};
use usul_api::{app, auth, demo, openapi};
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
    Serve(ServeArgs),
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
    /// Print the OpenAPI contract (as committed in openapi/openapi.json).
    Openapi,
}

fn init_tracing() {
    let filter = EnvFilter::try_from_env("USUL_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
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
            let store = open(&args.db).await?;
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
    init_tracing();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("usul: {e}");
            ExitCode::FAILURE
        }
    }
}
