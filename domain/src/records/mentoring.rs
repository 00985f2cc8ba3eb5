//! Mentoring (*насаатчылык*, R-3.2.1): the director or the deputy pairs a mentor with a mentee;
//! the mentor keeps notes; once completed with its outcome, a mentorship does not change.

use super::actor::RecordActor;
use super::input::{Problem, ProblemKind, Problems, RefQuery, Refs};
use super::{Mentorship, check_mentoring};
use crate::ids::{MentorshipId, StaffId};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

/// A mentorship to record, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorshipInput {
    pub year: String,
    pub mentor: StaffId,
    pub mentee: StaffId,
    pub goals: Option<String>,
}

impl MentorshipInput {
    /// The ids to look up before [`record_mentorship`].
    #[must_use]
    pub fn references(&self) -> RefQuery {
        RefQuery { people: vec![self.mentor, self.mentee], ..RefQuery::default() }
    }
}

/// Why a mentorship is not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordMentorshipError {
    /// Only the director and the deputy pair mentors and mentees.
    #[error("only the managers record mentorships")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the mentorship is invalid")]
    Invalid(Vec<Problem>),
}

/// Records a mentorship between two active members of the school's staff.
///
/// # Errors
/// [`RecordMentorshipError`].
pub fn record_mentorship(
    actor: &RecordActor,
    input: MentorshipInput,
    refs: &Refs,
    id: MentorshipId,
    now: DateTime<Utc>,
) -> Result<Mentorship, RecordMentorshipError> {
    if !actor.manages() {
        return Err(RecordMentorshipError::NotAllowed);
    }
    let mut p = Problems::default();
    let year = p.check("year", AcademicYear::parse(&input.year), ProblemKind::InvalidYear);
    p.person("mentor_id", input.mentor, refs);
    p.person("mentee_id", input.mentee, refs);
    p.check("mentee_id", check_mentoring(input.mentor, input.mentee), ProblemKind::InvalidValue);
    let goals = p.optional_text("goals", input.goals.as_deref(), 4000);
    p.finish().map_err(RecordMentorshipError::Invalid)?;
    // Never taken: every value missing here recorded a problem, and `finish` passed.
    let Some(year) = year else { return Err(RecordMentorshipError::Invalid(Vec::new())) };
    Ok(Mentorship {
        id,
        school: refs.school,
        year,
        mentor: input.mentor,
        mentee: input.mentee,
        goals,
        completed: false,
        outcome: None,
        notes: Vec::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// A note and/or the completion of a mentorship, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorshipUpdate {
    pub note: Option<(NaiveDate, String)>,
    pub complete_with_outcome: Option<String>,
}

/// What an update records: a checked note, and the outcome that completes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorshipChange {
    pub note: Option<(NaiveDate, String)>,
    pub outcome: Option<String>,
}

/// Why a mentorship is not updated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateMentorshipError {
    /// Only the mentor, the director and the deputy keep its notes.
    #[error("only the mentor and the managers update a mentorship")]
    NotAllowed,
    /// A completed mentorship does not change.
    #[error("the mentorship is completed")]
    Completed,
    /// The input's problems, all at once.
    #[error("the update is invalid")]
    Invalid(Vec<Problem>),
}

impl Mentorship {
    /// Adds a note, or completes it with its outcome: the mentor, the director or the deputy,
    /// while it is active.
    ///
    /// # Errors
    /// [`UpdateMentorshipError`].
    pub fn update(
        &self,
        actor: &RecordActor,
        input: &MentorshipUpdate,
    ) -> Result<MentorshipChange, UpdateMentorshipError> {
        if !(actor.manages() || actor.is(self.mentor)) {
            return Err(UpdateMentorshipError::NotAllowed);
        }
        if self.completed {
            return Err(UpdateMentorshipError::Completed);
        }
        let mut p = Problems::default();
        let note = input.note.as_ref().and_then(|(d, t)| p.text("note.text", t, 4000).map(|t| (*d, t)));
        let outcome = p.optional_text("complete_with_outcome", input.complete_with_outcome.as_deref(), 4000);
        p.finish().map_err(UpdateMentorshipError::Invalid)?;
        Ok(MentorshipChange { note, outcome })
    }

