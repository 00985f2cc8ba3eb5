//! Cross-cutting request handling: request ids, logging, metrics, localised problems,
//! idempotent POSTs, and the 404/405 fallback.

use crate::extract::lang;
use crate::problem::{ApiError, FieldErrorKind, ProblemCode};
use crate::state::AppState;
use actix_web::body::{BoxBody, to_bytes};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use std::time::Instant;
use tracing::Instrument;
use usul_persistence::{Begin, StoredResponse};

/// The request id header.
pub const REQUEST_ID: &str = "x-request-id";
/// The idempotency header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A request's id, kept in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The outermost layer: assigns the request id (or keeps a sane one sent by the client),
/// logs and counts the request, and renders any [`ApiError`] in the client's language.
pub async fn edge<B: actix_web::body::MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let language = lang(req.request());
    let authenticated = req.headers().contains_key(actix_web::http::header::AUTHORIZATION);
    let method = metric_method(req.method());
    let path = req.path().to_owned();
    let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
    let span = tracing::info_span!("request", request_id = %id, %method, %path);
    let res = next.call(req).instrument(span.clone()).await;
    let mut res = match res {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            let mut req_res = match err.as_error::<ApiError>() {
                Some(api) => api.render(language),
                None => err.error_response(),
            };
            // The CORS layer adds its headers to an error through the error's mappers.
            keep_cors_headers(err.error_response().headers(), req_res.headers_mut());
            return Err(actix_web::error::InternalError::from_response(err, req_res).into());
        }
    };
    let refusal = res.response().error().and_then(|e| {
        e.as_error::<ApiError>()
            .map(|api| api.render(language))
            .or_else(|| e.as_error::<actix_cors::CorsError>().map(|c| cors_refusal(c).render(language)))
    });
    if let Some(mut localised) = refusal {
        keep_cors_headers(res.headers(), localised.headers_mut());
        res = res.into_response(localised);
    }
    let route = res.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let status = res.status();
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HeaderName::from_static(REQUEST_ID), v);
    }
    // Titles, messages and labels follow Accept-Language: caches must keep them apart.
    res.headers_mut().append(actix_web::http::header::VARY, HeaderValue::from_static("Accept-Language"));
    secure_headers(res.headers_mut(), &path, authenticated);
    let elapsed = started.elapsed();
    if let Some(m) = metrics {
        m.observe(&method, &route, status.as_u16(), elapsed);
    }
    span.in_scope(|| tracing::info!(status = status.as_u16(), elapsed_ms = elapsed.as_secs_f64() * 1000.0, "answered"));
    Ok(res)
}

/// A refused CORS preflight as a problem: `actix-cors` answers it in plain text.
fn cors_refusal(e: &actix_cors::CorsError) -> ApiError {
    use actix_cors::CorsError as C;
    match e {
        C::OriginNotAllowed => ApiError::Status {
            status: StatusCode::FORBIDDEN,
            code: ProblemCode::OriginNotAllowed,
            detail: "This origin is not among the origins allowed to call the API (USUL_CORS_ORIGINS).".into(),
        },
        other => ApiError::Status {
            status: StatusCode::BAD_REQUEST,
            code: ProblemCode::CorsPreflightRefused,
            detail: format!("{other}."),
        },
    }
}

/// Copies the CORS headers of an answer onto the answer that replaces it.
fn keep_cors_headers(from: &actix_web::http::header::HeaderMap, to: &mut actix_web::http::header::HeaderMap) {
    for (name, value) in from {
        if name.as_str().starts_with("access-control-") {
            to.insert(name.clone(), value.clone());
        } else if name == header::VARY && !to.get_all(header::VARY).any(|v| v == value) {
            to.append(name.clone(), value.clone());
        }
    }
}

