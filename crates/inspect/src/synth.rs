//! Synthetic scans for tests and benchmarks: a page (card or A4) with glyph-like text, lying
//! slightly rotated on a grey scanner bed, and the defects this crate looks for.
//! Deterministic (a small LCG), no fonts.

use image::{Rgb, RgbImage};

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    pub card: bool,
    /// Pixels per millimetre of the scan.
    pub px_per_mm: f32,
    pub rotation_deg: f32,
    pub seed: u64,
}

/// A defect applied to the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Defect {
    None,
    /// Box blur approximating a Gaussian of this σ in millimetres.
    Blur(f32),
    /// Photocopy: grey, levels clipped (black point, white point), optionally a red copy stamp.
    Photocopy {
        stamp: bool,
    },
    /// A correction patch over a field, with a faint outline and retyped text.
    Altered,
    /// A flat correction-fluid patch over a field: the paper colour plus `tint` (per RGB
    /// channel), ragged edges, no outline, and the field retyped on it in a heavier stroke.
    FlatPatch {
        tint: [i16; 3],
    },
    /// The page shifted so this fraction of it leaves the image on the left.
    CutOff(f32),
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n.max(1)
    }
}

fn fill(img: &mut RgbImage, x0: i64, y0: i64, x1: i64, y1: i64, c: [u8; 3]) {
    let (w, h) = (img.width() as i64, img.height() as i64);
    for y in y0.max(0)..y1.min(h) {
        for x in x0.max(0)..x1.min(w) {
            img.put_pixel(x as u32, y as u32, Rgb(c));
        }
    }
}

fn ring(img: &mut RgbImage, cx: f32, cy: f32, r0: f32, r1: f32, c: [u8; 3]) {
    let (w, h) = (img.width() as i64, img.height() as i64);
    for y in ((cy - r1) as i64).max(0)..((cy + r1) as i64 + 1).min(h) {
        for x in ((cx - r1) as i64).max(0)..((cx + r1) as i64 + 1).min(w) {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if d >= r0 && d <= r1 {
                img.put_pixel(x as u32, y as u32, Rgb(c));
            }
        }
    }
}

/// A word of glyph-like strokes; returns its right end.
fn word(
    img: &mut RgbImage,
    rng: &mut Lcg,
    x: i64,
    y: i64,
    xh: i64,
    letters: u32,
    c: [u8; 3],
) -> i64 {
    let stroke = (xh / 5).max(2);
    let mut x = x;
    for _ in 0..letters {
        let gw = xh * 2 / 3 + rng.below((xh / 3).max(1) as u32) as i64;
        let tall = rng.below(3) == 0;
        let top = if tall { y - xh / 2 } else { y };
        fill(img, x, top, x + stroke, y + xh, c);
        match rng.below(3) {
            0 => fill(img, x, y, x + gw, y + stroke, c),
            1 => fill(img, x, y + xh - stroke, x + gw, y + xh, c),
            _ => fill(img, x + gw - stroke, y, x + gw, y + xh, c),
        }
        if rng.below(2) == 0 {
            fill(img, x, y + xh / 2, x + gw, y + xh / 2 + stroke, c);
        }
        x += gw + stroke * 2;
    }
    x
}

