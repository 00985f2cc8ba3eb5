//! A report's figures as stored (R-5.4): what was computed, with the names of the people,
//! subjects and commissions as they were when the figures were taken, so that a submitted
//! report reads the same for ever. The format is versioned and owned here, not by the API:
//! the API maps it to its response with `From`, and rows written before the format carried a
//! version read as version 1.

use super::count;
use super::figures::{Figures, QualityFigures as ComputedQuality};
use crate::ids::{CommissionId, StaffId, SubjectId};
use crate::meeting::Body;
use crate::quality::{GradeCounts, change};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// The names the stored figures print, looked up when they are taken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// "Үсөнова А.Б." per person named.
    pub people: HashMap<StaffId, String>,
    pub subjects: HashMap<SubjectId, String>,
    pub commissions: HashMap<CommissionId, String>,
}

/// Why stored figures could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StoredFiguresError {
    /// Written by a newer version of the service.
    #[error("unknown figures format version {0}")]
    UnknownVersion(u32),
}

/// A report's figures as stored, by format version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Envelope", into = "Envelope")]
pub enum StoredFigures {
    /// The first format (also every row written before formats were versioned).
    V1(FiguresV1),
}

impl StoredFigures {
    /// The version written today.
    pub const CURRENT_VERSION: u32 = 1;

    /// Takes the figures for storing, with the names they print.
    #[must_use]
    pub fn freeze(f: &Figures, names: &Names) -> Self {
        Self::V1(FiguresV1::of(f, names))
    }

    /// The day the figures are for.
    #[must_use]
    pub const fn as_of(&self) -> NaiveDate {
        match self {
            Self::V1(f) => f.as_of,
        }
    }
}

/// The stored envelope: the version beside the figures' own fields. Rows written before the
/// version existed have none and are version 1 (their fields are exactly version 1's).
#[derive(Serialize, Deserialize)]
struct Envelope {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    format_version: Option<u32>,
    #[serde(flatten)]
    figures: FiguresV1,
}

impl TryFrom<Envelope> for StoredFigures {
    type Error = StoredFiguresError;

    fn try_from(e: Envelope) -> Result<Self, Self::Error> {
        match e.format_version {
            None | Some(1) => Ok(Self::V1(e.figures)),
            Some(n) => Err(StoredFiguresError::UnknownVersion(n)),
        }
    }
}

impl From<StoredFigures> for Envelope {
    fn from(s: StoredFigures) -> Self {
        match s {
            StoredFigures::V1(figures) => Self { format_version: Some(1), figures },
        }
    }
}

// ---------- version 1 ----------

/// A person named in a report, as they were named when the figures were taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub staff_id: Uuid,
    pub short_name: String,
}

/// A count of something by its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCount {
    pub code: String,
    pub count: u32,
}

/// One responsible person's execution of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibleLine {
    #[serde(flatten)]
    pub person: PersonRef,
    pub items: u32,
    pub done: u32,
    pub overdue: u32,
}

/// Plan execution (R-5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSection {
    pub plan_id: Uuid,
    pub title: String,
    pub items: u32,
    pub by_progress: Vec<CodeCount>,
    pub percent_done: f64,
    pub overdue: u32,
    pub by_responsible: Vec<ResponsibleLine>,
}

/// Activities held (R-4.1–R-4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySection {
    pub total: u32,
    pub by_group: Vec<CodeCount>,
    pub by_form: Vec<CodeCount>,
}

/// An open lesson or master class and who gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentationLine {
    pub activity_id: Uuid,
    pub form: String,
    pub title: String,
    pub date: NaiveDate,
    pub presenters: Vec<PersonRef>,
}

/// One person's part in the year's work (R-1.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Confirmed work beyond the school by level (R-1.3); absent (zero) in reports frozen
    /// before it was counted.
    #[serde(default)]
    pub outside_work: OutsideLevels,
    pub took_part: bool,
}

/// Confirmed work beyond the school, counted by level (R-1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutsideLevels {
    pub school: u32,
    pub district: u32,
    pub city: u32,
    pub republic: u32,
    pub international: u32,
}

impl OutsideLevels {
    /// The stored form of the counts.
    #[must_use]
    pub const fn of(c: crate::records::outside::OutsideCounts) -> Self {
        let [school, district, city, republic, international] = c.0;
        Self { school, district, city, republic, international }
    }

    /// The counts again.
    #[must_use]
    pub const fn counts(self) -> crate::records::outside::OutsideCounts {
        crate::records::outside::OutsideCounts([
            self.school,
            self.district,
            self.city,
            self.republic,
            self.international,
        ])
    }
}

