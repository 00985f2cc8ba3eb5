//! Activities held: who records one and who took part. The director, the deputy
//! or the head of the commission that held it records an activity and its participants.

use super::actor::RecordActor;
use super::input::{Problem, ProblemKind, Problems, RefQuery, Refs};
use super::{Activity, Feedback, Hours, Participant, ParticipantRole, check_period, groups_of};
use crate::ids::{ActivityId, CommissionId, ItemId, StaffId, SubjectId};
use crate::year::AcademicYear;
use chrono::{DateTime, NaiveDate, Utc};

/// A participant as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantInput {
    pub staff: StaffId,
    /// A [`ParticipantRole`] code.
    pub role: String,
    pub attended: bool,
}

/// An observer's feedback as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackInput {
    pub staff: StaffId,
    pub text: String,
}

/// An activity to record, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInput {
    /// A catalogue code.
    pub form: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub organiser: Option<StaffId>,
    pub commission: Option<CommissionId>,
    pub place: Option<String>,
    pub hours: Option<f64>,
    pub description: Option<String>,
    pub outcome: Option<String>,
    pub grade: Option<String>,
    pub subject: Option<SubjectId>,
    pub feedback: Vec<FeedbackInput>,
    pub plan_item: Option<ItemId>,
    pub participants: Vec<ParticipantInput>,
}

/// The people a list of participants and feedback names.
fn people_of(participants: &[ParticipantInput], feedback: &[FeedbackInput]) -> Vec<StaffId> {
    participants.iter().map(|p| p.staff).chain(feedback.iter().map(|f| f.staff)).collect()
}

impl ActivityInput {
    /// The ids to look up before [`record_activity`].
    #[must_use]
    pub fn references(&self) -> RefQuery {
        let mut people: Vec<StaffId> = self.organiser.into_iter().collect();
        people.extend(people_of(&self.participants, &self.feedback));
        RefQuery {
            people,
            subjects: self.subject.into_iter().collect(),
            commissions: self.commission.into_iter().collect(),
            plan_items: self.plan_item.into_iter().collect(),
            ..RefQuery::default()
        }
    }
}

/// The ids to look up before [`Activity::set_participants`].
#[must_use]
pub fn participant_references(participants: &[ParticipantInput], feedback: &[FeedbackInput]) -> RefQuery {
    RefQuery { people: people_of(participants, feedback), ..RefQuery::default() }
}

/// Why an activity is not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordActivityError {
    /// Only the director, the deputy and the head of the commission that held it record it.
    #[error("only the managers and the commission's head record an activity")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the activity is invalid")]
    Invalid(Vec<Problem>),
}

/// Why an activity's participants are not replaced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetParticipantsError {
    /// Only the director, the deputy and the head of the commission that held it change them.
    #[error("only the managers and the commission's head record who took part")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the participants are invalid")]
    Invalid(Vec<Problem>),
}

/// The new participants, and the new feedback when it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantsChange {
    pub participants: Vec<Participant>,
    pub feedback: Option<Vec<Feedback>>,
}

/// Checks participants (active staff of the school, each once, with a known role) and feedback.
fn participants(
    p: &mut Problems,
    parts: &[ParticipantInput],
    feedback: &[FeedbackInput],
    refs: &Refs,
) -> (Vec<Participant>, Vec<Feedback>) {
    for (i, q) in parts.iter().enumerate() {
        p.person(format!("participants[{i}].staff_id"), q.staff, refs);
    }
    for (i, f) in feedback.iter().enumerate() {
        p.person(format!("feedback[{i}].staff_id"), f.staff, refs);
    }
    let mut out = Vec::new();
    for (i, q) in parts.iter().enumerate() {
        if parts[..i].iter().any(|o| o.staff == q.staff) {
            p.push(format!("participants[{i}].staff_id"), ProblemKind::Duplicate);
        }
        if let Some(role) = p.check(
            &format!("participants[{i}].role"),
            ParticipantRole::parse(&q.role).ok_or(()),
            ProblemKind::InvalidValue,
        ) {
            out.push(Participant { staff: q.staff, role, attended: q.attended });
        }
    }
    let fb = feedback
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            p.text(&format!("feedback[{i}].text"), &f.text, 4000).map(|text| Feedback { staff: f.staff, text })
        })
        .collect();
    (out, fb)
}

