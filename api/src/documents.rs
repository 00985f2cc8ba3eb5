//! Printable documents: HTML pages laid out for A4 in the paper form schools already use, and
//! the same pages as A4 PDF when the client asks for `application/pdf`.

pub mod markup;
pub mod pdf;

use crate::problem::{ApiError, ProblemCode};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};

use usul_domain::lang::Lang;
use usul_domain::meeting::{Meeting, Presence};
use usul_domain::org::School;
use usul_domain::staff::Staff;

/// Escapes text for HTML.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "@page { size: A4; margin: 20mm 18mm 20mm 25mm; }
body { font-family: 'Times New Roman', 'DejaVu Serif', serif; font-size: 13pt; line-height: 1.4; color: #000; max-width: 170mm; margin: 0 auto; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.05em; }
.school, .body { text-align: center; margin: 0; }
.school { font-weight: bold; }
.meta { display: flex; justify-content: space-between; margin: 6mm 0 4mm; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; }
ol, ul { margin: 0 0 2mm; padding-left: 7mm; }
li { margin-bottom: 1mm; }
.muted { color: #333; }
.signatures { margin-top: 14mm; }
.signatures div { display: flex; justify-content: space-between; margin-bottom: 10mm; }
.line { display: inline-block; min-width: 45mm; border-bottom: 1px solid #000; margin: 0 4mm; }
@media print { body { margin: 0; } }";

fn name(people: &[Staff], id: usul_domain::ids::StaffId) -> String {
    people.iter().find(|p| p.id == id).map_or_else(|| "—".to_owned(), Staff::short_name)
}

/// The minutes (*протокол*) of a meeting.
#[must_use]
pub fn minutes(m: &Meeting, school: &School, body: &str, people: &[Staff], lang: Lang) -> String {
    let ru = lang == Lang::Ru;
    let t = |ky: &'static str, ru_text: &'static str| if ru { ru_text } else { ky };
    let number = m.protocol_number.map_or_else(|| "___".to_owned(), |n| n.to_string());
    let present: Vec<String> =
        m.attendance.iter().filter(|(_, p)| *p == Presence::Present).map(|(s, _)| name(people, *s)).collect();
    let absent: Vec<String> = m
        .attendance
        .iter()
        .filter(|(_, p)| *p != Presence::Present)
        .map(|(s, p)| {
            let why = if *p == Presence::Excused {
                t(" (себептүү)", " (по уважительной причине)")
            } else {
                ""
            };
            format!("{}{why}", name(people, *s))
        })
        .collect();
    let q = m.quorum.unwrap_or_else(|| usul_domain::meeting::quorum(&m.attendance));
    let mut html = String::new();
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} №{}</title><style>{STYLE}</style></head><body>\n",
        lang.code(),
        t("Протокол", "Протокол"),
        escape(&number)
    ));
    html.push_str(&format!(
        "<p class=\"school\">{}</p>\n<p class=\"body\">{}</p>\n",
        escape(school.name.as_str()),
        escape(body)
    ));
    html.push_str(&format!("<h1>{} №{}</h1>\n", t("ПРОТОКОЛ", "ПРОТОКОЛ"), escape(&number)));
    if let Some(title) = &m.title {
        html.push_str(&format!("<p class=\"body\">{}</p>\n", escape(title)));
    }
    html.push_str(&format!(
        "<div class=\"meta\"><span>{}</span><span>{}: {}</span></div>\n",
        m.date.format("%d.%m.%Y"),
        t("Окуу жылы", "Учебный год"),
        m.year
    ));
    html.push_str(&format!(
        "<p><b>{}</b> ({}/{}): {}</p>\n",
        t("Катышкандар", "Присутствовали"),
        q.present,
        q.members,
        escape(&present.join(", "))
    ));
    html.push_str(&format!(
        "<p><b>{}</b>: {}</p>\n",
        t("Катышкан жоктор", "Отсутствовали"),
        if absent.is_empty() { "—".to_owned() } else { escape(&absent.join(", ")) }
    ));
    html.push_str(&format!("<h2>{}</h2>\n<ol>\n", t("Күн тартиби", "Повестка дня")));
    for item in &m.agenda {
        html.push_str(&format!("<li>{}</li>\n", escape(item)));
    }
    html.push_str("</ol>\n");
    if let Some(notes) = &m.notes {
        html.push_str(&format!("<h2>{}</h2>\n<p>{}</p>\n", t("Угулду", "Слушали"), escape(notes)));
    }
    html.push_str(&format!("<h2>{}</h2>\n<ol>\n", t("Токтом кылынды", "Постановили")));
    for d in &m.decisions {
        let mut extra = Vec::new();
        if !d.responsible.is_empty() {
            let who: Vec<String> = d.responsible.iter().map(|s| name(people, *s)).collect();
            extra.push(format!("{}: {}", t("Жооптуу", "Ответственные"), who.join(", ")));
        }
        if let Some(deadline) = d.deadline {
            extra.push(format!("{}: {}", t("Мөөнөтү", "Срок"), deadline.format("%d.%m.%Y")));
        }
        let tail = if extra.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"muted\">({})</span>", escape(&extra.join("; ")))
        };
        html.push_str(&format!("<li>{}{tail}</li>\n", escape(&d.text)));
    }
    html.push_str("</ol>\n");
    let chair = m.chair.map(|s| name(people, s)).unwrap_or_default();
    let secretary = m.secretary.map(|s| name(people, s)).unwrap_or_default();
    html.push_str(&format!(
        "<div class=\"signatures\"><div><span>{}:</span><span class=\"line\"></span><span>{}</span></div><div><span>{}:</span><span class=\"line\"></span><span>{}</span></div></div>\n",
        t("Төрага", "Председатель"),
        escape(&chair),
        t("Катчы", "Секретарь"),
        escape(&secretary)
    ));
    html.push_str("</body></html>\n");
    html
}

