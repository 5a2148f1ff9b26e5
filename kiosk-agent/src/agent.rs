//! One session from analysis to the register: store the scans, open (or resume) the case,
//! record the checks, then issue, flag or refuse. Every step is a transaction of the register;
//! a session key makes a re-delivered session resume its case instead of opening another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use truecopy_domain::{
    CaseEvent, CaseState, CheckCode, Decision, DocumentType, IdCode, RefusalGround,
};
use truecopy_office::{Actor, Office};
use truecopy_registry::{CaseRecord, CheckOutcome, FaceCrops, NewCase, PageRef};

use crate::input::{Selfie, Session};
use crate::pipeline::{Analysis, FaceSummary, Pipeline};

/// The issued copy, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct CopyOut {
    pub code: String,
    pub register_number: String,
    /// Where the PDF was written.
    pub pdf: String,
    /// The QR's target: the portal's verification page with the signed payload.
    pub verify_url: String,
}

/// What `kiosk-agent process --json` prints and `watch` writes as `result.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SessionResult {
    pub case_id: String,
    pub document_type: DocumentType,
    pub fields: BTreeMap<String, String>,
    pub checks: Vec<truecopy_domain::Check>,
    pub face: Option<FaceSummary>,
    pub decision: Decision,
    pub reasons: Vec<CheckCode>,
    pub copy: Option<CopyOut>,
    /// The written refusal slip, for `reject`.
    pub refusal_slip: Option<String>,
    pub email: Option<truecopy_mail::Delivery>,
    /// The case's state in the register after this run.
    pub state: CaseState,
    /// True when this run found the session already in the register and resumed it.
    pub resumed: bool,
    pub timings_ms: BTreeMap<String, f64>,
}

/// The kiosk: its engines, the center's office and where results go.
pub struct Agent {
    pub pipeline: Pipeline,
    pub office: Office,
    pub cfg: truecopy_config::Config,
    pub kiosk_id: String,
    pub scan_dpi: f32,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("kiosk", &self.kiosk_id)
            .finish_non_exhaustive()
    }
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

fn page_ref(key: String, bytes: &[u8], media_type: &str) -> PageRef {
    PageRef {
        sha256: key.rsplit('/').next().unwrap_or(&key).to_owned(),
        blob: key,
        media_type: media_type.to_owned(),
        bytes: bytes.len() as u64,
    }
}

/// `per_page` (one value per session page, in the session's order) in the order of the case's
/// stored pages, matched by content: an ID card's front is stored first whatever order the
/// scanner delivered the pages in. Unchanged when a stored page is not among the session's.
fn in_case_order<T: Clone>(case: &CaseRecord, session: &Session, per_page: Vec<T>) -> Vec<T> {
    use sha2::Digest;
    let keys: Vec<String> = session
        .pages
        .iter()
        .map(|p| hex::encode(sha2::Sha256::digest(&p.bytes)))
        .collect();
    let ordered: Option<Vec<T>> = case
        .pages
        .iter()
        .map(|cp| {
            keys.iter()
                .position(|k| *k == cp.sha256)
                .and_then(|i| per_page.get(i).cloned())
        })
        .collect();
    match ordered {
        Some(v) if v.len() == per_page.len() => v,
        _ => per_page,
    }
}

fn holder_name(fields: &BTreeMap<String, String>) -> Option<String> {
    fields.get("full_name").cloned()
}

