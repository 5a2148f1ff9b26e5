//! Face authentication for the kiosk with ONNX Runtime (`ort`, loaded at run time).
//!
//! Pipeline: detect (Ultra-Light-style detector, 320×240) → 68 landmarks → 5 points →
//! similarity alignment to the ArcFace 112×112 template → 512-d embedding (BGR input) →
//! L2 normalisation → cosine similarity against a calibrated threshold. Liveness runs on the
//! camera frame only (an ID portrait is itself a print). No detected face is never a match.
//!
//! The models and the ONNX Runtime library are configuration ([`FaceConfig`]); the defaults point
//! at `.tools/`, filled by `scripts/fetch-assets.sh`. See `CALIBRATION.md` for the thresholds.

mod imgops;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;
use serde::{Deserialize, Serialize};

use imgops::{Border, Rect, resample};

/// Cosine similarity at or above which two faces are taken as the same person (see CALIBRATION.md).
pub const DEFAULT_MATCH_THRESHOLD: f32 = 0.55;
/// Liveness probability (class "live") at or above which the frame is taken as live (see CALIBRATION.md).
pub const DEFAULT_LIVENESS_THRESHOLD: f32 = 0.25;

/// How the liveness crop (face box × 2.7) becomes the model's 128×128 input. The model's
/// reference code (`faceplugin-face-recognition-js`) first makes the detector's box square (side =
/// box height, same centre, clipped to the frame), then crops a whole-pixel rectangle and resizes
/// it with OpenCV `INTER_LINEAR` (one bilinear sample per output pixel, no averaging).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LivenessCrop {
    /// The detector's box as is, fractional window, area-averaged when shrinking (the engine's).
    Area,
    /// The detector's box as is, the reference's whole-pixel rectangle and `INTER_LINEAR`.
    CvLinear,
    /// The reference's square box, fractional window, area-averaged.
    SquareArea,
    /// All of the reference: square box, whole-pixel rectangle, `INTER_LINEAR`.
    Reference,
    /// The mean probability of four views: `Area` and `SquareArea`, each as is and mirrored left
    /// to right (the engine's: it ranks genuine faces above print-like card scans more often than
    /// any single view, and moves less with the framing; CALIBRATION.md, "Liveness").
    Ensemble,
}

/// The views [`LivenessCrop::Ensemble`] averages: (crop, mirrored).
const ENSEMBLE_VIEWS: [(LivenessCrop, bool); 4] = [
    (LivenessCrop::Area, false),
    (LivenessCrop::Area, true),
    (LivenessCrop::SquareArea, false),
    (LivenessCrop::SquareArea, true),
];

/// The liveness model's crop: the face box widened this many times around its centre.
const LIVENESS_SCALE: f32 = 2.7;

/// The crop the engine uses for liveness (see CALIBRATION.md, "Liveness").
pub const LIVENESS_CROP: LivenessCrop = LivenessCrop::Ensemble;

/// A detector box `[x1, y1, x2, y2]` in source pixels and its confidence.
type Candidate = ([f32; 4], f32);

/// Margin added on each side of a detected face box for [`FaceOutcome`]'s crops, as a fraction
/// of the box's width and height: the whole head and a little background, as an officer compares.
pub const CROP_MARGIN: f32 = 0.25;

/// Detector confidence below which a candidate box is dropped.
const DETECT_MIN_SCORE: f32 = 0.7;
/// Non-maximum suppression overlap.
const NMS_IOU: f32 = 0.4;
/// Faces smaller than this (shorter box side, source pixels) are ignored: too small to compare.
const MIN_FACE_PX: f32 = 24.0;
const DET_W: usize = 320;
const DET_H: usize = 240;
/// A face narrower than this in detector input pixels, on an image shrunk more than
/// [`REFINE_MIN_SHRINK`]×, is detected again on a full-resolution crop around it (scanned cards).
const REFINE_BELOW_PX: f32 = 64.0;
const REFINE_MIN_SHRINK: f32 = 2.0;
/// The 5-point ArcFace template for 112×112 (eyes, nose tip, mouth corners).
const ARCFACE_112: [[f32; 2]; 5] = [
    [38.294_6, 51.696_3],
    [73.531_8, 51.501_4],
    [56.025_2, 71.736_6],
    [41.549_3, 92.365_5],
    [70.729_9, 92.204_1],
];

/// Configuration: where the ONNX Runtime library and the four face models are, and the thresholds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaceConfig {
    /// `libonnxruntime.so` (≥ 1.31), e.g. from the PyPI wheel.
    pub ort_library: PathBuf,
    /// Folder with `fr_detect.onnx`, `fr_landmark.onnx`, `fr_feature.onnx`, `fr_liveness.onnx`.
    pub models_dir: PathBuf,
    /// Cosine similarity threshold for a match.
    pub match_threshold: f32,
    /// Liveness probability threshold.
    pub liveness_threshold: f32,
}

