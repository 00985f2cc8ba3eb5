//! The OpenAPI document: info, tags, security and the reusable error responses. Paths are
//! collected from the handlers by `utoipa_actix_web` scopes.

use crate::problem::{Problem, ProblemCode};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToResponse, ToSchema};

/// Tag names, one per resource family.
pub mod tags {
    pub const AUTH: &str = "auth";
    pub const DISTRICTS: &str = "districts";
    pub const SCHOOLS: &str = "schools";
    pub const STAFF: &str = "staff";
    pub const SUBJECTS: &str = "subjects";
    pub const CATALOGUE: &str = "catalogue";
    pub const COMMISSIONS: &str = "commissions";
    pub const ORDERS: &str = "orders";
    pub const COUNCILS: &str = "councils";
    pub const MEETINGS: &str = "meetings";
    pub const PLANS: &str = "plans";
    pub const ACTIVITIES: &str = "activities";
    pub const MENTORSHIPS: &str = "mentorships";
    pub const TRAININGS: &str = "trainings";
    pub const MATERIALS: &str = "materials";
    pub const DIAGNOSES: &str = "diagnoses";
    pub const OUTSIDE_WORK: &str = "outside-work";
    /// Not declared in the document: every operation has a resource's own tag (an operation
    /// still tagged `records` fails Spectral's `operation-tag-defined` in CI).
    pub const RECORDS: &str = "records";
    pub const QUALITY: &str = "knowledge-quality";
    pub const REPORTS: &str = "reports";
    pub const EFFECTIVENESS: &str = "effectiveness";
    pub const AUDIT: &str = "audit";
    pub const OPS: &str = "operations";
    pub const EVENTS: &str = "events";
    pub const WEBHOOKS: &str = "webhooks";
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Usul — methodological work of schools",
        description = "Usul (*усул*, \"method\") runs a school's methodological work (*усулдук иш*) as the Regulation on Methodological Work describes it: commissions, annual plans and their approval, meetings and minutes, activities, year-end reports — for a school and for the district education department above it.\n\n**Conventions.** JSON in `snake_case`; ids are UUIDs; dates `YYYY-MM-DD`; timestamps RFC 3339 UTC. Lists take `limit` (default 50, max 200) and an opaque `cursor`, and answer `{\"items\": [...], \"next_cursor\": \"…\" | null}`. Errors are RFC 9457 `application/problem+json` with a stable `code` (the `ProblemCode` schema lists them all) and, fon every 422 and on a 400 `invalid_parameter`, one list `errors: [{field, code, message, field | item | line/column, rule}]` of what is wrong. Titles, messages and catalogue labels follow `Accept-Language` (`ky`, `ru`, `en`; default `en`). Mutable resources carry a `version`, sent as `ETag`: send it back in `If-Match` to update (a stale one answers 412); `If-None-Match` answers 304. A POST with an `Idempotency-Key` is answered once and replayed to retries. Every response carries `X-Request-Id`. An unknown query parameter answers 400 `invalid_parameter` naming it.\n\n**Delta sync.** Each collection's first page carries a `sync_token`; send it back as `sync_token` to read only the rows changed since (and, on the first page, the ids `deleted` since), with a new token. The token is a watermark behind the read: its start, moved back to the oldest write transaction still open and by a 5-minute safety window, so that a row committed late by a slow write is never missed (a row may come twice: keep the highest `version`). Tombstones are kept 30 days; an older token answers 410 `sync_token_expired` (read the whole collection again).\n\n**Authentication.** `POST /api/v1/auth/token` with a password, refresh-token or client-credentials grant (form-encoded as RFC 6749 has it, or JSON; clients may authenticate with HTTP Basic) returns a bearer access token; in Swagger UI, use *Authorize* with the access token.\n\n**Access.** A school user sees only their school; a district user reads the schools of their district; an administrator manages districts and schools. Another school's resource answers 404.",
        contact(name = "Usul maintainers"),
        license(name = "MIT", identifier = "MIT"),
        version = env!("CARGO_PKG_VERSION"),
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Tokens and the current account."),
        (name = "districts", description = "District education departments (*билим берүү бөлүмү*, R-3.1), their methodologists and service accounts."),
        (name = "schools", description = "Schools and their academic years with the methodological theme (R-3.2.1)."),
        (name = "staff", description = "Pedagogical staff (*педагогикалык кызматкерлер*, R-1.3): directors, deputies, teachers."),
        (name = "subjects", description = "Subjects taught at a school."),
        (name = "commissions", description = "Cyclic methodological commissions (*циклдик усулдук комиссия*, R-3.2.2): drafting, members by date, the head, approval and dissolution."),
        (name = "orders", description = "School orders (*буйрук*) that approve, change and dissolve commissions (R-3.2.2)."),
        (name = "councils", description = "The pedagogical and methodological councils (R-3.2.3) and who sits on them."),
        (name = "meetings", description = "Meetings of every body and their minutes (*протокол*, R-5.2, R-5.3)."),
        (name = "plans", description = "Plans and their approval routes (R-3.2.1, R-3.2.2f, R-5.1, R-5.3): the unified school plan, commission, individual and pedagogical council plans; items, execution, history and the printable plan."),
        (name = "activities", description = "Methodological activities held and who took part (R-4.1, R-4.2), and each person's participation in a year (R-1.3)."),
        (name = "mentorships", description = "Mentoring of young teachers (*насаатчылык*, R-4.2)."),
        (name = "trainings", description = "Course training of the staff and its certificates (R-4.3)."),
        (name = "materials", description = "The bank of methodological materials and its card index (R-4.3): drafts, review at a commission meeting, publication, files."),
        (name = "diagnoses", description = "Needs diagnostics of teachers and the school's needs (R-2.2)."),
        (name = "outside-work", description = "Teachers' part in methodological work beyond the school — district, city, republic and international events, juries, publications — recorded by the teacher and confirmed by the deputy (R-1.3)."),
        (name = "knowledge-quality", description = "The quality of students' knowledge (R-5.5): grade counts per subject and class for a term or the year, entered whole or imported from CSV; success % = (5+4+3)/students, quality % = (5+4)/students."),
        (name = "reports", description = "Year-end reports (*отчет*, R-5.4) of the commissions and the school, assembled from the records and frozen when submitted."),
        (name = "effectiveness", description = "The effectiveness of a school's methodological work (R-5.5) and the district's summary of its schools (R-3.1)."),
        (name = "audit", description = "A school's audit trail: who changed what, when."),
        (name = "events", description = "The events feed: every audited change as an event, in order (a transactional outbox)."),
        (name = "webhooks", description = "Webhook subscriptions: events POSTed to a URL, signed as Standard Webhooks has it, retried with backoff, with a delivery log and replays."),
        (name = "catalogue", description = "The catalogue of forms of methodological work (R-4.1, R-4.2, R-4.3)."),
        (name = "operations", description = "Health, readiness and metrics."),
    ),
    components(schemas(Problem, crate::problem::ProblemCode, FileUpload, CsvUpload, XlsxFile, crate::problem::ProblemField, crate::routes::catalogue::FormGroupCode), responses(BadRequest, NotAcceptable, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, ValidationFailed, PayloadTooLarge, UnsupportedMediaType, TooManyRequests, SyncTokenExpired, EventCursorExpired)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/token`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "RFC 6749 §2.3.1 client authentication for the `client_credentials` grant: \
                         `Basic base64(urlencode(client_id) \":\" urlencode(client_secret))`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The `Idempotency-Key` header of a POST.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKey {
    /// Any unique string per intended operation (1–200 visible characters). A retry with the
    /// same key and the same request replays the first successful answer (with
    /// `idempotent-replayed: true`) instead of acting twice; the same key with another request
    /// answers 422 `idempotency_key_reused`. Answers are kept for 24 hours; a key that is not 1–200
    /// visible ASCII characters answers 400.
    #[param(rename = "Idempotency-Key", required = false, value_type = String, min_length = 1, max_length = 200, pattern = "^[\\x21-\\x7E]+$", example = "7d1c2f0e-plan-submit")]
    pub key: Option<String>,
}

/// The `If-Match` header of a change.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfMatch {
    /// The `ETag` you read (e.g. `"3"`, or weak `W/"3"`). When it is no longer current the answer
    /// is 412 and nothing changes. `*` (any version) and no header both mean an unconditional
    /// write: the last write wins. A value that is neither `*` nor one of our tags is
    /// refused with 400.
    #[param(rename = "If-Match", required = false, value_type = String, pattern = "^(\\*|(W/)?\"[0-9]+\")$", example = "\"1\"")]
    pub etag: Option<String>,
}

