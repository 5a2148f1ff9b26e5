//! End-to-end checks of the rendered PDF with independent tools (poppler-utils, qpdf, zbar).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{CODE_COMPACT, CODE_GROUPED, REGISTER};
use truecopy_render::{PageImage, RenderError, render_copy};

const MM: f64 = 72.0 / 25.4;

struct Rendered {
    _dir: tempfile::TempDir,
    pdf_path: PathBuf,
    pdf: Vec<u8>,
    a4: Vec<u8>,
    card: Vec<u8>,
}

/// The 2-page specimen, rendered once for all the tests in this file.
fn rendered() -> &'static Rendered {
    static R: OnceLock<Rendered> = OnceLock::new();
    R.get_or_init(|| {
        let (input, a4, card) = common::two_page_input();
        let pdf = render_copy(&input).expect("render");
        if let Ok(keep) = std::env::var("RENDER_TEST_KEEP_PDF") {
            std::fs::write(keep, &pdf).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let pdf_path = dir.path().join("copy.pdf");
        std::fs::write(&pdf_path, &pdf).unwrap();
        Rendered {
            _dir: dir,
            pdf_path,
            pdf,
            a4,
            card,
        }
    })
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The whole JPEG file appears verbatim in the PDF.
fn contains_verbatim(pdf: &[u8], jpeg: &[u8]) -> bool {
    let head = &jpeg[..64];
    let mut from = 0;
    while let Some(k) = find(&pdf[from..], head) {
        let at = from + k;
        if pdf.get(at..at + jpeg.len()) == Some(jpeg) {
            return true;
        }
        from = at + 1;
    }
    false
}

#[test]
fn qpdf_check_is_clean_and_xref_is_classic() {
    let r = rendered();
    let out = run("qpdf", &["--check", p(&r.pdf_path)]);
    assert!(
        out.contains("No syntax or stream encoding errors found"),
        "{out}"
    );
    let tail = String::from_utf8_lossy(&r.pdf[r.pdf.len() - 2048..]).into_owned();
    assert!(tail.contains("\ntrailer"), "no classic trailer: {tail}");
    assert!(tail.contains("startxref"));
    assert!(tail.trim_end().ends_with("%%EOF"));
    assert!(find(&r.pdf, b"\nxref\n").is_some(), "no classic xref table");
    assert!(find(&r.pdf, b"/ObjStm").is_none(), "object streams");
    assert!(find(&r.pdf, b"/XRef").is_none(), "xref stream");
    assert!(r.pdf.starts_with(b"%PDF-1.7"));
}

#[test]
fn scans_are_embedded_as_the_original_jpegs() {
    let r = rendered();
    assert!(contains_verbatim(&r.pdf, &r.a4), "A4 JPEG not verbatim");
    assert!(
        contains_verbatim(&r.pdf, &r.card),
        "ID card JPEG not verbatim"
    );

    let list = run("pdfimages", &["-list", p(&r.pdf_path)]);
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{list}");
    for (row, (page, w, h)) in rows
        .iter()
        .zip([("1", "2480", "3508"), ("2", "1011", "638")])
    {
        assert_eq!(row[0], page, "{list}");
        assert_eq!(row[2], "image");
        assert_eq!((row[3], row[4]), (w, h), "{list}");
        assert_eq!(row[5], "rgb");
        assert_eq!(row[8], "jpeg", "{list}");
        for ppi in [row[12], row[13]] {
            let ppi: f64 = ppi.parse().unwrap();
            assert!((299.0..=301.0).contains(&ppi), "ppi {ppi}: {list}");
        }
    }
}

#[test]
fn overhead_is_small() {
    let r = rendered();
    let overhead = r.pdf.len() - r.a4.len() - r.card.len();
    eprintln!(
        "PDF {} bytes, scans {} + {} bytes, overhead {} bytes",
        r.pdf.len(),
        r.a4.len(),
        r.card.len(),
        overhead
    );
    assert!(overhead < 100 * 1024, "overhead {overhead} bytes");
}

#[test]
fn fonts_are_embedded() {
    let r = rendered();
    let out = run("pdffonts", &[p(&r.pdf_path)]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{out}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].contains("TruecopySans"), "{out}");
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "not embedded: {out}");
        assert_eq!(cols[n - 3], "yes", "no ToUnicode: {out}");
    }
}

