//! `POST /auth/token` (password, refresh-token and client-credentials grants) and `GET /me`.

use crate::auth::{Auth, Principal, claims_for, load_principal, new_refresh_token};
use crate::extract::{ValidJson, parse_json, payload_error};
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode, checked};
use crate::routes::districts::DistrictView;
use crate::routes::schools::SchoolView;
use crate::routes::staff::StaffView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, get, post, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use usul_domain::staff::Affiliation;
use usul_domain::values::Password;
use usul_persistence::{RefreshOutcome, TokenSubject};
use utoipa::ToSchema;
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(token).service(me).service(change_password);
}

/// `password`, the only value of a password grant's `grant_type`.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub enum PasswordGrantType {
    #[serde(rename = "password")]
    Password,
}

/// `refresh_token`, the only value of a refresh grant's `grant_type`.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub enum RefreshGrantType {
    #[serde(rename = "refresh_token")]
    RefreshToken,
}

/// `client_credentials`, the only value of a client-credentials grant's `grant_type`.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub enum ClientCredentialsGrantType {
    #[serde(rename = "client_credentials")]
    ClientCredentials,
}

/// Sign in with an e-mail and password.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"}))]
#[allow(dead_code)]
pub struct PasswordGrant {
    #[schema(inline)]
    pub grant_type: PasswordGrantType,
    /// The login e-mail (case-insensitive).
    pub username: String,
    /// The password.
    pub password: String,
}

/// Exchange a refresh token for a new pair. Each refresh token works once; presenting a spent
/// one revokes every token issued from the same login.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "refresh_token", "refresh_token": "5f0c…"}))]
#[allow(dead_code)]
pub struct RefreshGrant {
    #[schema(inline)]
    pub grant_type: RefreshGrantType,
    /// The refresh token from an earlier answer.
    pub refresh_token: String,
}

/// Sign in a district's machine client. With HTTP Basic client authentication (RFC 6749
/// §2.3.1) the credentials travel in the `Authorization` header instead, and the body carries
/// only `grant_type` (and, if it likes, the same `client_id`).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))]
#[allow(dead_code)]
pub struct ClientCredentialsGrant {
    #[schema(inline)]
    pub grant_type: ClientCredentialsGrantType,
    /// The service account's client id (required unless sent with HTTP Basic).
    #[schema(nullable = false)]
    pub client_id: Option<String>,
    /// Its secret (required unless sent with HTTP Basic, and never both).
    #[schema(nullable = false)]
    pub client_secret: Option<String>,
}

/// One of the three grants, told apart by `grant_type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(discriminator(property_name = "grant_type", mapping(
    ("password" = "#/components/schemas/PasswordGrant"),
    ("refresh_token" = "#/components/schemas/RefreshGrant"),
    ("client_credentials" = "#/components/schemas/ClientCredentialsGrant"),
)))]
#[allow(dead_code)]
pub enum TokenRequest {
    Password(PasswordGrant),
    RefreshToken(RefreshGrant),
    ClientCredentials(ClientCredentialsGrant),
}

/// The body as sent; which fields are required depends on `grant_type`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    #[allow(dead_code)]
    scope: Option<String>,
}

/// The two encodings a token request may come in.
const TOKEN_MEDIA_TYPES: &str = "application/json or application/x-www-form-urlencoded";

impl TokenBody {
    /// Reads an `application/x-www-form-urlencoded` body (RFC 6749 §3.2): a parameter sent
    /// without a value counts as omitted, unknown parameters are ignored, and one sent twice is
    /// refused.
    fn from_form(bytes: &[u8]) -> Result<Self, ApiError> {
        let mut body = Self::default();
        for (name, value) in form_urlencoded::parse(bytes) {
            let slot = match name.as_ref() {
                "grant_type" => &mut body.grant_type,
                "username" => &mut body.username,
                "password" => &mut body.password,
                "refresh_token" => &mut body.refresh_token,
                "client_id" => &mut body.client_id,
                "client_secret" => &mut body.client_secret,
                "scope" => &mut body.scope,
                _ => continue,
            };
            if slot.is_some() {
                return Err(invalid_request(&name, FieldErrorKind::Duplicate, "A parameter is sent more than once."));
            }
            if !value.is_empty() {
                *slot = Some(value.into_owned());
            }
        }
        Ok(body)
    }
}

