//! Page preprocessing: grey (seal and signature ink whitened), crop to the document, scale to
//! ~300 dpi equivalent for cards and 250 for A4, deskew. Binarizing and background
//! normalization were tried and left out: tesseract's own thresholding did as well on grey.

use image::{GrayImage, Luma, RgbImage, imageops};
use imageproc::geometric_transformations::{Interpolation, rotate_about_center};

/// A page ready for recognition.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub grey: GrayImage,
    /// Estimated resolution of `grey`, passed to tesseract.
    pub dpi: u32,
    /// How `grey` was made from the page, to make another rendering of it that lines up.
    pub geometry: Geometry,
}

/// Crop (x, y, w, h), scaled size and deskew angle (degrees) from a page to its `grey`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    crop: (u32, u32, u32, u32),
    scaled: Option<(u32, u32)>,
    angle: f32,
}

/// Width of an ID-1 card in mm, and the short side of A4.
const CARD_MM: f32 = 85.6;
const A4_SHORT_MM: f32 = 210.0;
/// Target resolutions: small card print needs 300 dpi; A4 body text reads as well at 250.
/// Measured on the evaluation set: 450/320 dpi were slower and no more accurate.
const CARD_DPI: f32 = 300.0;
const PAGE_DPI: f32 = 250.0;

pub(crate) fn prepare(page: &RgbImage) -> Prepared {
    let grey = to_grey(page);
    let (x0, y0, w, h) = document_bounds(&grey);
    let cropped = imageops::crop_imm(&grey, x0, y0, w, h).to_image();
    let (long, short) = (w.max(h) as f32, w.min(h) as f32);
    let aspect = long / short.max(1.0);
    let is_card = (1.45..1.75).contains(&aspect);
    // Pixels per mm of the document as scanned, from its known physical size.
    let px_per_mm = if is_card {
        long / CARD_MM
    } else {
        short / A4_SHORT_MM
    };
    let src_dpi = px_per_mm * 25.4;
    let target = if is_card { CARD_DPI } else { PAGE_DPI };
    let (scaled, dpi, size) = if src_dpi > target * 1.15 {
        let f = target / src_dpi;
        let nw = ((w as f32) * f).round().max(1.0) as u32;
        let nh = ((h as f32) * f).round().max(1.0) as u32;
        (resize(&cropped, nw, nh), target, Some((nw, nh)))
    } else {
        (cropped, src_dpi.max(70.0), None)
    };
    let angle = skew_angle(&scaled);
    Prepared {
        grey: deskew(scaled, angle),
        dpi: dpi.round() as u32,
        geometry: Geometry {
            crop: (x0, y0, w, h),
            scaled: size,
            angle,
        },
    }
}

impl Geometry {
    /// A box `[x0, y0, x1, y1]` on the prepared `grey` back on the page it was made from: the
    /// deskew undone (`rotate_about_center` maps a page point p to c + R(angle)(p − c)), the
    /// scale undone, the crop's offset added; the bounding box of the four corners, clamped to
    /// the crop.
    pub(crate) fn page_box(&self, b: [i32; 4]) -> [u32; 4] {
        let (x0, y0, w, h) = self.crop;
        let (sw, sh) = self.scaled.unwrap_or((w, h));
        let (cx, cy) = (sw as f32 / 2.0, sh as f32 / 2.0);
        let (s, c) = (-self.angle).to_radians().sin_cos();
        let (fx, fy) = (w as f32 / sw.max(1) as f32, h as f32 / sh.max(1) as f32);
        let corners = [(b[0], b[1]), (b[2], b[1]), (b[0], b[3]), (b[2], b[3])].map(|(x, y)| {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            ((cx + dx * c - dy * s) * fx, (cy + dx * s + dy * c) * fy)
        });
        let lo = |k: fn(&(f32, f32)) -> f32| corners.iter().map(k).fold(f32::MAX, f32::min);
        let hi = |k: fn(&(f32, f32)) -> f32| corners.iter().map(k).fold(f32::MIN, f32::max);
        let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
        [
            x0 + clamp(lo(|p| p.0).floor(), w),
            y0 + clamp(lo(|p| p.1).floor(), h),
            x0 + clamp(hi(|p| p.0).ceil(), w),
            y0 + clamp(hi(|p| p.1).ceil(), h),
        ]
    }
}

