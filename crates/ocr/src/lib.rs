//! Document recognition for the kiosk: page preprocessing (crop to the document, ~300 dpi,
//! deskew, even lighting), tesseract OCR with word boxes, classification, field extraction
//! anchored on the printed labels, and the CCCD's MRZ read in a second pass on the cropped band
//! with a restricted alphabet, corrected and checked by [`truecopy_domain::mrz`].
//!
//! `OMP_THREAD_LIMIT=1` must be in the process environment before the first tesseract handle is
//! created (tesseract's OpenMP threads make it 5–9× slower on 2 cores). Setting it from inside the
//! process needs `unsafe` (forbidden here), so [`OcrEngine::new`] refuses to start without it:
//! set it in the service unit or the launching shell.

mod extract;
mod names;
mod places;
mod prep;
mod text;
mod universities;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tesseract::Tesseract;
use truecopy_domain::DocumentType;
use truecopy_domain::mrz::{CheckResult, Correction, Td1};

/// OCR configuration (`[ocr]` in the configuration file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrConfig {
    /// Tesseract languages, `+`-separated, order matters (`vie+eng`).
    pub languages: String,
    /// Directory holding `<lang>.traineddata`; tesseract's default when absent.
    pub tessdata_dir: Option<PathBuf>,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            languages: "vie+eng".into(),
            tessdata_dir: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error(
        "tesseract language data {lang:?} not found in {dir}: install the Debian package {package}"
    )]
    MissingLanguage {
        lang: String,
        dir: String,
        package: String,
    },
    #[error(
        "OMP_THREAD_LIMIT is not set: start the process with OMP_THREAD_LIMIT=1 (tesseract is 5-9x slower otherwise)"
    )]
    ThreadLimit,
    #[error("tesseract could not start with languages {languages:?}: {detail}")]
    Init { languages: String, detail: String },
    #[error("no pages to read")]
    NoPages,
    #[error("page {page} is too small or too large to read ({width}x{height})")]
    BadPage {
        page: usize,
        width: u32,
        height: u32,
    },
    #[error("tesseract failed: {0}")]
    Tesseract(String),
}

/// The MRZ as read from the back of a CCCD.
#[derive(Debug, Clone, Serialize)]
pub struct MrzReading {
    /// Lines as the OCR gave them (the MRZ-looking ones).
    pub raw_lines: Vec<String>,
    /// After correction of confusables (30 characters each), when three lines were found.
    pub lines: Option<[String; 3]>,
    pub td1: Option<Td1>,
    pub checks: Vec<CheckResult>,
    pub corrections: Vec<Correction>,
    /// Why no `td1` could be parsed.
    pub error: Option<String>,
}

/// What was read from the pages of one original.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub document_type: DocumentType,
    pub fields: BTreeMap<String, String>,
    pub mrz: Option<MrzReading>,
    /// For an ID card: the index of the page that is the card's front (the portrait side), in
    /// whatever order the pages came (a hot folder lists `back.jpg` before `front.jpg`).
    pub front_page: Option<usize>,
    pub page_text: Vec<String>,
    pub mean_confidence: Vec<f32>,
    pub timings_ms: BTreeMap<String, f64>,
    /// Where some fields were read: for an ID card, the fields its MRZ repeats (`id_number`,
    /// `full_name`, `date_of_birth`, `sex`, `expiry_date`), each the line its value came from,
    /// and `title`, the card's title line (above it only the fixed header is printed).
    pub field_boxes: BTreeMap<String, FieldBox>,
    /// Where every text line was read: per page, one box (`[x0, y0, x1, y1]` in that page's
    /// pixels) for each line of `page_text[page]`, in the same order.
    pub line_boxes: Vec<Vec<[u32; 4]>>,
    /// Where the label and the value of some fields were read on one line: on a birth
    /// certificate, the fields whose value the form prints bold after a regular label
    /// (`full_name`, `date_of_birth`, `mother_name`, `father_name`, `registration_date`).
    pub label_value_boxes: BTreeMap<String, LabelValueBox>,
}

