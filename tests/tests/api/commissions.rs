//! Commissions and the orders that approve, change and dissolve them.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

pub(crate) struct Setup {
    pub(crate) school: String,
    pub(crate) director: String,
    pub(crate) deputy: String,
    pub(crate) maths: String,
    pub(crate) history: String,
}

pub(crate) async fn setup(app: &TestApp) -> Setup {
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let subjects = app.get(&format!("/api/v1/schools/{school}/subjects"), &deputy).await;
    let find = |name: &str| {
        subjects.body["items"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    Setup { maths: find("Математика"), history: find("Тарых"), school, director, deputy }
}

async fn draft(app: &TestApp, s: &Setup, name: &str, subjects: &[&str], members: &[&str]) -> Value {
    let mut ids = Vec::new();
    for m in members {
        ids.push(app.staff_id(m).await);
    }
    let a = app
        .post(
            &format!("/api/v1/schools/{}/commissions", s.school),
            &s.deputy,
            &json!({"year": "2023-2024", "name": name, "subject_ids": subjects, "member_ids": ids}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["status"], "draft");
    a.body
}

/// The director appoints `staff` head; the appointment must succeed.
async fn appoint(app: &TestApp, s: &Setup, commission: &str, staff: &Value) {
    let head =
        app.put(&format!("/api/v1/commissions/{commission}/head"), &s.director, &json!({"staff_id": staff})).await;
    assert_eq!(head.status, StatusCode::OK, "{}", head.text);
    assert_eq!(&head.body["head_id"], staff);
}

const MATHS_TEACHERS: [&str; 3] =
    ["a.usenova@demo.usul.kg", "e.abdykadyrov@demo.usul.kg", "m.sharshenalieva@demo.usul.kg"];

#[tokio::test]
async fn the_demo_school_has_two_approved_commissions_with_their_orders() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let teacher = app.login("b.toktogulov@demo.usul.kg").await;
    let list = app
        .send(
            app.request(
                Method::GET,
                &format!("/api/v1/schools/{}/commissions?year=2022-2023&status=approved", s.school),
                Some(&teacher),
            )
            .header("accept-language", "ky"),
        )
        .await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", list.text);
    assert!(items.iter().all(|c| c["status_label"] == "Бекитилген"
        && c["approved_by_order_id"].is_string()
        && c["head_id"].is_string()));
    let orders = app.get(&format!("/api/v1/schools/{}/orders", s.school), &teacher).await;
    let numbers: Vec<&str> =
        orders.body["items"].as_array().unwrap().iter().filter_map(|o| o["number"].as_str()).collect();
    assert_eq!(numbers, vec!["45", "46"]);
    let order =
        app.get(&format!("/api/v1/orders/{}", items[0]["approved_by_order_id"].as_str().unwrap()), &teacher).await;
    assert_eq!(order.body["date"], "2022-09-05");
}

#[tokio::test]
async fn approval_needs_three_members_teaching_its_subject_and_names_who_does_not_r_3_2_2a() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = draft(
        &app,
        &s,
        "Математика",
        &[&s.maths],
        &["a.usenova@demo.usul.kg", "e.abdykadyrov@demo.usul.kg", "n.isakov@demo.usul.kg"],
    )
    .await;
    let id = c["id"].as_str().unwrap();
    appoint(&app, &s, id, &c["member_ids"][0]).await;
    let a = app
        .post(
            &format!("/api/v1/commissions/{id}/approve"),
            &s.director,
            &json!({"order": {"number": "101", "date": "2023-09-04"}}),
        )
        .await;
    a.assert_problem(422, "commission_not_approvable");
    let p = &a.body["errors"][0];
    assert_eq!(p["code"], "too_few_qualified_members");
    assert_eq!(p["rule"], "R-3.2.2a");
    assert_eq!(p["have"], 2);
    assert_eq!(p["need"], 3);
    assert_eq!(p["staff_ids"], json!([c["member_ids"][2]]), "the history teacher is named");
    let orders = app.get(&format!("/api/v1/schools/{}/orders", s.school), &s.director).await;
    assert_eq!(orders.body["items"].as_array().unwrap().len(), 2, "no order was written");
    let still = app.get(&format!("/api/v1/commissions/{id}"), &s.director).await;
    assert_eq!(still.body["status"], "draft", "the refusal changed nothing");
}

#[tokio::test]
async fn a_commission_of_related_subjects_counts_teachers_of_either_r_3_2_2a() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = draft(
        &app,
        &s,
        "Тарых жана математика",
        &[&s.maths, &s.history],
        &["n.isakov@demo.usul.kg", "m.esengulov@demo.usul.kg", "a.usenova@demo.usul.kg"],
    )
    .await;
    let id = c["id"].as_str().unwrap();
    let isakov = app.staff_id("n.isakov@demo.usul.kg").await;
    appoint(&app, &s, id, &json!(isakov)).await;
    let a = app
        .post(
            &format!("/api/v1/commissions/{id}/approve"),
            &s.director,
            &json!({"order": {"number": "102", "date": "2023-09-04"}}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["commission"]["status"], "approved");
    assert_eq!(a.body["commission"]["approved_by_order_id"], a.body["order"]["id"]);
}

#[tokio::test]
async fn the_head_is_a_member_with_enough_experience_appointed_by_the_director_r_3_2_2c() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = draft(&app, &s, "Математика", &[&s.maths], &MATHS_TEACHERS).await;
    let id = c["id"].as_str().unwrap();
    let usenova = app.staff_id("a.usenova@demo.usul.kg").await; // 12 years
    let abdykadyrov = app.staff_id("e.abdykadyrov@demo.usul.kg").await; // 4 years
    let outsider = app.staff_id("a.sydykov@demo.usul.kg").await;
    // The deputy may not appoint.
    app.put(&format!("/api/v1/commissions/{id}/head"), &s.deputy, &json!({"staff_id": usenova}))
        .await
        .assert_problem(403, "forbidden");
    // Not a member.
    let a = app.put(&format!("/api/v1/commissions/{id}/head"), &s.director, &json!({"staff_id": outsider})).await;
    a.assert_problem(422, "head_not_eligible");
    assert_eq!(a.body["errors"][0]["code"], "not_member");
    assert_eq!(a.body["errors"][0]["field"], "staff_id");
    assert_eq!(a.body["errors"][0]["rule"], "R-3.2.2c");
    // Too little experience: 4 years against the default 5.
    let b = app.put(&format!("/api/v1/commissions/{id}/head"), &s.director, &json!({"staff_id": abdykadyrov})).await;
    b.assert_problem(422, "head_not_eligible");
    assert_eq!(b.body["errors"][0]["code"], "too_little_experience");
    assert_eq!(b.body["errors"][0]["have"], 4);
    assert_eq!(b.body["errors"][0]["need"], 5);
    // The school's own setting is what counts.
    let strict = app
        .patch(
            &format!("/api/v1/schools/{}", s.school),
            &s.director,
            &json!({"settings": {"min_head_experience_years": 15}}),
        )
        .await;
    assert_eq!(strict.status, StatusCode::OK, "{}", strict.text);
    let c2 = app.put(&format!("/api/v1/commissions/{id}/head"), &s.director, &json!({"staff_id": usenova})).await;
    c2.assert_problem(422, "head_not_eligible");
    assert_eq!(c2.body["errors"][0]["need"], 15);
    let usual = app
        .patch(
            &format!("/api/v1/schools/{}", s.school),
            &s.director,
            &json!({"settings": {"min_head_experience_years": 5}}),
        )
        .await;
    assert_eq!(usual.status, StatusCode::OK, "{}", usual.text);
    let ok = app.put(&format!("/api/v1/commissions/{id}/head"), &s.director, &json!({"staff_id": usenova})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["head_id"], json!(usenova));
    // Approval without any head is refused too.
    let d = draft(&app, &s, "Headless", &[&s.maths], &MATHS_TEACHERS).await;
    let r = app
        .post(
            &format!("/api/v1/commissions/{}/approve", d["id"].as_str().unwrap()),
            &s.director,
            &json!({"order": {"number": "7", "date": "2023-09-01"}}),
        )
        .await;
    r.assert_problem(422, "commission_not_approvable");
    assert_eq!(r.body["errors"][0]["code"], "no_head");
}

