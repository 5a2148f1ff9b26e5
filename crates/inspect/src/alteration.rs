//! `altered_original`: a field erased and overwritten with correction fluid or tape.
//!
//! A correction patch is a rectangle laid over one field: its edge shows on a scan as a *faint*
//! thin line (a few to a few tens of grey levels darker than the paper on both sides, where
//! printed lines and text are far darker), closing a rectangle of about one text line's height
//! around retyped text; inside it the paper is as white as or whiter than around it, and any
//! background tint or print pattern is gone.
//!
//! Method (working raster): estimate the page skew from the text (projection profiles over
//! ±4°); mark faint-line pixels (a thin local minimum 5–70 levels below both light neighbours two
//! pixels away, horizontally or vertically); in skew-corrected coordinates, find horizontal faint
//! segments at least [`MIN_LEN`] long; pair a top and a bottom segment with the same ends
//! (± 5 %), 8 px to 8 % of the page's short side apart and at most ⅔ as far apart as they
//! are long, with ink between them; then look for the two
//! vertical sides and check that the surroundings are free of other faint lines (a printed grid
//! or guilloche pattern is not a patch).
//!
//! A rectangle with all four sides, ink inside (≥ 8 %), paper inside not darker than outside, on
//! plain surroundings (faint-line density ≤ 2.5 %) → `Fail`. Three sides, four without enough
//! ink, or four on patterned surroundings that are only visibly whiter inside (≥ 8 grey levels:
//! a diploma's border grid made that on valid pages) → `Unknown` (an officer looks). Anything else → `Pass`: printed grids, guilloche and the
//! page's own edge produce rectangles too, but on patterned surroundings and without a whiter
//! inside.
//!
//! On A4 pages, when no outline is found, a flat correction-fluid patch without outline (a
//! block of paper a few levels off the page's background, or without its texture, with retyped
//! text on it: [`crate::flat`]) → `Fail` from a score of [`flat::REFUSE`], else `Unknown`,
//! naming the region and its figures; on patterned paper, also words whose surrounding paper
//! lost the printed pattern (`Unknown`, or `Fail` when it is clearly gone: see [`crate::flat`]).

use crate::flat::{self, FlatPatch};
use crate::raster::{Work, hist_percentile};
use crate::{Finding, PageKind, Verdict};

pub const MIN_LEN: usize = 35;
const D_MIN: i32 = 5;
/// Largest gap (working px) bridged within one faint line.
const GAP: usize = 10;
const D_MAX: i32 = 70;
const LIGHT: u8 = 150;
const INK: u8 = 128;
const FAINT_H: u8 = 1;
const FAINT_V: u8 = 2;
const INK_BIT: u8 = 4;
/// Side coverage from which a vertical side counts as present.
const SIDE_MIN: f32 = 0.5;
/// Faint-line density around a candidate above which the page is patterned there (a lone
/// patch on plain paper measured ≈ 1 %, printed guilloche and grids 5–15 %).
const RING_MAX: f32 = 0.025;
/// Interior paper this much whiter than around it is a patch even on patterned paper.
const WHITER: f32 = 8.0;
/// Interior ink share for a refusal: the retyped text fills the patch.
const INK_MIN: f32 = 0.08;

#[derive(Debug, Clone, Copy, Default)]
pub struct Candidate {
    /// Rectangle in skew-corrected working coordinates.
    pub u0: usize,
    pub u1: usize,
    pub v0: usize,
    pub v1: usize,
    pub sides: u8,
    pub ring: f32,
    pub ink: f32,
    /// Interior paper minus surrounding paper, grey levels.
    pub whiter: f32,
    /// The rectangle's bounding box in working (not skew-corrected) px: `[x0, y0, x1, y1]`.
    pub bounds: [usize; 4],
}

#[derive(Debug, Clone)]
pub struct AlterationFigures {
    pub skew_deg: f32,
    pub segments: usize,
    pub best: Option<Candidate>,
    /// On tinted paper: the white, colourless rectangles found, the most filled first.
    pub white: Vec<WhitePatch>,
    /// On A4 pages: a flat, outline-less patch, if any.
    pub flat: Option<FlatPatch>,
}

