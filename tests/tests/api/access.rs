//! Each role's allowed and refused actions, and tenancy: another school's data is a 404.

use reqwest::StatusCode;
use serde_json::json;
use usul_tests::spawn_app;

fn teacher_body(email: &str) -> serde_json::Value {
    json!({"email": email, "password": "initial-pass", "last_name": "Жаңы", "first_name": "Мугалим", "role": "teacher"})
}

#[tokio::test]
async fn the_deputy_adds_a_teacher_but_not_a_director() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let ok =
        app.post(&format!("/api/v1/schools/{school}/staff"), &deputy, &teacher_body("new.teacher@demo.usul.kg")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.body["role"], "teacher");
    assert!(ok.header("location").is_some_and(|l| l.starts_with("/api/v1/staff/")));
    let mut director = teacher_body("new.director@demo.usul.kg");
    director["role"] = json!("director");
    app.post(&format!("/api/v1/schools/{school}/staff"), &deputy, &director).await.assert_problem(403, "forbidden");
}

#[tokio::test]
async fn the_director_appoints_a_deputy() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let mut body = teacher_body("second.deputy@demo.usul.kg");
    body["role"] = json!("deputy");
    let a = app.post(&format!("/api/v1/schools/{school}/staff"), &director, &body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["role"], "deputy");
}

#[tokio::test]
async fn a_teacher_reads_colleagues_but_changes_nothing() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    let before = app.count_staff().await;
    assert_eq!(app.get(&format!("/api/v1/schools/{school}/staff"), &teacher).await.status, StatusCode::OK);
    app.post(&format!("/api/v1/schools/{school}/staff"), &teacher, &teacher_body("x@demo.usul.kg"))
        .await
        .assert_problem(403, "forbidden");
    app.put(&format!("/api/v1/schools/{school}/years/2023-2024"), &teacher, &json!({"theme": "Тема"}))
        .await
        .assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/schools/{school}/subjects"), &teacher, &json!({"name": "Музыка"}))
        .await
        .assert_problem(403, "forbidden");
    app.patch(&format!("/api/v1/schools/{school}"), &teacher, &json!({"name": "Башка"}))
        .await
        .assert_problem(403, "forbidden");
    let colleague = app.staff_id("b.toktogulov@demo.usul.kg").await;
    app.patch(&format!("/api/v1/staff/{colleague}"), &teacher, &json!({"experience_years": 30}))
        .await
        .assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/staff/{colleague}/deactivate"), &teacher, &json!({}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(app.count_staff().await, before, "nothing was written");
}

#[tokio::test]
async fn the_deputy_cannot_edit_or_deactivate_the_director() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let director = app.staff_id("director@demo.usul.kg").await;
    app.patch(&format!("/api/v1/staff/{director}"), &deputy, &json!({"position": "Мугалим"}))
        .await
        .assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/staff/{director}/deactivate"), &deputy, &json!({}))
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn the_deputy_cannot_promote_a_teacher_to_deputy_but_the_director_can() {
    let app = spawn_app().await;
    let teacher = app.staff_id("a.usenova@demo.usul.kg").await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    app.patch(&format!("/api/v1/staff/{teacher}"), &deputy, &json!({"role": "deputy"}))
        .await
        .assert_problem(403, "forbidden");
    let director = app.login("director@demo.usul.kg").await;
    let a = app.patch(&format!("/api/v1/staff/{teacher}"), &director, &json!({"role": "deputy"})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["role"], "deputy");
    // The new role takes effect at once, without a new token.
    let t = app.login("a.usenova@demo.usul.kg").await;
    assert_eq!(app.get("/api/v1/me", &t).await.body["staff"]["role"], "deputy");
}

#[tokio::test]
async fn another_schools_data_is_not_found() {
    let app = spawn_app().await;
    let demo_school = app.demo_school().await;
    let demo_teacher = app.staff_id("a.usenova@demo.usul.kg").await;
    let (_, other_school, other_director) = app.other_school().await;
    // Reads
    app.get(&format!("/api/v1/schools/{demo_school}"), &other_director).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/schools/{demo_school}/staff"), &other_director).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/schools/{demo_school}/subjects"), &other_director).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/schools/{demo_school}/years/2022-2023"), &other_director)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/api/v1/staff/{demo_teacher}"), &other_director).await.assert_problem(404, "not_found");
    // Writes are 404 too, not 403: the other school does not exist for them.
    app.post(&format!("/api/v1/schools/{demo_school}/staff"), &other_director, &teacher_body("spy@other.kg"))
        .await
        .assert_problem(404, "not_found");
    app.patch(&format!("/api/v1/staff/{demo_teacher}"), &other_director, &json!({"position": "x"}))
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("/api/v1/staff/{demo_teacher}/deactivate"), &other_director, &json!({}))
        .await
        .assert_problem(404, "not_found");
    // And the other way round.
    let demo_director = app.login("director@demo.usul.kg").await;
    app.get(&format!("/api/v1/schools/{other_school}"), &demo_director).await.assert_problem(404, "not_found");
    // The school list shows only one's own school.
    let list = app.get("/api/v1/schools", &demo_director).await;
    let ids: Vec<&str> = list.body["items"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, vec![demo_school.as_str()]);
}

