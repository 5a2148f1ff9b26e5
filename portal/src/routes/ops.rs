//! Operations: `/healthz`, `/metrics` (Prometheus) and `/api/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::error::ApiError;
use crate::state::Shared;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

#[utoipa::path(
    get,
    path = "/healthz",
    responses(
        (status = 200, description = "The portal and its database answer", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    ),
    tag = "ops"
)]
pub async fn healthz(State(state): State<Shared>) -> impl IntoResponse {
    let database = state.cfg.database.backend_name();
    match state
        .with_registry(|r| r.ping().map_err(|e| ApiError::internal("ping", e)))
        .await
    {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database,
            }),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable",
                database,
            }),
        ),
    }
}

pub async fn metrics(State(state): State<Shared>) -> impl IntoResponse {
    let open = state.pool.open_connections() as f64;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&[(
            "portal_db_connections_open",
            "Database connections open in the pool.",
            open,
        )]),
    )
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "truecopy portal API",
        description = "Check electronic certified copies issued by the Hanoi Public Administration Service Center: look a copy up by its identification code, or verify a PDF. Errors are JSON `{error, message}` with stable snake_case codes.",
        license(name = "MIT OR Apache-2.0"),
        version = "1"
    ),
    paths(
        crate::routes::copies::api_get,
        crate::routes::verify::api_verify,
        crate::routes::keys::get,
        healthz,
    ),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "copies", description = "The register's answer for a code"),
        (name = "verify", description = "Verify a PDF file"),
        (name = "keys", description = "Trust material for offline verification"),
        (name = "ops", description = "Operations"),
    )
)]
pub struct ApiDoc;

pub async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
