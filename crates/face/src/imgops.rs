//! Small image operations the models need: resampling a rectangle into a tensor, the
//! similarity transform onto the ArcFace template, and the affine warp.

use image::RgbImage;

/// Bilinear sample of channel values at (x, y) in pixel-centre coordinates. Outside → `None`.
fn bilinear(img: &RgbImage, x: f32, y: f32) -> Option<[f32; 3]> {
    let (w, h) = img.dimensions();
    if x < -0.5 || y < -0.5 || x > w as f32 - 0.5 || y > h as f32 - 0.5 {
        return None;
    }
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let x0 = x.floor() as u32;
    let y0 = y.floor() as u32;
    let x1 = (x0 + 1).min(w - 1);
    let y1 = (y0 + 1).min(h - 1);
    let fx = x - x0 as f32;
    let fy = y - y0 as f32;
    let p00 = img.get_pixel(x0, y0).0;
    let p10 = img.get_pixel(x1, y0).0;
    let p01 = img.get_pixel(x0, y1).0;
    let p11 = img.get_pixel(x1, y1).0;
    let mut out = [0.0f32; 3];
    for c in 0..3 {
        let top = p00[c] as f32 * (1.0 - fx) + p10[c] as f32 * fx;
        let bottom = p01[c] as f32 * (1.0 - fx) + p11[c] as f32 * fx;
        out[c] = top * (1.0 - fy) + bottom * fy;
    }
    Some(out)
}

/// A rectangle in source pixels (may be fractional).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// What [`resample`] reads outside the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Border {
    /// This value in every channel.
    Fill(f32),
    /// The nearest pixel of the image's edge (the edge row or column repeated outwards).
    Edge,
}

/// Resamples `rect` of `img` into `out_w × out_h` RGB values (row-major, 0–255). When shrinking,
/// each output pixel averages a grid of bilinear samples (an area filter), so a 2300 px scan
/// reduced to 320 px does not alias. Samples outside the image are read as `border` says.
pub(crate) fn resample(
    img: &RgbImage,
    rect: Rect,
    out_w: usize,
    out_h: usize,
    border: Border,
) -> Vec<[f32; 3]> {
    let sx = rect.w / out_w as f32;
    let sy = rect.h / out_h as f32;
    if sx >= 2.0 && sy >= 2.0 {
        return box_average(img, rect, out_w, out_h, border);
    }
    let (w, h) = (img.width() as f32, img.height() as f32);
    let sample = |x: f32, y: f32| match border {
        Border::Fill(fill) => bilinear(img, x, y).unwrap_or([fill; 3]),
        Border::Edge => {
            bilinear(img, x.clamp(0.0, w - 1.0), y.clamp(0.0, h - 1.0)).unwrap_or([0.0; 3])
        }
    };
    let nx = sx.ceil().max(1.0) as usize;
    let ny = sy.ceil().max(1.0) as usize;
    let mut out = Vec::with_capacity(out_w * out_h);
    for v in 0..out_h {
        for u in 0..out_w {
            let mut acc = [0.0f32; 3];
            for j in 0..ny {
                for i in 0..nx {
                    let x = rect.x + (u as f32 + (i as f32 + 0.5) / nx as f32) * sx - 0.5;
                    let y = rect.y + (v as f32 + (j as f32 + 0.5) / ny as f32) * sy - 0.5;
                    let p = sample(x, y);
                    for c in 0..3 {
                        acc[c] += p[c];
                    }
                }
            }
            let n = (nx * ny) as f32;
            out.push([acc[0] / n, acc[1] / n, acc[2] / n]);
        }
    }
    out
}

