//! Meetings and their minutes, protocol numbers, and the methodological council's composition.

use crate::entities::{commission, commission_member, council_override, meeting};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr};
use serde::{Deserialize, Serialize};
use usul_domain::commission::CommissionStatus;
use usul_domain::ids::{CommissionId, MeetingId, SchoolId, StaffId};
use usul_domain::meeting::command::{MeetingChange, NewMeeting, Numbering};
use usul_domain::meeting::numbering::{Numbered, next_number};
use usul_domain::meeting::seating::{CouncilChange, Readable, Seating, Ties, council_seats};
use usul_domain::meeting::{Body, BodyKind, Decision, Meeting, MeetingStatus, Presence, Quorum, Seat};
use usul_domain::org::School;
use usul_domain::staff::Staff;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// Filters of the meeting list.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub body: Option<Body>,
    pub kind: Option<usul_domain::meeting::BodyKind>,
    pub year: Option<AcademicYear>,
    pub status: Option<MeetingStatus>,
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Serialize, Deserialize)]
struct AttendanceRow {
    staff_id: Uuid,
    presence: String,
}

#[derive(Serialize, Deserialize)]
struct DecisionRow {
    text: String,
    #[serde(default)]
    responsible: Vec<Uuid>,
    deadline: Option<NaiveDate>,
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

fn attendance_json(a: &[(StaffId, Presence)]) -> String {
    json(
        &a.iter().map(|(s, p)| AttendanceRow { staff_id: s.uuid(), presence: p.code().to_owned() }).collect::<Vec<_>>(),
    )
}

fn decisions_json(d: &[Decision]) -> String {
    json(
        &d.iter()
            .map(|d| DecisionRow {
                text: d.text.clone(),
                responsible: d.responsible.iter().map(|s| s.uuid()).collect(),
                deadline: d.deadline,
            })
            .collect::<Vec<_>>(),
    )
}

fn body_of(m: &meeting::Model) -> StoreResult<Body> {
    body_from(&m.body_key, m.commission_id)
}

/// The body of a stored meeting, from its key and commission.
pub(crate) fn body_from(key: &str, commission: Option<Uuid>) -> StoreResult<Body> {
    match (key, commission) {
        ("pedagogical_council", _) => Ok(Body::PedagogicalCouncil),
        ("methodological_council", _) => Ok(Body::MethodologicalCouncil),
        (_, Some(c)) => Ok(Body::Commission(CommissionId::from_uuid(c))),
        (other, None) => Err(StoreError::Corrupt(format!("meeting.body_key: {other}"))),
    }
}

impl TryFrom<meeting::Model> for Meeting {
    type Error = StoreError;
    fn try_from(m: meeting::Model) -> StoreResult<Self> {
        let attendance: Vec<AttendanceRow> = stored("meeting.attendance", serde_json::from_str(&m.attendance))?;
        let decisions: Vec<DecisionRow> = stored("meeting.decisions", serde_json::from_str(&m.decisions))?;
        let agenda: Vec<String> = stored("meeting.agenda", serde_json::from_str(&m.agenda))?;
        Ok(Self {
            id: MeetingId::from_uuid(m.id),
            school: SchoolId::from_uuid(m.school_id),
            body: body_of(&m)?,
            year: stored("meeting.start_year", AcademicYear::starting(m.start_year))?,
            date: m.date,
            status: MeetingStatus::parse(&m.status)
                .ok_or_else(|| StoreError::Corrupt(format!("meeting.status: {}", m.status)))?,
            title: m.title,
            agenda,
            attendance: attendance
                .into_iter()
                .map(|a| {
                    Presence::parse(&a.presence)
                        .map(|p| (StaffId::from_uuid(a.staff_id), p))
                        .ok_or_else(|| StoreError::Corrupt("meeting.presence".into()))
                })
                .collect::<StoreResult<Vec<_>>>()?,
            decisions: decisions
                .into_iter()
                .map(|d| Decision {
                    text: d.text,
                    responsible: d.responsible.into_iter().map(StaffId::from_uuid).collect(),
                    deadline: d.deadline,
                })
                .collect(),
            notes: m.notes,
            chair: m.chair_id.map(StaffId::from_uuid),
            secretary: m.secretary_id.map(StaffId::from_uuid),
            protocol_number: m.protocol_number.and_then(|n| u32::try_from(n).ok()),
            quorum: match (m.quorum_present, m.quorum_total) {
                (Some(p), Some(t)) => {
                    Some(Quorum { present: u32::try_from(p).unwrap_or(0), members: u32::try_from(t).unwrap_or(0) })
                }
                _ => None,
            },
            finalized_at: m.finalized_at,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// How many times holding retries when another server took the same protocol number.
const NUMBERING_ATTEMPTS: usize = 8;

/// Whether the change signs the minutes.
const fn change_finalizes(change: MeetingChange) -> bool {
    matches!(change, MeetingChange::Finalized { .. })
}

/// What a command on a meeting needs, loaded in a fixed number of queries: the meeting, its
/// school, its body's seating, and the people the request names.
#[derive(Debug, Clone)]
pub struct MeetingCase {
    pub meeting: Meeting,
    pub school: School,
    pub seating: Seating,
    pub people: Vec<Staff>,
}

/// The list filter of what a reader sees.
fn scope_condition(scope: &[Readable]) -> Condition {
    let of = |b: Body| match b {
        Body::Commission(c) => meeting::Column::CommissionId.eq(c.uuid()),
        other => meeting::Column::BodyKey.eq(other.key()),
    };
    scope.iter().fold(Condition::any(), |any, r| match *r {
        Readable::EveryOf(BodyKind::Commission) => any.add(meeting::Column::CommissionId.is_not_null()),
        Readable::EveryOf(kind) => any.add(meeting::Column::BodyKey.eq(kind.code())),
        Readable::Of(b) => any.add(of(b)),
        Readable::OfIn(b, y) => any.add(Condition::all().add(of(b)).add(meeting::Column::StartYear.eq(y.start_year()))),
    })
}

impl Store {
    /// Loads what a command on meeting `id` needs, with the people `staff` names; `None` when
    /// there is no such meeting.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn meeting_case(
        &self,
        id: MeetingId,
        staff: &[StaffId],
        on: Option<NaiveDate>,
    ) -> StoreResult<Option<MeetingCase>> {
        let Some(meeting) = self.get_meeting(id).await? else { return Ok(None) };
        let school = self.get_school(meeting.school).await?.ok_or(StoreError::NotFound)?;
        let on = on.unwrap_or(meeting.date);
        let Some(seating) = self.seating(&school, meeting.body, meeting.year, on).await? else { return Ok(None) };
        let people = self.staff_by_ids(staff).await?;
        Ok(Some(MeetingCase { meeting, school, seating, people }))
    }

    /// Who sits on a body of `school` in `year`, for a meeting of `on` (a commission's
    /// members by its orders on that date, R-3.2.2d); `None` for a commission the school does
    /// not have.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn seating(
        &self,
        school: &School,
        body: Body,
        year: AcademicYear,
        on: NaiveDate,
    ) -> StoreResult<Option<Seating>> {
        Ok(match body {
            Body::PedagogicalCouncil => Some(Seating::pedagogical_council(&self.active_school_staff(school.id).await?)),
            Body::MethodologicalCouncil => {
                Some(Seating::methodological_council(&self.council_seats(school.id, year).await?))
            }
            Body::Commission(id) => match self.get_commission(id).await?.filter(|c| c.school == school.id) {
                Some(c) => Some(Seating::commission_on(c, &self.commission_memberships(id).await?, on)),
                None => None,
            },
        })
    }

    /// The methodological council of a year: its office holders as the deputy
    /// adjusted them.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn council_seats(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<(StaffId, Seat)>> {
        let staff = self.active_school_staff(school).await?;
        let approved = self.approved_commissions(school, year).await?;
        let overrides = self.council_overrides(school, year).await?;
        Ok(council_seats(&staff, &approved, &overrides))
    }

    /// What ties `me` to the bodies of `school`, in three queries whatever the school's size.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn reader_ties(&self, school: SchoolId, me: &Staff) -> StoreResult<Ties> {
        let sits_on: Vec<Uuid> = commission_member::Entity::find()
            .select_only()
            .column(commission_member::Column::CommissionId)
            .filter(commission_member::Column::StaffId.eq(me.id.uuid()))
            .filter(commission_member::Column::Until.is_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        let heads: Vec<(Uuid, i32)> = commission::Entity::find()
            .select_only()
            .column(commission::Column::Id)
            .column(commission::Column::StartYear)
            .filter(commission::Column::SchoolId.eq(school.uuid()))
            .filter(commission::Column::HeadId.eq(me.id.uuid()))
            .filter(commission::Column::Status.eq(CommissionStatus::Approved.code()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let council: Vec<(i32, bool)> = council_override::Entity::find()
            .select_only()
            .column(council_override::Column::StartYear)
            .column(council_override::Column::Included)
            .filter(council_override::Column::SchoolId.eq(school.uuid()))
            .filter(council_override::Column::StaffId.eq(me.id.uuid()))
            .into_tuple()
            .all(&self.db)
            .await?;
        let year = |y: i32| stored("start_year", AcademicYear::starting(y));
        Ok(Ties {
            on_staff: me.active && me.school() == Some(school),
            sits_on: sits_on.into_iter().map(CommissionId::from_uuid).collect(),
            heads: heads
                .into_iter()
                .map(|(c, y)| Ok((CommissionId::from_uuid(c), year(y)?)))
                .collect::<StoreResult<_>>()?,
            council: council.into_iter().map(|(y, seated)| Ok((year(y)?, seated))).collect::<StoreResult<_>>()?,
        })
    }

    /// Schedules a meeting.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_meeting(&self, school: &School, new: &NewMeeting, audit: &Audit) -> StoreResult<Meeting> {
        let txn = self.write().await?;
        let id = Uuid::now_v7();
        let at = now();
        let m = meeting::ActiveModel {
            id: Set(id),
            school_id: Set(school.id.uuid()),
            body_key: Set(new.body.key()),
            commission_id: Set(match new.body {
                Body::Commission(c) => Some(c.uuid()),
                _ => None,
            }),
            start_year: Set(new.year.start_year()),
            date: Set(new.date),
            status: Set(MeetingStatus::Scheduled.code().to_owned()),
            title: Set(new.title.clone()),
            agenda: Set(json(&new.agenda)),
            attendance: Set(attendance_json(&new.attendance)),
            decisions: Set("[]".to_owned()),
            notes: Set(new.notes.clone()),
            chair_id: Set(None),
            secretary_id: Set(None),
            protocol_number: Set(None),
            quorum_present: Set(None),
            quorum_total: Set(None),
            finalized_at: Set(None),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&txn)
        .await?;
        let (school_id, district) = (Some(school.id.uuid()), Some(school.district.uuid()));
        record_audit(&txn, audit, MeetingChange::Scheduled.action(), "meeting", Some(id), school_id, district).await?;
        txn.commit().await?;
        m.try_into()
    }

    /// Reads a meeting.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn get_meeting(&self, id: MeetingId) -> StoreResult<Option<Meeting>> {
        meeting::Entity::find_by_id(id.uuid()).one(&self.db).await?.map(Meeting::try_from).transpose()
    }

    /// Lists the meetings of a school that a reader sees (`scope`, from
    /// [`usul_domain::meeting::seating::readable`]), oldest first. Visibility is a filter of
    /// the query, so every page but the last is full.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_meetings(
        &self,
        school: SchoolId,
        filter: &MeetingFilter,
        scope: &[Readable],
        page: PageRequest,
    ) -> StoreResult<Page<Meeting>> {
        if scope.is_empty() {
            return Ok(Page::from_rows(Vec::new(), page.limit, |m: &Meeting| m.id.uuid()));
        }
        let mut q = meeting::Entity::find()
            .filter(meeting::Column::SchoolId.eq(school.uuid()))
            .filter(scope_condition(scope))
            .order_by_asc(meeting::Column::Id)
            .limit(page.limit + 1);
        if let Some(b) = filter.body {
            q = q.filter(meeting::Column::BodyKey.eq(b.key()));
        }
        if let Some(k) = filter.kind {
            q = match k {
                BodyKind::Commission => q.filter(meeting::Column::CommissionId.is_not_null()),
                other => q.filter(meeting::Column::BodyKey.eq(other.code())),
            };
        }
        if let Some(y) = filter.year {
            q = q.filter(meeting::Column::StartYear.eq(y.start_year()));
        }
        if let Some(s) = filter.status {
            q = q.filter(meeting::Column::Status.eq(s.code()));
        }
        if let Some(t) = filter.updated_since {
            q = q.filter(meeting::Column::UpdatedAt.gte(t));
        }
        if let Some(after) = page.after {
            q = q.filter(meeting::Column::Id.gt(after));
        }
        let items = q.all(&self.db).await?.into_iter().map(Meeting::try_from).collect::<StoreResult<Vec<_>>>()?;
        Ok(Page::from_rows(items, page.limit, |m| m.id.uuid()))
    }

