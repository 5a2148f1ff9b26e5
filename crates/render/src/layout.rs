//! Page content: the identification band (QR as vectors, code, register number, page
//! number), the watermark and the certification statement page.

use printpdf::{
    Color, CurTransMat, DictItem, ExtendedGraphicsStateId, ExternalStream, ExternalXObject, FontId,
    Greyscale, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
    WindingOrder, XObjectId, XObjectTransform,
};

use crate::fonts::{Face, Faces, clean};
use crate::{QrMatrix, Statement};

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;
/// Minimum height of the identification band under each scan.
pub(crate) const BAND_MIN: f32 = 45.0 * MM;
/// Smallest printed QR module and smallest printed QR (quiet zone included).
pub(crate) const QR_MODULE_MIN: f32 = 0.5 * MM;
pub(crate) const QR_SIZE_MIN: f32 = 30.0 * MM;
/// Quiet zone, in modules, on each side of the QR.
pub(crate) const QR_QUIET: usize = 4;
/// Narrowest page: a narrower scan is centred on a page this wide so the band still fits.
pub(crate) const PAGE_MIN_WIDTH: f32 = 60.0 * MM;

const BLACK: f32 = 0.0;
const GREY: f32 = 0.35;

/// Fonts registered in the document.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) faces: &'a Faces,
    pub(crate) regular: FontId,
    pub(crate) bold: FontId,
    pub(crate) watermark_gs: ExtendedGraphicsStateId,
}

impl Ctx<'_> {
    pub(crate) fn face(&self, w: Weight) -> &Face {
        match w {
            Weight::Regular => &self.faces.regular,
            Weight::Bold => &self.faces.bold,
        }
    }

    fn font(&self, w: Weight) -> &FontId {
        match w {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// One line of text with its baseline starting at (x, y). `text` must be cleaned.
    pub(crate) fn text(
        &self,
        ops: &mut Vec<Op>,
        w: Weight,
        size: f32,
        (x, y): (f32, f32),
        grey: f32,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: grey_col(grey),
            },
            Op::SetFont {
                font: PdfFontHandle::External(self.font(w).clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point { x: Pt(x), y: Pt(y) },
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }
}

fn grey_col(percent: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent,
        icc_profile: None,
    })
}

pub(crate) fn fill_rect(ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32) {
    ops.push(Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x),
            y: Pt(y),
            width: Pt(w),
            height: Pt(h),
            mode: Some(PaintMode::Fill),
            winding_order: Some(WindingOrder::NonZero),
        },
    });
}

// ---------------------------------------------------------------------------------------
// QR

/// Printed size of one module so that modules are ≥ 0.5 mm and the QR ≥ 30 mm.
pub(crate) fn qr_module(qr: &QrMatrix) -> f32 {
    let n = (qr.width + 2 * QR_QUIET) as f32;
    QR_MODULE_MIN.max(QR_SIZE_MIN / n)
}

/// Side of the printed QR, quiet zone included.
pub(crate) fn qr_side(qr: &QrMatrix) -> f32 {
    (qr.width + 2 * QR_QUIET) as f32 * qr_module(qr)
}

/// Resource name of the QR form XObject shared by all pages.
pub(crate) const QR_XOBJECT: &str = "QR";

