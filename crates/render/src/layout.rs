//! Page content: the identification band (QR as vectors, code, register number, page
//! number), the watermark and the certification statement page.

use printpdf::{
    Color, ExtendedGraphicsStateId, FontId, Greyscale, Op, PaintMode, PdfFontHandle, Point, Pt,
    Rect, Rgb, TextItem, TextMatrix, WindingOrder,
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
    fn face(&self, w: Weight) -> &Face {
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
    fn text(&self, ops: &mut Vec<Op>, w: Weight, size: f32, x: f32, y: f32, grey: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: grey_col(grey) },
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

fn fill_rect(ops: &mut Vec<Op>, x: f32, y: f32, w: f32, h: f32) {
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

/// Draws the QR with its lower-left quiet-zone corner at (x, y): a white square for the
/// quiet zone, then one black rectangle per horizontal run of dark modules.
fn draw_qr(ops: &mut Vec<Op>, qr: &QrMatrix, x: f32, y: f32) {
    let m = qr_module(qr);
    let side = qr_side(qr);
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetFillColor { col: grey_col(1.0) });
    fill_rect(ops, x, y, side, side);
    ops.push(Op::SetFillColor {
        col: grey_col(BLACK),
    });
    let x0 = x + QR_QUIET as f32 * m;
    let top = y + side - QR_QUIET as f32 * m;
    for (r, row) in qr.dark.chunks_exact(qr.width).enumerate() {
        let ry = top - (r + 1) as f32 * m;
        let mut c = 0;
        while c < qr.width {
            if !row[c] {
                c += 1;
                continue;
            }
            let start = c;
            while c < qr.width && row[c] {
                c += 1;
            }
            fill_rect(ops, x0 + start as f32 * m, ry, (c - start) as f32 * m, m);
        }
    }
    ops.push(Op::RestoreGraphicsState);
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

struct Line {
    weight: Weight,
    size: f32,
    grey: f32,
    text: String,
    /// Extra space above this line.
    gap: f32,
}

fn band_lines(ctx: &Ctx<'_>, t: &BandText) -> Vec<Line> {
    let r = |size, grey, gap, s: &str| Line {
        weight: Weight::Regular,
        size,
        grey,
        text: clean(&ctx.faces.regular, s),
        gap,
    };
    let b = |size, gap, s: &str| Line {
        weight: Weight::Bold,
        size,
        grey: BLACK,
        text: clean(&ctx.faces.bold, s),
        gap,
    };
    vec![
        b(7.5, 0.0, "BẢN SAO ĐIỆN TỬ CHỨNG THỰC TỪ BẢN CHÍNH"),
        r(6.5, GREY, 0.0, "Electronic copy certified from the original"),
        r(7.0, BLACK, 4.0, "Mã xác thực / Verification code:"),
        b(10.0, 0.0, &t.code),
        r(7.0, BLACK, 3.0, "Số chứng thực / Register number:"),
        b(9.0, 0.0, &t.register),
        r(7.0, BLACK, 3.0, &format!("Trang / Page {}/{}", t.page, t.pages)),
        r(
            6.5,
            GREY,
            3.0,
            "Quét mã QR để kiểm tra bản sao / Scan the QR code to verify this copy",
        ),
    ]
}

/// Fits every line into `avail` points; returns the block height and the smallest ratio of
/// fitted to nominal size of the code line.
fn fit_lines(ctx: &Ctx<'_>, lines: &mut [Line], avail: f32) -> (f32, f32) {
    let mut h = 0.0;
    let mut code_ratio = 1.0;
    for (k, l) in lines.iter_mut().enumerate() {
        let fitted = ctx.face(l.weight).fit(&l.text, l.size, avail);
        if k == 3 {
            code_ratio = fitted / l.size;
        }
        l.size = fitted;
        h += l.gap + l.size * 1.25;
    }
    (h, code_ratio)
}

/// How the band of a page of width `w` is laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Band {
    pub(crate) height: f32,
    stacked: bool,
}

fn margin(w: f32) -> f32 {
    (4.0 * MM).min(w * 0.05)
}

/// Chooses the band layout: QR at the left and the text beside it when the page is wide
/// enough for the code at ≥ 7 pt, otherwise the text under a centred QR.
pub(crate) fn band_for(ctx: &Ctx<'_>, qr: &QrMatrix, t: &BandText, w: f32) -> Band {
    let m = margin(w);
    let q = qr_side(qr);
    let mut lines = band_lines(ctx, t);
    let beside = w - 3.0 * m - q;
    let (h, ratio) = fit_lines(ctx, &mut lines, beside.max(1.0));
    if beside > 0.0 && ratio * 10.0 >= 7.0 {
        Band {
            height: BAND_MIN.max(q + 2.0 * m).max(h + 2.0 * m),
            stacked: false,
        }
    } else {
        let mut lines = band_lines(ctx, t);
        let (h, _) = fit_lines(ctx, &mut lines, w - 2.0 * m);
        Band {
            height: BAND_MIN.max(q + 3.0 * m + h + m),
            stacked: true,
        }
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
    let mut lines = band_lines(ctx, t);
    let (x, mut y, avail) = if band.stacked {
        let qx = (w - q) / 2.0;
        let qy = band.height - m - q;
        draw_qr(ops, qr, qx, qy);
        (m, qy - m, w - 2.0 * m)
    } else {
        let qy = (band.height - q) / 2.0;
        draw_qr(ops, qr, m, qy);
        (2.0 * m + q, band.height - m - 0.5 * MM, w - 3.0 * m - q)
    };
    fit_lines(ctx, &mut lines, avail);
    for l in &lines {
        y -= l.gap + l.size;
        ctx.text(ops, l.weight, l.size, x, y, l.grey, &l.text);
        y -= l.size * 0.25;
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
    ]);
    ops.push(Op::RestoreGraphicsState);
}

// ---------------------------------------------------------------------------------------
// Certification statement (lời chứng)

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
        let text = clean(face, text);
        for line in face.wrap(&text, size, avail) {
            self.y -= size;
            let x = match align {
                Align::Left(x) => x,
                Align::Center(cx) => cx - face.width(&line, size) / 2.0,
            };
            self.ctx.text(self.ops, w, size, x, self.y, grey, &line);
            self.y -= size * 0.35;
        }
    }

    fn gap(&mut self, pt: f32) {
        self.y -= pt;
    }
}

