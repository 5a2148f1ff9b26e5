//! Drawing on an RGB page in millimetres: text with DejaVu fonts (ab_glyph), lines, rings,
//! strokes and ink that multiplies like real ink.

use std::path::PathBuf;
use std::sync::OnceLock;

use ab_glyph::{Font as _, FontVec, PxScale, ScaleFont as _, point};
use image::RgbImage;

use crate::SpecimenError;

/// A stroke point: x, y (px) and radius (px).
type Pt = (f32, f32, f32);

/// The typefaces the documents use (Debian `fonts-dejavu-core`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F {
    /// DejaVu Sans.
    Sans,
    /// DejaVu Sans Bold.
    SansBold,
    /// DejaVu Sans Oblique.
    SansItalic,
    /// DejaVu Serif.
    Serif,
    /// DejaVu Serif Bold.
    SerifBold,
    /// DejaVu Serif Italic.
    SerifItalic,
    /// DejaVu Sans Mono (the MRZ).
    Mono,
    /// DejaVu Sans Condensed (typewriter-like retyping on altered originals).
    Condensed,
}

const FILES: [&str; 8] = [
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansCondensed.ttf",
];

#[derive(Debug)]
struct Fonts(Vec<FontVec>);

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// Where the fonts are: `TRUECOPY_FONT_DIR` or Debian's DejaVu folder.
pub fn font_dir() -> PathBuf {
    std::env::var_os("TRUECOPY_FONT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/fonts/truetype/dejavu"))
}

fn load() -> Result<Fonts, String> {
    let dir = font_dir();
    let mut v = Vec::new();
    for f in FILES {
        let p = dir.join(f);
        let bytes = std::fs::read(&p).map_err(|e| {
            format!(
                "{}: {e} (install the Debian package fonts-dejavu-core)",
                p.display()
            )
        })?;
        v.push(FontVec::try_from_vec(bytes).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    Ok(Fonts(v))
}

/// Loads the fonts once; a clear error when they are missing.
pub fn init_fonts() -> Result<(), SpecimenError> {
    match FONTS.get_or_init(load) {
        Ok(_) => Ok(()),
        Err(e) => Err(SpecimenError::Fonts(e.clone())),
    }
}

fn font(f: F) -> &'static FontVec {
    match FONTS.get_or_init(load) {
        Ok(fs) => &fs.0[f as usize],
        Err(e) => panic!("fonts not loaded: {e}"),
    }
}

/// An RGB colour.
pub type Rgb = [u8; 3];
/// Near-black print.
pub const INK: Rgb = [28, 26, 30];
/// Seal red.
pub const RED: Rgb = [206, 32, 38];
/// Ballpoint blue.
pub const BLUE: Rgb = [28, 46, 150];

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// x is the left edge.
    Left,
    /// x is the centre.
    Center,
    /// x is the right edge.
    Right,
}

/// A page being drawn, with its scale.
#[derive(Debug)]
pub struct Canvas {
    /// The pixels.
    pub img: RgbImage,
    /// Pixels per millimetre.
    pub ppm: f32,
}

impl Canvas {
    /// A page of `w_mm` × `h_mm` at `dpi`, filled with `bg`.
    pub fn new(w_mm: f32, h_mm: f32, dpi: u32, bg: Rgb) -> Self {
        let ppm = dpi as f32 / 25.4;
        let w = (w_mm * ppm).round() as u32;
        let h = (h_mm * ppm).round() as u32;
        Canvas {
            img: RgbImage::from_pixel(w, h, image::Rgb(bg)),
            ppm,
        }
    }

    /// Width in mm.
    pub fn w_mm(&self) -> f32 {
        self.img.width() as f32 / self.ppm
    }
    /// Height in mm.
    pub fn h_mm(&self) -> f32 {
        self.img.height() as f32 / self.ppm
    }

    /// Blends `c` at pixel (x, y) with coverage `a` (0..1): multiply blend like ink when `ink`,
    /// otherwise over.
    #[inline]
    pub fn blend(&mut self, x: i32, y: i32, c: Rgb, a: f32, ink: bool) {
        if x < 0
            || y < 0
            || x >= self.img.width() as i32
            || y >= self.img.height() as i32
            || a <= 0.0
        {
            return;
        }
        let a = a.min(1.0);
        let p = self.img.get_pixel_mut(x as u32, y as u32);
        for i in 0..3 {
            let bg = p.0[i] as f32;
            let v = if ink {
                bg * (1.0 - a * (1.0 - c[i] as f32 / 255.0))
            } else {
                bg + (c[i] as f32 - bg) * a
            };
            p.0[i] = v.clamp(0.0, 255.0) as u8;
        }
    }

