//! What a flatbed scanner (or a photocopier before it) does to a page.

use image::RgbImage;
use serde::Serialize;

use crate::canvas::{Align, Canvas, F};
use crate::docs::Drawn;
use crate::rng::{FastNoise, Rng};

/// How a page was captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// An ordinary scan of the original.
    Scan,
    /// A scan of a photocopy of the original.
    Photocopy,
    /// A scan too blurred or cut off to read.
    Unreadable,
}

/// Illumination gradient and vignette.
#[derive(Debug, Clone, Serialize)]
pub struct Illumination {
    /// Left-to-right gain slope.
    pub gx: f32,
    /// Top-to-bottom gain slope.
    pub gy: f32,
    /// Corner darkening.
    pub vignette: f32,
}

/// Copier levels.
#[derive(Debug, Clone, Serialize)]
pub struct Copier {
    /// Grey level that becomes black.
    pub black_point: f32,
    /// Grey level that becomes white.
    pub white_point: f32,
}

/// Everything random about one page's capture (recorded in answers.jsonl).
#[derive(Debug, Clone, Serialize)]
pub struct ScanInfo {
    /// Profile.
    pub profile: Profile,
    /// Resolution.
    pub dpi: u32,
    /// Scanner-bed margins left, top, right, bottom (px).
    pub margins_px: [u32; 4],
    /// Rotation (degrees, clockwise positive).
    pub rotation_deg: f32,
    /// Light falloff.
    pub illumination: Illumination,
    /// Gaussian-like blur sigma (px).
    pub blur_radius_px: f32,
    /// JPEG quality.
    pub jpeg_quality: u8,
    /// Copier levels (photocopies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copier: Option<Copier>,
    /// Stamp on the copy ("BẢN SAO"/"COPY").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
    /// What makes an unreadable page unreadable ("blur", "cutoff", "blur+cutoff").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defect: Option<String>,
}

/// Turns a drawn page into a scanned image.
pub fn scan(doc: Drawn, dpi: u32, profile: Profile, rng: &mut Rng) -> (RgbImage, ScanInfo) {
    let Drawn {
        mut img,
        corner_mm,
        ppm,
        ..
    } = doc;
    let mut copier = None;
    let mut stamp = None;
    if profile == Profile::Photocopy {
        let bp = rng.rangef(55.0, 95.0);
        let wp = rng.rangef(170.0, 205.0);
        photocopy(&mut img, bp, wp, rng);
        copier = Some(Copier {
            black_point: bp,
            white_point: wp,
        });
        if rng.chance(0.6) {
            let text = if rng.chance(0.6) { "BẢN SAO" } else { "COPY" };
            let mut cv = Canvas { img, ppm };
            stamp_copy(&mut cv, text, rng);
            img = cv.img;
            stamp = Some(text.to_string());
        }
    }
    let mut defect = None;
    let mut blur = if profile == Profile::Photocopy {
        rng.rangef(0.5, 1.4)
    } else {
        rng.rangef(0.25, 1.3)
    } * dpi as f32
        / 300.0;
    let mut quality = rng.int(65, 90) as u8;
    let mut cut = [0f32; 4];
    if profile == Profile::Unreadable {
        let d = *rng.pick(&["blur", "blur", "cutoff", "blur+cutoff"]);
        if d.contains("blur") {
            blur = rng.rangef(1.0, 1.6) * ppm;
        }
        if d.contains("cutoff") {
            // The original lay half off the glass: a large part of it is missing.
            let side = rng.below(4);
            cut[side] = rng.rangef(0.35, 0.55);
        }
        quality = rng.int(35, 55) as u8;
        defect = Some(d.to_string());
    }
    let small = (ppm * rng.rangef(2.0, 6.0)) as u32;
    let margins = [0, 1, 2, 3]
        .map(|_| (ppm * rng.rangef(2.0, 6.5)) as u32)
        .map(|m| m.max(small / 2));
    let rot = rng.rangef(-3.0, 3.0);
    let illum = Illumination {
        gx: rng.rangef(-0.09, 0.09),
        gy: rng.rangef(-0.08, 0.08),
        vignette: rng.rangef(0.0, 0.12),
    };
    let bed = rng.rangef(196.0, 222.0);
    let noise_amp = if profile == Profile::Photocopy {
        3.5
    } else {
        2.0
    };
    let mut out = compose(
        &img,
        corner_mm * ppm,
        margins,
        rot,
        bed,
        ppm,
        &cut,
        &illum,
        noise_amp,
        rng,
    );
    if blur >= 0.3 {
        gaussian(&mut out, blur);
    }
    let info = ScanInfo {
        profile,
        dpi,
        margins_px: margins,
        rotation_deg: (rot * 1000.0).round() / 1000.0,
        illumination: illum,
        blur_radius_px: (blur * 100.0).round() / 100.0,
        jpeg_quality: quality,
        copier,
        stamp,
        defect,
    };
    (out, info)
}