/// Render the page alone (unrotated), in page pixels.
fn page(spec: &Spec, defect: Defect, rng: &mut Lcg) -> RgbImage {
    let (wmm, hmm) = if spec.card {
        (85.6, 54.0)
    } else {
        (210.0, 297.0)
    };
    let (w, h) = ((wmm * spec.px_per_mm) as u32, (hmm * spec.px_per_mm) as u32);
    let paper = if spec.card {
        [214, 232, 228]
    } else {
        [250, 250, 247]
    };
    let mut img = RgbImage::from_pixel(w, h, Rgb(paper));
    let mm = |v: f32| (v * spec.px_per_mm) as i64;
    let ink = [25, 25, 30];
    let xh = mm(if spec.card { 1.8 } else { 1.6 }).max(2);
    let line = xh * 3;
    let (left, top, right, bottom) = if spec.card {
        (mm(28.0), mm(16.0), mm(82.0), mm(50.0))
    } else {
        (mm(25.0), mm(30.0), mm(185.0), mm(230.0))
    };
    if spec.card {
        // Guilloche-free tint variation, red title, gold emblem, grey portrait.
        fill(
            &mut img,
            mm(28.0),
            mm(9.0),
            mm(70.0),
            mm(12.5),
            [200, 30, 40],
        );
        ring(
            &mut img,
            mm(11.0) as f32,
            mm(10.0) as f32,
            0.0,
            mm(6.0) as f32,
            [220, 170, 40],
        );
        ring(
            &mut img,
            mm(11.0) as f32,
            mm(10.0) as f32,
            0.0,
            mm(2.5) as f32,
            [200, 30, 40],
        );
        fill(
            &mut img,
            mm(4.0),
            mm(18.0),
            mm(24.0),
            mm(44.0),
            [120, 115, 110],
        );
        fill(
            &mut img,
            mm(9.0),
            mm(22.0),
            mm(19.0),
            mm(34.0),
            [190, 160, 140],
        );
    }
    let mut y = top;
    let mut fields = Vec::new();
    while y + line < bottom {
        let mut x = left;
        while x < right - xh * 6 {
            let letters = 2 + rng.below(6);
            let start = x;
            x = word(&mut img, rng, x, y, xh, letters, ink);
            fields.push((start, y, x));
            x += xh * 2;
        }
        y += line;
    }
    if !spec.card {
        // Red seal and blue signature.
        let (cx, cy) = (mm(140.0) as f32, mm(255.0) as f32);
        ring(
            &mut img,
            cx,
            cy,
            mm(17.0) as f32,
            mm(19.0) as f32,
            [210, 40, 50],
        );
        ring(&mut img, cx, cy, 0.0, mm(4.0) as f32, [210, 40, 50]);
        for i in 0..mm(40.0) {
            let t = i as f32 / spec.px_per_mm;
            let sy = cy - mm(5.0) as f32 + (t * 0.6).sin() * mm(4.0) as f32;
            ring(
                &mut img,
                cx - mm(10.0) as f32 + i as f32,
                sy,
                0.0,
                (spec.px_per_mm * 0.35).max(1.0),
                [40, 60, 170],
            );
        }
    }
    if defect == Defect::Altered && fields.len() > 8 {
        // Pick a longer word in the upper part and tape over it, with a faint outline.
        let (x0, y0, x1) = fields
            .iter()
            .copied()
            .skip(4)
            .find(|f| f.2 - f.0 > xh * 5)
            .unwrap_or(fields[4]);
        let pad = xh / 2 + 1;
        let (px0, py0, px1, py1) = (x0 - pad, y0 - xh / 2 - pad, x1 + pad, y0 + xh + pad);
        fill(&mut img, px0, py0, px1, py1, [255, 255, 255]);
        // Plain paper shows the tape's edge as a faint line; on a tinted card the white patch
        // itself stands out.
        let edge = if spec.card {
            [255, 255, 255]
        } else {
            [228, 228, 228]
        };
        let t = (spec.px_per_mm * 0.1).max(1.0) as i64;
        fill(&mut img, px0, py0, px1, py0 + t, edge);
        fill(&mut img, px0, py1 - t, px1, py1, edge);
        fill(&mut img, px0, py0, px0 + t, py1, edge);
        fill(&mut img, px1 - t, py0, px1, py1, edge);
        let mut x = x0 + xh / 3;
        while x < x1 - xh * 2 {
            x = word(&mut img, rng, x, y0, xh, 1, [10, 10, 10]);
        }
    }
    if let Defect::FlatPatch { tint } = defect
        && fields.len() > 8
    {
        // A longer word in the upper part, covered by fluid a little wider than it.
        let (x0, y0, x1) = fields
            .iter()
            .copied()
            .skip(6)
            .find(|f| f.2 - f.0 > xh * 6)
            .unwrap_or(fields[6]);
        let pad = xh / 2 + 1;
        let (px0, py0, px1, py1) = (x0 - pad, y0 - xh / 2 - pad, x1 + pad, y0 + xh + pad);
        let fluid = [0, 1, 2].map(|i| (i16::from(paper[i]) + tint[i]).clamp(0, 255) as u8);
        // Ragged: each column's top and bottom wander by up to a third of the x-height.
        let jitter = (xh / 3).max(1) as u32;
        for x in px0..px1 {
            let top = py0 + i64::from(rng.below(jitter + 1)) - i64::from(jitter / 2);
            let bot = py1 + i64::from(rng.below(jitter + 1)) - i64::from(jitter / 2);
            fill(&mut img, x, top, x + 1, bot, fluid);
        }
        // Retyped in a heavier stroke, the baseline a little lower.
        let mut x = x0 + xh / 3;
        let heavy = xh * 5 / 4;
        while x < x1 - heavy * 2 {
            x = word(&mut img, rng, x, y0 + xh / 8, heavy, 1, [10, 10, 10]);
        }
    }
    img
}

