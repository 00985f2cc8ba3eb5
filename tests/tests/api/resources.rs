//! The foundation's resources end to end: years, subjects, staff, catalogue, districts.

use reqwest::{Method, StatusCode};
use serde_json::json;
use usul_tests::spawn_app;

#[tokio::test]
async fn the_demo_year_has_its_methodological_theme_r_3_2_1() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    let y = app.get(&format!("/api/v1/schools/{school}/years/2022-2023"), &teacher).await;
    assert_eq!(y.status, StatusCode::OK, "{}", y.text);
    assert_eq!(y.body["starts_on"], "2022-09-01");
    assert_eq!(y.body["ends_on"], "2023-08-31");
    assert!(y.str("theme").contains("сапатын"));
    let years = app.get(&format!("/api/v1/schools/{school}/years"), &teacher).await;
    assert_eq!(years.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_deputy_sets_a_new_years_theme_then_replaces_it() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/years/2023-2024");
    let theme = "Инклюзивдик билим берүү: ар бир окуучуга өз жолу — ң ө ү";
    let created = app.put(&path, &deputy, &json!({"theme": theme})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["theme"], theme, "Unicode kept exactly");
    let etag = created.header("etag").unwrap().to_owned();
    let replaced = app
        .send(
            app.request(Method::PUT, &path, Some(&deputy))
                .header("if-match", &etag)
                .json(&json!({"theme": "Жаңы тема", "goal": "Максат"})),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(replaced.body["version"], 2);
    let stale = app
        .send(app.request(Method::PUT, &path, Some(&deputy)).header("if-match", &etag).json(&json!({"theme": "Эски"})))
        .await;
    stale.assert_problem(412, "precondition_failed");
    app.get(&format!("/api/v1/schools/{school}/years/2030-2031"), &deputy).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn subjects_are_unique_per_school_case_insensitively() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let list = app.get(&format!("/api/v1/schools/{school}/subjects"), &deputy).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 8);
    let dup = app.post(&format!("/api/v1/schools/{school}/subjects"), &deputy, &json!({"name": "МАТЕМАТИКА"})).await;
    dup.assert_problem(409, "subject_name_taken");
    let ok = app.post(&format!("/api/v1/schools/{school}/subjects"), &deputy, &json!({"name": "Информатика"})).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
}

#[tokio::test]
async fn an_email_is_taken_case_insensitively() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let before = app.count_staff().await;
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/staff"),
            &director,
            &json!({"email": "A.Usenova@Demo.Usul.KG", "password": "long-enough", "last_name": "Үсөнова", "first_name": "Айнура"}),
        )
        .await;
    a.assert_problem(409, "email_taken");
    assert_eq!(app.count_staff().await, before);
}

#[tokio::test]
async fn staff_are_filtered_by_role_and_subject() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let teachers = app.get(&format!("/api/v1/schools/{school}/staff?role=teacher&limit=200"), &deputy).await;
    assert_eq!(teachers.body["items"].as_array().unwrap().len(), 17);
    let subjects = app.get(&format!("/api/v1/schools/{school}/subjects"), &deputy).await;
    let maths = subjects.body["items"].as_array().unwrap().iter().find(|s| s["name"] == "Математика").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let m = app.get(&format!("/api/v1/schools/{school}/staff?subject_id={maths}"), &deputy).await;
    let names: Vec<&str> = m.body["items"].as_array().unwrap().iter().filter_map(|s| s["last_name"].as_str()).collect();
    // Enough mathematicians for a commission of three or more (R-3.2.2a).
    assert!(names.len() >= 3, "{names:?}");
    assert!(names.contains(&"Үсөнова") && names.contains(&"Сыдыков"));
    assert!(!names.contains(&"Токтогулов"));
    let inactive = app.get(&format!("/api/v1/schools/{school}/staff?active=false"), &deputy).await;
    assert_eq!(inactive.body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_person_is_created_read_and_edited_with_their_subjects() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let subjects = app.get(&format!("/api/v1/schools/{school}/subjects"), &deputy).await;
    let first = subjects.body["items"][0]["id"].as_str().unwrap().to_owned();
    let second = subjects.body["items"][1]["id"].as_str().unwrap().to_owned();
    let c = app
        .post(
            &format!("/api/v1/schools/{school}/staff"),
            &deputy,
            &json!({
                "email": "k.asanova@demo.usul.kg", "password": "initial-pass", "last_name": "Асанова", "first_name": "Күмүшай",
                "patronymic": "Өмүровна", "position": "Мугалим", "subject_ids": [first], "qualification_category": "second", "experience_years": 3
            }),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    assert_eq!(c.body["short_name"], "Асанова К.Ө.");
    assert_eq!(c.body["subject_ids"], json!([first]));
    let id = c.str("id");
    let e = app
        .patch(
            &format!("/api/v1/staff/{id}"),
            &deputy,
            &json!({"subject_ids": [second, first], "patronymic": null, "qualification_category": "first"}),
        )
        .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    assert_eq!(e.body["patronymic"], json!(null));
    assert_eq!(e.body["qualification_category"], "first");
    assert_eq!(e.body["subject_ids"].as_array().unwrap().len(), 2);
    // The new person signs in with the initial password.
    app.login_with("k.asanova@demo.usul.kg", "initial-pass").await;
    let since = app
        .get(&format!("/api/v1/schools/{school}/staff?updated_since={}", urlencode(&e.str("updated_at"))), &deputy)
        .await;
    let ids: Vec<&str> = since.body["items"].as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids, vec![id.as_str()]);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn a_person_reads_their_own_record() {
    let app = spawn_app().await;
    let m = app.login("methodist@demo.usul.kg").await;
    let id = app.staff_id("methodist@demo.usul.kg").await;
    let a = app.get(&format!("/api/v1/staff/{id}"), &m).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["role"], "district_methodologist");
}

