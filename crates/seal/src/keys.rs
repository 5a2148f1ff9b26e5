//! Loading keys and certificates, and the [`Signer`] trait that PAdES signing uses.
//!
//! Private keys are PKCS#8 PEM files ("PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" for the
//! officers' keys; PKCS#1 "RSA PRIVATE KEY" is accepted too). Errors name the file and say
//! how to fix it; neither errors nor `Debug` output ever contain key bytes.

use std::fmt;
use std::path::{Path, PathBuf};

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::error::{HINT_KEYS, SealError};

/// `id-ecPublicKey`.
pub(crate) const OID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `prime256v1` / `secp256r1` (NIST P-256).
pub(crate) const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// `rsaEncryption`.
pub(crate) const OID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `ecdsa-with-SHA256`.
pub(crate) const OID_ECDSA_WITH_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// `sha256WithRSAEncryption`.
pub(crate) const OID_SHA256_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

const PEM_PRIVATE_KEY: &str = "PRIVATE KEY";
const PEM_ENCRYPTED_PRIVATE_KEY: &str = "ENCRYPTED PRIVATE KEY";
const PEM_RSA_PRIVATE_KEY: &str = "RSA PRIVATE KEY";
const PEM_EC_PRIVATE_KEY: &str = "EC PRIVATE KEY";
const PEM_PUBLIC_KEY: &str = "PUBLIC KEY";

const HINT_PKCS8: &str = "expected an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); convert with `openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW`, or create dev keys with `console keys init`";
const HINT_ENCRYPTED: &str = "expected an encrypted PKCS#8 PEM key (BEGIN ENCRYPTED PRIVATE KEY); create one with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW`, or with `console keys init`";
const HINT_CERT: &str = "expected a PEM X.509 certificate (BEGIN CERTIFICATE), leaf first; create dev keys with `console keys init`, or set the path under [keys] in truecopy.toml";
const HINT_PUBLIC: &str = "expected a PEM SubjectPublicKeyInfo (BEGIN PUBLIC KEY); extract one with `openssl pkey -pubout -in KEY`, or create dev keys with `console keys init`";
const HINT_ALGORITHM: &str = "use an ECDSA P-256 or RSA (2048 bits or more) key";

/// A signature algorithm a [`Signer`] produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// ECDSA over NIST P-256 with SHA-256; the signature is a DER `ECDSA-Sig-Value`.
    EcdsaP256Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RsaPkcs1v15Sha256,
}

impl SignatureAlgorithm {
    /// The signature algorithm OID (`ecdsa-with-SHA256` or `sha256WithRSAEncryption`), as
    /// used in CMS `SignerInfo.signatureAlgorithm`.
    pub fn signature_oid(self) -> ObjectIdentifier {
        match self {
            SignatureAlgorithm::EcdsaP256Sha256 => OID_ECDSA_WITH_SHA256,
            SignatureAlgorithm::RsaPkcs1v15Sha256 => OID_SHA256_WITH_RSA,
        }
    }

    /// The JOSE name (`ES256` or `RS256`).
    pub fn jose_name(self) -> &'static str {
        match self {
            SignatureAlgorithm::EcdsaP256Sha256 => "ES256",
            SignatureAlgorithm::RsaPkcs1v15Sha256 => "RS256",
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureAlgorithm::EcdsaP256Sha256 => "ECDSA P-256 with SHA-256",
            SignatureAlgorithm::RsaPkcs1v15Sha256 => "RSA PKCS#1 v1.5 with SHA-256",
        })
    }
}

/// Something that signs with a private key bound to an X.509 certificate: a key file now,
/// a PKCS#11 token later.
pub trait Signer: Send + Sync {
    /// The algorithm [`Signer::sign`] uses.
    fn algorithm(&self) -> SignatureAlgorithm;
    /// The DER of the signer's certificate.
    fn certificate_der(&self) -> &[u8];
    /// DER certificates of the intermediate CAs, nearest first; may be empty.
    fn chain_der(&self) -> &[Vec<u8>];
    /// Signs `message` (hashing it with SHA-256 first, as the algorithm says).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError>;
}

enum SoftwareKey {
    Ecdsa(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

impl SoftwareKey {
    fn public_key_bytes(&self) -> &[u8] {
        match self {
            SoftwareKey::Ecdsa(k) => k.public_key().as_ref(),
            SoftwareKey::Rsa(k) => k.public_key().as_ref(),
        }
    }
}

/// A [`Signer`] over a private key held in memory, loaded from PEM files.
pub struct SoftwareSigner {
    key: SoftwareKey,
    algorithm: SignatureAlgorithm,
    certificate: Certificate,
    certificate_der: Vec<u8>,
    chain_der: Vec<Vec<u8>>,
    key_path: PathBuf,
    rng: SystemRandom,
}

impl fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("algorithm", &self.algorithm)
            .field("key_path", &self.key_path)
            .field("key", &"[redacted]")
            .field(
                "subject",
                &self.certificate.tbs_certificate.subject.to_string(),
            )
            .field("chain_len", &self.chain_der.len())
            .finish()
    }
}

