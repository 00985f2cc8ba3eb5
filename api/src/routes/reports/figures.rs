//! A report's computed sections as the API shows them. They are read from the domain's stored
//! figures (whatever version a report was stored in) by `From`; this is a response shape only.

use chrono::NaiveDate;
use serde::Serialize;
use usul_domain::report::StoredFigures;
use usul_domain::report::stored::{self, FiguresV1};
use utoipa::ToSchema;
use uuid::Uuid;

/// A person named in a report, as they were named when the figures were taken.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonRef {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
}

/// A count of something by its code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CodeCount {
    /// A progress mark, catalogue group, form or material kind.
    #[schema(example = "open_lesson")]
    pub code: String,
    #[schema(example = 4)]
    pub count: u32,
}

/// One responsible person's execution of the plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResponsibleLine {
    #[serde(flatten)]
    pub person: PersonRef,
    pub items: u32,
    pub done: u32,
    pub overdue: u32,
}

/// Plan execution: the unified plan for a school report, the commission's plan for a
/// commission report; its approved version, else its newest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanSection {
    pub plan_id: Uuid,
    pub title: String,
    pub items: u32,
    /// Items per progress mark (`planned`, `done`, `partly_done`, `not_done`, `postponed`, `cancelled`).
    pub by_progress: Vec<CodeCount>,
    /// Done of the items not cancelled, %.
    #[schema(example = 66.7)]
    pub percent_done: f64,
    /// Due before the figures' day and neither done nor cancelled.
    pub overdue: u32,
    pub by_responsible: Vec<ResponsibleLine>,
}

/// Activities held.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivitySection {
    pub total: u32,
    /// Per catalogue group (`qualification`, `innovation`, `information`); a form may count in two.
    pub by_group: Vec<CodeCount>,
    /// Per catalogue form.
    pub by_form: Vec<CodeCount>,
}

/// An open lesson or master class and who gave it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PresentationLine {
    pub activity_id: Uuid,
    #[schema(example = "open_lesson")]
    pub form: String,
    pub title: String,
    pub date: NaiveDate,
    pub presenters: Vec<PersonRef>,
}

/// One person's part in the year's work.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipationLine {
    #[serde(flatten)]
    pub person: PersonRef,
    pub qualification: u32,
    pub innovation: u32,
    pub information: u32,
    pub presented: u32,
    pub mentoring: u32,
    pub training_hours: f64,
    pub materials: u32,
    /// Confirmed work beyond the school, by level.
    pub outside_work: crate::routes::records::outside::OutsideByLevel,
    pub took_part: bool,
}

/// Participation per teacher, with those who took no part named.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipationSection {
    /// People counted: the school's active staff, or the commission's members.
    pub people: u32,
    pub took_part: u32,
    pub per_teacher: Vec<ParticipationLine>,
    pub non_participants: Vec<PersonRef>,
}

/// Course training.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrainingSection {
    #[schema(example = 144.0)]
    pub total_hours: f64,
    pub teachers_trained: u32,
}

/// Materials produced and published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MaterialSection {
    pub produced: u32,
    pub published: u32,
    pub by_kind: Vec<CodeCount>,
}

/// A meeting held, with its protocol number.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingLine {
    pub meeting_id: Uuid,
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[schema(example = "commission")]
    pub body: String,
    pub commission_id: Option<Uuid>,
    /// The commission's name, for a commission's meeting.
    pub commission_name: Option<String>,
    pub date: NaiveDate,
    #[schema(example = 1)]
    pub protocol_number: Option<u32>,
}

/// Success % and quality % of a set of rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualityFigures {
    pub students: u32,
    #[schema(example = 92.0)]
    pub success_percent: f64,
    #[schema(example = 60.0)]
    pub quality_percent: f64,
}

/// A subject's knowledge quality, this year and last.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubjectQualityLine {
    pub subject_id: Uuid,
    #[schema(example = "Математика")]
    pub subject_name: String,
    pub current: Option<QualityFigures>,
    pub previous: Option<QualityFigures>,
    /// Change of success % in points.
    pub success_change: Option<f64>,
    /// Change of quality % in points.
    pub quality_change: Option<f64>,
}

/// Knowledge quality against the previous year, on the most final term entered (the
/// annual grades, else the latest term).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QualitySection {
    /// `1`–`4` or `year`; `null` when nothing was entered.
    pub term: Option<String>,
    pub previous_term: Option<String>,
    pub current: Option<QualityFigures>,
    pub previous: Option<QualityFigures>,
    pub success_change: Option<f64>,
    pub quality_change: Option<f64>,
    pub per_subject: Vec<SubjectQualityLine>,
}

/// A report's computed sections, assembled from the records.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportFigures {
    /// The day the figures are for.
    pub as_of: NaiveDate,
    pub plan: Option<PlanSection>,
    pub activities: ActivitySection,
    pub open_lessons_and_master_classes: Vec<PresentationLine>,
    pub participation: ParticipationSection,
    pub training: TrainingSection,
    pub materials: MaterialSection,
    pub meetings: Vec<MeetingLine>,
    pub knowledge_quality: QualitySection,
    /// The district's methodological events and visits the school received; empty on
    /// a commission's report.
    pub support_received: Vec<SupportLine>,
}

