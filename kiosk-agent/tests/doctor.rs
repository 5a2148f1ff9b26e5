//! A kiosk refuses to start without its keys, names the missing file, and writes nothing.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kiosk-agent");

#[test]
fn doctor_names_a_missing_key_then_passes_once_keys_exist() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = || {
        Command::new(BIN)
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("TRUECOPY_CONFIG")
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

    // A seal key that does not belong to the seal certificate is refused.
    let keys = dir.path().join("keys/dev");
    std::fs::copy(keys.join("qr.key.pem"), keys.join("seal.key.pem")).expect("swap key");
    let o = run();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("seal.key.pem"), "{err}");
}
