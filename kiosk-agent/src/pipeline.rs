//! The automated pipeline on one session, without side effects: inspect each page, read the
//! document, run the checks, authenticate the face, route.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use truecopy_domain::cccd::{self, Sex};
use truecopy_domain::mrz::{PrintedFields, compare_visual};
use truecopy_domain::{Check, CheckCode, CheckStatus, Decision, DocumentType};
use truecopy_face::{FaceConfig, FaceEngine, FaceOutcome};
use truecopy_inspect::{Finding, PageKind};
use truecopy_ocr::{OcrConfig, OcrEngine, Reading};

use crate::input::{Selfie, Session};

/// The face part of the result, as `kiosk-agent process --json` prints it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct FaceSummary {
    /// A face was found on the camera frame (and, for an ID card, on the card's portrait).
    pub detected: bool,
    pub portrait_detected: Option<bool>,
    pub selfie_detected: bool,
    pub score: Option<f32>,
    pub threshold: f32,
    pub liveness: Option<f32>,
    pub live: Option<bool>,
    pub liveness_threshold: f32,
}

/// What the pipeline found; no record has been written yet.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub document_type: DocumentType,
    pub fields: BTreeMap<String, String>,
    pub checks: Vec<Check>,
    pub face: Option<FaceSummary>,
    pub decision: Decision,
    pub reasons: Vec<CheckCode>,
    pub timings_ms: BTreeMap<String, f64>,
    /// Per-page inspection and OCR details, stored with the case for officers.
    #[serde(skip)]
    pub details: serde_json::Value,
    /// The faces compared, for officers (personal data: stored as blobs, never printed).
    #[serde(skip)]
    pub face_crops: FaceCropImages,
    /// The session's pages in the order the case keeps them: an ID card's front first,
    /// whatever order the scanner delivered them in.
    #[serde(skip)]
    pub page_order: Vec<usize>,
}

/// Tallest (and widest) a stored face crop is, in pixels: enough for an officer to compare on
/// a screen, small in the blob store.
pub const FACE_CROP_MAX_PX: u32 = 256;

/// The faces the engine compared, as JPEG bytes no larger than [`FACE_CROP_MAX_PX`].
#[derive(Clone, Default)]
pub struct FaceCropImages {
    /// The face found on the ID card's portrait.
    pub portrait: Option<Vec<u8>>,
    /// The face found on the camera frame.
    pub selfie: Option<Vec<u8>>,
}

impl std::fmt::Debug for FaceCropImages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = |b: &Option<Vec<u8>>| b.as_ref().map(Vec::len);
        f.debug_struct("FaceCropImages")
            .field("portrait_bytes", &len(&self.portrait))
            .field("selfie_bytes", &len(&self.selfie))
            .finish()
    }
}

/// A face crop shrunk to fit [`FACE_CROP_MAX_PX`] (aspect kept) and encoded as JPEG; `None`
/// when it cannot be encoded (the case is then recorded without it).
pub fn face_crop_jpeg(crop: &image::RgbImage) -> Option<Vec<u8>> {
    let (w, h) = crop.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    let img = if w.max(h) > FACE_CROP_MAX_PX {
        let s = FACE_CROP_MAX_PX as f32 / w.max(h) as f32;
        let (nw, nh) = (
            ((w as f32 * s).round() as u32).clamp(1, FACE_CROP_MAX_PX),
            ((h as f32 * s).round() as u32).clamp(1, FACE_CROP_MAX_PX),
        );
        image::imageops::resize(crop, nw, nh, image::imageops::FilterType::Triangle)
    } else {
        crop.clone()
    };
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .ok()?;
    Some(out)
}

/// One worker's engines (tesseract handles, ONNX sessions). Not shared between threads.
pub struct Pipeline {
    ocr: OcrEngine,
    face: FaceEngine,
    match_threshold: f32,
    liveness_threshold: f32,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").finish_non_exhaustive()
    }
}

/// A problem starting the engines (missing model, library or language data).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Ocr(#[from] truecopy_ocr::OcrError),
    #[error(transparent)]
    Face(#[from] truecopy_face::FaceError),
}

/// Fields a copy's register entry needs; missing ones send the case to an officer.
/// The fields the MRZ repeats that were not read on the card's front.
fn unread_mrz_fields(p: &PrintedFields<'_>) -> Vec<&'static str> {
    [
        ("id_number", p.id_number),
        ("full_name", p.full_name),
        ("date_of_birth", p.date_of_birth),
        ("sex", p.sex),
        ("expiry_date", p.expiry_date),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_none())
    .map(|(k, _)| k)
    .collect()
}

fn required_fields(t: DocumentType) -> &'static [&'static str] {
    match t {
        // The expiry date is judged by the validity check (printed, else the MRZ's).
        DocumentType::CitizenId => &["id_number", "full_name", "date_of_birth", "sex"],
        DocumentType::BirthCertificate | DocumentType::Diploma | DocumentType::Decision => {
            &["full_name"]
        }
        DocumentType::Other => &[],
    }
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e4).round() / 10.0
}

impl Pipeline {
    pub fn new(cfg: &truecopy_config::Config) -> Result<Pipeline, PipelineError> {
        let k = &cfg.kiosk;
        let ocr = OcrEngine::new(&OcrConfig {
            languages: k.ocr_languages.clone(),
            tessdata_dir: k.tessdata_dir.clone(),
        })?;
        let defaults = FaceConfig::default();
        let face_cfg = FaceConfig {
            ort_library: k.ort_library.clone(),
            models_dir: k.face_models_dir.clone(),
            match_threshold: k.face_match_threshold.unwrap_or(defaults.match_threshold),
            liveness_threshold: k.liveness_threshold.unwrap_or(defaults.liveness_threshold),
        };
        let face = FaceEngine::load(&face_cfg)?;
        Ok(Pipeline {
            ocr,
            face,
            match_threshold: face_cfg.match_threshold,
            liveness_threshold: face_cfg.liveness_threshold,
        })
    }

