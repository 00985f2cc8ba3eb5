//! Onboarding a school in one upload: the staff list and the subject list from a CSV file or an
//! Excel workbook, all or nothing, matched so that a second upload updates instead of
//! duplicating; `dry_run` tells what an upload would do. People made by an import get a one-time
//! invitation token instead of a password, and set their password with it.

use crate::auth::{Auth, sha256_hex};
use crate::extract::{ValidJson, path_id};
use crate::openapi::tags;
use crate::problem::{ApiError, At, Checker, Listed, Message, ProblemCode, checked};
use crate::query;
use crate::routes::{allow, school_for, school_resource};
use crate::state::AppState;
use crate::upload::TableBody;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use usul_domain::ids::SchoolId;
use usul_domain::onboarding::{
    PlannedStaff, STAFF_COLUMNS, STAFF_REQUIRED, SUBJECT_COLUMNS, StaffOutcome, SubjectOutcome, plan_staff,
    plan_subjects,
};
use usul_domain::policy::{Action, Resource};
use usul_domain::staff::Role;
use usul_domain::table::Problem;
use usul_domain::values::Password;
use usul_persistence::{Redeemed, StaffWrite};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(import_staff).service(import_subjects).service(accept_invitation);
}

/// How long an invitation token works: 14 days.
pub const INVITATION_DAYS: i64 = 14;

/// The most problems a refusal lists (`error_count` gives them all).
pub const MAX_PROBLEMS: usize = 200;

/// Whether to store.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` to check the file and answer what it would do, storing nothing (no invitation
    /// tokens are made). Default `false`.
    #[param(value_type = Option<bool>, example = true)]
    pub dry_run: Option<query::Flag>,
}

/// What an import did (or, in a dry run, would do) with a row.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
}

/// One row of a staff list and what became of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedPerson {
    /// The row's line in the file (its row in the sheet).
    #[schema(example = 2)]
    pub line: usize,
    #[schema(example = "b.toktogulov@school95.kg")]
    pub email: String,
    pub outcome: RowOutcome,
    /// The person's id; `null` for a person a dry run would create.
    pub staff_id: Option<Uuid>,
    /// For a person created now: the one-time token with which they set their password
    /// (`POST /api/v1/auth/invitations/accept`). It is shown in this answer only and is stored
    /// only as a hash; hand it to the person.
    #[schema(example = "3f9c0a6e5b1d4c2a8e7f6d5c4b3a2918f0e1d2c3b4a5968778695a4b3c2d1e0f")]
    pub invitation_token: Option<String>,
}

/// What a staff import did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": false, "created": 1, "updated": 1, "unchanged": 0,
    "invitations_expire_at": "2026-12-15T08:00:00Z",
    "rows": [
        {"line": 2, "email": "b.toktogulov@school95.kg", "outcome": "created", "staff_id": "0192f0c4-0000-7000-8000-000000000201", "invitation_token": "3f9c0a6e5b1d4c2a8e7f6d5c4b3a2918f0e1d2c3b4a5968778695a4b3c2d1e0f"},
        {"line": 3, "email": "deputy@school95.kg", "outcome": "updated", "staff_id": "0192f0c4-0000-7000-8000-000000000202", "invitation_token": null}
    ]
}))]
pub struct StaffImportView {
    /// `true` when nothing was stored.
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// When the invitation tokens of this answer stop working; `null` when none were made.
    pub invitations_expire_at: Option<DateTime<Utc>>,
    /// Every row, in the file's order.
    pub rows: Vec<ImportedPerson>,
}

/// One row of a subject list and what became of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedSubject {
    #[schema(example = 2)]
    pub line: usize,
    #[schema(example = "Математика")]
    pub name: String,
    /// `created` or `unchanged` (a subject the school has, compared case-insensitively).
    pub outcome: RowOutcome,
    /// The subject's id; `null` for a subject a dry run would create.
    pub subject_id: Option<Uuid>,
}

