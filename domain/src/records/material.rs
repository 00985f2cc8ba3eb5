//! The materials bank: who sees a material, who adds one, and its way from a draft
//! through a review at a commission meeting (R-3.2.2g, R-5.2) to publication in the school's
//! bank, where every colleague sees it.

use super::actor::{Hidden, RecordActor, Standing};
use super::input::{Problem, ProblemKind, Problems, RefQuery, Refs};
use super::{MATERIAL_KINDS, Material, MaterialStatus};
use crate::ids::{MaterialId, MeetingId, SchoolId, StaffId, SubjectId};
use crate::meeting::{Body, Meeting, MeetingStatus};
use crate::year::AcademicYear;
use chrono::{DateTime, Utc};

/// Which of a school's materials a caller sees: one rule for a single read and for a list (the
/// store applies it as a filter, so that pages are full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaterialVisibility {
    /// Everything: the director, the deputy, district users and administrators.
    All,
    /// Published materials (R-4.3: the bank is the colleagues' common fund), and drafts and
    /// reviewed ones by one of these authors: the caller and the members of the commissions
    /// the caller heads, whose work comes to their commission's meetings (R-3.2.2g).
    PublishedOrBy(Vec<StaffId>),
}

impl MaterialVisibility {
    /// The rule for `actor`.
    #[must_use]
    pub fn of(actor: &RecordActor) -> Self {
        match actor.standing {
            Standing::Manager(_) | Standing::Overseer => Self::All,
            Standing::Colleague(_) => Self::PublishedOrBy(actor.colleagues_in_review()),
        }
    }

    /// Whether a material of `status` by `authors` is seen.
    #[must_use]
    pub fn sees(&self, status: MaterialStatus, authors: &[StaffId]) -> bool {
        match self {
            Self::All => true,
            Self::PublishedOrBy(people) => {
                status == MaterialStatus::Published || authors.iter().any(|a| people.contains(a))
            }
        }
    }
}

/// A material to add, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialInput {
    pub kind: String,
    pub title: String,
    pub authors: Vec<StaffId>,
    pub subject: Option<SubjectId>,
    pub grades: Option<String>,
    pub year: String,
    pub tags: Vec<String>,
    pub annotation: Option<String>,
    pub link: Option<String>,
}

impl MaterialInput {
    /// The ids to look up before [`add_material`].
    #[must_use]
    pub fn references(&self) -> RefQuery {
        RefQuery { people: self.authors.clone(), subjects: self.subject.into_iter().collect(), ..RefQuery::default() }
    }
}

/// Why a material is not added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddMaterialError {
    /// Only members of the school's staff add materials.
    #[error("only the school's staff add materials")]
    NotAllowed,
    /// The input's problems, all at once.
    #[error("the material is invalid")]
    Invalid(Vec<Problem>),
}