/// A white, colourless, field-shaped rectangle with text inside on tinted paper (working px).
#[derive(Debug, Clone, Copy)]
pub struct WhitePatch {
    pub x: usize,
    pub y: usize,
    pub w: usize,
    pub h: usize,
    /// Its grey minus the paper's.
    pub whiter: f32,
    pub paper_chroma: u8,
    pub fill: f32,
}

const CELLP: usize = 4;

/// On tinted paper (cards, cream or tinted certificates), correction fluid or tape is a white,
/// flat rectangle: cells of 4×4 px that are at least 35 % brighter than the paper by ≥ 8 levels
/// and without the paper's tinted texture (≤ 5 % paper-level tinted pixels: glyphs may take the
/// rest), forming one field-shaped block filling ≥ 60 % of its box (rotation, ragged edges; a field
/// value's line, ≥ 2.2× wider than tall, 16 px (a body-text line) to 8 % of the short side high, 35 px to 60 %
/// of the width wide) with 3–45 % ink
/// inside and tinted paper around. On white paper this is not measurable (`None`).
fn white_patch(w: &Work) -> (Vec<WhitePatch>, u8) {
    let mut chroma_hist = [0u64; 256];
    let mut grey_hist = [0u64; 256];
    for (&g, &c) in w.grey.iter().zip(&w.chroma) {
        if g >= LIGHT {
            chroma_hist[c as usize] += 1;
            grey_hist[g as usize] += 1;
        }
    }
    let paper_chroma = hist_percentile(&chroma_hist, 0.5);
    if paper_chroma < 8 {
        return (Vec::new(), paper_chroma);
    }
    let paper_grey = hist_percentile(&grey_hist, 0.5);
    let white_min = paper_grey.saturating_add(8);
    let tint_min = paper_chroma / 2;
    let (cw, ch) = (w.w / CELLP, w.h / CELLP);
    let mut cells = vec![false; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let (mut white, mut tinted) = (0usize, 0usize);
            for y in cy * CELLP..(cy + 1) * CELLP {
                for x in cx * CELLP..(cx + 1) * CELLP {
                    let i = y * w.w + x;
                    if w.grey[i] >= white_min {
                        white += 1;
                    } else if w.grey[i] >= LIGHT && w.chroma[i] >= tint_min {
                        tinted += 1;
                    }
                }
            }
            // Mostly white, no paper tint (glyphs and their grey edges may take the rest).
            let n = CELLP * CELLP;
            cells[cy * cw + cx] = white * 100 >= n * 35 && tinted * 100 <= n * 5;
        }
    }
    let short = w.w.min(w.h);
    let mut found: Vec<WhitePatch> = Vec::new();
    let mut seen = vec![false; cells.len()];
    let mut stack = Vec::new();
    for start in 0..cells.len() {
        if !cells[start] || seen[start] {
            continue;
        }
        let crate::raster::Blob { n, x0, x1, y0, y1 } =
            crate::raster::flood(&cells, &mut seen, &mut stack, start, cw);
        let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
        let (pw, ph) = (bw * CELLP, bh * CELLP);
        let fill = n as f32 / (bw * bh) as f32;
        let touches = x0 == 0 || y0 == 0 || x1 + 1 >= cw || y1 + 1 >= ch;
        if touches
            || ph < 16
            || pw < MIN_LEN
            || ph > short * 8 / 100
            || pw * 5 < ph * 11
            || pw > w.w * 6 / 10
            || fill < 0.6
        {
            continue;
        }
        // Ink inside, tinted paper around (a ring of two cells).
        let (mut ink, mut sum, mut cnt) = (0usize, 0u64, 0u64);
        for y in y0 * CELLP..(y1 + 1) * CELLP {
            for x in x0 * CELLP..(x1 + 1) * CELLP {
                let g = w.g(x, y);
                ink += usize::from(g < INK);
                if g >= white_min {
                    sum += u64::from(g);
                    cnt += 1;
                }
            }
        }
        let (mut ring, mut ring_white) = (0usize, 0usize);
        for y in y0.saturating_sub(2)..(y1 + 3).min(ch) {
            for x in x0.saturating_sub(2)..(x1 + 3).min(cw) {
                if (x0..=x1).contains(&x) && (y0..=y1).contains(&y) {
                    continue;
                }
                ring += 1;
                ring_white += usize::from(cells[y * cw + x]);
            }
        }
        // Retyped text, not a QR code or a fingerprint box.
        if ink * 100 < pw * ph * 3 || ink * 100 > pw * ph * 45 || ring_white * 5 > ring {
            continue;
        }
        let whiter = if cnt == 0 {
            0.0
        } else {
            sum as f32 / cnt as f32 - f32::from(paper_grey)
        };
        let cand = WhitePatch {
            x: x0 * CELLP,
            y: y0 * CELLP,
            w: pw,
            h: ph,
            whiter,
            paper_chroma,
            fill,
        };
        found.push(cand);
    }
    // The most filled first (stable: equal fills keep reading order).
    found.sort_by(|a, b| b.fill.total_cmp(&a.fill));
    (found, paper_chroma)
}

