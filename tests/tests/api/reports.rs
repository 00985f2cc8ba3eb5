//! Year-end reports, knowledge quality and effectiveness, and the district's
//! view of its schools.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

pub(crate) async fn subjects(app: &TestApp, school: &str, token: &str) -> Vec<(String, String)> {
    let s = app.get(&format!("/api/v1/schools/{school}/subjects?limit=200"), token).await;
    s.body["items"].as_array().unwrap().iter().map(|s| (s.str_of("name"), s.str_of("id"))).collect()
}

pub(crate) trait Field {
    fn str_of(&self, key: &str) -> String;
}

impl Field for Value {
    fn str_of(&self, key: &str) -> String {
        self[key].as_str().unwrap_or_default().to_owned()
    }
}

pub(crate) fn id_of(list: &[(String, String)], name: &str) -> String {
    list.iter().find(|(n, _)| n == name).unwrap().1.clone()
}

pub(crate) async fn csv(app: &TestApp, school: &str, token: &str, query: &str, body: Vec<u8>) -> usul_tests::Answer {
    app.send(
        app.request(Method::POST, &format!("/api/v1/schools/{school}/knowledge-quality/import?{query}"), Some(token))
            .header("content-type", "text/csv; charset=utf-8")
            .body(body),
    )
    .await
}

#[tokio::test]
async fn the_demo_has_grades_reports_and_a_second_school_in_its_district() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    for year in ["2021-2022", "2022-2023"] {
        let t = app.get(&format!("/api/v1/schools/{school}/knowledge-quality?year={year}&term=year"), &deputy).await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.text);
        assert_eq!(t.body["rows"].as_array().unwrap().len(), 56, "8 subjects × 7 classes");
        assert!(t.body["total"]["success_percent"].as_f64().unwrap() > 90.0);
    }
    let reports = app.get("/api/v1/reports?year=2022-2023", &deputy).await;
    let items = reports.body["items"].as_array().unwrap();
    let status = |kind: &str| items.iter().find(|r| r["kind"] == kind).unwrap()["status"].clone();
    assert_eq!(status("commission"), "accepted");
    assert_eq!(status("school"), "submitted");
    let m = app.login("methodist@demo.usul.kg").await;
    let me = app.get("/api/v1/me", &m).await;
    let district = me.body["district"]["id"].as_str().unwrap().to_owned();
    let summary = app.get(&format!("/api/v1/districts/{district}/summary?year=2022-2023"), &m).await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.text);
    assert!(summary.body["schools"].as_array().unwrap().len() >= 2);
}

