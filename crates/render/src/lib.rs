//! Renders an electronic certified copy ("bản sao điện tử chứng thực từ bản chính") as an
//! **unsigned** PDF, ready for the PAdES signer to append its signature by incremental update.
//!
//! [`render_copy`] lays out:
//!
//! - one page per scan at the scan's true physical size (pixels ÷ dpi, 100 % scale, colour
//!   kept, never resampled) with an identification band (≥ 45 mm) under it: the QR code drawn
//!   as vector rectangles (4-module quiet zone, modules ≥ 0.5 mm, whole ≥ 30 mm), the grouped
//!   identification code, the register number and "Trang / Page i/n";
//! - a final A4 page with the certification statement (lời chứng) following the template of
//!   Decree 23/2015/ND-CP and Circular 01/2020/TT-BTP, Vietnamese with English under each part,
//!   and the same band;
//! - a diagonal, semi-transparent watermark (default `TTPVHCC`, fill opacity
//!   [`WATERMARK_ALPHA`]) over every scan and under the statement's text, wrapped in an
//!   `/ActualText` span so that text extraction reads it as one word.
//!
//! The QR is one form XObject (one rectangle per horizontal run of dark modules, in module
//! units) placed on every page, so each extra page costs about 1 KB.
//!
//! **Scans.** JPEG and PNG. JPEG bytes are embedded as they are (a `/DCTDecode` image
//! XObject) — never decoded or re-encoded; see `scan.rs` for PNG. The density comes from
//! [`PageImage::dpi`] if given, else the JPEG JFIF header, else Exif, else the PNG `pHYs`
//! chunk; when none of them states one, **300 dpi is assumed** ([`ASSUMED_DPI`]). Scans under
//! 200 dpi are refused (Decree 30/2020/ND-CP asks ≥ 200 dpi for electronic copies); note that
//! cameras commonly write 72 dpi into Exif, so such photos are refused unless `dpi` is given.
//! An Exif orientation is honoured by turning the image on the page (the JPEG itself is
//! untouched). A scan narrower than 60 mm is centred on a 60 mm wide page so the band fits.
//! Only headers are parsed: a JPEG whose entropy-coded data is damaged but which has all
//! its markers is embedded as it is (the viewer will show the damage).
//!
//! **Text.** Vietnamese is set in TruecopySans, a subset of DejaVu Sans embedded in the PDF
//! (see `scripts/make-font-subset.sh`, `assets/LICENSE-DejaVu.txt`); all text is normalized
//! to NFC, and characters outside the subset are printed as `?`.
//!
//! **File structure.** A classic cross-reference table and trailer (`trailer` + `startxref`),
//! no object or cross-reference streams, so an incremental update can be appended as is. The
//! document information dictionary carries `/Title`, `/Subject`, `/Producer (truecopy)`,
//! `/CreationDate`, `/ModDate` and exactly `/Keywords (truecopy-code:<code_compact>
//! truecopy-register:<register_number>)` (with that space after the name, byte for byte).
//! No XMP is written. The trailer `/ID` is random per rendering.
//!
//! **Limits.** At most [`MAX_PAGES`] scans of at most [`MAX_PAGE_BYTES`] each, at most
//! [`MAX_PIXELS`] pixels on a side; bad, truncated or unknown files give a [`RenderError`]
//! naming the page, never a panic.

use std::io::Write as _;

use lopdf::{Object, StringFormat};
use printpdf::{
    CurTransMat, ExtendedGraphicsState, Op, PdfDocument, PdfPage, PdfSaveOptions, Pt, Rect,
    XObject, XObjectId, XObjectTransform,
};
use time::OffsetDateTime;

mod fonts;
mod layout;
mod register;
mod scan;

pub use register::{MAX_REGISTER_ROWS, RegisterBook, RegisterRow, render_register};
pub use scan::DensitySource;

use layout::{BandText, Ctx, MM};