/// Participation per teacher, with those who took no part named (R-1.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipationSection {
    pub people: u32,
    pub took_part: u32,
    pub per_teacher: Vec<ParticipationLine>,
    pub non_participants: Vec<PersonRef>,
}

/// Course training (R-4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSection {
    pub total_hours: f64,
    pub teachers_trained: u32,
}

/// Materials produced and published (R-4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialSection {
    pub produced: u32,
    pub published: u32,
    pub by_kind: Vec<CodeCount>,
}

/// A meeting held, with its protocol number (R-5.2, R-5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingLine {
    pub meeting_id: Uuid,
    pub body: String,
    pub commission_id: Option<Uuid>,
    /// Absent from rows stored before meetings carried their commission's name.
    #[serde(default)]
    pub commission_name: Option<String>,
    pub date: NaiveDate,
    pub protocol_number: Option<u32>,
}

/// Success % and quality % of a set of rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QualityFigures {
    pub students: u32,
    pub success_percent: f64,
    pub quality_percent: f64,
}

impl From<GradeCounts> for QualityFigures {
    fn from(g: GradeCounts) -> Self {
        Self { students: g.students(), success_percent: g.success_percent(), quality_percent: g.quality_percent() }
    }
}

/// A subject's knowledge quality, this year and last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubjectQualityLine {
    pub subject_id: Uuid,
    pub subject_name: String,
    pub current: Option<QualityFigures>,
    pub previous: Option<QualityFigures>,
    pub success_change: Option<f64>,
    pub quality_change: Option<f64>,
}

/// Knowledge quality against the previous year (R-5.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualitySection {
    pub term: Option<String>,
    pub previous_term: Option<String>,
    pub current: Option<QualityFigures>,
    pub previous: Option<QualityFigures>,
    pub success_change: Option<f64>,
    pub quality_change: Option<f64>,
    pub per_subject: Vec<SubjectQualityLine>,
}

/// Version 1 of the stored figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiguresV1 {
    pub as_of: NaiveDate,
    pub plan: Option<PlanSection>,
    pub activities: ActivitySection,
    pub open_lessons_and_master_classes: Vec<PresentationLine>,
    pub participation: ParticipationSection,
    pub training: TrainingSection,
    pub materials: MaterialSection,
    pub meetings: Vec<MeetingLine>,
    pub knowledge_quality: QualitySection,
    /// The district's support the school received in the year (R-3.1): its events and visits;
    /// empty on a commission's report and on reports frozen before it was counted.
    #[serde(default)]
    pub support_received: Vec<SupportLine>,
}

/// One district event or visit as the school received it (R-3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportLine {
    pub date: NaiveDate,
    pub form: String,
    pub topic: String,
    /// Whether it served the school itself (a visit to it).
    pub served: bool,
    /// The school's teachers who took part.
    pub teachers: u32,
}

impl From<&crate::support::Received> for SupportLine {
    fn from(r: &crate::support::Received) -> Self {
        Self { date: r.on, form: r.form.clone(), topic: r.topic.clone(), served: r.served, teachers: r.teachers }
    }
}

fn code_counts<'a>(v: impl IntoIterator<Item = (&'a str, u32)>) -> Vec<CodeCount> {
    v.into_iter().map(|(code, count)| CodeCount { code: code.to_owned(), count }).collect()
}

/// Changes of success % and quality % in points, when there is a year to compare with.
fn changes(now: Option<&QualityFigures>, before: Option<&QualityFigures>) -> (Option<f64>, Option<f64>) {
    let Some(n) = now else { return (None, None) };
    (
        change(n.success_percent, before.map(|b| b.success_percent)),
        change(n.quality_percent, before.map(|b| b.quality_percent)),
    )
}

fn quality_section(q: &ComputedQuality, names: &Names) -> QualitySection {
    let (current, previous) = (q.now.map(QualityFigures::from), q.before.map(QualityFigures::from));
    let (success_change, quality_change) = changes(current.as_ref(), previous.as_ref());
    QualitySection {
        term: q.term.map(|t| t.code().to_owned()),
        previous_term: q.term_before.map(|t| t.code().to_owned()),
        current,
        previous,
        success_change,
        quality_change,
        per_subject: q
            .per_subject
            .iter()
            .map(|s| {
                let (current, previous) = (s.now.map(QualityFigures::from), s.before.map(QualityFigures::from));
                let (success_change, quality_change) = changes(current.as_ref(), previous.as_ref());
                SubjectQualityLine {
                    subject_id: s.subject.uuid(),
                    subject_name: names.subjects.get(&s.subject).cloned().unwrap_or_default(),
                    current,
                    previous,
                    success_change,
                    quality_change,
                }
            })
            .collect(),
    }
}

