//! The error type of this crate (for the issuing side; verification never errors, it reports).

/// Why a QR signer, key set, payload or symbol could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// A key is not what the QR format needs (a P-256 key, PKCS#8 private or SPKI public PEM,
    /// or a P-256 JWK).
    #[error("invalid QR key: {0}")]
    InvalidKey(String),
    /// The payload would not verify once signed (bad date, center id, page count…).
    #[error("invalid QR payload: {0}")]
    InvalidPayload(String),
    /// The signing library refused to sign.
    #[error("could not sign the QR payload: {0}")]
    Signing(String),
    /// The text needs a larger QR symbol than the format allows.
    #[error(
        "the QR text is {bytes} bytes and does not fit a QR code of version {max_version} or \
         lower at the chosen error correction level; shorten the portal's public URL or the \
         center id"
    )]
    TooLong { bytes: usize, max_version: u8 },
    /// Any other failure of the QR encoder.
    #[error("could not encode the QR code: {0}")]
    Encode(String),
}
