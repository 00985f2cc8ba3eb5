//! A report cites the meeting that heard it, with the minutes' number in print.

use reqwest::StatusCode;
use serde_json::{Value, json};
use usul_tests::spawn_app;

fn first(list: &Value) -> &Value {
    &list["items"][0]
}

#[tokio::test]
async fn a_school_report_cites_the_pedagogical_council_that_heard_it_with_its_protocol_number_r_5_2() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let list = app.get("/api/v1/reports?kind=school&year=2022-2023", &deputy).await;
    let report = first(&list.body)["id"].as_str().unwrap().to_owned();
    let meetings =
        |body: &str| format!("/api/v1/schools/{school}/meetings?body={body}&year=2022-2023&status=finalized");
    let council = app.get(&meetings("pedagogical_council"), &deputy).await;
    let council = first(&council.body).clone();
    let number = council["protocol_number"].as_u64().unwrap();
    let path = format!("/api/v1/reports/{report}/hearing");
    app.get(&path, &deputy).await.assert_problem(404, "not_found");

    let put = app.put(&path, &deputy, &json!({"meeting_id": council["id"]})).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(put.body["body"], "pedagogical_council");
    assert_eq!(put.body["protocol_number"], number);
    let read = app.get(&path, &deputy).await;
    assert_eq!(read.body, put.body);
    let doc = app.get(&format!("/api/v1/reports/{report}/document?lang=ru"), &deputy).await;
    let date = chrono::NaiveDate::parse_from_str(council["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let line = format!("Заслушан: Педагогический совет, {}, протокол №{number}", date.format("%d.%m.%Y"));
    assert!(doc.text.contains(&line), "the printed report cites the minutes: {line}");
    // The district reads the citation too.
    let m = app.login("methodist@demo.usul.kg").await;
    assert_eq!(app.get(&path, &m).await.body["protocol_number"], number);
}

#[tokio::test]
async fn a_report_is_not_cited_at_another_body_year_or_an_unheld_meeting_nor_by_others_r_5_2() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let director = app.login("director@demo.usul.kg").await;
    let list = app.get("/api/v1/reports?kind=school&year=2022-2023", &deputy).await;
    let report = first(&list.body)["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/reports/{report}/hearing");
    let finalized =
        |body: &str| format!("/api/v1/schools/{school}/meetings?body={body}&year=2022-2023&status=finalized");
    let methodological = first(&app.get(&finalized("methodological_council"), &deputy).await.body)["id"].clone();
    let wrong = app.put(&path, &deputy, &json!({"meeting_id": methodological})).await;
    wrong.assert_problem(422, "hearing_wrong_body");
    assert_eq!(wrong.body["errors"][0]["field"], "meeting_id");
    assert_eq!(wrong.body["errors"][0]["rule"], "R-5.2");
    // A pedagogical council still to come, and one of the next year.
    let schedule = async |date: &str| {
        let m = app
            .post(
                &format!("/api/v1/schools/{school}/meetings"),
                &deputy,
                &json!({"body": "pedagogical_council", "date": date, "agenda": ["Жылдык отчет"]}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
        m.str("id")
    };
    let coming = schedule("2023-05-30").await;
    app.put(&path, &deputy, &json!({"meeting_id": coming})).await.assert_problem(422, "hearing_meeting_not_held");
    let next_year = schedule("2023-09-20").await;
    app.put(&path, &deputy, &json!({"meeting_id": next_year})).await.assert_problem(422, "hearing_wrong_year");
    let unknown = app.put(&path, &deputy, &json!({"meeting_id": uuid::Uuid::now_v7()})).await;
    unknown.assert_problem(422, "validation_failed");
    // Only the author or the director cite it; another school does not see the report.
    let council = first(&app.get(&finalized("pedagogical_council"), &deputy).await.body)["id"].clone();
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.put(&path, &teacher, &json!({"meeting_id": council})).await.assert_problem(403, "forbidden");
    let ministry = app.login("ministry@demo.usul.kg").await;
    app.put(&path, &ministry, &json!({"meeting_id": council})).await.assert_problem(403, "forbidden");
    let (_, _, other_director) = app.other_school().await;
    app.put(&path, &other_director, &json!({"meeting_id": council})).await.assert_problem(404, "not_found");
    app.get(&path, &other_director).await.assert_problem(404, "not_found");
    // Nothing was stored by the refusals.
    app.get(&path, &deputy).await.assert_problem(404, "not_found");

    // A commission's report: its own commission's meeting, not another's.
    let reports = app.get("/api/v1/reports?kind=commission&year=2022-2023", &deputy).await;
    let c_report = first(&reports.body).clone();
    let commission = c_report["commission_id"].as_str().unwrap();
    let c_path = format!("/api/v1/reports/{}/hearing", c_report["id"].as_str().unwrap());
    let all = app.get(&finalized("commission"), &director).await;
    let own = all.body["items"].as_array().unwrap().iter().find(|m| m["commission_id"] == commission).unwrap();
    let other = all.body["items"].as_array().unwrap().iter().find(|m| m["commission_id"] != commission).unwrap();
    app.put(&c_path, &director, &json!({"meeting_id": other["id"]})).await.assert_problem(422, "hearing_wrong_body");
    app.put(&c_path, &director, &json!({"meeting_id": council})).await.assert_problem(422, "hearing_wrong_body");
    let ok = app.put(&c_path, &director, &json!({"meeting_id": own["id"]})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["body"], "commission");
}
