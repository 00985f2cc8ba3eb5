//! A year-end report as a printable A4 page, in the paper form schools already use.

use super::figures::{QualityFigures, ReportFigures};
use crate::documents::{PLAN_STYLE, escape};
use usul_domain::lang::Lang;
use usul_domain::org::School;
use usul_domain::report::{Hearing, Report};

/// A year-end report (*отчет*, R-5.4) in its paper form: the acceptance block, the title, the
/// computed sections as tables, then the narrative.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn report(
    r: &Report,
    f: &ReportFigures,
    school: &School,
    commission: Option<&str>,
    heard: Option<&Hearing>,
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
    let (who, on) = match &r.accepted {
        Some(a) => (a.by_name.clone().unwrap_or_default(), date(a.on)),
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
    // The meeting that heard it, with the minutes' number as paper reports cite it.
    if let Some(m) = heard {
        let body = match (commission, m.body) {
            (Some(c), usul_domain::meeting::BodyKind::Commission) => c.to_owned(),
            _ => m.body.label().get(lang).to_owned(),
        };
        let number = m.protocol_number.map_or_else(|| "___".to_owned(), |n| n.to_string());
        let _ = writeln!(
            h,
            "<p class=\"sub heard\">{}: {}, {}, {} №{}</p>",
            t("Угулду", "Заслушан"),
            escape(&body),
            date(m.date),
            t("протокол", "протокол"),
            escape(&number)
        );
    }
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
    let students = |x: Option<&QualityFigures>| x.map_or(0, |x| x.students);
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
    let fig = |x: Option<&QualityFigures>, success: bool| {
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
    // The district's support the school received, when there was any.
    if !f.support_received.is_empty() {
        let _ = writeln!(
            h,
            "<h2>{}</h2>",
            t("Билим берүү бөлүмүнүн усулдук колдоосу", "Методическая поддержка отдела образования")
        );
        table(
            &mut h,
            &[t("Күнү", "Дата"), t("Түрү", "Форма"), t("Темасы", "Тема"), t("Мугалимдер", "Учителя")],
            f.support_received
                .iter()
                .map(|l| {
                    let form = usul_domain::catalogue::find(&l.form)
                        .map_or_else(|| l.form.clone(), |c| c.label.get(lang).to_owned());
                    vec![date(l.date), form, l.topic.clone(), l.teachers.to_string()]
                })
                .collect(),
        );
    }
    // 8. Narrative.
    for (n, (head, text)) in [
        (t("Жетишкендиктер", "Достижения"), &r.narrative.achievements),
        (t("Көйгөйлөр", "Проблемы"), &r.narrative.problems),
        (t("Кийинки жылга сунуштар", "Предложения на следующий год"), &r.narrative.proposals),
    ]
    .into_iter()
    .enumerate()
    {
        let _ = writeln!(h, "<h2>{}. {}</h2>\n<p>{}</p>", n + 8, head, escape(text.as_deref().unwrap_or("—")));
    }
    h.push_str("</body></html>\n");
    h
}
