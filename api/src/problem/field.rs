//! What is wrong with one field of a request, with its stable code and message in ky, ru and
//! en, and the [`Checker`] that collects every such problem of a body at once.

use super::ApiError;
use usul_domain::lang::Lang;
use usul_domain::values::TextError;

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
    /// A decision dated after today.
    InFuture,
    /// A decision dated before the step before it.
    BeforePreviousStep,
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
            Self::InFuture => "in_future",
            Self::BeforePreviousStep => "before_previous_step",
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
            Self::InFuture,
            Self::BeforePreviousStep,
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
            Self::InFuture => t(
                "Чечим бүгүндөн кийинки күн менен белгиленбейт",
                "Решение не может быть датировано позже сегодняшнего дня",
                "A decision is not dated after today",
            ),
            Self::BeforePreviousStep => t(
                "Чечим мурунку кадамдан мурун белгиленбейт",
                "Решение не может быть датировано раньше предыдущего шага",
                "A decision is not dated before the step before it",
            ),
            Self::InvalidYear => t(
                "Окуу жылы ЖЖЖЖ-ЖЖЖЖ түрүндө жазылат, мисалы 2022-2023",
                "Учебный год пишется ГГГГ-ГГГГ, например 2022-2023",
                "An academic year is written YYYY-YYYY with consecutive years, e.g. 2022-2023",
            ),
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

impl From<usul_domain::decision::DateProblem> for FieldError {
    /// A refused `decided_on` (issue 11 point 7): after today, or before the step before it.
    fn from(p: usul_domain::decision::DateProblem) -> Self {
        use usul_domain::decision::DateProblem;
        Self::new(
            "decided_on",
            match p {
                DateProblem::InFuture { .. } => FieldErrorKind::InFuture,
                DateProblem::BeforePrevious { .. } => FieldErrorKind::BeforePreviousStep,
            },
        )
    }
}
