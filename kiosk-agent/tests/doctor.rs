//! A kiosk refuses to start without its keys, names the missing file, and writes nothing.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kiosk-agent");

#[test]
fn doctor_names_a_missing_key_then_passes_once_keys_exist() {
    let dir = tempfile::tempdir().expect("tmp");
    let tools = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools");
    let run = || {
        Command::new(BIN)
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("TRUECOPY_CONFIG")
            .env(
                "TRUECOPY_KIOSK__ORT_LIBRARY",
                tools.join("onnxruntime/libonnxruntime.so.1.31.1"),
            )
            .env("TRUECOPY_KIOSK__FACE_MODELS_DIR", tools.join("models/face"))
            .arg("doctor")
            .output()
            .expect("run")
    };
    let o = run();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("keys/dev/") && err.contains("console keys init"),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);

    truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
        dir: dir.path().join("keys/dev"),
        center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
        officers: vec![],
        force: false,
    })
    .expect("dev pki");
    let o = run();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("database  ok (sqlite://data/truecopy.sqlite3"),
        "{out}"
    );
    assert!(dir.path().join("data/truecopy.sqlite3").exists());
    assert!(out.contains("OCR (vie+eng) and face models"), "{out}");

    // A missing face model is a clear start-up error naming the fix.
    let o = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("TRUECOPY_CONFIG")
        .env(
            "TRUECOPY_KIOSK__FACE_MODELS_DIR",
            dir.path().join("no-models"),
        )
        .env(
            "TRUECOPY_KIOSK__ORT_LIBRARY",
            tools.join("onnxruntime/libonnxruntime.so.1.31.1"),
        )
        .arg("doctor")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no-models") && err.contains("fetch-assets.sh"),
        "{err}"
    );

    // A seal key that does not belong to the seal certificate is refused.
    let keys = dir.path().join("keys/dev");
    std::fs::copy(keys.join("qr.key.pem"), keys.join("seal.key.pem")).expect("swap key");
    let o = run();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("seal.key.pem"), "{err}");
}
