//! Things printed or stamped on documents besides text: backgrounds, the national emblem, seals,
//! signatures, the ID card's QR code, chip and fingerprints.

use crate::canvas::{Align, BLUE, Canvas, F, RED, Rgb};
use crate::rng::{FastNoise, Rng, fatan2, fsin};

/// Paper: a base colour with faint fibres and an optional wavy security pattern.
pub fn paper(cv: &mut Canvas, rng: &mut Rng, base: Rgb, pattern: Option<(Rgb, f32)>) {
    let (w, h) = (cv.img.width() as usize, cv.img.height() as usize);
    let mut n = FastNoise::new(rng);
    let ppm = cv.ppm;
    let phase = rng.rangef(0.0, 6.0);
    let period = rng.rangef(2.6, 3.4);
    let tau = std::f32::consts::TAU;
    // Column terms of the two wave families, computed once.
    let colv: Vec<f32> = (0..w).map(|x| x as f32 / ppm / period * tau).collect();
    let colu: Vec<f32> = (0..w)
        .map(|x| 0.7 * fsin(x as f32 / ppm / 11.0 + phase))
        .collect();
    let buf: &mut [u8] = &mut cv.img;
    for y in 0..h {
        let ym = y as f32 / ppm;
        let rowv = 0.9 * fsin(ym / 9.0 + phase) * tau;
        let rowu = ym / (period * 1.3);
        let line = &mut buf[y * w * 3..(y + 1) * w * 3];
        for x in 0..w {
            let mut c = [base[0] as f32, base[1] as f32, base[2] as f32];
            let g = n.sample() * 1.6;
            if let Some((pc, strength)) = pattern {
                let v = fsin(colv[x] + rowv);
                let u = fsin((rowu + colu[x]) * tau);
                let l = ((v.abs() - 0.93) * (1.0 / 0.07)).max(0.0)
                    + ((u.abs() - 0.95) * (1.0 / 0.05)).max(0.0);
                if l > 0.0 {
                    let a = (l * strength).min(1.0);
                    for i in 0..3 {
                        c[i] += (pc[i] as f32 - c[i]) * a;
                    }
                }
            }
            for i in 0..3 {
                line[x * 3 + i] = (c[i] + g).clamp(0.0, 255.0) as u8;
            }
        }
    }
}

/// A vertical gradient tint (ID card background), multiplied in.
pub fn tint_gradient(cv: &mut Canvas, top: Rgb, bottom: Rgb) {
    let h = cv.img.height();
    for (x, y, p) in cv.img.enumerate_pixels_mut() {
        let _ = x;
        let t = y as f32 / h.max(1) as f32;
        for i in 0..3 {
            let c = top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t;
            p.0[i] = (p.0[i] as f32 * c / 255.0) as u8;
        }
    }
}

/// A guilloche rosette centred at (cx, cy) mm, radius r mm.
pub fn rosette(cv: &mut Canvas, cx: f32, cy: f32, r: f32, c: Rgb, alpha: f32) {
    let s = cv.ppm;
    let (pcx, pcy, pr) = (cx * s, cy * s, r * s);
    let (w, h) = (cv.img.width() as i32, cv.img.height() as i32);
    for py in ((pcy - pr) as i32).max(0)..((pcy + pr) as i32).min(h) {
        for px in ((pcx - pr) as i32).max(0)..((pcx + pr) as i32).min(w) {
            let (dx, dy) = (px as f32 - pcx, py as f32 - pcy);
            let d = (dx * dx + dy * dy).sqrt();
            if d >= pr {
                continue;
            }
            let th = fatan2(dy, dx);
            let rm = d / s;
            let w9 = 1.6 * fsin(th * 9.0);
            let v = fsin(rm * 2.2 + w9);
            let u = fsin(rm * 2.2 - w9);
            let line = ((v.abs() - 0.9) / 0.1)
                .max(0.0)
                .max(((u.abs() - 0.9) / 0.1).max(0.0));
            if line > 0.0 {
                cv.blend(
                    px,
                    py,
                    c,
                    line * alpha * (1.0 - d / pr).min(0.3) / 0.3,
                    true,
                );
            }
        }
    }
}

