//! The district's own support: its methodologist records events and visits to schools;
//! the district summary and the school's report show the support received.

use reqwest::StatusCode;
use serde_json::json;
use usul_tests::spawn_app;

#[tokio::test]
async fn the_district_records_a_visit_and_the_summary_and_the_school_report_show_it_r_3_1() {
    let app = spawn_app().await;
    let m = app.login("methodist@demo.usul.kg").await;
    let district = app.get("/api/v1/me", &m).await.body["district"]["id"].as_str().unwrap().to_owned();
    let school = app.demo_school().await;
    let events = format!("/api/v1/districts/{district}/support-events");
    let demo = app.get(&format!("{events}?year=2022-2023"), &m).await;
    assert_eq!(demo.status, StatusCode::OK, "{}", demo.text);
    assert_eq!(demo.body["items"].as_array().unwrap().len(), 2, "the demo's seminar and visit");
    let summary = format!("/api/v1/districts/{district}/summary?year=2022-2023");
    let row = |body: &serde_json::Value| {
        body["schools"].as_array().unwrap().iter().find(|r| r["school_id"] == school.as_str()).unwrap()["support_received"].clone()
    };
    assert_eq!(row(&app.get(&summary, &m).await.body), 2);

    let visit = app
        .post(
            &events,
            &m,
            &json!({"date": "2023-04-05", "form": "school_visit", "topic": "Ачык сабактарды талдоо",
                "school_ids": [school], "participants": [{"school_id": school, "teachers": 4}]}),
        )
        .await;
    assert_eq!(visit.status, StatusCode::CREATED, "{}", visit.text);
    assert_eq!((visit.body["year"].clone(), visit.body["teachers"].clone()), (json!("2022-2023"), json!(4)));
    assert_eq!(row(&app.get(&summary, &m).await.body), 3);

    // The school's report counts the support when its figures are taken: a draft refreshed now.
    let deputy = app.login("deputy@demo.usul.kg").await;
    let reports = app.get("/api/v1/reports?kind=school&year=2022-2023", &deputy).await;
    let report = &reports.body["items"][0];
    let lines = report["figures"]["support_received"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "frozen at submission: the demo's two, {}", reports.text);
    assert_eq!(lines[0]["form"], "practical_seminar");
    let director = app.login("director@demo.usul.kg").await;
    let id = report["id"].as_str().unwrap();
    let back = app.post(&format!("/api/v1/reports/{id}/return"), &director, &json!({"comment": "Толуктаңыз."})).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    let refreshed = app.post(&format!("/api/v1/reports/{id}/refresh"), &deputy, &json!({})).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    let lines = refreshed.body["figures"]["support_received"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!((lines[2]["topic"].clone(), lines[2]["served"].clone()), (json!("Ачык сабактарды талдоо"), json!(true)));
    let doc = app.get(&format!("/api/v1/reports/{id}/document?lang=ru"), &deputy).await;
    assert!(
        doc.text.contains("Методическая поддержка отдела образования") && doc.text.contains("Ачык сабактарды талдоо")
    );
}

#[tokio::test]
async fn only_the_districts_methodologist_records_support_for_its_own_schools_r_3_1() {
    let app = spawn_app().await;
    let m = app.login("methodist@demo.usul.kg").await;
    let district = app.get("/api/v1/me", &m).await.body["district"]["id"].as_str().unwrap().to_owned();
    let school = app.demo_school().await;
    let events = format!("/api/v1/districts/{district}/support-events");
    let (other_district, other_school, other_director) = app.other_school().await;
    let before = app.get(&format!("{events}?year=2022-2023"), &m).await.body["items"].as_array().unwrap().len();
    let bad = app
        .post(
            &events,
            &m,
            &json!({"date": "2099-01-01", "form": "picnic", "topic": "Тема",
                "school_ids": [school, other_school], "participants": [{"school_id": school, "teachers": 0}]}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, ["date", "form", "participants[0].teachers", "school_ids[1]"]);
    assert_eq!(
        app.get(&format!("{events}?year=2022-2023"), &m).await.body["items"].as_array().unwrap().len(),
        before,
        "nothing stored"
    );
    let good = json!({"date": "2023-01-12", "form": "master_class", "topic": "Тема", "school_ids": [school]});
    for who in ["director@demo.usul.kg", "deputy@demo.usul.kg", "ministry@demo.usul.kg", "admin@demo.usul.kg"] {
        let token = app.login(who).await;
        app.post(&events, &token, &good).await.assert_problem(403, "forbidden");
    }
    let service = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))
        .await
        .str("access_token");
    app.post(&events, &service, &good).await.assert_problem(403, "forbidden");
    // Another district's people do not see this district; this district does not see theirs.
    app.post(&events, &other_director, &good).await.assert_problem(404, "not_found");
    app.get(&format!("{events}?year=2022-2023"), &other_director).await.assert_problem(404, "not_found");
    app.post(&format!("/api/v1/districts/{other_district}/support-events"), &m, &good)
        .await
        .assert_problem(404, "not_found");
    app.get(&events, &m).await.assert_problem(400, "invalid_parameter");
}