/// Shrinks by averaging the whole source pixels that fall in each output pixel (fast area filter).
fn box_average(
    img: &RgbImage,
    rect: Rect,
    out_w: usize,
    out_h: usize,
    border: Border,
) -> Vec<[f32; 3]> {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let raw = img.as_raw();
    let sx = rect.w / out_w as f32;
    let sy = rect.h / out_h as f32;
    let edges = |origin: f32, step: f32, n: usize| -> Vec<i64> {
        (0..=n)
            .map(|i| (origin + i as f32 * step).round() as i64)
            .collect()
    };
    let xs = edges(rect.x, sx, out_w);
    let ys = edges(rect.y, sy, out_h);
    let mut out = Vec::with_capacity(out_w * out_h);
    for v in 0..out_h {
        let (y0, y1) = (ys[v], ys[v + 1].max(ys[v] + 1));
        for u in 0..out_w {
            let (x0, x1) = (xs[u], xs[u + 1].max(xs[u] + 1));
            let mut acc = [0.0f32; 3];
            let total = ((y1 - y0) * (x1 - x0)) as f32;
            let (cx0, cx1) = (x0.clamp(0, w), x1.clamp(0, w));
            let mut inside = 0i64;
            // Edge: rows above or below the image are its first or last row, columns left or
            // right of it its first or last pixel, each counted as often as it is repeated.
            for y in y0..y1 {
                let y = match border {
                    Border::Fill(_) if !(0..h).contains(&y) => continue,
                    Border::Fill(_) => y,
                    Border::Edge => y.clamp(0, h - 1),
                };
                let row = (y * w) as usize * 3;
                let mut s = [0u32; 3];
                for x in cx0..cx1 {
                    let i = row + x as usize * 3;
                    s[0] += raw[i] as u32;
                    s[1] += raw[i + 1] as u32;
                    s[2] += raw[i + 2] as u32;
                }
                inside += cx1 - cx0;
                if border == Border::Edge {
                    let (left, right) = ((x1.min(0) - x0).max(0), (x1 - x0.max(w)).max(0));
                    let (l, r) = (row, row + (w - 1) as usize * 3);
                    for c in 0..3 {
                        s[c] += raw[l + c] as u32 * left as u32 + raw[r + c] as u32 * right as u32;
                    }
                    inside += left + right;
                }
                for c in 0..3 {
                    acc[c] += s[c] as f32;
                }
            }
            let fill = match border {
                Border::Fill(v) => v,
                Border::Edge => 0.0,
            };
            let outside = total - inside as f32;
            out.push([0, 1, 2].map(|c| (acc[c] + outside * fill) / total));
        }
    }
    out
}

/// Fixed-point scale of OpenCV's resize weights (`INTER_RESIZE_COEF_BITS` = 11).
const CV_COEF_ONE: i32 = 1 << 11;

/// OpenCV `resize` source positions and fixed-point weights along one axis of `src` pixels
/// resized to `dst`: sample at `(d + 0.5) · src/dst − 0.5`, the two neighbours clamped to the
/// edge (OpenCV's replicated border), weights rounded to 11 bits.
fn cv_linear_taps(src: u32, dst: usize) -> Vec<(u32, u32, i32, i32)> {
    let scale = src as f64 / dst as f64;
    (0..dst)
        .map(|d| {
            let f = ((d as f64 + 0.5) * scale - 0.5) as f32;
            let mut s = f.floor() as i64;
            let mut frac = f - s as f32;
            if s < 0 {
                (s, frac) = (0, 0.0);
            }
            if s >= src as i64 - 1 {
                (s, frac) = (src as i64 - 1, 0.0);
            }
            let w0 = ((1.0 - frac) * CV_COEF_ONE as f32).round() as i32;
            let s0 = s as u32;
            (s0, (s0 + 1).min(src - 1), w0, CV_COEF_ONE - w0)
        })
        .collect()
}

/// Resizes the whole-pixel rectangle `(x, y, w, h)` of `img` to `out_w × out_h` RGB values (0–255,
/// whole numbers) as OpenCV's `cv::resize(roi, dst, size)` does with its default `INTER_LINEAR`
/// on 8-bit images: each output pixel is one bilinear sample of the rectangle, at
/// `(u + 0.5) · w/out_w − 0.5`, with OpenCV's 11-bit fixed-point weights and rounding. It does
/// **not** average when shrinking: the pixels between two samples are skipped (aliasing), as in
/// the code the liveness model comes with. The rectangle is clipped to the image. Checked against
/// `cv2.resize` (OpenCV 5.1, x86-64): equal within one grey level (OpenCV's vectorised path rounds
/// slightly differently from its scalar one, which this follows).
pub(crate) fn resize_cv_linear(
    img: &RgbImage,
    (x, y, w, h): (u32, u32, u32, u32),
    out_w: usize,
    out_h: usize,
) -> Vec<[f32; 3]> {
    let (iw, ih) = img.dimensions();
    let x = x.min(iw.saturating_sub(1));
    let y = y.min(ih.saturating_sub(1));
    let w = w.clamp(1, iw - x);
    let h = h.clamp(1, ih - y);
    let xs = cv_linear_taps(w, out_w);
    let ys = cv_linear_taps(h, out_h);
    // Horizontal pass on one source row: values scaled by 2^11, as OpenCV keeps them.
    let row = |sy: u32| -> Vec<[i32; 3]> {
        xs.iter()
            .map(|&(s0, s1, a0, a1)| {
                let p0 = img.get_pixel(x + s0, y + sy).0;
                let p1 = img.get_pixel(x + s1, y + sy).0;
                [0, 1, 2].map(|c| p0[c] as i32 * a0 + p1[c] as i32 * a1)
            })
            .collect()
    };
    let mut out = Vec::with_capacity(out_w * out_h);
    for &(s0, s1, b0, b1) in &ys {
        let (r0, r1) = (row(s0), row(s1));
        for (p0, p1) in r0.iter().zip(&r1) {
            // Vertical pass and OpenCV's `FixedPtCast<int, uchar, 22>`: round, then saturate.
            out.push([0, 1, 2].map(|c| {
                let v = (p0[c] as i64 * b0 as i64 + p1[c] as i64 * b1 as i64 + (1 << 21)) >> 22;
                v.clamp(0, 255) as f32
            }));
        }
    }
    out
}