fn deskew(img: GrayImage, angle: f32) -> GrayImage {
    if angle.abs() > 0.1 {
        rotate_about_center(
            &img,
            angle.to_radians(),
            Interpolation::Bilinear,
            Luma([255u8]),
        )
    } else {
        img
    }
}

/// The page again through the same crop, scale and deskew, with every red ink (a seal, however
/// deep its red) and blue ink whitened: the black print a seal is stamped over comes out whole.
pub(crate) fn without_red(page: &RgbImage, g: &Geometry) -> GrayImage {
    let grey = GrayImage::from_fn(page.width(), page.height(), |x, y| {
        let [r, gr, b] = page.get_pixel(x, y).0;
        let (r, gr, b) = (r as i32, gr as i32, b as i32);
        let red = r > 100 && r > gr + 50 && r > b + 30;
        let blue = b > r + 35 && b > gr + 25;
        if red || blue {
            Luma([255])
        } else {
            Luma([((r * 299 + gr * 587 + b * 114) / 1000) as u8])
        }
    });
    let (x0, y0, w, h) = g.crop;
    let cropped = imageops::crop_imm(&grey, x0, y0, w, h).to_image();
    let scaled = match g.scaled {
        Some((nw, nh)) => resize(&cropped, nw, nh),
        None => cropped,
    };
    deskew(scaled, g.angle)
}

/// A bilinear (triangle-filter) resize, the filter `image::imageops::resize` was used with
/// here, through `fast_image_resize`'s SIMD convolution: about ten times faster on an A4 page.
/// Falls back to `image` if the fast path refuses the sizes.
fn resize(src: &GrayImage, w: u32, h: u32) -> GrayImage {
    use fast_image_resize::images::{Image, ImageRef};
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    let (w, h) = (w.max(1), h.max(1));
    let fast = (|| {
        let from = ImageRef::new(src.width(), src.height(), src.as_raw(), PixelType::U8).ok()?;
        let mut to = Image::new(w, h, PixelType::U8);
        let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        Resizer::new().resize(&from, &mut to, &opts).ok()?;
        GrayImage::from_raw(w, h, to.into_vec())
    })();
    fast.unwrap_or_else(|| imageops::resize(src, w, h, imageops::FilterType::Triangle))
}

/// Luminance, with the light red of seals and the blue of signatures pushed to white so that they
/// do not hide the black print they overlap. Dark red print (titles, serial numbers) stays.
fn to_grey(page: &RgbImage) -> GrayImage {
    GrayImage::from_fn(page.width(), page.height(), |x, y| {
        let [r, g, b] = page.get_pixel(x, y).0;
        let (r, g, b) = (r as i32, g as i32, b as i32);
        let seal = r > 170 && r > g + 50 && g > 60;
        let ink = b > r + 35 && b > g + 25;
        if seal || ink {
            Luma([255])
        } else {
            Luma([((r * 299 + g * 587 + b * 114) / 1000) as u8])
        }
    })
}

