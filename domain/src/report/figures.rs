//! A report's computed sections: plan execution, activities, participation with the
//! non-participants named, training, materials, meetings and knowledge quality against
//! the previous year, assembled from what the school recorded.

use crate::catalogue::FormGroup;
use crate::commission::Commission;
use crate::ids::{ActivityId, CommissionId, MeetingId, PlanId, StaffId, SubjectId};
use crate::meeting::Body;
use crate::plan::{Plan, Progress, is_overdue, percent_done};
use crate::quality::{GradeCounts, Term, judged, most_final, total};
use crate::records::{Hours, MaterialStatus, Participation, groups_of};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// An activity as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFacts {
    pub id: ActivityId,
    pub form: String,
    pub title: String,
    pub on: NaiveDate,
    pub commission: Option<CommissionId>,
    pub organiser: Option<StaffId>,
    pub presenters: Vec<StaffId>,
}

/// An item of a plan as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMark {
    pub progress: Progress,
    pub due: Option<NaiveDate>,
    pub responsible: Vec<StaffId>,
}

/// A plan as the report counts it: its items' progress, deadlines and responsible people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    pub id: PlanId,
    pub title: String,
    pub items: Vec<ItemMark>,
}

impl PlanFacts {
    /// The facts of a loaded plan.
    #[must_use]
    pub fn of(plan: &Plan) -> Self {
        Self {
            id: plan.id,
            title: plan.title.clone(),
            items: plan
                .items
                .iter()
                .map(|i| ItemMark { progress: i.progress, due: i.due, responsible: i.responsible.clone() })
                .collect(),
        }
    }
}

/// A material as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialFacts {
    pub kind: String,
    pub status: MaterialStatus,
    pub authors: Vec<StaffId>,
    pub subject: Option<SubjectId>,
}

/// A finalized meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFacts {
    pub id: MeetingId,
    pub body: Body,
    pub date: NaiveDate,
    pub protocol_number: Option<u32>,
}

/// One row of a knowledge-quality table (a subject's counts for a term).
pub use crate::quality::TermRow as QualityRow;

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole school.
    School,
    /// One commission: its members, its subjects, its activities and meetings.
    Commission { id: CommissionId, members: Vec<StaffId>, subjects: Vec<SubjectId> },
}

impl Scope {
    /// The scope of a report on `commission`, or on the whole school.
    #[must_use]
    pub fn of(commission: Option<&Commission>) -> Self {
        commission.map_or(Self::School, |c| Self::Commission {
            id: c.id,
            members: c.members.clone(),
            subjects: c.subjects.clone(),
        })
    }

    fn person(&self, s: StaffId) -> bool {
        match self {
            Self::School => true,
            Self::Commission { members, .. } => members.contains(&s),
        }
    }

    fn subject(&self, s: SubjectId) -> bool {
        match self {
            Self::School => true,
            Self::Commission { subjects, .. } => subjects.contains(&s),
        }
    }

    fn activity(&self, a: &ActivityFacts) -> bool {
        match self {
            Self::School => true,
            // The commission's own activities; one of no commission counts for the commission
            // of its organiser. Another commission's activity is that commission's.
            Self::Commission { id, .. } => match a.commission {
                Some(c) => c == *id,
                None => a.organiser.is_some_and(|o| self.person(o)),
            },
        }
    }

    /// A material of the commission's subjects; one without a subject by its members.
    fn material(&self, m: &MaterialFacts) -> bool {
        match (self, m.subject) {
            (Self::School, _) => true,
            (Self::Commission { .. }, Some(s)) => self.subject(s),
            (Self::Commission { .. }, None) => m.authors.iter().any(|a| self.person(*a)),
        }
    }

    fn meeting(&self, m: &MeetingFacts) -> bool {
        match self {
            Self::School => true,
            Self::Commission { id, .. } => m.body == Body::Commission(*id),
        }
    }
}