pub(crate) async fn approved(app: &TestApp, s: &Setup, name: &str, number: &str) -> String {
    let c = draft(app, s, name, &[&s.maths], &MATHS_TEACHERS).await;
    let id = c["id"].as_str().unwrap().to_owned();
    appoint(app, s, &id, &c["member_ids"][0]).await;
    let a = app
        .post(
            &format!("/api/v1/commissions/{id}/approve"),
            &s.director,
            &json!({"order": {"number": number, "date": "2023-09-04"}}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    id
}

#[tokio::test]
async fn approval_is_the_directors_order_and_happens_once_r_3_2_2d() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = draft(&app, &s, "Математика", &[&s.maths], &MATHS_TEACHERS).await;
    let id = c["id"].as_str().unwrap();
    appoint(&app, &s, id, &c["member_ids"][0]).await;
    app.post(
        &format!("/api/v1/commissions/{id}/approve"),
        &s.deputy,
        &json!({"order": {"number": "90", "date": "2023-09-04"}}),
    )
    .await
    .assert_problem(403, "forbidden");
    let a = app
        .post(
            &format!("/api/v1/commissions/{id}/approve"),
            &s.director,
            &json!({"order": {"number": "90", "date": "2023-09-04"}}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["commission"]["status"], "approved");
    assert_eq!(a.body["order"]["number"], "90");
    assert!(a.body["order"]["decided"].as_str().unwrap().contains("Үсөнова А.Б."), "the order names the members");
    let again = app
        .post(
            &format!("/api/v1/commissions/{id}/approve"),
            &s.director,
            &json!({"order": {"number": "91", "date": "2023-09-04"}}),
        )
        .await;
    again.assert_problem(409, "commission_not_draft");
    app.patch(&format!("/api/v1/commissions/{id}"), &s.deputy, &json!({"name": "Жаңы"}))
        .await
        .assert_problem(409, "commission_not_draft");
    // The same order number in the same academic year is refused.
    let other = draft(&app, &s, "Башка", &[&s.maths], &MATHS_TEACHERS).await;
    let oid = other["id"].as_str().unwrap();
    appoint(&app, &s, oid, &other["member_ids"][0]).await;
    app.post(
        &format!("/api/v1/commissions/{oid}/approve"),
        &s.director,
        &json!({"order": {"number": "90", "date": "2023-10-01"}}),
    )
    .await
    .assert_problem(409, "order_number_taken");
    let still = app.get(&format!("/api/v1/commissions/{oid}"), &s.director).await;
    assert_eq!(still.body["status"], "draft", "nothing changed");
}

#[tokio::test]
async fn two_simultaneous_approvals_let_exactly_one_through() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let c = draft(&app, &s, "Математика", &[&s.maths], &MATHS_TEACHERS).await;
    let id = c["id"].as_str().unwrap();
    appoint(&app, &s, id, &c["member_ids"][0]).await;
    let second_session = app.login("director@demo.usul.kg").await;
    let path = format!("/api/v1/commissions/{id}/approve");
    let (first, second) = (
        json!({"order": {"number": "200", "date": "2023-09-04"}}),
        json!({"order": {"number": "201", "date": "2023-09-04"}}),
    );
    let (a, b) = tokio::join!(app.post(&path, &s.director, &first), app.post(&path, &second_session, &second));
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses[0], 200, "{} / {}", a.text, b.text);
    assert!([409, 412].contains(&statuses[1]), "{} / {}", a.text, b.text);
    let orders = app.get(&format!("/api/v1/schools/{}/orders", s.school), &s.director).await;
    assert_eq!(orders.body["items"].as_array().unwrap().len(), 3, "one order, not two");
    let after = app.get(&format!("/api/v1/commissions/{id}"), &s.director).await;
    assert_eq!(after.body["status"], "approved");
    assert_eq!(after.body["version"], 3, "drafted, headed, approved once");
}