pub(crate) async fn philology(app: &TestApp, school: &str, token: &str) -> String {
    let list = app.get(&format!("/api/v1/schools/{school}/commissions?year=2022-2023"), token).await;
    list.body["items"].as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().starts_with("Филолог")).unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) fn names(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|p| p["short_name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_submitted_report_keeps_its_figures_whatever_is_recorded_later_r_5_4() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let head = app.login("n.mamytova@demo.usul.kg").await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let director = app.login("director@demo.usul.kg").await;
    let commission = philology(&app, &school, &head).await;
    let created = app
        .post(
            "/api/v1/reports",
            &head,
            &json!({"kind": "commission", "commission_id": commission, "year": "2022-2023", "achievements": "Жетишкендиктер 🎉 «Манас»"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["achievements"], "Жетишкендиктер 🎉 «Манас»", "text kept exactly");
    assert_eq!((created.body["status"].clone(), created.body["frozen"].clone()), (json!("draft"), json!(false)));
    assert_eq!(created.body["allowed_actions"], json!(["refresh", "submit"]));
    let id = created.str("id");
    let f = &created.body["figures"];
    let lessons_at_start = f["open_lessons_and_master_classes"].as_array().unwrap().len();
    assert_eq!(f["participation"]["people"], 7, "the commission's members");
    assert!(names(&f["participation"]["non_participants"]).contains(&"Бөкөнбаева А.У.".to_owned()), "R-1.3");
    assert!(f["knowledge_quality"]["per_subject"].as_array().unwrap().len() == 3, "its three subjects");
    assert!(f["knowledge_quality"]["success_change"].as_f64().is_some(), "against the previous year");
    let bokonbaeva = app.staff_id("a.bokonbaeva@demo.usul.kg").await;
    let lesson = |title: &str| {
        json!({"form": "open_lesson", "title": title, "starts_on": "2023-04-12", "commission_id": commission,
               "organiser_id": bokonbaeva, "participants": [{"staff_id": bokonbaeva, "role": "presenter"}]})
    };
    let a = app.post(&format!("/api/v1/schools/{school}/activities"), &deputy, &lesson("Ачык сабак: Айтматов")).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // A draft's figures refresh on request.
    let refreshed = app.post(&format!("/api/v1/reports/{id}/refresh"), &head, &json!({})).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    let f = &refreshed.body["figures"];
    assert!(!names(&f["participation"]["non_participants"]).contains(&"Бөкөнбаева А.У.".to_owned()));
    let line =
        f["participation"]["per_teacher"].as_array().unwrap().iter().find(|p| p["short_name"] == "Бөкөнбаева А.У.");
    assert_eq!(line.map(|p| (p["took_part"].clone(), p["presented"].clone())), Some((json!(true), json!(1))), "R-1.3");
    let lessons = f["open_lessons_and_master_classes"].as_array().unwrap().len();
    assert_eq!(lessons, lessons_at_start + 1, "the new open lesson is counted");
    // Submitting freezes them.
    let submitted = app.post(&format!("/api/v1/reports/{id}/submit"), &head, &json!({})).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.text);
    assert_eq!((submitted.body["status"].clone(), submitted.body["frozen"].clone()), (json!("submitted"), json!(true)));
    let frozen = submitted.body["figures"].clone();
    let a = app.post(&format!("/api/v1/schools/{school}/activities"), &deputy, &lesson("Дагы бир ачык сабак")).await;
    assert_eq!(a.status, StatusCode::CREATED);
    let later = app.get(&format!("/api/v1/reports/{id}"), &head).await;
    assert_eq!(later.body["figures"], frozen, "later records do not change a submitted report");
    assert_eq!(later.body["figures"]["open_lessons_and_master_classes"].as_array().unwrap().len(), lessons);
    app.post(&format!("/api/v1/reports/{id}/submit"), &head, &json!({}))
        .await
        .assert_problem(409, "transition_not_allowed");
    app.post(&format!("/api/v1/reports/{id}/refresh"), &head, &json!({})).await.assert_problem(409, "report_not_open");
    app.patch(&format!("/api/v1/reports/{id}"), &head, &json!({"problems": "x"}))
        .await
        .assert_problem(409, "report_not_open");
    // Only the director accepts.
    app.post(&format!("/api/v1/reports/{id}/accept"), &deputy, &json!({})).await.assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/reports/{id}/accept"), &head, &json!({})).await.assert_problem(403, "forbidden");
    assert_eq!(
        app.get(&format!("/api/v1/reports/{id}"), &head).await.body["status"],
        "submitted",
        "refusals change nothing"
    );
    let accepted = app.post(&format!("/api/v1/reports/{id}/accept"), &director, &json!({})).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    assert_eq!(accepted.body["status"], "accepted");
    assert_eq!(accepted.body["figures"], frozen);
    assert_eq!(accepted.body["accepted_by"].as_str(), Some(app.staff_id("director@demo.usul.kg").await.as_str()));
    assert_eq!(accepted.body["allowed_actions"], json!([]));
    let late = app.post(&format!("/api/v1/reports/{id}/return"), &director, &json!({"comment": "Кеч"})).await;
    late.assert_problem(409, "transition_not_allowed");
    assert_eq!((late.body["report_status"].clone(), late.body["allowed"].clone()), (json!("accepted"), json!([])));
    let history = app.get(&format!("/api/v1/reports/{id}/history"), &head).await;
    let actions: Vec<&str> =
        history.body["items"].as_array().unwrap().iter().map(|t| t["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["submit", "accept"]);
    let doc = app.send(app.request(Method::GET, &format!("/api/v1/reports/{id}/document?lang=ky"), Some(&head))).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.text.contains("Кабыл алынды:") && doc.text.contains("Сардарбекова А.К."), "the acceptance block");
    assert!(doc.text.contains("Жетишкендиктер 🎉 «Манас»"));
    for section in ["Багыты", "Насаатчылык", "Материалдын түрү", "Орган", "Быйыл"]
    {
        assert!(doc.text.contains(section), "the printed report has {section}");
    }
    assert!(doc.text.contains("Мамытова Н.Э."), "the author");
    // The printed names stay as they were when the report was written and accepted.
    let author = app.staff_id("n.mamytova@demo.usul.kg").await;
    let renamed = app.patch(&format!("/api/v1/staff/{author}"), &director, &json!({"last_name": "Жаңыфамилия"})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let ru = app.send(app.request(Method::GET, &format!("/api/v1/reports/{id}/document?lang=ru"), Some(&head))).await;
    assert!(ru.text.contains("Принят:") && ru.text.contains("Мамытова Н.Э."), "{}", ru.text);
    assert!(!ru.text.contains("Жаңыфамилия"));
    assert_eq!(history.body["items"][0]["actor_role"], "commission_head");
    app.get(&format!("/api/v1/reports/{id}/document?lang=fr"), &head).await.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn the_director_returns_a_report_with_a_comment_and_the_author_resubmits_r_5_4() {
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let director = app.login("director@demo.usul.kg").await;
    let list = app.get("/api/v1/reports?kind=school&year=2022-2023", &deputy).await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the demo's school report: {}", list.text);
    assert_eq!(items[0]["status"], "submitted");
    let id = items[0]["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/reports/{id}/return"), &director, &json!({"comment": "  "}))
        .await
        .assert_problem(422, "validation_failed");
    app.post(&format!("/api/v1/reports/{id}/return"), &deputy, &json!({"comment": "x"}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(app.get(&format!("/api/v1/reports/{id}"), &deputy).await.body["status"], "submitted");
    let back = app
        .post(&format!("/api/v1/reports/{id}/return"), &director, &json!({"comment": "Сунуштарды толуктаңыз."}))
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    assert_eq!((back.body["status"].clone(), back.body["frozen"].clone()), (json!("returned"), json!(false)));
    assert_eq!(back.body["return_comment"], "Сунуштарды толуктаңыз.");
    assert_eq!(back.body["allowed_actions"], json!(["refresh", "submit"]));
    let not_now = app.post(&format!("/api/v1/reports/{id}/accept"), &director, &json!({})).await;
    not_now.assert_problem(409, "transition_not_allowed");
    assert_eq!(not_now.body["allowed"], json!(["refresh", "submit"]));
    let etag = back.header("etag").unwrap().to_owned();
    let stale = app
        .send(
            app.request(Method::PATCH, &format!("/api/v1/reports/{id}"), Some(&deputy))
                .header("if-match", "\"1\"")
                .json(&json!({"proposals": "x"})),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let edited = app
        .send(
            app.request(Method::PATCH, &format!("/api/v1/reports/{id}"), Some(&deputy))
                .header("if-match", etag)
                .json(&json!({"proposals": "Ар бир мугалим ачык сабак берсин.", "problems": null})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(edited.body["problems"], Value::Null);
    let again = app.post(&format!("/api/v1/reports/{id}/submit"), &deputy, &json!({})).await;
    assert_eq!(again.body["status"], "submitted", "{}", again.text);
    assert_eq!(again.body["return_comment"], Value::Null);
    assert_eq!(again.body["proposals"], "Ар бир мугалим ачык сабак берсин.", "the edit is kept");
    let history = app.get(&format!("/api/v1/reports/{id}/history"), &deputy).await;
    let moves: Vec<(String, String, String)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t.str_of("action"), t.str_of("actor_role"), t.str_of("to_status")))
        .collect();
    let last: Vec<(&str, &str, &str)> =
        moves.iter().rev().take(2).rev().map(|(a, r, s)| (a.as_str(), r.as_str(), s.as_str())).collect();
    assert_eq!(last, vec![("return", "director", "returned"), ("submit", "deputy", "submitted")]);
    assert_eq!(
        history.body["items"].as_array().unwrap().iter().rev().nth(1).unwrap()["comment"],
        "Сунуштарды толуктаңыз."
    );
}

#[tokio::test]
async fn a_report_stored_before_its_figures_had_a_format_version_still_reads_r_5_4() {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    let app = spawn_app().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let list = app.get("/api/v1/reports?kind=commission&year=2022-2023", &deputy).await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the demo's accepted commission report: {}", list.text);
    let (id, figures) = (items[0].str_of("id"), items[0]["figures"].clone());
    assert!(!figures["meetings"].as_array().unwrap().is_empty(), "the figures name meetings");
    // The figures as the service stored them before they had a format of their own: the API's
    // JSON, with no version, and meetings without their commission's name.
    let mut old = figures.clone();
    for m in old["meetings"].as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("commission_name");
    }
    let db = Database::connect(&app.db_url).await.unwrap();
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "UPDATE reports SET figures = $1 WHERE id = $2",
        _ => "UPDATE reports SET figures = ? WHERE id = ?",
    };
    let values = [old.to_string().into(), id.parse::<uuid::Uuid>().unwrap().into()];
    let done = db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await.unwrap();
    assert_eq!(done.rows_affected(), 1);
    let read = app.get(&format!("/api/v1/reports/{id}"), &deputy).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let mut expected = figures;
    for m in expected["meetings"].as_array_mut().unwrap() {
        m["commission_name"] = Value::Null;
    }
    assert_eq!(read.body["figures"], expected);
    let doc = app.send(app.request(Method::GET, &format!("/api/v1/reports/{id}/document"), Some(&deputy))).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.text);
}

#[tokio::test]
async fn reports_are_written_by_their_authors_and_hidden_from_other_schools_r_5_4() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("e.abdykadyrov@demo.usul.kg").await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let head = app.login("n.mamytova@demo.usul.kg").await;
    let commission = philology(&app, &school, &head).await;
    let body = json!({"kind": "commission", "commission_id": commission, "year": "2022-2023"});
    app.post("/api/v1/reports", &teacher, &body).await.assert_problem(403, "forbidden");
    app.post("/api/v1/reports", &deputy, &body).await.assert_problem(403, "forbidden");
    let theirs = app.get(&format!("/api/v1/reports?commission_id={commission}"), &deputy).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text);
    assert_eq!(theirs.body["items"], json!([]), "a refused start leaves no report behind");
    app.post("/api/v1/reports", &head, &json!({"kind": "school", "year": "2022-2023"}))
        .await
        .assert_problem(403, "forbidden");
    app.post("/api/v1/reports", &deputy, &json!({"kind": "school", "year": "2022-2023"}))
        .await
        .assert_problem(409, "report_exists");
    let future = app.post("/api/v1/reports", &deputy, &json!({"kind": "school", "year": "2099-2100"})).await;
    future.assert_problem(422, "validation_failed");
    assert_eq!(future.error_fields(), vec!["year"], "a year is reported on once it has begun");
    let bad = app.post("/api/v1/reports", &deputy, &json!({"kind": "yearly", "year": "2022-2024"})).await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["kind", "year"]);
    app.post("/api/v1/reports", &head, &json!({"kind": "commission", "year": "2022-2023"}))
        .await
        .assert_problem(422, "validation_failed");
    let list = app.get("/api/v1/reports", &deputy).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2, "the demo's two reports: {}", list.text);
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let (other_district, other_school, other) = app.other_school().await;
    app.get(&format!("/api/v1/reports/{id}"), &other).await.assert_problem(404, "not_found");
    app.post(&format!("/api/v1/reports/{id}/accept"), &other, &json!({})).await.assert_problem(404, "not_found");
    assert_eq!(app.get("/api/v1/reports", &other).await.body["items"], json!([]));
    app.get(&format!("/api/v1/reports?school_id={school}"), &other).await.assert_problem(404, "not_found");
    // The district reads its schools' reports, documents and effectiveness, and nothing beyond.
    let m = app.login("methodist@demo.usul.kg").await;
    assert_eq!(app.get(&format!("/api/v1/reports/{id}"), &m).await.status, StatusCode::OK);
    assert!(app.get("/api/v1/reports?year=2022-2023", &m).await.body["items"].as_array().unwrap().len() >= 3);
    let doc = app.send(app.request(Method::GET, &format!("/api/v1/reports/{id}/document"), Some(&m))).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/api/v1/schools/{school}/effectiveness?year=2022-2023"), &m).await.status,
        StatusCode::OK
    );
    app.get(&format!("/api/v1/schools/{other_school}/effectiveness?year=2022-2023"), &m)
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("/api/v1/reports/{id}/accept"), &m, &json!({})).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/districts/{other_district}/summary?year=2022-2023"), &m)
        .await
        .assert_problem(404, "not_found");
}
