//! A small pool of [`Registry`] connections for servers (the portal).
//!
//! The pool is a fixed array of slots, each a mutex around at most one connection, opened
//! lazily. A thread prefers "its" slot (chosen once per thread), so the few threads that serve
//! requests each keep using their own connection without contending with one another: an
//! uncontended lock is one atomic operation, there is no shared free list, no condition
//! variable and no hand-off between threads. When its slot is busy a thread takes any free
//! slot, and only when every slot is busy does it wait for its own.
//!
//! [`RegistryPool::with`] runs a closure on a connection in place (short reads may run on the
//! calling thread, e.g. an async worker for an embedded SQLite read); [`RegistryPool::get`]
//! borrows a connection as a guard. A connection whose query failed with a database error is
//! dropped rather than reused ([`PooledRegistry::discard`], or `Err(Discard)` from `with`).

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use truecopy_config::DatabaseUrl;

use crate::{BackendKind, Registry, RegistryError};

struct Inner {
    url: DatabaseUrl,
    backend: BackendKind,
    slots: Box<[Mutex<Option<Registry>>]>,
    open: AtomicUsize,
}

/// A pool of registry connections; cheap to clone.
#[derive(Clone)]
#[allow(missing_debug_implementations)]
pub struct RegistryPool {
    inner: Arc<Inner>,
}

/// A borrowed connection; derefs to [`Registry`] and returns to the pool on drop.
#[allow(missing_debug_implementations)]
pub struct PooledRegistry<'a> {
    slot: MutexGuard<'a, Option<Registry>>,
    open: &'a AtomicUsize,
    broken: bool,
}

/// Bytes of an SQLite database the pool's connections read through a memory map.
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

/// Opens a pooled connection. SQLite connections read the database through a memory map
/// (`PRAGMA mmap_size`): a lookup's pages come straight from the OS page cache instead of one
/// `pread` each on every read transaction; writes still go through the usual path.
fn connect(url: &DatabaseUrl) -> Result<Registry, RegistryError> {
    let mut reg = Registry::connect(url)?;
    tune(url, &mut reg)?;
    Ok(reg)
}

fn tune(url: &DatabaseUrl, reg: &mut Registry) -> Result<(), RegistryError> {
    use diesel::connection::SimpleConnection;
    let sql = match reg.backend() {
        BackendKind::Sqlite => format!("PRAGMA mmap_size = {SQLITE_MMAP_BYTES};"),
        // Servers answer requests on the thread that reads: a stalled statement must fail
        // (and the request get its 503) rather than hold that thread's other requests.
        BackendKind::Postgres => {
            format!("SET statement_timeout = {POSTGRES_STATEMENT_TIMEOUT_MS};")
        }
    };
    reg.connection()
        .batch_execute(&sql)
        .map_err(|e| RegistryError::Connect {
            target: url.redacted(),
            reason: e.to_string(),
        })
}

/// Longest a pooled PostgreSQL statement may run (a lookup takes well under a millisecond).
const POSTGRES_STATEMENT_TIMEOUT_MS: u32 = 5_000;

/// The slot a thread tries first: threads are numbered as they first use a pool.
fn preferred_slot(n: usize) -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: Cell<Option<usize>> = const { Cell::new(None) };
    }
    let i = INDEX.with(|c| match c.get() {
        Some(i) => i,
        None => {
            let i = NEXT.fetch_add(1, Ordering::Relaxed);
            c.set(Some(i));
            i
        }
    });
    i % n
}

impl RegistryPool {
    /// Opens one connection (applying pending migrations) to check the database, then keeps it.
    /// At most `max` (at least 1) connections are open at once.
    pub fn open(url: &DatabaseUrl, max: usize) -> Result<RegistryPool, RegistryError> {
        let mut first = Registry::open(url)?;
        tune(url, &mut first)?;
        let backend = first.backend();
        let slots: Box<[Mutex<Option<Registry>>]> =
            (0..max.max(1)).map(|_| Mutex::new(None)).collect();
        let pool = RegistryPool {
            inner: Arc::new(Inner {
                url: url.clone(),
                backend,
                slots,
                open: AtomicUsize::new(1),
            }),
        };
        *pool.lock_slot(preferred_slot(pool.inner.slots.len())) = Some(first);
        Ok(pool)
    }

    /// The backend the pool's connections talk to.
    pub fn backend(&self) -> BackendKind {
        self.inner.backend
    }