/// The QR as a form XObject in module units (quiet zone included, so its box is
/// `n × n` with `n = width + 8`): a white square, then one rectangle per horizontal run of
/// dark modules, filled together (no seams between rows). Drawn once, placed on every page.
pub(crate) fn qr_form(qr: &QrMatrix) -> ExternalXObject {
    use std::fmt::Write as _;
    let n = qr.width + 2 * QR_QUIET;
    let mut c = String::with_capacity(qr.dark.len() * 3);
    let _ = writeln!(c, "1 g 0 0 {n} {n} re f 0 g");
    for (r, row) in qr.dark.chunks_exact(qr.width).enumerate() {
        let y = n - QR_QUIET - 1 - r;
        let mut k = 0;
        while k < qr.width {
            if !row[k] {
                k += 1;
                continue;
            }
            let start = k;
            while k < qr.width && row[k] {
                k += 1;
            }
            let _ = writeln!(c, "{} {y} {} 1 re", start + QR_QUIET, k - start);
        }
    }
    c.push_str("f\n");
    let name = |v: &str| DictItem::Name(v.as_bytes().to_vec());
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    ExternalXObject {
        stream: ExternalStream {
            dict: [
                ("Type".to_owned(), name("XObject")),
                ("Subtype".to_owned(), name("Form")),
                (
                    "BBox".to_owned(),
                    DictItem::Array(vec![
                        DictItem::Int(0),
                        DictItem::Int(0),
                        DictItem::Int(n),
                        DictItem::Int(n),
                    ]),
                ),
                (
                    "Resources".to_owned(),
                    DictItem::Dict {
                        map: Default::default(),
                    },
                ),
            ]
            .into(),
            content: c.into_bytes(),
            compress: true,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

/// Places the QR form with its lower-left quiet-zone corner at (x, y).
fn draw_qr(ops: &mut Vec<Op>, qr: &QrMatrix, x: f32, y: f32) {
    let m = qr_module(qr);
    ops.extend([
        Op::SaveGraphicsState,
        Op::SetTransformationMatrix {
            matrix: CurTransMat::Raw([m, 0.0, 0.0, m, x, y]),
        },
        Op::UseXobject {
            id: XObjectId(QR_XOBJECT.to_owned()),
            transform: XObjectTransform {
                no_auto_scale: true,
                ..Default::default()
            },
        },
        Op::RestoreGraphicsState,
    ]);
}

// ---------------------------------------------------------------------------------------
// Identification band

/// Values printed in every band.
#[derive(Debug)]
pub(crate) struct BandText {
    pub(crate) code: String,
    pub(crate) register: String,
    pub(crate) page: usize,
    pub(crate) pages: usize,
}

/// One line of the band: one or more runs on the same baseline (a label, then a value).
#[derive(Debug, Clone)]
struct Line {
    runs: Vec<(Weight, String)>,
    size: f32,
    grey: f32,
    /// Extra space above this line.
    gap: f32,
}

impl Line {
    fn one(weight: Weight, size: f32, grey: f32, gap: f32, text: String) -> Self {
        Line {
            runs: vec![(weight, text)],
            size,
            grey,
            gap,
        }
    }

    fn width_1pt(&self, ctx: &Ctx<'_>) -> f32 {
        let space = ctx.faces.regular.width(" ", 1.0);
        let words: f32 = self
            .runs
            .iter()
            .map(|(w, t)| ctx.face(*w).width(t, 1.0))
            .sum();
        words + space * (self.runs.len().saturating_sub(1)) as f32
    }

    /// Shrinks the line to fit `avail`; returns the ratio of the new size to the old.
    fn fit(&mut self, ctx: &Ctx<'_>, avail: f32) -> f32 {
        let w = self.width_1pt(ctx);
        let old = self.size;
        if w > 0.0 {
            self.size = self.size.min(avail / w);
        }
        self.size / old
    }

    fn height(&self) -> f32 {
        self.gap + self.size * 1.25
    }
}

/// Wraps `text` into lines of one run each.
fn wrapped(
    ctx: &Ctx<'_>,
    w: Weight,
    size: f32,
    grey: f32,
    gap: f32,
    avail: f32,
    text: &str,
) -> Vec<Line> {
    let face = ctx.face(w);
    let text = clean(face, text);
    face.wrap(&text, size, avail)
        .into_iter()
        .enumerate()
        .map(|(k, l)| Line::one(w, size, grey, if k == 0 { gap } else { 0.0 }, l))
        .collect()
}

const HEAD_VI: &str = "BẢN SAO ĐIỆN TỬ CHỨNG THỰC TỪ BẢN CHÍNH";
const HEAD_EN: &str = "Electronic copy certified from the original";
const SCAN_HINT: &str = "Quét mã QR để kiểm tra bản sao / Scan the QR code to verify this copy";
const CODE_SIZE: f32 = 10.0;

fn page_line(ctx: &Ctx<'_>, t: &BandText) -> Line {
    let s = format!("Trang / Page {}/{}", t.page, t.pages);
    Line::one(
        Weight::Regular,
        7.0,
        BLACK,
        3.0,
        clean(&ctx.faces.regular, &s),
    )
}

/// All eight lines, one value per line: for the text block beside the QR on wide pages.
fn wide_lines(ctx: &Ctx<'_>, t: &BandText) -> Vec<Line> {
    let r = |size, grey, gap, s: &str| {
        Line::one(
            Weight::Regular,
            size,
            grey,
            gap,
            clean(&ctx.faces.regular, s),
        )
    };
    let b =
        |size, gap, s: &str| Line::one(Weight::Bold, size, BLACK, gap, clean(&ctx.faces.bold, s));
    vec![
        b(7.5, 0.0, HEAD_VI),
        r(6.5, GREY, 0.0, HEAD_EN),
        r(7.0, BLACK, 4.0, "Mã xác thực / Verification code:"),
        b(CODE_SIZE, 0.0, &t.code),
        r(7.0, BLACK, 3.0, "Số chứng thực / Register number:"),
        b(9.0, 0.0, &t.register),
        page_line(ctx, t),
        r(6.5, GREY, 3.0, SCAN_HINT),
    ]
}

/// Label and value on one line: for the full-width lines under the QR on narrow pages.
fn value_lines(ctx: &Ctx<'_>, t: &BandText) -> Vec<Line> {
    let pair = |gap, label: &str, size, value: &str| Line {
        runs: vec![
            (Weight::Regular, clean(&ctx.faces.regular, label)),
            (Weight::Bold, clean(&ctx.faces.bold, value)),
        ],
        size,
        grey: BLACK,
        gap,
    };
    vec![
        pair(0.0, "Mã xác thực / Code:", CODE_SIZE, &t.code),
        pair(2.0, "Số chứng thực / Register No.:", 9.0, &t.register),
    ]
}

/// Heading, page number and hint wrapped into `avail`: beside the QR on narrow pages.
fn side_lines(ctx: &Ctx<'_>, t: &BandText, avail: f32) -> Vec<Line> {
    let mut v = wrapped(ctx, Weight::Bold, 7.5, BLACK, 0.0, avail, HEAD_VI);
    v.extend(wrapped(
        ctx,
        Weight::Regular,
        6.5,
        GREY,
        0.0,
        avail,
        HEAD_EN,
    ));
    let mut page = page_line(ctx, t);
    page.fit(ctx, avail);
    v.push(page);
    v.extend(wrapped(
        ctx,
        Weight::Regular,
        6.5,
        GREY,
        3.0,
        avail,
        SCAN_HINT,
    ));
    v
}

fn block_height(lines: &[Line]) -> f32 {
    lines.iter().map(Line::height).sum()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Arrangement {
    /// Everything beside the QR.
    Wide,
    /// Heading beside the QR, code and register number under it at full width.
    Narrow,
    /// QR centred, everything under it.
    Stacked,
}

/// How the band of a page is laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Band {
    pub(crate) height: f32,
    arrangement: Arrangement,
}

fn margin(w: f32) -> f32 {
    (4.0 * MM).min(w * 0.05)
}

/// Width left beside the QR.
fn beside(w: f32, q: f32) -> f32 {
    w - 3.0 * margin(w) - q
}

/// Chooses the band layout for a page `w` points wide: the text beside the QR when the
/// code fits there at ≥ 8 pt; on narrower pages the code and register number go under the
/// QR at full width; on very narrow ones everything goes under a centred QR.
pub(crate) fn band_for(ctx: &Ctx<'_>, qr: &QrMatrix, t: &BandText, w: f32) -> Band {
    let m = margin(w);
    let q = qr_side(qr);
    let side = beside(w, q);
    let mut lines = wide_lines(ctx, t);
    let ratios: Vec<f32> = lines
        .iter_mut()
        .map(|l| l.fit(ctx, side.max(1.0)))
        .collect();
    if side > 0.0 && ratios[3] * CODE_SIZE >= 8.0 {
        let h = block_height(&lines);
        return Band {
            height: BAND_MIN.max(q + 2.0 * m).max(h + 2.0 * m + 0.5 * MM),
            arrangement: Arrangement::Wide,
        };
    }
    let mut under = value_lines(ctx, t);
    for l in &mut under {
        l.fit(ctx, w - 2.0 * m);
    }
    let under_h = block_height(&under);
    if side >= 25.0 * MM {
        let side_h = block_height(&side_lines(ctx, t, side));
        Band {
            height: BAND_MIN.max(m + q.max(side_h) + m + under_h + m),
            arrangement: Arrangement::Narrow,
        }
    } else {
        let mut all = side_lines(ctx, t, w - 2.0 * m);
        all.extend(under);
        Band {
            height: BAND_MIN.max(m + q + m + block_height(&all) + m),
            arrangement: Arrangement::Stacked,
        }
    }
}

/// Draws lines top-down starting with the cursor at `y` (top of the block).
fn draw_lines(ctx: &Ctx<'_>, ops: &mut Vec<Op>, lines: &[Line], x: f32, mut y: f32) {
    let space = ctx.faces.regular.width(" ", 1.0);
    for l in lines {
        y -= l.gap + l.size;
        let mut cx = x;
        for (w, text) in &l.runs {
            ctx.text(ops, *w, l.size, (cx, y), l.grey, text);
            cx += ctx.face(*w).width(text, l.size) + space * l.size;
        }
        y -= l.size * 0.25;
    }
}

/// Draws the band occupying y ∈ [0, band.height] of a page `w` wide.
pub(crate) fn draw_band(
    ctx: &Ctx<'_>,
    ops: &mut Vec<Op>,
    qr: &QrMatrix,
    t: &BandText,
    w: f32,
    band: Band,
) {
    let m = margin(w);
    let q = qr_side(qr);
    // Separator between the document and the band.
    ops.push(Op::SetFillColor {
        col: grey_col(0.55),
    });
    fill_rect(ops, m, band.height - 0.6, w - 2.0 * m, 0.6);
    let top = band.height - m;
    match band.arrangement {
        Arrangement::Wide => {
            let side = beside(w, q);
            draw_qr(ops, qr, m, (band.height - q) / 2.0);
            let mut lines = wide_lines(ctx, t);
            for l in &mut lines {
                l.fit(ctx, side);
            }
            draw_lines(ctx, ops, &lines, 2.0 * m + q, top - 0.5 * MM);
        }
        Arrangement::Narrow => {
            let side = beside(w, q);
            draw_qr(ops, qr, m, top - q);
            let lines = side_lines(ctx, t, side);
            draw_lines(ctx, ops, &lines, 2.0 * m + q, top);
            let mut under = value_lines(ctx, t);
            for l in &mut under {
                l.fit(ctx, w - 2.0 * m);
            }
            let y = top - q.max(block_height(&lines)) - m;
            draw_lines(ctx, ops, &under, m, y);
        }
        Arrangement::Stacked => {
            draw_qr(ops, qr, (w - q) / 2.0, top - q);
            let mut all = side_lines(ctx, t, w - 2.0 * m);
            let mut under = value_lines(ctx, t);
            for l in &mut under {
                l.fit(ctx, w - 2.0 * m);
            }
            all.extend(under);
            draw_lines(ctx, ops, &all, m, top - q - m);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Watermark

/// Draws `text` (cleaned, bold) diagonally across the rectangle (x, y, w, h), clipped to it,
/// semi-transparent.
pub(crate) fn draw_watermark(ctx: &Ctx<'_>, ops: &mut Vec<Op>, text: &str, area: [f32; 4]) {
    let [x, y, w, h] = area;
    if text.is_empty() || w <= 0.0 || h <= 0.0 {
        return;
    }
    let face = &ctx.faces.bold;
    let angle = h.atan2(w);
    let diagonal = w.hypot(h);
    let width_1pt = face.width(text, 1.0).max(0.01);
    // About 60 % of the diagonal, but never taller than a fifth of the short side.
    let size = (0.6 * diagonal / width_1pt).min(0.2 * w.min(h) / 0.73);
    let (tw, cap) = (width_1pt * size, 0.73 * size);
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    let (s, c) = angle.sin_cos();
    // Origin such that the middle of the text's cap-height box lands on the centre.
    let ox = cx - (c * tw / 2.0 - s * cap / 2.0);
    let oy = cy - (s * tw / 2.0 + c * cap / 2.0);
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x),
            y: Pt(y),
            width: Pt(w),
            height: Pt(h),
            mode: Some(PaintMode::Clip),
            winding_order: Some(WindingOrder::NonZero),
        },
    });
    ops.push(Op::LoadGraphicsState {
        gs: ctx.watermark_gs.clone(),
    });
    // Diagonal glyphs come out of text extractors as scattered letters; /ActualText makes
    // them read as the watermark word (checked with pdftotext).
    ops.push(Op::BeginMarkedContentWithProperties {
        tag: "Span".to_owned(),
        properties: DictItem::Dict {
            map: [("ActualText".to_owned(), text_string(text))].into(),
        },
    });
    ops.extend([
        Op::StartTextSection,
        Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r: 0.8,
                g: 0.05,
                b: 0.05,
                icc_profile: None,
            }),
        },
        Op::SetFont {
            font: PdfFontHandle::External(ctx.bold.clone()),
            size: Pt(size),
        },
        Op::SetTextMatrix {
            matrix: TextMatrix::TranslateRotate(Pt(ox), Pt(oy), angle.to_degrees()),
        },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_owned())],
        },
        Op::EndTextSection,
        Op::EndMarkedContent,
    ]);
    ops.push(Op::RestoreGraphicsState);
}

