//! `low_quality`: blur, glare, cut off.
//!
//! * **Blur** — `sharpness` = mean of the strongest 0.3 % pixel slopes (grey levels per working
//!   pixel, L1 norm of the central differences) divided by the page's contrast (p99.5 − p0.5 of grey). A printed edge scanned in
//!   focus rises over 1–2 working pixels (measured 0.4–1.0 on scans of originals); a blur of σ
//!   working pixels spreads it over ≈ 2.5σ, so the figure falls roughly as 1/σ (0.07–0.10 for
//!   σ ≈ 1.3 mm, where text is no longer legible). Fail below [`BLUR_FAIL`], pass from
//!   [`BLUR_PASS`] (both with a factor ≥ 1.4 of margin to those figures); between, an officer looks.
//! * **Cut off** — a document lying on the scanner bed leaves a margin: the outermost working
//!   pixels along each side are bed, smooth apart from slow illumination gradients. Where the
//!   document runs out of the image, its text and lines cross that band, so the band's profile
//!   along the side has local dips. `cut` = fraction of positions along a side whose
//!   high-passed band profile departs by more than a contrast-relative threshold; a paper edge
//!   parallel to the side (a sheet larger than the glass) does not count, being constant along it.
//!   Only content is seen: a document cut off across a blank margin is not caught (beds and
//!   margins vary too much in tint to judge by colour).
//! * **Glare** — blown-out, colourless (≥ 254 grey) areas inside the document, measured as the
//!   largest connected block of saturated 16×16 cells. Only judged where the paper itself is not
//!   white (tinted cards, cream paper): on white paper a highlight cannot be told from paper.

use crate::raster::{Work, hist_percentile};
use crate::{Finding, Verdict, ramp};

pub const BLUR_FAIL: f32 = 0.14;
pub const BLUR_PASS: f32 = 0.25;
pub const CUT_PASS: f32 = 0.02;
pub const CUT_FAIL: f32 = 0.05;
pub const GLARE_PASS: f32 = 0.04;
pub const GLARE_FAIL: f32 = 0.10;
/// Paper brighter than this is "white": glare is not judged.
pub const WHITE_PAPER: u8 = 240;

#[derive(Debug, Clone, Copy)]
pub struct QualityFigures {
    pub contrast: u8,
    pub sharpness: f32,
    pub cut: f32,
    pub cut_side: &'static str,
    pub glare: Option<f32>,
    pub paper: u8,
}

pub fn measure(w: &Work) -> QualityFigures {
    let mut hist = [0u64; 256];
    for &g in &w.grey {
        hist[g as usize] += 1;
    }
    let lo = hist_percentile(&hist, 0.005);
    let hi = hist_percentile(&hist, 0.995);
    let contrast = hi.saturating_sub(lo);
    let sharpness = sharpness(w, contrast);
    let (cut, cut_side) = cut_off(w, contrast);
    let (glare, paper) = glare(w);
    QualityFigures {
        contrast,
        sharpness,
        cut,
        cut_side,
        glare,
        paper,
    }
}

fn sharpness(w: &Work, contrast: u8) -> f32 {
    if contrast < 8 {
        return 0.0;
    }
    let mut hist = [0u64; 256];
    let mut n = 0u64;
    for y in 1..w.h - 1 {
        let row = &w.grey[y * w.w..(y + 1) * w.w];
        let up = &w.grey[(y - 1) * w.w..y * w.w];
        let dn = &w.grey[(y + 1) * w.w..(y + 2) * w.w];
        for x in 1..w.w - 1 {
            // Slope (L1 of the central differences, halved): 0..=255.
            let gx = i32::from(row[x + 1]).abs_diff(i32::from(row[x - 1]));
            let gy = i32::from(dn[x]).abs_diff(i32::from(up[x]));
            hist[((gx + gy) / 2) as usize] += 1;
            n += 1;
        }
    }
    let take = ((n as f64 * 0.003).ceil() as u64).max(1);
    let mut left = take;
    let mut sum = 0f64;
    for v in (0..256).rev() {
        let k = hist[v].min(left);
        sum += k as f64 * v as f64;
        left -= k;
        if left == 0 {
            break;
        }
    }
    (sum / (take - left) as f64) as f32 / f32::from(contrast)
}

/// Band depth (working px, from the outermost row inward, skipping the very edge row) and
/// high-pass half window.
const BAND: usize = 3;
const HALF: usize = 12;

