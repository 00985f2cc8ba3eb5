//! The events feed: every audited change is an event, written with the change, read in order
//! by those who may see it.

use crate::plans::{act, add_item, create, ok, setup, theme_2023};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

/// Every event the caller can read, following `next_cursor` page by page (`limit` each).
pub(crate) async fn all_events(app: &TestApp, token: &str, limit: u32) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(c) => format!("/api/v1/events?limit={limit}&after={c}"),
            None => format!("/api/v1/events?limit={limit}"),
        };
        let a = app.get(&path, token).await;
        assert_eq!(a.status.as_u16(), 200, "{}", a.text);
        let items = a.body["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            return out;
        }
        after = a.body["next_cursor"].as_str().map(str::to_owned);
        out.extend(items);
    }
}

/// An individual plan taken through submit, agree and approve; returns the plan.
pub(crate) async fn approved_plan(app: &TestApp) -> Value {
    let s = setup(app).await;
    theme_2023(app, &s).await;
    let teacher = app.login("n.isakov@demo.usul.kg").await;
    let id = app.staff_id("n.isakov@demo.usul.kg").await;
    let p = create(app, &teacher, json!({"kind": "individual", "year": "2023-2024", "title": "Жекече план", "personal_theme": "Тарыхый булактар"})).await;
    add_item(app, &teacher, &p, "Семинар", "2024-03-01", &[&id]).await;
    ok(app, &teacher, &p, "submit", json!({})).await;
    ok(app, &s.deputy, &p, "agree", json!({})).await;
    ok(app, &s.deputy, &p, "approve", json!({})).await;
    p
}

fn of_resource<'a>(events: &'a [Value], id: &str) -> Vec<&'a str> {
    events.iter().filter(|e| e["resource"]["id"] == id).filter_map(|e| e["type"].as_str()).collect()
}

#[tokio::test]
async fn every_step_of_a_plan_is_an_event_in_the_feed_in_the_order_it_happened() {
    let app = spawn_app().await;
    let p = approved_plan(&app).await;
    let plan = p["id"].as_str().unwrap();
    let deputy = app.login("deputy@demo.usul.kg").await;
    // Read in pages of three: the cursor carries on without loss or repetition.
    let events = all_events(&app, &deputy, 3).await;
    let ids: std::collections::HashSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), events.len(), "no event twice");
    assert_eq!(
        of_resource(&events, plan),
        ["plan.created", "plan.items_changed", "plan.submitted", "plan.agreed", "plan.approved"]
    );
    let approved = events.iter().find(|e| e["type"] == "plan.approved" && e["resource"]["id"] == plan).unwrap();
    assert_eq!(approved["resource"]["kind"], "plan");
    assert_eq!(approved["resource"]["href"], format!("/api/v1/plans/{plan}"));
    assert_eq!(approved["school_id"], json!(app.demo_school().await));
    assert!(approved["district_id"].is_string(), "{approved}");
    assert_eq!(approved["data"]["action"], "plan.approve");
    assert_eq!(approved["data"]["actor_id"], json!(app.staff_id("deputy@demo.usul.kg").await));
    // Ordered by the time written, compared as times: RFC 3339 drops trailing zeros of the
    // fraction (`11.318Z` comes after `11.317901Z` but sorts before it as text).
    let times: Vec<chrono::DateTime<chrono::Utc>> = events
        .iter()
        .filter_map(|e| e["occurred_at"].as_str())
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted);
    // An empty page keeps the cursor, so the same call polls.
    let last = app.get("/api/v1/events?limit=200", &deputy).await;
    let cursor = last.str("next_cursor");
    let after = app.get(&format!("/api/v1/events?after={cursor}"), &deputy).await;
    assert_eq!(after.body["items"], json!([]));
    assert_eq!(after.str("next_cursor"), cursor);
}

