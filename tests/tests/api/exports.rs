//! Figures as spreadsheets (issue 15, point 4): the district and national summaries,
//! participation and knowledge quality as CSV and XLSX, with the JSON's very
//! figures, chosen by `Accept` or `format=`; a format not offered is refused.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use usul_tests::{Answer, TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn raw(app: &TestApp, path: &str, token: &str, accept: &str) -> (StatusCode, String, Vec<u8>) {
    let res = app.request(Method::GET, path, Some(token)).header("accept", accept).send().await.unwrap();
    let status = res.status();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, ct, res.bytes().await.unwrap().to_vec())
}

/// The text of a spreadsheet cell as the CSV writes it, for comparing.
fn cell_text(c: &calamine::Data) -> String {
    match c {
        calamine::Data::Empty => String::new(),
        calamine::Data::String(s) => s.clone(),
        calamine::Data::Float(f) => f.to_string(),
        calamine::Data::Int(i) => i.to_string(),
        calamine::Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Whether a cell's text says the JSON value: a number the same number, text the same text,
/// `null` an empty cell.
fn says(text: &str, v: &Value) -> bool {
    match v {
        Value::Null => text.is_empty(),
        Value::Bool(b) => text == b.to_string(),
        Value::Number(n) => text.parse::<f64>().is_ok_and(|t| (t - n.as_f64().unwrap()).abs() < 1e-9),
        Value::String(s) => text == s,
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// Reads the CSV and XLSX answers of `path` and checks that each holds `rows` — the JSON's —
/// under `columns`, cell for cell.
async fn same_figures(app: &TestApp, path: &str, token: &str, columns: &[&'static str], rows: &[Value]) {
    assert!(!rows.is_empty(), "figures to compare");
    let sep = if path.contains('?') { '&' } else { '?' };
    let (status, ct, csv) = raw(app, path, token, "text/csv").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&csv));
    assert_eq!(ct, "text/csv; charset=utf-8");
    let parsed = usul_domain::table::read_csv(&csv, columns, columns).unwrap();
    assert_eq!(parsed.len(), rows.len());
    let (status, ct, book) = raw(app, &format!("{path}{sep}format=xlsx"), token, "application/json").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, XLSX));
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(book)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let mut sheet_rows = sheet.rows();
    let header: Vec<String> = sheet_rows.next().unwrap().iter().map(cell_text).collect();
    assert_eq!(header, columns.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
    let sheet_rows: Vec<Vec<String>> = sheet_rows.map(|r| r.iter().map(cell_text).collect()).collect();
    assert_eq!(sheet_rows.len(), rows.len());
    for (i, json) in rows.iter().enumerate() {
        for (k, column) in columns.iter().enumerate() {
            let v = column.split('.').try_fold(json, |v, key| v.get(key)).cloned().unwrap_or(Value::Null);
            let from_csv = parsed[i].get(column).unwrap();
            assert!(says(from_csv, &v), "CSV row {i} `{column}`: {from_csv:?} is not {v}");
            let from_sheet = sheet_rows[i].get(k).map_or("", String::as_str);
            assert!(says(from_sheet, &v), "XLSX row {i} `{column}`: {from_sheet:?} is not {v}");
        }
    }
}

fn list(a: &Answer, key: &str) -> Vec<Value> {
    a.body[key].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_district_and_national_summaries_export_the_json_figures_as_csv_and_xlsx_r_3_1() {
    let app = spawn_app().await;
    let m = app.login("methodist@demo.usul.kg").await;
    let district = app.get("/api/v1/me", &m).await.body["district"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/districts/{district}/summary?year=2022-2023&sort=-quality");
    let json = app.get(&path, &m).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    same_figures(&app, &path, &m, &usul_api::routes::effectiveness::SUMMARY_COLUMNS, &list(&json, "schools")).await;

    let ministry = app.login("ministry@demo.usul.kg").await;
    let path = "/api/v1/summary?year=2022-2023";
    let json = app.get(path, &ministry).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    same_figures(&app, path, &ministry, &usul_api::routes::ministry::NATIONAL_COLUMNS, &list(&json, "districts")).await;
    // Exports are read under the same rules: a school's director reads no district summary.
    let director = app.login("director@demo.usul.kg").await;
    let (status, _, _) =
        raw(&app, &format!("/api/v1/districts/{district}/summary?year=2022-2023"), &director, "text/csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn participation_and_knowledge_quality_export_the_json_figures_as_csv_and_xlsx_r_1_3_r_5_5() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/participation?year=2022-2023");
    let json = app.get(&path, &deputy).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    let mut people = list(&json, "staff");
    people.extend(list(&json, "non_participants"));
    same_figures(&app, &path, &deputy, &usul_api::routes::records::participation::PARTICIPATION_COLUMNS, &people).await;

    let path = format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term=year");
    let json = app.get(&path, &deputy).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    let mut rows = Vec::new();
    for (key, part) in [("rows", "class"), ("subjects", "subject")] {
        for mut r in list(&json, key) {
            r["part"] = part.into();
            rows.push(r);
        }
    }
    let mut total = json.body["total"].clone();
    total["part"] = "school".into();
    rows.push(total);
    same_figures(&app, &path, &deputy, &usul_api::routes::quality::QUALITY_COLUMNS, &rows).await;
    // The sheet keeps the table's version.
    let res = app.request(Method::GET, &path, Some(&deputy)).header("accept", "text/csv").send().await.unwrap();
    assert_eq!(res.headers().get("etag").and_then(|v| v.to_str().ok()), json.header("etag"));
}

#[tokio::test]
async fn a_format_not_offered_is_refused_and_accept_picks_the_best_offered() {
    let app = spawn_app().await;
    let school = app.demo_school().await;
    let deputy = app.login("deputy@demo.usul.kg").await;
    let path = format!("/api/v1/schools/{school}/participation?year=2022-2023");
    let a = app.send(app.request(Method::GET, &path, Some(&deputy)).header("accept", "application/pdf")).await;
    a.assert_problem(406, "not_acceptable");
    app.get(&format!("{path}&format=pdf"), &deputy).await.assert_problem(400, "invalid_parameter");
    // The best of several by q-value; `*/*` and no header are JSON.
    let (_, ct, _) = raw(&app, &path, &deputy, &format!("text/csv;q=0.5, {XLSX}")).await;
    assert_eq!(ct, XLSX);
    let (_, ct, _) = raw(&app, &path, &deputy, "*/*").await;
    assert_eq!(ct, "application/json");
    // `format=` wins over `Accept`.
    let (_, ct, _) = raw(&app, &format!("{path}&format=csv"), &deputy, "application/pdf").await;
    assert_eq!(ct, "text/csv; charset=utf-8");
    let quality = format!("/api/v1/schools/{school}/knowledge-quality?year=2022-2023&term=year");
    let a = app.send(app.request(Method::GET, &quality, Some(&deputy)).header("accept", "image/png")).await;
    a.assert_problem(406, "not_acceptable");
    // Another school's figures are as invisible in a spreadsheet as in JSON.
    let (_, other, other_director) = app.other_school().await;
    let _ = other;
    let (status, _, _) = raw(&app, &path, &other_director, "text/csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
