//! `altered_original` on an ID card's field lines, where OCR found them, and on every text line
//! of an A4 page ([`page_lines_verdict`]: also by colour, an officer looks).
//!
//! A card's paper is tinted and printed all over with a fine pattern (guilloche, wavy lines)
//! before the personal data is printed on it. Correction fluid or tape over a value covers that
//! pattern and is whiter than the tint: the paper between and just around the retyped letters is
//! flat and light where the paper above and below the line is tinted and patterned. The
//! page-wide detectors miss it on a card ([`crate::alteration`]): the card's own illumination
//! gradient makes a global paper level useless, and a patch fitted to a value's line is most of
//! any tile a local level would be taken from.
//!
//! So each value line OCR located (its box in scan px) is judged against the paper right above
//! and below *that* line. Method (working raster, on a crop around the line): the paper mask and
//! the printed-pattern mask of [`crate::flat`]; the line's words (letter blobs on one line); for
//! each word, its *halo* (the paper between its letters, over the line's height) against its
//! *ring* (the paper from [`RING_IN`] to [`RING_OUT`] line heights above and below the line, half
//! a line height beyond the word at each end). The paper's light level is the [`LIGHT_Q`]
//! quantile of its grey (it skips the pattern's lines and glyph edges); the ring's is that of its
//! lighter side (a line by the card's edge has the scanner bed on the other). A word whose halo
//! is at least [`WHITER`] levels lighter than its ring is *off*; a run of off words along the
//! line (words too small to judge between them passed over) with at least [`MIN_HALO`] line
//! heights² of halo paper, and [`WHITER`] lighter on its pixel-weighted figure, is a patch.
//! Judged only where the ring is patterned ([`flat::PATTERN_MIN`]): tinted security print, not a
//! plain margin. The share of the pattern the run kept is reported, not judged: around retyped
//! glyphs at a card's scale their blurred edges read as pattern.
//!
//! Measured 2026-12-07 on the project's specimens (`truecopy-specimens generate --types
//! citizen_id --variants altered,valid --repeat 3 --today 2026-12-03`, seeds 41–48, 61–68 and
//! 71–78: 72 valid and 72 altered fronts; the `field_lines` example, with line boxes from
//! `truecopy-ocr`'s `one` example; the lines OCR locates are those of the fields the MRZ
//! repeats). OCR located the altered line on 68 of the 72 altered fronts; a patch was found on 67
//! of those 68 lines (the miss: a date of birth on the rosette's light print), three of them at
//! exactly +4 levels, the rest +5 to +23. On the 72 valid fronts no line: the lightest word was
//! +3 levels (one expiry date), every other ≤ +2 — a margin of one level, so this sign alone
//! never refuses (see the pipeline's corroboration). On altered fronts 6 other lines were found, each next to the patched one, whose box OCR
//! drew into the neighbouring patch. Seeds 71–78 were a held-out check first; its misses
//! (fluid reaching well above and below a retyped number) widened the ring from 0.4–1.0 to
//! [`RING_IN`]–[`RING_OUT`] line heights, so all three sets were looked at. The line was drawn on
//! synthetic cards only: measure it on real scans of cards before a wide roll-out.

use std::ops::Range;

use image::RgbImage;

use crate::flat::{self, Bx};
use crate::raster::{MIN_SIDE, Work, hist_percentile};
use crate::{Finding, Verdict};

