//! The effectiveness of methodological work, judged by three measures: the professional
//! level of teachers, the methodological support of teaching, and the quality of students'
//! knowledge. Each is computed for a year from what the school recorded.

use crate::ids::{StaffId, SubjectId};
use crate::plan::{Progress, percent_done};
use crate::quality::{GradeCounts, Term, judged, most_final, percent, total};
use crate::records::{MaterialStatus, Participation};
use crate::report::{MaterialFacts, QualityRow, count};
use crate::staff::QualificationCategory;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a year's measures are computed from.
#[derive(Debug, Clone, Copy)]
pub struct YearFacts<'a> {
    /// The school's active pedagogical staff and their categories.
    pub teachers: &'a [(StaffId, QualificationCategory)],
    pub participation: &'a HashMap<StaffId, Participation>,
    /// Teachers whose individual plan of the year is approved.
    pub approved_individual_plans: &'a HashSet<StaffId>,
    /// The school's subjects.
    pub subjects: &'a [SubjectId],
    /// The year's materials.
    pub materials: &'a [MaterialFacts],
    /// The progress of the unified plan's items, when there is an approved plan.
    pub plan_progress: Option<&'a [Progress]>,
    pub quality: &'a [QualityRow],
}

/// The professional level of teachers.
#[derive(Debug, Clone, PartialEq)]
pub struct Professional {
    pub teachers: u32,
    /// Teachers per qualification category, highest first.
    pub categories: Vec<(QualificationCategory, u32)>,
    /// Share with the highest or first category, %.
    pub highest_or_first_percent: f64,
    /// Course-training hours of the year per teacher.
    pub training_hours_per_teacher: f64,
    /// Share of teachers who presented at least once (open lesson, master class, report), %.
    pub presented_percent: f64,
    /// Share of teachers with an approved individual plan, %.
    pub individual_plan_percent: f64,
    /// Confirmed records of work beyond the school, by level, over the teachers.
    pub outside_work: crate::records::outside::OutsideCounts,
    /// Share of teachers with confirmed work beyond the school, %.
    pub outside_work_percent: f64,
}

/// The methodological support of teaching.
#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    /// Materials of the year per subject (those with a subject), every subject listed.
    pub materials_per_subject: Vec<(SubjectId, u32)>,
    pub materials: u32,
    pub subjects: u32,
    /// Subjects with a working programme of the year published in the bank.
    pub subjects_with_working_programme: u32,
    pub working_programme_percent: f64,
    /// Done items of the approved unified plan, %; `None` without an approved plan.
    pub plan_execution_percent: Option<f64>,
}

/// The quality of students' knowledge.
#[derive(Debug, Clone, PartialEq)]
pub struct Knowledge {
    /// The most final term judged (each subject is judged on its own: its annual grades, else
    /// its latest term).
    pub term: Option<Term>,
    pub overall: Option<GradeCounts>,
    /// Each subject's counts on its own most final term.
    pub per_subject: Vec<(SubjectId, Term, GradeCounts)>,
}

/// The three measures of a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    pub professional: Professional,
    pub support: Support,
    pub knowledge: Knowledge,
}

/// Hours per teacher, one decimal.
#[must_use]
pub fn per_teacher(tenths: u32, teachers: u32) -> f64 {
    if teachers == 0 {
        return 0.0;
    }
    (f64::from(tenths) / f64::from(teachers)).round() / 10.0
}

/// The knowledge measure of a year's rows: each subject on its most final term, overall and
/// per subject.
#[must_use]
pub fn knowledge(rows: &[QualityRow]) -> Knowledge {
    let rows = judged(rows);
    let mut per: BTreeMap<SubjectId, (Term, GradeCounts)> = BTreeMap::new();
    for r in &rows {
        per.entry(r.subject).and_modify(|(_, c)| *c = c.plus(r.counts)).or_insert((r.term, r.counts));
    }
    Knowledge {
        term: most_final(rows.iter().map(|r| r.term)),
        overall: total(rows.iter().map(|r| r.counts)),
        per_subject: per.into_iter().map(|(s, (t, c))| (s, t, c)).collect(),
    }
}