pub fn measure(w: &Work, kind: PageKind) -> AlterationFigures {
    let skew = estimate_skew(w);
    let (s, c) = (skew.to_radians().sin(), skew.to_radians().cos());
    // Skew-corrected grid: u = x cos + y sin, v = y cos − x sin + off.
    let off = (w.w as f32 * s.abs()).ceil() + 1.0;
    let gu = (w.w as f32 * c + w.h as f32 * s.abs()).ceil() as usize + 2;
    let gv = (w.h as f32 * c + off * 2.0).ceil() as usize + 2;
    let mut grid = vec![0u8; gu * gv];
    let ww = w.w;
    for y in 2..w.h - 2 {
        let row = &w.grey[y * ww..(y + 1) * ww];
        let (u2, u1, d1, d2) = (
            &w.grey[(y - 2) * ww..(y - 1) * ww],
            &w.grey[(y - 1) * ww..y * ww],
            &w.grey[(y + 1) * ww..(y + 2) * ww],
            &w.grey[(y + 2) * ww..(y + 3) * ww],
        );
        // u = x cos + y sin, v = y cos − x sin + off, stepped along the row (+0.5: round).
        let mut uf = 2.0 * c + y as f32 * s + 0.5;
        let mut vf = y as f32 * c - 2.0 * s + off + 0.5;
        for x in 2..ww - 2 {
            let g = row[x];
            let mut bits = 0u8;
            if g < INK {
                bits |= INK_BIT;
            } else {
                let ci = i32::from(g);
                if is_faint(ci, u2[x], d2[x], u1[x], d1[x]) {
                    bits |= FAINT_H;
                }
                if is_faint(ci, row[x - 2], row[x + 2], row[x - 1], row[x + 1]) {
                    bits |= FAINT_V;
                }
            }
            if bits != 0 {
                let u = (uf.max(0.0) as usize).min(gu - 1);
                let v = (vf.max(0.0) as usize).min(gv - 1);
                grid[v * gu + u] |= bits;
            }
            uf += c;
            vf -= s;
        }
    }
    let segs = horizontal_segments(&grid, gu, gv, w.w);
    let hmax = (w.w.min(w.h) * 8 / 100).max(10);
    let mut best: Option<Candidate> = None;
    // Segments come in increasing v: pair each with those up to `hmax` below it.
    for (i, top) in segs.iter().enumerate() {
        for bot in &segs[i + 1..] {
            let dv = bot.0 - top.0;
            if dv > hmax {
                break;
            }
            if dv < 8 {
                continue;
            }
            let len = top.2 - top.1;
            // A patch covers a field: wider than tall.
            if len * 2 < dv * 3 {
                continue;
            }
            let tol = (len / 20).max(4);
            if top.1.abs_diff(bot.1) > tol || top.2.abs_diff(bot.2) > tol {
                continue;
            }
            let cand = judge(&grid, &Paper { w, s, c, off }, gu, gv, top, bot);
            // Touching the raster's edge: the page's own border on the bed, not a patch.
            if cand.ink < 0.02 || cand.u0 < 6 || cand.u1 + 6 >= gu {
                continue;
            }
            if best.is_none_or(|bb| rank(&cand) > rank(&bb)) {
                best = Some(cand);
            }
        }
    }
    if let Some(b) = best.as_mut() {
        b.bounds = unskewed_bounds(b, s, c, off, w);
    }
    let (white, _) = white_patch(w);
    let flat = if kind == PageKind::A4Page {
        flat::measure(w)
    } else {
        None
    };
    AlterationFigures {
        skew_deg: skew,
        segments: segs.len(),
        best,
        white,
        flat,
    }
}

