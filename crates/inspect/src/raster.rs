//! The working raster: the scan box-averaged by an integer factor to about [`WORK_LONG_SIDE`]
//! pixels on its long side, as luma plus a per-pixel colour description.

use image::RgbImage;

/// Target long side of the working raster. Every figure in this crate is measured at this scale,
/// so thresholds do not depend on the scanner's resolution.
pub const WORK_LONG_SIDE: u32 = 1200;

/// Below this (working pixels on the short side) nothing can be judged.
pub const MIN_SIDE: usize = 48;

/// Hue class of a strongly coloured pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hue {
    /// Not strongly coloured.
    Neutral,
    /// Red, pink, crimson (seal ink, copy-stamp ink): hue in [330°, 360°) ∪ [0°, 25°].
    Red,
    /// Any other clear hue (blue ink, yellow/gold emblem, green/cyan backgrounds, brown frames).
    Other,
}

#[derive(Debug)]
pub struct Work {
    pub w: usize,
    pub h: usize,
    /// Scan pixels per working pixel (each side).
    pub factor: u32,
    /// Luma 0..=255.
    pub grey: Vec<u8>,
    /// max(R,G,B) − min(R,G,B), 0..=255.
    pub chroma: Vec<u8>,
    /// Hue class (only for pixels with enough chroma).
    pub hue: Vec<Hue>,
}

/// Chroma from which a pixel counts as clearly coloured.
pub const STRONG_CHROMA: u8 = 36;

impl Work {
    /// Box-average `img`. `None` when the result would be too small to judge.
    pub fn new(img: &RgbImage) -> Option<Work> {
        let factor = Work::factor_of(img)?;
        let (iw, ih) = img.dimensions();
        Work::region(
            img,
            factor,
            0,
            0,
            (iw / factor) as usize,
            (ih / factor) as usize,
        )
    }

    /// Scan px per working px for `img` (`None` for an empty image).
    pub fn factor_of(img: &RgbImage) -> Option<u32> {
        let long = img.width().max(img.height());
        (long > 0).then(|| ((long as f64 / WORK_LONG_SIDE as f64).round() as u32).max(1))
    }

    /// The part `x0..x1` × `y0..y1` (working px at `factor`, clamped to the image) of the
    /// working raster, box-averaged from `img` alone: what [`Work::new`] would give there, at a
    /// fraction of the cost. `None` when less than [`MIN_SIDE`] px remain on a side.
    pub fn region(
        img: &RgbImage,
        factor: u32,
        x0: usize,
        y0: usize,
        x1: usize,
        y1: usize,
    ) -> Option<Work> {
        let (iw, ih) = img.dimensions();
        let factor = factor.max(1);
        let x1 = x1.min((iw / factor) as usize);
        let y1 = y1.min((ih / factor) as usize);
        if x1 < x0 + MIN_SIDE || y1 < y0 + MIN_SIDE {
            return None;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        let f = factor as usize;
        let area = (f * f) as u32;
        let raw = img.as_raw();
        let stride = iw as usize * 3;
        let mut grey = vec![0u8; w * h];
        let mut chroma = vec![0u8; w * h];
        let mut hue = vec![Hue::Neutral; w * h];
        let mut acc = vec![0u32; w * 3];
        for y in 0..h {
            acc.iter_mut().for_each(|a| *a = 0);
            for dy in 0..f {
                let start = ((y0 + y) * f + dy) * stride + x0 * f * 3;
                let row = &raw[start..start + w * f * 3];
                for (a, block) in acc.chunks_exact_mut(3).zip(row.chunks_exact(f * 3)) {
                    for p in block.chunks_exact(3) {
                        a[0] += u32::from(p[0]);
                        a[1] += u32::from(p[1]);
                        a[2] += u32::from(p[2]);
                    }
                }
            }
            for (x, a) in acc.chunks_exact(3).enumerate() {
                let r = (a[0] / area) as i32;
                let g = (a[1] / area) as i32;
                let b = (a[2] / area) as i32;
                let i = y * w + x;
                grey[i] = luma(r, g, b);
                let mx = r.max(g).max(b);
                let mn = r.min(g).min(b);
                let c = (mx - mn) as u8;
                chroma[i] = c;
                if c >= STRONG_CHROMA && c as f32 >= 0.18 * mx as f32 {
                    hue[i] = classify_hue(r, g, b, mx, mn);
                }
            }
        }
        Some(Work {
            w,
            h,
            factor,
            grey,
            chroma,
            hue,
        })
    }

    #[inline]
    pub fn g(&self, x: usize, y: usize) -> u8 {
        self.grey[y * self.w + x]
    }
}

/// Luma (Rec. 601) of an RGB pixel, 0..=255.
#[inline]
pub(crate) fn luma(r: i32, g: i32, b: i32) -> u8 {
    ((299 * r + 587 * g + 114 * b + 500) / 1000) as u8
}

fn classify_hue(r: i32, g: i32, b: i32, mx: i32, mn: i32) -> Hue {
    let d = (mx - mn) as f32;
    let h = if mx == r {
        60.0 * ((g - b) as f32 / d)
    } else if mx == g {
        60.0 * ((b - r) as f32 / d + 2.0)
    } else {
        60.0 * ((r - g) as f32 / d + 4.0)
    };
    let h = if h < 0.0 { h + 360.0 } else { h };
    if !(25.0..330.0).contains(&h) {
        Hue::Red
    } else {
        Hue::Other
    }
}

/// Percentile (0..=1) of a 256-bin histogram.
pub fn hist_percentile(hist: &[u64; 256], q: f64) -> u8 {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 0;
    }
    let target = (q.clamp(0.0, 1.0) * (total - 1) as f64).round() as u64;
    let mut acc = 0u64;
    for (v, &n) in hist.iter().enumerate() {
        acc += n;
        if acc > target {
            return v as u8;
        }
    }
    255
}