impl Default for FaceConfig {
    fn default() -> Self {
        Self {
            ort_library: PathBuf::from(".tools/onnxruntime/libonnxruntime.so.1.31.1"),
            models_dir: PathBuf::from(".tools/models/face"),
            match_threshold: DEFAULT_MATCH_THRESHOLD,
            liveness_threshold: DEFAULT_LIVENESS_THRESHOLD,
        }
    }
}

/// Errors from loading the engine or running a model. Image content never errors: an image
/// without a face is an outcome (`*_detected: false`), not an error.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    #[error(
        "ONNX Runtime library not found at {}: run scripts/fetch-assets.sh, or set face.ort_library to libonnxruntime.so 1.31+",
        .0.display()
    )]
    LibraryMissing(PathBuf),
    #[error("ONNX Runtime library at {} could not be loaded ({reason}): run scripts/fetch-assets.sh to fetch onnxruntime 1.31.1", path.display())]
    LibraryLoad { path: PathBuf, reason: String },
    #[error(
        "ONNX Runtime is already loaded in this process from {} and cannot be reloaded from {}",
        loaded.display(),
        requested.display()
    )]
    LibraryConflict { loaded: PathBuf, requested: PathBuf },
    #[error("face model not found at {}: run scripts/fetch-assets.sh, or set face.models_dir", .0.display())]
    ModelMissing(PathBuf),
    #[error("face model {} could not be loaded ({reason}): run scripts/fetch-assets.sh to fetch it again", path.display())]
    ModelLoad { path: PathBuf, reason: String },
    #[error("face model {model} failed: {reason}")]
    Inference { model: &'static str, reason: String },
    #[error("image is empty ({0}×{1} px)")]
    EmptyImage(u32, u32),
    #[error("invalid face configuration: {0}")]
    Config(String),
}

/// One detected face, in source image pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectedFace {
    /// `[x1, y1, x2, y2]`.
    pub bbox: [f32; 4],
    /// Detector confidence, 0–1.
    pub score: f32,
    /// Left eye, right eye, nose tip, left mouth corner, right mouth corner (image left/right).
    pub landmarks: [[f32; 2]; 5],
}

impl DetectedFace {
    fn width(&self) -> f32 {
        self.bbox[2] - self.bbox[0]
    }
    fn height(&self) -> f32 {
        self.bbox[3] - self.bbox[1]
    }
    fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }
}

/// The result of [`FaceEngine::compare`] or [`FaceEngine::check_live`].
#[derive(Clone, PartialEq, Serialize)]
pub struct FaceOutcome {
    pub portrait_detected: bool,
    pub selfie_detected: bool,
    /// Cosine similarity of the two embeddings; `None` when either face is missing.
    pub score: Option<f32>,
    pub threshold: f32,
    /// `Some(true)` only when both faces were found and `score ≥ threshold`; `Some(false)` when a
    /// comparison was asked for and failed or a face is missing; `None` for a liveness-only check.
    pub matched: Option<bool>,
    /// Probability of the "live" class on the selfie; `None` when not checked or no selfie face.
    pub liveness_score: Option<f32>,
    /// `None` when liveness was not checked; `Some(false)` when checked without a selfie face.
    pub live: Option<bool>,
    /// Per stage: `detect_portrait`, `landmarks_portrait`, `embed_portrait`, `detect_selfie`, …
    pub timings_ms: BTreeMap<String, f64>,
    /// The portrait's face as detected on the image compared (its box with [`CROP_MARGIN`] on
    /// each side, at source resolution), for an officer to judge; `None` without a portrait face.
    /// Personal data: never serialised.
    #[serde(skip)]
    pub portrait_crop: Option<RgbImage>,
    /// The selfie's face, cropped the same way; `None` without a selfie face.
    #[serde(skip)]
    pub selfie_crop: Option<RgbImage>,
}

impl std::fmt::Debug for FaceOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The crops by size only: their pixels would drown every assertion message.
        let size = |c: &Option<RgbImage>| c.as_ref().map(|i| i.dimensions());
        f.debug_struct("FaceOutcome")
            .field("portrait_detected", &self.portrait_detected)
            .field("selfie_detected", &self.selfie_detected)
            .field("score", &self.score)
            .field("threshold", &self.threshold)
            .field("matched", &self.matched)
            .field("liveness_score", &self.liveness_score)
            .field("live", &self.live)
            .field("timings_ms", &self.timings_ms)
            .field("portrait_crop", &size(&self.portrait_crop))
            .field("selfie_crop", &size(&self.selfie_crop))
            .finish()
    }
}

/// The face models on one ONNX Runtime environment. `Send`, not shared: one per worker, since
/// running a session needs `&mut`.
pub struct FaceEngine {
    detect: Session,
    landmark: Session,
    feature: Session,
    liveness: Session,
    match_threshold: f32,
    liveness_threshold: f32,
}

impl std::fmt::Debug for FaceEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceEngine")
            .field("match_threshold", &self.match_threshold)
            .field("liveness_threshold", &self.liveness_threshold)
            .finish_non_exhaustive()
    }
}

const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<FaceEngine>();
};

/// The process-wide ONNX Runtime environment: `ort` loads one library and allows one environment
/// per process, so every engine shares it.
static RUNTIME: Mutex<Option<(PathBuf, ort::environment::Environment)>> = Mutex::new(None);

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panic".to_owned())
}