#[tokio::test]
async fn the_catalogue_lists_the_forms_of_r_4_in_three_languages() {
    let app = spawn_app().await;
    let t = app.login("a.usenova@demo.usul.kg").await;
    let all = app.get("/api/v1/catalogue/forms", &t).await;
    let items = all.body["items"].as_array().unwrap();
    assert!((35..=50).contains(&items.len()), "{}", items.len());
    let ky = app
        .send(app.request(Method::GET, "/api/v1/catalogue/forms/open_lesson", Some(&t)).header("accept-language", "ky"))
        .await;
    assert_eq!(ky.status, StatusCode::OK, "{}", ky.text);
    assert_eq!(ky.header("content-language"), Some("ky"));
    assert_eq!(ky.body["label"], ky.body["labels"]["ky"]);
    assert_eq!(ky.body["labels"]["ru"], "Открытый урок");
    // both list master classes: one form, two groups.
    let mc = app.get("/api/v1/catalogue/forms/master_class", &t).await;
    let groups: Vec<&str> = mc.body["groups"].as_array().unwrap().iter().filter_map(|g| g["code"].as_str()).collect();
    assert_eq!(groups, vec!["qualification", "innovation"]);
    let info = app.get("/api/v1/catalogue/forms?group=information", &t).await;
    let codes: Vec<&str> = info.body["items"].as_array().unwrap().iter().filter_map(|f| f["code"].as_str()).collect();
    assert!(codes.contains(&"library_fund") && codes.contains(&"card_index"), "{codes:?}");
    app.get("/api/v1/catalogue/forms?group=fun", &t).await.assert_problem(400, "invalid_parameter");
    app.get("/api/v1/catalogue/forms/juggling", &t).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn the_administrator_edits_a_district_with_if_match() {
    let app = spawn_app().await;
    let admin = app.login("admin@demo.usul.kg").await;
    let list = app.get("/api/v1/districts", &admin).await;
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let read = app.get(&format!("/api/v1/districts/{id}"), &admin).await;
    let etag = read.header("etag").unwrap().to_owned();
    let a = app
        .send(
            app.request(Method::PATCH, &format!("/api/v1/districts/{id}"), Some(&admin))
                .header("if-match", &etag)
                .json(&json!({"region": null})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["region"], json!(null));
    let dup = app.post("/api/v1/districts", &admin, &json!({"name": "демо району боюнча билим берүү бөлүмү"})).await;
    dup.assert_problem(409, "district_name_taken");
}

#[tokio::test]
async fn every_change_is_in_the_schools_audit_trail() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let director = app.login("director@demo.usul.kg").await;
    let director_id = app.staff_id("director@demo.usul.kg").await;
    let teacher = app.staff_id("b.toktogulov@demo.usul.kg").await;
    app.post(&format!("/api/v1/staff/{teacher}/deactivate"), &director, &json!({})).await;
    let trail = app.get(&format!("/api/v1/schools/{school}/audit-events?entity=staff&limit=200"), &director).await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.text);
    let items = trail.body["items"].as_array().unwrap();
    let last = items.last().unwrap();
    assert_eq!(last["action"], "staff.deactivate");
    assert_eq!(last["entity_id"], json!(teacher));
    assert_eq!(last["actor_kind"], "staff");
    assert_eq!(last["actor_id"], json!(director_id));
    assert!(items.iter().all(|e| e["entity"] == "staff"));
    // The demo loader's own writes are there too, as the system's.
    let all = app.get(&format!("/api/v1/schools/{school}/audit-events?limit=5"), &director).await;
    assert_eq!(all.body["items"][0]["actor_kind"], "system");
    let teacher_token = app.login("a.usenova@demo.usul.kg").await;
    app.get(&format!("/api/v1/schools/{school}/audit-events"), &teacher_token).await.assert_problem(403, "forbidden");
    let methodist = app.login("methodist@demo.usul.kg").await;
    assert_eq!(app.get(&format!("/api/v1/schools/{school}/audit-events"), &methodist).await.status, StatusCode::OK);
}
