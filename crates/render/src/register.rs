//! The monthly register (sổ chứng thực bản sao từ bản chính) as a printable PDF for binding.
//!
//! A4 landscape. The first page opens with the center, the book and the month; every page
//! repeats the column heads and carries "Trang i/N" at its foot (the pages of a bound register
//! are numbered). The columns are those of the register of Circular 01/2020/TT-BTP that the
//! system of record holds: the certification number, the date, the copy's identification code,
//! the document certified, who signed (the agency seal and the co-signing officer) and a
//! remarks column (the copy's state and any cancellation decision). The requester's name and
//! the fee, which the paper form also has, are not recorded by truecopy and are left out.
//!
//! The register ends with the closing block ("Sổ này có N trang, … ghi M số chứng thực, từ số
//! … đến số …"), the place and date, and room for the head of the center's signature and seal.
//!
//! The output is unsigned, with a classic cross-reference table, so the agency seal can be
//! appended as an incremental update like on a copy.

use lopdf::{Object, StringFormat};
use printpdf::{ExtendedGraphicsState, Op, PdfDocument};
use time::OffsetDateTime;

use crate::fonts::clean;
use crate::layout::{Ctx, MM, Weight, date_vi, fill_rect};
use crate::{RenderError, finish_document, page, save_pdf};

/// Most lines one register PDF takes (a month of a very busy center stays far below).
pub const MAX_REGISTER_ROWS: usize = 100_000;

/// What the register of one month prints.
#[derive(Debug, Clone)]
pub struct RegisterBook {
    /// Certifying authority, e.g. "Trung tâm Phục vụ hành chính công thành phố Hà Nội".
    pub center_name: String,
    /// Place printed with the closing date, e.g. "Hà Nội".
    pub place: String,
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// The book(s), as printed: `01/2026-SCT/BS`.
    pub book: String,
    /// The lines, in register-number order.
    pub rows: Vec<RegisterRow>,
    /// When the register was printed: the closing date (its date in Vietnam) and the PDF dates.
    pub created: OffsetDateTime,
}

/// One line of the register, already worded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    /// The certification number, e.g. `000123`.
    pub number: String,
    /// Date of certification, e.g. `05/11/2026`.
    pub date: String,
    /// The identification code, grouped.
    pub code: String,
    /// The document certified, e.g. "Căn cước công dân".
    pub document: String,
    /// Who signed, e.g. "Con dấu: Trung tâm …; ký: Chuyên viên Nguyễn Văn An".
    pub signers: String,
    /// State and remarks, e.g. "Đã hủy (QĐ số 12/QĐ-TTPVHCC)".
    pub remarks: String,
}

const PAGE: (f32, f32) = (297.0 * MM, 210.0 * MM);
const MARGIN: f32 = 15.0 * MM;
const FOOT: f32 = 9.0 * MM;
const SIZE: f32 = 8.5;
const PAD_X: f32 = 1.5 * MM;
const PAD_Y: f32 = 1.2 * MM;
const RULE: f32 = 0.5;
/// Longest cell, in lines (longer text is cut with "…"; the record keeps it whole).
const MAX_CELL_LINES: usize = 8;
const CLOSING_HEIGHT: f32 = 62.0 * MM;

/// Column heads and widths (mm); the last takes what is left.
const COLUMNS: [(&str, f32); 6] = [
    ("Số chứng thực", 21.0),
    ("Ngày chứng thực", 24.0),
    ("Mã định danh bản sao", 58.0),
    ("Tên giấy tờ, văn bản", 45.0),
    ("Người ký chứng thực", 70.0),
    ("Tình trạng, ghi chú", 0.0),
];

fn widths() -> [f32; 6] {
    let usable = PAGE.0 - 2.0 * MARGIN;
    let mut w = COLUMNS.map(|(_, mm)| mm * MM);
    let used: f32 = w[..5].iter().sum();
    w[5] = usable - used;
    w
}

/// A row laid out: the lines of each cell and the row's height.
struct Laid {
    cells: Vec<(Weight, f32, Vec<String>)>,
    height: f32,
}

