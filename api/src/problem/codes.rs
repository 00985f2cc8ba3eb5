//! Every problem `code` the API answers with, each declared once with its title in ky, ru and
//! en, and the mapping of storage conflicts onto them.

use usul_domain::lang::Text;

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
    InvalidRequest = "invalid_request" => ("Сурам толук эмес же туура эмес", "Запрос неполон или некорректен", "The token request is missing a parameter or is malformed"),
    UnsupportedGrantType = "unsupported_grant_type" => ("Мындай grant_type колдоого алынбайт", "Такой grant_type не поддерживается", "Unsupported grant type"),
    InvalidClient = "invalid_client" => ("Кардар аныкталган жок", "Клиент не аутентифицирован", "Invalid client credentials"),
    TooManyAttempts = "too_many_attempts" => ("Өтө көп ийгиликсиз аракет", "Слишком много неудачных попыток", "Too many failed attempts"),
    OriginNotAllowed = "origin_not_allowed" => ("Бул булактан (origin) сурамга уруксат жок", "Запросы с этого источника (origin) не разрешены", "Requests from this origin are not allowed"),
    CorsPreflightRefused = "cors_preflight_refused" => ("CORS алдын ала сурамы четке кагылды", "Предварительный CORS-запрос отклонён", "The CORS preflight request was refused"),
    SyncTokenExpired = "sync_token_expired" => ("Синхрондоо токени эскирген: баарын кайра окуңуз", "Токен синхронизации устарел: перечитайте всё заново", "The sync token is too old: read the whole collection again"),
    EventCursorExpired = "event_cursor_expired" => ("Окуялар курсору эскирген: тасманы башынан окуңуз", "Курсор событий устарел: читайте ленту с начала", "The events cursor is too old: read the feed from its start"),
    WebhookUrlRefused = "webhook_url_refused" => ("Бул даректи webhook үчүн колдонууга болбойт", "Этот адрес нельзя использовать для вебхука", "This URL cannot receive webhooks"),
    Forbidden = "forbidden" => ("Уруксат жок", "Недостаточно прав", "Not allowed"),
    NotFound = "not_found" => ("Табылган жок", "Не найдено", "Not found"),
    MethodNotAllowed = "method_not_allowed" => ("Бул ыкмага уруксат жок", "Метод не разрешён", "Method not allowed"),
    PreconditionFailed = "precondition_failed" => ("Жазуу өзгөрүп кеткен", "Запись была изменена", "The resource has changed"),
    PayloadTooLarge = "payload_too_large" => ("Сурам өтө чоң", "Слишком большой запрос", "Request body too large"),
    UnsupportedMediaType = "unsupported_media_type" => ("Мазмундун түрү колдоого алынбайт", "Неподдерживаемый тип содержимого", "Unsupported media type"),
    NotAcceptable = "not_acceptable" => ("Суралган формат берилбейт", "Запрошенный формат недоступен", "None of the accepted formats is offered"),
    EmailTaken = "email_taken" => ("Бул электрондук дарек колдонулууда", "Этот адрес электронной почты уже используется", "This e-mail address is already in use"),
    SubjectNameTaken = "subject_name_taken" => ("Мындай предмет бар", "Такой предмет уже есть", "The school already has this subject"),
    SchoolNameTaken = "school_name_taken" => ("Мындай мектеп бар", "Такая школа уже есть", "The district already has a school of this name"),
    DistrictNameTaken = "district_name_taken" => ("Мындай бөлүм бар", "Такой отдел образования уже есть", "A district of this name exists"),
    ClientIdTaken = "client_id_taken" => ("Мындай кардар бар", "Такой клиент уже есть", "This client id is in use"),
    IdempotencyKeyReused = "idempotency_key_reused" => ("Idempotency-Key башка сурам үчүн колдонулган", "Idempotency-Key уже использован для другого запроса", "Idempotency-Key was used for a different request"),
    IdempotencyInProgress = "idempotency_in_progress" => ("Ушул ачкыч менен сурам аткарылып жатат", "Запрос с этим ключом ещё выполняется", "A request with this key is still in progress"),
    CannotDeactivateSelf = "cannot_deactivate_self" => ("Өзүңүздү өчүрө албайсыз", "Нельзя деактивировать себя", "You cannot deactivate yourself"),
    Unavailable = "unavailable" => ("Кызмат убактылуу жеткиликсиз", "Сервис временно недоступен", "Service unavailable"),
    FileStorageUnavailable = "file_storage_unavailable" => ("Файлдар сактагычы убактылуу жеткиликсиз", "Хранилище файлов временно недоступно", "File storage unavailable"),
    CommissionNotApprovable = "commission_not_approvable" => ("Комиссияны бекитүүгө болбойт", "Комиссию нельзя утвердить", "The commission cannot be approved"),
    HeadNotEligible = "head_not_eligible" => ("Бул кызматкер комиссияга жетекчи боло албайт", "Этот сотрудник не может возглавить комиссию", "This person cannot head the commission"),
    OrderRequired = "order_required" => ("Бекитилген комиссиянын курамы буйрук менен гана өзгөрөт", "Состав утверждённой комиссии меняется только приказом", "An approved commission's members change only by order"),
    HeadCannotLeave = "head_cannot_leave" => ("Жетекчини чыгаруудан мурун жаңы жетекчи дайындаңыз", "Прежде чем исключить руководителя, назначьте нового", "Appoint another head before removing the head"),
    MinutesFinalized = "minutes_finalized" => ("Протокол бекитилген, аны өзгөртүүгө болбойт", "Протокол оформлен, менять его нельзя", "The minutes are finalized and read-only"),
    MinutesIncomplete = "minutes_incomplete" => ("Протокол толук эмес", "Протокол не заполнен", "The minutes are incomplete"),
    MeetingWrongState = "meeting_wrong_state" => ("Жыйын бул абалда эмес", "Заседание не в том состоянии", "The meeting is not in the state this needs"),
    MeetingHeldOutOfOrder = "meeting_held_out_of_order" => ("Бул органдын кийинки датадагы жыйыны өткөрүлгөн: протоколдор даталардын тартиби менен номерленет", "Уже проведено более позднее заседание этого органа: протоколы нумеруются по порядку дат", "A later meeting of this body was held already: minutes are numbered in date order"),
    MeetingDateFixed = "meeting_date_fixed" => ("Өткөрүлгөн жыйындын датасы өзгөрбөйт", "Дата проведённого заседания не меняется", "A held meeting's date is fixed"),
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
    ImportInvalid = "import_invalid" => ("Файлда каталар бар, эч нерсе сакталган жок", "В файле ошибки, ничего не сохранено", "The file has errors; nothing was stored"),
    InvitationInvalid = "invitation_invalid" => ("Чакыруу жараксыз, колдонулган же мөөнөтү өткөн", "Приглашение недействительно, использовано или истекло", "The invitation is unknown, used or expired"),
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
    Overloaded = "overloaded" => ("Сервер бош эмес, бир аздан кийин кайталаңыз", "Сервер перегружен, повторите чуть позже", "The server is busy; try again shortly"),
    RateLimited = "rate_limited" => ("Сурамдар өтө көп", "Слишком много запросов", "Too many requests"),
    HearingWrongBody = "hearing_wrong_body" => ("Отчетту бул орган укпайт", "Этот орган не заслушивает такой отчёт", "This body does not hear this report"),
    HearingWrongYear = "hearing_wrong_year" => ("Жыйын башка окуу жылында", "Заседание другого учебного года", "The meeting is of another academic year"),
    HearingMeetingNotHeld = "hearing_meeting_not_held" => ("Жыйын али өткөн жок", "Заседание ещё не проведено", "The meeting has not been held"),
    OutsideWorkConfirmed = "outside_work_confirmed" => ("Мектептен тышкаркы иш буга чейин ырасталган", "Внешкольная работа уже подтверждена", "The outside work is already confirmed"),
    InternalError = "internal_error" => ("Ички ката", "Внутренняя ошибка", "Internal error"),
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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

