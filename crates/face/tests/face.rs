//! Face authentication on real photos (`.tools/photos`, fetched by scripts/fetch-assets.sh).
//! Without the assets these tests fail with a message naming the script; they never skip.

mod common;

use image::{Rgb, RgbImage};
use truecopy_face::{FaceEngine, FaceOutcome};

fn engine() -> FaceEngine {
    FaceEngine::load(&common::config()).unwrap_or_else(|e| panic!("{e}"))
}

fn card_of(engine: &mut FaceEngine, person: &str, n: u32) -> RgbImage {
    let img = common::load(&common::photo(person, n));
    let faces = engine.detect(&img).expect("detect");
    let face = faces
        .first()
        .unwrap_or_else(|| panic!("no face on {person}/{n}"));
    common::synthetic_card(&img, face)
}

fn selfie(person: &str, n: u32) -> RgbImage {
    common::selfie_frame(&common::load(&common::photo(person, n)))
}

fn assert_no_match(out: &FaceOutcome) {
    assert_ne!(out.matched, Some(true), "{out:?}");
    assert_eq!(out.score, None, "{out:?}");
}

#[test]
fn same_person_on_card_and_selfie_matches_and_is_live() {
    let mut e = engine();
    let card = card_of(&mut e, "obama", 1);
    for n in [2, 3] {
        let out = e
            .compare(&card, &selfie("obama", n), true)
            .expect("compare");
        assert!(out.portrait_detected && out.selfie_detected, "{out:?}");
        let score = out.score.expect("score");
        assert!(
            score >= out.threshold,
            "obama/1 card vs obama/{n}: {score} < {}",
            out.threshold
        );
        assert_eq!(out.matched, Some(true));
        // The crops an officer sees: each face with its margin, inside its image.
        let (pw, ph) = out
            .portrait_crop
            .as_ref()
            .expect("portrait crop")
            .dimensions();
        let (sw, sh) = out.selfie_crop.as_ref().expect("selfie crop").dimensions();
        assert!(
            pw >= 30 && ph >= 30 && pw < card.width() && ph < card.height(),
            "{out:?}"
        );
        let frame = selfie("obama", n);
        assert!(
            sw >= 60 && sh >= 60 && sw <= frame.width() && sh <= frame.height(),
            "{out:?}"
        );
        assert_eq!(
            out.live,
            Some(true),
            "a real photo as camera frame: {out:?}"
        );
        for k in [
            "detect_portrait",
            "embed_portrait",
            "detect_selfie",
            "embed_selfie",
            "liveness",
            "total",
        ] {
            assert!(
                out.timings_ms.contains_key(k),
                "timing {k} missing: {:?}",
                out.timings_ms
            );
        }
    }
}

#[test]
fn other_person_does_not_match() {
    let mut e = engine();
    let card = card_of(&mut e, "obama", 1);
    for (person, n) in [("biden", 1), ("collins", 1)] {
        let out = e
            .compare(&card, &selfie(person, n), false)
            .expect("compare");
        assert!(out.portrait_detected && out.selfie_detected, "{out:?}");
        let score = out.score.expect("score");
        assert!(
            score < out.threshold,
            "obama card vs {person}: {score} ≥ {}",
            out.threshold
        );
        assert_eq!(out.matched, Some(false));
        assert_eq!(
            (out.live, out.liveness_score),
            (None, None),
            "liveness not asked for"
        );
    }
    let card = card_of(&mut e, "biden", 1);
    let out = e
        .compare(&card, &selfie("obama", 2), false)
        .expect("compare");
    assert_eq!(out.matched, Some(false), "{out:?}");
}

#[test]
fn photo_against_photo_matches_the_same_person_only() {
    let mut e = engine();
    let a = common::load(&common::photo("obama", 1));
    let out = e.compare(&a, &selfie("obama", 3), false).expect("compare");
    assert_eq!(out.matched, Some(true), "{out:?}");
    let out = e.compare(&a, &selfie("biden", 1), false).expect("compare");
    assert_eq!(out.matched, Some(false), "{out:?}");
}

#[test]
fn wall_and_blank_frames_have_no_face_and_never_match() {
    let mut e = engine();
    let card = card_of(&mut e, "obama", 1);
    let wall = common::load(&common::tools().join("textures/brick.png"));
    let blank = RgbImage::from_pixel(720, 960, Rgb([128, 128, 128]));
    let noise = RgbImage::from_fn(720, 960, |x, y| {
        let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503))
            .wrapping_mul(2_246_822_519)
            >> 24;
        Rgb([v as u8, (v >> 1) as u8, (255 - v) as u8])
    });
    for (name, frame) in [("wall", &wall), ("blank", &blank), ("noise", &noise)] {
        assert!(
            e.detect(frame).expect("detect").is_empty(),
            "{name}: a face was found"
        );
        let out = e.compare(&card, frame, true).expect("compare");
        assert!(
            out.portrait_detected && !out.selfie_detected,
            "{name}: {out:?}"
        );
        assert_no_match(&out);
        assert_eq!(out.live, Some(false), "{name}: no face is not live");
        let out = e.check_live(frame).expect("check_live");
        assert!(
            !out.selfie_detected && out.live == Some(false) && out.matched.is_none(),
            "{name}: {out:?}"
        );
        // No portrait on the card side either.
        let out = e
            .compare(frame, &selfie("obama", 2), false)
            .expect("compare");
        assert!(
            !out.portrait_detected && out.selfie_detected,
            "{name}: {out:?}"
        );
        assert_no_match(&out);
    }
}