/// The national emblem (simplified): red disc, yellow star, golden rim and cog.
pub fn emblem(cv: &mut Canvas, cx: f32, cy: f32, r: f32) {
    let gold = [222, 170, 40];
    cv.disc(cx, cy, r, gold, 1.0, false);
    cv.disc(cx, cy - r * 0.05, r * 0.78, [210, 30, 35], 1.0, false);
    cv.star(cx, cy - r * 0.07, r * 0.55, [250, 215, 60], 1.0, false);
    for i in 0..14 {
        let a = std::f32::consts::PI * (0.15 + 0.7 * i as f32 / 13.0);
        let (x, y) = (cx - r * 0.92 * a.cos(), cy + r * 0.92 * a.sin());
        cv.disc(x, y, r * 0.12, [200, 150, 30], 1.0, false);
    }
    cv.fill_rect(
        cx - r * 0.45,
        cy + r * 0.78,
        r * 0.9,
        r * 0.2,
        [200, 150, 30],
        1.0,
    );
}

/// A round red seal with lettering on the top and bottom arcs.
#[allow(clippy::too_many_arguments)]
pub fn seal(cv: &mut Canvas, rng: &mut Rng, cx: f32, cy: f32, r: f32, top: &str, bottom: &str) {
    let alpha = rng.rangef(0.72, 0.92);
    let c = [
        rng.int(190, 215) as u8,
        rng.int(20, 45) as u8,
        rng.int(35, 60) as u8,
    ];
    cv.ring(cx, cy, r, r * 0.07, c, alpha);
    cv.ring(cx, cy, r * 0.76, r * 0.025, c, alpha);
    let pt = r * 0.24 / 0.3528;
    cv.arc_text(F::SansBold, pt, cx, cy, r * 0.86, top, c, alpha, true);
    if !bottom.is_empty() {
        cv.arc_text(
            F::SansBold,
            pt * 0.85,
            cx,
            cy,
            r * 0.86,
            bottom,
            c,
            alpha,
            false,
        );
    }
    for side in [-1.0f32, 1.0] {
        cv.star(
            cx + side * r * 0.86,
            cy + r * 0.05,
            r * 0.07,
            c,
            alpha,
            true,
        );
    }
    cv.ring(cx, cy, r * 0.42, r * 0.03, c, alpha);
    cv.star(cx, cy - r * 0.03, r * 0.3, c, alpha, true);
    // Uneven ink: a few lighter blotches.
    let s = cv.ppm;
    for _ in 0..12 {
        let (bx, by) = (cx + rng.rangef(-r, r), cy + rng.rangef(-r, r));
        let br = rng.rangef(0.5, 1.6) * s;
        let (pbx, pby) = (bx * s, by * s);
        for py in (pby - br) as i32..(pby + br) as i32 {
            for px in (pbx - br) as i32..(pbx + br) as i32 {
                if px < 0 || py < 0 || px >= cv.img.width() as i32 || py >= cv.img.height() as i32 {
                    continue;
                }
                let d = ((px as f32 - pbx).powi(2) + (py as f32 - pby).powi(2)).sqrt() / br;
                if d < 1.0 {
                    let p = cv.img.get_pixel_mut(px as u32, py as u32);
                    // Lighten only reddish ink.
                    if p.0[0] as i32 - p.0[1] as i32 > 60 {
                        let k = 0.35 * (1.0 - d);
                        for i in 1..3 {
                            p.0[i] = (p.0[i] as f32 + (255.0 - p.0[i] as f32) * k) as u8;
                        }
                    }
                }
            }
        }
    }
}

