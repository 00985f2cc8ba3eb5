//! Effectiveness and the district's summary of its schools, with their
//! statement counts.

use crate::reports::csv;
use reqwest::StatusCode;
use serde_json::{Value, json};
use usul_tests::spawn_app;

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
        form: Some("seminar".to_owned()),
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
    use usul_api::cli::generate::{Size, school};
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