/// A field's label and value on their line, as given: page index and `[x0, y0, x1, y1]` of each
/// in that page's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LabelValueBox {
    pub page: usize,
    pub label: [u32; 4],
    pub value: [u32; 4],
}

/// A field's place on the scan as given: page index and `[x0, y0, x1, y1]` in that page's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldBox {
    pub page: usize,
    pub rect: [u32; 4],
}

/// One reused pair of tesseract handles (main text in the configured languages, MRZ in `eng`
/// with a restricted alphabet). `Send`, not `Sync`: one engine per worker thread.
pub struct OcrEngine {
    main: Option<Tesseract>,
    /// `vie` alone, for a second reading that restores marks (see `text::merge_diacritics`);
    /// only when the configured languages mix Vietnamese with others.
    vie: Option<Tesseract>,
    mrz: Option<Tesseract>,
}

impl std::fmt::Debug for OcrEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcrEngine").finish_non_exhaustive()
    }
}

const MRZ_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
const MAX_PIXELS: u64 = 120_000_000;

fn tessdata_default() -> PathBuf {
    std::env::var_os("TESSDATA_PREFIX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/tesseract-ocr/5/tessdata"))
}

fn check_languages(dir: &Path, languages: &str) -> Result<(), OcrError> {
    for lang in languages.split('+').filter(|l| !l.is_empty()) {
        if !dir.join(format!("{lang}.traineddata")).is_file() {
            return Err(OcrError::MissingLanguage {
                lang: lang.to_string(),
                dir: dir.display().to_string(),
                package: format!("tesseract-ocr-{}", lang.to_lowercase().replace('_', "-")),
            });
        }
    }
    Ok(())
}

fn init(dir: Option<&str>, languages: &str) -> Result<Tesseract, OcrError> {
    Tesseract::new(dir, Some(languages)).map_err(|e| OcrError::Init {
        languages: languages.to_string(),
        detail: e.to_string(),
    })
}

