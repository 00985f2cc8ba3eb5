//! A teacher's personal records: course trainings and the needs diagnosis. The
//! person and the managers keep them; the person, the managers and the district read them;
//! colleagues do not know they exist. The school's needs across its staff are for those who
//! plan its methodological work.

use super::actor::{Hidden, RecordActor, Standing};
use super::input::{Problem, ProblemKind, Problems};
use super::{Diagnosis, Hours, NEED_AREAS, NeedArea, Training, check_period, need_area};
use crate::ids::{SchoolId, StaffId, TrainingId};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

/// How a course training was taken.
pub const TRAINING_MODES: [&str; 2] = ["in_person", "distance"];

/// A training to record, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingInput {
    pub title: String,
    pub provider: String,
    /// One of [`TRAINING_MODES`].
    pub mode: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: f64,
    pub certificate_number: Option<String>,
    pub issuer: Option<String>,
}

/// Why a training is not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordTrainingError {
    /// A teacher records their own; the managers anyone's.
    #[error("only the person and the managers record a training")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the training is invalid")]
    Invalid(Vec<Problem>),
}

/// Records a course training of `staff`, a member of `school`'s staff.
///
/// # Errors
/// [`RecordTrainingError`].
pub fn record_training(
    actor: &RecordActor,
    (staff, school): (StaffId, SchoolId),
    input: TrainingInput,
    id: TrainingId,
    now: DateTime<Utc>,
) -> Result<Training, RecordTrainingError> {
    if !actor.keeps_personal(staff) {
        return Err(RecordTrainingError::NotAllowed);
    }
    let mut p = Problems::default();
    let title = p.text("title", &input.title, 500);
    let provider = p.text("provider", &input.provider, 300);
    if !TRAINING_MODES.contains(&input.mode.as_str()) {
        p.push("mode", ProblemKind::InvalidValue);
    }
    p.check("ends_on", check_period(input.starts_on, Some(input.ends_on)), ProblemKind::OutOfRange);
    p.check("starts_on", AcademicYear::containing(input.starts_on).ok_or(()), ProblemKind::OutOfRange);
    let hours = p.check("hours", Hours::parse(input.hours), ProblemKind::OutOfRange);
    let certificate_number = p.optional_text("certificate_number", input.certificate_number.as_deref(), 100);
    let issuer = p.optional_text("issuer", input.issuer.as_deref(), 300);
    p.finish().map_err(RecordTrainingError::Invalid)?;
    // Never taken: every value missing here recorded a problem, and `finish` passed.
    let (Some(title), Some(provider), Some(hours)) = (title, provider, hours) else {
        return Err(RecordTrainingError::Invalid(Vec::new()));
    };
    Ok(Training {
        id,
        school,
        staff,
        title,
        provider,
        mode: input.mode,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        hours,
        certificate_number,
        issuer,
        certificate_file: None,
        version: 1,
        created_at: now,
    })
}

/// Why a certificate is not attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttachCertificateError {
    /// The caller does not see the training.
    #[error("not found")]
    Hidden,
    /// Only the person and the managers attach it.
    #[error("only the person and the managers attach a certificate")]
    NotAllowed,
}

impl Training {
    /// Reads the training.
    ///
    /// # Errors
    /// [`Hidden`] from a colleague.
    pub fn read(&self, actor: &RecordActor) -> Result<(), Hidden> {
        actor.read_personal(self.staff)
    }

    /// Attaches (or replaces) the scanned certificate.
    ///
    /// # Errors
    /// [`AttachCertificateError`].
    pub fn attach_certificate(&self, actor: &RecordActor) -> Result<(), AttachCertificateError> {
        self.read(actor).map_err(|Hidden| AttachCertificateError::Hidden)?;
        if actor.keeps_personal(self.staff) { Ok(()) } else { Err(AttachCertificateError::NotAllowed) }
    }
}

/// One area of a diagnosis, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaInput {
    pub area: String,
    pub level: u8,
    pub note: Option<String>,
}

/// Why a diagnosis is not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordDiagnosisError {
    /// The teacher records their own; the managers anyone's.
    #[error("only the person and the managers record a diagnosis")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the diagnosis is invalid")]
    Invalid(Vec<Problem>),
}