pub(crate) const PLAN_STYLE: &str = "@page { size: A4 portrait; margin: 15mm 12mm 15mm 20mm; }
body { font-family: 'Times New Roman', 'DejaVu Serif', serif; font-size: 11.5pt; line-height: 1.3; color: #000; margin: 0; }
.approval { display: flex; justify-content: space-between; margin-bottom: 8mm; }
.approval div { width: 46%; }
.approval .right { text-align: right; }
.line { display: inline-block; min-width: 30mm; border-bottom: 1px solid #000; }
h1 { font-size: 14pt; text-align: center; margin: 0 0 1mm; text-transform: uppercase; }
.sub { text-align: center; margin: 0 0 1mm; }
.theme { margin: 3mm 0 4mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 1.2mm 1.5mm; vertical-align: top; word-wrap: break-word; }
th { font-weight: bold; text-align: center; }
col.n { width: 8mm; } col.form { width: 33mm; } col.due { width: 22mm; } col.who { width: 32mm; } col.note { width: 27mm; }
th, td { hyphens: auto; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }";

/// The plan (*план*) in its paper form: the approval block, title, year, theme and the table.
#[must_use]
pub fn plan(
    p: &usul_domain::plan::Plan,
    school: &School,
    theme: Option<&str>,
    reviewer: Option<&str>,
    people: &[Staff],
    lang: Lang,
) -> String {
    let ru = lang == Lang::Ru;
    let t = |ky: &'static str, ru_text: &'static str| if ru { ru_text } else { ky };
    let mut html = String::new();
    html.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{PLAN_STYLE}</style></head><body>\n",
        lang.code(),
        escape(&p.title)
    ));
    // An individual plan is agreed, not reviewed at a meeting.
    let reviewed = match (p.review, reviewer) {
        _ if p.kind == usul_domain::plan::PlanKind::Individual => format!(
            "<b>{}</b><br>{}<br><span class=\"line\"></span><br>{}",
            t("Макулдашылды:", "Согласовано:"),
            t("Усулдук комиссиянын жетекчиси", "Руководитель методической комиссии"),
            // The agreement as it was dated (issue 11).
            p.agreed.map_or_else(|| "«___» ________ 20__".to_owned(), |(_, on)| on.format("%d.%m.%Y").to_string())
        ),
        (Some(r), Some(body)) => format!(
            "<b>{}</b><br>{}<br>{} №{} <br>{}",
            t("Каралды:", "Рассмотрено:"),
            escape(body),
            t("Протокол", "Протокол"),
            r.protocol_number.map_or_else(|| "___".to_owned(), |n| n.to_string()),
            r.date.format("%d.%m.%Y")
        ),
        _ => format!(
            "<b>{}</b><br><span class=\"line\"></span><br>{} №___<br>«___» ________ 20__",
            t("Каралды:", "Рассмотрено:"),
            t("Протокол", "Протокол")
        ),
    };
    let approver_title = if p.kind == usul_domain::plan::PlanKind::Individual {
        t("Директордун усулдук иштер боюнча орун басары", "Заместитель директора по методической работе")
    } else {
        t("Директор", "Директор")
    };
    let (approver, approved_on) = match p.approved {
        Some((by, on)) => (name(people, by), on.format("%d.%m.%Y").to_string()),
        None => (String::new(), "«___» ________ 20__".to_owned()),
    };
    html.push_str(&format!(
        "<div class=\"approval\"><div>{reviewed}</div><div class=\"right\"><b>{}</b><br>{}<br>{}<br><span class=\"line\"></span> {}<br>{}</div></div>\n",
        t("Бекитилди:", "Утверждаю:"),
        escape(school.name.as_str()),
        approver_title,
        escape(&approver),
        escape(&approved_on)
    ));
    html.push_str(&format!("<h1>{}</h1>\n", escape(&p.title)));
    html.push_str(&format!(
        "<p class=\"sub\">{} · {} {}</p>\n",
        escape(p.kind.label().get(lang)),
        p.year,
        t("окуу жылы", "учебный год")
    ));
    if let usul_domain::plan::Owner::Teacher(teacher) = p.owner {
        html.push_str(&format!("<p class=\"sub\">{}</p>\n", escape(&name(people, teacher))));
    }
    if let Some(theme) = theme {
        html.push_str(&format!(
            "<p class=\"theme\"><b>{}</b> {}</p>\n",
            t("Мектептин усулдук темасы:", "Методическая тема школы:"),
            escape(theme)
        ));
    }
    if let Some(personal) = &p.personal_theme {
        html.push_str(&format!(
            "<p class=\"theme\"><b>{}</b> {}</p>\n",
            t("Өздүк усулдук тема:", "Тема самообразования:"),
            escape(personal)
        ));
    }
    if let Some(goal) = &p.goal {
        html.push_str(&format!("<p class=\"theme\"><b>{}</b> {}</p>\n", t("Максаты:", "Цель:"), escape(goal)));
    }
    html.push_str(&format!(
        "<table><colgroup><col class=\"n\"><col><col class=\"form\"><col class=\"due\"><col class=\"who\"><col class=\"note\"></colgroup>\n<thead><tr><th>№</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        t("Иш-чаралар", "Мероприятия"),
        t("Формасы", "Форма"),
        t("Мөөнөтү", "Срок"),
        t("Жооптуулар", "Ответственные"),
        t("Эскертүү", "Примечание")
    ));
    for (n, item) in p.items.iter().enumerate() {
        // An item with no catalogue form (R-3.2.2g) leaves the column empty.
        let form = item.form.as_deref().map_or_else(String::new, |code| {
            usul_domain::catalogue::find(code).map_or_else(|| code.to_owned(), |f| f.label(lang).to_owned())
        });
        let due = match (item.start, item.due) {
            (Some(s), Some(d)) if s != d => format!("{} – {}", s.format("%d.%m.%Y"), d.format("%d.%m.%Y")),
            (_, Some(d)) => d.format("%d.%m.%Y").to_string(),
            _ => String::new(),
        };
        let who: Vec<String> = item.responsible.iter().map(|s| name(people, *s)).collect();
        let note = item.expected_result.clone().unwrap_or_default();
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            n + 1,
            escape(&item.title),
            escape(&form),
            escape(&due),
            escape(&who.join(", ")),
            escape(&note)
        ));
    }
    html.push_str("</tbody></table>\n</body></html>\n");
    html
}