/// Everything the figures are computed from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub scope: &'a Scope,
    /// The day the figures are for (overdue items are judged on it).
    pub today: NaiveDate,
    /// The plan the report accounts for: the unified plan, or the commission's plan.
    pub plan: Option<&'a PlanFacts>,
    /// The school's active pedagogical staff.
    pub staff: &'a [StaffId],
    pub activities: &'a [ActivityFacts],
    pub participation: &'a HashMap<StaffId, Participation>,
    pub materials: &'a [MaterialFacts],
    pub meetings: &'a [MeetingFacts],
    /// This year's knowledge-quality rows and last year's.
    pub quality: &'a [QualityRow],
    pub quality_before: &'a [QualityRow],
}

/// How one person carries out the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponsibleFigures {
    pub staff: StaffId,
    pub items: u32,
    pub done: u32,
    pub overdue: u32,
}

/// Plan execution.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFigures {
    pub plan: PlanId,
    pub title: String,
    pub items: u32,
    pub by_progress: Vec<(Progress, u32)>,
    pub percent_done: f64,
    pub overdue: u32,
    pub by_responsible: Vec<ResponsibleFigures>,
}

/// An open lesson or master class with its presenters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    pub activity: ActivityId,
    pub form: String,
    pub title: String,
    pub on: NaiveDate,
    pub presenters: Vec<StaffId>,
}

/// Knowledge quality of a subject, this year and last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubjectQuality {
    pub subject: SubjectId,
    pub now: Option<GradeCounts>,
    pub before: Option<GradeCounts>,
}

/// Knowledge quality against the previous year.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityFigures {
    /// The most final term judged this year and last (each subject is judged on its own most
    /// final term).
    pub term: Option<Term>,
    pub term_before: Option<Term>,
    pub now: Option<GradeCounts>,
    pub before: Option<GradeCounts>,
    pub per_subject: Vec<SubjectQuality>,
}

/// The computed sections of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub as_of: NaiveDate,
    pub plan: Option<PlanFigures>,
    pub activities: u32,
    pub by_group: Vec<(FormGroup, u32)>,
    pub by_form: Vec<(String, u32)>,
    pub presentations: Vec<Presentation>,
    /// Every person in scope with what they did, in the order of `staff`.
    pub participation: Vec<(StaffId, Participation)>,
    /// Those who took no part at all, named.
    pub non_participants: Vec<StaffId>,
    pub training_hours: Hours,
    pub teachers_trained: u32,
    pub materials: u32,
    pub materials_published: u32,
    pub materials_by_kind: Vec<(String, u32)>,
    pub meetings: Vec<MeetingFacts>,
    pub quality: QualityFigures,
}

impl Figures {
    /// Everyone the figures name, once each, in id order: those responsible for plan items,
    /// presenters and the people counted (some of whom may have left since).
    #[must_use]
    pub fn people_named(&self) -> Vec<StaffId> {
        let mut named: Vec<StaffId> = self.plan.iter().flat_map(|p| p.by_responsible.iter().map(|r| r.staff)).collect();
        named.extend(self.presentations.iter().flat_map(|p| p.presenters.iter().copied()));
        named.extend(self.participation.iter().map(|(s, _)| *s));
        named.sort_unstable();
        named.dedup();
        named
    }
}

/// The day a report's figures are for: today, or the year's last day once the year is over.
#[must_use]
pub fn figures_day(year: crate::year::AcademicYear, today: NaiveDate) -> NaiveDate {
    today.min(year.last_day())
}

/// A count as the figures carry it.
pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Plan execution: items by progress, % done, overdue, per responsible person.
#[must_use]
pub fn plan_figures(plan: &PlanFacts, today: NaiveDate) -> PlanFigures {
    let marks: Vec<Progress> = plan.items.iter().map(|i| i.progress).collect();
    let by_progress = Progress::ALL.iter().map(|p| (*p, count(marks.iter().filter(|m| *m == p).count()))).collect();
    let mut people: Vec<StaffId> = plan.items.iter().flat_map(|i| i.responsible.iter().copied()).collect();
    people.sort_unstable();
    people.dedup();
    let mut per: HashMap<StaffId, ResponsibleFigures> =
        people.iter().map(|s| (*s, ResponsibleFigures { staff: *s, items: 0, done: 0, overdue: 0 })).collect();
    let mut overdue = 0;
    for i in &plan.items {
        let late = is_overdue(i.due, i.progress, today);
        overdue += u32::from(late);
        for s in &i.responsible {
            if let Some(r) = per.get_mut(s) {
                r.items += 1;
                r.done += u32::from(i.progress == Progress::Done);
                r.overdue += u32::from(late);
            }
        }
    }
    PlanFigures {
        plan: plan.id,
        title: plan.title.clone(),
        items: count(plan.items.len()),
        by_progress,
        percent_done: percent_done(&marks),
        overdue,
        by_responsible: people.iter().filter_map(|s| per.get(s).copied()).collect(),
    }
}