fn environment(library: &Path) -> Result<ort::environment::Environment, FaceError> {
    if !library.is_file() {
        return Err(FaceError::LibraryMissing(library.to_path_buf()));
    }
    let canonical = library
        .canonicalize()
        .unwrap_or_else(|_| library.to_path_buf());
    let mut guard = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((loaded, env)) = guard.as_ref() {
        if *loaded != canonical {
            return Err(FaceError::LibraryConflict {
                loaded: loaded.clone(),
                requested: canonical,
            });
        }
        return Ok(env.clone());
    }
    let load_err = |reason: String| FaceError::LibraryLoad {
        path: canonical.clone(),
        reason,
    };
    let env = catch_unwind(AssertUnwindSafe(|| -> Result<_, String> {
        let builder = ort::init_from(&canonical).map_err(|e| e.to_string())?;
        builder
            .with_name("truecopy-face")
            .build()
            .map_err(|e| e.to_string())
    }))
    .map_err(|p| load_err(panic_text(p.as_ref())))?
    .map_err(load_err)?;
    *guard = Some((canonical, env.clone()));
    Ok(env)
}

fn load_session(env: &ort::environment::Environment, path: &Path) -> Result<Session, FaceError> {
    if !path.is_file() {
        return Err(FaceError::ModelMissing(path.to_path_buf()));
    }
    let model_err = |reason: String| FaceError::ModelLoad {
        path: path.to_path_buf(),
        reason,
    };
    catch_unwind(AssertUnwindSafe(|| -> Result<Session, String> {
        Session::builder(env)
            .map_err(|e| e.to_string())?
            // One thread per session: a kiosk runs one engine per worker beside OCR on 2 cores.
            .with_intra_threads(1)
            .map_err(|e| e.to_string())?
            .with_inter_threads(1)
            .map_err(|e| e.to_string())?
            .commit_from_file(path)
            .map_err(|e| e.to_string())
    }))
    .map_err(|p| model_err(panic_text(p.as_ref())))?
    .map_err(model_err)
}

/// Runs `session` on one f32 NCHW input and returns its outputs (by name, in order) as flat vectors.
fn run(
    session: &mut Session,
    model: &'static str,
    shape: [usize; 4],
    data: &[f32],
) -> Result<Vec<Vec<f32>>, FaceError> {
    let err = |reason: String| FaceError::Inference { model, reason };
    let names: Vec<String> = session
        .outputs()
        .iter()
        .map(|o| o.name().to_owned())
        .collect();
    let input = TensorRef::from_array_view((shape, data)).map_err(|e| err(e.to_string()))?;
    let outputs = session
        .run(ort::inputs![input])
        .map_err(|e| err(e.to_string()))?;
    names
        .iter()
        .map(|n| {
            let value = outputs
                .get(n.as_str())
                .ok_or_else(|| err(format!("no output {n}")))?;
            let (_, v) = value
                .try_extract_tensor::<f32>()
                .map_err(|e| err(e.to_string()))?;
            Ok(v.to_vec())
        })
        .collect()
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = iw * ih;
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let union = area(a) + area(b) - inter;
    if union <= 0.0 { 0.0 } else { inter / union }
}

fn softmax_first(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    if sum > 0.0 { exps[0] / sum } else { 0.0 }
}

/// The largest face of one image and its embedding.
struct Probe {
    face: Option<DetectedFace>,
    embedding: Option<Vec<f32>>,
}

