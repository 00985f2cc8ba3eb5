//! Bad input: a clear 4xx problem+json naming each offending field, and nothing written.

use reqwest::{Method, StatusCode};
use serde_json::json;
use usul_tests::{Options, spawn_app, spawn_app_with};

#[tokio::test]
async fn every_invalid_field_is_named_at_once_and_nothing_is_written() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let before = app.count_staff().await;
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/staff"),
            &deputy,
            &json!({
                "email": "not-an-email", "password": "short", "last_name": "   ", "first_name": "ө".repeat(201),
                "qualification_category": "legendary", "experience_years": 99, "subject_ids": [uuid::Uuid::nil()]
            }),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    let mut fields = a.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "email",
            "experience_years",
            "first_name",
            "last_name",
            "password",
            "qualification_category",
            "subject_ids[0]"
        ]
    );
    let codes: Vec<&str> = a.body["errors"].as_array().unwrap().iter().filter_map(|e| e["code"].as_str()).collect();
    assert!(
        codes.contains(&"too_long") && codes.contains(&"empty") && codes.contains(&"unknown_reference"),
        "{codes:?}"
    );
    assert_eq!(app.count_staff().await, before);
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app
        .send(
            app.request(Method::POST, "/api/v1/districts", Some(&admin))
                .header("content-type", "application/json")
                .body("{\"name\": "),
        )
        .await;
    a.assert_problem(400, "malformed_json");
}

#[tokio::test]
async fn a_wrong_type_names_the_field() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app.post("/api/v1/districts", &admin, &json!({"name": 42})).await;
    a.assert_problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["name"]);
    assert_eq!(a.body["errors"][0]["code"], "invalid_type");
}

#[tokio::test]
async fn a_missing_field_is_required() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app.post("/api/v1/districts", &admin, &json!({"region": "Ош"})).await;
    a.assert_problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["name"]);
    assert_eq!(a.body["errors"][0]["code"], "required");
}

#[tokio::test]
async fn unknown_fields_are_refused() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app.post("/api/v1/districts", &admin, &json!({"name": "Ok", "colour": "red"})).await;
    a.assert_problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["colour"]);
    assert_eq!(a.body["errors"][0]["code"], "unknown_field");
}

#[tokio::test]
async fn an_unknown_role_is_an_invalid_value() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/staff"),
            &director,
            &json!({"email": "j@demo.usul.kg", "password": "long-enough", "last_name": "А", "first_name": "Б", "role": "janitor"}),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["role"]);
    let admin_role = app
        .post(
            &format!("/api/v1/schools/{school}/staff"),
            &director,
            &json!({"email": "j@demo.usul.kg", "password": "long-enough", "last_name": "А", "first_name": "Б", "role": "admin"}),
        )
        .await;
    admin_role.assert_problem(422, "validation_failed");
}

#[tokio::test]
async fn a_bad_year_string_is_refused() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    for bad in ["2022-2024", "2022", "22-23", "2023-2022"] {
        let a = app.put(&format!("/api/v1/schools/{school}/years/{bad}"), &deputy, &json!({"theme": "Тема"})).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), vec!["year"], "{bad}");
        assert_eq!(a.body["errors"][0]["code"], "invalid_year");
    }
}

#[tokio::test]
async fn a_non_uuid_id_is_a_bad_request() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let a = app.get("/api/v1/staff/not-a-uuid", &director).await;
    a.assert_problem(400, "invalid_parameter");
    assert_eq!(a.error_fields(), vec!["id"]);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_an_unsupported_media_type() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app
        .send(
            app.request(Method::POST, "/api/v1/districts", Some(&admin))
                .header("content-type", "text/plain")
                .body("name=x"),
        )
        .await;
    a.assert_problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = spawn_app_with(Options { max_body_bytes: 4096, ..Options::default() }).await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app.post("/api/v1/districts", &admin, &json!({"name": "x".repeat(10_000)})).await;
    a.assert_problem(413, "payload_too_large");
}

#[tokio::test]
async fn an_empty_or_overlong_theme_is_refused_r_3_2_1() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let a = app
        .put(
            &format!("/api/v1/schools/{school}/years/2023-2024"),
            &deputy,
            &json!({"theme": " ", "goal": "ү".repeat(2001)}),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    assert_eq!(a.error_fields(), vec!["theme", "goal"]);
    let g = app.get(&format!("/api/v1/schools/{school}/years/2023-2024"), &deputy).await;
    assert_eq!(g.status, StatusCode::NOT_FOUND, "nothing was written");
}

#[tokio::test]
async fn bad_paging_parameters_are_named() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=500", "limit"),
        ("limit=ten", "limit"),
        ("cursor=xyz", "cursor"),
        ("role=janitor", "role"),
        ("updated_since=yesterday", "updated_since"),
    ] {
        let a = app.get(&format!("/api/v1/schools/{school}/staff?{query}"), &deputy).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), vec![field], "{query}");
    }
}

#[tokio::test]
async fn every_list_names_a_malformed_query_parameter_with_what_is_wrong_with_it() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let admin = app.login("admin@demo.usul.kg").await;
    let cases = [
        (format!("/api/v1/schools/{school}/staff?active=maybe"), &deputy, "active", "invalid_value"),
        (format!("/api/v1/schools/{school}/staff?subject_id=42"), &deputy, "subject_id", "invalid_format"),
        (format!("/api/v1/schools/{school}/subjects?limit=0"), &deputy, "limit", "out_of_range"),
        (format!("/api/v1/schools/{school}/audit-events?cursor=c1zz"), &deputy, "cursor", "invalid_format"),
        (format!("/api/v1/schools/{school}/effectiveness?year=2022-2024"), &deputy, "year", "invalid_year"),
        (format!("/api/v1/schools/{school}/effectiveness"), &deputy, "year", "required"),
        (format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term=5"), &deputy, "term", "invalid_value"),
        (format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023"), &deputy, "term", "required"),
        ("/api/v1/catalogue/forms?group=sports".to_owned(), &deputy, "group", "invalid_value"),
        ("/api/v1/schools?district_id=nope".to_owned(), &admin, "district_id", "invalid_format"),
        ("/api/v1/districts?limit=ten".to_owned(), &admin, "limit", "invalid_type"),
    ];
    for (path, token, field, kind) in cases {
        let a = app.get(&path, token).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), vec![field], "{path}");
        assert_eq!(a.body["errors"][0]["code"], kind, "{path}");
    }
}

#[tokio::test]
async fn control_characters_are_refused_not_stored() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let a = app.post("/api/v1/districts", &admin, &json!({"name": "Ош\u{0}шаары"})).await;
    a.assert_problem(422, "validation_failed");
    assert_eq!(a.body["errors"][0]["code"], "invalid_format");
    let t = app
        .token(&json!({"grant_type": "password", "username": "a\u{0}@demo.usul.kg", "password": "whatever-pass"}))
        .await;
    t.assert_problem(400, "invalid_grant");
}

#[tokio::test]
async fn a_district_methodologist_is_created_as_nothing_else() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let districts = app.get("/api/v1/districts", &admin).await;
    let d = districts.body["items"][0]["id"].as_str().unwrap().to_owned();
    let a = app
        .post(
            &format!("/api/v1/districts/{d}/methodologists"),
            &admin,
            &json!({"email": "sneaky@demo.usul.kg", "password": "long-enough", "last_name": "А", "first_name": "Б", "role": "admin", "subject_ids": [uuid::Uuid::nil()]}),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    let mut fields = a.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["role", "subject_ids"]);
}
