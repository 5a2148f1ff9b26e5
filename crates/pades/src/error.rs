//! The error type of signing and of loading a trust store.

use truecopy_seal::SealError;

/// Why a PDF could not be signed (or a trust store not loaded). Messages are one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PadesError {
    /// The input is not a PDF this signer can read.
    #[error("not a readable PDF: {0}")]
    NotAPdf(String),

    /// A valid PDF that uses something this signer does not handle.
    #[error("unsupported PDF: {0}")]
    Unsupported(String),

    /// A [`crate::SignOptions`] value is not acceptable.
    #[error("invalid signing option: {0}")]
    InvalidOption(String),

    /// The document already has a form field with the requested name.
    #[error("the document already has a field named {0:?} (choose another field name)")]
    FieldExists(String),

    /// The CMS signature is larger than the space reserved for it.
    #[error(
        "the signature needs {needed} bytes but only {reserve} are reserved (raise SignOptions::reserve)"
    )]
    ReserveTooSmall {
        /// Bytes of DER the CMS needs.
        needed: usize,
        /// Bytes reserved.
        reserve: usize,
    },

    /// The signer's certificate could not be parsed or encoded.
    #[error("signer certificate unusable: {0}")]
    Certificate(String),

    /// Building the CMS structure failed.
    #[error("cannot encode the CMS signature: {0}")]
    Cms(String),

    /// The signer or a key/certificate file failed.
    #[error(transparent)]
    Seal(#[from] SealError),
}