impl FaceEngine {
    /// Loads the ONNX Runtime library (once per process) and the four models. A missing file is a
    /// [`FaceError`] naming the path and `scripts/fetch-assets.sh`; never a panic.
    pub fn load(cfg: &FaceConfig) -> Result<Self, FaceError> {
        for (name, t) in [
            ("match_threshold", cfg.match_threshold),
            ("liveness_threshold", cfg.liveness_threshold),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return Err(FaceError::Config(format!(
                    "{name} must be within 0..=1, got {t}"
                )));
            }
        }
        let models: Vec<PathBuf> = ["fr_detect", "fr_landmark", "fr_feature", "fr_liveness"]
            .iter()
            .map(|m| cfg.models_dir.join(format!("{m}.onnx")))
            .collect();
        if !cfg.ort_library.is_file() {
            return Err(FaceError::LibraryMissing(cfg.ort_library.clone()));
        }
        if let Some(missing) = models.iter().find(|p| !p.is_file()) {
            return Err(FaceError::ModelMissing(missing.clone()));
        }
        let env = environment(&cfg.ort_library)?;
        let mut engine = Self {
            detect: load_session(&env, &models[0])?,
            landmark: load_session(&env, &models[1])?,
            feature: load_session(&env, &models[2])?,
            liveness: load_session(&env, &models[3])?,
            match_threshold: cfg.match_threshold,
            liveness_threshold: cfg.liveness_threshold,
        };
        engine.warm_up()?;
        Ok(engine)
    }

    /// One run of each model, so that the first real request is not the slow one.
    fn warm_up(&mut self) -> Result<(), FaceError> {
        run(
            &mut self.detect,
            "detect",
            [1, 3, DET_H, DET_W],
            &vec![0.0; 3 * DET_W * DET_H],
        )?;
        run(
            &mut self.landmark,
            "landmark",
            [1, 1, 64, 64],
            &[0.5; 64 * 64],
        )?;
        run(
            &mut self.feature,
            "feature",
            [1, 3, 112, 112],
            &vec![0.0; 3 * 112 * 112],
        )?;
        run(
            &mut self.liveness,
            "liveness",
            [1, 3, 128, 128],
            &vec![127.0; 3 * 128 * 128],
        )?;
        Ok(())
    }

    /// The configured match threshold.
    pub fn match_threshold(&self) -> f32 {
        self.match_threshold
    }

    /// The configured liveness threshold.
    pub fn liveness_threshold(&self) -> f32 {
        self.liveness_threshold
    }

    /// Detects faces: box, score and 5 landmarks each, sorted largest first.
    pub fn detect(&mut self, img: &RgbImage) -> Result<Vec<DetectedFace>, FaceError> {
        let mut timings = BTreeMap::new();
        self.detect_timed(img, &mut timings, "", usize::MAX)
    }

    fn detect_timed(
        &mut self,
        img: &RgbImage,
        timings: &mut BTreeMap<String, f64>,
        tag: &str,
        limit: usize,
    ) -> Result<Vec<DetectedFace>, FaceError> {
        let (w, h) = img.dimensions();
        if w == 0 || h == 0 {
            return Err(FaceError::EmptyImage(w, h));
        }
        let t = Instant::now();
        let full = Rect {
            x: 0.0,
            y: 0.0,
            w: w as f32,
            h: h as f32,
        };
        let (mut boxes, shrink) = self.detect_boxes(img, full)?;
        let area = |b: &Candidate| (b.0[2] - b.0[0]) * (b.0[3] - b.0[1]);
        boxes.sort_by(|a, b| area(b).total_cmp(&area(a)));
        // Only the largest face(s) asked for get the refining pass and landmarks.
        boxes.truncate(limit);
        // Small faces on a strongly shrunk image (a scanned card): detect again on a
        // full-resolution crop around each, for a tighter box.
        if shrink > REFINE_MIN_SHRINK {
            for b in boxes.iter_mut() {
                let side_det = (b.0[2] - b.0[0]) / shrink;
                if side_det < REFINE_BELOW_PX {
                    *b = self.refine(img, *b)?;
                }
            }
        }
        add(timings, &format!("detect{tag}"), ms(t));
        let t = Instant::now();
        let mut faces = Vec::with_capacity(boxes.len());
        for (bbox, score) in boxes {
            let landmarks = self.landmarks(img, &bbox)?;
            faces.push(DetectedFace {
                bbox,
                score,
                landmarks,
            });
        }
        faces.sort_by(|a, b| b.area().total_cmp(&a.area()));
        add(timings, &format!("landmarks{tag}"), ms(t));
        Ok(faces)
    }

    /// Runs the detector on `rect` of `img`, letterboxed (aspect kept, padded right/bottom) into
    /// 320×240. Returns boxes in source pixels after NMS, and the shrink factor (source px per
    /// detector px).
    fn detect_boxes(
        &mut self,
        img: &RgbImage,
        rect: Rect,
    ) -> Result<(Vec<Candidate>, f32), FaceError> {
        let shrink = (rect.w / DET_W as f32).max(rect.h / DET_H as f32);
        let (cw, ch) = (rect.w / shrink, rect.h / shrink);
        let (iw, ih) = (
            (cw.round() as usize).clamp(1, DET_W),
            (ch.round() as usize).clamp(1, DET_H),
        );
        let pixels = resample(
            img,
            Rect {
                w: iw as f32 * shrink,
                h: ih as f32 * shrink,
                ..rect
            },
            iw,
            ih,
            Border::Fill(127.0),
        );
        let mut input = vec![0.0f32; 3 * DET_W * DET_H];
        let plane = DET_W * DET_H;
        for y in 0..ih {
            for x in 0..iw {
                let p = pixels[y * iw + x];
                for c in 0..3 {
                    input[c * plane + y * DET_W + x] = (p[c] - 127.0) / 128.0;
                }
            }
        }
        let outs = run(&mut self.detect, "detect", [1, 3, DET_H, DET_W], &input)?;
        let (scores, coords) = match outs.as_slice() {
            [s, b, ..] if s.len() * 2 == b.len() => (s, b),
            _ => {
                return Err(FaceError::Inference {
                    model: "detect",
                    reason: "unexpected outputs".into(),
                });
            }
        };
        let mut cands: Vec<Candidate> = Vec::new();
        for (i, s) in scores.chunks_exact(2).enumerate() {
            let score = s[1];
            if score < DETECT_MIN_SCORE {
                continue;
            }
            let b = &coords[i * 4..i * 4 + 4];
            let to_src = |v: f32, det: usize, origin: f32, limit: f32| {
                (origin + v * det as f32 * shrink).clamp(origin, origin + limit)
            };
            let bbox = [
                to_src(b[0], DET_W, rect.x, rect.w),
                to_src(b[1], DET_H, rect.y, rect.h),
                to_src(b[2], DET_W, rect.x, rect.w),
                to_src(b[3], DET_H, rect.y, rect.h),
            ];
            if (bbox[2] - bbox[0]).min(bbox[3] - bbox[1]) < MIN_FACE_PX {
                continue;
            }
            cands.push((bbox, score));
        }
        cands.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut kept: Vec<Candidate> = Vec::new();
        for c in cands {
            if kept.iter().all(|k| iou(&k.0, &c.0) < NMS_IOU) {
                kept.push(c);
            }
        }
        Ok((kept, shrink))
    }

    fn refine(&mut self, img: &RgbImage, (bbox, score): Candidate) -> Result<Candidate, FaceError> {
        let (w, h) = img.dimensions();
        let side = (bbox[2] - bbox[0]).max(bbox[3] - bbox[1]) * 2.0;
        let (cx, cy) = ((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0);
        let x0 = (cx - side / 2.0).clamp(0.0, w as f32);
        let y0 = (cy - side / 2.0).clamp(0.0, h as f32);
        let rect = Rect {
            x: x0,
            y: y0,
            w: (x0 + side).min(w as f32) - x0,
            h: (y0 + side).min(h as f32) - y0,
        };
        if rect.w < MIN_FACE_PX || rect.h < MIN_FACE_PX {
            return Ok((bbox, score));
        }
        let (again, _) = self.detect_boxes(img, rect)?;
        Ok(again
            .into_iter()
            .map(|(b, s)| (iou(&b, &bbox), b, s))
            .filter(|(o, _, _)| *o > 0.3)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map_or((bbox, score), |(_, b, s)| (b, s)))
    }

    /// 68 landmarks on the grey 64×64 box crop, reduced to the 5 ArcFace points.
    fn landmarks(&mut self, img: &RgbImage, bbox: &[f32; 4]) -> Result<[[f32; 2]; 5], FaceError> {
        let rect = Rect {
            x: bbox[0],
            y: bbox[1],
            w: bbox[2] - bbox[0],
            h: bbox[3] - bbox[1],
        };
        let pixels = resample(img, rect, 64, 64, Border::Fill(0.0));
        let grey: Vec<f32> = pixels
            .iter()
            .map(|p| (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) / 256.0)
            .collect();
        let outs = run(&mut self.landmark, "landmark", [1, 1, 64, 64], &grey)?;
        let pts = outs
            .first()
            .filter(|v| v.len() >= 136)
            .ok_or_else(|| FaceError::Inference {
                model: "landmark",
                reason: "expected 136 values".into(),
            })?;
        let p = |i: usize| {
            [
                rect.x + pts[2 * i] * rect.w,
                rect.y + pts[2 * i + 1] * rect.h,
            ]
        };
        let mean = |idx: &[usize]| {
            let n = idx.len() as f32;
            let s = idx
                .iter()
                .fold([0.0, 0.0], |acc, &i| [acc[0] + p(i)[0], acc[1] + p(i)[1]]);
            [s[0] / n, s[1] / n]
        };
        Ok([
            mean(&[37, 38, 40, 41]),
            mean(&[43, 44, 46, 47]),
            p(30),
            mean(&[48, 60]),
            mean(&[54, 64]),
        ])
    }

    /// Aligns the face to the ArcFace template and returns its L2-normalised embedding.
    fn embed(
        &mut self,
        img: &RgbImage,
        face: &DetectedFace,
    ) -> Result<Option<Vec<f32>>, FaceError> {
        let Some(m) = imgops::similarity(&face.landmarks, &ARCFACE_112) else {
            return Ok(None);
        };
        let Some(pixels) = imgops::warp(img, &m, 112) else {
            return Ok(None);
        };
        let plane = 112 * 112;
        let mut input = vec![0.0f32; 3 * plane];
        for (i, p) in pixels.iter().enumerate() {
            // BGR channel order: measured to separate same/different pairs better than RGB.
            input[i] = (p[2] - 127.0) / 128.0;
            input[plane + i] = (p[1] - 127.0) / 128.0;
            input[2 * plane + i] = (p[0] - 127.0) / 128.0;
        }
        let outs = run(&mut self.feature, "feature", [1, 3, 112, 112], &input)?;
        let mut v = outs.into_iter().next().unwrap_or_default();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if v.is_empty() || !norm.is_finite() || norm < 1e-6 {
            return Ok(None);
        }
        v.iter_mut().for_each(|x| *x /= norm);
        Ok(Some(v))
    }

    /// Probability of the "live" class for `face` on the camera frame `img` (crop = box × 2.7),
    /// with the engine's crop ([`LIVENESS_CROP`]).
    fn liveness_of(&mut self, img: &RgbImage, face: &DetectedFace) -> Result<f32, FaceError> {
        self.liveness_with(img, face, LIVENESS_CROP)
    }

    /// The liveness probability of one detected `face` on `img` with the given crop: for the
    /// calibration bench, which compares the crops and their mean. The engine itself uses [`LIVENESS_CROP`].
    pub fn liveness_with(
        &mut self,
        img: &RgbImage,
        face: &DetectedFace,
        crop: LivenessCrop,
    ) -> Result<f32, FaceError> {
        if crop == LivenessCrop::Ensemble {
            let mut sum = 0.0;
            for (c, mirror) in ENSEMBLE_VIEWS {
                sum += self.liveness_view(img, face, c, mirror)?;
            }
            return Ok(sum / ENSEMBLE_VIEWS.len() as f32);
        }
        self.liveness_view(img, face, crop, false)
    }

    /// One view of the liveness crop, mirrored left to right when `mirror` (for calibration).
    /// [`LivenessCrop::Ensemble`] is not one view: it is read as `Area` here.
    pub fn liveness_view(
        &mut self,
        img: &RgbImage,
        face: &DetectedFace,
        crop: LivenessCrop,
        mirror: bool,
    ) -> Result<f32, FaceError> {
        let (w, h) = img.dimensions();
        let square = DetectedFace {
            bbox: square_box(w, h, face.bbox),
            ..face.clone()
        };
        let pixels = match crop {
            LivenessCrop::Area | LivenessCrop::Ensemble => liveness_window_area(img, face),
            LivenessCrop::SquareArea => liveness_window_area(img, &square),
            LivenessCrop::CvLinear => {
                imgops::resize_cv_linear(img, liveness_roi(w, h, face.bbox), 128, 128)
            }
            LivenessCrop::Reference => {
                imgops::resize_cv_linear(img, liveness_roi(w, h, square.bbox), 128, 128)
            }
        };
        let mut pixels = pixels;
        if mirror {
            pixels.chunks_mut(128).for_each(<[[f32; 3]]>::reverse);
        }
        let plane = 128 * 128;
        let mut input = vec![0.0f32; 3 * plane];
        for (i, p) in pixels.iter().enumerate() {
            for c in 0..3 {
                input[c * plane + i] = p[c];
            }
        }
        let outs = run(&mut self.liveness, "liveness", [1, 3, 128, 128], &input)?;
        let logits = outs
            .first()
            .filter(|v| v.len() >= 2)
            .ok_or_else(|| FaceError::Inference {
                model: "liveness",
                reason: "expected class logits".into(),
            })?;
        Ok(softmax_first(logits))
    }

    /// Detects the largest face and embeds it (each model at most once for this image, plus one
    /// refining detection on a crop when the face is small on a large scan).
    fn probe(
        &mut self,
        img: &RgbImage,
        timings: &mut BTreeMap<String, f64>,
        tag: &str,
    ) -> Result<Probe, FaceError> {
        let face = self.detect_timed(img, timings, tag, 1)?.into_iter().next();
        let t = Instant::now();
        let embedding = match &face {
            Some(f) => self.embed(img, f)?,
            None => None,
        };
        add(timings, &format!("embed{tag}"), ms(t));
        Ok(Probe { face, embedding })
    }

    fn live_check(
        &mut self,
        selfie: &RgbImage,
        face: Option<&DetectedFace>,
        timings: &mut BTreeMap<String, f64>,
    ) -> Result<(Option<f32>, bool), FaceError> {
        let Some(face) = face else {
            return Ok((None, false));
        };
        let t = Instant::now();
        let p = self.liveness_of(selfie, face)?;
        add(timings, "liveness", ms(t));
        Ok((Some(p), p >= self.liveness_threshold))
    }

    /// Compares the portrait on the scanned ID card front with the selfie; optionally checks the
    /// selfie for liveness. No face on either side → `matched: Some(false)`, `score: None`.
    pub fn compare(
        &mut self,
        portrait_source: &RgbImage,
        selfie: &RgbImage,
        check_liveness: bool,
    ) -> Result<FaceOutcome, FaceError> {
        let total = Instant::now();
        let mut timings = BTreeMap::new();
        let portrait = self.probe(portrait_source, &mut timings, "_portrait")?;
        let selfie_probe = self.probe(selfie, &mut timings, "_selfie")?;
        let score = match (&portrait.embedding, &selfie_probe.embedding) {
            (Some(a), Some(b)) => Some(
                a.iter()
                    .zip(b)
                    .map(|(x, y)| x * y)
                    .sum::<f32>()
                    .clamp(-1.0, 1.0),
            ),
            _ => None,
        };
        let (liveness_score, live) = if check_liveness {
            let (s, l) = self.live_check(selfie, selfie_probe.face.as_ref(), &mut timings)?;
            (s, Some(l))
        } else {
            (None, None)
        };
        let portrait_crop = portrait
            .face
            .as_ref()
            .and_then(|f| face_crop(portrait_source, f, CROP_MARGIN));
        let selfie_crop = selfie_probe
            .face
            .as_ref()
            .and_then(|f| face_crop(selfie, f, CROP_MARGIN));
        timings.insert("total".into(), ms(total));
        Ok(FaceOutcome {
            portrait_detected: portrait.face.is_some(),
            selfie_detected: selfie_probe.face.is_some(),
            score,
            threshold: self.match_threshold,
            matched: Some(score.is_some_and(|s| s >= self.match_threshold)),
            liveness_score,
            live,
            timings_ms: timings,
            portrait_crop,
            selfie_crop,
        })
    }

    /// For documents without a portrait: is there a face on the selfie, and is it live?
    pub fn check_live(&mut self, selfie: &RgbImage) -> Result<FaceOutcome, FaceError> {
        let total = Instant::now();
        let mut timings = BTreeMap::new();
        let faces = self.detect_timed(selfie, &mut timings, "_selfie", 1)?;
        let (liveness_score, live) = self.live_check(selfie, faces.first(), &mut timings)?;
        let selfie_crop = faces
            .first()
            .and_then(|f| face_crop(selfie, f, CROP_MARGIN));
        timings.insert("total".into(), ms(total));
        Ok(FaceOutcome {
            portrait_detected: false,
            selfie_detected: !faces.is_empty(),
            score: None,
            threshold: self.match_threshold,
            matched: None,
            liveness_score,
            live: Some(live),
            timings_ms: timings,
            portrait_crop: None,
            selfie_crop,
        })
    }

    /// The L2-normalised embedding of the largest face, or `None` without a face (for calibration).
    pub fn embedding(
        &mut self,
        img: &RgbImage,
    ) -> Result<Option<(DetectedFace, Vec<f32>)>, FaceError> {
        let mut timings = BTreeMap::new();
        let p = self.probe(img, &mut timings, "")?;
        Ok(p.face.zip(p.embedding))
    }

    /// The liveness probability of the largest face, or `None` without a face (for calibration).
    pub fn liveness(&mut self, img: &RgbImage) -> Result<Option<f32>, FaceError> {
        Ok(self.check_live(img)?.liveness_score)
    }
}

