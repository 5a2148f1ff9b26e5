//! The web application: state, router, middleware, and `portal serve`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use truecopy_config::Config;

use crate::error::ApiError;
use crate::i18n::Lang;
use crate::routes::{self, copies, home, keys, ops, retrieval, verify};
use crate::state::{AppState, PageCache, RateLimiter, ServeOptions, Shared};

/// Builds the shared state: keys, the registry pool (migrating the database), the blob store.
pub fn build_state(cfg: Config, opts: &ServeOptions) -> anyhow::Result<Shared> {
    truecopy_runtime::check_keys(&cfg, crate::PORTAL_KEYS)?;
    let pool = truecopy_registry::RegistryPool::open(&cfg.database, opts.db_connections)
        .map_err(truecopy_runtime::StartupError::from)?;
    let blobs = truecopy_runtime::open_blobs(&cfg)?;
    let verifier = truecopy_certify::CopyVerifier::from_config(&cfg)?;
    let tokens = truecopy_mail::TokenVerifier::from_file(&cfg.keys.token_pub)?;
    let keys_doc = keys::build(&cfg).map_err(|e| anyhow::anyhow!("trust material: {e}"))?;
    Ok(Arc::new(AppState {
        cfg,
        pool,
        blobs,
        verifier,
        tokens,
        keys_doc,
        metrics: Default::default(),
        limiter: RateLimiter::new(opts.lookups_per_minute),
        pages: PageCache::new(256),
    }))
}

/// All routes. Lookups (codes, uploads, links) are rate limited per client.
pub fn router(state: Shared) -> Router {
    let limited = Router::new()
        .route("/lookup", get(home::lookup))
        .route("/c/{code}", get(copies::page))
        .route("/api/v1/copies/{code}", get(copies::api_get))
        .route("/r/{token}", get(retrieval::page))
        .route("/r/{token}/copy.pdf", get(retrieval::pdf))
        .route(
            "/verify",
            post(verify::page_verify).layer(DefaultBodyLimit::max(verify::MAX_UPLOAD + 64 * 1024)),
        )
        .route(
            "/api/v1/verify",
            post(verify::api_verify).layer(DefaultBodyLimit::max(verify::MAX_UPLOAD + 64 * 1024)),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), rate_limit));
    Router::new()
        .route("/", get(home::index))
        .route("/static/portal.css", get(home::css))
        .route("/c/{code}/pages/{n}", get(copies::page_image))
        .route("/.well-known/truecopy-keys", get(keys::get))
        .route("/api/openapi.json", get(ops::openapi))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .merge(limited)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(64 * 1024))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/.well-known/")
}

async fn not_found(ctx: routes::Ctx) -> Response {
    if is_api(&ctx.path) {
        ApiError::NotFound.json()
    } else {
        ApiError::NotFound.page(ctx.lang, &ctx.path, ctx.query.as_deref())
    }
}

/// The client's address (the TCP peer; a proxy in front must do its own limiting).
fn client_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

async fn rate_limit(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if state.limiter.allow(client_ip(&req)) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    if is_api(&path) {
        ApiError::RateLimited.json()
    } else {
        let lang = Lang::detect(req.uri().query(), req.headers());
        ApiError::RateLimited.page(lang, &path, req.uri().query())
    }
}

/// Security headers on every response, and the metrics.
async fn observe(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route: &'static str = match req.extensions().get::<MatchedPath>().map(|m| m.as_str()) {
        Some("/c/{code}") => "/c/{code}",
        Some("/c/{code}/pages/{n}") => "/c/{code}/pages/{n}",
        Some("/api/v1/copies/{code}") => "/api/v1/copies/{code}",
        Some("/api/v1/verify") => "/api/v1/verify",
        Some("/verify") => "/verify",
        Some("/r/{token}") => "/r/{token}",
        Some("/r/{token}/copy.pdf") => "/r/{token}/copy.pdf",
        Some("/lookup") => "/lookup",
        Some("/") => "/",
        Some("/healthz") => "/healthz",
        Some("/metrics") => "/metrics",
        Some("/api/openapi.json") => "/api/openapi.json",
        Some("/.well-known/truecopy-keys") => "/.well-known/truecopy-keys",
        Some("/static/portal.css") => "/static",
        _ => "other",
    };
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    state.metrics.observe(
        route,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(state: Shared, listen: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        truecopy_runtime::StartupError::Usage(format!("cannot listen on {listen}: {e}"))
    })?;
    tracing::info!(%listen, public_url = %state.cfg.public_url, "portal serving");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
