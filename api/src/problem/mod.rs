//! One error type for the whole API, answered as RFC 9457 `application/problem+json` with a
//! stable `code`, a title in the client's language and, for every 422 and every 400 that names
//! a parameter, one list `errors` of what is wrong: each with its `code`, where it is (`field`,
//! `item`, or `line`/`column`), a `message` and the rule's R- id where one applies.

mod codes;
mod field;
mod listed;

pub use codes::ProblemCode;
pub use field::{Checker, FieldError, FieldErrorKind, checked};
pub use listed::{At, Listed, Message};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use usul_domain::lang::Lang;
use utoipa::ToSchema;

/// A server fault: what was being done, and the error that caused it (logged with its whole
/// chain, never answered).
#[derive(Debug)]
pub struct InternalError {
    context: std::borrow::Cow<'static, str>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl InternalError {
    /// The context and every cause, outermost first: `database: connection reset: …`.
    #[must_use]
    pub fn chain(&self) -> String {
        let mut out = self.context.to_string();
        let mut next: Option<&(dyn std::error::Error + 'static)> =
            self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(e) = next {
            out.push_str(": ");
            out.push_str(&e.to_string());
            next = e.source();
        }
        out
    }
}

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.context)
    }
}

impl std::error::Error for InternalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Every error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body or a parameter failed validation (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The body is not JSON, or a path or query parameter cannot be parsed (400).
    #[error("bad request: {detail}")]
    BadRequest { code: ProblemCode, detail: String, errors: Vec<FieldError> },
    /// No valid bearer token (401).
    #[error("unauthorized")]
    Unauthorized { code: ProblemCode },
    /// The token endpoint refused the grant (400 `invalid_grant` / 401 `invalid_client`).
    #[error("grant refused: {code}")]
    Grant { status: StatusCode, code: ProblemCode },
    /// Too many failed logins (429).
    #[error("too many attempts")]
    TooManyAttempts { retry_after: u64 },
    /// Visible but not allowed (403).
    #[error("forbidden")]
    Forbidden,
    /// Missing, or not visible to the caller (404).
    #[error("not found")]
    NotFound,
    /// Wrong method for an existing path (405).
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// A uniqueness or state conflict (409); the code names it.
    #[error("conflict: {0}")]
    Conflict(ProblemCode),
    /// A state conflict (409) that says more: `extra` carries its facts (e.g. the allowed
    /// transitions).
    #[error("conflict: {code}")]
    ConflictWith { code: ProblemCode, detail: String, extra: Option<serde_json::Value> },
    /// `If-Match` named an old version (412).
    #[error("precondition failed")]
    PreconditionFailed { current: i32 },
    /// A rule refused the request (422); the code names the rule, `extra` carries its facts as
    /// problem extension members (`rule` and `field` go to the one entry of `errors`).
    #[error("rule refused: {code}")]
    Rule { code: ProblemCode, detail: String, extra: Option<serde_json::Value> },
    /// A rule refused the request (422) for the reasons listed, each where it is.
    #[error("refused: {code}")]
    Refused { code: ProblemCode, detail: String, errors: Vec<Listed>, extra: Option<serde_json::Value> },
    /// A refusal whose status goes with its code: a CORS preflight refused (403
    /// `origin_not_allowed`, 400 `cors_preflight_refused`), a sync token too old (410
    /// `sync_token_expired`).
    #[error("refusal: {code}")]
    Status { status: StatusCode, code: ProblemCode, detail: String },
    /// The body is larger than allowed (413).
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// The body is not `application/json` (415).
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str),
    /// The database cannot be reached (503, `Retry-After`).
    #[error("service unavailable")]
    Unavailable,
    /// The file storage cannot be reached (503, `Retry-After`).
    #[error("file storage unavailable")]
    FileStorageUnavailable,
    /// Too much work of one kind is under way (503, `Retry-After`): password hashing.
    #[error("overloaded")]
    Overloaded { retry_after: u64 },
    /// Too many requests from one client address (429, `Retry-After`).
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    /// A server fault (500); the cause chain is logged, never answered.
    #[error("internal error: {0}")]
    Internal(#[source] InternalError),
}

