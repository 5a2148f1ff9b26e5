//! CMS SignedData for PAdES baseline B-B (detached; signed attributes content-type,
//! message-digest and ESS signing-certificate-v2; no signing-time), and the signature
//! primitives the verifier needs (ECDSA P-256 and RSA PKCS#1 v1.5, SHA-2).

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use sha2::{Digest, Sha256, Sha384, Sha512};
use truecopy_seal::{SignatureAlgorithm, Signer};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::error::PadesError;

pub(crate) const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub(crate) const OID_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub(crate) const OID_CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub(crate) const OID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub(crate) const OID_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub(crate) const OID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const OID_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const OID_SHA512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const OID_RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// `ESSCertIDv2` (RFC 5035); `hashAlgorithm` is absent when it is the default SHA-256.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub(crate) hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub(crate) cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub(crate) issuer_serial: Option<Any>,
}

/// `SigningCertificateV2` (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SigningCertificateV2 {
    pub(crate) certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub(crate) policies: Option<Any>,
}

fn alg(oid: ObjectIdentifier, null_params: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: null_params.then_some(Any::null()),
    }
}

fn attribute(
    oid: ObjectIdentifier,
    value: &(impl der::Tagged + der::EncodeValue),
) -> der::Result<Attribute> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![Any::encode_from(value)?])?,
    })
}

fn cms_err(e: der::Error) -> PadesError {
    PadesError::Cms(e.to_string())
}

/// Builds the DER of a detached CMS `ContentInfo` signing `digest` (SHA-256 of the byte
/// ranges) with `signer`.
pub(crate) fn build(signer: &dyn Signer, digest: &[u8]) -> Result<Vec<u8>, PadesError> {
    let cert_der = signer.certificate_der();
    let cert =
        Certificate::from_der(cert_der).map_err(|e| PadesError::Certificate(e.to_string()))?;
    let mut certs = vec![CertificateChoices::Certificate(cert.clone())];
    for der in signer.chain_der() {
        let c = Certificate::from_der(der).map_err(|e| PadesError::Certificate(e.to_string()))?;
        certs.push(CertificateChoices::Certificate(c));
    }

    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(cert_der).to_vec()).map_err(cms_err)?,
            issuer_serial: None,
        }],
        policies: None,
    };
    let signed_attrs = SetOfVec::try_from(vec![
        attribute(OID_CONTENT_TYPE, &OID_DATA).map_err(cms_err)?,
        attribute(
            OID_MESSAGE_DIGEST,
            &OctetString::new(digest.to_vec()).map_err(cms_err)?,
        )
        .map_err(cms_err)?,
        attribute(OID_SIGNING_CERT_V2, &ess).map_err(cms_err)?,
    ])
    .map_err(cms_err)?;
    let signed_attrs_der = signed_attrs.to_der().map_err(cms_err)?;
    let signature = signer.sign(&signed_attrs_der)?;

    let signature_algorithm = match signer.algorithm() {
        SignatureAlgorithm::EcdsaP256Sha256 => alg(OID_ECDSA_SHA256, false),
        SignatureAlgorithm::RsaPkcs1v15Sha256 => alg(OID_RSA_SHA256, true),
        other => {
            return Err(PadesError::Unsupported(format!(
                "signature algorithm {other}"
            )));
        }
    };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate.issuer.clone(),
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: alg(OID_SHA256, false),
        signed_attrs: Some(signed_attrs),
        signature_algorithm,
        signature: OctetString::new(signature).map_err(cms_err)?,
        unsigned_attrs: None,
    };
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![alg(OID_SHA256, false)]).map_err(cms_err)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: OID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(certs).map_err(cms_err)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).map_err(cms_err)?),
    };
    ContentInfo {
        content_type: OID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(cms_err)?,
    }
    .to_der()
    .map_err(cms_err)
}

/// The length of the DER element at the start of `data` (definite lengths only).
pub(crate) fn der_element_len(data: &[u8]) -> Option<usize> {
    let first = *data.get(1)?;
    let (hdr, len) = if first < 0x80 {
        (2usize, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*data.get(2 + i)?);
        }
        (2 + n, len)
    };
    let total = hdr.checked_add(len)?;
    (total <= data.len()).then_some(total)
}

