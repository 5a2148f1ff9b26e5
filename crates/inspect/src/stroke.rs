//! How heavy printed text is: the mean stroke width of the ink in a box, for comparing a field's
//! value with its label on one line (a value retyped over correction fluid is rarely in the
//! form's own bold).
//!
//! Measured at the scan's own resolution (a stroke of a 12-pt bold letter is a few px at 300
//! dpi; the working raster would blur it away). Ink is every pixel darker than the midpoint
//! between the boxes' paper (90th percentile of their grey) and their ink (2nd percentile), one
//! threshold for both boxes, so blur and exposure move both widths alike; a box's stroke width
//! is 2 × its ink's area over the ink's boundary pixels (an ink pixel with a non-ink 4-neighbour
//! or the box's edge beside it), which for a stroke long against its width is its width.

use image::RgbImage;

use crate::{Finding, Verdict};

/// Ink pixels a box needs for its stroke width to be measured.
const MIN_INK: usize = 60;
/// Contrast (grey levels between paper and ink) below which nothing is measured.
const MIN_CONTRAST: u8 = 60;

/// The mean stroke width (px) of the ink in `label` and in `value` (`[x0, y0, x1, y1]` in
/// `img`'s px, clamped to it): `None` when either box holds less than [`MIN_INK`] ink pixels or
/// the boxes show no clear ink on paper.
pub fn stroke_widths(img: &RgbImage, label: [u32; 4], value: [u32; 4]) -> Option<(f32, f32)> {
    let grey = |[x0, y0, x1, y1]: [u32; 4]| -> Option<(usize, Vec<u8>)> {
        let (x1, y1) = (x1.min(img.width()), y1.min(img.height()));
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let w = (x1 - x0) as usize;
        let mut out = Vec::with_capacity(w * (y1 - y0) as usize);
        for y in y0..y1 {
            for x in x0..x1 {
                let [r, g, b] = img.get_pixel(x, y).0.map(i32::from);
                out.push(crate::raster::luma(r, g, b));
            }
        }
        Some((w, out))
    };
    let (l, v) = (grey(label)?, grey(value)?);
    let mut hist = [0u64; 256];
    for &g in l.1.iter().chain(&v.1) {
        hist[g as usize] += 1;
    }
    let paper = crate::raster::hist_percentile(&hist, 0.9);
    let ink = crate::raster::hist_percentile(&hist, 0.02);
    if paper.saturating_sub(ink) < MIN_CONTRAST {
        return None;
    }
    let threshold = ink / 2 + paper / 2;
    let width = |(w, g): &(usize, Vec<u8>)| -> Option<f32> {
        let h = g.len() / w;
        let at = |x: usize, y: usize| g[y * w + x] < threshold;
        let (mut area, mut edge) = (0usize, 0usize);
        for y in 0..h {
            for x in 0..*w {
                if !at(x, y) {
                    continue;
                }
                area += 1;
                let inner = x > 0
                    && y > 0
                    && x + 1 < *w
                    && y + 1 < h
                    && at(x - 1, y)
                    && at(x + 1, y)
                    && at(x, y - 1)
                    && at(x, y + 1);
                edge += usize::from(!inner);
            }
        }
        (area >= MIN_INK).then(|| 2.0 * area as f32 / edge.max(1) as f32)
    };
    Some((width(&l)?, width(&v)?))
}

/// How much wider than its label's a bold value's strokes are at the least, on a birth
/// certificate (its form prints the holder's and the parents' names, the date of birth and the
/// registration date bold after a regular label): a value under it was printed in another
/// weight, most often retyped over correction fluid in the typewriter's or the printer's
/// regular font.
///
/// Measured 2026-12-07 (`truecopy-specimens generate --types birth_certificate --variants
/// altered,valid --repeat 3 --today 2026-12-03`, readings from `truecopy-ocr`'s `one` example,
/// the `stroke_weights` example), value / label stroke width:
///
/// | seeds | untouched values | retyped values | retyped under 1.3 |
/// |---|---|---|---|
/// | 21–36 (drawn on) | 425 lines, ×1.35–1.72 | 48 lines, ×0.96–1.28 | 48 |
/// | 81–88 | 214 lines, ×1.36–1.76 | 24 lines, ×0.96–1.30 | 23 |
/// | 91–98 (held out) | 214 lines, ×1.36–1.72 | 24 lines, ×0.96–1.25 | 24 |
///
/// 1.3 is the middle of the gap on the first set. Drawn on the project's specimens only: a
/// certificate filled in by hand, or a form printing its values in regular type, is sent to an
/// officer by it; measure it on real certificates before relying on it.
pub const BOLD_VALUE_MIN: f32 = 1.3;