    /// The mentorship after `change`.
    #[must_use]
    pub fn after(mut self, change: MentorshipChange) -> Self {
        if let Some(n) = change.note {
            self.notes.push(n);
        }
        if change.outcome.is_some() {
            self.completed = true;
            self.outcome = change.outcome;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::actor::Standing;
    use super::super::input::PersonFacts;
    use super::*;
    use crate::ids::SchoolId;

    fn refs(school: SchoolId, people: &[StaffId]) -> Refs {
        let mut r = Refs::empty(school);
        r.people = people.iter().map(|id| PersonFacts { id: *id, school: Some(school), active: true }).collect();
        r
    }

    #[test]
    fn nobody_mentors_themself_and_only_the_managers_pair_people_r_3_2_1() {
        let school = SchoolId::new();
        let (a, b) = (StaffId::new(), StaffId::new());
        let refs = refs(school, &[a, b]);
        let input = |mentee| MentorshipInput { year: "2022-2023".into(), mentor: a, mentee, goals: None };
        let deputy = RecordActor::manager(StaffId::new());
        let now = DateTime::<Utc>::default();
        let selfish = record_mentorship(&deputy, input(a), &refs, MentorshipId::new(), now);
        assert_eq!(
            selfish,
            Err(RecordMentorshipError::Invalid(vec![Problem {
                field: "mentee_id".into(),
                kind: ProblemKind::InvalidValue
            }]))
        );
        let mentor = RecordActor { standing: Standing::Colleague(a), leads: Vec::new() };
        assert_eq!(
            record_mentorship(&mentor, input(b), &refs, MentorshipId::new(), now),
            Err(RecordMentorshipError::NotAllowed)
        );
        let m = record_mentorship(&deputy, input(b), &refs, MentorshipId::new(), now).unwrap();
        assert!(!m.completed && m.school == school);
    }

    #[test]
    fn the_mentor_and_the_managers_keep_notes_until_it_is_completed_r_3_2_1() {
        let school = SchoolId::new();
        let (a, b) = (StaffId::new(), StaffId::new());
        let deputy = RecordActor::manager(StaffId::new());
        let m = record_mentorship(
            &deputy,
            MentorshipInput { year: "2022-2023".into(), mentor: a, mentee: b, goals: None },
            &refs(school, &[a, b]),
            MentorshipId::new(),
            DateTime::<Utc>::default(),
        )
        .unwrap();
        let day = NaiveDate::from_ymd_opt(2022, 10, 12).unwrap();
        let note = MentorshipUpdate {
            note: Some((day, "Сабакка катыштык".into())), complete_with_outcome: None
        };
        let done = MentorshipUpdate {
            note: None, complete_with_outcome: Some("Өз алдынча сабак өтөт".into())
        };
        let mentor = RecordActor { standing: Standing::Colleague(a), leads: Vec::new() };
        let mentee = RecordActor { standing: Standing::Colleague(b), leads: Vec::new() };
        // (state, actor, command, expected)
        let active = m.clone();
        let completed = m.clone().after(m.update(&deputy, &done).unwrap());
        assert!(completed.completed);
        let table: [(&Mentorship, &RecordActor, &MentorshipUpdate, Result<(), UpdateMentorshipError>); 6] = [
            (&active, &mentor, &note, Ok(())),
            (&active, &deputy, &done, Ok(())),
            (&active, &mentee, &note, Err(UpdateMentorshipError::NotAllowed)),
            (&completed, &mentor, &note, Err(UpdateMentorshipError::Completed)),
            (&completed, &deputy, &note, Err(UpdateMentorshipError::Completed)),
            (&completed, &mentee, &note, Err(UpdateMentorshipError::NotAllowed)),
        ];
        for (state, actor, command, expected) in table {
            assert_eq!(state.update(actor, command).map(|_| ()), expected, "{:?}", actor.standing);
        }
        let noted = active.clone().after(active.update(&mentor, &note).unwrap());
        assert_eq!(noted.notes, vec![(day, "Сабакка катыштык".to_owned())]);
        let blank = MentorshipUpdate { note: Some((day, " ".into())), complete_with_outcome: None };
        assert!(matches!(active.update(&mentor, &blank), Err(UpdateMentorshipError::Invalid(_))));
    }
}