    /// Runs every check on a session. `today` is the date in Vietnam the validity is judged on.
    pub fn analyze(&mut self, session: &Session, today: time::Date) -> Analysis {
        let started = Instant::now();
        let mut timings = BTreeMap::new();
        let mut checks = Vec::new();

        // 1. Read the document (its type decides how the pages are inspected).
        let t = Instant::now();
        let images: Vec<image::RgbImage> = session.pages.iter().map(|p| p.image.clone()).collect();
        let reading: Option<Reading> = match self.ocr.read(&images) {
            Ok(r) => Some(r),
            Err(e) => {
                checks.push(Check::unknown(
                    CheckCode::FieldsIncomplete,
                    format!("the text could not be read: {e}"),
                ));
                None
            }
        };
        timings.insert("ocr".to_owned(), ms(t));
        let document_type = reading
            .as_ref()
            .map(|r| r.document_type)
            .unwrap_or(DocumentType::Other);
        let fields = reading
            .as_ref()
            .map(|r| r.fields.clone())
            .unwrap_or_default();
        // The card's front (its portrait side) may come second: a hot folder lists back.jpg first.
        let front = match document_type {
            DocumentType::CitizenId => reading
                .as_ref()
                .and_then(|r| r.front_page)
                .filter(|&f| f < session.pages.len())
                .unwrap_or(0),
            _ => 0,
        };
        let mut page_order: Vec<usize> = (0..session.pages.len()).collect();
        if front > 0 {
            page_order.remove(front);
            page_order.insert(0, front);
        }

        // 2. Inspect each page: quality, photocopy, alteration.
        let t = Instant::now();
        let kinds: Vec<PageKind> = (0..session.pages.len())
            .map(|k| match document_type {
                DocumentType::CitizenId if k == front => PageKind::IdCardFront,
                DocumentType::CitizenId => PageKind::IdCardBack,
                _ => PageKind::A4Page,
            })
            .collect();
        let mut inspections: Vec<_> = session
            .pages
            .iter()
            .zip(&kinds)
            .map(|(p, kind)| truecopy_inspect::inspect_page(&p.image, *kind))
            .collect();
        if let Some(title) = reading.as_ref().and_then(|r| r.field_boxes.get("title"))
            && kinds.get(title.page) == Some(&PageKind::IdCardFront)
        {
            set_aside_header_patches(&mut inspections[title.page].alteration, title.rect);
        }
        // A card's value lines, where OCR located them, each against the print around it.
        if document_type == DocumentType::CitizenId
            && let Some(r) = reading.as_ref()
            && let (Some(page), Some(insp)) = (session.pages.get(front), inspections.get_mut(front))
        {
            let lines: Vec<(&str, [u32; 4])> = r
                .field_boxes
                .iter()
                .filter(|(k, b)| k.as_str() != "title" && b.page == front)
                .map(|(k, b)| (k.as_str(), b.rect))
                .collect();
            if let Some(v) = truecopy_inspect::lines_verdict(&page.image, &lines) {
                add_line_patches(&mut insp.alteration, v);
            }
        }
        // An A4 page's text lines, each against the paper around it: an officer looks.
        if let Some(r) = reading.as_ref() {
            for (k, insp) in inspections.iter_mut().enumerate() {
                if kinds[k] != PageKind::A4Page {
                    continue;
                }
                let (Some(boxes), Some(text)) = (r.line_boxes.get(k), r.page_text.get(k)) else {
                    continue;
                };
                let lines: Vec<(&str, [u32; 4])> =
                    text.lines().zip(boxes.iter().copied()).collect();
                if let Some(v) =
                    truecopy_inspect::page_lines_verdict(&session.pages[k].image, &lines)
                {
                    add_page_line_signs(&mut insp.alteration, v);
                }
            }
        }
        // A birth certificate's values the form prints bold, each against its label's weight.
        if document_type == DocumentType::BirthCertificate
            && let Some(r) = reading.as_ref()
        {
            for (k, insp) in inspections.iter_mut().enumerate() {
                let values: Vec<(&str, [u32; 4], [u32; 4])> = r
                    .label_value_boxes
                    .iter()
                    .filter(|(_, b)| b.page == k)
                    .map(|(field, b)| (field.as_str(), b.label, b.value))
                    .collect();
                if let Some(v) =
                    truecopy_inspect::bold_values_verdict(&session.pages[k].image, &values)
                {
                    add_page_line_signs(&mut insp.alteration, v);
                }
            }
        }
        timings.insert("inspect".to_owned(), ms(t));

        let t = Instant::now();
        let page_names: Vec<&str> = session.pages.iter().map(|p| p.name.as_str()).collect();
        let combine = |code: CheckCode,
                       pick: &dyn Fn(
            &truecopy_inspect::PageInspection,
        ) -> &truecopy_inspect::Verdict| {
            let mut fail = Vec::new();
            let mut unknown = Vec::new();
            let mut pass = Vec::new();
            for (k, insp) in inspections.iter().enumerate() {
                let v = pick(insp);
                let line = format!("{}: {}", page_names[k], v.detail);
                match v.finding {
                    Finding::Fail => fail.push(line),
                    Finding::Unknown => unknown.push(line),
                    Finding::Pass => pass.push(line),
                }
            }
            if !fail.is_empty() {
                Check::fail(code, fail.join("; "))
            } else if !unknown.is_empty() {
                Check::unknown(code, unknown.join("; "))
            } else {
                Check::pass(code, pass.join("; "))
            }
        };
        checks.push(combine(CheckCode::LowQuality, &|i| &i.quality));
        let mut copy_check = combine(CheckCode::NotAnOriginal, &|i| &i.copy);
        if let Some(r) = &reading
            && let Some(k) = r
                .page_text
                .iter()
                .position(|t| truecopy_inspect::stamp_text_says_copy(t))
        {
            copy_check = Check::fail(
                CheckCode::NotAnOriginal,
                format!(
                    "{}: a \"BẢN SAO\"/\"COPY\" stamp is printed on the page",
                    page_names.get(k).copied().unwrap_or("?")
                ),
            );
        }
        // An A4 page whose only colour is red may be an original (seal) or a photocopy with a red
        // "BẢN SAO"/"COPY" stamp: read the red ink alone (the main OCR pass drops red as seal ink).
        if copy_check.status == CheckStatus::Unknown {
            let t_red = Instant::now();
            for (k, (insp, kind)) in inspections.iter().zip(&kinds).enumerate() {
                if insp.copy.finding != Finding::Unknown || *kind != PageKind::A4Page {
                    continue;
                }
                let red = red_ink(&session.pages[k].image);
                if let Ok(r) = self.ocr.read(std::slice::from_ref(&red))
                    && r.page_text
                        .iter()
                        .any(|t| truecopy_inspect::stamp_text_says_copy(t))
                {
                    copy_check = Check::fail(
                        CheckCode::NotAnOriginal,
                        format!(
                            "{}: no colour but a red \"BẢN SAO\"/\"COPY\" stamp",
                            page_names[k]
                        ),
                    );
                    break;
                }
            }
            timings.insert("stamp_ocr".to_owned(), ms(t_red));
        }
        checks.push(copy_check);
        checks.push(combine(CheckCode::AlteredOriginal, &|i| &i.alteration));

        // 3. The document's own rules.
        if reading.is_some() {
            let missing: Vec<&str> = required_fields(document_type)
                .iter()
                .copied()
                .filter(|f| !fields.contains_key(*f))
                .collect();
            if document_type == DocumentType::Other {
                checks.push(Check::unknown(
                    CheckCode::DocumentType,
                    "not one of the document types the kiosk certifies alone",
                ));
            } else {
                checks.push(Check::pass(CheckCode::DocumentType, document_type.as_str()));
                if missing.is_empty() {
                    checks.push(Check::pass(
                        CheckCode::FieldsIncomplete,
                        "all required fields read",
                    ));
                } else {
                    checks.push(Check::unknown(
                        CheckCode::FieldsIncomplete,
                        format!("not read: {}", missing.join(", ")),
                    ));
                }
            }
        }
        let mismatched = if document_type == DocumentType::CitizenId {
            self.card_checks(reading.as_ref(), &fields, today, &mut checks)
        } else {
            Vec::new()
        };
        compare_date_words(&mut checks, &fields, document_type);
        compare_birth_and_registration(&mut checks, &fields, document_type);
        timings.insert("checks".to_owned(), ms(t));

        // 4. The face.
        let t = Instant::now();
        let mut face_crops = FaceCropImages::default();
        let face = self.face_checks(session, front, document_type, &mut checks, &mut face_crops);
        timings.insert("face".to_owned(), ms(t));

        let patches: Vec<(usize, [u32; 4])> = inspections
            .iter()
            .enumerate()
            .filter(|(_, i)| i.alteration.finding == Finding::Fail)
            .flat_map(|(k, i)| i.alteration.regions.iter().map(move |&r| (k, r)))
            .collect();
        let on_field = reading
            .as_ref()
            .and_then(|r| patch_on_fields(&patches, &mismatched, &r.field_boxes));
        corroborate_alteration(&mut checks, document_type, on_field);
        no_refusal_on_a_poor_scan(&mut checks);
        let (decision, reasons) =
            truecopy_domain::route(&checks, document_type == DocumentType::Other);
        timings.insert("analyze_total".to_owned(), ms(started));
        let details = serde_json::json!({
            "inspection": inspections.iter().zip(&page_names).map(|(i, n)| serde_json::json!({"page": n, "result": i})).collect::<Vec<_>>(),
            "mrz": reading.as_ref().and_then(|r| r.mrz.as_ref()),
            "ocr_confidence": reading.as_ref().map(|r| r.mean_confidence.clone()),
            "ocr_timings_ms": reading.as_ref().map(|r| r.timings_ms.clone()),
        });
        Analysis {
            document_type,
            fields,
            checks,
            face,
            decision,
            reasons,
            timings_ms: timings,
            details,
            face_crops,
            page_order,
        }
    }

