//! A teacher's part in methodological work beyond the school: district seminars, city
//! or republic conferences, olympiad juries, publications — recorded by the teacher (or the
//! school's managers), confirmed by the deputy, and counted by level in participation, reports
//! and effectiveness.

use super::actor::{Hidden, RecordActor};
use super::input::{Problem, ProblemKind, Problems};
use super::material::is_link;
use super::{Hours, StoredFile};
use crate::ids::{OutsideWorkId, SchoolId, StaffId};
use crate::lang::Text;
use crate::year::{AcademicYear, YearBoundary};
use chrono::{DateTime, NaiveDate, Utc};

/// Where the work took place, from the school outwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutsideLevel {
    School,
    District,
    City,
    Republic,
    International,
}

impl OutsideLevel {
    /// All levels, from the school outwards.
    pub const ALL: [Self; 5] = [Self::School, Self::District, Self::City, Self::Republic, Self::International];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::School => "school",
            Self::District => "district",
            Self::City => "city",
            Self::Republic => "republic",
            Self::International => "international",
        }
    }

    /// The level for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The label in ky, ru and en.
    #[must_use]
    pub const fn label(self) -> Text {
        match self {
            Self::School => Text { ky: "Мектеп", ru: "Школьный", en: "School" },
            Self::District => Text { ky: "Район", ru: "Районный", en: "District" },
            Self::City => Text { ky: "Шаар", ru: "Городской", en: "City" },
            Self::Republic => Text { ky: "Республика", ru: "Республиканский", en: "Republic" },
            Self::International => {
                Text { ky: "Эл аралык", ru: "Международный", en: "International" }
            }
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// The forms of outside work: the catalogue's and those that exist only beyond the school.
pub const OUTSIDE_FORMS: [&str; 4] = ["olympiad_jury", "expert_commission", "competition_jury", "course_teaching"];

/// Whether `code` is a form of outside work: a catalogue form (a seminar, a conference, a
/// publication…) or one of [`OUTSIDE_FORMS`].
#[must_use]
pub fn known_outside_form(code: &str) -> bool {
    crate::catalogue::find(code).is_some() || OUTSIDE_FORMS.contains(&code)
}

/// The part the teacher played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutsideRole {
    /// Spoke, led, taught, published.
    Presenter,
    /// Took part, listened.
    Participant,
    /// Sat on a jury or an expert commission.
    JuryMember,
    /// Organised it.
    Organiser,
}

impl OutsideRole {
    /// All roles.
    pub const ALL: [Self; 4] = [Self::Presenter, Self::Participant, Self::JuryMember, Self::Organiser];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Presenter => "presenter",
            Self::Participant => "participant",
            Self::JuryMember => "jury_member",
            Self::Organiser => "organiser",
        }
    }

    /// The role for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// An outside work to record, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideWorkInput {
    pub level: String,
    pub on: NaiveDate,
    pub form: String,
    pub role: String,
    pub title: String,
    pub organiser: Option<String>,
    pub hours: f64,
    pub link: Option<String>,
}

/// A teacher's part in methodological work beyond the school.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideWork {
    pub id: OutsideWorkId,
    pub school: SchoolId,
    pub staff: StaffId,
    pub level: OutsideLevel,
    pub on: NaiveDate,
    pub year: AcademicYear,
    pub form: String,
    pub role: OutsideRole,
    pub title: String,
    pub organiser: Option<String>,
    pub hours: Hours,
    /// Evidence: a link to the programme, the certificate, the publication.
    pub link: Option<String>,
    /// The deputy's confirmation (who, when).
    pub confirmed: Option<(StaffId, DateTime<Utc>)>,
    /// Evidence as an uploaded file: the scanned certificate, the programme, the publication.
    pub evidence: Option<StoredFile>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

/// Why an outside work is not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordOutsideError {
    /// A teacher records their own; the managers anyone's.
    #[error("only the person and the managers record outside work")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the outside work is invalid")]
    Invalid(Vec<Problem>),
}

/// Records `staff`'s part in outside methodological work, unconfirmed.
///
/// # Errors
/// [`RecordOutsideError::NotAllowed`], or every problem of the input: an unknown `level`,
/// `form` or `role`, a date in the future, hours out of range, a link that is not `http(s)`.
pub fn record_outside_work(
    actor: &RecordActor,
    (staff, school, boundary): (StaffId, SchoolId, YearBoundary),
    input: OutsideWorkInput,
    id: OutsideWorkId,
    now: DateTime<Utc>,
) -> Result<OutsideWork, RecordOutsideError> {
    if !actor.keeps_personal(staff) {
        return Err(RecordOutsideError::NotAllowed);
    }
    let mut p = Problems::default();
    let level = OutsideLevel::parse(&input.level);
    if level.is_none() {
        p.push("level", ProblemKind::InvalidValue);
    }
    if !known_outside_form(&input.form) {
        p.push("form", ProblemKind::InvalidValue);
    }
    let role = OutsideRole::parse(&input.role);
    if role.is_none() {
        p.push("role", ProblemKind::InvalidValue);
    }
    let title = p.text("title", &input.title, 500);
    let organiser = p.optional_text("organiser", input.organiser.as_deref(), 300);
    let hours = p.check("hours", Hours::parse(input.hours), ProblemKind::OutOfRange);
    let year = AcademicYear::of(input.on, boundary);
    if input.on > now.date_naive() || year.is_none() {
        p.push("date", ProblemKind::OutOfRange);
    }
    if input.link.as_deref().is_some_and(|l| !is_link(l)) {
        p.push("link", ProblemKind::InvalidFormat);
    }
    p.finish().map_err(RecordOutsideError::Invalid)?;
    let (Some(level), Some(role), Some(title), Some(hours), Some(year)) = (level, role, title, hours, year) else {
        return Err(RecordOutsideError::Invalid(Vec::new()));
    };
    Ok(OutsideWork {
        id,
        school,
        staff,
        level,
        on: input.on,
        year,
        form: input.form,
        role,
        title,
        organiser,
        hours,
        link: input.link,
        confirmed: None,
        evidence: None,
        version: 1,
        created_at: now,
    })
}