#[test]
fn portrait_is_found_on_a_card_sized_scan() {
    let mut e = engine();
    let card = card_of(&mut e, "biden", 1);
    assert_eq!(card.dimensions(), (2300, 1600));
    let faces = e.detect(&card).expect("detect");
    let f = faces.first().expect("the portrait's face");
    // The portrait occupies x 120..710, y 420..1176 on the synthetic card.
    assert!(
        f.bbox[0] >= 120.0 && f.bbox[2] <= 710.0 && f.bbox[1] >= 420.0 && f.bbox[3] <= 1176.0,
        "{f:?}"
    );
    assert!(f.bbox[2] - f.bbox[0] > 150.0, "face too small: {f:?}");
    for p in f.landmarks {
        assert!(
            p[0] >= f.bbox[0] - 10.0
                && p[0] <= f.bbox[2] + 10.0
                && p[1] >= f.bbox[1] - 10.0
                && p[1] <= f.bbox[3] + 10.0,
            "{f:?}"
        );
    }
    assert!(
        f.landmarks[0][0] < f.landmarks[1][0],
        "left eye left of right eye: {f:?}"
    );
    assert!(f.score >= 0.7);
}

#[test]
fn check_live_accepts_a_real_photo_frame() {
    let mut e = engine();
    let out = e.check_live(&selfie("obama", 1)).expect("check_live");
    assert!(out.selfie_detected && !out.portrait_detected, "{out:?}");
    assert_eq!((out.score, out.matched), (None, None));
    assert_eq!(out.live, Some(true), "{out:?}");
    let json = serde_json::to_value(&out).expect("json");
    for k in [
        "portrait_detected",
        "selfie_detected",
        "score",
        "threshold",
        "matched",
        "liveness_score",
        "live",
        "timings_ms",
    ] {
        assert!(json.get(k).is_some(), "{k} missing in {json}");
    }
}

#[test]
fn faces_are_sorted_largest_first() {
    let mut e = engine();
    let img = common::load(&common::photo("obama", 3));
    let faces = e.detect(&img).expect("detect");
    assert!(!faces.is_empty());
    let areas: Vec<f32> = faces
        .iter()
        .map(|f| (f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]))
        .collect();
    assert!(areas.windows(2).all(|w| w[0] >= w[1]), "{areas:?}");
}

#[test]
fn empty_image_is_an_error_not_a_panic() {
    let mut e = engine();
    assert!(e.detect(&RgbImage::new(0, 0)).is_err());
    assert!(e.check_live(&RgbImage::new(0, 10)).is_err());
    // Tiny frames are fine: just no face.
    let out = e.check_live(&RgbImage::new(3, 2)).expect("tiny frame");
    assert!(!out.selfie_detected);
}

#[test]
fn liveness_is_the_mean_of_four_views_of_the_face() {
    use truecopy_face::{LIVENESS_CROP, LivenessCrop};
    assert_eq!(LIVENESS_CROP, LivenessCrop::Ensemble);
    let mut e = engine();
    let frame = selfie("obama", 3);
    let face = e.detect(&frame).expect("detect").remove(0);
    let mut views = Vec::new();
    for crop in [LivenessCrop::Area, LivenessCrop::SquareArea] {
        for mirror in [false, true] {
            views.push(e.liveness_view(&frame, &face, crop, mirror).expect("view"));
        }
    }
    // The views are different inputs: a mirror or a square box changes what the model sees.
    assert!(
        views.windows(2).any(|w| (w[0] - w[1]).abs() > 1e-3),
        "{views:?}"
    );
    let mean = views.iter().sum::<f32>() / 4.0;
    let engine_score = e.liveness(&frame).expect("liveness").expect("a face");
    assert!(
        (engine_score - mean).abs() < 1e-5,
        "{engine_score} vs {views:?}"
    );
}

#[test]
fn a_face_close_to_the_camera_is_judged_at_the_models_scale() {
    // A citizen leaning in: the face fills 75 % of the frame's height, so the model's crop (the
    // box × 2.7) is larger than the frame. Shrinking the crop to fit (the model's reference code)
    // showed the model a face larger than it knows and genuine faces scored as spoofs (biden/1:
    // 0.04); the crop keeps its scale and repeats the frame's edge beyond it.
    let mut e = engine();
    let threshold = e.liveness_threshold();
    for (person, n) in [("biden", 1), ("obama", 1), ("collins", 1)] {
        let full = common::load(&common::photo(person, n));
        let face = e.detect(&full).expect("detect").remove(0);
        let frame = common::zoomed_frame(&full, &face, 0.75).expect("the photo holds the zoom");
        let close = e.detect(&frame).expect("detect").remove(0);
        let height = (close.bbox[3] - close.bbox[1]) * 2.7;
        assert!(
            height > frame.height() as f32,
            "{person}: the crop fits, not a close face"
        );
        let live = e.liveness(&frame).expect("liveness").expect("a face");
        assert!(
            live >= threshold,
            "{person}/{n} close up: liveness {live} < {threshold}"
        );
    }
}
