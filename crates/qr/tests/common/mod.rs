//! Shared test helpers: dev key pairs from `init_dev_pki` and a realistic payload.
#![allow(dead_code)]

use std::path::Path;

use truecopy_domain::{DocumentType, IdCode, RegisterNumber};
use truecopy_qr::{QrKeys, QrPayload, QrSigner};
use truecopy_seal::{DevPkiOptions, init_dev_pki, load_private_key_pem, load_public_key_pem};

/// A QR key pair made by `init_dev_pki` in a fresh directory.
pub struct DevKeys {
    pub _dir: tempfile::TempDir,
    pub private_pem: String,
    pub public_pem: String,
}

impl DevKeys {
    pub fn new() -> DevKeys {
        let dir = tempfile::tempdir().expect("tempdir");
        let pki = dir.path().join("pki");
        init_dev_pki(&DevPkiOptions {
            dir: pki.clone(),
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            officers: Vec::new(),
            force: false,
        })
        .expect("init_dev_pki");
        let private_pem = load_private_key_pem(pki.join("qr.key.pem")).expect("qr.key.pem");
        let public_pem = load_public_key_pem(pki.join("qr.pub.pem")).expect("qr.pub.pem");
        DevKeys {
            _dir: dir,
            private_pem,
            public_pem,
        }
    }

    pub fn signer(&self) -> QrSigner {
        QrSigner::from_pem(&self.private_pem).expect("QrSigner::from_pem")
    }

    pub fn keys(&self) -> QrKeys {
        QrKeys::from_public_pems(&[&self.public_pem]).expect("QrKeys::from_public_pems")
    }

    pub fn dir(&self) -> &Path {
        self._dir.path()
    }
}

/// A valid code (fixed, so that sizes are reproducible).
pub fn code() -> IdCode {
    IdCode::parse("7K3M-QX2D-94HA-TR3W-E6BN-VP0C")
        .or_else(|_| {
            // Find the check character for these 23 data characters.
            let data = "7K3MQX2D94HATR3WE6BNVP0";
            truecopy_domain::code::ALPHABET
                .iter()
                .map(|&c| format!("{data}{}", c as char))
                .find_map(|s| IdCode::parse(&s).ok())
                .ok_or(())
        })
        .expect("a valid code")
}

/// Another valid code.
pub fn other_code() -> IdCode {
    let data = "ABCDEFGHJKMNPQRSTVWXYZ0";
    truecopy_domain::code::ALPHABET
        .iter()
        .map(|&c| format!("{data}{}", c as char))
        .find_map(|s| IdCode::parse(&s).ok())
        .expect("a valid code")
}

/// The example QR key of docs/qr-format.md (made by `init_dev_pki`; an example, never trusted).
pub const EXAMPLE_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg06WPXI1UTdYpxfBy
WivR28ISiu+WNuKnDzhvDwc4Vs6hRANCAATJx1g/hhuOdscgUydxDMUFdd8tqr6C
PGGOmncpGNpCWISjVO6rY86LeZqPYGHWMLzB1a/czacuzFTLhFl42eqd
-----END PRIVATE KEY-----
";

pub fn example_signer() -> QrSigner {
    QrSigner::from_pem(EXAMPLE_PRIVATE_PEM).expect("example key")
}

/// The example's page digests: SHA-256 of the texts "example page 1" and "example page 2".
pub fn example_page_digests() -> [[u8; 32]; 2] {
    [
        QrPayload::page_digest(b"example page 1"),
        QrPayload::page_digest(b"example page 2"),
    ]
}

/// A realistic two-page payload, with the longest document type name (the doc's example).
pub fn payload() -> QrPayload {
    QrPayload::new(
        code(),
        RegisterNumber::new(2026, 1, 123),
        DocumentType::BirthCertificate,
        "2026-03-14",
        "TTPVHCC-HN",
        &example_page_digests(),
    )
}

pub const PUBLIC_URL: &str = "https://saoy.hanoi.gov.vn";

pub fn public_url() -> url::Url {
    url::Url::parse(PUBLIC_URL).expect("url")
}