fn quality_figures(scope: &Scope, now: &[QualityRow], before: &[QualityRow]) -> QualityFigures {
    let pick = |rows: &[QualityRow]| -> (Option<Term>, Vec<QualityRow>) {
        let rows: Vec<QualityRow> = rows.iter().filter(|r| scope.subject(r.subject)).copied().collect();
        let rows = judged(&rows);
        (most_final(rows.iter().map(|r| r.term)), rows)
    };
    let (term, now) = pick(now);
    let (term_before, before) = pick(before);
    let by_subject = |rows: &[QualityRow]| -> BTreeMap<SubjectId, GradeCounts> {
        let mut m: BTreeMap<SubjectId, GradeCounts> = BTreeMap::new();
        for r in rows {
            m.entry(r.subject).and_modify(|c| *c = c.plus(r.counts)).or_insert(r.counts);
        }
        m
    };
    let (a, b) = (by_subject(&now), by_subject(&before));
    let mut subjects: Vec<SubjectId> = a.keys().chain(b.keys()).copied().collect();
    subjects.sort_unstable();
    subjects.dedup();
    QualityFigures {
        term,
        term_before,
        now: total(now.iter().map(|r| r.counts)),
        before: total(before.iter().map(|r| r.counts)),
        per_subject: subjects
            .into_iter()
            .map(|s| SubjectQuality { subject: s, now: a.get(&s).copied(), before: b.get(&s).copied() })
            .collect(),
    }
}

