//! The sign-in path under attack: parallel bursts against the lockout, unknown accounts and
//! client secrets throttled alike, refresh-token replays racing, password changes revoking
//! refresh tokens, the per-address rate limit and bounded password hashing.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use usul_tests::{Options, PASSWORD, TestApp, spawn_app, spawn_app_with};

fn password_grant(user: &str, password: &str) -> serde_json::Value {
    json!({"grant_type": "password", "username": user, "password": password})
}

async fn statuses(app: &TestApp, bodies: Vec<serde_json::Value>) -> Vec<(u16, String)> {
    join_all(bodies.iter().map(|b| app.token(b)))
        .await
        .into_iter()
        .map(|a| (a.status.as_u16(), a.code().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_parallel_burst_of_wrong_passwords_cannot_check_more_than_five() {
    let app = spawn_app().await;
    let user = "b.toktogulov@demo.usul.kg";
    let mut bodies: Vec<_> = (0..39).map(|i| password_grant(user, &format!("wrong-{i}-password"))).collect();
    bodies.push(password_grant(user, PASSWORD));
    let answers = statuses(&app, bodies).await;
    assert!(answers.iter().all(|(s, _)| [200, 400, 429].contains(s)), "{answers:?}");
    let checked = answers.iter().filter(|(s, _)| *s != 429).count();
    assert!(checked <= 5, "only five attempts may check a password: {answers:?}");
    assert!(answers.iter().filter(|(s, c)| *s == 429 && c == "too_many_attempts").count() >= 35, "{answers:?}");
    // The account is locked now, whatever the burst's outcome: even the right password waits.
    app.token(&password_grant(user, PASSWORD)).await.assert_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn unknown_and_existing_accounts_answer_alike_after_five_failures() {
    let app = spawn_app().await;
    for user in ["n.isakov@demo.usul.kg", "nobody-here@demo.usul.kg"] {
        let mut seen = Vec::new();
        for i in 0..7 {
            seen.push(app.token(&password_grant(user, &format!("wrong-{i}-password"))).await.status.as_u16());
        }
        assert_eq!(seen, vec![400, 400, 400, 400, 429, 429, 429], "{user}");
    }
}

#[tokio::test]
async fn wrong_client_secrets_are_throttled_like_passwords() {
    let app = spawn_app().await;
    let grant = |secret: &str| json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": secret});
    for _ in 0..4 {
        app.token(&grant("not-the-secret")).await.assert_problem(401, "invalid_client");
    }
    app.token(&grant("not-the-secret")).await.assert_problem(429, "too_many_attempts");
    app.token(&grant("demo-district-secret-2022")).await.assert_problem(429, "too_many_attempts");
}

#[tokio::test]
async fn a_refresh_token_presented_twice_at_once_leaves_no_live_token() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let refresh = app.login_with("deputy@demo.usul.kg", PASSWORD).await.str("refresh_token");
        let grant = json!({"grant_type": "refresh_token", "refresh_token": refresh});
        let answers = join_all([app.token(&grant), app.token(&grant)]).await;
        let winners: Vec<_> = answers.iter().filter(|a| a.status == StatusCode::OK).collect();
        assert!(winners.len() <= 1, "one rotation at most");
        // Whoever won, the replay revoked the family: the winner's new token is dead too.
        for w in winners {
            let next = json!({"grant_type": "refresh_token", "refresh_token": w.str("refresh_token")});
            app.token(&next).await.assert_problem(400, "invalid_grant");
        }
    }
}

#[tokio::test]
async fn a_password_set_by_the_director_revokes_the_persons_refresh_tokens() {
    let app = spawn_app().await;
    let refresh = app.login_with("n.isakov@demo.usul.kg", PASSWORD).await.str("refresh_token");
    let director = app.login("director@demo.usul.kg").await;
    let id = app.staff_id("n.isakov@demo.usul.kg").await;
    let set = app.patch(&format!("/api/v1/staff/{id}"), &director, &json!({"password": "a-new-password-2023"})).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    app.token(&json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .await
        .assert_problem(400, "invalid_grant");
    app.login_with("n.isakov@demo.usul.kg", "a-new-password-2023").await;
}

#[tokio::test]
async fn a_person_changes_their_own_password_with_the_current_one() {
    let app = spawn_app().await;
    let first = app.login_with("a.bokonbaeva@demo.usul.kg", PASSWORD).await;
    let (access, refresh) = (first.str("access_token"), first.str("refresh_token"));
    let wrong = app
        .post(
            "/api/v1/me/password",
            &access,
            &json!({"current_password": "not-it", "new_password": "brand-new-pass-1"}),
        )
        .await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.error_fields(), vec!["current_password"]);
    let short =
        app.post("/api/v1/me/password", &access, &json!({"current_password": PASSWORD, "new_password": "short"})).await;
    short.assert_problem(422, "validation_failed");
    assert_eq!(short.error_fields(), vec!["new_password"]);
    let ok = app
        .post(
            "/api/v1/me/password",
            &access,
            &json!({"current_password": PASSWORD, "new_password": "brand-new-pass-1"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text);
    app.token(&json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .await
        .assert_problem(400, "invalid_grant");
    app.token(&password_grant("a.bokonbaeva@demo.usul.kg", PASSWORD)).await.assert_problem(400, "invalid_grant");
    app.login_with("a.bokonbaeva@demo.usul.kg", "brand-new-pass-1").await;
    // A district system has no password of its own to change.
    let client = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))
        .await
        .str("access_token");
    app.post("/api/v1/me/password", &client, &json!({"current_password": "x", "new_password": "brand-new-pass-1"}))
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn the_token_endpoint_limits_requests_per_client_address() {
    let app = spawn_app_with(Options { token_requests_per_minute: 3, ..Options::default() }).await;
    for _ in 0..3 {
        app.login_with("deputy@demo.usul.kg", PASSWORD).await;
    }
    let limited = app.token(&password_grant("deputy@demo.usul.kg", PASSWORD)).await;
    limited.assert_problem(429, "rate_limited");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
}

#[tokio::test]
async fn password_hashing_is_bounded_and_excess_is_refused_with_503_and_retry_after() {
    let app = spawn_app_with(Options { hash_queue: 0, ..Options::default() }).await;
    let bodies = (0..24).map(|i| password_grant(&format!("nobody{i}@demo.usul.kg"), "wrong-password-x")).collect();
    let answers = statuses(&app, bodies).await;
    assert!(answers.iter().all(|(s, _)| *s == 400 || *s == 503), "{answers:?}");
    assert!(answers.iter().any(|(s, c)| *s == 503 && c == "overloaded"), "two workers, no queue: {answers:?}");
    assert!(answers.iter().any(|(s, _)| *s == 400), "{answers:?}");
    let one = app.token(&password_grant("deputy@demo.usul.kg", PASSWORD)).await;
    assert_eq!(one.status, StatusCode::OK, "the server recovers at once: {}", one.text);
}

#[tokio::test]
async fn a_body_with_trailing_garbage_or_an_array_in_place_of_the_object_is_malformed() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let school = app.demo_school().await;
    let before = app.count_staff().await;
    let person =
        r#"{"email": "x.new@demo.usul.kg", "password": "initial-pass-1", "last_name": "Жаңы", "first_name": "Адам"}"#;
    for body in [format!("{person} trailing"), format!("{person}{{}}"), format!("[{person}]"), "\"text\"".to_owned()] {
        let rb = app
            .request(reqwest::Method::POST, &format!("/api/v1/schools/{school}/staff"), Some(&deputy))
            .header("content-type", "application/json")
            .body(body.clone());
        app.send(rb).await.assert_problem(400, "malformed_json");
    }
    assert_eq!(app.count_staff().await, before, "nothing was written");
    let ok = app
        .request(reqwest::Method::POST, &format!("/api/v1/schools/{school}/staff"), Some(&deputy))
        .header("content-type", "application/json")
        .body(format!("  {person}\n"));
    assert_eq!(app.send(ok).await.status, StatusCode::CREATED, "whitespace around the object is fine");
}

#[tokio::test]
async fn control_characters_and_overlong_values_in_query_strings_are_refused_and_wildcards_are_literal() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let school = app.demo_school().await;
    for (query, field) in [("q=a%00b", "q"), ("kind=article%00", "kind"), ("q=%1B%5B31m", "q")] {
        let a = app.get(&format!("/api/v1/schools/{school}/materials?{query}"), &deputy).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), vec![field], "{query}");
    }
    let long = app.get(&format!("/api/v1/schools/{school}/materials?q={}", "сөз ".repeat(200)), &deputy).await;
    long.assert_problem(400, "invalid_parameter");
    let activities = app.get(&format!("/api/v1/schools/{school}/activities?form=open%00lesson"), &deputy).await;
    activities.assert_problem(400, "invalid_parameter");
    let all = app.get(&format!("/api/v1/schools/{school}/materials?limit=200"), &deputy).await;
    assert!(!all.body["items"].as_array().unwrap().is_empty(), "the demo has materials");
    for wildcard in ["%25", "_", "%25%25"] {
        let a = app.get(&format!("/api/v1/schools/{school}/materials?q={wildcard}"), &deputy).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.body["items"], json!([]), "`{wildcard}` is a literal, not a wildcard");
    }
    let many_words = app.get(&format!("/api/v1/schools/{school}/materials?q={}", "a+".repeat(240)), &deputy).await;
    assert_eq!(many_words.status, StatusCode::OK, "{}", many_words.text);
}

