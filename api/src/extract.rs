//! Extractors that answer problem+json: JSON bodies with per-field errors, path ids, paging,
//! `If-Match`, and the client's language.

use crate::problem::{ApiError, FieldError, FieldErrorKind, ProblemCode};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use usul_domain::lang::Lang;
use uuid::Uuid;

/// A JSON body, deserialized with the path of any offending field.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.subtype() == mime_json() || m.suffix().is_some_and(|s| s == mime_json()));
        let limit = req.app_data::<web::Data<AppState>>().map_or(262_144, |s| s.settings.max_body_bytes);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(JSON));
            }
            let bytes = bytes.await.map_err(|e| payload_error(&e, limit))?;
            if bytes.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            parse_json(&bytes).map(ValidJson)
        })
    }
}

/// A JSON body that may be absent: an empty body is `None`; anything else must be valid JSON of
/// `T`, exactly as [`ValidJson`] (a malformed one is refused, never ignored).
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.subtype() == mime_json() || m.suffix().is_some_and(|s| s == mime_json()));
        let limit = req.app_data::<web::Data<AppState>>().map_or(262_144, |s| s.settings.max_body_bytes);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|e| payload_error(&e, limit))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Self(None));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType(JSON));
            }
            // A JSON `null`, which the contract's optional body allows, is no body either.
            if bytes.trim_ascii() == b"null" {
                return Ok(Self(None));
            }
            parse_json(&bytes).map(|v| Self(Some(v)))
        })
    }
}

/// A required `year` query parameter (`YYYY-YYYY`): 400 when missing or malformed.
///
/// # Errors
/// [`ApiError::BadRequest`] on `year`.
pub fn required_year(raw: Option<&str>) -> Result<usul_domain::year::AcademicYear, ApiError> {
    match raw {
        Some(y) => {
            usul_domain::year::AcademicYear::parse(y).map_err(|_| bad_param("year", FieldErrorKind::InvalidYear))
        }
        None => Err(bad_param("year", FieldErrorKind::Required)),
    }
}

/// The media type JSON bodies are sent in.
const JSON: &str = "application/json";

fn mime_json() -> &'static str {
    "json"
}

/// Maps an error reading the body.
pub fn payload_error(e: &actix_web::Error, limit: usize) -> ApiError {
    match e.as_error::<actix_web::error::PayloadError>() {
        Some(actix_web::error::PayloadError::Overflow) => ApiError::PayloadTooLarge { limit },
        _ => ApiError::BadRequest {
            code: ProblemCode::MalformedJson,
            detail: "the request body could not be read".into(),
            errors: Vec::new(),
        },
    }
}

/// Deserializes `bytes`, naming the offending field of a data error.
///
/// # Errors
/// 400 `malformed_json` for syntax errors, 422 `validation_failed` for data errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let malformed =
        |detail: String| ApiError::BadRequest { code: ProblemCode::MalformedJson, detail, errors: Vec::new() };
    // Every body of this API is one JSON object: an array would be read field by field in
    // order, and anything after the object would be ignored. Both are refused.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b != b'{') {
        return Err(malformed("The body must be a JSON object.".into()));
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_syntax() && e.to_string().starts_with("trailing characters") {
            malformed(format!("Nothing may follow the JSON object: {e}"))
        } else {
            malformed(format!("The body is not valid JSON: {e}"))
        }
    })?;
    // JSON Schema counts `23.0` as an integer, and so do the clients generated from the
    // contract: a whole number written with a fraction is read as that whole number.
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize::<_, T>(value)
        .map_err(|err| ApiError::Validation(vec![data_error(&err.path().to_string(), &err.into_inner().to_string())]))
}