/// The `If-None-Match` header of a read.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfNoneMatch {
    /// `ETag`s you hold, comma-separated (e.g. `"3"`, `W/"3"`, or `*`): 304 Not Modified, with
    /// no body, when one of them is still current. A value that is none of these is refused
    /// with 400.
    #[param(rename = "If-None-Match", required = false, value_type = String, pattern = "^(\\*|(W/)?\"[0-9]+\"( *, *(W/)?\"[0-9]+\")*)$", example = "\"1\"")]
    pub etag: Option<String>,
}

/// A file upload: one `multipart/form-data` part named `file`, with its file name (1–200
/// characters, no path) and its `Content-Type`, which must be one of the accepted types and match
/// the file's first bytes (`file_type_mismatch` otherwise). At most `USUL_MAX_FILE_BYTES`
/// (20 MiB by default) are kept (413 beyond).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The file's bytes.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A CSV file sent as a form: one `multipart/form-data` part named `file` holding the CSV text
/// (UTF-8). The same file may be sent as the whole body with `Content-Type: text/csv`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CsvUpload {
    /// The CSV file's bytes.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// An Excel workbook (`.xlsx`) as the whole body: its first sheet is read, the first row with
/// anything in it being the header.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(value_type = String, format = Binary)]
pub struct XlsxFile(Vec<u8>);