#[tokio::test]
async fn a_district_methodologist_reads_the_districts_schools_and_changes_nothing() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let (other_district, other_school, _) = app.other_school().await;
    let m = app.login("methodist@demo.usul.kg").await;
    assert_eq!(app.get(&format!("/api/v1/schools/{school}"), &m).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/schools/{school}/staff"), &m).await.status, StatusCode::OK);
    let schools = app.get("/api/v1/schools", &m).await;
    let ids: Vec<&str> = schools.body["items"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids.len(), 2, "the demo school and the district's second school");
    assert!(ids.contains(&school.as_str()) && !ids.contains(&other_school.as_str()));
    app.put(&format!("/api/v1/schools/{school}/years/2023-2024"), &m, &json!({"theme": "Тема"}))
        .await
        .assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/schools/{other_school}"), &m).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/districts/{other_district}"), &m).await.assert_problem(404, "not_found");
    let districts = app.get("/api/v1/districts", &m).await;
    assert_eq!(districts.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_service_account_reads_its_district_only() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let (_, other_school, _) = app.other_school().await;
    let token = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))
        .await
        .str("access_token");
    assert_eq!(app.get(&format!("/api/v1/schools/{school}/staff"), &token).await.status, StatusCode::OK);
    app.get(&format!("/api/v1/schools/{other_school}/staff"), &token).await.assert_problem(404, "not_found");
    app.post(&format!("/api/v1/schools/{school}/subjects"), &token, &json!({"name": "Музыка"}))
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn only_an_administrator_creates_districts_and_schools() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    app.post("/api/v1/districts", &director, &json!({"name": "Жаңы район"})).await.assert_problem(403, "forbidden");
    let m = app.login("methodist@demo.usul.kg").await;
    let me = app.get("/api/v1/me", &m).await;
    let district = me.body["district"]["id"].as_str().unwrap().to_owned();
    app.post("/api/v1/schools", &m, &json!({"district_id": district, "name": "Жаңы мектеп"}))
        .await
        .assert_problem(403, "forbidden");
    let admin = app.login("admin@demo.usul.kg").await;
    let s = app.post("/api/v1/schools", &admin, &json!({"district_id": district, "name": "Жаңы мектеп"})).await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
    assert_eq!(s.body["settings"]["min_head_experience_years"], 5, "R-3.2.2c default");
    // A methodologist of that district sees the new school.
    assert_eq!(app.get(&format!("/api/v1/schools/{}", s.str("id")), &m).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_administrator_adds_a_methodologist_and_a_service_account() {
    let app = spawn_app().await;
    let (district, _, _) = app.other_school().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let m = app
        .post(
            &format!("/api/v1/districts/{district}/methodologists"),
            &admin,
            &json!({"email": "m2@other.kg", "password": "methodist-2", "last_name": "Осмонов", "first_name": "Бек"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    assert_eq!(m.body["role"], "district_methodologist");
    let sa = app
        .post(
            &format!("/api/v1/districts/{district}/service-accounts"),
            &admin,
            &json!({"name": "Отчеттор", "client_id": "other-reports"}),
        )
        .await;
    assert_eq!(sa.status, StatusCode::CREATED, "{}", sa.text);
    let secret = sa.str("client_secret");
    let t = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "other-reports", "client_secret": secret}))
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    let director = app.login("director@demo.usul.kg").await;
    app.post(
        &format!("/api/v1/districts/{district}/service-accounts"),
        &director,
        &json!({"name": "x", "client_id": "xyz"}),
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn the_director_edits_the_school_and_its_settings() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let a = app
        .patch(&format!("/api/v1/schools/{school}"), &director, &json!({"settings": {"min_head_experience_years": 7}}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["settings"]["min_head_experience_years"], 7);
    let deputy = app.login("deputy@demo.usul.kg").await;
    app.patch(&format!("/api/v1/schools/{school}"), &deputy, &json!({"name": "x"}))
        .await
        .assert_problem(403, "forbidden");
}
