//! Plans and their approval routes (R-3.2.1, R-3.2.2f, R-5.1, R-5.3): every route end to end,
//! submission rules, returns, amendments, rollover, execution and the printable plan.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

pub(crate) struct S {
    pub(crate) school: String,
    pub(crate) director: String,
    pub(crate) deputy: String,
}

pub(crate) async fn setup(app: &TestApp) -> S {
    S {
        school: app.demo_school().await,
        director: app.login("director@demo.usul.kg").await,
        deputy: app.login("deputy@demo.usul.kg").await,
    }
}

pub(crate) async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let a = app.post("/api/v1/plans", token, &body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["status"], "draft");
    a.body
}

pub(crate) async fn add_item(app: &TestApp, token: &str, plan: &Value, title: &str, due: &str, who: &[&str]) -> Value {
    let a = app
        .post(
            &format!("/api/v1/plans/{}/items", plan["id"].as_str().unwrap()),
            token,
            &json!({"title": title, "form": "open_lesson", "due_date": due, "responsible_ids": who}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body
}

/// The first item of a list answer, asserting that there is one.
pub(crate) fn first(a: &usul_tests::Answer) -> Value {
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let items = a.body["items"].as_array().unwrap_or_else(|| panic!("a list: {}", a.text));
    items.first().unwrap_or_else(|| panic!("a non-empty list: {}", a.text)).clone()
}

pub(crate) async fn act(app: &TestApp, token: &str, plan: &Value, action: &str, body: Value) -> usul_tests::Answer {
    app.post(&format!("/api/v1/plans/{}/{action}", plan["id"].as_str().unwrap()), token, &body).await
}

pub(crate) async fn ok(app: &TestApp, token: &str, plan: &Value, action: &str, body: Value) -> Value {
    let a = act(app, token, plan, action, body).await;
    assert_eq!(a.status, StatusCode::OK, "{action}: {}", a.text);
    a.body
}

/// A held meeting of a body in 2023-2024, to cite in a review.
pub(crate) async fn held_meeting(app: &TestApp, s: &S, token: &str, body: Value) -> String {
    let m = app.post(&format!("/api/v1/schools/{}/meetings", s.school), token, &body).await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    let id = m.str("id");
    let h = app.post(&format!("/api/v1/meetings/{id}/hold"), token, &json!({})).await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    id
}

pub(crate) async fn theme_2023(app: &TestApp, s: &S) {
    let a = app
        .put(
            &format!("/api/v1/schools/{}/years/2023-2024", s.school),
            &s.deputy,
            &json!({"theme": "Функционалдык сабаттуулук"}),
        )
        .await;
    assert!(a.status.is_success(), "{}", a.text);
}

#[tokio::test]
async fn the_demo_has_an_approved_unified_plan_two_commission_plans_and_individual_plans_in_several_states() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let school = app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await;
    let unified = &first(&school);
    assert_eq!(unified["status"], "approved", "{}", school.text);
    assert_eq!(unified["review"]["protocol_number"], 1, "reviewed at the methodological council's meeting (R-5.1)");
    assert_eq!(unified["approved_by"], json!(app.staff_id("director@demo.usul.kg").await));
    let commissions = app.get("/api/v1/plans?kind=commission&status=approved", &s.deputy).await;
    assert_eq!(commissions.body["items"].as_array().unwrap().len(), 2);
    let individual = app.get("/api/v1/plans?kind=individual", &s.deputy).await;
    let mut states: Vec<&str> =
        individual.body["items"].as_array().unwrap().iter().filter_map(|p| p["status"].as_str()).collect();
    states.sort_unstable();
    assert_eq!(states, vec!["agreed", "approved", "draft", "submitted"]);
}

#[tokio::test]
async fn the_unified_plan_is_drafted_by_the_deputy_reviewed_by_the_methodological_council_and_approved_by_the_director_r_5_1()
 {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.post("/api/v1/plans", &teacher, &json!({"kind": "school", "year": "2023-2024", "title": "x"}))
        .await
        .assert_problem(403, "forbidden");
    let p =
        create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "2023-2024 бирдиктүү план"}))
            .await;
    add_item(&app, &s.deputy, &p, "Семинар", "2023-10-15", &[&deputy_id]).await;
    let submitted = ok(&app, &s.deputy, &p, "submit", json!({})).await;
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["next_step"], "review");
    // Approving before the review is a conflict that lists what is allowed.
    let early = act(&app, &s.director, &p, "approve", json!({})).await;
    early.assert_problem(409, "transition_not_allowed");
    assert_eq!(early.body["allowed"], json!(["review", "return", "withdraw", "rollover"]));
    // The review cites a held meeting of the methodological council, not another body's.
    let ped = held_meeting(
        &app,
        &s,
        &s.deputy,
        json!({"body": "pedagogical_council", "date": "2023-09-07", "agenda": ["x"]}),
    )
    .await;
    let wrong = act(&app, &s.deputy, &p, "review", json!({"meeting_id": ped})).await;
    wrong.assert_problem(422, "validation_failed");
    assert_eq!(wrong.error_fields(), vec!["meeting_id"]);
    let scheduled = app
        .post(
            &format!("/api/v1/schools/{}/meetings", s.school),
            &s.deputy,
            &json!({"body": "methodological_council", "date": "2023-09-08"}),
        )
        .await;
    act(&app, &s.deputy, &p, "review", json!({"meeting_id": scheduled.str("id")}))
        .await
        .assert_problem(422, "validation_failed");
    let council = held_meeting(
        &app,
        &s,
        &s.deputy,
        json!({"body": "methodological_council", "date": "2023-09-08", "agenda": ["План"]}),
    )
    .await;
    act(&app, &teacher, &p, "review", json!({"meeting_id": council})).await.assert_problem(403, "forbidden");
    let reviewed = ok(&app, &s.deputy, &p, "review", json!({"meeting_id": council, "comment": "Каралды"})).await;
    assert_eq!(reviewed["status"], "reviewed");
    assert_eq!(reviewed["review"]["date"], "2023-09-08");
    // The deputy may not approve; the director does.
    act(&app, &s.deputy, &p, "approve", json!({})).await.assert_problem(403, "forbidden");
    let approved = ok(&app, &s.director, &p, "approve", json!({})).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["allowed_actions"], json!(["amend", "rollover"]));
    // Frozen.
    app.patch(&format!("/api/v1/plans/{}", p["id"].as_str().unwrap()), &s.deputy, &json!({"title": "y"}))
        .await
        .assert_problem(409, "plan_not_draft");
    add_item_refused(&app, &s.deputy, &p).await;
    let history = app.get(&format!("/api/v1/plans/{}/history", p["id"].as_str().unwrap()), &s.deputy).await;
    let actions: Vec<(&str, &str)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["action"].as_str().unwrap(), t["actor_role"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, vec![("submit", "deputy"), ("review", "deputy"), ("approve", "director")]);
    assert_eq!(history.body["items"][1]["meeting_id"], json!(council));
    assert_eq!(history.body["items"][1]["comment"], "Каралды");
}