    fn card_checks(
        &self,
        reading: Option<&Reading>,
        fields: &BTreeMap<String, String>,
        today: time::Date,
        checks: &mut Vec<Check>,
    ) -> Vec<&'static str> {
        let get = |k: &str| fields.get(k).map(String::as_str);
        let mut mismatched = Vec::new();
        // MRZ: check digits, then agreement with the printed fields.
        match reading.and_then(|r| r.mrz.as_ref()) {
            Some(m) => match &m.td1 {
                Some(td1) => {
                    let failed: Vec<String> = m
                        .checks
                        .iter()
                        .filter(|c| !c.ok)
                        .map(|c| {
                            format!(
                                "{:?}: printed {}, computed {}",
                                c.field,
                                c.printed,
                                c.computed.map(String::from).unwrap_or_else(|| "?".into())
                            )
                        })
                        .collect();
                    if failed.is_empty() {
                        checks.push(Check::pass(
                            CheckCode::MrzCheckDigit,
                            format!("{} check digits verify", m.checks.len()),
                        ));
                    } else {
                        checks.push(Check::fail(CheckCode::MrzCheckDigit, failed.join("; ")));
                    }
                    let printed = PrintedFields {
                        id_number: get("id_number"),
                        date_of_birth: get("date_of_birth"),
                        expiry_date: get("expiry_date"),
                        sex: get("sex"),
                        full_name: get("full_name"),
                    };
                    let mismatches = compare_visual(td1, &printed);
                    mismatched = mismatches.iter().map(|x| x.field).collect();
                    // A printed field OCR could not read was not compared: retyped in another
                    // font, a changed value is what OCR reads worst, and the MRZ's own value
                    // (used for the validity check) says nothing about what is printed.
                    let unread = unread_mrz_fields(&printed);
                    if mismatches.is_empty() && unread.is_empty() {
                        checks.push(Check::pass(
                            CheckCode::MrzVisualMismatch,
                            "MRZ agrees with the printed fields",
                        ));
                    } else if mismatches.is_empty() {
                        checks.push(Check::unknown(
                            CheckCode::MrzVisualMismatch,
                            format!(
                                "not read on the front, so not compared with the MRZ: {} (the \
                                 others agree); an officer compares them",
                                unread.join(", ")
                            ),
                        ));
                    } else {
                        let d: Vec<String> = mismatches
                            .iter()
                            .map(|x| format!("{}: MRZ {} vs printed {}", x.field, x.mrz, x.printed))
                            .collect();
                        checks.push(Check::fail(CheckCode::MrzVisualMismatch, d.join("; ")));
                    }
                }
                None => {
                    let why = m.error.clone().unwrap_or_else(|| "not parsed".into());
                    checks.push(Check::unknown(
                        CheckCode::MrzCheckDigit,
                        format!("MRZ not read: {why}"),
                    ));
                    checks.push(Check::unknown(CheckCode::MrzVisualMismatch, "MRZ not read"));
                }
            },
            None => {
                checks.push(Check::unknown(
                    CheckCode::MrzCheckDigit,
                    "no MRZ found on the back side",
                ));
                checks.push(Check::unknown(
                    CheckCode::MrzVisualMismatch,
                    "no MRZ found on the back side",
                ));
            }
        }
        // The number's structure against sex and birth year.
        match get("id_number") {
            Some(n) => {
                let sex = get("sex").and_then(Sex::parse);
                let year = get("date_of_birth")
                    .and_then(cccd::parse_iso_date)
                    .map(|d| d.year());
                match cccd::check_id_number(n, sex, year) {
                    Ok(()) => checks.push(Check::pass(
                        CheckCode::IdNumberStructure,
                        "province, century/sex digit and birth year agree",
                    )),
                    Err(p) => checks.push(Check::fail(CheckCode::IdNumberStructure, p.to_string())),
                }
            }
            None => checks.push(Check::unknown(
                CheckCode::IdNumberStructure,
                "the ID number was not read",
            )),
        }
        // Validity: the printed date, else the MRZ's when its check digit verifies.
        let mrz_expiry = reading.and_then(|r| r.mrz.as_ref()).and_then(|m| {
            let td1 = m.td1.as_ref()?;
            let ok = m
                .checks
                .iter()
                .any(|c| c.ok && c.field == truecopy_domain::mrz::CheckField::ExpiryDate);
            ok.then(|| td1.expiry_date_iso()).flatten()
        });
        match get("expiry_date").or(mrz_expiry.as_deref()) {
            Some(e) => match cccd::parse_iso_date(e) {
                Some(d) if cccd::is_expired(d, today) => checks.push(Check::fail(
                    CheckCode::DocumentExpired,
                    format!("valid until {e}, today is {today}"),
                )),
                Some(_) => checks.push(Check::pass(
                    CheckCode::DocumentExpired,
                    format!("valid until {e}"),
                )),
                None if e.to_lowercase().contains("không thời hạn") => {
                    checks.push(Check::pass(CheckCode::DocumentExpired, "no expiry"))
                }
                None => checks.push(Check::unknown(
                    CheckCode::DocumentExpired,
                    format!("expiry {e:?} not a date"),
                )),
            },
            None => checks.push(Check::unknown(
                CheckCode::DocumentExpired,
                "the expiry date was not read",
            )),
        }
        mismatched
    }

    fn face_checks(
        &mut self,
        session: &Session,
        front: usize,
        t: DocumentType,
        checks: &mut Vec<Check>,
        crops: &mut FaceCropImages,
    ) -> Option<FaceSummary> {
        let selfie = match &session.selfie {
            Selfie::Frame { image, .. } => image,
            Selfie::Absent => {
                checks.push(Check::fail(
                    CheckCode::FaceNotFound,
                    "no camera frame was captured",
                ));
                return None;
            }
            Selfie::Unusable { problem, .. } => {
                checks.push(Check::fail(
                    CheckCode::FaceNotFound,
                    format!("camera frame unusable: {problem}"),
                ));
                return None;
            }
        };
        let is_card = t == DocumentType::CitizenId;
        let outcome: Result<FaceOutcome, _> = if is_card {
            self.face.compare(&session.pages[front].image, selfie, true)
        } else {
            self.face.check_live(selfie)
        };
        // The CCCD's portrait sits in the left part of the card: when the whole card gave no
        // face, look again in that part alone, at a larger scale.
        let outcome = match outcome {
            Ok(o) if is_card && !o.portrait_detected && o.selfie_detected => {
                match portrait_area(&session.pages[front].image) {
                    Some(area) => self
                        .face
                        .compare(&area, selfie, true)
                        .map(|again| if again.portrait_detected { again } else { o }),
                    None => Ok(o),
                }
            }
            other => other,
        };
        let o = match outcome {
            Ok(o) => o,
            Err(e) => {
                checks.push(Check::unknown(
                    CheckCode::FaceNotFound,
                    format!("face check failed: {e}"),
                ));
                return None;
            }
        };
        // The crops of the detections already made: no model runs again.
        crops.portrait = o.portrait_crop.as_ref().and_then(face_crop_jpeg);
        crops.selfie = o.selfie_crop.as_ref().and_then(face_crop_jpeg);
        if !o.selfie_detected {
            checks.push(Check::fail(
                CheckCode::FaceNotFound,
                "no face on the camera frame",
            ));
        } else if is_card && !o.portrait_detected {
            checks.push(Check::fail(
                CheckCode::FaceNotFound,
                "no portrait found on the card",
            ));
        } else {
            checks.push(Check::pass(CheckCode::FaceNotFound, "face found"));
        }
        if is_card {
            match (o.matched, o.score) {
                (Some(true), Some(s)) => checks.push(Check::pass(
                    CheckCode::FaceMismatch,
                    format!("similarity {s:.3} ≥ {:.3}", o.threshold),
                )),
                (_, Some(s)) => checks.push(Check::fail(
                    CheckCode::FaceMismatch,
                    format!("similarity {s:.3} < {:.3}", o.threshold),
                )),
                // No face is never a match: face_not_found already says why.
                (_, None) => checks.push(Check::skipped(
                    CheckCode::FaceMismatch,
                    "no pair of faces to compare",
                )),
            }
        } else {
            checks.push(Check::skipped(
                CheckCode::FaceMismatch,
                "the requester is identified by their own ID card (later)",
            ));
        }
        match (o.live, o.liveness_score) {
            (Some(true), Some(s)) => checks.push(Check::pass(
                CheckCode::LivenessFailed,
                format!("liveness {s:.3} ≥ {:.3}", self.liveness_threshold),
            )),
            (Some(false), Some(s)) => checks.push(Check::fail(
                CheckCode::LivenessFailed,
                format!("liveness {s:.3} < {:.3}", self.liveness_threshold),
            )),
            _ => checks.push(Check::skipped(
                CheckCode::LivenessFailed,
                "no face to judge",
            )),
        }
        Some(FaceSummary {
            detected: o.selfie_detected && (!is_card || o.portrait_detected),
            portrait_detected: is_card.then_some(o.portrait_detected),
            selfie_detected: o.selfie_detected,
            score: o.score,
            threshold: self.match_threshold,
            liveness: o.liveness_score,
            live: o.live,
            liveness_threshold: self.liveness_threshold,
        })
    }
}

