//! Year-end reports, knowledge quality and effectiveness, and the district's
//! view of its schools.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::{TestApp, spawn_app};

async fn subjects(app: &TestApp, school: &str, token: &str) -> Vec<(String, String)> {
    let s = app.get(&format!("/api/v1/schools/{school}/subjects?limit=200"), token).await;
    s.body["items"].as_array().unwrap().iter().map(|s| (s.str_of("name"), s.str_of("id"))).collect()
}

trait Field {
    fn str_of(&self, key: &str) -> String;
}

impl Field for Value {
    fn str_of(&self, key: &str) -> String {
        self[key].as_str().unwrap_or_default().to_owned()
    }
}

fn id_of(list: &[(String, String)], name: &str) -> String {
    list.iter().find(|(n, _)| n == name).unwrap().1.clone()
}

async fn csv(app: &TestApp, school: &str, token: &str, query: &str, body: Vec<u8>) -> usul_tests::Answer {
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

#[tokio::test]
async fn a_knowledge_quality_table_is_checked_whole_and_stored_whole_r_5_5() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let subs = subjects(&app, &school, &deputy).await;
    let (maths, physics) = (id_of(&subs, "Математика"), id_of(&subs, "Физика"));
    let path = format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term=2");
    let empty = app.get(&path, &deputy).await;
    assert_eq!((empty.body["version"].as_i64(), empty.body["total"].clone()), (Some(0), Value::Null));
    let bad = app
        .put(
            &path,
            &deputy,
            &json!({"rows": [
                {"subject_id": maths, "class": "5А", "students": 25, "grade_5": 5, "grade_4": 10, "grade_3": 8, "grade_2": 1},
                {"subject_id": maths, "class": "6А", "students": 25, "grade_5": 30, "grade_4": 0, "grade_3": 0, "grade_2": -5},
                {"subject_id": school, "class": "7А", "students": 10, "grade_5": 10, "grade_4": 0, "grade_3": 0, "grade_2": 0},
                {"subject_id": physics, "class": "8А", "students": 10, "grade_5": 10, "grade_4": 0, "grade_3": 0, "grade_2": 0},
                {"subject_id": physics, "class": "8а", "students": 10, "grade_5": 10, "grade_4": 0, "grade_3": 0, "grade_2": 0},
            ]}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let errors: Vec<(String, String)> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("rows[0].students".to_owned(), "grades_do_not_add_up".to_owned()),
            ("rows[1].grade_2".to_owned(), "out_of_range".to_owned()),
            ("rows[2].subject_id".to_owned(), "unknown_reference".to_owned()),
            ("rows[4].class".to_owned(), "duplicate".to_owned()),
        ]
    );
    assert_eq!(app.get(&path, &deputy).await.body["version"], 0, "nothing stored");
    app.get(&format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term=5"), &deputy)
        .await
        .assert_problem(400, "invalid_parameter");
    let good = json!({"rows": [
        {"subject_id": maths, "class": "5А", "students": 25, "grade_5": 5, "grade_4": 10, "grade_3": 8, "grade_2": 2},
        {"subject_id": physics, "class": "5А", "students": 15, "grade_5": 3, "grade_4": 3, "grade_3": 9, "grade_2": 0},
    ]});
    // A write answers 200 whatever If-None-Match says: 304 is for reads.
    let ok = app.send(app.request(Method::PUT, &path, Some(&deputy)).header("if-none-match", "*").json(&good)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // (5+10+8 + 3+3+9)/40 = 95 %, (5+10 + 3+3)/40 = 52.5 %.
    assert_eq!(ok.body["total"]["success_percent"], 95.0);
    assert_eq!(ok.body["total"]["quality_percent"], 52.5);
    assert_eq!(ok.body["rows"][0]["success_percent"], 92.0);
    assert_eq!(ok.header("etag"), Some("\"1\""));
    let stale = app.send(app.request(Method::PUT, &path, Some(&deputy)).header("if-match", "\"0\"").json(&good)).await;
    stale.assert_problem(412, "precondition_failed");
    let read = app.send(app.request(Method::GET, &path, Some(&deputy)).header("if-none-match", "\"1\"")).await;
    assert_eq!(read.status, StatusCode::NOT_MODIFIED);
    let odd = json!({"rows": [{"subject_id": maths, "class": "5\nА", "students": 1, "grade_5": 1, "grade_4": 0, "grade_3": 0, "grade_2": 0},
                              {"subject_id": maths, "class": "\u{200b}", "students": 1, "grade_5": 1, "grade_4": 0, "grade_3": 0, "grade_2": 0}]});
    let refused = app.put(&path, &deputy, &odd).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.error_fields(), vec!["rows[0].class", "rows[1].class"]);
    app.put(&format!("/api/v1/schools/{school}/knowledge-quality?year=2099-2100&term=1"), &deputy, &good)
        .await
        .assert_problem(400, "invalid_parameter");
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    app.put(&path, &teacher, &good).await.assert_problem(403, "forbidden");
    let (_, other_school, other) = app.other_school().await;
    app.put(&path, &other, &good).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term=2"), &other)
        .await
        .assert_problem(404, "not_found");
    assert!(!other_school.is_empty());
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_and_names_every_bad_line_and_column_r_5_5() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let q = "year=2022-2023&term=3";
    let header = "subject;class;students;grade_5;grade_4;grade_3;grade_2\n";
    let wrong = csv(&app, &school, &deputy, q, b"subject;klass;students;grade_5\n".to_vec()).await;
    wrong.assert_problem(422, "csv_invalid");
    let problems = wrong.body["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["code"] == "unknown_column" && p["column"] == "klass"));
    assert!(problems.iter().any(|p| p["code"] == "missing_column" && p["column"] == "grade_2"));
    let mut mixed = format!("{header}Математика;5А;25;5;10;8;2\n").into_bytes();
    mixed.extend_from_slice(b"\xD4\xE8\xE7\xE8\xEA\xE0;6\xC0;20;5;5;5;5\n");
    let enc = csv(&app, &school, &deputy, q, mixed).await;
    enc.assert_problem(422, "csv_invalid");
    assert_eq!(enc.body["problems"][0]["line"], 3);
    assert_eq!(enc.body["problems"][0]["code"], "not_utf8");
    let rows = format!(
        "{header}Математика;5А;25;5;10;8;2\nФизика;5А;25;5;10;8;x\nФизика;6А;25;5;10;8;1\nАстрономия;7А;10;10;0;0;0\n"
    );
    let bad = csv(&app, &school, &deputy, q, rows.into_bytes()).await;
    bad.assert_problem(422, "csv_invalid");
    let listed: Vec<(u64, String, String)> = bad.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
                p["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (3, "grade_2".to_owned(), "invalid_type".to_owned()),
            (4, "students".to_owned(), "grades_do_not_add_up".to_owned()),
            (5, "subject".to_owned(), "unknown_reference".to_owned()),
        ]
    );
    let path = format!("/api/v1/schools/{school}/knowledge-quality?{q}");
    assert_eq!(app.get(&path, &deputy).await.body["version"], 0, "nothing stored");
    let good = "\u{feff}class,subject,students,grade_5,grade_4,grade_3,grade_2\r\n5А,математика,25,5,10,8,2\r\n\"7 \"\"Б\"\"\",Физика,15,3,3,9,0\r\n";
    let ok = csv(&app, &school, &deputy, q, good.as_bytes().to_vec()).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["total"]["quality_percent"], 52.5);
    assert!(ok.body["rows"].as_array().unwrap().iter().any(|r| r["class"] == "7 \"Б\""));
    let json_body = app
        .send(
            app.request(Method::POST, &format!("/api/v1/schools/{school}/knowledge-quality/import?{q}"), Some(&deputy))
                .json(&json!({})),
        )
        .await;
    json_body.assert_problem(415, "unsupported_media_type");
    assert!(json_body.body["detail"].as_str().unwrap().contains("text/csv"), "{}", json_body.text);
    let cp1251 = app
        .send(
            app.request(Method::POST, &format!("/api/v1/schools/{school}/knowledge-quality/import?{q}"), Some(&deputy))
                .header("content-type", "text/csv; charset=windows-1251")
                .body(good.as_bytes().to_vec()),
        )
        .await;
    cp1251.assert_problem(415, "unsupported_media_type");
    let header_only = csv(&app, &school, &deputy, q, header.as_bytes().to_vec()).await;
    header_only.assert_problem(422, "csv_invalid");
    assert_eq!(header_only.body["problems"][0]["code"], "no_rows");
}

