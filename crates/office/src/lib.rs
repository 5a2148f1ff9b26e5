//! The center's acts on the register, shared by the kiosk agent (automatic decisions) and the
//! officers' console (decisions on flagged cases):
//!
//! - [`Office::issue`]: render and seal the copy of a case inside the register's issuing
//!   transaction (the register number is taken and the copy recorded in one transaction; a
//!   failed render gives the number back), the PDF stored in the blob store first.
//! - [`Office::refuse`]: write the refusal slip (Vietnamese and English, the reasons and their
//!   legal grounds, sealed with the agency seal), store it, and move the case to `refused`.
//!
//! Everything here is synchronous: the blob store's async calls run on a private
//! current-thread runtime. Do not call these from inside an async task (use `spawn_blocking`).

use std::time::Instant;

use bytes::Bytes;
use time::OffsetDateTime;
use truecopy_certify::{Certifier, CopyFacts, Issuer, center_certifier};
use truecopy_domain::{CaseEvent, DocumentType, RefusalGround};
use truecopy_registry::copy::{IssueRequest, NewSignature, RenderedCopy};
use truecopy_registry::{BlobStore, CaseRecord, CopyRecord, Registry};
use truecopy_render::PageImage;

#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error(transparent)]
    Registry(#[from] truecopy_registry::RegistryError),
    #[error(transparent)]
    Blobs(#[from] truecopy_registry::BlobError),
    #[error(transparent)]
    Certify(#[from] truecopy_certify::CertifyError),
    #[error("refusal slip: {0}")]
    Slip(String),
    #[error("starting the blob runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{0}")]
    Invalid(String),
}

/// Who decides: the automation (the center's seal alone) or an officer.
#[derive(Debug, Clone)]
pub enum Actor {
    Kiosk {
        kiosk_id: String,
    },
    Officer {
        id: String,
        name: String,
        title: String,
    },
}

impl Actor {
    fn audit_name(&self) -> String {
        match self {
            Actor::Kiosk { kiosk_id } => format!("kiosk:{kiosk_id}"),
            Actor::Officer { id, .. } => format!("officer:{id}"),
        }
    }
}

/// A copy as issued: the register's record, the PDF bytes and the QR's URL.
#[derive(Debug, Clone)]
pub struct IssuedCopy {
    pub record: CopyRecord,
    pub pdf: Vec<u8>,
    pub qr_text: String,
    pub render_ms: f64,
    pub sign_ms: f64,
}

/// The register, the blob store and the issuing keys of one center.
pub struct Office {
    pub registry: Registry,
    pub blobs: BlobStore,
    pub issuer: Issuer,
    register_book: u16,
    rt: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Office {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Office")
            .field("blobs", &self.blobs.target())
            .field("issuer", &self.issuer)
            .finish()
    }
}

impl Office {
    pub fn new(
        registry: Registry,
        blobs: BlobStore,
        issuer: Issuer,
        register_book: u16,
    ) -> Result<Office, OfficeError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(OfficeError::Runtime)?;
        Ok(Office {
            registry,
            blobs,
            issuer,
            register_book,
            rt,
        })
    }

    pub fn put_blob(&self, bytes: Vec<u8>) -> Result<String, OfficeError> {
        Ok(self.rt.block_on(self.blobs.put(Bytes::from(bytes)))?)
    }

    pub fn get_blob(&self, key: &str) -> Result<Bytes, OfficeError> {
        Ok(self.rt.block_on(self.blobs.get(key))?)
    }

    /// Issues the copy of a case: automatically (`Actor::Kiosk`, case `checked`) or on an
    /// officer's approval (case `flagged`; the officer's co-signature is added by the caller's
    /// signer through [`Office::issue_with`]).
    pub fn issue(
        &mut self,
        case: &CaseRecord,
        actor: &Actor,
        page_dpi: &[Option<f32>],
        holder_name: Option<String>,
    ) -> Result<IssuedCopy, OfficeError> {
        self.issue_with(case, actor, page_dpi, holder_name, None, None)
    }

    /// As [`Office::issue`], with an officer's co-signing step and the case version the
    /// officer decided on (a concurrent decision then fails with `Conflict`).
    pub fn issue_with(
        &mut self,
        case: &CaseRecord,
        actor: &Actor,
        page_dpi: &[Option<f32>],
        holder_name: Option<String>,
        expected_version: Option<i64>,
        cosign: Option<&dyn truecopy_seal::Signer>,
    ) -> Result<IssuedCopy, OfficeError> {
        let document_type = case.document_type.unwrap_or(DocumentType::Other);
        let mut pages = Vec::with_capacity(case.pages.len());
        for (k, p) in case.pages.iter().enumerate() {
            let bytes = self.get_blob(&p.blob)?;
            pages.push(PageImage {
                bytes: bytes.to_vec(),
                dpi: page_dpi.get(k).copied().flatten(),
            });
        }
        let (event, officer_id, certifier) = match actor {
            Actor::Kiosk { .. } => (
                CaseEvent::AutoIssue,
                None,
                center_certifier(self.issuer.center()),
            ),
            Actor::Officer { id, name, title } => (
                CaseEvent::Approve,
                Some(id.clone()),
                Certifier {
                    name: name.clone(),
                    title: title.clone(),
                },
            ),
        };
        if matches!(actor, Actor::Officer { .. }) && cosign.is_none() {
            return Err(OfficeError::Invalid(
                "an officer's approval needs the officer's signature".into(),
            ));
        }
        let req = IssueRequest {
            case_id: case.id.clone(),
            event,
            expected_version,
            actor: actor.audit_name(),
            officer_id,
            register_book: self.register_book,
            holder_name,
        };
        let req_officer = req.officer_id.clone();
        let mut out: Option<(Vec<u8>, String, f64, f64)> = None;
        let issuer = &self.issuer;
        let blobs = &self.blobs;
        let rt = &self.rt;
        let record =
            self.registry
                .issue_copy(&req, |ctx| -> Result<RenderedCopy, OfficeError> {
                    let issued_at =
                        truecopy_domain::timefmt::parse(&ctx.issued_at).map_err(|e| {
                            OfficeError::Invalid(format!("issue time {}: {e}", ctx.issued_at))
                        })?;
                    let facts = CopyFacts {
                        code: ctx.code.clone(),
                        register_number: ctx.register_number,
                        document_type,
                        issued_at,
                        certifier: certifier.clone(),
                    };
                    let started = Instant::now();
                    let mut pdf = issuer.issue(&facts, &pages)?;
                    if let (Some(signer), Some(officer_id)) = (cosign, req_officer.as_deref()) {
                        issuer.cosign(&mut pdf, officer_id, signer, issued_at)?;
                    }
                    tracing::debug!(
                        ms = started.elapsed().as_secs_f64() * 1000.0,
                        "rendered and sealed"
                    );
                    let blob = rt.block_on(blobs.put(Bytes::from(pdf.pdf.clone())))?;
                    let rendered = RenderedCopy {
                        pdf_blob: blob,
                        pdf_sha256: pdf.pdf_sha256.clone(),
                        page_sha256: pdf.page_sha256.clone(),
                        signatures: pdf
                            .signatures
                            .iter()
                            .map(|s| NewSignature {
                                role: s.role.clone(),
                                officer_id: s.officer_id.clone(),
                                signer_subject: s.signer_subject.clone(),
                                certificate_sha256: s.certificate_sha256.clone(),
                            })
                            .collect(),
                    };
                    out = Some((pdf.pdf, pdf.qr_text, pdf.render_ms, pdf.sign_ms));
                    Ok(rendered)
                })?;
        let (pdf, qr_text, render_ms, sign_ms) = out
            .ok_or_else(|| OfficeError::Invalid("the register issued without rendering".into()))?;
        Ok(IssuedCopy {
            record,
            pdf,
            qr_text,
            render_ms,
            sign_ms,
        })
    }

    /// Refuses a case in writing: renders and seals the slip, stores it, moves the case to
    /// `refused` (`AutoReject` from `checked` for the kiosk, `Refuse` from `flagged` for an
    /// officer). Returns the updated case and the slip's bytes.
    pub fn refuse(
        &mut self,
        case: &CaseRecord,
        actor: &Actor,
        reasons: &[RefusalGround],
        note: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<(CaseRecord, Vec<u8>), OfficeError> {
        if reasons.is_empty() {
            return Err(OfficeError::Invalid(
                "a refusal names at least one reason".into(),
            ));
        }
        let now = OffsetDateTime::now_utc();
        let center = self.issuer.center().clone();
        let document_type = case.document_type.unwrap_or(DocumentType::Other);
        let (event, officer, decided_by) = match actor {
            Actor::Kiosk { .. } => (
                CaseEvent::AutoReject,
                None,
                format!("{} — từ chối tự động / automated refusal", center.name),
            ),
            Actor::Officer { id, name, title } => (
                CaseEvent::Refuse,
                Some(id.as_str()),
                format!("{title}: {name}"),
            ),
        };
        let slip = truecopy_render::RefusalSlip {
            center_name: center.name.clone(),
            center_name_en: center.name_en.clone(),
            place: center.place.clone(),
            case_id: case.id.clone(),
            document_vi: document_type.name_vi().to_owned(),
            document_en: document_type.name_en().to_owned(),
            received: case.received_at.clone(),
            reasons: reasons
                .iter()
                .map(|c| {
                    let (vi, en) = c.text();
                    truecopy_render::RefusalReason {
                        text_vi: vi.to_owned(),
                        text_en: en.to_owned(),
                        legal_ground: Some({
                            let (a, b) = c.legal_text();
                            (a.to_owned(), b.to_owned())
                        }),
                    }
                })
                .collect(),
            note: note.map(str::to_owned),
            decided_by,
            created: now,
        };
        let unsigned = truecopy_render::render_refusal_slip(&slip)
            .map_err(|e| OfficeError::Slip(e.to_string()))?;
        let opts = truecopy_pades::SignOptions {
            name: Some(center.name.clone()),
            reason: Some("Từ chối chứng thực / Refusal to certify".into()),
            location: Some(center.place.clone()),
            ..truecopy_pades::SignOptions::new("TruecopySeal").at(now)
        };
        let pdf = truecopy_pades::sign_pdf(&unsigned, self.issuer.seal_signer(), &opts)
            .map_err(|e| OfficeError::Slip(e.to_string()))?;
        let blob = self.put_blob(pdf.clone())?;
        let detail = serde_json::json!({
            "reasons": reasons.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "note": note,
        });
        let case = self.registry.refuse_case(
            &case.id,
            event,
            expected_version,
            &actor.audit_name(),
            officer,
            &blob,
            detail,
        )?;
        Ok((case, pdf))
    }
}
