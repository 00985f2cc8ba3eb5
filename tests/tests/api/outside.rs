//! Work outside the school: recorded by the teacher, confirmed by the deputy, counted by
//! level in participation, reports and effectiveness.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use usul_api::storage::FileStore;
use usul_tests::{Answer, Options, TestApp, spawn_app, spawn_app_with};

fn row<'a>(list: &'a Value, staff: &str) -> &'a Value {
    list["staff"]
        .as_array()
        .unwrap()
        .iter()
        .chain(list["non_participants"].as_array().unwrap())
        .find(|r| r["staff_id"] == staff)
        .unwrap()
}

#[tokio::test]
async fn a_teacher_records_outside_work_the_deputy_confirms_it_and_it_counts_by_level_r_1_3() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    // A new teacher with no part in anything yet: a non-participant.
    let t = app
        .post(
            &format!("/api/v1/schools/{school}/staff"),
            &deputy,
            &json!({"email": "new.teacher@demo.usul.kg", "password": "teacher-pass-1", "last_name": "Жаңыбекова", "first_name": "Айпери", "role": "teacher"}),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let me = t.str("id");
    let teacher = app.login_with("new.teacher@demo.usul.kg", "teacher-pass-1").await.str("access_token");
    let participation = format!("/api/v1/schools/{school}/participation?year=2022-2023");
    let before = app.get(&participation, &deputy).await;
    assert_eq!(row(&before.body, &me)["took_part"], false);

    let body = json!({"level": "republic", "date": "2023-03-20", "form": "olympiad_jury", "role": "jury_member",
        "title": "Математика боюнча республикалык олимпиаданын калыстар тобу", "hours": 16, "link": "https://edu.gov.kg/olympiad"});
    let w = app.post(&format!("/api/v1/staff/{me}/outside-work"), &teacher, &body).await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    assert_eq!((w.body["confirmed"].clone(), w.body["year"].clone()), (json!(false), json!("2022-2023")));
    assert_eq!(w.body["title"], "Математика боюнча республикалык олимпиаданын калыстар тобу");
    let id = w.str("id");
    // Unconfirmed, it does not count yet.
    let still = app.get(&participation, &deputy).await;
    assert_eq!(row(&still.body, &me)["took_part"], false);
    // Nobody confirms their own; the deputy does.
    app.post(&format!("/api/v1/outside-work/{id}/confirm"), &teacher, &json!({}))
        .await
        .assert_problem(403, "forbidden");
    let c = app.post(&format!("/api/v1/outside-work/{id}/confirm"), &deputy, &json!({})).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["confirmed"], true);
    app.post(&format!("/api/v1/outside-work/{id}/confirm"), &deputy, &json!({}))
        .await
        .assert_problem(409, "outside_work_confirmed");

    let after = app.get(&participation, &deputy).await;
    let r = row(&after.body, &me);
    assert_eq!(r["took_part"], true, "R-1.3: outside work is participation");
    assert_eq!((r["outside_work"]["republic"].clone(), r["outside_work"]["total"].clone()), (json!(1), json!(1)));
    // The school's list: the deputy sees everyone's (the demo's too), the teacher their own.
    let all = app.get(&format!("/api/v1/schools/{school}/outside-work?year=2022-2023"), &deputy).await;
    assert!(all.body["items"].as_array().unwrap().len() >= 4, "{}", all.text);
    assert!(all.body["confirmed_by_level"]["district"].as_u64().unwrap() >= 1, "the demo's district seminar");
    let mine = app.get(&format!("/api/v1/schools/{school}/outside-work?year=2022-2023"), &teacher).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine.body["confirmed_by_level"]["republic"], 1);
    // Effectiveness counts it by level.
    let e = app.get(&format!("/api/v1/schools/{school}/effectiveness?year=2022-2023"), &deputy).await;
    let o = &e.body["professional_level"]["current"]["outside_work"];
    assert_eq!(o["republic"], all.body["confirmed_by_level"]["republic"], "{}", e.text);
    assert_eq!(o["total"], all.body["confirmed_by_level"]["total"]);
    // A school report started now counts it per teacher.
    let director = app.login("director@demo.usul.kg").await;
    let reports = app.get("/api/v1/reports?kind=school&year=2022-2023", &director).await;
    let report = reports.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = app.get(&format!("/api/v1/reports/{report}"), &director).await;
    let lines = r.body["figures"]["participation"]["per_teacher"].as_array().unwrap();
    let usenova = app.staff_id("a.usenova@demo.usul.kg").await;
    let line = lines.iter().find(|l| l["staff_id"] == usenova.as_str()).unwrap();
    assert_eq!(line["outside_work"]["district"], 1, "{line}");
}

