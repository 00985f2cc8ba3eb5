//! Protocol numbers follow the meetings' dates (R-5.3, issue 11 point 5): the number is given
//! when a meeting is held, in date order, gap-free, whatever the number of servers; a meeting
//! dated before one already held of the same body is refused, and a held meeting's date is fixed.

use reqwest::StatusCode;
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

async fn schedule(app: &TestApp, school: &str, token: &str, body: &str, date: &str) -> String {
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/meetings"),
            token,
            &json!({"body": body, "date": date, "agenda": ["Күн тартиби"]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

/// Writes a decision, chair and secretary into the minutes, so that they can be finalized.
async fn complete(app: &TestApp, token: &str, id: &str) {
    let director = app.staff_id("director@demo.usul.kg").await;
    let p = app
        .patch(
            &format!("/api/v1/meetings/{id}"),
            token,
            &json!({"decisions": [{"text": "Кабыл алынсын."}], "chair_id": director, "secretary_id": director}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
}

async fn hold(app: &TestApp, token: &str, id: &str) -> Value {
    let h = app.post(&format!("/api/v1/meetings/{id}/hold"), token, &json!({})).await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    h.body
}

#[tokio::test]
async fn protocol_numbers_follow_the_meetings_dates_not_the_order_of_finalization_r_5_3() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let body = "pedagogical_council";
    let september = schedule(&app, &school, &deputy, body, "2023-09-11").await;
    let january = schedule(&app, &school, &deputy, body, "2024-01-08").await;
    let march = schedule(&app, &school, &deputy, body, "2024-03-25").await;
    // Held in the order they took place, each takes its number then.
    let first = hold(&app, &deputy, &september).await;
    assert_eq!(first["protocol_number"], 1, "numbered when held");
    assert_eq!(hold(&app, &deputy, &january).await["protocol_number"], 2);
    assert_eq!(hold(&app, &deputy, &march).await["protocol_number"], 3);
    // Finalized in another order, the numbers stay those of the dates.
    for (id, number) in [(&march, 3), (&september, 1), (&january, 2)] {
        complete(&app, &deputy, id).await;
        let f = app.post(&format!("/api/v1/meetings/{id}/finalize"), &deputy, &json!({})).await;
        assert_eq!(f.status, StatusCode::OK, "{}", f.text);
        assert_eq!(f.body["protocol_number"], number, "{}", f.text);
    }
}

#[tokio::test]
async fn a_meeting_dated_before_one_already_held_is_refused_naming_it_and_nothing_is_stored_r_5_3() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let body = "methodological_council";
    let january = schedule(&app, &school, &deputy, body, "2024-01-08").await;
    let march = schedule(&app, &school, &deputy, body, "2024-03-25").await;
    assert_eq!(hold(&app, &deputy, &march).await["protocol_number"], 1);
    let before = app.get(&format!("/api/v1/meetings/{january}"), &deputy).await.body;
    let late = app.post(&format!("/api/v1/meetings/{january}/hold"), &deputy, &json!({})).await;
    late.assert_problem(422, "meeting_held_out_of_order");
    assert_eq!(late.body["latest_held"], json!({"protocol_number": 1, "date": "2024-03-25"}), "{}", late.text);
    assert_eq!(late.body["errors"][0]["rule"], "R-5.3");
    assert_eq!(late.body["errors"][0]["field"], "date");
    let after = app.get(&format!("/api/v1/meetings/{january}"), &deputy).await.body;
    assert_eq!(after, before, "nothing stored");
    assert_eq!((after["status"].as_str(), after["protocol_number"].clone()), (Some("scheduled"), Value::Null));
    // Another body's sequence is its own: the pedagogical council of 8 January is held as its №1.
    let council = schedule(&app, &school, &deputy, "pedagogical_council", "2024-01-08").await;
    assert_eq!(hold(&app, &deputy, &council).await["protocol_number"], 1);
    // A meeting of the same date as the latest held is numbered after it.
    let same_day = schedule(&app, &school, &deputy, body, "2024-03-25").await;
    assert_eq!(hold(&app, &deputy, &same_day).await["protocol_number"], 2);
}

#[tokio::test]
async fn a_held_meetings_date_is_fixed_and_a_scheduled_one_is_re_dated_freely_r_5_3() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let id = schedule(&app, &school, &deputy, "pedagogical_council", "2023-10-02").await;
    let moved = app.patch(&format!("/api/v1/meetings/{id}"), &deputy, &json!({"date": "2023-10-03"})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    hold(&app, &deputy, &id).await;
    let before = app.get(&format!("/api/v1/meetings/{id}"), &deputy).await.body;
    let refused =
        app.patch(&format!("/api/v1/meetings/{id}"), &deputy, &json!({"date": "2023-10-04", "notes": "x"})).await;
    refused.assert_problem(422, "meeting_date_fixed");
    assert_eq!(refused.body["held_on"], "2023-10-03");
    assert_eq!(refused.body["errors"][0]["rule"], "R-5.3");
    assert_eq!(app.get(&format!("/api/v1/meetings/{id}"), &deputy).await.body, before, "nothing stored");
    let same =
        app.patch(&format!("/api/v1/meetings/{id}"), &deputy, &json!({"date": "2023-10-03", "notes": "y"})).await;
    assert_eq!(same.status, StatusCode::OK, "the same date is no change: {}", same.text);
}

/// Sends `POST /meetings/{id}/{step}` to the server at `base`.
async fn step(app: &TestApp, token: &str, base: String, id: String, step: &'static str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(format!("{base}/api/v1/meetings/{id}/{step}"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json::<Value>().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn protocol_numbers_have_no_gap_or_duplicate_when_two_servers_hold_and_finalize_at_once_r_5_3() {
    let app = spawn_app().await;
    let twin = app.twin().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        // One date: every hold may succeed, in whatever order the servers take them.
        let id = schedule(&app, &school, &deputy, "methodological_council", "2023-09-11").await;
        complete(&app, &deputy, &id).await;
        ids.push(id);
    }
    let (a, b) = (app.address.clone(), twin.address.clone());
    let held = tokio::join!(
        step(&app, &deputy, a.clone(), ids[0].clone(), "hold"),
        step(&app, &deputy, b.clone(), ids[1].clone(), "hold"),
        step(&app, &deputy, a.clone(), ids[2].clone(), "hold"),
        step(&app, &deputy, b.clone(), ids[3].clone(), "hold"),
    );
    let mut numbers = Vec::new();
    for (status, body) in [held.0, held.1, held.2, held.3] {
        assert_eq!(status, StatusCode::OK, "{body}");
        numbers.push(body["protocol_number"].as_u64().unwrap());
    }
    let finalized = tokio::join!(
        step(&app, &deputy, b.clone(), ids[0].clone(), "finalize"),
        step(&app, &deputy, a.clone(), ids[1].clone(), "finalize"),
        step(&app, &deputy, b.clone(), ids[2].clone(), "finalize"),
        step(&app, &deputy, a.clone(), ids[3].clone(), "finalize"),
    );
    for ((status, body), number) in [finalized.0, finalized.1, finalized.2, finalized.3].into_iter().zip(&numbers) {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["protocol_number"].as_u64(), Some(*number), "finalizing keeps the number");
    }
    numbers.sort_unstable();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
}

#[tokio::test]
async fn concurrent_holds_of_different_dates_number_only_in_date_order_without_gaps_r_5_3() {
    let app = spawn_app().await;
    let twin = app.twin().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let days = ["2023-09-11", "2023-09-12", "2023-09-13", "2023-09-14"];
    let mut ids = Vec::new();
    for day in days {
        ids.push(schedule(&app, &school, &deputy, "methodological_council", day).await);
    }
    let (a, b) = (app.address.clone(), twin.address.clone());
    let held = tokio::join!(
        step(&app, &deputy, a.clone(), ids[0].clone(), "hold"),
        step(&app, &deputy, b.clone(), ids[1].clone(), "hold"),
        step(&app, &deputy, a.clone(), ids[2].clone(), "hold"),
        step(&app, &deputy, b.clone(), ids[3].clone(), "hold"),
    );
    let mut numbered: Vec<(&str, u64)> = Vec::new();
    for (day, (status, body)) in days.iter().zip([held.0, held.1, held.2, held.3]) {
        match status {
            StatusCode::OK => numbered.push((day, body["protocol_number"].as_u64().unwrap())),
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(body["code"], "meeting_held_out_of_order", "{body}");
                let later = body["latest_held"]["date"].as_str().unwrap();
                assert!(later > *day, "refused only for a later meeting held: {body}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    // The latest meeting is never refused; the numbers given are 1..k in the order of dates.
    assert_eq!(numbered.last().map(|(d, _)| *d), Some("2023-09-14"), "{numbered:?}");
    let numbers: Vec<u64> = numbered.iter().map(|(_, n)| *n).collect();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>(), "in date order, gap-free: {numbered:?}");
    let listed = app
        .get(&format!("/api/v1/schools/{school}/meetings?body=methodological_council&year=2023-2024"), &deputy)
        .await;
    let mut stored: Vec<u64> =
        listed.body["items"].as_array().unwrap().iter().filter_map(|m| m["protocol_number"].as_u64()).collect();
    stored.sort_unstable();
    assert_eq!(stored, (1..=numbers.len() as u64).collect::<Vec<_>>(), "stored as answered");
}
