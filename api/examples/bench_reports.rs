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
//! PostgreSQL database must exist and be empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;
use std::time::Instant;
use usul_api::generate::{Size, school};
use usul_api::routes::reports::figures;
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
    let tag = uuid::Uuid::new_v4().simple().to_string()[..6].to_owned();
    let mut first = None;
    let mut district = None;
    for k in 0..schools {
        let s = school(&store, district, &format!("{tag}-{k}"), size, 1000 + k as u64).await.expect("generate");
        district = Some(s.district);
        first.get_or_insert(s);
    }
    let (first, district) = (first.expect("a school"), district.expect("a district"));
    println!(
        "generated {schools} schools of {} staff, {} plan items and {} activities in {:.1} s",
        size.staff,
        size.items,
        size.activities,
        started.elapsed().as_secs_f64()
    );
    let year = AcademicYear::parse("2022-2023").expect("year");

    let _ = figures(&store, &first, None, year).await.expect("warm up");
    let (mut times, mut queries) = (Vec::new(), 0);
    for _ in 0..runs {
        let before = counter.load(Ordering::Relaxed);
        let t = Instant::now();
        let f = figures(&store, &first, None, year).await.expect("report");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        queries = counter.load(Ordering::Relaxed) - before;
        assert_eq!(f.plan.as_ref().map(|p| p.items as usize), Some(size.items));
    }
    println!("school report assembly: {queries} SQL statements; {}", stats(times));

    let _ = store.district_summary(district, year).await.expect("warm up");
    let (mut times, mut queries) = (Vec::new(), 0);
    for _ in 0..runs {
        let before = counter.load(Ordering::Relaxed);
        let t = Instant::now();
        let rows = store.district_summary(district, year).await.expect("summary");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        queries = counter.load(Ordering::Relaxed) - before;
        assert_eq!(rows.len(), schools);
    }
    println!("district summary over {schools} schools: {queries} SQL statements; {}", stats(times));
    let _ = std::fs::remove_file(&path);
}
