//! The system of record of truecopy.
//!
//! - [`Registry`]: one connection to SQLite or PostgreSQL (diesel `MultiConnection`), with the
//!   queries beside their models: [`kiosk`], [`officer`], [`case`], [`copy`] (with register
//!   numbers, signatures and revocations), [`link`] (e-mail retrieval links), [`audit`].
//! - [`blobs`]: content-addressed storage for page images and issued PDFs (`object_store`).
//!
//! Every state change goes through the domain's state machines and appends to the hash-chained
//! audit log in the same transaction, so the log and the records never disagree.

pub mod audit;
pub mod blobs;
pub mod case;
pub mod copy;
pub mod db;
pub mod kiosk;
pub mod link;
pub mod officer;
pub mod schema;
pub mod stats;

use truecopy_config::DatabaseUrl;
use truecopy_domain::IllegalTransition;
use truecopy_domain::state::SameOfficer;

pub use audit::{AuditCheckpoint, AuditReport};
pub use blobs::{BlobError, BlobStore};
pub use case::{CaseRecord, CheckOutcome, FaceCrops, NewCase, PageRef};
pub use copy::{
    CoSigner, CopyRecord, IssueContext, IssueRequest, NewSignature, PublicCopy, RegisterEntry,
    RenderedCopy, RevocationRecord, SignatureRecord,
};
pub use db::{BackendKind, DbConnection};
pub use kiosk::KioskRecord;
pub use link::EmailLinkRecord;
pub use officer::{NewOfficer, OfficerRecord};
pub use stats::{CaseStatistics, DayStats, OfficerTimes};

/// Errors of the system of record. Messages are one line and say what to do where they can.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot open the database {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("{entity} {id} already exists")]
    AlreadyExists { entity: &'static str, id: String },
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    #[error(
        "{entity} {id} was changed by someone else meanwhile (now {now}); reload and decide again"
    )]
    Conflict {
        entity: &'static str,
        id: String,
        now: String,
    },
    #[error(transparent)]
    FourEyes(#[from] SameOfficer),
    #[error("invalid {what}: {problem}")]
    Invalid { what: &'static str, problem: String },
    #[error("stored {what} is unreadable: {problem}")]
    Corrupt { what: &'static str, problem: String },
    #[error("rendering the copy failed: {0}")]
    Render(Box<dyn std::error::Error + Send + Sync>),
}

impl RegistryError {
    /// Stable snake_case code, for JSON output and the portal.
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::Connect { .. } => "database_unreachable",
            RegistryError::Migration(_) => "migration_failed",
            RegistryError::Database(_) => "database_error",
            RegistryError::NotFound { .. } => "not_found",
            RegistryError::AlreadyExists { .. } => "already_exists",
            RegistryError::IllegalTransition(_) => "illegal_transition",
            RegistryError::Conflict { .. } => "conflict",
            RegistryError::FourEyes(_) => "four_eyes_required",
            RegistryError::Invalid { .. } => "invalid_input",
            RegistryError::Corrupt { .. } => "corrupt_record",
            RegistryError::Render(_) => "render_failed",
        }
    }
}

/// The system of record over one database connection.
#[allow(missing_debug_implementations)]
pub struct Registry {
    conn: DbConnection,
}

impl Registry {
    /// Connects and applies pending migrations.
    pub fn open(url: &DatabaseUrl) -> Result<Registry, RegistryError> {
        let mut conn = DbConnection::open(url)?;
        let ran = conn.run_pending_migrations()?;
        if ran > 0 {
            tracing::info!(migrations = ran, database = %url, "applied migrations");
        }
        Ok(Registry { conn })
    }

    /// Connects without touching the schema.
    pub fn connect(url: &DatabaseUrl) -> Result<Registry, RegistryError> {
        Ok(Registry {
            conn: DbConnection::open(url)?,
        })
    }

    pub fn backend(&self) -> BackendKind {
        self.conn.kind()
    }

    /// Checks that the database answers (`SELECT 1`).
    pub fn ping(&mut self) -> Result<(), RegistryError> {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
        Ok(())
    }

    /// The underlying connection, for maintenance (migrations) and tests.
    pub fn connection(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// The current time in the stored format.
pub(crate) fn now() -> String {
    truecopy_domain::timefmt::format(time::OffsetDateTime::now_utc())
}

/// The year of the register for an instant: the calendar year in Vietnam (UTC+7, no DST).
pub(crate) fn register_year(at: time::OffsetDateTime) -> i32 {
    at.to_offset(time::macros::offset!(+7)).year()
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String, RegistryError> {
    serde_json::to_string(v).map_err(|e| RegistryError::Invalid {
        what: "json",
        problem: e.to_string(),
    })
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    s: &str,
) -> Result<T, RegistryError> {
    serde_json::from_str(s).map_err(|e| RegistryError::Corrupt {
        what,
        problem: e.to_string(),
    })
}

pub(crate) fn parse_stored<T: std::str::FromStr>(
    what: &'static str,
    s: &str,
) -> Result<T, RegistryError>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| RegistryError::Corrupt {
        what,
        problem: e.to_string(),
    })
}

pub mod pool;
pub use pool::{PooledRegistry, RegistryPool};