/// A handwritten-looking signature in blue ballpoint inside the box (x, y, w, h) mm.
pub fn signature(cv: &mut Canvas, rng: &mut Rng, x: f32, y: f32, w: f32, h: f32) {
    let n = rng.int(6, 10) as usize;
    let mut ctrl = Vec::new();
    let mut px = x;
    for i in 0..n {
        let t = i as f32 / (n - 1) as f32;
        px = if i == 0 {
            x
        } else {
            (px + rng.rangef(-0.12, 0.32) * w).min(x + w * 0.8)
        };
        let py = y + h * (0.5 + rng.rangef(-0.5, 0.5) * (1.0 - 0.4 * t));
        ctrl.push((px, py));
    }
    let ink = [
        BLUE[0].saturating_add(rng.int(0, 25) as u8),
        BLUE[1],
        BLUE[2].saturating_add(rng.int(0, 40) as u8),
    ];
    let base_w = rng.rangef(0.28, 0.45);
    let pts = catmull(&ctrl, 14, base_w, rng);
    cv.stroke(&pts, ink, 0.9);
    // The flourish: a long underline swinging right.
    let fy = y + h * rng.rangef(0.55, 0.95);
    let tail = vec![
        (x + w * rng.rangef(0.0, 0.3), fy + h * 0.1),
        (x + w * 0.5, fy - h * rng.rangef(0.0, 0.25)),
        (x + w * rng.rangef(0.85, 1.0), fy - h * rng.rangef(0.2, 0.5)),
    ];
    let pts = catmull(&tail, 20, base_w * 0.8, rng);
    cv.stroke(&pts, ink, 0.85);
}

fn catmull(ctrl: &[(f32, f32)], steps: usize, w: f32, rng: &mut Rng) -> Vec<(f32, f32, f32)> {
    let mut out = Vec::new();
    if ctrl.len() < 2 {
        return out;
    }
    let get = |i: isize| ctrl[i.clamp(0, ctrl.len() as isize - 1) as usize];
    let total = (ctrl.len() - 1) * steps;
    for i in 0..ctrl.len() - 1 {
        let (p0, p1, p2, p3) = (
            get(i as isize - 1),
            get(i as isize),
            get(i as isize + 1),
            get(i as isize + 2),
        );
        for s in 0..steps {
            let t = s as f32 / steps as f32;
            let (t2, t3) = (t * t, t * t * t);
            let f = |a: f32, b: f32, c: f32, d: f32| {
                0.5 * (2.0 * b
                    + (-a + c) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (-a + 3.0 * b - 3.0 * c + d) * t3)
            };
            let k = (i * steps + s) as f32 / total as f32;
            // Pressure: thin at the ends, jitter in the middle.
            let pressure = (k * 6.0).min(1.0) * ((1.0 - k) * 5.0).min(1.0) * rng.rangef(0.85, 1.1);
            out.push((
                f(p0.0, p1.0, p2.0, p3.0),
                f(p0.1, p1.1, p2.1, p3.1),
                w * (0.45 + 0.55 * pressure),
            ));
        }
    }
    out.push((ctrl[ctrl.len() - 1].0, ctrl[ctrl.len() - 1].1, w * 0.4));
    out
}

/// A QR code of `text` in the box (x, y, size) mm.
pub fn qr(cv: &mut Canvas, x: f32, y: f32, size: f32, text: &str) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
    else {
        return;
    };
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 1.0;
    let m = size / (n as f32 + 2.0 * quiet);
    cv.fill_rect(x, y, size, size, [252, 252, 250], 1.0);
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (cx, cy) = ((i % n) as f32, (i / n) as f32);
            cv.fill_rect(
                x + (cx + quiet) * m,
                y + (cy + quiet) * m,
                m,
                m,
                [18, 18, 22],
                1.0,
            );
        }
    }
}

