//! Input checks shared by the record commands: problems on named input fields, reported all at
//! once, and the facts the store found about the ids an input refers to.

use crate::ids::{ActivityId, CommissionId, ItemId, MaterialId, MeetingId, SchoolId, StaffId, SubjectId};
use crate::plan::Evidence;
use crate::values::{TextError, bounded};

/// What is wrong with one input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Missing or empty where a value is needed.
    Required,
    /// A free text refused by [`bounded`].
    Text(TextError),
    /// Not of the expected shape (a link that is not `http(s)://…`).
    InvalidFormat,
    /// Not one of the allowed values.
    InvalidValue,
    /// A number or a date outside its range.
    OutOfRange,
    /// Not an academic year `YYYY-YYYY`.
    InvalidYear,
    /// Names nothing of this school.
    UnknownReference,
    /// Names a person of the school who is no longer active.
    Inactive,
    /// Names the same thing twice.
    Duplicate,
}

/// One problem of an input, on the field it concerns (`title`, `participants[1].role`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field's path in the input, as the client sent it.
    pub field: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// Collects the problems of one input, so that all are reported at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, field: impl Into<String>, kind: ProblemKind) {
        self.0.push(Problem { field: field.into(), kind });
    }

    /// Keeps `r`'s value or records `kind` on `field`.
    pub fn check<T, E>(&mut self, field: &str, r: Result<T, E>, kind: ProblemKind) -> Option<T> {
        r.map_err(|_| self.push(field, kind)).ok()
    }

    /// A required free text, trimmed, 1–`max` characters.
    pub fn text(&mut self, field: &str, text: &str, max: usize) -> Option<String> {
        bounded(text, max).map_err(|e| self.push(field, ProblemKind::Text(e))).ok()
    }

    /// An optional free text: `None` when absent (or refused, which is recorded).
    pub fn optional_text(&mut self, field: &str, text: Option<&str>, max: usize) -> Option<String> {
        text.and_then(|t| self.text(field, t, max))
    }

    /// Checks that `id` is an active member of the school's staff.
    pub fn person(&mut self, field: impl Into<String>, id: StaffId, refs: &Refs) {
        match refs.person(id) {
            PersonRef::Active => {}
            PersonRef::Inactive => self.push(field, ProblemKind::Inactive),
            PersonRef::Unknown => self.push(field, ProblemKind::UnknownReference),
        }
    }

    /// `Ok` when nothing was recorded.
    ///
    /// # Errors
    /// Every recorded [`Problem`], in the order found.
    pub fn finish(self) -> Result<(), Vec<Problem>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }
}

/// What the store knows about a person an input names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonFacts {
    /// The person.
    pub id: StaffId,
    /// Their school, if they work at one.
    pub school: Option<SchoolId>,
    /// Whether they are still active.
    pub active: bool,
}

/// How a named person stands to the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonRef {
    /// An active member of the school's staff.
    Active,
    /// On the school's staff, deactivated.
    Inactive,
    /// Unknown, or of another school.
    Unknown,
}

/// The ids an input refers to, for the store to look up in a fixed number of statements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefQuery {
    pub people: Vec<StaffId>,
    pub subjects: Vec<SubjectId>,
    pub commissions: Vec<CommissionId>,
    pub plan_items: Vec<ItemId>,
    pub activities: Vec<ActivityId>,
    pub materials: Vec<MaterialId>,
    pub meetings: Vec<MeetingId>,
}

/// What the store found about a [`RefQuery`] in one school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refs {
    /// The school the input belongs to.
    pub school: SchoolId,
    /// The people found, of any school.
    pub people: Vec<PersonFacts>,
    /// The school's subjects among those asked about.
    pub subjects: Vec<SubjectId>,
    /// The school's commissions among those asked about.
    pub commissions: Vec<CommissionId>,
    /// The items of the school's plans among those asked about.
    pub plan_items: Vec<ItemId>,
    /// The school's activities among those asked about.
    pub activities: Vec<ActivityId>,
    /// The school's materials among those asked about.
    pub materials: Vec<MaterialId>,
    /// The school's meetings among those asked about.
    pub meetings: Vec<MeetingId>,
    /// The school's year boundary: under which year a dated record is filed.
    pub boundary: crate::year::YearBoundary,
}

impl Refs {
    /// Nothing found yet, in `school`.
    #[must_use]
    pub const fn empty(school: SchoolId) -> Self {
        Self {
            school,
            people: Vec::new(),
            subjects: Vec::new(),
            commissions: Vec::new(),
            plan_items: Vec::new(),
            activities: Vec::new(),
            materials: Vec::new(),
            meetings: Vec::new(),
            boundary: crate::year::YearBoundary::DEFAULT,
        }
    }

