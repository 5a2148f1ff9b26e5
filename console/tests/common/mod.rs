//! Shared by the console's decision and UI tests: a dev PKI with two officers, a configuration
//! over a test database and a blob directory, and flagged cases with real scans in the blob store.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use truecopy_config::Config;
use truecopy_domain::{CaseEvent, Check, CheckCode, DocumentType};
use truecopy_office::Office;
use truecopy_registry::{CaseRecord, CheckOutcome, NewCase, NewOfficer, PageRef};
use truecopy_seal::{DevPkiOptions, OfficerSpec};
use truecopy_tests::TestDb;
use truecopy_tests::specimens::{a4_scan_jpeg, id_card_jpeg};

pub const CONSOLE: &str = env!("CARGO_BIN_EXE_console");
pub const PASSPHRASE: &str = "correct horse battery";
pub const KIOSK: &str = "K01";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub cfg: Config,
    pub vars: Vec<(String, String)>,
}

impl Env {
    pub fn new(db: &TestDb) -> Env {
        let dir = tempfile::tempdir().expect("tmp");
        let officers = [("o1", "Nguyễn Văn An"), ("o2", "Trần Thị Bình")];
        truecopy_seal::init_dev_pki(&DevPkiOptions {
            dir: dir.path().join("keys"),
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            officers: officers
                .iter()
                .map(|(id, name)| OfficerSpec {
                    id: (*id).into(),
                    full_name: (*name).into(),
                    title: "Chuyên viên".into(),
                    passphrase: PASSPHRASE.into(),
                })
                .collect(),
            force: false,
        })
        .expect("dev pki");
        let vars: Vec<(String, String)> = vec![
            (
                "TRUECOPY_KEYS__DIR".into(),
                dir.path().join("keys").display().to_string(),
            ),
            ("DATABASE_URL".into(), db.url_string()),
            (
                "TRUECOPY_BLOBS__URL".into(),
                format!("file://{}", dir.path().join("blobs").display()),
            ),
        ];
        let cfg = Config::load_from(None, &vars).expect("config");
        let mut reg = db.registry();
        reg.add_kiosk(KIOSK, "Kiosk 1", "Hà Đông", "test")
            .expect("kiosk");
        reg.add_kiosk("K02", "Kiosk 2", "Cầu Giấy", "test")
            .expect("kiosk");
        for (id, name) in officers {
            let cert = std::fs::read_to_string(cfg.keys.officer(id).0).expect("officer cert");
            reg.add_officer(
                &NewOfficer {
                    id: id.into(),
                    full_name: name.into(),
                    title: "Chuyên viên".into(),
                    certificate_pem: Some(cert),
                },
                "test",
            )
            .expect("officer");
        }
        Env { dir, cfg, vars }
    }

    pub fn office(&self) -> Office {
        console::desk::open_office(&self.cfg).expect("office")
    }

    pub fn ca(&self) -> PathBuf {
        self.cfg.keys.ca_cert.clone()
    }