#[tokio::test]
async fn a_refused_change_writes_no_event() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let before = all_events(&app, &deputy, 200).await.len();
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.post("/api/v1/plans", &teacher, &json!({"kind": "school", "year": "2023-2024", "title": "x"}))
        .await
        .assert_problem(403, "forbidden");
    let school = app.demo_school().await;
    app.post(&format!("/api/v1/schools/{school}/subjects"), &deputy, &json!({"name": ""}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(all_events(&app, &deputy, 200).await.len(), before);
}

#[tokio::test]
async fn another_schools_events_are_absent_from_the_feed_and_teachers_read_none() {
    let app = spawn_app().await;
    let (other_district, other_school, other_director) = app.other_school().await;
    let demo_school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let mine = all_events(&app, &director, 200).await;
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|e| e["school_id"] == demo_school.as_str()), "only the demo school's events");
    let theirs = all_events(&app, &other_director, 200).await;
    assert!(theirs.iter().any(|e| e["type"] == "staff.created"), "their director's creation is their event");
    assert!(theirs.iter().all(|e| e["school_id"] == other_school.as_str()));
    // The demo district's methodologist reads the demo schools, not the other district.
    let methodist = app.login("methodist@demo.usul.kg").await;
    let district = all_events(&app, &methodist, 200).await;
    assert!(district.iter().any(|e| e["school_id"] == demo_school.as_str()));
    assert!(
        district.iter().all(|e| e["district_id"] != other_district.as_str() && e["school_id"] != other_school.as_str())
    );
    // The ministry reads both.
    let ministry = app.login("ministry@demo.usul.kg").await;
    let all = all_events(&app, &ministry, 200).await;
    assert!(all.iter().any(|e| e["school_id"] == other_school.as_str()));
    assert!(all.iter().any(|e| e["school_id"] == demo_school.as_str()));
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.get("/api/v1/events", &teacher).await.assert_problem(403, "forbidden");
    app.send(app.request(reqwest::Method::GET, "/api/v1/events", None)).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_malformed_events_cursor_is_refused_and_one_past_the_retention_is_gone() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    for bad in ["x", "c1000", "ev1.zz.00", "ev1.00062b4c1d2e3f40.nothex"] {
        let a = app.get(&format!("/api/v1/events?after={bad}"), &director).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), ["after"], "{bad}");
    }
    app.get("/api/v1/events?limit=0", &director).await.assert_problem(400, "invalid_parameter");
    app.get("/api/v1/events?since=1", &director).await.assert_problem(400, "invalid_parameter");
    let old = chrono::Utc::now() - chrono::Duration::days(31);
    let cursor = format!("ev1.{:016x}.{}", old.timestamp_micros(), uuid::Uuid::now_v7().simple());
    app.get(&format!("/api/v1/events?after={cursor}"), &director).await.assert_problem(410, "event_cursor_expired");
}

#[tokio::test]
async fn a_returned_plan_is_a_plan_returned_event() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    theme_2023(&app, &s).await;
    let teacher = app.login("n.isakov@demo.usul.kg").await;
    let id = app.staff_id("n.isakov@demo.usul.kg").await;
    let p = create(
        &app,
        &teacher,
        json!({"kind": "individual", "year": "2023-2024", "title": "План", "personal_theme": "Тема"}),
    )
    .await;
    add_item(&app, &teacher, &p, "Семинар", "2024-03-01", &[&id]).await;
    ok(&app, &teacher, &p, "submit", json!({})).await;
    let r = act(&app, &s.deputy, &p, "return", json!({"comment": "Толуктаңыз"})).await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let events = all_events(&app, &s.deputy, 200).await;
    assert_eq!(of_resource(&events, p["id"].as_str().unwrap()).last(), Some(&"plan.returned"));
}

#[tokio::test]
async fn each_subject_an_import_adds_is_a_subject_created_event_issue_15() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let path = format!("/api/v1/schools/{school}/subjects/import");
    let a = app
        .send(
            app.request(reqwest::Method::POST, &path, Some(&director))
                .header("content-type", "text/csv")
                .body("name\nАстрономия\nЧийме\n"),
        )
        .await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text);
    let events = all_events(&app, &director, 200).await;
    let imported: Vec<&Value> =
        events.iter().filter(|e| e["type"] == "subject.created" && e["data"]["actor_kind"] == "staff").collect();
    assert_eq!(imported.len(), 2, "one event per subject added");
    for e in imported {
        assert_eq!(e["data"]["summary"], "subject list imported: 2 added");
        assert_eq!(e["school_id"], json!(school));
    }
}