/// Whether `link` is an external `http(s)` link without spaces or control characters.
pub(crate) fn is_link(link: &str) -> bool {
    (link.starts_with("https://") || link.starts_with("http://"))
        && link.len() <= 2000
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Adds a material to the school's bank as a draft: any member of the staff adds one,
/// with its authors (active staff of the school, at least one) and either a link or, later, a
/// file.
///
/// # Errors
/// [`AddMaterialError`].
pub fn add_material(
    actor: &RecordActor,
    input: MaterialInput,
    refs: &Refs,
    id: MaterialId,
    now: DateTime<Utc>,
) -> Result<Material, AddMaterialError> {
    if actor.staff().is_none() {
        return Err(AddMaterialError::NotAllowed);
    }
    let mut p = Problems::default();
    if !MATERIAL_KINDS.contains(&input.kind.as_str()) {
        p.push("kind", ProblemKind::InvalidValue);
    }
    let title = p.text("title", &input.title, 500);
    if input.authors.is_empty() {
        p.push("author_ids", ProblemKind::Required);
    }
    for (i, a) in input.authors.iter().enumerate() {
        p.person(format!("author_ids[{i}]"), *a, refs);
    }
    // A teacher records their own work: they are among its authors. The director and
    // the deputy may record a material for its authors.
    if let Standing::Colleague(me) = actor.standing
        && !input.authors.is_empty()
        && !input.authors.contains(&me)
    {
        p.push("author_ids", ProblemKind::InvalidValue);
    }
    if input.subject.is_some_and(|s| !refs.subjects.contains(&s)) {
        p.push("subject_id", ProblemKind::UnknownReference);
    }
    let grades = p.optional_text("grades", input.grades.as_deref(), 64);
    let year = p.check("year", AcademicYear::parse(&input.year), ProblemKind::InvalidYear);
    let tags: Vec<String> =
        input.tags.iter().enumerate().filter_map(|(i, t)| p.text(&format!("tags[{i}]"), t, 100)).collect();
    let annotation = p.optional_text("annotation", input.annotation.as_deref(), 4000);
    if input.link.as_deref().is_some_and(|l| !is_link(l)) {
        p.push("link", ProblemKind::InvalidFormat);
    }
    p.finish().map_err(AddMaterialError::Invalid)?;
    // Never taken: every value missing here recorded a problem, and `finish` passed.
    let (Some(title), Some(year)) = (title, year) else { return Err(AddMaterialError::Invalid(Vec::new())) };
    let mut authors = input.authors;
    authors.sort_unstable();
    authors.dedup();
    Ok(Material {
        id,
        school: refs.school,
        kind: input.kind,
        title,
        authors,
        subject: input.subject,
        grades,
        year,
        tags,
        annotation,
        status: MaterialStatus::Draft,
        review_meeting: None,
        link: input.link,
        file: None,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// A change of a material's state, to be stored if the material is still `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialTransition {
    pub from: MaterialStatus,
    pub to: MaterialStatus,
    /// The commission meeting that reviewed it (for `reviewed`).
    pub review_meeting: Option<MeetingId>,
}

/// What the review rule needs to know about the meeting a review cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFacts {
    pub id: MeetingId,
    pub school: SchoolId,
    pub body: Body,
    pub status: MeetingStatus,
}

impl From<&Meeting> for MeetingFacts {
    fn from(m: &Meeting) -> Self {
        Self { id: m.id, school: m.school, body: m.body, status: m.status }
    }
}

/// Why a file is not attached to a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReplaceFileError {
    /// The caller does not see the material.
    #[error("not found")]
    Hidden,
    /// Only its authors, the director and the deputy attach its file.
    #[error("only the authors and the managers attach the file")]
    NotAllowed,
    /// What was reviewed is what is published: the file changes only in a draft.
    #[error("the material is {0:?}, not a draft")]
    NotDraft(MaterialStatus),
}

/// Why a material is not reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// The caller does not see the material.
    #[error("not found")]
    Hidden,
    /// Only the head of a commission an author sits on, the director and the deputy review.
    #[error("not the reviewer of this material")]
    NotAllowed,
    /// Only a draft is reviewed.
    #[error("the material is {0:?}, not a draft")]
    NotDraft(MaterialStatus),
    /// The cited meeting is not one of the school's.
    #[error("unknown meeting")]
    UnknownMeeting,
    /// Materials are reviewed at a commission's meeting (R-3.2.2g).
    #[error("not a commission meeting")]
    NotACommissionMeeting,
    /// The cited meeting has not taken place.
    #[error("the meeting has not been held")]
    MeetingNotHeld,
}

/// Why a material is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The caller does not see the material.
    #[error("not found")]
    Hidden,
    /// Only the head of a commission an author sits on, the director and the deputy publish.
    #[error("not the publisher of this material")]
    NotAllowed,
    /// Only a reviewed material enters the bank.
    #[error("the material is {0:?}, not reviewed")]
    NotReviewed(MaterialStatus),
}

impl Material {
    /// Reads the material.
    ///
    /// # Errors
    /// [`Hidden`] when [`MaterialVisibility`] hides it from `actor`.
    pub fn read(&self, actor: &RecordActor) -> Result<(), Hidden> {
        if MaterialVisibility::of(actor).sees(self.status, &self.authors) { Ok(()) } else { Err(Hidden) }
    }

    /// Whether `actor` reviews and publishes it: the director, the deputy, or the head of an
    /// approved commission on which an author sits (R-3.2.2c, R-3.2.2g).
    #[must_use]
    pub fn is_reviewed_by(&self, actor: &RecordActor) -> bool {
        actor.manages() || actor.heads_commission_of(&self.authors)
    }