/// What a subject import did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": false, "created": 1, "unchanged": 1,
    "rows": [
        {"line": 2, "name": "Математика", "outcome": "unchanged", "subject_id": "0192f0c4-0000-7000-8000-000000000101"},
        {"line": 3, "name": "Физика", "outcome": "created", "subject_id": "0192f0c4-0000-7000-8000-000000000102"}
    ]
}))]
pub struct SubjectImportView {
    /// `true` when nothing was stored.
    pub dry_run: bool,
    pub created: usize,
    pub unchanged: usize,
    /// Every row, in the file's order.
    pub rows: Vec<ImportedSubject>,
}

/// The one refusal of a file: every problem with its line and column.
fn refuse(problems: Vec<Listed>) -> ApiError {
    let count = problems.len();
    let mut errors = problems;
    errors.truncate(MAX_PROBLEMS);
    ApiError::Refused {
        code: ProblemCode::ImportInvalid,
        detail: format!("{count} problem(s) in the file; nothing was stored."),
        errors,
        extra: Some(json!({ "error_count": count })),
    }
}

fn listed(problems: Vec<Problem>) -> Vec<Listed> {
    problems
        .into_iter()
        .map(|p| Listed::new(p.code, Message::Plain(p.message), At::Cell { line: p.line, column: p.column }))
        .collect()
}

/// The policy's word on one planned row: the role given must be the caller's to give, and a
/// person already there the caller's to edit. A refusal is a problem of the row, not of the
/// request: the caller fixes the file.
fn row_allowed(auth: &Auth, school: &usul_domain::org::School, row: &PlannedStaff) -> Option<Problem> {
    let refused = |column: &str, message: String| {
        Some(usul_domain::table::problem(row.line, Some(column), "not_allowed", message))
    };
    match &row.outcome {
        StaffOutcome::Create(p) => allow(auth, Action::CreateStaff(p.role), school_resource(school))
            .err()
            .and_then(|_| refused("role", format!("you may not add a person as `{}`", p.role.code()))),
        StaffOutcome::Update { current, next } => {
            let resource = Resource::StaffMember {
                staff: current.id,
                role: current.role,
                school: school.id,
                district: school.district,
            };
            if allow(auth, Action::UpdateStaff, resource).is_err() {
                return refused("email", format!("you may not edit `{}` (a {})", current.email, current.role.code()));
            }
            if next.role != current.role && allow(auth, Action::AssignRole(next.role), resource).is_err() {
                return refused("role", format!("you may not make someone `{}`", next.role.code()));
            }
            None
        }
        StaffOutcome::Unchanged(_) => None,
    }
}

