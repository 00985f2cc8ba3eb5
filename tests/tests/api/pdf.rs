//! Documents as A4 PDF (issue 15, point 5): plans, minutes and reports asked for with
//! `Accept: application/pdf` on their document endpoints, in Kyrgyz and Russian. The text is
//! extracted back out of the file — which only works when the fonts are embedded with their
//! Unicode map — and checked for the blocks the paper form has.

use crate::plans::{add_item, create, first, setup};
use reqwest::{Method, StatusCode};
use serde_json::json;
use usul_tests::TestApp;

struct Pdf {
    status: StatusCode,
    content_type: String,
    vary: String,
    bytes: Vec<u8>,
}

async fn fetch(app: &TestApp, path: &str, token: &str, accept: &str) -> Pdf {
    let res = app.request(Method::GET, path, Some(token)).header("accept", accept).send().await.unwrap();
    let status = res.status();
    let header =
        |name: &str| res.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(", ");
    let content_type = header("content-type");
    let vary = header("vary");
    let bytes = res.bytes().await.unwrap().to_vec();
    Pdf { status, content_type, vary, bytes }
}

/// The PDF's pages as text, whitespace removed (the extractor's spacing is its own).
fn pages(pdf: &Pdf) -> Vec<String> {
    assert_eq!(pdf.status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf.bytes));
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"), "a PDF file");
    assert!(pdf.vary.contains("Accept"), "caches keep HTML and PDF apart: {}", pdf.vary);
    pdf_extract::extract_text_from_mem_by_pages(&pdf.bytes)
        .unwrap()
        .into_iter()
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_has(text: &str, needles: &[&str], what: &str) {
    for needle in needles {
        assert!(text.contains(&squeeze(needle)), "the {what} PDF lacks {needle:?}; it reads: {text}");
    }
}

#[tokio::test]
async fn the_plan_prints_as_pdf_with_its_review_and_approval_blocks_in_kyrgyz_and_russian() {
    let app = usul_tests::spawn_app().await;
    let s = setup(&app).await;
    let id =
        first(&app.get("/api/v1/plans?kind=school&year=2022-2023", &s.deputy).await)["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/plans/{id}/document");
    let ky = pages(&fetch(&app, &path, &s.deputy, "application/pdf").await).concat();
    assert_has(
        &ky,
        &[
            "Каралды:",
            "Усулдук кеңеш",
            "Протокол №1",
            "08.09.2022",
            "Бекитилди:",
            "Сардарбекова А.К.",
            "Мектептин усулдук темасы:",
            "Иш-чаралар",
            "Мөөнөтү",
            "Жооптуулар",
            "Эскертүү",
            "Ачык сабактардын декадасы",
            "25.11.2022",
        ],
        "ky plan",
    );
    for letter in ['ң', 'ө', 'ү'] {
        assert!(ky.contains(letter), "Kyrgyz {letter} comes back out of the PDF");
    }
    let ru = pages(&fetch(&app, &format!("{path}?lang=ru"), &s.deputy, "application/pdf").await).concat();
    assert_has(
        &ru,
        &["Рассмотрено:", "Методический совет", "Утверждаю:", "Мероприятия", "Срок", "Ответственные"],
        "ru plan",
    );
    assert!(!ru.contains("Бекитилди"), "the Russian PDF is Russian");
    // HTML stays the default, and a browser's Accept still gets HTML.
    let html = fetch(&app, &path, &s.deputy, "text/html,application/xhtml+xml,*/*;q=0.8").await;
    assert_eq!((html.status, html.content_type.as_str()), (StatusCode::OK, "text/html; charset=utf-8"));
    let plain = app.get(&path, &s.deputy).await;
    assert!(plain.header("content-type").is_some_and(|t| t.starts_with("text/html")));
}