#[test]
fn text_is_extractable() {
    let r = rendered();
    let text = run("pdftotext", &["-enc", "UTF-8", p(&r.pdf_path), "-"]);
    for needle in [
        "Chứng thực bản sao này đúng với bản chính",
        "Certified that this copy is true to the original.",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "LỜI CHỨNG CHỨNG THỰC BẢN SAO ĐÚNG VỚI BẢN CHÍNH",
        "Hà Nội, ngày 05 tháng 03 năm 2026",
        "Số chứng thực: 000123, quyển số: 01/2026-SCT/BS",
        "Nguyễn Thị Thu Hương",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "Bản sao gồm 3 trang.",
        CODE_GROUPED,
        REGISTER,
        "TTPVHCC",
        "Trang / Page 1/3",
        "Trang / Page 3/3",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // Per page: the code and the register number are on every page.
    for page in ["1", "2", "3"] {
        let t = run(
            "pdftotext",
            &["-f", page, "-l", page, "-enc", "UTF-8", p(&r.pdf_path), "-"],
        );
        assert!(t.contains(CODE_GROUPED), "page {page}: {t}");
        assert!(t.contains(REGISTER), "page {page}: {t}");
        assert!(t.contains("TTPVHCC"), "page {page}: {t}");
    }
}

/// (width, height) in points of pages 1..=3 according to pdfinfo.
fn page_sizes(path: &Path) -> Vec<(f64, f64)> {
    let info = run("pdfinfo", &["-f", "1", "-l", "3", p(path)]);
    info.lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| {
            let v: Vec<&str> = l.split_whitespace().collect();
            // Page    1 size: 595.2 x 969.8 pts
            (v[3].parse().unwrap(), v[5].parse().unwrap())
        })
        .collect()
}

#[test]
fn pages_have_the_scans_true_size_plus_the_band() {
    let r = rendered();
    let sizes = page_sizes(&r.pdf_path);
    assert_eq!(sizes.len(), 3);
    for ((w, h), (px_w, px_h)) in sizes.iter().zip([(2480.0, 3508.0), (1011.0, 638.0)]) {
        let (sw, sh) = (px_w / 300.0 * 72.0, px_h / 300.0 * 72.0);
        assert!((w - sw).abs() < 0.1, "width {w} vs scan {sw}");
        let band = h - sh;
        assert!(
            (45.0 * MM - 0.1..=80.0 * MM).contains(&band),
            "band {} mm",
            band / MM
        );
    }
    let (w, h) = sizes[2];
    assert!(
        (w - 595.28).abs() < 0.1 && (h - 841.89).abs() < 0.1,
        "{w} x {h}"
    );
    assert_eq!(pdfinfo(&["-isodates", p(&r.pdf_path)])["Pages"], "3");
}

#[test]
fn info_dictionary() {
    let r = rendered();
    let kw = format!("/Keywords (truecopy-code:{CODE_COMPACT} truecopy-register:{REGISTER})");
    assert!(find(&r.pdf, kw.as_bytes()).is_some(), "no {kw}");
    let info = pdfinfo(&["-isodates", p(&r.pdf_path)]);
    for (key, value) in [
        ("Producer", "truecopy"),
        ("Title", "Bản sao chứng thực 000123/Q01/2026-SCT/BS"),
        ("Subject", "Bản sao điện tử chứng thực từ bản chính"),
        ("CreationDate", "2026-03-05T09:41:27+07"),
        ("ModDate", "2026-03-05T09:41:27+07"),
        (
            "Keywords",
            "truecopy-code:7K3MQX2D94HATR3WE6BNVP0C truecopy-register:000123/Q01/2026-SCT/BS",
        ),
        ("PDF version", "1.7"),
    ] {
        assert_eq!(
            info.get(key).map(String::as_str),
            Some(value),
            "{key}: {info:?}"
        );
    }
}