/// Import a school's staff list.
///
/// A CSV file (`text/csv`, UTF-8 with or without a byte-order mark, `;` or `,` between fields,
/// fields may be double-quoted) or an Excel workbook (its first sheet), as the whole body or as
/// the part `file` of a form. The header names the columns, in any order: `email`, `last_name`
/// and `first_name` are required; `patronymic`, `position`, `role` (`director`, `deputy`,
/// `teacher`, or their names in ky, ru or en), `subjects` (names of the school's subjects,
/// several joined by `|`), `category` (`highest`, `first`, `second`, `none`, or their names) and
/// `experience_years` (0–70) may be left out.
///
/// People are matched by e-mail, case-insensitively: a person of the school is updated (a left
/// out column, and an empty `role`, `category` or `experience_years` cell, keeps what is
/// stored; an empty `patronymic`, `position` or `subjects` cell clears it), a new address is a
/// new person (`teacher`, no category, 0 years unless the row says otherwise). People the file
/// does not name are left as they are; nobody is deactivated. The director gives any school
/// role; the deputy adds and edits teachers only.
///
/// All or nothing: a refusal (422 `import_invalid`) lists every bad line and column in `errors`
/// (the first 200; `error_count` counts them all) — bad encoding (`not_utf8`), unknown or missing
/// columns, the same e-mail twice (`duplicate_email`), an address used outside the school
/// (`email_taken`), an unknown subject (`unknown_subject`) or role (`unknown_role`,
/// `role_not_for_school`), a role the caller may not give (`not_allowed`), more than 1000 rows
/// (`too_many_rows`) — and nothing is stored. The body may be at most `USUL_MAX_BODY_BYTES`
/// (256 KiB by default; 413 beyond).
///
/// New people get no usable password: the answer carries, once, each new person's
/// `invitation_token`, valid for 14 days, with which they set their password at
/// `POST /api/v1/auth/invitations/accept`. The answer is never kept for an `Idempotency-Key`
/// replay (`Cache-Control: no-store`). A lost token is replaced by the director setting a
/// password with `PATCH /api/v1/staff/{id}`. `?dry_run=true` answers the same report, storing
/// nothing and making no tokens.
#[utoipa::path(
    operation_id = "importStaff",
    tag = tags::STAFF,
    request_body(
        description = "The staff list as the whole body (`text/csv` or the XLSX type), or as the part `file` of a form (`multipart/form-data`; CSV or XLSX, told apart by the bytes).",
        content(
            (String = "text/csv", example = "email;last_name;first_name;patronymic;position;role;subjects;category;experience_years\nb.toktogulov@school95.kg;Токтогулов;Бакыт;Асанович;Физика мугалими;teacher;Физика|Математика;first;7\n"),
            (crate::openapi::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (crate::openapi::CsvUpload = "multipart/form-data"),
        ),
    ),
    params(("id" = Uuid, Path, description = "School id"), ImportQuery, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "Stored (or, in a dry run, checked): each row with its outcome.", body = StaffImportView),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 412, response = crate::openapi::PreconditionFailed),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`import_invalid` with `errors`: `[{line, column, code, message}]`, the first 200, and `error_count`; nothing was stored. `file_type_mismatch`: the body is sent as XLSX but is not a workbook.", body = crate::problem::Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:usul:problem:import_invalid", "title": "The file has errors; nothing was stored", "status": 422, "detail": "2 problem(s) in the file; nothing was stored.", "code": "import_invalid", "errors": [{"line": 3, "column": "email", "code": "duplicate_email", "message": "`a@school95.kg` is also on line 2; each person once"}, {"line": 4, "column": "subjects", "code": "unknown_subject", "message": "the school has no subject `Астрономия`; add it first (subjects import)"}], "error_count": 2})),
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/staff/import")]
pub async fn import_staff(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<ImportQuery>,
    body: TableBody,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::Read).await?;
    // Whoever may add no one at all is refused outright; finer refusals are per row.
    allow(&auth, Action::CreateStaff(Role::Teacher), school_resource(&school))?;
    let dry_run = q.dry_run.is_some_and(|f| f.0);
    let rows = body.rows(&STAFF_COLUMNS, &STAFF_REQUIRED).map_err(|p| refuse(listed(p)))?;
    if rows.len() > usul_domain::onboarding::MAX_ROWS {
        return Err(refuse(listed(vec![usul_domain::onboarding::too_many_rows(rows.len())])));
    }
    let subjects = state.store.school_subjects(school.id).await?;
    let emails: Vec<String> = rows.iter().filter_map(|r| r.get("email").map(str::to_owned)).collect();
    let known = state.store.staff_by_emails(&emails).await?;
    let plan = plan_staff(&rows, school.id, &subjects, &known).map_err(|p| refuse(listed(p)))?;
    let refused: Vec<Problem> = plan.iter().filter_map(|r| row_allowed(&auth, &school, r)).collect();
    if !refused.is_empty() {
        return Err(refuse(listed(refused)));
    }
    let count = |f: fn(&StaffOutcome) -> bool| plan.iter().filter(|r| f(&r.outcome)).count();
    let (created, updated, unchanged) = (
        count(|o| matches!(o, StaffOutcome::Create(_))),
        count(|o| matches!(o, StaffOutcome::Update { .. })),
        count(|o| matches!(o, StaffOutcome::Unchanged(_))),
    );
    let mut view =
        StaffImportView { dry_run, created, updated, unchanged, invitations_expire_at: None, rows: Vec::new() };
    if dry_run {
        view.rows = plan
            .iter()
            .map(|r| {
                let (email, outcome, staff_id) = match &r.outcome {
                    StaffOutcome::Create(p) => (p.email.to_string(), RowOutcome::Created, None),
                    StaffOutcome::Update { current, next } => {
                        (next.email.to_string(), RowOutcome::Updated, Some(current.id.uuid()))
                    }
                    StaffOutcome::Unchanged(s) => (s.email.to_string(), RowOutcome::Unchanged, Some(s.id.uuid())),
                };
                ImportedPerson { line: r.line, email, outcome, staff_id, invitation_token: None }
            })
            .collect();
        return Ok(HttpResponse::Ok().json(view));
    }
    let expires = usul_persistence::now() + Duration::days(INVITATION_DAYS);
    let mut writes = Vec::new();
    let mut tokens = Vec::new();
    for r in &plan {
        match &r.outcome {
            StaffOutcome::Create(p) => {
                let token = crate::config::random_secret();
                writes.push(StaffWrite::Create { person: p.clone(), invitation_hash: sha256_hex(&token) });
                tokens.push(Some(token));
            }
            StaffOutcome::Update { current, next } => {
                writes.push(StaffWrite::Update { id: current.id, version: current.version, person: next.clone() });
                tokens.push(None);
            }
            StaffOutcome::Unchanged(_) => {}
        }
    }
    let summary = format!("staff list imported: {created} added, {updated} changed");
    let ids = if writes.is_empty() {
        Vec::new()
    } else {
        state.store.import_staff(&school, writes, expires, &auth.audit(summary)).await?
    };
    let mut stored = ids.into_iter().zip(tokens);
    for r in &plan {
        let person = match &r.outcome {
            StaffOutcome::Unchanged(s) => ImportedPerson {
                line: r.line,
                email: s.email.to_string(),
                outcome: RowOutcome::Unchanged,
                staff_id: Some(s.id.uuid()),
                invitation_token: None,
            },
            StaffOutcome::Create(p) | StaffOutcome::Update { next: p, .. } => {
                let (id, token) = stored.next().ok_or_else(|| ApiError::bug("an import stored fewer rows"))?;
                let outcome = if matches!(r.outcome, StaffOutcome::Create(_)) {
                    RowOutcome::Created
                } else {
                    RowOutcome::Updated
                };
                ImportedPerson {
                    line: r.line,
                    email: p.email.to_string(),
                    outcome,
                    staff_id: Some(id.uuid()),
                    invitation_token: token,
                }
            }
        };
        view.rows.push(person);
    }
    if created > 0 {
        view.invitations_expire_at = Some(expires);
    }
    // The answer holds secrets: it is not kept for Idempotency-Key replays, nor by caches.
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(view))
}

