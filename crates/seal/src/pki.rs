//! A development PKI: a test root CA, the agency seal certificate, one certificate per
//! officer, and the raw ES256 key pairs for QR payloads and e-mail link tokens.
//!
//! Layout of the directory [`init_dev_pki`] fills (all keys ECDSA P-256):
//!
//! | file | content |
//! |---|---|
//! | `ca.cert.pem`, `ca.key.pem` | test root CA "truecopy DEV Root CA — NOT FOR PRODUCTION", 10 years |
//! | `seal.cert.pem`, `seal.key.pem` | agency seal, CN = O = the center name, 5 years |
//! | `officers/<id>.cert.pem`, `officers/<id>.key.pem` | one officer; key encrypted (PKCS#8 PBES2, scrypt N=2^14 + AES-256-CBC) under the officer's passphrase |
//! | `qr.key.pem`, `qr.pub.pem` | ES256 key for signed QR payloads (PKCS#8 / SPKI) |
//! | `token.key.pem`, `token.pub.pem` | ES256 key for e-mail link tokens (PKCS#8 / SPKI) |
//!
//! Private key files are written with mode 0600, directories created with mode 0700.
//!
//! Running it again keeps every existing file byte for byte (listed in
//! [`DevPkiReport::kept`]) unless [`DevPkiOptions::force`] is set. Missing pieces are filled
//! in around what exists: a missing certificate is issued for the existing key by the existing
//! CA, a missing public key file is derived from its private key. A leaf certificate that no
//! longer verifies under the CA on disk (the CA was replaced) or has expired is re-issued for
//! the same public key (and listed in [`DevPkiReport::created`]). A file whose partner cannot
//! be rebuilt without overwriting it (a certificate or public key without its private key) is
//! an error.

use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use der::{Decode, Encode};
use rand_core::{OsRng, RngCore};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PublicKeyData as _, SerialNumber,
    SubjectPublicKeyInfo,
};
use ring::signature::{self as ring_sig, UnparsedPublicKey};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use x509_cert::Certificate;

use crate::error::SealError;
use crate::keys::{
    OID_ECDSA_WITH_SHA256, OID_SHA256_WITH_RSA, decrypt_pkcs8_pem_file, load_certificate_pem,
    read_file,
};

/// Common name of the dev root CA.
pub const DEV_CA_COMMON_NAME: &str = "truecopy DEV Root CA — NOT FOR PRODUCTION";

/// File names inside the dev PKI directory.
pub mod files {
    /// Root CA certificate.
    pub const CA_CERT: &str = "ca.cert.pem";
    /// Root CA private key (PKCS#8).
    pub const CA_KEY: &str = "ca.key.pem";
    /// Agency seal certificate.
    pub const SEAL_CERT: &str = "seal.cert.pem";
    /// Agency seal private key (PKCS#8).
    pub const SEAL_KEY: &str = "seal.key.pem";
    /// Directory of officer certificates and encrypted keys.
    pub const OFFICERS_DIR: &str = "officers";
    /// QR payload signing key (PKCS#8).
    pub const QR_KEY: &str = "qr.key.pem";
    /// QR payload verification key (SPKI).
    pub const QR_PUB: &str = "qr.pub.pem";
    /// E-mail link token signing key (PKCS#8).
    pub const TOKEN_KEY: &str = "token.key.pem";
    /// E-mail link token verification key (SPKI).
    pub const TOKEN_PUB: &str = "token.pub.pem";
}

const CA_VALIDITY_DAYS: i64 = 3652;
const LEAF_VALIDITY_DAYS: i64 = 1826;
/// `title` (X.520, 2.5.4.12).
const OID_TITLE: &[u64] = &[2, 5, 4, 12];

/// One officer who signs certified copies personally.
#[derive(Clone, PartialEq, Eq)]
pub struct OfficerSpec {
    /// Short identifier, used as the file name (`officers/<id>.key.pem`): ASCII letters,
    /// digits, `.`, `_`, `-`, starting with a letter or digit.
    pub id: String,
    /// Full name, the certificate's CN (Vietnamese text is kept as UTF-8).
    pub full_name: String,
    /// Job title, the certificate's `title` attribute.
    pub title: String,
    /// Passphrase that encrypts the officer's private key.
    pub passphrase: String,
}