    /// Attaches or replaces its file: its authors, the director or the deputy, while a draft.
    ///
    /// # Errors
    /// [`ReplaceFileError`].
    pub fn replace_file(&self, actor: &RecordActor) -> Result<(), ReplaceFileError> {
        self.read(actor).map_err(|Hidden| ReplaceFileError::Hidden)?;
        if !(actor.manages() || self.authors.iter().any(|a| actor.is(*a))) {
            return Err(ReplaceFileError::NotAllowed);
        }
        if self.status != MaterialStatus::Draft {
            return Err(ReplaceFileError::NotDraft(self.status));
        }
        Ok(())
    }

    /// `draft → reviewed`, citing a held or finalized meeting of one of the school's commissions
    /// (R-3.2.2g, R-5.2, R-5.3).
    ///
    /// # Errors
    /// [`ReviewError`].
    pub fn review(
        &self,
        actor: &RecordActor,
        meeting: Option<&MeetingFacts>,
    ) -> Result<MaterialTransition, ReviewError> {
        self.read(actor).map_err(|Hidden| ReviewError::Hidden)?;
        if !self.is_reviewed_by(actor) {
            return Err(ReviewError::NotAllowed);
        }
        if self.status != MaterialStatus::Draft {
            return Err(ReviewError::NotDraft(self.status));
        }
        let meeting = meeting.filter(|m| m.school == self.school).ok_or(ReviewError::UnknownMeeting)?;
        if !matches!(meeting.body, Body::Commission(_)) {
            return Err(ReviewError::NotACommissionMeeting);
        }
        if meeting.status == MeetingStatus::Scheduled {
            return Err(ReviewError::MeetingNotHeld);
        }
        Ok(MaterialTransition { from: self.status, to: MaterialStatus::Reviewed, review_meeting: Some(meeting.id) })
    }

    /// `reviewed → published` into the school's bank.
    ///
    /// # Errors
    /// [`PublishError`].
    pub fn publish(&self, actor: &RecordActor) -> Result<MaterialTransition, PublishError> {
        self.read(actor).map_err(|Hidden| PublishError::Hidden)?;
        if !self.is_reviewed_by(actor) {
            return Err(PublishError::NotAllowed);
        }
        if self.status != MaterialStatus::Reviewed {
            return Err(PublishError::NotReviewed(self.status));
        }
        Ok(MaterialTransition { from: self.status, to: MaterialStatus::Published, review_meeting: None })
    }