/// 400 `invalid_request` (RFC 6749 §5.2) on one parameter.
fn invalid_request(field: &str, kind: FieldErrorKind, detail: &str) -> ApiError {
    ApiError::BadRequest {
        code: ProblemCode::InvalidRequest,
        detail: detail.into(),
        errors: vec![crate::problem::FieldError::new(field, kind)],
    }
}

/// Client credentials from an `Authorization: Basic` header (RFC 6749 §2.3.1): `None` when
/// the request has no such header. Each half is form-urlencoded before the pair is encoded.
fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, ApiError> {
    use base64::Engine as _;
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else { return Ok(None) };
    let refused = || ApiError::Grant { status: StatusCode::UNAUTHORIZED, code: ProblemCode::InvalidClient };
    let value = value.to_str().map_err(|_| refused())?.trim();
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return if value.eq_ignore_ascii_case("basic") { Err(refused()) } else { Ok(None) };
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        // Another scheme (a stale bearer token) authenticates no client here.
        return Ok(None);
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| refused())?;
    let decoded = String::from_utf8(decoded).map_err(|_| refused())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(refused)?;
    let unescape = |s: &str| -> Result<String, ApiError> {
        let plus = s.replace('+', " ");
        percent_encoding::percent_decode_str(&plus)
            .decode_utf8()
            .map(std::borrow::Cow::into_owned)
            .map_err(|_| refused())
    };
    let (id, secret) = (unescape(id)?, unescape(secret)?);
    if id.is_empty() || id.contains('\0') || secret.contains('\0') {
        return Err(refused());
    }
    Ok(Some((id, secret)))
}