impl fmt::Debug for OfficerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OfficerSpec")
            .field("id", &self.id)
            .field("full_name", &self.full_name)
            .field("title", &self.title)
            .field("passphrase", &"[redacted]")
            .finish()
    }
}

/// What [`init_dev_pki`] should produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevPkiOptions {
    /// Directory to fill (created with mode 0700 if missing).
    pub dir: PathBuf,
    /// Name of the service center: CN and O of the seal certificate, O of officer certificates.
    pub center_name: String,
    /// Officers to issue certificates for.
    pub officers: Vec<OfficerSpec>,
    /// Regenerate everything, overwriting existing files.
    pub force: bool,
}

/// Which files [`init_dev_pki`] wrote and which it left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DevPkiReport {
    /// Files written by this run (new, regenerated with `force`, or re-issued).
    pub created: Vec<PathBuf>,
    /// Existing files left byte-identical.
    pub kept: Vec<PathBuf>,
}

/// Creates (or completes) the dev PKI in `opts.dir`. See the [module docs](self).
pub fn init_dev_pki(opts: &DevPkiOptions) -> Result<DevPkiReport, SealError> {
    validate(opts)?;
    let dir = opts.dir.as_path();
    create_private_dir(dir)?;
    let mut report = DevPkiReport::default();
    let now = OffsetDateTime::now_utc();

    let ca = ensure_ca(dir, opts.force, now, &mut report)?;

    let seal_dn = dn(&[
        (DnType::CountryName, country_vn()?),
        (DnType::OrganizationName, opts.center_name.as_str().into()),
        (DnType::CommonName, opts.center_name.as_str().into()),
    ]);
    ensure_leaf(
        &ca,
        &LeafFiles {
            what: "seal",
            key: dir.join(files::SEAL_KEY),
            cert: dir.join(files::SEAL_CERT),
            passphrase: None,
        },
        seal_dn,
        opts.force,
        now,
        &mut report,
    )?;

    if !opts.officers.is_empty() {
        create_private_dir(&dir.join(files::OFFICERS_DIR))?;
    }
    for officer in &opts.officers {
        let officer_dn = dn(&[
            (DnType::CountryName, country_vn()?),
            (DnType::OrganizationName, opts.center_name.as_str().into()),
            (
                DnType::CustomDnType(OID_TITLE.to_vec()),
                officer.title.as_str().into(),
            ),
            (DnType::CommonName, officer.full_name.as_str().into()),
        ]);
        let officers = dir.join(files::OFFICERS_DIR);
        ensure_leaf(
            &ca,
            &LeafFiles {
                what: "officer",
                key: officers.join(format!("{}.key.pem", officer.id)),
                cert: officers.join(format!("{}.cert.pem", officer.id)),
                passphrase: Some(&officer.passphrase),
            },
            officer_dn,
            opts.force,
            now,
            &mut report,
        )?;
    }

    ensure_raw_pair(
        &dir.join(files::QR_KEY),
        &dir.join(files::QR_PUB),
        "QR",
        opts.force,
        &mut report,
    )?;
    ensure_raw_pair(
        &dir.join(files::TOKEN_KEY),
        &dir.join(files::TOKEN_PUB),
        "token",
        opts.force,
        &mut report,
    )?;
    Ok(report)
}

