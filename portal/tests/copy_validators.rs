//! A certified copy as a bank or a court receives it, checked by validators nobody here wrote
//! (pdfsig, pyHanko, qpdf, zbarimg) and by our own verifier (`portal verify`), intact and tampered.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand_core::OsRng;
use time::OffsetDateTime;
use truecopy_certify::{CopyFacts, IssuedPdf, Issuer, ScanPage, center_certifier};
use truecopy_domain::{DocumentType, IdCode, RegisterNumber};
use truecopy_seal::{DevPkiOptions, OfficerSpec, SoftwareSigner};
use truecopy_tests::specimens::{a4_scan_jpeg, id_card_jpeg, low_dpi_jpeg};
use truecopy_tests::validators::{pdfsig, pyhanko_validate, qpdf_check, text, zbar_page};

const PORTAL: &str = env!("CARGO_BIN_EXE_portal");
const PASSPHRASE: &str = "officer passphrase 1";

struct Fixture {
    dir: tempfile::TempDir,
    issuer: Issuer,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tmp");
        truecopy_seal::init_dev_pki(&DevPkiOptions {
            dir: dir.path().join("keys/dev"),
            center_name: "Trung tâm Phục vụ hành chính công thành phố Hà Nội".into(),
            officers: vec![OfficerSpec {
                id: "o1".into(),
                full_name: "Nguyễn Văn An".into(),
                title: "Chuyên viên".into(),
                passphrase: PASSPHRASE.into(),
            }],
            force: false,
        })
        .expect("dev pki");
        let cfg = truecopy_config::Config::load_from(
            None,
            &[
                (
                    "TRUECOPY_KEYS__DIR".to_string(),
                    dir.path().join("keys/dev").display().to_string(),
                ),
                (
                    "TRUECOPY_PORTAL__PUBLIC_URL".to_string(),
                    "https://saoy.hanoi.gov.vn".to_string(),
                ),
            ],
        )
        .expect("config");
        let issuer = Issuer::from_config(&cfg).expect("issuer");
        Fixture { dir, issuer }
    }

    fn keys(&self) -> PathBuf {
        self.dir.path().join("keys/dev")
    }

    fn ca(&self) -> PathBuf {
        self.keys().join("ca.cert.pem")
    }

    fn issue(&self) -> (IssuedPdf, CopyFacts) {
        let facts = CopyFacts {
            code: IdCode::generate(&mut OsRng),
            register_number: RegisterNumber::new(2026, 1, 123),
            document_type: DocumentType::CitizenId,
            issued_at: OffsetDateTime::now_utc(),
            certifier: center_certifier(self.issuer.center()),
        };
        let pages = vec![
            ScanPage {
                bytes: a4_scan_jpeg(1),
                dpi: None,
            },
            ScanPage {
                bytes: id_card_jpeg(2),
                dpi: None,
            },
        ];
        (self.issuer.issue(&facts, &pages).expect("issue"), facts)
    }

    fn officer(&self) -> SoftwareSigner {
        SoftwareSigner::from_encrypted_pem_files(
            self.keys().join("officers/o1.key.pem"),
            self.keys().join("officers/o1.cert.pem"),
            PASSPHRASE,
        )
        .expect("officer key")
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write pdf");
        p
    }

    /// `portal verify` with this fixture's keys.
    fn verify(&self, args: &[&str]) -> Output {
        Command::new(PORTAL)
            .current_dir(self.dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("TRUECOPY_CONFIG")
            .arg("verify")
            .args(args)
            .output()
            .expect("run portal verify")
    }

    fn verify_json(&self, args: &[&str]) -> (Option<i32>, serde_json::Value) {
        let mut a = args.to_vec();
        a.push("--json");
        let o = self.verify(&a);
        let v = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("json ({e}): {}", text(&o)));
        (o.status.code(), v)
    }
}