    /// Writes what a command did to a meeting: `after` is the meeting the command answered and
    /// `change` the record of it, written only if the meeting is still as `before` was read
    /// (and at `expected` when the client sent one). Holding gives the body's next protocol
    /// number for the year in the order of the meetings' dates, as
    /// [`next_number`] decides on the sequence read in the same transaction; the unique index
    /// refuses a number another server took a moment earlier, and the attempt is made again —
    /// the order of dates checked again — so there is no gap and no duplicate.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the meeting changed meanwhile,
    /// [`StoreError::OutOfOrder`] when a meeting of the body dated later was held already.
    pub async fn save_meeting(
        &self,
        before: &Meeting,
        expected: Option<i32>,
        after: &Meeting,
        change: MeetingChange,
        audit: &Audit,
    ) -> StoreResult<Meeting> {
        let numbering = match change {
            MeetingChange::Held { numbering } => Some(numbering),
            MeetingChange::Finalized { numbering, .. } => numbering,
            MeetingChange::Edited => None,
            MeetingChange::Scheduled => {
                return Err(StoreError::Corrupt("a meeting is scheduled by create_meeting".into()));
            }
        };
        for _ in 0..NUMBERING_ATTEMPTS {
            match self.write_meeting(before, expected, after, change, numbering, audit).await {
                Err(StoreError::Db(e)) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    // Another server numbered a meeting of this body first: read the sequence again.
                    tracing::info!("protocol number taken by a concurrent hold; retrying");
                }
                other => return other,
            }
        }
        Err(StoreError::Conflict(crate::Conflict::ProtocolNumberingBusy))
    }