/// The contact chip of the ID card.
pub fn chip(cv: &mut Canvas, x: f32, y: f32, w: f32, h: f32) {
    let gold = [214, 172, 90];
    cv.fill_rect(x, y, w, h, gold, 1.0);
    let line = [150, 110, 45];
    cv.line(x, y + h / 2.0, x + w, y + h / 2.0, 0.2, line, 1.0);
    cv.line(x + w * 0.33, y, x + w * 0.33, y + h, 0.2, line, 1.0);
    cv.line(x + w * 0.67, y, x + w * 0.67, y + h, 0.2, line, 1.0);
    cv.line(x, y + h * 0.25, x + w * 0.33, y + h * 0.25, 0.2, line, 1.0);
    cv.line(
        x + w * 0.67,
        y + h * 0.75,
        x + w,
        y + h * 0.75,
        0.2,
        line,
        1.0,
    );
    cv.fill_rect(
        x + w * 0.38,
        y + h * 0.3,
        w * 0.24,
        h * 0.4,
        [226, 188, 110],
        1.0,
    );
    for (a, b, c2, d) in [
        (x, y, x + w, y),
        (x, y + h, x + w, y + h),
        (x, y, x, y + h),
        (x + w, y, x + w, y + h),
    ] {
        cv.line(a, b, c2, d, 0.2, line, 1.0);
    }
}

/// A fingerprint box with a whorl and its caption.
#[allow(clippy::too_many_arguments)]
pub fn fingerprint(
    cv: &mut Canvas,
    rng: &mut Rng,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    caption: &str,
    caption_en: &str,
) {
    let frame = [90, 90, 90];
    for (a, b, c, d) in [
        (x, y, x + w, y),
        (x, y + h, x + w, y + h),
        (x, y, x, y + h),
        (x + w, y, x + w, y + h),
    ] {
        cv.line(a, b, c, d, 0.18, frame, 1.0);
    }
    let s = cv.ppm;
    let (cx, cy) = (
        (x + w / 2.0 + rng.rangef(-1.0, 1.0)) * s,
        (y + h * 0.5 + rng.rangef(-1.0, 1.0)) * s,
    );
    let (rx, ry) = (w * 0.36 * s, h * 0.4 * s);
    let ridge = rng.rangef(0.42, 0.52) * s;
    let warp = rng.rangef(0.0, 6.0);
    for py in (cy - ry) as i32..(cy + ry) as i32 {
        for px in (cx - rx) as i32..(cx + rx) as i32 {
            let (dx, dy) = ((px as f32 - cx) / rx, (py as f32 - cy) / ry);
            let e = dx * dx + dy * dy;
            if e >= 1.0 {
                continue;
            }
            let r = ((px as f32 - cx).powi(2) * 1.4 + (py as f32 - cy).powi(2)).sqrt();
            let th = fatan2(py as f32 - cy, px as f32 - cx);
            let v = fsin(r / ridge * std::f32::consts::PI + 0.8 * fsin(th * 2.0 + warp));
            let a = ((v - 0.2) / 0.8).max(0.0) * (1.0 - e).min(0.25) * 4.0 * 0.55;
            cv.blend(px, py, [70, 70, 78], a, true);
        }
    }
    cv.text(
        F::Sans,
        4.2,
        x + w / 2.0,
        y + h + 2.6,
        Align::Center,
        caption,
        [40, 40, 40],
    );
    cv.text(
        F::SansItalic,
        3.8,
        x + w / 2.0,
        y + h + 4.6,
        Align::Center,
        caption_en,
        [40, 40, 40],
    );
}

/// A thin decorative double frame with corner ornaments.
pub fn frame(cv: &mut Canvas, inset: f32, c: Rgb) {
    let (w, h) = (cv.w_mm(), cv.h_mm());
    for (i, lw) in [(0.0, 1.1), (1.8, 0.35)] {
        let d = inset + i;
        cv.polyline(
            &[(d, d), (w - d, d), (w - d, h - d), (d, h - d), (d, d)],
            lw,
            c,
            1.0,
        );
    }
    for (x, y) in [
        (inset, inset),
        (w - inset, inset),
        (inset, h - inset),
        (w - inset, h - inset),
    ] {
        cv.ring(x, y, 2.4, 0.4, c, 1.0);
        cv.star(x, y, 1.9, c, 1.0, true);
    }
    let _ = RED;
}
