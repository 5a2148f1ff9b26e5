//! Real face photos (`.tools/photos/<person>/<n>.jpg`): the ID portrait, selfies, and selfies
//! without a face.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use image::{Rgb, RgbImage, imageops};

use crate::SpecimenError;
use crate::rng::{FastNoise, Rng};

/// The people available, each with their photo files (sorted), people sorted by name.
pub fn people(dir: &Path) -> Result<Vec<(String, Vec<PathBuf>)>, SpecimenError> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| SpecimenError::Photos(format!("{}: {e}", dir.display())))?;
    let mut out = Vec::new();
    for ent in rd.flatten() {
        let p = ent.path();
        if !p.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&p)
            .map(|r| {
                r.flatten()
                    .map(|e| e.path())
                    .filter(|f| {
                        f.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                            matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png")
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        if !files.is_empty() {
            out.push((ent.file_name().to_string_lossy().into_owned(), files));
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(SpecimenError::Photos(format!(
            "no photos under {} (scripts/fetch-assets.sh fetches them)",
            dir.display()
        )));
    }
    Ok(out)
}

type Cache = Mutex<HashMap<PathBuf, Arc<(RgbImage, [u32; 4])>>>;
static CACHE: OnceLock<Cache> = OnceLock::new();

/// A decoded photo (downscaled to at most 2400 px high) and its face box, cached.
pub fn load(path: &Path) -> Result<Arc<(RgbImage, [u32; 4])>, SpecimenError> {
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache
        .lock()
        .map_err(|_| SpecimenError::Photos("cache poisoned".into()))?
        .get(path)
    {
        return Ok(v.clone());
    }
    let img = image::open(path)
        .map_err(|e| SpecimenError::Photos(format!("{}: {e}", path.display())))?
        .to_rgb8();
    let img = if img.height() > 2400 {
        let w = (img.width() as u64 * 2400 / img.height() as u64) as u32;
        imageops::resize(&img, w.max(1), 2400, imageops::FilterType::Triangle)
    } else {
        img
    };
    let bx = face_box(&img);
    let v = Arc::new((img, bx));
    cache
        .lock()
        .map_err(|_| SpecimenError::Photos("cache poisoned".into()))?
        .insert(path.to_path_buf(), v.clone());
    Ok(v)
}

fn is_skin(p: &Rgb<u8>) -> bool {
    let (r, g, b) = (p.0[0] as f32, p.0[1] as f32, p.0[2] as f32);
    let cb = 128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    let mx = r.max(g).max(b);
    let mn = r.min(g).min(b);
    (77.0..=127.0).contains(&cb)
        && (133.0..=173.0).contains(&cr)
        && r > 60.0
        && g > 30.0
        && b > 15.0
        && mx - mn > 12.0
        && r > g
        && r > b
}

/// A rough face box (x0, y0, x1, y1) without a face model: the window of face proportions that
/// is most skin-coloured inside and least around, weighted towards the upper centre where portrait
/// photos have the face. Falls back to the upper centre.
pub fn face_box(img: &RgbImage) -> [u32; 4] {
    let (w, h) = img.dimensions();
    let sw = 120u32.min(w);
    let sh = (h as u64 * sw as u64 / w as u64).max(1) as u32;
    let small = imageops::resize(img, sw, sh, imageops::FilterType::Triangle);
    let (iw, ih) = (sw as usize + 1, sh as usize + 1);
    let mut integral = vec![0u32; iw * ih];
    for y in 0..sh as usize {
        let mut row = 0u32;
        for x in 0..sw as usize {
            row += u32::from(is_skin(small.get_pixel(x as u32, y as u32)));
            integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1] + row;
        }
    }
    let sum = |x0: i32, y0: i32, x1: i32, y1: i32| -> (f32, f32) {
        let (x0, y0) = (
            x0.clamp(0, sw as i32) as usize,
            y0.clamp(0, sh as i32) as usize,
        );
        let (x1, y1) = (
            x1.clamp(0, sw as i32) as usize,
            y1.clamp(0, sh as i32) as usize,
        );
        if x1 <= x0 || y1 <= y0 {
            return (0.0, 0.0);
        }
        let s = integral[y1 * iw + x1] + integral[y0 * iw + x0]
            - integral[y0 * iw + x1]
            - integral[y1 * iw + x0];
        (s as f32, ((x1 - x0) * (y1 - y0)) as f32)
    };
    let mut best: Option<(f32, [i32; 4])> = None;
    let mut fw = (sw as f32 * 0.07).max(4.0);
    while fw <= sw as f32 * 0.5 {
        let fh = fw * 1.3;
        let step = (fw / 6.0).max(1.0) as usize;
        let mut y = 0.0f32;
        while y + fh <= sh as f32 * 0.75 {
            let mut x = 0.0f32;
            while x + fw <= sw as f32 {
                let (x0, y0, x1, y1) = (x as i32, y as i32, (x + fw) as i32, (y + fh) as i32);
                let (si, ai) = sum(x0, y0, x1, y1);
                let inner = si / ai.max(1.0);
                if inner > 0.4 {
                    let m = (fw * 0.35) as i32;
                    let (so, ao) = sum(x0 - m, y0 - m, x1 + m, y1);
                    let ring = (so - si) / (ao - ai).max(1.0);
                    let cx = (x + fw / 2.0) / sw as f32;
                    let cy = (y + fh / 2.0) / sh as f32;
                    let prior = -0.9 * (cx - 0.5).abs() - 0.8 * (cy - 0.25).max(0.0)
                        + 0.9 * (fw / sw as f32);
                    let score = inner - 0.9 * ring + prior;
                    if best.is_none_or(|b| score > b.0) {
                        best = Some((score, [x0, y0, x1, y1]));
                    }
                }
                x += step as f32;
            }
            y += step as f32;
        }
        fw *= 1.12;
    }
    let k = w as f32 / sw as f32;
    match best {
        Some((_, [x0, y0, x1, y1])) => [
            (x0.max(0) as f32 * k) as u32,
            (y0.max(0) as f32 * k) as u32,
            ((x1 as f32 * k) as u32).min(w),
            ((y1 as f32 * k) as u32).min(h),
        ],
        None => [w * 3 / 8, h / 10, w * 5 / 8, h * 3 / 10],
    }
}

/// Crops around the face with the face `face_frac` of the crop width, aspect w:h = `aspect`, the
/// face centre at `cy_frac` of the height. Out-of-frame parts are clamped.
pub fn crop_face(
    img: &RgbImage,
    face: [u32; 4],
    face_frac: f32,
    aspect: f32,
    cy_frac: f32,
) -> RgbImage {
    let fw = (face[2] - face[0]).max(8) as f32;
    let fcx = (face[0] + face[2]) as f32 / 2.0;
    let fcy = (face[1] + face[3]) as f32 / 2.0;
    let cw = (fw / face_frac).min(img.width() as f32);
    let ch = (cw / aspect).min(img.height() as f32);
    let cw = ch * aspect;
    let x0 = (fcx - cw / 2.0).clamp(0.0, img.width() as f32 - cw);
    let y0 = (fcy - ch * cy_frac).clamp(0.0, img.height() as f32 - ch);
    imageops::crop_imm(
        img,
        x0 as u32,
        y0 as u32,
        cw.max(1.0) as u32,
        ch.max(1.0) as u32,
    )
    .to_image()
}

/// The ID card portrait: head and shoulders, 3:4, a little desaturated and flattened.
pub fn portrait(path: &Path) -> Result<RgbImage, SpecimenError> {
    let v = load(path)?;
    let mut c = crop_face(&v.0, v.1, 0.5, 0.76, 0.42);
    let c = if c.width() > 400 {
        let h = (c.height() as u64 * 400 / c.width() as u64) as u32;
        imageops::resize(&c, 400, h.max(1), imageops::FilterType::Triangle)
    } else {
        std::mem::take(&mut c)
    };
    let mut c = c;
    for p in c.pixels_mut() {
        let y = 0.299 * p.0[0] as f32 + 0.587 * p.0[1] as f32 + 0.114 * p.0[2] as f32;
        for i in 0..3 {
            let v = y + (p.0[i] as f32 - y) * 0.55;
            p.0[i] = (v * 0.9 + 14.0).clamp(0.0, 255.0) as u8;
        }
    }
    Ok(c)
}

/// A camera frame 720×960 of the person in `path`, lightly augmented (framing, exposure, colour
/// cast, noise).
pub fn selfie(path: &Path, rng: &mut Rng) -> Result<RgbImage, SpecimenError> {
    let v = load(path)?;
    let frac = rng.rangef(0.28, 0.4);
    let crop = crop_face(&v.0, v.1, frac, 0.75, rng.rangef(0.36, 0.46));
    let mut out = imageops::resize(&crop, 720, 960, imageops::FilterType::Triangle);
    if rng.chance(0.5) {
        imageops::flip_horizontal_in_place(&mut out);
    }
    let gain = rng.rangef(0.85, 1.12);
    let cast = [
        rng.rangef(-8.0, 8.0),
        rng.rangef(-5.0, 5.0),
        rng.rangef(-8.0, 8.0),
    ];
    let mut n = FastNoise::new(rng);
    for p in out.pixels_mut() {
        let g = n.sample() * 3.0;
        for i in 0..3 {
            p.0[i] = (p.0[i] as f32 * gain + cast[i] + g).clamp(0.0, 255.0) as u8;
        }
    }
    Ok(out)
}

/// A camera frame without any face: a plastered wall or a ceiling with a lamp.
pub fn no_face(rng: &mut Rng) -> (RgbImage, &'static str) {
    let (w, h) = (720u32, 960u32);
    let kind = if rng.chance(0.5) { "wall" } else { "ceiling" };
    let base = if kind == "wall" {
        [
            rng.rangef(200.0, 235.0),
            rng.rangef(190.0, 220.0),
            rng.rangef(160.0, 200.0),
        ]
    } else {
        [
            rng.rangef(225.0, 245.0),
            rng.rangef(225.0, 245.0),
            rng.rangef(220.0, 240.0),
        ]
    };
    // Low-frequency blotches from a few random cosines, plus fine grain.
    let waves: Vec<(f32, f32, f32, f32)> = (0..6)
        .map(|_| {
            (
                rng.rangef(-0.02, 0.02),
                rng.rangef(-0.02, 0.02),
                rng.rangef(0.0, 6.3),
                rng.rangef(2.0, 7.0),
            )
        })
        .collect();
    let (lx, ly) = (rng.rangef(150.0, 570.0), rng.rangef(150.0, 700.0));
    let tile = rng.rangef(150.0, 240.0);
    let mut n = FastNoise::new(rng);
    let mut img = RgbImage::new(w, h);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32, y as f32);
        let mut v = 0.0;
        for (a, b, ph, amp) in &waves {
            v += amp * (a * fx + b * fy + ph).cos();
        }
        // Light falloff from one side.
        let shade = 1.0 - 0.25 * (fx / w as f32) * (fy / h as f32);
        let mut c = [
            base[0] * shade + v,
            base[1] * shade + v,
            base[2] * shade + v,
        ];
        if kind == "ceiling" {
            if (fx % tile) < 2.5 || (fy % tile) < 2.5 {
                for ch in &mut c {
                    *ch -= 35.0;
                }
            }
            let d = ((fx - lx).powi(2) + (fy - ly).powi(2)).sqrt();
            let glow = (1.0 - d / 260.0).max(0.0) * 40.0 + if d < 45.0 { 40.0 } else { 0.0 };
            for ch in &mut c {
                *ch += glow;
            }
        }
        let g = n.sample() * 4.0;
        *p = Rgb([
            (c[0] + g).clamp(0.0, 255.0) as u8,
            (c[1] + g).clamp(0.0, 255.0) as u8,
            (c[2] + g).clamp(0.0, 255.0) as u8,
        ]);
    }
    (img, kind)
}

#[cfg(test)]
mod tests {
    /// Prints face boxes of the photos present (a debugging aid).
    #[test]
    #[ignore]
    fn print_face_boxes() {
        let dir = crate::default_photos_dir();
        for (person, files) in super::people(&dir).unwrap_or_default() {
            for f in files {
                let v = super::load(&f).expect("photo");
                println!("{person} {} {:?} {:?}", f.display(), v.0.dimensions(), v.1);
                let c = super::crop_face(
                    &v.0,
                    v.1,
                    1.0,
                    v.1[2].saturating_sub(v.1[0]).max(1) as f32
                        / v.1[3].saturating_sub(v.1[1]).max(1) as f32,
                    0.5,
                );
                let name = format!(
                    "/tmp/face-{person}-{}.png",
                    f.file_stem().and_then(|s| s.to_str()).unwrap_or("x")
                );
                c.save(&name).expect("save");
            }
        }
    }
}