#[tokio::test]
async fn a_teacher_cannot_file_a_material_written_only_by_others_r_4_3() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("n.isakov@demo.usul.kg").await;
    let other = app.staff_id("m.esengulov@demo.usul.kg").await;
    let me = app.staff_id("n.isakov@demo.usul.kg").await;
    let body = |authors: serde_json::Value| json!({"kind": "article", "title": "Тажрыйба", "author_ids": authors, "year": "2022-2023", "link": "https://school95.kg/a%00"});
    let refused = app.post(&format!("/api/v1/schools/{school}/materials"), &teacher, &body(json!([other]))).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["author_ids"]);
    let mut fine = body(json!([me, other]));
    fine["link"] = json!("https://school95.kg/a");
    let created = app.post(&format!("/api/v1/schools/{school}/materials"), &teacher, &fine).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mut nul = fine.clone();
    nul["link"] = json!("https://school95.kg/a\u{0}b");
    let bad_link = app.post(&format!("/api/v1/schools/{school}/materials"), &teacher, &nul).await;
    bad_link.assert_problem(422, "validation_failed");
    assert_eq!(bad_link.error_fields(), vec!["link"]);
}

fn signed(claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(usul_tests::JWT_SECRET.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn a_token_not_yet_valid_or_issued_in_the_future_is_refused_within_a_small_leeway() {
    let app = spawn_app().await;
    let staff = app.staff_id("deputy@demo.usul.kg").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |iat: i64, nbf: Option<i64>| {
        let mut c = json!({"sub": staff, "typ": "staff", "role": "deputy", "iat": iat, "exp": now + 600});
        if let Some(n) = nbf {
            c["nbf"] = json!(n);
        }
        c
    };
    app.get("/api/v1/me", &signed(&claims(now, Some(now + 600)))).await.assert_problem(401, "invalid_token");
    app.get("/api/v1/me", &signed(&claims(now + 600, None))).await.assert_problem(401, "invalid_token");
    // A few seconds of clock skew between instances is tolerated.
    let skewed = app.get("/api/v1/me", &signed(&claims(now + 5, Some(now + 5)))).await;
    assert_eq!(skewed.status, StatusCode::OK, "{}", skewed.text);
}

#[tokio::test]
async fn answers_are_not_sniffed_private_when_authenticated_and_html_is_confined() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let me = app.get("/api/v1/me", &deputy).await;
    assert_eq!(me.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(me.header("cache-control"), Some("private, no-cache"));
    let health = app.send(app.request(reqwest::Method::GET, "/healthz", None)).await;
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(health.header("cache-control"), None, "public answers stay cacheable");
    let plans = app.get("/api/v1/plans?kind=school", &deputy).await;
    let id = plans.body["items"][0]["id"].as_str().expect("the demo has a unified plan").to_owned();
    let doc = app.get(&format!("/api/v1/plans/{id}/document"), &deputy).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    let ui = app.send(app.request(reqwest::Method::GET, "/swagger-ui/", None)).await;
    assert!(ui.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    // A token answer is never stored by caches.
    let t = app.token(&password_grant("deputy@demo.usul.kg", PASSWORD)).await;
    assert_eq!(t.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics_and_the_metrics_can_ask_for_a_token() {
    let app =
        spawn_app_with(Options { metrics_token: Some("metrics-token-0123456789".into()), ..Options::default() }).await;
    for i in 0..30 {
        let m = reqwest::Method::from_bytes(format!("BREW{i}").as_bytes()).unwrap();
        let _ = app.send(app.request(m, "/api/v1/me", None)).await;
    }
    app.send(app.request(reqwest::Method::GET, "/metrics", None)).await.assert_problem(401, "unauthorized");
    let wrong = app.request(reqwest::Method::GET, "/metrics", Some("metrics-token-01234567xx"));
    app.send(wrong).await.assert_problem(401, "unauthorized");
    let m = app.send(app.request(reqwest::Method::GET, "/metrics", Some("metrics-token-0123456789"))).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.text.contains("method=\"OTHER\""), "{}", m.text);
    assert!(!m.text.contains("BREW"), "made-up methods are one label");
}

#[tokio::test]
async fn a_replay_is_answered_only_to_a_caller_who_still_signs_in() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("b.toktogulov@demo.usul.kg").await;
    let material = json!({"kind": "article", "title": "Тажрыйба", "author_ids": [app.staff_id("b.toktogulov@demo.usul.kg").await], "year": "2022-2023"});
    let post = |token: &str| {
        app.request(reqwest::Method::POST, &format!("/api/v1/schools/{school}/materials"), Some(token))
            .header("Idempotency-Key", "material-once-1")
            .json(&material)
    };
    let first = app.send(post(&teacher)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let replay = app.send(post(&teacher)).await;
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let director = app.login("director@demo.usul.kg").await;
    let id = app.staff_id("b.toktogulov@demo.usul.kg").await;
    let d = app.post(&format!("/api/v1/staff/{id}/deactivate"), &director, &json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    app.send(post(&teacher)).await.assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn an_empty_or_non_ascii_idempotency_key_is_refused_and_nothing_is_created() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let before = app.get(&format!("/api/v1/schools/{school}/subjects?limit=200"), &deputy).await.body["items"]
        .as_array()
        .unwrap()
        .len();
    let keys: Vec<reqwest::header::HeaderValue> = vec![
        reqwest::header::HeaderValue::from_static(""),
        reqwest::header::HeaderValue::from_bytes("ачкыч-1".as_bytes()).unwrap(),
        reqwest::header::HeaderValue::from_static("has space"),
        reqwest::header::HeaderValue::from_str(&"k".repeat(201)).unwrap(),
    ];
    for key in keys {
        let rb = app
            .request(reqwest::Method::POST, &format!("/api/v1/schools/{school}/subjects"), Some(&deputy))
            .header("Idempotency-Key", key.clone())
            .json(&json!({"name": "География"}));
        let a = app.send(rb).await;
        a.assert_problem(400, "invalid_parameter");
        assert_eq!(a.error_fields(), vec!["Idempotency-Key"], "{key:?}");
    }
    let after = app.get(&format!("/api/v1/schools/{school}/subjects?limit=200"), &deputy).await.body["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(before > 0);
    assert_eq!(before, after, "nothing was created");
}

/// Issue 12, point 13: what the contract allows, the server accepts — a whole number written
/// `23.0` in an integer field, and `null` as the optional body of a step.
#[tokio::test]
async fn whole_numbers_with_a_fraction_and_null_step_bodies_are_accepted() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let a = app
        .patch(
            &format!("/api/v1/schools/{school}"),
            &director,
            &json!({"settings": {"min_head_experience_years": 7.0}}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["settings"]["min_head_experience_years"], 7);
    // A fraction that is not whole is still refused, naming the field.
    let b = app
        .patch(
            &format!("/api/v1/schools/{school}"),
            &director,
            &json!({"settings": {"min_head_experience_years": 7.5}}),
        )
        .await;
    assert_eq!(b.status.as_u16(), 422, "{}", b.text);
    assert!(b.text.contains("min_head_experience_years"), "{}", b.text);

    let s = crate::plans::setup(&app).await;
    let p = crate::plans::create(
        &app,
        &s.deputy,
        json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "План"}),
    )
    .await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    crate::plans::add_item(&app, &s.deputy, &p, "Педкеңеш", "2023-11-01", &[&deputy_id]).await;
    let id = p["id"].as_str().unwrap_or_default();
    let submitted = app
        .send(
            app.request(reqwest::Method::POST, &format!("/api/v1/plans/{id}/submit"), Some(&s.deputy))
                .header("content-type", "application/json")
                .body("null"),
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!(submitted.body["status"], "submitted");
}

/// A precondition header that names no version of ours is the client's mistake: 400 naming the
/// header, nothing changed — after authentication, so that a caller without a token still
/// learns that first. `*` and lists (for `If-None-Match`) are well formed.
#[tokio::test]
async fn malformed_precondition_headers_are_refused_after_authentication() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}");
    let patch = |if_match: &'static str, token: Option<&str>| {
        app.request(reqwest::Method::PATCH, &path, token).header("if-match", if_match).json(&json!({"name": "Changed"}))
    };
    for bad in ["", "null", "\"abc\"", "3", "\"1\", \"2\""] {
        let a = app.send(patch(bad, Some(&director))).await;
        a.assert_problem(400, "invalid_parameter");
        assert!(a.text.contains("If-Match"), "{}", a.text);
    }
    app.send(patch("null", None)).await.assert_problem(401, "unauthorized");
    let read = app.get(&path, &director).await;
    assert_ne!(read.body["name"], "Changed", "nothing was changed");
    let version = read.body["version"].as_i64().unwrap_or_default();
    let get = |inm: String| app.request(reqwest::Method::GET, &path, Some(&director)).header("if-none-match", inm);
    app.send(get("nonsense".into())).await.assert_problem(400, "invalid_parameter");
    assert_eq!(app.send(get(format!("\"0\", W/\"{version}\""))).await.status.as_u16(), 304);
    let star = app.send(patch("*", Some(&director))).await;
    assert_eq!(star.status, StatusCode::OK, "{}", star.text);
}
