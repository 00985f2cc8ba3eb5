//! The ministry level: its methodologists read every district and school and the
//! national summary, and write nothing.

use reqwest::StatusCode;
use serde_json::json;
use usul_tests::spawn_app;

#[tokio::test]
async fn the_national_summary_has_a_row_per_district_leading_to_its_summary_r_3_1() {
    let app = spawn_app().await;
    let (other_district, _, _) = app.other_school().await;
    let ministry = app.login("ministry@demo.usul.kg").await;
    let me = app.get("/api/v1/me", &ministry).await;
    assert_eq!(me.body["staff"]["role"], "ministry_methodologist", "{}", me.text);

    let s = app.get("/api/v1/summary?year=2022-2023", &ministry).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let rows = s.body["districts"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{}", s.text);
    let demo = rows.iter().find(|r| r["district_id"] != other_district.as_str()).unwrap();
    // The other district: one new school with its director, no plan, no grades.
    let other = rows.iter().find(|r| r["district_id"] == other_district.as_str()).unwrap();
    assert_eq!((other["schools"].clone(), other["teachers"].clone()), (json!(1), json!(1)));
    assert_eq!(other["schools_with_unified_plan"], 0);
    assert_eq!(other["plan_execution_percent"], json!(null));
    assert_eq!(other["quality_percent"], json!(null));

    // The row aggregates the district's own summary, which it leads to.
    let url = demo["summary_url"].as_str().unwrap();
    let district = app.get(url, &ministry).await;
    assert_eq!(district.status, StatusCode::OK, "the ministry reads any district's summary: {}", district.text);
    let schools = district.body["schools"].as_array().unwrap();
    assert_eq!(demo["schools"], schools.len());
    let sum = |key: &str| schools.iter().map(|r| r[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(demo["commissions"], sum("commissions"));
    assert_eq!(demo["reports_submitted"], sum("reports_submitted"));
    assert_eq!(demo["reports_accepted"], sum("reports_accepted"));
    assert_eq!(demo["teachers"], sum("teachers"));
    let with_plan = schools.iter().filter(|r| r["unified_plan_approved"] == true).count();
    assert_eq!(demo["schools_with_unified_plan"], with_plan);
    // Percentages pool the teachers: the district's share lies between its schools' shares.
    let presented: Vec<f64> = schools.iter().map(|r| r["presented_percent"].as_f64().unwrap()).collect();
    let p = demo["presented_percent"].as_f64().unwrap();
    assert!(presented.iter().any(|x| *x <= p) && presented.iter().any(|x| *x >= p), "{p} within {presented:?}");
    assert!(demo["quality_percent"].as_f64().is_some());

    // The ministry reads any school of any district.
    let school = schools[0]["school_id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/v1/schools/{school}"), &ministry).await.status, StatusCode::OK);
    let e = app.get(&format!("/api/v1/schools/{school}/effectiveness?year=2022-2023"), &ministry).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    let listed = app.get("/api/v1/districts", &ministry).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
    app.get("/api/v1/summary", &ministry).await.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn only_the_ministry_reads_the_national_summary_and_it_writes_nothing_r_3_1() {
    let app = spawn_app().await;
    let (_, other_school, other_director) = app.other_school().await;
    let path = "/api/v1/summary?year=2022-2023";
    for who in ["methodist@demo.usul.kg", "director@demo.usul.kg", "deputy@demo.usul.kg"] {
        let token = app.login(who).await;
        app.get(path, &token).await.assert_problem(403, "forbidden");
    }
    app.get(path, &other_director).await.assert_problem(403, "forbidden");
    let service = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))
        .await
        .str("access_token");
    app.get(path, &service).await.assert_problem(403, "forbidden");
    let admin = app.login("admin@demo.usul.kg").await;
    assert_eq!(app.get(path, &admin).await.status, StatusCode::OK);

    // A ministry user writing anything: 403 problem+json, nothing stored.
    let ministry = app.login("ministry@demo.usul.kg").await;
    let school = app.demo_school().await;
    let before = app.get(&format!("/api/v1/schools/{school}"), &ministry).await;
    let tries = [
        app.patch(&format!("/api/v1/schools/{other_school}"), &ministry, &json!({"name": "Өзгөртүлгөн"})).await,
        app.post("/api/v1/districts", &ministry, &json!({"name": "Жаңы район"})).await,
        app.post(&format!("/api/v1/schools/{school}/subjects"), &ministry, &json!({"name": "Астрономия"})).await,
        app.post(
            &format!("/api/v1/schools/{school}/staff"),
            &ministry,
            &json!({"email": "new@demo.usul.kg", "password": "teacher-pass-1", "last_name": "Жаңы", "first_name": "Мугалим", "role": "teacher"}),
        )
        .await,
        app.post(
            "/api/v1/plans",
            &ministry,
            &json!({"kind": "school", "year": "2023-2024", "title": "x"}),
        )
        .await,
    ];
    for t in &tries {
        t.assert_problem(403, "forbidden");
        assert_eq!(t.header("content-type"), Some("application/problem+json"), "{}", t.text);
    }
    let after = app.get(&format!("/api/v1/schools/{school}"), &ministry).await;
    assert_eq!(before.body, after.body);
    let subjects = app.get(&format!("/api/v1/schools/{school}/subjects"), &ministry).await;
    assert!(!subjects.text.contains("Астрономия"));

    // Only an administrator creates the ministry's people.
    let person = json!({"email": "m2@edu.gov.kg", "password": "ministry-pass-2", "last_name": "Асанова", "first_name": "Бермет"});
    app.post("/api/v1/ministry/methodologists", &ministry, &person).await.assert_problem(403, "forbidden");
    let m = app.login("methodist@demo.usul.kg").await;
    app.post("/api/v1/ministry/methodologists", &m, &person).await.assert_problem(403, "forbidden");
    let created = app.post("/api/v1/ministry/methodologists", &admin, &person).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["role"], "ministry_methodologist");
    let fresh = app.login_with("m2@edu.gov.kg", "ministry-pass-2").await.str("access_token");
    assert_eq!(app.get(path, &fresh).await.status, StatusCode::OK);
    let wrong = json!({"email": "m3@edu.gov.kg", "password": "ministry-pass-3", "last_name": "А", "first_name": "Б", "role": "teacher"});
    app.post("/api/v1/ministry/methodologists", &admin, &wrong).await.assert_problem(422, "validation_failed");
}

