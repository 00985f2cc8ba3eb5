//! Webhooks: registration and its refusals, signed deliveries to a receiver in this process,
//! retries, replays, pausing, and two instances delivering each event once.

use crate::events::approved_plan;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use usul_tests::{Options, TestApp, spawn_app, spawn_app_with};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

#[derive(Default)]
struct Inbox {
    got: Mutex<Vec<Received>>,
    /// Answer 500 to this many requests first.
    fail_first: Mutex<u32>,
    /// Answer this many requests only after a pause (a slow receiver).
    slow_first: Mutex<u32>,
}

/// A receiver on loopback, recording every request.
struct Receiver {
    url: String,
    inbox: Arc<Inbox>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        std::mem::drop(self.handle.stop(false));
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, inbox: web::Data<Arc<Inbox>>) -> HttpResponse {
    let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    inbox.got.lock().unwrap().push(Received {
        id: h("webhook-id"),
        timestamp: h("webhook-timestamp"),
        signature: h("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let slow = {
        let mut slow = inbox.slow_first.lock().unwrap();
        let was = *slow > 0;
        *slow = slow.saturating_sub(1);
        was
    };
    if slow {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    let mut fail = inbox.fail_first.lock().unwrap();
    if *fail > 0 {
        *fail -= 1;
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::NoContent().finish()
}

fn receiver(fail_first: u32) -> Receiver {
    receiver_with(fail_first, 0)
}

fn receiver_with(fail_first: u32, slow_first: u32) -> Receiver {
    let inbox = Arc::new(Inbox {
        got: Mutex::default(),
        fail_first: Mutex::new(fail_first),
        slow_first: Mutex::new(slow_first),
    });
    let data = web::Data::new(inbox.clone());
    let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/hook", web::post().to(receive)))
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Receiver { url: format!("http://{addr}/hook"), inbox, handle }
}

impl Receiver {
    fn got(&self) -> Vec<Received> {
        self.inbox.got.lock().unwrap().clone()
    }

    /// Waits (at most a minute) until `done` holds of what was received.
    async fn until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.got();
            if done(&got) {
                return got;
            }
            assert!(tokio::time::Instant::now() < deadline, "waited a minute for {what}; got {got:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Checks a delivery's signature as a receiver would (Standard Webhooks).
fn verify(secret: &str, r: &Received) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    r.signature.split(' ').any(|s| s == expected)
}

fn body(r: &Received) -> Value {
    serde_json::from_str(&r.body).unwrap()
}

async fn register(app: &TestApp, token: &str, url: &str, events: &[&str]) -> Value {
    let a = app.post("/api/v1/webhooks", token, &json!({"url": url, "events": events})).await;
    assert_eq!(a.status.as_u16(), 201, "{}", a.text);
    a.body
}

/// Polls the delivery log until `done` holds of it.
async fn log_until(app: &TestApp, token: &str, hook: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let a = app.get(&format!("/api/v1/webhooks/{hook}/deliveries?limit=200"), token).await;
        assert_eq!(a.status.as_u16(), 200, "{}", a.text);
        let items = a.body["items"].as_array().cloned().unwrap_or_default();
        if done(&items) {
            return items;
        }
        assert!(tokio::time::Instant::now() < deadline, "waited a minute; the log is {items:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_receiver_gets_a_signed_plan_approved_delivery() {
    let app = spawn_app_with(Options::delivering()).await;
    let rx = receiver(0);
    let deputy_school_director = app.login("director@demo.usul.kg").await;
    let hook = register(&app, &deputy_school_director, &rx.url, &["plan.approved"]).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(hook["status"], "active");
    assert_eq!(hook["scope"]["kind"], "school");
    // The secret is shown once.
    let id = hook["id"].as_str().unwrap();
    let read = app.get(&format!("/api/v1/webhooks/{id}"), &deputy_school_director).await;
    assert_eq!(read.status.as_u16(), 200);
    assert!(read.body.get("secret").is_none(), "{}", read.text);
    let plan = approved_plan(&app).await;
    let got = rx.until("the plan.approved delivery", |g| !g.is_empty()).await;
    let r = &got[0];
    assert!(verify(&secret, r), "the signature verifies: {r:?}");
    assert!(!verify("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", r), "and not with another secret");
    let event = body(r);
    assert_eq!(event["type"], "plan.approved");
    assert_eq!(event["resource"]["id"], plan["id"]);
    assert!((chrono::Utc::now().timestamp() - r.timestamp.parse::<i64>().unwrap()).abs() < 300);
    // Only the types asked for: the plan's submission was not sent.
    let log = log_until(&app, &deputy_school_director, id, |l| l.iter().any(|d| d["status"] == "delivered")).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["id"], r.id.as_str());
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["last_status"], 204);
    assert_eq!(rx.got().len(), 1);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_and_a_delivery_can_be_replayed() {
    let app = spawn_app_with(Options::delivering()).await;
    let rx = receiver(1);
    let director = app.login("director@demo.usul.kg").await;
    let hook = register(&app, &director, &rx.url, &["plan.approved"]).await;
    let id = hook["id"].as_str().unwrap();
    approved_plan(&app).await;
    let got = rx.until("a retry after the failure", |g| g.len() >= 2).await;
    assert_eq!(got[0].id, got[1].id, "the retry is the same message");
    assert_eq!(got[0].body, got[1].body);
    let log = log_until(&app, &director, id, |l| l.iter().any(|d| d["status"] == "delivered")).await;
    assert_eq!(log[0]["attempts"], 2, "{log:?}");
    // Replay: a new delivery of the same event.
    let delivery = log[0]["id"].as_str().unwrap();
    let a = app.post(&format!("/api/v1/webhooks/{id}/deliveries/{delivery}/replay"), &director, &json!({})).await;
    assert_eq!(a.status.as_u16(), 202, "{}", a.text);
    assert_eq!(a.body["replay_of"], delivery);
    let got = rx.until("the replay", |g| g.len() >= 3).await;
    assert_eq!(got[2].id, a.str("id"));
    assert_eq!(body(&got[2])["id"], body(&got[0])["id"], "the same event");
    assert!(verify(hook["secret"].as_str().unwrap(), &got[2]));
    // Another school cannot see, replay or delete it.
    let (_, _, other) = app.other_school().await;
    app.get(&format!("/api/v1/webhooks/{id}"), &other).await.assert_problem(404, "not_found");
    app.post(&format!("/api/v1/webhooks/{id}/deliveries/{delivery}/replay"), &other, &json!({}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.get("/api/v1/webhooks", &other).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_slow_receiver_fails_its_attempt_without_holding_the_change_and_is_retried() {
    let mut options = Options::delivering();
    options.webhooks.timeout = Duration::from_millis(300);
    let app = spawn_app_with(options).await;
    let rx = receiver_with(0, 1);
    let director = app.login("director@demo.usul.kg").await;
    let hook = register(&app, &director, &rx.url, &["plan.approved"]).await;
    let id = hook["id"].as_str().unwrap();
    // The approval answers whatever the receiver does; its delivery is attempted afterwards.
    approved_plan(&app).await;
    let log = log_until(&app, &director, id, |l| l.iter().any(|d| d["status"] == "delivered")).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["attempts"], 2, "the slow attempt failed and the retry delivered: {log:?}");
    let got = rx.got();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].id, got[1].id, "the retry is the same message");
}

#[tokio::test]
async fn a_subscription_whose_deliveries_keep_failing_is_paused_with_the_reason() {
    let mut options = Options::delivering();
    options.webhooks.max_attempts = 2;
    let app = spawn_app_with(options).await;
    let rx = receiver(u32::MAX);
    let director = app.login("director@demo.usul.kg").await;
    let hook = register(&app, &director, &rx.url, &["plan.approved"]).await;
    let id = hook["id"].as_str().unwrap();
    approved_plan(&app).await;
    let log = log_until(&app, &director, id, |l| l.iter().any(|d| d["status"] == "failed")).await;
    assert_eq!(log[0]["attempts"], 2);
    assert_eq!(log[0]["last_error"], "HTTP 500");
    let read = app.get(&format!("/api/v1/webhooks/{id}"), &director).await;
    assert_eq!(read.body["status"], "paused", "{}", read.text);
    assert!(read.body["paused_reason"].as_str().unwrap().contains("HTTP 500"), "{}", read.text);
    // Resumed by its owner.
    let resumed = app.patch(&format!("/api/v1/webhooks/{id}"), &director, &json!({"status": "active"})).await;
    assert_eq!(resumed.body["status"], "active", "{}", resumed.text);
    assert_eq!(resumed.body["paused_reason"], Value::Null);
}

#[tokio::test]
async fn two_instances_deliver_each_event_exactly_once() {
    let app = spawn_app_with(Options::delivering()).await;
    let twin = app.twin_with(Options::delivering()).await;
    let rx = receiver(0);
    let director = app.login("director@demo.usul.kg").await;
    let hook = register(&app, &director, &rx.url, &["subject.created"]).await;
    let id = hook["id"].as_str().unwrap();
    let school = app.demo_school().await;
    // Half the changes through each instance.
    for n in 0..12 {
        let base = if n % 2 == 0 { app.address.clone() } else { twin.address.clone() };
        let a = app
            .client
            .post(format!("{base}/api/v1/schools/{school}/subjects"))
            .bearer_auth(&director)
            .json(&json!({"name": format!("Предмет {n}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(a.status().as_u16(), 201);
    }
    log_until(&app, &director, id, |l| l.len() == 12 && l.iter().all(|d| d["status"] == "delivered")).await;
    let got = rx.got();
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 12, "each delivery once");
    assert_eq!(got.len(), 12, "and no delivery twice: {got:?}");
}

#[tokio::test]
async fn bad_webhook_urls_are_refused_and_nothing_is_stored() {
    let mut options = Options::default();
    options.webhooks.allow_private = false;
    let app = spawn_app_with(options).await;
    let director = app.login("director@demo.usul.kg").await;
    for (url, says) in [
        ("ftp://example.org/hook", "scheme"),
        ("http://127.0.0.1:8080/hook", "127.0.0.1"),
        ("http://[::1]/hook", "::1"),
        ("http://10.0.0.5/hook", "10.0.0.5"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("http://localhost:9000/hook", "localhost"),
        ("https://user:pw@example.org/hook", "credentials"),
        ("not a url", "parsed"),
    ] {
        let a = app.post("/api/v1/webhooks", &director, &json!({"url": url, "events": ["plan.approved"]})).await;
        a.assert_problem(422, "webhook_url_refused");
        assert_eq!(a.error_fields(), ["url"], "{url}");
        assert!(a.body["detail"].as_str().unwrap().contains(says), "{url}: {}", a.text);
    }
    app.post("/api/v1/webhooks", &director, &json!({"url": "https://example.org/", "events": []}))
        .await
        .assert_problem(422, "validation_failed");
    app.post("/api/v1/webhooks", &director, &json!({"url": "https://example.org/", "events": ["plan.exploded"]}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.get("/api/v1/webhooks", &director).await.body["items"], json!([]));
}

#[tokio::test]
async fn webhooks_are_managed_by_the_director_the_district_and_the_ministry_only() {
    let app = spawn_app().await;
    let url = "http://127.0.0.1:9/hook";
    for login in ["deputy@demo.usul.kg", "a.usenova@demo.usul.kg", "admin@demo.usul.kg"] {
        let token = app.login(login).await;
        app.post("/api/v1/webhooks", &token, &json!({"url": url, "events": ["plan.approved"]}))
            .await
            .assert_problem(403, "forbidden");
        app.get("/api/v1/webhooks", &token).await.assert_problem(403, "forbidden");
    }
    let methodist = app.login("methodist@demo.usul.kg").await;
    let d = register(&app, &methodist, url, &["report.submitted"]).await;
    assert_eq!(d["scope"]["kind"], "district");
    let ministry = app.login("ministry@demo.usul.kg").await;
    let m = register(&app, &ministry, url, &["plan.approved"]).await;
    assert_eq!(m["scope"]["kind"], "all");
    // Each sees its own scope's webhooks only.
    let director = app.login("director@demo.usul.kg").await;
    app.get(&format!("/api/v1/webhooks/{}", d["id"].as_str().unwrap()), &director)
        .await
        .assert_problem(404, "not_found");
    let listed = app.get("/api/v1/webhooks", &methodist).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    // Pause, change the events, delete.
    let path = format!("/api/v1/webhooks/{}", d["id"].as_str().unwrap());
    let paused = app.patch(&path, &methodist, &json!({"status": "paused", "events": ["report.accepted"]})).await;
    assert_eq!(paused.body["status"], "paused", "{}", paused.text);
    assert_eq!(paused.body["events"], json!(["report.accepted"]));
    let gone = app.send(app.request(reqwest::Method::DELETE, &path, Some(&methodist))).await;
    assert_eq!(gone.status.as_u16(), 204);
    app.get(&path, &methodist).await.assert_problem(404, "not_found");
}