/// Watermark used when [`RenderInput::watermark`] is empty.
pub const DEFAULT_WATERMARK: &str = "TTPVHCC";
/// Most scanned pages in one copy.
pub const MAX_PAGES: usize = 50;
/// Largest accepted image file per page.
pub const MAX_PAGE_BYTES: usize = 40 << 20;
/// Largest accepted width or height, in pixels.
pub const MAX_PIXELS: u32 = 20_000;
/// Lowest accepted resolution (Decree 30/2020/ND-CP: ≥ 200 dpi). Densities stored per metre
/// (PNG) cannot say 200 dpi exactly, so 199.5 is accepted as 200.
pub const MIN_DPI: f32 = 200.0;
/// Highest plausible resolution.
pub const MAX_DPI: f32 = 9_600.0;
/// Resolution assumed when neither the caller nor the file states one.
pub const ASSUMED_DPI: f32 = 300.0;
/// Fill opacity of the watermark.
pub const WATERMARK_ALPHA: f32 = 0.18;

/// Everything printed on the copy.
#[derive(Debug, Clone)]
pub struct RenderInput {
    /// The scans, in order (1 to [`MAX_PAGES`]).
    pub pages: Vec<PageImage>,
    /// Identification code in groups, e.g. `7K3M-QX2D-94HA-TR3W-E6BN-VP0C`.
    pub code_grouped: String,
    /// The same code without separators (24 characters); goes into `/Keywords`.
    pub code_compact: String,
    /// Register number, e.g. `000123/Q01/2026-SCT/BS`; printed and put into `/Keywords`.
    pub register_number: String,
    /// QR code modules (without quiet zone).
    pub qr: QrMatrix,
    /// Watermark text; empty means [`DEFAULT_WATERMARK`].
    pub watermark: String,
    /// Wording of the certification statement page.
    pub statement: Statement,
    /// `/Title` of the PDF.
    pub title: String,
    /// `/Subject` of the PDF.
    pub subject: String,
    /// `/CreationDate` and `/ModDate` (written with this value's UTC offset).
    pub created: OffsetDateTime,
}

/// One scanned page as uploaded: JPEG or PNG bytes.
#[derive(Debug, Clone)]
pub struct PageImage {
    pub bytes: Vec<u8>,
    /// Resolution in dpi, overriding what the file says (both axes).
    pub dpi: Option<f32>,
}

/// A QR code's modules, row-major, `width * width` entries, `true` = dark, quiet zone not
/// included (the renderer adds 4 modules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

/// The certification statement (lời chứng).
#[derive(Debug, Clone)]
pub struct Statement {
    /// Certifying authority, e.g. "Trung tâm Phục vụ hành chính công tỉnh ...".
    pub center_name: String,
    pub center_name_en: String,
    /// Place of certification, e.g. "Hà Nội".
    pub place: String,
    /// Date of certification (Vietnam local date).
    pub date: time::Date,
    /// e.g. "Số chứng thực: 000123, quyển số: 01/2026-SCT/BS".
    pub register_vi: String,
    pub register_en: String,
    pub signer_name: String,
    pub signer_title: String,
    pub document_name_vi: String,
    pub document_name_en: String,
    /// Number of pages of the copy, printed as given.
    pub page_count: usize,
}

/// What [`scan_info`] reads from a scan's header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanInfo {
    pub width_px: u32,
    pub height_px: u32,
    pub dpi_x: f32,
    pub dpi_y: f32,
    pub density_source: DensitySource,
    /// Exif orientation of a JPEG (1 = upright; 6 and 8 are quarter turns); the page shows
    /// the image turned upright.
    pub orientation: u8,
    /// Physical size in millimetres as shown (after the orientation is applied).
    pub width_mm: f32,
    pub height_mm: f32,
}

/// Why a copy could not be rendered. Pages are numbered from 1.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no scanned pages to render")]
    NoPages,
    #[error("{0} scanned pages: at most {MAX_PAGES} are accepted")]
    TooManyPages(usize),
    #[error("page {page}: the image file is empty")]
    EmptyImage { page: usize },
    #[error(
        "page {page}: the image file has {size} bytes, more than the {MAX_PAGE_BYTES} accepted"
    )]
    FileTooLarge { page: usize, size: usize },
    #[error("page {page}: not a JPEG or PNG image")]
    NotAnImage { page: usize },
    #[error("page {page}: corrupt {format} image: {reason}")]
    CorruptImage {
        page: usize,
        format: &'static str,
        reason: String,
    },
    #[error("page {page}: unsupported {format} image: {reason}")]
    UnsupportedImage {
        page: usize,
        format: &'static str,
        reason: String,
    },
    #[error("page {page}: {width}x{height} pixels, more than {MAX_PIXELS} on a side")]
    TooManyPixels {
        page: usize,
        width: u32,
        height: u32,
    },
    #[error(
        "page {page}: scanned at {dpi:.0} dpi, below the {MIN_DPI:.0} dpi required for electronic copies (Decree 30/2020)"
    )]
    ResolutionTooLow { page: usize, dpi: f32 },
    #[error("page {page}: implausible resolution {dpi} dpi")]
    ResolutionInvalid { page: usize, dpi: f32 },
    #[error("invalid QR matrix: {0}")]
    InvalidQr(&'static str),
    #[error("invalid {field}: {reason}")]
    InvalidField {
        field: &'static str,
        reason: &'static str,
    },
    #[error("PDF generation failed: {0}")]
    Pdf(String),
}

