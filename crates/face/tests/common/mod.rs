//! Shared by the tests and the calibration bench: asset paths and synthetic card/selfie frames.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage, imageops};
use truecopy_face::{DetectedFace, FaceConfig};

pub fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools")
}

/// The configuration on the fetched assets; panics (fails the test) with the fix when absent.
pub fn config() -> FaceConfig {
    let t = tools();
    let cfg = FaceConfig {
        ort_library: t.join("onnxruntime/libonnxruntime.so.1.31.1"),
        models_dir: t.join("models/face"),
        ..FaceConfig::default()
    };
    let mut needed = vec![
        cfg.ort_library.clone(),
        photo("obama", 1),
        photo("biden", 1),
        t.join("textures/brick.png"),
    ];
    needed.extend(
        ["fr_detect", "fr_landmark", "fr_feature", "fr_liveness"]
            .map(|m| cfg.models_dir.join(format!("{m}.onnx"))),
    );
    for p in needed {
        assert!(
            p.is_file(),
            "test asset {} is missing: run scripts/fetch-assets.sh",
            p.display()
        );
    }
    cfg
}

/// `.tools/photos/<person>/<n>.jpg` (or `.png`).
pub fn photo(person: &str, n: u32) -> PathBuf {
    let dir = tools().join("photos").join(person);
    let jpg = dir.join(format!("{n}.jpg"));
    if jpg.is_file() {
        jpg
    } else {
        dir.join(format!("{n}.png"))
    }
}

pub fn load(path: &Path) -> RgbImage {
    image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/fetch-assets.sh)", path.display()))
        .to_rgb8()
}

/// Every photo as (person, path), sorted.
pub fn all_photos() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let root = tools().join("photos");
    let mut people: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/fetch-assets.sh)", root.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    people.sort_by_key(|e| e.file_name());
    for p in people {
        let mut files: Vec<_> = std::fs::read_dir(p.path())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            if matches!(f.extension().and_then(|e| e.to_str()), Some("jpg" | "png")) {
                out.push((p.file_name().to_string_lossy().into_owned(), f));
            }
        }
    }
    out
}

/// A camera-like frame: the photo scaled to fit 720×960.
pub fn selfie_frame(img: &RgbImage) -> RgbImage {
    let s = (720.0 / img.width() as f32).min(960.0 / img.height() as f32);
    if s >= 1.0 {
        return img.clone();
    }
    let (w, h) = (
        (img.width() as f32 * s).round() as u32,
        (img.height() as f32 * s).round() as u32,
    );
    imageops::resize(img, w.max(1), h.max(1), imageops::FilterType::Triangle)
}

/// A synthetic CCCD front at 600 dpi (2300×1600): a 25×32 mm portrait (590×756 px) cut around
/// `face` from `img`, at the left, on a pale patterned background with bars standing for text.
pub fn synthetic_card(img: &RgbImage, face: &DetectedFace) -> RgbImage {
    let fw = face.bbox[2] - face.bbox[0];
    let (cx, cy) = (
        (face.bbox[0] + face.bbox[2]) / 2.0,
        (face.bbox[1] + face.bbox[3]) / 2.0,
    );
    let pw = fw * 1.9;
    let ph = pw * 32.0 / 25.0;
    let x0 = (cx - pw / 2.0).max(0.0) as u32;
    let y0 = (cy - ph * 0.45).max(0.0) as u32;
    let cw = (pw as u32).min(img.width() - x0);
    let ch = (ph as u32).min(img.height() - y0);
    let crop = imageops::crop_imm(img, x0, y0, cw, ch).to_image();
    let portrait = imageops::resize(&crop, 590, 756, imageops::FilterType::Triangle);
    let mut card = RgbImage::from_fn(2300, 1600, |x, y| {
        let wave = (((x as f32 / 37.0).sin() + (y as f32 / 23.0).cos()) * 6.0) as i32;
        Rgb([
            (225 + wave) as u8,
            (236 + wave) as u8,
            (240 + wave / 2) as u8,
        ])
    });
    // Header band and text-like bars to the right of the portrait.
    for y in 60..200 {
        for x in 80..2220 {
            card.put_pixel(x, y, Rgb([190, 40, 40]));
        }
    }
    for line in 0..9u32 {
        let y = 440 + line * 110;
        let len = 700 + (line * 137) % 700;
        for yy in y..y + 38 {
            for x in 820..820 + len {
                if (x / 23) % 4 != 3 {
                    card.put_pixel(x, yy, Rgb([30, 30, 40]));
                }
            }
        }
    }
    imageops::replace(&mut card, &portrait, 120, 420);
    card
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A 720×960 camera frame of `img` zoomed so that `face` fills `share` of the frame's height
/// (a citizen standing nearer or farther), or `None` when the photo is too small for it.
pub fn zoomed_frame(
    img: &image::RgbImage,
    face: &DetectedFace,
    share: f32,
) -> Option<image::RgbImage> {
    let fh = face.bbox[3] - face.bbox[1];
    let wh = fh / share;
    let ww = wh * 0.75;
    let (iw, ih) = (img.width() as f32, img.height() as f32);
    if ww > iw || wh > ih {
        return None;
    }
    let cx = (face.bbox[0] + face.bbox[2]) / 2.0;
    let cy = (face.bbox[1] + face.bbox[3]) / 2.0;
    let x0 = (cx - ww / 2.0).clamp(0.0, iw - ww);
    let y0 = (cy - wh * 0.4).clamp(0.0, ih - wh);
    let crop =
        image::imageops::crop_imm(img, x0 as u32, y0 as u32, ww as u32, wh as u32).to_image();
    Some(image::imageops::resize(
        &crop,
        720,
        960,
        image::imageops::FilterType::Triangle,
    ))
}