/// The method as a metrics label: the methods the API knows, every other one as `OTHER`, so
/// that made-up methods cannot grow the metrics without bound.
fn metric_method(m: &actix_web::http::Method) -> String {
    const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    let m = m.as_str();
    if KNOWN.contains(&m) { m.to_owned() } else { "OTHER".to_owned() }
}

/// The Content-Security-Policy of a printable document: its own inline styles, nothing else,
/// and never inside a frame.
const DOCUMENT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The Content-Security-Policy of Swagger UI: its own scripts and styles, calls to this server.
const SWAGGER_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Headers every answer carries: no content sniffing; authenticated answers are private to the
/// caller (and revalidated with their `ETag`); HTML is confined by a Content-Security-Policy.
fn secure_headers(h: &mut actix_web::http::header::HeaderMap, path: &str, authenticated: bool) {
    use actix_web::http::header;
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if authenticated && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    let html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if path.starts_with("/swagger-ui") {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(SWAGGER_CSP));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    } else if html {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCUMENT_CSP));
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
}

/// Refuses a malformed `If-Match` or `If-None-Match` with 400 naming the header, before any
/// other work: our entity tags are versions (`"3"`, `W/"3"`), and a header that names none —
/// empty, unquoted, not a number — is a client's mistake to be told about, not a silent 412
/// or a full answer where a 304 was asked for. `If-Match` takes `*` or one tag,
/// `If-None-Match` `*` or a comma-separated list.
pub async fn preconditions(
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Most requests carry neither header: nothing to check.
    if !req.headers().contains_key(header::IF_MATCH) && !req.headers().contains_key(header::IF_NONE_MATCH) {
        return next.call(req).await;
    }
    // A method the path does not serve is answered 405 by the fallback, whatever its headers.
    let method = if req.method() == Method::HEAD { "GET" } else { req.method().as_str() };
    let served = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|t| t.allow(req.path()))
        .is_some_and(|allow| allow.split(", ").any(|m| m == method));
    if !served {
        return next.call(req).await;
    }
    let headers = req.headers();
    let malformed = [(header::IF_MATCH, "If-Match", false), (header::IF_NONE_MATCH, "If-None-Match", true)]
        .into_iter()
        .find(|(name, _, list)| {
            headers.get_all(name).any(|v| !v.to_str().is_ok_and(|v| crate::extract::valid_precondition(v, *list)))
        })
        .map(|(_, label, _)| label);
    let Some(label) = malformed else {
        return next.call(req).await;
    };
    let refusal = crate::extract::bad_param(label, FieldErrorKind::InvalidFormat);
    // Who is asking comes first: without a valid caller the handler answers 401 as usual. A
    // public read (the catalogue) answers without one, and then the header is refused after all.
    match req.extract::<crate::auth::Auth>().await {
        Ok(auth) => {
            req.extensions_mut().insert(auth);
            Ok(req.error_response(refusal))
        }
        Err(_) if req.method() == Method::GET || req.method() == Method::HEAD => {
            let res = next.call(req).await?;
            if res.status() == StatusCode::UNAUTHORIZED {
                return Ok(res);
            }
            let (req, _) = res.into_parts();
            Ok(ServiceResponse::new(req, HttpResponse::from_error(refusal)))
        }
        Err(_) => next.call(req).await,
    }
}