/// Records `staff`'s diagnosis of `year`: a level 1–3 and a note for each known area,
/// each area once.
///
/// # Errors
/// [`RecordDiagnosisError`].
pub fn record_diagnosis(
    actor: &RecordActor,
    staff: StaffId,
    year: AcademicYear,
    areas: &[AreaInput],
    now: DateTime<Utc>,
) -> Result<Diagnosis, RecordDiagnosisError> {
    if !actor.keeps_personal(staff) {
        return Err(RecordDiagnosisError::NotAllowed);
    }
    let mut p = Problems::default();
    let mut out = Vec::new();
    for (i, a) in areas.iter().enumerate() {
        if need_area(&a.area).is_none() {
            p.push(format!("areas[{i}].area"), ProblemKind::InvalidValue);
        } else if areas[..i].iter().any(|b| b.area == a.area) {
            p.push(format!("areas[{i}].area"), ProblemKind::Duplicate);
        }
        if !(1..=3).contains(&a.level) {
            p.push(format!("areas[{i}].level"), ProblemKind::OutOfRange);
        }
        let note = p.optional_text(&format!("areas[{i}].note"), a.note.as_deref(), 2000);
        out.push((a.area.clone(), a.level, note));
    }
    p.finish().map_err(RecordDiagnosisError::Invalid)?;
    Ok(Diagnosis { staff, year, areas: out, version: 0, updated_at: now })
}

impl Diagnosis {
    /// Reads the diagnosis.
    ///
    /// # Errors
    /// [`Hidden`] from a colleague.
    pub fn read(&self, actor: &RecordActor) -> Result<(), Hidden> {
        actor.read_personal(self.staff)
    }
}

/// How many teachers put one area at each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AreaNeeds {
    pub area: &'static NeedArea,
    /// Teachers at level 1, 2 and 3.
    pub levels: [u32; 3],
}

/// The school's needs in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// Teachers with a diagnosis.
    pub diagnosed: u32,
    /// Every area of [`NEED_AREAS`], in its order.
    pub areas: Vec<AreaNeeds>,
}

/// Why the school's needs are not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReadNeedsError {
    /// A teacher sees their own diagnosis, not everyone's.
    #[error("only the managers and the district read the school's needs")]
    NotAllowed,
}

