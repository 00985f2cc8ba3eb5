//! The API conventions every endpoint follows: ETags, idempotency, request ids, languages,
//! paging, 404/405, operations endpoints.

use reqwest::{Method, StatusCode};
use serde_json::json;
use usul_tests::spawn_app;

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412_and_changes_nothing() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let id = app.staff_id("a.usenova@demo.usul.kg").await;
    let read = app.get(&format!("/api/v1/staff/{id}"), &director).await;
    let etag = read.header("etag").unwrap().to_owned();
    assert_eq!(etag, "\"1\"");
    let first = app
        .send(
            app.request(Method::PATCH, &format!("/api/v1/staff/{id}"), Some(&director))
                .header("if-match", &etag)
                .json(&json!({"experience_years": 13})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let stale = app
        .send(
            app.request(Method::PATCH, &format!("/api/v1/staff/{id}"), Some(&director))
                .header("if-match", &etag)
                .json(&json!({"experience_years": 40})),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let now = app.get(&format!("/api/v1/staff/{id}"), &director).await;
    assert_eq!(now.body["experience_years"], 13);
}

#[tokio::test]
async fn if_none_match_answers_304() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let read = app.get(&format!("/api/v1/schools/{school}"), &deputy).await;
    let etag = read.header("etag").unwrap().to_owned();
    let again = app
        .send(
            app.request(Method::GET, &format!("/api/v1/schools/{school}"), Some(&deputy))
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let other = app
        .send(
            app.request(Method::GET, &format!("/api/v1/schools/{school}"), Some(&deputy))
                .header("if-none-match", "\"99\""),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/subjects");
    let send = || {
        app.send(
            app.request(Method::POST, &path, Some(&deputy))
                .header("idempotency-key", "subject-music-1")
                .json(&json!({"name": "Музыка"})),
        )
    };
    let first = send().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let second = send().await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body["id"], second.body["id"]);
    let list = app.get(&format!("{path}?limit=200"), &deputy).await;
    let music = list.body["items"].as_array().unwrap().iter().filter(|s| s["name"] == "Музыка").count();
    assert_eq!(music, 1, "created once");
    // The same key with another body is refused.
    let other = app
        .send(
            app.request(Method::POST, &path, Some(&deputy))
                .header("idempotency-key", "subject-music-1")
                .json(&json!({"name": "Сүрөт"})),
        )
        .await;
    other.assert_problem(422, "idempotency_key_reused");
}

#[tokio::test]
async fn a_failed_request_releases_its_idempotency_key() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/subjects");
    let bad = app
        .send(
            app.request(Method::POST, &path, Some(&deputy)).header("idempotency-key", "k-2").json(&json!({"name": ""})),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let good = app
        .send(
            app.request(Method::POST, &path, Some(&deputy))
                .header("idempotency-key", "k-2")
                .json(&json!({"name": "Информатика"})),
        )
        .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.text);
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = spawn_app().await;
    let a = app.send(app.request(Method::GET, "/healthz", None)).await;
    assert!(a.header("x-request-id").is_some_and(|v| !v.is_empty()));
    let b = app.send(app.request(Method::GET, "/healthz", None).header("x-request-id", "trace-abc-123")).await;
    assert_eq!(b.header("x-request-id"), Some("trace-abc-123"));
    let c = app.send(app.request(Method::GET, "/api/v1/me", None)).await;
    assert!(c.header("x-request-id").is_some(), "errors too");
}

#[tokio::test]
async fn problems_speak_the_clients_language() {
    let app = spawn_app().await;
    let ky = app.send(app.request(Method::GET, "/api/v1/me", None).header("accept-language", "ky")).await;
    ky.assert_problem(401, "unauthorized");
    assert_eq!(ky.body["title"], "Кирүү талап кылынат");
    assert_eq!(ky.header("content-language"), Some("ky"));
    let ru = app.send(app.request(Method::GET, "/api/v1/me", None).header("accept-language", "ru-RU,ru;q=0.9")).await;
    assert_eq!(ru.body["title"], "Требуется аутентификация");
    let en = app.send(app.request(Method::GET, "/api/v1/me", None).header("accept-language", "fr")).await;
    assert_eq!(en.body["title"], "Authentication required");
    let admin = app.login("admin@demo.usul.kg").await;
    let v = app
        .send(
            app.request(Method::POST, "/api/v1/districts", Some(&admin))
                .header("accept-language", "ky")
                .json(&json!({"name": ""})),
        )
        .await;
    assert_eq!(v.body["errors"][0]["message"], "Бош болбошу керек");
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_are_problems() {
    let app = spawn_app().await;
    let a = app.send(app.request(Method::GET, "/api/v1/nothing-here", None)).await;
    a.assert_problem(404, "not_found");
    let b = app.send(app.request(Method::DELETE, "/api/v1/me", None)).await;
    b.assert_problem(405, "method_not_allowed");
    assert_eq!(b.header("allow"), Some("GET"));
    let c =
        app.send(app.request(Method::PUT, "/api/v1/schools/0192f0c4-5b1e-7c3a-9d1e-1a2b3c4d5e6f/staff", None)).await;
    c.assert_problem(405, "method_not_allowed");
    assert!(c.header("allow").is_some_and(|v| v.contains("GET") && v.contains("POST")));
}

#[tokio::test]
async fn lists_are_paged_with_an_opaque_cursor() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor.as_ref().map_or(String::new(), |c| format!("&cursor={c}"));
        let page = app.get(&format!("/api/v1/schools/{school}/staff?limit=5{q}"), &deputy).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 5);
        seen.extend(items.iter().map(|s| s["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 19, "director, deputy and 17 teachers");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 19, "no duplicates across pages");
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = spawn_app().await;
    let h = app.send(app.request(Method::GET, "/healthz", None)).await;
    assert_eq!(h.body["status"], "ok");
    let r = app.send(app.request(Method::GET, "/readyz", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    let m = app.send(app.request(Method::GET, "/metrics", None)).await;
    assert!(
        m.text.contains("usul_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1"),
        "{}",
        m.text
    );
    assert!(m.text.contains("usul_http_request_duration_seconds_count"));
}

#[tokio::test]
async fn swagger_ui_and_the_contract_are_served() {
    let app = spawn_app().await;
    let ui = app.send(app.request(Method::GET, "/swagger-ui/", None)).await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.text.contains("swagger"), "the UI page");
    let doc = app.send(app.request(Method::GET, "/api-docs/openapi.json", None)).await;
    assert_eq!(doc.body["openapi"], "3.1.0");
    assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());
}