async fn add_item_refused(app: &TestApp, token: &str, p: &Value) {
    app.post(
        &format!("/api/v1/plans/{}/items", p["id"].as_str().unwrap()),
        token,
        &json!({"title": "x", "form": "open_lesson"}),
    )
    .await
    .assert_problem(409, "plan_not_draft");
}

#[tokio::test]
async fn a_commission_plan_is_reviewed_by_the_commission_agreed_by_the_deputy_and_approved_by_the_director_r_3_2_2f() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let commissions = app.get(&format!("/api/v1/schools/{}/commissions?year=2022-2023", s.school), &s.deputy).await;
    let maths = commissions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with("Табигый"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let head = app.login("a.usenova@demo.usul.kg").await;
    let head_id = app.staff_id("a.usenova@demo.usul.kg").await;
    // Only the head drafts it (a member cannot).
    let member = app.login("e.abdykadyrov@demo.usul.kg").await;
    app.post(
        "/api/v1/plans",
        &member,
        &json!({"kind": "commission", "owner_id": maths, "year": "2023-2024", "title": "x"}),
    )
    .await
    .assert_problem(403, "forbidden");
    let p = create(
        &app,
        &head,
        json!({"kind": "commission", "owner_id": maths, "year": "2023-2024", "title": "Комиссиянын иш планы"}),
    )
    .await;
    add_item(&app, &head, &p, "Ачык сабак", "2023-11-20", &[&head_id]).await;
    ok(&app, &head, &p, "submit", json!({})).await;
    let meeting = held_meeting(
        &app,
        &s,
        &head,
        json!({"body": "commission", "commission_id": maths, "date": "2023-09-15", "agenda": ["План"]}),
    )
    .await;
    act(&app, &s.deputy, &p, "review", json!({"meeting_id": meeting})).await.assert_problem(403, "forbidden");
    ok(&app, &head, &p, "review", json!({"meeting_id": meeting})).await;
    act(&app, &head, &p, "agree", json!({})).await.assert_problem(403, "forbidden");
    let agreed = ok(&app, &s.deputy, &p, "agree", json!({"comment": "Макулдашылды"})).await;
    assert_eq!(agreed["status"], "agreed");
    let approved = ok(&app, &s.director, &p, "approve", json!({})).await;
    assert_eq!(approved["status"], "approved");
}