/// On a card's front only the fixed header (motto, emblem, QR code) is printed above the title
/// line ("CĂN CƯỚC [CÔNG DÂN]"): a patch there would cover none of the holder's data, and the
/// pale ground behind the header's print looks like one to the detector. A `fail` whose every
/// place lies above the title line's bottom edge is set aside (`pass`, the figures kept in the
/// detail for officers); a patch anywhere else, or a `fail` without a place, stands.
pub fn set_aside_header_patches(v: &mut truecopy_inspect::Verdict, title: [u32; 4]) {
    if v.finding == Finding::Fail
        && !v.regions.is_empty()
        && v.regions.iter().all(|r| r[3] <= title[3])
    {
        v.finding = Finding::Pass;
        v.detail = format!(
            "set aside, in the card's printed header above its title (no field there): {}",
            v.detail
        );
    }
}

/// Joins the card's value-line patches (a `Fail` of [`truecopy_inspect::lines_verdict`]) to the
/// page's own alteration verdict: they are a `Fail` with its regions whatever the page-wide
/// detectors found; a page-wide `Fail` keeps its own regions and detail too.
pub fn add_line_patches(v: &mut truecopy_inspect::Verdict, lines: truecopy_inspect::Verdict) {
    if v.finding == Finding::Fail {
        v.detail = format!("{}; {}", v.detail, lines.detail);
        v.regions.extend(lines.regions);
        v.score = v.score.max(lines.score);
    } else {
        *v = truecopy_inspect::Verdict {
            detail: format!("{} (page-wide: {})", lines.detail, v.detail),
            ..lines
        };
    }
}