/// Reads a scan's size and resolution (as [`render_copy`] would use them) without rendering.
/// Errors mention page 1.
pub fn scan_info(page: &PageImage) -> Result<ScanInfo, RenderError> {
    checked_scan(1, page).map(|(s, info)| {
        drop(s);
        info
    })
}

fn checked_scan(n: usize, page: &PageImage) -> Result<(scan::Scan, ScanInfo), RenderError> {
    if page.bytes.is_empty() {
        return Err(RenderError::EmptyImage { page: n });
    }
    if page.bytes.len() > MAX_PAGE_BYTES {
        return Err(RenderError::FileTooLarge {
            page: n,
            size: page.bytes.len(),
        });
    }
    let s = scan::parse(&page.bytes).map_err(|e| match e {
        scan::ScanError::Unknown => RenderError::NotAnImage { page: n },
        scan::ScanError::Corrupt(format, reason) => RenderError::CorruptImage {
            page: n,
            format,
            reason,
        },
        scan::ScanError::Unsupported(format, reason) => RenderError::UnsupportedImage {
            page: n,
            format,
            reason,
        },
    })?;
    if s.width > MAX_PIXELS || s.height > MAX_PIXELS {
        return Err(RenderError::TooManyPixels {
            page: n,
            width: s.width,
            height: s.height,
        });
    }
    let (dpi_x, dpi_y, source) = match (page.dpi, s.density) {
        (Some(d), _) => (d, d, DensitySource::Caller),
        (None, Some(d)) => d,
        (None, None) => (ASSUMED_DPI, ASSUMED_DPI, DensitySource::Assumed),
    };
    for dpi in [dpi_x, dpi_y] {
        if !dpi.is_finite() || dpi <= 0.0 || dpi > MAX_DPI {
            return Err(RenderError::ResolutionInvalid { page: n, dpi });
        }
        if dpi < MIN_DPI - 0.5 {
            return Err(RenderError::ResolutionTooLow { page: n, dpi });
        }
    }
    let (w_mm, h_mm) = (
        s.width as f32 / dpi_x * 25.4,
        s.height as f32 / dpi_y * 25.4,
    );
    let (width_mm, height_mm) = if s.orientation >= 5 {
        (h_mm, w_mm)
    } else {
        (w_mm, h_mm)
    };
    let info = ScanInfo {
        width_px: s.width,
        height_px: s.height,
        dpi_x,
        dpi_y,
        density_source: source,
        orientation: s.orientation,
        width_mm,
        height_mm,
    };
    Ok((s, info))
}

fn check_field(
    field: &'static str,
    value: &str,
    max_chars: usize,
    ascii_token: bool,
) -> Result<(), RenderError> {
    let bad = |reason| Err(RenderError::InvalidField { field, reason });
    if value.trim().is_empty() {
        return bad("empty");
    }
    if value.chars().count() > max_chars {
        return bad("too long");
    }
    if ascii_token
        && !value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'\\'))
    {
        return bad("must be printable ASCII without spaces, parentheses or backslashes");
    }
    Ok(())
}