/// A skew-corrected rectangle back on the working raster (x = u cos − v' sin, y = u sin + v' cos
/// with v' = v − off): the bounding box of its four corners, clamped to the raster.
fn unskewed_bounds(b: &Candidate, s: f32, c: f32, off: f32, w: &Work) -> [usize; 4] {
    let corners = [(b.u0, b.v0), (b.u1, b.v0), (b.u0, b.v1), (b.u1, b.v1)].map(|(u, v)| {
        let (u, v) = (u as f32, v as f32 - off);
        (u * c - v * s, u * s + v * c)
    });
    let fold = |pick: fn(&(f32, f32)) -> f32, min: bool| {
        corners
            .iter()
            .map(pick)
            .fold(if min { f32::MAX } else { f32::MIN }, |a, b| {
                if min { a.min(b) } else { a.max(b) }
            })
    };
    let clamp = |v: f32, hi: usize| (v.max(0.0) as usize).min(hi);
    [
        clamp(fold(|p| p.0, true).floor(), w.w),
        clamp(fold(|p| p.1, true).floor(), w.h),
        clamp(fold(|p| p.0, false).ceil(), w.w),
        clamp(fold(|p| p.1, false).ceil(), w.h),
    ]
}

/// A working-px box `x, y, w, h` in the scan's own pixels.
fn scan_box(x: usize, y: usize, w: usize, h: usize, factor: u32) -> [u32; 4] {
    let px = |v: usize| u32::try_from(v).unwrap_or(u32::MAX).saturating_mul(factor);
    [px(x), px(y), px(x + w), px(y + h)]
}

fn level(c: &Candidate) -> u8 {
    let plain = c.ring <= RING_MAX;
    let clean = plain || c.whiter >= WHITER;
    // A refusal needs plain paper around the outline: on a patterned border (a diploma's grid)
    // a whiter interior alone made closed rectangles on valid pages (2 of 373 valid A4 pages
    // measured, 2026-12-03; every valid 4-sided outline had ≥ 4.6 % faint lines around it).
    if c.sides == 4 && plain && c.ink >= INK_MIN && c.whiter >= -3.0 {
        2
    } else if c.sides >= 3 && clean {
        1
    } else {
        0
    }
}

fn rank(c: &Candidate) -> (u8, u8, i32) {
    (level(c), c.sides, -(c.ring * 1000.0) as i32)
}

#[inline]
fn is_faint(c: i32, a: u8, b: u8, n1: u8, n2: u8) -> bool {
    if a < LIGHT || b < LIGHT || a.abs_diff(b) > 10 {
        return false;
    }
    let d = i32::from(a.min(b)) - c;
    (D_MIN..=D_MAX).contains(&d) && c <= i32::from(n1) + 2 && c <= i32::from(n2) + 2
}

