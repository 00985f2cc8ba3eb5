//! Records of methodological work: activities, participation,
//! mentoring, course training, the materials bank with files, and needs diagnostics.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;
use usul_tests::{Options, TestApp, spawn_app, spawn_app_with};

async fn school_and_deputy(app: &TestApp) -> (String, String) {
    (app.demo_school().await, app.login("deputy@demo.usul.kg").await)
}

#[tokio::test]
async fn participation_names_those_who_took_no_part_r_1_3() {
    let app = spawn_app().await;
    let (school, deputy) = school_and_deputy(&app).await;
    let acts = app.get(&format!("/api/v1/schools/{school}/activities?year=2022-2023&limit=200"), &deputy).await;
    let items = acts.body["items"].as_array().unwrap();
    assert!(items.len() >= 20, "{}", items.len());
    assert!(items.iter().filter(|a| a["form"] == "open_lesson").count() >= 5);
    assert!(items.iter().any(|a| a["form"] == "master_class" && a["groups"] == json!(["qualification", "innovation"])));
    let p = app.get(&format!("/api/v1/schools/{school}/participation?year=2022-2023"), &deputy).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let mut none: Vec<&str> =
        p.body["non_participants"].as_array().unwrap().iter().filter_map(|r| r["short_name"].as_str()).collect();
    none.sort_unstable();
    assert_eq!(none, vec!["Бөкөнбаева А.У.", "Рыскулов Т.К."]);
    let usenova =
        p.body["staff"].as_array().unwrap().iter().find(|r| r["short_name"] == "Үсөнова А.Б.").unwrap().clone();
    assert_eq!(usenova["presented"], 2, "an open lesson and a creative report");
    assert!(usenova["training_hours"].as_f64().unwrap() > 70.0);
    assert_eq!(usenova["materials"], 2);
    assert_eq!(usenova["mentoring"], 1);
    app.get(&format!("/api/v1/schools/{school}/participation"), &deputy).await.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn activities_are_checked_and_an_item_lists_its_activity_as_evidence() {
    let app = spawn_app().await;
    let (school, deputy) = school_and_deputy(&app).await;
    let (_, _, other) = app.other_school().await;
    let foreign = app.get("/api/v1/me", &other).await.body["staff"]["id"].clone();
    let bad = app
        .post(
            &format!("/api/v1/schools/{school}/activities"),
            &deputy,
            &json!({"form": "juggling", "title": "x", "starts_on": "2023-03-02", "ends_on": "2023-03-01", "hours": -2, "participants": [{"staff_id": foreign, "role": "presenter"}, {"staff_id": foreign, "role": "boss"}]}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        vec![
            "ends_on",
            "form",
            "hours",
            "participants[0].staff_id",
            "participants[1].role",
            "participants[1].staff_id"
        ]
    );
    let teacher = app.login("b.toktogulov@demo.usul.kg").await;
    app.post(
        &format!("/api/v1/schools/{school}/activities"),
        &teacher,
        &json!({"form": "open_lesson", "title": "x", "starts_on": "2023-03-02"}),
    )
    .await
    .assert_problem(403, "forbidden");
    // Carrying out an item of the approved unified plan.
    let plans = app.get("/api/v1/plans?kind=school&year=2022-2023", &deputy).await;
    let plan = plans.body["items"][0].clone();
    let item = plan["items"][4]["id"].clone();
    let me = app.staff_id("a.sydykov@demo.usul.kg").await;
    let a = app
        .post(
            &format!("/api/v1/schools/{school}/activities"),
            &deputy,
            &json!({"form": "master_class", "title": "Мастер-класс: ChatGPT сабакта", "starts_on": "2023-02-15", "hours": 2.5, "plan_item_id": item, "participants": [{"staff_id": me, "role": "presenter"}]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["hours"], 2.5);
    let after = app.get(&format!("/api/v1/plans/{}", plan["id"].as_str().unwrap()), &deputy).await;
    assert_eq!(after.body["items"][4]["evidence"], json!([{"kind": "activity", "reference": a.str("id")}]));
    // The head of a commission records its activities.
    let commissions = app.get(&format!("/api/v1/schools/{school}/commissions?year=2022-2023"), &deputy).await;
    let maths = commissions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with("Табигый"))
        .unwrap()["id"]
        .clone();
    let head = app.login("a.usenova@demo.usul.kg").await;
    let by_head = app.post(&format!("/api/v1/schools/{school}/activities"), &head, &json!({"form": "experience_exchange", "title": "Тажрыйба", "starts_on": "2023-03-01", "commission_id": maths})).await;
    assert_eq!(by_head.status, StatusCode::CREATED, "{}", by_head.text);
    // Participants change with If-Match.
    let id = by_head.str("id");
    let p = app
        .send(
            app.request(Method::PUT, &format!("/api/v1/activities/{id}/participants"), Some(&head))
                .header("if-match", "\"1\"")
                .json(&json!({"participants": [{"staff_id": me, "role": "participant"}]})),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(p.body["participants"][0]["role"], "participant");
    // The head of another commission may not change them; a stale version is refused.
    let other_head = app.login("n.mamytova@demo.usul.kg").await;
    app.put(&format!("/api/v1/activities/{id}/participants"), &other_head, &json!({"participants": []}))
        .await
        .assert_problem(403, "forbidden");
    app.send(
        app.request(Method::PUT, &format!("/api/v1/activities/{id}/participants"), Some(&head))
            .header("if-match", "\"1\"")
            .json(&json!({"participants": []})),
    )
    .await
    .assert_problem(412, "precondition_failed");
    let after = app.get(&format!("/api/v1/activities/{id}"), &deputy).await;
    assert_eq!(after.body["version"], 2);
    assert_eq!(after.body["participants"], json!([{"staff_id": me, "role": "participant", "attended": true}]));
}

#[tokio::test]
async fn nobody_mentors_themself_and_a_completed_mentorship_is_closed_r_3_2_1() {
    let app = spawn_app().await;
    let (school, deputy) = school_and_deputy(&app).await;
    let a = app.staff_id("a.usenova@demo.usul.kg").await;
    let b = app.staff_id("e.abdykadyrov@demo.usul.kg").await;
    let selfish = app
        .post(
            &format!("/api/v1/schools/{school}/mentorships"),
            &deputy,
            &json!({"year": "2022-2023", "mentor_id": a, "mentee_id": a}),
        )
        .await;
    selfish.assert_problem(422, "validation_failed");
    assert_eq!(selfish.error_fields(), vec!["mentee_id"]);
    let m = app
        .post(
            &format!("/api/v1/schools/{school}/mentorships"),
            &deputy,
            &json!({"year": "2022-2023", "mentor_id": a, "mentee_id": b, "goals": "Долбоордук ыкма"}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    let id = m.str("id");
    let mentor = app.login("a.usenova@demo.usul.kg").await;
    let noted = app
        .patch(
            &format!("/api/v1/mentorships/{id}"),
            &mentor,
            &json!({"note": {"date": "2022-10-12", "text": "Сабакка катыштык"}}),
        )
        .await;
    assert_eq!(noted.body["notes"].as_array().unwrap().len(), 1, "{}", noted.text);
    let mentee = app.login("e.abdykadyrov@demo.usul.kg").await;
    app.patch(&format!("/api/v1/mentorships/{id}"), &mentee, &json!({"note": {"date": "2022-10-13", "text": "x"}}))
        .await
        .assert_problem(403, "forbidden");
    let done = app
        .patch(
            &format!("/api/v1/mentorships/{id}"),
            &deputy,
            &json!({"complete_with_outcome": "Өз алдынча сабак өтөт"}),
        )
        .await;
    assert_eq!(done.body["status"], "completed");
    app.patch(&format!("/api/v1/mentorships/{id}"), &deputy, &json!({"note": {"date": "2023-01-01", "text": "x"}}))
        .await
        .assert_problem(409, "mentorship_completed");
    let end = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(end.status, StatusCode::OK, "{}", end.text);
    assert_eq!(
        (end.body["status"].as_str(), end.body["outcome"].as_str()),
        (Some("completed"), Some("Өз алдынча сабак өтөт"))
    );
    assert_eq!(end.body["notes"].as_array().unwrap().len(), 1, "the refused note was not kept");
}

#[tokio::test]
async fn teachers_record_their_own_trainings_which_colleagues_do_not_see() {
    let app = spawn_app().await;
    let teacher = app.login("t.ryskulov@demo.usul.kg").await;
    let me = app.staff_id("t.ryskulov@demo.usul.kg").await;
    let colleague = app.staff_id("a.alybaeva@demo.usul.kg").await;
    let body = json!({"title": "Химия: STEM", "provider": "КББА", "mode": "distance", "starts_on": "2023-01-09", "ends_on": "2023-01-20", "hours": 36});
    let t = app.post(&format!("/api/v1/staff/{me}/trainings"), &teacher, &body).await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    app.post(&format!("/api/v1/staff/{colleague}/trainings"), &teacher, &body).await.assert_problem(403, "forbidden");
    let bad = app.post(&format!("/api/v1/staff/{me}/trainings"), &teacher, &json!({"title": "x", "provider": "y", "mode": "telepathy", "starts_on": "2023-01-09", "ends_on": "2023-01-01", "hours": -1})).await;
    bad.assert_problem(422, "validation_failed");
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, vec!["ends_on", "hours", "mode"]);
    let other = app.login("a.alybaeva@demo.usul.kg").await;
    app.get(&format!("/api/v1/trainings/{}", t.str("id")), &other).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/staff/{me}/trainings"), &other).await.assert_problem(404, "not_found");
    let deputy = app.login("deputy@demo.usul.kg").await;
    assert_eq!(
        app.get(&format!("/api/v1/staff/{me}/trainings"), &deputy).await.body["items"].as_array().unwrap().len(),
        1
    );
    // the training makes Рыскулов a participant.
    let school = app.demo_school().await;
    let p = app.get(&format!("/api/v1/schools/{school}/participation?year=2022-2023"), &deputy).await;
    let none: Vec<&str> =
        p.body["non_participants"].as_array().unwrap().iter().filter_map(|r| r["short_name"].as_str()).collect();
    assert_eq!(none, vec!["Бөкөнбаева А.У."]);
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
}

async fn upload(
    app: &TestApp,
    token: &str,
    material: &str,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> usul_tests::Answer {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()).mime_str(mime).unwrap());
    app.send(app.request(Method::PUT, &format!("/api/v1/materials/{material}/file"), Some(token)).multipart(form)).await
}

#[tokio::test]
async fn a_material_file_is_checked_hashed_stored_and_served_r_4_3() {
    let app = spawn_app_with(Options { max_file_bytes: 4096, ..Options::default() }).await;
    let school = app.demo_school().await;
    let author = app.login("a.alybaeva@demo.usul.kg").await;
    let me = app.staff_id("a.alybaeva@demo.usul.kg").await;
    let m = app
        .post(&format!("/api/v1/schools/{school}/materials"), &author, &json!({"kind": "didactic_material", "title": "Өсүмдүктөрдүн клеткасы", "author_ids": [me], "year": "2022-2023", "tags": ["Биология", "ҮЛГҮ"]}))
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    let id = m.str("id");
    upload(&app, &author, &id, "../../etc/passwd", "application/pdf", pdf())
        .await
        .assert_problem(422, "validation_failed");
    upload(&app, &author, &id, "x.pdf", "application/pdf", b"\x89PNG not a pdf".to_vec())
        .await
        .assert_problem(422, "file_type_mismatch");
    upload(&app, &author, &id, "x.exe", "application/x-msdownload", b"MZ".to_vec())
        .await
        .assert_problem(415, "unsupported_media_type");
    let mut big = pdf();
    big.extend(std::iter::repeat_n(b'a', 10_000));
    upload(&app, &author, &id, "big.pdf", "application/pdf", big).await.assert_problem(413, "payload_too_large");
    let still = app.get(&format!("/api/v1/materials/{id}"), &author).await;
    assert_eq!(still.body["file"], json!(null), "nothing stored");
    let ok = upload(&app, &author, &id, "Клетка — ңөү.pdf", "application/pdf", pdf()).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let expected: String = {
        use sha2_hex::hex_sha256;
        hex_sha256(&pdf())
    };
    assert_eq!(ok.body["file"]["sha256"], expected);
    assert_eq!(ok.body["file"]["name"], "Клетка — ңөү.pdf");
    let down =
        app.client.get(app.url(&format!("/api/v1/materials/{id}/file"))).bearer_auth(&author).send().await.unwrap();
    assert_eq!(down.headers()["content-type"], "application/pdf");
    assert!(down.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename*=UTF-8''"));
    assert_eq!(down.bytes().await.unwrap().to_vec(), pdf());
}

mod sha2_hex {
    /// SHA-256 in hex, computed here independently of the server.
    pub fn hex_sha256(bytes: &[u8]) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[tokio::test]
async fn the_card_index_finds_kyrgyz_words_in_any_case_and_hides_colleagues_drafts() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("b.toktogulov@demo.usul.kg").await;
    let found =
        app.get(&format!("/api/v1/schools/{school}/materials?q=%D0%9C%D0%90%D0%9D%D0%90%D0%A1"), &teacher).await; // "МАНАС"
    let titles: Vec<&str> =
        found.body["items"].as_array().unwrap().iter().filter_map(|m| m["title"].as_str()).collect();
    assert_eq!(titles, vec!["«Манас» күнү: иш-чаранын сценарийи"]);
    let kyrgyz = app.get(&format!("/api/v1/schools/{school}/materials?q={}", urlencode("ИШТЕЛМЕСИ")), &teacher).await;
    assert_eq!(kyrgyz.body["items"].as_array().unwrap().len(), 1, "{}", kyrgyz.text);
    // A teacher sees published materials and their own, not colleagues' drafts.
    let all = app.get(&format!("/api/v1/schools/{school}/materials?limit=200"), &teacher).await;
    let statuses: Vec<&str> =
        all.body["items"].as_array().unwrap().iter().filter_map(|m| m["status"].as_str()).collect();
    assert!(!statuses.is_empty(), "{}", all.text);
    assert!(statuses.iter().all(|s| *s == "published"), "{statuses:?}");
    let deputy = app.login("deputy@demo.usul.kg").await;
    assert_eq!(
        app.get(&format!("/api/v1/schools/{school}/materials?limit=200"), &deputy).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        12
    );
    let drafts = app.get(&format!("/api/v1/schools/{school}/materials?status=draft"), &deputy).await;
    assert!(!drafts.body["items"].as_array().unwrap().is_empty(), "{}", drafts.text);
    let draft = drafts.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/materials/{draft}"), &teacher).await.assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_head_sees_the_unpublished_work_of_their_commission_in_the_list_as_by_id_r_3_2_2g_r_4_3() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let sydykov = app.staff_id("a.sydykov@demo.usul.kg").await; // sits on the mathematics commission
    let all = app.get(&format!("/api/v1/schools/{school}/materials?limit=200"), &deputy).await;
    let unpublished: Vec<(String, Vec<String>)> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] != "published")
        .map(|m| {
            let authors = m["author_ids"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect();
            (m["id"].as_str().unwrap().to_owned(), authors)
        })
        .collect();
    assert_eq!(unpublished.len(), 4, "{}", all.text);
    // Үсөнова heads the mathematics commission, Мамытова the philological one.
    for (head, sees_sydykov) in [("a.usenova@demo.usul.kg", true), ("n.mamytova@demo.usul.kg", false)] {
        let token = app.login(head).await;
        let me = app.staff_id(head).await;
        let listed = app.get(&format!("/api/v1/schools/{school}/materials?limit=200"), &token).await;
        let ids: Vec<&str> = listed.body["items"].as_array().unwrap().iter().filter_map(|m| m["id"].as_str()).collect();
        assert!(!ids.is_empty(), "{}", listed.text);
        for (id, authors) in &unpublished {
            let by_id = app.get(&format!("/api/v1/materials/{id}"), &token).await;
            assert_eq!(
                by_id.status == StatusCode::OK,
                ids.contains(&id.as_str()),
                "{head}: the list and a read by id agree on {id}"
            );
            if authors.contains(&sydykov) {
                assert_eq!(by_id.status == StatusCode::OK, sees_sydykov, "{head} and {id}");
            }
            assert!(!authors.contains(&me) || by_id.status == StatusCode::OK);
        }
    }
    // A page is full while more exist: the rule is applied before paging.
    let head = app.login("a.usenova@demo.usul.kg").await;
    let first = app.get(&format!("/api/v1/schools/{school}/materials?limit=3"), &head).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 3);
    assert!(first.body["next_cursor"].is_string());
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn a_material_is_reviewed_at_a_commission_meeting_then_published() {
    let app = spawn_app().await;
    let (school, deputy) = school_and_deputy(&app).await;
    let drafts = app.get(&format!("/api/v1/schools/{school}/materials?status=draft&limit=200"), &deputy).await;
    let sydykov = app.staff_id("a.sydykov@demo.usul.kg").await;
    let draft = drafts.body["items"].as_array().unwrap().iter().find(|m| m["author_ids"] == json!([sydykov])).unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let head = app.login("a.usenova@demo.usul.kg").await; // heads the commission Сыдыков sits on
    app.post(&format!("/api/v1/materials/{draft}/publish"), &head, &json!({}))
        .await
        .assert_problem(409, "material_not_reviewed");
    let ped = app.get(&format!("/api/v1/schools/{school}/meetings?body=pedagogical_council"), &deputy).await;
    app.post(&format!("/api/v1/materials/{draft}/review"), &head, &json!({"meeting_id": ped.body["items"][0]["id"]}))
        .await
        .assert_problem(422, "validation_failed");
    let commission = app.get(&format!("/api/v1/schools/{school}/meetings?body=commission"), &head).await;
    let meeting = commission.body["items"][0]["id"].clone();
    let r = app.post(&format!("/api/v1/materials/{draft}/review"), &head, &json!({"meeting_id": meeting})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let outsider = app.login("n.mamytova@demo.usul.kg").await;
    app.post(&format!("/api/v1/materials/{draft}/publish"), &outsider, &json!({}))
        .await
        .assert_problem(404, "not_found");
    let p = app.post(&format!("/api/v1/materials/{draft}/publish"), &head, &json!({})).await;
    assert_eq!(p.body["status"], "published", "{}", p.text);
    let end = app.get(&format!("/api/v1/materials/{draft}"), &outsider).await;
    assert_eq!(end.status, StatusCode::OK, "published, every colleague sees it: {}", end.text);
    assert_eq!((end.body["status"].clone(), end.body["review_meeting_id"].clone()), (json!("published"), meeting));
    app.post(
        &format!("/api/v1/materials/{draft}/review"),
        &head,
        &json!({"meeting_id": end.body["review_meeting_id"]}),
    )
    .await
    .assert_problem(409, "material_not_draft");
    app.post(&format!("/api/v1/materials/{draft}/publish"), &head, &json!({}))
        .await
        .assert_problem(409, "material_not_reviewed");
    // What was reviewed is what is published: its file no longer changes.
    let author = app.login("a.sydykov@demo.usul.kg").await;
    upload(&app, &author, &draft, "x.pdf", "application/pdf", pdf()).await.assert_problem(409, "material_not_draft");
}

#[tokio::test]
async fn a_diagnosis_suggests_forms_and_the_school_sees_its_needs_r_2_2() {
    let app = spawn_app().await;
    let (school, deputy) = school_and_deputy(&app).await;
    let teacher = app.login("d.zheenbekova@demo.usul.kg").await;
    let me = app.staff_id("d.zheenbekova@demo.usul.kg").await;
    let bad = app
        .put(
            &format!("/api/v1/staff/{me}/diagnostics/2022-2023"),
            &teacher,
            &json!({"areas": [{"area": "astrology", "level": 2}, {"area": "ict", "level": 4}]}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.error_fields(), vec!["areas[0].area", "areas[1].level"]);
    let d = app
        .put(
            &format!("/api/v1/staff/{me}/diagnostics/2022-2023"),
            &teacher,
            &json!({"areas": [{"area": "ict", "level": 3, "note": "Санарип"}, {"area": "assessment", "level": 1}]}),
        )
        .await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.text);
    assert_eq!(d.body["suggested_forms"], json!(["course_training", "master_class", "online_professional_community"]));
    let again = app
        .put(
            &format!("/api/v1/staff/{me}/diagnostics/2022-2023"),
            &teacher,
            &json!({"areas": [{"area": "ict", "level": 2}]}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["version"], 2);
    let colleague = app.login("ch.osmonova@demo.usul.kg").await;
    app.get(&format!("/api/v1/staff/{me}/diagnostics/2022-2023"), &colleague).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/schools/{school}/needs?year=2022-2023"), &teacher).await.assert_problem(403, "forbidden");
    let needs = app
        .send(
            app.request(Method::GET, &format!("/api/v1/schools/{school}/needs?year=2022-2023"), Some(&deputy))
                .header("accept-language", "ky"),
        )
        .await;
    assert_eq!(needs.body["diagnosed"], 7);
    let ict = needs.body["areas"].as_array().unwrap().iter().find(|a| a["area"] == "ict").unwrap().clone();
    assert_eq!(ict["label"], "Маалыматтык технологиялар");
    assert_eq!((ict["level_1"].as_u64(), ict["level_2"].as_u64()), (Some(2), Some(2)));
}

#[tokio::test]
async fn participation_takes_the_same_number_of_queries_whatever_the_size_r_1_3() {
    let app = spawn_app().await;
    let (store, counter) = usul_persistence::Store::connect_counted(&app.db_url).await.unwrap();
    let year = usul_domain::year::AcademicYear::parse("2022-2023").unwrap();
    let small = usul_api::cli::generate::school(
        &store,
        None,
        "small",
        usul_api::cli::generate::Size { staff: 5, activities: 5, items: 0 },
        7,
    )
    .await
    .unwrap();
    let large = usul_api::cli::generate::school(
        &store,
        None,
        "large",
        usul_api::cli::generate::Size { staff: 40, activities: 150, items: 0 },
        7,
    )
    .await
    .unwrap();
    let count = async |school| {
        let before = counter.load(std::sync::atomic::Ordering::Relaxed);
        let figures = store.participation(school, year).await.unwrap();
        (counter.load(std::sync::atomic::Ordering::Relaxed) - before, figures.len())
    };
    let (q_small, n_small) = count(small.id).await;
    let (q_large, n_large) = count(large.id).await;
    assert!(n_large > n_small, "{n_small} / {n_large}");
    assert_eq!(q_small, q_large, "the query count does not grow with the data");
    // Five record kinds and the confirmed work outside the school.
    assert!(q_large <= 6, "{q_large} queries");
}

#[tokio::test]
async fn a_training_certificate_is_attached_and_served_to_its_readers() {
    let app = spawn_app().await;
    let teacher = app.login("t.ryskulov@demo.usul.kg").await;
    let me = app.staff_id("t.ryskulov@demo.usul.kg").await;
    let t = app
        .post(&format!("/api/v1/staff/{me}/trainings"), &teacher, &json!({"title": "STEM", "provider": "КББА", "mode": "in_person", "starts_on": "2023-01-09", "ends_on": "2023-01-20", "hours": 72}))
        .await;
    let id = t.str("id");
    let form =
        Form::new().part("file", Part::bytes(pdf()).file_name("сертификат.pdf").mime_str("application/pdf").unwrap());
    let up = app
        .send(app.request(Method::PUT, &format!("/api/v1/trainings/{id}/certificate"), Some(&teacher)).multipart(form))
        .await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    assert_eq!(up.body["certificate_file"]["name"], "сертификат.pdf");
    let other = app.login("a.alybaeva@demo.usul.kg").await;
    app.get(&format!("/api/v1/trainings/{id}/certificate"), &other).await.assert_problem(404, "not_found");
    let deputy = app.login("deputy@demo.usul.kg").await;
    let down = app
        .client
        .get(app.url(&format!("/api/v1/trainings/{id}/certificate")))
        .bearer_auth(&deputy)
        .send()
        .await
        .unwrap();
    assert_eq!(down.status(), StatusCode::OK);
    assert_eq!(down.bytes().await.unwrap().to_vec(), pdf());
}

#[tokio::test]
async fn reading_a_material_takes_the_same_statements_whatever_its_authors_and_their_commissions_r_4_3() {
    use std::sync::atomic::Ordering;
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let mut everyone = Vec::new();
    for mail in [
        "a.sydykov@demo.usul.kg",
        "e.abdykadyrov@demo.usul.kg",
        "m.sharshenalieva@demo.usul.kg",
        "n.baiyshova@demo.usul.kg",
        "b.toktogulov@demo.usul.kg",
        "ch.osmonova@demo.usul.kg",
        "g.tologonova@demo.usul.kg",
        "zh.kerimbaeva@demo.usul.kg",
    ] {
        everyone.push(app.staff_id(mail).await);
    }
    let add = async |authors: &[String]| {
        let m = app
            .post(
                &format!("/api/v1/schools/{school}/materials"),
                &deputy,
                &json!({"kind": "article", "title": "Тажрыйба", "author_ids": authors, "year": "2022-2023"}),
            )
            .await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
        usul_domain::ids::MaterialId::from_uuid(m.str("id").parse().unwrap())
    };
    let (one, many) = (add(&everyone[..1]).await, add(&everyone).await);
    let (store, counter) = usul_persistence::Store::connect_counted(&app.db_url).await.unwrap();
    let s = store.get_school(usul_domain::ids::SchoolId::from_uuid(school.parse().unwrap())).await.unwrap().unwrap();
    let head = usul_domain::ids::StaffId::from_uuid(app.staff_id("a.usenova@demo.usul.kg").await.parse().unwrap());
    let actor = usul_domain::policy::Actor::SchoolStaff {
        id: head,
        school: s.id,
        district: s.district,
        role: usul_domain::staff::Role::Teacher,
    };
    let read = async |id| {
        let before = counter.load(Ordering::Relaxed);
        let facts = store.record_actor(actor, &s).await.unwrap().unwrap();
        let m = store.get_material(id).await.unwrap().unwrap();
        assert!(m.read(&facts).is_ok(), "the head sees the draft of a member of the commission");
        counter.load(Ordering::Relaxed) - before
    };
    let (q_one, q_many) = (read(one).await, read(many).await);
    assert_eq!(q_one, q_many, "the statement count does not grow with authors × commissions");
    assert!(q_many <= 4, "{q_many} statements");
}