    /// One attempt of [`Store::save_meeting`], in one transaction.
    async fn write_meeting(
        &self,
        before: &Meeting,
        expected: Option<i32>,
        after: &Meeting,
        change: MeetingChange,
        numbering: Option<Numbering>,
        audit: &Audit,
    ) -> StoreResult<Meeting> {
        let txn = self.write().await?;
        let current = meeting::Entity::find_by_id(before.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let number = match numbering {
            Some(n) => {
                let rows: Vec<(Option<i32>, NaiveDate)> = meeting::Entity::find()
                    .select_only()
                    .column(meeting::Column::ProtocolNumber)
                    .column(meeting::Column::Date)
                    .filter(meeting::Column::SchoolId.eq(n.school.uuid()))
                    .filter(meeting::Column::BodyKey.eq(n.body.key()))
                    .filter(meeting::Column::StartYear.eq(n.year.start_year()))
                    .filter(meeting::Column::ProtocolNumber.is_not_null())
                    .into_tuple()
                    .all(&txn)
                    .await?;
                let numbered: Vec<Numbered> = rows
                    .into_iter()
                    .filter_map(|(number, date)| Some(Numbered { number: u32::try_from(number?).ok()?, date }))
                    .collect();
                let next = next_number(&numbered, after.date)?;
                Some(i32::try_from(next).map_err(|_| StoreError::Corrupt("protocol number overflow".into()))?)
            }
            None => current.protocol_number,
        };
        let at = now();
        let finalized = change_finalizes(change);
        let am = meeting::ActiveModel {
            id: Set(current.id),
            date: Set(after.date),
            start_year: Set(after.year.start_year()),
            title: Set(after.title.clone()),
            agenda: Set(json(&after.agenda)),
            attendance: Set(attendance_json(&after.attendance)),
            decisions: Set(decisions_json(&after.decisions)),
            notes: Set(after.notes.clone()),
            chair_id: Set(after.chair.map(StaffId::uuid)),
            secretary_id: Set(after.secretary.map(StaffId::uuid)),
            status: Set(after.status.code().to_owned()),
            protocol_number: Set(number),
            quorum_present: Set(after.quorum.map(|q| i32::try_from(q.present).unwrap_or(i32::MAX))),
            quorum_total: Set(after.quorum.map(|q| i32::try_from(q.members).unwrap_or(i32::MAX))),
            finalized_at: Set(if finalized { Some(at) } else { current.finalized_at }),
            version: Set(current.version + 1),
            updated_at: Set(at),
            ..Default::default()
        };
        let n = meeting::Entity::update_many()
            .set(am)
            .filter(meeting::Column::Id.eq(current.id))
            .filter(meeting::Column::Version.eq(before.version))
            .filter(meeting::Column::Status.eq(before.status.code()))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version });
        }
        record_audit(&txn, audit, change.action(), "meeting", Some(current.id), Some(current.school_id), None).await?;
        let updated = meeting::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        updated.try_into()
    }

    /// The deputy's additions (`true`) and removals (`false`) to the methodological council.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn council_overrides(&self, school: SchoolId, year: AcademicYear) -> StoreResult<Vec<(StaffId, bool)>> {
        Ok(council_override::Entity::find()
            .filter(council_override::Column::SchoolId.eq(school.uuid()))
            .filter(council_override::Column::StartYear.eq(year.start_year()))
            .order_by_asc(council_override::Column::StaffId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| (StaffId::from_uuid(o.staff_id), o.included))
            .collect())
    }

    /// Records the deputy's change to the methodological council of a year.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn set_council_override(&self, school: &School, change: CouncilChange, audit: &Audit) -> StoreResult<()> {
        let txn = self.write().await?;
        council_override::Entity::delete_many()
            .filter(council_override::Column::SchoolId.eq(school.id.uuid()))
            .filter(council_override::Column::StartYear.eq(change.year.start_year()))
            .filter(council_override::Column::StaffId.eq(change.staff.uuid()))
            .exec(&txn)
            .await?;
        council_override::ActiveModel {
            school_id: Set(school.id.uuid()),
            start_year: Set(change.year.start_year()),
            staff_id: Set(change.staff.uuid()),
            included: Set(change.included),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::CouncilBusy))?;
        record_audit(
            &txn,
            audit,
            change.action(),
            "methodological_council",
            Some(change.staff.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
