//! The catalogue of forms of methodological work, labelled in the
//! client's language.

use crate::auth::Auth;
use crate::extract::lang;
use crate::openapi::tags;
use crate::problem::ApiError;
use crate::query;
use crate::routes::allow;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use usul_domain::catalogue::{self, Form, FormGroup};
use usul_domain::lang::Lang;
use usul_domain::policy::{Action, Resource};
use utoipa::{IntoParams, ToSchema};

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list).service(read);
}

/// A group of forms: one of the three lists of section 4 of the regulation.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormGroupView {
    /// `qualification`, `innovation` or `information`.
    #[schema(example = "innovation")]
    pub code: String,
    /// The regulation's clause.
    #[schema(example = "R-4.2")]
    pub clause: String,
    /// The label in the language chosen by `Accept-Language`.
    pub label: String,
}

/// A form of methodological work.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "open_lesson",
    "groups": [{"code": "innovation", "clause": "R-4.2", "label": "Инновациялык тажрыйбаны жалпылоо жана жайылтуу"}],
    "label": "Ачык сабактар",
    "labels": {"ky": "Ачык сабактар", "ru": "Открытый урок", "en": "Open lesson"}
}))]
pub struct FormView {
    /// A stable snake_case code, used by plans and activities.
    #[schema(example = "open_lesson")]
    pub code: String,
    /// The groups it stands in; a form may stand in more than one.
    pub groups: Vec<FormGroupView>,
    /// The label in the language chosen by `Accept-Language` (default English).
    #[schema(example = "Ачык сабактар")]
    pub label: String,
    /// The label in every language.
    pub labels: Labels,
}

/// A label in Kyrgyz, Russian and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct Labels {
    #[schema(example = "Ачык сабактар")]
    pub ky: String,
    #[schema(example = "Открытый урок")]
    pub ru: String,
    #[schema(example = "Open lesson")]
    pub en: String,
}

/// The forms.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormList {
    pub items: Vec<FormView>,
}

fn group_view(g: FormGroup, lang: Lang) -> FormGroupView {
    FormGroupView { code: g.code().to_owned(), clause: g.clause().to_owned(), label: g.label().get(lang).to_owned() }
}

fn form_view(f: &Form, lang: Lang) -> FormView {
    FormView {
        code: f.code.to_owned(),
        groups: f.groups.iter().map(|g| group_view(*g, lang)).collect(),
        label: f.label(lang).to_owned(),
        labels: Labels { ky: f.label.ky.to_owned(), ru: f.label.ru.to_owned(), en: f.label.en.to_owned() },
    }
}

/// The code of a group of forms.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormGroupCode {
    /// raising qualification and mastery.
    Qualification,
    /// obtaining, generalising, showing and spreading innovative experience.
    Innovation,
    /// information-methodological support.
    Information,
}

/// Filter of the catalogue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormQuery {
    /// Only forms of this group: `qualification`, `innovation`,
    /// `information`.
    #[param(value_type = Option<FormGroupCode>)]
    #[serde(default, deserialize_with = "group_param")]
    pub group: Option<FormGroup>,
}

fn group_param<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<FormGroup>, D::Error> {
    query::code(d, FormGroup::parse).map(Some)
}

fn labelled(req: &HttpRequest, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, lang(req).code()))
        .insert_header((header::VARY, "Accept-Language"))
        .json(body)
}

/// List the forms of methodological work.
///
/// The catalogue of R-4.1 (raising qualification and mastery), R-4.2 (obtaining, generalising
/// and spreading innovative experience) and R-4.3 (information-methodological support),
/// deduplicated: a form of several groups appears once with all its groups. `label` follows
/// `Accept-Language` (`ky`, `ru`, `en`).
#[utoipa::path(
    operation_id = "listForms",
    tag = tags::CATALOGUE,
    params(FormQuery, ("Accept-Language" = Option<String>, Header, description = "`ky`, `ru` or `en` (default).")),
    responses(
        (status = 200, description = "The forms, in the regulation's order.", body = FormList, headers(("Content-Language" = String))),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
    ),
    security(("bearer" = [])),
)]
#[get("/catalogue/forms")]
pub async fn list(req: HttpRequest, auth: Auth, q: query::Query<FormQuery>) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::Read, Resource::Catalogue)?;
    let language = lang(&req);
    let body = forms_json(language, q.group)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_LANGUAGE, language.code()))
        .insert_header((header::VARY, "Accept-Language"))
        .content_type("application/json")
        .body(body))
}

/// The catalogue is the regulation's and never changes while the service runs: each list
/// (by language and group) is written once, then answered from memory.
fn forms_json(language: Lang, group: Option<FormGroup>) -> Result<web::Bytes, ApiError> {
    type Lists = std::collections::HashMap<(Lang, Option<FormGroup>), web::Bytes>;
    static LISTS: std::sync::OnceLock<std::sync::RwLock<Lists>> = std::sync::OnceLock::new();
    let lists = LISTS.get_or_init(Default::default);
    if let Some(body) = lists.read().ok().and_then(|l| l.get(&(language, group)).cloned()) {
        return Ok(body);
    }
    let items = catalogue::FORMS
        .iter()
        .filter(|f| group.is_none_or(|g| f.groups.contains(&g)))
        .map(|f| form_view(f, language))
        .collect();
    let body = web::Bytes::from(serde_json::to_vec(&FormList { items }).map_err(|e| ApiError::internal("forms", e))?);
    if let Ok(mut l) = lists.write() {
        l.insert((language, group), body.clone());
    }
    Ok(body)
}

/// Read one form.
///
/// One form of methodological work by its code, with its group and its label in the chosen
/// language.
#[utoipa::path(
    operation_id = "getForm",
    tag = tags::CATALOGUE,
    params(("code" = String, Path, description = "The form's code", example = "master_class"), ("Accept-Language" = Option<String>, Header, description = "`ky`, `ru` or `en` (default).")),
    responses(
        (status = 200, description = "The form.", body = FormView, headers(("Content-Language" = String))),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 404, response = crate::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/catalogue/forms/{code}")]
pub async fn read(req: HttpRequest, auth: Auth, code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    allow(&auth, Action::Read, Resource::Catalogue)?;
    let form = catalogue::find(&code).ok_or(ApiError::NotFound)?;
    Ok(labelled(&req, &form_view(form, lang(&req))))
}
