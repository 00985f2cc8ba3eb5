//! Delta sync: a server-issued `sync_token`, what it returns (changes, rows committed late
//! by a slow write, deletions as tombstones), how bad tokens are refused, and unknown query
//! parameters answering 400.

use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

async fn db(app: &TestApp) -> DatabaseConnection {
    Database::connect(&app.db_url).await.unwrap()
}

/// Sets `updated_at` of `table`'s rows (all, or one id) as a write at `at` would have.
async fn stamp(db: &DatabaseConnection, table: &str, id: Option<&str>, at: DateTime<Utc>) {
    let backend = db.get_database_backend();
    let p = |n: usize| if backend == DbBackend::Postgres { format!("${n}") } else { "?".to_owned() };
    let (sql, values): (String, Vec<sea_orm::Value>) = match id {
        Some(id) => (
            format!("UPDATE {table} SET updated_at = {} WHERE id = {}", p(1), p(2)),
            vec![at.into(), uuid::Uuid::parse_str(id).unwrap().into()],
        ),
        None => (format!("UPDATE {table} SET updated_at = {}", p(1)), vec![at.into()]),
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.unwrap();
}

fn ids(a: &Value) -> Vec<String> {
    a["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

/// The watermark a token carries.
fn watermark(token: &str) -> DateTime<Utc> {
    let micros = i64::from_str_radix(token.strip_prefix("st1.").unwrap(), 16).unwrap();
    Utc.timestamp_micros(micros).single().unwrap()
}

async fn staff_page(app: &TestApp, school: &str, token: &str, query: &str) -> usul_tests::Answer {
    let limit = if query.contains("limit=") { "" } else { "limit=200" };
    let a = app.get(&format!("/api/v1/schools/{school}/staff?{limit}{query}"), token).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a
}

#[tokio::test]
async fn a_sync_token_returns_only_what_changed_since_the_read_that_issued_it() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let db = db(&app).await;
    stamp(&db, "staff", None, Utc::now() - Duration::hours(2)).await;
    let full = staff_page(&app, &school, &director, "").await;
    assert!(ids(&full.body).len() > 3);
    assert!(full.body.get("deleted").is_none(), "a full read lists no deletions");
    let token = full.str("sync_token");
    assert!(watermark(&token) <= Utc::now() - Duration::seconds(usul_api::sync::WINDOW_SECONDS));
    let none = staff_page(&app, &school, &director, &format!("&sync_token={token}")).await;
    assert_eq!(ids(&none.body), Vec::<String>::new(), "nothing changed: {}", none.text);
    assert_eq!(none.body["deleted"], json!([]));
    let teacher = app.staff_id("a.usenova@demo.usul.kg").await;
    let e =
        app.patch(&format!("/api/v1/staff/{teacher}"), &director, &json!({"qualification_category": "first"})).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    let changed = staff_page(&app, &school, &director, &format!("&sync_token={token}")).await;
    assert_eq!(ids(&changed.body), vec![teacher.clone()]);
    assert_eq!(changed.body["items"][0]["qualification_category"], "first");
    // Only a first page issues a token; later pages keep the first one's.
    let paged = staff_page(&app, &school, &director, "limit=2").await;
    let next = paged.body["next_cursor"].as_str().unwrap().to_owned();
    let second = staff_page(&app, &school, &director, &format!("limit=2&cursor={next}")).await;
    assert!(second.body.get("sync_token").is_none(), "{}", second.text);
}

#[tokio::test]
async fn a_row_committed_after_the_read_but_stamped_before_it_is_not_missed() {
    // A slow write: it stamped its row two minutes before the read began and committed after
    // it. Reading "changed since the newest updated_at seen" would miss it; the token does not.
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let db = db(&app).await;
    stamp(&db, "staff", None, Utc::now() - Duration::hours(2)).await;
    let begun = Utc::now();
    let full = staff_page(&app, &school, &director, "").await;
    let token = full.str("sync_token");
    let newest_seen = Utc::now() - Duration::hours(2);
    let teacher = app.staff_id("b.toktogulov@demo.usul.kg").await;
    let late = begun - Duration::minutes(2);
    assert!(late > newest_seen);
    stamp(&db, "staff", Some(&teacher), late).await;
    let next = staff_page(&app, &school, &director, &format!("&sync_token={token}")).await;
    assert_eq!(ids(&next.body), vec![teacher]);
}

#[tokio::test]
async fn on_postgresql_the_token_stays_behind_a_write_still_open() {
    let app = spawn_app().await;
    let db = db(&app).await;
    if db.get_database_backend() != DbBackend::Postgres {
        return; // SQLite has one writer at a time; the window alone covers it.
    }
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let teacher = app.staff_id("a.usenova@demo.usul.kg").await;
    // A write transaction left open on another connection.
    let txn = db.begin().await.unwrap();
    let started: DateTime<Utc> = txn
        .query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT now() AS t"))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "t")
        .unwrap();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "UPDATE staff SET updated_at = $1 WHERE id = $2",
        [started.into(), uuid::Uuid::parse_str(&teacher).unwrap().into()],
    ))
    .await
    .unwrap();
    let full = staff_page(&app, &school, &director, "").await;
    let token = full.str("sync_token");
    assert!(watermark(&token) <= started - Duration::seconds(usul_api::sync::WINDOW_SECONDS), "{token} vs {started}");
    txn.commit().await.unwrap();
    let next = staff_page(&app, &school, &director, &format!("&sync_token={token}")).await;
    assert!(ids(&next.body).contains(&teacher));
}

