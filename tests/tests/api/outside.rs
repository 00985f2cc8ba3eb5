//! Work outside the school: recorded by the teacher, confirmed by the deputy, counted by
//! level in participation, reports and effectiveness.

use reqwest::StatusCode;
use serde_json::{Value, json};
use usul_tests::spawn_app;

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
