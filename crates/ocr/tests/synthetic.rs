//! Recognition on synthetic pages rendered here (DejaVu, Debian `fonts-dejavu-core`).
//! Needs tesseract with `vie` and `eng` data (scripts/setup.sh) and `OMP_THREAD_LIMIT=1`.

use ab_glyph::FontVec;
use image::{Rgb, RgbImage};
use imageproc::drawing::draw_text_mut;
use truecopy_domain::DocumentType;
use truecopy_domain::mrz::{CheckField, check_digit};
use truecopy_ocr::{OcrConfig, OcrEngine};

const FONTS: &str = "/usr/share/fonts/truetype/dejavu";

fn font(name: &str) -> FontVec {
    let bytes = std::fs::read(format!("{FONTS}/{name}"))
        .expect("fonts-dejavu-core is installed (scripts/setup.sh)");
    FontVec::try_from_vec(bytes).expect("a TrueType font")
}

fn engine() -> Option<OcrEngine> {
    // Never skipped: without the limit tesseract is 5-9x slower (make test sets it).
    assert!(
        std::env::var_os("OMP_THREAD_LIMIT").is_some(),
        "set OMP_THREAD_LIMIT=1 to run the OCR tests (scripts/test.sh does)"
    );
    Some(OcrEngine::new(&OcrConfig::default()).expect("tesseract with vie+eng data"))
}

/// A page: grey scanner background around a white document, lines drawn at (x, y, size).
fn page(w: u32, h: u32, lines: &[(i32, i32, f32, &str, &FontVec)]) -> RgbImage {
    let margin = 40;
    let mut img = RgbImage::from_pixel(w + 2 * margin, h + 2 * margin, Rgb([200, 200, 200]));
    for y in margin..margin + h {
        for x in margin..margin + w {
            img.put_pixel(x, y, Rgb([250, 250, 248]));
        }
    }
    for (x, y, size, text, f) in lines {
        draw_text_mut(
            &mut img,
            Rgb([20, 20, 20]),
            x + margin as i32,
            y + margin as i32,
            *size,
            *f,
            text,
        );
    }
    img
}

#[test]
fn reads_a_rendered_cccd_back_with_its_mrz() {
    let Some(mut engine) = engine() else { return };
    let sans = font("DejaVuSans.ttf");
    let mono = font("DejaVuSansMono.ttf");
    // Data of a made-up holder; every check digit computed here.
    let id12 = "001089012345";
    let doc = &id12[3..];
    let l1 = format!(
        "IDVNM{doc}{}{id12}<<{}",
        check_digit(doc).unwrap(),
        check_digit(id12).unwrap()
    );
    let dob = "890307";
    let exp = "290307";
    let l2_head = format!(
        "{dob}{}M{exp}{}VNM<<<<<<<<<<<",
        check_digit(dob).unwrap(),
        check_digit(exp).unwrap()
    );
    let composite = format!(
        "{}{}{}{}",
        &l1[5..30],
        &l2_head[0..7],
        &l2_head[8..15],
        &l2_head[18..29]
    );
    let l2 = format!("{l2_head}{}", check_digit(&composite).unwrap());
    let l3 = format!("{:<<30}", "PHAM<<VAN<KHOA");
    assert_eq!((l1.len(), l2.len(), l3.len()), (30, 30, 30));

    // An ID-1 card at 300 dpi is 1011 × 638 px.
    let back = page(
        1011,
        638,
        &[
            (
                40,
                40,
                26.0,
                "Đặc điểm nhân dạng / Personal identification:",
                &sans,
            ),
            (40, 80, 28.0, "Nốt ruồi cách 2cm dưới mắt trái", &sans),
            (
                40,
                170,
                26.0,
                "Ngày, tháng, năm / Date, month, year: 14/03/2022",
                &sans,
            ),
            (40, 440, 46.0, &l1, &mono),
            (40, 500, 46.0, &l2, &mono),
            (40, 560, 46.0, &l3, &mono),
        ],
    );
    let front = page(
        1011,
        638,
        &[
            (300, 30, 34.0, "CĂN CƯỚC CÔNG DÂN", &sans),
            (300, 80, 26.0, "Citizen Identity Card", &sans),
            (300, 130, 26.0, "Số / No.: 001089012345", &sans),
            (300, 180, 24.0, "Họ và tên / Full name:", &sans),
            (300, 215, 30.0, "PHẠM VĂN KHOA", &sans),
            (
                300,
                270,
                24.0,
                "Ngày sinh / Date of birth: 07/03/1989",
                &sans,
            ),
            (300, 320, 24.0, "Giới tính / Sex: Nam", &sans),
        ],
    );
    let r = engine.read(&[front, back]).expect("read");
    assert_eq!(
        r.document_type,
        DocumentType::CitizenId,
        "{:?}",
        r.page_text
    );
    let m = r.mrz.as_ref().expect("an MRZ reading");
    let td1 = m
        .td1
        .as_ref()
        .unwrap_or_else(|| panic!("parsed MRZ: {m:?}"));
    assert_eq!(td1.id_number.as_deref(), Some(id12), "{m:?}");
    assert_eq!(td1.document_number, doc);
    assert_eq!(td1.birth_date, dob);
    assert_eq!(td1.expiry_date, exp);
    assert_eq!(td1.sex, 'M');
    assert_eq!(td1.surname, "PHAM");
    assert_eq!(td1.given_names, "VAN KHOA");
    assert!(td1.failed_checks().is_empty(), "{:?}", td1.checks());
    assert_eq!(r.fields.get("mrz_line1"), Some(&l1));
    assert_eq!(
        r.fields.get("issue_date").map(String::as_str),
        Some("2022-03-14")
    );
    assert_eq!(r.fields.get("id_number").map(String::as_str), Some(id12));
    assert_eq!(
        r.fields.get("date_of_birth").map(String::as_str),
        Some("1989-03-07")
    );
    assert_eq!(r.fields.get("sex").map(String::as_str), Some("Nam"));
}