fn validate(input: &RenderInput) -> Result<(), RenderError> {
    if input.pages.is_empty() {
        return Err(RenderError::NoPages);
    }
    if input.pages.len() > MAX_PAGES {
        return Err(RenderError::TooManyPages(input.pages.len()));
    }
    let qr = &input.qr;
    if !(21..=177).contains(&qr.width) || qr.width % 4 != 1 {
        return Err(RenderError::InvalidQr(
            "width must be 21 to 177 modules (a QR version)",
        ));
    }
    if qr.dark.len() != qr.width * qr.width {
        return Err(RenderError::InvalidQr("expected width × width modules"));
    }
    check_field("code_grouped", &input.code_grouped, 64, true)?;
    check_field("code_compact", &input.code_compact, 64, true)?;
    check_field("register_number", &input.register_number, 64, true)?;
    if input.watermark.chars().count() > 40 {
        return Err(RenderError::InvalidField {
            field: "watermark",
            reason: "too long",
        });
    }
    for (field, value) in [("title", &input.title), ("subject", &input.subject)] {
        if value.chars().count() > 500 {
            return Err(RenderError::InvalidField {
                field,
                reason: "too long",
            });
        }
    }
    let s = &input.statement;
    for (field, value, max) in [
        ("statement.center_name", &s.center_name, 160),
        ("statement.center_name_en", &s.center_name_en, 160),
        ("statement.place", &s.place, 60),
        ("statement.register_vi", &s.register_vi, 200),
        ("statement.register_en", &s.register_en, 200),
        ("statement.signer_name", &s.signer_name, 100),
        ("statement.signer_title", &s.signer_title, 100),
        ("statement.document_name_vi", &s.document_name_vi, 200),
        ("statement.document_name_en", &s.document_name_en, 200),
    ] {
        check_field(field, value, max, false)?;
    }
    if s.page_count == 0 || s.page_count > 10_000 {
        return Err(RenderError::InvalidField {
            field: "statement.page_count",
            reason: "out of range",
        });
    }
    Ok(())
}

/// One reason on a refusal slip.
#[derive(Debug, Clone)]
pub struct RefusalReason {
    pub text_vi: String,
    pub text_en: String,
    /// The legal ground (Vietnamese, English), for the refusal grounds of Decree 23 Art 22.
    pub legal_ground: Option<(String, String)>,
}

/// The facts printed on a refusal slip (phiếu từ chối), Vietnamese with English.
#[derive(Debug, Clone)]
pub struct RefusalSlip {
    pub center_name: String,
    pub center_name_en: String,
    pub place: String,
    pub case_id: String,
    pub document_vi: String,
    pub document_en: String,
    /// When the original was received, as printed.
    pub received: String,
    pub reasons: Vec<RefusalReason>,
    /// An officer's free text, if any.
    pub note: Option<String>,
    /// Who refused: the center (automated) or the officer's name and title.
    pub decided_by: String,
    /// When it was written; printed as its date in Vietnam.
    pub created: OffsetDateTime,
}

/// Renders the unsigned PDF of a refusal slip: one A4 page, classic xref (ready for the seal).
pub fn render_refusal_slip(slip: &RefusalSlip) -> Result<Vec<u8>, RenderError> {
    if slip.reasons.is_empty() {
        return Err(RenderError::Pdf(
            "a refusal slip names at least one reason".to_owned(),
        ));
    }
    let faces = fonts::faces().map_err(RenderError::Pdf)?;
    let title = format!(
        "Phiếu từ chối chứng thực / Refusal to certify — {}",
        slip.case_id
    );
    let mut doc = PdfDocument::new(&title);
    let regular = doc.add_font(&faces.regular.parsed);
    let bold = doc.add_font(&faces.bold.parsed);
    let watermark_gs = doc.add_graphics_state(ExtendedGraphicsState::default());
    let ctx = Ctx {
        faces,
        regular,
        bold,
        watermark_gs,
    };
    let mut ops = Vec::new();
    layout::draw_refusal(&ctx, &mut ops, slip);
    let (w, h) = layout::A4;
    doc.pages = vec![page(w, h, ops)];
    let mut pdf = finish_document(&doc, &title, slip.created);
    save_pdf(&mut pdf, Vec::new())
}

/// The document as lopdf objects, converted the same way for every PDF we make (fonts
/// embedded whole, images as given).
fn to_lopdf(doc: &PdfDocument) -> lopdf::Document {
    let mut warnings = Vec::new();
    let opts = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    doc.to_lopdf_document(&opts, &mut warnings)
}