/// Reads the body as JSON or as a form, whichever its `Content-Type` says.
async fn read_token_body(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<TokenBody, ApiError> {
    let mime = req.mime_type().ok().flatten();
    let json = mime.as_ref().is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
    let form = mime.as_ref().is_some_and(|m| m.type_() == "application" && m.subtype() == "x-www-form-urlencoded");
    if !json && !form {
        return Err(ApiError::UnsupportedMediaType(TOKEN_MEDIA_TYPES));
    }
    let mut payload = payload.into_inner();
    let bytes = web::Bytes::from_request(req, &mut payload).await.map_err(|e| payload_error(&e, limit))?;
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    if json { parse_json(&bytes) } else { TokenBody::from_form(&bytes) }
}

/// Tokens, in the OAuth 2 manner.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "token_type": "Bearer", "expires_in": 900, "refresh_token": "5f0c9a…"}))]
pub struct TokenResponse {
    /// A bearer token for the `Authorization` header.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// A single-use token for the `refresh_token` grant.
    pub refresh_token: String,
}

/// Issue tokens.
///
/// The OAuth 2 token endpoint (RFC 6749 §4.3, §4.4, §6). The body is
/// `application/x-www-form-urlencoded`, as OAuth libraries send it, or the same fields as
/// `application/json`. Three grants, told apart by `grant_type`:
/// `password` (`username`, `password`) for people, `refresh_token` (`refresh_token`) to renew,
/// and `client_credentials` (`client_id`, `client_secret`) for district service accounts; a
/// client may instead authenticate with HTTP Basic (`Authorization: Basic
/// base64(urlencode(client_id):urlencode(client_secret))`, RFC 6749 §2.3.1), in which case the
/// body must not carry `client_secret` and any `client_id` it carries must be the same.
/// Refresh tokens rotate: each works once, and presenting a spent one revokes the whole chain.
/// Attempts are counted per login (and per `client_id`) before the secret is checked, whether
/// the account exists or not: the fifth failure locks it for 15 minutes (429
/// `too_many_attempts` with `Retry-After`). Each client address may call this endpoint 30 times
/// a minute (429 `rate_limited`); when too many passwords are being checked at once the answer
/// is 503 `overloaded` with `Retry-After`. The limits are the same whatever the encoding.
#[utoipa::path(
    operation_id = "issueToken",
    tag = tags::AUTH,
    request_body(content(
        (TokenRequest = "application/x-www-form-urlencoded", examples(
            ("password" = (summary = "A person signs in", value = json!({"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"}))),
            ("refresh_token" = (summary = "Renew the tokens", value = json!({"grant_type": "refresh_token", "refresh_token": "5f0c9a…"}))),
            ("client_credentials" = (summary = "A district system signs in (or with HTTP Basic and only `grant_type` here)", value = json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))),
        )),
        (TokenRequest = "application/json", examples(
            ("password" = (summary = "A person signs in", value = json!({"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"}))),
            ("refresh_token" = (summary = "Renew the tokens", value = json!({"grant_type": "refresh_token", "refresh_token": "5f0c9a…"}))),
            ("client_credentials" = (summary = "A district system signs in", value = json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))),
        )),
    )),
    responses(
        (status = 200, description = "Tokens issued.", body = TokenResponse),
        (status = 400, description = "`invalid_grant`: wrong credentials, or an unknown, expired, revoked or reused refresh token. `invalid_request`: a parameter the grant needs is missing or sent twice, the client authenticated both ways, HTTP Basic was sent with another grant, or the body's `client_id` differs from the Basic one (`errors` names the parameter). `unsupported_grant_type`: a `grant_type` other than the three. `malformed_json`: a JSON body that is not one JSON object.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_client`: wrong client credentials, or an `Authorization: Basic` header that does not decode; with `WWW-Authenticate: Basic`.", body = crate::problem::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "`Basic realm=\"usul\"`"))),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 429, response = crate::openapi::TooManyRequests),
        (status = 503, description = "`overloaded`: too many passwords are being checked; retry after `Retry-After` seconds.", body = crate::problem::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security((), ("client_basic" = [])),
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // The address is limited before anything is read, whatever the encoding.
    if let Some(addr) = req.peer_addr() {
        state.token_limiter.take(addr.ip()).map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    }
    let basic = basic_credentials(&req)?;
    let mut body = read_token_body(&req, payload, state.settings.max_body_bytes).await?;
    let grant = body.grant_type.clone().unwrap_or_default();
    if let Some((id, secret)) = basic {
        if grant != "client_credentials" && !grant.is_empty() {
            return Err(invalid_request(
                "Authorization",
                FieldErrorKind::InvalidValue,
                "HTTP Basic authenticates a client: it goes with the client_credentials grant only.",
            ));
        }
        if body.client_secret.is_some() {
            return Err(invalid_request(
                "client_secret",
                FieldErrorKind::InvalidValue,
                "The client authenticated both with HTTP Basic and in the body; use one.",
            ));
        }
        if body.client_id.as_ref().is_some_and(|b| *b != id) {
            return Err(invalid_request(
                "client_id",
                FieldErrorKind::InvalidValue,
                "The body's client_id is not the one in the Authorization header.",
            ));
        }
        body.client_id = Some(id);
        body.client_secret = Some(secret);
    }
    let mut check = Checker::default();
    let need = |check: &mut Checker, name: &str, v: &Option<String>| {
        if v.as_deref().is_none_or(str::is_empty) {
            check.push(name, FieldErrorKind::Required);
        }
    };
    match grant.as_str() {
        "password" => {
            need(&mut check, "username", &body.username);
            need(&mut check, "password", &body.password);
        }
        "refresh_token" => need(&mut check, "refresh_token", &body.refresh_token),
        "client_credentials" => {
            need(&mut check, "client_id", &body.client_id);
            need(&mut check, "client_secret", &body.client_secret);
        }
        "" => check.push("grant_type", FieldErrorKind::Required),
        _ => {
            return Err(ApiError::BadRequest {
                code: ProblemCode::UnsupportedGrantType,
                detail: "grant_type must be password, refresh_token or client_credentials.".into(),
                errors: vec![crate::problem::FieldError::new("grant_type", FieldErrorKind::InvalidValue)],
            });
        }
    }
    if let Err(ApiError::Validation(errors)) = check.finish() {
        return Err(ApiError::BadRequest {
            code: ProblemCode::InvalidRequest,
            detail: "The grant is missing a parameter it needs.".into(),
            errors,
        });
    }
    // A NUL can match no login and would upset the database: refuse it as any wrong credential.
    let has_nul = [&body.username, &body.password, &body.refresh_token, &body.client_id, &body.client_secret]
        .iter()
        .any(|v| v.as_deref().is_some_and(|s| s.contains('\0')));
    if has_nul {
        return Err(if grant == "client_credentials" {
            ApiError::Grant { status: StatusCode::UNAUTHORIZED, code: ProblemCode::InvalidClient }
        } else {
            invalid_grant()
        });
    }
    let principal = match grant.as_str() {
        "password" => {
            password_grant(&state, body.username.unwrap_or_default(), body.password.unwrap_or_default()).await?
        }
        "refresh_token" => return refresh_grant(&state, &body.refresh_token.unwrap_or_default()).await,
        _ => client_grant(&state, &body.client_id.unwrap_or_default(), body.client_secret.unwrap_or_default()).await?,
    };
    issue(&state, &principal, Uuid::now_v7()).await
}

