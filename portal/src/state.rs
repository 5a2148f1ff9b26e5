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
use truecopy_registry::{BackendKind, BlobStore, PublicCopy, RegistryPool};

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

    /// A copy by code with signatures and revocation (one indexed query), read right here on
    /// the server thread with that thread's own pooled connection: no hand-off to a blocking
    /// thread and back. On the embedded SQLite database a WAL-mode read of a few (memory-
    /// mapped) pages takes microseconds and never waits for writers; on PostgreSQL the thread
    /// waits for one round trip (measured: about 60 % of the CPU per lookup of a hand-off to
    /// `spawn_blocking`, at the same throughput; more server threads than cores raised
    /// throughput but spread connections unevenly, p99 ≈ 0.5–0.8 s).
    ///
    /// On PostgreSQL that round trip is shared: the lookups that arrive on one server thread
    /// together are answered by one query (see [`batch`]), so a thread's throughput is no
    /// longer one lookup per round trip. SQLite keeps the direct read (faster there).
    pub async fn public_copy(&self, code: &IdCode) -> Result<Option<PublicCopy>, ApiError> {
        if self.pool.backend() != BackendKind::Postgres {
            return public_copy_on(&self.pool, code);
        }
        match batch::join(self, code) {
            // The batch ended without answering (its task did not run to the end): nothing
            // to log per waiter, the task's own failure is where it shows.
            Some(answer) => answer.await.unwrap_or(Err(ApiError::Unavailable)),
            // Not inside a Tokio runtime: nothing to batch with.
            None => public_copy_on(&self.pool, code),
        }
    }
}

fn public_copy_on(pool: &RegistryPool, code: &IdCode) -> Result<Option<PublicCopy>, ApiError> {
    pool.with(|reg| reg.public_copy(code))
        .map_err(|e| ApiError::internal("public_copy", e))
}

/// Batched lookups (PostgreSQL): the first lookup on a thread opens a batch in a thread-local
/// slot and spawns the task that will run it; that task yields once, so that the other
/// requests ready on this thread (a current-thread runtime runs the task on the same thread)
/// run and join the batch, then closes the batch and reads all its codes with one query
/// (`copies.code = ANY($1)`, [`truecopy_registry::Registry::public_copies`]) on a pooled
/// connection, and answers each waiter through its oneshot channel. Lookups arriving after
/// the batch closed, or when it is full, open the next one.
///
/// A waiter that went away (client gone) is skipped; the others are still answered. A failed
/// query is logged once and every waiter gets the same error; a copy whose row cannot be read
/// fails only its own lookups. If the task never runs (its runtime shut down), it drops the
/// batch, the waiters' channels close and they fail with `Unavailable`.
///
/// The batch sits behind a mutex rather than in the thread-local slot alone because on a
/// multi-threaded runtime (tests) the task may run on another thread: there it still takes
/// exactly the waiters of its own batch.
pub mod batch {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex, Weak};

    use tokio::sync::oneshot;
    use truecopy_domain::IdCode;
    use truecopy_registry::{PublicCopy, RegistryPool};

    use super::AppState;
    use crate::error::ApiError;

    /// Distinct codes read by one query, at most.
    pub const MAX_CODES: usize = 64;

    type Answer = Result<Option<PublicCopy>, ApiError>;

    struct Batch {
        /// The distinct codes, in arrival order.
        codes: Vec<IdCode>,
        /// Each waiter with the index of its code in `codes`.
        waiters: Vec<(usize, oneshot::Sender<Answer>)>,
        /// Set by the batch's task when it takes the waiters: later lookups open a new batch.
        closed: bool,
    }

    /// The batch lookups on this thread join, with the address of the state it reads for
    /// (several states may live in one process, as in tests).
    struct Open {
        state: usize,
        /// Weak: the batch (and its waiters' senders) lives only as long as its task, so a
        /// task dropped unrun (runtime shutting down) closes its waiters' channels and the
        /// next lookup opens a new batch.
        batch: Weak<Mutex<Batch>>,
    }

    thread_local! {
        static OPEN: RefCell<Option<Open>> = const { RefCell::new(None) };
    }

    static QUERIES: AtomicU64 = AtomicU64::new(0);

    /// Batched queries run so far in this process (for tests and diagnostics).
    pub fn queries_run() -> u64 {
        QUERIES.load(Ordering::Relaxed)
    }

    fn lock(b: &Mutex<Batch>) -> std::sync::MutexGuard<'_, Batch> {
        // Nothing is left half-done under this lock: a poisoned batch is still consistent.
        b.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Joins (or opens) this thread's batch for `code`; `None` outside a Tokio runtime.
    pub(super) fn join(state: &AppState, code: &IdCode) -> Option<oneshot::Receiver<Answer>> {
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (tx, rx) = oneshot::channel();
        let key = std::ptr::from_ref(state) as usize;
        OPEN.with_borrow_mut(|open| {
            if let Some(batch) = open
                .as_ref()
                .filter(|o| o.state == key)
                .and_then(|o| o.batch.upgrade())
            {
                let mut b = lock(&batch);
                if !b.closed {
                    let i = b.codes.iter().position(|c| c == code);
                    if let Some(i) = i.or_else(|| {
                        (b.codes.len() < MAX_CODES).then(|| {
                            b.codes.push(code.clone());
                            b.codes.len() - 1
                        })
                    }) {
                        b.waiters.push((i, tx));
                        return;
                    }
                }
            }
            let batch = Arc::new(Mutex::new(Batch {
                codes: vec![code.clone()],
                waiters: vec![(0, tx)],
                closed: false,
            }));
            *open = Some(Open {
                state: key,
                batch: Arc::downgrade(&batch),
            });
            runtime.spawn(run(state.pool.clone(), batch));
        });
        Some(rx)
    }

    async fn run(pool: RegistryPool, batch: Arc<Mutex<Batch>>) {
        // Let the other requests that are ready on this thread join first.
        tokio::task::yield_now().await;
        let (codes, mut waiters) = {
            let mut b = lock(&batch);
            b.closed = true;
            (std::mem::take(&mut b.codes), std::mem::take(&mut b.waiters))
        };
        waiters.retain(|(_, tx)| !tx.is_closed());
        if waiters.is_empty() {
            return;
        }
        // Waiters left per code: the last one takes the copy, the others get clones.
        let mut left = vec![0usize; codes.len()];
        for (i, _) in &waiters {
            left[*i] += 1;
        }
        let wanted: Vec<IdCode> = codes
            .iter()
            .zip(&left)
            .filter(|(_, n)| **n > 0)
            .map(|(c, _)| c.clone())
            .collect();
        QUERIES.fetch_add(1, Ordering::Relaxed);
        match pool.with(|reg| reg.public_copies(&wanted)) {
            Ok(found) => {
                // A copy that could not be read fails its own lookups only (logged once).
                let mut found: HashMap<IdCode, Answer> = found
                    .into_iter()
                    .map(|(code, pc)| {
                        let pc = pc
                            .map(Some)
                            .map_err(|e| ApiError::internal("public_copies", e));
                        (code, pc)
                    })
                    .collect();
                for (i, tx) in waiters {
                    left[i] -= 1;
                    let answer = if left[i] == 0 {
                        found.remove(&codes[i])
                    } else {
                        found.get(&codes[i]).cloned()
                    };
                    // A waiter that has gone away does not matter to the others.
                    let _ = tx.send(answer.unwrap_or(Ok(None)));
                }
            }
            Err(e) => {
                let err = ApiError::internal("public_copies", e);
                for (_, tx) in waiters {
                    let _ = tx.send(Err(err.clone()));
                }
            }
        }
    }
}

