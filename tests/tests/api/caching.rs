//! What is kept in memory between requests — accounts, schools, districts, the items of plan
//! versions — never answers stale data where the change was made, and another instance sees a
//! change within the cache time.

use reqwest::StatusCode;
use serde_json::json;
use usul_tests::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_known_caller_reading_their_account_costs_no_statements() {
    let app = spawn_app_with(usul_tests::Options { counted: true, ..usul_tests::Options::default() }).await;
    let director = app.login("director@demo.usul.kg").await;
    // `statements_of` reads /me once first: the account, school and district are then kept.
    assert_eq!(app.statements_of("/api/v1/me", &director).await, 0, "a warm GET /me reads nothing");
}

#[tokio::test]
async fn a_school_edited_is_read_back_edited_at_once() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let before = app.get("/api/v1/me", &director).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    let patched =
        app.patch(&format!("/api/v1/schools/{school}"), &director, &json!({"name": "№95 мектеп-гимназия"})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let me = app.get("/api/v1/me", &director).await;
    assert_eq!(me.body["school"]["name"], "№95 мектеп-гимназия", "{}", me.text);
    let read = app.get(&format!("/api/v1/schools/{school}"), &director).await;
    assert_eq!(read.body["name"], "№95 мектеп-гимназия");
}

#[tokio::test]
async fn another_instance_sees_a_deactivation_within_the_cache_time() {
    let app = spawn_app().await;
    // The twin keeps accounts for the default two seconds.
    let twin = app.twin().await;
    let teacher = app.login("b.toktogulov@demo.usul.kg").await;
    let on_twin = |token: String| {
        let client = app.client.clone();
        let url = format!("{}/api/v1/me", twin.address);
        async move { client.get(url).bearer_auth(token).send().await.unwrap().status() }
    };
    assert_eq!(on_twin(teacher.clone()).await, StatusCode::OK);
    let director = app.login("director@demo.usul.kg").await;
    let id = app.staff_id("b.toktogulov@demo.usul.kg").await;
    let d = app.post(&format!("/api/v1/staff/{id}/deactivate"), &director, &json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    // Where the change was made: at once.
    app.get("/api/v1/me", &teacher).await.assert_problem(401, "invalid_token");
    // On the twin: once its entry has expired (polled, not timed).
    let mut refused = false;
    for _ in 0..100 {
        if on_twin(teacher.clone()).await == StatusCode::UNAUTHORIZED {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused, "the twin still served a deactivated person after ten seconds");
}

#[tokio::test]
async fn an_activity_that_carries_out_an_item_moves_the_plans_version_on() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let school = app.demo_school().await;
    let plans = app.get("/api/v1/plans?kind=school&year=2022-2023", &deputy).await;
    let plan = plans.body["items"][0].clone();
    let path = format!("/api/v1/plans/{}", plan["id"].as_str().unwrap());
    let before = app.get(&path, &deputy).await;
    let etag = before.headers.get("etag").unwrap().to_str().unwrap().to_owned();
    let item = before.body["items"][4]["id"].clone();
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/activities"),
            &deputy,
            &json!({"form": "master_class", "title": "Мастер-класс", "starts_on": "2023-02-15", "hours": 2, "plan_item_id": item}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // The item's evidence changed: the old tag no longer matches, and the new content is read,
    // not the items kept for the old version.
    let after =
        app.send(app.request(reqwest::Method::GET, &path, Some(&deputy)).header("if-none-match", etag.clone())).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.text);
    assert_ne!(after.headers.get("etag").unwrap().to_str().unwrap(), etag);
    assert_eq!(after.body["items"][4]["evidence"], json!([{"kind": "activity", "reference": a.str("id")}]));
}

#[tokio::test]
async fn a_listed_plan_shows_a_change_made_on_another_instance_at_once() {
    // A list keeps what it showed of each plan version; a change moves the version on, so
    // even the instance that did not make it shows it on its next read, in every language.
    let app = spawn_app().await;
    let twin = app.twin().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let list_on_twin = |lang: &'static str| {
        let (client, token) = (app.client.clone(), deputy.clone());
        let url = format!("{}/api/v1/plans?kind=school&year=2023-2024", twin.address);
        async move {
            let r = client.get(url).bearer_auth(token).header("Accept-Language", lang).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<serde_json::Value>().await.unwrap()["items"].as_array().unwrap().clone()
        }
    };
    assert!(list_on_twin("ky").await.is_empty());
    let made =
        app.post("/api/v1/plans", &deputy, &json!({"kind": "school", "year": "2023-2024", "title": "Биринчи"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let path = format!("/api/v1/plans/{}", made.str("id"));
    let shown = list_on_twin("ky").await;
    assert_eq!((shown.len(), shown[0]["title"].as_str()), (1, Some("Биринчи")));
    assert_eq!(list_on_twin("ru").await[0]["title"], "Биринчи");
    let patched = app.patch(&path, &deputy, &json!({"title": "Экинчи ✓"})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let item = app
        .post(
            &format!("{path}/items"),
            &deputy,
            &json!({"title": "Семинар", "form": "open_lesson", "due_date": "2023-10-15", "responsible_ids": [deputy_id]}),
        )
        .await;
    assert_eq!(item.status, StatusCode::CREATED, "{}", item.text);
    for lang in ["ky", "ru"] {
        let after = list_on_twin(lang).await;
        assert_eq!(after[0]["title"], "Экинчи ✓", "{lang}");
        assert_eq!(after[0]["version"], patched.body["version"].as_i64().unwrap() + 1, "{lang}");
        assert_eq!(after[0]["items"].as_array().map(Vec::len), Some(1), "{lang}");
    }
    let deleted = app.send(app.request(reqwest::Method::DELETE, &path, Some(&deputy))).await;
    assert!(deleted.status.is_success(), "{}", deleted.text);
    assert!(list_on_twin("ky").await.is_empty(), "a deleted plan leaves the list");
}

#[tokio::test]
async fn a_listed_person_shows_a_change_made_on_another_instance_at_once() {
    let app = spawn_app().await;
    let twin = app.twin().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let id = app.staff_id("b.toktogulov@demo.usul.kg").await;
    let listed_on_twin = || {
        let (client, token) = (app.client.clone(), director.clone());
        let url = format!("{}/api/v1/schools/{school}/staff?limit=100", twin.address);
        let id = id.clone();
        async move {
            let r = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let body = r.json::<serde_json::Value>().await.unwrap();
            body["items"].as_array().unwrap().iter().find(|p| p["id"] == json!(id)).cloned()
        }
    };
    let before = listed_on_twin().await.expect("listed");
    let patched =
        app.patch(&format!("/api/v1/staff/{id}"), &director, &json!({"position": "Математика мугалими ✓"})).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let after = listed_on_twin().await.expect("still listed");
    assert_eq!(after["position"], "Математика мугалими ✓");
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
    let d = app.post(&format!("/api/v1/staff/{id}/deactivate"), &director, &json!({})).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(listed_on_twin().await.expect("listed, inactive")["active"], false);
}

#[tokio::test]
async fn an_item_write_answers_with_the_items_a_fresh_read_finds() {
    // After adding an item or recording progress, the new version's items are kept from what
    // the write did rather than read back: they must be what the database holds, in its order.
    let app = spawn_app().await;
    let twin = app.twin().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let fresh = |id: String| {
        let (client, token) = (app.client.clone(), deputy.clone());
        let url = format!("{}/api/v1/plans/{id}", twin.address);
        async move {
            let r = client.get(url).bearer_auth(token).send().await.unwrap();
            let status = r.status();
            let body = r.json::<serde_json::Value>().await.unwrap();
            assert_eq!(status, StatusCode::OK, "{body}");
            body
        }
    };
    let made =
        app.post("/api/v1/plans", &deputy, &json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let id = made.str("id");
    for (title, due, position) in [
        ("Үчүнчү", "2023-12-01", json!(null)),
        ("Биринчи", "2023-10-01", json!(1)),
        ("Экинчи ✓", "2023-11-01", json!(null)),
    ] {
        let mut body = json!({"title": title, "form": "open_lesson", "due_date": due, "responsible_ids": [deputy_id], "description": "  кош  боштук  "});
        if !position.is_null() {
            body["position"] = position;
        }
        let a = app.post(&format!("/api/v1/plans/{id}/items"), &deputy, &body).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let read = app.get(&format!("/api/v1/plans/{id}"), &deputy).await.body;
        assert_eq!(read["items"], fresh(id.clone()).await["items"], "after adding {title}");
    }
    // Progress, on the approved unified plan.
    let approved = app.get("/api/v1/plans?kind=school&year=2022-2023", &deputy).await.body["items"][0].clone();
    let (id, item) =
        (approved["id"].as_str().unwrap().to_owned(), approved["items"][2]["id"].as_str().unwrap().to_owned());
    let marked = app
        .patch(
            &format!("/api/v1/plans/{id}/items/{item}/progress"),
            &deputy,
            &json!({"progress": "partly_done", "outcome": "Жарым-жартылай ✓", "evidence": [{"kind": "url", "reference": "https://school95.kg/news/1"}]}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.text);
    assert_eq!(marked.body["items"][2]["outcome"], "Жарым-жартылай ✓");
    assert_eq!(marked.body["items"], fresh(id.clone()).await["items"], "after recording progress");
    assert_eq!(app.get(&format!("/api/v1/plans/{id}"), &deputy).await.body["items"], marked.body["items"]);
}