/// Sums the school's diagnoses of a year for those who plan its methodological work: the
/// managers and the district.
///
/// # Errors
/// [`ReadNeedsError::NotAllowed`] for a teacher.
pub fn needs(actor: &RecordActor, diagnoses: &[Diagnosis]) -> Result<Needs, ReadNeedsError> {
    if matches!(actor.standing, Standing::Colleague(_)) {
        return Err(ReadNeedsError::NotAllowed);
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let areas = NEED_AREAS
        .iter()
        .map(|area| {
            let at = |level: u8| {
                count(
                    diagnoses.iter().filter(|d| d.areas.iter().any(|(a, l, _)| a == area.code && *l == level)).count(),
                )
            };
            AreaNeeds { area, levels: [at(1), at(2), at(3)] }
        })
        .collect();
    Ok(Needs { diagnosed: count(diagnoses.len()), areas })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn training() -> TrainingInput {
        TrainingInput {
            title: "Химия: STEM".into(),
            provider: "КББА".into(),
            mode: "distance".into(),
            starts_on: NaiveDate::from_ymd_opt(2023, 1, 9).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2023, 1, 20).unwrap(),
            hours: 36.0,
            certificate_number: None,
            issuer: None,
        }
    }

    #[test]
    fn personal_records_are_kept_by_the_person_and_the_managers_and_hidden_from_colleagues_r_4_1_r_2_2() {
        let (me, school) = (StaffId::new(), SchoolId::new());
        let own = RecordActor { standing: Standing::Colleague(me), leads: Vec::new() };
        let colleague = RecordActor { standing: Standing::Colleague(StaffId::new()), leads: Vec::new() };
        let deputy = RecordActor::manager(StaffId::new());
        let district = RecordActor { standing: Standing::Overseer, leads: Vec::new() };
        let now = DateTime::<Utc>::default();
        let t = record_training(&own, (me, school), training(), TrainingId::new(), now).unwrap();
        let year = AcademicYear::parse("2022-2023").unwrap();
        let d = record_diagnosis(&own, me, year, &[], now).unwrap();
        // (actor, records, reads, attaches the certificate)
        let table = [
            (&own, true, true, Ok(())),
            (&deputy, true, true, Ok(())),
            (&district, false, true, Err(AttachCertificateError::NotAllowed)),
            (&colleague, false, false, Err(AttachCertificateError::Hidden)),
        ];
        for (actor, records, reads, attaches) in table {
            let who = actor.standing;
            assert_eq!(
                record_training(actor, (me, school), training(), TrainingId::new(), now).is_ok(),
                records,
                "{who:?}"
            );
            assert_eq!(record_diagnosis(actor, me, year, &[], now).is_ok(), records, "{who:?}");
            assert_eq!(t.read(actor).is_ok(), reads, "{who:?}");
            assert_eq!(d.read(actor).is_ok(), reads, "{who:?}");
            assert_eq!(t.attach_certificate(actor), attaches, "{who:?}");
        }
    }

    #[test]
    fn a_training_lists_every_problem_at_once_r_4_1() {
        let me = StaffId::new();
        let own = RecordActor { standing: Standing::Colleague(me), leads: Vec::new() };
        let bad = TrainingInput {
            mode: "telepathy".into(),
            ends_on: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            hours: -1.0,
            ..training()
        };
        let Err(RecordTrainingError::Invalid(problems)) =
            record_training(&own, (me, SchoolId::new()), bad, TrainingId::new(), DateTime::<Utc>::default())
        else {
            panic!("accepted")
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["mode", "ends_on", "hours"]);
    }

    #[test]
    fn a_diagnosis_names_known_areas_once_at_levels_one_to_three_r_2_2() {
        let me = StaffId::new();
        let own = RecordActor { standing: Standing::Colleague(me), leads: Vec::new() };
        let area = |a: &str, level| AreaInput { area: a.into(), level, note: None };
        let year = AcademicYear::parse("2022-2023").unwrap();
        let got = record_diagnosis(
            &own,
            me,
            year,
            &[area("astrology", 2), area("ict", 4), area("ict", 1)],
            DateTime::<Utc>::default(),
        );
        let Err(RecordDiagnosisError::Invalid(problems)) = got else { panic!("accepted") };
        let fields: Vec<(&str, ProblemKind)> = problems.iter().map(|p| (p.field.as_str(), p.kind)).collect();
        assert_eq!(
            fields,
            [
                ("areas[0].area", ProblemKind::InvalidValue),
                ("areas[1].level", ProblemKind::OutOfRange),
                ("areas[2].area", ProblemKind::Duplicate)
            ]
        );
    }

    #[test]
    fn the_schools_needs_are_summed_for_the_managers_and_the_district_not_for_teachers_r_2_2() {
        let year = AcademicYear::parse("2022-2023").unwrap();
        let d = |levels: &[(&str, u8)]| Diagnosis {
            staff: StaffId::new(),
            year,
            areas: levels.iter().map(|(a, l)| ((*a).to_owned(), *l, None)).collect(),
            version: 1,
            updated_at: DateTime::<Utc>::default(),
        };
        let all = [d(&[("ict", 3), ("assessment", 1)]), d(&[("ict", 3)]), d(&[("ict", 1)])];
        let teacher = RecordActor { standing: Standing::Colleague(StaffId::new()), leads: Vec::new() };
        assert_eq!(needs(&teacher, &all), Err(ReadNeedsError::NotAllowed));
        let district = RecordActor { standing: Standing::Overseer, leads: Vec::new() };
        let n = needs(&district, &all).unwrap();
        assert_eq!(n.diagnosed, 3);
        assert_eq!(n.areas.len(), NEED_AREAS.len());
        let ict = n.areas.iter().find(|a| a.area.code == "ict").unwrap();
        assert_eq!(ict.levels, [1, 0, 2]);
        assert!(needs(&RecordActor::manager(StaffId::new()), &all).is_ok());
    }
}