/// Greyscale, levels clipped, toner specks and a faint streak: what a copier makes of a page.
fn photocopy(img: &mut RgbImage, bp: f32, wp: f32, rng: &mut Rng) {
    let w = img.width();
    let streak_x = rng.rangef(0.0, w as f32);
    let streak_w = rng.rangef(2.0, 8.0) * w as f32 / 1000.0;
    let mut n = FastNoise::new(rng);
    for (x, _y, p) in img.enumerate_pixels_mut() {
        let y = 0.299 * p.0[0] as f32 + 0.587 * p.0[1] as f32 + 0.114 * p.0[2] as f32;
        let mut v = (y - bp) / (wp - bp) * 255.0;
        // Copiers lose mid-tones: push towards black and white.
        let t = (v / 255.0).clamp(0.0, 1.0);
        v = 255.0 * (t * t * (3.0 - 2.0 * t));
        v += n.sample() * 10.0;
        if n.sample() > 0.9985 {
            v -= 160.0; // toner speck
        }
        if (x as f32 - streak_x).abs() < streak_w {
            v -= 22.0;
        }
        let g = v.clamp(0.0, 255.0) as u8;
        p.0 = [g, g, g];
    }
}

/// A rectangular red "BẢN SAO"/"COPY" stamp somewhere on the upper part of the page.
fn stamp_copy(cv: &mut Canvas, text: &str, rng: &mut Rng) {
    let red = [
        rng.int(185, 215) as u8,
        rng.int(25, 50) as u8,
        rng.int(35, 60) as u8,
    ];
    let (w, h) = (cv.w_mm(), cv.h_mm());
    let pt = (w / 6.0).clamp(9.0, 26.0);
    let tw = cv.text_width(F::SansBold, pt, text);
    let th = pt * 0.3528;
    let x = rng.rangef(w * 0.45, (w - tw - 6.0).max(w * 0.46));
    let y = rng.rangef(h * 0.12 + th, h * 0.4 + th);
    cv.text(F::SansBold, pt, x, y, Align::Left, text, red);
    let pad = th * 0.35;
    let (x0, y0, x1, y1) = (x - pad, y - th - pad, x + tw + pad, y + pad * 1.3);
    cv.polyline(
        &[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
        th * 0.12,
        red,
        1.0,
    );
}

/// Places the rotated page on the scanner bed with margins; `cut` hides fractions of the page
/// (left, top, right, bottom) beyond the glass.
#[allow(clippy::too_many_arguments)]
fn compose(
    img: &RgbImage,
    corner_px: f32,
    m: [u32; 4],
    rot_deg: f32,
    bed: f32,
    ppm: f32,
    cut: &[f32; 4],
    il: &Illumination,
    noise_amp: f32,
    rng: &mut Rng,
) -> RgbImage {
    let mut nz = FastNoise::new(rng);
    let (w, h) = (img.width() as f32, img.height() as f32);
    let a = rot_deg.to_radians();
    let (sa, ca) = a.sin_cos();
    // Bounding box of the rotated page.
    let bw = (w * ca.abs() + h * sa.abs()).ceil();
    let bh = (w * sa.abs() + h * ca.abs()).ceil();
    let mut ow = bw as u32 + m[0] + m[2];
    let mut oh = bh as u32 + m[1] + m[3];
    let mut cx = m[0] as f32 + bw / 2.0;
    let mut cy = m[1] as f32 + bh / 2.0;
    // Cut-off: the glass ends inside the page.
    let (cl, ct, cr, cb) = (
        (cut[0] * bw) as u32,
        (cut[1] * bh) as u32,
        (cut[2] * bw) as u32,
        (cut[3] * bh) as u32,
    );
    ow -= cl + cr;
    oh -= ct + cb;
    cx -= cl as f32;
    cy -= ct as f32;
    let shadow = ppm * 1.2;
    let mut out = RgbImage::new(ow, oh);
    let raw = img.as_raw();
    let stride = img.width() as usize * 3;
    let (iw, ih) = (img.width() as i32, img.height() as i32);
    let buf: &mut [u8] = &mut out;
    let (fw, fh) = (ow as f32, oh as f32);
    for oy in 0..oh {
        let dy = oy as f32 + 0.5 - cy;
        let ny = oy as f32 / fh * 2.0 - 1.0;
        let row_gain = 1.0 + il.gy * ny - il.vignette * ny * ny * 0.5;
        for ox in 0..ow {
            let dx = ox as f32 + 0.5 - cx;
            let nx = ox as f32 / fw * 2.0 - 1.0;
            let gain = row_gain + il.gx * nx - il.vignette * nx * nx * 0.5;
            let grain = nz.sample() * noise_amp;
            // Inverse rotation into page coordinates.
            let u = dx * ca + dy * sa + w / 2.0;
            let v = -dx * sa + dy * ca + h / 2.0;
            let o = (oy as usize * ow as usize + ox as usize) * 3;
            // Fast path: well inside the page and away from rounded corners.
            let margin = corner_px.max(2.0);
            if u > margin && v > 2.0 && u < w - margin && v < h - 2.0
                || u > 2.0 && v > margin && u < w - 2.0 && v < h - margin
            {
                let (uf, vf) = (u - 0.5, v - 0.5);
                let (x0, y0) = (uf as usize, vf as usize);
                let (fx, fy) = (uf - x0 as f32, vf - y0 as f32);
                let i00 = y0 * stride + x0 * 3;
                let i01 = i00 + stride;
                for c in 0..3 {
                    let top =
                        raw[i00 + c] as f32 + (raw[i00 + 3 + c] as f32 - raw[i00 + c] as f32) * fx;
                    let bot =
                        raw[i01 + c] as f32 + (raw[i01 + 3 + c] as f32 - raw[i01 + c] as f32) * fx;
                    buf[o + c] = ((top + (bot - top) * fy) * gain + grain).clamp(0.0, 255.0) as u8;
                }
                continue;
            }
            // Distance outside the page's rounded rectangle (0 inside).
            let qx = (corner_px - u).max(u - (w - corner_px)).max(0.0);
            let qy = (corner_px - v).max(v - (h - corner_px)).max(0.0);
            let outside = if corner_px > 0.0 && qx > 0.0 && qy > 0.0 {
                (qx * qx + qy * qy).sqrt() - corner_px
            } else {
                (-u).max(u - w).max(-v).max(v - h)
            };
            if outside >= 0.5 {
                let s = if outside < shadow {
                    1.0 - 0.22 * (1.0 - outside / shadow)
                } else {
                    1.0
                };
                let g = (bed * s * gain + grain).clamp(0.0, 255.0) as u8;
                buf[o] = g;
                buf[o + 1] = g;
                buf[o + 2] = g;
                continue;
            }
            let (x0, y0) = ((u - 0.5).floor() as i32, (v - 0.5).floor() as i32);
            let (fx, fy) = (u - 0.5 - x0 as f32, v - 0.5 - y0 as f32);
            let (x0c, x1c) = (
                x0.clamp(0, iw - 1) as usize,
                (x0 + 1).clamp(0, iw - 1) as usize,
            );
            let (y0c, y1c) = (
                y0.clamp(0, ih - 1) as usize,
                (y0 + 1).clamp(0, ih - 1) as usize,
            );
            let edge = (0.5 - outside).clamp(0.0, 1.0);
            for c in 0..3 {
                let p00 = raw[y0c * stride + x0c * 3 + c] as f32;
                let p10 = raw[y0c * stride + x1c * 3 + c] as f32;
                let p01 = raw[y1c * stride + x0c * 3 + c] as f32;
                let p11 = raw[y1c * stride + x1c * 3 + c] as f32;
                let top = p00 + (p10 - p00) * fx;
                let bot = p01 + (p11 - p01) * fx;
                let val = top + (bot - top) * fy;
                buf[o + c] = ((val * edge + bed * 0.8 * (1.0 - edge)) * gain + grain)
                    .clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

/// Approximate Gaussian blur of standard deviation `sigma` px (a 3-tap kernel when small, three
/// box passes otherwise).
pub fn gaussian(img: &mut RgbImage, sigma: f32) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if sigma < 1.2 {
        let a = (sigma * sigma / 2.0).min(0.33);
        let buf: &mut [u8] = img;
        three_tap(buf, w, h, a);
        return;
    }
    let wbox = (4.0 * sigma * sigma + 1.0).sqrt();
    let r = (((wbox - 1.0) / 2.0).round() as usize).max(1);
    let buf: &mut [u8] = img;
    for _ in 0..3 {
        box_rows(buf, w, h, r);
        box_cols(buf, w, h, r);
    }
}

fn three_tap(buf: &mut [u8], w: usize, h: usize, a: f32) {
    let ai = (a * 256.0).round() as u32;
    let bi = 256 - 2 * ai;
    let mut row = vec![0u8; w * 3];
    for y in 0..h {
        let line = &mut buf[y * w * 3..(y + 1) * w * 3];
        row.copy_from_slice(line);
        for x in 0..w {
            let (l, r) = (x.saturating_sub(1), (x + 1).min(w - 1));
            for c in 0..3 {
                let v = row[l * 3 + c] as u32 * ai
                    + row[x * 3 + c] as u32 * bi
                    + row[r * 3 + c] as u32 * ai;
                line[x * 3 + c] = (v >> 8) as u8;
            }
        }
    }
    let stride = w * 3;
    let mut prev = buf[0..stride].to_vec();
    let mut cur = vec![0u8; stride];
    for y in 0..h {
        cur.copy_from_slice(&buf[y * stride..(y + 1) * stride]);
        let next_y = (y + 1).min(h - 1);
        for i in 0..stride {
            let nx = buf[next_y * stride + i] as u32;
            buf[y * stride + i] = ((prev[i] as u32 * ai + cur[i] as u32 * bi + nx * ai) >> 8) as u8;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
}

fn box_rows(buf: &mut [u8], w: usize, h: usize, r: usize) {
    let mut tmp = vec![0u8; w * 3];
    let div = (2 * r + 1) as u32;
    for y in 0..h {
        let line = &mut buf[y * w * 3..(y + 1) * w * 3];
        tmp.copy_from_slice(line);
        for c in 0..3 {
            let at = |x: isize| tmp[(x.clamp(0, w as isize - 1) as usize) * 3 + c] as u32;
            let mut sum: u32 = (-(r as isize)..=r as isize).map(at).sum();
            for x in 0..w {
                line[x * 3 + c] = (sum / div) as u8;
                sum += at(x as isize + r as isize + 1);
                sum -= at(x as isize - r as isize);
            }
        }
    }
}

fn box_cols(buf: &mut [u8], w: usize, h: usize, r: usize) {
    let div = (2 * r + 1) as u32;
    let stride = w * 3;
    let mut sums = vec![0u32; stride];
    let src = buf.to_vec();
    let at = |y: isize, i: usize| src[(y.clamp(0, h as isize - 1) as usize) * stride + i] as u32;
    for (i, s) in sums.iter_mut().enumerate() {
        *s = (-(r as isize)..=r as isize).map(|y| at(y, i)).sum();
    }
    for y in 0..h {
        let row = &mut buf[y * stride..(y + 1) * stride];
        for i in 0..stride {
            row[i] = (sums[i] / div) as u8;
            sums[i] += at(y as isize + r as isize + 1, i);
            sums[i] -= at(y as isize - r as isize, i);
        }
    }
}

/// JPEG bytes at `quality` (4:2:0 chroma subsampling, as scanners and cameras write).
pub fn jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    let (w, h) = (img.width(), img.height());
    if w > u16::MAX as u32 || h > u16::MAX as u32 {
        return Err(image::ImageError::Limits(
            image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError),
        ));
    }
    enc.encode(
        img.as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .map_err(|e| {
        image::ImageError::Encoding(image::error::EncodingError::new(
            image::error::ImageFormatHint::Exact(image::ImageFormat::Jpeg),
            e,
        ))
    })?;
    Ok(out)
}
