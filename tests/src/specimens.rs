//! Synthetic scans made by the project itself (never the evaluation corpus): deterministic for a
//! seed, with the physical density written in the JPEG's JFIF header.

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use image::{Rgb, RgbImage};

/// A tiny deterministic generator (xorshift), so specimens need no RNG dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

fn encode(img: &RgbImage, dpi: u16, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    enc.set_pixel_density(PixelDensity::dpi(dpi));
    enc.encode_image(img).expect("encode a specimen JPEG");
    out
}

/// Paper with lines of "text" (dark dashes), a stamp-like red disc and scanner noise.
fn page(width: u32, height: u32, seed: u64, noise: u8) -> RgbImage {
    let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut img = RgbImage::from_pixel(width, height, Rgb([246, 243, 236]));
    let margin = width / 10;
    let line_h = (height / 60).max(6);
    let mut y = margin;
    while y + line_h < height - margin {
        let mut x = margin;
        while x < width - margin {
            let word = (rng.next() % (width as u64 / 12)) as u32 + line_h;
            let end = (x + word).min(width - margin);
            for yy in y..y + line_h * 2 / 3 {
                for xx in x..end {
                    img.put_pixel(xx, yy, Rgb([35, 35, 45]));
                }
            }
            x = end + line_h;
        }
        y += line_h * 2;
    }
    let (cx, cy, r) = (width * 3 / 4, height * 4 / 5, width / 10);
    for yy in cy.saturating_sub(r)..(cy + r).min(height) {
        for xx in cx.saturating_sub(r)..(cx + r).min(width) {
            let (dx, dy) = (xx as i64 - cx as i64, yy as i64 - cy as i64);
            let d2 = dx * dx + dy * dy;
            let r2 = (r as i64) * (r as i64);
            if d2 < r2 && d2 > r2 * 3 / 4 {
                img.put_pixel(xx, yy, Rgb([200, 30, 40]));
            }
        }
    }
    if noise > 0 {
        for p in img.pixels_mut() {
            let n = (rng.next() % (2 * noise as u64 + 1)) as i16 - noise as i16;
            for c in p.0.iter_mut() {
                *c = (*c as i16 + n).clamp(0, 255) as u8;
            }
        }
    }
    img
}

/// An A4 page scanned at 300 dpi (2480 × 3508 px), about 2 MB.
pub fn a4_scan_jpeg(seed: u64) -> Vec<u8> {
    encode(&page(2480, 3508, seed, 10), 300, 85)
}

/// One side of an ID card (85.6 × 54 mm) scanned at 300 dpi (1011 × 638 px).
pub fn id_card_jpeg(seed: u64) -> Vec<u8> {
    encode(&page(1011, 638, seed, 6), 300, 90)
}

/// A page scanned at a density below what an e-copy may have (100 dpi).
pub fn low_dpi_jpeg(seed: u64) -> Vec<u8> {
    encode(&page(827, 1169, seed, 4), 100, 85)
}