impl SoftwareSigner {
    /// Loads an unencrypted PKCS#8 PEM key and its certificate. If the certificate file holds
    /// several certificates, the first is the signer's and the rest become [`Signer::chain_der`].
    pub fn from_pem_files(
        key_path: impl AsRef<Path>,
        cert_path: impl AsRef<Path>,
    ) -> Result<Self, SealError> {
        let key_path = key_path.as_ref();
        let (label, der) = read_pem("private key", key_path, HINT_PKCS8)?;
        let key = match label.as_str() {
            PEM_PRIVATE_KEY => key_from_pkcs8(key_path, &der)?,
            PEM_RSA_PRIVATE_KEY => {
                let k = RsaKeyPair::from_der(&der).map_err(|e| {
                    SealError::invalid(
                        "private key",
                        key_path,
                        format!("RSA key rejected: {e}"),
                        HINT_PKCS8,
                    )
                })?;
                (SoftwareKey::Rsa(k), SignatureAlgorithm::RsaPkcs1v15Sha256)
            }
            PEM_ENCRYPTED_PRIVATE_KEY => {
                return Err(SealError::KeyIsEncrypted {
                    path: key_path.to_path_buf(),
                });
            }
            other => return Err(wrong_label("private key", key_path, other, HINT_PKCS8)),
        };
        Self::assemble(key, key_path, cert_path.as_ref())
    }

    /// Loads a passphrase-protected PKCS#8 PEM key ("ENCRYPTED PRIVATE KEY") and its
    /// certificate. A wrong passphrase gives [`SealError::WrongPassphrase`].
    pub fn from_encrypted_pem_files(
        key_path: impl AsRef<Path>,
        cert_path: impl AsRef<Path>,
        passphrase: &str,
    ) -> Result<Self, SealError> {
        let key_path = key_path.as_ref();
        let pkcs8 = decrypt_pkcs8_pem_file(key_path, passphrase)?;
        let key = key_from_pkcs8(key_path, pkcs8.as_bytes())?;
        Self::assemble(key, key_path, cert_path.as_ref())
    }