/// One district event or visit as the school received it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupportLine {
    pub date: NaiveDate,
    #[schema(example = "school_visit")]
    pub form: String,
    #[schema(example = "Жаш мугалимдердин сабактарына катышуу")]
    pub topic: String,
    /// Whether it served the school itself (a visit to it, a seminar for it).
    pub served: bool,
    /// The school's teachers who took part.
    pub teachers: u32,
}

impl From<&StoredFigures> for ReportFigures {
    fn from(s: &StoredFigures) -> Self {
        match s {
            StoredFigures::V1(f) => Self::from(f),
        }
    }
}

fn counts(v: &[stored::CodeCount]) -> Vec<CodeCount> {
    v.iter().map(|c| CodeCount { code: c.code.clone(), count: c.count }).collect()
}

fn people(v: &[stored::PersonRef]) -> Vec<PersonRef> {
    v.iter().map(PersonRef::from).collect()
}

impl From<&stored::PersonRef> for PersonRef {
    fn from(p: &stored::PersonRef) -> Self {
        Self { staff_id: p.staff_id, short_name: p.short_name.clone() }
    }
}

impl From<&stored::PlanSection> for PlanSection {
    fn from(p: &stored::PlanSection) -> Self {
        Self {
            plan_id: p.plan_id,
            title: p.title.clone(),
            items: p.items,
            by_progress: counts(&p.by_progress),
            percent_done: p.percent_done,
            overdue: p.overdue,
            by_responsible: p
                .by_responsible
                .iter()
                .map(|r| ResponsibleLine {
                    person: PersonRef::from(&r.person),
                    items: r.items,
                    done: r.done,
                    overdue: r.overdue,
                })
                .collect(),
        }
    }
}

impl From<&stored::PresentationLine> for PresentationLine {
    fn from(p: &stored::PresentationLine) -> Self {
        Self {
            activity_id: p.activity_id,
            form: p.form.clone(),
            title: p.title.clone(),
            date: p.date,
            presenters: people(&p.presenters),
        }
    }
}

impl From<&stored::ParticipationLine> for ParticipationLine {
    fn from(p: &stored::ParticipationLine) -> Self {
        Self {
            person: PersonRef::from(&p.person),
            qualification: p.qualification,
            innovation: p.innovation,
            information: p.information,
            presented: p.presented,
            mentoring: p.mentoring,
            training_hours: p.training_hours,
            materials: p.materials,
            outside_work: p.outside_work.counts().into(),
            took_part: p.took_part,
        }
    }
}

impl From<&stored::MeetingLine> for MeetingLine {
    fn from(m: &stored::MeetingLine) -> Self {
        Self {
            meeting_id: m.meeting_id,
            body: m.body.clone(),
            commission_id: m.commission_id,
            commission_name: m.commission_name.clone(),
            date: m.date,
            protocol_number: m.protocol_number,
        }
    }
}

impl From<stored::QualityFigures> for QualityFigures {
    fn from(q: stored::QualityFigures) -> Self {
        Self { students: q.students, success_percent: q.success_percent, quality_percent: q.quality_percent }
    }
}

impl From<&stored::QualitySection> for QualitySection {
    fn from(q: &stored::QualitySection) -> Self {
        Self {
            term: q.term.clone(),
            previous_term: q.previous_term.clone(),
            current: q.current.map(QualityFigures::from),
            previous: q.previous.map(QualityFigures::from),
            success_change: q.success_change,
            quality_change: q.quality_change,
            per_subject: q
                .per_subject
                .iter()
                .map(|s| SubjectQualityLine {
                    subject_id: s.subject_id,
                    subject_name: s.subject_name.clone(),
                    current: s.current.map(QualityFigures::from),
                    previous: s.previous.map(QualityFigures::from),
                    success_change: s.success_change,
                    quality_change: s.quality_change,
                })
                .collect(),
        }
    }
}

impl From<&FiguresV1> for ReportFigures {
    fn from(f: &FiguresV1) -> Self {
        let (p, t, m) = (&f.participation, &f.training, &f.materials);
        Self {
            as_of: f.as_of,
            plan: f.plan.as_ref().map(PlanSection::from),
            activities: ActivitySection {
                total: f.activities.total,
                by_group: counts(&f.activities.by_group),
                by_form: counts(&f.activities.by_form),
            },
            open_lessons_and_master_classes: f
                .open_lessons_and_master_classes
                .iter()
                .map(PresentationLine::from)
                .collect(),
            participation: ParticipationSection {
                people: p.people,
                took_part: p.took_part,
                per_teacher: p.per_teacher.iter().map(ParticipationLine::from).collect(),
                non_participants: people(&p.non_participants),
            },
            training: TrainingSection { total_hours: t.total_hours, teachers_trained: t.teachers_trained },
            materials: MaterialSection { produced: m.produced, published: m.published, by_kind: counts(&m.by_kind) },
            meetings: f.meetings.iter().map(MeetingLine::from).collect(),
            knowledge_quality: QualitySection::from(&f.knowledge_quality),
            support_received: f
                .support_received
                .iter()
                .map(|l| SupportLine {
                    date: l.date,
                    form: l.form.clone(),
                    topic: l.topic.clone(),
                    served: l.served,
                    teachers: l.teachers,
                })
                .collect(),
        }
    }
}