/// The `altered_original` sign of values a form prints bold (`(field, label, value)`, the
/// label's and the value's boxes on one line in `img`'s px, as OCR read them): `Unknown` naming
/// each value whose strokes are less than [`BOLD_VALUE_MIN`] times as wide as its label's
/// (regions: those values), never a refusal (a form printed otherwise, a light print run);
/// `None` when every value measured is bold.
pub fn bold_values_verdict(
    img: &RgbImage,
    values: &[(&str, [u32; 4], [u32; 4])],
) -> Option<Verdict> {
    let light: Vec<(&str, [u32; 4], f32)> = values
        .iter()
        .filter_map(|&(field, label, value)| {
            let (l, v) = stroke_widths(img, label, value)?;
            (v / l < BOLD_VALUE_MIN).then_some((field, value, v / l))
        })
        .collect();
    if light.is_empty() {
        return None;
    }
    let each: Vec<String> = light
        .iter()
        .map(|(field, [x0, y0, x1, y1], ratio)| {
            format!(
                "{field}, {}×{} px at ({x0}, {y0}) (scan px): strokes ×{ratio:.2} its label's (the form's bold values: ≥ ×{BOLD_VALUE_MIN:.2})",
                x1 - x0,
                y1 - y0
            )
        })
        .collect();
    Some(
        Verdict::new(
            Finding::Unknown,
            format!(
                "a value printed lighter than the form prints it (retyped?), an officer looks: {}",
                each.join("; ")
            ),
            0.5,
        )
        .at(light.iter().map(|l| l.1).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// Vertical bars `stroke` px wide, 30 px high, every 12 px from `x0`, on paper.
    fn bars(img: &mut RgbImage, x0: u32, stroke: u32) {
        bars_at(img, x0, 10, stroke);
    }

    /// [`bars`] from `y0` down.
    fn bars_at(img: &mut RgbImage, x0: u32, y0: u32, stroke: u32) {
        for k in 0..8 {
            for x in x0 + k * 12..x0 + k * 12 + stroke {
                for y in y0..y0 + 30 {
                    img.put_pixel(x, y, Rgb([25, 25, 30]));
                }
            }
        }
    }

    #[test]
    fn bold_strokes_measure_wider_than_regular_ones_on_one_line() {
        let mut img = RgbImage::from_pixel(400, 50, Rgb([245, 240, 236]));
        bars(&mut img, 10, 2);
        bars(&mut img, 200, 4);
        let (label, value) = ([5, 5, 110, 45], [195, 5, 300, 45]);
        let (l, v) = stroke_widths(&img, label, value).expect("ink on paper");
        // A bar w wide and 30 high: 2 × 30w / (2 × 30 + 2 (w − 2)) ≈ w.
        assert!((l - 2.0).abs() < 0.2, "{l}");
        assert!((v - 3.7).abs() < 0.3, "{v}");
        // The same weight on both sides: the same width.
        let (l2, v2) = stroke_widths(&img, label, label).expect("ink on paper");
        assert_eq!(l2, v2);
    }

    #[test]
    fn a_value_as_light_as_its_label_is_named_for_an_officer() {
        // Two lines: a bold value after its label, then a regular one.
        let mut img = RgbImage::from_pixel(400, 100, Rgb([245, 240, 236]));
        bars_at(&mut img, 10, 10, 2);
        bars_at(&mut img, 200, 10, 4);
        bars_at(&mut img, 10, 60, 2);
        bars_at(&mut img, 200, 60, 2);
        let values = [
            ("full_name", [5, 5, 110, 45], [195, 5, 300, 45]),
            ("date_of_birth", [5, 55, 110, 95], [195, 55, 300, 95]),
        ];
        let v = bold_values_verdict(&img, &values).expect("a regular value");
        assert_eq!(v.finding, Finding::Unknown);
        assert_eq!(v.regions, vec![values[1].2]);
        assert!(v.detail.contains("date_of_birth,"), "{}", v.detail);
        assert!(!v.detail.contains("full_name"), "{}", v.detail);
        // Every value bold: nothing.
        assert_eq!(bold_values_verdict(&img, &values[..1]), None);
    }

    #[test]
    fn boxes_without_ink_or_off_the_image_are_not_measured() {
        let mut img = RgbImage::from_pixel(400, 50, Rgb([245, 240, 236]));
        bars(&mut img, 10, 2);
        assert_eq!(
            stroke_widths(&img, [5, 5, 110, 45], [200, 5, 300, 45]),
            None
        );
        assert_eq!(
            stroke_widths(&img, [5, 5, 110, 45], [500, 5, 600, 45]),
            None
        );
        let blank = RgbImage::from_pixel(400, 50, Rgb([245, 240, 236]));
        assert_eq!(
            stroke_widths(&blank, [5, 5, 110, 45], [200, 5, 300, 45]),
            None
        );
    }
}