/// A PDF text string for a marked-content property: UTF-16BE with a byte-order mark.
fn text_string(s: &str) -> DictItem {
    let mut data = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        data.extend_from_slice(&u.to_be_bytes());
    }
    DictItem::String {
        data,
        literal: false,
    }
}

// ---------------------------------------------------------------------------------------
// Certification statement (lời chứng)

/// "ngày 05 tháng 11 năm 2026", as Vietnamese documents date themselves.
pub(crate) fn date_vi(d: time::Date) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {:04}",
        d.day(),
        u8::from(d.month()),
        d.year()
    )
}

/// "5 November 2026".
pub(crate) fn date_en(d: time::Date) -> String {
    format!(
        "{} {} {:04}",
        d.day(),
        MONTHS_EN[usize::from(u8::from(d.month())).clamp(1, 12) - 1],
        d.year()
    )
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Vertical cursor writing lines downwards.
struct Column<'c, 'a> {
    ctx: &'c Ctx<'a>,
    ops: &'c mut Vec<Op>,
    y: f32,
    /// Applied to every size and gap (< 1 when long fields would not fit otherwise).
    scale: f32,
}

#[derive(Clone, Copy)]
enum Align {
    Left(f32),
    /// Centred on x.
    Center(f32),
}

impl Column<'_, '_> {
    /// Writes `text` wrapped to `avail` points, returns nothing; moves the cursor down.
    fn para(&mut self, w: Weight, size: f32, grey: f32, align: Align, avail: f32, text: &str) {
        let face = self.ctx.face(w);
        let size = size * self.scale;
        let text = clean(face, text);
        for line in face.wrap(&text, size, avail) {
            self.y -= size;
            let x = match align {
                Align::Left(x) => x,
                Align::Center(cx) => cx - face.width(&line, size) / 2.0,
            };
            self.ctx.text(self.ops, w, size, (x, self.y), grey, &line);
            self.y -= size * 0.35;
        }
    }

    fn gap(&mut self, pt: f32) {
        self.y -= pt * self.scale;
    }
}

/// A4 portrait.
pub(crate) const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);