impl FiguresV1 {
    /// The computed figures with their names, in version 1's layout.
    #[must_use]
    pub fn of(f: &Figures, names: &Names) -> Self {
        let person = |s: StaffId| PersonRef {
            staff_id: s.uuid(),
            short_name: names.people.get(&s).cloned().unwrap_or_default(),
        };
        Self {
            as_of: f.as_of,
            plan: f.plan.as_ref().map(|p| PlanSection {
                plan_id: p.plan.uuid(),
                title: p.title.clone(),
                items: p.items,
                by_progress: code_counts(p.by_progress.iter().map(|(m, n)| (m.code(), *n))),
                percent_done: p.percent_done,
                overdue: p.overdue,
                by_responsible: p
                    .by_responsible
                    .iter()
                    .map(|r| ResponsibleLine {
                        person: person(r.staff),
                        items: r.items,
                        done: r.done,
                        overdue: r.overdue,
                    })
                    .collect(),
            }),
            activities: ActivitySection {
                total: f.activities,
                by_group: code_counts(f.by_group.iter().map(|(g, n)| (g.code(), *n))),
                by_form: code_counts(f.by_form.iter().map(|(c, n)| (c.as_str(), *n))),
            },
            open_lessons_and_master_classes: f
                .presentations
                .iter()
                .map(|p| PresentationLine {
                    activity_id: p.activity.uuid(),
                    form: p.form.clone(),
                    title: p.title.clone(),
                    date: p.on,
                    presenters: p.presenters.iter().map(|s| person(*s)).collect(),
                })
                .collect(),
            participation: ParticipationSection {
                people: count(f.participation.len()),
                took_part: count(f.participation.iter().filter(|(_, p)| p.took_part()).count()),
                per_teacher: f
                    .participation
                    .iter()
                    .map(|(s, p)| ParticipationLine {
                        person: person(*s),
                        qualification: p.qualification,
                        innovation: p.innovation,
                        information: p.information,
                        presented: p.presented,
                        mentoring: p.mentoring,
                        training_hours: p.training_hours.as_f64(),
                        materials: p.materials,
                        outside_work: OutsideLevels::of(p.outside),
                        took_part: p.took_part(),
                    })
                    .collect(),
                non_participants: f.non_participants.iter().map(|s| person(*s)).collect(),
            },
            training: TrainingSection { total_hours: f.training_hours.as_f64(), teachers_trained: f.teachers_trained },
            materials: MaterialSection {
                produced: f.materials,
                published: f.materials_published,
                by_kind: code_counts(f.materials_by_kind.iter().map(|(c, n)| (c.as_str(), *n))),
            },
            meetings: f
                .meetings
                .iter()
                .map(|m| {
                    let commission = match m.body {
                        Body::Commission(c) => Some(c),
                        _ => None,
                    };
                    MeetingLine {
                        meeting_id: m.id.uuid(),
                        body: m.body.kind().code().to_owned(),
                        commission_id: commission.map(CommissionId::uuid),
                        commission_name: commission.and_then(|c| names.commissions.get(&c).cloned()),
                        date: m.date,
                        protocol_number: m.protocol_number,
                    }
                })
                .collect(),
            knowledge_quality: quality_section(&f.quality, names),
            support_received: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A frozen report's figures exactly as the service stored them before the format carried
    /// a version (taken from a submitted report of the demo school, shortened), and before
    /// meetings carried their commission's name.
    const UNVERSIONED: &str = r#"{
        "as_of": "2023-05-31",
        "plan": {"plan_id": "0192f0c4-0000-7000-8000-000000000301", "title": "Бирдиктүү план", "items": 3,
                 "by_progress": [{"code": "done", "count": 2}, {"code": "planned", "count": 1}],
                 "percent_done": 66.7, "overdue": 0,
                 "by_responsible": [{"staff_id": "0192f0c4-0000-7000-8000-000000000101", "short_name": "Үсөнова А.Б.", "items": 3, "done": 2, "overdue": 0}]},
        "activities": {"total": 2, "by_group": [{"code": "innovation", "count": 2}], "by_form": [{"code": "open_lesson", "count": 2}]},
        "open_lessons_and_master_classes": [{"activity_id": "0192f0c4-0000-7000-8000-000000000401", "form": "open_lesson",
            "title": "Ачык сабак", "date": "2023-04-12", "presenters": [{"staff_id": "0192f0c4-0000-7000-8000-000000000101", "short_name": "Үсөнова А.Б."}]}],
        "participation": {"people": 1, "took_part": 1, "per_teacher": [{"staff_id": "0192f0c4-0000-7000-8000-000000000101",
            "short_name": "Үсөнова А.Б.", "qualification": 1, "innovation": 2, "information": 0, "presented": 2,
            "mentoring": 0, "training_hours": 72.0, "materials": 1, "took_part": true}], "non_participants": []},
        "training": {"total_hours": 72.0, "teachers_trained": 1},
        "materials": {"produced": 1, "published": 0, "by_kind": [{"code": "lesson_notes", "count": 1}]},
        "meetings": [{"meeting_id": "0192f0c4-0000-7000-8000-000000000501", "body": "commission",
                      "commission_id": "0192f0c4-0000-7000-8000-000000000201", "date": "2022-09-01", "protocol_number": 1}],
        "knowledge_quality": {"term": "year", "previous_term": null,
            "current": {"students": 20, "success_percent": 95.0, "quality_percent": 50.0}, "previous": null,
            "success_change": null, "quality_change": null, "per_subject": []}
    }"#;

    #[test]
    fn figures_stored_before_formats_were_versioned_read_as_version_1_r_5_4() {
        let StoredFigures::V1(f) = serde_json::from_str::<StoredFigures>(UNVERSIONED).unwrap();
        assert_eq!(f.as_of, NaiveDate::from_ymd_opt(2023, 5, 31).unwrap());
        assert_eq!(f.plan.as_ref().unwrap().by_responsible[0].person.short_name, "Үсөнова А.Б.");
        assert!((f.plan.as_ref().unwrap().percent_done - 66.7).abs() < 1e-9);
        assert_eq!(f.participation.per_teacher[0].innovation, 2);
        assert_eq!(f.meetings[0].commission_name, None, "meetings stored before names had none");
        assert_eq!(f.meetings[0].protocol_number, Some(1));
        assert_eq!(f.knowledge_quality.current.unwrap().students, 20);
    }

    #[test]
    fn figures_are_written_with_their_version_and_read_back_the_same_r_5_4() {
        let old: StoredFigures = serde_json::from_str(UNVERSIONED).unwrap();
        let text = serde_json::to_string(&old).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["format_version"], 1);
        assert_eq!(v["training"]["total_hours"], 72.0, "the fields stay at the top level");
        assert_eq!(serde_json::from_str::<StoredFigures>(&text).unwrap(), old);
    }