fn lay_cells(ctx: &Ctx<'_>, weight: Weight, texts: [&str; 6], single_line_code: bool) -> Laid {
    let w = widths();
    let mut cells = Vec::with_capacity(6);
    let mut lines_max = 1usize;
    for (k, text) in texts.iter().enumerate() {
        let face = ctx.face(weight);
        let avail = w[k] - 2.0 * PAD_X;
        let text = clean(face, text);
        // The code stays on one line (shrunk if needed), so it can be read and searched whole.
        if k == 2 && single_line_code {
            let width = face.width(&text, 1.0);
            let size = if width > 0.0 {
                SIZE.min(avail / width)
            } else {
                SIZE
            };
            cells.push((weight, size, vec![text]));
            continue;
        }
        let mut lines = face.wrap(&text, SIZE, avail);
        if lines.len() > MAX_CELL_LINES {
            lines.truncate(MAX_CELL_LINES);
            if let Some(last) = lines.last_mut() {
                last.push('…');
            }
        }
        lines_max = lines_max.max(lines.len());
        cells.push((weight, SIZE, lines));
    }
    Laid {
        cells,
        height: lines_max as f32 * SIZE * 1.25 + 2.0 * PAD_Y,
    }
}

/// Draws one table row with its top at `top`; returns its bottom.
fn draw_row(ctx: &Ctx<'_>, ops: &mut Vec<Op>, row: &Laid, top: f32) -> f32 {
    let w = widths();
    let bottom = top - row.height;
    let mut x = MARGIN;
    for (k, (weight, size, lines)) in row.cells.iter().enumerate() {
        let mut y = top - PAD_Y;
        for line in lines {
            y -= SIZE;
            ctx.text(ops, *weight, *size, (x + PAD_X, y), 0.0, line);
            y -= SIZE * 0.25;
        }
        // Left rule of this cell.
        fill_rect(ops, x - RULE / 2.0, bottom, RULE, row.height);
        x += w[k];
    }
    fill_rect(ops, x - RULE / 2.0, bottom, RULE, row.height);
    fill_rect(ops, MARGIN, top - RULE / 2.0, x - MARGIN, RULE);
    fill_rect(ops, MARGIN, bottom - RULE / 2.0, x - MARGIN, RULE);
    bottom
}

/// Writes `text` centred on the page at baseline `y`.
fn centred(ctx: &Ctx<'_>, ops: &mut Vec<Op>, weight: Weight, size: f32, y: f32, text: &str) {
    let face = ctx.face(weight);
    let text = clean(face, text);
    let x = (PAGE.0 - face.width(&text, size)) / 2.0;
    ctx.text(ops, weight, size, (x.max(MARGIN), y), 0.0, &text);
}

/// Validates the book before anything is drawn.
fn validate(b: &RegisterBook) -> Result<(), RenderError> {
    if !(1..=12).contains(&b.month) {
        return Err(RenderError::InvalidField {
            field: "register.month",
            reason: "a month is 1 to 12",
        });
    }
    if b.center_name.trim().is_empty() {
        return Err(RenderError::InvalidField {
            field: "register.center_name",
            reason: "empty",
        });
    }
    if b.book.trim().is_empty() {
        return Err(RenderError::InvalidField {
            field: "register.book",
            reason: "empty",
        });
    }
    if b.rows.len() > MAX_REGISTER_ROWS {
        return Err(RenderError::InvalidField {
            field: "register.rows",
            reason: "too many lines for one register PDF",
        });
    }
    Ok(())
}

/// Where each page's rows go: the first page has the title block, the closing block goes
/// after the last row (on a page of its own if it does not fit).
fn paginate(heights: &[f32], first_top: f32, other_top: f32) -> Vec<Vec<usize>> {
    let floor = FOOT + 6.0 * MM;
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut y = first_top;
    for (i, h) in heights.iter().enumerate() {
        let fresh = pages.last().is_some_and(Vec::is_empty);
        if y - h < floor && !fresh {
            pages.push(Vec::new());
            y = other_top;
        }
        y -= h;
        if let Some(p) = pages.last_mut() {
            p.push(i);
        }
    }
    if y - CLOSING_HEIGHT < floor {
        pages.push(Vec::new());
    }
    pages
}