/// A4 portrait.
pub(crate) const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);

/// Draws the statement above `band_top` on an A4 page.
pub(crate) fn draw_statement(ctx: &Ctx<'_>, ops: &mut Vec<Op>, s: &Statement, band_top: f32) {
    let (w, h) = A4;
    let left = 25.0 * MM;
    let right = w - 20.0 * MM;
    let full = right - left;
    let mid = (left + right) / 2.0;
    let mut col = Column {
        ctx,
        ops,
        y: h - 18.0 * MM,
    };
    let c = Align::Center(mid);

    col.para(Weight::Bold, 12.5, BLACK, c, full, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    col.gap(1.0);
    col.para(Weight::Bold, 12.0, BLACK, c, full, "Độc lập - Tự do - Hạnh phúc");
    // The template underlines the motto.
    let motto = clean(&ctx.faces.bold, "Độc lập - Tự do - Hạnh phúc");
    let mw = ctx.faces.bold.width(&motto, 12.0);
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
        &format!(
            "{}, ngày {:02} tháng {:02} năm {:04}",
            s.place,
            d.day(),
            u8::from(d.month()),
            d.year()
        ),
    );
    col.para(
        Weight::Regular,
        9.0,
        GREY,
        sx,
        half,
        &format!(
            "{}, {} {} {:04}",
            s.place,
            d.day(),
            MONTHS_EN[usize::from(u8::from(d.month())).clamp(1, 12) - 1],
            d.year()
        ),
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
    debug_assert!(col.y > band_top, "statement overflows into the band");
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
        let mut ops = Vec::new();
        draw_qr(&mut ops, &qr, 0.0, 0.0);
        let rects = ops
            .iter()
            .filter(|o| matches!(o, Op::DrawRectangle { .. }))
            .count();
        // quiet zone + 2 + 0 + 1 + 1
        assert_eq!(rects, 5);
    }
}
