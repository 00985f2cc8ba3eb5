//! One error type for the whole API, answered as RFC 9457 `application/problem+json` with a
//! stable `code`, per-field `errors`, and a title in the client's language.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use usul_domain::lang::{Lang, Text};
use usul_domain::values::TextError;
use utoipa::ToSchema;

/// One offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path (`email`, `subject_ids[2]`, `year`).
    pub field: String,
    /// What is wrong with it.
    pub kind: FieldErrorKind,
}

/// What is wrong with a field; each has a stable code and a message in ky, ru and en.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    Empty,
    TooLong(usize),
    TooShort(usize),
    InvalidFormat,
    InvalidValue,
    InvalidType,
    UnknownField,
    OutOfRange,
    UnknownReference,
    InvalidYear,
    Inactive,
    Duplicate,
    /// Grades 5, 4, 3 and 2 do not add up to the students.
    GradesDoNotAddUp,
}

impl FieldErrorKind {
    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::Empty => "empty",
            Self::TooLong(_) => "too_long",
            Self::TooShort(_) => "too_short",
            Self::InvalidFormat => "invalid_format",
            Self::InvalidValue => "invalid_value",
            Self::InvalidType => "invalid_type",
            Self::UnknownField => "unknown_field",
            Self::OutOfRange => "out_of_range",
            Self::UnknownReference => "unknown_reference",
            Self::InvalidYear => "invalid_year",
            Self::Inactive => "inactive",
            Self::Duplicate => "duplicate",
            Self::GradesDoNotAddUp => "grades_do_not_add_up",
        }
    }

    /// The kind whose [`code`](Self::code) is `code` (the bounded kinds with their bound lost).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Required,
            Self::Empty,
            Self::InvalidFormat,
            Self::InvalidValue,
            Self::InvalidType,
            Self::UnknownField,
            Self::OutOfRange,
            Self::UnknownReference,
            Self::InvalidYear,
            Self::Inactive,
            Self::Duplicate,
            Self::GradesDoNotAddUp,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// The message in `lang`.
    #[must_use]
    pub fn message(self, lang: Lang) -> String {
        let t = |ky: &str, ru: &str, en: &str| match lang {
            Lang::Ky => ky.to_owned(),
            Lang::Ru => ru.to_owned(),
            Lang::En => en.to_owned(),
        };
        match self {
            Self::Required => t("Бул талаа милдеттүү", "Обязательное поле", "This field is required"),
            Self::Empty => t("Бош болбошу керек", "Не должно быть пустым", "Must not be empty"),
            Self::TooLong(n) => match lang {
                Lang::Ky => format!("{n} белгиден ашпашы керек"),
                Lang::Ru => format!("Не более {n} символов"),
                Lang::En => format!("Must be at most {n} characters"),
            },
            Self::TooShort(n) => match lang {
                Lang::Ky => format!("Кеминде {n} белги болушу керек"),
                Lang::Ru => format!("Не менее {n} символов"),
                Lang::En => format!("Must be at least {n} characters"),
            },
            Self::InvalidFormat => t("Формат туура эмес", "Неверный формат", "Invalid format"),
            Self::InvalidValue => t("Мындай маани жок", "Недопустимое значение", "Not one of the allowed values"),
            Self::InvalidType => t("Маанинин түрү туура эмес", "Неверный тип значения", "Wrong type of value"),
            Self::UnknownField => t("Белгисиз талаа", "Неизвестное поле", "Unknown field"),
            Self::OutOfRange => {
                t("Уруксат берилген чектен тышкары", "Вне допустимого диапазона", "Out of the allowed range")
            }
            Self::UnknownReference => t("Мындай жазуу табылган жок", "Такая запись не найдена", "No such record"),
            Self::Inactive => t("Бул кызматкер өчүрүлгөн", "Сотрудник деактивирован", "This person is deactivated"),
            Self::Duplicate => t("Кайталанып калды", "Повторяется", "Listed more than once"),
            Self::GradesDoNotAddUp => t(
                "5, 4, 3 жана 2 деген баалардын саны окуучулардын санына барабар болушу керек",
                "Сумма оценок 5, 4, 3 и 2 должна равняться числу учащихся",
                "Grades 5, 4, 3 and 2 must add up to the number of students",
            ),
            Self::InvalidYear => t(
                "Окуу жылы ЖЖЖЖ-ЖЖЖЖ түрүндө жазылат, мисалы 2022-2023",
                "Учебный год пишется ГГГГ-ГГГГ, например 2022-2023",
                "An academic year is written YYYY-YYYY with consecutive years, e.g. 2022-2023",
            ),
        }
    }
}

