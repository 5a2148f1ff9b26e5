//! truecopy-seal: the keys and certificates that sign certified copies.
//!
//! - [`pki`]: [`init_dev_pki`] creates an idempotent development PKI (test root CA, agency
//!   seal certificate, officer certificates with passphrase-encrypted keys, ES256 key pairs for
//!   QR payloads and e-mail link tokens). Never for production.
//! - [`keys`]: loading PEM certificates and keys with errors that name the file and the fix,
//!   and the [`Signer`] trait (a key file now via [`SoftwareSigner`], a PKCS#11 token later).
//! - [`error`]: the error type, [`SealError`].
//!
//! All dev keys are ECDSA P-256; signers also accept RSA (PKCS#1 v1.5, SHA-256). PDF rendering
//! and PAdES signing live elsewhere and use [`Signer`].

pub mod error;
pub mod keys;
pub mod pki;
pub mod verdict;

pub use error::SealError;
pub use keys::{
    SignatureAlgorithm, Signer, SoftwareSigner, certificate_fingerprint_sha256,
    load_certificate_chain_pem, load_certificate_pem, load_private_key_pem, load_public_key_pem,
    subject_common_name,
};
pub use pki::{DEV_CA_COMMON_NAME, DevPkiOptions, DevPkiReport, OfficerSpec, init_dev_pki};
pub use verdict::{Reason, Verdict, verdict_of};
/// The parsed X.509 certificate type returned by the loaders.
pub use x509_cert::Certificate;