/// Renders the unsigned PDF of the month's register. See the module documentation.
pub fn render_register(b: &RegisterBook) -> Result<Vec<u8>, RenderError> {
    validate(b)?;
    let faces = crate::fonts::faces().map_err(RenderError::Pdf)?;
    let title = format!(
        "Sổ chứng thực bản sao từ bản chính — quyển số {} — tháng {:02}/{}",
        b.book, b.month, b.year
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
    let (pw, ph) = PAGE;

    let head = lay_cells(&ctx, Weight::Bold, COLUMNS.map(|(h, _)| h), false);
    let rows: Vec<Laid> = b
        .rows
        .iter()
        .map(|r| {
            lay_cells(
                &ctx,
                Weight::Regular,
                [
                    &r.number,
                    &r.date,
                    &r.code,
                    &r.document,
                    &r.signers,
                    &r.remarks,
                ],
                true,
            )
        })
        .collect();
    let empty_note = (b.rows.is_empty()).then(|| {
        lay_cells(
            &ctx,
            Weight::Regular,
            [
                "—",
                "—",
                "Không có bản sao nào được chứng thực trong tháng",
                "",
                "",
                "",
            ],
            false,
        )
    });
    let first_top = ph - MARGIN - 30.0 * MM - head.height;
    let other_top = ph - MARGIN - 6.0 * MM - head.height;
    let heights: Vec<f32> = match &empty_note {
        Some(n) => vec![n.height],
        None => rows.iter().map(|r| r.height).collect(),
    };
    let plan = paginate(&heights, first_top, other_top);
    let n_pages = plan.len();

    let month_vi = format!("Tháng {:02} năm {}", b.month, b.year);
    let mut pages = Vec::with_capacity(n_pages);
    for (p, indices) in plan.iter().enumerate() {
        let mut ops = Vec::new();
        let mut y;
        if p == 0 {
            let face = &faces.bold;
            let name = clean(face, &b.center_name);
            ctx.text(
                &mut ops,
                Weight::Bold,
                10.0,
                (MARGIN, ph - MARGIN - 10.0),
                0.0,
                &name,
            );
            let rep = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
            let motto = "Độc lập - Tự do - Hạnh phúc";
            for (k, t) in [rep, motto].iter().enumerate() {
                let w = face.width(t, 10.0);
                ctx.text(
                    &mut ops,
                    Weight::Bold,
                    10.0,
                    (pw - MARGIN - w, ph - MARGIN - 10.0 - 13.0 * k as f32),
                    0.0,
                    t,
                );
            }
            centred(
                &ctx,
                &mut ops,
                Weight::Bold,
                15.0,
                ph - MARGIN - 17.0 * MM,
                "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
            );
            centred(
                &ctx,
                &mut ops,
                Weight::Regular,
                11.0,
                ph - MARGIN - 23.5 * MM,
                &format!("Quyển số: {} — {month_vi}", b.book),
            );
            y = ph - MARGIN - 30.0 * MM;
        } else {
            let line = clean(
                &faces.regular,
                &format!(
                    "{} — Sổ chứng thực bản sao từ bản chính, quyển số {}, {}",
                    b.center_name,
                    b.book,
                    month_vi.to_lowercase()
                ),
            );
            ctx.text(
                &mut ops,
                Weight::Regular,
                8.0,
                (MARGIN, ph - MARGIN - 8.0),
                0.35,
                &line,
            );
            y = ph - MARGIN - 6.0 * MM;
        }
        let has_table = !indices.is_empty();
        if has_table {
            y = draw_row(&ctx, &mut ops, &head, y);
            for &i in indices {
                let row = match &empty_note {
                    Some(n) => n,
                    None => &rows[i],
                };
                y = draw_row(&ctx, &mut ops, row, y);
            }
        }
        if p + 1 == n_pages {
            draw_closing(&ctx, &mut ops, b, n_pages, y - 8.0 * MM);
        }
        centred(
            &ctx,
            &mut ops,
            Weight::Regular,
            8.0,
            FOOT,
            &format!("Trang {}/{}", p + 1, n_pages),
        );
        pages.push(page(pw, ph, ops));
    }
    doc.pages = pages;

    let mut pdf = finish_document(&doc, &title, b.created);
    if let Ok(root) = pdf.trailer.get(b"Root").and_then(Object::as_reference)
        && let Ok(catalog) = pdf.get_dictionary_mut(root)
    {
        catalog.set(
            "Lang",
            Object::String(b"vi-VN".to_vec(), StringFormat::Literal),
        );
    }
    save_pdf(&mut pdf, Vec::new())
}

/// The closing statement of the register (khóa sổ), with its top at `top`.
fn draw_closing(ctx: &Ctx<'_>, ops: &mut Vec<Op>, b: &RegisterBook, n_pages: usize, top: f32) {
    let m = b.rows.len();
    let range = match (b.rows.first(), b.rows.last()) {
        (Some(f), Some(l)) => format!(", từ số {} đến số {}", f.number, l.number),
        _ => String::new(),
    };
    let statement = format!(
        "Sổ này có {n_pages} trang, được đánh số thứ tự từ trang 01 đến trang {n_pages:02}, \
         ghi {m} số chứng thực{range} trong tháng {:02} năm {}.",
        b.month, b.year
    );
    let face = &ctx.faces.regular;
    let avail = PAGE.0 - 2.0 * MARGIN;
    let mut y = top;
    for line in face.wrap(&clean(face, &statement), 10.5, avail) {
        y -= 10.5;
        ctx.text(ops, Weight::Regular, 10.5, (MARGIN, y), 0.0, &line);
        y -= 4.0;
    }
    let day = b
        .created
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC))
        .date();
    let right_centre = PAGE.0 - MARGIN - 55.0 * MM;
    let mut at_right = |y: &mut f32, weight: Weight, size: f32, text: &str| {
        let f = ctx.face(weight);
        let t = clean(f, text);
        *y -= size + 3.0;
        ctx.text(
            ops,
            weight,
            size,
            (right_centre - f.width(&t, size) / 2.0, *y),
            0.0,
            &t,
        );
    };
    y -= 6.0 * MM;
    at_right(
        &mut y,
        Weight::Regular,
        10.5,
        &format!("{}, {}", b.place, date_vi(day)),
    );
    at_right(
        &mut y,
        Weight::Bold,
        10.5,
        "NGƯỜI ĐỨNG ĐẦU CƠ QUAN THỰC HIỆN CHỨNG THỰC",
    );
    at_right(
        &mut y,
        Weight::Regular,
        9.5,
        "(Ký, ghi rõ họ tên và đóng dấu)",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize) -> RegisterRow {
        RegisterRow {
            number: format!("{i:06}"),
            date: "05/11/2026".into(),
            code: "7K3M-QX2D-94HA-TR3W-E6BN-VP0C".into(),
            document: "Căn cước công dân".into(),
            signers: "Con dấu: Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            remarks: "Còn hiệu lực".into(),
        }
    }

    fn book(n: usize) -> RegisterBook {
        RegisterBook {
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            place: "Hà Nội".into(),
            year: 2026,
            month: 11,
            book: "01/2026-SCT/BS".into(),
            rows: (1..=n).map(row).collect(),
            created: time::macros::datetime!(2026-12-01 09:00 +07:00),
        }
    }

    fn page_count(pdf: &[u8]) -> usize {
        lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
    }

    #[test]
    fn pages_grow_with_rows_and_closing_block_fits() {
        let few = render_register(&book(3)).unwrap();
        let many = render_register(&book(120)).unwrap();
        assert_eq!(page_count(&few), 1);
        assert!(page_count(&many) > 3, "{}", page_count(&many));
        assert!(few.windows(4).any(|w| w == b"xref"), "classic xref table");
        assert!(few.windows(9).all(|w| w != b"/XRefStm "));
    }

    #[test]
    fn pagination_keeps_every_row_once_and_closing_last() {
        let heights = vec![20.0; 200];
        let plan = paginate(&heights, 400.0, 480.0);
        let all: Vec<usize> = plan.iter().flatten().copied().collect();
        assert_eq!(all, (0..200).collect::<Vec<_>>());
        // The closing block never shares a page that would push it under the footer.
        let plan = paginate(&[300.0], 400.0, 480.0);
        assert_eq!(plan, vec![vec![0], vec![]]);
    }

    /// The text as a reader extracts it, and the structure as qpdf checks it.
    #[test]
    fn text_is_extractable_and_structure_is_clean() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.pdf");
        std::fs::write(&path, render_register(&book(40)).unwrap()).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-layout".as_ref(), path.as_os_str(), "-".as_ref()])
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in [
            "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
            "Quyển số: 01/2026-SCT/BS",
            "000001",
            "000040",
            "7K3M-QX2D-94HA-TR3W-E6BN-VP0C",
            "Căn cước công dân",
            "Trang 1/",
            "ghi 40 số chứng thực, từ số 000001 đến số 000040",
        ] {
            assert!(text.contains(needle), "{needle:?} not in:\n{text}");
        }
        let q = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf is installed");
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stdout));
    }

    #[test]
    fn empty_month_renders_one_page() {
        let pdf = render_register(&book(0)).unwrap();
        assert_eq!(page_count(&pdf), 1);
    }

    #[test]
    fn bad_books_are_refused() {
        let mut b = book(1);
        b.month = 13;
        assert!(matches!(
            render_register(&b),
            Err(RenderError::InvalidField {
                field: "register.month",
                ..
            })
        ));
        let mut b = book(1);
        b.book = " ".into();
        assert!(render_register(&b).is_err());
    }
}