// The response types below exist only to describe error responses in the contract; their
// field is never read.

/// The request is malformed: not JSON, or a path or query parameter cannot be parsed.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:invalid_parameter", "title": "Invalid parameter", "status": 400,
    "detail": "`id` must be a UUID", "code": "invalid_parameter",
    "errors": [{"field": "id", "code": "invalid_format", "message": "Invalid format"}]
}))]
pub struct BadRequest(Problem);

/// No valid bearer token: missing, malformed, expired, or its account is deactivated.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "`Bearer`")), example = json!({
    "type": "urn:usul:problem:invalid_token", "title": "Invalid or expired token", "status": 401,
    "detail": "Send a valid Bearer access token.", "code": "invalid_token"
}))]
pub struct Unauthorized(Problem);

/// The caller sees the resource but their role does not allow this action.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:forbidden", "title": "Not allowed", "status": 403,
    "detail": "Your role does not allow this action.", "code": "forbidden"
}))]
pub struct Forbidden(Problem);

/// No such resource, or it belongs to a school or district the caller cannot see.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:not_found", "title": "Not found", "status": 404,
    "detail": "The resource does not exist or is not visible to you.", "code": "not_found"
}))]
pub struct NotFound(Problem);

/// The request conflicts with existing data (the `code` says which rule), or a request with
/// the same `Idempotency-Key` is still running.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:email_taken", "title": "This e-mail address is already in use", "status": 409,
    "detail": "The request conflicts with the current state.", "code": "email_taken"
}))]
pub struct Conflict(Problem);

/// `If-Match` named a version that is no longer current.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:precondition_failed", "title": "The resource has changed", "status": 412,
    "detail": "The current version is \"3\"; read it again and retry.", "code": "precondition_failed"
}))]
pub struct PreconditionFailed(Problem);

/// The body failed validation or a rule refused it; `errors` names every offending field, item
/// or line with its code, message and rule.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:validation_failed", "title": "Validation failed", "status": 422,
    "detail": "2 field(s) are invalid.", "code": "validation_failed",
    "errors": [
        {"field": "email", "code": "invalid_format", "message": "Invalid format"},
        {"field": "last_name", "code": "empty", "message": "Must not be empty"}
    ]
}))]
pub struct ValidationFailed(Problem);

