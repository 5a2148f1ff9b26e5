//! Specimens shared by the tests and the benchmark: synthetic scans, a real QR, an input.
#![allow(dead_code)]

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use image::{Rgb, RgbImage};
use truecopy_render::{PageImage, QrMatrix, RenderInput, Statement};

/// Deterministic noise so the JPEGs are as large as real scans.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
}

/// A "scanned page": off-white paper with grain, a coloured letterhead, a stamp, lines of
/// "text" blocks.
pub fn scan_rgb(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut rng = Lcg(seed);
    let mut img = RgbImage::from_fn(w, h, |_, _| {
        let n = (rng.next() % 24) as u8;
        Rgb([231 + n, 229 + n, 222 + n])
    });
    let (fw, fh) = (w as f32, h as f32);
    // Letterhead band.
    for y in (fh * 0.04) as u32..(fh * 0.09) as u32 {
        for x in (fw * 0.08) as u32..(fw * 0.92) as u32 {
            img.put_pixel(x, y, Rgb([20, 60, 140]));
        }
    }
    // Text lines: dark blocks of random widths.
    let line_h = (fh / 70.0).max(4.0) as u32;
    let mut y = (fh * 0.14) as u32;
    while y + line_h < (fh * 0.9) as u32 {
        let mut x = (fw * 0.08) as u32;
        while x < (fw * 0.9) as u32 {
            let word = (fw * 0.01) as u32 + rng.next() % ((fw * 0.06) as u32 + 1);
            for yy in y..y + line_h * 6 / 10 {
                for xx in x..(x + word).min(w) {
                    let v = (rng.next() % 40) as u8;
                    img.put_pixel(xx, yy, Rgb([20 + v, 20 + v, 25 + v]));
                }
            }
            x += word + (fw * 0.012) as u32;
        }
        y += line_h * 2;
    }
    // A red round stamp.
    let (cx, cy, r) = (fw * 0.7, fh * 0.8, fw.min(fh) * 0.09);
    for yy in (cy - r) as u32..(cy + r) as u32 {
        for xx in (cx - r) as u32..(cx + r) as u32 {
            let d = ((xx as f32 - cx).powi(2) + (yy as f32 - cy).powi(2)).sqrt();
            if (d - r * 0.9).abs() < r * 0.06 || (d < r * 0.5 && (xx + yy) % 7 == 0) {
                img.put_pixel(xx.min(w - 1), yy.min(h - 1), Rgb([200, 30, 40]));
            }
        }
    }
    img
}

pub fn jpeg(img: &RgbImage, dpi: Option<u16>, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(d) = dpi {
        enc.set_pixel_density(PixelDensity::dpi(d));
    }
    enc.encode_image(img).expect("encode jpeg");
    out
}

/// A 2480×3508 (A4 at 300 dpi) page and a 1011×638 ID card at 300 dpi.
pub fn specimen_jpegs() -> (Vec<u8>, Vec<u8>) {
    let a4 = jpeg(&scan_rgb(2480, 3508, 1), Some(300), 88);
    let card = jpeg(&scan_rgb(1011, 638, 2), Some(300), 92);
    (a4, card)
}

/// About 330 bytes, like the verification URL with its signed token.
pub fn qr_text() -> String {
    let mut s = String::from("https://tracuu.truecopy.example.vn/v/7K3MQX2D94HATR3WE6BNVP0C?t=");
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = Lcg(42);
    while s.len() < 330 {
        s.push(alphabet[(rng.next() % 64) as usize] as char);
        if s.len() % 87 == 0 {
            s.push('.');
        }
    }
    s
}

pub fn qr_matrix(text: &str) -> QrMatrix {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .expect("qr");
    QrMatrix {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    }
}

pub const CODE_GROUPED: &str = "7K3M-QX2D-94HA-TR3W-E6BN-VP0C";
pub const CODE_COMPACT: &str = "7K3MQX2D94HATR3WE6BNVP0C";
pub const REGISTER: &str = "000123/Q01/2026-SCT/BS";

pub fn input(pages: Vec<PageImage>) -> RenderInput {
    let n = pages.len() + 1;
    RenderInput {
        pages,
        code_grouped: CODE_GROUPED.into(),
        code_compact: CODE_COMPACT.into(),
        register_number: REGISTER.into(),
        qr: qr_matrix(&qr_text()),
        watermark: "TTPVHCC".into(),
        statement: Statement {
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            center_name_en: "Public Administrative Service Centre of Ha Noi".into(),
            place: "Hà Nội".into(),
            date: time::macros::date!(2026 - 03 - 05),
            register_vi: "Số chứng thực: 000123, quyển số: 01/2026-SCT/BS".into(),
            register_en: "Certification No. 000123, book No. 01/2026-SCT/BS".into(),
            signer_name: "Nguyễn Thị Thu Hương".into(),
            signer_title: "Phó Giám đốc".into(),
            document_name_vi: "Căn cước công dân số 001190012345".into(),
            document_name_en: "Citizen identity card No. 001190012345".into(),
            page_count: n,
        },
        title: "Bản sao chứng thực 000123/Q01/2026-SCT/BS".into(),
        subject: "Bản sao điện tử chứng thực từ bản chính".into(),
        created: time::macros::datetime!(2026-03-05 09:41:27 +07:00),
    }
}

pub fn two_page_input() -> (RenderInput, Vec<u8>, Vec<u8>) {
    let (a4, card) = specimen_jpegs();
    let inp = input(vec![
        PageImage {
            bytes: a4.clone(),
            dpi: None,
        },
        PageImage {
            bytes: card.clone(),
            dpi: None,
        },
    ]);
    (inp, a4, card)
}
