//! Verification of the signatures in a PDF.

use std::collections::HashSet;
use std::path::Path;

use der::Decode;
use der::Encode;
use der::asn1::{ObjectIdentifier, OctetString};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use truecopy_seal::{Reason, Verdict, certificate_fingerprint_sha256, verdict_of};
use x509_cert::Certificate;

use crate::chain;
use crate::cms_sig::{
    self, CryptoError, OID_CONTENT_TYPE, OID_DATA, OID_MESSAGE_DIGEST, OID_SHA256,
    OID_SIGNING_CERT_V2, SigningCertificateV2,
};
use crate::diff;
use crate::doc::{Doc, DocError};
use crate::error::PadesError;
use crate::syntax::{Dict, Obj, decode_hex_lenient};

/// Files larger than this are refused with [`Reason::TooLarge`].
pub const MAX_PDF_SIZE: usize = 64 << 20;
/// At most this many signatures are checked.
const MAX_SIGNATURES: usize = 32;
/// At most this many form-field nodes are visited (all revisions together).
const MAX_FIELD_NODES: usize = 20_000;

/// The root certificates signatures must chain to.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
}

impl TrustStore {
    /// Loads every certificate of the given PEM files.
    pub fn from_pem_files<P: AsRef<Path>>(paths: &[P]) -> Result<Self, PadesError> {
        let mut roots = Vec::new();
        for p in paths {
            roots.extend(truecopy_seal::load_certificate_chain_pem(p)?);
        }
        Ok(TrustStore { roots })
    }

    /// A trust store of these root certificates.
    pub fn from_certificates(roots: Vec<Certificate>) -> Self {
        TrustStore { roots }
    }

    /// The root certificates.
    pub fn certificates(&self) -> &[Certificate] {
        &self.roots
    }
}

/// The result of [`verify_pdf`].
#[derive(Debug, Clone, Serialize)]
pub struct PdfReport {
    /// The worst verdict of all signatures (FAILED when unsigned or unreadable).
    pub verdict: Verdict,
    /// Every reason found, without repetition.
    pub reasons: Vec<Reason>,
    /// One report per signature, in signing order.
    pub signatures: Vec<SignatureReport>,
    /// Number of revisions (the original file plus each incremental update).
    pub revisions: usize,
    /// `/Keywords` of the document information dictionary (latest revision).
    pub info_keywords: Option<String>,
}

/// The checks of one signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// Fully qualified field name.
    pub field: String,
    /// The signer certificate's common name (the full subject when it has none).
    pub signer_subject: String,
    /// The signer certificate's organization.
    pub signer_organization: Option<String>,
    /// SHA-256 of the signer certificate, lower-case hex (empty when not found).
    pub signer_cert_sha256: String,
    /// Subjects (RFC 4514) from the signer up to the root, as far as the path was built.
    pub chain: Vec<String>,
    /// The path ends at a certificate of the trust store.
    pub trusted: bool,
    /// `/M` of the signature dictionary, ISO 8601.
    pub signing_time: Option<String>,
    /// Digest and cryptographic signature both verified.
    pub intact: bool,
    /// The signed bytes are the whole file up to the end of this signature's revision,
    /// except the `/Contents` value.
    pub covers_revision: bool,
    /// Changes made by later incremental updates that a further signature does not explain.
    pub modified_after: Vec<String>,
    /// This signature's verdict.
    pub verdict: Verdict,
    /// Why it is not PASSED.
    pub reasons: Vec<Reason>,
}

impl PdfReport {
    fn failed(reason: Reason, revisions: usize, info_keywords: Option<String>) -> Self {
        PdfReport {
            verdict: reason.verdict(),
            reasons: vec![reason],
            signatures: Vec::new(),
            revisions,
            info_keywords,
        }
    }
}

