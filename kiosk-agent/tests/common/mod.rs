//! A kiosk set up in a temporary folder: dev keys, a register (SQLite or PostgreSQL) with
//! kiosk K01, and the real OCR and face models of the workspace's `.tools/`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_kiosk-agent");

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn tools() -> PathBuf {
    let t = workspace().join(".tools");
    assert!(
        t.join("onnxruntime/libonnxruntime.so.1.31.1").is_file()
            && t.join("models/face/fr_feature.onnx").is_file(),
        "the ONNX Runtime library and face models are missing: run scripts/fetch-assets.sh (make test does)"
    );
    t
}

pub struct Kiosk {
    pub dir: tempfile::TempDir,
    pub db_url: String,
}

impl Kiosk {
    pub fn new(db: &truecopy_tests::TestDb) -> Kiosk {
        let dir = tempfile::tempdir().expect("tmp");
        truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
            dir: dir.path().join("keys/dev"),
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            officers: vec![],
            force: false,
        })
        .expect("dev pki");
        let mut reg = db.registry();
        truecopy_tests::fixtures::seed(&mut reg);
        Kiosk {
            dir,
            db_url: db.url_string(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self) -> Command {
        let t = tools();
        let mut c = Command::new(BIN);
        c.current_dir(self.dir.path())
            .env_remove("TRUECOPY_CONFIG")
            .env("DATABASE_URL", &self.db_url)
            .env(
                "TRUECOPY_KIOSK__ORT_LIBRARY",
                t.join("onnxruntime/libonnxruntime.so.1.31.1"),
            )
            .env("TRUECOPY_KIOSK__FACE_MODELS_DIR", t.join("models/face"))
            // No SMTP server in these tests: a port nothing listens on.
            .env("TRUECOPY_MAIL__PORT", "9");
        c
    }

    /// `kiosk-agent process --json` on a specimen folder.
    pub fn process(&self, case_dir: &Path, extra: &[&str]) -> Output {
        let mut c = self.cmd();
        c.args(["process", "--json", "--out"])
            .arg(self.dir.path().join("out"));
        let selfie = case_dir.join("selfie.jpg");
        if selfie.exists() {
            c.arg("--selfie").arg(selfie);
        }
        c.args(extra);
        for p in pages_of(case_dir) {
            c.arg(p);
        }
        c.output().expect("run kiosk-agent")
    }
}

pub fn pages_of(case_dir: &Path) -> Vec<PathBuf> {
    let front = case_dir.join("front.jpg");
    if front.exists() {
        return vec![front, case_dir.join("back.jpg")];
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(case_dir)
        .expect("case dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            n.starts_with("page") && n.ends_with(".jpg")
        })
        .collect();
    v.sort();
    v
}

pub fn json(o: &Output) -> serde_json::Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "kiosk-agent failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

/// Specimens of the given type and variants, generated into `out`.
pub fn specimens(
    out: &Path,
    t: truecopy_specimens::DocType,
    variants: &[truecopy_specimens::Variant],
    seed: u64,
) -> Vec<PathBuf> {
    let photos = tools().join("photos");
    let opts = truecopy_specimens::GenerateOptions {
        seed,
        types: vec![t],
        variants: variants.to_vec(),
        repeat: 1,
        today: truecopy_domain::cccd::vietnam_date(time::OffsetDateTime::now_utc()),
        photos_dir: photos,
        dpi_scale: 1.0,
    };
    truecopy_specimens::generate(out, &opts)
        .expect("specimens")
        .into_iter()
        .map(|c| out.join(c.case_id))
        .collect()
}

pub fn reasons(v: &serde_json::Value) -> Vec<String> {
    v["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r.as_str().expect("str").to_owned())
        .collect()
}
