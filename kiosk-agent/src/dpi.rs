//! The scan's resolution when the file does not state it, from the document's known size:
//! an ID card is ID-1 (85.60 × 53.98 mm), the other originals are A4 (297 × 210 mm). The
//! document is found as the region that differs from the scanner bed (the colour along the
//! image border); its long side in pixels over the document's long side gives the dpi.
//! Copies are printed at true size (issue 3), so a card scanned at 600 dpi must not come out
//! twice as large because the JPEG carries no density.

use image::RgbImage;
use truecopy_domain::DocumentType;

/// Long side over short side of the original (ID-1 1.586, A4 1.414).
fn aspect(t: DocumentType) -> f32 {
    match t {
        DocumentType::CitizenId => 85.60 / 53.98,
        _ => 297.0 / 210.0,
    }
}

/// Long side of the original, in inches.
fn long_side_in(t: DocumentType) -> f32 {
    match t {
        DocumentType::CitizenId => 85.60 / 25.4,
        _ => 297.0 / 25.4,
    }
}

/// Bounding box (x0, y0, x1, y1) of what is not scanner bed, on a grid of `step` pixels.
pub fn document_box(img: &RgbImage, step: u32) -> Option<(u32, u32, u32, u32)> {
    let (w, h) = img.dimensions();
    if w < 64 || h < 64 {
        return None;
    }
    // The bed's colour: median of the outermost ring of samples.
    let mut ring: Vec<[u8; 3]> = Vec::new();
    for x in (0..w).step_by(step as usize) {
        ring.push(img.get_pixel(x, 0).0);
        ring.push(img.get_pixel(x, h - 1).0);
    }
    for y in (0..h).step_by(step as usize) {
        ring.push(img.get_pixel(0, y).0);
        ring.push(img.get_pixel(w - 1, y).0);
    }
    let med = |c: usize| {
        let mut v: Vec<u8> = ring.iter().map(|p| p[c]).collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    let bed = [med(0), med(1), med(2)];
    let (gw, gh) = (w.div_ceil(step), h.div_ceil(step));
    let mut cols = vec![0u32; gw as usize];
    let mut rows = vec![0u32; gh as usize];
    for (gy, y) in (0..h).step_by(step as usize).enumerate() {
        for (gx, x) in (0..w).step_by(step as usize).enumerate() {
            let p = img.get_pixel(x, y).0;
            let d = (0..3)
                .map(|c| (i16::from(p[c]) - i16::from(bed[c])).unsigned_abs())
                .max()
                .unwrap_or(0);
            if d > 28 {
                cols[gx] += 1;
                rows[gy] += 1;
            }
        }
    }
    // A row/column belongs to the document when a real share of it differs from the bed.
    let span = |v: &[u32], other: u32| {
        let need = (other / 10).max(2);
        let first = v.iter().position(|&c| c >= need)?;
        let last = v.iter().rposition(|&c| c >= need)?;
        (last > first).then_some((first as u32, last as u32))
    };
    let (x0, x1) = span(&cols, gh)?;
    let (y0, y1) = span(&rows, gw)?;
    Some((
        x0 * step,
        y0 * step,
        (x1 * step).min(w - 1),
        (y1 * step).min(h - 1),
    ))
}

/// The estimated resolution of a scan of a document of type `t`, if it is plausible
/// (150–1200 dpi) and the document does not fill the whole image (then its size is unknown).
pub fn estimate(img: &RgbImage, t: DocumentType) -> Option<f32> {
    let (w, h) = img.dimensions();
    let (x0, y0, x1, y1) = document_box(img, 4)?;
    let (bw, bh) = ((x1 - x0) as f32, (y1 - y0) as f32);
    // Touching the border on both sides of an axis: the page was cut off or fills the scan.
    if (x0 == 0 && x1 >= w - 5) || (y0 == 0 && y1 >= h - 5) {
        return None;
    }
    // A slightly rotated rectangle's box is a little larger than the rectangle (±3° ≈ +3 %).
    let long_px = bw.max(bh);
    // The box must have the document's proportions (within what a ±3° skew adds), or what was
    // found is not the whole document (a pale page on a pale bed, a shadow): no estimate then.
    let ratio = long_px / bw.min(bh).max(1.0);
    if (ratio / aspect(t) - 1.0).abs() > 0.08 {
        return None;
    }
    let dpi = snap(long_px / long_side_in(t));
    (150.0..=1200.0).contains(&dpi).then_some(dpi)
}

/// Scanners work at a few standard resolutions: a measurement within 12 % of one is that one
/// (the box of a slightly rotated or shadowed page is a few per cent off).
fn snap(dpi: f32) -> f32 {
    const STANDARD: [f32; 7] = [150.0, 200.0, 240.0, 300.0, 400.0, 600.0, 1200.0];
    STANDARD
        .iter()
        .copied()
        .filter(|s| (dpi - s).abs() <= 0.12 * s)
        .min_by(|a, b| (dpi - a).abs().total_cmp(&(dpi - b).abs()))
        .unwrap_or(dpi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(doc_w: u32, doc_h: u32, margin: u32) -> RgbImage {
        let mut img = RgbImage::from_pixel(
            doc_w + 2 * margin,
            doc_h + 2 * margin,
            image::Rgb([190, 190, 190]),
        );
        for y in margin..margin + doc_h {
            for x in margin..margin + doc_w {
                img.put_pixel(x, y, image::Rgb([250, 248, 240]));
            }
        }
        img
    }

    #[test]
    fn a_card_at_600_dpi_measures_about_600() {
        // 85.6 × 54 mm at 600 dpi = 2022 × 1275 px.
        let d = estimate(&scan(2022, 1275, 120), DocumentType::CitizenId).expect("estimate");
        assert_eq!(d, 600.0);
        // A few per cent off (shadow, rotation) still snaps to the scanner's setting.
        let d = estimate(&scan(1940, 1225, 120), DocumentType::CitizenId).expect("estimate");
        assert_eq!(d, 600.0);
    }

    #[test]
    fn an_a4_page_at_200_dpi_measures_about_200() {
        let d = estimate(&scan(1654, 2339, 40), DocumentType::Decision).expect("estimate");
        assert_eq!(d, 200.0);
        // 254 dpi measured: within 12 % of the 240 dpi setting.
        let d = estimate(&scan(2100, 2970, 40), DocumentType::Decision).expect("estimate");
        assert_eq!(d, 240.0);
        // Far from every setting: the measurement itself.
        assert!((snap(1000.0) - 1000.0).abs() < f32::EPSILON);
    }

    #[test]
    fn a_page_filling_the_scan_gives_no_estimate() {
        let img = RgbImage::from_pixel(1000, 1400, image::Rgb([250, 250, 250]));
        assert_eq!(estimate(&img, DocumentType::Decision), None);
        assert_eq!(
            estimate(&RgbImage::new(10, 10), DocumentType::Decision),
            None
        );
    }
}