fn pdfinfo(args: &[&str]) -> std::collections::HashMap<String, String> {
    run("pdfinfo", args)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn zbar_page(r: &Rendered, page: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            page,
            "-l",
            page,
            "-singlefile",
            p(&r.pdf_path),
            p(&prefix),
        ],
    );
    let png = dir.path().join("p.png");
    run("zbarimg", &["--raw", "-q", p(&png)])
}

#[test]
fn qr_decodes_at_150_dpi_on_first_and_statement_pages() {
    let r = rendered();
    let want = common::qr_text();
    for page in ["1", "2", "3"] {
        let got = zbar_page(r, page);
        assert_eq!(got.trim_end_matches('\n'), want, "page {page}");
    }
}

#[test]
fn bad_inputs_are_refused_with_the_right_error() {
    let (good_a4, _) = (
        common::jpeg(&common::scan_rgb(400, 300, 3), Some(300), 80),
        (),
    );
    let with = |bytes: Vec<u8>, dpi: Option<f32>| {
        render_copy(&common::input(vec![PageImage { bytes, dpi }])).unwrap_err()
    };

    let e = with(Vec::new(), None);
    assert!(matches!(e, RenderError::EmptyImage { page: 1 }), "{e}");

    let e = with(good_a4[..20].to_vec(), None);
    assert!(
        matches!(
            e,
            RenderError::CorruptImage {
                page: 1,
                format: "JPEG",
                ..
            }
        ),
        "{e}"
    );

    let e = with(good_a4[..good_a4.len() / 2].to_vec(), None);
    assert!(
        matches!(
            e,
            RenderError::CorruptImage {
                page: 1,
                format: "JPEG",
                ..
            }
        ),
        "{e}"
    );

    let e = with(b"Xin chao, day khong phai la anh.\n".to_vec(), None);
    assert!(matches!(e, RenderError::NotAnImage { page: 1 }), "{e}");

    let low = common::jpeg(&common::scan_rgb(827, 1169, 4), Some(100), 80);
    let e = with(low.clone(), None);
    assert!(
        matches!(e, RenderError::ResolutionTooLow { page: 1, dpi } if dpi == 100.0),
        "{e}"
    );
    assert!(e.to_string().contains("200 dpi"), "{e}");
    // The caller may say what the file does not (or says wrongly).
    assert!(
        render_copy(&common::input(vec![PageImage {
            bytes: low,
            dpi: Some(300.0)
        }]))
        .is_ok()
    );
    let e = with(good_a4.clone(), Some(150.0));
    assert!(matches!(e, RenderError::ResolutionTooLow { .. }), "{e}");

    // The second page is the bad one.
    let e = render_copy(&common::input(vec![
        PageImage {
            bytes: good_a4.clone(),
            dpi: None,
        },
        PageImage {
            bytes: b"%PDF-1.4".to_vec(),
            dpi: None,
        },
    ]))
    .unwrap_err();
    assert!(matches!(e, RenderError::NotAnImage { page: 2 }), "{e}");

    let e = render_copy(&common::input(Vec::new())).unwrap_err();
    assert!(matches!(e, RenderError::NoPages), "{e}");
    let many = vec![
        PageImage {
            bytes: good_a4.clone(),
            dpi: None
        };
        51
    ];
    let e = render_copy(&common::input(many)).unwrap_err();
    assert!(matches!(e, RenderError::TooManyPages(51)), "{e}");

    let mut inp = common::input(vec![PageImage {
        bytes: good_a4.clone(),
        dpi: None,
    }]);
    inp.qr.dark.pop();
    assert!(matches!(
        render_copy(&inp).unwrap_err(),
        RenderError::InvalidQr(_)
    ));
    let mut inp = common::input(vec![PageImage {
        bytes: good_a4,
        dpi: None,
    }]);
    inp.code_compact = "7K3M QX2D".into();
    assert!(matches!(
        render_copy(&inp).unwrap_err(),
        RenderError::InvalidField {
            field: "code_compact",
            ..
        }
    ));
}

