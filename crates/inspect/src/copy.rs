//! `not_an_original`: is the scanned page itself a photocopy?
//!
//! A copier reproduces in black toner: whatever colour the original had becomes grey, and the
//! paper comes out neutral white. The only colour a photocopy may carry is ink added after
//! copying, in practice a red "BẢN SAO"/"COPY" rubber stamp. Originals carry colour that is not
//! red: a CCCD card has tinted (cyan/green) backgrounds and a gold emblem or chip; official papers
//! usually have a blue signature, cream or tinted paper, coloured frames or emblems. Red alone
//! proves nothing (a red seal on an original, or a red copy stamp on a copy).
//!
//! Figures (working raster, whole image — the scanner bed is neutral and adds nothing):
//! * `other` — fraction of clearly coloured pixels (chroma ≥ 36) of a non-red hue;
//! * `red`   — fraction of clearly coloured red/pink pixels;
//! * `tint`  — fraction of light pixels (grey ≥ 150) with a visible tint (chroma ≥ 10): tinted card
//!   backgrounds, cream paper.
//!
//! Decision: any real evidence of non-red colour (`other` ≥ [`OTHER_PASS`] or `tint` ≥
//! [`TINT_PASS`]) passes. No such colour at all (`other` < [`OTHER_NONE`], `tint` <
//! [`TINT_NONE`]) fails for an ID card (a CCCD is never colourless) and for a page that has no red
//! either (every official paper carries a red seal); a page whose only colour is red is Unknown
//! (an original with a black-ink signature and a red seal looks like that, as does a stamped
//! copy: the OCR stamp check and an officer decide). Anything in between is Unknown.

use crate::raster::{Hue, Work};
use crate::{Finding, PageKind, Verdict, ramp};

pub const OTHER_PASS: f32 = 0.0002;
pub const OTHER_NONE: f32 = 0.00003;
pub const TINT_PASS: f32 = 0.10;
pub const TINT_NONE: f32 = 0.03;
pub const RED_NONE: f32 = 0.0002;

#[derive(Debug, Clone, Copy)]
pub struct CopyFigures {
    pub other: f32,
    pub red: f32,
    pub tint: f32,
}

pub fn measure(w: &Work) -> CopyFigures {
    let mut other = 0usize;
    let mut red = 0usize;
    let mut light = 0usize;
    let mut tinted = 0usize;
    for i in 0..w.grey.len() {
        match w.hue[i] {
            Hue::Other => other += 1,
            Hue::Red => red += 1,
            Hue::Neutral => {}
        }
        if w.grey[i] >= 150 {
            light += 1;
            if w.chroma[i] >= 10 {
                tinted += 1;
            }
        }
    }
    let n = w.grey.len().max(1) as f32;
    CopyFigures {
        other: other as f32 / n,
        red: red as f32 / n,
        tint: tinted as f32 / light.max(1) as f32,
    }
}

pub fn verdict(f: &CopyFigures, kind: PageKind) -> Verdict {
    let figures = format!(
        "non-red colour {:.3} % (original ≥ {:.3} %), tinted paper {:.1} % (original ≥ {:.0} %), red {:.3} %",
        f.other * 100.0,
        OTHER_PASS * 100.0,
        f.tint * 100.0,
        TINT_PASS * 100.0,
        f.red * 100.0
    );
    // Score: how copy-like (0 = clearly colourful original, 1 = no colour at all).
    let score = ramp(f.other, OTHER_PASS, OTHER_NONE).min(ramp(f.tint, TINT_PASS, TINT_NONE));
    if f.other >= OTHER_PASS || f.tint >= TINT_PASS {
        return Verdict::new(Finding::Pass, format!("colour present: {figures}"), score);
    }
    if f.other < OTHER_NONE && f.tint < TINT_NONE {
        let fail = match kind {
            PageKind::IdCardFront | PageKind::IdCardBack => true,
            PageKind::A4Page => f.red < RED_NONE,
        };
        if fail {
            return Verdict::new(
                Finding::Fail,
                format!("copier look, no colour but a stamp's red: {figures}"),
                score,
            );
        }
        return Verdict::new(
            Finding::Unknown,
            format!("no colour except red (seal or copy stamp?): {figures}"),
            score.min(0.9),
        );
    }
    Verdict::new(Finding::Unknown, format!("little colour: {figures}"), score)
}