    #[test]
    fn figures_of_an_unknown_version_are_refused_rather_than_misread() {
        let mut v: serde_json::Value = serde_json::from_str(UNVERSIONED).unwrap();
        v["format_version"] = 2.into();
        let e = serde_json::from_value::<StoredFigures>(v).unwrap_err();
        assert!(e.to_string().contains("unknown figures format version 2"), "{e}");
    }

    #[test]
    fn frozen_figures_keep_the_names_they_were_taken_with_r_5_4() {
        use crate::ids::{ActivityId, MeetingId};
        use crate::report::MeetingFacts;
        use crate::report::figures::{Presentation, QualityFigures as Q};
        let (a, c) = (StaffId::from_uuid(Uuid::from_u128(1)), CommissionId::from_uuid(Uuid::from_u128(2)));
        let day = NaiveDate::from_ymd_opt(2023, 4, 12).unwrap();
        let f = Figures {
            as_of: day,
            plan: None,
            activities: 1,
            by_group: Vec::new(),
            by_form: vec![("open_lesson".to_owned(), 1)],
            presentations: vec![Presentation {
                activity: ActivityId::from_uuid(Uuid::from_u128(3)),
                form: "open_lesson".to_owned(),
                title: "Ачык сабак".to_owned(),
                on: day,
                presenters: vec![a],
            }],
            participation: Vec::new(),
            non_participants: vec![a],
            training_hours: crate::records::Hours::default(),
            teachers_trained: 0,
            materials: 0,
            materials_published: 0,
            materials_by_kind: Vec::new(),
            meetings: vec![MeetingFacts {
                id: MeetingId::from_uuid(Uuid::from_u128(4)),
                body: Body::Commission(c),
                date: day,
                protocol_number: Some(3),
            }],
            quality: Q { term: None, term_before: None, now: None, before: None, per_subject: Vec::new() },
        };
        let mut names = Names::default();
        names.people.insert(a, "Үсөнова А.Б.".to_owned());
        names.commissions.insert(c, "Филология".to_owned());
        let StoredFigures::V1(v1) = StoredFigures::freeze(&f, &names);
        assert_eq!(v1.open_lessons_and_master_classes[0].presenters[0].short_name, "Үсөнова А.Б.");
        assert_eq!(v1.participation.non_participants[0].short_name, "Үсөнова А.Б.");
        assert_eq!(v1.meetings[0].commission_name.as_deref(), Some("Филология"));
        assert_eq!(v1.meetings[0].body, "commission");
        assert_eq!(v1.knowledge_quality.success_change, None);
    }
}
