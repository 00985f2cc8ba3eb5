//! Records of methodological work: activities held and who
//! took part, mentoring, course training, the materials bank, and needs diagnostics — the facts
//! year-end reports are assembled from.

pub mod activity;
pub mod actor;
pub mod input;
pub mod material;
pub mod mentoring;
pub mod outside;
pub mod personal;

use crate::catalogue::{self, FormGroup};
use crate::ids::StaffId;
use crate::lang::Text;
use chrono::NaiveDate;

/// How a person took part in an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParticipantRole {
    /// Gave it: the open lesson's teacher, the master class's master, the speaker.
    Presenter,
    Participant,
    /// Watched it (an open lesson's observers give feedback).
    Observer,
    Mentor,
}

impl ParticipantRole {
    /// All roles.
    pub const ALL: [Self; 4] = [Self::Presenter, Self::Participant, Self::Observer, Self::Mentor];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Presenter => "presenter",
            Self::Participant => "participant",
            Self::Observer => "observer",
            Self::Mentor => "mentor",
        }
    }

    /// The role for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Hours that are negative, above 1000 or finer than a tenth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("hours are 0 to 1000, with at most one decimal")]
pub struct HoursError;

/// Hours in tenths (1.5 h is 15), 0 to 1000 hours: never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Hours(u32);

impl Hours {
    /// The most hours one record may carry.
    pub const MAX_TENTHS: u32 = 10_000;

    /// Hours from a number with at most one decimal.
    ///
    /// # Errors
    /// When negative, above 1000, not a number, or finer than a tenth.
    pub fn parse(hours: f64) -> Result<Self, HoursError> {
        let tenths = hours * 10.0;
        if !tenths.is_finite()
            || tenths < 0.0
            || tenths > f64::from(Self::MAX_TENTHS)
            || (tenths - tenths.round()).abs() > 1e-6
        {
            return Err(HoursError);
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Self(tenths.round() as u32))
    }

    /// From stored tenths.
    #[must_use]
    pub const fn from_tenths(t: u32) -> Self {
        Self(t)
    }

    /// In tenths.
    #[must_use]
    pub const fn tenths(self) -> u32 {
        self.0
    }

    /// As a number of hours.
    #[must_use]
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

/// Why a period or a pair of people is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The end comes before the start.
    #[error("the end comes before the start")]
    EndBeforeStart,
    /// A mentor mentors someone else.
    #[error("a mentor cannot mentor themself")]
    SelfMentoring,
    /// Not a form of the catalogue.
    #[error("not a form of the catalogue")]
    UnknownForm,
}

/// Checks that a period runs forward.
///
/// # Errors
/// [`RecordError::EndBeforeStart`].
pub fn check_period(start: NaiveDate, end: Option<NaiveDate>) -> Result<(), RecordError> {
    match end {
        Some(e) if e < start => Err(RecordError::EndBeforeStart),
        _ => Ok(()),
    }
}

/// Checks a mentoring pair (R-3.2.1: mentoring is between two people).
///
/// # Errors
/// [`RecordError::SelfMentoring`].
pub fn check_mentoring(mentor: StaffId, mentee: StaffId) -> Result<(), RecordError> {
    if mentor == mentee { Err(RecordError::SelfMentoring) } else { Ok(()) }
}

/// The catalogue groups an activity of `form` counts in.
///
/// # Errors
/// [`RecordError::UnknownForm`].
pub fn groups_of(form: &str) -> Result<&'static [FormGroup], RecordError> {
    catalogue::find(form).map(|f| f.groups).ok_or(RecordError::UnknownForm)
}

/// The forms that count as a teacher presenting their experience: open lessons,
/// master classes, creative reports, author lectures and seminars, presentations.
#[must_use]
pub fn is_presentation_form(form: &str) -> bool {
    matches!(
        form,
        "open_lesson"
            | "master_class"
            | "creative_report"
            | "author_lectures_seminars"
            | "author_development_presentation"
    )
}

/// What a teacher did in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Participation {
    pub qualification: u32,
    pub innovation: u32,
    pub information: u32,
    pub presented: u32,
    pub activity_hours: Hours,
    pub mentoring: u32,
    pub training_hours: Hours,
    pub materials: u32,
    /// Confirmed work beyond the school, by level.
    pub outside: outside::OutsideCounts,
}

