//! Typed query parameters shared by every list: paging, the academic year, "changed since",
//! and the extractor that parses a query string into a typed struct once. A malformed value
//! answers 400 `invalid_parameter` naming the parameter and what is wrong with it.

use crate::extract::{Paging, bad_param, decode_cursor};
use crate::problem::{ApiError, FieldErrorKind};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use chrono::{DateTime, Utc};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use std::future::{Ready, ready};
use usul_domain::year::AcademicYear;
use uuid::Uuid;

/// The longest value a query parameter may have, in characters.
pub const MAX_VALUE_CHARS: usize = 500;

/// A query string parsed into `T`. Each typed parameter validates itself while it is read, so a
/// handler receives only well-formed values.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> Query<T> {
    /// Parses a raw query string.
    ///
    /// # Errors
    /// 400 `invalid_parameter` naming the offending parameter.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        // Text enters through the query string as through bodies: no control characters (a NUL
        // would reach the database), and no value longer than any filter needs.
        for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
            if value.chars().any(char::is_control) || name.chars().any(char::is_control) {
                return Err(bad_param(&name.replace(char::is_control, "?"), FieldErrorKind::InvalidFormat));
            }
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(bad_param(&name, FieldErrorKind::TooLong(MAX_VALUE_CHARS)));
            }
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
        serde_path_to_error::deserialize(de).map(Self).map_err(|e| {
            let field = e.path().to_string();
            let kind = FieldErrorKind::from_code(&e.inner().to_string()).unwrap_or(FieldErrorKind::InvalidFormat);
            bad_param(if field == "." { "query" } else { &field }, kind)
        })
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::parse(req.query_string()))
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Reads a parameter's raw text and parses it; the error's message is the
/// [`FieldErrorKind`] code that [`Query`] reports.
pub fn parse_with<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: impl FnOnce(&str) -> Result<T, FieldErrorKind>,
) -> Result<T, D::Error> {
    let raw = std::borrow::Cow::<'de, str>::deserialize(d)?;
    parse(&raw).map_err(|kind| D::Error::custom(kind.code()))
}

/// `limit`: a page size of 1–200 (default 50).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u64);

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| match raw.parse::<u64>() {
            Ok(n) if (1..=Paging::MAX).contains(&n) => Ok(Self(n)),
            Ok(_) => Err(FieldErrorKind::OutOfRange),
            Err(_) => Err(FieldErrorKind::InvalidType),
        })
    }
}

/// `cursor`: the opaque `next_cursor` of the page before (empty means the first page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(Option<Uuid>);

impl Cursor {
    /// The first page (`cursor=`).
    pub const FIRST: Self = Self(None);
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| match raw {
            "" => Ok(Self(None)),
            c => decode_cursor(c).map(|id| Self(Some(id))).ok_or(FieldErrorKind::InvalidFormat),
        })
    }
}

/// The page a list asks for.
#[must_use]
pub fn paging(limit: Option<Limit>, cursor: Option<Cursor>) -> Paging {
    Paging { limit: limit.map_or(Paging::DEFAULT, |l| l.0), after: cursor.and_then(|c| c.0) }
}

/// `year`: an academic year written `YYYY-YYYY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year(pub AcademicYear);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| AcademicYear::parse(raw).map(Self).map_err(|_| FieldErrorKind::InvalidYear))
    }
}

impl Year {
    /// A year the operation cannot do without.
    ///
    /// # Errors
    /// 400 `invalid_parameter` (`year`, `required`) when it is absent.
    pub fn required(year: Option<Self>) -> Result<AcademicYear, ApiError> {
        year.map(|y| y.0).ok_or_else(|| bad_param("year", FieldErrorKind::Required))
    }
}

/// `updated_since`: an RFC 3339 timestamp; the list holds what changed at or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since(pub DateTime<Utc>);

impl<'de> Deserialize<'de> for Since {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| {
            DateTime::parse_from_rfc3339(raw)
                .map(|t| Self(t.with_timezone(&Utc)))
                .map_err(|_| FieldErrorKind::InvalidFormat)
        })
    }
}

/// A date parameter (`as_of`, …), written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| {
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Self).map_err(|_| FieldErrorKind::InvalidFormat)
        })
    }
}

/// An id given as a filter (`school_id`, `owner_id`, …): a UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub Uuid);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| Uuid::parse_str(raw).map(Self).map_err(|_| FieldErrorKind::InvalidFormat))
    }
}

/// A yes/no filter: `true` or `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_with(d, |raw| match raw {
            "true" => Ok(Self(true)),
            "false" => Ok(Self(false)),
            _ => Err(FieldErrorKind::InvalidValue),
        })
    }
}

/// A catalogue-like filter: one of the codes `parse` knows.
///
/// # Errors
/// `invalid_value` when `parse` does not know the code.
pub fn code<'de, D: Deserializer<'de>, T>(d: D, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, D::Error> {
    parse_with(d, |raw| parse(raw).ok_or(FieldErrorKind::InvalidValue))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::problem::ProblemCode;

    #[derive(Debug, Deserialize)]
    struct Q {
        limit: Option<Limit>,
        cursor: Option<Cursor>,
        year: Option<Year>,
        updated_since: Option<Since>,
        school_id: Option<Id>,
    }

    fn refused(raw: &str) -> (String, &'static str) {
        match Query::<Q>::parse(raw) {
            Err(ApiError::BadRequest { code: ProblemCode::InvalidParameter, errors, .. }) => {
                (errors[0].field.clone(), errors[0].kind.code())
            }
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn well_formed_parameters_are_read_into_their_types() {
        let q = Query::<Q>::parse(
            "limit=20&cursor=c101a2153e6f0275e8ab76f3d21fc243e7&year=2022-2023&updated_since=2022-09-01T00:00:00Z&school_id=01a2153e-6f02-75e8-ab76-f3d21fc243e7",
        )
        .unwrap()
        .0;
        let p = paging(q.limit, q.cursor);
        assert_eq!(p.limit, 20);
        assert!(p.after.is_some());
        assert_eq!(q.year.unwrap().0.to_string(), "2022-2023");
        assert!(q.updated_since.is_some() && q.school_id.is_some());
    }

    #[test]
    fn absent_parameters_take_their_defaults() {
        let q = Query::<Q>::parse("").unwrap().0;
        let p = paging(q.limit, q.cursor);
        assert_eq!((p.limit, p.after), (Paging::DEFAULT, None));
        assert!(Year::required(q.year).is_err());
    }

    #[test]
    fn a_malformed_parameter_is_named_with_what_is_wrong() {
        assert_eq!(refused("limit=0"), ("limit".into(), "out_of_range"));
        assert_eq!(refused("limit=201"), ("limit".into(), "out_of_range"));
        assert_eq!(refused("limit=ten"), ("limit".into(), "invalid_type"));
        assert_eq!(refused("cursor=zz"), ("cursor".into(), "invalid_format"));
        assert_eq!(refused("year=2022-2024"), ("year".into(), "invalid_year"));
        assert_eq!(refused("updated_since=yesterday"), ("updated_since".into(), "invalid_format"));
        assert_eq!(refused("school_id=42"), ("school_id".into(), "invalid_format"));
        assert_eq!(refused("year=2022%002023"), ("year".into(), "invalid_format"), "a NUL");
        assert_eq!(refused(&format!("cursor={}", "a".repeat(501))), ("cursor".into(), "too_long"));
    }
}