/// Joins an A4 page's line signs (an `Unknown` of [`truecopy_inspect::page_lines_verdict`] or
/// of [`truecopy_inspect::bold_values_verdict`]) to the page's own alteration verdict: a
/// page-wide `Fail` stands (its detail gains theirs); a `Pass` becomes their `Unknown`; an
/// `Unknown` keeps its finding and gains their places.
pub fn add_page_line_signs(v: &mut truecopy_inspect::Verdict, lines: truecopy_inspect::Verdict) {
    match v.finding {
        Finding::Pass => {
            *v = truecopy_inspect::Verdict {
                detail: format!("{} (page-wide: {})", lines.detail, v.detail),
                ..lines
            };
        }
        Finding::Unknown => {
            v.detail = format!("{}; {}", v.detail, lines.detail);
            v.regions.extend(lines.regions);
        }
        Finding::Fail => v.detail = format!("{}; {}", v.detail, lines.detail),
    }
}

/// Whether a correction patch lies on a field the MRZ contradicts: `Some(field)` for the first
/// patch (`(page, [x0, y0, x1, y1])` in scan px) that overlaps the line that field was read from
/// on the same page (at least a quarter of the smaller of the two boxes), `None` when none does,
/// or when there is no patch or no contradicted field.
pub fn patch_on_fields(
    patches: &[(usize, [u32; 4])],
    mismatched: &[&'static str],
    field_boxes: &BTreeMap<String, truecopy_ocr::FieldBox>,
) -> Option<&'static str> {
    let area =
        |r: [u32; 4]| u64::from(r[2].saturating_sub(r[0])) * u64::from(r[3].saturating_sub(r[1]));
    mismatched.iter().copied().find(|f| {
        field_boxes.get(*f).is_some_and(|b| {
            patches.iter().any(|&(page, p)| {
                let inter = [
                    p[0].max(b.rect[0]),
                    p[1].max(b.rect[1]),
                    p[2].min(b.rect[2]),
                    p[3].min(b.rect[3]),
                ];
                page == b.page && area(inter) * 4 >= area(p).min(area(b.rect)).max(1)
            })
        })
    })
}

/// A written refusal is a legal act. On an A4 original the detector refuses only on the figures
/// measured to stay silent on valid pages (`truecopy_inspect`: a closed outline on plain paper, a
/// white patch on tinted paper, a strong flat patch), so its `fail` stands. On an ID card its
/// sign alone (the card's tint and guilloche make white rectangles and outlines on valid cards)
/// sends the case to an officer (`unknown`), unless the patch lies on a field the MRZ
/// contradicts (`on_field`, from [`patch_on_fields`]): the field was changed where the patch
/// is. A patch elsewhere beside a contradicting MRZ is two signs that do not meet: an officer.
/// On any other page (`other`) always an officer.
pub fn corroborate_alteration(
    checks: &mut [Check],
    t: DocumentType,
    on_field: Option<&'static str>,
) {
    let a4 = matches!(
        t,
        DocumentType::BirthCertificate | DocumentType::Diploma | DocumentType::Decision
    );
    // `other` (an unrecognised page, or one OCR failed on) was never measured: an officer.
    if a4 {
        return;
    }
    let mrz_disagrees = checks
        .iter()
        .any(|c| c.code == CheckCode::MrzVisualMismatch && c.status == CheckStatus::Fail);
    for c in checks.iter_mut() {
        if c.code == CheckCode::AlteredOriginal && c.status == CheckStatus::Fail {
            match on_field {
                Some(f) if t == DocumentType::CitizenId && mrz_disagrees => {
                    c.detail = format!("{} — on the {f} line, which the MRZ contradicts", c.detail);
                }
                _ => {
                    c.status = CheckStatus::Unknown;
                    let why = if t == DocumentType::CitizenId && mrz_disagrees {
                        "not on a field the MRZ contradicts"
                    } else {
                        "not corroborated"
                    };
                    c.detail = format!("{why}, an officer decides: {}", c.detail);
                }
            }
        }
    }
}