/// Replays the first successful answer to a POST that carries an `Idempotency-Key`, per
/// caller. A failed first attempt (any non-2xx) releases the key, so a corrected retry runs;
/// bad input changes nothing, so running it again is safe. A claim left unfinished (a crash
/// mid-request) is taken over once it is older than [`usul_persistence::IDEMPOTENCY_STALE_SECONDS`].
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let raw_key = req.headers().get(IDEMPOTENCY_KEY).map(|v| v.as_bytes().to_vec());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let (Some(raw_key), Some(state), true) = (raw_key, state, req.method() == Method::POST) else {
        return next.call(req).await;
    };
    // The key is scoped to the caller, who is authenticated as for any request — also when the
    // answer is a replay, so that a deactivated account or a revoked token replays nothing.
    // Without a valid caller the handler answers 401 as usual.
    let Ok(auth) = req.extract::<crate::auth::Auth>().await else {
        return next.call(req).await;
    };
    let owner = match &auth.principal {
        crate::auth::Principal::Staff(s) => s.id.uuid().to_string(),
        crate::auth::Principal::Service(a) => a.id.uuid().to_string(),
    };
    // The handler's `Auth` reuses this one instead of loading the account again.
    req.extensions_mut().insert(auth);
    // Refusals below are answered as responses (not errors), so that the edge layer still
    // stamps the request id, counts them and speaks the client's language. A key that is not
    // 1–200 visible ASCII characters is refused, never silently ignored.
    let key = match String::from_utf8(raw_key) {
        Ok(k) if !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        Ok(k) if k.len() > 200 => {
            return Ok(req.error_response(crate::extract::bad_param("Idempotency-Key", FieldErrorKind::TooLong(200))));
        }
        _ => return Ok(req.error_response(crate::extract::bad_param("Idempotency-Key", FieldErrorKind::InvalidFormat))),
    };
    let body = match req.extract::<web::Bytes>().await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(crate::extract::payload_error(&e, state.settings.max_body_bytes))),
    };
    let fingerprint = crate::auth::sha256_hex(&format!(
        "{} {}?{}\n{}",
        req.method(),
        req.path(),
        req.query_string(),
        String::from_utf8_lossy(&body)
    ));
    req.set_payload(bytes_payload(body));
    match state.store.begin_idempotent(&owner, &key, &fingerprint).await {
        Ok(Begin::Proceed) => {}
        Ok(Begin::Replay(stored)) => return Ok(req.into_response(replay(&stored))),
        Ok(Begin::Mismatch) => {
            let reused = ApiError::Rule {
                code: ProblemCode::IdempotencyKeyReused,
                detail: "This Idempotency-Key was used with a different request.".into(),
                extra: None,
            };
            return Ok(req.error_response(reused));
        }
        Ok(Begin::InProgress) => return Ok(req.error_response(ApiError::Conflict(ProblemCode::IdempotencyInProgress))),
        Err(e) => return Ok(req.error_response(ApiError::from(e))),
    }
    let res = next.call(req).await;
    // Answers marked `no-store` (they carry secrets) are never kept for replay.
    let secret = |r: &ServiceResponse<BoxBody>| {
        r.headers().get(header::CACHE_CONTROL).is_some_and(|v| v.as_bytes() == b"no-store")
    };
    let res = match res {
        Ok(r) if r.status().is_success() && !secret(&r) => r,
        other => {
            if let Err(e) = state.store.abandon_idempotent(&owner, &key).await {
                tracing::error!(error = %e, "could not release an idempotency key; it frees itself when stale");
            }
            return other;
        }
    };
    let (http_req, response) = res.into_parts();
    let status = response.status();
    let kept: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(n, _)| [header::CONTENT_TYPE, header::ETAG, header::LOCATION, header::CONTENT_LANGUAGE].contains(n))
        .filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str().to_owned(), v.to_owned())))
        .collect();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.map_err(|_| ApiError::bug("response body unreadable"))?;
    let stored = StoredResponse {
        status: status.as_u16(),
        headers: serde_json::to_string(&kept).unwrap_or_else(|_| "[]".into()),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    // The operation succeeded: answer it even if the record cannot be kept.
    if let Err(e) = state.store.finish_idempotent(&owner, &key, stored).await {
        tracing::error!(error = %e, "could not record an idempotent answer");
    }
    let response = head.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(http_req, response))
}

fn bytes_payload(bytes: web::Bytes) -> actix_web::dev::Payload {
    actix_web::dev::Payload::from(bytes)
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    let mut res = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    let headers: Vec<(String, String)> = serde_json::from_str(&stored.headers).unwrap_or_default();
    for (n, v) in headers {
        res.insert_header((n, v));
    }
    res.insert_header(("idempotent-replayed", "true"));
    res.body(stored.body.clone())
}

