//! The `usul` command line: configuration checks, migrations, the demo loader, the contract.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn usul(args: &[&str], db: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_usul"))
        .args(args)
        .env("USUL_DATABASE_URL", db)
        .env_remove("USUL_JWT_SECRET")
        .env("USUL_LOG", "warn")
        .output()
        .expect("run usul")
}

struct TempDb(String);

impl TempDb {
    fn new() -> Self {
        Self(
            std::env::temp_dir()
                .join(format!("usul-cli-{}.db", uuid::Uuid::new_v4().simple()))
                .to_string_lossy()
                .into_owned(),
        )
    }
    fn url(&self) -> String {
        format!("sqlite://{}?mode=rwc", self.0)
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0));
        }
    }
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn serve_refuses_to_start_without_a_jwt_secret() {
    let db = TempDb::new();
    let out = usul(&["serve", "--bind", "127.0.0.1:0"], &db.url());
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("USUL_JWT_SECRET is required"), "{}", text(&out.stderr));
}

#[test]
fn serve_refuses_a_short_jwt_secret() {
    let db = TempDb::new();
    let out = usul(&["serve", "--bind", "127.0.0.1:0", "--jwt-secret", "too-short"], &db.url());
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("at least 32 bytes"), "{}", text(&out.stderr));
}

#[test]
fn the_demo_loads_once_into_an_empty_database() {
    let db = TempDb::new();
    let first = usul(&["demo"], &db.url());
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("director@demo.usul.kg"));
    let second = usul(&["demo"], &db.url());
    assert!(second.status.success());
    assert!(text(&second.stdout).contains("not empty"), "{}", text(&second.stdout));
}

#[test]
fn create_admin_validates_and_refuses_a_taken_email() {
    let db = TempDb::new();
    assert!(usul(&["migrate"], &db.url()).status.success());
    let bad = usul(&["create-admin", "--email", "nope", "--password", "long-enough-pw"], &db.url());
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("--email"));
    let ok = usul(&["create-admin", "--email", "root@usul.kg", "--password", "long-enough-pw"], &db.url());
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let again = usul(&["create-admin", "--email", "ROOT@usul.kg", "--password", "long-enough-pw"], &db.url());
    assert!(!again.status.success(), "the e-mail is taken case-insensitively");
}

#[test]
fn openapi_prints_the_contract() {
    let out = Command::new(env!("CARGO_BIN_EXE_usul")).arg("openapi").output().expect("run");
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
}

#[test]
fn generate_fills_a_district_with_valid_schools_and_refuses_nonsense_sizes() {
    let db = TempDb::new();
    let out = usul(&["generate", "--schools", "2", "--staff", "12", "--items", "30", "--activities", "20"], &db.url());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("school 2/2") && said.contains("Generated 2 school(s)"), "{said}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = usul_persistence::Store::connect(&db.url()).await.unwrap();
        let schools = store
            .list_schools(None, None, None, usul_persistence::PageRequest { after: None, limit: 10 })
            .await
            .unwrap()
            .items;
        assert_eq!(schools.len(), 2);
        let year = usul_domain::year::AcademicYear::parse("2022-2023").unwrap();
        let rows = store.district_summary(schools[0].district, year).await.unwrap();
        assert_eq!(rows.len(), 2, "both in one district");
        assert!(rows.iter().all(|r| r.plan_progress.len() == 30 && r.teachers == 12 && r.commissions > 0));
    });
    for bad in [["--staff", "2"], ["--schools", "0"], ["--items", "-1"]] {
        let out = usul(&["generate", bad[0], bad[1]], &db.url());
        assert!(!out.status.success(), "{bad:?} accepted");
    }
}