/// Render a scan with `defect`.
pub fn scan(spec: Spec, defect: Defect) -> RgbImage {
    let mut rng = Lcg(spec.seed.wrapping_mul(2654435761).wrapping_add(7));
    let pg = page(&spec, defect, &mut rng);
    let margin = (spec.px_per_mm * if spec.card { 8.0 } else { 6.0 }) as u32;
    let (pw, ph) = pg.dimensions();
    let (w, h) = (pw + 2 * margin, ph + 2 * margin);
    let shift = if let Defect::CutOff(f) = defect {
        pw as f32 * f + margin as f32
    } else {
        0.0
    };
    let (s, c) = (
        spec.rotation_deg.to_radians().sin(),
        spec.rotation_deg.to_radians().cos(),
    );
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = RgbImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - cx + shift, y as f32 - cy);
            let px = c * dx + s * dy + pw as f32 / 2.0;
            let py = -s * dx + c * dy + ph as f32 / 2.0;
            let bed = 205 + (x * 20 / w) as u8;
            let v = if px >= 0.0 && py >= 0.0 && (px as u32) < pw && (py as u32) < ph {
                pg.get_pixel(px as u32, py as u32).0
            } else {
                [bed, bed, bed + 2]
            };
            out.put_pixel(x, y, Rgb(v));
        }
    }
    match defect {
        Defect::Blur(sigma_mm) => blur(&mut out, sigma_mm * spec.px_per_mm),
        Defect::Photocopy { stamp } => {
            // Mild scan softness, then the copier's levels.
            blur(&mut out, 0.1 * spec.px_per_mm);
            for p in out.pixels_mut() {
                let g = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32 - 75.0)
                    / (190.0 - 75.0);
                let g = (g.clamp(0.0, 1.0) * 255.0) as u8;
                *p = Rgb([g, g, g]);
            }
            if stamp {
                let mm = |v: f32| (v * spec.px_per_mm) as i64;
                let (x0, y0) = (w as i64 / 2, mm(14.0));
                let red = [200, 40, 50];
                let t = mm(0.8).max(1);
                let (x1, y1) = (x0 + mm(30.0), y0 + mm(10.0));
                fill(&mut out, x0, y0, x1, y0 + t, red);
                fill(&mut out, x0, y1 - t, x1, y1, red);
                fill(&mut out, x0, y0, x0 + t, y1, red);
                fill(&mut out, x1 - t, y0, x1, y1, red);
                let mut x = x0 + mm(2.0);
                for _ in 0..2 {
                    x = word(&mut out, &mut rng, x, y0 + mm(3.0), mm(4.0), 3, red) + mm(2.0);
                }
            }
        }
        _ => blur(&mut out, 0.08 * spec.px_per_mm),
    }
    out
}

/// Three passes of a box blur (≈ Gaussian of this σ in pixels).
pub fn blur(img: &mut RgbImage, sigma: f32) {
    // Three box passes of radius r have σ² = r(r + 1).
    let r = (((4.0 * sigma * sigma + 1.0).sqrt() - 1.0) / 2.0)
        .round()
        .max(0.0) as usize;
    if r == 0 {
        return;
    }
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut buf: Vec<[f32; 3]> = img
        .pixels()
        .map(|p| [p[0] as f32, p[1] as f32, p[2] as f32])
        .collect();
    let mut tmp = buf.clone();
    for _ in 0..3 {
        for (len, step, lines, lstep) in [(w, 1, h, w), (h, w, w, 1)] {
            for l in 0..lines {
                let base = l * lstep;
                let mut acc = [0f32; 3];
                let at = |i: isize| base + (i.clamp(0, len as isize - 1) as usize) * step;
                for i in -(r as isize)..=(r as isize) {
                    let p = buf[at(i)];
                    (0..3).for_each(|k| acc[k] += p[k]);
                }
                for i in 0..len as isize {
                    let n = (2 * r + 1) as f32;
                    tmp[at(i)] = [acc[0] / n, acc[1] / n, acc[2] / n];
                    let (a, b) = (buf[at(i + r as isize + 1)], buf[at(i - r as isize)]);
                    (0..3).for_each(|k| acc[k] += a[k] - b[k]);
                }
            }
            std::mem::swap(&mut buf, &mut tmp);
        }
    }
    for (p, v) in img.pixels_mut().zip(buf) {
        *p = Rgb([v[0].round() as u8, v[1].round() as u8, v[2].round() as u8]);
    }
}