/// Draws the statement on an A4 page with every size multiplied by `scale`; returns how low
/// the text reaches (the caller retries smaller if that is inside the band).
pub(crate) fn draw_statement(ctx: &Ctx<'_>, ops: &mut Vec<Op>, s: &Statement, scale: f32) -> f32 {
    let (w, h) = A4;
    let left = 25.0 * MM;
    let right = w - 20.0 * MM;
    let full = right - left;
    let mid = (left + right) / 2.0;
    let mut col = Column {
        ctx,
        ops,
        y: h - 18.0 * MM,
        scale,
    };
    let c = Align::Center(mid);

    col.para(
        Weight::Bold,
        12.5,
        BLACK,
        c,
        full,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    );
    col.gap(1.0);
    col.para(
        Weight::Bold,
        12.0,
        BLACK,
        c,
        full,
        "Độc lập - Tự do - Hạnh phúc",
    );
    // The template underlines the motto.
    let motto = clean(&ctx.faces.bold, "Độc lập - Tự do - Hạnh phúc");
    let mw = ctx.faces.bold.width(&motto, 12.0 * scale);
    col.ops.push(Op::SetFillColor {
        col: grey_col(BLACK),
    });
    fill_rect(col.ops, mid - mw / 2.0, col.y + 1.0, mw, 0.7);
    col.gap(4.0);
    col.para(
        Weight::Regular,
        8.5,
        GREY,
        c,
        full,
        "SOCIALIST REPUBLIC OF VIET NAM — Independence - Freedom - Happiness",
    );

    col.gap(12.0 * MM);
    col.para(
        Weight::Bold,
        13.0,
        BLACK,
        c,
        full,
        "LỜI CHỨNG CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
    );
    col.para(
        Weight::Regular,
        9.0,
        GREY,
        c,
        full,
        "CERTIFICATION OF A COPY TRUE TO THE ORIGINAL",
    );

    col.gap(10.0 * MM);
    let l = Align::Left(left);
    let item = |col: &mut Column<'_, '_>, vi: &str, en: &str| {
        col.para(Weight::Regular, 11.5, BLACK, l, full, vi);
        col.gap(0.5);
        col.para(Weight::Regular, 9.0, GREY, l, full, en);
        col.gap(3.0 * MM);
    };
    item(
        &mut col,
        "Chứng thực bản sao này đúng với bản chính.",
        "Certified that this copy is true to the original.",
    );
    item(
        &mut col,
        &format!("Giấy tờ, văn bản: {}", s.document_name_vi),
        &format!("Document: {}", s.document_name_en),
    );
    let pages_en = if s.page_count == 1 { "page" } else { "pages" };
    item(
        &mut col,
        &format!("Bản sao gồm {} trang.", s.page_count),
        &format!("This copy consists of {} {pages_en}.", s.page_count),
    );
    item(&mut col, &s.register_vi, &s.register_en);

    // Signature block, centred on the right half.
    col.gap(4.0 * MM);
    let sx = Align::Center(w * 0.68);
    let half = w * 0.56 - 20.0 * MM;
    let d = s.date;
    col.para(
        Weight::Regular,
        11.5,
        BLACK,
        sx,
        half,
        &format!("{}, {}", s.place, date_vi(d)),
    );
    col.para(
        Weight::Regular,
        9.0,
        GREY,
        sx,
        half,
        &format!("{}, {}", s.place, date_en(d)),
    );
    col.gap(3.0 * MM);
    col.para(
        Weight::Bold,
        11.5,
        BLACK,
        sx,
        half,
        &s.center_name.to_uppercase(),
    );
    col.para(Weight::Regular, 9.0, GREY, sx, half, &s.center_name_en);
    col.gap(2.0 * MM);
    col.para(
        Weight::Bold,
        11.5,
        BLACK,
        sx,
        half,
        &s.signer_title.to_uppercase(),
    );
    col.para(
        Weight::Regular,
        9.0,
        GREY,
        sx,
        half,
        "(Đã ký số / Digitally signed)",
    );
    col.gap(12.0 * MM);
    col.para(Weight::Bold, 12.0, BLACK, sx, half, &s.signer_name);
    col.y
}