/// Verifies every signature of `bytes` against `trust`, checking certificate validity at
/// the signing time (`/M`, or `now` when absent). Never panics; work is bounded.
pub fn verify_pdf(bytes: &[u8], trust: &TrustStore, now: OffsetDateTime) -> PdfReport {
    if bytes.len() > MAX_PDF_SIZE {
        return PdfReport::failed(Reason::TooLarge, 0, None);
    }
    let doc = match Doc::parse(bytes) {
        Ok(d) => d,
        Err(DocError::NotAPdf(_)) => return PdfReport::failed(Reason::NotAPdf, 0, None),
        // Cross-reference streams are not read: nothing can be established.
        Err(DocError::XrefStream) => {
            return PdfReport::failed(Reason::UnsupportedStructure, 0, None);
        }
    };
    let top = doc.revs.len() - 1;
    let info_keywords = doc.revs[top]
        .trailer
        .get(b"Info")
        .and_then(|i| doc.dict(i, top))
        .and_then(|d| d.get(b"Keywords").and_then(Obj::text));
    if doc.catalog(top).is_none() {
        return PdfReport::failed(Reason::NotAPdf, doc.revs.len(), info_keywords);
    }

    let found = find_signatures(&doc);
    if found.is_empty() {
        return PdfReport::failed(Reason::NotSigned, doc.revs.len(), info_keywords);
    }
    // Changes of each later revision, computed once.
    let mut budget = diff::MAX_OBJECTS;
    let changes: Vec<Vec<String>> = (0..doc.revs.len())
        .map(|r| {
            if r == 0 {
                Vec::new()
            } else {
                diff::revision_changes(&doc, r, &mut budget)
            }
        })
        .collect();
    let trailing = diff::trailing_data(&doc);

    let mut signatures: Vec<(usize, SignatureReport)> = found
        .iter()
        .map(|f| check(&doc, f, trust, now, &changes, trailing.as_deref()))
        .collect();
    signatures.sort_by_key(|(end, _)| *end);
    let signatures: Vec<SignatureReport> = signatures.into_iter().map(|(_, s)| s).collect();

    let mut reasons: Vec<Reason> = Vec::new();
    for s in &signatures {
        for r in &s.reasons {
            if !reasons.contains(r) {
                reasons.push(*r);
            }
        }
    }
    PdfReport {
        verdict: verdict_of(&reasons),
        reasons,
        signatures,
        revisions: doc.revs.len(),
        info_keywords,
    }
}

/// A signature field with its signature dictionary.
#[derive(Debug)]
struct Found<'a> {
    field: String,
    sig: Dict<'a>,
}

/// Signature fields reachable from the AcroForm of any revision, one per signature
/// dictionary (identified by the position of its `/Contents`).
fn find_signatures<'a>(doc: &Doc<'a>) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut nodes = 0;
    for r in (0..doc.revs.len()).rev() {
        let Some((_, cat)) = doc.catalog(r) else {
            continue;
        };
        let Some(af) = cat.get(b"AcroForm").and_then(|a| doc.dict(a, r)) else {
            continue;
        };
        let Some(fields) = af.get(b"Fields").and_then(|f| doc.array(f, r)) else {
            continue;
        };
        let mut stack: Vec<(Obj<'a>, String, bool, usize)> = fields
            .into_iter()
            .rev()
            .map(|f| (f, String::new(), false, 0))
            .collect();
        let mut visited: HashSet<u32> = HashSet::new();
        while let Some((obj, parent, parent_sig, depth)) = stack.pop() {
            nodes += 1;
            if nodes > MAX_FIELD_NODES || depth > 32 || out.len() >= MAX_SIGNATURES {
                break;
            }
            if let Obj::Ref(n, _) = obj
                && !visited.insert(n)
            {
                continue;
            }
            let Some(d) = doc.dict(&obj, r) else { continue };
            let name = match d.get(b"T").and_then(Obj::text) {
                Some(t) if parent.is_empty() => t,
                Some(t) => format!("{parent}.{t}"),
                None => parent.clone(),
            };
            let is_sig = match d.name(b"FT") {
                Some(ft) => ft.as_ref() == b"Sig",
                None => parent_sig,
            };
            if is_sig
                && let Some(v) = d.get(b"V")
                && let Some(sig) = doc.dict(v, r)
            {
                let key = match sig.get(b"Contents") {
                    Some(Obj::Str { start, .. }) => *start,
                    _ => usize::MAX - out.len(),
                };
                if seen.insert(key) {
                    out.push(Found {
                        field: name.clone(),
                        sig,
                    });
                }
            }
            if let Some(kids) = d.get(b"Kids").and_then(|k| doc.array(k, r)) {
                for kid in kids.into_iter().rev() {
                    stack.push((kid, name.clone(), is_sig, depth + 1));
                }
            }
        }
    }
    out
}