#[tokio::test]
async fn outside_work_with_an_unknown_level_or_form_is_refused_and_others_cannot_record_it_r_1_3() {
    let app = spawn_app().await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    let me = app.staff_id("a.usenova@demo.usul.kg").await;
    let school = app.demo_school().await;
    let list = format!("/api/v1/staff/{me}/outside-work?year=2022-2023");
    let before = app.get(&list, &teacher).await.body["items"].as_array().unwrap().len();
    let bad = app
        .post(
            &format!("/api/v1/staff/{me}/outside-work"),
            &teacher,
            &json!({"level": "regional", "date": "2099-01-01", "form": "tea_party", "role": "presenter", "title": "x", "hours": 2}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, ["date", "form", "level"]);
    assert_eq!(app.get(&list, &teacher).await.body["items"].as_array().unwrap().len(), before, "nothing stored");
    // A colleague neither records nor sees another's; another school's director does not see them.
    let colleague = app.login("n.mamytova@demo.usul.kg").await;
    let good = json!({"level": "district", "date": "2023-02-01", "form": "practical_seminar", "role": "participant", "title": "Семинар", "hours": 3});
    app.post(&format!("/api/v1/staff/{me}/outside-work"), &colleague, &good).await.assert_problem(403, "forbidden");
    app.get(&list, &colleague).await.assert_problem(404, "not_found");
    let (_, _, other) = app.other_school().await;
    app.post(&format!("/api/v1/staff/{me}/outside-work"), &other, &good).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/schools/{school}/outside-work?year=2022-2023"), &other)
        .await
        .assert_problem(404, "not_found");
    // The district reads it, and confirms nothing.
    let m = app.login("methodist@demo.usul.kg").await;
    let theirs = app.get(&list, &m).await;
    assert_eq!(theirs.status, StatusCode::OK);
    let pending = app.get(&format!("/api/v1/schools/{school}/outside-work?year=2022-2023"), &m).await;
    let open = pending.body["items"].as_array().unwrap().iter().find(|w| w["confirmed"] == false).unwrap();
    let id = open["id"].as_str().unwrap();
    app.post(&format!("/api/v1/outside-work/{id}/confirm"), &m, &json!({})).await.assert_problem(403, "forbidden");
    let ministry = app.login("ministry@demo.usul.kg").await;
    app.post(&format!("/api/v1/outside-work/{id}/confirm"), &ministry, &json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post(&format!("/api/v1/outside-work/{id}/confirm"), &other, &json!({})).await.assert_problem(404, "not_found");
}

/// A server keeping its files in a directory of its own (returned), at most 4 KiB a file.
async fn app_with_files() -> (TestApp, PathBuf) {
    let dir = std::env::temp_dir().join(format!("usul-evidence-{}", uuid::Uuid::new_v4().simple()));
    let app =
        spawn_app_with(Options { max_file_bytes: 4096, files: Some(FileStore::local(&dir)), ..Options::default() })
            .await;
    (app, dir)
}

/// Every file kept under `dir`, at any depth.
fn stored_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter_map(Result::ok).map(|e| if e.path().is_dir() { stored_files(&e.path()) } else { 1 }).sum()
    })
}

fn pdf(note: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {note}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").into_bytes()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

async fn attach(app: &TestApp, token: &str, work: &str, name: &str, mime: &str, bytes: Vec<u8>) -> Answer {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()).mime_str(mime).unwrap());
    app.send(app.request(Method::PUT, &format!("/api/v1/outside-work/{work}/evidence"), Some(token)).multipart(form))
        .await
}

/// GET `path` with `token`: (status, body bytes).
async fn download(app: &TestApp, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
    let res = app.client.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    (res.status(), res.bytes().await.unwrap().to_vec())
}

/// A district seminar recorded by a.usenova: (her token, her staff id, the record's id).
async fn seminar(app: &TestApp) -> (String, String, String) {
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    let me = app.staff_id("a.usenova@demo.usul.kg").await;
    let w = app
        .post(
            &format!("/api/v1/staff/{me}/outside-work"),
            &teacher,
            &json!({"level": "district", "date": "2023-02-14", "form": "practical_seminar", "role": "presenter", "title": "Райондук семинар", "hours": 4}),
        )
        .await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    assert_eq!(w.body["evidence"], json!(null), "no file yet");
    (teacher, me, w.str("id"))
}

/// The record `id` as `token` lists it among `staff`'s work of 2022-2023.
async fn listed_work(app: &TestApp, token: &str, staff: &str, id: &str) -> Value {
    let list = app.get(&format!("/api/v1/staff/{staff}/outside-work?year=2022-2023"), token).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.body["items"].as_array().unwrap().iter().find(|w| w["id"] == id).unwrap().clone()
}

