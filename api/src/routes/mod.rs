//! HTTP handlers, one file per resource, each with a `configure()` that registers its paths.

pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod commissions;
pub mod districts;
pub mod effectiveness;
pub mod events;
pub mod meetings;
pub mod ministry;
pub mod onboarding;
pub mod ops;
pub mod plans;
pub mod quality;
pub mod records;
pub mod reports;
pub mod schools;
pub mod staff;
pub mod subjects;
pub mod support;
pub mod webhooks;

use crate::auth::Auth;
use crate::extract::{encode_cursor, etag, if_none_match};
use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Deserializer, Serialize};
use usul_domain::ids::SchoolId;
use usul_domain::org::School;
use usul_domain::policy::{Action, Resource, authorize};

/// Asks the policy; refusals become 403 or 404.
///
/// # Errors
/// [`ApiError::Forbidden`] or [`ApiError::NotFound`].
pub fn allow(auth: &Auth, action: Action, resource: Resource) -> Result<(), ApiError> {
    match authorize(auth.actor, action, resource) {
        usul_domain::policy::Decision::Allow => Ok(()),
        other => Err(other.into()),
    }
}

/// Loads a school and checks `action` on it; a missing or invisible school is 404.
///
/// # Errors
/// 404, 403, or a storage failure.
pub async fn school_for(state: &AppState, auth: &Auth, id: SchoolId, action: Action) -> Result<School, ApiError> {
    let school = state.store.get_school(id).await?.ok_or(ApiError::NotFound)?;
    // Visibility first: even a refused write to another school's resource is a 404.
    allow(auth, Action::Read, school_resource(&school))?;
    allow(auth, action, school_resource(&school))?;
    Ok(school)
}

/// The policy's view of a school.
#[must_use]
pub const fn school_resource(school: &School) -> Resource {
    Resource::School { school: school.id, district: school.district }
}

/// 200 with the body and its version as `ETag`, or — for a read — 304 when `If-None-Match`
/// names it. A write has happened by the time it answers, so it always answers 200.
#[must_use]
pub fn versioned<T: Serialize>(req: &HttpRequest, version: i32, body: &T) -> HttpResponse {
    let read = matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD);
    if read && if_none_match(req, version) {
        return HttpResponse::NotModified().insert_header((header::ETAG, etag(version))).finish();
    }
    HttpResponse::Ok().insert_header((header::ETAG, etag(version))).json(body)
}

/// 201 with `Location`, `ETag` and the body.
#[must_use]
pub fn created<T: Serialize>(location: String, version: i32, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// The `next_cursor` of a page.
#[must_use]
pub fn next_cursor(next: Option<uuid::Uuid>) -> Option<String> {
    next.map(encode_cursor)
}

/// Deserializes a present field (even `null`) as `Some`, so that PATCH can tell "absent"
/// (`None`) from "clear it" (`Some(None)`).
///
/// # Errors
/// When the inner value does not deserialize.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Declares a list response type: `{"items": [...], "next_cursor": …}`.
macro_rules! list_of {
    ($name:ident, $item:ident, $doc:literal) => {
        $crate::routes::list_of!(@ $name, $item, , $doc);
    };
    // The items kept as JSON (see `kept.rs`), documented as the view they are.
    ($name:ident, kept $item:ident, $doc:literal) => {
        $crate::routes::list_of!(@ $name, crate::kept::Json, $item, $doc);
    };
    (@ $name:ident, $field:ty, $($schema:ident)?, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            /// The page's items.
            $(#[schema(value_type = Vec<$schema>)])?
            pub items: Vec<$field>,
            /// Pass as `cursor` to read the next page; `null` on the last page.
            #[schema(example = json!(null))]
            pub next_cursor: Option<String>,
            /// On the first page of a collection that syncs: the token to send as
            /// `sync_token` next time, to read only what changed (and was deleted) since this
            /// read began. Keep the first page's token while reading the following pages.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schema(nullable = false, example = "st1.0006243a9f1c2b40")]
            pub sync_token: Option<String>,
            /// With `sync_token`, on the first page: the ids deleted since that token.
            #[serde(skip_serializing_if = "Option::is_none")]
            #[schema(nullable = false)]
            pub deleted: Option<Vec<uuid::Uuid>>,
        }
    };
}
pub(crate) use list_of;