/// Computes the three measures of for a year.
#[must_use]
pub fn measures(f: YearFacts<'_>) -> Measures {
    let teachers = count(f.teachers.len());
    let categories: Vec<(QualificationCategory, u32)> = QualificationCategory::ALL
        .iter()
        .map(|c| (*c, count(f.teachers.iter().filter(|(_, t)| t == c).count())))
        .collect();
    let high = count(
        f.teachers
            .iter()
            .filter(|(_, c)| matches!(c, QualificationCategory::Highest | QualificationCategory::First))
            .count(),
    );
    let of = |s: &StaffId| f.participation.get(s).copied().unwrap_or_default();
    let hours: u32 = f.teachers.iter().map(|(s, _)| of(s).training_hours.tenths()).sum();
    let presented = count(f.teachers.iter().filter(|(s, _)| of(s).presented > 0).count());
    let planned = count(f.teachers.iter().filter(|(s, _)| f.approved_individual_plans.contains(s)).count());
    let outside = f
        .teachers
        .iter()
        .map(|(s, _)| of(s).outside)
        .fold(Default::default(), |a, b: crate::records::outside::OutsideCounts| b.plus(a));
    let outside_people = count(f.teachers.iter().filter(|(s, _)| of(s).outside.total() > 0).count());
    let mut per_subject: BTreeMap<SubjectId, u32> = f.subjects.iter().map(|s| (*s, 0)).collect();
    let mut programmes: HashSet<SubjectId> = HashSet::new();
    for m in f.materials {
        let Some(s) = m.subject else { continue };
        if let Some(n) = per_subject.get_mut(&s) {
            *n += 1;
        }
        // In the bank means published: seen by every colleague.
        if m.kind == "working_programme" && m.status == MaterialStatus::Published && f.subjects.contains(&s) {
            programmes.insert(s);
        }
    }
    let subjects = count(f.subjects.len());
    let with_programme = count(programmes.len());
    Measures {
        professional: Professional {
            teachers,
            categories,
            highest_or_first_percent: percent(high, teachers),
            training_hours_per_teacher: per_teacher(hours, teachers),
            presented_percent: percent(presented, teachers),
            individual_plan_percent: percent(planned, teachers),
            outside_work: outside,
            outside_work_percent: percent(outside_people, teachers),
        },
        support: Support {
            materials_per_subject: per_subject.into_iter().collect(),
            materials: count(f.materials.len()),
            subjects,
            subjects_with_working_programme: with_programme,
            working_programme_percent: percent(with_programme, subjects),
            plan_execution_percent: f.plan_progress.map(percent_done),
        },
        knowledge: knowledge(f.quality),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::records::{Hours, ParticipantRole};
    use uuid::Uuid;

    fn staff(n: u128) -> StaffId {
        StaffId::from_uuid(Uuid::from_u128(n))
    }
    fn subject(n: u128) -> SubjectId {
        SubjectId::from_uuid(Uuid::from_u128(1000 + n))
    }

    /// The hand-computed example the API test repeats over HTTP.
    #[test]
    fn the_three_measures_on_a_hand_computed_example_r_5_5() {
        use QualificationCategory as Q;
        let teachers = [(staff(1), Q::Highest), (staff(2), Q::First), (staff(3), Q::Second), (staff(4), Q::None)];
        let mut part = HashMap::new();
        let mut p1 = Participation::default();
        p1.count_activity("open_lesson", ParticipantRole::Presenter, Hours::default());
        p1.training_hours = Hours::from_tenths(720);
        part.insert(staff(1), p1);
        let p2 = Participation { training_hours: Hours::from_tenths(360), ..Participation::default() };
        part.insert(staff(2), p2);
        let approved: HashSet<StaffId> = [staff(1), staff(2), staff(3)].into_iter().collect();
        let subjects = [subject(1), subject(2)];
        let materials = vec![
            MaterialFacts {
                kind: "working_programme".into(),
                status: MaterialStatus::Published,
                authors: vec![staff(1)],
                subject: Some(subject(1)),
            },
            MaterialFacts {
                kind: "working_programme".into(),
                status: MaterialStatus::Draft,
                authors: vec![staff(2)],
                subject: Some(subject(2)),
            },
            MaterialFacts {
                kind: "lesson_notes".into(),
                status: MaterialStatus::Draft,
                authors: vec![staff(2)],
                subject: Some(subject(1)),
            },
        ];
        let progress = [Progress::Done, Progress::Done, Progress::Planned, Progress::Cancelled];
        let quality = vec![
            QualityRow { subject: subject(1), term: Term::Year, counts: GradeCounts::new(25, [5, 10, 8, 2]).unwrap() },
            QualityRow { subject: subject(2), term: Term::Year, counts: GradeCounts::new(15, [3, 3, 9, 0]).unwrap() },
            QualityRow { subject: subject(2), term: Term::First, counts: GradeCounts::new(15, [0, 0, 0, 15]).unwrap() },
        ];
        let m = measures(YearFacts {
            teachers: &teachers,
            participation: &part,
            approved_individual_plans: &approved,
            subjects: &subjects,
            materials: &materials,
            plan_progress: Some(&progress),
            quality: &quality,
        });
        let p = &m.professional;
        assert_eq!(p.teachers, 4);
        assert_eq!(p.categories, vec![(Q::Highest, 1), (Q::First, 1), (Q::Second, 1), (Q::None, 1)]);
        assert!((p.highest_or_first_percent - 50.0).abs() < 1e-9);
        // (72 + 36) hours / 4 teachers = 27.
        assert!((p.training_hours_per_teacher - 27.0).abs() < 1e-9);
        assert!((p.presented_percent - 25.0).abs() < 1e-9);
        assert!((p.individual_plan_percent - 75.0).abs() < 1e-9);
        assert_eq!(p.outside_work.total(), 0);
        let s = &m.support;
        assert_eq!(s.materials_per_subject, vec![(subject(1), 2), (subject(2), 1)]);
        assert_eq!(s.subjects_with_working_programme, 1, "a draft programme is not in the bank");
        assert!((s.working_programme_percent - 50.0).abs() < 1e-9);
        // 2 done of 3 not cancelled.
        assert_eq!(s.plan_execution_percent, Some(66.7));
        let k = &m.knowledge;
        assert_eq!(k.term, Some(Term::Year));
        let all = k.overall.unwrap();
        // (5+10+8 + 3+3+9) / 40 = 38/40 = 95 %; (5+10 + 3+3) / 40 = 21/40 = 52.5 %.
        assert!((all.success_percent() - 95.0).abs() < 1e-9);
        assert!((all.quality_percent() - 52.5).abs() < 1e-9);
        assert_eq!(k.per_subject.len(), 2);
    }

    #[test]
    fn an_empty_school_has_zero_figures_not_a_division_by_zero_r_5_5() {
        let m = measures(YearFacts {
            teachers: &[],
            participation: &HashMap::new(),
            approved_individual_plans: &HashSet::new(),
            subjects: &[],
            materials: &[],
            plan_progress: None,
            quality: &[],
        });
        assert!(m.professional.training_hours_per_teacher.abs() < 1e-9);
        assert_eq!(m.support.plan_execution_percent, None);
        assert_eq!(m.knowledge.overall, None);
    }

    #[test]
    fn confirmed_outside_work_counts_by_level_in_the_professional_level_r_1_3_r_5_5() {
        use crate::records::outside::OutsideLevel;
        use QualificationCategory as Q;
        let teachers = [(staff(1), Q::Highest), (staff(2), Q::First), (staff(3), Q::Second), (staff(4), Q::None)];
        let mut p1 = Participation::default();
        p1.outside.count(OutsideLevel::District);
        p1.outside.count(OutsideLevel::Republic);
        let mut p2 = Participation::default();
        p2.outside.count(OutsideLevel::District);
        let part: HashMap<StaffId, Participation> = [(staff(1), p1), (staff(2), p2)].into_iter().collect();
        let m = measures(YearFacts {
            teachers: &teachers,
            participation: &part,
            approved_individual_plans: &HashSet::new(),
            subjects: &[],
            materials: &[],
            plan_progress: None,
            quality: &[],
        });
        let o = m.professional.outside_work;
        assert_eq!((o.at(OutsideLevel::District), o.at(OutsideLevel::Republic), o.total()), (2, 1, 3));
        // Two of four teachers worked beyond the school.
        assert!((m.professional.outside_work_percent - 50.0).abs() < 1e-9);
    }
}