fn reasons(v: &serde_json::Value) -> Vec<String> {
    v["reasons"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_pdfsig_valid(pdf: &Path, ca: &Path, signatures: usize) {
    let o = pdfsig(pdf, ca);
    let out = text(&o);
    assert_eq!(
        out.matches("Signature is Valid.").count(),
        signatures,
        "{out}"
    );
    assert_eq!(
        out.matches("Certificate is Trusted.").count(),
        signatures,
        "{out}"
    );
}

#[test]
fn a_sealed_copy_passes_every_validator_and_its_qr_verifies_offline() {
    let f = Fixture::new();
    let (copy, facts) = f.issue();
    let pdf = f.write("copy.pdf", &copy.pdf);

    assert_pdfsig_valid(&pdf, &f.ca(), 1);
    let o = pyhanko_validate(&pdf, &f.ca());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("judged VALID"), "{}", text(&o));
    let o = qpdf_check(&pdf);
    assert!(
        text(&o).contains("No syntax or stream encoding errors found"),
        "{}",
        text(&o)
    );

    let o = f.verify(&[pdf.to_str().expect("utf8")]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("verdict: PASSED"), "{out}");
    assert!(out.contains(&facts.code.grouped()), "{out}");
    assert!(out.contains("000123/Q01/2026-SCT/BS"), "{out}");

    // The QR as a phone would read it from a 150 dpi rendering, on the first and last pages.
    assert!(copy.qr_version <= 15, "QR version {}", copy.qr_version);
    assert_eq!(zbar_page(&pdf, 1, 150), vec![copy.qr_text.clone()]);
    assert_eq!(zbar_page(&pdf, 3, 150), vec![copy.qr_text.clone()]);
    let decoded = &zbar_page(&pdf, 2, 150)[0];
    assert!(decoded.starts_with(&format!(
        "https://saoy.hanoi.gov.vn/c/{}?t=",
        facts.code.as_str()
    )));
    let (code, v) = f.verify_json(&["--qr", decoded]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["verdict"], "PASSED");
    assert_eq!(v["payload"]["code"], facts.code.as_str());
    assert_eq!(v["payload"]["register_number"], "000123/Q01/2026-SCT/BS");
    assert_eq!(v["payload"]["page_count"], 2);
}

#[test]
fn an_officer_cosignature_keeps_the_seal_valid() {
    let f = Fixture::new();
    let (mut copy, _) = f.issue();
    let sealed_len = copy.pdf.len();
    f.issuer
        .cosign(&mut copy, "o1", &f.officer(), OffsetDateTime::now_utc())
        .expect("cosign");
    assert!(copy.pdf.len() > sealed_len);
    assert_eq!(copy.signatures.len(), 2);
    let pdf = f.write("cosigned.pdf", &copy.pdf);
    assert_pdfsig_valid(&pdf, &f.ca(), 2);
    let o = pyhanko_validate(&pdf, &f.ca());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let (code, v) = f.verify_json(&[pdf.to_str().expect("utf8")]);
    assert_eq!(code, Some(0), "{v}");
    let sigs = v["pdf"]["signatures"].as_array().expect("signatures");
    assert_eq!(sigs.len(), 2);
    assert!(sigs.iter().all(|s| s["verdict"] == "PASSED"), "{v}");
    assert_eq!(sigs[1]["signer_subject"], "Nguyễn Văn An");
    let o = qpdf_check(&pdf);
    assert!(
        text(&o).contains("No syntax or stream encoding errors found"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_flipped_byte_is_a_digest_mismatch_for_pdfsig_and_for_us() {
    let f = Fixture::new();
    let (copy, _) = f.issue();
    let mut bytes = copy.pdf.clone();
    // Inside the first scan's JPEG data: well within the signed range.
    let i = bytes.len() / 3;
    bytes[i] ^= 0x01;
    let pdf = f.write("flipped.pdf", &bytes);
    let o = pdfsig(&pdf, &f.ca());
    assert!(text(&o).contains("Digest Mismatch."), "{}", text(&o));
    let o = pyhanko_validate(&pdf, &f.ca());
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let (code, v) = f.verify_json(&[pdf.to_str().expect("utf8")]);
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"], "FAILED");
    assert!(reasons(&v).contains(&"digest_mismatch".to_string()), "{v}");
}

#[test]
fn a_page_replaced_by_an_appended_update_fails() {
    use lopdf::{IncrementalDocument, Object, Stream, dictionary};
    let f = Fixture::new();
    let (copy, _) = f.issue();
    let prev = lopdf::Document::load_mem(&copy.pdf).expect("lopdf reads our copy");
    let page_id = prev.get_pages()[&1];
    let mut inc = IncrementalDocument::create_from(copy.pdf.clone(), prev);
    inc.opt_clone_object_to_new_document(page_id)
        .expect("clone page");
    let forged = Stream::new(dictionary! {}, b"0 0 1 rg 0 0 600 800 re f".to_vec());
    let forged_id = inc.new_document.add_object(forged);
    inc.new_document
        .get_object_mut(page_id)
        .and_then(Object::as_dict_mut)
        .expect("page dict")
        .set("Contents", forged_id);
    let mut out = Vec::new();
    inc.save_to(&mut out).expect("save update");
    assert!(
        out.starts_with(&copy.pdf),
        "an incremental update keeps the signed bytes"
    );
    let pdf = f.write("replaced.pdf", &out);

    let o = pyhanko_validate(&pdf, &f.ca());
    assert_ne!(
        o.status.code(),
        Some(0),
        "pyHanko must not accept: {}",
        text(&o)
    );
    let (code, v) = f.verify_json(&[pdf.to_str().expect("utf8")]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["verdict"], "FAILED");
    assert!(
        reasons(&v).contains(&"modified_after_signing".to_string()),
        "{v}"
    );
}

#[test]
fn an_edited_or_foreign_qr_payload_is_refused() {
    let f = Fixture::new();
    let (copy, _) = f.issue();
    let (url, token) = copy.qr_text.split_once("?t=").expect("token");
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    // Change one character of the payload segment.
    let mid = parts[1].len() / 2;
    let c = parts[1].as_bytes()[mid];
    let swapped = if c == b'A' { 'B' } else { 'A' };
    parts[1].replace_range(mid..=mid, &swapped.to_string());
    let edited = format!("{url}?t={}", parts.join("."));
    let (code, v) = f.verify_json(&["--qr", &edited]);
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"], "FAILED");
    assert!(
        reasons(&v)
            .iter()
            .any(|r| r == "qr_signature_invalid" || r == "qr_malformed"),
        "{v}"
    );

    let truncated = &copy.qr_text[..copy.qr_text.len() - 20];
    let (code, v) = f.verify_json(&["--qr", truncated]);
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"], "FAILED", "{v}");

    // Signed by a key this verifier does not know: not proven wrong, not established either.
    let other = Fixture::new();
    let (foreign, _) = other.issue();
    let (code, v) = f.verify_json(&["--qr", &foreign.qr_text]);
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"], "INDETERMINATE");
    assert_eq!(reasons(&v), ["qr_unknown_key"]);
}

#[test]
fn a_copy_signed_under_another_ca_is_indeterminate() {
    let f = Fixture::new();
    let other = Fixture::new();
    let (copy, _) = other.issue();
    let pdf = f.write("foreign.pdf", &copy.pdf);
    let (code, v) = f.verify_json(&[pdf.to_str().expect("utf8")]);
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"], "INDETERMINATE", "{v}");
    assert!(reasons(&v).contains(&"untrusted_signer".to_string()), "{v}");
}

#[test]
fn bad_input_gets_a_verdict_or_a_one_line_error_never_a_panic() {
    let f = Fixture::new();
    let (copy, _) = f.issue();
    for (name, bytes) in [
        ("empty.pdf", Vec::new()),
        ("text.pdf", b"hello, this is not a PDF".to_vec()),
        ("truncated.pdf", copy.pdf[..copy.pdf.len() / 2].to_vec()),
        ("header-only.pdf", b"%PDF-1.7\n%%EOF\n".to_vec()),
    ] {
        let p = f.write(name, &bytes);
        let (code, v) = f.verify_json(&[p.to_str().expect("utf8")]);
        assert_eq!(code, Some(1), "{name}: {v}");
        assert_ne!(v["verdict"], "PASSED", "{name}");
        assert!(!reasons(&v).is_empty(), "{name}: {v}");
    }
    // Oversized input is refused before it is read.
    let big = f.dir.path().join("big.pdf");
    std::fs::File::create(&big)
        .and_then(|file| file.set_len(truecopy_pades::MAX_PDF_SIZE as u64 + 1))
        .expect("sparse file");
    let o = f.verify(&[big.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("at most"), "{}", text(&o));
    let o = f.verify(&["missing.pdf"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = f.verify(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // A scan below 200 dpi is refused at issue time, with the reason.
    let facts = CopyFacts {
        code: IdCode::generate(&mut OsRng),
        register_number: RegisterNumber::new(2026, 1, 1),
        document_type: DocumentType::Decision,
        issued_at: OffsetDateTime::now_utc(),
        certifier: center_certifier(f.issuer.center()),
    };
    let err = f
        .issuer
        .issue(
            &facts,
            &[ScanPage {
                bytes: low_dpi_jpeg(3),
                dpi: None,
            }],
        )
        .expect_err("100 dpi is refused");
    assert!(err.to_string().contains("dpi"), "{err}");
    let err = f
        .issuer
        .issue(
            &facts,
            &[ScanPage {
                bytes: b"not an image".to_vec(),
                dpi: None,
            }],
        )
        .expect_err("not an image");
    assert!(!err.to_string().is_empty());
}
