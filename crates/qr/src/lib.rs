//! truecopy-qr: what the QR code on a certified copy holds, and how to check it offline.
//!
//! The QR text is the portal URL of the copy with a signed token:
//! `{public_url}/c/{code}?t={jws}`, where `jws` is a compact JWS (ES256, key id in the header)
//! over a short payload ([`QrPayload`]): the code, register number, document type, issue date,
//! issuing center, page count and a digest of the pages. Anyone holding the agency's QR public
//! key (published as a JWKS at `/.well-known/truecopy-keys`) can check a scanned code without
//! any network access. The exact format is in `docs/qr-format.md`.
//!
//! - issuing: [`QrSigner::from_pem`], [`QrSigner::sign`], [`qr_text`], [`qr_matrix`];
//! - checking: [`QrKeys`], [`verify_qr_text`], [`verify_token`] → [`QrReport`] with the
//!   verdicts and reason codes of `truecopy_seal::verdict`.
//!
//! Tokens carry no expiry: a certified copy does not expire. Revocation is an online check
//! (the portal's register), not something the QR can say.

mod error;
mod keys;
mod matrix;
mod payload;
mod verify;

pub use error::QrError;
pub use keys::{KID_LEN, QrKeys, QrSigner, kid_of, kid_of_public_pem};
pub use matrix::{
    MAX_QR_VERSION, QUIET_ZONE_MODULES, QrEcLevel, QrMatrix, qr_matrix, qr_matrix_at,
};
pub use payload::{MAX_CENTER_LEN, MAX_PAGE_COUNT, PAGES_DIGEST_LEN, PAYLOAD_VERSION, QrPayload};
pub use verify::{MAX_INPUT_LEN, QrReport, verify_qr_text, verify_token};

/// The text to put in the QR code: `{public_url}/c/{code}?t={jws}`.
///
/// `public_url` is the portal's base URL; its query and fragment are dropped and so is a
/// trailing `/` (a path prefix such as `https://host/portal` is kept). The code is written in
/// its compact 24-character form. `jws` comes from [`QrSigner::sign`] and is base64url text,
/// which needs no escaping in a query.
pub fn qr_text(public_url: &url::Url, payload: &QrPayload, jws: &str) -> String {
    let mut base = public_url.clone();
    base.set_query(None);
    base.set_fragment(None);
    format!(
        "{}/c/{}?t={}",
        base.as_str().trim_end_matches('/'),
        payload.code.as_str(),
        jws
    )
}
