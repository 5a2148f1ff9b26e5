//! Connections to the system of record: one code path for SQLite and PostgreSQL through diesel's
//! `MultiConnection`, with migrations per backend embedded in the binary.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use truecopy_config::DatabaseUrl;

use crate::RegistryError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// A connection to either backend. Queries written against it run on both.
#[allow(missing_debug_implementations)]
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl DbConnection {
    /// Opens a connection; for SQLite, creates the file's directory first.
    pub fn open(url: &DatabaseUrl) -> Result<DbConnection, RegistryError> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| RegistryError::Connect {
                        target: url.redacted(),
                        reason: format!("cannot create directory {}: {e}", dir.display()),
                    })?;
                }
                let path_str = path.to_str().ok_or_else(|| RegistryError::Connect {
                    target: url.redacted(),
                    reason: "the path is not valid UTF-8".into(),
                })?;
                let mut c =
                    SqliteConnection::establish(path_str).map_err(|e| RegistryError::Connect {
                        target: url.redacted(),
                        reason: e.to_string(),
                    })?;
                // WAL lets the portal read while a kiosk writes; FULL sync because this is a
                // legal register; foreign keys are off by default in SQLite.
                c.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;",
                )
                .map_err(|e| RegistryError::Connect {
                    target: url.redacted(),
                    reason: e.to_string(),
                })?;
                Ok(DbConnection::Sqlite(c))
            }
            DatabaseUrl::Postgres(raw) => {
                let c = establish_pg(raw).map_err(|reason| RegistryError::Connect {
                    target: url.redacted(),
                    reason,
                })?;
                Ok(DbConnection::Postgres(c))
            }
        }
    }

    pub fn kind(&self) -> BackendKind {
        match self {
            DbConnection::Postgres(_) => BackendKind::Postgres,
            DbConnection::Sqlite(_) => BackendKind::Sqlite,
        }
    }

    /// Applies every pending migration; returns how many ran.
    pub fn run_pending_migrations(&mut self) -> Result<usize, RegistryError> {
        let ran = match self {
            DbConnection::Postgres(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        };
        ran.map_err(|e| RegistryError::Migration(e.to_string()))
    }

    /// Reverts every applied migration (newest first); returns how many were reverted.
    pub fn revert_all_migrations(&mut self) -> Result<usize, RegistryError> {
        let reverted = match self {
            DbConnection::Postgres(c) => c
                .revert_all_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
            DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        };
        reverted.map_err(|e| RegistryError::Migration(e.to_string()))
    }

    /// Names of migrations not yet applied.
    pub fn pending_migrations(&mut self) -> Result<Vec<String>, RegistryError> {
        let pending = match self {
            DbConnection::Postgres(c) => c
                .pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.name().to_string()).collect()),
            DbConnection::Sqlite(c) => c
                .pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.name().to_string()).collect()),
        };
        pending.map_err(|e| RegistryError::Migration(e.to_string()))
    }

    /// Runs `f` in a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so that concurrent
    /// writers queue on the busy timeout instead of failing when a read turns into a write;
    /// on PostgreSQL row locks taken by `f` do the queueing.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        match self {
            DbConnection::Sqlite(c) => {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
            }
            DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
        }
        match f(self) {
            Ok(v) => {
                <DbConnection as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(v)
            }
            Err(e) => {
                // The error that made us roll back is the one worth reporting.
                let _ =
                    <DbConnection as Connection>::TransactionManager::rollback_transaction(self);
                Err(e)
            }
        }
    }
}

fn establish_pg(raw: &str) -> Result<PgConnection, String> {
    // libpq waits for ever on an unreachable host unless told otherwise.
    let with_timeout = if raw.contains("connect_timeout=") {
        raw.to_string()
    } else if raw.contains('?') {
        format!("{raw}&connect_timeout=10")
    } else {
        format!("{raw}?connect_timeout=10")
    };
    let mut last = String::new();
    // A few quick retries ride out a server that is still starting.
    for attempt in 0..3 {
        match PgConnection::establish(&with_timeout) {
            Ok(c) => return Ok(c),
            Err(e) => {
                last = e.to_string().lines().next().unwrap_or_default().to_string();
                if attempt < 2 {
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    }
    Err(format!("{last} (is PostgreSQL running and the URL right?)"))
}