// ---------------------------------------------------------------------------------------
// Refusal slip (phiếu từ chối chứng thực)

/// Draws the refusal slip on an A4 page: header, title, the facts, the reasons with their
/// legal grounds, the citizen's right to complain, place/date and the issuing center.
pub(crate) fn draw_refusal(ctx: &Ctx<'_>, ops: &mut Vec<Op>, s: &crate::RefusalSlip) {
    // Dated in Vietnam (UTC+7), as the register is.
    let day = s
        .created
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
        .date();
    let (w, h) = A4;
    let left = 25.0 * MM;
    let avail = w - left - 20.0 * MM;
    let mut lines: Vec<Line> = Vec::new();
    let add = |lines: &mut Vec<Line>, weight, size, grey, gap, text: &str| {
        lines.extend(wrapped(ctx, weight, size, grey, gap, avail, text));
    };
    add(&mut lines, Weight::Bold, 10.0, BLACK, 0.0, &s.center_name);
    add(
        &mut lines,
        Weight::Regular,
        9.0,
        GREY,
        0.0,
        &s.center_name_en,
    );
    add(
        &mut lines,
        Weight::Bold,
        10.0,
        BLACK,
        6.0,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc",
    );
    add(
        &mut lines,
        Weight::Bold,
        15.0,
        BLACK,
        18.0,
        "PHIẾU TỪ CHỐI CHỨNG THỰC",
    );
    add(
        &mut lines,
        Weight::Regular,
        11.0,
        GREY,
        0.0,
        "Refusal to certify a copy",
    );
    add(
        &mut lines,
        Weight::Regular,
        10.5,
        BLACK,
        14.0,
        &format!("Mã hồ sơ / Case: {}", s.case_id),
    );
    add(
        &mut lines,
        Weight::Regular,
        10.5,
        BLACK,
        2.0,
        &format!("Giấy tờ / Document: {} / {}", s.document_vi, s.document_en),
    );
    add(
        &mut lines,
        Weight::Regular,
        10.5,
        BLACK,
        2.0,
        &format!("Tiếp nhận lúc / Received: {}", s.received),
    );
    add(
        &mut lines,
        Weight::Regular,
        10.5,
        BLACK,
        12.0,
        "Trung tâm từ chối chứng thực bản sao từ bản chính giấy tờ nêu trên vì lý do sau / The center refuses to certify a copy of the document above for the following reason(s):",
    );
    for r in &s.reasons {
        add(
            &mut lines,
            Weight::Bold,
            10.5,
            BLACK,
            8.0,
            &format!("• {}", r.text_vi),
        );
        add(
            &mut lines,
            Weight::Regular,
            10.0,
            GREY,
            0.0,
            &format!("  {}", r.text_en),
        );
        if let Some((vi, en)) = &r.legal_ground {
            add(
                &mut lines,
                Weight::Regular,
                10.0,
                BLACK,
                2.0,
                &format!("  Căn cứ / Legal ground: {vi}"),
            );
            add(
                &mut lines,
                Weight::Regular,
                9.5,
                GREY,
                0.0,
                &format!("  {en}"),
            );
        }
    }
    if let Some(note) = s.note.as_deref().filter(|n| !n.trim().is_empty()) {
        add(
            &mut lines,
            Weight::Regular,
            10.5,
            BLACK,
            10.0,
            &format!("Ghi chú / Note: {note}"),
        );
    }
    add(
        &mut lines,
        Weight::Regular,
        10.0,
        BLACK,
        14.0,
        "Bản chính đã được trả lại cho người yêu cầu. Người yêu cầu có quyền khiếu nại theo quy định của Luật Khiếu nại.",
    );
    add(
        &mut lines,
        Weight::Regular,
        9.5,
        GREY,
        0.0,
        "The original has been returned to the requester, who may lodge a complaint under the Law on Complaints.",
    );
    add(
        &mut lines,
        Weight::Regular,
        10.5,
        BLACK,
        18.0,
        &format!("{}, {}", s.place, date_vi(day)),
    );
    add(&mut lines, Weight::Regular, 9.5, GREY, 0.0, &date_en(day));
    add(&mut lines, Weight::Bold, 10.5, BLACK, 10.0, &s.decided_by);
    add(
        &mut lines,
        Weight::Regular,
        9.5,
        GREY,
        0.0,
        "Phiếu này được ký bằng con dấu điện tử của Trung tâm / This slip carries the center's electronic seal",
    );
    // Shrink uniformly if a long list of reasons would run off the page.
    let total: f32 = lines.iter().map(Line::height).sum();
    let room = h - 45.0 * MM;
    if total > room {
        let k = (room / total).max(0.5);
        for l in &mut lines {
            l.size *= k;
            l.gap *= k;
        }
    }
    draw_lines(ctx, ops, &lines, left, h - 25.0 * MM);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_module_and_side_bounds() {
        for width in [21, 41, 65, 73, 177] {
            let qr = QrMatrix {
                width,
                dark: vec![false; width * width],
            };
            assert!(qr_module(&qr) >= QR_MODULE_MIN - 1e-4);
            assert!(qr_side(&qr) >= QR_SIZE_MIN - 1e-3);
        }
        // Version 1 (21 modules + 8 quiet) is stretched to 30 mm.
        let qr = QrMatrix {
            width: 21,
            dark: vec![true; 21 * 21],
        };
        assert!((qr_side(&qr) - QR_SIZE_MIN).abs() < 1e-3);
    }

    #[test]
    fn qr_runs_become_one_rectangle_each() {
        let qr = QrMatrix {
            width: 4,
            dark: vec![
                true, true, false, true, //
                false, false, false, false, //
                true, true, true, true, //
                false, true, false, false,
            ],
        };
        let form = qr_form(&qr);
        let content = String::from_utf8(form.stream.content).unwrap();
        // quiet zone, then rows top-down (row 0 at y = 12 - 4 - 1 = 7)
        assert_eq!(
            content,
            "1 g 0 0 12 12 re f 0 g\n4 7 2 1 re\n7 7 1 1 re\n4 5 4 1 re\n5 4 1 1 re\nf\n"
        );
    }
}