fn cut_off(w: &Work, contrast: u8) -> (f32, &'static str) {
    let thr = (0.06 * f32::from(contrast)).max(10.0);
    let mut worst = (0.0f32, "none");
    let sides: [(&'static str, bool, usize); 4] = [
        ("top", true, 1),
        ("bottom", true, w.h - 1 - BAND),
        ("left", false, 1),
        ("right", false, w.w - 1 - BAND),
    ];
    for (name, horizontal, start) in sides {
        let len = if horizontal { w.w } else { w.h };
        let profile: Vec<f32> = (0..len)
            .map(|t| {
                let mut s = 0u32;
                for d in start..start + BAND {
                    s += u32::from(if horizontal { w.g(t, d) } else { w.g(d, t) });
                }
                s as f32 / BAND as f32
            })
            .collect();
        let skip = (len / 50).max(HALF);
        if len <= 2 * skip + 1 {
            continue;
        }
        // Prefix sums for the moving mean.
        let mut pre = vec![0f64; len + 1];
        for (i, &p) in profile.iter().enumerate() {
            pre[i + 1] = pre[i] + f64::from(p);
        }
        let mut busy = 0usize;
        let mut total = 0usize;
        for (t, &p) in profile.iter().enumerate().take(len - skip).skip(skip) {
            let a = t - HALF;
            let b = t + HALF + 1;
            let mean = ((pre[b] - pre[a]) / (b - a) as f64) as f32;
            if (p - mean).abs() > thr {
                busy += 1;
            }
            total += 1;
        }
        let frac = busy as f32 / total.max(1) as f32;
        if frac > worst.0 {
            worst = (frac, name);
        }
    }
    worst
}

const CELL: usize = 16;

fn glare(w: &Work) -> (Option<f32>, u8) {
    // Inner region: the document lies inside a margin; skip 8 % on each side.
    let (x0, x1) = (w.w * 8 / 100, w.w - w.w * 8 / 100);
    let (y0, y1) = (w.h * 8 / 100, w.h - w.h * 8 / 100);
    let mut hist = [0u64; 256];
    let mut sat = vec![false; w.w * w.h];
    for y in y0..y1 {
        for x in x0..x1 {
            let i = y * w.w + x;
            sat[i] = w.grey[i] >= 254 && w.chroma[i] <= 6;
            hist[w.grey[i] as usize] += 1;
        }
    }
    // Paper level: ink and print are a minority, so the 75th percentile is paper (or the
    // glare, when it covers more than a quarter: then the page is not judged, it is white).
    let paper = hist_percentile(&hist, 0.75);
    if paper > WHITE_PAPER {
        return (None, paper);
    }
    let cw = (x1 - x0) / CELL;
    let ch = (y1 - y0) / CELL;
    if cw == 0 || ch == 0 {
        return (None, paper);
    }
    let mut cells = vec![false; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let mut n = 0;
            for y in y0 + cy * CELL..y0 + (cy + 1) * CELL {
                let base = y * w.w + x0 + cx * CELL;
                n += sat[base..base + CELL].iter().filter(|&&s| s).count();
            }
            cells[cy * cw + cx] = n * 10 >= CELL * CELL * 9;
        }
    }
    let largest = largest_component(&cells, cw, ch);
    (Some(largest as f32 / (cw * ch) as f32), paper)
}

/// Largest 4-connected component of `true` cells.
pub fn largest_component(cells: &[bool], cw: usize, ch: usize) -> usize {
    let mut seen = vec![false; cells.len()];
    let mut best = 0;
    let mut stack = Vec::new();
    for start in 0..cells.len() {
        if !cells[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let mut n = 0;
        while let Some(i) = stack.pop() {
            n += 1;
            let (x, y) = (i % cw, i / cw);
            let mut visit = |j: usize| {
                if cells[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < cw {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - cw);
            }
            if y + 1 < ch {
                visit(i + cw);
            }
        }
        best = best.max(n);
    }
    best
}

pub fn verdict(f: &QualityFigures) -> Verdict {
    let blur_score = ramp(f.sharpness, BLUR_PASS, BLUR_FAIL);
    let cut_score = ramp(f.cut, CUT_PASS, CUT_FAIL);
    let glare_score = f.glare.map_or(0.0, |g| ramp(g, GLARE_PASS, GLARE_FAIL));
    let mut problems = Vec::new();
    let mut doubts = Vec::new();
    for (name, s) in [
        ("blurred", blur_score),
        ("cut off", cut_score),
        ("glare", glare_score),
    ] {
        if s >= 1.0 {
            problems.push(name);
        } else if s > 0.0 {
            doubts.push(name);
        }
    }
    let glare = f.glare.map_or_else(
        || format!("n/a (white paper {})", f.paper),
        |g| format!("{g:.3}"),
    );
    let figures = format!(
        "sharpness {:.3} (fail < {BLUR_FAIL}, pass ≥ {BLUR_PASS}), contrast {}, cut {:.3} at {} (fail > {CUT_FAIL}), glare {glare} (fail > {GLARE_FAIL})",
        f.sharpness, f.contrast, f.cut, f.cut_side
    );
    let score = blur_score.max(cut_score).max(glare_score);
    if f.contrast < 24 {
        return Verdict::new(Finding::Fail, format!("no usable contrast: {figures}"), 1.0);
    }
    if !problems.is_empty() {
        Verdict::new(
            Finding::Fail,
            format!("{}: {figures}", problems.join(", ")),
            score,
        )
    } else if !doubts.is_empty() {
        Verdict::new(
            Finding::Unknown,
            format!("possibly {}: {figures}", doubts.join(", ")),
            score,
        )
    } else {
        Verdict::new(Finding::Pass, figures, score)
    }
}