#[tokio::test]
async fn an_individual_plan_is_agreed_by_the_teachers_head_and_approved_by_the_deputy_r_3_2_1() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    theme_2023(&app, &s).await;
    let teacher = app.login("e.abdykadyrov@demo.usul.kg").await;
    let teacher_id = app.staff_id("e.abdykadyrov@demo.usul.kg").await;
    let p = create(
        &app,
        &teacher,
        json!({"kind": "individual", "year": "2023-2024", "title": "Жекече план", "personal_theme": "Долбоордук ыкма"}),
    )
    .await;
    add_item(&app, &teacher, &p, "Ачык сабак", "2024-02-10", &[&teacher_id]).await;
    let submitted = ok(&app, &teacher, &p, "submit", json!({})).await;
    assert_eq!(submitted["school_theme"], "Функционалдык сабаттуулук", "tied to the school's theme (R-3.2.1)");
    // The head of another commission does not even see it; the deputy may not agree it here.
    let other_head = app.login("n.mamytova@demo.usul.kg").await;
    act(&app, &other_head, &p, "agree", json!({})).await.assert_problem(404, "not_found");
    act(&app, &s.deputy, &p, "agree", json!({})).await.assert_problem(403, "forbidden");
    let head = app.login("a.usenova@demo.usul.kg").await;
    ok(&app, &head, &p, "agree", json!({})).await;
    act(&app, &head, &p, "approve", json!({})).await.assert_problem(403, "forbidden");
    act(&app, &teacher, &p, "approve", json!({})).await.assert_problem(403, "forbidden");
    let approved = ok(&app, &s.deputy, &p, "approve", json!({})).await;
    assert_eq!(approved["status"], "approved");
    // A colleague does not see someone else's individual plan.
    let colleague = app.login("n.isakov@demo.usul.kg").await;
    app.get(&format!("/api/v1/plans/{}", p["id"].as_str().unwrap()), &colleague).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_teacher_on_no_commission_has_the_plan_agreed_by_the_deputy() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    theme_2023(&app, &s).await;
    let teacher = app.login("n.isakov@demo.usul.kg").await;
    let id = app.staff_id("n.isakov@demo.usul.kg").await;
    let p = create(&app, &teacher, json!({"kind": "individual", "year": "2023-2024", "title": "Жекече план", "personal_theme": "Тарыхый булактар"})).await;
    add_item(&app, &teacher, &p, "Семинар", "2024-03-01", &[&id]).await;
    ok(&app, &teacher, &p, "submit", json!({})).await;
    // No head leads him: a head of a commission does not even see the plan; the director
    // does not agree it either.
    let head = app.login("a.usenova@demo.usul.kg").await;
    act(&app, &head, &p, "agree", json!({})).await.assert_problem(404, "not_found");
    act(&app, &s.director, &p, "agree", json!({})).await.assert_problem(403, "forbidden");
    assert_eq!(ok(&app, &s.deputy, &p, "agree", json!({})).await["status"], "agreed");
    let approved = ok(&app, &s.deputy, &p, "approve", json!({})).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_by"], json!(app.staff_id("deputy@demo.usul.kg").await));
}