impl FieldError {
    /// A field error.
    #[must_use]
    pub fn new(field: impl Into<String>, kind: FieldErrorKind) -> Self {
        Self { field: field.into(), kind }
    }

    /// Maps a domain text error on `field`.
    #[must_use]
    pub fn text(field: impl Into<String>, e: TextError) -> Self {
        let kind = match e {
            TextError::Empty => FieldErrorKind::Empty,
            TextError::TooLong { max } => FieldErrorKind::TooLong(max),
            TextError::TooShort { min } => FieldErrorKind::TooShort(min),
            TextError::Format => FieldErrorKind::InvalidFormat,
        };
        Self::new(field, kind)
    }
}

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
    /// problem extension members.
    #[error("rule refused: {code}")]
    Rule { code: ProblemCode, detail: String, extra: Option<serde_json::Value> },
    /// The body is larger than allowed (413).
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// The body is not `application/json` (415).
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str),
    /// The database cannot be reached (503).
    #[error("service unavailable")]
    Unavailable,
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
    "detail": "2 fields are invalid.",
    "code": "validation_failed",
    "errors": [
        {"field": "email", "code": "invalid_format", "message": "Invalid format"},
        {"field": "last_name", "code": "empty", "message": "Must not be empty"}
    ]
}))]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:usul:problem:{code}`.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary in the language chosen by `Accept-Language` (ky, ru, en).
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened in this case.
    pub detail: String,
    /// A stable machine-readable code.
    pub code: String,
    /// For validation problems, each offending field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For a refused rule, its facts (e.g. `problems` of a refused approval).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extensions: Option<serde_json::Value>,
}

/// One offending field in a [`Problem`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's path, e.g. `email` or `subject_ids[1]`.
    #[schema(example = "email")]
    pub field: String,
    /// A stable code: `required`, `empty`, `too_long`, `too_short`, `invalid_format`,
    /// `invalid_value`, `invalid_type`, `unknown_field`, `out_of_range`, `unknown_reference`,
    /// `invalid_year`, `inactive`, `duplicate`.
    #[schema(example = "invalid_format")]
    pub code: String,
    /// A message in the chosen language.
    #[schema(example = "Invalid format")]
    pub message: String,
}

/// Declares [`ProblemCode`]: each variant with its stable code and its title in ky, ru and en,
/// so that a code without a title cannot exist.
macro_rules! problem_codes {
    ($($variant:ident = $code:literal => ($ky:literal, $ru:literal, $en:literal)),* $(,)?) => {
        /// Every problem `code` the API answers with. The code is stable; its title follows
        /// `Accept-Language`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ProblemCode {
            $(#[doc = $en] $variant),*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The stable code, e.g. `plan_not_draft`.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),*
                }
            }

            /// The title in ky, ru and en.
            #[must_use]
            pub const fn title(self) -> Text {
                match self {
                    $(Self::$variant => Text { ky: $ky, ru: $ru, en: $en }),*
                }
            }
        }
    };
}

problem_codes! {
    ValidationFailed = "validation_failed" => ("Маалыматтар текшерүүдөн өткөн жок", "Данные не прошли проверку", "Validation failed"),
    MalformedJson = "malformed_json" => ("Сурамдын денеси туура эмес JSON", "Тело запроса — некорректный JSON", "Malformed JSON body"),
    InvalidParameter = "invalid_parameter" => ("Параметр туура эмес", "Неверный параметр", "Invalid parameter"),
    Unauthorized = "unauthorized" => ("Кирүү талап кылынат", "Требуется аутентификация", "Authentication required"),
    InvalidToken = "invalid_token" => ("Токен жараксыз же мөөнөтү өттү", "Токен недействителен или истёк", "Invalid or expired token"),
    InvalidGrant = "invalid_grant" => ("Кирүү маалыматтары туура эмес", "Неверные учётные данные", "Invalid credentials or refresh token"),
    InvalidClient = "invalid_client" => ("Кардар аныкталган жок", "Клиент не аутентифицирован", "Invalid client credentials"),
    TooManyAttempts = "too_many_attempts" => ("Өтө көп ийгиликсиз аракет", "Слишком много неудачных попыток", "Too many failed attempts"),
    Forbidden = "forbidden" => ("Уруксат жок", "Недостаточно прав", "Not allowed"),
    NotFound = "not_found" => ("Табылган жок", "Не найдено", "Not found"),
    MethodNotAllowed = "method_not_allowed" => ("Бул ыкмага уруксат жок", "Метод не разрешён", "Method not allowed"),
    PreconditionFailed = "precondition_failed" => ("Жазуу өзгөрүп кеткен", "Запись была изменена", "The resource has changed"),
    PayloadTooLarge = "payload_too_large" => ("Сурам өтө чоң", "Слишком большой запрос", "Request body too large"),
    UnsupportedMediaType = "unsupported_media_type" => ("Мазмундун түрү колдоого алынбайт", "Неподдерживаемый тип содержимого", "Unsupported media type"),
    EmailTaken = "email_taken" => ("Бул электрондук дарек колдонулууда", "Этот адрес электронной почты уже используется", "This e-mail address is already in use"),
    SubjectNameTaken = "subject_name_taken" => ("Мындай предмет бар", "Такой предмет уже есть", "The school already has this subject"),
    SchoolNameTaken = "school_name_taken" => ("Мындай мектеп бар", "Такая школа уже есть", "The district already has a school of this name"),
    DistrictNameTaken = "district_name_taken" => ("Мындай бөлүм бар", "Такой отдел образования уже есть", "A district of this name exists"),
    ClientIdTaken = "client_id_taken" => ("Мындай кардар бар", "Такой клиент уже есть", "This client id is in use"),
    IdempotencyKeyReused = "idempotency_key_reused" => ("Idempotency-Key башка сурам үчүн колдонулган", "Idempotency-Key уже использован для другого запроса", "Idempotency-Key was used for a different request"),
    IdempotencyInProgress = "idempotency_in_progress" => ("Ушул ачкыч менен сурам аткарылып жатат", "Запрос с этим ключом ещё выполняется", "A request with this key is still in progress"),
    CannotDeactivateSelf = "cannot_deactivate_self" => ("Өзүңүздү өчүрө албайсыз", "Нельзя деактивировать себя", "You cannot deactivate yourself"),
    Unavailable = "unavailable" => ("Кызмат убактылуу жеткиликсиз", "Сервис временно недоступен", "Service unavailable"),
    CommissionNotApprovable = "commission_not_approvable" => ("Комиссияны бекитүүгө болбойт", "Комиссию нельзя утвердить", "The commission cannot be approved"),
    HeadNotEligible = "head_not_eligible" => ("Бул кызматкер комиссияга жетекчи боло албайт", "Этот сотрудник не может возглавить комиссию", "This person cannot head the commission"),
    OrderRequired = "order_required" => ("Бекитилген комиссиянын курамы буйрук менен гана өзгөрөт", "Состав утверждённой комиссии меняется только приказом", "An approved commission's members change only by order"),
    HeadCannotLeave = "head_cannot_leave" => ("Жетекчини чыгаруудан мурун жаңы жетекчи дайындаңыз", "Прежде чем исключить руководителя, назначьте нового", "Appoint another head before removing the head"),
    MinutesFinalized = "minutes_finalized" => ("Протокол бекитилген, аны өзгөртүүгө болбойт", "Протокол оформлен, менять его нельзя", "The minutes are finalized and read-only"),
    MinutesIncomplete = "minutes_incomplete" => ("Протокол толук эмес", "Протокол не заполнен", "The minutes are incomplete"),
    MeetingWrongState = "meeting_wrong_state" => ("Жыйын бул абалда эмес", "Заседание не в том состоянии", "The meeting is not in the state this needs"),
    ProtocolNumberingBusy = "protocol_numbering_busy" => ("Протоколго номер берүү мүмкүн болбоду, кайра аракет кылыңыз", "Не удалось присвоить номер протоколу, повторите", "Could not number the minutes; try again"),
    SchoolYearExists = "school_year_exists" => ("Бул окуу жылы бар", "Этот учебный год уже есть", "This school year exists already"),
    CouncilBusy = "council_busy" => ("Кеңештин курамы ушул учурда өзгөрүүдө", "Состав совета сейчас меняется", "The council is being changed; try again"),
    CommissionDissolved = "commission_dissolved" => ("Комиссия таратылган", "Комиссия расформирована", "The commission is dissolved"),
    MentorshipCompleted = "mentorship_completed" => ("Насаатчылык аяктаган", "Наставничество завершено", "The mentorship is completed"),
    MaterialNotDraft = "material_not_draft" => ("Материал долбоор эмес", "Материал уже не черновик", "The material is no longer a draft"),
    MaterialNotReviewed = "material_not_reviewed" => ("Материал каралган эмес", "Материал не рассмотрен", "The material has not been reviewed"),
    FileTypeMismatch = "file_type_mismatch" => ("Файлдын түрү мазмунуна дал келбейт", "Тип файла не совпадает с содержимым", "The file's declared type does not match its bytes"),
    MalformedMultipart = "malformed_multipart" => ("Файл туура эмес жөнөтүлдү", "Файл передан некорректно", "Malformed multipart body"),
    TransitionNotAllowed = "transition_not_allowed" => ("Бул абалдан мындай өтүүгө болбойт", "Такой переход из текущего состояния невозможен", "This transition is not allowed from the current state"),
    PlanNotDraft = "plan_not_draft" => ("План долбоор эмес, аны өзгөртүүгө болбойт", "План не черновик, менять его нельзя", "The plan is not a draft and cannot be edited"),
    PlanIncomplete = "plan_incomplete" => ("План толук эмес", "План не заполнен", "The plan is incomplete"),
    PlanExists = "plan_exists" => ("Бул ээси жана жылы үчүн план бар", "План этого вида, владельца и года уже есть", "A plan of this kind, owner and year exists"),
    PlanWasSubmitted = "plan_was_submitted" => ("Тапшырылган планды өчүрүүгө болбойт", "Поданный план удалить нельзя", "A plan that was submitted cannot be deleted"),
    PlanAlreadyApproved = "plan_already_approved" => ("Бул пландын бекитилген версиясы бар", "У плана уже есть утверждённая версия", "Another version of this plan is approved"),
    CsvInvalid = "csv_invalid" => ("CSV файлында каталар бар, эч нерсе сакталган жок", "В CSV-файле ошибки, ничего не сохранено", "The CSV file has errors; nothing was stored"),
    ReportExists = "report_exists" => ("Бул жыл үчүн мындай отчет бар", "Такой отчёт за этот год уже есть", "This report for this year exists"),
    ReportNotOpen = "report_not_open" => ("Отчет тапшырылган, аны өзгөртүүгө болбойт", "Отчёт сдан, менять его нельзя", "The report is submitted and cannot be edited"),
    PlanNotApproved = "plan_not_approved" => ("План бекитилген эмес", "План не утверждён", "The plan is not approved"),
    CommissionNotDraft = "commission_not_draft" => ("Комиссия долбоор эмес", "Комиссия уже не черновик", "The commission is no longer a draft"),
    CommissionNotApproved = "commission_not_approved" => ("Комиссия бекитилген эмес", "Комиссия не утверждена", "The commission is not approved"),
    CommissionNameTaken = "commission_name_taken" => ("Бул окуу жылында мындай аталыштагы комиссия бар", "Комиссия с таким названием в этом году уже есть", "A commission of this name exists in this year"),
    OrderNumberTaken = "order_number_taken" => ("Бул номердеги буйрук бар", "Приказ с таким номером уже есть", "An order with this number exists this year"),
    DuplicateRow = "duplicate_row" => ("Бир сап эки жолу берилди", "Одна строка указана дважды", "The same row is listed twice"),
    ConcurrentWrite = "concurrent_write" => ("Жазуу ушул эле учурда өзгөртүлдү, кайра аракет кылыңыз", "Запись одновременно изменена, повторите", "The record was written at the same time; try again"),
    InternalError = "internal_error" => ("Ички ката", "Внутренняя ошибка", "Internal error"),
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ApiError {
    /// The stable code.
    #[must_use]
    pub const fn code(&self) -> ProblemCode {
        match self {
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code }
            | Self::Grant { code, .. }
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
            Self::BadRequest { detail, .. } | Self::Rule { detail, .. } | Self::ConflictWith { detail, .. } => {
                detail.clone()
            }
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
            Self::Internal(_) => {
                t("Күтүлбөгөн ката кетти.", "Произошла непредвиденная ошибка.", "An unexpected error occurred.")
            }
        }
    }

    /// The problem document in `lang`.
    #[must_use]
    pub fn problem(&self, lang: Lang) -> Problem {
        let code = self.code();
        let errors = match self {
            Self::Validation(e) | Self::BadRequest { errors: e, .. } => e
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.kind.code().to_owned(),
                    message: f.kind.message(lang),
                })
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            type_: format!("urn:usul:problem:{code}"),
            title: code.title().get(lang).to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(lang),
            code: code.as_str().to_owned(),
            errors,
            extensions: match self {
                // Extension members never shadow the standard ones.
                Self::Rule { extra: Some(serde_json::Value::Object(map)), .. }
                | Self::ConflictWith { extra: Some(serde_json::Value::Object(map)), .. } => {
                    Some(serde_json::Value::Object(
                        map.iter()
                            .filter(|(k, _)| {
                                !["type", "title", "status", "detail", "code", "errors"].contains(&k.as_str())
                            })
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ))
                }
                _ => None,
            },
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
            Self::TooManyAttempts { retry_after } => {
                res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem(lang)).unwrap_or_default())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Grant { status, .. } => *status,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::ConflictWith { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
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
            S::Db(db) if usul_persistence::is_connection_error(&db) => {
                tracing::error!(error = %db, "database unreachable");
                Self::Unavailable
            }
            S::Db(db) => Self::internal("database", db),
        }
    }
}

impl From<usul_persistence::Conflict> for ProblemCode {
    fn from(c: usul_persistence::Conflict) -> Self {
        use usul_persistence::Conflict as C;
        match c {
            C::DistrictNameTaken => Self::DistrictNameTaken,
            C::SchoolNameTaken => Self::SchoolNameTaken,
            C::SubjectNameTaken => Self::SubjectNameTaken,
            C::EmailTaken => Self::EmailTaken,
            C::ClientIdTaken => Self::ClientIdTaken,
            C::SchoolYearExists => Self::SchoolYearExists,
            C::CommissionNameTaken => Self::CommissionNameTaken,
            C::OrderNumberTaken => Self::OrderNumberTaken,
            C::CouncilBusy => Self::CouncilBusy,
            C::ProtocolNumberingBusy => Self::ProtocolNumberingBusy,
            C::PlanExists => Self::PlanExists,
            C::PlanAlreadyApproved => Self::PlanAlreadyApproved,
            C::ReportExists => Self::ReportExists,
            C::DuplicateRow => Self::DuplicateRow,
            C::ConcurrentWrite | C::IdempotencyKeyTaken => Self::ConcurrentWrite,
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

impl From<usul_domain::form::Problem> for FieldErrorKind {
    fn from(p: usul_domain::form::Problem) -> Self {
        use usul_domain::form::Problem as P;
        match p {
            P::Required => Self::Required,
            P::Text(TextError::Empty) => Self::Empty,
            P::Text(TextError::TooLong { max }) => Self::TooLong(max),
            P::Text(TextError::TooShort { min }) => Self::TooShort(min),
            P::Text(TextError::Format) | P::InvalidFormat => Self::InvalidFormat,
            P::InvalidYear => Self::InvalidYear,
            P::InvalidValue => Self::InvalidValue,
            P::OutOfRange => Self::OutOfRange,
            P::UnknownReference => Self::UnknownReference,
            P::Inactive => Self::Inactive,
            P::Duplicate => Self::Duplicate,
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

/// Collects field errors while a body is turned into domain values, so that every problem is
/// reported at once.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// Keeps `r`'s value or records its error on `field`.
    pub fn check<T, E>(&mut self, field: &str, r: Result<T, E>, kind: impl FnOnce(E) -> FieldErrorKind) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError::new(field, kind(e)));
                None
            }
        }
    }

    /// Keeps a text value or records its [`TextError`].
    pub fn text<T>(&mut self, field: &str, r: Result<T, TextError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError::text(field, e));
                None
            }
        }
    }

    /// Checks an optional free text (trimmed, 1–`max` characters): `Some(None)` when absent,
    /// `None` when invalid (the error is recorded).
    pub fn optional_text(&mut self, field: &str, v: Option<&str>, max: usize) -> Option<Option<String>> {
        match v {
            None => Some(None),
            Some(t) => self.text(field, usul_domain::values::bounded(t, max)).map(Some),
        }
    }

    /// Records an error.
    pub fn push(&mut self, field: impl Into<String>, kind: FieldErrorKind) {
        self.errors.push(FieldError::new(field, kind));
    }

    /// `Ok` when nothing was recorded.
    ///
    /// # Errors
    /// [`ApiError::Validation`] with every recorded error.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(self.errors)) }
    }
}

/// The value of a field that [`Checker::finish`] has passed. After a successful `finish` every
/// checked value is present; a missing one is a bug, answered as a 500.
///
/// # Errors
/// [`ApiError::Internal`] when the value is missing.
pub fn checked<T>(value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::bug("a checked value is missing"))
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