impl Participation {
    /// Whether the teacher took part in methodological work at all.
    #[must_use]
    pub const fn took_part(&self) -> bool {
        self.qualification
            + self.innovation
            + self.information
            + self.presented
            + self.mentoring
            + self.materials
            + self.outside.total()
            > 0
            || self.training_hours.tenths() > 0
    }

    /// Counts one activity of `form` in its groups.
    pub fn count_activity(&mut self, form: &str, role: ParticipantRole, hours: Hours) {
        if let Ok(groups) = groups_of(form) {
            for g in groups {
                match g {
                    FormGroup::Qualification => self.qualification += 1,
                    FormGroup::Innovation => self.innovation += 1,
                    FormGroup::Information => self.information += 1,
                }
            }
        }
        if role == ParticipantRole::Presenter {
            self.presented += 1;
        }
        self.activity_hours = Hours::from_tenths(self.activity_hours.tenths() + hours.tenths());
    }
}

/// The kinds of material in the library fund, programme bank and card index.
pub const MATERIAL_KINDS: [&str; 14] = [
    "author_programme",
    "working_programme",
    "elective_course_programme",
    "teaching_complex",
    "lesson_notes",
    "didactic_material",
    "methodological_recommendations",
    "assessment_tasks",
    "article",
    "theses",
    "booklet",
    "event_scenario",
    "electronic_resource",
    "literature",
];

/// The label of a material kind in ky, ru and en.
#[must_use]
pub fn material_kind_label(code: &str) -> Option<crate::lang::Text> {
    use crate::lang::Text as T;
    Some(match code {
        "author_programme" => T {
            ky: "Автордук программа", ru: "Авторская программа", en: "Author's programme"
        },
        "working_programme" => T {
            ky: "Жумушчу программа", ru: "Рабочая программа", en: "Working programme"
        },
        "elective_course_programme" => {
            T {
                ky: "Тандоо курсунун программасы", ru: "Программа элективного курса", en: "Elective course programme"
            }
        }
        "teaching_complex" => {
            T {
                ky: "Окуу-усулдук комплекс", ru: "Учебно-методический комплекс", en: "Teaching complex"
            }
        }
        "lesson_notes" => {
            T { ky: "Сабактын иштелмеси", ru: "Конспект урока", en: "Lesson notes" }
        }
        "didactic_material" => T {
            ky: "Дидактикалык материал", ru: "Дидактический материал", en: "Didactic material"
        },
        "methodological_recommendations" => {
            T {
                ky: "Усулдук сунуштамалар", ru: "Методические рекомендации", en: "Methodological recommendations"
            }
        }
        "assessment_tasks" => T {
            ky: "Текшерүү тапшырмалары", ru: "Контрольные задания", en: "Assessment tasks"
        },
        "article" => T { ky: "Макала", ru: "Статья", en: "Article" },
        "theses" => T { ky: "Тезистер", ru: "Тезисы", en: "Theses" },
        "booklet" => T { ky: "Буклет", ru: "Буклет", en: "Booklet" },
        "event_scenario" => T {
            ky: "Иш-чаранын сценарийи", ru: "Сценарий мероприятия", en: "Event scenario"
        },
        "electronic_resource" => T {
            ky: "Электрондук ресурс", ru: "Электронный ресурс", en: "Electronic resource"
        },
        "literature" => T { ky: "Адабият", ru: "Литература", en: "Literature" },
        _ => return None,
    })
}

/// A material's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaterialStatus {
    Draft,
    /// Reviewed at a commission meeting.
    Reviewed,
    /// In the school's bank, seen by all colleagues.
    Published,
}

impl MaterialStatus {
    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Reviewed => "reviewed",
            Self::Published => "published",
        }
    }

    /// The status for a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Draft, Self::Reviewed, Self::Published].into_iter().find(|s| s.code() == code)
    }
}

/// The areas of professional difficulty a diagnosis looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedArea {
    pub code: &'static str,
    pub label: Text,
    /// Catalogue forms that help with it.
    pub suggested_forms: &'static [&'static str],
}

