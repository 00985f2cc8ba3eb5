//! CORS: off unless `USUL_CORS_ORIGINS` names origins; preflights from those origins are
//! answered, answers to them expose the headers a client reads, and anything else is refused
//! with a problem.

use reqwest::{Method, StatusCode};
use usul_tests::{Answer, Options, TestApp, spawn_app, spawn_app_with};

const ORIGIN: &str = "https://app.example.kg";

async fn with_cors() -> TestApp {
    spawn_app_with(Options {
        cors_origins: vec![ORIGIN.to_owned(), "http://localhost:5173".to_owned()],
        ..Options::default()
    })
    .await
}

async fn preflight(app: &TestApp, origin: &str, method: &str, headers: &str) -> Answer {
    let rb = app
        .client
        .request(Method::OPTIONS, app.url("/api/v1/plans"))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers);
    app.send(rb).await
}

fn listed(a: &Answer, header: &str) -> Vec<String> {
    a.headers
        .get_all(header)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn an_allowed_origin_gets_its_preflight_answered() {
    let app = with_cors().await;
    let a = preflight(&app, ORIGIN, "PATCH", "authorization, content-type, if-match, idempotency-key, accept-language")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(listed(&a, "access-control-allow-methods").contains(&"patch".to_owned()));
    let allowed = listed(&a, "access-control-allow-headers");
    for h in [
        "authorization",
        "content-type",
        "if-match",
        "if-none-match",
        "idempotency-key",
        "accept-language",
        "x-request-id",
    ] {
        assert!(allowed.contains(&h.to_owned()), "{h} in {allowed:?}");
    }
    assert_eq!(a.header("access-control-max-age"), Some("3600"));
    assert!(a.header("access-control-allow-credentials").is_none(), "bearer tokens, not cookies");
    let other = preflight(&app, "http://localhost:5173", "GET", "authorization").await;
    assert_eq!(other.header("access-control-allow-origin"), Some("http://localhost:5173"));
}

#[tokio::test]
async fn answers_to_an_allowed_origin_expose_the_headers_clients_read() {
    let app = with_cors().await;
    let token = app.login("director@demo.usul.kg").await;
    let a = app.send(app.request(Method::GET, "/api/v1/me", Some(&token)).header("origin", ORIGIN)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.header("access-control-allow-origin"), Some(ORIGIN));
    let exposed = listed(&a, "access-control-expose-headers");
    for h in ["etag", "location", "x-request-id", "idempotent-replayed", "retry-after"] {
        assert!(exposed.contains(&h.to_owned()), "{h} in {exposed:?}");
    }
    assert!(listed(&a, "vary").contains(&"origin".to_owned()), "caches keep origins apart");
    assert!(listed(&a, "vary").contains(&"accept-language".to_owned()));
    // A problem is readable by the page too.
    let refused = app.send(app.request(Method::GET, "/api/v1/me", None).header("origin", ORIGIN)).await;
    refused.assert_problem(401, "unauthorized");
    assert_eq!(refused.header("access-control-allow-origin"), Some(ORIGIN));
    let missing =
        app.send(app.request(Method::GET, "/api/v1/plans?limit=0", Some(&token)).header("origin", ORIGIN)).await;
    missing.assert_problem(400, "invalid_parameter");
    assert_eq!(missing.header("access-control-allow-origin"), Some(ORIGIN));
}

#[tokio::test]
async fn a_preflight_from_an_origin_not_allowed_is_a_problem() {
    let app = with_cors().await;
    let a = preflight(&app, "https://evil.example.com", "GET", "authorization").await;
    a.assert_problem(403, "origin_not_allowed");
    assert!(a.header("access-control-allow-origin").is_none());
    assert!(a.header("x-request-id").is_some());
    // An origin differing only by port or scheme is another origin.
    preflight(&app, "http://app.example.kg", "GET", "authorization").await.assert_problem(403, "origin_not_allowed");
    preflight(&app, "https://app.example.kg:8443", "GET", "").await.assert_problem(403, "origin_not_allowed");
    // A real request from it is served, without CORS headers: the browser keeps it from the page.
    let token = app.login("director@demo.usul.kg").await;
    let real = app
        .send(app.request(Method::GET, "/api/v1/me", Some(&token)).header("origin", "https://evil.example.com"))
        .await;
    assert_eq!(real.status, StatusCode::OK);
    assert!(real.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_preflight_asking_for_a_header_or_method_not_allowed_is_a_problem() {
    let app = with_cors().await;
    let header = preflight(&app, ORIGIN, "GET", "authorization, x-secret-debug").await;
    header.assert_problem(400, "cors_preflight_refused");
    let method = preflight(&app, ORIGIN, "TRACE", "").await;
    method.assert_problem(400, "cors_preflight_refused");
}

#[tokio::test]
async fn cors_is_off_by_default() {
    let app = spawn_app().await;
    let a = preflight(&app, ORIGIN, "GET", "authorization").await;
    assert!(a.headers.keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", a.headers);
    let token = app.login("director@demo.usul.kg").await;
    let real = app.send(app.request(Method::GET, "/api/v1/me", Some(&token)).header("origin", ORIGIN)).await;
    assert_eq!(real.status, StatusCode::OK);
    assert!(real.headers.keys().all(|k| !k.as_str().starts_with("access-control-")), "{:?}", real.headers);
}