/// A scan the kiosk itself judges too poor (`low_quality` failed: cut off, blurred, under the
/// resolution Decree 30/2020 asks for) is no ground for a written refusal: a patch seen on it
/// may be the cut's edge or the blur's, and the citizen can scan the original again. Its
/// `altered_original` failure becomes `unknown`, so the case goes to an officer with both
/// reasons. (`not_an_original` stands: a copy's missing colour or its "BẢN SAO" stamp read as
/// text does not come from a poor scan.)
pub fn no_refusal_on_a_poor_scan(checks: &mut [Check]) {
    let poor = checks
        .iter()
        .any(|c| c.code == CheckCode::LowQuality && c.status == CheckStatus::Fail);
    if !poor {
        return;
    }
    for c in checks.iter_mut() {
        if c.code == CheckCode::AlteredOriginal && c.status == CheckStatus::Fail {
            c.status = CheckStatus::Unknown;
            c.detail = format!(
                "seen on a scan too poor to refuse on (low_quality), an officer decides: {}",
                c.detail
            );
        }
    }
}

/// A birth certificate prints the date of birth in figures and again in words; on an original
/// the two agree. When both were read and the words spell a date that is not the one in
/// figures, the date may have been retyped (or one of the two misread): `altered_original`
/// becomes at least `unknown` and an officer compares them on the page. Never a refusal on
/// its own: an OCR slip in a digit looks the same. Words that do not spell a date
/// unambiguously are not compared.
pub fn compare_date_words(
    checks: &mut [Check],
    fields: &BTreeMap<String, String>,
    t: DocumentType,
) {
    if t != DocumentType::BirthCertificate {
        return;
    }
    let (Some(figures), Some(words)) = (
        fields.get("date_of_birth"),
        fields.get("date_of_birth_words"),
    ) else {
        return;
    };
    let (Some(d), Some(w)) = (
        cccd::parse_iso_date(figures),
        truecopy_domain::datewords::parse_date_words(words),
    ) else {
        return;
    };
    if d == w {
        return;
    }
    refer_alteration(
        checks,
        format!(
            "date of birth in figures {figures} but in words \"{words}\" ({w}): compare them on the page"
        ),
    );
}

/// A birth is registered on or after the day it happened. A birth certificate whose
/// registration date reads earlier than its date of birth has one of the two retyped (or
/// misread): `altered_original` becomes at least `unknown` and an officer compares them on the
/// page. Never a refusal on its own: an OCR slip in a digit looks the same.
pub fn compare_birth_and_registration(
    checks: &mut [Check],
    fields: &BTreeMap<String, String>,
    t: DocumentType,
) {
    if t != DocumentType::BirthCertificate {
        return;
    }
    let date = |k: &str| fields.get(k).and_then(|v| cccd::parse_iso_date(v));
    let (Some(born), Some(registered)) = (date("date_of_birth"), date("registration_date")) else {
        return;
    };
    if registered >= born {
        return;
    }
    refer_alteration(
        checks,
        format!(
            "registered {registered} before the date of birth {born}: one of the two dates retyped or misread, compare them on the page"
        ),
    );
}

/// Makes `altered_original` at least `unknown` for `why`: a fail or an unknown keeps its own
/// finding beside it.
fn refer_alteration(checks: &mut [Check], why: String) {
    if let Some(c) = checks
        .iter_mut()
        .find(|c| c.code == CheckCode::AlteredOriginal)
    {
        c.detail = if matches!(c.status, CheckStatus::Fail | CheckStatus::Unknown) {
            format!("{}; {why}", c.detail)
        } else {
            why
        };
        if c.status != CheckStatus::Fail {
            c.status = CheckStatus::Unknown;
        }
    }
}

/// The left 45 % of the card (where the CCCD portrait is printed), or `None` when the card
/// cannot be found on the scan.
fn portrait_area(img: &image::RgbImage) -> Option<image::RgbImage> {
    let (x0, y0, x1, y1) = crate::dpi::document_box(img, 4)?;
    let w = ((x1 - x0) as f32 * 0.45) as u32;
    let h = y1 - y0;
    (w > 32 && h > 32).then(|| image::imageops::crop_imm(img, x0, y0, w, h).to_image())
}