/// Import a school's subject list.
///
/// The same file rules as the staff import (CSV or XLSX, as the body or as the form part
/// `file`), with one column, `name`. A subject the school has (compared case-insensitively) is
/// left as it is; a new name is added. All or nothing: a refusal (422 `import_invalid`) lists
/// every bad line — an empty or too long name, a name twice in the file (`duplicate_name`), more
/// than 1000 rows — and nothing is stored. `?dry_run=true` answers what would be added, storing
/// nothing. The director and the deputy import subjects.
#[utoipa::path(
    operation_id = "importSubjects",
    tag = tags::SUBJECTS,
    request_body(
        description = "The subject list as the whole body (`text/csv` or the XLSX type), or as the part `file` of a form.",
        content(
            (String = "text/csv", example = "name\nМатематика\nФизика\nКыргыз тили жана адабияты\n"),
            (crate::openapi::XlsxFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (crate::openapi::CsvUpload = "multipart/form-data"),
        ),
    ),
    params(("id" = Uuid, Path, description = "School id"), ImportQuery, crate::openapi::IdempotencyKey),
    responses(
        (status = 200, description = "Stored (or, in a dry run, checked): each row with its outcome.", body = SubjectImportView),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, description = "`import_invalid` with `errors` (line, column, code, message) and `error_count`; nothing was stored. `file_type_mismatch`: the body is sent as XLSX but is not a workbook.", body = crate::problem::Problem, content_type = "application/problem+json",
            example = json!({"type": "urn:usul:problem:import_invalid", "title": "The file has errors; nothing was stored", "status": 422, "detail": "1 problem(s) in the file; nothing was stored.", "code": "import_invalid", "errors": [{"line": 4, "column": "name", "code": "duplicate_name", "message": "`физика` is also on line 3; each subject once"}], "error_count": 1})),
    ),
    security(("bearer" = [])),
)]
#[post("/schools/{id}/subjects/import")]
pub async fn import_subjects(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    q: query::Query<ImportQuery>,
    body: TableBody,
) -> Result<HttpResponse, ApiError> {
    let school = school_for(&state, &auth, SchoolId::from_uuid(path_id("id", &id)?), Action::CreateSubject).await?;
    let dry_run = q.dry_run.is_some_and(|f| f.0);
    let rows = body.rows(&SUBJECT_COLUMNS, &SUBJECT_COLUMNS).map_err(|p| refuse(listed(p)))?;
    let existing = state.store.school_subjects(school.id).await?;
    let plan = plan_subjects(&rows, &existing).map_err(|p| refuse(listed(p)))?;
    let new: Vec<_> = plan
        .iter()
        .filter_map(|(_, o)| match o {
            SubjectOutcome::Create(n) => Some(n.clone()),
            SubjectOutcome::Unchanged(_) => None,
        })
        .collect();
    let created = new.len();
    let stored = if dry_run || new.is_empty() {
        Vec::new()
    } else {
        state
            .store
            .import_subjects(&school, new, &auth.audit(format!("subject list imported: {created} added")))
            .await?
    };
    let mut stored = stored.into_iter();
    let mut rows = Vec::with_capacity(plan.len());
    for (line, outcome) in plan {
        rows.push(match outcome {
            SubjectOutcome::Unchanged(s) => ImportedSubject {
                line,
                name: s.name.to_string(),
                outcome: RowOutcome::Unchanged,
                subject_id: Some(s.id.uuid()),
            },
            SubjectOutcome::Create(n) => ImportedSubject {
                line,
                name: n.to_string(),
                outcome: RowOutcome::Created,
                subject_id: if dry_run { None } else { stored.next().map(|s| s.id.uuid()) },
            },
        });
    }
    let unchanged = rows.len() - created;
    Ok(HttpResponse::Ok().json(SubjectImportView { dry_run, created, unchanged, rows }))
}