    /// How `id` stands to the school.
    #[must_use]
    pub fn person(&self, id: StaffId) -> PersonRef {
        match self.people.iter().find(|p| p.id == id && p.school == Some(self.school)) {
            Some(p) if p.active => PersonRef::Active,
            Some(_) => PersonRef::Inactive,
            None => PersonRef::Unknown,
        }
    }
}

/// The records a plan item's evidence names (meetings, activities, materials), to look up all
/// at once whatever their number.
#[must_use]
pub fn evidence_references(evidence: &[Evidence]) -> RefQuery {
    let mut q = RefQuery::default();
    for e in evidence {
        let Ok(id) = uuid::Uuid::parse_str(&e.reference) else { continue };
        match e.kind.as_str() {
            "meeting" => q.meetings.push(MeetingId::from_uuid(id)),
            "activity" => q.activities.push(ActivityId::from_uuid(id)),
            "material" => q.materials.push(MaterialId::from_uuid(id)),
            _ => {}
        }
    }
    q
}

/// Checks each piece of evidence that an item was carried out: a `url` is an `http(s)`
/// link; a `meeting`, an `activity` or a `material` is one of the school's. An unknown kind is
/// `evidence[i].kind`, an unknown reference `evidence[i].reference`.
pub fn check_evidence(p: &mut Problems, evidence: &[Evidence], refs: &Refs) {
    for (i, e) in evidence.iter().enumerate() {
        let id = uuid::Uuid::parse_str(&e.reference).ok();
        let known = match e.kind.as_str() {
            "url" => {
                (e.reference.starts_with("https://") || e.reference.starts_with("http://")) && e.reference.len() <= 2000
            }
            "meeting" => id.is_some_and(|id| refs.meetings.contains(&MeetingId::from_uuid(id))),
            "activity" => id.is_some_and(|id| refs.activities.contains(&ActivityId::from_uuid(id))),
            "material" => id.is_some_and(|id| refs.materials.contains(&MaterialId::from_uuid(id))),
            _ => {
                p.push(format!("evidence[{i}].kind"), ProblemKind::InvalidValue);
                continue;
            }
        };
        if !known {
            p.push(format!("evidence[{i}].reference"), ProblemKind::UnknownReference);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_names_the_schools_records_or_a_link_r_5_1() {
        let school = SchoolId::new();
        let (activity, material, meeting) = (ActivityId::new(), MaterialId::new(), MeetingId::new());
        let e = |kind: &str, reference: String| Evidence { kind: kind.into(), reference };
        let evidence = [
            e("url", "https://school95.kg/news/1".into()),
            e("activity", activity.to_string()),
            e("material", material.to_string()),
            e("meeting", meeting.to_string()),
            e("activity", ActivityId::new().to_string()),
            e("meeting", "not-an-id".into()),
            e("url", "ftp://x".into()),
            e("rumour", "x".into()),
        ];
        let q = evidence_references(&evidence);
        assert_eq!((q.activities.len(), q.materials, q.meetings.clone()), (2, vec![material], vec![meeting]));
        let mut refs = Refs::empty(school);
        refs.activities = vec![activity];
        refs.materials = vec![material];
        refs.meetings = vec![meeting];
        let mut p = Problems::default();
        check_evidence(&mut p, &evidence, &refs);
        let Err(problems) = p.finish() else { panic!("accepted") };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["evidence[4].reference", "evidence[5].reference", "evidence[6].reference", "evidence[7].kind"]
        );
    }

    #[test]
    fn a_person_of_another_school_is_unknown_and_a_deactivated_one_is_named_so() {
        let school = SchoolId::new();
        let (here, gone, elsewhere) = (StaffId::new(), StaffId::new(), StaffId::new());
        let mut refs = Refs::empty(school);
        refs.people = vec![
            PersonFacts { id: here, school: Some(school), active: true },
            PersonFacts { id: gone, school: Some(school), active: false },
            PersonFacts { id: elsewhere, school: Some(SchoolId::new()), active: true },
        ];
        assert_eq!(refs.person(here), PersonRef::Active);
        assert_eq!(refs.person(gone), PersonRef::Inactive);
        assert_eq!(refs.person(elsewhere), PersonRef::Unknown);
        assert_eq!(refs.person(StaffId::new()), PersonRef::Unknown);
    }

    #[test]
    fn every_problem_is_kept_in_the_order_found() {
        let mut p = Problems::default();
        assert_eq!(p.text("title", "  ", 10), None);
        assert_eq!(p.optional_text("place", None, 10), None);
        assert_eq!(p.optional_text("place", Some(" Зал "), 10), Some("Зал".to_owned()));
        p.push("hours", ProblemKind::OutOfRange);
        assert_eq!(
            p.finish(),
            Err(vec![
                Problem { field: "title".into(), kind: ProblemKind::Text(TextError::Empty) },
                Problem { field: "hours".into(), kind: ProblemKind::OutOfRange },
            ])
        );
    }
}