fn invalid_grant() -> ApiError {
    ApiError::Grant { status: StatusCode::BAD_REQUEST, code: ProblemCode::InvalidGrant }
}

/// Counts an attempt on `key` before any secret is checked: one atomic upsert, so that a
/// parallel burst cannot get more than the allowed number of checks, and keys of accounts that
/// do not exist count exactly like those that do. Refuses a locked key, and locks it once the
/// attempts run out.
async fn admit(state: &AppState, key: &str) -> Result<Admitted, ApiError> {
    let now = usul_persistence::now().timestamp();
    let attempt = state.store.count_attempt(key, now).await?;
    let lockout = i64::try_from(state.settings.lockout_seconds).unwrap_or(900);
    if let Some(until) = attempt.locked_until.filter(|u| *u > now) {
        return Err(ApiError::TooManyAttempts { retry_after: u64::try_from(until - now).unwrap_or(1).max(1) });
    }
    if attempt.count > state.settings.max_failed_logins {
        state.store.lock_key(key, now + lockout).await?;
        return Err(ApiError::TooManyAttempts { retry_after: state.settings.lockout_seconds });
    }
    Ok(Admitted { last: attempt.count == state.settings.max_failed_logins, until: now + lockout })
}

/// An attempt that may check its secret.
struct Admitted {
    /// The last one before the key locks: a failure locks it.
    last: bool,
    until: i64,
}

impl Admitted {
    /// After a wrong secret: the refusal, locking the key when this was the last attempt.
    async fn failed(self, state: &AppState, key: &str, refusal: ApiError) -> ApiError {
        if !self.last {
            return refusal;
        }
        match state.store.lock_key(key, self.until).await {
            Ok(()) => ApiError::TooManyAttempts { retry_after: state.settings.lockout_seconds },
            Err(e) => e.into(),
        }
    }
}

async fn password_grant(state: &AppState, username: String, password: String) -> Result<Principal, ApiError> {
    // A place for the hash first: a flood is turned away before it costs the database anything.
    let place = state.hashing.admit()?;
    let key = format!("user:{}", username.trim().to_lowercase());
    let admitted = admit(state, &key).await?;
    let login = state.store.find_login(&username).await?;
    let hash = login.as_ref().map_or_else(|| state.decoy_hash.clone(), |l| l.password_hash.clone());
    let verified = place.verify(password, hash).await?;
    match login {
        Some(login) if verified && login.staff.active => {
            state.store.clear_attempts(&key).await?;
            Ok(Principal::Staff(Box::new(login.staff)))
        }
        _ => Err(admitted.failed(state, &key, invalid_grant()).await),
    }
}