/// A new password for an invited person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "3f9c0a6e5b1d4c2a8e7f6d5c4b3a2918f0e1d2c3b4a5968778695a4b3c2d1e0f", "password": "my-own-secret-2026"}))]
pub struct AcceptInvitationBody {
    /// The `invitation_token` the staff import answered for the person.
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    /// The person's password, 8–128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

/// Set your password with an invitation.
///
/// A person added by a staff import has no usable password until they set one here with the
/// one-time `invitation_token` the import answered for them (valid for 14 days). The token is
/// spent (and any other of theirs), and they sign in with their e-mail and this password at
/// `POST /api/v1/auth/token`. An unknown, used or expired token, or one of a deactivated person,
/// is 400 `invitation_invalid`. No bearer token is needed; each client address may call this 30
/// times a minute.
#[utoipa::path(
    operation_id = "acceptInvitation",
    tag = tags::AUTH,
    request_body = AcceptInvitationBody,
    responses(
        (status = 204, description = "The password is set."),
        (status = 400, description = "`invitation_invalid`: an unknown, used or expired token. `malformed_json`.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 429, response = crate::openapi::TooManyRequests),
    ),
    security(()),
)]
#[post("/auth/invitations/accept")]
pub async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ValidJson<AcceptInvitationBody>,
) -> Result<HttpResponse, ApiError> {
    if let Some(addr) = req.peer_addr() {
        state.token_limiter.take(addr.ip()).map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    }
    let body = body.0;
    let mut check = Checker::default();
    let password = check.text("password", Password::parse(&body.password));
    check.finish()?;
    let invalid = || ApiError::Status {
        status: StatusCode::BAD_REQUEST,
        code: ProblemCode::InvitationInvalid,
        detail: "The invitation token is unknown, used or expired; ask the school for a new password.".into(),
    };
    if body.token.is_empty() || body.token.len() > 128 || body.token.contains('\0') {
        return Err(invalid());
    }
    let hash = state.hashing.hash(checked(password)?.expose().to_owned()).await?;
    match state.store.redeem_invitation(&sha256_hex(&body.token), hash).await? {
        Redeemed::Set(_) => Ok(HttpResponse::NoContent().finish()),
        Redeemed::Invalid => Err(invalid()),
    }
}