/// The body is larger than the server accepts.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:payload_too_large", "title": "Request body too large", "status": 413,
    "detail": "At most 262144 bytes are accepted.", "code": "payload_too_large"
}))]
pub struct PayloadTooLarge(Problem);

/// The body is not `application/json`.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:unsupported_media_type", "title": "Unsupported media type", "status": 415,
    "detail": "Send Content-Type: application/json.", "code": "unsupported_media_type"
}))]
pub struct UnsupportedMediaType(Problem);

/// `Accept` admits none of the types the operation answers in (`not_acceptable`).
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:not_acceptable", "title": "None of the accepted formats is offered", "status": 406,
    "detail": "This document comes as text/html or application/pdf.", "code": "not_acceptable"
}))]
pub struct NotAcceptable(Problem);

/// The `sync_token` is older than the kept deletions (`sync_token_expired`): read the whole
/// collection again without it.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:sync_token_expired", "title": "The sync token is too old: read the whole collection again", "status": 410,
    "detail": "Deletions are kept 30 days; this token is older. Read the whole collection again without sync_token, and keep the sync_token of its first page.", "code": "sync_token_expired"
}))]
pub struct SyncTokenExpired(Problem);

/// The events cursor is older than the kept events (`event_cursor_expired`): read the feed
/// from its start.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "urn:usul:problem:event_cursor_expired", "title": "The events cursor is too old: read the feed from its start", "status": 410,
    "detail": "Events are kept 30 days; this cursor is older. Read the feed again from its start (without `after`).", "code": "event_cursor_expired"
}))]
pub struct EventCursorExpired(Problem);

/// Too many failed logins (`too_many_attempts`) or token requests from one address
/// (`rate_limited`); wait for `Retry-After` seconds.
#[allow(dead_code)]
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait")), example = json!({
    "type": "urn:usul:problem:too_many_attempts", "title": "Too many failed attempts", "status": 429,
    "detail": "Try again in 900 seconds.", "code": "too_many_attempts"
}))]
pub struct TooManyRequests(Problem);

/// The document served at `/api-docs/openapi.json` and committed as `openapi/openapi.json`.
#[must_use]
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = crate::app::routes_over(ApiDoc::openapi()).1;
    complete(&mut doc);
    doc
}

/// What every operation of a kind says alike, added once here rather than on each handler:
/// the `Idempotency-Key` of an authenticated POST (the middleware honours it on every one), the
/// 304 of a read that takes `If-None-Match`, the types a multipart `file` may have, and the
/// problem codes it may answer (`x-problem-codes`, by status).
fn complete(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::{RefOr, encoding::Encoding};
    let idempotency = <IdempotencyKey as IntoParams>::into_params(|| Some(ParameterIn::Header));
    let not_modified: Option<utoipa::openapi::Response> = serde_json::from_value(serde_json::json!({
        "description": "Not Modified: an `ETag` sent in `If-None-Match` is current; no body.",
        "headers": {"ETag": {"schema": {"type": "string"}, "description": "The current version, e.g. `\"3\"`."}}
    }))
    .ok();
    let each = |op: &mut Operation, post: bool| {
        let names: Vec<String> = op
            .parameters
            .iter()
            .flatten()
            .filter_map(|p| match p {
                RefOr::T(p) => Some(p.name.clone()),
                RefOr::Ref(_) => None,
            })
            .collect();
        let authenticated =
            op.security.iter().flatten().any(|r| serde_json::to_value(r).is_ok_and(|v| v.get("bearer").is_some()));
        if post && authenticated && !names.iter().any(|n| n == "Idempotency-Key") {
            op.parameters.get_or_insert_with(Vec::new).extend(idempotency.iter().cloned().map(RefOr::T));
        }
        if names.iter().any(|n| n == "If-None-Match")
            && !op.responses.responses.contains_key("304")
            && let Some(r) = not_modified.clone()
        {
            op.responses.responses.insert("304".into(), RefOr::T(r));
        }
        let codes = problem_codes(op, post, authenticated);
        // A status the codes imply is documented, with the shared response of that status.
        for status in codes.keys() {
            if !op.responses.responses.contains_key(status)
                && let Some(name) = shared_response(status)
            {
                op.responses
                    .responses
                    .insert(status.clone(), RefOr::Ref(utoipa::openapi::Ref::from_response_name(name)));
            }
        }
        op.extensions
            .get_or_insert_with(Default::default)
            .insert("x-problem-codes".into(), serde_json::to_value(codes).unwrap_or_default());
        if let Some(RefOr::T(body)) = op.request_body.as_mut() {
            // A form carrying a CSV file (the grades import) takes CSV; other uploads the files.
            let types = if body.content.contains_key("text/csv") {
                "text/csv".to_owned()
            } else {
                crate::files::accepted_types().join(", ")
            };
            if let Some(RefOr::T(multipart)) = body.content.get_mut("multipart/form-data") {
                let mut encoding = Encoding::default();
                encoding.content_type = Some(types);
                multipart.encoding.insert("file".into(), encoding);
            }
        }
    };
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            each(op, false);
        }
        if let Some(op) = item.post.as_mut() {
            each(op, true);
        }
    }
}

