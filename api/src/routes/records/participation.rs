//! Everyone's participation in a year: per teacher, what they took part in, and who
//! took no part at all.

use super::readable_school;
use crate::auth::Auth;
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query::{Query, Year};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use usul_domain::records::Participation;
use usul_domain::staff::Staff;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One person's participation in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationRow {
    pub staff_id: Uuid,
    #[schema(example = "Үсөнова А.Б.")]
    pub short_name: String,
    #[schema(example = "teacher")]
    pub role: String,
    /// Activities of.
    pub qualification: u32,
    /// Activities of.
    pub innovation: u32,
    /// Activities of.
    pub information: u32,
    /// Times they presented (open lessons, master classes, reports…).
    pub presented: u32,
    pub activity_hours: f64,
    /// Mentorships as mentor or mentee.
    pub mentoring: u32,
    pub training_hours: f64,
    pub materials: u32,
    /// Confirmed work beyond the school, by level.
    pub outside_work: super::outside::OutsideByLevel,
    pub took_part: bool,
}

/// Everyone's participation in a year, and who took no part.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationView {
    #[schema(example = "2022-2023")]
    pub year: String,
    pub staff: Vec<ParticipationRow>,
    /// Those with no participation at all, by name (R-1.3: every pedagogical employee takes part).
    pub non_participants: Vec<ParticipationRow>,
}

impl ParticipationRow {
    /// The row of `s` with their figures.
    #[must_use]
    pub fn of(s: &Staff, p: Participation) -> Self {
        Self {
            staff_id: s.id.uuid(),
            short_name: s.short_name(),
            role: s.role.code().to_owned(),
            qualification: p.qualification,
            innovation: p.innovation,
            information: p.information,
            presented: p.presented,
            activity_hours: p.activity_hours.as_f64(),
            mentoring: p.mentoring,
            training_hours: p.training_hours.as_f64(),
            materials: p.materials,
            outside_work: p.outside.into(),
            took_part: p.took_part(),
        }
    }
}

/// The year, and the answer's format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParticipationQuery {
    /// `YYYY-YYYY`, required.
    #[param(required = true, value_type = String, pattern = "^[0-9]{4}-[0-9]{4}$", example = "2022-2023")]
    pub year: Option<Year>,
    /// `json` (the default), `csv` or `xlsx`: the answer's format, instead of `Accept`.
    #[param(value_type = Option<String>, pattern = "^(json|csv|xlsx)$", example = "csv")]
    #[serde(default, deserialize_with = "crate::export::format_param")]
    pub format: Option<crate::export::Format>,
}

/// The participation's columns in CSV and XLSX: the fields of `staff[]` and
/// `non_participants[]`, `outside_work` by level.
pub const PARTICIPATION_COLUMNS: [&str; 18] = [
    "staff_id",
    "short_name",
    "role",
    "took_part",
    "qualification",
    "innovation",
    "information",
    "presented",
    "activity_hours",
    "mentoring",
    "training_hours",
    "materials",
    "outside_work.school",
    "outside_work.district",
    "outside_work.city",
    "outside_work.republic",
    "outside_work.international",
    "outside_work.total",
];

/// Read the school's participation in a year.
///
/// For every active member of the pedagogical staff: activities by catalogue group (R-4.1,
/// ), times presented, hours, mentoring, course-training hours, materials authored
/// — and the list of those with no participation. Computed with a fixed number of
/// queries whatever the school's size.
///
/// Also as a spreadsheet: `Accept: text/csv` or `Accept:
/// application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`, or `format=csv|xlsx`;
/// one row per person (those who took part, then those who did not, `took_part` telling
/// them apart), `outside_work` as one column per level, with the JSON's very figures. Another
/// `Accept` is 406 `not_acceptable`.
#[utoipa::path(
    operation_id = "getParticipation",
    tag = tags::ACTIVITIES,
    params(("id" = Uuid, Path, description = "School id"), ParticipationQuery),
    responses(
        (status = 200, description = "The figures.", content(
            (ParticipationView = "application/json"),
            (String = "text/csv", example = "staff_id,short_name,role,took_part,…\r\n"),
            (crate::openapi::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        crate::openapi::ReadErrors,
        (status = 406, response = crate::openapi::NotAcceptable),
    ),
    security(("bearer" = [])),
)]
#[get("/schools/{id}/participation")]
pub async fn participation(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: Query<ParticipationQuery>,
) -> Result<HttpResponse, ApiError> {
    let school = readable_school(&state, &auth, &id).await?;
    let year = Year::required(q.year)?;
    let format = crate::export::negotiate(&req, q.format)?;
    let people = state.store.active_school_staff(school.id).await?;
    let figures = state.store.participation(school.id, year).await?;
    let rows = people.iter().map(|s| ParticipationRow::of(s, figures.get(&s.id).copied().unwrap_or_default()));
    let (staff, non_participants): (Vec<_>, Vec<_>) = rows.partition(|r| r.took_part);
    let view = ParticipationView { year: year.to_string(), staff, non_participants };
    crate::export::respond(format, &view, &format!("participation-{year}"), |v| {
        let mut table = crate::export::Table::of(&PARTICIPATION_COLUMNS, crate::export::list(v, "staff"));
        table.extend(crate::export::list(v, "non_participants"));
        table
    })
}