/// A 4-connected block of set cells in a `cw`-wide grid: its cell count and bounding box
/// (inclusive, in cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blob {
    pub n: usize,
    pub x0: usize,
    pub x1: usize,
    pub y0: usize,
    pub y1: usize,
}

/// The 4-connected block of `mask` cells that contains `start` (which must be set and not yet
/// `seen`); marks its cells in `seen`. `stack` is scratch space reused between calls.
pub fn flood(
    mask: &[bool],
    seen: &mut [bool],
    stack: &mut Vec<usize>,
    start: usize,
    cw: usize,
) -> Blob {
    let ch = mask.len() / cw;
    seen[start] = true;
    stack.push(start);
    let mut b = Blob {
        n: 0,
        x0: usize::MAX,
        x1: 0,
        y0: usize::MAX,
        y1: 0,
    };
    while let Some(i) = stack.pop() {
        b.n += 1;
        let (x, y) = (i % cw, i / cw);
        (b.x0, b.x1, b.y0, b.y1) = (b.x0.min(x), b.x1.max(x), b.y0.min(y), b.y1.max(y));
        for (ok, j) in [
            (x > 0, i.wrapping_sub(1)),
            (x + 1 < cw, i + 1),
            (y > 0, i.wrapping_sub(cw)),
            (y + 1 < ch, i + cw),
        ] {
            if ok && mask[j] && !seen[j] {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_images_are_refused() {
        assert!(Work::new(&RgbImage::new(1, 1)).is_none());
        assert!(Work::new(&RgbImage::new(0, 0)).is_none());
        assert!(Work::new(&RgbImage::new(4000, 10)).is_none());
    }

    #[test]
    fn a_region_is_that_part_of_the_whole_raster() {
        let img = RgbImage::from_fn(2500, 1700, |x, y| {
            image::Rgb([
                (x * 7 % 251) as u8,
                (y * 13 % 241) as u8,
                ((x + y) % 256) as u8,
            ])
        });
        let whole = Work::new(&img).unwrap();
        assert_eq!(whole.factor, 2);
        let (x0, y0, x1, y1) = (37, 401, 611, 530);
        let part = Work::region(&img, whole.factor, x0, y0, x1, y1).unwrap();
        assert_eq!((part.w, part.h), (x1 - x0, y1 - y0));
        for y in 0..part.h {
            for x in 0..part.w {
                let (i, j) = (y * part.w + x, (y0 + y) * whole.w + x0 + x);
                assert_eq!(
                    (part.grey[i], part.chroma[i], part.hue[i]),
                    (whole.grey[j], whole.chroma[j], whole.hue[j]),
                    "({x}, {y})"
                );
            }
        }
        // Clamped to the image; too little left is nothing.
        let edge = Work::region(&img, 2, 1200, 800, 5000, 5000).unwrap();
        assert_eq!((edge.w, edge.h), (50, 50));
        assert!(Work::region(&img, 2, 1230, 0, 5000, 100).is_none());
    }

    #[test]
    fn box_average_and_hue() {
        let img = RgbImage::from_fn(2400, 1200, |x, _| {
            if x < 1200 {
                image::Rgb([200, 30, 30])
            } else {
                image::Rgb([30, 60, 200])
            }
        });
        let w = Work::new(&img).unwrap();
        assert_eq!((w.w, w.h), (1200, 600));
        assert_eq!(w.hue[10], Hue::Red);
        assert_eq!(w.hue[1100], Hue::Other);
    }
}