#[test]
fn a_wrong_printed_check_digit_is_reported() {
    let Some(mut engine) = engine() else { return };
    let mono = font("DejaVuSansMono.ttf");
    let id12 = "079195054321";
    let doc = &id12[3..];
    let l1 = format!(
        "IDVNM{doc}{}{id12}<<{}",
        check_digit(doc).unwrap(),
        check_digit(id12).unwrap()
    );
    let dob = "950412";
    let good = check_digit(dob).unwrap().to_digit(10).unwrap();
    let bad = char::from_digit((good + 4) % 10, 10).unwrap();
    let exp = "350412";
    let l2_head = format!(
        "{dob}{bad}F{exp}{}VNM<<<<<<<<<<<",
        check_digit(exp).unwrap()
    );
    let composite = format!(
        "{}{}{}{}",
        &l1[5..30],
        &l2_head[0..7],
        &l2_head[8..15],
        &l2_head[18..29]
    );
    let l2 = format!("{l2_head}{}", check_digit(&composite).unwrap());
    let l3 = format!("{:<<30}", "VO<<THI<LAN");
    let back = page(
        1011,
        638,
        &[
            (40, 40, 26.0, "Personal identification", &mono),
            (40, 440, 46.0, &l1, &mono),
            (40, 500, 46.0, &l2, &mono),
            (40, 560, 46.0, &l3, &mono),
        ],
    );
    let r = engine.read(&[back]).expect("read");
    let td1 = r
        .mrz
        .as_ref()
        .and_then(|m| m.td1.clone())
        .expect("parsed MRZ");
    assert_eq!(td1.birth_date_check, bad, "the printed digit is kept");
    assert_eq!(td1.failed_checks(), vec![CheckField::BirthDate]);
}

