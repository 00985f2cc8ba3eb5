//! Benchmark of a school's year-end report (R-5.4) and of the district's summary (R-3.1): fills
//! a fresh database with a district of generated schools (each 120 staff, 3,000 plan items,
//! 2,000 activities by default), then times the report's assembly for one school and the
//! summary over the district, and counts their SQL statements.
//!
//! ```text
//! cargo run --release -p usul-api --example bench_reports                     # SQLite
//! USUL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/usul_bench \
//!   cargo run --release -p usul-api --example bench_reports                   # PostgreSQL
//! ```
//!
//! `USUL_BENCH_SCHOOLS` (60), `USUL_BENCH_STAFF` (120), `USUL_BENCH_ITEMS` (3000),
//! `USUL_BENCH_ACTIVITIES` (2000) and `USUL_BENCH_RUNS` (30) change the size and the runs. The
//! PostgreSQL database must exist and be empty. The statistics are refreshed (`ANALYZE`) after
//! generating, as after any bulk load. `USUL_BENCH_DISTRICT=<id>` measures again on a district
//! generated before (with `USUL_BENCH_DATABASE_URL` naming its database).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;
use std::time::Instant;
use usul_api::cli::generate::{Size, school};
use usul_domain::report::{Scope, StoredFigures};
use usul_domain::year::AcademicYear;
use usul_persistence::Store;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn stats(mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    #[allow(clippy::cast_precision_loss)]
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    format!(
        "mean {mean:.1} ms, median {:.1} ms, p95 {:.1} ms, max {:.1} ms over {} runs",
        times[times.len() / 2],
        times[(times.len() * 95 / 100).min(times.len() - 1)],
        times[times.len() - 1],
        times.len()
    )
}

/// Where a report's time goes: each loader alone, mean over `runs`.
async fn breakdown(store: &Store, s: &usul_domain::org::School, year: AcademicYear, runs: usize) {
    use usul_domain::plan::{Owner, PlanKind};
    macro_rules! time {
        ($name:literal, $e:expr) => {{
            let t = Instant::now();
            for _ in 0..runs {
                let _ = $e.await.expect($name);
            }
            #[allow(clippy::cast_precision_loss)]
            let ms = t.elapsed().as_secs_f64() * 1000.0 / runs as f64;
            format!("{} {ms:.1} ms", $name)
        }};
    }
    let parts = [
        time!("staff", store.active_school_staff(s.id)),
        time!("activities and participation", store.activities_and_participation(s.id, year)),
        time!("materials", store.material_facts(s.id, year)),
        time!("meetings", store.meeting_facts(s.id, year)),
        time!("grades", store.quality_rows(s.id, year)),
        time!("plan", store.year_plan_facts(PlanKind::School, Owner::School(s.id), year)),
    ];
    println!("  of which: {}", parts.join(", "));
}

#[tokio::main]
async fn main() {
    let schools = env("USUL_BENCH_SCHOOLS", 60);
    let runs = env("USUL_BENCH_RUNS", 30);
    let size = Size {
        staff: env("USUL_BENCH_STAFF", 120),
        items: env("USUL_BENCH_ITEMS", 3000),
        activities: env("USUL_BENCH_ACTIVITIES", 2000),
    };
    let path = std::env::temp_dir().join(format!("usul-bench-{}.db", uuid::Uuid::new_v4().simple()));
    let url =
        std::env::var("USUL_BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", path.display()));
    let (store, counter): (Store, _) = Store::connect_counted(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let started = Instant::now();
    let (first, district) = if let Ok(d) = std::env::var("USUL_BENCH_DISTRICT") {
        // Measure again on a district generated before.
        let d = usul_domain::ids::DistrictId::from_uuid(d.parse().expect("USUL_BENCH_DISTRICT is a uuid"));
        let page = usul_persistence::PageRequest { after: None, limit: 1 };
        (store.list_schools(Some(d), None, None, page).await.expect("schools").items.remove(0), d)
    } else {
        let tag = uuid::Uuid::new_v4().simple().to_string()[..6].to_owned();
        let mut first = None;
        let mut district = None;
        for k in 0..schools {
            let s = school(&store, district, &format!("{tag}-{k}"), size, 1000 + k as u64).await.expect("generate");
            district = Some(s.district);
            first.get_or_insert(s);
        }
        println!(
            "generated {schools} schools of {} staff, {} plan items and {} activities in {:.1} s (district {})",
            size.staff,
            size.items,
            size.activities,
            started.elapsed().as_secs_f64(),
            district.expect("a district")
        );
        (first.expect("a school"), district.expect("a district"))
    };
    // As a database after a bulk load: the planner's statistics refreshed.
    store.analyze().await.expect("analyze");
    let year = AcademicYear::parse("2022-2023").expect("year");

    let today = chrono::Utc::now().date_naive();
    let figures = async || store.report_figures(first.id, &Scope::School, year, today).await;
    let _ = figures().await.expect("warm up");
    let (mut times, mut queries) = (Vec::new(), 0);
    for _ in 0..runs {
        let before = counter.load(Ordering::Relaxed);
        let t = Instant::now();
        let StoredFigures::V1(f) = figures().await.expect("report");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        queries = counter.load(Ordering::Relaxed) - before;
        assert_eq!(f.plan.as_ref().map(|p| p.items as usize), Some(size.items));
    }
    println!("school report assembly: {queries} SQL statements; {}", stats(times));
    breakdown(&store, &first, year, runs).await;

    let _ = store.district_summary(district, year).await.expect("warm up");
    let (mut times, mut queries) = (Vec::new(), 0);
    for _ in 0..runs {
        let before = counter.load(Ordering::Relaxed);
        let t = Instant::now();
        let rows = store.district_summary(district, year).await.expect("summary");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        queries = counter.load(Ordering::Relaxed) - before;
        assert!(!rows.is_empty());
    }
    let n = store.district_summary(district, year).await.expect("summary").len();
    println!("district summary over {n} schools: {queries} SQL statements; {}", stats(times));
    let _ = std::fs::remove_file(&path);
}