#[tokio::test]
async fn the_pedagogical_councils_plan_is_reviewed_by_the_council_and_approved_by_the_director_r_5_3() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(
        &app,
        &s.deputy,
        json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "Педкеңештин планы"}),
    )
    .await;
    add_item(&app, &s.deputy, &p, "Педкеңеш", "2023-11-01", &[&deputy_id]).await;
    ok(&app, &s.deputy, &p, "submit", json!({})).await;
    let ped = held_meeting(
        &app,
        &s,
        &s.deputy,
        json!({"body": "pedagogical_council", "date": "2023-08-30", "agenda": ["План"]}),
    )
    .await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    act(&app, &teacher, &p, "review", json!({"meeting_id": ped})).await.assert_problem(403, "forbidden");
    ok(&app, &s.deputy, &p, "review", json!({"meeting_id": ped})).await;
    act(&app, &s.deputy, &p, "approve", json!({})).await.assert_problem(403, "forbidden");
    assert_eq!(ok(&app, &s.director, &p, "approve", json!({})).await["status"], "approved");
}

#[tokio::test]
async fn submission_lists_every_problem_with_its_item_and_field_r_5_1_r_3_2_1() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let teacher = app.login("e.abdykadyrov@demo.usul.kg").await;
    // 2024-2025 has no school theme yet; the plan has no personal theme either.
    let p = create(&app, &teacher, json!({"kind": "individual", "year": "2024-2025", "title": "Жекече план"})).await;
    let empty = act(&app, &teacher, &p, "submit", json!({})).await;
    empty.assert_problem(422, "plan_incomplete");
    let codes: Vec<&str> = empty.body["errors"].as_array().unwrap().iter().filter_map(|p| p["code"].as_str()).collect();
    assert_eq!(codes, vec!["no_items", "no_personal_theme", "no_school_theme"]);
    let added = app
        .post(
            &format!("/api/v1/plans/{}/items", p["id"].as_str().unwrap()),
            &teacher,
            &json!({"title": "Иш-чара", "form": "seminar_practicum"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let a = act(&app, &teacher, &p, "submit", json!({})).await;
    a.assert_problem(422, "plan_incomplete");
    // One shape for what is wrong (issue 11, point 10): code, where (field and item), message, rule.
    let problems = a.body["errors"].as_array().unwrap();
    assert_eq!(
        problems[0],
        json!({"rule": "R-5.1", "code": "no_deadline", "item": 1, "field": "due_date", "message": "The item has no due date"})
    );
    assert_eq!(
        problems[1],
        json!({"rule": "R-5.1", "code": "no_responsible", "item": 1, "field": "responsible_ids", "message": "The item has no one responsible"})
    );
    assert_eq!(problems[2]["rule"], "R-3.2.1");
    assert!(a.body.get("problems").is_none(), "one list only: {}", a.text);
    let still = app.get(&format!("/api/v1/plans/{}", p["id"].as_str().unwrap()), &teacher).await;
    assert_eq!(still.body["status"], "draft");
    let _ = s;
}

#[tokio::test]
async fn items_are_checked_against_the_catalogue_the_year_and_the_staff() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let p = create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    let (_, _, other) = app.other_school().await;
    let foreign = app.get("/api/v1/me", &other).await.body["staff"]["id"].clone();
    let a = app
        .post(
            &format!("/api/v1/plans/{}/items", p["id"].as_str().unwrap()),
            &s.deputy,
            &json!({"title": " ", "form": "juggling", "start_date": "2024-05-01", "due_date": "2024-09-15", "responsible_ids": [foreign]}),
        )
        .await;
    a.assert_problem(422, "validation_failed");
    let mut fields = a.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["due_date", "form", "responsible_ids[0]", "title"]);
}

