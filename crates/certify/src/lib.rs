//! Issuing and verifying certified copies: the one place that puts rendering
//! (`truecopy-render`), the QR's signed payload (`truecopy-qr`) and PAdES signatures
//! (`truecopy-pades`) together, so the kiosk, the console and the portal do it the same way.
//!
//! Issuing ([`Issuer::issue`]): page digests → QR payload signed with the QR key → QR symbol →
//! PDF with scans at true size, watermark, code, register number, QR and the certification
//! statement → agency seal signature (PAdES B-B) → optionally the officer's second signature
//! ([`Issuer::cosign`]). QR and watermark are stamped before signing.
//!
//! Verifying ([`CopyVerifier`]): every PDF signature (integrity, chain to the trust roots,
//! changes appended after it), the identification code the copy carries, and QR texts.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use truecopy_domain::{DocumentType, IdCode, RegisterNumber};
use truecopy_pades::{PdfReport, SignOptions, TrustStore};
use truecopy_qr::{QrKeys, QrPayload, QrReport, QrSigner};
use truecopy_render::{PageImage, RenderInput, Statement};
use truecopy_seal::{Reason, SealError, Signer, SoftwareSigner, Verdict, verdict_of};

pub use truecopy_render::PageImage as ScanPage;

/// Vietnam's offset (no daylight saving): dates printed on copies are local dates.
pub const VIETNAM: time::UtcOffset = time::macros::offset!(+7);

