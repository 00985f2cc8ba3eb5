//! The meeting resource's wire types: request bodies and queries turned into the domain's
//! requests, and the views of meetings, their minutes and the councils.

use crate::problem::ApiError;
use crate::query;
use crate::routes::{list_of, present};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use usul_domain::ids::{CommissionId, StaffId};
use usul_domain::lang::Lang;
use usul_domain::meeting::command::{DecisionRequest, MarkRequest, MinutesRequest, ScheduleRequest};
use usul_domain::meeting::seating::SeatRequest;
use usul_domain::meeting::{Body, BodyKind, Meeting, MeetingStatus, Seat};
use usul_domain::staff::Staff;
use usul_domain::values::Name;
use usul_domain::year::AcademicYear;
use usul_persistence::{MeetingFilter, Page};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A council member.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilMemberView {
    pub staff_id: Uuid,
    #[schema(example = "Жумабаева Г.А.")]
    pub short_name: String,
    #[schema(example = "deputy")]
    pub role: String,
    /// `by_office` (director, deputy, head of an approved commission) or `added` by the deputy.
    #[schema(example = "by_office")]
    pub seat: String,
}

/// A council and its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouncilView {
    /// `pedagogical_council` or `methodological_council`.
    #[schema(example = "methodological_council")]
    pub body: String,
    /// The body's name in the language chosen by `Accept-Language`.
    #[schema(example = "Усулдук кеңеш")]
    pub label: String,
    /// The academic year of the composition.
    #[schema(example = "2022-2023")]
    pub year: Option<String>,
    pub members: Vec<CouncilMemberView>,
}

/// One attendance mark.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceView {
    pub staff_id: Uuid,
    /// `present`, `absent` or `excused`.
    #[schema(example = "present", pattern = "^(present|absent|excused)$")]
    pub presence: String,
}

/// A decision of the meeting.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionView {
    /// 1–4000 characters.
    #[schema(example = "Усулдук иш жөнүндө жобо кабыл алынсын.", min_length = 1, max_length = 4000, pattern = "\\S")]
    pub text: String,
    /// Who carries it out (staff of the school).
    #[serde(default)]
    pub responsible_ids: Vec<Uuid>,
    /// By when.
    pub deadline: Option<NaiveDate>,
}

/// Present of all members.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuorumView {
    #[schema(example = 17)]
    pub present: u32,
    #[schema(example = 19)]
    pub members: u32,
}

/// A meeting and its minutes (*протокол*).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub school_id: Uuid,
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[schema(example = "pedagogical_council")]
    pub body: String,
    /// For a commission's meeting.
    pub commission_id: Option<Uuid>,
    /// The body's name in the language chosen by `Accept-Language`.
    #[schema(example = "Педагогикалык кеңеш")]
    pub body_label: String,
    #[schema(example = "2022-2023")]
    pub year: String,
    #[schema(example = "2022-11-09")]
    pub date: NaiveDate,
    /// `scheduled`, `held` or `finalized`.
    #[schema(example = "finalized")]
    pub status: String,
    #[schema(example = "Протокол бекитилди")]
    pub status_label: String,
    pub title: Option<String>,
    /// Agenda items, in order.
    pub agenda: Vec<String>,
    /// Every member of the body with their mark.
    pub attendance: Vec<AttendanceView>,
    /// Present of all members, as of now (or as recorded at finalization).
    pub quorum: QuorumView,
    pub decisions: Vec<DecisionView>,
    pub notes: Option<String>,
    pub chair_id: Option<Uuid>,
    pub secretary_id: Option<Uuid>,
    /// Given at finalization: 1, 2, 3 … per body and academic year.
    #[schema(example = 1)]
    pub protocol_number: Option<u32>,
    pub finalized_at: Option<DateTime<Utc>>,
    /// Sent as `ETag`; send it back in `If-Match`.
    #[schema(example = 1)]
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CouncilView {
    /// A council of `kind` (in `year`, for the methodological council) with its seats, as
    /// `people` knows them.
    #[must_use]
    pub fn new(
        kind: BodyKind,
        year: Option<AcademicYear>,
        people: &[Staff],
        seats: &[(StaffId, Seat)],
        language: Lang,
    ) -> Self {
        let members = seats
            .iter()
            .filter_map(|(id, seat)| {
                people.iter().find(|p| p.id == *id).map(|p| CouncilMemberView {
                    staff_id: p.id.uuid(),
                    short_name: p.short_name(),
                    role: p.role.code().to_owned(),
                    seat: match seat {
                        Seat::ByOffice => "by_office",
                        Seat::Added => "added",
                    }
                    .to_owned(),
                })
            })
            .collect();
        Self {
            body: kind.code().into(),
            label: kind.label().get(language).into(),
            year: year.map(|y| y.to_string()),
            members,
        }
    }
}