#[tokio::test]
async fn a_return_needs_a_comment_and_a_withdrawal_comes_before_the_first_step() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(&app, &s.deputy, json!({"kind": "school", "year": "2023-2024", "title": "План"})).await;
    add_item(&app, &s.deputy, &p, "Семинар", "2023-10-15", &[&deputy_id]).await;
    ok(&app, &s.deputy, &p, "submit", json!({})).await;
    assert_eq!(ok(&app, &s.deputy, &p, "withdraw", json!({})).await["status"], "draft");
    ok(&app, &s.deputy, &p, "submit", json!({})).await;
    let council = held_meeting(
        &app,
        &s,
        &s.deputy,
        json!({"body": "methodological_council", "date": "2023-09-08", "agenda": ["План"]}),
    )
    .await;
    ok(&app, &s.deputy, &p, "review", json!({"meeting_id": council})).await;
    act(&app, &s.deputy, &p, "withdraw", json!({})).await.assert_problem(409, "transition_not_allowed");
    act(&app, &s.director, &p, "return", json!({"comment": ""})).await.assert_problem(422, "validation_failed");
    act(&app, &s.director, &p, "return", json!({})).await.assert_problem(422, "validation_failed");
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    act(&app, &teacher, &p, "return", json!({"comment": "x"})).await.assert_problem(403, "forbidden");
    let back = ok(&app, &s.director, &p, "return", json!({"comment": "Мөөнөттөрдү тактаңыз"})).await;
    assert_eq!(back["status"], "draft");
    assert_eq!(back["review"], json!(null), "the route starts again");
    let history = app.get(&format!("/api/v1/plans/{}/history", p["id"].as_str().unwrap()), &s.deputy).await;
    let last = history.body["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "return");
    assert_eq!(last["comment"], "Мөөнөттөрдү тактаңыз");
    assert_eq!(last["from_status"], "reviewed");
    // A plan that was submitted once is not deleted; a fresh draft is.
    app.send(app.request(Method::DELETE, &format!("/api/v1/plans/{}", p["id"].as_str().unwrap()), Some(&s.deputy)))
        .await
        .assert_problem(409, "plan_was_submitted");
    let fresh =
        create(&app, &s.deputy, json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "План"})).await;
    let d = app
        .send(app.request(Method::DELETE, &format!("/api/v1/plans/{}", fresh["id"].as_str().unwrap()), Some(&s.deputy)))
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn an_amendment_is_version_two_and_supersedes_version_one_once_approved() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let v1 = first(&app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await);
    let v2 = app.post(&format!("/api/v1/plans/{}/amend", v1["id"].as_str().unwrap()), &s.deputy, &json!({})).await;
    assert_eq!(v2.status, StatusCode::CREATED, "{}", v2.text);
    assert_eq!(v2.body["version_no"], 2);
    assert_eq!(v2.body["status"], "draft");
    assert_eq!(v2.body["items"].as_array().unwrap().len(), v1["items"].as_array().unwrap().len());
    app.post(&format!("/api/v1/plans/{}/amend", v1["id"].as_str().unwrap()), &s.deputy, &json!({}))
        .await
        .assert_problem(409, "plan_exists");
    let v2 = v2.body;
    ok(&app, &s.deputy, &v2, "submit", json!({})).await;
    let council =
        app.get(&format!("/api/v1/schools/{}/meetings?body=methodological_council", s.school), &s.deputy).await;
    let meeting = first(&council)["id"].clone();
    ok(&app, &s.deputy, &v2, "review", json!({"meeting_id": meeting})).await;
    ok(&app, &s.director, &v2, "approve", json!({})).await;
    let old = app.get(&format!("/api/v1/plans/{}", v1["id"].as_str().unwrap()), &s.deputy).await;
    assert_eq!(old.body["status"], "superseded");
    let approved = app.get("/api/v1/plans?kind=school&year=2022-2023&status=approved", &s.deputy).await;
    assert_eq!(approved.body["items"].as_array().unwrap().len(), 1, "one approved version per lineage");
}

#[tokio::test]
async fn a_plan_rolls_over_into_next_year_with_dates_shifted() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let v1 = &first(&app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await);
    let next = app.post(&format!("/api/v1/plans/{}/rollover", v1["id"].as_str().unwrap()), &s.deputy, &json!({})).await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.text);
    assert_eq!(next.body["year"], "2023-2024");
    assert_eq!(next.body["status"], "draft");
    assert_eq!(next.body["items"][2]["due_date"], "2023-11-25");
    assert_eq!(next.body["items"][2]["progress"], "planned");
    app.post(&format!("/api/v1/plans/{}/rollover", v1["id"].as_str().unwrap()), &s.deputy, &json!({}))
        .await
        .assert_problem(409, "plan_exists");
}

