//! Operations: liveness, readiness and Prometheus metrics.

use crate::openapi::tags;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// Registers the paths.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable`.
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process answers.
///
/// Answers 200 `ok` while the process runs, without touching the database; for liveness probes.
#[utoipa::path(operation_id = "getHealth", tag = tags::OPS, responses((status = 200, description = "Alive.", body = Health)), security(()))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into() })
}

/// Readiness: the database answers.
///
/// Answers 200 when the database answers within a second, 503 `unavailable` with `Retry-After`
/// otherwise; for readiness probes and load balancers.
#[utoipa::path(
    operation_id = "getReadiness",
    tag = tags::OPS,
    responses(
        (status = 200, description = "Ready.", body = Health),
        (status = 503, description = "The database is unreachable.", body = Health),
    ),
    security(()),
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    // A load balancer asks often and must hear back within a second, whatever the database does.
    match tokio::time::timeout(std::time::Duration::from_millis(900), state.store.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(Health { status: "ok".into() }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            unavailable()
        }
    }
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((actix_web::http::header::RETRY_AFTER, "5"))
        .json(Health { status: "unavailable".into() })
}

/// Prometheus metrics in the text exposition format.
///
/// Request, database and process figures in the Prometheus text exposition format (0.0.4). When
/// `USUL_METRICS_TOKEN` is set, send it as a bearer token.
#[utoipa::path(
    operation_id = "getMetrics",
    tag = tags::OPS,
    responses(
        (status = 200, description = "Metrics.", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, description = "`USUL_METRICS_TOKEN` is set and the bearer token is not it.", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/metrics")]
pub async fn metrics(req: actix_web::HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Some(token) = &state.settings.metrics_token {
        let sent = crate::auth::bearer(&req);
        // Compared in constant time: the token is a secret.
        let ok = sent.is_some_and(|s| {
            s.len() == token.0.len() && s.bytes().zip(token.0.bytes()).fold(0_u8, |acc, (a, b)| acc | (a ^ b)) == 0
        });
        if !ok {
            return crate::problem::ApiError::Unauthorized { code: crate::problem::ProblemCode::Unauthorized }
                .render(crate::extract::lang(&req));
        }
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(state.metrics.render())
}