impl MeetingView {
    /// The view of a meeting of the body named `body_label`, labelled in `language`.
    #[must_use]
    pub fn new(m: &Meeting, body_label: String, language: Lang) -> Self {
        let q = m.quorum.unwrap_or_else(|| usul_domain::meeting::quorum(&m.attendance));
        Self {
            id: m.id.uuid(),
            school_id: m.school.uuid(),
            body: m.body.kind().code().to_owned(),
            commission_id: match m.body {
                Body::Commission(c) => Some(c.uuid()),
                _ => None,
            },
            body_label,
            year: m.year.to_string(),
            date: m.date,
            status: m.status.code().to_owned(),
            status_label: m.status.label().get(language).to_owned(),
            title: m.title.clone(),
            agenda: m.agenda.clone(),
            attendance: m
                .attendance
                .iter()
                .map(|(s, p)| AttendanceView { staff_id: s.uuid(), presence: p.code().to_owned() })
                .collect(),
            quorum: QuorumView { present: q.present, members: q.members },
            decisions: m
                .decisions
                .iter()
                .map(|d| DecisionView {
                    text: d.text.clone(),
                    responsible_ids: d.responsible.iter().map(|s| s.uuid()).collect(),
                    deadline: d.deadline,
                })
                .collect(),
            notes: m.notes.clone(),
            chair_id: m.chair.map(StaffId::uuid),
            secretary_id: m.secretary.map(StaffId::uuid),
            protocol_number: m.protocol_number,
            finalized_at: m.finalized_at,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

list_of!(MeetingList, MeetingView, "A page of meetings, oldest first.");

impl MeetingList {
    /// A page of meetings; a commission's meetings carry its name from `names`.
    #[must_use]
    pub fn new(page: &Page<Meeting>, names: &[(CommissionId, Name)], language: Lang) -> Self {
        let label = |m: &Meeting| match m.body {
            Body::Commission(c) => names.iter().find(|(id, _)| *id == c).map(|(_, n)| n.to_string()),
            _ => None,
        };
        Self {
            items: page
                .items
                .iter()
                .map(|m| {
                    MeetingView::new(
                        m,
                        label(m).unwrap_or_else(|| m.body.kind().label().get(language).to_owned()),
                        language,
                    )
                })
                .collect(),
            next_cursor: crate::routes::next_cursor(page.next),
            sync_token: None,
            deleted: None,
        }
    }
}

/// The academic year of a council's composition.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// `YYYY-YYYY`; default: the current academic year.
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
}

impl YearQuery {
    /// The year asked for, or the academic year `today` falls in.
    ///
    /// # Errors
    /// A bug when `today` is outside every academic year the service knows.
    pub fn or_current(&self, today: NaiveDate) -> Result<AcademicYear, ApiError> {
        match self.year {
            Some(y) => Ok(y.0),
            None => AcademicYear::containing(today).ok_or_else(|| ApiError::bug("today is out of range")),
        }
    }
}

/// Someone to seat on the methodological council.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": "2022-2023", "staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"}))]
pub struct CouncilMemberBody {
    #[schema(pattern = "^[0-9]{4}-[0-9]{4}$")]
    pub year: String,
    pub staff_id: Uuid,
}

impl From<CouncilMemberBody> for SeatRequest {
    fn from(b: CouncilMemberBody) -> Self {
        Self { year: b.year, staff_id: StaffId::from_uuid(b.staff_id) }
    }
}

/// A meeting to schedule.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "pedagogical_council", "date": "2022-11-09", "agenda": ["Усулдук иш жөнүндө жобону кароо"]}))]
pub struct CreateMeetingBody {
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[schema(pattern = "^(pedagogical_council|methodological_council|commission)$")]
    pub body: String,
    /// Required for `commission`: an approved commission of the school.
    pub commission_id: Option<Uuid>,
    /// The meeting's date; its academic year is the one it falls in.
    pub date: NaiveDate,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// Agenda items (each 1–1000 characters).
    #[serde(default)]
    pub agenda: Vec<String>,
    #[schema(max_length = 8000)]
    pub notes: Option<String>,
}

/// Changes to the minutes; absent fields stay. `attendance` marks only the members it names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "attendance": [{"staff_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7", "presence": "present"}],
    "decisions": [{"text": "Усулдук иш жөнүндө жобо кабыл алынсын.", "responsible_ids": [], "deadline": "2022-11-14"}],
    "chair_id": "01a2153e-6eff-7003-88f9-1de83e1511c4", "secretary_id": "01a2153e-6f02-75e8-ab76-f3d21fc243e7"
}))]
pub struct UpdateMeetingBody {
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub title: Option<Option<String>>,
    pub agenda: Option<Vec<String>>,
    pub attendance: Option<Vec<AttendanceView>>,
    pub decisions: Option<Vec<DecisionView>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 8000)]
    pub notes: Option<Option<String>>,
    /// Who chaired: a member of the body.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub chair_id: Option<Option<Uuid>>,
    /// Who kept the minutes: a member of the body.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub secretary_id: Option<Option<Uuid>>,
}

