//! Benchmark of the participation figures (R-1.3) for a school of 120 staff and 2,000
//! activities: generates the school into a fresh database, then times the computation and
//! counts its SQL statements.
//!
//! ```text
//! cargo run --release -p usul-api --example bench_participation               # SQLite
//! USUL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/usul_bench \
//!   cargo run --release -p usul-api --example bench_participation             # PostgreSQL
//! ```
//!
//! `USUL_BENCH_STAFF` and `USUL_BENCH_ACTIVITIES` change the size; runs: 30.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;
use std::time::Instant;
use usul_api::cli::generate::{Size, school};
use usul_domain::year::AcademicYear;
use usul_persistence::Store;

#[tokio::main]
async fn main() {
    let size = Size {
        staff: std::env::var("USUL_BENCH_STAFF").ok().and_then(|v| v.parse().ok()).unwrap_or(120),
        activities: std::env::var("USUL_BENCH_ACTIVITIES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        items: 0,
    };
    let path = std::env::temp_dir().join(format!("usul-bench-{}.db", uuid::Uuid::new_v4().simple()));
    let url =
        std::env::var("USUL_BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", path.display()));
    let (store, counter) = Store::connect_counted(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let started = Instant::now();
    let s = school(&store, None, &uuid::Uuid::new_v4().simple().to_string()[..8], size, 42).await.expect("generate");
    println!(
        "generated {} staff and {} activities in {:.1} s",
        size.staff,
        size.activities,
        started.elapsed().as_secs_f64()
    );
    let year = AcademicYear::parse("2022-2023").expect("year");
    let _ = store.participation(s.id, year).await.expect("warm up");
    let mut times = Vec::new();
    let mut queries = 0;
    for _ in 0..30 {
        let before = counter.load(Ordering::Relaxed);
        let t = Instant::now();
        let figures = store.participation(s.id, year).await.expect("participation");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        queries = counter.load(Ordering::Relaxed) - before;
        assert!(figures.len() <= size.staff);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "participation: {queries} SQL statements per computation; mean {mean:.1} ms, median {:.1} ms, p95 {:.1} ms over {} runs",
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        times.len()
    );
    let _ = std::fs::remove_file(&path);
}