/// Crop a (`Area`): the box × 2.7 window in fractional pixels, area-averaged to 128×128.
///
/// The window keeps the model's scale (× [`LIVENESS_SCALE`]) whatever the framing. Where it fits
/// in the frame but sticks out, it is shifted back inside, as the model's reference code does.
/// Where the frame is too small for it — the citizen stands so near that the face fills most of
/// the frame — the reference shrinks the window instead, which shows the model a face larger
/// than any it was trained on, and genuine faces then score as spoofs (CALIBRATION.md, "Close
/// to the camera"); here the window stays centred on the face and what lies beyond the frame
/// repeats the frame's edge.
fn liveness_window_area(img: &RgbImage, face: &DetectedFace) -> Vec<[f32; 3]> {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (bw, bh) = (face.width().max(1.0), face.height().max(1.0));
    let (nw, nh) = (bw * LIVENESS_SCALE, bh * LIVENESS_SCALE);
    let (cx, cy) = (face.bbox[0] + bw / 2.0, face.bbox[1] + bh / 2.0);
    let place = |c: f32, n: f32, size: f32| {
        if n <= size - 1.0 {
            (c - n / 2.0).clamp(0.0, size - 1.0 - n)
        } else {
            c - n / 2.0
        }
    };
    resample(
        img,
        Rect {
            x: place(cx, nw, w),
            y: place(cy, nh, h),
            w: nw,
            h: nh,
        },
        128,
        128,
        Border::Edge,
    )
}

