//! The one error type of this crate.
//!
//! Every message is a single line that names the file involved and says how to fix the
//! problem. No message ever contains key material or a passphrase.

use std::io;
use std::path::{Path, PathBuf};

/// How to get key files when one is missing or unreadable.
pub(crate) const HINT_KEYS: &str =
    "create dev keys with `console keys init`, or set the path under [keys] in truecopy.toml";

/// Errors from generating, loading and using keys and certificates.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// A file could not be read (missing, permissions, ...).
    #[error("cannot read {what} {}: {source} ({hint})", path.display())]
    Read {
        /// What the file was supposed to hold ("private key", "certificate", ...).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
        /// How to fix it.
        hint: &'static str,
    },

    /// A file or directory could not be written.
    #[error("cannot write {}: {source} (check that the directory exists and is writable)", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: io::Error,
    },

    /// A file was read but its content is not what was expected.
    #[error("{what} {} is not usable: {reason} ({hint})", path.display())]
    Invalid {
        /// What the file was supposed to hold.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong (never contains key bytes).
        reason: String,
        /// How to fix it.
        hint: &'static str,
    },

    /// An encrypted private key did not decrypt with the passphrase given.
    #[error(
        "wrong passphrase for encrypted private key {} (check the officer's passphrase; a forgotten one cannot be recovered: issue a new key with `console keys init --force`)",
        path.display()
    )]
    WrongPassphrase {
        /// The encrypted key file.
        path: PathBuf,
    },

    /// A passphrase-protected key was given where a plain one is expected.
    #[error(
        "private key {} is encrypted (load it with its passphrase, or point the setting at an unencrypted PKCS#8 key)",
        path.display()
    )]
    KeyIsEncrypted {
        /// The key file.
        path: PathBuf,
    },

    /// A private key does not belong to the certificate it was paired with.
    #[error(
        "private key {} does not match certificate {} (pair each certificate with its own key, or regenerate dev keys with `console keys init --force`)",
        key_path.display(),
        cert_path.display()
    )]
    KeyMismatch {
        /// The key file.
        key_path: PathBuf,
        /// The certificate file.
        cert_path: PathBuf,
    },

    /// One half of a key/certificate pair exists without the other, so it cannot be completed
    /// without overwriting something.
    #[error(
        "{} exists but {} is missing (restore the missing file, or regenerate with `console keys init --force`)",
        existing.display(),
        missing.display()
    )]
    IncompletePair {
        /// The file that exists.
        existing: PathBuf,
        /// The file that is missing.
        missing: PathBuf,
    },

    /// A dev PKI option is not acceptable.
    #[error("invalid dev PKI option: {0}")]
    InvalidOption(String),

    /// Generating a key or certificate failed.
    #[error("cannot generate {what}: {reason} (this is a bug or a broken system RNG)")]
    Generate {
        /// What was being generated.
        what: String,
        /// The underlying error.
        reason: String,
    },

    /// Signing failed.
    #[error("signing failed: {0} (check the signing key and its device)")]
    Sign(String),
}

impl SealError {
    pub(crate) fn read(what: &'static str, path: &Path, source: io::Error) -> Self {
        SealError::Read {
            what,
            path: path.to_path_buf(),
            source,
            hint: HINT_KEYS,
        }
    }

    pub(crate) fn invalid(
        what: &'static str,
        path: &Path,
        reason: impl Into<String>,
        hint: &'static str,
    ) -> Self {
        SealError::Invalid {
            what,
            path: path.to_path_buf(),
            reason: one_line(&reason.into()),
            hint,
        }
    }

    pub(crate) fn write(path: &Path, source: io::Error) -> Self {
        SealError::Write {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn generate(what: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        SealError::Generate {
            what: what.into(),
            reason: one_line(&reason.to_string()),
        }
    }
}

/// Collapses any line breaks so a message stays on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