#[tokio::test]
async fn a_member_is_removed_by_an_order_passed_as_when_one_is_added_r_3_2_2d() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = approved(&app, &s, "Математика", "400").await;
    let leaver = app.staff_id("m.sharshenalieva@demo.usul.kg").await;
    let path = format!("/api/v1/commissions/{id}/members/{leaver}/removal");
    // Without an order: the refusal an addition without one gets (issue 11, point 10).
    let none = app.post(&path, &s.director, &json!({})).await;
    none.assert_problem(422, "order_required");
    assert_eq!(none.body["errors"][0]["field"], "order");
    assert_eq!(none.body["errors"][0]["rule"], "R-3.2.2d");
    // A malformed order is named as it was sent.
    let bad = app.post(&path, &s.director, &json!({"order": {"number": " ", "date": "2024-01-10"}})).await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.body["errors"][0]["field"], "order.number", "{}", bad.text);
    // Only the director orders.
    app.post(&path, &s.deputy, &json!({"order": {"number": "402", "date": "2024-01-10"}}))
        .await
        .assert_problem(403, "forbidden");
    let unchanged = app.get(&format!("/api/v1/commissions/{id}"), &s.director).await;
    assert!(unchanged.body["member_ids"].as_array().unwrap().contains(&json!(leaver)), "the refusals removed nobody");
    let removed = app.post(&path, &s.director, &json!({"order": {"number": "402", "date": "2024-01-10"}})).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert_eq!(removed.body["order"]["number"], "402");
    assert!(!removed.body["commission"]["member_ids"].as_array().unwrap().contains(&json!(leaver)));
}