/// The document's bounding box: rows and columns where most pixels differ from the scanner
/// background seen at the image border. The whole image when there is no border.
fn document_bounds(grey: &GrayImage) -> (u32, u32, u32, u32) {
    let (w, h) = grey.dimensions();
    let full = (0, 0, w, h);
    if w < 50 || h < 50 {
        return full;
    }
    let step = (w.max(h) / 400).max(1);
    let mut border: Vec<u8> = Vec::new();
    for x in (0..w).step_by(step as usize) {
        border.push(grey.get_pixel(x, 1).0[0]);
        border.push(grey.get_pixel(x, h - 2).0[0]);
    }
    for y in (0..h).step_by(step as usize) {
        border.push(grey.get_pixel(1, y).0[0]);
        border.push(grey.get_pixel(w - 2, y).0[0]);
    }
    border.sort_unstable();
    let bg = border[border.len() / 2] as i32;
    let differs = |x: u32, y: u32| (grey.get_pixel(x, y).0[0] as i32 - bg).abs() > 14;
    let frac_row = |y: u32| {
        let n = (0..w)
            .step_by(step as usize)
            .filter(|&x| differs(x, y))
            .count();
        n as f32 / (w / step).max(1) as f32
    };
    let frac_col = |x: u32| {
        let n = (0..h)
            .step_by(step as usize)
            .filter(|&y| differs(x, y))
            .count();
        n as f32 / (h / step).max(1) as f32
    };
    let rows: Vec<u32> = (0..h)
        .step_by(step as usize)
        .filter(|&y| frac_row(y) > 0.5)
        .collect();
    let cols: Vec<u32> = (0..w)
        .step_by(step as usize)
        .filter(|&x| frac_col(x) > 0.5)
        .collect();
    let (Some(&y0), Some(&y1), Some(&x0), Some(&x1)) =
        (rows.first(), rows.last(), cols.first(), cols.last())
    else {
        return full;
    };
    let (bw, bh) = (x1 + step - x0, y1 + step - y0);
    // Scanner margins are a few per cent of the image: a much smaller box means the background
    // was not told apart (uneven lighting on a light background), so read the whole image.
    if bw < w * 7 / 10 || bh < h * 7 / 10 {
        return full;
    }
    (x0, y0, bw.min(w - x0), bh.min(h - y0))
}

