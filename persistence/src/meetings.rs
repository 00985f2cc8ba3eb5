//! Meetings and their minutes, protocol numbers, and the methodological council's composition.

use crate::entities::{council_override, meeting};
use crate::org::check_version;
use crate::{Audit, Page, PageRequest, Store, StoreError, StoreResult, now, record_audit, stored};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{CommissionId, MeetingId, SchoolId, StaffId};
use usul_domain::meeting::{Body, Decision, Meeting, MeetingStatus, Presence, Quorum};
use usul_domain::org::School;
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// A meeting to schedule.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub body: Body,
    pub date: NaiveDate,
    pub title: Option<String>,
    pub agenda: Vec<String>,
    pub notes: Option<String>,
    /// Every member of the body, each marked absent until the minutes say otherwise.
    pub members: Vec<StaffId>,
}

/// Changes to the minutes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MeetingPatch {
    pub date: Option<NaiveDate>,
    pub title: Option<Option<String>>,
    pub agenda: Option<Vec<String>>,
    pub attendance: Option<Vec<(StaffId, Presence)>>,
    pub decisions: Option<Vec<Decision>>,
    pub notes: Option<Option<String>>,
    pub chair: Option<Option<StaffId>>,
    pub secretary: Option<Option<StaffId>>,
}

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

/// How many times finalization retries when another server took the same protocol number.
const NUMBERING_ATTEMPTS: usize = 8;