#[test]
fn classifies_each_type_from_its_title() {
    let Some(mut engine) = engine() else { return };
    let serif = font("DejaVuSerif.ttf");
    let cases: [(&[&str], DocumentType); 4] = [
        (
            &[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "GIẤY KHAI SINH",
                "Họ, chữ đệm, tên: NGUYỄN VĂN AN",
            ],
            DocumentType::BirthCertificate,
        ),
        (
            &[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "BẰNG TỐT NGHIỆP ĐẠI HỌC",
                "Xếp loại tốt nghiệp: Giỏi",
            ],
            DocumentType::Diploma,
        ),
        (
            &[
                "ỦY BAN NHÂN DÂN",
                "QUYẾT ĐỊNH",
                "Căn cứ Luật Tổ chức chính quyền địa phương;",
            ],
            DocumentType::Decision,
        ),
        (
            &["THỰC ĐƠN", "Phở bò tái", "Cà phê sữa đá"],
            DocumentType::Other,
        ),
    ];
    for (lines, want) in cases {
        let drawn: Vec<(i32, i32, f32, &str, &FontVec)> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| (120, 150 + 90 * i as i32, 40.0, *t, &serif))
            .collect();
        // A4 at 150 dpi.
        let img = page(1240, 1754, &drawn);
        let r = engine.read(&[img]).expect("read");
        assert_eq!(r.document_type, want, "{:?}", r.page_text);
        // Every line read is placed on the scan: one box per line of the page's text, the
        // title's around the line it was drawn on (the page's 40 px margin added).
        let text: Vec<&str> = r.page_text[0].lines().collect();
        assert_eq!(r.line_boxes.len(), 1);
        assert_eq!(r.line_boxes[0].len(), text.len(), "{text:?}");
        // The title, drawn 40 px high at y 240 + margin.
        let mid = 40 + 150 + 90 + 20;
        let [x0, y0, x1, y1] = *r.line_boxes[0]
            .iter()
            .find(|b| b[1] <= mid && mid <= b[3])
            .unwrap_or_else(|| panic!("a line at y {mid}: {:?}", r.line_boxes));
        assert!(y1 - y0 <= 80, "one line: {:?}", [x0, y0, x1, y1]);
        assert!(
            x0.abs_diff(160) <= 30 && x1 > x0 + 100,
            "{:?}",
            [x0, y0, x1, y1]
        );
    }
}

/// Words of a bilingual card that the English model wins in `vie+eng` lose their marks; the
/// second, Vietnamese-only reading of those lines puts them back.
#[test]
fn values_on_a_bilingual_card_keep_their_marks() {
    let Some(mut engine) = engine() else { return };
    let sans = font("DejaVuSans.ttf");
    let front = page(
        1011,
        638,
        &[
            (300, 30, 34.0, "CĂN CƯỚC CÔNG DÂN", &sans),
            (300, 80, 26.0, "Citizen Identity Card", &sans),
            (300, 130, 26.0, "Số / No.: 036185004512", &sans),
            (300, 180, 24.0, "Họ và tên / Full name:", &sans),
            (300, 215, 30.0, "HOÀNG THỊ THÚY HẰNG", &sans),
            (
                300,
                270,
                24.0,
                "Ngày sinh / Date of birth: 21/11/1985",
                &sans,
            ),
            (300, 320, 24.0, "Giới tính / Sex: Nữ", &sans),
            (300, 370, 24.0, "Quê quán / Place of origin:", &sans),
            (300, 405, 26.0, "Hải Hậu, Nam Định", &sans),
        ],
    );
    let r = engine.read(&[front]).expect("read");
    assert_eq!(
        r.document_type,
        DocumentType::CitizenId,
        "{:?}",
        r.page_text
    );
    let field = |k: &str| r.fields.get(k).map(String::as_str);
    assert_eq!(
        field("full_name"),
        Some("HOÀNG THỊ THÚY HẰNG"),
        "{:?}",
        r.page_text
    );
    assert_eq!(
        field("place_of_origin"),
        Some("Hải Hậu, Nam Định"),
        "{:?}",
        r.page_text
    );
    assert_eq!(field("sex"), Some("Nữ"));
    assert_eq!(field("id_number"), Some("036185004512"));
    // Each field the MRZ repeats is placed on the scan on the line it was drawn on (the page's
    // 40 px margin added): a patch found there can be laid over it.
    for (key, y, size) in [
        ("id_number", 130, 26.0),
        ("full_name", 215, 30.0),
        ("date_of_birth", 270, 24.0),
        ("sex", 320, 24.0),
    ] {
        let b = r
            .field_boxes
            .get(key)
            .unwrap_or_else(|| panic!("{key} placed: {:?}", r.field_boxes));
        let mid = (40 + y) as u32 + (size / 2.0) as u32;
        let [x0, y0, x1, y1] = b.rect;
        assert_eq!(b.page, 0);
        assert!(
            y0 <= mid && mid <= y1,
            "{key}: {:?}, drawn around y {mid}",
            b.rect
        );
        assert!(
            y1 - y0 <= (size * 2.0) as u32,
            "{key}: one line, {:?}",
            b.rect
        );
        assert!(
            x0.abs_diff(340) <= 30 && x1 > x0 + 150,
            "{key}: {:?}",
            b.rect
        );
    }
}

#[test]
fn zero_pages_is_an_error() {
    let Some(mut engine) = engine() else { return };
    assert!(engine.read(&[]).is_err());
    assert!(engine.read(&[RgbImage::new(10, 10)]).is_err());
}
