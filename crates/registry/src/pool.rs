//! A small pool of [`Registry`] connections for servers (the portal): each request borrows one
//! connection for a blocking query (run it under `tokio::task::spawn_blocking`) and gives it
//! back when the guard drops. Connections are opened lazily up to `max`; a connection whose
//! query failed with a database error is dropped rather than reused.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use truecopy_config::DatabaseUrl;

use crate::{Registry, RegistryError};

struct Inner {
    url: DatabaseUrl,
    max: usize,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    idle: Vec<Registry>,
    open: usize,
}

/// A pool of registry connections; cheap to clone.
#[derive(Clone)]
#[allow(missing_debug_implementations)]
pub struct RegistryPool {
    inner: Arc<Inner>,
}

/// A borrowed connection; derefs to [`Registry`] and returns to the pool on drop.
#[allow(missing_debug_implementations)]
pub struct PooledRegistry {
    reg: Option<Registry>,
    pool: Arc<Inner>,
    broken: bool,
}

impl RegistryPool {
    /// Opens one connection (applying pending migrations) to check the database, then keeps it.
    pub fn open(url: &DatabaseUrl, max: usize) -> Result<RegistryPool, RegistryError> {
        let first = Registry::open(url)?;
        Ok(RegistryPool {
            inner: Arc::new(Inner {
                url: url.clone(),
                max: max.max(1),
                state: Mutex::new(State {
                    idle: vec![first],
                    open: 1,
                }),
                freed: Condvar::new(),
            }),
        })
    }

    /// Borrows a connection, opening one if none is idle and fewer than `max` are open, else
    /// waiting up to 30 s for one to be given back. Blocking.
    pub fn get(&self) -> Result<PooledRegistry, RegistryError> {
        let inner = &self.inner;
        let mut st = inner.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(reg) = st.idle.pop() {
                return Ok(PooledRegistry {
                    reg: Some(reg),
                    pool: inner.clone(),
                    broken: false,
                });
            }
            if st.open < inner.max {
                st.open += 1;
                drop(st);
                return match Registry::connect(&inner.url) {
                    Ok(reg) => Ok(PooledRegistry {
                        reg: Some(reg),
                        pool: inner.clone(),
                        broken: false,
                    }),
                    Err(e) => {
                        let mut st = inner.state.lock().unwrap_or_else(|e| e.into_inner());
                        st.open -= 1;
                        inner.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let (guard, timeout) = inner
                .freed
                .wait_timeout(st, Duration::from_secs(30))
                .unwrap_or_else(|e| e.into_inner());
            st = guard;
            if timeout.timed_out() && st.idle.is_empty() && st.open >= inner.max {
                return Err(RegistryError::Connect {
                    target: inner.url.redacted(),
                    reason: "no free connection in the pool within 30 s".into(),
                });
            }
        }
    }

    /// Connections open now (idle and borrowed).
    pub fn open_connections(&self) -> usize {
        self.inner.state.lock().map(|s| s.open).unwrap_or(0)
    }
}

impl PooledRegistry {
    /// Marks the connection as not to be reused (e.g. after a lost server connection).
    pub fn discard(&mut self) {
        self.broken = true;
    }
}

impl std::ops::Deref for PooledRegistry {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        self.reg.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for PooledRegistry {
    fn deref_mut(&mut self) -> &mut Registry {
        self.reg.as_mut().expect("present until drop")
    }
}

impl Drop for PooledRegistry {
    fn drop(&mut self) {
        let mut st = self.pool.state.lock().unwrap_or_else(|e| e.into_inner());
        match self.reg.take() {
            Some(reg) if !self.broken => st.idle.push(reg),
            _ => st.open -= 1,
        }
        self.pool.freed.notify_one();
    }
}
