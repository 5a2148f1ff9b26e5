//! Start-up shared by the binaries, in the order that keeps bad input harmless: configuration
//! (validated whole), then key files, then the database and blob store. Any problem found before
//! the database is opened leaves nothing written.
//!
//! Exit status: 0 success, 1 the operation failed (e.g. the audit chain is broken), 2 bad input,
//! configuration or environment (a [`StartupError`], or a usage error from clap).

use std::path::Path;
use std::process::ExitCode;

use truecopy_config::{Config, ConfigError, LogFormat};
use truecopy_registry::{BlobError, BlobStore, Registry, RegistryError};
use truecopy_seal::SealError;

/// A problem with configuration or environment, found before any work was done.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Keys(#[from] SealError),
    #[error(transparent)]
    Database(#[from] RegistryError),
    #[error(transparent)]
    Blobs(#[from] BlobError),
    #[error("{0}")]
    Usage(String),
}

/// Which key files a program needs before it starts.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyNeeds {
    pub ca: bool,
    pub seal: bool,
    pub qr_private: bool,
    pub qr_public: bool,
    pub token_private: bool,
    pub token_public: bool,
}

impl KeyNeeds {
    pub const ALL: KeyNeeds = KeyNeeds {
        ca: true,
        seal: true,
        qr_private: true,
        qr_public: true,
        token_private: true,
        token_public: true,
    };
    pub const NONE: KeyNeeds = KeyNeeds {
        ca: false,
        seal: false,
        qr_private: false,
        qr_public: false,
        token_private: false,
        token_public: false,
    };
}

/// Loads and validates the configuration and installs logging.
pub fn load_config(path: Option<&Path>, log_json: bool) -> Result<Config, StartupError> {
    let mut cfg = Config::load(path)?;
    if log_json {
        cfg.log_format = LogFormat::Json;
    }
    truecopy_config::logging::init(cfg.log_format, &cfg.log_level);
    Ok(cfg)
}

/// Checks that every needed key file is there, readable and well-formed (the seal key must match
/// its certificate). Reads only.
pub fn check_keys(cfg: &Config, needs: KeyNeeds) -> Result<(), StartupError> {
    let k = &cfg.keys;
    if needs.ca {
        truecopy_seal::load_certificate_pem(&k.ca_cert)?;
    }
    if needs.seal {
        truecopy_seal::SoftwareSigner::from_pem_files(&k.seal_key, &k.seal_cert)?;
    }
    if needs.qr_private {
        truecopy_seal::load_private_key_pem(&k.qr_key)?;
    }
    if needs.qr_public {
        truecopy_seal::load_public_key_pem(&k.qr_pub)?;
    }
    if needs.token_private {
        truecopy_seal::load_private_key_pem(&k.token_key)?;
    }
    if needs.token_public {
        truecopy_seal::load_public_key_pem(&k.token_pub)?;
    }
    Ok(())
}

/// Opens the system of record, applying pending migrations.
pub fn open_registry(cfg: &Config) -> Result<Registry, StartupError> {
    Ok(Registry::open(&cfg.database)?)
}

/// Opens the blob store.
pub fn open_blobs(cfg: &Config) -> Result<BlobStore, StartupError> {
    Ok(BlobStore::open(&cfg.blobs)?)
}

/// Prints an error as one line on stderr and picks the exit status.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let line = format!("{err:#}").replace('\n', " ");
    eprintln!("error: {line}");
    if err
        .chain()
        .any(|e| e.downcast_ref::<StartupError>().is_some())
    {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// What `doctor` found: every start-up check a service makes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorReport {
    pub lines: Vec<String>,
}

/// Runs the start-up checks of a program: keys, database (migrating it), blob store.
pub fn doctor(cfg: &Config, needs: KeyNeeds) -> Result<DoctorReport, StartupError> {
    let mut lines = Vec::new();
    lines.push(format!(
        "config    ok ({})",
        cfg.source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "built-in defaults and environment".into())
    ));
    check_keys(cfg, needs)?;
    lines.push(format!("keys      ok ({})", cfg.keys.dir.display()));
    let mut reg = open_registry(cfg)?;
    let pending = reg.connection().pending_migrations()?;
    lines.push(format!(
        "database  ok ({}, {} pending migrations)",
        cfg.database,
        pending.len()
    ));
    let blobs = open_blobs(cfg)?;
    lines.push(format!("blobs     ok ({})", blobs.target()));
    Ok(DoctorReport { lines })
}