impl Agent {
    /// Processes one session. `session_key` (hot folder) makes a re-run resume; `out_dir` gets
    /// the PDF of an issued copy or of a refusal slip.
    pub fn process(
        &mut self,
        session: &Session,
        session_key: Option<&str>,
        out_dir: &Path,
        today: time::Date,
    ) -> anyhow::Result<SessionResult> {
        let started = Instant::now();
        let mut timings = BTreeMap::new();

        let existing = match session_key {
            Some(k) => self.office.registry.find_case_by_session_key(k)?,
            None => None,
        };
        let resumed = existing.is_some();
        if let Some(case) = &existing
            && !matches!(case.state, CaseState::Received | CaseState::Checked)
        {
            // Decided before a crash: report what the register says, do nothing again.
            return self.report_decided(case, session, out_dir, timings, true);
        }

        // Analyse (or re-analyse a case that was received but not checked).
        let analysis = match &existing {
            Some(case) if case.state == CaseState::Checked => analysis_from_case(case),
            _ => {
                let mut a = self.pipeline.analyze(session, today);
                timings.extend(a.timings_ms.clone());
                self.check_resolution(session, &mut a);
                a
            }
        };

        // Store the scans and open the case.
        let t = Instant::now();
        let case = match existing {
            Some(c) => c,
            None => {
                let mut pages = Vec::with_capacity(session.pages.len());
                let order: Vec<usize> = if analysis.page_order.len() == session.pages.len() {
                    analysis.page_order.clone()
                } else {
                    (0..session.pages.len()).collect()
                };
                for p in order.iter().filter_map(|&k| session.pages.get(k)) {
                    let key = self.office.put_blob(p.bytes.clone())?;
                    pages.push(page_ref(key, &p.bytes, p.media_type));
                }
                let selfie_blob = match &session.selfie {
                    Selfie::Frame { bytes, .. } => Some(self.office.put_blob(bytes.clone())?),
                    _ => None,
                };
                self.office.registry.create_case(
                    &NewCase {
                        kiosk_id: self.kiosk_id.clone(),
                        pages,
                        selfie_blob,
                        email: session.email.clone(),
                        session_key: session_key.map(str::to_owned),
                    },
                    &format!("kiosk:{}", self.kiosk_id),
                )?
            }
        };
        let actor = format!("kiosk:{}", self.kiosk_id);
        // The density each page is rendered at; recorded with the checks so that a copy an
        // officer approves later prints at the same true size as one the kiosk issues.
        let dpi = in_case_order(
            &case,
            session,
            self.page_dpi(session, analysis.document_type),
        );
        let case = if case.state == CaseState::Received {
            let mut details = analysis.details.clone();
            // The faces compared, for the officer's console: blobs like the selfie, their keys
            // with the checks (`FaceCrops::POINTER`).
            let crops = &analysis.face_crops;
            let face_crops = FaceCrops {
                portrait: crops
                    .portrait
                    .clone()
                    .map(|b| self.office.put_blob(b))
                    .transpose()?,
                selfie: crops
                    .selfie
                    .clone()
                    .map(|b| self.office.put_blob(b))
                    .transpose()?,
            };
            if let Some(obj) = details.as_object_mut() {
                obj.insert("timings_ms".into(), serde_json::json!(analysis.timings_ms));
                obj.insert("page_dpi".into(), serde_json::json!(dpi));
                obj.insert("face_crops".into(), serde_json::to_value(&face_crops)?);
            }
            let outcome = CheckOutcome {
                document_type: Some(analysis.document_type),
                fields: analysis
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
                checks: serde_json::json!({ "checks": analysis.checks, "details": details }),
                face: analysis
                    .face
                    .as_ref()
                    .map(serde_json::to_value)
                    .transpose()?,
                decision: Some(analysis.decision),
                reasons: analysis
                    .reasons
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect(),
            };
            self.office
                .registry
                .record_checks(&case.id, &outcome, &actor)?
        } else {
            case
        };
        timings.insert("record".to_owned(), ms(t));

        // Act on the decision.
        let mut result = SessionResult {
            case_id: case.id.clone(),
            document_type: analysis.document_type,
            fields: analysis.fields.clone(),
            checks: analysis.checks.clone(),
            face: analysis.face.clone(),
            decision: analysis.decision,
            reasons: analysis.reasons.clone(),
            copy: None,
            refusal_slip: None,
            email: None,
            state: case.state,
            resumed,
            timings_ms: BTreeMap::new(),
        };
        let t = Instant::now();
        match analysis.decision {
            Decision::Issue => {
                let issued = self.office.issue(
                    &case,
                    &Actor::Kiosk {
                        kiosk_id: self.kiosk_id.clone(),
                    },
                    &dpi,
                    holder_name(&analysis.fields),
                )?;
                timings.insert("render".to_owned(), issued.render_ms);
                timings.insert("sign".to_owned(), issued.sign_ms);
                let pdf = write_out(
                    out_dir,
                    &format!("{}.pdf", issued.record.code.as_str()),
                    &issued.pdf,
                )?;
                result.copy = Some(CopyOut {
                    code: issued.record.code.grouped(),
                    register_number: issued.record.register_number.to_string(),
                    pdf: pdf.display().to_string(),
                    verify_url: issued.qr_text.clone(),
                });
                result.state = CaseState::Issued;
                if let Some(to) = &session.email {
                    result.email = Some(self.send_link(&issued.record.code, to));
                }
            }
            Decision::Flag => {
                let c = self.office.registry.transition_case(
                    &case.id,
                    CaseEvent::Flag,
                    None,
                    &actor,
                    None,
                    serde_json::json!({ "reasons": analysis.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>() }),
                )?;
                result.state = c.state;
            }
            Decision::Reject => {
                let grounds: Vec<RefusalGround> = analysis
                    .reasons
                    .iter()
                    .filter_map(|r| RefusalGround::from_check(*r))
                    .collect();
                let (c, pdf) = self.office.refuse(
                    &case,
                    &Actor::Kiosk {
                        kiosk_id: self.kiosk_id.clone(),
                    },
                    &grounds,
                    None,
                    None,
                )?;
                let path = write_out(out_dir, &format!("refusal-{}.pdf", case.id), &pdf)?;
                result.refusal_slip = Some(path.display().to_string());
                result.state = c.state;
            }
        }
        timings.insert("act".to_owned(), ms(t));
        timings.insert("total".to_owned(), ms(started));
        result.timings_ms = timings;
        Ok(result)
    }

