//! Start-up errors: a missing or broken library or model is a clear error, never a panic.
//! Its own test binary (process), since ONNX Runtime is loaded once per process.

mod common;

use std::path::PathBuf;

use truecopy_face::{FaceConfig, FaceEngine, FaceError};

fn load_err(cfg: &FaceConfig) -> FaceError {
    match FaceEngine::load(cfg) {
        Ok(_) => panic!("loading {cfg:?} should fail"),
        Err(e) => e,
    }
}

#[test]
fn start_up_errors_name_the_path_and_the_fix() {
    let good = common::config();
    let dir = std::env::temp_dir().join(format!("truecopy-face-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    // Missing library.
    let cfg = FaceConfig {
        ort_library: dir.join("libonnxruntime.so.missing"),
        ..good.clone()
    };
    let e = load_err(&cfg);
    assert!(matches!(e, FaceError::LibraryMissing(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("libonnxruntime.so.missing") && msg.contains("scripts/fetch-assets.sh"),
        "{msg}"
    );

    // A file that is not a library: dlopen fails, reported, no panic.
    let junk = dir.join("libonnxruntime.so.junk");
    std::fs::write(&junk, b"not a shared object").expect("write");
    let e = load_err(&FaceConfig {
        ort_library: junk.clone(),
        ..good.clone()
    });
    assert!(matches!(e, FaceError::LibraryLoad { .. }), "{e:?}");
    assert!(e.to_string().contains("scripts/fetch-assets.sh"), "{e}");

    // Missing model (the library is fine).
    let models = dir.join("models");
    std::fs::create_dir_all(&models).expect("models dir");
    for m in ["fr_detect", "fr_landmark", "fr_liveness"] {
        std::fs::copy(
            good.models_dir.join(format!("{m}.onnx")),
            models.join(format!("{m}.onnx")),
        )
        .expect("copy");
    }
    let e = load_err(&FaceConfig {
        models_dir: models.clone(),
        ..good.clone()
    });
    let msg = e.to_string();
    assert!(
        matches!(e, FaceError::ModelMissing(ref p) if p.ends_with("fr_feature.onnx")),
        "{e:?}"
    );
    assert!(
        msg.contains("fr_feature.onnx") && msg.contains("scripts/fetch-assets.sh"),
        "{msg}"
    );

    // A corrupt model.
    std::fs::write(models.join("fr_feature.onnx"), b"garbage").expect("write");
    let e = load_err(&FaceConfig {
        models_dir: models.clone(),
        ..good.clone()
    });
    assert!(
        matches!(e, FaceError::ModelLoad { ref path, .. } if path.ends_with("fr_feature.onnx")),
        "{e:?}"
    );

    // Thresholds out of range.
    let e = load_err(&FaceConfig {
        match_threshold: 1.5,
        ..good.clone()
    });
    assert!(matches!(e, FaceError::Config(_)), "{e:?}");

    // After all that, the real assets still load in this process.
    FaceEngine::load(&good).unwrap_or_else(|e| panic!("{e}"));
    // A second, different library in the same process is refused clearly.
    let other = dir.join("libonnxruntime.so.copy");
    std::fs::copy(&good.ort_library, &other).expect("copy library");
    let e = load_err(&FaceConfig {
        ort_library: other,
        ..good.clone()
    });
    assert!(matches!(e, FaceError::LibraryConflict { .. }), "{e:?}");

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_deserializes_with_defaults() {
    let cfg: FaceConfig =
        serde_json::from_str(r#"{"match_threshold": 0.6, "models_dir": "/opt/face"}"#)
            .expect("json");
    assert_eq!(cfg.match_threshold, 0.6);
    assert_eq!(cfg.models_dir, PathBuf::from("/opt/face"));
    assert_eq!(cfg.ort_library, FaceConfig::default().ort_library);
    assert_eq!(
        cfg.liveness_threshold,
        FaceConfig::default().liveness_threshold
    );
    assert!(
        serde_json::from_str::<FaceConfig>(r#"{"match_treshold": 0.6}"#).is_err(),
        "typos are rejected"
    );
}
