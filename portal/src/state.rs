//! What every request shares: configuration, the registry pool, blobs, verifiers, the trust
//! document, metrics, the rate limiter and the page-image cache.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use truecopy_certify::CopyVerifier;
use truecopy_config::Config;
use truecopy_domain::IdCode;
use truecopy_mail::TokenVerifier;
use truecopy_registry::{BlobStore, PublicCopy, RegistryPool};

use crate::error::ApiError;
use crate::metrics::Metrics;

/// Tunables of `portal serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Lookups (code pages, API lookups, uploads, links) per client per minute; 0 = unlimited.
    pub lookups_per_minute: u32,
    /// Database connections in the pool.
    pub db_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            lookups_per_minute: 120,
            db_connections: 8,
        }
    }
}

#[allow(missing_debug_implementations)]
pub struct AppState {
    pub cfg: Config,
    pub pool: RegistryPool,
    pub blobs: BlobStore,
    pub verifier: CopyVerifier,
    pub tokens: TokenVerifier,
    /// `/.well-known/truecopy-keys`, built once.
    pub keys_doc: Bytes,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    pub pages: PageCache,
}

pub type Shared = Arc<AppState>;

impl AppState {
    /// Runs `f` with a pooled registry connection on a blocking thread; errors are logged and
    /// become `service_unavailable`, except those `f` maps itself.
    pub async fn with_registry<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut truecopy_registry::Registry) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut reg = pool
                .get()
                .map_err(|e| ApiError::internal("registry pool", e))?;
            f(&mut reg)
        })
        .await
        .map_err(|e| ApiError::internal("join", e))?
    }

    /// A copy by code with signatures and revocation, on a blocking thread.
    pub async fn public_copy(&self, code: &IdCode) -> Result<Option<PublicCopy>, ApiError> {
        let pool = self.pool.clone();
        let code = code.clone();
        tokio::task::spawn_blocking(move || {
            let mut reg = pool
                .get()
                .map_err(|e| ApiError::internal("registry pool", e))?;
            reg.public_copy(&code).map_err(|e| {
                if matches!(e, truecopy_registry::RegistryError::Database(_)) {
                    reg.discard();
                }
                ApiError::internal("public_copy", e)
            })
        })
        .await
        .map_err(|e| ApiError::internal("join", e))?
    }
}

/// A token bucket per client address: `per_minute` lookups, refilled continuously, with a burst
/// of a quarter minute's worth (at least 10).
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`; false when the client is over its limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let rate = f64::from(self.per_minute) / 60.0;
        let burst = (f64::from(self.per_minute) / 4.0).max(10.0);
        let now = Instant::now();
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if b.len() > 100_000 {
            // Forget clients whose bucket is full again: they are not limited anyway.
            b.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = b.entry(ip).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Rendered page images (PNG), keyed by (PDF SHA-256, page number); at most `cap` kept.
#[derive(Debug)]
pub struct PageCache {
    cap: usize,
    map: Mutex<HashMap<(String, u32), Bytes>>,
}

impl PageCache {
    pub fn new(cap: usize) -> PageCache {
        PageCache {
            cap,
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, key: &(String, u32)) -> Option<Bytes> {
        self.map.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: (String, u32), png: Bytes) {
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= self.cap {
                // Crude but bounded: start over (pages are cheap to render again).
                m.clear();
            }
            m.insert(key, png);
        }
    }
}
