//! Pure image analysis of one scanned page: the `low_quality`, `not_an_original` and
//! `altered_original` checks of a kiosk session (reason codes in `truecopy_domain::checks`).
//!
//! Everything is measured on a *working raster*: the scan box-averaged by an integer factor to
//! about 1200 px on its long side, so thresholds do not depend on the scanner's resolution and a
//! page costs a few tens of milliseconds. No OCR and no models: figures a person can check, each
//! verdict's `detail` naming them with the thresholds. Where the figures are between the "clearly
//! fine" and "clearly wrong" thresholds the finding is [`Finding::Unknown`] and the pipeline sends
//! the case to an officer: a false refusal turns away a citizen's real original, a missed one
//! certifies a forgery.
//!
//! Never panics: empty, tiny, enormous or uniform images give a verdict (quality `Fail`, the
//! others `Unknown` when nothing can be judged).

use std::time::Instant;

use image::RgbImage;
use serde::Serialize;

mod alteration;
mod copy;
mod field;
mod flat;
mod quality;
mod raster;
mod stamp;
mod stroke;
/// Synthetic scans for tests and benchmarks (no fonts; deterministic).
pub mod synth;

/// Flat-patch score from which the patch alone refuses (see `PageInspection::alteration`).
pub use field::{LinePatch, line_patches, lines_verdict, page_lines_verdict};
pub use flat::REFUSE as FLAT_REFUSE;
pub use stamp::stamp_text_says_copy;
pub use stroke::{BOLD_VALUE_MIN, bold_values_verdict, stroke_widths};

/// What the scanned page is a side or page of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PageKind {
    /// CCCD card, front side (portrait, tinted background, red title, gold emblem).
    IdCardFront,
    /// CCCD card, back side (chip, fingerprints, MRZ, red seal).
    IdCardBack,
    /// An A4 paper (birth certificate, diploma, decision letter, other), either orientation.
    A4Page,
}

/// The outcome of one check on one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Finding {
    /// Checked and fine.
    Pass,
    /// Checked and the problem is there.
    Fail,
    /// Could not be decided by the machine: an officer must look.
    Unknown,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub finding: Finding,
    /// One line with the measured figures and the thresholds, for officers.
    pub detail: String,
    /// How strongly the problem is indicated: 0 = clearly absent, 1 = clearly present.
    pub score: f32,
    /// Where on the scan the sign was found, when it is in places (patches): `[x0, y0, x1, y1]`
    /// in the scan's own pixels, so it can be laid over what OCR read there; the place the
    /// detail names first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<[u32; 4]>,
}

impl Verdict {
    fn new(finding: Finding, detail: impl Into<String>, score: f32) -> Verdict {
        let score = if score.is_finite() {
            score.clamp(0.0, 1.0)
        } else {
            1.0
        };
        Verdict {
            finding,
            detail: detail.into(),
            score,
            regions: Vec::new(),
        }
    }

    fn at(self, regions: Vec<[u32; 4]>) -> Verdict {
        Verdict { regions, ..self }
    }
}

/// The three checks of one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageInspection {
    /// `low_quality`: blurred, glare, cut off.
    pub quality: Verdict,
    /// `not_an_original`: the page is itself a photocopy.
    pub copy: Verdict,
    /// `altered_original`: a field erased and overwritten (correction-patch outline, white patch
    /// on tinted paper, or — on A4 pages — a flat, outline-less patch: `Fail` from
    /// [`FLAT_REFUSE`], `Unknown` below).
    pub alteration: Verdict,
    /// Wall time of this call.
    pub timings_ms: f64,
}

/// Inspect one scanned page.
pub fn inspect_page(img: &RgbImage, kind: PageKind) -> PageInspection {
    let start = Instant::now();
    let (iw, ih) = img.dimensions();
    let Some(work) = raster::Work::new(img) else {
        let why = format!("image too small to judge ({iw}×{ih} px)");
        return PageInspection {
            quality: Verdict::new(Finding::Fail, why.clone(), 1.0),
            copy: Verdict::new(Finding::Unknown, why.clone(), 0.5),
            alteration: Verdict::new(Finding::Unknown, why, 0.5),
            timings_ms: start.elapsed().as_secs_f64() * 1e3,
        };
    };
    let q = quality::measure(&work);
    let quality = quality::verdict(&q);
    let copy = copy::verdict(&copy::measure(&work), kind);
    let blank = q.contrast < 24;
    let alteration = if blank {
        Verdict::new(
            Finding::Unknown,
            format!("no usable contrast ({})", q.contrast),
            0.5,
        )
    } else if q.sharpness < quality::BLUR_FAIL {
        // A faint patch outline does not survive blur: say so rather than pass.
        Verdict::new(
            Finding::Unknown,
            format!(
                "too blurred to look for a correction patch (sharpness {:.3})",
                q.sharpness
            ),
            0.5,
        )
    } else {
        alteration::verdict(&alteration::measure(&work, kind), work.factor)
    };
    let copy = if blank {
        Verdict::new(
            Finding::Unknown,
            format!("no usable contrast ({}): {}", q.contrast, copy.detail),
            0.5,
        )
    } else if copy.finding == Finding::Fail
        && (q.sharpness < quality::BLUR_PASS
            || (kind == PageKind::A4Page && quality.finding != Finding::Pass))
    {
        // Blur washes thin coloured strokes (a blue signature) out to grey, and a page cut off
        // may have lost its seal and signature: no refusal on missing colour then. (A card's
        // tint covers it all, so a cut-off card still shows it.)
        Verdict::new(
            Finding::Unknown,
            format!(
                "scan too poor to rule on missing colour ({}): {}",
                quality.detail, copy.detail
            ),
            copy.score.min(0.9),
        )
    } else {
        copy
    };
    PageInspection {
        quality,
        copy,
        alteration,
        timings_ms: start.elapsed().as_secs_f64() * 1e3,
    }
}

/// Linear map of `x` from `pass` (→ 0) to `fail` (→ 1), clamped; works for either direction.
fn ramp(x: f32, pass: f32, fail: f32) -> f32 {
    if !x.is_finite() || pass == fail {
        return 1.0;
    }
    ((x - pass) / (fail - pass)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_images_do_not_panic() {
        for (w, h) in [
            (0, 0),
            (1, 1),
            (1, 5000),
            (47, 47),
            (48, 48),
            (60, 3000),
            (3000, 60),
        ] {
            for kind in [
                PageKind::IdCardFront,
                PageKind::IdCardBack,
                PageKind::A4Page,
            ] {
                let r = inspect_page(&RgbImage::new(w, h), kind);
                assert_eq!(r.quality.finding, Finding::Fail, "{w}×{h}");
                assert_ne!(r.copy.finding, Finding::Pass, "{w}×{h}");
                assert_ne!(r.alteration.finding, Finding::Pass, "{w}×{h}");
            }
        }
        let white = RgbImage::from_pixel(500, 700, image::Rgb([255, 255, 255]));
        let r = inspect_page(&white, PageKind::A4Page);
        assert_eq!(r.quality.finding, Finding::Fail);
    }

    #[test]
    fn ramp_is_clamped_both_ways() {
        assert_eq!(ramp(0.5, 0.2, 0.1), 0.0);
        assert_eq!(ramp(0.05, 0.2, 0.1), 1.0);
        assert_eq!(ramp(0.0, 0.02, 0.05), 0.0);
        assert_eq!(ramp(f32::NAN, 0.02, 0.05), 1.0);
    }
}
