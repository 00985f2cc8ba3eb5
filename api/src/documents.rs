//! Printable documents: HTML pages laid out for A4 in the paper form schools already use.

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

const PLAN_STYLE: &str = "@page { size: A4 portrait; margin: 15mm 12mm 15mm 20mm; }
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
            "<b>{}</b><br>{}<br><span class=\"line\"></span><br>«___» ________ 20__",
            t("Макулдашылды:", "Согласовано:"),
            t("Усулдук комиссиянын жетекчиси", "Руководитель методической комиссии")
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
        let form =
            usul_domain::catalogue::find(&item.form).map_or_else(|| item.form.clone(), |f| f.label(lang).to_owned());
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

/// A year-end report (*отчет*, R-5.4) in its paper form: the acceptance block, the title, the
/// computed sections as tables, then the narrative.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn report(
    r: &usul_persistence::Report,
    f: &crate::routes::reports::ReportFigures,
    school: &School,
    commission: Option<&str>,
    lang: Lang,
) -> String {
    use std::fmt::Write as _;
    let ru = lang == Lang::Ru;
    let t = |ky: &'static str, ru_text: &'static str| if ru { ru_text } else { ky };
    let pct = |v: f64| format!("{v:.1} %");
    let date = |d: chrono::NaiveDate| d.format("%d.%m.%Y").to_string();
    let mut h = String::new();
    let title = r.kind.label().get(lang);
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{PLAN_STYLE}\nh2 {{ font-size: 12pt; margin: 5mm 0 2mm; }}\np {{ margin: 0 0 2mm; }}</style></head><body>",
        lang.code(),
        escape(title)
    );
    // The names as they were when the report was written and accepted.
    let (who, on) = match r.accepted {
        Some((_, on)) => (r.accepted_by_name.clone().unwrap_or_default(), date(on)),
        None => (String::new(), "«___» ________ 20__".to_owned()),
    };
    let author = r.author_name.clone().unwrap_or_default();
    let _ = writeln!(
        h,
        "<div class=\"approval\"><div><b>{}</b><br>{}<br><span class=\"line\"></span> {}</div><div class=\"right\"><b>{}</b><br>{}<br>{}<br><span class=\"line\"></span> {}<br>{}</div></div>",
        t("Отчетту даярдаган:", "Отчёт подготовил(а):"),
        if r.commission.is_some() {
            t("Усулдук бирикменин жетекчиси", "Руководитель методического объединения")
        } else {
            t("Директордун усулдук иштер боюнча орун басары", "Заместитель директора по методической работе")
        },
        escape(&author),
        t("Кабыл алынды:", "Принят:"),
        escape(school.name.as_str()),
        t("Директор", "Директор"),
        escape(&who),
        escape(&on)
    );
    let _ = writeln!(h, "<h1>{}</h1>", escape(title));
    if let Some(c) = commission {
        let _ = writeln!(h, "<p class=\"sub\">{}</p>", escape(c));
    }
    let as_of = if ru {
        format!("данные на {}", date(f.as_of))
    } else {
        format!("{} карата маалыматтар", date(f.as_of))
    };
    let _ = writeln!(h, "<p class=\"sub\">{} {} · {as_of}</p>", r.year, t("окуу жылы", "учебный год"));
    let table = |h: &mut String, heads: &[&str], rows: Vec<Vec<String>>| {
        h.push_str("<table><thead><tr>");
        for c in heads {
            let _ = write!(h, "<th>{}</th>", escape(c));
        }
        h.push_str("</tr></thead><tbody>\n");
        for row in rows {
            h.push_str("<tr>");
            for c in row {
                let _ = write!(h, "<td>{}</td>", escape(&c));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table>\n");
    };
    let progress_label = |code: &str| -> String {
        match (code, ru) {
            ("planned", false) => "Пландалган",
            ("planned", true) => "Запланировано",
            ("done", false) => "Аткарылды",
            ("done", true) => "Выполнено",
            ("partly_done", false) => "Жарым-жартылай",
            ("partly_done", true) => "Частично",
            ("not_done", false) => "Аткарылган жок",
            ("not_done", true) => "Не выполнено",
            ("postponed", false) => "Жылдырылды",
            ("postponed", true) => "Перенесено",
            ("cancelled", false) => "Жокко чыгарылды",
            ("cancelled", true) => "Отменено",
            _ => code,
        }
        .to_owned()
    };
    let form_label =
        |code: &str| usul_domain::catalogue::find(code).map_or_else(|| code.to_owned(), |f| f.label(lang).to_owned());
    // 1. Plan execution.
    let _ = writeln!(h, "<h2>1. {}</h2>", t("Пландын аткарылышы", "Выполнение плана"));
    match &f.plan {
        Some(p) => {
            let _ = writeln!(
                h,
                "<p>«{}» · {}: {} · {}: {} · {}: {} · {}: {}</p>",
                escape(&p.title),
                t("иш-чаралар", "мероприятий"),
                p.items,
                t("аткарылды", "выполнено"),
                pct(p.percent_done),
                t("мөөнөтү өткөн", "просрочено"),
                p.overdue,
                t("статустар", "по статусам"),
                p.by_progress
                    .iter()
                    .map(|c| format!("{} {}", progress_label(&c.code), c.count))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            table(
                &mut h,
                &[
                    t("Жооптуу", "Ответственный"),
                    t("Иш-чаралар", "Мероприятия"),
                    t("Аткарылды", "Выполнено"),
                    t("Мөөнөтү өткөн", "Просрочено"),
                ],
                p.by_responsible
                    .iter()
                    .map(|l| {
                        vec![
                            l.person.short_name.clone(),
                            l.items.to_string(),
                            l.done.to_string(),
                            l.overdue.to_string(),
                        ]
                    })
                    .collect(),
            );
        }
        None => {
            let _ = writeln!(h, "<p>{}</p>", t("План жок.", "Плана нет."));
        }
    }
    // 2. Activities.
    let _ =
        writeln!(h, "<h2>2. {} ({})</h2>", t("Өткөрүлгөн иш-чаралар", "Проведённые мероприятия"), f.activities.total);
    table(
        &mut h,
        &[t("Багыты", "Направление"), t("Саны", "Количество")],
        f.activities
            .by_group
            .iter()
            .map(|c| {
                let label = usul_domain::catalogue::FormGroup::parse(&c.code)
                    .map_or_else(|| c.code.clone(), |g| g.label().get(lang).to_owned());
                vec![label, c.count.to_string()]
            })
            .collect(),
    );
    table(
        &mut h,
        &[t("Формасы", "Форма"), t("Саны", "Количество")],
        f.activities.by_form.iter().map(|c| vec![form_label(&c.code), c.count.to_string()]).collect(),
    );
    // 3. Open lessons and master classes.
    let _ = writeln!(h, "<h2>3. {}</h2>", t("Ачык сабактар жана мастер-класстар", "Открытые уроки и мастер-классы"));
    table(
        &mut h,
        &[t("Күнү", "Дата"), t("Формасы", "Форма"), t("Темасы", "Тема"), t("Өткөргөн", "Провёл(а)")],
        f.open_lessons_and_master_classes
            .iter()
            .map(|p| {
                vec![
                    date(p.date),
                    form_label(&p.form),
                    p.title.clone(),
                    p.presenters.iter().map(|x| x.short_name.clone()).collect::<Vec<_>>().join(", "),
                ]
            })
            .collect(),
    );
    // 4. Participation.
    let pp = &f.participation;
    let _ = writeln!(
        h,
        "<h2>4. {} ({} / {})</h2>",
        t("Усулдук ишке катышуу", "Участие в методической работе"),
        pp.took_part,
        pp.people
    );
    table(
        &mut h,
        &[
            t("Аты-жөнү", "ФИО"),
            t("Квалификация", "Квалификация"),
            t("Инновация", "Инновации"),
            t("Маалымат", "Информация"),
            t("Чыгып сүйлөдү", "Выступления"),
            t("Насаатчылык", "Наставничество"),
            t("Курс, саат", "Курсы, ч"),
            t("Материалдар", "Материалы"),
        ],
        pp.per_teacher
            .iter()
            .map(|l| {
                vec![
                    l.person.short_name.clone(),
                    l.qualification.to_string(),
                    l.innovation.to_string(),
                    l.information.to_string(),
                    l.presented.to_string(),
                    l.mentoring.to_string(),
                    format!("{:.1}", l.training_hours),
                    l.materials.to_string(),
                ]
            })
            .collect(),
    );
    let _ = writeln!(
        h,
        "<p><b>{}</b> {}</p>",
        t("Катышкан жоктор:", "Не участвовали:"),
        if pp.non_participants.is_empty() {
            "—".to_owned()
        } else {
            escape(&pp.non_participants.iter().map(|p| p.short_name.clone()).collect::<Vec<_>>().join(", "))
        }
    );
    // 5. Training and materials.
    let _ = writeln!(
        h,
        "<h2>5. {}</h2>\n<p>{}: {:.1} · {}: {}</p>\n<p>{}: {} · {}: {}</p>",
        t("Курстук даярдоо жана материалдар", "Курсовая подготовка и материалы"),
        t("Курстук даярдоо, саат", "Курсовая подготовка, часов"),
        f.training.total_hours,
        t("окугандар", "прошли обучение"),
        f.training.teachers_trained,
        t("Даярдалган материалдар", "Подготовлено материалов"),
        f.materials.produced,
        t("жарыяланды", "опубликовано"),
        f.materials.published
    );
    table(
        &mut h,
        &[t("Материалдын түрү", "Вид материала"), t("Саны", "Количество")],
        f.materials
            .by_kind
            .iter()
            .map(|c| {
                let label = usul_domain::records::material_kind_label(&c.code)
                    .map_or_else(|| c.code.clone(), |l| l.get(lang).to_owned());
                vec![label, c.count.to_string()]
            })
            .collect(),
    );
    // 6. Meetings.
    let _ = writeln!(h, "<h2>6. {}</h2>", t("Өткөрүлгөн жыйналыштар", "Проведённые заседания"));
    table(
        &mut h,
        &[t("Күнү", "Дата"), t("Орган", "Орган"), t("Протокол №", "Протокол №")],
        f.meetings
            .iter()
            .map(|m| {
                let body = m.commission_name.clone().unwrap_or_else(|| {
                    usul_domain::meeting::BodyKind::parse(&m.body)
                        .map_or_else(|| m.body.clone(), |b| b.label().get(lang).to_owned())
                });
                vec![date(m.date), body, m.protocol_number.map_or_else(|| "—".to_owned(), |n| n.to_string())]
            })
            .collect(),
    );
    // 7. Knowledge quality.
    let q = &f.knowledge_quality;
    let _ = writeln!(h, "<h2>7. {}</h2>", t("Окуучулардын билим сапаты", "Качество знаний учащихся"));
    let term = |code: Option<&String>| {
        code.and_then(|c| usul_domain::quality::Term::parse(c))
            .map_or_else(|| "—".to_owned(), |t| t.label().get(lang).to_owned())
    };
    let students = |x: Option<&crate::routes::reports::QualityFigures>| x.map_or(0, |x| x.students);
    let points = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{v:+.1}"));
    let _ = writeln!(
        h,
        "<p>{}: {} ({} {}) · {}: {} ({} {}) · {}: {} · {}: {}</p>",
        t("Быйыл", "Этот год"),
        term(q.term.as_ref()),
        students(q.current.as_ref()),
        t("баа", "оценок"),
        t("өткөн жылы", "прошлый год"),
        term(q.previous_term.as_ref()),
        students(q.previous.as_ref()),
        t("баа", "оценок"),
        t("өздөштүрүүнүн өзгөрүшү, пункт", "изменение успеваемости, п."),
        points(q.success_change),
        t("сапаттын өзгөрүшү, пункт", "изменение качества, п."),
        points(q.quality_change)
    );
    let fig = |x: Option<&crate::routes::reports::QualityFigures>, success: bool| {
        x.map_or_else(|| "—".to_owned(), |x| pct(if success { x.success_percent } else { x.quality_percent }))
    };
    let mut rows: Vec<Vec<String>> = q
        .per_subject
        .iter()
        .map(|s| {
            vec![
                s.subject_name.clone(),
                fig(s.previous.as_ref(), true),
                fig(s.current.as_ref(), true),
                fig(s.previous.as_ref(), false),
                fig(s.current.as_ref(), false),
            ]
        })
        .collect();
    rows.push(vec![
        t("Бардыгы", "Итого").to_owned(),
        fig(q.previous.as_ref(), true),
        fig(q.current.as_ref(), true),
        fig(q.previous.as_ref(), false),
        fig(q.current.as_ref(), false),
    ]);
    table(
        &mut h,
        &[
            t("Предмет", "Предмет"),
            t("Өздөштүрүү, өткөн жыл", "Успеваемость, прошлый год"),
            t("Өздөштүрүү", "Успеваемость"),
            t("Сапат, өткөн жыл", "Качество, прошлый год"),
            t("Сапат", "Качество"),
        ],
        rows,
    );
    // 8. Narrative.
    for (n, (head, text)) in [
        (t("Жетишкендиктер", "Достижения"), &r.achievements),
        (t("Көйгөйлөр", "Проблемы"), &r.problems),
        (t("Кийинки жылга сунуштар", "Предложения на следующий год"), &r.proposals),
    ]
    .into_iter()
    .enumerate()
    {
        let _ = writeln!(h, "<h2>{}. {}</h2>\n<p>{}</p>", n + 8, head, escape(text.as_deref().unwrap_or("—")));
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape("<b>\"ө\" & 'ү'</b>"), "&lt;b&gt;&quot;ө&quot; &amp; &#39;ү&#39;&lt;/b&gt;");
    }
}
