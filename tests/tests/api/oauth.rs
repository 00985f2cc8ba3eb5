//! The token endpoint as OAuth 2 libraries call it (RFC 6749 §4.3, §4.4, §6): form-encoded
//! grants, HTTP Basic client authentication (§2.3.1), the OAuth error codes, and the same
//! throttling whatever the encoding.

use base64::Engine as _;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use usul_tests::{Answer, Options, PASSWORD, TestApp, spawn_app, spawn_app_with};

const CLIENT_ID: &str = "demo-district";
const CLIENT_SECRET: &str = "demo-district-secret-2022";

/// A form-encoded token request, with an optional `Authorization` header.
async fn form(app: &TestApp, body: &str, authorization: Option<&str>) -> Answer {
    let mut rb = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(a) = authorization {
        rb = rb.header("authorization", a);
    }
    app.send(rb).await
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

#[tokio::test]
async fn a_person_signs_in_and_refreshes_with_form_encoded_grants() {
    let app = spawn_app().await;
    let a = form(&app, "grant_type=password&username=deputy%40demo.usul.kg&password=usul-demo-2022", None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["token_type"], "Bearer");
    assert_eq!(a.header("cache-control"), Some("no-store"));
    let me = app.get("/api/v1/me", &a.str("access_token")).await;
    assert_eq!(me.body["staff"]["role"], "deputy");
    let refresh = a.str("refresh_token");
    let r = form(&app, &format!("grant_type=refresh_token&refresh_token={refresh}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let replay = form(&app, &format!("grant_type=refresh_token&refresh_token={refresh}"), None).await;
    replay.assert_problem(400, "invalid_grant");
    // A charset parameter and unknown parameters (RFC 6749 §3.2: ignored) do not matter.
    let rb = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "application/x-www-form-urlencoded; charset=UTF-8")
        .body(format!("grant_type=password&username=deputy%40demo.usul.kg&password={PASSWORD}&state=xyz&scope="));
    let with_extra = app.send(rb).await;
    assert_eq!(with_extra.status, StatusCode::OK, "{}", with_extra.text);
}

#[tokio::test]
async fn a_district_client_signs_in_with_form_credentials_or_http_basic() {
    let app = spawn_app().await;
    let in_body =
        form(&app, &format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"), None)
            .await;
    assert_eq!(in_body.status, StatusCode::OK, "{}", in_body.text);
    let with_basic = form(&app, "grant_type=client_credentials", Some(&basic(CLIENT_ID, CLIENT_SECRET))).await;
    assert_eq!(with_basic.status, StatusCode::OK, "{}", with_basic.text);
    let me = app.get("/api/v1/me", &with_basic.str("access_token")).await;
    assert_eq!(me.body["service_account"]["client_id"], CLIENT_ID);
    // Each half is form-urlencoded before encoding (§2.3.1): `%2D` is `-`.
    let escaped = form(&app, "grant_type=client_credentials", Some(&basic("demo%2Ddistrict", CLIENT_SECRET))).await;
    assert_eq!(escaped.status, StatusCode::OK, "{}", escaped.text);
    // The same client_id in the body is allowed; the JSON form takes Basic too.
    let same = form(
        &app,
        &format!("grant_type=client_credentials&client_id={CLIENT_ID}"),
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
    )
    .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text);
    let json_basic = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/token"))
                .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
                .json(&json!({"grant_type": "client_credentials"})),
        )
        .await;
    assert_eq!(json_basic.status, StatusCode::OK, "{}", json_basic.text);
}

#[tokio::test]
async fn a_wrong_client_secret_over_basic_is_invalid_client_with_a_basic_challenge() {
    let app = spawn_app().await;
    let wrong = form(&app, "grant_type=client_credentials", Some(&basic(CLIENT_ID, "nope"))).await;
    wrong.assert_problem(401, "invalid_client");
    assert_eq!(wrong.header("www-authenticate"), Some("Basic realm=\"usul\""));
}

#[tokio::test]
async fn basic_credentials_that_do_not_decode_are_invalid_client() {
    let app = spawn_app().await;
    let not_base64 = form(&app, "grant_type=client_credentials", Some("Basic %%%not-base64")).await;
    not_base64.assert_problem(401, "invalid_client");
    assert_eq!(not_base64.header("www-authenticate"), Some("Basic realm=\"usul\""));
    let b64 = |raw: &[u8]| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw));
    form(&app, "grant_type=client_credentials", Some(&b64(b"no-colon-here")))
        .await
        .assert_problem(401, "invalid_client");
    form(&app, "grant_type=client_credentials", Some(&b64(b"\xff\xfe:secret")))
        .await
        .assert_problem(401, "invalid_client");
    form(&app, "grant_type=client_credentials", Some(&b64(b"bad%zzescape%:secret")))
        .await
        .assert_problem(401, "invalid_client");
    form(&app, "grant_type=client_credentials", Some("Basic")).await.assert_problem(401, "invalid_client");
}