#[tokio::test]
async fn an_approved_commissions_members_change_only_by_order_and_are_read_as_of_a_date_r_3_2_2d() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = approved(&app, &s, "Математика", "300").await;
    let newcomer = app.staff_id("n.baiyshova@demo.usul.kg").await;
    let no_order =
        app.post(&format!("/api/v1/commissions/{id}/members"), &s.director, &json!({"staff_ids": [newcomer]})).await;
    no_order.assert_problem(422, "order_required");
    assert_eq!(no_order.body["errors"][0]["field"], "order");
    assert_eq!(no_order.body["errors"][0]["rule"], "R-3.2.2d");
    let unchanged = app.get(&format!("/api/v1/commissions/{id}"), &s.director).await;
    assert_eq!(unchanged.body["member_ids"].as_array().unwrap().len(), 3, "the refusal added nobody");
    let deputy = app
        .post(
            &format!("/api/v1/commissions/{id}/members"),
            &s.deputy,
            &json!({"staff_ids": [newcomer], "order": {"number": "301", "date": "2023-11-14"}}),
        )
        .await;
    deputy.assert_problem(403, "forbidden");
    let added = app
        .post(
            &format!("/api/v1/commissions/{id}/members"),
            &s.director,
            &json!({"staff_ids": [newcomer], "order": {"number": "301", "date": "2023-11-14"}}),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    assert_eq!(added.body["order"]["number"], "301");
    assert_eq!(added.body["commission"]["member_ids"].as_array().unwrap().len(), 4);
    // Remove one by another order.
    let leaver = app.staff_id("m.sharshenalieva@demo.usul.kg").await;
    app.send(app.request(Method::DELETE, &format!("/api/v1/commissions/{id}/members/{leaver}"), Some(&s.director)))
        .await
        .assert_problem(422, "validation_failed");
    let removed = app
        .send(app.request(
            Method::DELETE,
            &format!("/api/v1/commissions/{id}/members/{leaver}?order_number=302&order_date=2024-01-10"),
            Some(&s.director),
        ))
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    // The head cannot simply leave.
    let head = removed.body["commission"]["head_id"].as_str().unwrap().to_owned();
    app.send(app.request(
        Method::DELETE,
        &format!("/api/v1/commissions/{id}/members/{head}?order_number=303&order_date=2024-01-11"),
        Some(&s.director),
    ))
    .await
    .assert_problem(409, "head_cannot_leave");
    // Read as of dates: before approval nobody, after it the three, after each order the change.
    let at = async |d: &str| app.get(&format!("/api/v1/commissions/{id}/members?as_of={d}"), &s.deputy).await;
    let names = |v: &Value| {
        v["members"].as_array().unwrap().iter().map(|m| m["staff_id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(names(&at("2023-09-01").await.body).len(), 0);
    assert_eq!(names(&at("2023-10-01").await.body).len(), 3);
    let nov = at("2023-11-20").await.body;
    assert!(names(&nov).contains(&newcomer) && names(&nov).contains(&leaver));
    let feb = at("2024-02-01").await.body;
    assert!(names(&feb).contains(&newcomer) && !names(&feb).contains(&leaver));
    assert_eq!(feb["history"].as_array().unwrap().len(), 4, "every change recorded");
    let orders = app.get(&format!("/api/v1/schools/{}/orders", s.school), &s.director).await;
    let numbers: Vec<&str> =
        orders.body["items"].as_array().unwrap().iter().filter_map(|o| o["number"].as_str()).collect();
    assert!(numbers.ends_with(&["300", "301", "302"]), "{numbers:?}");
}

#[tokio::test]
async fn dissolving_takes_an_order_and_closes_the_commission() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id = approved(&app, &s, "Математика", "400").await;
    app.post(
        &format!("/api/v1/commissions/{id}/dissolve"),
        &s.deputy,
        &json!({"order": {"number": "401", "date": "2024-05-30"}}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/commissions/{id}/dissolve"), &s.director, &json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let d = app
        .post(
            &format!("/api/v1/commissions/{id}/dissolve"),
            &s.director,
            &json!({"order": {"number": "401", "date": "2024-05-30"}}),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["commission"]["status"], "dissolved");
    assert_eq!(d.body["commission"]["member_ids"], json!([]));
    let newcomer = app.staff_id("n.baiyshova@demo.usul.kg").await;
    app.post(
        &format!("/api/v1/commissions/{id}/members"),
        &s.director,
        &json!({"staff_ids": [newcomer], "order": {"number": "402", "date": "2024-06-01"}}),
    )
    .await
    .assert_problem(409, "commission_dissolved");
    let trail =
        app.get(&format!("/api/v1/schools/{}/audit-events?entity=commission&limit=200", s.school), &s.director).await;
    let actions: Vec<&str> =
        trail.body["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["commission.create", "commission.head", "commission.approve", "commission.dissolve"] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
}

#[tokio::test]
async fn bad_members_and_subjects_are_named_and_nothing_is_created() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (_, _, other_director) = app.other_school().await;
    let foreign = app.get("/api/v1/me", &other_director).await.body["staff"]["id"].as_str().unwrap().to_owned();
    let leaver = app.staff_id("n.baiyshova@demo.usul.kg").await;
    app.post(&format!("/api/v1/staff/{leaver}/deactivate"), &s.director, &json!({})).await;
    let usenova = app.staff_id("a.usenova@demo.usul.kg").await;
    let a = app
        .post(
            &format!("/api/v1/schools/{}/commissions", s.school),
            &s.deputy,
            &json!({
                "year": "2023-2025", "name": "", "subject_ids": [uuid::Uuid::nil()],
                "member_ids": [usenova, foreign, leaver, uuid::Uuid::nil(), usenova]
            }),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    let mut fields = a.error_fields();
    fields.sort();
    assert_eq!(
        fields,
        vec!["member_ids[1]", "member_ids[2]", "member_ids[3]", "member_ids[4]", "name", "subject_ids[0]", "year"]
    );
    let codes: Vec<&str> = a.body["errors"].as_array().unwrap().iter().filter_map(|e| e["code"].as_str()).collect();
    assert!(
        codes.contains(&"inactive") && codes.contains(&"duplicate") && codes.contains(&"unknown_reference"),
        "{codes:?}"
    );
    let list = app.get(&format!("/api/v1/schools/{}/commissions", s.school), &s.deputy).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2, "nothing was created");
}

#[tokio::test]
async fn a_name_is_unique_per_school_and_year_but_a_teacher_may_sit_on_two() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    draft(&app, &s, "Математика", &[&s.maths], &MATHS_TEACHERS).await;
    let dup = app
        .post(
            &format!("/api/v1/schools/{}/commissions", s.school),
            &s.deputy,
            &json!({"year": "2023-2024", "name": "МАТЕМАТИКА", "subject_ids": [s.maths]}),
        )
        .await;
    dup.assert_problem(409, "commission_name_taken");
    // Same members on a second commission, and the same name in another year, are fine.
    draft(&app, &s, "Математика 2", &[&s.maths], &MATHS_TEACHERS).await;
    let next_year = app
        .post(
            &format!("/api/v1/schools/{}/commissions", s.school),
            &s.deputy,
            &json!({"year": "2024-2025", "name": "Математика", "subject_ids": [s.maths]}),
        )
        .await;
    assert_eq!(next_year.status, StatusCode::CREATED, "{}", next_year.text);
}

#[tokio::test]
async fn who_may_touch_commissions() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.post(
        &format!("/api/v1/schools/{}/commissions", s.school),
        &teacher,
        &json!({"year": "2023-2024", "name": "x", "subject_ids": [s.maths]}),
    )
    .await
    .assert_problem(403, "forbidden");
    let list = app.get(&format!("/api/v1/schools/{}/commissions", s.school), &teacher).await;
    assert!(!list.body["items"].as_array().unwrap().is_empty(), "a teacher reads the school's commissions");
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let methodist = app.login("methodist@demo.usul.kg").await;
    assert_eq!(app.get(&format!("/api/v1/commissions/{id}"), &methodist).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/commissions/{id}/members"), &methodist).await.status, StatusCode::OK);
    let (_, _, other_director) = app.other_school().await;
    app.get(&format!("/api/v1/commissions/{id}"), &other_director).await.assert_problem(404, "not_found");
    app.post(
        &format!("/api/v1/commissions/{id}/dissolve"),
        &other_director,
        &json!({"order": {"number": "1", "date": "2023-01-01"}}),
    )
    .await
    .assert_problem(404, "not_found");
    let order = list.body["items"][0]["approved_by_order_id"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/orders/{order}"), &other_director).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_generated_school_approves_only_the_commissions_the_rules_let_through_r_3_2_2a_c() {
    // Arrange: a small generated school, whose groups of subjects may be too thin to approve.
    let app = spawn_app().await;
    let school = usul_api::cli::generate::school(
        &app.store,
        None,
        "thin",
        usul_api::cli::generate::Size { staff: 9, activities: 0, items: 0 },
        3,
    )
    .await
    .unwrap();
    let admin = app.login("admin@demo.usul.kg").await;
    // Act: read what the generator made, over the API.
    let list = app.get(&format!("/api/v1/schools/{}/commissions?limit=200", school.id), &admin).await;
    // Assert: every approved commission has three members teaching its subjects and an
    // experienced head; the rest stayed drafts.
    let items = list.body["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{}", list.text);
    for c in items.iter().filter(|c| c["status"] == "approved") {
        let members =
            app.get(&format!("/api/v1/commissions/{}/members?as_of=2023-01-10", c.str_of("id")), &admin).await;
        let sitting = members.body["members"].as_array().unwrap();
        assert!(sitting.iter().filter(|m| m["teaches_a_commission_subject"] == true).count() >= 3, "{}", members.text);
        let head = sitting.iter().find(|m| m["is_head"] == true).unwrap();
        assert!(head["experience_years"].as_u64().unwrap() >= 5, "{head}");
    }
    assert!(items.iter().all(|c| c["status"] == "approved" || c["status"] == "draft"), "{}", list.text);
}

trait StrOf {
    fn str_of(&self, key: &str) -> String;
}

impl StrOf for Value {
    fn str_of(&self, key: &str) -> String {
        self[key].as_str().unwrap().to_owned()
    }
}