/// Horizontal faint segments `(v, u0, u1)`: runs (gaps ≤ [`GAP`]) over rows v−1..=v+1 of at
/// least [`MIN_LEN`] and at most 60 % of the width, covered at ≥ 50 %.
fn horizontal_segments(
    grid: &[u8],
    gu: usize,
    gv: usize,
    width: usize,
) -> Vec<(usize, usize, usize)> {
    let max_len = width * 6 / 10;
    let mut out = Vec::new();
    for v in 1..gv.saturating_sub(1) {
        let r0 = &grid[(v - 1) * gu..v * gu];
        let r1 = &grid[v * gu..(v + 1) * gu];
        let r2 = &grid[(v + 1) * gu..(v + 2) * gu];
        let mut start: Option<usize> = None;
        let mut last = 0usize;
        let mut count = 0usize;
        let flush = |s: usize, e: usize, n: usize, out: &mut Vec<(usize, usize, usize)>| {
            let len = e - s + 1;
            if len >= MIN_LEN && len <= max_len && n * 10 >= len * 5 {
                out.push((v, s, e));
            }
        };
        for u in 0..gu {
            if (r0[u] | r1[u] | r2[u]) & FAINT_H != 0 {
                match start {
                    Some(s) if u - last > GAP => {
                        flush(s, last, count, &mut out);
                        start = Some(u);
                        count = 0;
                    }
                    None => {
                        start = Some(u);
                        count = 0;
                    }
                    _ => {}
                }
                last = u;
                count += 1;
            }
        }
        if let Some(s) = start {
            flush(s, last, count, &mut out);
        }
        if out.len() > 5000 {
            break;
        }
    }
    // Rows v and v+1 both report the same line: keep one per (u0, u1) within 2 rows.
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for s in out {
        if !kept
            .iter()
            .rev()
            .take(64)
            .any(|k| s.0 - k.0 <= 2 && k.1.abs_diff(s.1) <= 4 && k.2.abs_diff(s.2) <= 4)
        {
            kept.push(s);
        }
    }
    kept
}

/// Reads the working raster's paper (light, non-line) pixels at skew-corrected coordinates.
struct Paper<'a> {
    w: &'a Work,
    s: f32,
    c: f32,
    off: f32,
}

impl Paper<'_> {
    /// Grey at grid cell (u, v) when it is light paper there (not ink, not a faint line).
    fn at(&self, grid_bits: u8, u: usize, v: usize) -> Option<u8> {
        if grid_bits != 0 {
            return None;
        }
        let (uf, vf) = (u as f32, v as f32 - self.off);
        let x = (uf * self.c - vf * self.s).round();
        let y = (uf * self.s + vf * self.c).round();
        if x < 0.0 || y < 0.0 || x as usize >= self.w.w || y as usize >= self.w.h {
            return None;
        }
        let g = self.w.g(x as usize, y as usize);
        (g >= LIGHT).then_some(g)
    }
}