#[tokio::test]
async fn a_deleted_plan_shows_up_as_a_tombstone() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let db = db(&app).await;
    let draft = app
        .post("/api/v1/plans", &deputy, &json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "План"}))
        .await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.text);
    let id = draft.str("id");
    stamp(&db, "plans", None, Utc::now() - Duration::hours(2)).await;
    let full = app.get("/api/v1/plans?limit=200", &deputy).await;
    assert!(ids(&full.body).contains(&id));
    let token = full.str("sync_token");
    let gone = app.send(app.request(Method::DELETE, &format!("/api/v1/plans/{id}"), Some(&deputy))).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    let next = app.get(&format!("/api/v1/plans?sync_token={token}"), &deputy).await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.text);
    assert_eq!(ids(&next.body), Vec::<String>::new());
    assert_eq!(next.body["deleted"], json!([id]));
    // Another district sees nothing of it.
    let (_, _, other_director) = app.other_school().await;
    let elsewhere = app.get(&format!("/api/v1/plans?sync_token={token}"), &other_director).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text);
    assert_eq!(elsewhere.body["deleted"], json!([]), "{}", elsewhere.text);
}

#[tokio::test]
async fn a_malformed_token_is_400_and_one_older_than_the_tombstones_is_410() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    for bad in ["yesterday", "st1.zz", "st1.0006", "st9.0006243a9f1c2b40"] {
        let a = app.get(&format!("/api/v1/schools/{school}/staff?sync_token={bad}"), &director).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), vec!["sync_token"], "{bad}");
    }
    let old = format!("st1.{:016x}", (Utc::now() - Duration::days(40)).timestamp_micros());
    let gone = app.get(&format!("/api/v1/schools/{school}/staff?sync_token={old}"), &director).await;
    gone.assert_problem(410, "sync_token_expired");
    let future = format!("st1.{:016x}", (Utc::now() + Duration::days(1)).timestamp_micros());
    app.get(&format!("/api/v1/plans?sync_token={future}"), &director).await.assert_problem(400, "invalid_parameter");
    let fresh = format!("st1.{:016x}", Utc::now().timestamp_micros());
    let both = app
        .get(
            &format!("/api/v1/schools/{school}/staff?sync_token={fresh}&updated_since=2022-09-01T00:00:00Z"),
            &director,
        )
        .await;
    both.assert_problem(400, "invalid_parameter");
    assert_eq!(both.error_fields(), vec!["updated_since"]);
}