/// The problem document (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:usul:problem:validation_failed",
    "title": "Validation failed",
    "status": 422,
    "detail": "2 field(s) are invalid.",
    "code": "validation_failed",
    "errors": [
        {"field": "email", "code": "invalid_format", "message": "Invalid format"},
        {"field": "last_name", "code": "empty", "message": "Must not be empty"}
    ]
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:usul:problem:{code}`.
    #[serde(rename = "type")]
    #[schema(example = "urn:usul:problem:validation_failed")]
    pub type_: String,
    /// A short summary in the language chosen by `Accept-Language` (ky, ru, en).
    pub title: String,
    /// The HTTP status.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// What happened in this case.
    pub detail: String,
    /// A stable machine-readable code: one of the `ProblemCode` schema's values, each described
    /// there (new codes may be added; treat an unknown one by its `status`).
    #[schema(schema_with = code_schema)]
    pub code: String,
    /// What is wrong, one entry per thing: on every 422, and on a 400 `invalid_parameter`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `csv_invalid`: how many problems the file has (`errors` lists the first 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_count: Option<usize>,
    /// For `transition_not_allowed`: the steps the current state allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// For `transition_not_allowed` on a plan: the plan's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_status: Option<String>,
    /// For `transition_not_allowed` on a report: the report's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_status: Option<String>,
    /// For `meeting_wrong_state`: the meeting's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_status: Option<String>,
    /// For `file_type_mismatch`: the `Content-Type` the file was sent with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    /// Any other fact of a refusal: `latest_held` (`protocol_number`, `date`) for
    /// `meeting_held_out_of_order`, `held_on` for `meeting_date_fixed`.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub extensions: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A [`ProblemCode`], or a code added after the client was generated.
fn code_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Ref, SchemaType, Type};
    AnyOfBuilder::new()
        .item(Ref::from_schema_name("ProblemCode"))
        .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)))
        .description(Some(
            "A stable machine-readable code: one of the `ProblemCode` schema's values, each described there (a newer server may add codes; treat an unknown one by its `status`).",
        ))
        .examples([serde_json::json!("validation_failed")])
        .into()
}

/// One thing wrong in a [`Problem`]: its code, where it is, a message, and the rule's R- id.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// A stable code. For a field: `required`, `empty`, `too_long`, `too_short`,
    /// `invalid_format`, `invalid_value`, `invalid_type`, `unknown_field`, `out_of_range`,
    /// `unknown_reference`, `invalid_year`, `inactive`, `duplicate`, `grades_do_not_add_up`.
    /// For a refused rule, the reason: e.g. `no_deadline`, `too_few_qualified_members`,
    /// `not_member`, `too_little_experience`; for a CSV file, e.g. `missing_column`.
    #[schema(example = "invalid_format")]
    pub code: String,
    /// A message in the chosen language.
    #[schema(example = "Invalid format")]
    pub message: String,
    /// The field (or parameter, or header) to blame, e.g. `email`, `subject_ids[1]`,
    /// `due_date` of an `item`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "email")]
    pub field: Option<String>,
    /// The plan item to blame, by its `position`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<u32>,
    /// The line of an uploaded file (1-based; 0 for the file as a whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The column of an uploaded file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The regulation's rule, e.g. `R-3.2.2a`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^R-[0-9]+(\\.[0-9]+)*[a-z]?$")]
    pub rule: Option<String>,
    /// The people concerned, e.g. the members who teach none of a commission's subjects.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub staff_ids: Vec<uuid::Uuid>,
    /// What there is, for a threshold rule (qualified members, years of experience).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub have: Option<u32>,
    /// What the rule needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<u32>,
}

impl ApiError {
    /// The stable code.
    #[must_use]
    pub const fn code(&self) -> ProblemCode {
        match self {
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::Refused { code, .. }
            | Self::BadRequest { code, .. }
            | Self::Unauthorized { code }
            | Self::Grant { code, .. }
            | Self::Status { code, .. }
            | Self::Conflict(code)
            | Self::Rule { code, .. }
            | Self::ConflictWith { code, .. } => *code,
            Self::TooManyAttempts { .. } => ProblemCode::TooManyAttempts,
            Self::Forbidden => ProblemCode::Forbidden,
            Self::NotFound => ProblemCode::NotFound,
            Self::MethodNotAllowed { .. } => ProblemCode::MethodNotAllowed,
            Self::PreconditionFailed { .. } => ProblemCode::PreconditionFailed,
            Self::PayloadTooLarge { .. } => ProblemCode::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ProblemCode::UnsupportedMediaType,
            Self::Unavailable => ProblemCode::Unavailable,
            Self::FileStorageUnavailable => ProblemCode::FileStorageUnavailable,
            Self::Overloaded { .. } => ProblemCode::Overloaded,
            Self::RateLimited { .. } => ProblemCode::RateLimited,
            Self::Internal(_) => ProblemCode::InternalError,
        }
    }

    /// A server fault with its cause kept for the log.
    #[must_use]
    pub fn internal(context: &'static str, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(InternalError { context: context.into(), source: Some(Box::new(source)) })
    }

    /// A server fault without an underlying error: a broken invariant (a bug).
    #[must_use]
    pub fn bug(context: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        Self::Internal(InternalError { context: context.into(), source: None })
    }

    /// A validation problem on one field.
    #[must_use]
    pub fn field(field: impl Into<String>, kind: FieldErrorKind) -> Self {
        Self::Validation(vec![FieldError::new(field, kind)])
    }

    fn detail(&self, lang: Lang) -> String {
        let t = |ky: &str, ru: &str, en: &str| match lang {
            Lang::Ky => ky.to_owned(),
            Lang::Ru => ru.to_owned(),
            Lang::En => en.to_owned(),
        };
        match self {
            Self::Validation(errors) => match lang {
                Lang::Ky => format!("{} талаа туура эмес.", errors.len()),
                Lang::Ru => format!("Неверных полей: {}.", errors.len()),
                Lang::En => format!("{} field(s) are invalid.", errors.len()),
            },
            Self::BadRequest { detail, .. }
            | Self::Rule { detail, .. }
            | Self::Refused { detail, .. }
            | Self::ConflictWith { detail, .. }
            | Self::Status { detail, .. } => detail.clone(),
            Self::Unauthorized { .. } => t(
                "Жарактуу Bearer токен жөнөтүңүз.",
                "Передайте действующий Bearer-токен.",
                "Send a valid Bearer access token.",
            ),
            Self::Grant { .. } => t(
                "Кирүү маалыматтары кабыл алынган жок.",
                "Учётные данные не приняты.",
                "The credentials or the refresh token were not accepted.",
            ),
            Self::TooManyAttempts { retry_after } => match lang {
                Lang::Ky => format!("{retry_after} секунддан кийин кайра аракет кылыңыз."),
                Lang::Ru => format!("Повторите через {retry_after} с."),
                Lang::En => format!("Try again in {retry_after} seconds."),
            },
            Self::Forbidden => t(
                "Бул аракетке укугуңуз жок.",
                "У вас нет прав на это действие.",
                "Your role does not allow this action.",
            ),
            Self::NotFound => t(
                "Мындай ресурс жок же сизге көрүнбөйт.",
                "Ресурс не существует или недоступен вам.",
                "The resource does not exist or is not visible to you.",
            ),
            Self::MethodNotAllowed { allow } => match lang {
                Lang::Ky => format!("Уруксат берилген ыкмалар: {allow}."),
                Lang::Ru => format!("Разрешённые методы: {allow}."),
                Lang::En => format!("Allowed methods: {allow}."),
            },
            Self::Conflict(_) => t(
                "Сурам учурдагы абалга карама-каршы келет.",
                "Запрос противоречит текущему состоянию.",
                "The request conflicts with the current state.",
            ),
            Self::PreconditionFailed { current } => match lang {
                Lang::Ky => format!("Учурдагы версия: \"{current}\". Жаңыртып, кайра аракет кылыңыз."),
                Lang::Ru => format!("Текущая версия: \"{current}\". Перечитайте и повторите."),
                Lang::En => format!("The current version is \"{current}\"; read it again and retry."),
            },
            Self::PayloadTooLarge { limit } => match lang {
                Lang::Ky => format!("Эң көп {limit} байт."),
                Lang::Ru => format!("Не более {limit} байт."),
                Lang::En => format!("At most {limit} bytes are accepted."),
            },
            Self::UnsupportedMediaType(expected) => match lang {
                Lang::Ky => format!("Content-Type: {expected} жөнөтүңүз."),
                Lang::Ru => format!("Отправьте Content-Type: {expected}."),
                Lang::En => format!("Send Content-Type: {expected}."),
            },
            Self::Unavailable => {
                t("Маалымат базасы жеткиликсиз.", "База данных недоступна.", "The database is unreachable.")
            }
            Self::FileStorageUnavailable => t(
                "Файлдар сактагычы жеткиликсиз; эч нерсе өзгөргөн жок.",
                "Хранилище файлов недоступно; ничего не изменено.",
                "The file storage is unreachable; nothing was changed.",
            ),
            Self::Overloaded { retry_after } | Self::RateLimited { retry_after } => match lang {
                Lang::Ky => format!("{retry_after} секунддан кийин кайра аракет кылыңыз."),
                Lang::Ru => format!("Повторите через {retry_after} с."),
                Lang::En => format!("Try again in {retry_after} seconds."),
            },
            Self::Internal(_) => {
                t("Күтүлбөгөн ката кетти.", "Произошла непредвиденная ошибка.", "An unexpected error occurred.")
            }
        }
    }

    /// The problem document in `lang`.
    #[must_use]
    pub fn problem(&self, lang: Lang) -> Problem {
        let code = self.code();
        let status = self.status_code().as_u16();
        let detail = self.detail(lang);
        let mut errors: Vec<ProblemField> = match self {
            Self::Validation(e) | Self::BadRequest { errors: e, .. } => e
                .iter()
                .map(|f| Listed::new(f.kind.code(), Message::Kind(f.kind), At::Field(f.field.clone())).render(lang))
                .collect(),
            Self::Refused { errors, .. } => errors.iter().map(|e| e.render(lang)).collect(),
            _ => Vec::new(),
        };
        let mut extensions = match self {
            Self::Rule { extra: Some(serde_json::Value::Object(map)), .. }
            | Self::Refused { extra: Some(serde_json::Value::Object(map)), .. }
            | Self::ConflictWith { extra: Some(serde_json::Value::Object(map)), .. } => map.clone(),
            _ => serde_json::Map::new(),
        };
        // Extension members never shadow the standard ones.
        for k in ["type", "title", "status", "detail", "code", "errors"] {
            extensions.remove(k);
        }
        let mut take = |k: &str| extensions.remove(k);
        let text = |v: Option<serde_json::Value>| v.and_then(|v| v.as_str().map(str::to_owned));
        let rule = text(take("rule"));
        let field = text(take("field"));
        // Every 422 lists what is wrong, even when one rule says it all.
        if status == 422 && errors.is_empty() {
            errors.push(ProblemField {
                code: code.as_str().to_owned(),
                message: detail.clone(),
                field,
                item: None,
                line: None,
                column: None,
                rule,
                staff_ids: Vec::new(),
                have: None,
                need: None,
            });
        }
        let allowed = take("allowed")
            .and_then(|v| v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()));
        let error_count = take("error_count").and_then(|v| v.as_u64()).and_then(|n| usize::try_from(n).ok());
        let plan_status = text(take("plan_status"));
        let report_status = text(take("report_status"));
        let meeting_status = text(take("meeting_status"));
        let declared = text(take("declared"));
        Problem {
            type_: format!("urn:usul:problem:{code}"),
            title: code.title().get(lang).to_owned(),
            status,
            detail,
            code: code.as_str().to_owned(),
            errors,
            error_count,
            allowed,
            plan_status,
            report_status,
            meeting_status,
            declared,
            extensions: if extensions.is_empty() { None } else { Some(extensions) },
        }
    }

    /// The full response in `lang`.
    #[must_use]
    pub fn render(&self, lang: Lang) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(cause = %cause.chain(), "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")));
        res.insert_header((header::CONTENT_LANGUAGE, lang.code()));
        match self {
            Self::MethodNotAllowed { allow } => {
                res.insert_header((header::ALLOW, allow.as_str()));
            }
            Self::Unauthorized { .. } => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            // RFC 6749 §5.2: a client that failed to authenticate is told the scheme to use.
            Self::Grant { code: ProblemCode::InvalidClient, .. } => {
                res.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"usul\""));
            }
            Self::TooManyAttempts { retry_after }
            | Self::Overloaded { retry_after }
            | Self::RateLimited { retry_after } => {
                res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            Self::Unavailable | Self::FileStorageUnavailable => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem(lang)).unwrap_or_default())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::Rule { .. } | Self::Refused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Grant { status, .. } | Self::Status { status, .. } => *status,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::ConflictWith { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable | Self::FileStorageUnavailable | Self::Overloaded { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Rendered in English here; the edge middleware renders it again in the client's language.
    fn error_response(&self) -> HttpResponse {
        self.render(Lang::En)
    }
}

impl From<usul_persistence::StoreError> for ApiError {
    fn from(e: usul_persistence::StoreError) -> Self {
        use usul_persistence::StoreError as S;
        match e {
            S::NotFound => Self::NotFound,
            S::VersionMismatch { current } => Self::PreconditionFailed { current },
            S::Conflict(conflict) => Self::Conflict(conflict.into()),
            S::Corrupt(what) => Self::bug(format!("corrupt row: {what}")),
            S::OutOfOrder(o) => Self::Rule {
                code: ProblemCode::MeetingHeldOutOfOrder,
                detail: format!(
                    "Meeting №{} of this body, dated {}, was held already: minutes are numbered in the order of their meetings' dates (R-5.3), so a meeting dated {} can no longer be held.",
                    o.latest.number, o.latest.date, o.date
                ),
                extra: Some(serde_json::json!({
                    "field": "date",
                    "rule": "R-5.3",
                    "latest_held": {"protocol_number": o.latest.number, "date": o.latest.date},
                })),
            },
            S::Db(db) if usul_persistence::is_connection_error(&db) => {
                tracing::error!(error = %db, "database unreachable");
                Self::Unavailable
            }
            S::Db(db) => Self::internal("database", db),
        }
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(e: crate::storage::StorageError) -> Self {
        use crate::storage::StorageError as S;
        match e {
            S::Unavailable(cause) => {
                tracing::error!(error = %cause, "file storage unreachable");
                Self::FileStorageUnavailable
            }
            S::NotFound { .. } => Self::internal("a stored file is missing", e),
            S::Io(_) => Self::internal("the files directory", e),
        }
    }
}

impl From<usul_domain::staff::DeactivateError> for ApiError {
    fn from(e: usul_domain::staff::DeactivateError) -> Self {
        match e {
            usul_domain::staff::DeactivateError::Yourself => Self::Rule {
                code: ProblemCode::CannotDeactivateSelf,
                detail: "Ask the director or an administrator to deactivate your account.".into(),
                extra: None,
            },
        }
    }
}

impl From<usul_domain::policy::Decision> for ApiError {
    fn from(d: usul_domain::policy::Decision) -> Self {
        match d {
            usul_domain::policy::Decision::NotFound => Self::NotFound,
            _ => Self::Forbidden,
        }
    }
}

impl From<usul_domain::policy::Refusal> for ApiError {
    fn from(r: usul_domain::policy::Refusal) -> Self {
        match r {
            usul_domain::policy::Refusal::NotFound => Self::NotFound,
            usul_domain::policy::Refusal::Forbidden => Self::Forbidden,
        }
    }
}

impl ApiError {
    /// A command's field problems as one 422 `validation_failed`.
    #[must_use]
    pub fn invalid(problems: Vec<usul_domain::form::FieldProblem>) -> Self {
        Self::Validation(problems.into_iter().map(|p| FieldError::new(p.field, p.problem.into())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_code_is_unique_snake_case_and_titled_in_three_languages() {
        let mut seen = std::collections::HashSet::new();
        for code in ProblemCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            let t = code.title();
            assert!(!t.ky.is_empty() && !t.ru.is_empty() && !t.en.is_empty(), "{s}");
            assert_ne!(t.ky, t.en, "{s} has no Kyrgyz title");
        }
    }

    #[test]
    fn every_problem_code_has_an_error_status_and_a_meaning_for_the_catalogue() {
        for code in ProblemCode::ALL {
            let (status, meaning) = code.meaning();
            assert!((400..600).contains(&status), "{code}: {status}");
            assert!(meaning.ends_with('.') && meaning.len() > 20, "{code}: {meaning}");
        }
        assert_eq!(
            ProblemCode::PlanIncomplete.meaning().0,
            ApiError::Refused {
                code: ProblemCode::PlanIncomplete,
                detail: String::new(),
                errors: Vec::new(),
                extra: None,
            }
            .status_code()
            .as_u16()
        );
    }

    #[test]
    fn a_rule_refused_for_one_reason_still_lists_it_in_errors_with_its_rule_and_field() {
        let e = ApiError::Rule {
            code: ProblemCode::FileTypeMismatch,
            detail: "The bytes are not application/pdf.".into(),
            extra: Some(serde_json::json!({"declared": "application/pdf", "field": "file", "rule": "R-4.3"})),
        };
        let p = serde_json::to_value(e.problem(Lang::En)).unwrap_or_default();
        assert_eq!(p["errors"][0]["code"], "file_type_mismatch");
        assert_eq!(p["errors"][0]["field"], "file");
        assert_eq!(p["errors"][0]["rule"], "R-4.3");
        assert_eq!(p["declared"], "application/pdf");
        assert!(p.get("rule").is_none() && p.get("field").is_none(), "{p}");
    }

    #[test]
    fn every_storage_conflict_has_its_own_titled_code() {
        use usul_persistence::Conflict as C;
        let code = ProblemCode::from(C::EmailTaken);
        assert_eq!(code.as_str(), "email_taken");
        assert_eq!(ProblemCode::from(C::ConcurrentWrite).as_str(), "concurrent_write");
    }

    #[test]
    fn an_internal_error_keeps_its_cause_chain_for_the_log_and_answers_without_it() {
        let io = std::io::Error::other("disk on fire");
        let e = ApiError::internal("storing the file", io);
        let ApiError::Internal(inner) = &e else { panic!("{e:?}") };
        assert_eq!(inner.chain(), "storing the file: disk on fire");
        let p = e.problem(Lang::En);
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("disk"), "{}", p.detail);
    }
}
