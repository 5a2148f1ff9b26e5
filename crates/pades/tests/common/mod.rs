//! Shared helpers: test PDFs made with lopdf, a dev PKI, and the external validators
//! (pdfsig, pyHanko, qpdf). A missing validator fails the test with a clear message.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Document, Object, Stream, dictionary};
use truecopy_seal::{DevPkiOptions, OfficerSpec, SoftwareSigner, init_dev_pki};

pub const CENTER: &str = "Trung tâm Phục vụ hành chính công Hà Nội";
pub const OFFICER_ID: &str = "huong";
pub const OFFICER_NAME: &str = "Nguyễn Thị Hương";
pub const OFFICER_PASS: &str = "mật khẩu 123";
pub const KEYWORDS: &str = "truecopy-code:ABCDEFGHJKLMNPQRSTUVWXYZ truecopy-register:42";

/// A two-page PDF with an /Info dictionary, written by lopdf with a classic xref table.
/// `image_bytes` > 0 adds an uncompressed grey image of about that size on page 1.
pub fn make_pdf(image_bytes: usize) -> Vec<u8> {
    make_pdf_with(image_bytes, false)
}

/// The same, saved with object streams and a cross-reference stream.
pub fn make_pdf_xref_stream() -> Vec<u8> {
    make_pdf_with(0, true)
}

fn make_pdf_with(image_bytes: usize, modern: bool) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let mut kids = Vec::new();
    for page_no in 1..=2 {
        let mut content = format!("BT /F1 24 Tf 72 720 Td (Page {page_no} original) Tj ET\n");
        let mut xobjects = lopdf::Dictionary::new();
        if page_no == 1 && image_bytes > 0 {
            let side = (image_bytes as f64).sqrt() as i64;
            let pixels: Vec<u8> = (0..side * side).map(|i| ((i * 7919) % 251) as u8).collect();
            let image = Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => side,
                    "Height" => side,
                    "ColorSpace" => "DeviceGray",
                    "BitsPerComponent" => 8,
                },
                pixels,
            );
            let image_id = doc.add_object(image);
            xobjects.set("Im1", image_id);
            content.push_str("q 400 0 0 400 100 200 cm /Im1 Do Q\n");
        }
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content_id,
            "Resources" => dictionary! {
                "Font" => dictionary! { "F1" => font_id },
                "XObject" => xobjects,
            },
        });
        kids.push(Object::Reference(page_id));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => 2,
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::string_literal("Bản sao điện tử"),
        "Producer" => Object::string_literal("truecopy tests"),
        "Keywords" => Object::string_literal(KEYWORDS),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    doc.trailer.set(
        "ID",
        vec![
            Object::String(
                b"0123456789abcdef".to_vec(),
                lopdf::StringFormat::Hexadecimal,
            ),
            Object::String(
                b"0123456789abcdef".to_vec(),
                lopdf::StringFormat::Hexadecimal,
            ),
        ],
    );
    let mut out = Vec::new();
    if modern {
        doc.save_modern(&mut out).expect("save pdf");
    } else {
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        doc.save_to(&mut out).expect("save pdf");
    }
    out
}

/// A dev PKI in a temporary directory.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        init_dev_pki(&DevPkiOptions {
            dir: dir.path().to_path_buf(),
            center_name: CENTER.into(),
            officers: vec![OfficerSpec {
                id: OFFICER_ID.into(),
                full_name: OFFICER_NAME.into(),
                title: "Công chức tư pháp - hộ tịch".into(),
                passphrase: OFFICER_PASS.into(),
            }],
            force: false,
        })
        .expect("init dev pki");
        Pki { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ca(&self) -> PathBuf {
        self.path("ca.cert.pem")
    }

    pub fn seal(&self) -> SoftwareSigner {
        SoftwareSigner::from_pem_files(self.path("seal.key.pem"), self.path("seal.cert.pem"))
            .expect("seal signer")
    }

    pub fn officer(&self) -> SoftwareSigner {
        SoftwareSigner::from_encrypted_pem_files(
            self.path(&format!("officers/{OFFICER_ID}.key.pem")),
            self.path(&format!("officers/{OFFICER_ID}.cert.pem")),
            OFFICER_PASS,
        )
        .expect("officer signer")
    }

    /// An NSS database trusting this PKI's CA, for pdfsig.
    pub fn nss_db(&self) -> PathBuf {
        let db = self.path("nssdb");
        if db.join("cert9.db").exists() {
            return db;
        }
        std::fs::create_dir_all(&db).unwrap();
        let certutil = tool(
            "/usr/bin/certutil",
            "certutil (apt-get install libnss3-tools)",
        );
        let spec = format!("sql:{}", db.display());
        run_ok(Command::new(&certutil).args(["-N", "-d", &spec, "--empty-password"]));
        run_ok(
            Command::new(&certutil)
                .args(["-A", "-d", &spec, "-n", "ca", "-t", "CT,C,C", "-i"])
                .arg(self.ca()),
        );
        db
    }
}

/// A validator's path, or a failing test that says what to install.
pub fn tool(path: &str, what: &str) -> PathBuf {
    let p = PathBuf::from(path);
    assert!(
        p.exists(),
        "validator {what} not found at {path}: install it (this test does not skip)"
    );
    p
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("run tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run tool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// `pdfsig -nssdir sql:DB FILE`: (exit code, output).
pub fn pdfsig(pki: &Pki, file: &Path) -> (i32, String) {
    let pdfsig = tool("/usr/bin/pdfsig", "pdfsig (apt-get install poppler-utils)");
    let db = pki.nss_db();
    run(Command::new(pdfsig)
        .arg("-nssdir")
        .arg(format!("sql:{}", db.display()))
        .arg(file))
}

/// `pyhanko sign validate --pretty-print --trust-replace --trust CA FILE`.
pub fn pyhanko(pki: &Pki, file: &Path) -> (i32, String) {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/venv/bin/pyhanko");
    let exe = tool(
        venv.to_str().unwrap(),
        "pyHanko (python3 -m venv .tools/venv && .tools/venv/bin/pip install pyhanko pyhanko-cli)",
    );
    run(Command::new(exe)
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ])
        .arg(pki.ca())
        .arg(file))
}

/// `qpdf --check FILE`.
pub fn qpdf_check(file: &Path) -> (i32, String) {
    let qpdf = tool("/usr/bin/qpdf", "qpdf (apt-get install qpdf)");
    run(Command::new(qpdf).arg("--check").arg(file))
}

/// Writes bytes to a file in `dir`.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
