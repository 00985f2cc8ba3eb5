//! Onboarding a school in one upload (issue 15, point 1): staff and subject lists from CSV and
//! XLSX, all or nothing, matched by e-mail so that a second upload updates, a dry run that
//! stores nothing, invitations instead of passwords (R-1.3: every pedagogical employee takes
//! part, so each gets an account), and every bad input refused precisely.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use usul_tests::{Answer, TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER: [&str; 9] =
    ["email", "last_name", "first_name", "patronymic", "position", "role", "subjects", "category", "experience_years"];
const CATEGORIES: [&str; 4] = ["highest", "first", "second", "none"];

/// The `i`-th person of a generated staff list: a deputy first, teachers after.
fn person(domain: &str, i: usize, subjects: &[&str]) -> Vec<String> {
    vec![
        format!("teacher{i:03}@{domain}"),
        format!("Фамилия{i}"),
        "Айгүл".to_owned(),
        if i.is_multiple_of(3) { String::new() } else { "Асановна".to_owned() },
        format!("{} мугалими", subjects[i % subjects.len()]),
        if i == 0 { "deputy".to_owned() } else { "teacher".to_owned() },
        format!("{}|{}", subjects[i % subjects.len()], subjects[(i + 1) % subjects.len()]),
        CATEGORIES[i % 4].to_owned(),
        (i % 40).to_string(),
    ]
}

fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    // A byte-order mark, `;` between fields, CRLF line ends: as Excel saves "CSV UTF-8".
    let mut text = format!("\u{feff}{}\r\n", HEADER.join(";"));
    for r in rows {
        text.push_str(&r.join(";"));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// A workbook whose first sheet holds `header` and `rows`; numbers are written as numbers, the
/// way a person typing into Excel makes them, and the columns are in another order.
fn xlsx_of(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let order: Vec<usize> = (0..header.len()).rev().collect();
    for (c, &k) in order.iter().enumerate() {
        sheet.write_string(0, u16::try_from(c).unwrap(), header[k]).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap();
        for (c, &k) in order.iter().enumerate() {
            let c = u16::try_from(c).unwrap();
            match row[k].parse::<f64>() {
                Ok(n) if header[k] == "experience_years" => sheet.write_number(r, c, n).map(|_| ()).unwrap(),
                _ if row[k].is_empty() => {}
                _ => sheet.write_string(r, c, &row[k]).map(|_| ()).unwrap(),
            }
        }
    }
    book.save_to_buffer().unwrap()
}

async fn upload(app: &TestApp, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Answer {
    app.send(app.request(Method::POST, path, Some(token)).header("content-type", content_type).body(body)).await
}

async fn staff_count(app: &TestApp, school: &str, token: &str) -> usize {
    let mut n = 0;
    let mut cursor = String::new();
    loop {
        let page = app.get(&format!("/api/v1/schools/{school}/staff?limit=200&cursor={cursor}"), token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        n += page.body["items"].as_array().unwrap().len();
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return n,
        }
    }
}

fn outcomes(a: &Answer) -> (u64, u64, u64) {
    (
        a.body["created"].as_u64().unwrap(),
        a.body["updated"].as_u64().unwrap_or(0),
        a.body["unchanged"].as_u64().unwrap(),
    )
}

fn errors(a: &Answer) -> Vec<(u64, String, String)> {
    a.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_school_of_120_staff_is_onboarded_from_one_csv_upload_and_one_xlsx_upload_r_1_3() {
    let app = spawn_app().await;
    let (_, school, director) = app.other_school().await;
    let subjects = ["Математика", "Физика", "Химия", "Тарых", "Англис тили", "Кыргыз тили жана адабияты"];

    // Subjects first, from CSV; a second upload of the same list adds nothing.
    let list = format!("name\n{}\n", subjects.join("\n"));
    let path = format!("/api/v1/schools/{school}/subjects/import");
    let added = upload(&app, &path, &director, "text/csv", list.clone().into_bytes()).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    assert_eq!((added.body["created"].as_u64(), added.body["unchanged"].as_u64()), (Some(6), Some(0)));
    let again = upload(&app, &path, &director, "text/csv", list.to_uppercase().into_bytes()).await;
    assert_eq!(
        (again.body["created"].as_u64(), again.body["unchanged"].as_u64()),
        (Some(0), Some(6)),
        "{}",
        again.text
    );

    // 120 people from one CSV.
    let rows: Vec<Vec<String>> = (0..120).map(|i| person("school7.kg", i, &subjects)).collect();
    let path = format!("/api/v1/schools/{school}/staff/import");
    let before = app.count_staff().await;
    let csv = upload(&app, &path, &director, "text/csv; charset=utf-8", csv_of(&rows)).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(outcomes(&csv), (120, 0, 0));
    assert_eq!(csv.header("cache-control"), Some("no-store"));
    assert_eq!(app.count_staff().await, before + 120);
    assert_eq!(staff_count(&app, &school, &director).await, 121, "the director and the 120");
    let first = &csv.body["rows"][0];
    assert_eq!((first["line"].as_u64(), first["outcome"].as_str()), (Some(2), Some("created")));
    let token = first["invitation_token"].as_str().unwrap().to_owned();
    assert!(csv.body["invitations_expire_at"].as_str().is_some());
    let deputy = app.get(&format!("/api/v1/staff/{}", first["staff_id"].as_str().unwrap()), &director).await;
    assert_eq!(deputy.body["role"], "deputy");
    assert_eq!(deputy.body["subject_ids"].as_array().unwrap().len(), 2);
    assert_eq!(deputy.body["qualification_category"], "highest");

    // Nobody made by an import can sign in before setting a password with their invitation.
    let signin = json!({"grant_type": "password", "username": "teacher000@school7.kg", "password": "!invited"});
    assert_eq!(app.token(&signin).await.status, StatusCode::BAD_REQUEST);
    let accept = |token: &str| json!({"token": token, "password": "my-own-secret-2026"});
    let set = app.send(app.client.post(app.url("/api/v1/auth/invitations/accept")).json(&accept(&token))).await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    app.login_with("teacher000@school7.kg", "my-own-secret-2026").await;
    app.send(app.client.post(app.url("/api/v1/auth/invitations/accept")).json(&accept(&token)))
        .await
        .assert_problem(400, "invitation_invalid");

    // The same list as a workbook (columns in another order, numbers as numbers) with twenty
    // people changed: matched by e-mail, it updates them and leaves the rest.
    let mut changed = rows.clone();
    for r in changed.iter_mut().skip(100) {
        r[8] = "41".to_owned();
        r[0] = r[0].to_uppercase();
    }
    let dry = upload(&app, &format!("{path}?dry_run=true"), &director, XLSX, xlsx_of(&HEADER, &changed)).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!((dry.body["dry_run"].as_bool(), outcomes(&dry)), (Some(true), (0, 20, 100)));
    let probe =
        app.get(&format!("/api/v1/staff/{}", csv.body["rows"][110]["staff_id"].as_str().unwrap()), &director).await;
    assert_eq!(probe.body["experience_years"], 30, "a dry run stores nothing");
    let xlsx = upload(&app, &path, &director, XLSX, xlsx_of(&HEADER, &changed)).await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.text);
    assert_eq!(outcomes(&xlsx), (0, 20, 100));
    assert!(xlsx.body["rows"].as_array().unwrap().iter().all(|r| r["invitation_token"].is_null()));
    let probe =
        app.get(&format!("/api/v1/staff/{}", csv.body["rows"][110]["staff_id"].as_str().unwrap()), &director).await;
    assert_eq!(probe.body["experience_years"], 41);
    assert_eq!(probe.body["email"], "TEACHER110@SCHOOL7.KG");
    assert_eq!(app.count_staff().await, before + 120, "no one twice");
}

#[tokio::test]
async fn a_school_of_120_staff_is_onboarded_from_one_xlsx_upload_sent_as_a_form() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let subjects = ["Математика", "Физика", "Химия", "Биология"];
    let rows: Vec<Vec<String>> = (1..=120).map(|i| person("xlsx.kg", i, &subjects)).collect();
    let before = app.count_staff().await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(xlsx_of(&HEADER, &rows)).file_name("staff.xlsx").mime_str(XLSX).unwrap(),
    );
    let path = format!("/api/v1/schools/{school}/staff/import");
    let a = app.send(app.request(Method::POST, &path, Some(&director)).multipart(form)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(outcomes(&a), (120, 0, 0));
    assert_eq!(app.count_staff().await, before + 120);
    // The same file as CSV, sent as a form too, changes nothing.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv_of(&rows)).file_name("staff.csv"));
    let again = app.send(app.request(Method::POST, &path, Some(&director)).multipart(form)).await;
    assert_eq!(outcomes(&again), (0, 0, 120), "{}", again.text);
}

#[tokio::test]
async fn a_bad_staff_list_is_refused_whole_with_every_line_and_column_named() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/staff/import");
    let before = app.count_staff().await;
    let subjects = ["Математика"];
    let good = |i: usize| person("bad.kg", i + 1, &subjects);

    // Duplicate e-mails, an unknown subject, an unknown role, a role not of a school.
    let mut rows: Vec<Vec<String>> = (0..5).map(good).collect();
    rows[1][0] = rows[0][0].to_uppercase();
    rows[2][6] = "Математика|Астрономия".to_owned();
    rows[3][5] = "janitor".to_owned();
    rows[4][5] = "admin".to_owned();
    let a = upload(&app, &path, &director, "text/csv", csv_of(&rows)).await;
    a.assert_problem(422, "import_invalid");
    assert_eq!(
        errors(&a),
        vec![
            (3, "email".to_owned(), "duplicate_email".to_owned()),
            (4, "subjects".to_owned(), "unknown_subject".to_owned()),
            (5, "role".to_owned(), "unknown_role".to_owned()),
            (6, "role".to_owned(), "role_not_for_school".to_owned()),
        ]
    );
    assert_eq!(a.body["error_count"], 4);

    // Bad encoding: a line saved in Windows-1251.
    let mut bytes = csv_of(&[good(0)]);
    bytes.extend_from_slice(b"x@bad.kg;\xD4\xE8\xE7\xE8\xEA\xE0;A;;;;;;\r\n");
    let a = upload(&app, &path, &director, "text/csv", bytes).await;
    a.assert_problem(422, "import_invalid");
    assert_eq!(errors(&a), vec![(3, String::new(), "not_utf8".to_owned())]);

    // A missing column and an unknown one, named in the header.
    let a = upload(&app, &path, &director, "text/csv", b"email;surname\nx@bad.kg;A\n".to_vec()).await;
    a.assert_problem(422, "import_invalid");
    let named = errors(&a);
    assert!(named.contains(&(1, "surname".to_owned(), "unknown_column".to_owned())), "{named:?}");
    assert!(named.contains(&(1, "first_name".to_owned(), "missing_column".to_owned())), "{named:?}");

    // More than 1000 rows (the limit), in a file still under the byte limit.
    let mut many = String::from("email,last_name,first_name\n");
    for i in 0..1001 {
        many.push_str(&format!("p{i}@bad.kg,A,B\n"));
    }
    let a = upload(&app, &path, &director, "text/csv", many.into_bytes()).await;
    a.assert_problem(422, "import_invalid");
    assert_eq!(errors(&a), vec![(0, String::new(), "too_many_rows".to_owned())]);

    // More bytes than the body limit (256 KiB in tests): 413.
    let big = format!("email,last_name,first_name\n{}", "x@bad.kg,A,B\n".repeat(25_000));
    upload(&app, &path, &director, "text/csv", big.into_bytes()).await.assert_problem(413, "payload_too_large");
    // A body sent as a workbook that is none, and a type that is neither.
    upload(&app, &path, &director, XLSX, b"email\nx@bad.kg\n".to_vec()).await.assert_problem(422, "file_type_mismatch");
    upload(&app, &path, &director, "application/json", b"{}".to_vec())
        .await
        .assert_problem(415, "unsupported_media_type");
    upload(&app, &path, &director, "text/csv; charset=windows-1251", csv_of(&[good(0)]))
        .await
        .assert_problem(415, "unsupported_media_type");
    // A broken workbook is named as such.
    let a = upload(&app, &path, &director, XLSX, b"PK\x03\x04not really a zip".to_vec()).await;
    a.assert_problem(422, "import_invalid");
    assert_eq!(errors(&a)[0].2, "not_xlsx");
    // A bad dry-run flag is a bad parameter.
    upload(&app, &format!("{path}?dry_run=maybe"), &director, "text/csv", csv_of(&[good(0)]))
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(app.count_staff().await, before, "nothing stored");
}