/// Why an outside work is not confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmOutsideError {
    /// The deputy (or the director) confirms; nobody confirms their own.
    #[error("only the school's managers confirm outside work, never their own")]
    NotAllowed,
    /// Already confirmed.
    #[error("already confirmed")]
    AlreadyConfirmed,
}

/// Why a file is not attached as an outside work's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttachEvidenceError {
    /// The caller does not see the record (a colleague's).
    #[error("not found")]
    Hidden,
    /// Only those who record it attach its evidence: the person and the managers.
    #[error("only the person and the managers attach evidence")]
    NotAllowed,
    /// The record is confirmed: what the deputy confirmed stays as it was for its owner.
    #[error("the outside work is confirmed")]
    Confirmed,
}

impl OutsideWork {
    /// Reads the record: the person, the school's managers and the overseers; a colleague
    /// does not see it.
    ///
    /// # Errors
    /// [`Hidden`] from a colleague.
    pub fn read(&self, actor: &RecordActor) -> Result<(), Hidden> {
        actor.read_personal(self.staff)
    }

    /// Attaches (or replaces) the evidence file. Those who record the work attach it:
    /// the person and the deputy or the director ([`RecordActor::keeps_personal`]). Once the
    /// record is confirmed its owner no longer changes the evidence — what was confirmed is
    /// what counts; a manager who is not the owner still may (as only they confirm).
    ///
    /// # Errors
    /// [`AttachEvidenceError`].
    pub fn attach_evidence(&self, actor: &RecordActor) -> Result<(), AttachEvidenceError> {
        self.read(actor).map_err(|Hidden| AttachEvidenceError::Hidden)?;
        if !actor.keeps_personal(self.staff) {
            return Err(AttachEvidenceError::NotAllowed);
        }
        if self.confirmed.is_some() && actor.is(self.staff) {
            return Err(AttachEvidenceError::Confirmed);
        }
        Ok(())
    }

    /// The deputy confirms the record: from now on it counts.
    ///
    /// # Errors
    /// [`ConfirmOutsideError`].
    pub fn confirm(&self, actor: &RecordActor, now: DateTime<Utc>) -> Result<Self, ConfirmOutsideError> {
        let by = actor.staff().filter(|_| actor.manages()).ok_or(ConfirmOutsideError::NotAllowed)?;
        if by == self.staff {
            return Err(ConfirmOutsideError::NotAllowed);
        }
        if self.confirmed.is_some() {
            return Err(ConfirmOutsideError::AlreadyConfirmed);
        }
        Ok(Self { confirmed: Some((by, now)), version: self.version + 1, ..self.clone() })
    }
}

/// Confirmed outside work counted by level, from the school outwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutsideCounts(pub [u32; 5]);

impl OutsideCounts {
    /// Counts one confirmed record of `level`.
    pub fn count(&mut self, level: OutsideLevel) {
        self.0[level.index()] += 1;
    }

    /// The count at `level`.
    #[must_use]
    pub const fn at(&self, level: OutsideLevel) -> u32 {
        self.0[level.index()]
    }

    /// All levels together.
    #[must_use]
    pub const fn total(&self) -> u32 {
        self.0[0] + self.0[1] + self.0[2] + self.0[3] + self.0[4]
    }

    /// Adds another's counts.
    #[must_use]
    pub const fn plus(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        Self([a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]])
    }
}