#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    #[error(transparent)]
    Keys(#[from] SealError),
    #[error("QR: {0}")]
    Qr(#[from] truecopy_qr::QrError),
    #[error("rendering the copy: {0}")]
    Render(#[from] truecopy_render::RenderError),
    #[error("signing the copy: {0}")]
    Sign(#[from] truecopy_pades::PadesError),
    #[error("{0}")]
    Invalid(String),
}

/// The certifying center, as printed.
#[derive(Debug, Clone)]
pub struct Center {
    pub name: String,
    pub name_en: String,
    pub place: String,
    pub short_id: String,
    pub watermark: String,
}

impl From<&truecopy_config::CenterSection> for Center {
    fn from(c: &truecopy_config::CenterSection) -> Center {
        Center {
            name: c.name.clone(),
            name_en: c.name_en.clone(),
            place: c.place.clone(),
            short_id: c.short_id.clone(),
            watermark: c.watermark.clone(),
        }
    }
}

/// Who certifies, as printed under the statement.
#[derive(Debug, Clone)]
pub struct Certifier {
    pub name: String,
    pub title: String,
}

/// The facts of one copy, decided by the register before rendering.
#[derive(Debug, Clone)]
pub struct CopyFacts {
    pub code: IdCode,
    pub register_number: RegisterNumber,
    pub document_type: DocumentType,
    pub issued_at: OffsetDateTime,
    /// Printed under the statement: the officer who co-signs, or the center for automatic issue.
    pub certifier: Certifier,
}

/// A signature as recorded in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedSignature {
    /// `seal` or `officer`.
    pub role: String,
    pub officer_id: Option<String>,
    pub signer_subject: String,
    pub certificate_sha256: String,
}

/// A signed copy.
#[derive(Debug, Clone)]
pub struct IssuedPdf {
    pub pdf: Vec<u8>,
    pub pdf_sha256: String,
    /// SHA-256 of each scanned page as captured (hex), in page order.
    pub page_sha256: Vec<String>,
    pub qr_text: String,
    pub qr_version: u8,
    pub signatures: Vec<AppliedSignature>,
    pub render_ms: f64,
    pub sign_ms: f64,
}

/// A rendered, not yet signed copy.
#[derive(Debug, Clone)]
pub struct RenderedCopy {
    pub unsigned: Vec<u8>,
    pub page_sha256: Vec<String>,
    pub qr_text: String,
    pub qr_version: u8,
    pub render_ms: f64,
}

/// The keys and settings that issue copies.
pub struct Issuer {
    seal: Box<dyn Signer>,
    seal_subject: String,
    qr: QrSigner,
    center: Center,
    public_url: url::Url,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("seal_subject", &self.seal_subject)
            .field("qr_kid", &self.qr.kid())
            .field("center", &self.center.short_id)
            .finish()
    }
}

fn subject_cn(der: &[u8]) -> String {
    truecopy_seal::subject_common_name(der).unwrap_or_else(|| "unknown".into())
}

/// The automatic certifier printed on copies issued without an officer.
pub fn center_certifier(center: &Center) -> Certifier {
    Certifier {
        name: center.name.clone(),
        title:
            "Chứng thực tự động, ký bằng con dấu điện tử / Automated certification, electronic seal"
                .into(),
    }
}

impl Issuer {
    pub fn new(
        seal: Box<dyn Signer>,
        qr: QrSigner,
        center: Center,
        public_url: url::Url,
    ) -> Issuer {
        let seal_subject = subject_cn(seal.certificate_der());
        Issuer {
            seal,
            seal_subject,
            qr,
            center,
            public_url,
        }
    }

    /// Loads the seal key and certificate and the QR key named by the configuration.
    pub fn from_config(cfg: &truecopy_config::Config) -> Result<Issuer, CertifyError> {
        let seal = SoftwareSigner::from_pem_files(&cfg.keys.seal_key, &cfg.keys.seal_cert)?;
        let qr_pem = truecopy_seal::load_private_key_pem(&cfg.keys.qr_key)?;
        let qr = QrSigner::from_pem(&qr_pem)?;
        Ok(Issuer::new(
            Box::new(seal),
            qr,
            Center::from(&cfg.center),
            cfg.public_url.clone(),
        ))
    }

    pub fn center(&self) -> &Center {
        &self.center
    }

    /// The QR keys this issuer's payloads verify with.
    pub fn qr_keys(&self) -> QrKeys {
        self.qr.keys()
    }

    /// Renders and seals a copy of `pages` (the scans as captured).
    pub fn issue(&self, facts: &CopyFacts, pages: &[PageImage]) -> Result<IssuedPdf, CertifyError> {
        let rendered = self.render(facts, pages)?;
        self.seal(facts, rendered)
    }

    /// The unsigned copy: QR payload signed, QR, watermark and statement stamped.
    pub fn render(
        &self,
        facts: &CopyFacts,
        pages: &[PageImage],
    ) -> Result<RenderedCopy, CertifyError> {
        if pages.is_empty() {
            return Err(CertifyError::Invalid(
                "a copy needs at least one page".into(),
            ));
        }
        let started = Instant::now();
        let digests: Vec<[u8; 32]> = pages
            .iter()
            .map(|p| Sha256::digest(&p.bytes).into())
            .collect();
        let local = facts.issued_at.to_offset(VIETNAM);
        let payload = QrPayload::new(
            facts.code.clone(),
            facts.register_number,
            facts.document_type,
            local.date().to_string(),
            self.center.short_id.clone(),
            &digests,
        );
        let jws = self.qr.sign(&payload)?;
        let qr_text = truecopy_qr::qr_text(&self.public_url, &payload, &jws);
        let matrix = truecopy_qr::qr_matrix(&qr_text)?;
        let qr_version = matrix.version();
        let input = RenderInput {
            pages: pages.to_vec(),
            code_grouped: facts.code.grouped(),
            code_compact: facts.code.as_str().to_string(),
            register_number: facts.register_number.to_string(),
            qr: truecopy_render::QrMatrix {
                width: matrix.width,
                dark: matrix.dark,
            },
            watermark: self.center.watermark.clone(),
            statement: Statement {
                center_name: self.center.name.clone(),
                center_name_en: self.center.name_en.clone(),
                place: self.center.place.clone(),
                date: local.date(),
                register_vi: facts.register_number.statement_vi(),
                register_en: facts.register_number.statement_en(),
                signer_name: facts.certifier.name.clone(),
                signer_title: facts.certifier.title.clone(),
                document_name_vi: facts.document_type.name_vi().into(),
                document_name_en: facts.document_type.name_en().into(),
                page_count: pages.len(),
            },
            title: format!(
                "Bản sao chứng thực / Certified copy {}",
                facts.register_number
            ),
            subject: format!(
                "{} — {}",
                facts.document_type.name_vi(),
                facts.document_type.name_en()
            ),
            created: facts.issued_at,
        };
        let unsigned = truecopy_render::render_copy(&input)?;
        Ok(RenderedCopy {
            unsigned,
            page_sha256: digests.iter().map(hex::encode).collect(),
            qr_text,
            qr_version,
            render_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Applies the agency seal (PAdES B-B) to a rendered copy.
    pub fn seal(
        &self,
        facts: &CopyFacts,
        rendered: RenderedCopy,
    ) -> Result<IssuedPdf, CertifyError> {
        let started = Instant::now();
        let opts = SignOptions {
            name: Some(self.seal_subject.clone()),
            reason: Some(format!(
                "Chứng thực bản sao đúng với bản chính, số {}",
                facts.register_number
            )),
            location: Some(self.center.place.clone()),
            ..SignOptions::new("TruecopySeal").at(facts.issued_at)
        };
        let pdf = truecopy_pades::sign_pdf(&rendered.unsigned, self.seal.as_ref(), &opts)?;
        let sign_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(IssuedPdf {
            pdf_sha256: hex::encode(Sha256::digest(&pdf)),
            pdf,
            page_sha256: rendered.page_sha256,
            qr_text: rendered.qr_text,
            qr_version: rendered.qr_version,
            signatures: vec![AppliedSignature {
                role: "seal".into(),
                officer_id: None,
                signer_subject: self.seal_subject.clone(),
                certificate_sha256: truecopy_seal::certificate_fingerprint_sha256(
                    self.seal.certificate_der(),
                ),
            }],
            render_ms: rendered.render_ms,
            sign_ms,
        })
    }

    /// The seal signer (for benchmarks and tools that sign a rendered PDF themselves).
    pub fn seal_signer(&self) -> &dyn Signer {
        self.seal.as_ref()
    }

    /// Adds an officer's signature to a sealed copy (an incremental update: the seal stays valid).
    pub fn cosign(
        &self,
        copy: &mut IssuedPdf,
        officer_id: &str,
        officer: &dyn Signer,
        at: OffsetDateTime,
    ) -> Result<(), CertifyError> {
        let subject = subject_cn(officer.certificate_der());
        let opts = SignOptions {
            name: Some(subject.clone()),
            reason: Some("Đồng ký chứng thực / Co-signed by the certifying officer".into()),
            location: Some(self.center.place.clone()),
            ..SignOptions::new(format!("TruecopyOfficer-{officer_id}")).at(at)
        };
        let started = Instant::now();
        copy.pdf = truecopy_pades::sign_pdf(&copy.pdf, officer, &opts)?;
        copy.sign_ms += started.elapsed().as_secs_f64() * 1000.0;
        copy.pdf_sha256 = hex::encode(Sha256::digest(&copy.pdf));
        copy.signatures.push(AppliedSignature {
            role: "officer".into(),
            officer_id: Some(officer_id.to_string()),
            signer_subject: subject,
            certificate_sha256: truecopy_seal::certificate_fingerprint_sha256(
                officer.certificate_der(),
            ),
        });
        Ok(())
    }
}

/// What the verifier says of a PDF.
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    /// The identification code the copy carries (grouped), when found.
    pub code: Option<String>,
    pub register_number: Option<String>,
    pub pdf: PdfReport,
}

/// Trust material for verifying copies offline.
#[derive(Debug)]
pub struct CopyVerifier {
    trust: TrustStore,
    qr_keys: QrKeys,
}

impl CopyVerifier {
    pub fn new(trust: TrustStore, qr_keys: QrKeys) -> CopyVerifier {
        CopyVerifier { trust, qr_keys }
    }

    /// Trust roots (PEM files) and QR public keys (PEM files).
    pub fn from_files(
        roots: &[&Path],
        qr_public_keys: &[&Path],
    ) -> Result<CopyVerifier, CertifyError> {
        let trust = TrustStore::from_pem_files(roots)?;
        let pems = qr_public_keys
            .iter()
            .map(truecopy_seal::load_public_key_pem)
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&str> = pems.iter().map(String::as_str).collect();
        Ok(CopyVerifier {
            trust,
            qr_keys: QrKeys::from_public_pems(&refs)?,
        })
    }

    pub fn from_config(cfg: &truecopy_config::Config) -> Result<CopyVerifier, CertifyError> {
        CopyVerifier::from_files(&[cfg.keys.ca_cert.as_path()], &[cfg.keys.qr_pub.as_path()])
    }

    pub fn qr_keys(&self) -> &QrKeys {
        &self.qr_keys
    }

    /// Verifies a PDF: its signatures, and that it is a truecopy copy.
    pub fn verify_pdf(&self, bytes: &[u8]) -> CopyReport {
        let pdf = truecopy_pades::verify_pdf(bytes, &self.trust, OffsetDateTime::now_utc());
        let (code, register_number) = pdf
            .info_keywords
            .as_deref()
            .map(parse_keywords)
            .unwrap_or((None, None));
        let mut reasons = pdf.reasons.clone();
        if code.is_none() && !reasons.contains(&Reason::NotAPdf) && !pdf.signatures.is_empty() {
            reasons.push(Reason::NotATruecopyDocument);
        }
        let verdict = verdict_of(&reasons).and(pdf.verdict);
        CopyReport {
            verdict,
            reasons,
            code: code.map(|c| c.grouped()),
            register_number: register_number.map(|n| n.to_string()),
            pdf,
        }
    }

    /// Verifies a QR text (URL with token, or a bare token).
    pub fn verify_qr(&self, text: &str) -> QrReport {
        truecopy_qr::verify_qr_text(text, &self.qr_keys)
    }
}

/// Reads `truecopy-code:<code> truecopy-register:<number>` from the PDF's keywords.
pub fn parse_keywords(keywords: &str) -> (Option<IdCode>, Option<RegisterNumber>) {
    let mut code = None;
    let mut number = None;
    for word in keywords.split_whitespace() {
        if let Some(c) = word.strip_prefix("truecopy-code:") {
            code = IdCode::parse(c).ok();
        } else if let Some(n) = word.strip_prefix("truecopy-register:") {
            number = n.parse().ok();
        }
    }
    (code, number)
}