    /// Decree 30/2020 asks ≥ 200 dpi for electronic copies: a scan below that (as stated by
    /// the file or measured from the document's size) cannot be certified; an officer asks for
    /// a rescan. Decided before anything is recorded, so the register never holds a decision
    /// the renderer would refuse.
    fn check_resolution(&self, session: &Session, a: &mut Analysis) {
        let dpi = self.page_dpi(session, a.document_type);
        let low: Vec<String> = session
            .pages
            .iter()
            .zip(&dpi)
            .filter_map(|(p, d)| {
                match truecopy_render::scan_info(&truecopy_render::PageImage {
                    bytes: p.bytes.clone(),
                    dpi: *d,
                }) {
                    Ok(info) => (info.dpi_x.min(info.dpi_y) < truecopy_render::MIN_DPI)
                        .then(|| format!("{}: {:.0} dpi", p.name, info.dpi_x.min(info.dpi_y))),
                    // The renderer refuses it (e.g. below 200 dpi): say why now.
                    Err(e) => Some(format!("{}: {e}", p.name)),
                }
            })
            .collect();
        if low.is_empty() {
            return;
        }
        a.checks.push(truecopy_domain::Check::fail(
            CheckCode::LowQuality,
            format!(
                "below the 200 dpi Decree 30/2020 asks for: {}",
                low.join(", ")
            ),
        ));
        let (d, r) = truecopy_domain::route(&a.checks, a.document_type == DocumentType::Other);
        a.decision = d;
        a.reasons = r;
    }

    fn send_link(&mut self, code: &IdCode, to: &str) -> truecopy_mail::Delivery {
        truecopy_mail::deliver_retrieval_link(&mut self.office.registry, &self.cfg, code, to)
    }