#[test]
fn every_truncation_of_a_jpeg_is_an_error_not_a_panic() {
    let j = common::jpeg(&common::scan_rgb(64, 48, 5), Some(300), 80);
    for cut in (0..j.len() - 1).step_by(7) {
        let r = render_copy(&common::input(vec![PageImage {
            bytes: j[..cut].to_vec(),
            dpi: None,
        }]));
        assert!(r.is_err(), "cut at {cut} of {}", j.len());
    }
}

#[test]
fn density_sources() {
    use truecopy_render::{DensitySource, scan_info};
    let img = common::scan_rgb(600, 400, 6);
    let none = common::jpeg(&img, None, 80);
    let i = scan_info(&PageImage {
        bytes: none.clone(),
        dpi: None,
    })
    .unwrap();
    assert_eq!(i.density_source, DensitySource::Assumed);
    assert_eq!((i.dpi_x, i.dpi_y), (300.0, 300.0));
    let i = scan_info(&PageImage {
        bytes: none,
        dpi: Some(600.0),
    })
    .unwrap();
    assert_eq!(i.density_source, DensitySource::Caller);
    assert!((i.width_mm - 25.4).abs() < 1e-3);
    let i = scan_info(&PageImage {
        bytes: common::jpeg(&img, Some(400), 80),
        dpi: None,
    })
    .unwrap();
    assert_eq!(i.density_source, DensitySource::Jfif);
    assert_eq!(i.dpi_x, 400.0);
}

/// Inserts an Exif APP1 segment with the given orientation after the JFIF APP0.
fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let app0_len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    let split = 4 + app0_len;
    let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend_from_slice(&tiff);
    let mut out = jpeg[..split].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(seg.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&seg);
    out.extend_from_slice(&jpeg[split..]);
    out
}

#[test]
fn exif_orientation_turns_the_page_without_touching_the_jpeg() {
    // 1800×900 at 300 dpi (6 × 3 in), a red block in the stored top-left corner.
    let mut img = image::RgbImage::from_pixel(1800, 900, image::Rgb([255, 255, 255]));
    for y in 0..150 {
        for x in 0..300 {
            img.put_pixel(x, y, image::Rgb([220, 0, 0]));
        }
    }
    let base = common::jpeg(&img, Some(300), 90);
    let is_red = |p: [u8; 3]| p[0] > 180 && p[1] < 60 && p[2] < 60;
    // (orientation, shown width and height in points, a point that must be red, one not)
    for (o, (w, h), red, white) in [
        (1, (432.0, 216.0), (5, 5), (425, 5)),
        (3, (432.0, 216.0), (425, 210), (5, 5)),
        (6, (216.0, 432.0), (210, 5), (5, 5)),
        (8, (216.0, 432.0), (5, 425), (5, 5)),
    ] {
        let jpeg = with_exif_orientation(&base, o);
        let pdf = render_copy(&common::input(vec![PageImage {
            bytes: jpeg.clone(),
            dpi: None,
        }]))
        .unwrap();
        assert!(contains_verbatim(&pdf, &jpeg));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let (pw, ph) = page_sizes(&path)[0];
        assert!((pw - w).abs() < 0.1, "orientation {o}: width {pw}");
        assert!(ph - h >= 45.0 * MM - 0.1, "orientation {o}: height {ph}");
        let prefix = dir.path().join("o");
        run(
            "pdftoppm",
            &[
                "-r",
                "72",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                p(&path),
                p(&prefix),
            ],
        );
        let raster = image::open(dir.path().join("o.png")).unwrap().to_rgb8();
        let px = |(x, y): (u32, u32)| raster.get_pixel(x, y).0;
        assert!(is_red(px(red)), "orientation {o}: {:?} at {red:?}", px(red));
        assert!(
            !is_red(px(white)),
            "orientation {o}: {:?} at {white:?}",
            px(white)
        );
    }
}