/// The two forms a document comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/html`, the default.
    Html,
    /// `application/pdf`.
    Pdf,
}

/// The form the client's `Accept` prefers (RFC 9110 §12.5.1): HTML unless PDF has the higher
/// quality; no `Accept`, `*/*` or `text/*` mean HTML.
///
/// # Errors
/// 406 `not_acceptable` when `Accept` admits neither.
pub fn negotiate(accept: Option<&str>) -> Result<Format, ApiError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else { return Ok(Format::Html) };
    // The quality the most specific matching range gives a type; none matching is 0.
    let quality = |kind: &str, sub: &str| -> f32 {
        let mut best: Option<(u8, f32)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
                .find_map(|v| v.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let (t, s) = media.split_once('/').unwrap_or((media.as_str(), ""));
            let specificity = match (t, s) {
                _ if t == kind && s == sub => 3,
                _ if t == kind && s == "*" => 2,
                ("*", "*") => 1,
                _ => continue,
            };
            if best.is_none_or(|(sp, _)| specificity > sp) {
                best = Some((specificity, q));
            }
        }
        best.map_or(0.0, |(_, q)| q)
    };
    let html = quality("text", "html");
    let pdf = quality("application", "pdf");
    if html <= 0.0 && pdf <= 0.0 {
        return Err(ApiError::Status {
            status: StatusCode::NOT_ACCEPTABLE,
            code: ProblemCode::NotAcceptable,
            detail: "This document comes as text/html or application/pdf.".to_owned(),
        });
    }
    Ok(if pdf > html { Format::Pdf } else { Format::Html })
}

