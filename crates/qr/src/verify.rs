//! Offline verification of a scanned QR text or a bare token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::{Deserialize, Serialize};
use truecopy_domain::IdCode;
use truecopy_seal::{Reason, Verdict, verdict_of};

use crate::keys::KID_LEN;
use crate::payload::Claims;
use crate::{QrKeys, QrPayload};

/// Longest input the verifier reads (a version-15 QR holds at most 412 bytes).
pub const MAX_INPUT_LEN: usize = 4096;
/// Characters of an ES256 signature in base64url (64 bytes, no padding).
const SIGNATURE_B64_LEN: usize = 86;
/// Longest path segment accepted as the URL's code (a code is 24 characters, 29 grouped).
const MAX_URL_CODE_LEN: usize = 64;

/// What the verifier found.
///
/// `payload` is set only when the signature verified with a trusted key (even if the URL then
/// disagrees with it: [`Reason::QrMismatch`]); `kid` is the key id the token names (unverified
/// when the key is unknown); `url_code` is the code found in the URL path, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QrReport {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub payload: Option<QrPayload>,
    pub kid: Option<String>,
    pub url_code: Option<String>,
}

impl QrReport {
    fn new(reasons: Vec<Reason>) -> QrReport {
        QrReport {
            verdict: verdict_of(&reasons),
            reasons,
            payload: None,
            kid: None,
            url_code: None,
        }
    }

    fn malformed() -> QrReport {
        QrReport::new(vec![Reason::QrMalformed])
    }

    fn push(&mut self, reason: Reason) {
        self.reasons.push(reason);
        self.verdict = verdict_of(&self.reasons);
    }

    /// True when every check passed.
    pub fn is_passed(&self) -> bool {
        self.verdict == Verdict::Passed
    }
}

/// The protected header: exactly these two members.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    alg: String,
    kid: String,
}

fn is_b64url(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Verifies what a QR code holds: the portal URL `…/c/{code}?t={jws}` (or a bare token).
///
/// Never panics and reads at most [`MAX_INPUT_LEN`] bytes. Surrounding whitespace (a scanner's
/// trailing newline) is ignored. Besides the token's checks ([`verify_token`]), the URL must
/// be `http(s)`, its path must end in `/c/{code}`, its query must carry exactly one `t`, and
/// the code must be the payload's ([`Reason::QrMismatch`] otherwise). The URL's host is not
/// checked: the token is what is trusted, not the address.
pub fn verify_qr_text(text: &str, keys: &QrKeys) -> QrReport {
    if text.len() > MAX_INPUT_LEN {
        return QrReport::malformed();
    }
    let text = text.trim();
    if !text.contains("://") {
        return verify_token(text, keys);
    }
    let Ok(url) = url::Url::parse(text) else {
        return QrReport::malformed();
    };
    if !matches!(url.scheme(), "https" | "http") || url.fragment().is_some() {
        return QrReport::malformed();
    }
    let segments: Vec<&str> = match url.path_segments() {
        Some(s) => s.collect(),
        None => return QrReport::malformed(),
    };
    let url_code = match segments.as_slice() {
        [.., "c", code] if !code.is_empty() && code.len() <= MAX_URL_CODE_LEN => code.to_string(),
        _ => return QrReport::malformed(),
    };
    let mut tokens = url.query_pairs().filter(|(k, _)| k == "t").map(|(_, v)| v);
    let (Some(token), None) = (tokens.next(), tokens.next()) else {
        let mut report = QrReport::malformed();
        report.url_code = Some(url_code);
        return report;
    };
    let mut report = verify_token(&token, keys);
    if let Some(payload) = &report.payload
        && IdCode::parse(&url_code).ok().as_ref() != Some(&payload.code)
    {
        report.push(Reason::QrMismatch);
    }
    report.url_code = Some(url_code);
    report
}

/// Verifies a bare compact JWS (the `t` parameter of the QR URL).
///
/// In order, each failure ending the check:
/// 1. at most [`MAX_INPUT_LEN`] bytes, three non-empty base64url segments, a header that
///    decodes to exactly `{"alg":"ES256","kid":"<8 hex>"}` (any other `alg`, `none` and
///    HMAC included, any other member) and an 86-character signature → else
///    [`Reason::QrMalformed`] (FAILED);
/// 2. the `kid` is a trusted key → else [`Reason::QrUnknownKey`] (INDETERMINATE);
/// 3. the ES256 signature over `header.claims` (the segments as written) verifies → else
///    [`Reason::QrSignatureInvalid`] (FAILED);
/// 4. the claims are exactly the format's, with valid values → else [`Reason::QrMalformed`].
pub fn verify_token(jws: &str, keys: &QrKeys) -> QrReport {
    if jws.len() > MAX_INPUT_LEN {
        return QrReport::malformed();
    }
    let jws = jws.trim();
    let mut parts = jws.split('.');
    let (Some(h64), Some(c64), Some(s64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return QrReport::malformed();
    };
    if !(is_b64url(h64) && is_b64url(c64) && is_b64url(s64)) {
        return QrReport::malformed();
    }
    let Some(header) = URL_SAFE_NO_PAD
        .decode(h64)
        .ok()
        .and_then(|raw| serde_json::from_slice::<RawHeader>(&raw).ok())
    else {
        return QrReport::malformed();
    };
    let kid_ok = header.kid.len() == KID_LEN
        && header
            .kid
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if header.alg != "ES256" || !kid_ok {
        return QrReport::malformed();
    }
    // A truncated token usually loses part of its signature.
    let signature_ok =
        s64.len() == SIGNATURE_B64_LEN && URL_SAFE_NO_PAD.decode(s64).is_ok_and(|s| s.len() == 64);
    if !signature_ok {
        let mut report = QrReport::malformed();
        report.kid = Some(header.kid);
        return report;
    }
    let Some(trusted) = keys.get(&header.kid) else {
        let mut report = QrReport::new(vec![Reason::QrUnknownKey]);
        report.kid = Some(header.kid);
        return report;
    };
    let Some(message) = jws.get(..h64.len() + 1 + c64.len()) else {
        return QrReport::malformed();
    };
    let verified =
        jsonwebtoken::crypto::verify(s64, message.as_bytes(), &trusted.decoding, Algorithm::ES256);
    let mut report = match verified {
        Ok(true) => QrReport::new(Vec::new()),
        Ok(false) => QrReport::new(vec![Reason::QrSignatureInvalid]),
        Err(_) => QrReport::malformed(),
    };
    report.kid = Some(header.kid);
    if !report.reasons.is_empty() {
        return report;
    }
    let payload = URL_SAFE_NO_PAD
        .decode(c64)
        .ok()
        .and_then(|raw| serde_json::from_slice::<Claims>(&raw).ok())
        .and_then(QrPayload::from_claims);
    match payload {
        Some(p) => report.payload = Some(p),
        None => report.push(Reason::QrMalformed),
    }
    report
}