/// A generated document (refusal slip, register) ready to save and seal: PDF 1.7, a classic
/// xref table (the signer appends incremental updates), compressed streams, and an Info
/// dictionary with its title and creation time.
fn finish_document(doc: &PdfDocument, title: &str, created: OffsetDateTime) -> lopdf::Document {
    let mut pdf = to_lopdf(doc);
    pdf.version = "1.7".to_owned();
    pdf.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    pdf.compress();
    let date = Object::String(pdf_date(created).into_bytes(), StringFormat::Literal);
    let info = lopdf::Dictionary::from_iter(vec![
        ("Title", text_string(title)),
        ("Producer", text_string("truecopy")),
        ("CreationDate", date.clone()),
        ("ModDate", date),
    ]);
    if let Ok(old) = pdf.trailer.get(b"Info").and_then(Object::as_reference) {
        pdf.objects.remove(&old);
    }
    let id = pdf.add_object(info);
    pdf.trailer.set("Info", Object::Reference(id));
    pdf
}

/// The saved bytes, appended to `out`, ending with an end-of-line after `%%EOF` (lopdf stops
/// right after it; the end-of-line is customary and lets an incremental update start on a
/// fresh line).
fn save_pdf(pdf: &mut lopdf::Document, mut out: Vec<u8>) -> Result<Vec<u8>, RenderError> {
    pdf.save_to(&mut out)
        .map_err(|e| RenderError::Pdf(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// Renders the unsigned PDF of a certified copy. See the crate documentation for the layout.
pub fn render_copy(input: &RenderInput) -> Result<Vec<u8>, RenderError> {
    validate(input)?;
    let scans = input
        .pages
        .iter()
        .enumerate()
        .map(|(k, p)| checked_scan(k + 1, p))
        .collect::<Result<Vec<_>, _>>()?;
    let faces = fonts::faces().map_err(RenderError::Pdf)?;

    let mut doc = PdfDocument::new(&input.title);
    let regular = doc.add_font(&faces.regular.parsed);
    let bold = doc.add_font(&faces.bold.parsed);
    let watermark_gs = doc.add_graphics_state(
        ExtendedGraphicsState::default().with_current_fill_alpha(WATERMARK_ALPHA),
    );
    let ctx = Ctx {
        faces,
        regular,
        bold,
        watermark_gs,
    };
    let watermark = fonts::clean(
        &faces.bold,
        if input.watermark.trim().is_empty() {
            DEFAULT_WATERMARK
        } else {
            &input.watermark
        },
    );
    doc.resources.xobjects.map.insert(
        XObjectId(layout::QR_XOBJECT.to_owned()),
        XObject::External(layout::qr_form(&input.qr)),
    );
    let total = scans.len() + 1;
    let band_text = |page| BandText {
        code: input.code_grouped.clone(),
        register: input.register_number.clone(),
        page,
        pages: total,
    };

    let mut pages = Vec::with_capacity(total);
    // The scans bypass printpdf (whose serializer would copy each one once more) and are
    // added to the lopdf document afterwards; the pages refer to them by name.
    let mut images = Vec::with_capacity(scans.len());
    for (k, (s, info)) in scans.into_iter().enumerate() {
        let id = XObjectId(format!("Scan{}", k + 1));
        let (img_w, img_h) = (info.width_mm * MM, info.height_mm * MM);
        let page_w = img_w.max(layout::PAGE_MIN_WIDTH);
        let text = band_text(k + 1);
        let band = layout::band_for(&ctx, &input.qr, &text, page_w);
        let x_off = (page_w - img_w) / 2.0;
        let mut ops = vec![
            Op::SaveGraphicsState,
            Op::SetTransformationMatrix {
                matrix: CurTransMat::Raw(placement(
                    info.orientation,
                    [x_off, band.height, img_w, img_h],
                )),
            },
            Op::UseXobject {
                id: id.clone(),
                transform: XObjectTransform {
                    no_auto_scale: true,
                    ..Default::default()
                },
            },
            Op::RestoreGraphicsState,
        ];
        layout::draw_watermark(
            &ctx,
            &mut ops,
            &watermark,
            [x_off, band.height, img_w, img_h],
        );
        layout::draw_band(&ctx, &mut ops, &input.qr, &text, page_w, band);
        pages.push(page(page_w, img_h + band.height, ops));
        images.push((id.0, s.stream));
    }

    // The statement page.
    let (w, h) = layout::A4;
    let text = band_text(total);
    let band = layout::band_for(&ctx, &input.qr, &text, w);
    let mut ops = Vec::new();
    // Here the watermark goes under the text, which stays fully legible.
    layout::draw_watermark(
        &ctx,
        &mut ops,
        &watermark,
        [0.0, band.height, w, h - band.height],
    );
    // Long names would push the signature into the band: shrink everything a little until
    // the statement fits (the field length limits make 0.6 always enough).
    for scale in [1.0, 0.9, 0.8, 0.7, 0.6] {
        let mut attempt = Vec::new();
        let bottom = layout::draw_statement(&ctx, &mut attempt, &input.statement, scale);
        if bottom >= band.height + 4.0 * layout::MM || scale <= 0.6 {
            ops.extend(attempt);
            break;
        }
    }
    layout::draw_band(&ctx, &mut ops, &input.qr, &text, w, band);
    pages.push(page(w, h, ops));
    doc.pages = pages;

    let mut pdf = to_lopdf(&doc);
    let scan_bytes: usize = images.iter().map(|(_, s)| s.content.len()).sum();
    finish(&mut pdf, input, faces, images)?;
    let mut out = save_pdf(&mut pdf, Vec::with_capacity(scan_bytes + 192 * 1024))?;
    fix_keywords(&mut out, &keywords(input))?;
    Ok(out)
}

fn keywords(input: &RenderInput) -> String {
    format!(
        "truecopy-code:{} truecopy-register:{}",
        input.code_compact, input.register_number
    )
}

/// lopdf writes `/Keywords(...)`; verifiers match `/Keywords (...)` byte for byte. The value
/// was written with one trailing space of padding, so moving that space in front of the
/// string keeps every byte offset (and the xref table) valid. The Info dictionary is among
/// the last objects written, so the search from the end is short.
fn fix_keywords(out: &mut [u8], keywords: &str) -> Result<(), RenderError> {
    let written = format!("/Keywords({keywords} )");
    let wanted = format!("/Keywords ({keywords})");
    let at = out
        .windows(written.len())
        .rposition(|w| w == written.as_bytes())
        .ok_or_else(|| RenderError::Pdf("Keywords entry not found".to_owned()))?;
    out[at..at + wanted.len()].copy_from_slice(wanted.as_bytes());
    Ok(())
}

/// The `cm` matrix mapping the image's unit square onto the rectangle (x, y, w, h) as seen
/// upright, for each Exif orientation.
fn placement(orientation: u8, [x, y, w, h]: [f32; 4]) -> [f32; 6] {
    let [a, b, c, d, e, f] = match orientation {
        2 => [-w, 0.0, 0.0, h, w, 0.0],  // mirrored
        3 => [-w, 0.0, 0.0, -h, w, h],   // half turn
        4 => [w, 0.0, 0.0, -h, 0.0, h],  // flipped
        5 => [0.0, -h, -w, 0.0, w, h],   // transposed
        6 => [0.0, -h, w, 0.0, 0.0, h],  // stored a quarter turn anticlockwise
        7 => [0.0, h, w, 0.0, 0.0, 0.0], // transversed
        8 => [0.0, h, -w, 0.0, w, 0.0],  // stored a quarter turn clockwise
        _ => [w, 0.0, 0.0, h, 0.0, 0.0],
    };
    [a, b, c, d, e + x, f + y]
}

fn page(w: f32, h: f32, ops: Vec<Op>) -> PdfPage {
    let r = Rect::from_wh(Pt(w), Pt(h));
    PdfPage {
        media_box: r.clone(),
        trim_box: r.clone(),
        crop_box: r,
        ops,
    }
}

/// Post-processing of printpdf's document: PDF version, classic xref, stream compression
/// (the font programs were compressed once per process), the scans, our Info dictionary,
/// catalog language.
fn finish(
    pdf: &mut lopdf::Document,
    input: &RenderInput,
    faces: &fonts::Faces,
    images: Vec<(String, printpdf::ExternalStream)>,
) -> Result<(), RenderError> {
    // ExtGState transparency needs PDF 1.4; PAdES readers expect ≥ 1.7.
    pdf.version = "1.7".to_owned();
    pdf.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;

    for obj in pdf.objects.values_mut() {
        let Object::Stream(st) = obj else { continue };
        if st.dict.has(b"Filter") || !st.allows_compression {
            continue;
        }
        let program = [&faces.regular, &faces.bold]
            .into_iter()
            .find(|f| st.content.len() == f.program.len() && st.content == f.program);
        let deflated = match program {
            Some(face) => face.program_deflated.clone(),
            // lopdf's own `compress` uses the slowest level: 3–4 ms per copy for the
            // content streams alone. The default level is within a few per cent in size.
            None => {
                let mut enc = flate2::write::ZlibEncoder::new(
                    Vec::with_capacity(st.content.len() / 3),
                    flate2::Compression::default(),
                );
                enc.write_all(&st.content)
                    .and_then(|()| enc.finish())
                    .map_err(|e| RenderError::Pdf(e.to_string()))?
            }
        };
        if deflated.len() < st.content.len() {
            st.set_content(deflated);
            st.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        }
    }

    // The scans, moved in without another copy, and named in the shared XObject dictionary
    // (the one holding the QR form).
    let xobjects = pdf
        .objects
        .iter()
        .find_map(|(id, o)| match o {
            Object::Dictionary(d) if d.has(layout::QR_XOBJECT.as_bytes()) => Some(*id),
            _ => None,
        })
        .ok_or_else(|| RenderError::Pdf("no XObject resource dictionary".to_owned()))?;
    // printpdf's Info dictionary is replaced by ours, written last (`fix_keywords` searches
    // from the end); its object number goes to the first scan, so that the numbers stay
    // contiguous and the xref table has a single subsection.
    let mut free_id = pdf.trailer.get(b"Info").and_then(Object::as_reference).ok();
    for (name, stream) in images {
        let dict = lopdf::Dictionary::from_iter(
            stream.dict.iter().map(|(k, v)| (k.as_str(), v.to_lopdf())),
        );
        let stream = lopdf::Stream::new(dict, stream.content).with_compression(false);
        let id = match free_id.take() {
            Some(id) => {
                pdf.objects.insert(id, Object::Stream(stream));
                id
            }
            None => pdf.add_object(stream),
        };
        if let Ok(Object::Dictionary(d)) = pdf.get_object_mut(xobjects) {
            d.set(name, Object::Reference(id));
        }
    }

    let date = Object::String(pdf_date(input.created).into_bytes(), StringFormat::Literal);
    // One byte of padding that `fix_keywords` trades for the space after the name.
    let keywords = format!("{} ", keywords(input));
    let info = lopdf::Dictionary::from_iter(vec![
        ("Title", text_string(&input.title)),
        ("Subject", text_string(&input.subject)),
        ("Producer", text_string("truecopy")),
        (
            "Creator",
            text_string(concat!("truecopy-render ", env!("CARGO_PKG_VERSION"))),
        ),
        ("CreationDate", date.clone()),
        ("ModDate", date),
        (
            "Keywords",
            Object::String(keywords.into_bytes(), StringFormat::Literal),
        ),
    ]);
    if let Some(unused) = free_id {
        pdf.objects.remove(&unused);
    }
    let id = pdf.add_object(info);
    pdf.trailer.set("Info", Object::Reference(id));
    if let Ok(root) = pdf.trailer.get(b"Root").and_then(Object::as_reference)
        && let Ok(catalog) = pdf.get_dictionary_mut(root)
    {
        catalog.set(
            "Lang",
            Object::String(b"vi-VN".to_vec(), StringFormat::Literal),
        );
    }
    Ok(())
}

/// A PDF text string: literal if ASCII, else UTF-16BE with a byte-order mark.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut b = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_be_bytes());
        }
        Object::String(b, StringFormat::Hexadecimal)
    }
}

/// `D:YYYYMMDDHHmmSS+HH'mm'` (PDF 32000-1 §7.9.4), keeping the value's UTC offset.
fn pdf_date(t: OffsetDateTime) -> String {
    let off = t.offset();
    let (oh, om, _) = off.as_hms();
    let sign = if off.is_negative() { '-' } else { '+' };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{sign}{:02}'{:02}'",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        oh.unsigned_abs(),
        om.unsigned_abs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_keep_the_offset() {
        let t = time::macros::datetime!(2026-01-15 10:30:05 +07:00);
        assert_eq!(pdf_date(t), "D:20260115103005+07'00'");
        let t = time::macros::datetime!(2026-01-15 10:30:05 -03:30);
        assert_eq!(pdf_date(t), "D:20260115103005-03'30'");
    }

    #[test]
    fn text_strings() {
        assert_eq!(
            text_string("abc"),
            Object::String(b"abc".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            text_string("Hà"),
            Object::String(
                vec![0xFE, 0xFF, 0, b'H', 0, 0xE0],
                StringFormat::Hexadecimal
            )
        );
    }
}