async fn philology(app: &TestApp, school: &str, token: &str) -> String {
    let list = app.get(&format!("/api/v1/schools/{school}/commissions?year=2022-2023"), token).await;
    list.body["items"].as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().starts_with("Филолог")).unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn names(v: &Value) -> Vec<String> {
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

#[tokio::test]
async fn the_district_summary_compares_its_schools_for_the_district_only_r_3_1() {
    let app = spawn_app().await;
    let m = app.login("methodist@demo.usul.kg").await;
    let district = app.get("/api/v1/me", &m).await.body["district"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/districts/{district}/summary?year=2022-2023");
    let s = app.get(&format!("{path}&sort=-quality"), &m).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let rows = s.body["schools"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let q: Vec<f64> = rows.iter().map(|r| r["quality_percent"].as_f64().unwrap()).collect();
    assert!(q[0] >= q[1], "sorted by quality, descending: {q:?}");
    let demo = rows.iter().find(|r| r["school_name"] == "КТО №95 мектеп-гимназиясы").unwrap();
    assert_eq!(demo["commissions"], 2);
    assert_eq!((demo["reports_submitted"].clone(), demo["reports_accepted"].clone()), (json!(2), json!(1)));
    assert_eq!(demo["school_report_status"], "submitted");
    assert_eq!(demo["unified_plan_approved"], true);
    assert_eq!(demo["knowledge_term"], "year");
    // The summary's headline figures are the effectiveness figures.
    let school = demo["school_id"].as_str().unwrap();
    let e = app.get(&format!("/api/v1/schools/{school}/effectiveness?year=2022-2023"), &m).await;
    assert_eq!(demo["quality_percent"], e.body["knowledge_quality"]["current"]["quality_percent"]);
    assert_eq!(demo["plan_execution_percent"], e.body["methodological_support"]["current"]["plan_execution_percent"]);
    assert_eq!(
        demo["training_hours_per_teacher"],
        e.body["professional_level"]["current"]["training_hours_per_teacher"]
    );
    assert_eq!(demo["presented_percent"], e.body["professional_level"]["current"]["presented_percent"]);
    let service = app
        .token(&json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))
        .await
        .str("access_token");
    assert_eq!(app.get(&path, &service).await.status, StatusCode::OK);
    let director = app.login("director@demo.usul.kg").await;
    app.get(&path, &director).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/districts/{district}/summary"), &m).await.assert_problem(400, "invalid_parameter");
    app.get(&format!("{path}&sort=size"), &m).await.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn effectiveness_matches_a_hand_computed_example_r_5_5() {
    use usul_domain::ids::{SchoolId, StaffId, SubjectId};
    use usul_domain::plan::{Item, Owner, PlanKind, Progress};
    let app = spawn_app().await;
    let (_, school, director) = app.other_school().await;
    let m = |r: &usul_tests::Answer| r.str("id");
    let maths =
        m(&app.post(&format!("/api/v1/schools/{school}/subjects"), &director, &json!({"name": "Математика"})).await);
    let physics =
        m(&app.post(&format!("/api/v1/schools/{school}/subjects"), &director, &json!({"name": "Физика"})).await);
    let mut teachers = Vec::new();
    for (i, category) in ["highest", "first", "second"].into_iter().enumerate() {
        let p = app
            .post(
                &format!("/api/v1/schools/{school}/staff"),
                &director,
                &json!({"email": format!("t{i}@other.kg"), "password": "teacher-pass-1", "last_name": format!("Мугалим{i}"), "first_name": "Айбек", "role": "teacher", "qualification_category": category}),
            )
            .await;
        assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
        teachers.push(p.str("id"));
    }
    // Course training: 72 h and 36 h.
    for (t, hours) in [(&teachers[0], 72), (&teachers[1], 36)] {
        let r = app
            .post(&format!("/api/v1/staff/{t}/trainings"), &director, &json!({"title": "Курс", "provider": "КББА", "mode": "distance", "starts_on": "2022-11-01", "ends_on": "2022-11-10", "hours": hours}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    // One teacher presents an open lesson.
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/activities"),
            &director,
            &json!({"form": "open_lesson", "title": "Бөлчөктөр", "starts_on": "2022-12-01", "participants": [{"staff_id": teachers[0], "role": "presenter"}, {"staff_id": teachers[2], "role": "participant"}]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // Materials: a published working programme in mathematics, a draft one in physics, lesson notes.
    let store = &app.store;
    let s = store.get_school(SchoolId::from_uuid(school.parse().unwrap())).await.unwrap().unwrap();
    let staff = |i: usize| StaffId::from_uuid(teachers[i].parse().unwrap());
    let subject = |id: &str| SubjectId::from_uuid(id.parse().unwrap());
    let year = usul_domain::year::AcademicYear::parse("2022-2023").unwrap();
    let audit = usul_persistence::Audit::system("test");
    for (kind, status, author, subj) in [
        ("working_programme", usul_domain::records::MaterialStatus::Published, 0, &maths),
        ("working_programme", usul_domain::records::MaterialStatus::Draft, 1, &physics),
        ("lesson_notes", usul_domain::records::MaterialStatus::Draft, 1, &maths),
    ] {
        let now = usul_persistence::now();
        let material = usul_domain::records::Material {
            id: usul_domain::ids::MaterialId::new(),
            school: s.id,
            kind: kind.to_owned(),
            title: kind.to_owned(),
            authors: vec![staff(author)],
            subject: Some(subject(subj)),
            grades: None,
            year,
            tags: Vec::new(),
            annotation: None,
            status,
            review_meeting: None,
            link: Some("https://example.kg".to_owned()),
            file: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let stored = store.create_material(&s, &material, &audit).await.unwrap();
        if status != usul_domain::records::MaterialStatus::Draft {
            let t = usul_domain::records::material::MaterialTransition {
                from: stored.status,
                to: status,
                review_meeting: None,
            };
            store.transition_material(&stored, None, &t, &audit).await.unwrap();
        }
    }
    // Approved plans: the unified plan (2 done, 1 planned, 1 cancelled) and three teachers'
    // individual plans.
    let item = |n: u32, progress| Item {
        id: usul_domain::ids::ItemId::new(),
        position: n,
        title: format!("Иш-чара {n}"),
        description: None,
        form: "seminar".to_owned(),
        direction: None,
        start: None,
        due: chrono::NaiveDate::from_ymd_opt(2023, 5, 1),
        responsible: vec![staff(0)],
        expected_result: None,
        progress,
        completed_on: None,
        outcome: None,
        evidence: Vec::new(),
    };
    let plan = |kind, owner| usul_persistence::NewPlan {
        kind,
        owner,
        year,
        title: "План".to_owned(),
        goal: None,
        personal_theme: None,
    };
    let on = (staff(0), chrono::NaiveDate::from_ymd_opt(2022, 9, 10).unwrap());
    let items =
        [item(1, Progress::Done), item(2, Progress::Done), item(3, Progress::Planned), item(4, Progress::Cancelled)];
    store.insert_approved_plan(&s, &plan(PlanKind::School, Owner::School(s.id)), &items, on, &audit).await.unwrap();
    for i in 0..3 {
        let owner = Owner::Teacher(staff(i));
        store.insert_approved_plan(&s, &plan(PlanKind::Individual, owner), &items[..1], on, &audit).await.unwrap();
    }
    // Annual grades this year (entered whole) and last year (imported), and a first term that
    // the annual grades outrank.
    let put = |term: &str, rows: Value| {
        let path = format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term={term}");
        let body = json!({ "rows": rows });
        let director = director.clone();
        let app = &app;
        async move { app.put(&path, &director, &body).await }
    };
    let r = put("year", json!([
        {"subject_id": maths, "class": "5А", "students": 25, "grade_5": 5, "grade_4": 10, "grade_3": 8, "grade_2": 2},
        {"subject_id": physics, "class": "5А", "students": 15, "grade_5": 3, "grade_4": 3, "grade_3": 9, "grade_2": 0},
    ]))
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    put("1", json!([{"subject_id": physics, "class": "5А", "students": 15, "grade_5": 0, "grade_4": 0, "grade_3": 0, "grade_2": 15}])).await;
    let last =
        "subject;class;students;grade_5;grade_4;grade_3;grade_2\nМатематика;5А;20;2;6;10;2\nФизика;5А;20;2;4;12;2\n";
    let r = csv(&app, &school, &director, "year=2021-2022&term=year", last.as_bytes().to_vec()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let e = app.get(&format!("/api/v1/schools/{school}/effectiveness?year=2022-2023"), &director).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    assert_eq!(e.body["previous_year"], "2021-2022");
    let p = &e.body["professional_level"]["current"];
    // The director (no category) and three teachers.
    assert_eq!(p["teachers"], 4);
    let cats: Vec<u64> = p["categories"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).collect();
    assert_eq!(cats, vec![1, 1, 1, 1]);
    assert_eq!(p["highest_or_first_percent"], 50.0);
    // (72 + 36) / 4 = 27 hours per teacher.
    assert_eq!(p["training_hours_per_teacher"], 27.0);
    assert_eq!(p["presented_percent"], 25.0);
    assert_eq!(p["individual_plan_percent"], 75.0);
    assert_eq!(e.body["professional_level"]["previous"]["training_hours_per_teacher"], 0.0);
    let s = &e.body["methodological_support"]["current"];
    let per: Vec<(String, u64)> = s["materials_per_subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["subject_name"].as_str().unwrap().to_owned(), m["materials"].as_u64().unwrap()))
        .collect();
    assert!(per.contains(&("Математика".to_owned(), 2)) && per.contains(&("Физика".to_owned(), 1)), "{per:?}");
    assert_eq!(s["subjects_with_working_programme"], 1, "a draft programme is not in the bank");
    assert_eq!(s["working_programme_percent"], 50.0);
    // 2 done of the 3 items not cancelled.
    assert_eq!(s["plan_execution_percent"], 66.7);
    assert_eq!(e.body["methodological_support"]["previous"]["plan_execution_percent"], Value::Null);
    let k = &e.body["knowledge_quality"];
    // This year (5+10+8 + 3+3+9)/40 = 95 %, (5+10 + 3+3)/40 = 52.5 %; last year 36/40 = 90 %, 14/40 = 35 %.
    assert_eq!(k["current"]["term"], "year");
    assert_eq!(
        (k["current"]["success_percent"].as_f64(), k["current"]["quality_percent"].as_f64()),
        (Some(95.0), Some(52.5))
    );
    assert_eq!(
        (k["previous"]["success_percent"].as_f64(), k["previous"]["quality_percent"].as_f64()),
        (Some(90.0), Some(35.0))
    );
    assert_eq!((k["success_change"].as_f64(), k["quality_change"].as_f64()), (Some(5.0), Some(17.5)));
    let physics_row = k["per_subject"].as_array().unwrap().iter().find(|r| r["subject_name"] == "Физика").unwrap();
    // Physics: 15/15 = 100 % success, 6/15 = 40 % quality; last year 18/20 = 90 %, 6/20 = 30 %.
    assert_eq!(physics_row["current"]["success_percent"], 100.0);
    assert_eq!(physics_row["current"]["quality_percent"], 40.0);
    assert_eq!(physics_row["quality_change"], 10.0);
    app.get(&format!("/api/v1/schools/{school}/effectiveness"), &director)
        .await
        .assert_problem(400, "invalid_parameter");
    app.get(&format!("/api/v1/schools/{school}/effectiveness?year=2022"), &director)
        .await
        .assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn a_report_and_the_district_summary_take_the_same_number_of_queries_whatever_the_size_r_5_4() {
    use std::sync::atomic::Ordering;
    use usul_api::generate::{Size, school};
    use usul_domain::report::{Scope, StoredFigures};
    let app = spawn_app().await;
    let (store, counter) = usul_persistence::Store::connect_counted(&app.db_url).await.unwrap();
    let year = usul_domain::year::AcademicYear::parse("2022-2023").unwrap();
    let small = school(&store, None, "q-small", Size { staff: 6, activities: 5, items: 5 }, 3).await.unwrap();
    let large = school(&store, None, "q-large", Size { staff: 40, activities: 120, items: 200 }, 3).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let figures = async |s: &usul_domain::org::School| {
        let before = counter.load(Ordering::Relaxed);
        let StoredFigures::V1(f) = store.report_figures(s.id, &Scope::School, year, today).await.unwrap();
        (f, counter.load(Ordering::Relaxed) - before)
    };
    let (f_small, q_small) = figures(&small).await;
    let (f_large, q_large) = figures(&large).await;
    assert!(f_large.participation.people > f_small.participation.people);
    assert_eq!(f_large.plan.as_ref().unwrap().items, 200);
    assert_eq!(q_small, q_large, "the report's query count does not grow with the data");
    assert!(q_large <= 20, "{q_large} queries");
    // The district summary: one district of one school, then of three.
    let d = small.district;
    let count = async || {
        let before = counter.load(Ordering::Relaxed);
        let rows = store.district_summary(d, year).await.unwrap();
        (counter.load(Ordering::Relaxed) - before, rows.len())
    };
    let (q1, n1) = count().await;
    for k in 0..2 {
        school(&store, Some(d), &format!("q-more-{k}"), Size { staff: 30, activities: 60, items: 50 }, k)
            .await
            .unwrap();
    }
    let (q3, n3) = count().await;
    assert_eq!((n1, n3), (1, 3));
    assert_eq!(q1, q3, "the summary's query count does not grow with the schools");
    assert!(q3 <= 12, "{q3} queries");
}