impl OcrEngine {
    /// Creates the handles (50–270 ms each): do it once per worker and reuse.
    pub fn new(cfg: &OcrConfig) -> Result<Self, OcrError> {
        if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
            return Err(OcrError::ThreadLimit);
        }
        let dir = cfg.tessdata_dir.clone().unwrap_or_else(tessdata_default);
        check_languages(&dir, &cfg.languages)?;
        check_languages(&dir, "eng")?;
        let dir_s = cfg.tessdata_dir.as_ref().map(|d| d.display().to_string());
        let mut main = init(dir_s.as_deref(), &cfg.languages)?;
        // The API's default is one uniform block (unlike the CLI's automatic layout): on a card
        // or a two-column page it glues columns and border specks into the lines and loses
        // diacritics. Automatic segmentation with no orientation detection, as the CLI does.
        main.set_page_seg_mode(tesseract::PageSegMode::PsmAuto);
        let langs: Vec<&str> = cfg.languages.split('+').filter(|l| !l.is_empty()).collect();
        let vie = if langs.len() > 1 && langs.contains(&"vie") {
            let mut v = init(dir_s.as_deref(), "vie")?;
            v.set_page_seg_mode(tesseract::PageSegMode::PsmAuto);
            Some(v)
        } else {
            None
        };
        let mrz = init(dir_s.as_deref(), "eng")?
            .set_variable("tessedit_char_whitelist", MRZ_ALPHABET)
            .map_err(|e| OcrError::Init {
                languages: "eng".into(),
                detail: e.to_string(),
            })?;
        let mut mrz = mrz;
        mrz.set_page_seg_mode(tesseract::PageSegMode::PsmSingleBlock);
        Ok(OcrEngine {
            main: Some(main),
            vie,
            mrz: Some(mrz),
        })
    }

    /// Reads the pages of one original (e.g. the two sides of an ID card).
    pub fn read(&mut self, pages: &[image::RgbImage]) -> Result<Reading, OcrError> {
        if pages.is_empty() {
            return Err(OcrError::NoPages);
        }
        let mut timings: BTreeMap<String, f64> = BTreeMap::new();
        let mut add = |k: &str, t: Instant| {
            *timings.entry(k.to_string()).or_default() += t.elapsed().as_secs_f64() * 1e3
        };
        let mut prepared = Vec::new();
        let mut page_lines = Vec::new();
        let mut page_text = Vec::new();
        let mut mean_confidence = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            let (w, h) = p.dimensions();
            if w < 64 || h < 64 || (w as u64) * (h as u64) > MAX_PIXELS {
                return Err(OcrError::BadPage {
                    page: i + 1,
                    width: w,
                    height: h,
                });
            }
            let t = Instant::now();
            let pr = prep::prepare(p);
            add("preprocess", t);
            let t = Instant::now();
            let tsv = self.ocr_main(&pr)?;
            let (lines, conf) = text::lines_from_tsv(&tsv);
            add("ocr", t);
            page_text.push(
                lines
                    .iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            mean_confidence.push(conf);
            page_lines.push(lines);
            prepared.push(pr);
        }
        let folded: String = page_text
            .iter()
            .map(|s| text::fold_str(s))
            .collect::<Vec<_>>()
            .join("\n");
        let document_type = extract::classify(&folded);
        // A single-page form whose automatic layout analysis lost the body (a patterned or
        // gridded background can make it look like a picture): read it again as sparse text
        // and keep the reading that finds more of the form's labels.
        if pages.len() == 1 {
            let hits = extract::label_hits(document_type, &page_lines[0]);
            let total = extract::label_count(document_type);
            if total > 0 && hits * 2 < total {
                let t = Instant::now();
                let tsv = self.ocr_sparse(&prepared[0])?;
                let (lines, conf) = text::lines_from_tsv(&tsv);
                if extract::label_hits(document_type, &lines) > hits {
                    page_text[0] = lines
                        .iter()
                        .map(|l| l.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n");
                    mean_confidence[0] = conf;
                    page_lines[0] = lines;
                }
                add("ocr_sparse", t);
            }
        }
        let t = Instant::now();
        let mut mrz = None;
        let mut front_page = None;
        let mut field_boxes = BTreeMap::new();
        let fields = match document_type {
            DocumentType::CitizenId => {
                // The back is the page with the MRZ-looking lines (or the identification label).
                let is_back = |i: usize| {
                    let f = text::fold_str(&page_text[i]);
                    f.contains("idvnm")
                        || f.contains("personal identification")
                        || f.contains("index finger")
                        || f.contains("<<")
                };
                let back = (0..pages.len()).rev().find(|&i| is_back(i));
                let front = (0..pages.len()).find(|&i| Some(i) != back).unwrap_or(0);
                front_page = Some(front);
                let empty = Vec::new();
                let mut f = extract::citizen_id(
                    &page_lines[front],
                    back.map(|b| &page_lines[b]).unwrap_or(&empty),
                );
                add("extract", t);
                // The number is printed large and bold; the page's reading may lose or garble
                // one of its digits ("001…" read "01…", "0" read "("). Read its box again as a
                // single line of the MRZ alphabet, kept only when that gives exactly 12 digits.
                if !f.contains_key("id_number")
                    && let Some(b) = extract::id_number_box(&page_lines[front])
                {
                    let t = Instant::now();
                    let text = self.read_box_as_line(&prepared[front], b)?;
                    if let Some(id) = extract::id_number_digits(&text) {
                        f.insert("id_number".to_owned(), id);
                    }
                    add("ocr_id_number", t);
                }
                for (key, b) in extract::card_field_lines(&page_lines[front], &f) {
                    let rect = prepared[front].geometry.page_box(b);
                    field_boxes.insert(key.to_owned(), FieldBox { page: front, rect });
                }
                if let Some(b) = back {
                    let t = Instant::now();
                    let m = self.read_mrz(&prepared[b])?;
                    if let Some(ls) = &m.lines {
                        for (k, l) in ls.iter().enumerate() {
                            f.insert(format!("mrz_line{}", k + 1), l.clone());
                        }
                    }
                    mrz = Some(m);
                    add("mrz", t);
                }
                f
            }
            DocumentType::BirthCertificate => extract::birth_certificate(&page_lines[0]),
            DocumentType::Diploma => {
                extract::diploma(&page_lines[0], prepared[0].grey.width() as i32)
            }
            DocumentType::Decision => {
                extract::decision(&page_lines[0], prepared[0].grey.width() as i32)
            }
            DocumentType::Other => BTreeMap::new(),
        };
        if document_type != DocumentType::CitizenId {
            add("extract", t);
        }
        let mut fields = fields;
        // A seal stamped over the signer's printed name (and title) hides them from the main
        // reading, which keeps deep red as ink: read the signature block again without red.
        let signer_missing = !fields.contains_key("signer_name")
            || (document_type == DocumentType::Decision && !fields.contains_key("signer_title"));
        if matches!(
            document_type,
            DocumentType::BirthCertificate | DocumentType::Diploma | DocumentType::Decision
        ) && signer_missing
        {
            let t = Instant::now();
            let lines = self.reread_signature_block(&pages[0], &prepared[0], &page_lines[0])?;
            let width = prepared[0].grey.width() as i32;
            let again = match document_type {
                DocumentType::BirthCertificate => extract::birth_certificate(&lines),
                DocumentType::Diploma => extract::diploma(&lines, width),
                _ => extract::decision(&lines, width),
            };
            for key in ["signer_name", "signer_title"] {
                if !fields.contains_key(key)
                    && let Some(v) = again.get(key)
                {
                    fields.insert(key.to_owned(), v.clone());
                }
            }
            add("ocr_signature", t);
        }
        for key in ["full_name", "father_name", "mother_name", "signer_name"] {
            if let Some(v) = fields.get_mut(key) {
                *v = names::restore_family_name(v);
            }
        }
        for key in [
            "place_of_origin",
            "place_of_residence",
            "place_of_birth",
            "registration_authority",
        ] {
            if let Some(v) = fields.get_mut(key) {
                *v = places::restore_provinces(&places::commas_restored(v));
            }
        }
        if let Some(v) = fields.get_mut("signer_title") {
            *v = places::restore_title(v);
        }
        if let Some(v) = fields.get_mut("issuing_agency") {
            *v = places::restore_agency(v);
        }
        let line_boxes = page_lines
            .iter()
            .zip(&prepared)
            .map(|(lines, pr)| {
                lines
                    .iter()
                    .map(|l| pr.geometry.page_box([l.x0, l.y0, l.x1, l.y1]))
                    .collect()
            })
            .collect();
        let mut label_value_boxes = BTreeMap::new();
        if document_type == DocumentType::BirthCertificate {
            for (key, (label, value)) in
                extract::label_value_boxes(&page_lines[0], &extract::BC_BOLD_VALUES)
            {
                let g = &prepared[0].geometry;
                label_value_boxes.insert(
                    key.to_owned(),
                    LabelValueBox {
                        page: 0,
                        label: g.page_box(label),
                        value: g.page_box(value),
                    },
                );
            }
        }
        Ok(Reading {
            document_type,
            fields,
            mrz,
            front_page,
            page_text,
            mean_confidence,
            timings_ms: timings,
            field_boxes,
            line_boxes,
            label_value_boxes,
        })
    }

    /// The page in the configured languages; with `vie` among several, the words another
    /// language won are read again in `vie` alone, line by line, for their marks.
    fn ocr_main(&mut self, pr: &prep::Prepared) -> Result<String, OcrError> {
        let api = self
            .main
            .take()
            .ok_or_else(|| OcrError::Tesseract("handle lost after an earlier failure".into()))?;
        let (tsv, hocr, api) = run(api, &pr.grey, pr.dpi, self.vie.is_some())?;
        self.main = Some(api);
        let Some(vie) = self.vie.take() else {
            return Ok(tsv);
        };
        let regions = text::reread_regions(&hocr, "vie");
        let (tsv_vie, vie) = run_regions(vie, &pr.grey, pr.dpi, &regions)?;
        self.vie = Some(vie);
        Ok(text::merge_diacritics(&tsv, &tsv_vie))
    }

    /// The page's lines with those of its signature block (the lower right part, where
    /// Decree 30/2020 and the civil-status and diploma forms put it) read again from a
    /// rendering without red or blue ink.
    fn reread_signature_block(
        &mut self,
        page: &image::RgbImage,
        pr: &prep::Prepared,
        lines: &[text::Line],
    ) -> Result<Vec<text::Line>, OcrError> {
        let (w, h) = pr.grey.dimensions();
        let (x0, y0) = (w * 2 / 5, h / 2);
        let clean = prep::without_red(page, &pr.geometry);
        let (cw, ch) = clean.dimensions();
        if cw != w || ch != h || w - x0 < 64 || h - y0 < 64 {
            return Ok(lines.to_vec());
        }
        let region = prep::Prepared {
            grey: image::imageops::crop_imm(&clean, x0, y0, w - x0, h - y0).to_image(),
            dpi: pr.dpi,
            geometry: pr.geometry,
        };
        let tsv = self.ocr_main(&region)?;
        let (mut block, _) = text::lines_from_tsv(&tsv);
        for l in &mut block {
            l.x0 += x0 as i32;
            l.x1 += x0 as i32;
            l.y0 += y0 as i32;
            l.y1 += y0 as i32;
        }
        let inside =
            |l: &text::Line| (l.x0 + l.x1) / 2 >= x0 as i32 && (l.y0 + l.y1) / 2 >= y0 as i32;
        let mut out: Vec<text::Line> = lines.iter().filter(|l| !inside(l)).cloned().collect();
        out.extend(block);
        out.sort_by_key(|l| (l.y0, l.x0));
        Ok(out)
    }

    /// The page read as sparse text (no layout analysis into columns and pictures), in
    /// Vietnamese alone when that handle exists (the forms this is for are in Vietnamese).
    fn ocr_sparse(&mut self, pr: &prep::Prepared) -> Result<String, OcrError> {
        let slot = if self.vie.is_some() {
            &mut self.vie
        } else {
            &mut self.main
        };
        let mut api = slot
            .take()
            .ok_or_else(|| OcrError::Tesseract("handle lost after an earlier failure".into()))?;
        api.set_page_seg_mode(tesseract::PageSegMode::PsmSparseText);
        let (tsv, _, mut api) = run(api, &pr.grey, pr.dpi, false)?;
        api.set_page_seg_mode(tesseract::PageSegMode::PsmAuto);
        *slot = Some(api);
        Ok(tsv)
    }

    /// The text in box `b` (`[x0, y0, x1, y1]`, clipped to the page) read as one line with the
    /// MRZ handle (capitals, digits, `<`).
    fn read_box_as_line(&mut self, pr: &prep::Prepared, b: [i32; 4]) -> Result<String, OcrError> {
        let (w, h) = (pr.grey.width() as i32, pr.grey.height() as i32);
        let (x0, y0, x1, y1) = (b[0].max(0), b[1].max(0), b[2].min(w), b[3].min(h));
        if x1 - x0 < 8 || y1 - y0 < 8 {
            return Ok(String::new());
        }
        let band = image::imageops::crop_imm(
            &pr.grey,
            x0 as u32,
            y0 as u32,
            (x1 - x0) as u32,
            (y1 - y0) as u32,
        )
        .to_image();
        let mut api = self.mrz.take().ok_or_else(|| {
            OcrError::Tesseract("MRZ handle lost after an earlier failure".into())
        })?;
        api.set_page_seg_mode(tesseract::PageSegMode::PsmSingleLine);
        let (txt, mut api) = run_text(api, &band, pr.dpi)?;
        api.set_page_seg_mode(tesseract::PageSegMode::PsmSingleBlock);
        self.mrz = Some(api);
        Ok(txt)
    }

    /// Second pass on the MRZ band only (the bottom of the card), restricted alphabet.
    fn read_mrz(&mut self, pr: &prep::Prepared) -> Result<MrzReading, OcrError> {
        let (w, h) = pr.grey.dimensions();
        // ICAO 9303 TD1: the MRZ is the bottom ~18 mm of the 54 mm card; the crop to the
        // document may leave a little background, hence 38 %.
        let y0 = h * 62 / 100;
        let y1 = h;
        if y1 <= y0 + 8 {
            return Ok(MrzReading {
                raw_lines: vec![],
                lines: None,
                td1: None,
                checks: vec![],
                corrections: vec![],
                error: Some("no MRZ band".into()),
            });
        }
        let band = image::imageops::crop_imm(&pr.grey, 0, y0, w, y1 - y0).to_image();
        let first = mrz_from_raw(mrz_lines(&self.mrz_text(&band, pr.dpi, false)?));
        if mrz_verified(&first) {
            return Ok(first);
        }
        // A character lost or doubled in a run of filler shifts the rest of a line: read the
        // band again with automatic layout analysis (other line and character boundaries) and
        // keep that reading only if every check digit verifies (five check digits agreeing by
        // chance with a misreading is not a risk worth naming).
        let again = mrz_from_raw(mrz_lines(&self.mrz_text(&band, pr.dpi, true)?));
        if mrz_verified(&again) {
            return Ok(again);
        }
        // A character at the very end of a line (line 2's composite check digit) is dropped
        // when the card's edge is close to it: read once more with a margin of paper around
        // the band, again kept only if every check digit verifies.
        let third = mrz_from_raw(mrz_lines(&self.mrz_text(
            &with_margin(&band, (h / 40).max(16)),
            pr.dpi,
            false,
        )?));
        Ok(if mrz_verified(&third) { third } else { first })
    }

    /// The MRZ handle's plain text of `band`, as a single block (its mode) or, for a second
    /// reading, in automatic layout.
    fn mrz_text(
        &mut self,
        band: &image::GrayImage,
        dpi: u32,
        auto_layout: bool,
    ) -> Result<String, OcrError> {
        let mut api = self.mrz.take().ok_or_else(|| {
            OcrError::Tesseract("MRZ handle lost after an earlier failure".into())
        })?;
        if auto_layout {
            api.set_page_seg_mode(tesseract::PageSegMode::PsmAuto);
        }
        let (txt, mut api) = run_text(api, band, dpi)?;
        if auto_layout {
            api.set_page_seg_mode(tesseract::PageSegMode::PsmSingleBlock);
        }
        self.mrz = Some(api);
        Ok(txt)
    }
}

