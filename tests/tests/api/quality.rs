//! Knowledge quality: the whole table checked and stored at once, and the CSV import.

use crate::reports::{csv, id_of, subjects};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::spawn_app;

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
    let problems = wrong.body["errors"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["code"] == "unknown_column" && p["column"] == "klass"));
    assert!(problems.iter().any(|p| p["code"] == "missing_column" && p["column"] == "grade_2"));
    let mut mixed = format!("{header}Математика;5А;25;5;10;8;2\n").into_bytes();
    mixed.extend_from_slice(b"\xD4\xE8\xE7\xE8\xEA\xE0;6\xC0;20;5;5;5;5\n");
    let enc = csv(&app, &school, &deputy, q, mixed).await;
    enc.assert_problem(422, "csv_invalid");
    assert_eq!(enc.body["errors"][0]["line"], 3);
    assert_eq!(enc.body["errors"][0]["code"], "not_utf8");
    let rows = format!(
        "{header}Математика;5А;25;5;10;8;2\nФизика;5А;25;5;10;8;x\nФизика;6А;25;5;10;8;1\nАстрономия;7А;10;10;0;0;0\n"
    );
    let bad = csv(&app, &school, &deputy, q, rows.into_bytes()).await;
    bad.assert_problem(422, "csv_invalid");
    let listed: Vec<(u64, String, String)> = bad.body["errors"]
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
    assert_eq!(header_only.body["errors"][0]["code"], "no_rows");
    // The same file as the part `file` of a form, as clients generated from the contract send it.
    let import = format!("/api/v1/schools/{school}/knowledge-quality/import?{q}");
    let form = |name: &'static str, bytes: &[u8]| {
        reqwest::multipart::Form::new()
            .part(name, reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("grades.csv"))
    };
    let as_form =
        app.send(app.request(Method::POST, &import, Some(&deputy)).multipart(form("file", good.as_bytes()))).await;
    assert_eq!(as_form.status, StatusCode::OK, "{}", as_form.text);
    assert_eq!(as_form.body["total"]["quality_percent"], 52.5);
    let no_file =
        app.send(app.request(Method::POST, &import, Some(&deputy)).multipart(form("other", good.as_bytes()))).await;
    no_file.assert_problem(400, "malformed_multipart");
    let bad_form =
        app.send(app.request(Method::POST, &import, Some(&deputy)).multipart(form("file", header.as_bytes()))).await;
    bad_form.assert_problem(422, "csv_invalid");
}
