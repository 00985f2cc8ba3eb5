//! Who reaches plans: other schools, stale versions, racing servers, one's own plan; and reads
//! that take the same statements whatever the data, with full pages.

use crate::plans::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

#[tokio::test]
async fn another_schools_director_and_stale_versions_are_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let id =
        first(&app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await)["id"].as_str().unwrap().to_owned();
    let (_, _, other) = app.other_school().await;
    app.get(&format!("/api/v1/plans/{id}"), &other).await.assert_problem(404, "not_found");
    app.post(&format!("/api/v1/plans/{id}/amend"), &other, &json!({})).await.assert_problem(404, "not_found");
    let methodist = app.login("methodist@demo.usul.kg").await;
    assert_eq!(app.get(&format!("/api/v1/plans/{id}"), &methodist).await.status, StatusCode::OK);
    let district_list = app.get("/api/v1/plans?kind=school", &methodist).await;
    assert_eq!(district_list.body["items"].as_array().unwrap().len(), 2, "one unified plan per school of the district");
    assert!(app.get("/api/v1/plans?kind=school", &other).await.body["items"].as_array().unwrap().is_empty());
    // A stale If-Match on a draft edit.
    let p = create(&app, &s.deputy, json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "План"})).await;
    let pid = p["id"].as_str().unwrap();
    let edited = app.patch(&format!("/api/v1/plans/{pid}"), &s.deputy, &json!({"title": "v2"})).await;
    assert_eq!(edited.body["title"], "v2", "{}", edited.text);
    app.send(
        app.request(Method::PATCH, &format!("/api/v1/plans/{pid}"), Some(&s.deputy))
            .header("if-match", "\"1\"")
            .json(&json!({"title": "stale"})),
    )
    .await
    .assert_problem(412, "precondition_failed");
}

#[tokio::test]
async fn two_approvals_racing_from_two_servers_let_exactly_one_through() {
    let app = spawn_app().await;
    let twin = app.twin().await;
    let s = setup(&app).await;
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(&app, &s.deputy, json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "План"})).await;
    add_item(&app, &s.deputy, &p, "Педкеңеш", "2023-11-01", &[&deputy_id]).await;
    ok(&app, &s.deputy, &p, "submit", json!({})).await;
    let ped = held_meeting(
        &app,
        &s,
        &s.deputy,
        json!({"body": "pedagogical_council", "date": "2023-08-30", "agenda": ["План"]}),
    )
    .await;
    ok(&app, &s.deputy, &p, "review", json!({"meeting_id": ped})).await;
    let id = p["id"].as_str().unwrap().to_owned();
    let second_session = app.login("director@demo.usul.kg").await;
    let send = |base: String, token: String| {
        let client = app.client.clone();
        let id = id.clone();
        async move {
            client
                .post(format!("{base}/api/v1/plans/{id}/approve"))
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (a, b) =
        tokio::join!(send(app.address.clone(), s.director.clone()), send(twin.address.clone(), second_session));
    let mut statuses = [a, b];
    statuses.sort_unstable();
    assert_eq!(statuses[0], 200);
    assert!([409, 412].contains(&statuses[1]), "{statuses:?}");
    let history = app.get(&format!("/api/v1/plans/{id}/history"), &s.deputy).await;
    let approvals = history.body["items"].as_array().unwrap().iter().filter(|t| t["action"] == "approve").count();
    assert_eq!(approvals, 1);
}

#[tokio::test]
async fn nobody_agrees_or_approves_their_own_plan() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    theme_2023(&app, &s).await;
    // The deputy's own individual plan: the deputy sits on no commission, so the deputy would
    // otherwise agree and approve it.
    let deputy_id = app.staff_id("deputy@demo.usul.kg").await;
    let p = create(
        &app,
        &s.deputy,
        json!({"kind": "individual", "year": "2023-2024", "title": "Менин планым", "personal_theme": "Тема"}),
    )
    .await;
    add_item(&app, &s.deputy, &p, "Семинар", "2023-12-01", &[&deputy_id]).await;
    ok(&app, &s.deputy, &p, "submit", json!({"comment": "Тапшырдым"})).await;
    act(&app, &s.deputy, &p, "agree", json!({})).await.assert_problem(403, "forbidden");
    let history = app.get(&format!("/api/v1/plans/{}/history", p["id"].as_str().unwrap()), &s.deputy).await;
    assert_eq!(history.body["items"][0]["comment"], "Тапшырдым", "the submission's comment is kept");
    // A malformed optional body is refused, not ignored.
    let bad = app
        .send(
            app.request(Method::POST, &format!("/api/v1/plans/{}/agree", p["id"].as_str().unwrap()), Some(&s.deputy))
                .header("content-type", "application/json")
                .body("{"),
        )
        .await;
    bad.assert_problem(400, "malformed_json");
    // The director stands in for the deputy on the deputy's own plan.
    ok(&app, &s.director, &p, "agree", json!({})).await;
    assert_eq!(ok(&app, &s.director, &p, "approve", json!({})).await["status"], "approved");
}