/// `img` inside a border of `m` pixels in the colour of its paper (its 90th-percentile
/// brightness), so that no character touches the image's edge.
fn with_margin(img: &image::GrayImage, m: u32) -> image::GrayImage {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let mut acc = 0;
    let mut paper = 255u8;
    for (v, n) in hist.iter().enumerate() {
        acc += n;
        if acc * 10 >= total * 9 {
            paper = v as u8;
            break;
        }
    }
    let (w, h) = img.dimensions();
    let mut out = image::GrayImage::from_pixel(w + 2 * m, h + 2 * m, image::Luma([paper]));
    image::imageops::replace(&mut out, img, i64::from(m), i64::from(m));
    out
}

/// The MRZ-looking lines of an OCR text (spaces removed).
fn mrz_lines(txt: &str) -> Vec<String> {
    txt.lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|s| {
            let n = s.chars().count();
            let digits = s.chars().filter(char::is_ascii_digit).count();
            (24..=36).contains(&n) && (s.matches('<').count() >= 2 || digits >= 10)
        })
        .collect()
}

/// Whether a TD1 was parsed and every check digit verifies.
fn mrz_verified(m: &MrzReading) -> bool {
    m.td1.is_some() && !m.checks.is_empty() && m.checks.iter().all(|c| c.ok)
}