/// Records an activity held: an instance of a catalogue form with its date(s), hours and
/// participants; an open lesson also with its class, subject and observers' feedback.
/// Linked to an item of one of the school's plans, the item lists it as evidence.
///
/// # Errors
/// [`RecordActivityError`].
pub fn record_activity(
    actor: &RecordActor,
    input: ActivityInput,
    refs: &Refs,
    id: ActivityId,
    now: DateTime<Utc>,
) -> Result<Activity, RecordActivityError> {
    let commission = input.commission.filter(|c| refs.commissions.contains(c));
    if !(actor.manages() || commission.is_some_and(|c| actor.leads(c))) {
        return Err(RecordActivityError::NotAllowed);
    }
    let mut p = Problems::default();
    if groups_of(&input.form).is_err() {
        p.push("form", ProblemKind::UnknownReference);
    }
    let title = p.text("title", &input.title, 500);
    let year =
        p.check("starts_on", AcademicYear::of(input.starts_on, refs.boundary).ok_or(()), ProblemKind::OutOfRange);
    p.check("ends_on", check_period(input.starts_on, input.ends_on), ProblemKind::OutOfRange);
    let hours = p.check("hours", input.hours.map_or(Ok(Hours::default()), Hours::parse), ProblemKind::OutOfRange);
    let place = p.optional_text("place", input.place.as_deref(), 200);
    let description = p.optional_text("description", input.description.as_deref(), 4000);
    let outcome = p.optional_text("outcome", input.outcome.as_deref(), 4000);
    let grade = p.optional_text("grade", input.grade.as_deref(), 32);
    if input.commission.is_some() && commission.is_none() {
        p.push("commission_id", ProblemKind::UnknownReference);
    }
    if let Some(o) = input.organiser {
        p.person("organiser_id", o, refs);
    }
    if input.subject.is_some_and(|s| !refs.subjects.contains(&s)) {
        p.push("subject_id", ProblemKind::UnknownReference);
    }
    if input.plan_item.is_some_and(|i| !refs.plan_items.contains(&i)) {
        p.push("plan_item_id", ProblemKind::UnknownReference);
    }
    let (participants, feedback) = participants(&mut p, &input.participants, &input.feedback, refs);
    p.finish().map_err(RecordActivityError::Invalid)?;
    // Never taken: every value missing here recorded a problem, and `finish` passed.
    let (Some(title), Some(year), Some(hours)) = (title, year, hours) else {
        return Err(RecordActivityError::Invalid(Vec::new()));
    };
    Ok(Activity {
        id,
        school: refs.school,
        year,
        form: input.form,
        title,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        organiser: input.organiser,
        commission,
        place,
        hours,
        description,
        outcome,
        grade,
        subject: input.subject,
        feedback,
        plan_item: input.plan_item,
        participants,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

impl Activity {
    /// Whether `actor` records who took part: the director, the deputy, or the head of the
    /// approved commission that held it.
    #[must_use]
    pub fn is_kept_by(&self, actor: &RecordActor) -> bool {
        actor.manages() || self.commission.is_some_and(|c| actor.leads(c))
    }

    /// Replaces who took part and, when sent, the observers' feedback.
    ///
    /// # Errors
    /// [`SetParticipantsError`].
    pub fn set_participants(
        &self,
        actor: &RecordActor,
        parts: &[ParticipantInput],
        feedback: Option<&[FeedbackInput]>,
        refs: &Refs,
    ) -> Result<ParticipantsChange, SetParticipantsError> {
        if !self.is_kept_by(actor) {
            return Err(SetParticipantsError::NotAllowed);
        }
        let mut p = Problems::default();
        let (participants, fb) = participants(&mut p, parts, feedback.unwrap_or_default(), refs);
        p.finish().map_err(SetParticipantsError::Invalid)?;
        Ok(ParticipantsChange { participants, feedback: feedback.map(|_| fb) })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::actor::{LedCommission, Standing};
    use super::super::input::PersonFacts;
    use super::*;
    use crate::ids::SchoolId;

    struct World {
        refs: Refs,
        teacher: StaffId,
        gone: StaffId,
        commission: CommissionId,
        item: ItemId,
    }

    fn world() -> World {
        let school = SchoolId::new();
        let (teacher, gone, commission, item) = (StaffId::new(), StaffId::new(), CommissionId::new(), ItemId::new());
        let mut refs = Refs::empty(school);
        refs.people = vec![
            PersonFacts { id: teacher, school: Some(school), active: true },
            PersonFacts { id: gone, school: Some(school), active: false },
        ];
        refs.commissions = vec![commission];
        refs.plan_items = vec![item];
        World { refs, teacher, gone, commission, item }
    }

    fn input(w: &World) -> ActivityInput {
        ActivityInput {
            form: "open_lesson".into(),
            title: "Бөлчөктөрдү кошуу".into(),
            starts_on: NaiveDate::from_ymd_opt(2022, 11, 21).unwrap(),
            ends_on: None,
            organiser: Some(w.teacher),
            commission: Some(w.commission),
            place: None,
            hours: Some(1.5),
            description: None,
            outcome: None,
            grade: Some("6Б".into()),
            subject: None,
            feedback: vec![FeedbackInput { staff: w.teacher, text: "Жакшы".into() }],
            plan_item: Some(w.item),
            participants: vec![ParticipantInput { staff: w.teacher, role: "presenter".into(), attended: true }],
        }
    }

    fn colleague(leads: Vec<LedCommission>) -> RecordActor {
        RecordActor { standing: Standing::Colleague(StaffId::new()), leads }
    }

    #[test]
    fn the_managers_and_the_head_of_the_commission_that_held_it_record_an_activity_r_4_r_3_2_2() {
        let w = world();
        let head = colleague(vec![LedCommission { id: w.commission, members: Vec::new() }]);
        let other_head = colleague(vec![LedCommission { id: CommissionId::new(), members: Vec::new() }]);
        let overseer = RecordActor { standing: Standing::Overseer, leads: Vec::new() };
        let now = DateTime::<Utc>::default();
        // (actor, with the commission named, expected to be allowed)
        let table = [
            (RecordActor::manager(StaffId::new()), true, true),
            (RecordActor::manager(StaffId::new()), false, true),
            (head.clone(), true, true),
            (head, false, false),
            (other_head, true, false),
            (colleague(Vec::new()), true, false),
            (overseer, true, false),
        ];
        for (actor, named, allowed) in table {
            let i = ActivityInput { commission: named.then_some(w.commission), ..input(&w) };
            let a = record_activity(&actor, i, &w.refs, ActivityId::new(), now);
            assert_eq!(a.is_ok(), allowed, "{:?} named={named}: {a:?}", actor.standing);
            if let Ok(a) = a {
                assert_eq!(a.set_participants(&actor, &[], None, &w.refs).is_ok(), allowed);
                assert_eq!(a.hours.tenths(), 15);
                assert_eq!(a.year.to_string(), "2022-2023");
            }
        }
    }

    #[test]
    fn an_activity_lists_every_problem_of_its_input_at_once_r_1_3() {
        let w = world();
        let stranger = StaffId::new();
        let bad = ActivityInput {
            form: "juggling".into(),
            title: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2023, 3, 2).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2023, 3, 1),
            organiser: Some(w.gone),
            commission: Some(CommissionId::new()),
            hours: Some(-2.0),
            subject: Some(SubjectId::new()),
            plan_item: Some(ItemId::new()),
            feedback: vec![FeedbackInput { staff: stranger, text: " ".into() }],
            participants: vec![
                ParticipantInput { staff: stranger, role: "presenter".into(), attended: true },
                ParticipantInput { staff: stranger, role: "boss".into(), attended: true },
            ],
            ..input(&w)
        };
        let Err(RecordActivityError::Invalid(problems)) = record_activity(
            &RecordActor::manager(StaffId::new()),
            bad,
            &w.refs,
            ActivityId::new(),
            DateTime::<Utc>::default(),
        ) else {
            panic!("accepted")
        };
        let got: Vec<(&str, ProblemKind)> = problems.iter().map(|p| (p.field.as_str(), p.kind)).collect();
        use ProblemKind::{Duplicate, Inactive, InvalidValue, OutOfRange, Text, UnknownReference};
        assert_eq!(
            got,
            [
                ("form", UnknownReference),
                ("title", Text(crate::values::TextError::Empty)),
                ("ends_on", OutOfRange),
                ("hours", OutOfRange),
                ("commission_id", UnknownReference),
                ("organiser_id", Inactive),
                ("subject_id", UnknownReference),
                ("plan_item_id", UnknownReference),
                ("participants[0].staff_id", UnknownReference),
                ("participants[1].staff_id", UnknownReference),
                ("feedback[0].staff_id", UnknownReference),
                ("participants[1].staff_id", Duplicate),
                ("participants[1].role", InvalidValue),
                ("feedback[0].text", Text(crate::values::TextError::Empty)),
            ]
        );
    }

    #[test]
    fn feedback_is_replaced_only_when_sent_r_1_3() {
        let w = world();
        let deputy = RecordActor::manager(StaffId::new());
        let a = record_activity(&deputy, input(&w), &w.refs, ActivityId::new(), DateTime::<Utc>::default()).unwrap();
        let parts = [ParticipantInput { staff: w.teacher, role: "observer".into(), attended: false }];
        let kept = a.set_participants(&deputy, &parts, None, &w.refs).unwrap();
        assert_eq!(kept.feedback, None);
        assert_eq!(kept.participants[0].role, ParticipantRole::Observer);
        let cleared = a.set_participants(&deputy, &parts, Some(&[]), &w.refs).unwrap();
        assert_eq!(cleared.feedback, Some(Vec::new()));
    }
}
