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

/// Every error the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body or a parameter failed validation (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The body is not JSON, or a path or query parameter cannot be parsed (400).
    #[error("bad request: {detail}")]
    BadRequest { code: &'static str, detail: String, errors: Vec<FieldError> },
    /// No valid bearer token (401).
    #[error("unauthorized")]
    Unauthorized { code: &'static str },
    /// The token endpoint refused the grant (400 `invalid_grant` / 401 `invalid_client`).
    #[error("grant refused: {code}")]
    Grant { status: StatusCode, code: &'static str },
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
    Conflict(&'static str),
    /// A state conflict (409) that says more: `extra` carries its facts (e.g. the allowed
    /// transitions).
    #[error("conflict: {code}")]
    ConflictWith { code: &'static str, detail: String, extra: Option<serde_json::Value> },
    /// `If-Match` named an old version (412).
    #[error("precondition failed")]
    PreconditionFailed { current: i32 },
    /// A rule refused the request (422); the code names the rule, `extra` carries its facts as
    /// problem extension members.
    #[error("rule refused: {code}")]
    Rule { code: &'static str, detail: String, extra: Option<serde_json::Value> },
    /// The body is larger than allowed (413).
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// The body is not `application/json` (415).
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str),
    /// The database cannot be reached (503).
    #[error("service unavailable")]
    Unavailable,
    /// A server fault (500); the cause is logged, never answered.
    #[error("internal error: {0}")]
    Internal(String),
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

/// Titles of problem codes in ky, ru and en.
fn title(code: &str) -> Text {
    let t = |ky, ru, en| Text { ky, ru, en };
    match code {
        "validation_failed" => t("Маалыматтар текшерүүдөн өткөн жок", "Данные не прошли проверку", "Validation failed"),
        "malformed_json" => {
            t("Сурамдын денеси туура эмес JSON", "Тело запроса — некорректный JSON", "Malformed JSON body")
        }
        "invalid_parameter" => t("Параметр туура эмес", "Неверный параметр", "Invalid parameter"),
        "unauthorized" => t("Кирүү талап кылынат", "Требуется аутентификация", "Authentication required"),
        "invalid_token" => {
            t("Токен жараксыз же мөөнөтү өттү", "Токен недействителен или истёк", "Invalid or expired token")
        }
        "invalid_grant" => {
            t("Кирүү маалыматтары туура эмес", "Неверные учётные данные", "Invalid credentials or refresh token")
        }
        "invalid_client" => t("Кардар аныкталган жок", "Клиент не аутентифицирован", "Invalid client credentials"),
        "too_many_attempts" => {
            t("Өтө көп ийгиликсиз аракет", "Слишком много неудачных попыток", "Too many failed attempts")
        }
        "forbidden" => t("Уруксат жок", "Недостаточно прав", "Not allowed"),
        "not_found" => t("Табылган жок", "Не найдено", "Not found"),
        "method_not_allowed" => t("Бул ыкмага уруксат жок", "Метод не разрешён", "Method not allowed"),
        "precondition_failed" => t("Жазуу өзгөрүп кеткен", "Запись была изменена", "The resource has changed"),
        "payload_too_large" => t("Сурам өтө чоң", "Слишком большой запрос", "Request body too large"),
        "unsupported_media_type" => {
            t("Мазмундун түрү колдоого алынбайт", "Неподдерживаемый тип содержимого", "Unsupported media type")
        }
        "email_taken" => t(
            "Бул электрондук дарек колдонулууда",
            "Этот адрес электронной почты уже используется",
            "This e-mail address is already in use",
        ),
        "subject_name_taken" => {
            t("Мындай предмет бар", "Такой предмет уже есть", "The school already has this subject")
        }
        "school_name_taken" => {
            t("Мындай мектеп бар", "Такая школа уже есть", "The district already has a school of this name")
        }
        "district_name_taken" => {
            t("Мындай бөлүм бар", "Такой отдел образования уже есть", "A district of this name exists")
        }
        "client_id_taken" => t("Мындай кардар бар", "Такой клиент уже есть", "This client id is in use"),
        "idempotency_key_reused" => t(
            "Idempotency-Key башка сурам үчүн колдонулган",
            "Idempotency-Key уже использован для другого запроса",
            "Idempotency-Key was used for a different request",
        ),
        "idempotency_in_progress" => t(
            "Ушул ачкыч менен сурам аткарылып жатат",
            "Запрос с этим ключом ещё выполняется",
            "A request with this key is still in progress",
        ),
        "cannot_deactivate_self" => {
            t("Өзүңүздү өчүрө албайсыз", "Нельзя деактивировать себя", "You cannot deactivate yourself")
        }
        "unavailable" => t("Кызмат убактылуу жеткиликсиз", "Сервис временно недоступен", "Service unavailable"),
        "commission_not_approvable" => {
            t("Комиссияны бекитүүгө болбойт", "Комиссию нельзя утвердить", "The commission cannot be approved")
        }
        "head_not_eligible" => t(
            "Бул кызматкер комиссияга жетекчи боло албайт",
            "Этот сотрудник не может возглавить комиссию",
            "This person cannot head the commission",
        ),
        "order_required" => t(
            "Бекитилген комиссиянын курамы буйрук менен гана өзгөрөт",
            "Состав утверждённой комиссии меняется только приказом",
            "An approved commission's members change only by order",
        ),
        "head_cannot_leave" => t(
            "Жетекчини чыгаруудан мурун жаңы жетекчи дайындаңыз",
            "Прежде чем исключить руководителя, назначьте нового",
            "Appoint another head before removing the head",
        ),
        "minutes_finalized" => t(
            "Протокол бекитилген, аны өзгөртүүгө болбойт",
            "Протокол оформлен, менять его нельзя",
            "The minutes are finalized and read-only",
        ),
        "minutes_incomplete" => t("Протокол толук эмес", "Протокол не заполнен", "The minutes are incomplete"),
        "meeting_wrong_state" => {
            t("Жыйын бул абалда эмес", "Заседание не в том состоянии", "The meeting is not in the state this needs")
        }
        "protocol_numbering_busy" => t(
            "Протоколго номер берүү мүмкүн болбоду, кайра аракет кылыңыз",
            "Не удалось присвоить номер протоколу, повторите",
            "Could not number the minutes; try again",
        ),
        "school_year_exists" => t("Бул окуу жылы бар", "Этот учебный год уже есть", "This school year exists already"),
        "council_busy" => t(
            "Кеңештин курамы ушул учурда өзгөрүүдө",
            "Состав совета сейчас меняется",
            "The council is being changed; try again",
        ),
        "commission_dissolved" => t("Комиссия таратылган", "Комиссия расформирована", "The commission is dissolved"),
        "mentorship_completed" => t("Насаатчылык аяктаган", "Наставничество завершено", "The mentorship is completed"),
        "material_not_draft" => {
            t("Материал долбоор эмес", "Материал уже не черновик", "The material is no longer a draft")
        }
        "material_not_reviewed" => {
            t("Материал каралган эмес", "Материал не рассмотрен", "The material has not been reviewed")
        }
        "file_type_mismatch" => t(
            "Файлдын түрү мазмунуна дал келбейт",
            "Тип файла не совпадает с содержимым",
            "The file's declared type does not match its bytes",
        ),
        "malformed_multipart" => t("Файл туура эмес жөнөтүлдү", "Файл передан некорректно", "Malformed multipart body"),
        "transition_not_allowed" => t(
            "Бул абалдан мындай өтүүгө болбойт",
            "Такой переход из текущего состояния невозможен",
            "This transition is not allowed from the current state",
        ),
        "plan_not_draft" => t(
            "План долбоор эмес, аны өзгөртүүгө болбойт",
            "План не черновик, менять его нельзя",
            "The plan is not a draft and cannot be edited",
        ),
        "plan_incomplete" => t("План толук эмес", "План не заполнен", "The plan is incomplete"),
        "plan_exists" => t(
            "Бул ээси жана жылы үчүн план бар",
            "План этого вида, владельца и года уже есть",
            "A plan of this kind, owner and year exists",
        ),
        "plan_was_submitted" => t(
            "Тапшырылган планды өчүрүүгө болбойт",
            "Поданный план удалить нельзя",
            "A plan that was submitted cannot be deleted",
        ),
        "plan_already_approved" => t(
            "Бул пландын бекитилген версиясы бар",
            "У плана уже есть утверждённая версия",
            "Another version of this plan is approved",
        ),
        "csv_invalid" => t(
            "CSV файлында каталар бар, эч нерсе сакталган жок",
            "В CSV-файле ошибки, ничего не сохранено",
            "The CSV file has errors; nothing was stored",
        ),
        "report_exists" => {
            t("Бул жыл үчүн мындай отчет бар", "Такой отчёт за этот год уже есть", "This report for this year exists")
        }
        "report_not_open" => t(
            "Отчет тапшырылган, аны өзгөртүүгө болбойт",
            "Отчёт сдан, менять его нельзя",
            "The report is submitted and cannot be edited",
        ),
        "plan_not_approved" => t("План бекитилген эмес", "План не утверждён", "The plan is not approved"),
        "commission_not_draft" => {
            t("Комиссия долбоор эмес", "Комиссия уже не черновик", "The commission is no longer a draft")
        }
        "commission_not_approved" => {
            t("Комиссия бекитилген эмес", "Комиссия не утверждена", "The commission is not approved")
        }
        "commission_name_taken" => t(
            "Бул окуу жылында мындай аталыштагы комиссия бар",
            "Комиссия с таким названием в этом году уже есть",
            "A commission of this name exists in this year",
        ),
        "order_number_taken" => t(
            "Бул номердеги буйрук бар",
            "Приказ с таким номером уже есть",
            "An order with this number exists this year",
        ),
        _ => t("Ички ката", "Внутренняя ошибка", "Internal error"),
    }
}

impl ApiError {
    /// The stable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code }
            | Self::Grant { code, .. }
            | Self::Conflict(code)
            | Self::Rule { code, .. }
            | Self::ConflictWith { code, .. } => code,
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PreconditionFailed { .. } => "precondition_failed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Unavailable => "unavailable",
            Self::Internal(_) => "internal_error",
        }
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
            title: title(code).get(lang).to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(lang),
            code: code.to_owned(),
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
            tracing::error!(%cause, "internal error");
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
            S::Conflict(code) => Self::Conflict(code),
            S::Corrupt(what) => Self::Internal(format!("corrupt row: {what}")),
            S::Db(db) if usul_persistence::is_connection_error(&db) => {
                tracing::error!(error = %db, "database unreachable");
                Self::Unavailable
            }
            S::Db(db) => Self::Internal(format!("database: {db}")),
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
    value.ok_or_else(|| ApiError::Internal("a checked value is missing".into()))
}