    fn lock_slot(&self, i: usize) -> MutexGuard<'_, Option<Registry>> {
        // A panic while a connection was borrowed leaves nothing half-done in the database
        // (transactions roll back when not committed), so a poisoned slot is still usable.
        self.inner.slots[i]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Borrows a connection: the calling thread's own slot if free, else any free slot, else
    /// waits for its own slot. Opens the slot's connection if it has none. Blocking.
    pub fn get(&self) -> Result<PooledRegistry<'_>, RegistryError> {
        let slots = &self.inner.slots;
        let first = preferred_slot(slots.len());
        let mut guard = None;
        for k in 0..slots.len() {
            match slots[(first + k) % slots.len()].try_lock() {
                Ok(g) => {
                    guard = Some(g);
                    break;
                }
                Err(TryLockError::Poisoned(e)) => {
                    guard = Some(e.into_inner());
                    break;
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let mut slot = match guard {
            Some(g) => g,
            None => self.lock_slot(first),
        };
        if slot.is_none() {
            *slot = Some(connect(&self.inner.url)?);
            self.inner.open.fetch_add(1, Ordering::Relaxed);
        }
        Ok(PooledRegistry {
            slot,
            open: &self.inner.open,
            broken: false,
        })
    }

    /// Runs `f` on a pooled connection (see [`RegistryPool::get`]), on the calling thread.
    /// When `f` fails with a database error the connection is closed rather than reused (it
    /// may have lost its server); the next use opens a new one.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Registry) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let mut reg = self.get()?;
        let out = f(&mut reg);
        if let Err(RegistryError::Database(_)) = &out {
            reg.discard();
        }
        out
    }

    /// Connections open now (idle and borrowed).
    pub fn open_connections(&self) -> usize {
        self.inner.open.load(Ordering::Relaxed)
    }
}

impl PooledRegistry<'_> {
    /// Marks the connection as not to be reused (e.g. after a lost server connection).
    pub fn discard(&mut self) {
        self.broken = true;
    }
}

impl std::ops::Deref for PooledRegistry<'_> {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        self.slot.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for PooledRegistry<'_> {
    fn deref_mut(&mut self) -> &mut Registry {
        self.slot.as_mut().expect("present until drop")
    }
}

impl Drop for PooledRegistry<'_> {
    fn drop(&mut self) {
        if self.broken && self.slot.take().is_some() {
            self.open.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(max: usize) -> (tempfile::TempDir, RegistryPool) {
        let dir = tempfile::tempdir().expect("tmp");
        let url = DatabaseUrl::Sqlite(dir.path().join("r.sqlite3"));
        let pool = RegistryPool::open(&url, max).expect("pool");
        (dir, pool)
    }

    #[test]
    fn connections_are_reused_and_bounded() {
        let (_d, pool) = pool(3);
        assert_eq!(pool.open_connections(), 1);
        for _ in 0..10 {
            pool.get().expect("get").ping().expect("ping");
        }
        // One thread, one slot: still the first connection.
        assert_eq!(pool.open_connections(), 1);
        let a = pool.get().expect("a");
        let b = pool.get().expect("b");
        let c = pool.get().expect("c");
        assert_eq!(pool.open_connections(), 3);
        drop((a, b, c));
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..50 {
                        pool.get().expect("get").ping().expect("ping");
                    }
                });
            }
        });
        assert!(pool.open_connections() <= 3, "{}", pool.open_connections());
    }

    /// The SQLite compiled in (`.cargo/config.toml`): multi-thread mode, no global memory
    /// statistics. Fails if the build picked up another SQLite or lost the flags.
    #[test]
    fn sqlite_is_the_compiled_in_build() {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Opt {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        #[derive(diesel::QueryableByName)]
        struct Version {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let (_d, pool) = pool(1);
        let mut reg = pool.get().expect("connection");
        let opts: Vec<String> = diesel::sql_query("PRAGMA compile_options")
            .load::<Opt>(reg.connection())
            .expect("compile_options")
            .into_iter()
            .map(|o| o.compile_options)
            .collect();
        for want in ["THREADSAFE=2", "DEFAULT_MEMSTATUS=0"] {
            assert!(
                opts.iter().any(|o| o == want),
                "{want} missing from {opts:?}"
            );
        }
        let v = diesel::sql_query("SELECT sqlite_version() AS v")
            .get_result::<Version>(reg.connection())
            .expect("version")
            .v;
        assert_eq!(v, libsqlite3_sys::SQLITE_VERSION.to_str().expect("utf-8"));
    }

    #[test]
    fn sqlite_connections_read_through_a_memory_map() {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Mmap {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            mmap_size: i64,
        }
        let (_d, pool) = pool(2);
        let read = |r: &mut Registry| -> i64 {
            diesel::sql_query("PRAGMA mmap_size")
                .get_result::<Mmap>(r.connection())
                .expect("pragma")
                .mmap_size
        };
        assert_eq!(
            read(&mut pool.get().expect("first")),
            SQLITE_MMAP_BYTES as i64
        );
        let _held = pool.get().expect("first again");
        assert_eq!(
            read(&mut pool.get().expect("second")),
            SQLITE_MMAP_BYTES as i64
        );
    }

    #[test]
    fn a_discarded_connection_is_closed_and_replaced() {
        let (_d, pool) = pool(2);
        let mut r = pool.get().expect("get");
        r.discard();
        drop(r);
        assert_eq!(pool.open_connections(), 0);
        // A failed query (here: no such table) is a database error: the connection goes.
        let err = pool.with(|r| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT * FROM no_such_table").execute(r.connection())?;
            Ok(())
        });
        assert!(matches!(err, Err(RegistryError::Database(_))), "{err:?}");
        assert_eq!(pool.open_connections(), 0);
        // Other errors keep it.
        let err = pool.with(|r| {
            r.ping()?;
            Err::<(), _>(RegistryError::NotFound {
                entity: "copy",
                id: "x".into(),
            })
        });
        assert!(matches!(err, Err(RegistryError::NotFound { .. })));
        assert_eq!(pool.open_connections(), 1);
        pool.with(|r| r.ping()).expect("reconnected");
        assert_eq!(pool.open_connections(), 1);
    }
}