    fn assemble(
        (key, algorithm): (SoftwareKey, SignatureAlgorithm),
        key_path: &Path,
        cert_path: &Path,
    ) -> Result<Self, SealError> {
        let mut chain = load_certificate_chain_pem(cert_path)?.into_iter();
        let certificate = chain.next().ok_or_else(|| {
            SealError::invalid("certificate", cert_path, "no certificate found", HINT_CERT)
        })?;
        let spki = &certificate.tbs_certificate.subject_public_key_info;
        if spki.subject_public_key.raw_bytes() != key.public_key_bytes() {
            return Err(SealError::KeyMismatch {
                key_path: key_path.to_path_buf(),
                cert_path: cert_path.to_path_buf(),
            });
        }
        let certificate_der = cert_der(&certificate, cert_path)?;
        let chain_der = chain
            .map(|c| cert_der(&c, cert_path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SoftwareSigner {
            key,
            algorithm,
            certificate,
            certificate_der,
            chain_der,
            key_path: key_path.to_path_buf(),
            rng: SystemRandom::new(),
        })
    }

    /// Replaces the intermediate CA certificates (DER, nearest first).
    #[must_use]
    pub fn with_chain(mut self, chain_der: Vec<Vec<u8>>) -> Self {
        self.chain_der = chain_der;
        self
    }

    /// The signer's certificate, parsed.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The key file this signer was loaded from.
    pub fn key_path(&self) -> &Path {
        &self.key_path
    }
}

impl Signer for SoftwareSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain_der
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError> {
        match &self.key {
            SoftwareKey::Ecdsa(k) => k
                .sign(&self.rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SealError::Sign("ECDSA signing failed".into())),
            SoftwareKey::Rsa(k) => {
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(&ring_sig::RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
                    .map_err(|_| SealError::Sign("RSA signing failed".into()))?;
                Ok(sig)
            }
        }
    }
}

/// Loads the first certificate of a PEM file.
pub fn load_certificate_pem(path: impl AsRef<Path>) -> Result<Certificate, SealError> {
    let path = path.as_ref();
    load_certificate_chain_pem(path)?
        .into_iter()
        .next()
        .ok_or_else(|| SealError::invalid("certificate", path, "no certificate found", HINT_CERT))
}

/// Loads every certificate of a PEM file, in file order (leaf first by convention).
pub fn load_certificate_chain_pem(path: impl AsRef<Path>) -> Result<Vec<Certificate>, SealError> {
    let path = path.as_ref();
    let bytes = read_file("certificate", path)?;
    let certs = Certificate::load_pem_chain(&bytes)
        .map_err(|e| SealError::invalid("certificate", path, e.to_string(), HINT_CERT))?;
    if certs.is_empty() {
        return Err(SealError::invalid(
            "certificate",
            path,
            "no certificate found",
            HINT_CERT,
        ));
    }
    Ok(certs)
}

/// SHA-256 fingerprint of a DER certificate, lower-case hex.
pub fn certificate_fingerprint_sha256(certificate_der: &[u8]) -> String {
    hex::encode(Sha256::digest(certificate_der))
}

/// Reads a PEM public key ("PUBLIC KEY", SubjectPublicKeyInfo) and returns its text after
/// checking that it parses (e.g. for `jsonwebtoken::DecodingKey::from_ec_pem`).
pub fn load_public_key_pem(path: impl AsRef<Path>) -> Result<String, SealError> {
    let path = path.as_ref();
    let text = read_text("public key", path)?;
    let (label, der) = decode_pem("public key", path, text.as_bytes(), HINT_PUBLIC)?;
    if label != PEM_PUBLIC_KEY {
        return Err(wrong_label("public key", path, &label, HINT_PUBLIC));
    }
    pkcs8::SubjectPublicKeyInfoRef::from_der(&der)
        .map_err(|e| SealError::invalid("public key", path, e.to_string(), HINT_PUBLIC))?;
    Ok(text)
}

/// Reads an unencrypted PEM private key (PKCS#8 "PRIVATE KEY", or SEC1 "EC PRIVATE KEY" /
/// PKCS#1 "RSA PRIVATE KEY") and returns its text after checking that it parses (e.g. for
/// `jsonwebtoken::EncodingKey::from_ec_pem`).
pub fn load_private_key_pem(path: impl AsRef<Path>) -> Result<String, SealError> {
    let path = path.as_ref();
    let text = read_text("private key", path)?;
    let (label, der) = decode_pem("private key", path, text.as_bytes(), HINT_PKCS8)?;
    match label.as_str() {
        PEM_PRIVATE_KEY => {
            PrivateKeyInfo::try_from(der.as_slice())
                .map_err(|e| SealError::invalid("private key", path, e.to_string(), HINT_PKCS8))?;
        }
        PEM_EC_PRIVATE_KEY | PEM_RSA_PRIVATE_KEY => {
            der::Any::from_der(&der)
                .map_err(|e| SealError::invalid("private key", path, e.to_string(), HINT_PKCS8))?;
        }
        PEM_ENCRYPTED_PRIVATE_KEY => {
            return Err(SealError::KeyIsEncrypted {
                path: path.to_path_buf(),
            });
        }
        other => return Err(wrong_label("private key", path, other, HINT_PKCS8)),
    }
    Ok(text)
}

/// The plaintext PKCS#8 DER of a decrypted key; zeroed on drop.
pub(crate) struct DecryptedKey(pkcs8::SecretDocument);

impl DecryptedKey {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Reads and decrypts an "ENCRYPTED PRIVATE KEY" PEM file into plaintext PKCS#8 DER.
pub(crate) fn decrypt_pkcs8_pem_file(
    path: &Path,
    passphrase: &str,
) -> Result<DecryptedKey, SealError> {
    let (label, der) = read_pem("private key", path, HINT_ENCRYPTED)?;
    if label != PEM_ENCRYPTED_PRIVATE_KEY {
        let reason = if label == PEM_PRIVATE_KEY {
            "the key is not encrypted".to_string()
        } else {
            format!("unexpected PEM label {label:?}")
        };
        return Err(SealError::invalid(
            "private key",
            path,
            reason,
            HINT_ENCRYPTED,
        ));
    }
    let info = EncryptedPrivateKeyInfo::try_from(der.as_slice())
        .map_err(|e| SealError::invalid("private key", path, e.to_string(), HINT_ENCRYPTED))?;
    let wrong = || SealError::WrongPassphrase {
        path: path.to_path_buf(),
    };
    let doc = match info.decrypt(passphrase.as_bytes()) {
        Ok(doc) => doc,
        // A bad passphrase shows as a padding failure, or (rarely) as garbage that passes the
        // padding check but is not DER. pkcs5 0.7.1 reports the padding failure of
        // *decryption* as `EncryptFailed`, so both variants mean "wrong passphrase".
        Err(pkcs8::Error::EncryptedPrivateKey(
            pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed,
        ))
        | Err(pkcs8::Error::Asn1(_)) => return Err(wrong()),
        Err(e) => {
            return Err(SealError::invalid(
                "private key",
                path,
                format!("unsupported encryption: {e}"),
                HINT_ENCRYPTED,
            ));
        }
    };
    // Garbage that happens to be one DER value is still not PKCS#8.
    PrivateKeyInfo::try_from(doc.as_bytes()).map_err(|_| wrong())?;
    Ok(DecryptedKey(doc))
}

fn key_from_pkcs8(path: &Path, der: &[u8]) -> Result<(SoftwareKey, SignatureAlgorithm), SealError> {
    let info = PrivateKeyInfo::try_from(der)
        .map_err(|e| SealError::invalid("private key", path, e.to_string(), HINT_PKCS8))?;
    let oid = info.algorithm.oid;
    if oid == OID_EC_PUBLIC_KEY {
        let curve = info.algorithm.parameters_oid().map_err(|e| {
            SealError::invalid(
                "private key",
                path,
                format!("EC key without a named curve: {e}"),
                HINT_ALGORITHM,
            )
        })?;
        if curve != OID_P256 {
            return Err(SealError::invalid(
                "private key",
                path,
                format!("unsupported curve {curve}"),
                HINT_ALGORITHM,
            ));
        }
        let k = EcdsaKeyPair::from_pkcs8(
            &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING,
            der,
            &SystemRandom::new(),
        )
        .map_err(|e| {
            SealError::invalid(
                "private key",
                path,
                format!("P-256 key rejected ({e}); it must include its public key"),
                HINT_PKCS8,
            )
        })?;
        Ok((SoftwareKey::Ecdsa(k), SignatureAlgorithm::EcdsaP256Sha256))
    } else if oid == OID_RSA_ENCRYPTION {
        let k = RsaKeyPair::from_pkcs8(der).map_err(|e| {
            SealError::invalid(
                "private key",
                path,
                format!("RSA key rejected: {e}"),
                HINT_ALGORITHM,
            )
        })?;
        Ok((SoftwareKey::Rsa(k), SignatureAlgorithm::RsaPkcs1v15Sha256))
    } else {
        Err(SealError::invalid(
            "private key",
            path,
            format!("unsupported key algorithm {oid}"),
            HINT_ALGORITHM,
        ))
    }
}

fn cert_der(cert: &Certificate, path: &Path) -> Result<Vec<u8>, SealError> {
    cert.to_der()
        .map_err(|e| SealError::invalid("certificate", path, e.to_string(), HINT_CERT))
}

pub(crate) fn read_file(what: &'static str, path: &Path) -> Result<Vec<u8>, SealError> {
    std::fs::read(path).map_err(|e| SealError::read(what, path, e))
}

fn read_text(what: &'static str, path: &Path) -> Result<String, SealError> {
    let bytes = read_file(what, path)?;
    String::from_utf8(bytes)
        .map_err(|_| SealError::invalid(what, path, "not a text (PEM) file", HINT_KEYS))
}

fn read_pem(
    what: &'static str,
    path: &Path,
    hint: &'static str,
) -> Result<(String, Vec<u8>), SealError> {
    let bytes = read_file(what, path)?;
    decode_pem(what, path, &bytes, hint)
}

fn decode_pem(
    what: &'static str,
    path: &Path,
    bytes: &[u8],
    hint: &'static str,
) -> Result<(String, Vec<u8>), SealError> {
    let (label, der) = der::pem::decode_vec(bytes)
        .map_err(|e| SealError::invalid(what, path, format!("not PEM: {e}"), hint))?;
    Ok((label.to_string(), der))
}

fn wrong_label(what: &'static str, path: &Path, label: &str, hint: &'static str) -> SealError {
    SealError::invalid(what, path, format!("unexpected PEM label {label:?}"), hint)
}

/// The subject's common name (CN) of a DER certificate, if it has one and it parses.
pub fn subject_common_name(certificate_der: &[u8]) -> Option<String> {
    use der::Decode;
    let cert = Certificate::from_der(certificate_der).ok()?;
    attribute_text(&cert.tbs_certificate.subject, const_oid_cn())
}

fn const_oid_cn() -> der::asn1::ObjectIdentifier {
    der::asn1::ObjectIdentifier::new_unwrap("2.5.4.3")
}

fn attribute_text(
    name: &x509_cert::name::Name,
    oid: der::asn1::ObjectIdentifier,
) -> Option<String> {
    use der::Tagged;
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid != oid {
                continue;
            }
            let v = &atv.value;
            let text = match v.tag() {
                der::Tag::Utf8String => v
                    .decode_as::<der::asn1::Utf8StringRef<'_>>()
                    .ok()?
                    .as_str()
                    .to_string(),
                der::Tag::PrintableString => v
                    .decode_as::<der::asn1::PrintableStringRef<'_>>()
                    .ok()?
                    .as_str()
                    .to_string(),
                der::Tag::Ia5String => v
                    .decode_as::<der::asn1::Ia5StringRef<'_>>()
                    .ok()?
                    .as_str()
                    .to_string(),
                _ => continue,
            };
            return Some(text);
        }
    }
    None
}