    /// The density of each page: what the file states, else measured from the document's known
    /// size (see [`crate::dpi`]), else the scanner's configured one.
    fn page_dpi(&self, session: &Session, t: DocumentType) -> Vec<Option<f32>> {
        session
            .pages
            .iter()
            .map(|p| {
                let stated = truecopy_render::scan_info(&truecopy_render::PageImage {
                    bytes: p.bytes.clone(),
                    dpi: None,
                })
                .ok()
                .filter(|i| i.density_source != truecopy_render::DensitySource::Assumed);
                if stated.is_some() {
                    None
                } else {
                    Some(crate::dpi::estimate(&p.image, t).unwrap_or(self.scan_dpi))
                }
            })
            .collect()
    }

    /// A session whose case was decided before (a crash between deciding and moving the folder).
    fn report_decided(
        &mut self,
        case: &CaseRecord,
        _session: &Session,
        out_dir: &Path,
        timings: BTreeMap<String, f64>,
        resumed: bool,
    ) -> anyhow::Result<SessionResult> {
        let a = analysis_from_case(case);
        let mut copy = None;
        let mut email = None;
        if matches!(case.state, CaseState::Issued | CaseState::Approved)
            && let Some(c) = self.office.registry.copy_of_case(&case.id)?
        {
            // Killed between issuing and e-mailing: the citizen still gets their link.
            if let Some(to) = case.email.clone()
                && !self
                    .office
                    .registry
                    .email_links_of_copy(&c.code)?
                    .iter()
                    .any(|l| l.sent_at.is_some())
            {
                email = Some(self.send_link(&c.code, &to));
            }
            let pdf = self.office.get_blob(&c.pdf_blob)?;
            let path = write_out(out_dir, &format!("{}.pdf", c.code.as_str()), &pdf)?;
            copy = Some(CopyOut {
                code: c.code.grouped(),
                register_number: c.register_number.to_string(),
                pdf: path.display().to_string(),
                verify_url: format!(
                    "{}/c/{}",
                    self.cfg.public_url.as_str().trim_end_matches('/'),
                    c.code.as_str()
                ),
            });
        }
        let mut refusal_slip = None;
        if let Some(key) = &case.refusal_slip {
            let pdf = self.office.get_blob(key)?;
            refusal_slip = Some(
                write_out(out_dir, &format!("refusal-{}.pdf", case.id), &pdf)?
                    .display()
                    .to_string(),
            );
        }
        Ok(SessionResult {
            case_id: case.id.clone(),
            document_type: a.document_type,
            fields: a.fields,
            checks: a.checks,
            face: a.face,
            decision: a.decision,
            reasons: a.reasons,
            copy,
            refusal_slip,
            email,
            state: case.state,
            resumed,
            timings_ms: timings,
        })
    }
}

/// Rebuilds the analysis stored with a case (for resuming and reporting).
fn analysis_from_case(case: &CaseRecord) -> Analysis {
    let checks: Vec<truecopy_domain::Check> = case
        .checks
        .get("checks")
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    let reasons = case.reasons.iter().filter_map(|r| r.parse().ok()).collect();
    Analysis {
        document_type: case.document_type.unwrap_or(DocumentType::Other),
        fields: case
            .fields
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
            .collect(),
        checks,
        face: case
            .face
            .as_ref()
            .and_then(|f| serde_json::from_value(f.clone()).ok()),
        decision: case.decision.unwrap_or(Decision::Flag),
        reasons,
        timings_ms: BTreeMap::new(),
        details: case.checks.get("details").cloned().unwrap_or_default(),
        // Stored with the checks already (`details.face_crops`).
        face_crops: Default::default(),
        // The case's pages are stored in their order already.
        page_order: Vec::new(),
    }
}

/// Writes a file atomically (temp + rename) into `dir`.
pub fn write_out(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, bytes).map_err(|e| anyhow::anyhow!("writing {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    Ok(path)
}