/// The catalogue of difficulty areas.
pub static NEED_AREAS: [NeedArea; 8] = [
    NeedArea {
        code: "subject_content",
        label: Text {
            ky: "Предметтин мазмуну", ru: "Содержание предмета", en: "Subject content"
        },
        suggested_forms: &["course_training", "consultation", "experience_exchange"],
    },
    NeedArea {
        code: "teaching_methods",
        label: Text {
            ky: "Окутуунун ыкмалары", ru: "Методика преподавания", en: "Teaching methods"
        },
        suggested_forms: &["open_lesson", "master_class", "mentoring"],
    },
    NeedArea {
        code: "ict",
        label: Text { ky: "Маалыматтык технологиялар", ru: "ИКТ", en: "ICT" },
        suggested_forms: &["course_training", "master_class", "online_professional_community"],
    },
    NeedArea {
        code: "assessment",
        label: Text { ky: "Баалоо", ru: "Оценивание", en: "Assessment" },
        suggested_forms: &["seminar_practicum", "consultation", "teaching_seminar"],
    },
    NeedArea {
        code: "classroom_management",
        label: Text {
            ky: "Класстык башкаруу", ru: "Управление классом", en: "Classroom management"
        },
        suggested_forms: &["mentoring", "open_lesson", "individual_methodological_help"],
    },
    NeedArea {
        code: "inclusive_education",
        label: Text {
            ky: "Инклюзивдик билим берүү", ru: "Инклюзивное образование", en: "Inclusive education"
        },
        suggested_forms: &["course_training", "seminar_practicum", "experience_exchange"],
    },
    NeedArea {
        code: "research_work",
        label: Text {
            ky: "Изилдөө иштери", ru: "Исследовательская работа", en: "Research work"
        },
        suggested_forms: &["scientific_conference", "individual_methodological_theme", "author_publication"],
    },
    NeedArea {
        code: "working_with_parents",
        label: Text {
            ky: "Ата-энелер менен иштөө", ru: "Работа с родителями", en: "Working with parents"
        },
        suggested_forms: &["consultation", "round_table", "experience_exchange"],
    },
];

/// The area for a code.
#[must_use]
pub fn need_area(code: &str) -> Option<&'static NeedArea> {
    NEED_AREAS.iter().find(|a| a.code == code)
}