/// Quantile of the paper's grey taken as its light level.
const LIGHT_Q: f64 = 0.8;
/// Levels by which a patch's paper is lighter than the paper around the line.
pub const WHITER: f32 = 4.0;
/// The ring above and below the line, in line heights from its box.
const RING_IN: f32 = 0.7;
const RING_OUT: f32 = 1.5;
/// On an A4 page's tinted paper ([`page_lines_verdict`]): how far a patch's paper's tint is from
/// the paper's above and below the line (both sides), in opponent colour levels (the distance
/// between the medians of R − G and (R + G)/2 − B), and grey levels by which it may be darker
/// than either (fluid is a white of its own; a shadow, a fold or dirt is darker and grey; the
/// specimens' fluid on white paper is up to 4 levels darker than it).
pub const TINT_SHIFT: f32 = 8.0;
const TINT_DARKER_MAX: f32 = 6.0;
/// Halo paper (in line heights squared) a word needs to be judged on its own, and a run to be a
/// patch.
const WORD_MIN: f32 = 0.1;
const MIN_HALO: f32 = 0.3;
/// On an A4 page a short retyped value ("Giỏi") leaves less paper between its letters.
const MIN_HALO_A4: f32 = 0.2;
/// An A4 line box more than this many times as high as the page's median line box is not a
/// line of text but a seal, an emblem or a signature OCR read as one; its "ring" is no paper
/// around a line, so [`page_lines_verdict`] does not judge it. Measured 2026-12-07 on 288
/// specimen pages (seeds 21–36, 10,048 lines): 31 boxes above 2.5× their page's median
/// (2.6–10.8×), every one of them such a reading ("@", "X)", "—————", a signature beside a
/// name); the 10.8× one, an emblem, gave a birth certificate a line sign away from its patch.
const TALL_LINE: f32 = 2.5;

/// A correction patch found on a field line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinePatch {
    /// The run of words on the patch, in scan px: `[x0, y0, x1, y1]`.
    pub rect: [u32; 4],
    pub words: usize,
    /// Its paper's light level minus the ring's, grey levels.
    pub whiter: f32,
    /// How far its paper's tint is from the ring's (opponent colour levels, the lesser side),
    /// judged on A4 pages only (0 on a card).
    pub tint_shift: f32,
    /// Its paper's share on the pattern over the ring's.
    pub pattern: f32,
}

#[derive(Debug, Clone, Copy)]
struct Word {
    x0: usize,
    x1: usize,
    n: usize,
    whiter: f32,
    tint_shift: f32,
    pattern: f32,
}

/// What makes a word's paper a patch: on a card, lighter than the paper around the line; on a
/// tinted A4 page, also of another tint.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sign {
    Lighter,
    LighterOrTinted,
}

/// Judge each line (`[x0, y0, x1, y1]` in `img`'s px) for a correction patch over part of it.
/// Lines too small, off the image or on unpatterned paper give `None`.
pub fn line_patches(img: &RgbImage, lines: &[[u32; 4]]) -> Vec<Option<LinePatch>> {
    let Some(factor) = Work::factor_of(img) else {
        return vec![None; lines.len()];
    };
    lines
        .iter()
        .map(|&r| line_patch(img, factor, r, Sign::Lighter, &Source::Crops))
        .collect()
}

/// Where a line's working raster and masks come from.
enum Source<'a> {
    /// Built over a crop around each line (a card: a few lines).
    Crops,
    /// Cut from the page's, built once ([`page_lines_verdict`]: every line of an A4 page, whose
    /// crops overlap their neighbours').
    Page(&'a Masks),
}

/// A working raster with its paper, ink and pattern masks ([`flat::paper_mask`],
/// [`flat::pattern_mask`]).
struct Masks {
    work: Work,
    paper: Vec<bool>,
    dark: Vec<bool>,
    pattern: Vec<bool>,
}

impl Masks {
    fn of(work: Work) -> Masks {
        let (paper, dark) = flat::paper_mask(&work);
        let pattern = flat::pattern_mask(&work, &paper);
        Masks {
            work,
            paper,
            dark,
            pattern,
        }
    }