/// The codes an operation may answer beyond those its responses' statuses imply (see
/// [`complete`]): its rules' refusals and conflicts, by operation id.
const RULE_CODES: &[(&str, &[ProblemCode])] = {
    use ProblemCode as C;
    &[
        ("issueToken", &[C::InvalidGrant, C::InvalidClient, C::TooManyAttempts, C::RateLimited, C::Overloaded]),
        ("createDistrict", &[C::DistrictNameTaken]),
        ("listEvents", &[C::EventCursorExpired]),
        ("createWebhook", &[C::WebhookUrlRefused]),
        ("updateWebhook", &[C::WebhookUrlRefused]),
        ("putReportHearing", &[C::HearingWrongBody, C::HearingWrongYear, C::HearingMeetingNotHeld]),
        ("confirmOutsideWork", &[C::OutsideWorkConfirmed]),
        ("createMinistryMethodologist", &[C::EmailTaken]),
        ("updateDistrict", &[C::DistrictNameTaken]),
        ("createMethodologist", &[C::EmailTaken]),
        ("createServiceAccount", &[C::ClientIdTaken]),
        ("createSchool", &[C::SchoolNameTaken]),
        ("updateSchool", &[C::SchoolNameTaken]),
        ("putSchoolYear", &[C::SchoolYearExists]),
        ("createStaff", &[C::EmailTaken]),
        ("updateStaff", &[C::EmailTaken]),
        ("deactivateStaff", &[C::CannotDeactivateSelf]),
        ("createSubject", &[C::SubjectNameTaken]),
        ("createCommission", &[C::CommissionNameTaken]),
        ("updateCommission", &[C::CommissionNotDraft, C::CommissionNameTaken]),
        ("appointCommissionHead", &[C::HeadNotEligible, C::CommissionDissolved]),
        ("approveCommission", &[C::CommissionNotApprovable, C::CommissionNotDraft, C::OrderNumberTaken]),
        ("dissolveCommission", &[C::CommissionNotApproved, C::OrderNumberTaken]),
        ("addCommissionMembers", &[C::OrderRequired, C::CommissionDissolved, C::OrderNumberTaken]),
        ("removeCommissionMember", &[C::HeadCannotLeave, C::CommissionDissolved, C::OrderNumberTaken]),
        (
            "removeCommissionMemberByOrder",
            &[C::OrderRequired, C::HeadCannotLeave, C::CommissionDissolved, C::OrderNumberTaken],
        ),
        ("addMethodologicalCouncilMember", &[C::CouncilBusy]),
        ("removeMethodologicalCouncilMember", &[C::CouncilBusy]),
        ("createMeeting", &[C::CommissionNotApproved]),
        ("updateMeeting", &[C::MinutesFinalized, C::MeetingDateFixed]),
        (
            "holdMeeting",
            &[C::MeetingWrongState, C::MinutesFinalized, C::MeetingHeldOutOfOrder, C::ProtocolNumberingBusy],
        ),
        (
            "finalizeMeeting",
            &[
                C::MinutesIncomplete,
                C::MeetingWrongState,
                C::MinutesFinalized,
                C::MeetingHeldOutOfOrder,
                C::ProtocolNumberingBusy,
            ],
        ),
        ("createPlan", &[C::PlanExists]),
        ("updatePlan", &[C::PlanNotDraft]),
        ("deletePlan", &[C::PlanNotDraft, C::PlanWasSubmitted]),
        ("addPlanItem", &[C::PlanNotDraft]),
        ("updatePlanItem", &[C::PlanNotDraft]),
        ("deletePlanItem", &[C::PlanNotDraft]),
        ("recordPlanItemProgress", &[C::PlanNotApproved]),
        ("submitPlan", &[C::PlanIncomplete, C::TransitionNotAllowed]),
        ("withdrawPlan", &[C::TransitionNotAllowed]),
        ("reviewPlan", &[C::TransitionNotAllowed]),
        ("agreePlan", &[C::TransitionNotAllowed]),
        ("approvePlan", &[C::TransitionNotAllowed, C::PlanAlreadyApproved]),
        ("returnPlan", &[C::TransitionNotAllowed]),
        ("amendPlan", &[C::TransitionNotAllowed]),
        ("rolloverPlan", &[C::PlanExists]),
        ("reviewMaterial", &[C::MaterialNotDraft]),
        ("publishMaterial", &[C::MaterialNotReviewed]),
        ("uploadMaterialFile", &[C::FileTypeMismatch]),
        ("uploadTrainingCertificate", &[C::FileTypeMismatch]),
        ("updateMentorship", &[C::MentorshipCompleted]),
        ("replaceKnowledgeQuality", &[C::DuplicateRow, C::ConcurrentWrite]),
        ("importStaff", &[C::ImportInvalid, C::FileTypeMismatch, C::EmailTaken]),
        ("importSubjects", &[C::ImportInvalid, C::FileTypeMismatch, C::SubjectNameTaken]),
        ("acceptInvitation", &[C::InvitationInvalid, C::RateLimited]),
        ("importKnowledgeQuality", &[C::CsvInvalid, C::DuplicateRow, C::ConcurrentWrite]),
        ("createReport", &[C::ReportExists]),
        ("updateReport", &[C::ReportNotOpen]),
        ("refreshReport", &[C::ReportNotOpen]),
        ("submitReport", &[C::TransitionNotAllowed]),
        ("acceptReport", &[C::TransitionNotAllowed]),
        ("returnReport", &[C::TransitionNotAllowed]),
        ("getMetrics", &[C::Unauthorized]),
    ]
};

