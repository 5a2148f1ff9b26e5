//! The signed payload: [`QrPayload`] and its short wire form (the JWS claims).

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truecopy_domain::{DocumentType, IdCode, RegisterNumber};

use crate::QrError;

/// The payload format version this crate writes and reads (claim `v`).
pub const PAYLOAD_VERSION: u8 = 1;
/// Bytes of the pages digest carried in the QR (claim `p`): the first 16 bytes (128 bits) of a
/// SHA-256, so that the whole URL fits a version-15 QR code at error correction M.
pub const PAGES_DIGEST_LEN: usize = 16;
/// Longest issuing-center short id (claim `i`).
pub const MAX_CENTER_LEN: usize = 16;
/// Largest page count a payload may state (claim `k`).
pub const MAX_PAGE_COUNT: u32 = 9999;

/// What the QR code of a certified copy states, signed by the agency's QR key.
///
/// In JSON (the verifier's report) every field is readable: the code in its compact form, the
/// register number as printed (`000123/Q01/2026-SCT/BS`), the pages digest in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrPayload {
    /// Payload format version, [`PAYLOAD_VERSION`].
    pub version: u8,
    /// The copy's identification code.
    pub code: IdCode,
    /// The register number (số chứng thực).
    #[serde(with = "register_text")]
    pub register_number: RegisterNumber,
    /// The kind of original.
    pub document_type: DocumentType,
    /// Day of issue, `YYYY-MM-DD` (the center's local date, as printed on the copy).
    pub issue_date: String,
    /// Short id of the issuing center, e.g. `TTPVHCC-HN`: 1 to 16 characters `A`–`Z`, `0`–`9`, `-`.
    pub center: String,
    /// [`QrPayload::pages_digest_of`] the copy's page digests.
    #[serde(with = "hex_digest")]
    pub pages_digest: [u8; PAGES_DIGEST_LEN],
    /// Number of pages of the copy.
    pub page_count: u32,
}

impl QrPayload {
    /// A version-[`PAYLOAD_VERSION`] payload for a copy whose pages have the given SHA-256
    /// digests (in page order); computes `pages_digest` and `page_count` from them.
    pub fn new(
        code: IdCode,
        register_number: RegisterNumber,
        document_type: DocumentType,
        issue_date: impl Into<String>,
        center: impl Into<String>,
        page_digests: &[[u8; 32]],
    ) -> QrPayload {
        QrPayload {
            version: PAYLOAD_VERSION,
            code,
            register_number,
            document_type,
            issue_date: issue_date.into(),
            center: center.into(),
            pages_digest: QrPayload::pages_digest_of(page_digests),
            page_count: u32::try_from(page_digests.len()).unwrap_or(u32::MAX),
        }
    }

    /// SHA-256 of one page (helper: the caller decides which bytes make a page, see the format
    /// document; they must not include the QR code itself).
    pub fn page_digest(page_bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(page_bytes).into()
    }

    /// The pages digest: `SHA-256(d₁ ‖ d₂ ‖ … ‖ dₖ)` where `dᵢ` is the 32-byte SHA-256 digest
    /// of page `i` (pages in order, digests concatenated as raw bytes, nothing in between),
    /// truncated to its first [`PAGES_DIGEST_LEN`] (16) bytes.
    pub fn pages_digest_of(page_digests: &[[u8; 32]]) -> [u8; PAGES_DIGEST_LEN] {
        let mut h = Sha256::new();
        for d in page_digests {
            h.update(d);
        }
        let full: [u8; 32] = h.finalize().into();
        let mut out = [0u8; PAGES_DIGEST_LEN];
        out.copy_from_slice(&full[..PAGES_DIGEST_LEN]);
        out
    }

    /// Checks what the verifier will check, so that the issuer never signs a payload that
    /// cannot verify.
    pub fn validate(&self) -> Result<(), QrError> {
        let bad = |m: String| Err(QrError::InvalidPayload(m));
        if self.version != PAYLOAD_VERSION {
            return bad(format!(
                "payload version {} (this build writes {PAYLOAD_VERSION})",
                self.version
            ));
        }
        if !valid_date(&self.issue_date) {
            return bad(format!(
                "issue date {:?} is not a date YYYY-MM-DD",
                truncate(&self.issue_date)
            ));
        }
        if !valid_center(&self.center) {
            return bad(format!(
                "center id {:?} must be 1 to {MAX_CENTER_LEN} characters A-Z, 0-9 or '-'",
                truncate(&self.center)
            ));
        }
        if !(1..=MAX_PAGE_COUNT).contains(&self.page_count) {
            return bad(format!(
                "page count {} is not in 1..={MAX_PAGE_COUNT}",
                self.page_count
            ));
        }
        let n = self.register_number.to_string();
        if RegisterNumber::from_str(&n).ok() != Some(self.register_number)
            || parse_compact_register(&compact_register(&self.register_number))
                != Some(self.register_number)
        {
            return bad(format!("register number {n} is not valid"));
        }
        Ok(())
    }