/// Teachers who start individual plans of 2023-2024 in the tests below (only a.sydykov sits on
/// the mathematics commission).
const MORE_TEACHERS: [&str; 10] = [
    "n.mamytova",
    "ch.osmonova",
    "g.tologonova",
    "zh.kerimbaeva",
    "d.zheenbekova",
    "a.bokonbaeva",
    "b.kurmanalieva",
    "a.sydykov",
    "t.ryskulov",
    "a.alybaeva",
];

async fn more_individual_plans(app: &TestApp) {
    for mail in MORE_TEACHERS {
        let t = app.login(&format!("{mail}@demo.usul.kg")).await;
        create(app, &t, json!({"kind": "individual", "year": "2023-2024", "title": "Жекече план"})).await;
    }
}

/// The SQL statements of `GET /me`, `GET /plans/{id}` and `GET /plans?limit=50`, and the
/// list's length.
async fn statements(app: &TestApp, token: &str, plan: &str) -> ([u64; 3], usize) {
    let me = app.statements_of("/api/v1/me", token).await;
    let one = app.statements_of(&format!("/api/v1/plans/{plan}"), token).await;
    let page = app.statements_of("/api/v1/plans?limit=50", token).await;
    let listed = app.get("/api/v1/plans?limit=50", token).await.body["items"].as_array().unwrap().len();
    ([me, one, page], listed)
}

#[tokio::test]
async fn a_teachers_reads_take_the_same_number_of_statements_whatever_the_data_size() {
    let app = usul_tests::spawn_app_with(usul_tests::Options { counted: true, ..usul_tests::Options::default() }).await;
    let s = setup(&app).await;
    // The head of the mathematics commission reads a plan of a teacher on it.
    let head = app.login("a.usenova@demo.usul.kg").await;
    let approved = app.get("/api/v1/plans?kind=individual&status=approved", &s.deputy).await;
    let plan = approved.body["items"].as_array().unwrap().first().expect("an approved individual plan").clone();
    let (id, teacher) = (plan["id"].as_str().unwrap(), plan["owner_id"].as_str().unwrap());
    let (small, listed_small) = statements(&app, &head, id).await;
    // More data: ten more plans (one of them the head's to read), and the plan's teacher on
    // three more commissions.
    more_individual_plans(&app).await;
    let subjects = app.get(&format!("/api/v1/schools/{}/subjects", s.school), &s.deputy).await;
    let subject = first(&subjects)["id"].clone();
    for n in 1..=3 {
        let c = app
            .post(
                &format!("/api/v1/schools/{}/commissions", s.school),
                &s.deputy,
                &json!({"year": "2023-2024", "name": format!("Долбоор комиссия {n}"), "subject_ids": [subject], "member_ids": [teacher]}),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    }
    let (large, listed_large) = statements(&app, &head, id).await;
    assert_eq!(listed_large, listed_small + 1, "the new plan of a teacher she leads, and no other");
    assert_eq!(small[..2], large[..2], "[me, plan] statements do not grow with the data");
    // A list names its page in one statement and reads only the plans it has not shown at
    // their versions, in at most three more (the plans, their items, their reviews' protocol
    // numbers), however many there are; the first page adds the sync token's watermark on
    // PostgreSQL (the oldest open write).
    let [_, one, page] = large;
    assert!(one <= 8 && small[2] <= 5 && page <= 5, "GET /plans/{{id}}: {one}, GET /plans: {small:?} then {large:?}");
    let again = app.statements_of("/api/v1/plans?limit=50", &head).await;
    assert!(again <= 2, "a page already shown at its versions is one statement (and the watermark): {again}");
}

#[tokio::test]
async fn a_teachers_pages_are_full_while_more_plans_follow_r_3_2_1() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    // Plans a history teacher does not read (other teachers' individual plans), then one he does.
    more_individual_plans(&app).await;
    let council =
        create(&app, &s.deputy, json!({"kind": "pedagogical_council", "year": "2023-2024", "title": "План"})).await;
    let isakov = app.login("n.isakov@demo.usul.kg").await;
    let mut pages = Vec::new();
    let mut seen: Vec<Value> = Vec::new();
    let mut path = "/api/v1/plans?limit=2".to_owned();
    loop {
        let a = app.get(&path, &isakov).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        let items = a.body["items"].as_array().unwrap().clone();
        pages.push(items.len());
        seen.extend(items);
        match a.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/plans?limit=2&cursor={c}"),
            None => break,
        }
    }
    // The unified plan, two commission plans and the council's plan: full pages of two.
    assert_eq!(pages, vec![2, 2], "every page but the last is full");
    assert!(seen.iter().any(|p| p["id"] == council["id"]), "the plan after the hidden ones is reached");
    assert!(seen.iter().all(|p| p["kind"] != "individual"), "no one else's individual plan");
    // The deputy reads them all, the individual plans too.
    let all = app.get("/api/v1/plans?limit=200", &s.deputy).await;
    let individual = all.body["items"].as_array().unwrap().iter().filter(|p| p["kind"] == "individual").count();
    assert_eq!(individual, 4 + MORE_TEACHERS.len());
}