/// The national summary and a district's summary count reports as they stand: a report returned
/// to its author leaves the submitted figures until it is submitted again, and accepting it
/// moves it on. The figures are aggregated when read, in the same transaction's snapshot, so no
/// stored total can lag behind a return; the number of statements does not grow with the
/// districts and schools.
#[tokio::test]
async fn the_summaries_follow_a_report_returned_and_resubmitted_in_a_fixed_number_of_statements_r_3_1() {
    let app = usul_tests::spawn_app_with(usul_tests::Options { counted: true, ..usul_tests::Options::default() }).await;
    let ministry = app.login("ministry@demo.usul.kg").await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let national = "/api/v1/summary?year=2022-2023";
    let district = app.get(national, &ministry).await.body["districts"][0]["district_id"].as_str().unwrap().to_owned();
    let local = format!("/api/v1/districts/{district}/summary?year=2022-2023");
    let (national_before, local_before) =
        (app.statements_of(national, &ministry).await, app.statements_of(&local, &ministry).await);
    // Reports (submitted, accepted) in the district's national row and the school's own row.
    let figures = async || {
        let n = app.get(national, &ministry).await;
        let row = n.body["districts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["district_id"] == district.as_str())
            .unwrap()
            .clone();
        let l = app.get(&local, &ministry).await;
        let mine =
            l.body["schools"].as_array().unwrap().iter().find(|r| r["school_id"] == school.as_str()).unwrap().clone();
        (
            (row["reports_submitted"].as_u64().unwrap(), row["reports_accepted"].as_u64().unwrap()),
            (mine["reports_submitted"].as_u64().unwrap(), mine["reports_accepted"].as_u64().unwrap()),
        )
    };
    let (row, mine) = figures().await;
    let list = app.get("/api/v1/reports?kind=school&year=2022-2023", &deputy).await;
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list.body["items"][0]["status"], "submitted", "{}", list.text);
    assert!(mine.0 >= 1 && row.0 >= mine.0, "{row:?} {mine:?}");

    let back = app.post(&format!("/api/v1/reports/{id}/return"), &director, &json!({"comment": "Толуктаңыз."})).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert_eq!(figures().await, ((row.0 - 1, row.1), (mine.0 - 1, mine.1)), "a returned report is not submitted");
    let again = app.post(&format!("/api/v1/reports/{id}/submit"), &deputy, &json!({})).await;
    assert_eq!(again.body["status"], "submitted", "{}", again.text);
    assert_eq!(figures().await, (row, mine), "submitted again, it counts once again");
    let accepted = app.post(&format!("/api/v1/reports/{id}/accept"), &director, &json!({})).await;
    assert_eq!(accepted.body["status"], "accepted", "{}", accepted.text);
    assert_eq!(figures().await, ((row.0, row.1 + 1), (mine.0, mine.1 + 1)), "accepted: still submitted, now accepted");

    // More districts and schools, and a generated school in the demo's district: the same
    // statements.
    use usul_api::cli::generate::{Size, school as generated};
    app.other_school().await;
    let d = usul_domain::ids::DistrictId::from_uuid(district.parse().unwrap());
    let size = Size { staff: 12, activities: 20, items: 10 };
    generated(&app.store, Some(d), "n-more", size, 5).await.unwrap();
    generated(&app.store, None, "n-elsewhere", size, 6).await.unwrap();
    assert_eq!(app.statements_of(national, &ministry).await, national_before, "the national summary's statements");
    assert_eq!(app.statements_of(&local, &ministry).await, local_before, "the district summary's statements");
}