/// Checks one signature; returns the end of its signed range (for ordering) and the report.
fn check(
    doc: &Doc<'_>,
    found: &Found<'_>,
    trust: &TrustStore,
    now: OffsetDateTime,
    changes: &[Vec<String>],
    trailing: Option<&str>,
) -> (usize, SignatureReport) {
    let buf = doc.buf;
    let sig = &found.sig;
    let mut reasons: Vec<Reason> = Vec::new();
    let add = |reasons: &mut Vec<Reason>, r: Reason| {
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    };
    let signing_time = sig
        .get(b"M")
        .and_then(Obj::text)
        .and_then(|m| parse_pdf_date(&m));
    let mut report = SignatureReport {
        field: found.field.clone(),
        signer_subject: String::new(),
        signer_organization: None,
        signer_cert_sha256: String::new(),
        chain: Vec::new(),
        trusted: false,
        signing_time: signing_time.and_then(|t| t.format(&Rfc3339).ok()),
        intact: false,
        covers_revision: false,
        modified_after: Vec::new(),
        verdict: Verdict::Failed,
        reasons: Vec::new(),
    };

    // /ByteRange and /Contents.
    let byte_range: Option<Vec<usize>> = sig.get(b"ByteRange").and_then(Obj::as_array).map(|a| {
        a.iter()
            .filter_map(|o| o.as_int().and_then(|v| usize::try_from(v).ok()))
            .collect()
    });
    let contents = match sig.get(b"Contents") {
        Some(Obj::Str { raw, start }) => Some((*start, *start + raw.len(), *raw)),
        _ => None,
    };
    let subfilter = sig.name(b"SubFilter");
    let supported = matches!(
        subfilter.as_deref(),
        Some(b"ETSI.CAdES.detached" | b"adbe.pkcs7.detached")
    );
    let (Some(br), Some((c_start, c_end, c_raw))) = (byte_range, contents) else {
        add(&mut reasons, Reason::SignatureMalformed);
        return finish(report, reasons, 0);
    };
    let well_formed = br.len() == 4
        && br[1] <= br[2]
        && br[2].checked_add(br[3]).is_some_and(|e| e <= buf.len())
        && br[0].checked_add(br[1]).is_some_and(|e| e <= br[2]);
    if !well_formed {
        add(&mut reasons, Reason::SignatureMalformed);
        return finish(report, reasons, 0);
    }
    let end = br[2] + br[3];
    // The hole must be exactly this dictionary's /Contents, the range must start at 0.
    if br[0] != 0 || br[0] + br[1] != c_start || br[2] != c_end {
        add(&mut reasons, Reason::IncompleteCoverage);
    }

    // The revision this signature covers, and what came after it.
    let covered = doc
        .revs
        .iter()
        .position(|r| r.eof_end.is_some_and(|e| e <= end) && end <= r.end);
    report.covers_revision = covered.is_some() && !reasons.contains(&Reason::IncompleteCoverage);
    if covered.is_none() {
        add(&mut reasons, Reason::IncompleteCoverage);
    }
    let later_from = match covered {
        Some(k) => Some(k + 1),
        None => doc.revs.iter().position(|r| r.xref_offset >= end),
    };
    if let Some(from) = later_from {
        for c in changes.iter().skip(from) {
            for d in c {
                if !report.modified_after.contains(d) {
                    report.modified_after.push(d.clone());
                }
            }
        }
    }
    if covered.is_none() && later_from == Some(0) {
        report
            .modified_after
            .push("the signed revision is not part of the document's revision chain".into());
    }
    if let Some(t) = trailing {
        report.modified_after.push(t.to_string());
    }
    if !report.modified_after.is_empty() {
        add(&mut reasons, Reason::ModifiedAfterSigning);
    }

    if !supported {
        add(&mut reasons, Reason::UnsupportedAlgorithm);
        return finish(report, reasons, end);
    }

    // The CMS.
    let hex = c_raw
        .get(1..c_raw.len().saturating_sub(1))
        .unwrap_or_default();
    let der = decode_hex_lenient(hex);
    let Some(cms) = cms_sig::parse(&der) else {
        add(&mut reasons, Reason::SignatureMalformed);
        return finish(report, reasons, end);
    };
    let si = &cms.signer_info;
    let digest_oid = si.digest_alg.oid;
    let ranges = [&buf[br[0]..br[0] + br[1]], &buf[br[2]..end]];
    let Some(computed) = cms_sig::hash(&digest_oid, &ranges) else {
        add(&mut reasons, Reason::UnsupportedAlgorithm);
        return finish(report, reasons, end);
    };

    // The signer's certificate.
    let signer_cert = find_signer(&cms.certificates, &si.sid);
    let Some(cert) = signer_cert else {
        add(&mut reasons, Reason::SignatureMalformed);
        return finish(report, reasons, end);
    };
    let cert_der = cert.to_der().unwrap_or_default();
    report.signer_cert_sha256 = certificate_fingerprint_sha256(&cert_der);
    report.signer_subject =
        chain::common_name(cert).unwrap_or_else(|| cert.tbs_certificate.subject.to_string());
    report.signer_organization = chain::organization(cert);

    // Signed attributes: content type, message digest, signing certificate.
    let Some(attrs) = &si.signed_attrs else {
        add(&mut reasons, Reason::SignatureMalformed);
        return finish(report, reasons, end);
    };
    let attr = |oid: ObjectIdentifier| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.get(0))
    };
    let content_type_ok = attr(OID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        .is_some_and(|o| o == OID_DATA);
    let message_digest = attr(OID_MESSAGE_DIGEST).and_then(|v| v.decode_as::<OctetString>().ok());
    let digest_ok = match &message_digest {
        Some(md) => md.as_bytes() == computed.as_slice(),
        None => false,
    };
    if !content_type_ok || message_digest.is_none() {
        add(&mut reasons, Reason::SignatureMalformed);
    } else if !digest_ok {
        add(&mut reasons, Reason::DigestMismatch);
    }
    if let Some(v) = attr(OID_SIGNING_CERT_V2) {
        let ok = v
            .to_der()
            .ok()
            .and_then(|d| SigningCertificateV2::from_der(&d).ok())
            .is_some_and(|sc| {
                sc.certs.first().is_some_and(|id| {
                    let alg = id.hash_algorithm.as_ref().map_or(OID_SHA256, |a| a.oid);
                    cms_sig::hash(&alg, &[&cert_der]).as_deref() == Some(id.cert_hash.as_bytes())
                })
            });
        if !ok {
            add(&mut reasons, Reason::SignatureInvalid);
        }
    }

    // The signature over the signed attributes.
    let signature_ok = match attrs.to_der() {
        Ok(attrs_der) => match cms_sig::verify_signature(
            &cert.tbs_certificate.subject_public_key_info,
            &si.signature_algorithm.oid,
            Some(&digest_oid),
            &attrs_der,
            si.signature.as_bytes(),
        ) {
            Ok(()) => true,
            Err(CryptoError::Invalid) => {
                add(&mut reasons, Reason::SignatureInvalid);
                false
            }
            Err(CryptoError::Unsupported) => {
                add(&mut reasons, Reason::UnsupportedAlgorithm);
                false
            }
        },
        Err(_) => {
            add(&mut reasons, Reason::SignatureMalformed);
            false
        }
    };
    report.intact = digest_ok && signature_ok;

    // The certificate path.
    let at = signing_time.unwrap_or(now);
    let path = chain::build(cert, &cms.certificates, &trust.roots, at);
    report.chain = path.subjects;
    report.trusted = path.trusted;
    if !path.trusted {
        add(&mut reasons, Reason::UntrustedSigner);
    }
    if path.expired {
        add(&mut reasons, Reason::CertificateExpired);
    }
    finish(report, reasons, end)
}

