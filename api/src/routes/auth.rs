//! `POST /auth/token` (password, refresh-token and client-credentials grants) and `GET /me`.

use crate::auth::{Auth, Principal, claims_for, load_principal, new_refresh_token, verify_password};
use crate::extract::ValidJson;
use crate::openapi::tags;
use crate::problem::{ApiError, Checker, FieldErrorKind, ProblemCode};
use crate::routes::districts::DistrictView;
use crate::routes::schools::SchoolView;
use crate::routes::staff::StaffView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use usul_domain::staff::Affiliation;
use usul_persistence::{RefreshOutcome, TokenSubject};
use utoipa::ToSchema;
use uuid::Uuid;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(token).service(me);
}

/// Sign in with an e-mail and password.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"}))]
pub struct PasswordGrant {
    /// `password`
    #[schema(example = "password")]
    pub grant_type: String,
    /// The login e-mail (case-insensitive).
    pub username: String,
    /// The password.
    pub password: String,
}

/// Exchange a refresh token for a new pair. Each refresh token works once; presenting a spent
/// one revokes every token issued from the same login.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "refresh_token", "refresh_token": "5f0c…"}))]
pub struct RefreshGrant {
    /// `refresh_token`
    #[schema(example = "refresh_token")]
    pub grant_type: String,
    /// The refresh token from an earlier answer.
    pub refresh_token: String,
}

/// Sign in a district's machine client.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))]
pub struct ClientCredentialsGrant {
    /// `client_credentials`
    #[schema(example = "client_credentials")]
    pub grant_type: String,
    /// The service account's client id.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
}

/// One of the three grants, chosen by `grant_type`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum TokenRequest {
    Password(PasswordGrant),
    RefreshToken(RefreshGrant),
    ClientCredentials(ClientCredentialsGrant),
}

/// The body as sent; which fields are required depends on `grant_type`.
#[derive(Debug, Deserialize)]
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
/// Three grants, in the OAuth 2 manner but with a JSON body:
/// `password` (`username`, `password`) for people, `refresh_token` (`refresh_token`) to renew,
/// and `client_credentials` (`client_id`, `client_secret`) for district service accounts.
/// Refresh tokens rotate: each works once, and presenting a spent one revokes the whole chain.
/// After 5 failed passwords an account is locked for 15 minutes (429 with `Retry-After`).
#[utoipa::path(
    tag = tags::AUTH,
    request_body(content = TokenRequest, examples(
        ("password" = (summary = "A person signs in", value = json!({"grant_type": "password", "username": "deputy@demo.usul.kg", "password": "usul-demo-2022"}))),
        ("refresh_token" = (summary = "Renew the tokens", value = json!({"grant_type": "refresh_token", "refresh_token": "5f0c9a…"}))),
        ("client_credentials" = (summary = "A district system signs in", value = json!({"grant_type": "client_credentials", "client_id": "demo-district", "client_secret": "demo-district-secret-2022"}))),
    )),
    responses(
        (status = 200, description = "Tokens issued.", body = TokenResponse),
        (status = 400, description = "`invalid_grant`: wrong credentials, or an unknown, expired, revoked or reused refresh token; or a malformed body.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_client`: wrong client credentials.", body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::openapi::PayloadTooLarge),
        (status = 415, response = crate::openapi::UnsupportedMediaType),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 429, response = crate::openapi::TooManyRequests),
    ),
    security(()),
)]
#[post("/auth/token")]
pub async fn token(state: web::Data<AppState>, body: ValidJson<TokenBody>) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let grant = body.grant_type.as_deref().unwrap_or("");
    let mut check = Checker::default();
    let need = |check: &mut Checker, name: &str, v: &Option<String>| {
        if v.as_deref().is_none_or(str::is_empty) {
            check.push(name, FieldErrorKind::Required);
        }
    };
    match grant {
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
        _ => check.push("grant_type", FieldErrorKind::InvalidValue),
    }
    check.finish()?;
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
    let principal = match grant {
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

async fn password_grant(state: &AppState, username: String, password: String) -> Result<Principal, ApiError> {
    let Some(login) = state.store.find_login(&username).await? else {
        let _ = verify_password(password, state.decoy_hash.clone()).await;
        return Err(invalid_grant());
    };
    let now = usul_persistence::now();
    if let Some(until) = login.locked_until.filter(|u| *u > now) {
        let retry_after = u64::try_from((until - now).num_seconds()).unwrap_or(1).max(1);
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    if !verify_password(password, login.password_hash.clone()).await {
        let failures = login.failed_logins + 1;
        let lock = (failures >= state.settings.max_failed_logins)
            .then(|| now + Duration::seconds(i64::try_from(state.settings.lockout_seconds).unwrap_or(900)));
        state.store.record_login_failure(login.staff.id, lock).await?;
        if lock.is_some() {
            return Err(ApiError::TooManyAttempts { retry_after: state.settings.lockout_seconds });
        }
        return Err(invalid_grant());
    }
    if !login.staff.active {
        return Err(invalid_grant());
    }
    if login.failed_logins > 0 || login.locked_until.is_some() {
        state.store.reset_login_failures(login.staff.id).await?;
    }
    Ok(Principal::Staff(Box::new(login.staff)))
}

async fn client_grant(state: &AppState, client_id: &str, secret: String) -> Result<Principal, ApiError> {
    let invalid_client = ApiError::Grant { status: StatusCode::UNAUTHORIZED, code: ProblemCode::InvalidClient };
    let Some((account, hash)) = state.store.find_service_account(client_id).await? else {
        let _ = verify_password(secret, state.decoy_hash.clone()).await;
        return Err(invalid_client);
    };
    if !account.active || !verify_password(secret, hash).await {
        return Err(invalid_client);
    }
    Ok(Principal::Service(account))
}

async fn refresh_grant(state: &AppState, presented: &str) -> Result<HttpResponse, ApiError> {
    let hash = crate::auth::sha256_hex(presented);
    match state.store.use_refresh_token(&hash).await? {
        RefreshOutcome::Rotated { subject, family } => {
            let (_, principal) = load_principal(state, subject).await?.ok_or_else(invalid_grant)?;
            issue(state, &principal, family).await
        }
        RefreshOutcome::Reused => {
            tracing::warn!("a spent refresh token was presented again; its family is revoked");
            Err(invalid_grant())
        }
        RefreshOutcome::Invalid => Err(invalid_grant()),
    }
}

async fn issue(state: &AppState, principal: &Principal, family: Uuid) -> Result<HttpResponse, ApiError> {
    let claims = claims_for(principal, state.settings.access_token_ttl);
    let access_token = state.tokens.sign(&claims)?;
    let (refresh_token, hash) = new_refresh_token();
    let subject = match principal {
        Principal::Staff(s) => TokenSubject::Staff(s.id),
        Principal::Service(a) => TokenSubject::Service(a.id),
    };
    let expires = usul_persistence::now()
        + Duration::seconds(i64::try_from(state.settings.refresh_token_ttl).unwrap_or(i64::MAX / 4_000_000));
    state.store.insert_refresh_token(hash, family, subject, expires).await?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in: state.settings.access_token_ttl,
        refresh_token,
    }))
}

/// Who you are.
#[derive(Debug, Serialize, ToSchema)]
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
        Principal::Service(a) => (None, Some(a.into()), None, Some(a.district)),
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