impl ProblemCode {
    /// The HTTP status the code is answered with, and what it means: the catalogue the contract
    /// (the `ProblemCode` schema) and the README show. Every code is here, so a new code cannot
    /// exist without its meaning.
    #[must_use]
    pub const fn meaning(self) -> (u16, &'static str) {
        match self {
            Self::ValidationFailed => {
                (422, "The body or a parameter failed validation; `errors` names each field with what is wrong.")
            }
            Self::MalformedJson => (400, "The body is not a JSON object, or does not parse."),
            Self::InvalidParameter => {
                (400, "A path, query or header parameter is missing or malformed; `errors` names it.")
            }
            Self::Unauthorized => (401, "No bearer token was sent (or, on `/metrics`, not the metrics token)."),
            Self::InvalidToken => {
                (401, "The bearer token is malformed, expired, revoked, or its account is deactivated.")
            }
            Self::InvalidGrant => (
                400,
                "The token endpoint refused the grant: wrong credentials or an unknown, used or expired refresh token.",
            ),
            Self::InvalidClient => (401, "The client credentials of a service account were not accepted."),
            Self::InvalidRequest => (
                400,
                "The token request is malformed: a missing parameter, credentials sent twice, or Basic credentials that do not decode.",
            ),
            Self::UnsupportedGrantType => {
                (400, "`grant_type` is none of `password`, `refresh_token`, `client_credentials`.")
            }
            Self::OriginNotAllowed => (403, "A CORS preflight from an origin that `USUL_CORS_ORIGINS` does not allow."),
            Self::CorsPreflightRefused => (400, "A CORS preflight asked for a method or header the API does not take."),
            Self::SyncTokenExpired => {
                (410, "The `sync_token` is older than the kept tombstones (30 days): read the whole collection again.")
            }
            Self::EventCursorExpired => (
                410,
                "The events cursor (`after`) is older than the kept events (30 days): read the feed from its start.",
            ),
            Self::WebhookUrlRefused => (
                422,
                "A webhook URL that is not http(s), has credentials, or whose host is or resolves to a loopback, private, link-local or otherwise non-public address (allowed only with `USUL_WEBHOOK_ALLOW_PRIVATE=true`).",
            ),
            Self::TooManyAttempts => (429, "Too many failed sign-ins for this login; wait `Retry-After` seconds."),
            Self::Forbidden => (403, "The caller sees the resource, but their role does not allow this action."),
            Self::NotFound => (404, "No such resource, or it belongs to a school or district the caller cannot see."),
            Self::MethodNotAllowed => (405, "The path exists, but not with this method; `Allow` lists those it takes."),
            Self::PreconditionFailed => {
                (412, "`If-Match` named a version that is no longer current; read it again and retry.")
            }
            Self::PayloadTooLarge => (413, "The body (or the uploaded file) is larger than the server accepts."),
            Self::UnsupportedMediaType => (415, "The body's `Content-Type` is not one this operation takes."),
            Self::NotAcceptable => (
                406,
                "`Accept` admits none of the types this operation answers in (a document: `text/html` or `application/pdf`; an export: JSON, CSV or XLSX); `detail` lists them.",
            ),
            Self::EmailTaken => (409, "Another account uses this e-mail address (compared case-insensitively)."),
            Self::SubjectNameTaken => (409, "The school already has a subject of this name."),
            Self::SchoolNameTaken => (409, "The district already has a school of this name."),
            Self::DistrictNameTaken => (409, "A district of this name exists."),
            Self::ClientIdTaken => (409, "A service account with this `client_id` exists."),
            Self::IdempotencyKeyReused => (422, "This `Idempotency-Key` was used with a different request."),
            Self::IdempotencyInProgress => {
                (409, "A request with this `Idempotency-Key` is still running; retry later.")
            }
            Self::CannotDeactivateSelf => (422, "Nobody deactivates their own account."),
            Self::Unavailable => (503, "The database cannot be reached; retry after `Retry-After` seconds."),
            Self::FileStorageUnavailable => (
                503,
                "The file storage (the S3-compatible bucket) cannot be reached; nothing was changed. Retry after `Retry-After` seconds.",
            ),
            Self::CommissionNotApprovable => {
                (422, "The commission cannot be approved (R-3.2.2a, R-3.2.2c); `errors` lists why.")
            }
            Self::HeadNotEligible => (
                422,
                "This person cannot head the commission (R-3.2.2c): not a member, inactive, or too little experience.",
            ),
            Self::OrderRequired => {
                (422, "An approved commission's members change only by a school order (R-3.2.2d); send `order`.")
            }
            Self::HeadCannotLeave => (409, "The head cannot be removed before another head is appointed."),
            Self::MinutesFinalized => (409, "The minutes are finalized and read-only (R-5.3)."),
            Self::MinutesIncomplete => {
                (422, "The minutes lack what finalizing needs (R-5.3); `errors` names each missing field.")
            }
            Self::MeetingWrongState => {
                (422, "The meeting is not in the state this step needs; `meeting_status` says which it is.")
            }
            Self::MeetingHeldOutOfOrder => (
                422,
                "A meeting of the same body and year dated later was held already; minutes are numbered in the order of their meetings' dates when held (R-5.3), so this one can no longer be held. `latest_held` names that meeting's number and date.",
            ),
            Self::MeetingDateFixed => (
                422,
                "The meeting is held and numbered in the order of dates (R-5.3), so its date no longer changes; `held_on` is its date.",
            ),
            Self::ProtocolNumberingBusy => {
                (409, "Another meeting's minutes were being numbered at the same time; retry.")
            }
            Self::SchoolYearExists => (409, "This academic year exists already at the school."),
            Self::CouncilBusy => (409, "The council's composition was being changed at the same time; retry."),
            Self::CommissionDissolved => (409, "The commission is dissolved; it no longer changes."),
            Self::MentorshipCompleted => (409, "The mentorship is completed; it no longer changes."),
            Self::MaterialNotDraft => (409, "The material is no longer a draft."),
            Self::MaterialNotReviewed => {
                (409, "The material has not been reviewed at a commission meeting, so it cannot be published (R-4.3).")
            }
            Self::FileTypeMismatch => {
                (422, "The uploaded file's bytes do not match the `Content-Type` it was sent with (`declared`).")
            }
            Self::MalformedMultipart => (400, "The multipart body cannot be read, or has no part named `file`."),
            Self::TransitionNotAllowed => (
                409,
                "The plan or report is not in a state this step can leave; `allowed` lists the steps it can take.",
            ),
            Self::PlanNotDraft => (409, "The plan is not a draft, so it (and its items) cannot be edited."),
            Self::PlanIncomplete => (
                422,
                "The plan cannot be submitted (R-5.1, R-3.2.1, R-3.2.2f); `errors` lists each problem with its item and field.",
            ),
            Self::PlanExists => {
                (409, "A plan of this kind, owner and academic year exists (or, for a rollover, the next year's does).")
            }
            Self::PlanWasSubmitted => (409, "A plan that was ever submitted is kept; it cannot be deleted."),
            Self::PlanAlreadyApproved => (409, "Another version of this plan is approved at the same time."),
            Self::HearingWrongBody => (
                422,
                "A report is heard by its own commission (a commission's report) or by the pedagogical council (the school's report), R-5.2.",
            ),
            Self::HearingWrongYear => (422, "The meeting that heard a report is of the report's school year (R-5.2)."),
            Self::HearingMeetingNotHeld => (422, "A report is cited at a meeting that has been held (R-5.2)."),
            Self::OutsideWorkConfirmed => (409, "This record of work outside the school is confirmed already (R-1.3)."),
            Self::ImportInvalid => (
                422,
                "An imported staff or subject list (CSV or XLSX) has errors and nothing was stored; `errors` lists each line and column (the first 200), `error_count` all of them.",
            ),
            Self::InvitationInvalid => {
                (400, "The invitation token is unknown, already used, expired, or its person is deactivated.")
            }
            Self::CsvInvalid => (
                422,
                "The CSV file has errors and nothing was stored; `errors` lists each line and column (the first 200), `error_count` all of them.",
            ),
            Self::ReportExists => (409, "This report for this owner and year exists."),
            Self::ReportNotOpen => (409, "The report is submitted or accepted; it cannot be edited or refreshed."),
            Self::PlanNotApproved => (409, "Progress is recorded only on an approved plan."),
            Self::CommissionNotDraft => (409, "The commission is no longer a draft, so this change needs an order."),
            Self::CommissionNotApproved => {
                (409, "The commission is not approved (R-3.2.2f), so it cannot meet or be dissolved.")
            }
            Self::CommissionNameTaken => (409, "The school has a commission of this name in this academic year."),
            Self::OrderNumberTaken => (409, "The school has an order with this number in this academic year."),
            Self::DuplicateRow => (409, "The same subject and class are listed twice."),
            Self::ConcurrentWrite => {
                (409, "The record was written by another request at the same time; read it again and retry.")
            }
            Self::Overloaded => (503, "Too many password checks are waiting; retry after `Retry-After` seconds."),
            Self::RateLimited => (429, "Too many token requests from this address; wait `Retry-After` seconds."),
            Self::InternalError => (500, "A fault on the server; the `X-Request-Id` finds it in the log."),
        }
    }
}

impl utoipa::PartialSchema for ProblemCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let mut description = String::from(
            "Every problem `code` the API answers with: the HTTP status it comes with and what it means. A code is stable; its `title` follows `Accept-Language`.\n\n| code | status | meaning |\n|---|---|---|\n",
        );
        for code in Self::ALL {
            let (status, meaning) = code.meaning();
            description.push_str(&format!("| `{}` | {status} | {meaning} |\n", code.as_str()));
        }
        let descriptions: Vec<&str> = Self::ALL.iter().map(|c| c.meaning().1).collect();
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(Self::ALL.iter().map(|c| c.as_str())))
            .description(Some(description))
            .extensions(Some(
                utoipa::openapi::extensions::ExtensionsBuilder::new()
                    .add("x-enum-descriptions", serde_json::json!(descriptions))
                    .build(),
            ))
            .into()
    }
}

impl utoipa::ToSchema for ProblemCode {}
