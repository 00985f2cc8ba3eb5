//! Authentication: password hashing, access tokens (HS256 JWT), refresh tokens, and the
//! extractor that turns a bearer token into the policy's [`Actor`].

use crate::problem::{ApiError, ProblemCode};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use usul_domain::ids::{DistrictId, ServiceAccountId, StaffId};
use usul_domain::org::ServiceAccount;
use usul_domain::policy::Actor;
use usul_domain::staff::{Affiliation, Role, Staff};
use usul_persistence::TokenSubject;
use uuid::Uuid;

/// The claims of an access token. The role and school are informative: every request loads
/// the account again, so a deactivation or a role change takes effect at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: Uuid,
    /// `staff` or `service`.
    pub typ: String,
    /// The role at issue time.
    pub role: String,
    /// The school at issue time, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_id: Option<Uuid>,
    /// The district at issue time, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_id: Option<Uuid>,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Not before (seconds since the epoch); tokens we issue carry it, others may not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// How far apart the clocks of the instances that sign and check tokens may be, in seconds.
pub const CLOCK_LEEWAY_SECONDS: u64 = 30;

/// How many verified tokens [`Tokens`] keeps at most (a few hundred bytes each); past that it
/// starts again empty. Only tokens whose signature checked out are kept, so made-up tokens
/// cannot fill it.
const VERIFIED_CAPACITY: usize = 4096;

/// Signs and verifies access tokens.
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens already verified, with their claims: a client sends the same token with every
    /// request until it expires, and checking its signature and parsing it again was about 4 %
    /// of a plan read's CPU (perf). A kept token is still refused once it expires.
    verified: Arc<RwLock<HashMap<String, Claims>>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(***)")
    }
}

impl Tokens {
    /// Keys from the shared secret.
    #[must_use]
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is exact; `nbf` and `iat` are checked below with a small leeway.
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Arc::default(),
        }
    }

    /// Signs claims.
    ///
    /// # Errors
    /// [`ApiError::Internal`] when signing fails.
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| ApiError::internal("jwt encode", e))
    }

    /// Verifies a token and returns its claims.
    ///
    /// # Errors
    /// 401 `invalid_token` for a bad signature, a malformed token or an expired one.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let now = chrono::Utc::now().timestamp();
        // What was verified once is verified again as long as it has not expired: the
        // signature, the claims and the `iat`/`nbf` checks below do not change with time.
        if let Some(claims) = self.verified.read().ok().and_then(|v| v.get(token).cloned()) {
            return if claims.exp >= now {
                Ok(claims)
            } else {
                Err(ApiError::Unauthorized { code: ProblemCode::InvalidToken })
            };
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|_| ApiError::Unauthorized { code: ProblemCode::InvalidToken })?;
        // A token "issued", or valid only, in the future was not issued by a sane clock of ours;
        // a few seconds of skew between instances are tolerated.
        let latest = now + i64::try_from(CLOCK_LEEWAY_SECONDS).unwrap_or(0);
        if claims.iat > latest || claims.nbf.is_some_and(|nbf| nbf > latest) {
            return Err(ApiError::Unauthorized { code: ProblemCode::InvalidToken });
        }
        if let Ok(mut verified) = self.verified.write() {
            if verified.len() >= VERIFIED_CAPACITY {
                verified.clear();
            }
            verified.insert(token.to_owned(), claims.clone());
        }
        Ok(claims)
    }
}

pub use crate::hashing::{HashPermit, Hashing};

/// Hashes a password on the current thread (CLI and demo loader).
///
/// # Errors
/// [`ApiError::Internal`] when hashing fails.
pub fn hash_password_blocking(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal("argon2", e))
}

/// A fresh refresh token (256 random bits) and its SHA-256 hash, which is all we store.
#[must_use]
pub fn new_refresh_token() -> (String, String) {
    let token = crate::config::random_secret();
    let hash = sha256_hex(&token);
    (token, hash)
}

/// SHA-256 of a text, hex-encoded.
#[must_use]
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The authenticated caller: the policy's actor plus the stored account.
#[derive(Debug, Clone)]
pub struct Auth {
    /// For the policy.
    pub actor: Actor,
    /// The stored account.
    pub principal: Principal,
}

/// The stored account behind a token.
#[derive(Debug, Clone)]
pub enum Principal {
    /// A person.
    Staff(Box<Staff>),
    /// A district service account.
    Service(ServiceAccount),
}

impl Auth {
    /// The audit record's actor fields.
    #[must_use]
    pub fn audit(&self, summary: impl Into<String>) -> usul_persistence::Audit {
        let (actor_kind, actor_id) = match &self.principal {
            Principal::Staff(s) => ("staff", s.id.uuid()),
            Principal::Service(s) => ("service_account", s.id.uuid()),
        };
        usul_persistence::Audit { actor_kind, actor_id: Some(actor_id), summary: summary.into() }
    }

    /// The actor's role as recorded in histories: the person's role, or `service`.
    #[must_use]
    pub fn role_code(&self) -> String {
        match &self.principal {
            Principal::Staff(s) => s.role.code().to_owned(),
            Principal::Service(_) => "service".to_owned(),
        }
    }

    /// The acting person's name as printed ("Сардарбекова А.К."), if a person.
    #[must_use]
    pub fn short_name(&self) -> Option<String> {
        match &self.principal {
            Principal::Staff(s) => Some(s.short_name()),
            Principal::Service(_) => None,
        }
    }