/// A token bucket per client address: `per_minute` lookups, refilled continuously, with a burst
/// of a quarter minute's worth (at least 10). The buckets are spread over independently locked
/// shards by address, so concurrent clients rarely wait for one another.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    shards: Box<[Shard]>,
}

/// Per client: tokens left, and when they were counted.
type Shard = Mutex<HashMap<IpAddr, (f64, Instant)>>;

const LIMITER_SHARDS: usize = 32;
/// Clients remembered per shard before full buckets are forgotten.
const LIMITER_SHARD_CAP: usize = 100_000 / LIMITER_SHARDS;

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            shards: (0..LIMITER_SHARDS)
                .map(|_| Mutex::new(HashMap::new()))
                .collect(),
        }
    }

    fn shard(&self, ip: &IpAddr) -> &Shard {
        // FNV-1a over the address bytes: cheap, and spreads neighbouring addresses.
        let mut h: u32 = 0x811c_9dc5;
        let mut eat = |b: &[u8]| {
            for x in b {
                h = (h ^ u32::from(*x)).wrapping_mul(0x0100_0193);
            }
        };
        match ip {
            IpAddr::V4(a) => eat(&a.octets()),
            IpAddr::V6(a) => eat(&a.octets()),
        }
        &self.shards[h as usize % self.shards.len()]
    }

    /// Takes one token for `ip`; false when the client is over its limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let rate = f64::from(self.per_minute) / 60.0;
        let burst = (f64::from(self.per_minute) / 4.0).max(10.0);
        let now = Instant::now();
        let mut b = self.shard(&ip).lock().unwrap_or_else(|e| e.into_inner());
        if b.len() > LIMITER_SHARD_CAP {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_has_its_own_bucket() {
        let l = RateLimiter::new(12); // burst of 10
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let c: IpAddr = "2001:db8::1".parse().unwrap();
        assert!((0..10).all(|_| l.allow(a)));
        assert!(!l.allow(a), "11th lookup in a burst");
        assert!((0..10).all(|_| l.allow(b)));
        assert!(!l.allow(b));
        assert!((0..10).all(|_| l.allow(c)));
        assert!(!l.allow(c));
        let unlimited = RateLimiter::new(0);
        assert!((0..1000).all(|_| unlimited.allow(a)));
    }
}