    /// Runs the console binary with this environment (and `extra`), in the temp dir.
    pub fn console(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(CONSOLE);
        cmd.current_dir(self.dir.path()).args(args);
        for var in [
            "DATABASE_URL",
            "TRUECOPY_CONFIG",
            "RUST_LOG",
            "TRUECOPY_OFFICER_PASSPHRASE",
            "TRUECOPY_HOLIDAYS",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.output().expect("run console")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The lines that say what went wrong (log lines aside).
pub fn error_lines(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect()
}

/// A case flagged for an officer, with two real scans in the blob store, as the kiosk agent
/// records one (fields, checks with details, face result).
pub fn flagged_case(
    office: &mut Office,
    kiosk: &str,
    reasons: &[CheckCode],
    seed: u64,
) -> CaseRecord {
    flagged_case_with(office, kiosk, reasons, seed, &Extra::default())
}

/// What some kiosk sessions carry besides the scans.
#[derive(Debug, Default)]
pub struct Extra<'a> {
    /// The address the citizen gave for the retrieval link.
    pub email: Option<&'a str>,
    /// The density the kiosk measured for each page (`details.page_dpi`).
    pub page_dpi: Option<Vec<Option<f32>>>,
    /// The face crops the kiosk stored (ID portrait, selfie): JPEG bytes.
    pub face_crops: Option<console::desk::FaceCropBytes>,
}

/// A drawn face (skin oval, eyes, mouth) on a plain background, as a JPEG the size of a
/// kiosk's face crop: deterministic, no photo needed.
pub fn face_jpeg(background: [u8; 3], width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (width as f32, height as f32);
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let (u, v) = (
            (x as f32 - w / 2.0) / (w * 0.36),
            (y as f32 - h / 2.0) / (h * 0.42),
        );
        let eye = |ex: f32| {
            let (dx, dy) = (x as f32 - ex, y as f32 - h * 0.42);
            dx * dx + dy * dy < (w * 0.06).powi(2)
        };
        let mouth =
            (x as f32 - w / 2.0).abs() < w * 0.14 && (y as f32 - h * 0.66).abs() < h * 0.025;
        if eye(w * 0.38) || eye(w * 0.62) || mouth {
            image::Rgb([40, 30, 30])
        } else if u * u + v * v < 1.0 {
            image::Rgb([224, 182, 150])
        } else {
            image::Rgb(background)
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("encode a face JPEG");
    out
}

/// [`flagged_case`] with an e-mail address and/or measured page densities.
pub fn flagged_case_with(
    office: &mut Office,
    kiosk: &str,
    reasons: &[CheckCode],
    seed: u64,
    extra: &Extra,
) -> CaseRecord {
    let email = extra.email;
    let mut pages = Vec::new();
    for bytes in [a4_scan_jpeg(seed), id_card_jpeg(seed + 1)] {
        let len = bytes.len() as u64;
        let key = office.put_blob(bytes).expect("put page");
        pages.push(PageRef {
            sha256: key.rsplit('/').next().unwrap_or(&key).to_owned(),
            blob: key,
            media_type: "image/jpeg".into(),
            bytes: len,
        });
    }
    let crops = match &extra.face_crops {
        Some(console::desk::FaceCropBytes { portrait, selfie }) => {
            let put = |b: &Option<Vec<u8>>| {
                b.clone()
                    .map(|b| office.put_blob(b).expect("put face crop"))
            };
            Some(truecopy_registry::FaceCrops {
                portrait: put(portrait),
                selfie: put(selfie),
            })
        }
        None => None,
    };
    let actor = format!("kiosk:{kiosk}");
    let reg = &mut office.registry;
    let c = reg
        .create_case(
            &NewCase {
                kiosk_id: kiosk.into(),
                pages,
                selfie_blob: None,
                email: email.map(str::to_owned),
                session_key: None,
            },
            &actor,
        )
        .expect("case");
    let mut fields = serde_json::Map::new();
    fields.insert("full_name".into(), "NGUYỄN VĂN A".into());
    fields.insert("id_number".into(), "001090012345".into());
    fields.insert("date_of_birth".into(), "1990-01-02".into());
    let mut checks: Vec<Check> = vec![Check::pass(CheckCode::DocumentType, "citizen_id")];
    for r in reasons {
        checks.push(Check::fail(*r, format!("{} detected", r.as_str())));
    }
    let outcome = CheckOutcome {
        document_type: Some(DocumentType::CitizenId),
        fields,
        checks: serde_json::json!({
            "checks": checks,
            "details": {
                "mrz": {"td1": {"id_number": "001090012346", "birth_date": "900102"}},
                "page_dpi": extra.page_dpi,
                "face_crops": crops,
            },
        }),
        face: Some(serde_json::json!({"detected": true, "score": 0.31, "threshold": 0.5})),
        decision: Some(truecopy_domain::Decision::Flag),
        reasons: reasons.iter().map(|r| r.as_str().to_owned()).collect(),
    };
    let c = reg.record_checks(&c.id, &outcome, &actor).expect("checks");
    reg.transition_case(
        &c.id,
        CaseEvent::Flag,
        None,
        &actor,
        None,
        serde_json::json!({}),
    )
    .expect("flag")
}

/// `pdfsig` finds exactly `n` valid, trusted signatures.
pub fn assert_pdfsig_valid(pdf: &Path, ca: &Path, n: usize) {
    let o = truecopy_tests::validators::pdfsig(pdf, ca);
    let out = truecopy_tests::validators::text(&o);
    assert_eq!(out.matches("Signature is Valid.").count(), n, "{out}");
    assert_eq!(out.matches("Certificate is Trusted.").count(), n, "{out}");
}