async fn client_grant(state: &AppState, client_id: &str, secret: String) -> Result<Principal, ApiError> {
    let invalid_client = ApiError::Grant { status: StatusCode::UNAUTHORIZED, code: ProblemCode::InvalidClient };
    let place = state.hashing.admit()?;
    let key = format!("client:{client_id}");
    let admitted = admit(state, &key).await?;
    let found = state.store.find_service_account(client_id).await?;
    let hash = found.as_ref().map_or_else(|| state.decoy_hash.clone(), |(_, h)| h.clone());
    let verified = place.verify(secret, hash).await?;
    match found {
        Some((account, _)) if verified && account.active => {
            state.store.clear_attempts(&key).await?;
            Ok(Principal::Service(account))
        }
        _ => Err(admitted.failed(state, &key, invalid_client).await),
    }
}

async fn refresh_grant(state: &AppState, presented: &str) -> Result<HttpResponse, ApiError> {
    let (next, next_hash) = new_refresh_token();
    let expires = refresh_expiry(state);
    match state.store.rotate_refresh_token(&crate::auth::sha256_hex(presented), next_hash, expires).await? {
        RefreshOutcome::Rotated { subject, .. } => {
            let (_, principal) = load_principal(state, subject).await?.ok_or_else(invalid_grant)?;
            Ok(respond(state, &principal, next)?)
        }
        RefreshOutcome::Reused => {
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            Err(invalid_grant())
        }
        RefreshOutcome::Invalid => Err(invalid_grant()),
    }
}

fn refresh_expiry(state: &AppState) -> chrono::DateTime<chrono::Utc> {
    usul_persistence::now()
        + Duration::seconds(i64::try_from(state.settings.refresh_token_ttl).unwrap_or(i64::MAX / 4_000_000))
}

/// Starts a new family of refresh tokens for a fresh sign-in.
async fn issue(state: &AppState, principal: &Principal, family: Uuid) -> Result<HttpResponse, ApiError> {
    let (refresh_token, hash) = new_refresh_token();
    let subject = match principal {
        Principal::Staff(s) => TokenSubject::Staff(s.id),
        Principal::Service(a) => TokenSubject::Service(a.id),
    };
    state.store.insert_refresh_token(hash, family, subject, refresh_expiry(state)).await?;
    respond(state, principal, refresh_token)
}

fn respond(state: &AppState, principal: &Principal, refresh_token: String) -> Result<HttpResponse, ApiError> {
    let claims = claims_for(principal, state.settings.access_token_ttl);
    let access_token = state.tokens.sign(&claims)?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: state.settings.access_token_ttl,
        refresh_token,
    }))
}

/// Who you are.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "account_type": "staff",
    "staff": {
        "id": "01a22fba-7a5b-7098-a5ba-67707b41ffbe", "school_id": "01a22fba-7a51-7563-8350-86222e1bb0a8",
        "district_id": "01a22fba-7a4f-72c2-9019-326fda2e540c", "email": "deputy@demo.usul.kg",
        "last_name": "Жумабаева", "first_name": "Гүлнара", "patronymic": "Асановна", "short_name": "Жумабаева Г.А.",
        "position": "Директордун усулдук иштер боюнча орун басары", "role": "deputy",
        "subject_ids": ["01a22fba-7a53-72fe-b323-4c6ab5fa2362"], "qualification_category": "highest",
        "experience_years": 18, "active": true, "version": 1,
        "created_at": "2022-08-25T09:00:00Z", "updated_at": "2022-08-25T09:00:00Z"
    },
    "service_account": null,
    "school": {
        "id": "01a22fba-7a51-7563-8350-86222e1bb0a8", "district_id": "01a22fba-7a4f-72c2-9019-326fda2e540c",
        "name": "КТО №95 мектеп-гимназиясы", "address": "Бишкек ш.", "settings": {"min_head_experience_years": 5, "year_starts_on": "08-15"},
        "version": 1, "created_at": "2022-08-25T09:00:00Z", "updated_at": "2022-08-25T09:00:00Z"
    },
    "district": {
        "id": "01a22fba-7a4f-72c2-9019-326fda2e540c", "name": "Демо району боюнча билим берүү бөлүмү",
        "region": "Бишкек", "version": 1, "created_at": "2022-08-25T09:00:00Z", "updated_at": "2022-08-25T09:00:00Z"
    }
}))]
pub struct MeView {
    /// `staff` for a person, `service_account` for a district system.
    #[schema(example = "staff")]
    pub account_type: String,
    /// The person, for `staff`.
    pub staff: Option<StaffView>,
    /// The service account, for `service_account`.
    pub service_account: Option<crate::routes::districts::ServiceAccountView>,
    /// The person's school, if any.
    pub school: Option<SchoolView>,
    /// The district of the school or of the district user.
    pub district: Option<DistrictView>,
}