/// A 2×3 affine matrix mapping source → destination: `[a, b, tx; c, d, ty]`.
pub(crate) type Affine = [[f32; 3]; 2];

/// Least-squares similarity transform (rotation, uniform scale, translation) taking `src` onto
/// `dst` (Umeyama without reflection, in the closed form for 2-D).
pub(crate) fn similarity(src: &[[f32; 2]], dst: &[[f32; 2]]) -> Option<Affine> {
    let n = src.len().min(dst.len());
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let (mut msx, mut msy, mut mdx, mut mdy) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for k in 0..n {
        msx += src[k][0] as f64;
        msy += src[k][1] as f64;
        mdx += dst[k][0] as f64;
        mdy += dst[k][1] as f64;
    }
    msx /= nf;
    msy /= nf;
    mdx /= nf;
    mdy /= nf;
    let (mut sxx, mut a_num, mut b_num) = (0.0f64, 0.0f64, 0.0f64);
    for k in 0..n {
        let (x, y) = (src[k][0] as f64 - msx, src[k][1] as f64 - msy);
        let (u, v) = (dst[k][0] as f64 - mdx, dst[k][1] as f64 - mdy);
        sxx += x * x + y * y;
        a_num += x * u + y * v;
        b_num += x * v - y * u;
    }
    if sxx < 1e-9 {
        return None;
    }
    let a = a_num / sxx; // s·cosθ
    let b = b_num / sxx; // s·sinθ
    let tx = mdx - (a * msx - b * msy);
    let ty = mdy - (b * msx + a * msy);
    Some([
        [a as f32, -b as f32, tx as f32],
        [b as f32, a as f32, ty as f32],
    ])
}

fn invert(m: &Affine) -> Option<Affine> {
    let [[a, b, tx], [c, d, ty]] = *m;
    let det = a * d - b * c;
    if det.abs() < 1e-12 {
        return None;
    }
    let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
    Some([
        [ia, ib, -(ia * tx + ib * ty)],
        [ic, id, -(ic * tx + id * ty)],
    ])
}