/// Picks the three MRZ lines among raw OCR lines, corrects and parses them.
fn mrz_from_raw(raw: Vec<String>) -> MrzReading {
    let mut out = MrzReading {
        raw_lines: raw.clone(),
        lines: None,
        td1: None,
        checks: vec![],
        corrections: vec![],
        error: None,
    };
    if raw.len() < 3 {
        out.error = Some(format!("{} MRZ lines read, 3 expected", raw.len()));
        return out;
    }
    let start = raw.len() - 3;
    let three: Vec<String> = raw[start..]
        .iter()
        .map(|l| {
            // Noise before the document code on line 1 (e.g. a stray character).
            l.chars().take(34).collect::<String>()
        })
        .collect();
    match truecopy_domain::mrz::correct(&three) {
        Ok(c) => {
            out.corrections = c.corrections;
            out.lines = Some(c.lines.clone());
            match Td1::parse(&c.lines) {
                Ok(td1) => {
                    out.checks = td1.checks();
                    out.td1 = Some(td1);
                }
                Err(e) => out.error = Some(e.to_string()),
            }
        }
        Err(e) => out.error = Some(e.to_string()),
    }
    out
}

/// One recognition: image in, plain text out, handle back.
fn run_text(
    api: Tesseract,
    img: &image::GrayImage,
    dpi: u32,
) -> Result<(String, Tesseract), OcrError> {
    let (w, h) = img.dimensions();
    let mut api = api
        .set_frame(img.as_raw(), w as i32, h as i32, 1, w as i32)
        .map_err(|e| OcrError::Tesseract(e.to_string()))?
        .set_source_resolution(dpi as i32);
    let txt = api
        .get_text()
        .map_err(|e| OcrError::Tesseract(e.to_string()))?;
    Ok((txt, api))
}