#[tokio::test]
async fn an_unknown_query_parameter_is_named_in_a_400() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let a = app.get(&format!("/api/v1/schools/{school}/staff?rol=teacher"), &director).await;
    a.assert_problem(400, "invalid_parameter");
    assert_eq!(a.error_fields(), vec!["rol"]);
    assert_eq!(a.body["errors"][0]["code"], "unknown_field");
    let me = app.get("/api/v1/me?verbose=1", &director).await;
    me.assert_problem(400, "invalid_parameter");
    assert_eq!(me.error_fields(), vec!["verbose"]);
    app.get("/api/v1/reports?colour=red", &director).await.assert_problem(400, "invalid_parameter");
    // Nothing is written when a write carries one.
    let before = app.count_staff().await;
    let w = app
        .post(
            &format!("/api/v1/schools/{school}/staff?dry_run=true"),
            &director,
            &json!({"last_name": "Асанова", "first_name": "Канышай", "email": "k.a@demo.usul.kg", "role": "teacher"}),
        )
        .await;
    w.assert_problem(400, "invalid_parameter");
    assert_eq!(app.count_staff().await, before);
    // Known ones still work.
    assert_eq!(
        app.get(&format!("/api/v1/schools/{school}/staff?role=teacher&limit=5"), &director).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_collection_issues_a_sync_token_and_reads_what_changed_since_it() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let me = app.staff_id("director@demo.usul.kg").await;
    let lists = [
        format!("/api/v1/schools/{school}/staff"),
        "/api/v1/plans".to_owned(),
        format!("/api/v1/schools/{school}/activities"),
        format!("/api/v1/schools/{school}/materials"),
        format!("/api/v1/schools/{school}/meetings"),
        format!("/api/v1/schools/{school}/mentorships"),
        format!("/api/v1/staff/{me}/trainings"),
        "/api/v1/reports".to_owned(),
        format!("/api/v1/schools/{school}/commissions"),
        format!("/api/v1/schools/{school}/subjects"),
        format!("/api/v1/schools/{school}/orders"),
        "/api/v1/schools".to_owned(),
        "/api/v1/districts".to_owned(),
        format!("/api/v1/schools/{school}/audit-events"),
    ];
    let mut tokens = Vec::new();
    for path in &lists {
        let full = app.get(path, &director).await;
        assert_eq!(full.status, StatusCode::OK, "{path}: {}", full.text);
        tokens.push(full.str("sync_token"));
        let old = format!("st1.{:016x}", (Utc::now() - Duration::days(40)).timestamp_micros());
        app.get(&format!("{path}?sync_token={old}"), &director).await.assert_problem(410, "sync_token_expired");
        app.get(&format!("{path}?sync_token=st1.nope"), &director).await.assert_problem(400, "invalid_parameter");
    }
    for (path, token) in lists.iter().zip(&tokens) {
        let since = app.get(&format!("{path}?sync_token={token}"), &director).await;
        assert_eq!(since.status, StatusCode::OK, "{path}: {}", since.text);
        assert_eq!(since.body["deleted"], json!([]), "{path}");
    }
    // Collections that were not filtered before: subjects (written once, by creation) and the
    // audit trail, after everything already there is made older than the window.
    let db = db(&app).await;
    let backend = db.get_database_backend();
    let two_hours_ago = Utc::now() - Duration::hours(2);
    for (table, column) in [("subjects", "created_at"), ("audit_events", "at"), ("reports", "updated_at")] {
        let p = if backend == DbBackend::Postgres { "$1" } else { "?" };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("UPDATE {table} SET {column} = {p}"),
            [two_hours_ago.into()],
        ))
        .await
        .unwrap();
    }
    let subjects = format!("/api/v1/schools/{school}/subjects");
    let token = app.get(&subjects, &director).await.str("sync_token");
    let audit = format!("/api/v1/schools/{school}/audit-events");
    let audit_token = app.get(&audit, &director).await.str("sync_token");
    let all_reports = app.get("/api/v1/reports", &director).await;
    assert!(!ids(&all_reports.body).is_empty(), "the demo has reports: {}", all_reports.text);
    let reports_token = all_reports.str("sync_token");
    let created = app.post(&subjects, &director, &json!({"name": "Музыка"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let new = app.get(&format!("{subjects}?sync_token={token}"), &director).await;
    assert_eq!(ids(&new.body), vec![created.str("id")]);
    let trail = app.get(&format!("{audit}?sync_token={audit_token}"), &director).await;
    let actions: Vec<&str> =
        trail.body["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.len(), 1, "{}", trail.text);
    assert!(actions[0].starts_with("subject"), "{actions:?}");
    let reports = app.get(&format!("/api/v1/reports?sync_token={reports_token}"), &director).await;
    assert_eq!(ids(&reports.body), Vec::<String>::new(), "{}", reports.text);
    // updated_since, which the list used to ignore, now filters it too.
    let later = (Utc::now() - Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let r = app.get(&format!("/api/v1/reports?updated_since={later}"), &director).await;
    assert_eq!(ids(&r.body), Vec::<String>::new(), "{}", r.text);
}