fn judge(
    grid: &[u8],
    light: &Paper<'_>,
    gu: usize,
    gv: usize,
    top: &(usize, usize, usize),
    bot: &(usize, usize, usize),
) -> Candidate {
    let u0 = top.1.min(bot.1);
    let u1 = top.2.max(bot.2).min(gu - 1);
    let v0 = top.0;
    let v1 = (bot.0 + 1).min(gv - 1);
    let side = |uc: usize| -> f32 {
        let mut hit = 0;
        let mut n = 0;
        for v in v0 + 2..v1.saturating_sub(1) {
            n += 1;
            let lo = uc.saturating_sub(3);
            let hi = (uc + 3).min(gu - 1);
            if (lo..=hi).any(|u| grid[v * gu + u] & FAINT_V != 0) {
                hit += 1;
            }
        }
        if n == 0 { 0.0 } else { hit as f32 / n as f32 }
    };
    let left = side(u0);
    let right = side(u1);
    let sides = 2 + u8::from(left >= SIDE_MIN) + u8::from(right >= SIDE_MIN);
    if sides < 3 {
        // Not even a candidate: skip the costlier figures.
        return Candidate {
            u0,
            u1,
            v0,
            v1,
            sides,
            ring: 1.0,
            ink: 0.0,
            whiter: 0.0,
            bounds: [0; 4],
        };
    }
    // Interior ink share; faint-line density of the ring around (a band of the rectangle's
    // height above and below, 8 px beside).
    let (mut ink, mut area) = (0usize, 0usize);
    for v in v0 + 3..v1.saturating_sub(2) {
        for u in u0 + 4..u1.saturating_sub(3) {
            area += 1;
            ink += usize::from(grid[v * gu + u] & INK_BIT != 0);
        }
    }
    let dh = v1 - v0;
    let (rv0, rv1) = (v0.saturating_sub(dh), (v1 + dh).min(gv - 1));
    let (ru0, ru1) = (u0.saturating_sub(8), (u1 + 8).min(gu - 1));
    let in_ring = |v: usize| !(v + 3 >= v0 && v <= v1 + 3);
    let (mut faint, mut rn) = (0usize, 0usize);
    for v in (rv0..=rv1).filter(|&v| in_ring(v)) {
        for u in ru0..=ru1 {
            rn += 1;
            faint += usize::from(grid[v * gu + u] & (FAINT_H | FAINT_V) != 0);
        }
    }
    let ink = ink as f32 / area.max(1) as f32;
    let ring = faint as f32 / rn.max(1) as f32;
    if ink < 0.02 {
        return Candidate {
            u0,
            u1,
            v0,
            v1,
            sides,
            ring,
            ink,
            whiter: 0.0,
            bounds: [0; 4],
        };
    }
    // Paper inside and around, sampled every second cell.
    let mut in_hist = [0u64; 256];
    let mut out_hist = [0u64; 256];
    for v in (v0 + 3..v1.saturating_sub(2)).step_by(2) {
        for u in (u0 + 4..u1.saturating_sub(3)).step_by(2) {
            if let Some(g) = light.at(grid[v * gu + u], u, v) {
                in_hist[g as usize] += 1;
            }
        }
    }
    for v in (rv0..=rv1).filter(|&v| in_ring(v)).step_by(2) {
        for u in (ru0..=ru1).step_by(2) {
            if let Some(g) = light.at(grid[v * gu + u], u, v) {
                out_hist[g as usize] += 1;
            }
        }
    }
    // Paper level: the 75th percentile of light pixels (glyph edges pull a mean down).
    let level =
        |h: &[u64; 256]| (h.iter().sum::<u64>() > 0).then(|| f32::from(hist_percentile(h, 0.75)));
    Candidate {
        u0,
        u1,
        v0,
        v1,
        sides,
        ring,
        ink,
        whiter: match (level(&in_hist), level(&out_hist)) {
            (Some(a), Some(b)) => a - b,
            _ => 0.0,
        },
        bounds: [0; 4],
    }
}

/// Page skew in degrees (text lines' angle), by maximizing the projection profile's energy.
pub fn estimate_skew(w: &Work) -> f32 {
    let mut pts: Vec<(f32, f32)> = Vec::new();
    // Every row (sub-sampling rows would alias the profile at 0°), every second column.
    for y in 0..w.h {
        for x in (0..w.w).step_by(2) {
            if w.g(x, y) < INK {
                pts.push((x as f32, y as f32));
            }
        }
    }
    if pts.len() < 50 {
        return 0.0;
    }
    if pts.len() > 60_000 {
        let step = pts.len() / 60_000 + 1;
        pts = pts.into_iter().step_by(step).collect();
    }
    let off = w.w as f32 * 0.08 + 2.0;
    let bins = (w.h as f32 + 2.0 * off) as usize + 2;
    let mut hist = vec![0u32; bins];
    let mut best = (0u64, 0.0f32);
    for k in -20..=20 {
        let deg = k as f32 * 0.2;
        let (s, c) = (deg.to_radians().sin(), deg.to_radians().cos());
        hist.iter_mut().for_each(|h| *h = 0);
        for &(x, y) in &pts {
            let v = (y * c - x * s + off).max(0.0) as usize;
            hist[v.min(bins - 1)] += 1;
        }
        let e: u64 = hist.iter().map(|&h| u64::from(h) * u64::from(h)).sum();
        if e > best.0 {
            best = (e, deg);
        }
    }
    best.1
}