/// Suggested forms for a diagnosis: those of each area at level 2 or 3, most pressing first,
/// each once (R-2.2: mastery is raised on the basis of the diagnosis).
#[must_use]
pub fn suggest(levels: &[(&str, u8)]) -> Vec<&'static str> {
    let mut sorted: Vec<&(&str, u8)> = levels.iter().filter(|(_, l)| *l >= 2).collect();
    sorted.sort_by_key(|a| std::cmp::Reverse(a.1));
    let mut out: Vec<&'static str> = Vec::new();
    for (area, _) in sorted {
        if let Some(a) = need_area(area) {
            for f in a.suggested_forms {
                if !out.contains(f) {
                    out.push(f);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_material_kind_has_a_label_in_three_languages_r_4_3() {
        for k in MATERIAL_KINDS {
            let Some(l) = material_kind_label(k) else { panic!("{k} has no label") };
            assert!(!l.ky.is_empty() && !l.ru.is_empty() && !l.en.is_empty());
        }
        assert!(material_kind_label("novel").is_none());
    }

    #[test]
    fn hours_are_never_negative_and_keep_one_decimal() {
        assert_eq!(Hours::parse(1.5).map(Hours::tenths), Ok(15));
        assert!(Hours::parse(-1.0).is_err());
        assert!(Hours::parse(1.25).is_err());
        assert!(Hours::parse(1000.1).is_err());
        assert!(Hours::parse(f64::NAN).is_err());
    }

    #[test]
    fn a_period_runs_forward() {
        let d = |m, day| NaiveDate::from_ymd_opt(2022, m, day).unwrap_or_default();
        assert_eq!(check_period(d(10, 2), Some(d(10, 1))), Err(RecordError::EndBeforeStart));
        assert_eq!(check_period(d(10, 2), Some(d(10, 2))), Ok(()));
        assert_eq!(check_period(d(10, 2), None), Ok(()));
    }

    #[test]
    fn nobody_mentors_themself_r_3_2_1() {
        let a = StaffId::new();
        assert_eq!(check_mentoring(a, a), Err(RecordError::SelfMentoring));
        assert_eq!(check_mentoring(a, StaffId::new()), Ok(()));
    }

    #[test]
    fn an_activity_counts_in_every_group_of_its_form_r_4_1_r_4_2() {
        let mut p = Participation::default();
        p.count_activity("master_class", ParticipantRole::Presenter, Hours::from_tenths(20));
        assert_eq!((p.qualification, p.innovation, p.information, p.presented), (1, 1, 0, 1));
        assert_eq!(p.activity_hours.tenths(), 20);
        assert!(p.took_part());
        assert!(!Participation::default().took_part(), "R-1.3: no record, no participation");
        assert_eq!(groups_of("juggling"), Err(RecordError::UnknownForm));
    }

    #[test]
    fn diagnosis_suggests_forms_for_the_pressing_areas_r_2_2() {
        assert_eq!(
            suggest(&[("ict", 3), ("assessment", 1), ("teaching_methods", 2)]),
            vec!["course_training", "master_class", "online_professional_community", "open_lesson", "mentoring"]
        );
        for area in &NEED_AREAS {
            for f in area.suggested_forms {
                assert!(catalogue::find(f).is_some(), "{} suggests unknown form {f}", area.code);
            }
        }
    }
}

/// A participant of an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant {
    pub staff: StaffId,
    pub role: ParticipantRole,
    pub attended: bool,
}

/// An observer's feedback on an open lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub staff: StaffId,
    pub text: String,
}

/// An activity held at the school: an instance of a catalogue form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: crate::ids::ActivityId,
    pub school: crate::ids::SchoolId,
    pub year: crate::year::AcademicYear,
    pub form: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub organiser: Option<StaffId>,
    pub commission: Option<crate::ids::CommissionId>,
    pub place: Option<String>,
    pub hours: Hours,
    pub description: Option<String>,
    pub outcome: Option<String>,
    /// For an open lesson: the class, e.g. `7А`.
    pub grade: Option<String>,
    /// For an open lesson: the subject.
    pub subject: Option<crate::ids::SubjectId>,
    pub feedback: Vec<Feedback>,
    pub plan_item: Option<crate::ids::ItemId>,
    pub participants: Vec<Participant>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A mentoring relation (*насаатчылык*, R-3.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentorship {
    pub id: crate::ids::MentorshipId,
    pub school: crate::ids::SchoolId,
    pub year: crate::year::AcademicYear,
    pub mentor: StaffId,
    pub mentee: StaffId,
    pub goals: Option<String>,
    /// `active` or `completed`.
    pub completed: bool,
    pub outcome: Option<String>,
    pub notes: Vec<(NaiveDate, String)>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A course training (*курстук даярдоо*, R-4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Training {
    pub id: crate::ids::TrainingId,
    pub school: crate::ids::SchoolId,
    pub staff: StaffId,
    pub title: String,
    pub provider: String,
    /// `in_person` or `distance`.
    pub mode: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: Hours,
    pub certificate_number: Option<String>,
    pub issuer: Option<String>,
    /// The scanned certificate, if attached.
    pub certificate_file: Option<StoredFile>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub key: String,
}

/// A material of the library fund, programme bank and card index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub id: crate::ids::MaterialId,
    pub school: crate::ids::SchoolId,
    pub kind: String,
    pub title: String,
    pub authors: Vec<StaffId>,
    pub subject: Option<crate::ids::SubjectId>,
    pub grades: Option<String>,
    pub year: crate::year::AcademicYear,
    pub tags: Vec<String>,
    pub annotation: Option<String>,
    pub status: MaterialStatus,
    pub review_meeting: Option<crate::ids::MeetingId>,
    pub link: Option<String>,
    pub file: Option<StoredFile>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Material {
    /// The lower-cased text the card index searches: title, annotation, tags (Unicode-aware,
    /// so ң ө ү fold like any letter).
    #[must_use]
    pub fn search_text(title: &str, annotation: Option<&str>, tags: &[String]) -> String {
        let mut s = title.to_lowercase();
        if let Some(a) = annotation {
            s.push('\n');
            s.push_str(&a.to_lowercase());
        }
        for t in tags {
            s.push('\n');
            s.push_str(&t.to_lowercase());
        }
        s
    }
}

/// A teacher's needs diagnosis for a year: level 1–3 and a note per area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub staff: StaffId,
    pub year: crate::year::AcademicYear,
    pub areas: Vec<(String, u8, Option<String>)>,
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[cfg(test)]
mod outside_participation {
    use super::*;

    #[test]
    fn confirmed_outside_work_alone_is_participation_r_1_3() {
        let mut p = Participation::default();
        assert!(!p.took_part());
        p.outside.count(outside::OutsideLevel::Republic);
        assert!(p.took_part(), "a teacher whose only part is a republic conference took part");
    }
}
