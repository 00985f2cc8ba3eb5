//! The national summary: the ministry's view, one row per district, each the district
//! summary's headline figures aggregated over the district's schools.

use crate::effectiveness::per_teacher;
use crate::plan::{Progress, percent_done};
use crate::quality::{GradeCounts, percent};

/// One school's headline facts for a year, as the district summary has them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchoolHeadline {
    /// Whether the unified plan of the year is approved.
    pub unified_plan_approved: bool,
    /// Items of the approved unified plan per progress mark.
    pub plan_progress: Vec<Progress>,
    /// Approved commissions of the year.
    pub commissions: u32,
    /// Reports submitted or accepted.
    pub reports_submitted: u32,
    /// Reports accepted.
    pub reports_accepted: u32,
    /// Active staff.
    pub teachers: u32,
    /// Active staff who presented at least once.
    pub presenters: u32,
    /// Course-training hours, in tenths.
    pub training_tenths: u32,
    /// The school's judged grades (the district summary's knowledge figure), if any.
    pub grades: Option<GradeCounts>,
}

/// A district's row of the national summary: its schools' headline figures aggregated.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictHeadline {
    /// Schools of the district.
    pub schools: u32,
    /// Schools whose unified plan of the year is approved.
    pub schools_with_unified_plan: u32,
    /// Approved commissions across the district.
    pub commissions: u32,
    /// Reports submitted or accepted.
    pub reports_submitted: u32,
    /// Reports accepted.
    pub reports_accepted: u32,
    /// Active staff across the district.
    pub teachers: u32,
    /// Done items of all approved unified plans together, %; `None` without any.
    pub plan_execution_percent: Option<f64>,
    /// Course-training hours per teacher across the district.
    pub training_hours_per_teacher: f64,
    /// Teachers who presented at least once, % of the district's teachers.
    pub presented_percent: f64,
    /// Success % of all the district's judged grades together; `None` without grades.
    pub success_percent: Option<f64>,
    /// Quality % likewise.
    pub quality_percent: Option<f64>,
}

/// Aggregates a district's schools: counts add up, and every percentage is taken over the
/// pooled counts (not an average of the schools' percentages), so a large school weighs as
/// much as its teachers, items and students do.
#[must_use]
pub fn aggregate(schools: &[SchoolHeadline]) -> DistrictHeadline {
    let sum = |f: fn(&SchoolHeadline) -> u32| schools.iter().map(f).fold(0u32, u32::saturating_add);
    let teachers = sum(|s| s.teachers);
    let with_plan: Vec<&SchoolHeadline> = schools.iter().filter(|s| s.unified_plan_approved).collect();
    let progress: Vec<Progress> = with_plan.iter().flat_map(|s| s.plan_progress.iter().copied()).collect();
    let grades = schools.iter().filter_map(|s| s.grades).reduce(GradeCounts::plus);
    DistrictHeadline {
        schools: u32::try_from(schools.len()).unwrap_or(u32::MAX),
        schools_with_unified_plan: u32::try_from(with_plan.len()).unwrap_or(u32::MAX),
        commissions: sum(|s| s.commissions),
        reports_submitted: sum(|s| s.reports_submitted),
        reports_accepted: sum(|s| s.reports_accepted),
        teachers,
        plan_execution_percent: (!with_plan.is_empty()).then(|| percent_done(&progress)),
        training_hours_per_teacher: per_teacher(sum(|s| s.training_tenths), teachers),
        presented_percent: percent(sum(|s| s.presenters), teachers),
        success_percent: grades.map(GradeCounts::success_percent),
        quality_percent: grades.map(GradeCounts::quality_percent),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn grades(students: u32, g: [u32; 4]) -> Option<GradeCounts> {
        GradeCounts::summed(students, g)
    }

    #[test]
    fn a_districts_row_pools_its_schools_counts_r_3_1() {
        let big = SchoolHeadline {
            unified_plan_approved: true,
            plan_progress: vec![Progress::Done, Progress::Done, Progress::Done, Progress::Planned],
            commissions: 3,
            reports_submitted: 2,
            reports_accepted: 1,
            teachers: 30,
            presenters: 15,
            training_tenths: 3600,
            grades: grades(100, [20, 40, 30, 10]),
        };
        let small = SchoolHeadline {
            unified_plan_approved: false,
            plan_progress: Vec::new(),
            commissions: 1,
            reports_submitted: 1,
            reports_accepted: 0,
            teachers: 10,
            presenters: 1,
            training_tenths: 400,
            grades: None,
        };
        let row = aggregate(&[big, small]);
        assert_eq!(row.schools, 2);
        assert_eq!(row.schools_with_unified_plan, 1);
        assert_eq!(row.commissions, 4);
        assert_eq!((row.reports_submitted, row.reports_accepted), (3, 1));
        assert_eq!(row.teachers, 40);
        // 3 of 4 items of the only approved plan
        assert_eq!(row.plan_execution_percent, Some(75.0));
        // 400 hours over 40 teachers
        assert!((row.training_hours_per_teacher - 10.0).abs() < f64::EPSILON);
        // 16 of 40 teachers, not the mean of 50 % and 10 %
        assert!((row.presented_percent - 40.0).abs() < f64::EPSILON);
        assert_eq!(row.success_percent, Some(90.0));
        assert_eq!(row.quality_percent, Some(60.0));
    }

    #[test]
    fn grades_pool_students_not_school_percentages_r_5_5() {
        let a = SchoolHeadline { grades: grades(100, [50, 50, 0, 0]), teachers: 1, ..SchoolHeadline::default() };
        let b = SchoolHeadline { grades: grades(300, [0, 0, 300, 0]), teachers: 1, ..SchoolHeadline::default() };
        let row = aggregate(&[a, b]);
        // 100 of 400 students with 5 or 4, not (100 % + 0 %) / 2
        assert_eq!(row.quality_percent, Some(25.0));
        assert_eq!(row.success_percent, Some(100.0));
    }

    #[test]
    fn a_district_without_schools_or_plans_has_no_percentages_to_claim_r_3_1() {
        let row = aggregate(&[]);
        assert_eq!(row.schools, 0);
        assert_eq!(row.plan_execution_percent, None);
        assert_eq!(row.success_percent, None);
        assert!(row.presented_percent.abs() < f64::EPSILON);
        assert!(row.training_hours_per_teacher.abs() < f64::EPSILON);
    }
}
