//! Issue 11, regulation fidelity: what a year walked through the API lacked — attendance by
//! the membership of the meeting's date, protocol numbers on reviewed plans and in date order,
//! form-less items, progress kept by amendments, the academic year's boundary, the dates of
//! decisions, why a plan was returned, and adding items (R-3.2.2d, R-3.2.2g, R-5.1, R-5.3).

use crate::plans::{S, act, create, held_meeting, ok, setup};
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("an id: {v}")).to_owned()
}

async fn plan_of(app: &TestApp, token: &str, plan: &Value) -> Value {
    let a = app.get(&format!("/api/v1/plans/{}", id(plan)), token).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body
}

async fn post_item(app: &TestApp, token: &str, plan: &Value, body: Value) -> usul_tests::Answer {
    app.post(&format!("/api/v1/plans/{}/items", id(plan)), token, &body).await
}

/// A unified 2023-2024 plan with one item, submitted, and a held methodological council.
async fn submitted_school_plan(app: &TestApp, s: &S) -> (Value, String) {
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    let a = post_item(
        app,
        &s.deputy,
        &p,
        json!({"title": "Семинар", "due_date": "2023-10-15", "responsible_ids": [deputy_id]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    ok(app, &s.deputy, &p, "submit", json!({})).await;
    let council = held_meeting(
        app,
        s,
        &s.deputy,
        json!({"body": "methodological_council", "date": "2023-09-08", "agenda": ["План"]}),
    )
    .await;
    (p, council)
}

#[tokio::test]
async fn an_item_without_a_catalogue_form_is_added_submitted_and_printed_r_3_2_2g() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    let a = post_item(
        &app,
        &s.deputy,
        &p,
        json!({"title": "Баалоо тапшырмаларын даярдоо", "due_date": "2024-03-01", "responsible_ids": [deputy_id]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let stored = plan_of(&app, &s.deputy, &p).await;
    assert_eq!(stored["items"][0]["title"], "Баалоо тапшырмаларын даярдоо");
    assert_eq!(stored["items"][0]["form"], Value::Null);
    assert_eq!(stored["items"][0]["form_label"], Value::Null);
    // A form that is given is still one of the catalogue's.
    post_item(&app, &s.deputy, &p, json!({"title": "x", "form": "juggling"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(plan_of(&app, &s.deputy, &p).await["items"].as_array().unwrap().len(), 1, "nothing stored");
    let submitted = ok(&app, &s.deputy, &p, "submit", json!({})).await;
    assert_eq!(submitted["status"], "submitted");
    let doc = app.get(&format!("/api/v1/plans/{}/document", id(&p)), &s.deputy).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.text);
    assert!(doc.text.contains("Баалоо тапшырмаларын даярдоо"), "{}", doc.text);
}

#[tokio::test]
async fn a_returned_plan_carries_the_reason_until_it_is_resubmitted_r_5_1() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (p, _) = submitted_school_plan(&app, &s).await;
    assert_eq!(plan_of(&app, &s.deputy, &p).await["return_comment"], Value::Null);
    let back = ok(&app, &s.deputy, &p, "return", json!({"comment": "Жооптууларды көрсөтүңүз"})).await;
    assert_eq!(back["status"], "draft");
    assert_eq!(back["return_comment"], "Жооптууларды көрсөтүңүз");
    assert_eq!(plan_of(&app, &s.deputy, &p).await["return_comment"], "Жооптууларды көрсөтүңүз");
    let again = ok(&app, &s.deputy, &p, "submit", json!({})).await;
    assert_eq!(again["return_comment"], Value::Null);
    assert_eq!(plan_of(&app, &s.deputy, &p).await["return_comment"], Value::Null);
}

#[tokio::test]
async fn an_amendment_carries_recorded_progress_over_to_the_new_version_issue_11_point_4() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let plans = app.get("/api/v1/plans?kind=school&year=2022-2023&status=approved", &s.deputy).await;
    let v1 = plans.body["items"][0].clone();
    let item = v1["items"][0]["id"].as_str().unwrap().to_owned();
    let marked = app
        .patch(
            &format!("/api/v1/plans/{}/items/{item}/progress", id(&v1)),
            &s.deputy,
            &json!({"progress": "done", "completed_on": "2022-10-01", "outcome": "Өттү", "evidence": [{"kind": "url", "reference": "https://school95.kg/news/7"}]}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.text);
    let v2 = app.post(&format!("/api/v1/plans/{}/amend", id(&v1)), &s.deputy, &json!({})).await;
    assert_eq!(v2.status, StatusCode::CREATED, "{}", v2.text);
    let carried = &v2.body["items"][0];
    assert_ne!(carried["id"], json!(item), "a new version has its own items");
    assert_eq!(carried["progress"], "done");
    assert_eq!(carried["completed_on"], "2022-10-01");
    assert_eq!(carried["outcome"], "Өттү");
    assert_eq!(carried["evidence"][0]["reference"], "https://school95.kg/news/7");
    // Every item keeps the mark it had on version 1.
    let before: Vec<&Value> = v1["items"].as_array().unwrap().iter().skip(1).map(|i| &i["progress"]).collect();
    let after: Vec<&Value> = v2.body["items"].as_array().unwrap().iter().skip(1).map(|i| &i["progress"]).collect();
    assert_eq!(before, after);
}

#[tokio::test]
async fn concurrent_additions_without_if_match_all_succeed_and_each_answers_its_item_issue_11_point_9() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let p = create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    let adds = (1..=8).map(|n| {
        let body = json!({"title": format!("Иш-чара {n}"), "form": "seminar_practicum"});
        post_item(&app, &s.deputy, &p, body)
    });
    let answers = futures_util::future::join_all(adds).await;
    for a in &answers {
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        // The answer is the item at its own address, not the whole plan.
        let item = a.body["id"].as_str().unwrap();
        assert_eq!(a.header("location"), Some(format!("/api/v1/plans/{}/items/{item}", id(&p)).as_str()));
        assert!(a.body["title"].as_str().unwrap().starts_with("Иш-чара"));
        assert!(a.body.get("items").is_none(), "{}", a.text);
        let read = app.get(a.header("location").unwrap(), &s.deputy).await;
        assert_eq!(read.body["id"], a.body["id"]);
    }
    let stored = plan_of(&app, &s.deputy, &p).await;
    let mut positions: Vec<u64> =
        stored["items"].as_array().unwrap().iter().map(|i| i["position"].as_u64().unwrap()).collect();
    positions.sort_unstable();
    assert_eq!(positions, (1..=8).collect::<Vec<u64>>(), "each addition took its own place");
    // With If-Match the addition is conditional: a stale version is refused and nothing stored.
    let stale = app
        .send(
            app.request(Method::POST, &format!("/api/v1/plans/{}/items", id(&p)), Some(&s.deputy))
                .header("If-Match", "\"1\"")
                .json(&json!({"title": "Кеч"})),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let current = stored["version"].as_i64().unwrap();
    let fresh = app
        .send(
            app.request(Method::POST, &format!("/api/v1/plans/{}/items", id(&p)), Some(&s.deputy))
                .header("If-Match", format!("\"{current}\""))
                .json(&json!({"title": "Өз убагында"})),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text);
    assert_eq!(fresh.header("etag"), Some(format!("\"{}\"", current + 1).as_str()));
    assert_eq!(plan_of(&app, &s.deputy, &p).await["items"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn a_drafts_items_are_replaced_all_at_once_or_not_at_all_with_every_bad_item_named_issue_11_point_9() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    let a = post_item(&app, &s.deputy, &p, json!({"title": "Эски"})).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let path = format!("/api/v1/plans/{}/items", id(&p));
    // Two bad items of four: both named, nothing replaced.
    let bad = app.put(&path, &s.deputy, &json!({"items": [
        {"title": "Семинар", "form": "seminar_practicum", "due_date": "2023-10-15", "responsible_ids": [deputy_id]},
        {"title": "Сыйкыр", "form": "juggling"},
        {"title": "Ачык сабак", "form": "open_lesson", "due_date": "2025-01-01"},
        {"title": "Баалоо тапшырмалары", "due_date": "2024-03-01", "responsible_ids": [deputy_id]}
    ]}))
    .await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["items[1].form", "items[2].due_date"]);
    let kept = plan_of(&app, &s.deputy, &p).await;
    assert_eq!(kept["items"].as_array().unwrap().len(), 1);
    assert_eq!(kept["items"][0]["title"], "Эски", "nothing was stored");
    // A good list replaces every item, in its order.
    let good = app.put(&path, &s.deputy, &json!({"items": [
        {"title": "Семинар", "form": "seminar_practicum", "due_date": "2023-10-15", "responsible_ids": [deputy_id]},
        {"title": "Баалоо тапшырмалары", "due_date": "2024-03-01", "responsible_ids": [deputy_id]}
    ]}))
    .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text);
    let titles: Vec<(&Value, &Value)> =
        good.body["items"].as_array().unwrap().iter().map(|i| (&i["position"], &i["title"])).collect();
    assert_eq!(titles, vec![(&json!(1), &json!("Семинар")), (&json!(2), &json!("Баалоо тапшырмалары"))]);
    assert_eq!(ok(&app, &s.deputy, &p, "submit", json!({})).await["status"], "submitted");
    // A submitted plan's items are not replaced; another teacher's never.
    app.put(&path, &s.deputy, &json!({"items": []})).await.assert_problem(409, "plan_not_draft");
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.put(&format!("/api/v1/plans/{}/items", id(&p)), &teacher, &json!({"items": []}))
        .await
        .assert_problem(403, "forbidden");
}

/// Writes what the minutes need and finalizes them; answers the protocol number.
async fn finalize(app: &TestApp, token: &str, meeting: &str) -> u64 {
    let director = app.staff_id("director@demo.usul.kg").await;
    let deputy = app.staff_id("deputy@demo.usul.kg").await;
    let p = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            token,
            &json!({
                "decisions": [{"text": "Кабыл алынсын.", "responsible_ids": [deputy], "deadline": null}],
                "chair_id": director, "secretary_id": deputy
            }),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let f = app.post(&format!("/api/v1/meetings/{meeting}/finalize"), token, &json!({})).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    f.body["protocol_number"].as_u64().unwrap()
}

#[tokio::test]
async fn a_plan_reviewed_at_a_held_meeting_shows_the_protocol_number_once_the_minutes_are_finalized_r_5_1_r_5_3() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (p, council) = submitted_school_plan(&app, &s).await;
    let reviewed = ok(&app, &s.deputy, &p, "review", json!({"meeting_id": council})).await;
    // The number is given when the meeting is held (R-5.3, issue 11 point 5): it shows at once.
    let held = app.get(&format!("/api/v1/meetings/{council}"), &s.deputy).await.body["protocol_number"].clone();
    assert!(held.is_u64(), "a held meeting has its number: {held}");
    assert_eq!(reviewed["review"]["protocol_number"], held, "held and numbered");
    let number = finalize(&app, &s.deputy, &council).await;
    assert_eq!(json!(number), held, "finalizing keeps the number given when held");
    let read = plan_of(&app, &s.deputy, &p).await;
    assert_eq!(read["review"]["protocol_number"], json!(number));
    let history = app.get(&format!("/api/v1/plans/{}/history", id(&p)), &s.deputy).await;
    let review = history.body["items"].as_array().unwrap().iter().find(|t| t["action"] == "review").unwrap().clone();
    assert_eq!(review["protocol_number"], json!(number));
    let listed = app.get("/api/v1/plans?kind=school&year=2023-2024", &s.deputy).await;
    assert_eq!(listed.body["items"][0]["review"]["protocol_number"], json!(number));
    ok(&app, &s.director, &p, "approve", json!({})).await;
    let doc = app.get(&format!("/api/v1/plans/{}/document", id(&p)), &s.deputy).await;
    assert!(doc.text.contains(&format!("Протокол №{number}")), "{}", doc.text);
    assert!(!doc.text.contains("Протокол №___"), "{}", doc.text);
}

#[tokio::test]
async fn each_plan_decision_takes_a_decided_on_that_is_stored_shown_and_printed_issue_11_point_7() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    let a = post_item(
        &app,
        &s.deputy,
        &p,
        json!({"title": "Семинар", "due_date": "2023-10-15", "responsible_ids": [deputy_id]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // A withdrawal takes no date; a submission in the future is refused; nothing moves.
    let submitted = ok(&app, &s.deputy, &p, "submit", json!({"decided_on": "2023-09-01"})).await;
    assert_eq!(submitted["submitted_on"], "2023-09-01");
    let undated = act(&app, &s.deputy, &p, "withdraw", json!({"decided_on": "2023-09-02"})).await;
    undated.assert_problem(422, "validation_failed");
    assert_eq!(undated.body["errors"][0]["code"], "unknown_field", "{}", undated.text);
    assert_eq!(plan_of(&app, &s.deputy, &p).await["status"], "submitted");
    let council = held_meeting(
        &app,
        &s,
        &s.deputy,
        json!({"body": "methodological_council", "date": "2023-09-08", "agenda": ["План"]}),
    )
    .await;
    // Bad dates: before the meeting, in the future. Each is named, nothing stored.
    let early = act(&app, &s.deputy, &p, "review", json!({"meeting_id": council, "decided_on": "2023-09-07"})).await;
    early.assert_problem(422, "validation_failed");
    assert_eq!(early.body["errors"][0]["code"], "before_previous_step", "{}", early.text);
    assert_eq!(early.error_fields(), vec!["decided_on"]);
    let future = act(&app, &s.deputy, &p, "review", json!({"meeting_id": council, "decided_on": "2999-01-01"})).await;
    future.assert_problem(422, "validation_failed");
    assert_eq!(future.body["errors"][0]["code"], "in_future", "{}", future.text);
    assert_eq!(plan_of(&app, &s.deputy, &p).await["status"], "submitted", "nothing stored");
    let reviewed = ok(&app, &s.deputy, &p, "review", json!({"meeting_id": council, "decided_on": "2023-09-08"})).await;
    assert_eq!(reviewed["review"]["decided_on"], "2023-09-08");
    // The approval not before the review.
    let before = act(&app, &s.director, &p, "approve", json!({"decided_on": "2023-09-05"})).await;
    before.assert_problem(422, "validation_failed");
    assert_eq!(before.error_fields(), vec!["decided_on"]);
    let approved = ok(&app, &s.director, &p, "approve", json!({"decided_on": "2023-09-14"})).await;
    assert_eq!(approved["approved_on"], "2023-09-14");
    let history = app.get(&format!("/api/v1/plans/{}/history", id(&p)), &s.deputy).await;
    let dated: Vec<(&str, &Value)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["action"].as_str().unwrap(), &t["decided_on"]))
        .collect();
    assert_eq!(
        dated,
        vec![("submit", &json!("2023-09-01")), ("review", &json!("2023-09-08")), ("approve", &json!("2023-09-14"))]
    );
    let doc = app.get(&format!("/api/v1/plans/{}/document", id(&p)), &s.deputy).await;
    assert!(doc.text.contains("14.09.2023"), "«Бекитилди 14.09.2023»: {}", doc.text);
}

#[tokio::test]
async fn a_return_is_dated_not_before_the_submission_and_an_agreement_is_shown_with_its_date_issue_11_point_7() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let plans = app.get("/api/v1/plans?kind=individual&status=submitted", &deputy).await;
    let p = plans.body["items"].as_array().unwrap().first().expect("a submitted individual plan").clone();
    let head = app.login("a.usenova@demo.usul.kg").await;
    let early = act(&app, &head, &p, "return", json!({"comment": "Тактаңыз", "decided_on": "2022-08-01"})).await;
    early.assert_problem(422, "validation_failed");
    assert_eq!(early.error_fields(), vec!["decided_on"]);
    let agreed = ok(&app, &head, &p, "agree", json!({"decided_on": "2022-09-20"})).await;
    assert_eq!(agreed["agreed_on"], "2022-09-20");
    assert_eq!(agreed["agreed_by"], json!(app.staff_id("a.usenova@demo.usul.kg").await));
    let doc = app.get(&format!("/api/v1/plans/{}/document", id(&p)), &deputy).await;
    assert!(doc.text.contains("20.09.2022"), "{}", doc.text);
}

#[tokio::test]
async fn minutes_list_the_members_of_the_meetings_date_and_only_they_are_marked_r_3_2_2d_r_5_3() {
    let app = spawn_app().await;
    let s = crate::commissions::setup(&app).await;
    // Approved by the order of 4 September 2023; one joins by the order of 1 October, one
    // leaves by that of 1 December.
    let c = crate::commissions::approved(&app, &s, "Математика", "300").await;
    let joined = app.staff_id("n.baiyshova@demo.usul.kg").await;
    let left = app.staff_id("m.sharshenalieva@demo.usul.kg").await;
    let added = app
        .post(
            &format!("/api/v1/commissions/{c}/members"),
            &s.director,
            &json!({"staff_ids": [joined], "order": {"number": "301", "date": "2023-10-01"}}),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let removed = app
        .send(app.request(
            Method::DELETE,
            &format!("/api/v1/commissions/{c}/members/{left}?order_number=302&order_date=2023-12-01"),
            Some(&s.director),
        ))
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    let m = app
        .post(
            &format!("/api/v1/schools/{}/meetings", s.school),
            &s.director,
            &json!({"body": "commission", "commission_id": c, "date": "2023-09-10", "agenda": ["Иш планы"]}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    let listed = |v: &Value| -> Vec<String> {
        let mut ids: Vec<String> =
            v["attendance"].as_array().unwrap().iter().map(|a| a["staff_id"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids
    };
    let as_of = app.get(&format!("/api/v1/commissions/{c}/members?as_of=2023-09-10"), &s.director).await;
    let mut members: Vec<String> =
        as_of.body["members"].as_array().unwrap().iter().map(|m| m["staff_id"].as_str().unwrap().to_owned()).collect();
    members.sort();
    assert_eq!(listed(&m.body), members, "the minutes list who the orders made members on 10 September");
    assert!(listed(&m.body).contains(&left) && !listed(&m.body).contains(&joined));
    let meeting = id(&m.body);
    // The member who has since left is marked present; one who joined later is refused.
    let marked = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            &s.director,
            &json!({"attendance": [{"staff_id": left, "presence": "present"}]}),
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.text);
    let refused = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            &s.director,
            &json!({"attendance": [{"staff_id": joined, "presence": "present"}]}),
        )
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["attendance[0].staff_id"]);
    let read = app.get(&format!("/api/v1/meetings/{meeting}"), &s.director).await;
    assert_eq!(listed(&read.body), members, "nothing stored by the refusal");
    let present: Vec<&Value> =
        read.body["attendance"].as_array().unwrap().iter().filter(|a| a["presence"] == "present").collect();
    assert_eq!(present.len(), 1);
    assert_eq!(present[0]["staff_id"], json!(left));
    // Moved to 2 December, the minutes list that date's members.
    let moved = app.patch(&format!("/api/v1/meetings/{meeting}"), &s.director, &json!({"date": "2023-12-02"})).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert!(listed(&moved.body).contains(&joined) && !listed(&moved.body).contains(&left), "{}", moved.text);
}

/// A pedagogical council dated `date` in the demo school, as the director schedules it.
async fn council_on(app: &TestApp, director: &str, school: &str, date: &str) -> usul_tests::Answer {
    app.post(
        &format!("/api/v1/schools/{school}/meetings"),
        director,
        &json!({"body": "pedagogical_council", "date": date, "agenda": ["Жылдык план"]}),
    )
    .await
}

#[tokio::test]
async fn the_august_council_opens_the_coming_year_by_the_schools_boundary_r_5_1_issue_11_point_6() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let path = format!("/api/v1/schools/{school}");
    let s = app.get(&path, &director).await;
    assert_eq!(s.body["settings"]["year_starts_on"], "08-15", "the default: {}", s.text);

    // The council of 28 August 2025 adopts the 2025-2026 plan: it belongs to that year.
    let august = council_on(&app, &director, &school, "2025-08-28").await;
    assert_eq!(august.status, StatusCode::CREATED, "{}", august.text);
    assert_eq!(august.body["year"], "2025-2026");
    // Before the boundary, the year that ends.
    let summer = council_on(&app, &director, &school, "2025-08-10").await;
    assert_eq!(summer.body["year"], "2024-2025", "{}", summer.text);

    // So are activities and outside work.
    let deputy = app.login("deputy@demo.usul.kg").await;
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/activities"),
            &deputy,
            &json!({"form": "seminar_practicum", "title": "Жаңы окуу жылына даярдык", "starts_on": "2025-08-20", "hours": 2}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["year"], "2025-2026");
    let teacher = app.login("n.isakov@demo.usul.kg").await;
    let me = app.staff_id("n.isakov@demo.usul.kg").await;
    let w = app
        .post(
            &format!("/api/v1/staff/{me}/outside-work"),
            &teacher,
            &json!({"level": "district", "date": "2025-08-22", "form": "seminar_practicum", "role": "presenter", "title": "Райондук августтук кеңешме", "hours": 4}),
        )
        .await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    assert_eq!(w.body["year"], "2025-2026");

    // A school whose year begins later files the same day under the year before.
    let later = app.patch(&path, &director, &json!({"settings": {"year_starts_on": "09-01"}})).await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.text);
    assert_eq!(later.body["settings"]["year_starts_on"], "09-01");
    assert_eq!(later.body["settings"]["min_head_experience_years"], 5, "the other setting stays");
    let then = council_on(&app, &director, &school, "2025-08-29").await;
    assert_eq!(then.body["year"], "2024-2025", "{}", then.text);
}

#[tokio::test]
async fn a_year_boundary_out_of_range_or_malformed_is_refused_and_nothing_changes_issue_11_point_6() {
    let app = spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let school = app.demo_school().await;
    let path = format!("/api/v1/schools/{school}");
    let before = app.get(&path, &director).await;
    for (bad, kind) in
        [("06-30", "out_of_range"), ("09-02", "out_of_range"), ("8-15", "invalid_format"), ("02-30", "invalid_format")]
    {
        let a = app.patch(&path, &director, &json!({"settings": {"year_starts_on": bad}})).await;
        a.assert_problem(422, "validation_failed");
        assert_eq!(a.error_fields(), ["settings.year_starts_on"], "{bad}: {}", a.text);
        assert!(a.text.contains(kind), "{bad}: {}", a.text);
    }
    let after = app.get(&path, &director).await;
    assert_eq!(after.body, before.body, "nothing stored");
    // A new school with a bad boundary is not created either.
    let admin = app.login("admin@demo.usul.kg").await;
    let district = before.body["district_id"].clone();
    let a = app
        .post(
            "/api/v1/schools",
            &admin,
            &json!({"district_id": district, "name": "Жаңы мектеп", "settings": {"year_starts_on": "12-01"}}),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    let listed =
        app.get(&format!("/api/v1/schools?district_id={}&limit=200", district.as_str().unwrap()), &admin).await;
    assert!(!listed.text.contains("Жаңы мектеп"));
}

#[tokio::test]
async fn a_reports_return_resubmission_and_acceptance_take_their_decided_on_issue_11_point_7_r_5_4() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let director = app.login("director@demo.usul.kg").await;
    let list = app.get("/api/v1/reports?kind=school&year=2022-2023", &deputy).await;
    let report = list.body["items"][0].clone();
    assert_eq!(report["status"], "submitted", "{}", list.text);
    let id = id(&report);
    let submitted_on: chrono::NaiveDate = report["submitted_on"].as_str().unwrap().parse().unwrap();
    let day = |n: i64| (submitted_on + chrono::Duration::days(n)).to_string();
    let path = |what: &str| format!("/api/v1/reports/{id}/{what}");

    // A return dated before the submission, or after today, is refused and changes nothing.
    for (on, kind) in [(day(-1), "before_previous_step"), ("2999-01-01".to_owned(), "in_future")] {
        let a = app.post(&path("return"), &director, &json!({"comment": "Толуктаңыз.", "decided_on": on})).await;
        a.assert_problem(422, "validation_failed");
        assert_eq!(a.error_fields(), ["decided_on"]);
        assert!(a.text.contains(kind), "{}", a.text);
    }
    assert_eq!(app.get(&format!("/api/v1/reports/{id}"), &deputy).await.body["status"], "submitted");

    let back = app.post(&path("return"), &director, &json!({"comment": "Толуктаңыз.", "decided_on": day(2)})).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    let again = app.post(&path("submit"), &deputy, &json!({"decided_on": day(5)})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["submitted_on"], day(5));
    // The acceptance follows the resubmission.
    app.post(&path("accept"), &director, &json!({"decided_on": day(4)})).await.assert_problem(422, "validation_failed");
    let accepted =
        app.post(&path("accept"), &director, &json!({"comment": "Кабыл алынды.", "decided_on": day(7)})).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    assert_eq!(accepted.body["accepted_on"], day(7));

    // Shown in the history and printed.
    let history = app.get(&path("history"), &deputy).await;
    let dated: Vec<(String, String)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(3)
        .map(|t| (t["action"].as_str().unwrap().to_owned(), t["decided_on"].as_str().unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(dated, [("accept".to_owned(), day(7)), ("submit".to_owned(), day(5)), ("return".to_owned(), day(2))]);
    let doc = app.send(app.request(Method::GET, &format!("{}?lang=ky", path("document")), Some(&deputy))).await;
    let printed = (submitted_on + chrono::Duration::days(7)).format("%d.%m.%Y").to_string();
    assert!(doc.text.contains(&printed), "the acceptance is printed on {printed}");
}

#[tokio::test]
async fn concurrent_progress_marks_on_one_plan_are_each_recorded_as_a_version_step_and_an_event_issue_14() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let plans = app.get("/api/v1/plans?kind=school&year=2022-2023&status=approved", &s.deputy).await;
    let v1 = plans.body["items"][0].clone();
    let plan = id(&v1);
    let from = v1["version"].as_i64().unwrap();
    let items: Vec<String> = v1["items"].as_array().unwrap().iter().map(id).collect();
    assert!(items.len() >= 4, "{v1}");
    let progress_events = |events: &[Value]| {
        events.iter().filter(|e| e["type"] == "plan.progress_recorded" && e["resource"]["id"] == json!(plan)).count()
    };
    let events_before = progress_events(&crate::events::all_events(&app, &s.deputy, 200).await);
    // Every item marked at once, without If-Match: the marks that wait for one another's
    // transaction are recorded together, each still a version step of its own.
    let marks = items.iter().enumerate().map(|(n, item)| {
        let body = json!({"progress": "partly_done", "outcome": format!("Белги {n} ✓")});
        let path = format!("/api/v1/plans/{plan}/items/{item}/progress");
        let app = &app;
        let token = &s.deputy;
        async move { app.patch(&path, token, &body).await }
    });
    let answers = futures_util::future::join_all(marks).await;
    let mut versions = Vec::new();
    for (n, (a, item)) in answers.iter().zip(&items).enumerate() {
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let version = a.body["version"].as_i64().unwrap();
        assert_eq!(a.header("etag"), Some(format!("\"{version}\"").as_str()));
        let mine = a.body["items"].as_array().unwrap().iter().find(|i| i["id"] == json!(item)).unwrap();
        assert_eq!(mine["outcome"], format!("Белги {n} ✓"), "each answer shows its own mark");
        versions.push(version);
    }
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions.len(), items.len(), "each mark is a version step of its own: {versions:?}");
    let stored = plan_of(&app, &s.deputy, &v1).await;
    let to = from + i64::try_from(items.len()).unwrap();
    assert_eq!(stored["version"], json!(to));
    assert_eq!(versions.last(), Some(&to));
    for (n, item) in items.iter().enumerate() {
        let kept = stored["items"].as_array().unwrap().iter().find(|i| i["id"] == json!(item)).unwrap();
        assert_eq!(kept["progress"], "partly_done");
        assert_eq!(kept["outcome"], format!("Белги {n} ✓"));
    }
    let events = crate::events::all_events(&app, &s.deputy, 200).await;
    assert_eq!(progress_events(&events), events_before + items.len(), "one event a mark");
    // A mark with If-Match is recorded alone, at that version or not at all.
    let path = format!("/api/v1/plans/{plan}/items/{}/progress", items[0]);
    let stale = app
        .send(
            app.request(Method::PATCH, &path, Some(&s.deputy))
                .header("If-Match", format!("\"{from}\""))
                .json(&json!({"progress": "done", "completed_on": "2023-05-01"})),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let fresh = app
        .send(
            app.request(Method::PATCH, &path, Some(&s.deputy))
                .header("If-Match", format!("\"{to}\""))
                .json(&json!({"progress": "done", "completed_on": "2023-05-01"})),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
    assert_eq!(fresh.body["version"], json!(to + 1));
}
