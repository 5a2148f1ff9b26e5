//! Certificate path building to the trust store, certificate names and validity.

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode, Tag, Tagged};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::name::Name;

use crate::cms_sig::{CryptoError, verify_signature};

const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
/// Longest path tried (leaf, intermediates, root).
const MAX_PATH: usize = 8;

/// The outcome of path building.
#[derive(Debug, Default)]
pub(crate) struct ChainOutcome {
    /// Subjects from the signer up to the last certificate reached (the root when trusted).
    pub(crate) subjects: Vec<String>,
    pub(crate) trusted: bool,
    /// Some certificate of the path was not valid at the time checked.
    pub(crate) expired: bool,
    /// A certificate signature used an algorithm this verifier does not support.
    pub(crate) unsupported: bool,
}

/// Builds a path from `leaf` through `pool` (the certificates the CMS carries) to one of
/// `roots`, verifying each certificate's signature with its issuer's key, and checks every
/// certificate's validity at `at`.
pub(crate) fn build(
    leaf: &Certificate,
    pool: &[Certificate],
    roots: &[Certificate],
    at: OffsetDateTime,
) -> ChainOutcome {
    let mut out = ChainOutcome::default();
    let mut path: Vec<&Certificate> = vec![leaf];
    while path.len() <= MAX_PATH {
        let cur = path[path.len() - 1];
        let tbs = &cur.tbs_certificate;
        if roots.iter().any(|r| {
            r.tbs_certificate.subject == tbs.subject
                && r.tbs_certificate.subject_public_key_info == tbs.subject_public_key_info
        }) {
            out.trusted = true;
            break;
        }
        let mut issued_by = |c: &Certificate| -> bool {
            if c.tbs_certificate.subject != tbs.issuer {
                return false;
            }
            match verify_cert(cur, c) {
                Ok(()) => true,
                Err(CryptoError::Unsupported) => {
                    out.unsupported = true;
                    false
                }
                Err(CryptoError::Invalid) => false,
            }
        };
        if let Some(root) = roots.iter().find(|r| issued_by(r)) {
            path.push(root);
            out.trusted = true;
            break;
        }
        let next = pool
            .iter()
            .find(|c| !path.iter().any(|p| p == c) && is_ca(c) && issued_by(c));
        match next {
            Some(c) => path.push(c),
            None => break,
        }
    }
    out.expired = path.iter().any(|c| !valid_at(c, at));
    out.subjects = path
        .iter()
        .map(|c| c.tbs_certificate.subject.to_string())
        .collect();
    out
}

fn verify_cert(cert: &Certificate, issuer: &Certificate) -> Result<(), CryptoError> {
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|_| CryptoError::Invalid)?;
    let sig = cert.signature.as_bytes().ok_or(CryptoError::Invalid)?;
    verify_signature(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm.oid,
        None,
        &tbs,
        sig,
    )
}

/// Whether the certificate may issue certificates (basicConstraints cA).
fn is_ca(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == OID_BASIC_CONSTRAINTS)
        .and_then(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).ok())
        .is_some_and(|bc| bc.ca)
}

/// Whether `at` lies within the certificate's validity period.
pub(crate) fn valid_at(cert: &Certificate, at: OffsetDateTime) -> bool {
    let v = &cert.tbs_certificate.validity;
    let secs = |t: &x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    let t = at.unix_timestamp();
    secs(&v.not_before) <= t && t <= secs(&v.not_after)
}

/// The first value of attribute `oid` in a name, as text.
fn attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find_map(|atv| {
        if atv.oid != oid {
            return None;
        }
        let v = atv.value.value();
        match atv.value.tag() {
            Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                Some(String::from_utf8_lossy(v).into_owned())
            }
            Tag::BmpString => {
                let units: Vec<u16> = v
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                Some(String::from_utf16_lossy(&units))
            }
            _ => None,
        }
    })
}

/// Common name of a certificate's subject.
pub(crate) fn common_name(cert: &Certificate) -> Option<String> {
    attribute(&cert.tbs_certificate.subject, OID_CN)
}

/// Organization of a certificate's subject.
pub(crate) fn organization(cert: &Certificate) -> Option<String> {
    attribute(&cert.tbs_certificate.subject, OID_O)
}