/// The shared response (in `components.responses`) of an error status.
fn shared_response(status: &str) -> Option<&'static str> {
    Some(match status {
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "NotFound",
        "406" => "NotAcceptable",
        "409" => "Conflict",
        "412" => "PreconditionFailed",
        "413" => "PayloadTooLarge",
        "415" => "UnsupportedMediaType",
        "422" => "ValidationFailed",
        "429" => "TooManyRequests",
        _ => return None,
    })
}

/// The codes an operation may answer: those its documented statuses imply, and its own rules'.
fn problem_codes(
    op: &utoipa::openapi::path::Operation,
    post: bool,
    authenticated: bool,
) -> std::collections::BTreeMap<String, Vec<&'static str>> {
    use ProblemCode as C;
    let statuses: Vec<&str> = op.responses.responses.keys().map(String::as_str).collect();
    let has = |s: &str| statuses.contains(&s);
    let body = op.request_body.as_ref().and_then(|b| match b {
        utoipa::openapi::RefOr::T(b) => Some(b.content.keys().cloned().collect::<Vec<_>>()),
        utoipa::openapi::RefOr::Ref(_) => None,
    });
    let takes = |t: &str| body.as_ref().is_some_and(|ts| ts.iter().any(|k| k == t));
    let mut codes: Vec<ProblemCode> = Vec::new();
    if has("400") {
        codes.push(C::InvalidParameter);
        if takes("application/json") {
            codes.push(C::MalformedJson);
        }
        if takes("multipart/form-data") {
            codes.push(C::MalformedMultipart);
        }
    }
    if has("401") && authenticated {
        codes.extend([C::Unauthorized, C::InvalidToken]);
    }
    for (status, code) in [
        ("403", C::Forbidden),
        ("404", C::NotFound),
        ("406", C::NotAcceptable),
        ("412", C::PreconditionFailed),
        ("413", C::PayloadTooLarge),
        ("415", C::UnsupportedMediaType),
    ] {
        if has(status) {
            codes.push(code);
        }
    }
    if has("422") && (body.is_some() || post) {
        codes.push(C::ValidationFailed);
    }
    if post && authenticated {
        codes.extend([C::IdempotencyKeyReused, C::IdempotencyInProgress]);
    }
    let id = op.operation_id.as_deref().unwrap_or_default();
    codes.extend(RULE_CODES.iter().filter(|(o, _)| *o == id).flat_map(|(_, c)| c.iter().copied()));
    let mut by_status: std::collections::BTreeMap<String, Vec<&'static str>> = std::collections::BTreeMap::new();
    for code in codes {
        let list = by_status.entry(code.meaning().0.to_string()).or_default();
        if !list.contains(&code.as_str()) {
            list.push(code.as_str());
        }
    }
    by_status
}

