//! The web application: state, router, middleware, and `portal serve`.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use axum::routing::{get, post};
use tower::{Layer, Service};
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
        .route_layer(Middleware::RateLimit(state.clone()));
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
        .layer(Middleware::Observe(state.clone()))
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

/// The response to a client over its lookup budget, in its language.
fn rate_limited(req: &Request) -> Response {
    let path = req.uri().path();
    if is_api(path) {
        ApiError::RateLimited.json()
    } else {
        let lang = Lang::detect(req.uri().query(), req.headers());
        ApiError::RateLimited.page(lang, path, req.uri().query())
    }
}

/// Sent with every response (constants: nothing is parsed or validated per request).
const SECURITY_HEADERS: [(HeaderName, HeaderValue); 5] = [
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'",
        ),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    ),
];

/// The metrics label of a request's route (a fixed set: never the raw path).
fn route_label(req: &Request) -> &'static str {
    match req.extensions().get::<MatchedPath>().map(|m| m.as_str()) {
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
    }
}

/// Security headers and the metrics, on a finished response.
fn finish(resp: &mut Response, state: &Shared, route: &'static str, started: Instant) {
    let h = resp.headers_mut();
    // Room for all of them at once: inserting one by one into a map sized for the handler's
    // own header or two grew it (and rehashed) several times per response.
    h.reserve(SECURITY_HEADERS.len() + 1);
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, value);
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    state.metrics.observe(
        route,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
}

/// The portal's two middlewares, written as plain tower layers: `axum::middleware::from_fn`
/// boxes a future per request and adds its extractor machinery, an estimated 13 % of the
/// instructions of a lookup in the session-5 profile.
#[derive(Clone)]
enum Middleware {
    /// Security headers on every response, and the metrics.
    Observe(Shared),
    /// The per-client lookup budget (on the lookup routes only).
    RateLimit(Shared),
}

impl std::fmt::Debug for Middleware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Middleware::Observe(_) => "Observe",
            Middleware::RateLimit(_) => "RateLimit",
        })
    }
}

impl<S> Layer<S> for Middleware {
    type Service = WithMiddleware<S>;
    fn layer(&self, inner: S) -> WithMiddleware<S> {
        WithMiddleware {
            inner,
            middleware: self.clone(),
        }
    }
}

/// A service behind one of the [`Middleware`]s.
#[derive(Clone, Debug)]
pub(crate) struct WithMiddleware<S> {
    inner: S,
    middleware: Middleware,
}

impl<S> Service<Request> for WithMiddleware<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Handled<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match &self.middleware {
            Middleware::Observe(state) => Handled::Observed {
                state: state.clone(),
                route: route_label(&req),
                started: Instant::now(),
                inner: self.inner.call(req),
            },
            Middleware::RateLimit(state) => {
                if state.limiter.allow(client_ip(&req)) {
                    Handled::Passed {
                        inner: self.inner.call(req),
                    }
                } else {
                    Handled::Refused {
                        response: Some(rate_limited(&req)),
                    }
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of a [`WithMiddleware`] call.
    #[project = HandledProj]
    #[allow(missing_debug_implementations)]
    pub(crate) enum Handled<F> {
        Observed { state: Shared, route: &'static str, started: Instant, #[pin] inner: F },
        Passed { #[pin] inner: F },
        Refused { response: Option<Response> },
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for Handled<F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            HandledProj::Observed {
                state,
                route,
                started,
                inner,
            } => {
                let Ok(mut resp) = ready!(inner.poll(cx));
                finish(&mut resp, state, route, *started);
                Poll::Ready(Ok(resp))
            }
            HandledProj::Passed { inner } => inner.poll(cx),
            HandledProj::Refused { response } => Poll::Ready(Ok(response
                .take()
                .expect("a refused request's future polled after it completed"))),
        }
    }
}

/// A running server: one thread per core, each with its own single-threaded runtime and its
/// own listening socket on the same address (`SO_REUSEPORT`: the kernel spreads connections
/// over them). A connection, its requests and their database reads stay on one thread from
/// accept to answer, so requests cost no cross-thread wake-ups or task migrations.
#[allow(missing_debug_implementations)]
pub struct Server {
    /// The address actually bound (the port is chosen when `listen` asked for port 0).
    pub addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    threads: Vec<std::thread::JoinHandle<std::io::Result<()>>>,
}

fn reuseport_listener(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.set_nodelay(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

impl Server {
    /// Binds `listen` on `threads` threads (at least 1) and serves `state` until [`Server::stop`].
    pub fn start(state: Shared, listen: SocketAddr, threads: usize) -> std::io::Result<Server> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut addr = listen;
        let mut handles = Vec::new();
        for i in 0..threads.max(1) {
            // Each thread binds and reports back before serving; the first one fixes the port
            // the others bind to.
            let (ready_tx, ready_rx) = std::sync::mpsc::channel::<std::io::Result<SocketAddr>>();
            let state = state.clone();
            let mut stopped = stopped.clone();
            let handle = std::thread::Builder::new()
                .name(format!("portal-{i}"))
                .spawn(move || -> std::io::Result<()> {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    rt.block_on(async move {
                        let listener = match reuseport_listener(addr).and_then(|l| {
                            let a = l.local_addr()?;
                            Ok((l, a))
                        }) {
                            Ok((l, a)) => {
                                let _ = ready_tx.send(Ok(a));
                                l
                            }
                            Err(e) => {
                                let kind = e.kind();
                                let _ = ready_tx.send(Err(e));
                                return Err(kind.into());
                            }
                        };
                        axum::serve(
                            listener,
                            router(state).into_make_service_with_connect_info::<SocketAddr>(),
                        )
                        .with_graceful_shutdown(async move {
                            let _ = stopped.wait_for(|s| *s).await;
                        })
                        .await
                    })
                })?;
            let bound = ready_rx
                .recv()
                .map_err(|_| std::io::Error::other("server thread ended before binding"));
            match bound.and_then(|r| r) {
                Ok(a) => {
                    addr = a;
                    handles.push(handle);
                }
                Err(e) => {
                    let _ = stop.send(true);
                    for h in handles {
                        let _ = h.join();
                    }
                    let _ = handle.join();
                    return Err(e);
                }
            }
        }
        Ok(Server {
            addr,
            stop,
            threads: handles,
        })
    }

    /// Stops accepting, lets open requests finish, and waits for the threads.
    pub fn stop(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        let mut result = Ok(());
        for h in self.threads {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => result = Err(e),
                Err(_) => result = Err(std::io::Error::other("a server thread panicked")),
            }
        }
        result
    }
}

/// Serves until Ctrl-C on one thread per core (see [`Server`]).
pub fn serve(state: Shared, listen: SocketAddr) -> anyhow::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let public_url = state.cfg.public_url.to_string();
    let server = Server::start(state, listen, threads).map_err(|e| {
        truecopy_runtime::StartupError::Usage(format!("cannot listen on {listen}: {e}"))
    })?;
    tracing::info!(listen = %server.addr, %public_url, threads, "portal serving");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let _ = tokio::signal::ctrl_c().await;
        });
    server.stop()?;
    Ok(())
}