/// Warps `img` by `m` (source → destination) into `size × size` RGB values; outside is black,
/// as OpenCV's `warpAffine` does by default.
pub(crate) fn warp(img: &RgbImage, m: &Affine, size: usize) -> Option<Vec<[f32; 3]>> {
    let inv = invert(m)?;
    let mut out = Vec::with_capacity(size * size);
    for v in 0..size {
        for u in 0..size {
            let (uf, vf) = (u as f32, v as f32);
            let x = inv[0][0] * uf + inv[0][1] * vf + inv[0][2];
            let y = inv[1][0] * uf + inv[1][1] * vf + inv[1][2];
            out.push(bilinear(img, x, y).unwrap_or([0.0; 3]));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_recovers_a_known_transform() {
        let src = [
            [10.0, 10.0],
            [50.0, 12.0],
            [30.0, 40.0],
            [15.0, 60.0],
            [45.0, 62.0],
        ];
        let (s, th, tx, ty) = (1.7f32, 0.3f32, 5.0f32, -8.0f32);
        let dst: Vec<[f32; 2]> = src
            .iter()
            .map(|p| {
                [
                    s * (th.cos() * p[0] - th.sin() * p[1]) + tx,
                    s * (th.sin() * p[0] + th.cos() * p[1]) + ty,
                ]
            })
            .collect();
        let m = similarity(&src, &dst).expect("transform");
        for (p, q) in src.iter().zip(&dst) {
            let x = m[0][0] * p[0] + m[0][1] * p[1] + m[0][2];
            let y = m[1][0] * p[0] + m[1][1] * p[1] + m[1][2];
            assert!((x - q[0]).abs() < 1e-3 && (y - q[1]).abs() < 1e-3);
        }
        assert!(invert(&m).is_some());
    }

    #[test]
    fn resample_averages_when_shrinking() {
        let img = RgbImage::from_fn(8, 8, |x, _| {
            if x % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([200, 200, 200])
            }
        });
        let out = resample(
            &img,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 8.0,
                h: 8.0,
            },
            2,
            2,
            Border::Fill(0.0),
        );
        for p in out {
            assert!((p[0] - 100.0).abs() < 1.0, "{p:?}");
        }
    }

    #[test]
    fn the_edge_border_repeats_the_image_edge_beyond_it() {
        // 4×4: the left column 0, the rest 200; the top row 100 (its left pixel 0).
        let img = RgbImage::from_fn(4, 4, |x, y| {
            let v = if x == 0 {
                0
            } else if y == 0 {
                100
            } else {
                200
            };
            image::Rgb([v, v, v])
        });
        let rect = |x: f32, y: f32, w: f32, h: f32| Rect { x, y, w, h };
        // Wholly left of the image (area filter): the left column repeated, whatever the fill.
        let out = resample(&img, rect(-12.0, 0.0, 8.0, 4.0), 2, 2, Border::Edge);
        assert!(out.iter().all(|p| p[0] == 0.0), "{out:?}");
        let out = resample(&img, rect(-12.0, 0.0, 8.0, 4.0), 2, 2, Border::Fill(50.0));
        assert!(out.iter().all(|p| p[0] == 50.0), "{out:?}");
        // Above and right of it: the top row's right pixel (100).
        let out = resample(&img, rect(6.0, -10.0, 4.0, 4.0), 2, 2, Border::Edge);
        assert!(out.iter().all(|p| p[0] == 100.0), "{out:?}");
        // Half out on the right: the inside averaged with the repeated right column (200).
        let out = resample(&img, rect(2.0, 1.0, 4.0, 2.0), 1, 1, Border::Edge);
        assert_eq!(out[0][0], 200.0, "{out:?}");
        let out = resample(&img, rect(-2.0, 1.0, 4.0, 2.0), 1, 1, Border::Edge);
        assert_eq!(out[0][0], 50.0, "{out:?}");
        // Enlarging (bilinear samples): beyond the right edge, the right column.
        let out = resample(&img, rect(5.0, 2.0, 1.0, 1.0), 4, 4, Border::Edge);
        assert!(out.iter().all(|p| p[0] == 200.0), "{out:?}");
        let out = resample(&img, rect(5.0, 2.0, 1.0, 1.0), 4, 4, Border::Fill(7.0));
        assert!(out.iter().all(|p| p[0] == 7.0), "{out:?}");
    }

    #[test]
    fn cv_linear_samples_without_averaging_like_opencv() {
        // Columns alternate 0 / 200. Shrinking 12 → 4 (scale 3) samples at x = (u + 0.5)·3 − 0.5
        // = 1, 4, 7, 10: exactly on bright, dark, bright, dark columns — nothing is averaged.
        let img = RgbImage::from_fn(12, 12, |x, _| {
            if x % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([200, 200, 200])
            }
        });
        let out = resize_cv_linear(&img, (0, 0, 12, 12), 4, 4);
        let row: Vec<f32> = out[..4].iter().map(|p| p[0]).collect();
        assert_eq!(row, vec![200.0, 0.0, 200.0, 0.0]);
        // The area filter on the same rectangle averages three columns into each output pixel
        // (66.7 or 133.3), never a pure dark or bright one.
        let area = resample(
            &img,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 12.0,
                h: 12.0,
            },
            4,
            4,
            Border::Fill(0.0),
        );
        assert!(area.iter().all(|p| (p[0] - 100.0).abs() < 34.0), "{area:?}");
        // A fractional position weighs the two neighbours (cv::resize 4 → 3 of a ramp
        // 0, 60, 120, 180: x = (u + 0.5)·4/3 − 0.5 = 0.1667, 1.5, 2.8333 → 10, 90, 170) and the
        // rectangle is an offset into the image (a region of interest).
        let ramp = RgbImage::from_fn(6, 2, |x, _| {
            let v = (x.saturating_sub(1) * 60).min(255) as u8;
            image::Rgb([v, v, v])
        });
        let out = resize_cv_linear(&ramp, (1, 0, 4, 1), 3, 1);
        let row: Vec<f32> = out.iter().map(|p| p[0]).collect();
        assert_eq!(row, vec![10.0, 90.0, 170.0]);
    }
}