/// `factor`: scan px per working px, to give the patch's place on the scan.
pub fn verdict(f: &AlterationFigures, factor: u32) -> Verdict {
    if let Some(p) = f.white.first() {
        let others: Vec<String> = f.white[1..]
            .iter()
            .map(|o| format!("{}×{} at ({}, {})", o.w, o.h, o.x, o.y))
            .collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!("; also {}", others.join(", "))
        };
        return Verdict::new(
            Finding::Fail,
            format!(
                "white patch on tinted paper: {}×{} px at ({}, {}) (working px), {:+.0} grey vs paper (chroma {}), filled {:.0} %{also}",
                p.w,
                p.h,
                p.x,
                p.y,
                p.whiter,
                p.paper_chroma,
                p.fill * 100.0
            ),
            1.0,
        )
        .at(f
            .white
            .iter()
            .map(|o| scan_box(o.x, o.y, o.w, o.h, factor))
            .collect());
    }
    let outline = f.best.filter(|c| level(c) > 0);
    if let (None, Some(p)) = (outline, f.flat)
        && p.source == flat::FlatSource::PatternGap
    {
        let (finding, what) = if p.score >= flat::REFUSE {
            (Finding::Fail, "printed pattern gone around retyped text")
        } else {
            (
                Finding::Unknown,
                "printed pattern thinned around retyped text",
            )
        };
        return Verdict::new(
            finding,
            format!(
                "{what}: {}×{} px at ({}, {}) (working px), score {:.2}: pattern around the words ×{:.2} of the paper beyond them (an officer looks ≤ ×{:.2}, refused ≤ ×{:.2})",
                p.w,
                p.h,
                p.x,
                p.y,
                p.score,
                p.pattern,
                flat::HALO_LOST,
                flat::HALO_REFUSE,
            ),
            p.score,
        )
        .at(vec![scan_box(p.x, p.y, p.w, p.h, factor)]);
    }
    if let (None, Some(p)) = (outline, f.flat) {
        let (finding, what) = if p.score >= flat::REFUSE {
            (Finding::Fail, "flat correction patch (no outline)")
        } else {
            (
                Finding::Unknown,
                "possible flat correction patch (no outline)",
            )
        };
        return Verdict::new(
            finding,
            format!(
                "{what}: {}×{} px at ({}, {}) (working px), score {:.2}: paper inside {:+.1} grey, {:+.1} chroma vs around (step ≥ {:.0}), texture ×{:.2}, pattern ×{:.2}, filled {:.0} %, ink {:.0} %, uneven paper around {:.0} % (≤ {:.0} %)",
                p.w,
                p.h,
                p.x,
                p.y,
                p.score,
                p.dgrey,
                p.dchroma,
                flat::STEP,
                p.texture,
                p.pattern,
                p.fill * 100.0,
                p.ink * 100.0,
                p.ring * 100.0,
                flat::RING_MAX * 100.0
            ),
            p.score,
        )
        .at(vec![scan_box(p.x, p.y, p.w, p.h, factor)]);
    }
    let Some(c) = f.best else {
        return Verdict::new(
            Finding::Pass,
            format!(
                "no correction-patch outline (skew {:.1}°, {} faint segments)",
                f.skew_deg, f.segments
            ),
            0.0,
        );
    };
    let figures = format!(
        "rectangle {}×{} px at ({}, {}) (working px, skew {:.1}°): {} of 4 faint sides, ink {:.0} %, interior {:+.1} grey vs paper, faint lines around {:.1} % (plain ≤ {:.1} %)",
        c.u1 - c.u0,
        c.v1 - c.v0,
        c.u0,
        c.v0,
        f.skew_deg,
        c.sides,
        c.ink * 100.0,
        c.whiter,
        c.ring * 100.0,
        RING_MAX * 100.0
    );
    let lv = level(&c);
    let [x0, y0, x1, y1] = c.bounds;
    let at = vec![scan_box(x0, y0, x1 - x0, y1 - y0, factor)];
    if lv == 2 {
        Verdict::new(Finding::Fail, format!("correction patch: {figures}"), 1.0).at(at)
    } else if lv == 1 {
        Verdict::new(
            Finding::Unknown,
            format!("possible correction patch: {figures}"),
            0.6,
        )
        .at(at)
    } else {
        Verdict::new(
            Finding::Pass,
            format!("no closed patch outline: {figures}"),
            0.2,
        )
    }
}