    /// The part `x0..x1` × `y0..y1` (clamped), as [`Work::region`] bounds it. The masks are the
    /// page's: the paper level of the page's 32-px blocks, the pattern filter reaching past the
    /// part's edges.
    fn cut(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> Option<Masks> {
        let p = &self.work;
        let (x1, y1) = (x1.min(p.w), y1.min(p.h));
        if x1 < x0 + MIN_SIDE || y1 < y0 + MIN_SIDE {
            return None;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        fn cut<T: Copy>(
            v: &[T],
            width: usize,
            (x0, x1): (usize, usize),
            ys: Range<usize>,
        ) -> Vec<T> {
            ys.flat_map(|y| v[y * width + x0..y * width + x1].iter().copied())
                .collect()
        }
        let part = |v: &[bool]| cut(v, p.w, (x0, x1), y0..y1);
        Some(Masks {
            work: Work {
                w,
                h,
                factor: p.factor,
                grey: cut(&p.grey, p.w, (x0, x1), y0..y1),
                chroma: cut(&p.chroma, p.w, (x0, x1), y0..y1),
                hue: cut(&p.hue, p.w, (x0, x1), y0..y1),
            },
            paper: part(&self.paper),
            dark: part(&self.dark),
            pattern: part(&self.pattern),
        })
    }
}

fn line_patch(
    img: &RgbImage,
    factor: u32,
    rect: [u32; 4],
    sign: Sign,
    source: &Source,
) -> Option<LinePatch> {
    let f = factor as usize;
    let (ww, wh) = (
        (img.width() / factor) as usize,
        (img.height() / factor) as usize,
    );
    let [x0, y0, x1, y1] = rect.map(|v| v as usize / f);
    if x1 <= x0 || y1 <= y0 || x1 >= ww || y1 >= wh {
        return None;
    }
    let h = y1 - y0 + 1;
    let hf = h as f32;
    let (mi, mo) = ((hf * RING_IN) as usize, (hf * RING_OUT) as usize);
    let (cx0, cy0) = (x0.saturating_sub(h), y0.saturating_sub(mo + 4));
    let (cx1, cy1) = (x1 + h + 1, y1 + mo + 5);
    let Masks {
        work: c,
        paper,
        dark,
        pattern,
    } = match source {
        Source::Crops => Masks::of(Work::region(img, factor, cx0, cy0, cx1, cy1)?),
        Source::Page(page) => page.cut(cx0, cy0, cx1, cy1)?,
    };
    let (lx0, lx1, ly0, ly1) = (x0 - cx0, x1 - cx0, y0 - cy0, y1 - cy0);
    let light = |b: Bx| -> f32 {
        let mut hist = [0u64; 256];
        for y in b.2..b.3.min(c.h) {
            for x in b.0..b.1.min(c.w) {
                let i = y * c.w + x;
                if paper[i] {
                    hist[c.grey[i] as usize] += 1;
                }
            }
        }
        f32::from(hist_percentile(&hist, LIGHT_Q))
    };
    // The paper's tint off the pattern's lines, from the scan's own pixels (each working px the
    // mean of its block): px judged, median R − G, median (R + G)/2 − B, median grey.
    let tint = |b: Bx| -> Tint {
        let (mut ra, mut rb, mut hg) = (Vec::new(), Vec::new(), [0u64; 256]);
        let (raw, stride, k) = (img.as_raw(), img.width() as usize * 3, (f * f) as i32);
        for y in b.2..b.3.min(c.h) {
            for x in b.0..b.1.min(c.w) {
                let i = y * c.w + x;
                if !paper[i] || pattern[i] {
                    continue;
                }
                let mut rgb = [0i32; 3];
                for dy in 0..f {
                    let start = ((cy0 + y) * f + dy) * stride + (cx0 + x) * f * 3;
                    for p in raw[start..start + f * 3].chunks_exact(3) {
                        for (s, &v) in rgb.iter_mut().zip(p) {
                            *s += i32::from(v);
                        }
                    }
                }
                let [r, g, bl] = rgb.map(|v| v / k);
                ra.push(r - g);
                rb.push((r + g) / 2 - bl);
                hg[c.grey[i] as usize] += 1;
            }
        }
        (
            ra.len(),
            median(&mut ra),
            median(&mut rb),
            f32::from(hist_percentile(&hg, 0.5)),
        )
    };
    let area = hf * hf;
    let mut words: Vec<Word> = Vec::new();
    for (wx0, wx1, wy0, wy1) in flat::words(&dark, c.w, 2 * h) {
        let mid = (wy0 + wy1) / 2;
        if mid < ly0 || mid > ly1 || wx1 < lx0 || wx0 > lx1 {
            continue;
        }
        let halo = (wx0, wx1 + 1, ly0, ly1 + 1);
        let (rx0, rx1) = (wx0.saturating_sub(h / 2), wx1 + h / 2 + 1);
        let above = (rx0, rx1, ly0.saturating_sub(mo), ly0.saturating_sub(mi));
        let below = (rx0, rx1, ly1 + mi + 1, ly1 + mo + 1);
        let (hn, hp) = flat::pattern_count(&c, &paper, &pattern, halo, None);
        let (an, ap) = flat::pattern_count(&c, &paper, &pattern, above, None);
        let (bn, bp) = flat::pattern_count(&c, &paper, &pattern, below, None);
        let rn = an + bn;
        let rp = (ap + bp) as f32 / rn.max(1) as f32;
        if (rn as f32) < area * WORD_MIN || rp < flat::PATTERN_MIN {
            // Nothing around it to compare with: not judged (and not a break in a run).
            continue;
        }
        // The lighter side: a line by the card's edge has the scanner bed on one side.
        let Some(ring) = [(an, above), (bn, below)]
            .into_iter()
            .filter(|&(n, _)| n as f32 >= area * WORD_MIN / 2.0)
            .map(|(_, b)| light(b))
            .reduce(f32::max)
        else {
            continue;
        };
        // Red print's blurred edges tint the paper between its letters (retyping is black or
        // blue): its tint is not judged.
        let tint_shift = if sign == Sign::LighterOrTinted
            && !flat::red_print(&c, (wx0, wx1 + 1), (ly0, ly1 + 1))
        {
            shifted_by(tint(halo), [above, below].map(tint), area * WORD_MIN / 2.0)
        } else {
            0.0
        };
        words.push(Word {
            x0: wx0 + cx0,
            x1: wx1 + cx0,
            n: hn,
            whiter: light(halo) - ring,
            tint_shift,
            pattern: hp as f32 / hn.max(1) as f32 / rp,
        });
    }
    words.sort_by_key(|w| w.x0);

    let min_halo = match sign {
        Sign::Lighter => MIN_HALO,
        Sign::LighterOrTinted => MIN_HALO_A4,
    };
    let mut best: Option<Best> = None;
    let mut run: Vec<Word> = Vec::new();
    let mut close = |run: &mut Vec<Word>| {
        let n: usize = run.iter().map(|w| w.n).sum();
        if n > 0 && n as f32 >= area * min_halo {
            let nf = n as f32;
            let whiter = run.iter().map(|w| w.whiter * w.n as f32).sum::<f32>() / nf;
            let pattern = run.iter().map(|w| w.pattern * w.n as f32).sum::<f32>() / nf;
            let tint_shift = run.iter().map(|w| w.tint_shift * w.n as f32).sum::<f32>() / nf;
            let strength = (whiter / WHITER).max(tint_shift / TINT_SHIFT);
            if strength >= 1.0 && best.is_none_or(|b| strength > b.strength) {
                let px = |v: usize| u32::try_from(v * f).unwrap_or(u32::MAX);
                best = Some(Best {
                    strength,
                    patch: LinePatch {
                        rect: [
                            px(run[0].x0),
                            rect[1],
                            px(run[run.len() - 1].x1 + 1),
                            rect[3],
                        ],
                        words: run.len(),
                        whiter,
                        tint_shift,
                        pattern,
                    },
                });
            }
        }
        run.clear();
    };
    for w in words {
        if (w.n as f32) < area * WORD_MIN {
            continue;
        }
        if w.whiter >= WHITER || w.tint_shift >= TINT_SHIFT {
            run.push(w);
        } else {
            close(&mut run);
        }
    }
    close(&mut run);
    best.map(|b| b.patch)
}

/// A paper's tint: (px judged, median R − G, median (R + G)/2 − B, median grey).
type Tint = (usize, f32, f32, f32);

/// How far a halo's paper's tint is from its ring's, in opponent colour levels: the lesser of
/// the sides with at least `min` px, a side the halo is more than [`TINT_DARKER_MAX`] darker
/// than counting 0 (fluid is a white; a shadow, a fold or dirt is darker); 0 when the halo has
/// less than `min` px to measure.
fn shifted_by(halo: Tint, ring: [Tint; 2], min: f32) -> f32 {
    let (hn, ha, hb, hg) = halo;
    if (hn as f32) < min {
        return 0.0;
    }
    ring.into_iter()
        .filter(|&(n, ..)| n as f32 >= min)
        .map(|(_, ra, rb, rg)| {
            if rg - hg > TINT_DARKER_MAX {
                0.0
            } else {
                (ra - ha).hypot(rb - hb)
            }
        })
        .reduce(f32::min)
        .unwrap_or(0.0)
}

/// The median of `v` (0 when empty), reordering it.
fn median(v: &mut [i32]) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let m = v.len() / 2;
    *v.select_nth_unstable(m).1 as f32
}

#[derive(Debug, Clone, Copy)]
struct Best {
    strength: f32,
    patch: LinePatch,
}

/// The `altered_original` sign of a card front's value lines (`(field, [x0, y0, x1, y1])` in
/// `img`'s px, as OCR located them): `Fail` naming each line with a patch (its regions: the
/// patches, in the same px), `None` when no line has one.
pub fn lines_verdict(img: &RgbImage, lines: &[(&str, [u32; 4])]) -> Option<Verdict> {
    let found = found_on(img, lines, Sign::Lighter, &Source::Crops);
    if found.is_empty() {
        return None;
    }
    let each: Vec<String> = found
        .iter()
        .map(|(field, p)| {
            let [x0, y0, x1, y1] = p.rect;
            format!(
                "{field} line, {}×{} px at ({x0}, {y0}) (scan px): paper {:+.0} levels against the print above and below it (patch ≥ {WHITER:+.0}), pattern ×{:.2}",
                x1 - x0,
                y1 - y0,
                p.whiter,
                p.pattern
            )
        })
        .collect();
    Some(
        Verdict::new(
            Finding::Fail,
            format!("correction patch on a value line: {}", each.join("; ")),
            1.0,
        )
        .at(found.iter().map(|(_, p)| p.rect).collect()),
    )
}

/// The lines of `lines` with a patch on them.
fn found_on<'a>(
    img: &RgbImage,
    lines: &[(&'a str, [u32; 4])],
    sign: Sign,
    source: &Source,
) -> Vec<(&'a str, LinePatch)> {
    let Some(factor) = Work::factor_of(img) else {
        return Vec::new();
    };
    lines
        .iter()
        .filter_map(|&(name, r)| line_patch(img, factor, r, sign, source).map(|p| (name, p)))
        .collect()
}

/// The `altered_original` sign of an A4 page's text lines (`(text, [x0, y0, x1, y1])` in
/// `img`'s px, every line OCR read): on tinted, patterned paper, a run of words whose paper is
/// lighter than the paper above and below the line by [`WHITER`] levels, or whose paper's tint
/// is [`TINT_SHIFT`] levels off theirs on both sides without being much darker (white fluid on
/// cream paper keeps its light level but not its tint; a yellowish fluid on pinkish paper keeps
/// both its light and its chroma, not its hue). Words printed in red are not judged by tint.
/// `Unknown` naming each such line (its regions: the patches), never a refusal: measured on
/// synthetic pages only; `None` when no line has one.
///
/// Measured 2026-12-07 (`truecopy-specimens generate --types birth_certificate,diploma,decision
/// --variants altered,valid --repeat 3 --today 2026-12-03`; `field_lines` with `truecopy-ocr`'s
/// line boxes), pages with a line sign, altered / valid:
///
/// | sign | seeds 21–36 (144 + 144) | seeds 41–58 (162 + 162) |
/// |---|---|---|
/// | or ≥ 10 chroma levels less coloured | 43 / 0 (diplomas 43 of 48) | 52 / 0 (diplomas 52 of 54) |
/// | or a tint ≥ 8 off (this) | 52 / 0 (diplomas 47, birth certificates 5) | 60 / 0 (54, 6) |
///
/// The tint's threshold was drawn on seeds 21–36, where no valid page had a line at 6 or more;
/// on 41–58 one valid diploma had two, at 8 and 10 — its red heading and its red serial number,
/// hence the rule on red print (the flat detector's, [`flat`]), after which no valid page of
/// either set has a line at 6. Birth certificates (white paper with a pink grid; their fluid
/// is often the paper's own white) are found on 11 of 102; decisions (plain paper) are not
/// judged: the other detectors judge those.
///
/// The page's working raster and masks are built once and each line's part cut from them (a
/// line's crop overlaps its neighbours'); the paper level then comes from the page's 32-px
/// blocks, not the crop's. Same pages found on seeds 21–36 and 81–88, tint figures within a
/// level; `cargo bench -p truecopy-inspect --bench inspect`, 35 lines: p50 67.6 → 44.4 ms
/// (2026-12-07, `inspect_page` 55 ms in the same runs).
pub fn page_lines_verdict(img: &RgbImage, lines: &[(&str, [u32; 4])]) -> Option<Verdict> {
    let mut heights: Vec<u32> = lines
        .iter()
        .map(|(_, r)| r[3].saturating_sub(r[1]) + 1)
        .collect();
    heights.sort_unstable();
    let median = heights.get(heights.len() / 2).copied().unwrap_or(0) as f32;
    let text_lines: Vec<(&str, [u32; 4])> = lines
        .iter()
        .copied()
        .filter(|(_, r)| (r[3].saturating_sub(r[1]) + 1) as f32 <= median * TALL_LINE)
        .collect();
    if text_lines.is_empty() {
        return None;
    }
    let page = Masks::of(Work::new(img)?);
    let found = found_on(
        img,
        &text_lines,
        Sign::LighterOrTinted,
        &Source::Page(&page),
    );
    if found.is_empty() {
        return None;
    }
    let each: Vec<String> = found
        .iter()
        .map(|(text, p)| {
            let [x0, y0, x1, y1] = p.rect;
            let text: String = text.chars().take(48).collect();
            format!(
                "line \"{text}\", {}×{} px at ({x0}, {y0}) (scan px): paper {:+.0} grey levels and its tint {:.0} levels off the paper above and below it (patch: ≥ {WHITER:+.0} levels or a tint ≥ {TINT_SHIFT:.0} off)",
                x1 - x0,
                y1 - y0,
                p.whiter,
                p.tint_shift
            )
        })
        .collect();
    Some(
        Verdict::new(
            Finding::Unknown,
            format!(
                "paper on a text line unlike the paper around it (correction fluid?), an officer looks: {}",
                each.join("; ")
            ),
            0.5,
        )
        .at(found.iter().map(|(_, p)| p.rect).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    const PAPER: Rgb<u8> = Rgb([224, 238, 236]);
    const LINE: Rgb<u8> = Rgb([190, 214, 210]);
    const INK: Rgb<u8> = Rgb([30, 30, 36]);

    /// A card front at working scale: tinted paper with a printed grid every 5 px, three text
    /// lines of box-shaped letters (12×20 px, strokes 2 px, 3 px apart) at y = 200, 260, 320:
    /// a label word at x = 100 and a value word at x = 300 on each. With `fluid`, the middle
    /// line's value was erased with white fluid reaching 8 px beyond its letters and retyped.
    /// The scanner bed (grey 205) from y = 356 down: the last line has it 16 px below.
    fn card(fluid: bool) -> RgbImage {
        printed(PAPER, LINE, fluid.then_some(Rgb([247, 247, 243])))
    }

    /// [`card`]'s layout on other paper, the middle value covered with `fluid` when given.
    fn printed(paper: Rgb<u8>, line: Rgb<u8>, fluid: Option<Rgb<u8>>) -> RgbImage {
        let mut img = RgbImage::from_fn(1000, 640, |x, y| {
            if y >= 356 {
                Rgb([205, 205, 205])
            } else if x % 5 == 0 || y % 5 == 0 {
                line
            } else {
                paper
            }
        });
        if let Some(fluid) = fluid {
            for y in 252..288 {
                for x in 292..400 {
                    img.put_pixel(x, y, fluid);
                }
            }
        }
        for y0 in [200, 260, 320] {
            for (x0, letters) in [(100, 6), (300, 6)] {
                for l in 0..letters {
                    let lx = x0 + l * 15;
                    for y in y0..y0 + 20 {
                        for x in lx..lx + 12 {
                            if x < lx + 2 || x >= lx + 10 || y < y0 + 2 || y >= y0 + 18 {
                                img.put_pixel(x, y, INK);
                            }
                        }
                    }
                }
            }
        }
        img
    }

    const LINES: [[u32; 4]; 3] = [
        [100, 200, 387, 219],
        [100, 260, 387, 279],
        [100, 320, 387, 339],
    ];

    #[test]
    fn a_part_cut_from_the_page_is_the_raster_of_that_part() {
        let img = printed(Rgb([250, 238, 212]), Rgb([200, 90, 80]), None);
        let factor = Work::factor_of(&img).expect("factor");
        let page = Masks::of(Work::new(&img).expect("page"));
        for (x0, y0, x1, y1) in [(10, 20, 300, 120), (0, 0, 60, 60), (900, 300, 2000, 2000)] {
            let part = page.cut(x0, y0, x1, y1).expect("large enough");
            let own = Work::region(&img, factor, x0, y0, x1, y1).expect("large enough");
            assert_eq!((part.work.w, part.work.h), (own.w, own.h));
            assert_eq!(part.work.grey, own.grey);
            assert_eq!(part.work.chroma, own.chroma);
            assert_eq!(part.work.hue, own.hue);
            let at = |v: &[bool], x: usize, y: usize| v[y * part.work.w + x];
            let (x, y) = (part.work.w / 2, part.work.h / 2);
            let i = (y0 + y) * page.work.w + x0 + x;
            assert_eq!(at(&part.paper, x, y), page.paper[i]);
            assert_eq!(at(&part.pattern, x, y), page.pattern[i]);
        }
        // Bounded as `Work::region` is: too small after clamping is nothing.
        assert!(page.cut(960, 0, 2000, 100).is_none());
        assert!(Work::region(&img, factor, 960, 0, 2000, 100).is_none());
    }

    #[test]
    fn a_patch_over_a_value_is_found_on_its_line_only() {
        let found = line_patches(&card(true), &LINES);
        let p = found[1].expect("the middle line's value is on a patch");
        // The value's word, not the label's.
        assert!(p.rect[0] >= 290 && p.rect[2] <= 400, "{p:?}");
        assert!(p.whiter >= WHITER, "{p:?}");
        assert_eq!((found[0], found[2]), (None, None), "{found:?}");
        let v = lines_verdict(&card(true), &[("a", LINES[0]), ("b", LINES[1])]).expect("verdict");
        assert_eq!(v.finding, Finding::Fail);
        assert_eq!(v.regions, vec![p.rect]);
        assert!(v.detail.contains("b line"), "{}", v.detail);
    }

    #[test]
    fn white_fluid_on_cream_paper_is_found_on_an_a4_line_by_its_colour() {
        // Cream paper with a brown grid; the fluid as light as the paper but without its tint.
        let (cream, grid) = (Rgb([250, 238, 212]), Rgb([232, 218, 192]));
        let fluid = Rgb([240, 240, 238]);
        let lines: Vec<(&str, [u32; 4])> = ["a", "b", "c"].into_iter().zip(LINES).collect();
        let img = printed(cream, grid, Some(fluid));
        let v = page_lines_verdict(&img, &lines).expect("the middle line's value is on fluid");
        assert_eq!(v.finding, Finding::Unknown, "never a refusal: {}", v.detail);
        assert_eq!(v.regions.len(), 1, "{}", v.detail);
        let r = v.regions[0];
        assert!(r[1] == 260 && r[0] >= 290 && r[2] <= 400, "{r:?}");
        assert!(v.detail.contains("line \"b\""), "{}", v.detail);
        // Beside a page of small print (six 12 px lines), a box over the patch three times as
        // high as they are is a seal or a signature read as a line: not judged as one.
        let mut with_seal = lines.clone();
        with_seal.extend((0..6).map(|k| ("small", [600 + k * 40, 100, 630 + k * 40, 111])));
        let seal = [290, 250, 402, 290];
        with_seal.push(("seal", seal));
        let s = page_lines_verdict(&img, &with_seal).expect("the value's line still");
        assert_eq!(s.regions, v.regions, "{}", s.detail);
        assert!(!s.detail.contains("seal"), "{}", s.detail);
        // As high as the page's lines, the same box is judged, and finds the patch.
        let s = page_lines_verdict(&img, &[("seal", seal)]).expect("judged");
        assert!(s.detail.contains("seal"), "{}", s.detail);
        // Not lighter: a card's sign does not see it.
        assert_eq!(line_patches(&img, &LINES), vec![None; 3]);
        // Untouched cream paper, and a grey band (a shadow, a fold) rather than white fluid.
        assert!(page_lines_verdict(&printed(cream, grid, None), &lines).is_none());
        let grey = Rgb([226, 226, 224]);
        assert!(page_lines_verdict(&printed(cream, grid, Some(grey)), &lines).is_none());
    }

    #[test]
    fn fluid_of_another_white_on_pinkish_paper_is_found_by_its_tint() {
        // Pinkish white paper with a pink grid; the fluid a yellowish white, as coloured (chroma
        // 11 against 8) and nearly as light (−3 grey levels): only its hue differs.
        let (paper, grid) = (Rgb([252, 246, 244]), Rgb([236, 214, 218]));
        let fluid = Rgb([244, 247, 236]);
        let lines: Vec<(&str, [u32; 4])> = ["a", "b", "c"].into_iter().zip(LINES).collect();
        let v = page_lines_verdict(&printed(paper, grid, Some(fluid)), &lines)
            .expect("the middle line's value is on fluid");
        assert_eq!(v.finding, Finding::Unknown, "{}", v.detail);
        assert_eq!(v.regions.len(), 1, "{}", v.detail);
        assert!(v.detail.contains("line \"b\""), "{}", v.detail);
        assert!(page_lines_verdict(&printed(paper, grid, None), &lines).is_none());
    }

    #[test]
    fn untouched_lines_pass_even_beside_the_scanner_bed() {
        // The last line's ring below is the bed, far darker than the paper: judged by the
        // lighter side, above it, the line is not lighter than its surroundings.
        assert_eq!(line_patches(&card(false), &LINES), vec![None; 3]);
        assert!(lines_verdict(&card(false), &[("a", LINES[2])]).is_none());
        // Lines off the image or inverted give nothing rather than panic.
        let odd = [[900, 600, 1400, 700], [300, 300, 200, 200], [0, 0, 0, 0]];
        assert_eq!(line_patches(&card(true), &odd), vec![None; 3]);
    }
}