    fn scale(&self, f: F, pt: f32) -> PxScale {
        let fo = font(f);
        let px_em = pt * 25.4 / 72.0 * self.ppm;
        let upm = fo.units_per_em().unwrap_or(2048.0);
        PxScale::from(px_em * fo.height_unscaled() / upm)
    }

    /// Width of `s` in mm.
    pub fn text_width(&self, f: F, pt: f32, s: &str) -> f32 {
        let fo = font(f);
        let sf = fo.as_scaled(self.scale(f, pt));
        let mut w = 0.0;
        let mut prev = None;
        for ch in s.chars() {
            let id = sf.glyph_id(ch);
            if let Some(p) = prev {
                w += sf.kern(p, id);
            }
            w += sf.h_advance(id);
            prev = Some(id);
        }
        w / self.ppm
    }

    /// Draws `s` with its baseline at `y` (mm); returns (left, right) in mm.
    pub fn text(
        &mut self,
        f: F,
        pt: f32,
        x: f32,
        y: f32,
        align: Align,
        s: &str,
        c: Rgb,
    ) -> (f32, f32) {
        self.text_spaced(f, pt, x, y, align, s, c, 0.0)
    }

    /// Like [`Canvas::text`] with extra letter spacing in mm.
    #[allow(clippy::too_many_arguments)]
    pub fn text_spaced(
        &mut self,
        f: F,
        pt: f32,
        x: f32,
        y: f32,
        align: Align,
        s: &str,
        c: Rgb,
        spacing: f32,
    ) -> (f32, f32) {
        let w = self.text_width(f, pt, s) + spacing * s.chars().count().saturating_sub(1) as f32;
        let left = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        let fo = font(f);
        let scale = self.scale(f, pt);
        let sf = fo.as_scaled(scale);
        let mut pen = left * self.ppm;
        let base = y * self.ppm;
        let mut prev = None;
        for ch in s.chars() {
            let id = sf.glyph_id(ch);
            if let Some(p) = prev {
                pen += sf.kern(p, id);
            }
            let g = id.with_scale_and_position(scale, point(pen, base));
            if let Some(og) = fo.outline_glyph(g) {
                let b = og.px_bounds();
                let (bx, by) = (b.min.x as i32, b.min.y as i32);
                og.draw(|gx, gy, cov| self.blend(bx + gx as i32, by + gy as i32, c, cov, true));
            }
            pen += sf.h_advance(id) + spacing * self.ppm;
            prev = Some(id);
        }
        (left, left + w)
    }

    /// Splits `s` into lines no wider than `width` mm (the first line `indent` narrower).
    pub fn wrap(&self, f: F, pt: f32, s: &str, width: f32, indent: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut cur = String::new();
        for word in s.split_whitespace() {
            let trial = if cur.is_empty() {
                word.to_string()
            } else {
                format!("{cur} {word}")
            };
            let avail = if lines.is_empty() {
                width - indent
            } else {
                width
            };
            if !cur.is_empty() && self.text_width(f, pt, &trial) > avail {
                lines.push(std::mem::take(&mut cur));
                cur = word.to_string();
            } else {
                cur = trial;
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines
    }

    /// Draws a justified paragraph from (x, y) baseline; returns the baseline after the last line.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        f: F,
        pt: f32,
        x: f32,
        y: f32,
        width: f32,
        indent: f32,
        leading: f32,
        s: &str,
        c: Rgb,
    ) -> f32 {
        let lines = self.wrap(f, pt, s, width, indent);
        let n = lines.len();
        let mut y = y;
        for (i, line) in lines.iter().enumerate() {
            let lx = if i == 0 { x + indent } else { x };
            let avail = if i == 0 { width - indent } else { width };
            let words: Vec<&str> = line.split(' ').collect();
            if i + 1 < n && words.len() > 1 {
                let total: f32 = words.iter().map(|w| self.text_width(f, pt, w)).sum();
                let gap = (avail - total) / (words.len() - 1) as f32;
                let mut cx = lx;
                for w in &words {
                    let (_, r) = self.text(f, pt, cx, y, Align::Left, w, c);
                    cx = r + gap;
                }
            } else {
                self.text(f, pt, lx, y, Align::Left, line, c);
            }
            y += leading;
        }
        y
    }

    /// Fills a rectangle (mm), over-blended.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgb, alpha: f32) {
        let (x0, y0) = ((x * self.ppm).round() as i32, (y * self.ppm).round() as i32);
        let (x1, y1) = (
            ((x + w) * self.ppm).round() as i32,
            ((y + h) * self.ppm).round() as i32,
        );
        for py in y0.max(0)..y1.min(self.img.height() as i32) {
            for px in x0.max(0)..x1.min(self.img.width() as i32) {
                self.blend(px, py, c, alpha, false);
            }
        }
    }