/// Assembles a report's computed sections from the records.
#[must_use]
pub fn assemble(i: Inputs<'_>) -> Figures {
    let scope = i.scope;
    let activities: Vec<&ActivityFacts> = i.activities.iter().filter(|a| scope.activity(a)).collect();
    let mut by_group: Vec<(FormGroup, u32)> = FormGroup::ALL.iter().map(|g| (*g, 0)).collect();
    let mut by_form: BTreeMap<String, u32> = BTreeMap::new();
    for a in &activities {
        for g in groups_of(&a.form).unwrap_or(&[]) {
            if let Some(slot) = by_group.iter_mut().find(|(x, _)| x == g) {
                slot.1 += 1;
            }
        }
        *by_form.entry(a.form.clone()).or_default() += 1;
    }
    let mut presentations: Vec<Presentation> = activities
        .iter()
        .filter(|a| matches!(a.form.as_str(), "open_lesson" | "master_class"))
        .map(|a| Presentation {
            activity: a.id,
            form: a.form.clone(),
            title: a.title.clone(),
            on: a.on,
            presenters: a.presenters.clone(),
        })
        .collect();
    presentations.sort_by_key(|a| (a.on, a.activity));
    let people: Vec<StaffId> = i.staff.iter().copied().filter(|s| scope.person(*s)).collect();
    let participation: Vec<(StaffId, Participation)> =
        people.iter().map(|s| (*s, i.participation.get(s).copied().unwrap_or_default())).collect();
    let non_participants = participation.iter().filter(|(_, p)| !p.took_part()).map(|(s, _)| *s).collect();
    let training_hours = Hours::from_tenths(participation.iter().map(|(_, p)| p.training_hours.tenths()).sum::<u32>());
    let teachers_trained = count(participation.iter().filter(|(_, p)| p.training_hours.tenths() > 0).count());
    let materials: Vec<&MaterialFacts> = i.materials.iter().filter(|m| scope.material(m)).collect();
    let mut materials_by_kind: BTreeMap<String, u32> = BTreeMap::new();
    for m in &materials {
        *materials_by_kind.entry(m.kind.clone()).or_default() += 1;
    }
    let mut meetings: Vec<MeetingFacts> = i.meetings.iter().filter(|m| scope.meeting(m)).copied().collect();
    meetings.sort_by_key(|m| (m.date, m.protocol_number));
    Figures {
        as_of: i.today,
        plan: i.plan.map(|p| plan_figures(p, i.today)),
        activities: count(activities.len()),
        by_group,
        by_form: by_form.into_iter().collect(),
        presentations,
        participation,
        non_participants,
        training_hours,
        teachers_trained,
        materials: count(materials.len()),
        materials_published: count(materials.iter().filter(|m| m.status == MaterialStatus::Published).count()),
        materials_by_kind: materials_by_kind.into_iter().collect(),
        meetings,
        quality: quality_figures(scope, i.quality, i.quality_before),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::ids::{ItemId, SchoolId};
    use crate::plan::{Item, Owner, PlanKind, PlanStatus};
    use crate::records::ParticipantRole;
    use crate::year::AcademicYear;
    use uuid::Uuid;

    fn staff(n: u128) -> StaffId {
        StaffId::from_uuid(Uuid::from_u128(n))
    }
    fn subject(n: u128) -> SubjectId {
        SubjectId::from_uuid(Uuid::from_u128(1000 + n))
    }
    fn subject_of(n: u128) -> SubjectId {
        subject(n)
    }
    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(if m >= 9 { 2022 } else { 2023 }, m, d).unwrap()
    }
    fn item(n: u32, progress: Progress, due: NaiveDate, who: &[StaffId]) -> Item {
        Item {
            id: ItemId::from_uuid(Uuid::from_u128(u128::from(n) + 5000)),
            position: n,
            title: format!("item {n}"),
            description: None,
            form: Some("seminar".to_owned()),
            direction: None,
            start: None,
            due: Some(due),
            responsible: who.to_vec(),
            expected_result: None,
            progress,
            completed_on: None,
            outcome: None,
            evidence: Vec::new(),
        }
    }
    fn plan(items: Vec<Item>) -> Plan {
        Plan {
            id: PlanId::from_uuid(Uuid::from_u128(77)),
            school: SchoolId::from_uuid(Uuid::from_u128(1)),
            kind: PlanKind::School,
            owner: Owner::School(SchoolId::from_uuid(Uuid::from_u128(1))),
            year: AcademicYear::starting(2022).unwrap(),
            version_no: 1,
            status: PlanStatus::Approved,
            title: "Бирдиктүү план".to_owned(),
            goal: None,
            personal_theme: None,
            ever_submitted: true,
            review: None,
            submitted_on: None,
            reviewed_on: None,
            agreed: None,
            approved: None,
            return_comment: None,
            items: items.into(),
            version: 1,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        }
    }
    fn activity(n: u128, form: &str, commission: Option<CommissionId>, presenters: &[StaffId]) -> ActivityFacts {
        ActivityFacts {
            id: ActivityId::from_uuid(Uuid::from_u128(n)),
            form: form.to_owned(),
            title: format!("activity {n}"),
            on: day(11, 1),
            commission,
            organiser: None,
            presenters: presenters.to_vec(),
        }
    }
    fn row(s: u128, term: Term, students: u32, g: [u32; 4]) -> QualityRow {
        QualityRow { subject: subject(s), term, counts: GradeCounts::new(students, g).unwrap() }
    }

    #[test]
    fn plan_execution_counts_progress_overdue_and_people_r_5_1() {
        let (a, b) = (staff(1), staff(2));
        let p = plan(vec![
            item(1, Progress::Done, day(10, 1), &[a]),
            item(2, Progress::Planned, day(12, 1), &[a, b]),
            item(3, Progress::Cancelled, day(10, 1), &[b]),
            item(4, Progress::NotDone, day(6, 1), &[b]),
        ]);
        let f = plan_figures(&PlanFacts::of(&p), day(1, 15));
        assert_eq!(f.items, 4);
        // Done 1 of the 3 not cancelled.
        assert!((f.percent_done - 33.3).abs() < 1e-9);
        // Item 2 is past due on 15 January; item 4 is not yet due.
        assert_eq!(f.overdue, 1);
        assert_eq!(
            f.by_responsible,
            vec![
                ResponsibleFigures { staff: a, items: 2, done: 1, overdue: 1 },
                ResponsibleFigures { staff: b, items: 3, done: 0, overdue: 1 },
            ]
        );
    }

    #[test]
    fn a_commission_report_counts_its_members_activities_and_subjects_and_names_who_did_nothing_r_1_3_r_5_4() {
        let c = CommissionId::from_uuid(Uuid::from_u128(900));
        let other = CommissionId::from_uuid(Uuid::from_u128(901));
        let (a, b, x) = (staff(1), staff(2), staff(3));
        let scope = Scope::Commission { id: c, members: vec![a, b], subjects: vec![subject(1)] };
        let mut part = HashMap::new();
        let mut pa = Participation::default();
        pa.count_activity("open_lesson", ParticipantRole::Presenter, Hours::default());
        part.insert(a, pa);
        part.insert(x, pa);
        let mut organised_elsewhere = activity(4, "open_lesson", Some(other), &[a]);
        organised_elsewhere.organiser = Some(a);
        let mut organised_here = activity(5, "round_table", None, &[]);
        organised_here.organiser = Some(b);
        let acts = vec![
            activity(1, "open_lesson", Some(c), &[a]),
            activity(2, "master_class", Some(other), &[x]),
            activity(3, "seminar_practicum", Some(c), &[]),
            organised_elsewhere,
            organised_here,
        ];
        let material = |subject: Option<u128>, author: StaffId| MaterialFacts {
            kind: "lesson_notes".to_owned(),
            status: MaterialStatus::Published,
            authors: vec![author],
            subject: subject.map(subject_of),
        };
        let materials = vec![material(Some(1), x), material(Some(2), a), material(None, b), material(None, x)];
        let meetings = vec![
            MeetingFacts {
                id: MeetingId::from_uuid(Uuid::from_u128(50)),
                body: Body::Commission(c),
                date: day(9, 1),
                protocol_number: Some(1),
            },
            MeetingFacts {
                id: MeetingId::from_uuid(Uuid::from_u128(51)),
                body: Body::MethodologicalCouncil,
                date: day(9, 2),
                protocol_number: Some(1),
            },
        ];
        let quality = vec![row(1, Term::Year, 20, [5, 5, 5, 5]), row(2, Term::Year, 20, [20, 0, 0, 0])];
        let before = vec![row(1, Term::Year, 20, [2, 4, 10, 4])];
        let f = assemble(Inputs {
            scope: &scope,
            today: day(6, 1),
            plan: None,
            staff: &[a, b, x],
            activities: &acts,
            participation: &part,
            materials: &materials,
            meetings: &meetings,
            quality: &quality,
            quality_before: &before,
        });
        // Its own two, and the round table of no commission that a member organised; not the
        // other commission's lesson that a member organised.
        assert_eq!(f.activities, 3);
        // Materials of its subject (whoever wrote them) and a member's without a subject.
        assert_eq!(f.materials, 2);
        assert_eq!(f.presentations.len(), 1);
        assert_eq!(f.presentations[0].presenters, vec![a]);
        assert_eq!(f.participation.iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(f.non_participants, vec![b]);
        assert_eq!(f.meetings.len(), 1);
        assert_eq!(f.quality.per_subject.len(), 1, "only the commission's subjects");
        let now = f.quality.now.unwrap();
        assert!((now.success_percent() - 75.0).abs() < 1e-9);
        assert!((f.quality.before.unwrap().quality_percent() - 30.0).abs() < 1e-9);
    }

    #[test]
    fn knowledge_quality_is_judged_on_the_most_final_term_entered_r_5_5() {
        let f = quality_figures(
            &Scope::School,
            &[row(1, Term::First, 10, [10, 0, 0, 0]), row(1, Term::Second, 10, [0, 0, 5, 5])],
            &[],
        );
        assert_eq!(f.term, Some(Term::Second));
        assert!((f.now.unwrap().success_percent() - 50.0).abs() < 1e-9);
        // Another subject's annual grades do not hide this one's second term.
        let f = quality_figures(
            &Scope::School,
            &[row(1, Term::Second, 10, [0, 0, 5, 5]), row(2, Term::Year, 10, [10, 0, 0, 0])],
            &[],
        );
        assert_eq!(f.term, Some(Term::Year));
        assert_eq!(f.now.unwrap().students(), 20);
        assert_eq!(f.per_subject.len(), 2);
        assert_eq!(f.before, None);
    }
}