/// The current account.
///
/// The person (or district service account) behind the bearer token, with their school and
/// district. Roles are read live: a role change or a deactivation takes effect at once.
#[utoipa::path(
    operation_id = "getMe",
    tag = tags::AUTH,
    responses(
        (status = 200, description = "The current account.", body = MeView),
        (status = 401, response = crate::openapi::Unauthorized),
    ),
    security(("bearer" = [])),
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    let (staff, service_account, school_id, district_id) = match &auth.principal {
        Principal::Staff(s) => {
            let (school, district) = match s.affiliation {
                Affiliation::Service => (None, None),
                Affiliation::District(d) => (None, Some(d)),
                Affiliation::School { school, district } => (Some(school), Some(district)),
            };
            (Some(StaffView::from(s.as_ref())), None, school, district)
        }
        Principal::Service(a) => (None, Some(a.into()), None, a.district),
    };
    let school = match school_id {
        Some(id) => state.store.get_school(id).await?.as_ref().map(SchoolView::from),
        None => None,
    };
    let district = match district_id {
        Some(id) => state.store.get_district(id).await?.as_ref().map(DistrictView::from),
        None => None,
    };
    let account_type = if staff.is_some() { "staff" } else { "service_account" };
    Ok(HttpResponse::Ok().json(MeView { account_type: account_type.into(), staff, service_account, school, district }))
}

/// A new password for the signed-in person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "usul-demo-2022", "new_password": "a-longer-new-secret-2023"}))]
pub struct ChangePasswordBody {
    /// The password in use now.
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    /// The new one, 8–128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// Change your password.
///
/// The current password is required, and wrong ones count toward the sign-in lockout. Every
/// refresh token you hold stops working (sign in again on other devices); access tokens run
/// out within their lifetime.
#[utoipa::path(
    operation_id = "changePassword",
    tag = tags::AUTH,
    request_body = ChangePasswordBody,
    responses(
        (status = 204, description = "Changed; every refresh token is revoked."),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 429, response = crate::openapi::TooManyRequests),
    ),
    security(("bearer" = [])),
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Auth,
    body: ValidJson<ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let Principal::Staff(person) = &auth.principal else { return Err(ApiError::Forbidden) };
    let body = body.0;
    let mut check = Checker::default();
    let new = check.text("new_password", Password::parse(&body.new_password));
    check.finish()?;
    let key = format!("user:{}", person.email.normalized());
    let admitted = admit(&state, &key).await?;
    let login = state.store.find_login(person.email.as_str()).await?.ok_or(ApiError::NotFound)?;
    if !state.hashing.verify(body.current_password, login.password_hash).await? {
        let wrong = ApiError::field("current_password", FieldErrorKind::InvalidValue);
        return Err(admitted.failed(&state, &key, wrong).await);
    }
    state.store.clear_attempts(&key).await?;
    let hash = state.hashing.hash(checked(new)?.expose().to_owned()).await?;
    let patch = usul_persistence::StaffPatch { password_hash: Some(hash), ..Default::default() };
    state.store.update_staff(person.id, None, patch, "staff.password", &auth.audit("own password changed")).await?;
    Ok(HttpResponse::NoContent().finish())
}