/// The format the request's `Accept` asks for; see [`negotiate`].
///
/// # Errors
/// 406 `not_acceptable`.
pub fn format(req: &HttpRequest) -> Result<Format, ApiError> {
    negotiate(req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()))
}

/// Answers a document page in the negotiated form: the HTML as it is, or the same page as an A4
/// PDF named `{name}.pdf` (made off the request thread). Both vary by `Accept`.
///
/// # Errors
/// [`ApiError::Internal`] when the PDF cannot be written.
pub async fn respond(format: Format, html: String, lang: Lang, name: String) -> Result<HttpResponse, ApiError> {
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_LANGUAGE, lang.code())).append_header((header::VARY, "Accept"));
    match format {
        Format::Html => Ok(res.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8")).body(html)),
        Format::Pdf => {
            let code = lang.code();
            let bytes = actix_web::web::block(move || pdf::render(&html, code))
                .await
                .map_err(|e| ApiError::internal("the PDF worker", e))?
                .map_err(|e| ApiError::internal("writing the PDF", e))?;
            Ok(res
                .insert_header((header::CONTENT_TYPE, "application/pdf"))
                .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}.pdf\"")))
                .body(bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, escape, negotiate};

    #[test]
    fn html_is_the_default_and_pdf_is_given_when_preferred() {
        let f = |a: Option<&str>| negotiate(a).ok();
        assert_eq!(f(None), Some(Format::Html));
        assert_eq!(f(Some("*/*")), Some(Format::Html));
        assert_eq!(f(Some("text/html,application/xhtml+xml,*/*;q=0.8")), Some(Format::Html));
        assert_eq!(f(Some("application/pdf")), Some(Format::Pdf));
        assert_eq!(f(Some("application/*")), Some(Format::Pdf));
        assert_eq!(f(Some("text/html;q=0.5, application/pdf")), Some(Format::Pdf));
        assert_eq!(f(Some("application/pdf;q=0.4, */*;q=0.5")), Some(Format::Html));
        assert!(negotiate(Some("application/json")).is_err());
        assert!(negotiate(Some("text/csv, application/pdf;q=0")).is_err());
    }

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape("<b>\"ө\" & 'ү'</b>"), "&lt;b&gt;&quot;ө&quot; &amp; &#39;ү&#39;&lt;/b&gt;");
    }
}
