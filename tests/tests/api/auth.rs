//! Tokens: the three grants, refresh rotation and reuse, expiry, throttling, deactivation.

use reqwest::{Method, StatusCode};
use serde_json::json;
use usul_tests::{JWT_SECRET, PASSWORD, spawn_app};

#[tokio::test]
async fn a_demo_person_signs_in_with_the_password_grant() {
    let app = spawn_app().await;
    let a = app.login_with("deputy@demo.usul.kg", PASSWORD).await;
    assert_eq!(a.body["token_type"], "Bearer");
    assert_eq!(a.body["expires_in"], 900);
    assert!(!a.str("refresh_token").is_empty());
    let me = app.get("/api/v1/me", &a.str("access_token")).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["staff"]["role"], "deputy");
    assert_eq!(me.body["school"]["name"], "КТО №95 мектеп-гимназиясы");
    assert!(me.body["district"]["id"].is_string());
}

#[tokio::test]
async fn logins_are_case_insensitive() {
    let app = spawn_app().await;
    app.login_with("  Director@Demo.USUL.kg ", PASSWORD).await;
}

#[tokio::test]
async fn a_wrong_password_is_an_invalid_grant() {
    let app = spawn_app().await;
    let a = app
        .token(&json!({"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "wrong-password"}))
        .await;
    a.assert_problem(400, "invalid_grant");
    let unknown =
        app.token(&json!({"grant_type": "password", "username": "nobody@demo.usul.kg", "password": "whatever1"})).await;
    unknown.assert_problem(400, "invalid_grant");
}

#[tokio::test]
async fn an_unknown_grant_type_names_the_field() {
    let app = spawn_app().await;
    let a = app.token(&json!({"grant_type": "magic"})).await;
    a.assert_problem(400, "unsupported_grant_type");
    assert_eq!(a.error_fields(), vec!["grant_type"]);
    let b = app.token(&json!({"grant_type": "password"})).await;
    b.assert_problem(400, "invalid_request");
    assert_eq!(b.error_fields(), vec!["username", "password"]);
}

#[tokio::test]
async fn a_refresh_token_rotates_and_works_once() {
    let app = spawn_app().await;
    let first = app.login_with("deputy@demo.usul.kg", PASSWORD).await;
    let r1 = first.str("refresh_token");
    let second = app.token(&json!({"grant_type": "refresh_token", "refresh_token": r1})).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let r2 = second.str("refresh_token");
    assert_ne!(r1, r2);
    let me = app.get("/api/v1/me", &second.str("access_token")).await;
    assert_eq!(me.status, StatusCode::OK);
    let third = app.token(&json!({"grant_type": "refresh_token", "refresh_token": r2})).await;
    assert_eq!(third.status, StatusCode::OK, "{}", third.text);
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_revokes_its_whole_family() {
    let app = spawn_app().await;
    let first = app.login_with("deputy@demo.usul.kg", PASSWORD).await;
    let r1 = first.str("refresh_token");
    let second = app.token(&json!({"grant_type": "refresh_token", "refresh_token": r1})).await;
    let r2 = second.str("refresh_token");
    // A thief replays the spent token: refused, and the family is revoked...
    let replay = app.token(&json!({"grant_type": "refresh_token", "refresh_token": r1})).await;
    replay.assert_problem(400, "invalid_grant");
    // ...so the legitimate holder's newer token no longer works either.
    let after = app.token(&json!({"grant_type": "refresh_token", "refresh_token": r2})).await;
    after.assert_problem(400, "invalid_grant");
    // A separate login is a separate family and still works.
    app.login_with("deputy@demo.usul.kg", PASSWORD).await;
}

#[tokio::test]
async fn an_unknown_refresh_token_is_refused() {
    let app = spawn_app().await;
    app.token(&json!({"grant_type": "refresh_token", "refresh_token": "not-a-token"}))
        .await
        .assert_problem(400, "invalid_grant");
}

#[tokio::test]
async fn an_expired_access_token_is_refused() {
    let app = spawn_app().await;
    let staff = app.staff_id("deputy@demo.usul.kg").await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": staff, "typ": "staff", "role": "deputy", "iat": now - 1000, "exp": now - 10});
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    let a = app.get("/api/v1/me", &token).await;
    a.assert_problem(401, "invalid_token");
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused() {
    let app = spawn_app().await;
    let staff = app.staff_id("director@demo.usul.kg").await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": staff, "typ": "staff", "role": "admin", "iat": now, "exp": now + 600});
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"another-secret-another-secret-another"),
    )
    .unwrap();
    app.get("/api/v1/me", &forged).await.assert_problem(401, "invalid_token");
    app.get("/api/v1/me", "garbage").await.assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn a_request_without_a_token_is_unauthorized() {
    let app = spawn_app().await;
    let a = app.send(app.request(Method::GET, "/api/v1/me", None)).await;
    a.assert_problem(401, "unauthorized");
    assert_eq!(a.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_account() {
    let app = spawn_app().await;
    let wrong = json!({"grant_type": "password", "username": "a.usenova@demo.usul.kg", "password": "wrong-password"});
    for _ in 0..4 {
        app.token(&wrong).await.assert_problem(400, "invalid_grant");
    }
    let fifth = app.token(&wrong).await;
    fifth.assert_problem(429, "too_many_attempts");
    assert!(fifth.header("retry-after").is_some());
    // Even the right password waits out the lock.
    let right =
        app.token(&json!({"grant_type": "password", "username": "a.usenova@demo.usul.kg", "password": PASSWORD})).await;
    right.assert_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn a_district_service_account_signs_in_with_client_credentials() {
    let app = spawn_app().await;
    let a = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let me = app.get("/api/v1/me", &a.str("access_token")).await;
    assert_eq!(me.body["account_type"], "service_account");
    assert_eq!(me.body["service_account"]["client_id"], "demo-district");
    let bad = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "nope"}))
        .await;
    bad.assert_problem(401, "invalid_client");
}

#[tokio::test]
async fn a_deactivated_persons_tokens_stop_working_at_once() {
    let app = spawn_app().await;
    let teacher = app.login_with("b.toktogulov@demo.usul.kg", PASSWORD).await;
    let access = teacher.str("access_token");
    let refresh = teacher.str("refresh_token");
    assert_eq!(app.get("/api/v1/me", &access).await.status, StatusCode::OK);
    let director = app.login("director@demo.usul.kg").await;
    let id = app.staff_id("b.toktogulov@demo.usul.kg").await;
    let d = app.post(&format!("/api/v1/staff/{id}/deactivate"), &director, &json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["active"], false);
    app.get("/api/v1/me", &access).await.assert_problem(401, "invalid_token");
    app.token(&json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .await
        .assert_problem(400, "invalid_grant");
    app.token(&json!({"grant_type": "password", "username": "b.toktogulov@demo.usul.kg", "password": PASSWORD}))
        .await
        .assert_problem(400, "invalid_grant");
    // Reactivated, they sign in again.
    let r = app.post(&format!("/api/v1/staff/{id}/reactivate"), &director, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.login("b.toktogulov@demo.usul.kg").await;
}

#[tokio::test]
async fn nobody_deactivates_themselves() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let id = app.staff_id("director@demo.usul.kg").await;
    app.post(&format!("/api/v1/staff/{id}/deactivate"), &director, &json!({}))
        .await
        .assert_problem(422, "cannot_deactivate_self");
}