#[tokio::test]
async fn a_client_id_in_the_body_differing_from_basic_is_an_invalid_request() {
    let app = spawn_app().await;
    let a = form(&app, "grant_type=client_credentials&client_id=someone-else", Some(&basic(CLIENT_ID, CLIENT_SECRET)))
        .await;
    a.assert_problem(400, "invalid_request");
    assert_eq!(a.error_fields(), vec!["client_id"]);
    let both = form(
        &app,
        &format!("grant_type=client_credentials&client_secret={CLIENT_SECRET}"),
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
    )
    .await;
    both.assert_problem(400, "invalid_request");
    assert_eq!(both.error_fields(), vec!["client_secret"]);
    let other_grant = form(
        &app,
        "grant_type=password&username=deputy%40demo.usul.kg&password=usul-demo-2022",
        Some(&basic(CLIENT_ID, CLIENT_SECRET)),
    )
    .await;
    other_grant.assert_problem(400, "invalid_request");
    assert_eq!(other_grant.error_fields(), vec!["Authorization"]);
}

#[tokio::test]
async fn a_form_with_a_missing_or_repeated_parameter_is_an_invalid_request() {
    let app = spawn_app().await;
    let missing = form(&app, "grant_type=password&username=deputy%40demo.usul.kg", None).await;
    missing.assert_problem(400, "invalid_request");
    assert_eq!(missing.error_fields(), vec!["password"]);
    // A parameter without a value counts as omitted (RFC 6749 §3.1).
    let empty = form(&app, "grant_type=refresh_token&refresh_token=", None).await;
    empty.assert_problem(400, "invalid_request");
    assert_eq!(empty.error_fields(), vec!["refresh_token"]);
    let no_grant = form(&app, "username=x", None).await;
    no_grant.assert_problem(400, "invalid_request");
    assert_eq!(no_grant.error_fields(), vec!["grant_type"]);
    let twice = form(&app, "grant_type=password&username=a%40b.kg&username=c%40d.kg&password=x", None).await;
    twice.assert_problem(400, "invalid_request");
    assert_eq!(twice.error_fields(), vec!["username"]);
}

#[tokio::test]
async fn an_unsupported_grant_type_is_named_in_either_encoding() {
    let app = spawn_app().await;
    let f = form(&app, "grant_type=authorization_code&code=abc", None).await;
    f.assert_problem(400, "unsupported_grant_type");
    assert_eq!(f.error_fields(), vec!["grant_type"]);
    app.token(&json!({"grant_type": "implicit"})).await.assert_problem(400, "unsupported_grant_type");
    let plain = app
        .send(
            app.client
                .post(app.url("/api/v1/auth/token"))
                .header("content-type", "text/plain")
                .body("grant_type=password"),
        )
        .await;
    plain.assert_problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn failed_attempts_count_the_same_in_json_form_and_basic() {
    let app = spawn_app().await;
    let user = "a.usenova@demo.usul.kg";
    app.token(&json!({"grant_type": "password", "username": user, "password": "wrong-password"}))
        .await
        .assert_problem(400, "invalid_grant");
    for _ in 0..3 {
        form(&app, "grant_type=password&username=a.usenova%40demo.usul.kg&password=wrong-password", None)
            .await
            .assert_problem(400, "invalid_grant");
    }
    let fifth = form(&app, "grant_type=password&username=a.usenova%40demo.usul.kg&password=wrong-password", None).await;
    fifth.assert_problem(429, "too_many_attempts");
    let right = app.token(&json!({"grant_type": "password", "username": user, "password": PASSWORD})).await;
    right.assert_problem(429, "too_many_attempts");
    // A client's attempts: body and Basic count on the same key.
    for _ in 0..2 {
        form(&app, &format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret=nope"), None)
            .await
            .assert_problem(401, "invalid_client");
        form(&app, "grant_type=client_credentials", Some(&basic(CLIENT_ID, "nope")))
            .await
            .assert_problem(401, "invalid_client");
    }
    let locked = form(&app, "grant_type=client_credentials", Some(&basic(CLIENT_ID, "nope"))).await;
    locked.assert_problem(429, "too_many_attempts");
    form(&app, "grant_type=client_credentials", Some(&basic(CLIENT_ID, CLIENT_SECRET)))
        .await
        .assert_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn the_address_limit_counts_form_and_json_requests_alike() {
    let app = spawn_app_with(Options { token_requests_per_minute: 3, ..Options::default() }).await;
    let body = "grant_type=password&username=deputy%40demo.usul.kg&password=usul-demo-2022";
    assert_eq!(form(&app, body, None).await.status, StatusCode::OK);
    app.login_with("deputy@demo.usul.kg", PASSWORD).await;
    // Even a request that would be refused for its content counts.
    form(&app, "grant_type=magic", None).await.assert_problem(400, "unsupported_grant_type");
    let limited = form(&app, body, None).await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
}

#[tokio::test]
async fn form_encoded_password_checks_are_bounded_like_json_ones() {
    let app = spawn_app_with(Options { hash_queue: 0, ..Options::default() }).await;
    let bodies: Vec<String> = (0..24)
        .map(|i| format!("grant_type=password&username=nobody{i}%40demo.usul.kg&password=wrong-password-x"))
        .collect();
    let answers: Vec<(u16, String)> = join_all(bodies.iter().map(|b| form(&app, b, None)))
        .await
        .into_iter()
        .map(|a| (a.status.as_u16(), a.code().to_owned()))
        .collect();
    assert!(answers.iter().all(|(s, _)| *s == 400 || *s == 503), "{answers:?}");
    assert!(answers.iter().any(|(s, c)| *s == 503 && c == "overloaded"), "two workers, no queue: {answers:?}");
}