#[tokio::test]
async fn an_import_is_the_callers_to_make_only_for_their_school_and_for_the_roles_they_give() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let path = format!("/api/v1/schools/{school}/staff/import");
    let before = app.count_staff().await;
    let list = |role: &str| format!("email;last_name;first_name;role\nnew@demo.kg;Асанов;Асан;{role}\n").into_bytes();
    // The deputy adds teachers, not directors; the refusal names the row.
    let deputy = app.login("deputy@demo.usul.kg").await;
    let a = upload(&app, &path, &deputy, "text/csv", list("director")).await;
    a.assert_problem(422, "import_invalid");
    assert_eq!(errors(&a), vec![(2, "role".to_owned(), "not_allowed".to_owned())]);
    // Nor may the deputy edit the director through a list.
    let a =
        upload(&app, &path, &deputy, "text/csv", b"email;last_name;first_name\ndirector@demo.usul.kg;X;Y\n".to_vec())
            .await;
    assert_eq!(errors(&a), vec![(2, "email".to_owned(), "not_allowed".to_owned())], "{}", a.text);
    // A teacher may not import at all; another school's director sees no such school.
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    upload(&app, &path, &teacher, "text/csv", list("teacher")).await.assert_problem(403, "forbidden");
    let (_, other, other_director) = app.other_school().await;
    upload(&app, &path, &other_director, "text/csv", list("teacher")).await.assert_problem(404, "not_found");
    // An address of another school's account is not taken over.
    let a = upload(
        &app,
        &format!("/api/v1/schools/{other}/staff/import"),
        &other_director,
        "text/csv",
        b"email;last_name;first_name\ndeputy@demo.usul.kg;X;Y\n".to_vec(),
    )
    .await;
    assert_eq!(errors(&a), vec![(2, "email".to_owned(), "email_taken".to_owned())]);
    let subjects =
        upload(&app, &format!("/api/v1/schools/{school}/subjects/import"), &teacher, "text/csv", b"name\nX\n".to_vec())
            .await;
    subjects.assert_problem(403, "forbidden");
    let ok = upload(&app, &path, &deputy, "text/csv", list("teacher")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(app.count_staff().await, before + 2, "the other school's director and the one teacher");
    let unauth =
        app.send(app.request(Method::POST, &path, None).header("content-type", "text/csv").body(list("teacher"))).await;
    unauth.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_bad_subject_list_is_refused_whole_and_a_dry_run_stores_nothing() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/subjects/import");
    let a = upload(&app, &path, &deputy, "text/csv", "name\nАстрономия\nастрономия\n\"\"\n".as_bytes().to_vec()).await;
    a.assert_problem(422, "import_invalid");
    // The quoted empty name is a row of empty cells, and so skipped: one problem.
    assert_eq!(errors(&a), vec![(3, "name".to_owned(), "duplicate_name".to_owned())]);
    let count = |a: &Answer| a.body["items"].as_array().unwrap().len();
    let listed = app.get(&format!("/api/v1/schools/{school}/subjects?limit=200"), &deputy).await;
    let dry = upload(
        &app,
        &format!("{path}?dry_run=true"),
        &deputy,
        XLSX,
        xlsx_of(&["name"], &[vec!["Астрономия".into()], vec!["Физика".into()]]),
    )
    .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!((dry.body["created"].as_u64(), dry.body["unchanged"].as_u64()), (Some(1), Some(1)));
    assert_eq!(dry.body["rows"][0]["subject_id"], Value::Null);
    let after = app.get(&format!("/api/v1/schools/{school}/subjects?limit=200"), &deputy).await;
    assert_eq!(count(&after), count(&listed), "a dry run stores nothing");
}