#[tokio::test]
async fn a_long_plan_runs_on_over_pages_with_every_item_printed() {
    let app = usul_tests::spawn_app().await;
    let s = setup(&app).await;
    let plan = create(
        &app,
        &s.deputy,
        json!({"kind": "school", "year": "2023-2024", "title": "2023-2024 окуу жылынын усулдук иш планы"}),
    )
    .await;
    let who = app.staff_id("a.usenova@demo.usul.kg").await;
    let long = "Мугалимдердин өз алдынча билим алуусу, ачык сабактарды талкуулоо жана үйрөнүү ";
    for n in 1..=45 {
        let title = if n % 9 == 0 {
            format!("Иш-чара ң{n}ө: {}", long.repeat(3))
        } else {
            format!("Иш-чара ң{n}ө")
        };
        add_item(&app, &s.deputy, &plan, &title, "2024-03-01", &[who.as_str()]).await;
    }
    let id = plan["id"].as_str().unwrap();
    let pdf = fetch(&app, &format!("/api/v1/plans/{id}/document"), &s.deputy, "application/pdf").await;
    let pages = pages(&pdf);
    assert!(pages.len() >= 3, "45 items, some long, take several A4 pages: {}", pages.len());
    for page in &pages[1..] {
        assert!(page.contains("Иш-чаралар"), "the table header repeats on every page");
    }
    let all = pages.concat();
    for n in 1..=45 {
        assert!(all.contains(&format!("Иш-чараң{n}ө")), "item {n} is printed");
    }
    // The long titles wrap inside their cell: every word is there.
    assert_eq!(all.matches("үйрөнүү").count(), 5 * 3);
}

#[tokio::test]
async fn the_minutes_print_as_pdf_in_kyrgyz_and_russian() {
    let app = usul_tests::spawn_app().await;
    let school = app.demo_school().await;
    let teacher = app.login("a.usenova@demo.usul.kg").await;
    let ped = app
        .get(&format!("/api/v1/schools/{school}/meetings?body=pedagogical_council&status=finalized"), &teacher)
        .await;
    let id = ped.body["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/meetings/{id}/document");
    let ky = pages(&fetch(&app, &path, &teacher, "application/pdf").await).concat();
    assert_has(
        &ky,
        &[
            "КТО №95 мектеп-гимназиясы",
            "Педагогикалык кеңеш",
            "ПРОТОКОЛ №1",
            "09.11.2022",
            "Катышкандар",
            "Күн тартиби",
            "Усулдук иш жөнүндө жобону кароо",
            "Токтом кылынды",
            "Төрага",
            "Катчы",
        ],
        "ky minutes",
    );
    let ru = pages(&fetch(&app, &format!("{path}?lang=ru"), &teacher, "application/pdf").await).concat();
    assert_has(
        &ru,
        &[
            "Педагогический совет",
            "Присутствовали",
            "Повестка дня",
            "Постановили",
            "Председатель",
            "Секретарь",
            "(18/19)",
        ],
        "ru minutes",
    );
    // Neither HTML nor PDF acceptable: 406, and a wrong language is still a 400.
    let refused = app.send(app.request(Method::GET, &path, Some(&teacher)).header("accept", "application/json")).await;
    refused.assert_problem(406, "not_acceptable");
    let bad = app
        .send(app.request(Method::GET, &format!("{path}?lang=fr"), Some(&teacher)).header("accept", "application/pdf"))
        .await;
    bad.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn the_report_prints_as_pdf_with_its_acceptance_block() {
    let app = usul_tests::spawn_app().await;
    let director = app.login("director@demo.usul.kg").await;
    let accepted = app.get("/api/v1/reports?status=accepted", &director).await;
    let id = first(&accepted)["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/reports/{id}/document");
    let ky = pages(&fetch(&app, &path, &director, "application/pdf").await).concat();
    assert_has(
        &ky,
        &[
            "Отчетту даярдаган:",
            "Кабыл алынды:",
            "Директор",
            "Сардарбекова А.К.",
            "Пландын аткарылышы",
            "Окуучулардын билим сапаты",
            "Жетишкендиктер",
            "Көйгөйлөр",
        ],
        "ky report",
    );
    let ru = pages(&fetch(&app, &format!("{path}?lang=ru"), &director, "application/pdf").await).concat();
    assert_has(&ru, &["Отчёт подготовил(а):", "Принят:", "Выполнение плана", "Качество знаний учащихся"], "ru report");
    // Another school's report is 404 in PDF as in HTML.
    let (_, _, other) = app.other_school().await;
    let hidden = app.send(app.request(Method::GET, &path, Some(&other)).header("accept", "application/pdf")).await;
    hidden.assert_problem(404, "not_found");
}