/// The detector box as the model's reference code hands it on (`scaleResult` in `fr_detect.js`):
/// a square of side = box height around the box's centre, clipped to a `w × h` frame.
fn square_box(w: u32, h: u32, [x1, y1, x2, y2]: [f32; 4]) -> [f32; 4] {
    let side = y2 - y1;
    let (cx, cy) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    [
        (cx - side / 2.0).max(0.0),
        (cy - side / 2.0).max(0.0),
        (cx + side / 2.0).min(w as f32 - 1.0),
        (cy + side / 2.0).min(h as f32 - 1.0),
    ]
}

/// The liveness crop of the model's reference code (`alignLivenessImage` in
/// `faceplugin-face-recognition-js`): the box truncated to whole pixels, widened × 2.7 around
/// its centre (less if the frame is too small), shifted back inside a `w × h` frame, and
/// truncated again to a whole-pixel rectangle `(x, y, width, height)`.
fn liveness_roi(w: u32, h: u32, bbox: [f32; 4]) -> (u32, u32, u32, u32) {
    // JavaScript `parseInt` of a number: truncation toward zero.
    let [x1, y1, x2, y2] = bbox.map(|v| if v.is_finite() { v.trunc() } else { 0.0 });
    let (bw, bh) = ((x2 - x1).abs().max(1.0), (y2 - y1).abs().max(1.0));
    let (sw, sh) = (w as f32, h as f32);
    let scale = ((sh - 1.0) / bh).min((sw - 1.0) / bw).min(LIVENESS_SCALE);
    let (nw, nh) = (bw * scale, bh * scale);
    let (cx, cy) = (bw / 2.0 + x1, bh / 2.0 + y1);
    let (mut l, mut t) = (cx - nw / 2.0, cy - nh / 2.0);
    let (mut r, mut b) = (cx + nw / 2.0, cy + nh / 2.0);
    if l < 0.0 {
        r -= l;
        l = 0.0;
    }
    if t < 0.0 {
        b -= t;
        t = 0.0;
    }
    if r > sw - 1.0 {
        l -= r - sw + 1.0;
        r = sw - 1.0;
    }
    if b > sh - 1.0 {
        t -= b - sh + 1.0;
        b = sh - 1.0;
    }
    let whole = |v: f32| v.trunc().max(0.0) as u32;
    (
        whole(l),
        whole(t),
        whole(r - l).min(w.saturating_sub(1)).max(1),
        whole(b - t).min(h.saturating_sub(1)).max(1),
    )
}