#[tokio::test]
async fn execution_counts_progress_overdue_items_and_people() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let p = first(&app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await);
    let id = p["id"].as_str().unwrap();
    let items = p["items"].as_array().unwrap();
    let open_lessons = items[2]["id"].as_str().unwrap();
    // A responsible teacher records their item; a teacher who is not responsible may not.
    let usenova = app.login("a.usenova@demo.usul.kg").await;
    let council = app.get(&format!("/api/v1/schools/{}/meetings?body=pedagogical_council", s.school), &s.deputy).await;
    let a = app
        .patch(
            &format!("/api/v1/plans/{id}/items/{open_lessons}/progress"),
            &usenova,
            &json!({"progress": "done", "completed_on": "2022-11-25", "outcome": "10 ачык сабак", "evidence": [{"kind": "meeting", "reference": first(&council)["id"]}, {"kind": "url", "reference": "https://school95.kg/news/1"}]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let isakov = app.login("n.isakov@demo.usul.kg").await;
    app.patch(&format!("/api/v1/plans/{id}/items/{open_lessons}/progress"), &isakov, &json!({"progress": "done"}))
        .await
        .assert_problem(403, "forbidden");
    let bad = app
        .patch(
            &format!("/api/v1/plans/{id}/items/{open_lessons}/progress"),
            &s.deputy,
            &json!({"progress": "finished", "evidence": [{"kind": "meeting", "reference": uuid::Uuid::nil()}]}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["progress", "evidence[0].reference"]);
    let cancelled = items[5]["id"].as_str().unwrap();
    let c = app
        .patch(&format!("/api/v1/plans/{id}/items/{cancelled}/progress"), &s.deputy, &json!({"progress": "cancelled"}))
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let e = app.get(&format!("/api/v1/plans/{id}/execution"), &s.deputy).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    assert_eq!(e.body["items"], 6);
    // The demo marked four items done and the master classes partly done.
    assert_eq!(e.body["by_status"]["done"], 4);
    assert_eq!(e.body["by_status"]["partly_done"], 1);
    assert_eq!(e.body["by_status"]["cancelled"], 1);
    assert_eq!(e.body["percent_done"], 80.0, "4 of 5 not cancelled");
    // Everything is due in 2022-2023, long past: the partly done item is overdue.
    assert_eq!(e.body["overdue"].as_array().unwrap().len(), 1);
    let mine = e.body["by_responsible"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["short_name"] == "Үсөнова А.Б.")
        .unwrap()
        .clone();
    assert_eq!(
        mine,
        json!({"staff_id": mine["staff_id"], "short_name": "Үсөнова А.Б.", "items": 1, "done": 1, "overdue": 0})
    );
    // Progress is for approved plans only.
    let d = &first(&app.get("/api/v1/plans?kind=individual&status=draft", &s.deputy).await);
    app.patch(
        &format!(
            "/api/v1/plans/{}/items/{}/progress",
            d["id"].as_str().unwrap(),
            d["items"][0]["id"].as_str().unwrap()
        ),
        &s.deputy,
        &json!({"progress": "done"}),
    )
    .await
    .assert_problem(409, "plan_not_approved");
}

#[tokio::test]
async fn the_printed_plan_has_the_approval_block_and_the_table() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id =
        first(&app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await)["id"].as_str().unwrap().to_owned();
    let ky = app.get(&format!("/api/v1/plans/{id}/document"), &s.deputy).await;
    assert_eq!(ky.status, StatusCode::OK);
    for needle in [
        "Каралды:",
        "Усулдук кеңеш",
        "Протокол №1",
        "08.09.2022",
        "Бекитилди:",
        "Сардарбекова А.К.",
        "2022-2023",
        "Мектептин усулдук темасы:",
        "Иш-чаралар",
        "Формасы",
        "Мөөнөтү",
        "Жооптуулар",
        "Ачык сабактардын декадасы",
        "25.11.2022",
    ] {
        assert!(ky.text.contains(needle), "ky plan lacks {needle}");
    }
    let ru = app.get(&format!("/api/v1/plans/{id}/document?lang=ru"), &s.deputy).await;
    for needle in ["Рассмотрено:", "Методический совет", "Утверждаю:", "Мероприятия", "Срок", "Ответственные"]
    {
        assert!(ru.text.contains(needle), "ru plan lacks {needle}");
    }
}