/// Red ink as black on white (everything else white), for reading a rubber stamp.
fn red_ink(img: &image::RgbImage) -> image::RgbImage {
    image::RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let [r, g, b] = img.get_pixel(x, y).0;
        let (r, g, b) = (i16::from(r), i16::from(g), i16::from(b));
        if r > 110 && r - g > 45 && r - b > 45 {
            image::Rgb([0, 0, 0])
        } else {
            image::Rgb([255, 255, 255])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_line_patches_join_the_page_verdict_as_a_fail_with_their_places() {
        let verdict = |finding, detail: &str, regions: Vec<[u32; 4]>| truecopy_inspect::Verdict {
            finding,
            detail: detail.to_owned(),
            score: if finding == Finding::Fail { 1.0 } else { 0.0 },
            regions,
        };
        let line = verdict(Finding::Fail, "on the name", vec![[500, 600, 900, 650]]);
        let mut v = verdict(Finding::Pass, "no outline", Vec::new());
        add_line_patches(&mut v, line.clone());
        assert_eq!(v.finding, Finding::Fail);
        assert_eq!(v.regions, line.regions);
        assert!(v.detail.contains("on the name") && v.detail.contains("no outline"));
        let mut v = verdict(Finding::Fail, "white patch", vec![[10, 10, 90, 40]]);
        add_line_patches(&mut v, line);
        assert_eq!(v.regions, vec![[10, 10, 90, 40], [500, 600, 900, 650]]);
        assert!(v.detail.starts_with("white patch"), "{}", v.detail);
    }

    #[test]
    fn a4_line_signs_send_a_passed_page_to_an_officer_and_leave_a_refusal_standing() {
        let verdict = |finding, detail: &str, regions: Vec<[u32; 4]>| truecopy_inspect::Verdict {
            finding,
            detail: detail.to_owned(),
            score: 0.5,
            regions,
        };
        let line = verdict(Finding::Unknown, "line sign", vec![[10, 20, 30, 40]]);
        let mut v = verdict(Finding::Pass, "nothing", Vec::new());
        add_page_line_signs(&mut v, line.clone());
        assert_eq!(v.finding, Finding::Unknown);
        assert_eq!(v.regions, vec![[10, 20, 30, 40]]);
        assert!(
            v.detail.starts_with("line sign (page-wide: nothing"),
            "{}",
            v.detail
        );
        let mut v = verdict(Finding::Unknown, "faint", vec![[1, 2, 3, 4]]);
        add_page_line_signs(&mut v, line.clone());
        assert_eq!(v.finding, Finding::Unknown);
        assert_eq!(v.regions, vec![[1, 2, 3, 4], [10, 20, 30, 40]]);
        let mut v = verdict(Finding::Fail, "outline", vec![[1, 2, 3, 4]]);
        add_page_line_signs(&mut v, line);
        assert_eq!(v.finding, Finding::Fail);
        assert_eq!(v.regions, vec![[1, 2, 3, 4]]);
        assert!(v.detail.contains("outline") && v.detail.contains("line sign"));
    }

    fn with(altered: CheckStatus, mrz: CheckStatus) -> Vec<Check> {
        vec![
            Check::new(CheckCode::AlteredOriginal, altered, "patch"),
            Check::new(CheckCode::MrzVisualMismatch, mrz, ""),
        ]
    }

    #[test]
    fn a_patch_alone_on_a_card_or_an_unknown_page_goes_to_an_officer() {
        for t in [DocumentType::CitizenId, DocumentType::Other] {
            let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
            corroborate_alteration(&mut c, t, None);
            assert_eq!(c[0].status, CheckStatus::Unknown, "{t}");
            assert_eq!(truecopy_domain::route(&c, false).0, Decision::Flag, "{t}");
        }
        let mut c = with(CheckStatus::Fail, CheckStatus::Fail);
        corroborate_alteration(&mut c, DocumentType::Other, Some("full_name"));
        assert_eq!(c[0].status, CheckStatus::Unknown);
    }

    #[test]
    fn a_patch_seen_on_a_scan_too_poor_to_read_goes_to_an_officer() {
        let quality = |s| Check::new(CheckCode::LowQuality, s, "cut off");
        let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
        c.push(quality(CheckStatus::Fail));
        c.push(Check::new(
            CheckCode::NotAnOriginal,
            CheckStatus::Fail,
            "stamp",
        ));
        no_refusal_on_a_poor_scan(&mut c);
        assert_eq!(c[0].status, CheckStatus::Unknown);
        assert!(c[0].detail.ends_with(": patch"), "{}", c[0].detail);
        // A copy stays a copy: its refusal does not depend on the scan's sharpness.
        assert_eq!(c[3].status, CheckStatus::Fail);
        c.pop();
        let (decision, reasons) = truecopy_domain::route(&c, false);
        assert_eq!(decision, Decision::Flag);
        assert!(reasons.contains(&CheckCode::LowQuality), "{reasons:?}");
        assert!(reasons.contains(&CheckCode::AlteredOriginal), "{reasons:?}");
        // A good scan keeps the refusal.
        for q in [CheckStatus::Pass, CheckStatus::Unknown] {
            let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
            c.push(quality(q));
            no_refusal_on_a_poor_scan(&mut c);
            assert_eq!(c[0].status, CheckStatus::Fail, "{q:?}");
            assert_eq!(truecopy_domain::route(&c, false).0, Decision::Reject);
        }
    }

    #[test]
    fn a_patch_the_detector_refuses_on_an_a4_original_is_refused() {
        for t in [
            DocumentType::Diploma,
            DocumentType::BirthCertificate,
            DocumentType::Decision,
        ] {
            let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
            corroborate_alteration(&mut c, t, None);
            assert_eq!(c[0].status, CheckStatus::Fail, "{t}");
            assert_eq!(truecopy_domain::route(&c, false).0, Decision::Reject, "{t}");
            let mut weak = with(CheckStatus::Unknown, CheckStatus::Pass);
            corroborate_alteration(&mut weak, t, None);
            assert_eq!(
                truecopy_domain::route(&weak, false).0,
                Decision::Flag,
                "{t}"
            );
        }
    }

    #[test]
    fn a_birth_registered_before_it_happened_goes_to_an_officer() {
        let dates = |born: &str, registered: &str| -> BTreeMap<String, String> {
            [("date_of_birth", born), ("registration_date", registered)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        // Registered the same day or later (late registration is lawful): nothing changes.
        for registered in ["2023-04-27", "2023-06-03", "2031-01-01"] {
            let mut c = with(CheckStatus::Pass, CheckStatus::Pass);
            compare_birth_and_registration(
                &mut c,
                &dates("2023-04-27", registered),
                DocumentType::BirthCertificate,
            );
            assert_eq!(c[0].status, CheckStatus::Pass, "{registered}");
        }
        // s84-birth-altered-2 (2026-12-07): born "2024-04-27", registered 2023-06-03.
        let mut c = with(CheckStatus::Pass, CheckStatus::Pass);
        let f = dates("2024-04-27", "2023-06-03");
        compare_birth_and_registration(&mut c, &f, DocumentType::BirthCertificate);
        assert_eq!(c[0].status, CheckStatus::Unknown);
        assert!(c[0].detail.contains("2023-06-03") && c[0].detail.contains("2024-04-27"));
        assert_eq!(truecopy_domain::route(&c, false).0, Decision::Flag);
        // A refusal stays one; another type, or a date unread, is not compared.
        let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
        compare_birth_and_registration(&mut c, &f, DocumentType::BirthCertificate);
        assert_eq!(c[0].status, CheckStatus::Fail);
        assert!(c[0].detail.starts_with("patch; "));
        let mut unread = f.clone();
        unread.remove("date_of_birth");
        for (f, t) in [
            (f, DocumentType::Diploma),
            (unread, DocumentType::BirthCertificate),
        ] {
            let mut c = with(CheckStatus::Pass, CheckStatus::Pass);
            compare_birth_and_registration(&mut c, &f, t);
            assert_eq!(c[0].status, CheckStatus::Pass);
        }
    }

    fn birth(dob: &str, words: &str) -> BTreeMap<String, String> {
        [("date_of_birth", dob), ("date_of_birth_words", words)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn a_date_of_birth_whose_words_spell_another_date_goes_to_an_officer() {
        let words = "Ngày mười chín tháng ba năm một nghìn chín trăm chín mươi tư";
        // Agreeing: nothing changes.
        let mut c = with(CheckStatus::Pass, CheckStatus::Pass);
        compare_date_words(
            &mut c,
            &birth("1994-03-19", words),
            DocumentType::BirthCertificate,
        );
        assert_eq!(c[0].status, CheckStatus::Pass);
        // Disagreeing: an officer, with both dates named.
        let mut c = with(CheckStatus::Pass, CheckStatus::Pass);
        compare_date_words(
            &mut c,
            &birth("1994-08-19", words),
            DocumentType::BirthCertificate,
        );
        assert_eq!(c[0].status, CheckStatus::Unknown);
        assert!(c[0].detail.contains("1994-08-19") && c[0].detail.contains("1994-03-19"));
        assert_eq!(truecopy_domain::route(&c, false).0, Decision::Flag);
        // A refusal stays a refusal, with the disagreement added.
        let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
        compare_date_words(
            &mut c,
            &birth("1994-08-19", words),
            DocumentType::BirthCertificate,
        );
        assert_eq!(c[0].status, CheckStatus::Fail);
        assert!(c[0].detail.starts_with("patch; "));
        // Words that spell no date, or another document type: not compared.
        for (f, t) in [
            (
                birth("1994-08-19", "Ngày mười chín tháng"),
                DocumentType::BirthCertificate,
            ),
            (birth("1994-08-19", words), DocumentType::Diploma),
        ] {
            let mut c = with(CheckStatus::Pass, CheckStatus::Pass);
            compare_date_words(&mut c, &f, t);
            assert_eq!(c[0].status, CheckStatus::Pass);
        }
    }

    #[test]
    fn a_patch_on_a_field_the_mrz_contradicts_is_refused() {
        let mut c = with(CheckStatus::Fail, CheckStatus::Fail);
        corroborate_alteration(&mut c, DocumentType::CitizenId, Some("full_name"));
        assert_eq!(c[0].status, CheckStatus::Fail);
        assert!(c[0].detail.contains("full_name"), "{}", c[0].detail);
        let (d, r) = truecopy_domain::route(&c, false);
        assert_eq!(d, Decision::Reject);
        assert_eq!(r[0], CheckCode::AlteredOriginal);
        // Elsewhere on the card, beside a contradicting MRZ: two signs that do not meet.
        let mut c = with(CheckStatus::Fail, CheckStatus::Fail);
        corroborate_alteration(&mut c, DocumentType::CitizenId, None);
        assert_eq!(c[0].status, CheckStatus::Unknown);
        assert!(
            c[0].detail
                .starts_with("not on a field the MRZ contradicts")
        );
        assert_eq!(truecopy_domain::route(&c, false).0, Decision::Flag);
        // On a field, but the MRZ agrees (the caller found no contradicted field): an officer.
        let mut c = with(CheckStatus::Fail, CheckStatus::Pass);
        corroborate_alteration(&mut c, DocumentType::CitizenId, Some("full_name"));
        assert_eq!(c[0].status, CheckStatus::Unknown);
    }

    #[test]
    fn a_patch_in_the_cards_header_above_its_title_is_set_aside() {
        let title = [400, 300, 1100, 350];
        let patch = |regions: Vec<[u32; 4]>| truecopy_inspect::Verdict {
            finding: Finding::Fail,
            detail: "white patch".to_owned(),
            score: 1.0,
            regions,
        };
        // Every place above the title's bottom edge: set aside.
        let mut v = patch(vec![[900, 240, 1030, 290], [760, 280, 840, 350]]);
        set_aside_header_patches(&mut v, title);
        assert_eq!(v.finding, Finding::Pass);
        assert!(v.detail.ends_with("white patch"), "{}", v.detail);
        // One place below it (a field), or none known: the sign stands.
        for regions in [vec![[900, 240, 1030, 290], [800, 640, 1050, 690]], vec![]] {
            let mut v = patch(regions);
            set_aside_header_patches(&mut v, title);
            assert_eq!(v.finding, Finding::Fail);
        }
        // A weaker sign is not touched either way.
        let mut v = truecopy_inspect::Verdict {
            finding: Finding::Unknown,
            ..patch(vec![[900, 240, 1030, 290]])
        };
        set_aside_header_patches(&mut v, title);
        assert_eq!(v.finding, Finding::Unknown);
    }

    #[test]
    fn a_patch_is_on_a_field_when_it_overlaps_that_fields_line_on_the_same_page() {
        let boxes: BTreeMap<String, truecopy_ocr::FieldBox> = [
            ("full_name", 0, [400, 480, 900, 520]),
            ("date_of_birth", 0, [420, 540, 1000, 570]),
        ]
        .into_iter()
        .map(|(k, page, rect)| (k.to_owned(), truecopy_ocr::FieldBox { page, rect }))
        .collect();
        // A patch over the name's value, the name contradicted: the name.
        let on_name = [(0, [500, 475, 880, 525])];
        assert_eq!(
            patch_on_fields(&on_name, &["full_name"], &boxes),
            Some("full_name")
        );
        // The same patch, only the date contradicted; or the date's line on another page.
        assert_eq!(patch_on_fields(&on_name, &["date_of_birth"], &boxes), None);
        assert_eq!(
            patch_on_fields(&[(1, [500, 475, 880, 525])], &["full_name"], &boxes),
            None
        );
        // A patch in the card's header, far from any field; a sliver touching the line's edge.
        assert_eq!(
            patch_on_fields(
                &[(0, [900, 240, 1030, 290])],
                &["full_name", "date_of_birth"],
                &boxes
            ),
            None
        );
        assert_eq!(
            patch_on_fields(&[(0, [880, 515, 1100, 560])], &["full_name"], &boxes),
            None
        );
        // A field whose line was not found, or no patch: nothing to lay it over.
        assert_eq!(patch_on_fields(&on_name, &["sex"], &boxes), None);
        assert_eq!(patch_on_fields(&[], &["full_name"], &boxes), None);
    }
}