    pub(crate) fn to_claims(&self) -> Claims {
        Claims {
            v: self.version,
            c: self.code.as_str().to_string(),
            n: compact_register(&self.register_number),
            t: self.document_type.as_str().to_string(),
            d: self.issue_date.clone(),
            i: self.center.clone(),
            p: URL_SAFE_NO_PAD.encode(self.pages_digest),
            k: self.page_count,
        }
    }

    /// Reads verified claims; `None` when any claim breaks the format.
    pub(crate) fn from_claims(c: Claims) -> Option<QrPayload> {
        if c.v != PAYLOAD_VERSION {
            return None;
        }
        let code = IdCode::parse(&c.c).ok()?;
        if code.as_str() != c.c {
            return None;
        }
        let register_number = parse_compact_register(&c.n)?;
        let document_type = DocumentType::from_str(&c.t).ok()?;
        let digest = URL_SAFE_NO_PAD.decode(&c.p).ok()?;
        let pages_digest: [u8; PAGES_DIGEST_LEN] = digest.try_into().ok()?;
        let payload = QrPayload {
            version: c.v,
            code,
            register_number,
            document_type,
            issue_date: c.d,
            center: c.i,
            pages_digest,
            page_count: c.k,
        };
        payload.validate().ok()?;
        Some(payload)
    }
}

/// The JWS claims: one-letter names, in this order, nothing else.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Claims {
    pub v: u8,
    pub c: String,
    pub n: String,
    pub t: String,
    pub d: String,
    pub i: String,
    pub p: String,
    pub k: u32,
}

/// The register number in the claims: `{seq}/{book}/{year}`, decimal, no padding
/// (`000123/Q01/2026-SCT/BS` is `123/1/2026`; the rest of the printed form is constant).
fn compact_register(n: &RegisterNumber) -> String {
    format!("{}/{}/{}", n.seq, n.book, n.year)
}

fn parse_compact_register(s: &str) -> Option<RegisterNumber> {
    if s.len() > 40 {
        return None;
    }
    let mut parts = s.split('/');
    let (Some(seq), Some(book), Some(year), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let n = RegisterNumber::new(year.parse().ok()?, book.parse().ok()?, seq.parse().ok()?);
    // Canonical only: no sign, no leading zero, a real register number.
    (compact_register(&n) == s && n.seq >= 1 && (1000..=9999).contains(&n.year)).then_some(n)
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn valid_center(s: &str) -> bool {
    (1..=MAX_CENTER_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// `YYYY-MM-DD`, a real day of the Gregorian calendar, years 1000–9999.
fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter()
            .try_fold(0u32, |acc, d| Some(acc * 10 + u32::from(d - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1000 && (1..=days).contains(&d)
}

mod register_text {
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};
    use truecopy_domain::RegisterNumber;

    pub fn serialize<S: Serializer>(n: &RegisterNumber, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(n)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<RegisterNumber, D::Error> {
        let text = String::deserialize(d)?;
        RegisterNumber::from_str(&text).map_err(serde::de::Error::custom)
    }
}

mod hex_digest {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::PAGES_DIGEST_LEN;

    pub fn serialize<S: Serializer>(d: &[u8; PAGES_DIGEST_LEN], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<[u8; PAGES_DIGEST_LEN], D::Error> {
        let text = String::deserialize(d)?;
        let mut out = [0u8; PAGES_DIGEST_LEN];
        hex::decode_to_slice(&text, &mut out).map_err(serde::de::Error::custom)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in ["2026-03-14", "2024-02-29", "2000-02-29", "1999-12-31"] {
            assert!(valid_date(ok), "{ok}");
        }
        for bad in [
            "2026-3-14",
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-04-31",
            "26-03-14xx",
            "2026/03/14",
            "２０２６-03-14",
            "",
        ] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn compact_register_numbers() {
        let n = RegisterNumber::new(2026, 1, 123);
        assert_eq!(compact_register(&n), "123/1/2026");
        assert_eq!(parse_compact_register("123/1/2026"), Some(n));
        for bad in [
            "0123/1/2026",
            "123/01/2026",
            "+123/1/2026",
            "0/1/2026",
            "123/1/26",
            "123/1/2026/",
            "123/1",
            "123/70000/2026",
            "",
        ] {
            assert_eq!(parse_compact_register(bad), None, "{bad}");
        }
    }

    #[test]
    fn centers() {
        assert!(valid_center("TTPVHCC-HN"));
        assert!(!valid_center(""));
        assert!(!valid_center("ttpvhcc"));
        assert!(!valid_center("TTPVHCC HN"));
        assert!(!valid_center("ABCDEFGHIJKLMNOPQ"));
    }

    #[test]
    fn pages_digest_is_truncated_sha256_of_concatenation() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        let mut cat = Vec::new();
        cat.extend_from_slice(&a);
        cat.extend_from_slice(&b);
        let full = Sha256::digest(&cat);
        assert_eq!(QrPayload::pages_digest_of(&[a, b])[..], full[..16]);
        assert_ne!(
            QrPayload::pages_digest_of(&[a, b]),
            QrPayload::pages_digest_of(&[b, a])
        );
    }
}