fn validate(opts: &DevPkiOptions) -> Result<(), SealError> {
    if opts.center_name.trim().is_empty() {
        return Err(SealError::InvalidOption(
            "center name is empty (set it in truecopy.toml)".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for o in &opts.officers {
        let ok_chars =
            o.id.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        let ok_start =
            o.id.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if !ok_chars || !ok_start || o.id.len() > 64 {
            return Err(SealError::InvalidOption(format!(
                "officer id {:?} must be 1-64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit",
                o.id
            )));
        }
        if !seen.insert(o.id.as_str()) {
            return Err(SealError::InvalidOption(format!(
                "officer id {:?} appears twice (give each officer a unique id)",
                o.id
            )));
        }
        if o.full_name.trim().is_empty() || o.title.trim().is_empty() {
            return Err(SealError::InvalidOption(format!(
                "officer {:?} needs a full name and a title",
                o.id
            )));
        }
        if o.passphrase.is_empty() {
            return Err(SealError::InvalidOption(format!(
                "officer {:?} has an empty passphrase (set one; it encrypts the officer's key)",
                o.id
            )));
        }
    }
    Ok(())
}

/// The CA as loaded or created: its key, its certificate (PEM text and parsed).
struct Ca {
    key: KeyPair,
    cert_pem: String,
    cert: Certificate,
    path: PathBuf,
}

fn ensure_ca(
    dir: &Path,
    force: bool,
    now: OffsetDateTime,
    report: &mut DevPkiReport,
) -> Result<Ca, SealError> {
    let key_path = dir.join(files::CA_KEY);
    let cert_path = dir.join(files::CA_CERT);
    let key_exists = exists(&key_path)?;
    let cert_exists = exists(&cert_path)?;

    let key = if force || !key_exists {
        if !force && cert_exists {
            return Err(SealError::IncompletePair {
                existing: cert_path,
                missing: key_path,
            });
        }
        let key = generate_key("CA key")?;
        write_file(&key_path, key.serialize_pem().as_bytes(), true)?;
        report.created.push(key_path.clone());
        key
    } else {
        let key = load_plain_keypair(&key_path)?;
        report.kept.push(key_path.clone());
        key
    };

    if force || !key_exists || !cert_exists {
        let pem = self_signed_ca(&key, now)?;
        write_file(&cert_path, pem.as_bytes(), false)?;
        report.created.push(cert_path.clone());
    } else {
        report.kept.push(cert_path.clone());
    }

    let cert_pem = read_text_file("CA certificate", &cert_path)?;
    let cert = load_certificate_pem(&cert_path)?;
    if cert
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes()
        != key.public_key_raw()
    {
        return Err(SealError::KeyMismatch {
            key_path,
            cert_path,
        });
    }
    Ok(Ca {
        key,
        cert_pem,
        cert,
        path: cert_path,
    })
}

fn self_signed_ca(key: &KeyPair, now: OffsetDateTime) -> Result<String, SealError> {
    // The OU carries a short key id so that two dev CAs never share a subject name
    // (two test CAs with the same name confuse NSS-based validators).
    let key_id = hex::encode(&Sha256::digest(key.subject_public_key_info())[..4]);
    let mut params = CertificateParams::default();
    params.distinguished_name = dn(&[
        (DnType::CountryName, country_vn()?),
        (DnType::OrganizationName, "truecopy DEV".into()),
        (
            DnType::OrganizationalUnitName,
            format!("dev PKI {key_id}").into(),
        ),
        (DnType::CommonName, DEV_CA_COMMON_NAME.into()),
    ]);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = now - Duration::hours(1);
    params.not_after = now + Duration::days(CA_VALIDITY_DAYS);
    params.serial_number = Some(random_serial());
    let cert = params
        .self_signed(key)
        .map_err(|e| SealError::generate("CA certificate", e))?;
    Ok(cert.pem())
}

struct LeafFiles<'a> {
    what: &'static str,
    key: PathBuf,
    cert: PathBuf,
    /// `Some` for officers: the key file is encrypted under it.
    passphrase: Option<&'a str>,
}

fn ensure_leaf(
    ca: &Ca,
    files: &LeafFiles<'_>,
    subject: DistinguishedName,
    force: bool,
    now: OffsetDateTime,
    report: &mut DevPkiReport,
) -> Result<(), SealError> {
    let key_exists = exists(&files.key)?;
    let cert_exists = exists(&files.cert)?;

    // The public key the certificate is (re-)issued for, when one has to be.
    let public_key: Option<SubjectPublicKeyInfo> = if force || !key_exists {
        if !force && cert_exists {
            return Err(SealError::IncompletePair {
                existing: files.cert.clone(),
                missing: files.key.clone(),
            });
        }
        let key = generate_key(&format!("{} key", files.what))?;
        let pem = match files.passphrase {
            Some(pass) => encrypt_key_pem(&key, pass, files.what)?,
            None => key.serialize_pem(),
        };
        write_file(&files.key, pem.as_bytes(), true)?;
        report.created.push(files.key.clone());
        Some(spki_of_keypair(&key, files.what)?)
    } else {
        report.kept.push(files.key.clone());
        if !cert_exists {
            let key = match files.passphrase {
                Some(pass) => {
                    let der = decrypt_pkcs8_pem_file(&files.key, pass)?;
                    KeyPair::try_from(der.as_bytes()).map_err(|e| {
                        SealError::invalid(
                            "private key",
                            &files.key,
                            e.to_string(),
                            "regenerate it with `console keys init --force`",
                        )
                    })?
                }
                None => load_plain_keypair(&files.key)?,
            };
            Some(spki_of_keypair(&key, files.what)?)
        } else {
            let existing = load_certificate_pem(&files.cert)?;
            if issued_by(&existing, &ca.cert) && !expired(&existing, now) {
                None
            } else {
                let spki_der = existing
                    .tbs_certificate
                    .subject_public_key_info
                    .to_der()
                    .map_err(|e| SealError::generate(format!("{} certificate", files.what), e))?;
                Some(SubjectPublicKeyInfo::from_der(&spki_der).map_err(|e| {
                    SealError::invalid(
                        "certificate",
                        &files.cert,
                        format!("its public key cannot be re-certified: {e}"),
                        "regenerate it with `console keys init --force`",
                    )
                })?)
            }
        }
    };

    match public_key {
        None => report.kept.push(files.cert.clone()),
        Some(spki) => {
            let pem = issue_leaf(ca, &spki, subject, now, files.what)?;
            write_file(&files.cert, pem.as_bytes(), false)?;
            report.created.push(files.cert.clone());
        }
    }
    Ok(())
}

fn issue_leaf(
    ca: &Ca,
    public_key: &SubjectPublicKeyInfo,
    subject: DistinguishedName,
    now: OffsetDateTime,
    what: &str,
) -> Result<String, SealError> {
    let issuer = Issuer::from_ca_cert_pem(&ca.cert_pem, &ca.key).map_err(|e| {
        SealError::invalid(
            "CA certificate",
            &ca.path,
            e.to_string(),
            "regenerate dev keys with `console keys init --force`",
        )
    })?;
    let ca_not_after = time_of(&ca.cert.tbs_certificate.validity.not_after);
    let mut params = CertificateParams::default();
    params.distinguished_name = subject;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    params.use_authority_key_identifier_extension = true;
    params.not_before = now - Duration::hours(1);
    params.not_after = (now + Duration::days(LEAF_VALIDITY_DAYS)).min(ca_not_after);
    params.serial_number = Some(random_serial());
    let cert = params
        .signed_by(public_key, &issuer)
        .map_err(|e| SealError::generate(format!("{what} certificate"), e))?;
    Ok(cert.pem())
}

fn ensure_raw_pair(
    key_path: &Path,
    pub_path: &Path,
    what: &str,
    force: bool,
    report: &mut DevPkiReport,
) -> Result<(), SealError> {
    let key_exists = exists(key_path)?;
    let pub_exists = exists(pub_path)?;
    if force || !key_exists {
        if !force && pub_exists {
            return Err(SealError::IncompletePair {
                existing: pub_path.to_path_buf(),
                missing: key_path.to_path_buf(),
            });
        }
        let key = generate_key(&format!("{what} key"))?;
        write_file(key_path, key.serialize_pem().as_bytes(), true)?;
        report.created.push(key_path.to_path_buf());
        write_file(pub_path, key.public_key_pem().as_bytes(), false)?;
        report.created.push(pub_path.to_path_buf());
        return Ok(());
    }
    report.kept.push(key_path.to_path_buf());
    if pub_exists {
        report.kept.push(pub_path.to_path_buf());
    } else {
        let key = load_plain_keypair(key_path)?;
        write_file(pub_path, key.public_key_pem().as_bytes(), false)?;
        report.created.push(pub_path.to_path_buf());
    }
    Ok(())
}

/// Whether `cert` names `ca` as issuer and carries a valid signature by `ca`'s key.
fn issued_by(cert: &Certificate, ca: &Certificate) -> bool {
    if cert.tbs_certificate.issuer != ca.tbs_certificate.subject {
        return false;
    }
    let Ok(tbs) = cert.tbs_certificate.to_der() else {
        return false;
    };
    let alg: &dyn ring_sig::VerificationAlgorithm =
        if cert.signature_algorithm.oid == OID_ECDSA_WITH_SHA256 {
            &ring_sig::ECDSA_P256_SHA256_ASN1
        } else if cert.signature_algorithm.oid == OID_SHA256_WITH_RSA {
            &ring_sig::RSA_PKCS1_2048_8192_SHA256
        } else {
            return false;
        };
    let Some(signature) = cert.signature.as_bytes() else {
        return false;
    };
    let ca_key = ca
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    UnparsedPublicKey::new(alg, ca_key)
        .verify(&tbs, signature)
        .is_ok()
}

fn expired(cert: &Certificate, now: OffsetDateTime) -> bool {
    time_of(&cert.tbs_certificate.validity.not_after) <= now
}

fn time_of(t: &x509_cert::time::Time) -> OffsetDateTime {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn generate_key(what: &str) -> Result<KeyPair, SealError> {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| SealError::generate(what, e))
}

fn spki_of_keypair(key: &KeyPair, what: &str) -> Result<SubjectPublicKeyInfo, SealError> {
    SubjectPublicKeyInfo::from_der(&key.subject_public_key_info())
        .map_err(|e| SealError::generate(format!("{what} public key"), e))
}

fn load_plain_keypair(path: &Path) -> Result<KeyPair, SealError> {
    let pem = read_text_file("private key", path)?;
    KeyPair::from_pem(&pem).map_err(|e| {
        SealError::invalid(
            "private key",
            path,
            e.to_string(),
            "expected an unencrypted PKCS#8 PEM key; regenerate dev keys with `console keys init --force`",
        )
    })
}

/// scrypt cost for officer keys: log2 N = 14, r = 8, p = 1 (16 MiB), OpenSSL's own
/// `pkcs8 -scrypt` default. pkcs8 0.10's default (log2 N = 15) needs just over OpenSSL's
/// 32 MiB scrypt memory limit, so `openssl pkey` could not open the key.
const SCRYPT_LOG_N: u8 = 14;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// PKCS#8 `EncryptedPrivateKeyInfo` PEM (PBES2: scrypt, AES-256-CBC).
fn encrypt_key_pem(key: &KeyPair, passphrase: &str, what: &str) -> Result<String, SealError> {
    let fail = |e: &dyn fmt::Display| SealError::generate(format!("encrypted {what} key"), e);
    let der = key.serialize_der();
    let info = pkcs8::PrivateKeyInfo::from_der(&der).map_err(|e| fail(&e))?;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut iv);
    let scrypt = pkcs8::pkcs5::scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32)
        .map_err(|e| fail(&e))?;
    let params = pkcs8::pkcs5::pbes2::Parameters::scrypt_aes256cbc(scrypt, &salt, &iv)
        .map_err(|e| fail(&e))?;
    let doc = info
        .encrypt_with_params(params, passphrase.as_bytes())
        .map_err(|e| fail(&e))?;
    let pem = doc
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .map_err(|e| fail(&e))?;
    Ok(pem.to_string())
}

fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    // Positive, and a fixed length of 16 bytes.
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::from_slice(&bytes)
}

fn country_vn() -> Result<DnValue, SealError> {
    // RFC 5280: countryName is a PrintableString.
    rcgen::string::PrintableString::try_from("VN")
        .map(DnValue::PrintableString)
        .map_err(|e| SealError::generate("country name", e))
}

fn dn(entries: &[(DnType, DnValue)]) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    for (ty, value) in entries {
        dn.push(ty.clone(), value.clone());
    }
    dn
}

fn exists(path: &Path) -> Result<bool, SealError> {
    path.try_exists()
        .map_err(|e| SealError::read("file", path, e))
}

fn read_text_file(what: &'static str, path: &Path) -> Result<String, SealError> {
    let bytes = read_file(what, path)?;
    String::from_utf8(bytes).map_err(|_| {
        SealError::invalid(
            what,
            path,
            "not a text (PEM) file",
            "regenerate dev keys with `console keys init --force`",
        )
    })
}

fn create_private_dir(dir: &Path) -> Result<(), SealError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| SealError::write(dir, e))
}

/// Writes `contents` to `path` through a temporary file and a rename, so a crash never
/// leaves a half-written key. Private files get mode 0600.
fn write_file(path: &Path, contents: &[u8], private: bool) -> Result<(), SealError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp"));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    let result = (|| {
        let mut file = options.open(&tmp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // `mode` only applies to a newly created file; a stale temp file keeps its mode.
            file.set_permissions(fs::Permissions::from_mode(if private {
                0o600
            } else {
                0o644
            }))?;
        }
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        SealError::write(path, e)
    })
}