    /// The acting person, if a person.
    #[must_use]
    pub fn staff_id(&self) -> Option<StaffId> {
        match &self.principal {
            Principal::Staff(s) => Some(s.id),
            Principal::Service(_) => None,
        }
    }
}

/// The policy's actor for a stored person.
#[must_use]
pub fn actor_of(staff: &Staff) -> Option<Actor> {
    Some(match (staff.role, staff.affiliation) {
        (Role::Admin, _) => Actor::Admin { id: staff.id },
        (Role::DistrictMethodologist, Affiliation::District(district)) => {
            Actor::DistrictUser { id: staff.id, district }
        }
        (Role::MinistryMethodologist, Affiliation::Service) => Actor::MinistryUser { id: staff.id },
        (role, Affiliation::School { school, district }) if role.is_school_role() => {
            Actor::SchoolStaff { id: staff.id, school, district, role }
        }
        _ => return None,
    })
}

/// Claims for a person or a service account.
#[must_use]
pub fn claims_for(subject: &Principal, ttl: u64) -> Claims {
    let iat = chrono::Utc::now().timestamp();
    let exp = iat.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX / 2));
    match subject {
        Principal::Staff(s) => {
            let (school_id, district_id) = match s.affiliation {
                Affiliation::Service => (None, None),
                Affiliation::District(d) => (None, Some(d.uuid())),
                Affiliation::School { school, district } => (Some(school.uuid()), Some(district.uuid())),
            };
            Claims {
                sub: s.id.uuid(),
                typ: "staff".into(),
                role: s.role.code().into(),
                school_id,
                district_id,
                iat,
                nbf: Some(iat),
                exp,
            }
        }
        Principal::Service(a) => Claims {
            sub: a.id.uuid(),
            typ: "service".into(),
            role: if a.district.is_some() { "district_service" } else { "ministry_service" }.into(),
            school_id: None,
            district_id: a.district.map(DistrictId::uuid),
            iat,
            nbf: Some(iat),
            exp,
        },
    }
}

/// Loads the live account behind a token subject; `None` when it is gone or inactive.
///
/// # Errors
/// [`ApiError`] on storage failure.
pub async fn load_principal(state: &AppState, subject: TokenSubject) -> Result<Option<(Actor, Principal)>, ApiError> {
    Ok(match subject {
        TokenSubject::Staff(id) => match state.store.account_staff(id).await? {
            Some(s) if s.active => actor_of(&s).map(|a| (a, Principal::Staff(Box::new(s)))),
            _ => None,
        },
        TokenSubject::Service(id) => match state.store.account_service(id).await? {
            Some(a) if a.active => {
                let actor = match a.district {
                    Some(district) => Actor::DistrictService { id: a.id, district },
                    None => Actor::MinistryService { id: a.id },
                };
                Some((actor, Principal::Service(a)))
            }
            _ => None,
        },
    })
}

/// The token subject of verified claims.
#[must_use]
pub fn subject_of(claims: &Claims) -> Option<TokenSubject> {
    match claims.typ.as_str() {
        "staff" => Some(TokenSubject::Staff(StaffId::from_uuid(claims.sub))),
        "service" => Some(TokenSubject::Service(ServiceAccountId::from_uuid(claims.sub))),
        _ => None,
    }
}

/// The bearer token of a request, if any.
#[must_use]
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The idempotency layer may have authenticated this request already.
        if let Some(done) = actix_web::HttpMessage::extensions(req).get::<Self>().cloned() {
            return Box::pin(async move { Ok(done) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::bug("application state missing"))?;
            let token = token.ok_or(ApiError::Unauthorized { code: ProblemCode::Unauthorized })?;
            let claims = state.tokens.verify(&token)?;
            let subject = subject_of(&claims).ok_or(ApiError::Unauthorized { code: ProblemCode::InvalidToken })?;
            let (actor, principal) = load_principal(&state, subject)
                .await?
                .ok_or(ApiError::Unauthorized { code: ProblemCode::InvalidToken })?;
            Ok(Self { actor, principal })
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn claims(iat: i64, exp: i64) -> Claims {
        Claims {
            sub: Uuid::now_v7(),
            typ: "staff".into(),
            role: "teacher".into(),
            school_id: None,
            district_id: None,
            iat,
            nbf: Some(iat),
            exp,
        }
    }

    #[test]
    fn a_verified_token_is_taken_again_and_a_changed_one_is_refused() {
        let tokens = Tokens::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let token = tokens.sign(&claims(now, now + 600)).unwrap();
        let first = tokens.verify(&token).unwrap();
        let again = tokens.verify(&token).unwrap();
        assert_eq!((first.sub, first.exp), (again.sub, again.exp));
        // Another signature over the same payload is not the kept token: it is checked, and fails.
        let at = token.rfind('.').unwrap() + 1;
        let swapped = if token[at..].starts_with('A') { "B" } else { "A" };
        let forged = format!("{}{swapped}{}", &token[..at], &token[at + 1..]);
        assert!(tokens.verify(&forged).is_err());
        let other = Tokens::new(b"another-secret-0123456789abcdef0123");
        assert!(other.verify(&token).is_err(), "a token is kept per key, not shared between secrets");
    }

    #[test]
    fn a_kept_token_is_refused_once_it_has_expired() {
        let tokens = Tokens::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let token = tokens.sign(&claims(now - 600, now - 1)).unwrap();
        assert!(tokens.verify(&token).is_err(), "an expired token is refused and not kept");
        // As if it had been verified while it was still valid.
        tokens.verified.write().unwrap().insert(token.clone(), claims(now - 600, now - 1));
        assert!(tokens.verify(&token).is_err());
    }
}