/// The methods each documented path answers, from the OpenAPI document, for 405s.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(ResourceDef, String)>,
    /// For each path, each method's documented query parameters.
    parameters: Vec<(ResourceDef, Vec<MethodParameters>)>,
}

/// A method and the query parameters its operation documents.
type MethodParameters = (String, Vec<String>);

impl RouteTable {
    /// Builds the table from the contract's paths.
    #[must_use]
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let value = serde_json::to_value(&doc.paths).unwrap_or_default();
        let mut routes = Vec::new();
        let mut parameters = Vec::new();
        let query_names = |v: Option<&serde_json::Value>| -> Vec<String> {
            v.and_then(|p| p.as_array())
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p.get("in").and_then(|i| i.as_str()) == Some("query"))
                        .filter_map(|p| p.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(paths) = value.get("paths").or(Some(&value)).and_then(|p| p.as_object()) {
            for (path, item) in paths {
                let Some(ops) = item.as_object() else { continue };
                let shared = query_names(item.get("parameters"));
                let per_method = ops
                    .iter()
                    .filter(|(k, _)| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                    .map(|(k, op)| {
                        let mut names = shared.clone();
                        names.extend(query_names(op.get("parameters")));
                        (k.to_uppercase(), names)
                    })
                    .collect();
                parameters.push((ResourceDef::new(path.as_str()), per_method));
                let methods: Vec<String> = ops
                    .keys()
                    .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                    .map(|k| k.to_uppercase())
                    .collect();
                routes.push((ResourceDef::new(path.as_str()), methods.join(", ")));
            }
        }
        Self { routes, parameters }
    }

    /// The first query parameter of `req` that its operation does not document, if any.
    #[must_use]
    pub fn unknown_parameter(&self, method: &Method, path: &str, query: &str) -> Option<String> {
        if query.is_empty() {
            return None;
        }
        let method = if *method == Method::HEAD { "GET" } else { method.as_str() };
        let (_, ops) = self.parameters.iter().find(|(def, _)| def.is_match(path))?;
        let (_, known) = ops.iter().find(|(m, _)| m == method)?;
        form_urlencoded::parse(query.as_bytes())
            .map(|(name, _)| name)
            .find(|name| !known.iter().any(|k| k == name))
            .map(|name| name.replace(char::is_control, "?"))
    }

    /// The `Allow` value for a path we serve, if any.
    #[must_use]
    pub fn allow(&self, path: &str) -> Option<&str> {
        self.routes.iter().find(|(def, _)| def.is_match(path)).map(|(_, allow)| allow.as_str())
    }
}

/// Refuses a query parameter the operation does not know (400 `invalid_parameter`,
/// `unknown_field`, naming it): a misspelt filter would otherwise be ignored and the answer
/// would silently hold everything. The known parameters are the contract's.
pub async fn known_parameters(
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let unknown = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|t| t.unknown_parameter(req.method(), req.path(), req.query_string()));
    if let Some(name) = unknown {
        return Err(crate::extract::bad_param(&name, FieldErrorKind::UnknownField).into());
    }
    next.call(req).await
}

/// Answers what no route matched: 405 with `Allow` for a known path, 404 otherwise.
pub async fn fallback(req: HttpRequest, table: web::Data<RouteTable>) -> HttpResponse {
    let language = lang(&req);
    let err = match table.allow(req.path()) {
        Some(allow) if req.method() != Method::OPTIONS => ApiError::MethodNotAllowed { allow: allow.to_owned() },
        Some(allow) => return HttpResponse::NoContent().insert_header((header::ALLOW, allow.to_owned())).finish(),
        None => ApiError::NotFound,
    };
    err.render(language)
}