/// Filters of the meeting list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// `pedagogical_council`, `methodological_council` or `commission`.
    #[param(value_type = Option<String>, pattern = "^(pedagogical_council|methodological_council|commission)$")]
    #[serde(default, deserialize_with = "body_filter")]
    pub body: Option<BodyKind>,
    /// Only this commission's meetings.
    #[param(value_type = Option<Uuid>)]
    pub commission_id: Option<query::Id>,
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<query::Year>,
    /// `scheduled`, `held` or `finalized`.
    #[param(value_type = Option<String>, pattern = "^(scheduled|held|finalized)$")]
    #[serde(default, deserialize_with = "status_filter")]
    pub status: Option<MeetingStatus>,
    /// Only those changed at or after this time, for syncing.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<query::Since>,
    /// The `sync_token` of an earlier read's first page: only what changed since, and the ids
    /// deleted since in `deleted` (see "Delta sync" in the API description).
    #[param(value_type = Option<String>, pattern = "^st1\\.[0-9a-f]{16}$")]
    pub sync_token: Option<crate::sync::SyncToken>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<query::Limit>,
    #[param(value_type = Option<String>, pattern = "^(c1[0-9a-f]{32})?$")]
    pub cursor: Option<query::Cursor>,
}

fn body_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<BodyKind>, D::Error> {
    query::code(d, BodyKind::parse).map(Some)
}

fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<MeetingStatus>, D::Error> {
    query::code(d, MeetingStatus::parse).map(Some)
}

impl MeetingQuery {
    /// The list's filter.
    #[must_use]
    pub fn filter(&self) -> MeetingFilter {
        MeetingFilter {
            body: self.commission_id.map(|c| Body::Commission(CommissionId::from_uuid(c.0))),
            kind: self.body,
            year: self.year.map(|y| y.0),
            status: self.status,
            updated_since: self.updated_since.map(|s| s.0),
        }
    }
}

impl From<CreateMeetingBody> for ScheduleRequest {
    fn from(b: CreateMeetingBody) -> Self {
        Self {
            body: b.body,
            commission_id: b.commission_id.map(CommissionId::from_uuid),
            date: b.date,
            title: b.title,
            agenda: b.agenda,
            notes: b.notes,
        }
    }
}

impl From<UpdateMeetingBody> for MinutesRequest {
    fn from(b: UpdateMeetingBody) -> Self {
        let staff = |s: Option<Option<Uuid>>| s.map(|s| s.map(StaffId::from_uuid));
        Self {
            date: b.date,
            title: b.title,
            agenda: b.agenda,
            attendance: b.attendance.map(|marks| {
                marks
                    .into_iter()
                    .map(|m| MarkRequest { staff_id: StaffId::from_uuid(m.staff_id), presence: m.presence })
                    .collect()
            }),
            decisions: b.decisions.map(|ds| {
                ds.into_iter()
                    .map(|d| DecisionRequest {
                        text: d.text,
                        responsible_ids: d.responsible_ids.into_iter().map(StaffId::from_uuid).collect(),
                        deadline: d.deadline,
                    })
                    .collect()
            }),
            notes: b.notes,
            chair_id: staff(b.chair_id),
            secretary_id: staff(b.secretary_id),
        }
    }
}

/// The language of the printed minutes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `ky` (default) or `ru`.
    #[param(pattern = "^(ky|ru)$")]
    pub lang: Option<String>,
}