fn add(timings: &mut BTreeMap<String, f64>, key: &str, v: f64) {
    *timings.entry(key.to_owned()).or_insert(0.0) += v;
}

/// The face's box widened by `margin` (a fraction of its width and height) on each side, clipped
/// to the image: a plain crop of the pixels the detector saw, no model run. `None` when the box
/// is empty or outside the image.
pub fn face_crop(img: &RgbImage, face: &DetectedFace, margin: f32) -> Option<RgbImage> {
    let (w, h) = img.dimensions();
    let [x1, y1, x2, y2] = face.bbox;
    if !(x1.is_finite() && y1.is_finite() && x2.is_finite() && y2.is_finite()) {
        return None;
    }
    let (mx, my) = ((x2 - x1).max(0.0) * margin, (y2 - y1).max(0.0) * margin);
    let clip = |v: f32, max: u32| v.round().clamp(0.0, max as f32) as u32;
    let (x0, y0) = (clip(x1 - mx, w), clip(y1 - my, h));
    let (x3, y3) = (clip(x2 + mx, w), clip(y2 + my, h));
    (x3 > x0 && y3 > y0)
        .then(|| image::imageops::crop_imm(img, x0, y0, x3 - x0, y3 - y0).to_image())
}

/// Cosine similarity of two L2-normalised embeddings.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(bbox: [f32; 4]) -> DetectedFace {
        DetectedFace {
            bbox,
            score: 0.9,
            landmarks: [[0.0; 2]; 5],
        }
    }

    #[test]
    fn the_crop_is_the_box_with_a_margin_clipped_to_the_image() {
        let img = RgbImage::from_fn(200, 100, |x, y| image::Rgb([x as u8, y as u8, 0]));
        // 40×60 box: 10 px more left/right, 15 px more above/below.
        let c = face_crop(&img, &face([50.0, 20.0, 90.0, 80.0]), 0.25).expect("crop");
        assert_eq!(c.dimensions(), (60, 90));
        assert_eq!(c.get_pixel(0, 0).0, [40, 5, 0]);
        // At the corner the margin is cut by the image's edge.
        let c = face_crop(&img, &face([0.0, 0.0, 40.0, 40.0]), 0.25).expect("crop");
        assert_eq!(c.dimensions(), (50, 50));
        assert_eq!(c.get_pixel(0, 0).0, [0, 0, 0]);
        // Empty, reversed or non-finite boxes give no crop; nothing panics.
        assert!(face_crop(&img, &face([10.0, 10.0, 10.0, 30.0]), 0.25).is_none());
        assert!(face_crop(&img, &face([90.0, 10.0, 10.0, 30.0]), 0.25).is_none());
        assert!(face_crop(&img, &face([f32::NAN, 0.0, 10.0, 30.0]), 0.25).is_none());
        assert!(face_crop(&img, &face([300.0, 0.0, 400.0, 30.0]), 0.25).is_none());
    }

    #[test]
    fn the_liveness_roi_is_the_reference_crop() {
        // Inside the frame: whole-pixel box 40×50, × 2.7 = 108×135 around (320, 425).
        assert_eq!(
            liveness_roi(720, 960, [300.9, 400.2, 340.5, 450.7]),
            (266, 357, 108, 135)
        );
        // Over the top-left corner: shifted back to (0, 0), size kept.
        assert_eq!(
            liveness_roi(720, 960, [100.7, 200.2, 300.9, 450.6]),
            (0, 0, 540, 675)
        );
        // Over the right edge: shifted left so that it ends at the last column but one, as the
        // reference does (`src_w - 1`).
        assert_eq!(
            liveness_roi(720, 960, [650.0, 10.0, 710.0, 90.0]),
            (557, 0, 162, 216)
        );
        // The reference's detector output: square of side = height around the centre, clipped.
        assert_eq!(
            square_box(720, 960, [300.0, 400.0, 340.0, 460.0]),
            [290.0, 400.0, 350.0, 460.0]
        );
        assert_eq!(
            square_box(720, 960, [690.0, 0.0, 719.0, 60.0]),
            [674.5, 0.0, 719.0, 60.0]
        );
        // A box larger than the frame / 2.7: the factor shrinks to fit.
        assert_eq!(
            liveness_roi(200, 100, [50.0, 10.0, 150.0, 90.0]),
            (38, 0, 123, 99)
        );
    }
}