#[tokio::test]
async fn a_teacher_attaches_a_file_as_evidence_of_outside_work_and_once_confirmed_cannot_replace_it_r_1_3() {
    let (app, dir) = app_with_files().await;
    let (teacher, me, id) = seminar(&app).await;
    let certificate = pdf("сертификат");

    // The teacher attaches a PDF: the record shows it, and its readers download the same bytes.
    let up = attach(&app, &teacher, &id, "Семинардын сертификаты.pdf", "application/pdf", certificate.clone()).await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    let href = format!("/api/v1/outside-work/{id}/evidence");
    let evidence = json!({"name": "Семинардын сертификаты.pdf", "content_type": "application/pdf",
        "size": certificate.len(), "sha256": sha256(&certificate), "href": href});
    assert_eq!(up.body["evidence"], evidence);
    assert_eq!(up.body["version"], 2);
    assert_eq!(listed_work(&app, &teacher, &me, &id).await["evidence"], evidence, "the view shows it");
    let deputy = app.login("deputy@demo.usul.kg").await;
    let methodist = app.login("methodist@demo.usul.kg").await;
    for reader in [&teacher, &deputy, &methodist] {
        assert_eq!(download(&app, &href, reader).await, (StatusCode::OK, certificate.clone()));
    }
    let answer = app.client.get(app.url(&href)).bearer_auth(&teacher).send().await.unwrap();
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    assert!(answer.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename*=UTF-8''"));
    assert_eq!(stored_files(&dir), 1);

    // The deputy confirms it; from then on its owner cannot replace the evidence.
    let c = app.post(&format!("/api/v1/outside-work/{id}/confirm"), &deputy, &json!({})).await;
    assert_eq!((c.status, c.body["evidence"].clone()), (StatusCode::OK, evidence.clone()), "{}", c.text);
    attach(&app, &teacher, &id, "другой.pdf", "application/pdf", pdf("другой"))
        .await
        .assert_problem(409, "outside_work_confirmed");
    let after = listed_work(&app, &teacher, &me, &id).await;
    assert_eq!((after["evidence"].clone(), after["version"].clone()), (evidence, json!(3)), "nothing changed");
    assert_eq!(download(&app, &href, &teacher).await, (StatusCode::OK, certificate), "the same bytes");
    assert_eq!(stored_files(&dir), 1, "the refused file is not kept");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_evidence_file_of_the_wrong_type_too_large_or_unnamed_is_refused_and_nothing_is_stored_r_1_3() {
    let (app, dir) = app_with_files().await;
    let (teacher, me, id) = seminar(&app).await;

    attach(&app, &teacher, &id, "x.pdf", "application/pdf", b"\x89PNG not a pdf".to_vec())
        .await
        .assert_problem(422, "file_type_mismatch");
    let mut big = pdf("big");
    big.extend(std::iter::repeat_n(b'a', 10_000));
    attach(&app, &teacher, &id, "big.pdf", "application/pdf", big).await.assert_problem(413, "payload_too_large");
    let unnamed = attach(&app, &teacher, &id, "", "application/pdf", pdf("x")).await;
    unnamed.assert_problem(422, "validation_failed");
    assert_eq!(unnamed.error_fields(), ["file.filename"]);
    attach(&app, &teacher, &id, "../../etc/passwd", "application/pdf", pdf("x"))
        .await
        .assert_problem(422, "validation_failed");
    attach(&app, &teacher, &id, "x.exe", "application/x-msdownload", b"MZ".to_vec())
        .await
        .assert_problem(415, "unsupported_media_type");

    let w = listed_work(&app, &teacher, &me, &id).await;
    assert_eq!((w["evidence"].clone(), w["version"].clone()), (json!(null), json!(1)), "nothing recorded");
    assert_eq!(stored_files(&dir), 0, "nothing kept");
    app.get(&format!("/api/v1/outside-work/{id}/evidence"), &teacher).await.assert_problem(404, "not_found");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn only_those_who_record_outside_work_attach_its_evidence_and_another_school_sees_none_of_it_r_1_3() {
    let (app, dir) = app_with_files().await;
    let (teacher, _, id) = seminar(&app).await;
    let href = format!("/api/v1/outside-work/{id}/evidence");
    let up = attach(&app, &teacher, &id, "программа.pdf", "application/pdf", pdf("программа")).await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);

    // A colleague does not see the record: neither attaches nor downloads.
    let colleague = app.login("n.mamytova@demo.usul.kg").await;
    attach(&app, &colleague, &id, "x.pdf", "application/pdf", pdf("x")).await.assert_problem(404, "not_found");
    app.get(&href, &colleague).await.assert_problem(404, "not_found");
    // The district reads it and changes nothing.
    let methodist = app.login("methodist@demo.usul.kg").await;
    attach(&app, &methodist, &id, "x.pdf", "application/pdf", pdf("x")).await.assert_problem(403, "forbidden");
    // Another school's director does not know it exists.
    let (_, _, other) = app.other_school().await;
    attach(&app, &other, &id, "x.pdf", "application/pdf", pdf("x")).await.assert_problem(404, "not_found");
    app.get(&href, &other).await.assert_problem(404, "not_found");
    assert_eq!(stored_files(&dir), 1, "only the teacher's file is kept");
    // The deputy, who records anyone's work, attaches it too.
    let deputy = app.login("deputy@demo.usul.kg").await;
    let by_deputy = attach(&app, &deputy, &id, "протокол.pdf", "application/pdf", pdf("протокол")).await;
    assert_eq!((by_deputy.status, by_deputy.body["evidence"]["name"].clone()), (StatusCode::OK, json!("протокол.pdf")));
    app.get("/api/v1/outside-work/not-an-id/evidence", &deputy).await.assert_problem(400, "invalid_parameter");
    let _ = std::fs::remove_dir_all(dir);
}