#[tokio::test]
async fn a_ministry_service_account_reads_every_district_and_the_national_summary_and_writes_nothing_r_3_1() {
    let app = spawn_app().await;
    let (other_district, other_school, _) = app.other_school().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let body = json!({"name": "Министрликтин отчет системасы", "client_id": "ministry-reports"});
    // Only administrators create and list them.
    for login in ["ministry@demo.usul.kg", "methodist@demo.usul.kg", "director@demo.usul.kg"] {
        let token = app.login(login).await;
        app.post("/api/v1/ministry/service-accounts", &token, &body).await.assert_problem(403, "forbidden");
        app.get("/api/v1/ministry/service-accounts", &token).await.assert_problem(403, "forbidden");
    }
    let made = app.post("/api/v1/ministry/service-accounts", &admin, &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.body["district_id"], serde_json::Value::Null);
    assert_eq!(made.header("location"), Some("/api/v1/ministry/service-accounts"));
    let secret = made.str("client_secret");
    let listed = app.get("/api/v1/ministry/service-accounts", &admin).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1, "{}", listed.text);
    assert!(listed.body["items"][0].get("client_secret").is_none());
    // Bad input: nothing stored.
    app.post("/api/v1/ministry/service-accounts", &admin, &body).await.assert_problem(409, "client_id_taken");
    let bad = app.post("/api/v1/ministry/service-accounts", &admin, &json!({"name": " ", "client_id": "A b"})).await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort_unstable();
    assert_eq!(fields, ["client_id", "name"]);
    assert_eq!(app.get("/api/v1/ministry/service-accounts", &admin).await.body["items"].as_array().unwrap().len(), 1);

    let t = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "ministry-reports", "client_secret": secret}))
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    let token = t.str("access_token");
    // Every district, every school, the summaries and the events of everything.
    let national = app.get("/api/v1/summary?year=2022-2023", &token).await;
    assert_eq!(national.status, StatusCode::OK, "{}", national.text);
    assert!(national.body["districts"].as_array().map_or(0, Vec::len) >= 2, "{}", national.text);
    assert_eq!(app.get(&format!("/api/v1/schools/{other_school}"), &token).await.status, StatusCode::OK);
    let district = app.get(&format!("/api/v1/districts/{other_district}/summary?year=2022-2023"), &token).await;
    assert_eq!(district.status, StatusCode::OK, "{}", district.text);
    assert_eq!(app.get("/api/v1/events?limit=5", &token).await.status, StatusCode::OK);
    // Writes nothing.
    app.post(&format!("/api/v1/schools/{other_school}/subjects"), &token, &json!({"name": "Астрономия"}))
        .await
        .assert_problem(403, "forbidden");
    app.post("/api/v1/ministry/service-accounts", &token, &json!({"name": "x", "client_id": "xyz"}))
        .await
        .assert_problem(403, "forbidden");
}