/// One recognition: image in, TSV (and hOCR when asked) out, handle back.
fn run(
    api: Tesseract,
    img: &image::GrayImage,
    dpi: u32,
    hocr: bool,
) -> Result<(String, String, Tesseract), OcrError> {
    let (w, h) = img.dimensions();
    let api = api
        .set_frame(img.as_raw(), w as i32, h as i32, 1, w as i32)
        .map_err(|e| OcrError::Tesseract(e.to_string()))?
        .set_source_resolution(dpi as i32);
    let mut api = api
        .recognize()
        .map_err(|e| OcrError::Tesseract(e.to_string()))?;
    let tsv = api
        .get_tsv_text(0)
        .map_err(|e| OcrError::Tesseract(e.to_string()))?;
    let hocr = if hocr {
        api.get_hocr_text(0)
            .map_err(|e| OcrError::Tesseract(e.to_string()))?
    } else {
        String::new()
    };
    Ok((tsv, hocr, api))
}

/// Recognition of some regions of an image, each as one block of text: the TSV rows of all of
/// them (boxes in the image's coordinates), handle back (in automatic layout again).
fn run_regions(
    api: Tesseract,
    img: &image::GrayImage,
    dpi: u32,
    regions: &[[i32; 4]],
) -> Result<(String, Tesseract), OcrError> {
    if regions.is_empty() {
        return Ok((String::new(), api));
    }
    let (w, h) = (img.width() as i32, img.height() as i32);
    let mut api = api
        .set_frame(img.as_raw(), w, h, 1, w)
        .map_err(|e| OcrError::Tesseract(e.to_string()))?
        .set_source_resolution(dpi as i32);
    // One block, not one line: tesseract's line boxes on a card may span two rows of print (a
    // value beside a taller one), which a single-line reading garbles.
    api.set_page_seg_mode(tesseract::PageSegMode::PsmSingleBlock);
    let mut rows = Vec::new();
    for r in regions {
        // A margin around the line: marks above capitals may lie outside its box.
        let lh = (r[3] - r[1]).max(1);
        let pad_x = lh / 2;
        let (x0, y0) = ((r[0] - pad_x).max(0), (r[1] - lh * 2 / 5).max(0));
        let (x1, y1) = ((r[2] + pad_x).min(w), (r[3] + lh / 5).min(h));
        if x1 - x0 < 4 || y1 - y0 < 4 {
            continue;
        }
        let mut a = api
            .set_rectangle(x0, y0, x1 - x0, y1 - y0)
            .recognize()
            .map_err(|e| OcrError::Tesseract(e.to_string()))?;
        rows.push(
            a.get_tsv_text(0)
                .map_err(|e| OcrError::Tesseract(e.to_string()))?,
        );
        api = a;
    }
    api.set_page_seg_mode(tesseract::PageSegMode::PsmAuto);
    Ok((rows.join("\n"), api))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_language_names_the_package() {
        let e = check_languages(Path::new("/nonexistent"), "vie+eng").unwrap_err();
        assert!(e.to_string().contains("tesseract-ocr-vie"), "{e}");
    }

    #[test]
    fn config_defaults() {
        assert_eq!(OcrConfig::default().languages, "vie+eng");
    }
}