/// Skew in degrees (positive: text rises to the right... as measured in image coordinates), by the
/// projection profile of dark pixels on a small copy: the angle whose row histogram is sharpest.
fn skew_angle(grey: &GrayImage) -> f32 {
    let f = 700.0 / grey.width().max(grey.height()) as f32;
    let small = if f < 1.0 {
        resize(
            grey,
            (grey.width() as f32 * f) as u32,
            (grey.height() as f32 * f) as u32,
        )
    } else {
        grey.clone()
    };
    let t = imageproc::contrast::otsu_level(&small);
    let pts: Vec<(f32, f32)> = small
        .enumerate_pixels()
        .filter(|(_, _, p)| p.0[0] < t)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    if pts.len() < 100 {
        return 0.0;
    }
    let h = small.height() as f32 + small.width() as f32;
    let score = |deg: f32| {
        let (s, c) = deg.to_radians().sin_cos();
        let mut hist = vec![0u32; (2.0 * h) as usize + 2];
        for &(x, y) in &pts {
            let r = y * c - x * s + h;
            if r >= 0.0 && (r as usize) < hist.len() {
                hist[r as usize] += 1;
            }
        }
        hist.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>()
    };
    let mut best = (0.0f32, score(0.0));
    let mut a = -4.0f32;
    while a <= 4.0 {
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
        a += 0.25;
    }
    let center = best.0;
    let mut a = center - 0.25;
    while a <= center + 0.25 {
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
        a += 0.05;
    }
    // Rotating by this angle makes the rows level: y' = y cos − x sin.
    -best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bounding box of the pixels darker than 100.
    fn dark_box(img: &GrayImage) -> [i32; 4] {
        let mut b = [i32::MAX, i32::MAX, i32::MIN, i32::MIN];
        for (x, y, p) in img.enumerate_pixels() {
            if p.0[0] < 100 {
                let (x, y) = (x as i32, y as i32);
                b = [b[0].min(x), b[1].min(y), b[2].max(x + 1), b[3].max(y + 1)];
            }
        }
        b
    }

    #[test]
    fn a_box_on_the_deskewed_grey_maps_back_to_the_page() {
        // The deskew itself: a dot at (300, 100) on a 400×300 scaled raster, rotated 3°.
        let dot = GrayImage::from_fn(400, 300, |x, y| {
            Luma([if (298..302).contains(&x) && (98..102).contains(&y) {
                0
            } else {
                255
            }])
        });
        let g = Geometry {
            crop: (10, 20, 800, 600),
            scaled: Some((400, 300)),
            angle: 3.0,
        };
        let moved = dark_box(&deskew(dot, g.angle));
        assert!(
            (moved[1] - 98).abs() > 4 || (moved[0] - 298).abs() > 4,
            "the rotation moves the dot: {moved:?}"
        );
        let [x0, y0, x1, y1] = g.page_box(moved);
        // The dot on the page: crop offset + 2 × (300, 100).
        let (px, py) = (10 + 600, 20 + 200);
        assert!(
            x0 <= px + 4 && px <= x1 + 4 && y0 <= py + 4 && py <= y1 + 4,
            "page box {:?} misses ({px}, {py})",
            [x0, y0, x1, y1]
        );
        assert!(x1 - x0 < 20 && y1 - y0 < 20, "{:?}", [x0, y0, x1, y1]);
        // Crop and scale through `prepare`: an A4 page at ~19 px/mm on a grey bed, one black bar.
        let page = RgbImage::from_fn(4200, 5800, |x, y| {
            let on_paper = (100..4100).contains(&x) && (60..5700).contains(&y);
            let bar = (1000..2600).contains(&x) && (3000..3060).contains(&y);
            image::Rgb(match () {
                _ if bar => [10, 10, 10],
                _ if on_paper => [245, 243, 240],
                _ => [120, 120, 120],
            })
        });
        let pr = prepare(&page);
        assert!(pr.geometry.scaled.is_some(), "the page is scaled down");
        let [x0, y0, x1, y1] = pr.geometry.page_box(dark_box(&pr.grey));
        for (got, want) in [(x0, 1000), (y0, 3000), (x1, 2600), (y1, 3060)] {
            assert!(got.abs_diff(want) <= 20, "{:?}", [x0, y0, x1, y1]);
        }
    }

    #[test]
    fn without_red_keeps_black_print_under_a_deep_red_seal_in_the_same_geometry() {
        // An A4-shaped page on a grey bed: black print, a deep red seal ring across part of it,
        // a blue signature stroke.
        let page = RgbImage::from_fn(900, 1200, |x, y| {
            let on_paper = (40..860).contains(&x) && (40..1160).contains(&y);
            let print = (300..600).contains(&x) && (700..720).contains(&y);
            let ring = {
                let (dx, dy) = (x as f32 - 350.0, y as f32 - 700.0);
                let r = (dx * dx + dy * dy).sqrt();
                (80.0..95.0).contains(&r)
            };
            let pen = (500..700).contains(&x) && (650..653).contains(&y);
            image::Rgb(match () {
                _ if print => [20, 20, 20],
                _ if ring => [200, 30, 60],
                _ if pen => [40, 60, 200],
                _ if on_paper => [245, 243, 240],
                _ => [150, 150, 150],
            })
        });
        let pr = prepare(&page);
        let clean = without_red(&page, &pr.geometry);
        assert_eq!(
            clean.dimensions(),
            pr.grey.dimensions(),
            "lines up with the reading"
        );
        let dark = |img: &GrayImage| img.pixels().filter(|p| p.0[0] < 100).count();
        // The ring is ink in the main rendering and gone without red; the print stays.
        assert!(
            dark(&clean) < dark(&pr.grey),
            "{} vs {}",
            dark(&clean),
            dark(&pr.grey)
        );
        assert!(dark(&clean) > 0, "the black print is kept");
    }

    /// The fast resize gives the pixels the `image` crate's triangle filter gave (the images
    /// tesseract was measured on), within rounding.
    #[test]
    fn the_fast_resize_matches_the_triangle_filter() {
        let src = GrayImage::from_fn(1203, 877, |x, y| {
            // Print-like content: thin strokes and edges, not a smooth gradient.
            let v = if (x / 7 + y / 11) % 3 == 0 || (x * y) % 97 < 9 {
                20
            } else {
                235
            };
            Luma([v])
        });
        for (w, h) in [(1002, 731), (700, 510), (301, 219)] {
            let fast = resize(&src, w, h);
            let slow = imageops::resize(&src, w, h, imageops::FilterType::Triangle);
            assert_eq!(fast.dimensions(), (w, h));
            let diff: u64 = fast
                .pixels()
                .zip(slow.pixels())
                .map(|(a, b)| u64::from(a.0[0].abs_diff(b.0[0])))
                .sum();
            let mean = diff as f64 / f64::from(w * h);
            assert!(mean < 1.5, "{w}x{h}: mean difference {mean:.2} levels");
        }
    }
}