#[test]
fn long_fields_still_fit_above_the_band() {
    let (mut input, _, _) = common::two_page_input();
    input.pages.truncate(1);
    let long = |unit: &str, n: usize| unit.repeat(n).chars().take(n).collect::<String>();
    let s = &mut input.statement;
    s.center_name = long("Trung tâm Phục vụ hành chính công ", 160);
    s.center_name_en = long("Public Administrative Service Centre ", 160);
    s.document_name_vi = long("Giấy chứng nhận quyền sử dụng đất ", 200);
    s.document_name_en = long("Certificate of land use rights ", 200);
    s.register_vi = long("Số chứng thực: 000123, quyển số: 01/2026-SCT/BS ", 200);
    s.register_en = long("Certification No. 000123, book 01/2026-SCT/BS ", 200);
    s.signer_title = long("Phó Giám đốc phụ trách ", 100);
    s.signer_name = "Tôn Nữ Thị Hoàng Phương Nguyễn Ngọc Bảo".into();
    let pdf = render_copy(&input).unwrap();
    if let Ok(keep) = std::env::var("RENDER_TEST_KEEP_LONG_PDF") {
        std::fs::write(keep, &pdf).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.pdf");
    std::fs::write(&path, &pdf).unwrap();
    assert!(run("qpdf", &["--check", p(&path)]).contains("No syntax or stream encoding errors"));
    // Words with their boxes (origin top-left) on the statement page.
    let html = run("pdftotext", &["-f", "2", "-l", "2", "-bbox", p(&path), "-"]);
    let words: Vec<(String, f64, f64)> = html
        .lines()
        .filter(|l| l.contains("<word "))
        .map(|l| {
            let attr = |name: &str| -> f64 {
                let at = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[at..].split('"').next().unwrap().parse().unwrap()
            };
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            (text.to_owned(), attr("yMin"), attr("yMax"))
        })
        .collect();
    let signer_bottom = words
        .iter()
        .filter(|(t, _, _)| t == "Bảo")
        .map(|w| w.2)
        .fold(0.0, f64::max);
    let band_top = words
        .iter()
        .filter(|(t, _, _)| t == "Trang")
        .map(|w| w.1)
        .fold(f64::MAX, f64::min);
    assert!(signer_bottom > 0.0 && band_top < f64::MAX, "{html}");
    // The band's first line is about 11 pt above "Trang"; the separator rule sits above it.
    assert!(
        signer_bottom + 40.0 < band_top,
        "signer {signer_bottom}, band {band_top}"
    );
}

#[test]
fn mutated_files_never_panic() {
    let jpeg = common::jpeg(&common::scan_rgb(96, 64, 7), Some(300), 80);
    let mut png_file = Vec::new();
    image::RgbImage::from_pixel(96, 64, image::Rgb([10, 20, 30]))
        .write_to(
            &mut std::io::Cursor::new(&mut png_file),
            image::ImageFormat::Png,
        )
        .unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut ok, mut err) = (0, 0);
    for base in [&jpeg, &png_file] {
        for _ in 0..150 {
            let mut b = base.clone();
            for _ in 0..1 + next() % 4 {
                // Mostly in the headers, where the parser looks.
                let at =
                    (next() as usize) % b.len().min(if next() % 4 == 0 { usize::MAX } else { 400 });
                b[at] = next() as u8;
            }
            match render_copy(&common::input(vec![PageImage {
                bytes: b,
                dpi: None,
            }])) {
                Ok(_) => ok += 1,
                Err(_) => err += 1,
            }
        }
    }
    eprintln!("mutations: {ok} rendered, {err} refused");
    assert!(err > 0);
}

#[test]
fn xref_is_one_contiguous_subsection() {
    let r = rendered();
    let at = r.pdf.windows(6).rposition(|w| w == b"\nxref\n").unwrap();
    let table = String::from_utf8_lossy(&r.pdf[at + 6..]).into_owned();
    let mut lines = table.lines();
    let head: Vec<usize> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(head[0], 0);
    let entries: Vec<&str> = lines.by_ref().take(head[1]).collect();
    assert!(entries[0].ends_with(" f "), "{}", entries[0]);
    assert!(
        entries[1..].iter().all(|e| e.ends_with(" n ")),
        "free entries"
    );
    assert_eq!(lines.next(), Some("trailer"), "more than one subsection");
    assert!(table.contains(&format!("/Size {}", head[1])), "{table}");
}