/// The document as pretty JSON with a final newline, exactly as committed.
///
/// # Errors
/// When serialisation fails.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(&document())?;
    s.push('\n');
    Ok(s)
}

/// Declares a set of error responses shared by many operations, so that each handler names the
/// set (`responses((status = 200, …), ReadErrors)`) instead of repeating the list.
macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $variant:ident),* $(,)? }) => {
        $(#[$doc])*
        #[allow(dead_code)]
        #[derive(utoipa::IntoResponses)]
        pub enum $name {
            $(#[response(status = $status)] $variant(#[ref_response] $variant)),*
        }
    };
}

error_set! {
    /// A read or a list: a malformed parameter, no token, or not visible.
    ReadErrors { 400 => BadRequest, 401 => Unauthorized, 404 => NotFound }
}
error_set! {
    /// A printable document: a read's errors, and 406 when `Accept` admits neither HTML nor PDF.
    DocumentErrors { 400 => BadRequest, 401 => Unauthorized, 404 => NotFound, 406 => NotAcceptable }
}
error_set! {
    /// A read that some roles may not make.
    GuardedReadErrors { 400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound }
}
error_set! {
    /// A POST that creates: adds 403, 409 (taken, or a wrong state), 415 and 422 to a read's.
    CreateErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        413 => PayloadTooLarge, 415 => UnsupportedMediaType, 422 => ValidationFailed,
    }
}
error_set! {
    /// A write with a JSON body that cannot conflict but may be refused by a rule.
    WriteErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
        413 => PayloadTooLarge, 415 => UnsupportedMediaType, 422 => ValidationFailed,
    }
}
error_set! {
    /// An edit under `If-Match` (PATCH or PUT).
    EditErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
        412 => PreconditionFailed, 413 => PayloadTooLarge, 415 => UnsupportedMediaType, 422 => ValidationFailed,
    }
}
error_set! {
    /// A change of state under `If-Match` that the current state may refuse (409): a
    /// transition, or an edit of something that may have moved on.
    ChangeErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        412 => PreconditionFailed, 413 => PayloadTooLarge, 415 => UnsupportedMediaType, 422 => ValidationFailed,
    }
}
error_set! {
    /// A change with a JSON body under `If-Match` whose 422 the operation describes itself (a
    /// rule with its own problem code).
    RuledChangeErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        412 => PreconditionFailed, 413 => PayloadTooLarge, 415 => UnsupportedMediaType,
    }
}
error_set! {
    /// A transition without a body under `If-Match` whose 422 the operation describes itself.
    RuledTransitionErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        412 => PreconditionFailed,
    }
}
error_set! {
    /// A DELETE under `If-Match` that the current state may refuse.
    DeleteErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        412 => PreconditionFailed,
    }
}