/// A CMS signature as found in a PDF.
#[derive(Debug)]
pub(crate) struct ParsedCms {
    pub(crate) signer_info: SignerInfo,
    pub(crate) certificates: Vec<Certificate>,
}

/// Parses the `/Contents` bytes (zero padding allowed after the DER).
pub(crate) fn parse(contents: &[u8]) -> Option<ParsedCms> {
    let len = der_element_len(contents)?;
    let info = ContentInfo::from_der(&contents[..len]).ok()?;
    if info.content_type != OID_SIGNED_DATA {
        return None;
    }
    let sd: SignedData = info.content.decode_as().ok()?;
    let mut infos = sd.signer_infos.0.into_vec();
    if infos.len() != 1 {
        return None;
    }
    let signer_info = infos.pop()?;
    let certificates = sd
        .certificates
        .map(|set| {
            set.0
                .into_vec()
                .into_iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(ParsedCms {
        signer_info,
        certificates,
    })
}

/// A SHA-2 hash by algorithm OID.
pub(crate) fn hash(oid: &ObjectIdentifier, parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().to_vec()
    }
    match *oid {
        OID_SHA256 => Some(run::<Sha256>(parts)),
        OID_SHA384 => Some(run::<Sha384>(parts)),
        OID_SHA512 => Some(run::<Sha512>(parts)),
        _ => None,
    }
}

/// Why a signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CryptoError {
    /// Key type, curve or algorithm not supported.
    Unsupported,
    /// The signature is wrong (or malformed).
    Invalid,
}

/// Verifies `signature` over `message` with the key `spki`. `sig_alg` names the algorithm;
/// when it names only the key type (`rsaEncryption`, `id-ecPublicKey`), `digest_alg` says
/// which hash.
pub(crate) fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &ObjectIdentifier,
    digest_alg: Option<&ObjectIdentifier>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let (is_ec, hash_oid) = match *sig_alg {
        OID_ECDSA_SHA256 => (true, OID_SHA256),
        OID_ECDSA_SHA384 => (true, OID_SHA384),
        OID_ECDSA_SHA512 => (true, OID_SHA512),
        OID_RSA_SHA256 => (false, OID_SHA256),
        OID_RSA_SHA384 => (false, OID_SHA384),
        OID_RSA_SHA512 => (false, OID_SHA512),
        OID_EC_PUBLIC_KEY => (true, *digest_alg.ok_or(CryptoError::Unsupported)?),
        OID_RSA => (false, *digest_alg.ok_or(CryptoError::Unsupported)?),
        _ => return Err(CryptoError::Unsupported),
    };
    let digest = hash(&hash_oid, &[message]).ok_or(CryptoError::Unsupported)?;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or(CryptoError::Invalid)?;
    if is_ec {
        if spki.algorithm.oid != OID_EC_PUBLIC_KEY {
            return Err(CryptoError::Invalid);
        }
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        if curve != Some(OID_P256) {
            return Err(CryptoError::Unsupported);
        }
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
            .map_err(|_| CryptoError::Invalid)?;
        let sig = p256::ecdsa::Signature::from_der(signature).map_err(|_| CryptoError::Invalid)?;
        key.verify_prehash(&digest, &sig)
            .map_err(|_| CryptoError::Invalid)
    } else {
        if spki.algorithm.oid != OID_RSA {
            return Err(CryptoError::Invalid);
        }
        use rsa::pkcs1::DecodeRsaPublicKey;
        let key = rsa::RsaPublicKey::from_pkcs1_der(key_bytes).map_err(|_| CryptoError::Invalid)?;
        let scheme = match hash_oid {
            OID_SHA256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            OID_SHA384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            _ => rsa::Pkcs1v15Sign::new::<Sha512>(),
        };
        key.verify(scheme, &digest, signature)
            .map_err(|_| CryptoError::Invalid)
    }
}