/// Rewrites every number with a zero fraction (`23.0`, `1e2`) that a double holds exactly as
/// the integer it is, so that integer fields accept it; other numbers are left as they are.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = whole.into();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Turns a serde data error into a field error: `missing field `x``, `unknown field `x``,
/// `invalid type`, `unknown variant`.
fn data_error(path: &str, message: &str) -> FieldError {
    let quoted = || message.split('`').nth(1).unwrap_or("").to_owned();
    let join = |field: String| if path == "." || path.is_empty() { field } else { format!("{path}.{field}") };
    if message.starts_with("missing field") {
        FieldError::new(join(quoted()), FieldErrorKind::Required)
    } else if message.starts_with("unknown field") {
        // The path already ends with the unknown key.
        let field = if path == "." || path.is_empty() { quoted() } else { path.to_owned() };
        FieldError::new(field, FieldErrorKind::UnknownField)
    } else if message.starts_with("invalid type") {
        let field = if path == "." { "body".to_owned() } else { path.to_owned() };
        FieldError::new(field, FieldErrorKind::InvalidType)
    } else {
        let field = if path == "." { "body".to_owned() } else { path.to_owned() };
        FieldError::new(field, FieldErrorKind::InvalidValue)
    }
}

/// Parses a UUID path segment named `field`.
///
/// # Errors
/// 400 `invalid_parameter` naming the field.
pub fn path_id(field: &str, raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::BadRequest {
        code: ProblemCode::InvalidParameter,
        detail: format!("`{field}` must be a UUID"),
        errors: vec![FieldError::new(field, FieldErrorKind::InvalidFormat)],
    })
}

/// A bad query or path parameter.
#[must_use]
pub fn bad_param(field: &str, kind: FieldErrorKind) -> ApiError {
    ApiError::BadRequest {
        code: ProblemCode::InvalidParameter,
        detail: format!("the parameter `{field}` is invalid"),
        errors: vec![FieldError::new(field, kind)],
    }
}

/// Paging of a list: `limit` (default 50, 1–200) and an opaque `cursor`.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub limit: u64,
    pub after: Option<Uuid>,
}

impl Paging {
    /// The default page size.
    pub const DEFAULT: u64 = 50;
    /// The largest page size.
    pub const MAX: u64 = 200;

    /// Parses the raw query values.
    ///
    /// # Errors
    /// 400 `invalid_parameter` naming `limit` or `cursor`.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit = match limit {
            None => Self::DEFAULT,
            Some(l) => match l.parse::<u64>() {
                Ok(n) if (1..=Self::MAX).contains(&n) => n,
                Ok(_) => return Err(bad_param("limit", FieldErrorKind::OutOfRange)),
                Err(_) => return Err(bad_param("limit", FieldErrorKind::InvalidType)),
            },
        };
        let after = match cursor {
            None | Some("") => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| bad_param("cursor", FieldErrorKind::InvalidFormat))?),
        };
        Ok(Self { limit, after })
    }

    /// As the store's page request.
    #[must_use]
    pub const fn request(self) -> usul_persistence::PageRequest {
        usul_persistence::PageRequest { after: self.after, limit: self.limit }
    }
}

/// The opaque cursor for "after this id".
#[must_use]
pub fn encode_cursor(id: Uuid) -> String {
    format!("c1{}", id.simple())
}

/// The id a cursor stands for, if it is one of ours.
#[must_use]
pub fn decode_cursor(c: &str) -> Option<Uuid> {
    c.strip_prefix("c1").and_then(|hex| Uuid::try_parse(hex).ok())
}

/// The version named by `If-Match` (`"3"` or `W/"3"`); `Some(-1)` for a tag that is no
/// version of ours, so that it never matches; `None` without the header or with `*`.
#[must_use]
pub fn if_match(req: &HttpRequest) -> Option<i32> {
    let raw = req.headers().get(header::IF_MATCH)?.to_str().ok()?.trim();
    if raw == "*" {
        return None;
    }
    Some(parse_etag(raw).unwrap_or(-1))
}

/// The version a change must find: the `If-Match` one, or else the one the handler loaded and
/// checked its rules against — so that a rule checked on a stale copy is never enforced on a
/// newer one.
#[must_use]
pub fn expected(req: &HttpRequest, loaded: i32) -> Option<i32> {
    Some(if_match(req).unwrap_or(loaded))
}

/// Whether `If-None-Match` names `version` (or `*`).
#[must_use]
pub fn if_none_match(req: &HttpRequest, version: i32) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|raw| raw.split(',').any(|t| t.trim() == "*" || parse_etag(t.trim()) == Some(version)))
}

/// Whether a precondition header is well formed: `*`, or one entity tag of ours (`"3"` or
/// `W/"3"`), or with `list` several separated by commas.
#[must_use]
pub fn valid_precondition(raw: &str, list: bool) -> bool {
    let raw = raw.trim();
    raw == "*" || if list { raw.split(',').all(|t| tag_digits(t).is_some()) } else { tag_digits(raw).is_some() }
}