/// Counts the confirmed records by level; unconfirmed ones do not count until the deputy
/// confirms them.
#[must_use]
pub fn count_confirmed<'a>(works: impl IntoIterator<Item = &'a OutsideWork>) -> OutsideCounts {
    let mut c = OutsideCounts::default();
    for w in works.into_iter().filter(|w| w.confirmed.is_some()) {
        c.count(w.level);
    }
    c
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::ids::DistrictId;
    use crate::policy::Actor;
    use crate::staff::Role;

    fn now() -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2023, 6, 1).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc()
    }
    fn input(level: &str, form: &str) -> OutsideWorkInput {
        OutsideWorkInput {
            level: level.into(),
            on: NaiveDate::from_ymd_opt(2023, 3, 15).unwrap(),
            form: form.into(),
            role: "presenter".into(),
            title: "Райондук семинар: функционалдык сабаттуулук".into(),
            organiser: Some("Октябрь районунун билим берүү бөлүмү".into()),
            hours: 4.0,
            link: Some("https://edu.kg/seminar".into()),
        }
    }
    fn actors() -> (SchoolId, RecordActor, RecordActor, RecordActor, StaffId) {
        let (school, district) = (SchoolId::new(), DistrictId::new());
        let teacher = StaffId::new();
        let at = |id, role| {
            RecordActor::new(Actor::SchoolStaff { id, school, district, role }, school, district, Vec::new()).unwrap()
        };
        (
            school,
            at(teacher, Role::Teacher),
            at(StaffId::new(), Role::Deputy),
            at(StaffId::new(), Role::Teacher),
            teacher,
        )
    }

    #[test]
    fn a_teacher_records_their_outside_work_and_the_deputy_confirms_it_r_1_3() {
        let (school, teacher, deputy, colleague, me) = actors();
        let w = record_outside_work(
            &teacher,
            (me, school, YearBoundary::default()),
            input("district", "practical_seminar"),
            OutsideWorkId::new(),
            now(),
        )
        .unwrap();
        assert_eq!((w.level, w.year.to_string().as_str(), w.confirmed), (OutsideLevel::District, "2022-2023", None));
        assert_eq!(count_confirmed([&w]).total(), 0, "unconfirmed work does not count yet");
        assert_eq!(
            record_outside_work(
                &colleague,
                (me, school, YearBoundary::default()),
                input("district", "seminar_practicum"),
                OutsideWorkId::new(),
                now()
            ),
            Err(RecordOutsideError::NotAllowed)
        );
        assert_eq!(w.confirm(&teacher, now()), Err(ConfirmOutsideError::NotAllowed), "not their own");
        assert_eq!(w.confirm(&colleague, now()), Err(ConfirmOutsideError::NotAllowed));
        let ok = w.confirm(&deputy, now()).unwrap();
        assert_eq!(ok.confirm(&deputy, now()), Err(ConfirmOutsideError::AlreadyConfirmed));
        let jury = record_outside_work(
            &deputy,
            (me, school, YearBoundary::default()),
            input("republic", "olympiad_jury"),
            OutsideWorkId::new(),
            now(),
        )
        .unwrap()
        .confirm(&deputy, now())
        .unwrap();
        let c = count_confirmed([&ok, &jury, &w]);
        assert_eq!((c.at(OutsideLevel::District), c.at(OutsideLevel::Republic), c.total()), (1, 1, 2));
    }

    #[test]
    fn the_owner_and_the_managers_attach_evidence_until_the_owner_is_bound_by_the_confirmation_r_1_3() {
        let (school, teacher, deputy, colleague, me) = actors();
        let overseer = RecordActor { standing: crate::records::actor::Standing::Overseer, leads: Vec::new() };
        let w = record_outside_work(
            &teacher,
            (me, school, YearBoundary::default()),
            input("district", "practical_seminar"),
            OutsideWorkId::new(),
            now(),
        )
        .unwrap();
        assert_eq!(w.attach_evidence(&teacher), Ok(()), "the owner");
        assert_eq!(w.attach_evidence(&deputy), Ok(()), "a manager");
        assert_eq!(w.attach_evidence(&colleague), Err(AttachEvidenceError::Hidden), "a colleague does not see it");
        assert_eq!(w.attach_evidence(&overseer), Err(AttachEvidenceError::NotAllowed), "the district reads only");
        let confirmed = w.confirm(&deputy, now()).unwrap();
        assert_eq!(confirmed.attach_evidence(&teacher), Err(AttachEvidenceError::Confirmed), "R-1.3: confirmed");
        assert_eq!(confirmed.attach_evidence(&deputy), Ok(()), "the managers still may");
        assert_eq!(confirmed.attach_evidence(&colleague), Err(AttachEvidenceError::Hidden));
        // A manager's own confirmed record binds them as it binds a teacher.
        let own = RecordActor::manager(me);
        assert_eq!(confirmed.attach_evidence(&own), Err(AttachEvidenceError::Confirmed));
        assert!(w.read(&overseer).is_ok() && w.read(&colleague).is_err());
    }

    #[test]
    fn an_unknown_level_form_or_role_and_a_future_date_are_all_refused_r_1_3() {
        let (school, teacher, _, _, me) = actors();
        let mut bad = input("regional", "tea_party");
        bad.role = "guest".into();
        bad.on = NaiveDate::from_ymd_opt(2023, 7, 1).unwrap();
        bad.hours = -1.0;
        bad.link = Some("ftp://x".into());
        let Err(RecordOutsideError::Invalid(problems)) =
            record_outside_work(&teacher, (me, school, YearBoundary::default()), bad, OutsideWorkId::new(), now())
        else {
            panic!("refused")
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["level", "form", "role", "hours", "date", "link"]);
    }
}