impl Store {
    /// Schedules a meeting.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn create_meeting(&self, school: &School, new: NewMeeting, audit: &Audit) -> StoreResult<Meeting> {
        let txn = self.write().await?;
        let id = Uuid::now_v7();
        let at = now();
        let year = AcademicYear::containing(new.date)
            .ok_or_else(|| StoreError::Corrupt("meeting date out of range".into()))?;
        let attendance: Vec<(StaffId, Presence)> = new.members.iter().map(|s| (*s, Presence::Absent)).collect();
        let m = meeting::ActiveModel {
            id: Set(id),
            school_id: Set(school.id.uuid()),
            body_key: Set(new.body.key()),
            commission_id: Set(match new.body {
                Body::Commission(c) => Some(c.uuid()),
                _ => None,
            }),
            start_year: Set(year.start_year()),
            date: Set(new.date),
            status: Set(MeetingStatus::Scheduled.code().to_owned()),
            title: Set(new.title),
            agenda: Set(json(&new.agenda)),
            attendance: Set(attendance_json(&attendance)),
            decisions: Set("[]".to_owned()),
            notes: Set(new.notes),
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
        record_audit(
            &txn,
            audit,
            "meeting.create",
            "meeting",
            Some(id),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
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

    /// Lists a school's meetings, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn list_meetings(
        &self,
        school: SchoolId,
        filter: &MeetingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Meeting>> {
        let mut q = meeting::Entity::find()
            .filter(meeting::Column::SchoolId.eq(school.uuid()))
            .order_by_asc(meeting::Column::Id)
            .limit(page.limit + 1);
        if let Some(b) = filter.body {
            q = q.filter(meeting::Column::BodyKey.eq(b.key()));
        }
        if let Some(k) = filter.kind {
            q = match k {
                usul_domain::meeting::BodyKind::Commission => q.filter(meeting::Column::CommissionId.is_not_null()),
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

    /// Changes a meeting that is not finalized (the caller has checked) and at `expected`.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when it changed or was finalized meanwhile.
    pub async fn update_meeting(
        &self,
        m: &Meeting,
        expected: Option<i32>,
        patch: MeetingPatch,
        status: Option<MeetingStatus>,
        audit: &Audit,
    ) -> StoreResult<Meeting> {
        let txn = self.write().await?;
        let current = meeting::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
        check_version(expected, current.version)?;
        let mut am = meeting::ActiveModel { id: Set(current.id), ..Default::default() };
        if let Some(d) = patch.date {
            am.date = Set(d);
            if let Some(y) = AcademicYear::containing(d) {
                am.start_year = Set(y.start_year());
            }
        }
        if let Some(t) = patch.title {
            am.title = Set(t);
        }
        if let Some(a) = &patch.agenda {
            am.agenda = Set(json(a));
        }
        if let Some(a) = &patch.attendance {
            am.attendance = Set(attendance_json(a));
        }
        if let Some(d) = &patch.decisions {
            am.decisions = Set(decisions_json(d));
        }
        if let Some(n) = patch.notes {
            am.notes = Set(n);
        }
        if let Some(c) = patch.chair {
            am.chair_id = Set(c.map(StaffId::uuid));
        }
        if let Some(s) = patch.secretary {
            am.secretary_id = Set(s.map(StaffId::uuid));
        }
        if let Some(s) = status {
            am.status = Set(s.code().to_owned());
        }
        am.version = Set(current.version + 1);
        am.updated_at = Set(now());
        let n = meeting::Entity::update_many()
            .set(am)
            .filter(meeting::Column::Id.eq(current.id))
            .filter(meeting::Column::Version.eq(current.version))
            .filter(meeting::Column::Status.eq(m.status.code()))
            .exec(&txn)
            .await?
            .rows_affected;
        if n == 0 {
            return Err(StoreError::VersionMismatch { current: current.version + 1 });
        }
        let action = if status.is_some() { "meeting.hold" } else { "meeting.update" };
        record_audit(&txn, audit, action, "meeting", Some(current.id), Some(current.school_id), None).await?;
        let updated = meeting::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
        txn.commit().await?;
        updated.try_into()
    }

    /// Finalizes held minutes: gives the next protocol number of the body and year, records the
    /// quorum, and makes them read-only. Numbers have no gap and no duplicate: the unique
    /// index refuses a number another server took a moment earlier, and the attempt is made
    /// again with the next one.
    ///
    /// # Errors
    /// [`StoreError::VersionMismatch`] when the meeting changed or was finalized meanwhile.
    pub async fn finalize_meeting(
        &self,
        m: &Meeting,
        expected: Option<i32>,
        quorum: Quorum,
        audit: &Audit,
    ) -> StoreResult<Meeting> {
        for _ in 0..NUMBERING_ATTEMPTS {
            let txn = self.write().await?;
            let current = meeting::Entity::find_by_id(m.id.uuid()).one(&txn).await?.ok_or(StoreError::NotFound)?;
            check_version(expected, current.version)?;
            let last: Option<Option<i32>> = meeting::Entity::find()
                .select_only()
                .column_as(meeting::Column::ProtocolNumber.max(), "last")
                .filter(meeting::Column::SchoolId.eq(current.school_id))
                .filter(meeting::Column::BodyKey.eq(current.body_key.clone()))
                .filter(meeting::Column::StartYear.eq(current.start_year))
                .into_tuple()
                .one(&txn)
                .await?;
            let next = last.flatten().unwrap_or(0) + 1;
            let result = meeting::Entity::update_many()
                .col_expr(meeting::Column::Status, Expr::value(MeetingStatus::Finalized.code()))
                .col_expr(meeting::Column::ProtocolNumber, Expr::value(next))
                .col_expr(
                    meeting::Column::QuorumPresent,
                    Expr::value(i32::try_from(quorum.present).unwrap_or(i32::MAX)),
                )
                .col_expr(meeting::Column::QuorumTotal, Expr::value(i32::try_from(quorum.members).unwrap_or(i32::MAX)))
                .col_expr(meeting::Column::FinalizedAt, Expr::value(now()))
                .col_expr(meeting::Column::UpdatedAt, Expr::value(now()))
                .col_expr(meeting::Column::Version, Expr::value(current.version + 1))
                .filter(meeting::Column::Id.eq(current.id))
                .filter(meeting::Column::Version.eq(current.version))
                .filter(meeting::Column::Status.eq(MeetingStatus::Held.code()))
                .exec(&txn)
                .await;
            match result {
                Ok(r) if r.rows_affected == 1 => {
                    record_audit(
                        &txn,
                        audit,
                        "meeting.finalize",
                        "meeting",
                        Some(current.id),
                        Some(current.school_id),
                        None,
                    )
                    .await?;
                    let done = meeting::Entity::find_by_id(current.id).one(&txn).await?.ok_or(StoreError::NotFound)?;
                    txn.commit().await?;
                    return done.try_into();
                }
                Ok(_) => return Err(StoreError::VersionMismatch { current: current.version + 1 }),
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    // Another server numbered a meeting of this body first: try the next number.
                    tracing::info!(number = next, "protocol number taken by a concurrent finalization; retrying");
                    txn.rollback().await?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Conflict(crate::Conflict::ProtocolNumberingBusy))
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

    /// Adds (`included`) or removes a person from the methodological council of a year.
    ///
    /// # Errors
    /// [`StoreError::Db`].
    pub async fn set_council_override(
        &self,
        school: &School,
        year: AcademicYear,
        staff: StaffId,
        included: bool,
        audit: &Audit,
    ) -> StoreResult<()> {
        let txn = self.write().await?;
        council_override::Entity::delete_many()
            .filter(council_override::Column::SchoolId.eq(school.id.uuid()))
            .filter(council_override::Column::StartYear.eq(year.start_year()))
            .filter(council_override::Column::StaffId.eq(staff.uuid()))
            .exec(&txn)
            .await?;
        council_override::ActiveModel {
            school_id: Set(school.id.uuid()),
            start_year: Set(year.start_year()),
            staff_id: Set(staff.uuid()),
            included: Set(included),
        }
        .insert(&txn)
        .await
        .map_err(|e| StoreError::unique(e, crate::Conflict::CouncilBusy))?;
        let action = if included { "council.add" } else { "council.remove" };
        record_audit(
            &txn,
            audit,
            action,
            "methodological_council",
            Some(staff.uuid()),
            Some(school.id.uuid()),
            Some(school.district.uuid()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