/// The digits of one entity tag of ours, `"3"` or `W/"3"`.
fn tag_digits(raw: &str) -> Option<&str> {
    let t = raw.trim();
    let digits = t.strip_prefix("W/").unwrap_or(t).strip_prefix('"')?.strip_suffix('"')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The version an entity tag names (a tag too large for a version names none).
fn parse_etag(raw: &str) -> Option<i32> {
    tag_digits(raw)?.parse().ok()
}

/// The ETag of a version.
#[must_use]
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The language of a printable document: `?lang=ky` (default) or `ru`.
///
/// # Errors
/// 400 naming `lang` for anything else.
pub fn document_lang(raw: Option<&str>) -> Result<Lang, ApiError> {
    match raw {
        None | Some("ky") => Ok(Lang::Ky),
        Some("ru") => Ok(Lang::Ru),
        Some(_) => Err(bad_param("lang", FieldErrorKind::InvalidValue)),
    }
}

/// The client's language from `Accept-Language`.
#[must_use]
pub fn lang(req: &HttpRequest) -> Lang {
    Lang::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// A query-string error (actix's own extractor), as problem+json.
pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest {
        code: ProblemCode::InvalidParameter,
        detail: format!("the query string is invalid: {err}"),
        errors: Vec::new(),
    }
    .into()
}

/// A path error (actix's own extractor), as problem+json.
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest {
        code: ProblemCode::InvalidParameter,
        detail: format!("a path parameter is invalid: {err}"),
        errors: Vec::new(),
    }
    .into()
}

/// A JSON error from actix's own `Json` extractor, as problem+json.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    match err {
        J::ContentType => ApiError::UnsupportedMediaType(JSON),
        J::Overflow { limit } | J::OverflowKnownLength { limit, .. } => ApiError::PayloadTooLarge { limit },
        other => {
            ApiError::BadRequest { code: ProblemCode::MalformedJson, detail: other.to_string(), errors: Vec::new() }
        }
    }
    .into()
}

/// A CSV body (`text/csv`), as bytes: the reader checks the encoding line by line. A declared
/// charset other than UTF-8 is refused (415).
#[derive(Debug)]
pub struct CsvBody(pub web::Bytes);

impl FromRequest for CsvBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let mime = req.mime_type().ok().flatten();
        let csv = mime.as_ref().is_some_and(|m| {
            m.subtype() == "csv" && m.get_param("charset").is_none_or(|c| c.as_str().eq_ignore_ascii_case("utf-8"))
        });
        let form = mime.as_ref().is_some_and(|m| m.type_() == "multipart" && m.subtype() == "form-data");
        let limit = req.app_data::<web::Data<AppState>>().map_or(262_144, |s| s.settings.max_body_bytes);
        if form {
            // Clients generated from the contract send files as forms: the part `file` is the CSV.
            let mut parts = actix_multipart::Multipart::new(req.headers(), payload.take());
            return Box::pin(async move {
                use futures_util::StreamExt;
                let malformed = |detail: String| ApiError::BadRequest {
                    code: ProblemCode::MalformedMultipart,
                    detail,
                    errors: Vec::new(),
                };
                while let Some(part) = parts.next().await {
                    let mut part = part.map_err(|e| malformed(format!("the multipart body could not be read: {e}")))?;
                    if part.name() != Some("file") {
                        continue;
                    }
                    let mut bytes = web::BytesMut::new();
                    while let Some(chunk) = part.next().await {
                        let chunk = chunk.map_err(|e| malformed(format!("the part `file` could not be read: {e}")))?;
                        if bytes.len() + chunk.len() > limit {
                            return Err(ApiError::PayloadTooLarge { limit });
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    return Ok(Self(bytes.freeze()));
                }
                Err(malformed("the form has no part named `file`".into()))
            });
        }
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !csv {
                return Err(ApiError::UnsupportedMediaType(
                    "text/csv; charset=utf-8, or multipart/form-data with a part `file`",
                ));
            }
            let bytes = bytes.await.map_err(|e| payload_error(&e, limit))?;
            if bytes.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            Ok(Self(bytes))
        })
    }
}