    /// A straight line of width `w` mm (ink blend, anti-aliased).
    #[allow(clippy::too_many_arguments)]
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, w: f32, c: Rgb, alpha: f32) {
        self.stroke(&[(x0, y0, w), (x1, y1, w)], c, alpha);
    }

    /// A polyline in mm with constant width.
    pub fn polyline(&mut self, pts: &[(f32, f32)], w: f32, c: Rgb, alpha: f32) {
        let v: Vec<(f32, f32, f32)> = pts.iter().map(|(x, y)| (*x, *y, w)).collect();
        self.stroke(&v, c, alpha);
    }

    /// One pen stroke through (x, y, width) points in mm: coverage is accumulated as a maximum, then
    /// blended once, so joints do not darken.
    pub fn stroke(&mut self, pts: &[(f32, f32, f32)], c: Rgb, alpha: f32) {
        if pts.is_empty() {
            return;
        }
        let s = self.ppm;
        let p: Vec<(f32, f32, f32)> = pts
            .iter()
            .map(|(x, y, w)| (x * s, y * s, (w * s / 2.0).max(0.4)))
            .collect();
        let pad = p.iter().map(|q| q.2).fold(0.0, f32::max) + 2.0;
        let minx = (p.iter().map(|q| q.0).fold(f32::MAX, f32::min) - pad)
            .floor()
            .max(0.0) as i32;
        let miny = (p.iter().map(|q| q.1).fold(f32::MAX, f32::min) - pad)
            .floor()
            .max(0.0) as i32;
        let maxx = ((p.iter().map(|q| q.0).fold(f32::MIN, f32::max) + pad).ceil() as i32)
            .min(self.img.width() as i32 - 1);
        let maxy = ((p.iter().map(|q| q.1).fold(f32::MIN, f32::max) + pad).ceil() as i32)
            .min(self.img.height() as i32 - 1);
        if maxx < minx || maxy < miny {
            return;
        }
        let bw = (maxx - minx + 1) as usize;
        let mut mask = vec![0f32; bw * (maxy - miny + 1) as usize];
        let segs: Vec<(Pt, Pt)> = if p.len() == 1 {
            vec![(p[0], p[0])]
        } else {
            p.windows(2).map(|w| (w[0], w[1])).collect()
        };
        for ((x0, y0, r0), (x1, y1, r1)) in segs {
            let r = (r0 + r1) / 2.0;
            let sx0 = ((x0.min(x1) - r - 1.0).floor() as i32).max(minx);
            let sx1 = ((x0.max(x1) + r + 1.0).ceil() as i32).min(maxx);
            let sy0 = ((y0.min(y1) - r - 1.0).floor() as i32).max(miny);
            let sy1 = ((y0.max(y1) + r + 1.0).ceil() as i32).min(maxy);
            let (dx, dy) = (x1 - x0, y1 - y0);
            let len2 = (dx * dx + dy * dy).max(1e-6);
            for py in sy0..=sy1 {
                for px in sx0..=sx1 {
                    let (fx, fy) = (px as f32 + 0.5, py as f32 + 0.5);
                    let t = (((fx - x0) * dx + (fy - y0) * dy) / len2).clamp(0.0, 1.0);
                    let (qx, qy) = (x0 + t * dx - fx, y0 + t * dy - fy);
                    let cov = (r + 0.5 - (qx * qx + qy * qy).sqrt()).clamp(0.0, 1.0);
                    let m = &mut mask[(py - miny) as usize * bw + (px - minx) as usize];
                    if cov > *m {
                        *m = cov;
                    }
                }
            }
        }
        for py in miny..=maxy {
            for px in minx..=maxx {
                let m = mask[(py - miny) as usize * bw + (px - minx) as usize];
                if m > 0.0 {
                    self.blend(px, py, c, m * alpha, true);
                }
            }
        }
    }

    /// A ring (circle outline) centred at (cx, cy) mm, radius r mm, stroke w mm.
    #[allow(clippy::too_many_arguments)]
    pub fn ring(&mut self, cx: f32, cy: f32, r: f32, w: f32, c: Rgb, alpha: f32) {
        let s = self.ppm;
        let (cx, cy, r, hw) = (cx * s, cy * s, r * s, w * s / 2.0);
        let ext = r + hw + 2.0;
        for py in ((cy - ext) as i32).max(0)..((cy + ext) as i32).min(self.img.height() as i32) {
            for px in ((cx - ext) as i32).max(0)..((cx + ext) as i32).min(self.img.width() as i32) {
                let d = ((px as f32 + 0.5 - cx).powi(2) + (py as f32 + 0.5 - cy).powi(2)).sqrt();
                let cov = (hw + 0.5 - (d - r).abs()).clamp(0.0, 1.0);
                if cov > 0.0 {
                    self.blend(px, py, c, cov * alpha, true);
                }
            }
        }
    }

    /// A filled disc.
    pub fn disc(&mut self, cx: f32, cy: f32, r: f32, c: Rgb, alpha: f32, ink: bool) {
        let s = self.ppm;
        let (cx, cy, r) = (cx * s, cy * s, r * s);
        for py in
            ((cy - r - 2.0) as i32).max(0)..((cy + r + 2.0) as i32).min(self.img.height() as i32)
        {
            for px in
                ((cx - r - 2.0) as i32).max(0)..((cx + r + 2.0) as i32).min(self.img.width() as i32)
            {
                let d = ((px as f32 + 0.5 - cx).powi(2) + (py as f32 + 0.5 - cy).powi(2)).sqrt();
                let cov = (r + 0.5 - d).clamp(0.0, 1.0);
                if cov > 0.0 {
                    self.blend(px, py, c, cov * alpha, ink);
                }
            }
        }
    }

    /// A filled polygon (mm), 2×2 supersampled.
    pub fn polygon(&mut self, pts: &[(f32, f32)], c: Rgb, alpha: f32, ink: bool) {
        let s = self.ppm;
        let p: Vec<(f32, f32)> = pts.iter().map(|(x, y)| (x * s, y * s)).collect();
        let minx = p.iter().map(|q| q.0).fold(f32::MAX, f32::min).floor() as i32;
        let maxx = p.iter().map(|q| q.0).fold(f32::MIN, f32::max).ceil() as i32;
        let miny = p.iter().map(|q| q.1).fold(f32::MAX, f32::min).floor() as i32;
        let maxy = p.iter().map(|q| q.1).fold(f32::MIN, f32::max).ceil() as i32;
        let inside = |x: f32, y: f32| {
            let mut c = false;
            let mut j = p.len() - 1;
            for i in 0..p.len() {
                let (xi, yi) = p[i];
                let (xj, yj) = p[j];
                if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                    c = !c;
                }
                j = i;
            }
            c
        };
        for py in miny.max(0)..=maxy.min(self.img.height() as i32 - 1) {
            for px in minx.max(0)..=maxx.min(self.img.width() as i32 - 1) {
                let mut n = 0;
                for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    if inside(px as f32 + ox, py as f32 + oy) {
                        n += 1;
                    }
                }
                if n > 0 {
                    self.blend(px, py, c, alpha * n as f32 / 4.0, ink);
                }
            }
        }
    }

    /// A five-pointed star centred at (cx, cy) with outer radius r (mm).
    pub fn star(&mut self, cx: f32, cy: f32, r: f32, c: Rgb, alpha: f32, ink: bool) {
        let mut pts = Vec::new();
        for i in 0..10 {
            let a = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
            let rr = if i % 2 == 0 { r } else { r * 0.382 };
            pts.push((cx + rr * a.cos(), cy + rr * a.sin()));
        }
        self.polygon(&pts, c, alpha, ink);
    }

    /// One glyph rotated by `angle` (radians, 0 = upright) centred at (cx, cy) mm, ink-blended.
    #[allow(clippy::too_many_arguments)]
    pub fn glyph_rotated(
        &mut self,
        f: F,
        pt: f32,
        cx: f32,
        cy: f32,
        angle: f32,
        ch: char,
        c: Rgb,
        alpha: f32,
    ) {
        let fo = font(f);
        let scale = self.scale(f, pt);
        let sf = fo.as_scaled(scale);
        let id = sf.glyph_id(ch);
        let adv = sf.h_advance(id);
        let asc = sf.ascent();
        let desc = sf.descent();
        // Render upright into a small buffer whose centre is the glyph cell's centre.
        let bw = (adv.max(asc - desc) * 1.6).ceil() as i32 + 4;
        let bh = bw;
        let mut buf = vec![0f32; (bw * bh) as usize];
        let ox = bw as f32 / 2.0 - adv / 2.0;
        let oy = bh as f32 / 2.0 + (asc + desc) / 2.0;
        if let Some(og) = fo.outline_glyph(id.with_scale_and_position(scale, point(ox, oy))) {
            let b = og.px_bounds();
            og.draw(|gx, gy, cov| {
                let x = b.min.x as i32 + gx as i32;
                let y = b.min.y as i32 + gy as i32;
                if x >= 0 && y >= 0 && x < bw && y < bh {
                    buf[(y * bw + x) as usize] = cov;
                }
            });
        } else {
            return;
        }
        let (pcx, pcy) = (cx * self.ppm, cy * self.ppm);
        let (sa, ca) = angle.sin_cos();
        let half = bw as f32 * 0.75;
        for py in (pcy - half) as i32..=(pcy + half) as i32 {
            for px in (pcx - half) as i32..=(pcx + half) as i32 {
                let (dx, dy) = (px as f32 + 0.5 - pcx, py as f32 + 0.5 - pcy);
                // Inverse rotation into the upright buffer.
                let ux = dx * ca + dy * sa + bw as f32 / 2.0;
                let uy = -dx * sa + dy * ca + bh as f32 / 2.0;
                let (ix, iy) = (ux.floor() as i32, uy.floor() as i32);
                if ix < 0 || iy < 0 || ix + 1 >= bw || iy + 1 >= bh {
                    continue;
                }
                let (fx, fy) = (ux - ix as f32, uy - iy as f32);
                let at = |x: i32, y: i32| buf[(y * bw + x) as usize];
                let v = at(ix, iy) * (1.0 - fx) * (1.0 - fy)
                    + at(ix + 1, iy) * fx * (1.0 - fy)
                    + at(ix, iy + 1) * (1.0 - fx) * fy
                    + at(ix + 1, iy + 1) * fx * fy;
                if v > 0.0 {
                    self.blend(px, py, c, v * alpha, true);
                }
            }
        }
    }

    /// Text along the top arc of a circle (seal lettering), centred at angle -90°.
    #[allow(clippy::too_many_arguments)]
    pub fn arc_text(
        &mut self,
        f: F,
        pt: f32,
        cx: f32,
        cy: f32,
        r: f32,
        s: &str,
        c: Rgb,
        alpha: f32,
        top: bool,
    ) {
        let chars: Vec<char> = s.chars().collect();
        let widths: Vec<f32> = chars
            .iter()
            .map(|ch| self.text_width(f, pt, &ch.to_string()) * 1.08)
            .collect();
        let total: f32 = widths.iter().sum();
        let span = total / r;
        let mut a = if top {
            -std::f32::consts::FRAC_PI_2 - span / 2.0
        } else {
            std::f32::consts::FRAC_PI_2 + span / 2.0
        };
        for (ch, w) in chars.iter().zip(widths) {
            let da = w / r;
            let mid = if top { a + da / 2.0 } else { a - da / 2.0 };
            let (x, y) = (cx + r * mid.cos(), cy + r * mid.sin());
            let rot = if top {
                mid + std::f32::consts::FRAC_PI_2
            } else {
                mid - std::f32::consts::FRAC_PI_2
            };
            self.glyph_rotated(f, pt, x, y, rot, *ch, c, alpha);
            if top {
                a += da;
            } else {
                a -= da;
            }
        }
    }

    /// Copies `src` scaled into the box (x, y, w, h) mm (bilinear).
    pub fn blit(&mut self, src: &RgbImage, x: f32, y: f32, w: f32, h: f32) {
        let tw = (w * self.ppm).round().max(1.0) as u32;
        let th = (h * self.ppm).round().max(1.0) as u32;
        let scaled = image::imageops::resize(src, tw, th, image::imageops::FilterType::Triangle);
        let (x0, y0) = ((x * self.ppm).round() as i64, (y * self.ppm).round() as i64);
        for (sx, sy, p) in scaled.enumerate_pixels() {
            let (dx, dy) = (x0 + sx as i64, y0 + sy as i64);
            if dx >= 0
                && dy >= 0
                && (dx as u32) < self.img.width()
                && (dy as u32) < self.img.height()
            {
                self.img.put_pixel(dx as u32, dy as u32, *p);
            }
        }
    }
}
