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