fn finish(
    mut report: SignatureReport,
    reasons: Vec<Reason>,
    end: usize,
) -> (usize, SignatureReport) {
    report.verdict = verdict_of(&reasons);
    report.reasons = reasons;
    (end, report)
}

fn find_signer<'c>(
    certs: &'c [Certificate],
    sid: &cms::signed_data::SignerIdentifier,
) -> Option<&'c Certificate> {
    use cms::signed_data::SignerIdentifier;
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs.iter().find(|c| {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(ski) => certs.iter().find(|c| {
            let ski_oid = ObjectIdentifier::new_unwrap("2.5.29.14");
            c.tbs_certificate
                .extensions
                .iter()
                .flatten()
                .filter(|e| e.extn_id == ski_oid)
                .any(|e| {
                    x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(e.extn_value.as_bytes())
                        .is_ok_and(|s| s == *ski)
                })
        }),
    }
}

/// Parses a PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, later parts optional).
pub(crate) fn parse_pdf_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let s = s.strip_prefix("D:").unwrap_or(s);
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| {
            part.iter()
                .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    let field = |from: usize, default: u32| {
        if b.get(from).is_some_and(u8::is_ascii_digit) {
            num(from, 2)
        } else {
            Some(default)
        }
    };
    let month = field(4, 1)?;
    let day = field(6, 1)?;
    let hour = field(8, 0)?;
    let minute = field(10, 0)?;
    let second = field(12, 0)?;
    let mut i = 4;
    while b.get(i).is_some_and(u8::is_ascii_digit) && i < 14 {
        i += 1;
    }
    let offset = match b.get(i) {
        Some(&c @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2).unwrap_or(0);
            let om = match b.get(i + 3) {
                Some(b'\'') => num(i + 4, 2).unwrap_or(0),
                _ => num(i + 3, 2).unwrap_or(0),
            };
            let secs = i32::try_from(oh * 3600 + om * 60).ok()?;
            time::UtcOffset::from_whole_seconds(if c == b'-' { -secs } else { secs }).ok()?
        }
        _ => time::UtcOffset::UTC,
    };
    let date = time::Date::from_calendar_date(
        year,
        time::Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let t = time::Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(date.with_time(t).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let t = parse_pdf_date("D:20250102030405+07'00'").unwrap();
        assert_eq!(t.format(&Rfc3339).unwrap(), "2025-01-02T03:04:05+07:00");
        let t = parse_pdf_date("D:20250102030405Z").unwrap();
        assert_eq!(t.format(&Rfc3339).unwrap(), "2025-01-02T03:04:05Z");
        assert!(parse_pdf_date("D:2025").is_some());
        assert!(parse_pdf_date("garbage").is_none());
        assert!(parse_pdf_date("D:20251399").is_none());
    }
}