    /// The material after `t`.
    #[must_use]
    pub fn after(mut self, t: MaterialTransition) -> Self {
        self.status = t.to;
        if t.review_meeting.is_some() {
            self.review_meeting = t.review_meeting;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::actor::LedCommission;
    use super::*;
    use crate::ids::CommissionId;
    use MaterialStatus::{Draft, Published, Reviewed};

    /// The people around one material by `author`, who sits on commission `own`.
    struct World {
        school: SchoolId,
        author: StaffId,
        own: CommissionId,
        other: CommissionId,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Who {
        Deputy,
        Author,
        /// Heads the approved commission the author sits on.
        Head,
        /// Heads another commission.
        OtherHead,
        Colleague,
        District,
    }

    impl World {
        fn new() -> Self {
            Self {
                school: SchoolId::new(),
                author: StaffId::new(),
                own: CommissionId::new(),
                other: CommissionId::new(),
            }
        }

        fn actor(&self, who: Who) -> RecordActor {
            let colleague = |leads| RecordActor { standing: Standing::Colleague(StaffId::new()), leads };
            match who {
                Who::Deputy => RecordActor::manager(StaffId::new()),
                Who::Author => RecordActor { standing: Standing::Colleague(self.author), leads: Vec::new() },
                Who::Head => colleague(vec![LedCommission { id: self.own, members: vec![self.author] }]),
                Who::OtherHead => colleague(vec![LedCommission { id: self.other, members: vec![StaffId::new()] }]),
                Who::Colleague => colleague(Vec::new()),
                Who::District => RecordActor { standing: Standing::Overseer, leads: Vec::new() },
            }
        }

        fn material(&self, status: MaterialStatus) -> Material {
            let now = DateTime::<Utc>::default();
            Material {
                id: MaterialId::new(),
                school: self.school,
                kind: "lesson_notes".into(),
                title: "Бөлчөктөр".into(),
                authors: vec![self.author],
                subject: None,
                grades: None,
                year: AcademicYear::parse("2022-2023").unwrap(),
                tags: Vec::new(),
                annotation: None,
                status,
                review_meeting: None,
                link: None,
                file: None,
                version: 1,
                created_at: now,
                updated_at: now,
            }
        }

        fn meeting(&self, body: Body, status: MeetingStatus) -> MeetingFacts {
            MeetingFacts { id: MeetingId::new(), school: self.school, body, status }
        }
    }

    /// One outcome per command, as a short code: `ok`, `404`, `403`, `409`.
    fn code<E>(r: Result<impl Sized, E>, conflict: impl Fn(&E) -> bool, hidden: impl Fn(&E) -> bool) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(e) if hidden(&e) => "404",
            Err(e) if conflict(&e) => "409",
            Err(_) => "403",
        }
    }

    #[test]
    fn who_reads_attaches_reviews_and_publishes_in_each_state_r_4_3_r_3_2_2g() {
        use Who::{Author, Colleague, Deputy, District, Head, OtherHead};
        let w = World::new();
        let held = w.meeting(Body::Commission(w.own), MeetingStatus::Held);
        // (state, actor, read, replace file, review, publish)
        let table = [
            (Draft, Deputy, "ok", "ok", "ok", "409"),
            (Draft, Author, "ok", "ok", "403", "403"),
            (Draft, Head, "ok", "403", "ok", "409"),
            (Draft, OtherHead, "404", "404", "404", "404"),
            (Draft, Colleague, "404", "404", "404", "404"),
            (Draft, District, "ok", "403", "403", "403"),
            (Reviewed, Deputy, "ok", "409", "409", "ok"),
            (Reviewed, Author, "ok", "409", "403", "403"),
            (Reviewed, Head, "ok", "403", "409", "ok"),
            (Reviewed, OtherHead, "404", "404", "404", "404"),
            (Reviewed, Colleague, "404", "404", "404", "404"),
            (Reviewed, District, "ok", "403", "403", "403"),
            (Published, Deputy, "ok", "409", "409", "409"),
            (Published, Author, "ok", "409", "403", "403"),
            (Published, Head, "ok", "403", "409", "409"),
            (Published, OtherHead, "ok", "403", "403", "403"),
            (Published, Colleague, "ok", "403", "403", "403"),
            (Published, District, "ok", "403", "403", "403"),
        ];
        for (state, who, read, file, review, publish) in table {
            let m = w.material(state);
            let a = w.actor(who);
            let got = (
                code(m.read(&a), |_| false, |_| true),
                code(
                    m.replace_file(&a),
                    |e| matches!(e, ReplaceFileError::NotDraft(_)),
                    |e| *e == ReplaceFileError::Hidden,
                ),
                code(
                    m.review(&a, Some(&held)),
                    |e| matches!(e, ReviewError::NotDraft(_)),
                    |e| *e == ReviewError::Hidden,
                ),
                code(m.publish(&a), |e| matches!(e, PublishError::NotReviewed(_)), |e| *e == PublishError::Hidden),
            );
            assert_eq!(got, (read, file, review, publish), "{state:?} × {who:?}");
        }
    }

    #[test]
    fn the_list_and_a_single_read_apply_one_visibility_rule_r_4_3() {
        let w = World::new();
        for who in [Who::Deputy, Who::Author, Who::Head, Who::OtherHead, Who::Colleague, Who::District] {
            let a = w.actor(who);
            for state in [Draft, Reviewed, Published] {
                let m = w.material(state);
                assert_eq!(
                    MaterialVisibility::of(&a).sees(m.status, &m.authors),
                    m.read(&a).is_ok(),
                    "{who:?} {state:?}"
                );
            }
        }
        assert_eq!(MaterialVisibility::of(&w.actor(Who::Deputy)), MaterialVisibility::All);
        assert_eq!(MaterialVisibility::of(&w.actor(Who::Author)), MaterialVisibility::PublishedOrBy(vec![w.author]));
    }

    #[test]
    fn a_review_cites_a_held_or_finalized_meeting_of_a_commission_of_the_school_r_3_2_2g_r_5_2() {
        let w = World::new();
        let m = w.material(Draft);
        let head = w.actor(Who::Head);
        let at = |body, status| m.review(&head, Some(&w.meeting(body, status)));
        assert_eq!(at(Body::PedagogicalCouncil, MeetingStatus::Finalized), Err(ReviewError::NotACommissionMeeting));
        assert_eq!(at(Body::MethodologicalCouncil, MeetingStatus::Held), Err(ReviewError::NotACommissionMeeting));
        assert_eq!(at(Body::Commission(w.own), MeetingStatus::Scheduled), Err(ReviewError::MeetingNotHeld));
        assert_eq!(m.review(&head, None), Err(ReviewError::UnknownMeeting));
        let elsewhere =
            MeetingFacts { school: SchoolId::new(), ..w.meeting(Body::Commission(w.own), MeetingStatus::Held) };
        assert_eq!(m.review(&head, Some(&elsewhere)), Err(ReviewError::UnknownMeeting));
        let finalized = w.meeting(Body::Commission(w.own), MeetingStatus::Finalized);
        let t = m.review(&head, Some(&finalized));
        assert_eq!(t, Ok(MaterialTransition { from: Draft, to: Reviewed, review_meeting: Some(finalized.id) }));
        let reviewed =
            m.clone().after(MaterialTransition { from: Draft, to: Reviewed, review_meeting: Some(finalized.id) });
        assert_eq!((reviewed.status, reviewed.review_meeting), (Reviewed, Some(finalized.id)));
        let published = reviewed.publish(&head).map(|t| reviewed.clone().after(t));
        assert_eq!(published.map(|p| (p.status, p.review_meeting)), Ok((Published, Some(finalized.id))));
    }

    fn input(w: &World) -> MaterialInput {
        MaterialInput {
            kind: "lesson_notes".into(),
            title: "Бөлчөктөрдү кошуу".into(),
            authors: vec![w.author, w.author],
            subject: None,
            grades: Some("5-6".into()),
            year: "2022-2023".into(),
            tags: vec!["бөлчөк".into()],
            annotation: None,
            link: Some("https://school95.kg/bank".into()),
        }
    }

    fn refs(w: &World) -> Refs {
        let mut r = Refs::empty(w.school);
        r.people = vec![super::super::input::PersonFacts { id: w.author, school: Some(w.school), active: true }];
        r
    }

    #[test]
    fn a_teacher_adds_their_own_work_and_a_manager_anyones_as_a_draft_r_4_3() {
        let w = World::new();
        let now = DateTime::<Utc>::default();
        for who in [Who::Author, Who::Deputy] {
            let m = add_material(&w.actor(who), input(&w), &refs(&w), MaterialId::new(), now);
            assert_eq!(m.as_ref().map(|m| (m.status, m.authors.clone())), Ok((Draft, vec![w.author])));
        }
        assert_eq!(
            add_material(&w.actor(Who::Colleague), input(&w), &refs(&w), MaterialId::new(), now),
            Err(AddMaterialError::Invalid(vec![Problem {
                field: "author_ids".into(),
                kind: ProblemKind::InvalidValue
            }])),
            "a teacher is not the author of other people's work alone"
        );
        assert_eq!(
            add_material(&w.actor(Who::District), input(&w), &refs(&w), MaterialId::new(), now),
            Err(AddMaterialError::NotAllowed),
            "R-3.1: the district supports, it does not write the school's bank"
        );
    }

    #[test]
    fn a_material_lists_every_problem_of_its_input_at_once() {
        let w = World::new();
        let bad = MaterialInput {
            kind: "novel".into(),
            title: " ".into(),
            authors: vec![StaffId::new()],
            subject: Some(SubjectId::new()),
            year: "2022".into(),
            tags: vec![String::new()],
            link: Some("ftp://x".into()),
            ..input(&w)
        };
        let Err(AddMaterialError::Invalid(problems)) =
            add_material(&w.actor(Who::Deputy), bad, &refs(&w), MaterialId::new(), DateTime::<Utc>::default())
        else {
            panic!("accepted")
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["kind", "title", "author_ids[0]", "subject_id", "year", "tags[0]", "link"]);
        let empty = MaterialInput { authors: Vec::new(), ..input(&w) };
        let Err(AddMaterialError::Invalid(problems)) =
            add_material(&w.actor(Who::Deputy), empty, &refs(&w), MaterialId::new(), DateTime::<Utc>::default())
        else {
            panic!("accepted")
        };
        assert_eq!(problems, [Problem { field: "author_ids".into(), kind: ProblemKind::Required }]);
    }
}
