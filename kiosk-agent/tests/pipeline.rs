//! The kiosk pipeline end to end on the project's own specimens: real tesseract, real face
//! models, real register (both backends), checked by validators nobody here wrote.

mod common;

use common::{Kiosk, json, reasons, specimens};
use truecopy_specimens::{DocType, Variant};
use truecopy_tests::both_backends;
use truecopy_tests::validators;

both_backends! {
    fn a_valid_card_is_issued_sealed_and_verifiable(db) {
        let k = Kiosk::new(db);
        let cases = specimens(&k.path().join("spec"), DocType::CitizenId, &[Variant::Valid], 11);
        let r = json(&k.process(&cases[0], &[]));
        assert_eq!(r["document_type"], "citizen_id", "{r:#}");
        assert_eq!(r["decision"], "issue", "{r:#}");
        assert!(reasons(&r).is_empty(), "{r:#}");
        assert_eq!(r["face"]["detected"], true);
        let copy = &r["copy"];
        let pdf = std::path::PathBuf::from(copy["pdf"].as_str().expect("pdf path"));
        let bytes = std::fs::read(&pdf).expect("pdf written");
        // The seal verifies in pdfsig and pyHanko; the QR on the first page decodes to the link.
        let ca = k.path().join("keys/dev/ca.cert.pem");
        let sig = validators::text(&validators::pdfsig(&pdf, &ca));
        assert!(sig.contains("Signature is Valid."), "{sig}");
        let ph = validators::pyhanko_validate(&pdf, &ca);
        assert!(ph.status.success() && validators::text(&ph).contains("VALID"), "{}", validators::text(&ph));
        // The card itself carries a QR too: ours must be among the codes on page 1.
        let qrs = validators::zbar_page(&pdf, 1, 200);
        let url = copy["verify_url"].as_str().expect("url");
        // zbarimg --raw prints binary-mode symbols back to back: look for ours in the output.
        assert!(qrs.concat().contains(url), "the printed QR is the verify URL: {qrs:?} vs {url}");
        assert!(bytes.len() > 100_000);
        // The register holds the case, issued, and the copy with the code printed.
        let mut reg = db.registry();
        let case = reg.get_case(r["case_id"].as_str().expect("id")).expect("case");
        assert_eq!(case.state, truecopy_domain::CaseState::Issued);
        // The density each page was rendered at is recorded for an officer's later approval:
        // null where the file states one, else the measured one (≥ 200 dpi to be issued).
        let dpi = case.checks["details"]["page_dpi"].as_array().expect("details.page_dpi recorded");
        assert_eq!(dpi.len(), case.pages.len(), "{dpi:?}");
        assert!(dpi.iter().all(|d| d.is_null() || d.as_f64().is_some_and(|d| d >= 200.0)), "{dpi:?}");
        let code = truecopy_domain::IdCode::parse(copy["code"].as_str().expect("code")).expect("code parses");
        let rec = reg.get_copy(&code).expect("copy in the register");
        assert_eq!(rec.register_number.to_string(), copy["register_number"].as_str().expect("n"));
        assert_eq!(rec.holder_name.as_deref(), case.fields.get("full_name").and_then(|v| v.as_str()));
    }

    fn a_photocopy_is_refused_in_writing(db) {
        let k = Kiosk::new(db);
        let cases = specimens(&k.path().join("spec"), DocType::Decision, &[Variant::Photocopy], 12);
        let r = json(&k.process(&cases[0], &[]));
        assert_eq!(r["decision"], "reject", "{r:#}");
        assert_eq!(reasons(&r)[0], "not_an_original", "{r:#}");
        assert!(r["copy"].is_null());
        let slip = std::path::PathBuf::from(r["refusal_slip"].as_str().expect("slip"));
        let ca = k.path().join("keys/dev/ca.cert.pem");
        let sig = validators::text(&validators::pdfsig(&slip, &ca));
        assert!(sig.contains("Signature is Valid."), "{sig}");
        let text = validators::pdftotext(&slip);
        assert!(text.contains("PHIẾU TỪ CHỐI CHỨNG THỰC") && text.contains("Nghị định 23/2015"), "{text}");
        assert!(text.contains("is itself a copy"), "the English ground is printed: {text}");
        let mut reg = db.registry();
        let case = reg.get_case(r["case_id"].as_str().expect("id")).expect("case");
        assert_eq!(case.state, truecopy_domain::CaseState::Refused);
        assert!(case.refusal_slip.is_some());
        assert!(reg.copy_of_case(&case.id).expect("query").is_none());
    }

    fn a_flat_patched_a4_original_is_refused_or_referred_never_issued(db) {
        // Correction fluid without an outline on each A4 type: no copy. A patch the detector is
        // sure of is refused in writing; a weaker one goes to an officer; the check says which.
        let k = Kiosk::new(db);
        let mut refused = 0;
        for (i, t) in [DocType::Decision, DocType::BirthCertificate, DocType::Diploma].into_iter().enumerate() {
            let cases = specimens(&k.path().join(format!("spec{i}")), t, &[Variant::Altered], 99);
            let r = json(&k.process(&cases[0], &[]));
            assert_ne!(r["decision"], "issue", "{t:?}: {r:#}");
            assert!(r["copy"].is_null(), "{t:?}: {r:#}");
            let alt = check_of(&r, "altered_original");
            assert!(reasons(&r).contains(&"altered_original".to_owned()), "{t:?}: {r:#}");
            let mut reg = db.registry();
            let case = reg.get_case(r["case_id"].as_str().expect("id")).expect("case");
            match alt["status"].as_str() {
                Some("fail") => {
                    refused += 1;
                    assert_eq!(r["decision"], "reject", "{t:?}: {r:#}");
                    assert_eq!(reasons(&r)[0], "altered_original", "{t:?}: {r:#}");
                    assert!(r["refusal_slip"].is_string(), "{t:?}: {r:#}");
                    assert_eq!(case.state, truecopy_domain::CaseState::Refused, "{t:?}");
                }
                Some("unknown") => {
                    assert_eq!(r["decision"], "flag", "{t:?}: {r:#}");
                    assert_eq!(case.state, truecopy_domain::CaseState::Flagged, "{t:?}");
                }
                _ => panic!("{t:?}: {alt:#}"),
            }
        }
        assert!(refused > 0, "no patch on three A4 types was refused");
    }

}

/// Renders the first altered ID card of `seed` (fixed date) and runs it through the kiosk.
fn altered_card(k: &Kiosk, seed: u64) -> (String, serde_json::Value) {
    altered_case(k, seed, DocType::CitizenId, 0)
}

/// Renders altered case `n` (0-based) of type `t` and `seed` (fixed date), as `truecopy-specimens
/// generate` names it `s<seed>-<type>-altered-<n + 1>`, and runs it through the kiosk: never
/// issued.
fn altered_case(k: &Kiosk, seed: u64, t: DocType, n: usize) -> (String, serde_json::Value) {
    specimen_case(k, seed, t, Variant::Altered, n)
}

/// Specimen `n` of (`seed`, `t`, `v`) at a fixed date, processed; never issued.
fn specimen_case(
    k: &Kiosk,
    seed: u64,
    t: DocType,
    v: Variant,
    n: usize,
) -> (String, serde_json::Value) {
    let opts = truecopy_specimens::GenerateOptions {
        seed,
        types: vec![t],
        variants: vec![v],
        repeat: n + 1,
        today: time::macros::date!(2026 - 12 - 03),
        photos_dir: common::tools().join("photos"),
        dpi_scale: 1.0,
    };
    let c = truecopy_specimens::render_case(&opts, t, v, n).expect("specimen");
    let dir = k.path().join(&c.case.case_id);
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, jpeg) in &c.pages {
        std::fs::write(dir.join(name), jpeg).expect("page");
    }
    std::fs::write(dir.join("selfie.jpg"), &c.selfie).expect("selfie");
    let r = json(&k.process(&dir, &[]));
    assert_ne!(r["decision"], "issue", "{}: {r:#}", c.case.case_id);
    assert!(r["copy"].is_null(), "{}: {r:#}", c.case.case_id);
    (c.case.case_id, r)
}

fn check_of(r: &serde_json::Value, code: &str) -> serde_json::Value {
    r["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["code"] == code)
        .expect(code)
        .clone()
}

#[test]
fn a_card_retyped_on_a_patch_the_mrz_contradicts_is_refused_in_writing() {
    // s41-cccd-altered-1 (found with scripts/score.py on generated specimens, 2026-12-07): the
    // name retyped on correction fluid, which the page-wide detectors did not see; the MRZ
    // names someone else. The patch on the name's line and the MRZ meet: a written refusal.
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let (id, r) = altered_card(&k, 41);
    let alt = check_of(&r, "altered_original");
    assert_eq!(alt["status"], "fail", "{id}: {alt:#}");
    assert!(
        alt["detail"]
            .as_str()
            .is_some_and(|d| d.contains("full_name line")),
        "{id}: {alt:#}"
    );
    assert_eq!(r["decision"], "reject", "{id}: {r:#}");
    assert!(r["refusal_slip"].is_string(), "{id}: {r:#}");
    let case = db
        .registry()
        .get_case(r["case_id"].as_str().expect("id"))
        .expect("case");
    assert_eq!(case.state, truecopy_domain::CaseState::Refused, "{id}");
}

#[test]
fn a_diploma_retyped_on_white_fluid_goes_to_an_officer_by_its_line() {
    // s28-diploma-altered-3 (`inspect_corpus` and `field_lines` on seeds 21–36, 2026-12-07): the
    // class retyped "Giỏi" on white fluid over the cream paper; every page-wide detector passes
    // the page, so it was issued. On its text line the paper is less coloured than above and
    // below it: an officer looks (this sign alone never refuses).
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let (id, r) = altered_case(&k, 28, DocType::Diploma, 2);
    let alt = check_of(&r, "altered_original");
    assert_eq!(alt["status"], "unknown", "{id}: {alt:#}");
    let detail = alt["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("paper on a text line") && detail.contains("Giỏi"),
        "{id}: the retyped line is named: {alt:#}"
    );
    assert!(
        detail.contains("page-wide"),
        "{id}: the page-wide figure is kept: {alt:#}"
    );
    assert_eq!(r["decision"], "flag", "{id}: {r:#}");
    assert!(
        reasons(&r).contains(&"altered_original".to_owned()),
        "{id}: {r:#}"
    );
    let case = db
        .registry()
        .get_case(r["case_id"].as_str().expect("id"))
        .expect("case");
    assert_eq!(case.state, truecopy_domain::CaseState::Flagged, "{id}");
}

#[test]
fn a_birth_certificate_registered_before_the_birth_it_records_goes_to_an_officer() {
    // s84-birth-altered-2 (`scripts/score.py` on seeds 81–88, 2026-12-07): the date of birth
    // retyped a year later, after the registration date; the line in words, which would
    // contradict it, reads as garbage, and the page passed every image check: it was issued.
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let (id, r) = altered_case(&k, 84, DocType::BirthCertificate, 1);
    let alt = check_of(&r, "altered_original");
    assert_eq!(alt["status"], "unknown", "{id}: {alt:#}");
    assert!(
        alt["detail"]
            .as_str()
            .is_some_and(|d| d.contains("before the date of birth")),
        "{id}: {alt:#}"
    );
    assert_eq!(r["decision"], "flag", "{id}: {r:#}");
}

#[test]
fn a_birth_certificate_value_retyped_in_regular_type_goes_to_an_officer() {
    // s88-birth-altered-1 (`scripts/score.py` on seeds 81–88, 2026-12-07): the registration
    // date retyped later, still after the birth, in a regular font where the form prints it
    // bold; every image check passed and no date contradicts it: it was issued.
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let (id, r) = altered_case(&k, 88, DocType::BirthCertificate, 0);
    let alt = check_of(&r, "altered_original");
    assert_eq!(alt["status"], "unknown", "{id}: {alt:#}");
    let detail = alt["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("printed lighter") && detail.contains("registration_date"),
        "{id}: {alt:#}"
    );
    // The other values keep the form's bold: only the retyped one is named.
    for other in ["full_name", "date_of_birth", "father_name", "mother_name"] {
        assert!(!detail.contains(&format!("{other},")), "{id}: {alt:#}");
    }
    assert_eq!(r["decision"], "flag", "{id}: {r:#}");
}

#[test]
fn a_patch_seen_on_a_cut_off_scan_is_not_refused_in_writing() {
    // s91-decision-unreadable-1 (`scripts/score.py` on seeds 91–93, 2026-12-07): the page lay
    // 43 % off the scanner's glass; the inspection saw a flat patch near the cut and the
    // citizen got a written refusal for alteration instead of a request to scan again.
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let (id, r) = specimen_case(&k, 91, DocType::Decision, Variant::Unreadable, 0);
    assert_eq!(check_of(&r, "low_quality")["status"], "fail", "{id}: {r:#}");
    let alt = check_of(&r, "altered_original");
    assert_ne!(
        alt["status"], "pass",
        "{id}: the inspection sees no patch on this page now; pick a case where it does: {alt:#}"
    );
    assert_eq!(alt["status"], "unknown", "{id}: {alt:#}");
    assert!(
        alt["detail"]
            .as_str()
            .is_some_and(|d| d.contains("too poor to refuse on")),
        "{id}: {alt:#}"
    );
    assert_eq!(r["decision"], "flag", "{id}: {r:#}");
    assert!(
        reasons(&r).contains(&"low_quality".to_owned()),
        "{id}: {r:#}"
    );
}

#[test]
fn a_card_field_ocr_cannot_read_is_not_taken_to_agree_with_the_mrz() {
    // s72-cccd-altered-1 (2026-12-07): its expiry date retyped in a font OCR does not read;
    // the card was issued, the unread date never compared with the MRZ's. An officer compares.
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let (id, r) = altered_card(&k, 72);
    assert!(
        r["fields"].get("expiry_date").is_none(),
        "{id}: OCR reads the date now; pick a case it does not: {r:#}"
    );
    let mrz = check_of(&r, "mrz_visual_mismatch");
    assert_eq!(mrz["status"], "unknown", "{id}: {mrz:#}");
    assert!(
        mrz["detail"]
            .as_str()
            .is_some_and(|d| d.contains("expiry_date")),
        "{id}: {mrz:#}"
    );
    assert_eq!(r["decision"], "flag", "{id}: {r:#}");
}

#[test]
fn another_persons_face_and_no_face_go_to_an_officer() {
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let cases = specimens(
        &k.path().join("spec"),
        DocType::CitizenId,
        &[Variant::FaceMismatch, Variant::NoFace],
        13,
    );
    let mut seen = Vec::new();
    for c in &cases {
        let r = json(&k.process(c, &[]));
        assert_eq!(r["decision"], "flag", "{r:#}");
        assert!(r["copy"].is_null());
        seen.extend(reasons(&r));
        let mut reg = db.registry();
        let case = reg
            .get_case(r["case_id"].as_str().expect("id"))
            .expect("case");
        assert_eq!(case.state, truecopy_domain::CaseState::Flagged);
    }
    assert!(seen.contains(&"face_mismatch".to_owned()), "{seen:?}");
    assert!(seen.contains(&"face_not_found".to_owned()), "{seen:?}");
}

#[test]
fn bad_input_gets_a_clear_error_and_writes_nothing() {
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let cases = specimens(
        &k.path().join("spec"),
        DocType::Diploma,
        &[Variant::Valid],
        14,
    );
    let good = common::pages_of(&cases[0]).remove(0);
    let bytes = std::fs::read(&good).expect("page");
    let truncated = k.path().join("truncated.jpg");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).expect("write");
    let empty = k.path().join("empty.jpg");
    std::fs::write(&empty, b"").expect("write");
    let text = k.path().join("notes.jpg");
    std::fs::write(&text, b"this is not an image").expect("write");
    // A valid PNG header claiming 100000 x 100000 pixels (a decompression bomb).
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut huge = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    huge.extend_from_slice(&ihdr);
    huge.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let huge_path = k.path().join("huge.png");
    std::fs::write(&huge_path, &huge).expect("write");

    let before = db.registry().audit_len().expect("audit");
    let run = |args: &[&std::path::Path]| {
        let mut c = k.cmd();
        c.args(["process", "--json"]);
        for a in args {
            c.arg(a);
        }
        c.output().expect("run")
    };
    for (args, needle) in [
        (vec![], "no pages"),
        (vec![truncated.as_path()], "truncated"),
        (vec![empty.as_path()], "empty"),
        (vec![text.as_path()], "not a JPEG or PNG"),
        (vec![huge_path.as_path()], "20000 px"),
    ] {
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected {needle:?} in {err}"
        );
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
    let mut c = k.cmd();
    let o = c
        .args(["process", "--email", "not an address"])
        .arg(&good)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--email"));
    assert_eq!(
        db.registry().audit_len().expect("audit"),
        before,
        "nothing written"
    );
    assert!(
        db.registry()
            .list_cases(None, 10)
            .expect("cases")
            .is_empty()
    );

    // A 0-byte selfie is not an error: the session is decided, with the reason.
    let zero = k.path().join("selfie0.jpg");
    std::fs::write(&zero, b"").expect("write");
    let mut c = k.cmd();
    let o = c
        .args(["process", "--json", "--selfie"])
        .arg(&zero)
        .arg(&good)
        .output()
        .expect("run");
    let r = json(&o);
    assert_eq!(r["decision"], "flag", "{r:#}");
    assert!(reasons(&r).contains(&"face_not_found".to_owned()), "{r:#}");
}

/// CRC-32 (ISO 3309, as PNG uses), bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn an_issued_copy_is_emailed_through_a_real_smtp_server() {
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let sink = truecopy_tests::smtp::SmtpSink::start(&k.path().join("mail"));
    let cases = specimens(
        &k.path().join("spec"),
        DocType::CitizenId,
        &[Variant::Valid],
        11,
    );
    let mut c = k.cmd();
    c.env("TRUECOPY_MAIL__PORT", sink.port.to_string())
        .args([
            "process",
            "--json",
            "--email",
            "citizen@example.vn",
            "--out",
        ])
        .arg(k.path().join("out"))
        .arg("--selfie")
        .arg(cases[0].join("selfie.jpg"));
    for p in common::pages_of(&cases[0]) {
        c.arg(p);
    }
    let r = json(&c.output().expect("run"));
    assert_eq!(r["decision"], "issue", "{r:#}");
    assert_eq!(r["email"]["sent"], true, "{r:#}");
    let msgs = sink.messages();
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].contains("citizen@example.vn"));
    assert!(
        msgs[0].contains("/r/"),
        "the message carries the retrieval link: {}",
        msgs[0]
    );
    let code =
        truecopy_domain::IdCode::parse(r["copy"]["code"].as_str().expect("code")).expect("code");
    let links = db.registry().email_links_of_copy(&code).expect("links");
    assert_eq!(links.len(), 1);
    assert!(links[0].sent_at.is_some(), "the link is recorded as sent");
}

/// The faces the engine compared are kept with the case for the officer's console: small
/// JPEGs in the blob store, their keys with the checks; a side without a face has none.
#[test]
fn the_faces_compared_are_stored_with_the_case() {
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let cases = specimens(
        &k.path().join("spec"),
        DocType::CitizenId,
        &[Variant::FaceMismatch, Variant::NoFace],
        15,
    );
    let blob = |key: &str| {
        let path = k
            .path()
            .join("data/blobs/sha256")
            .join(&key[0..2])
            .join(&key[2..4])
            .join(key);
        std::fs::read(&path).unwrap_or_else(|e| panic!("blob {}: {e}", path.display()))
    };
    let decode = |key: &str| {
        let bytes = blob(key);
        assert_eq!(
            image::guess_format(&bytes).expect("format"),
            image::ImageFormat::Jpeg
        );
        let img = image::load_from_memory(&bytes).expect("the crop decodes");
        let (w, h) = (img.width(), img.height());
        assert!(h <= 256 && w <= 256, "small: {w}×{h}");
        assert!(h >= 32 && w >= 32, "a face, not a speck: {w}×{h}");
        let aspect = w as f32 / h as f32;
        assert!((0.5..=1.6).contains(&aspect), "a face's shape: {w}×{h}");
        (bytes.len(), img)
    };
    for (c, selfie_face) in cases.iter().zip([true, false]) {
        let o = k.process(c, &[]);
        let r = json(&o);
        let case = db
            .registry()
            .get_case(r["case_id"].as_str().expect("id"))
            .expect("case");
        let crops = case.face_crops();
        let portrait = crops
            .portrait
            .as_deref()
            .expect("the card's portrait is stored");
        let (n, _) = decode(portrait);
        assert!(n < 60_000, "{n} bytes");
        assert_eq!(crops.selfie.is_some(), selfie_face, "{crops:?} {r:#}");
        if let Some(s) = &crops.selfie {
            assert_ne!(s, portrait);
            let (n, _) = decode(s);
            assert!(n < 60_000, "{n} bytes");
            // The crop, not the whole frame (which is stored as the selfie blob).
            assert_ne!(Some(s), case.selfie_blob.as_ref());
        }
        // Personal data stays out of what the kiosk prints.
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!out.contains(portrait), "{out}");
    }
}

#[test]
fn a_card_delivered_back_first_is_read_from_its_front() {
    // A hot folder lists back.jpg before front.jpg: the portrait is still found on the front,
    // and the case (and so the copy) keeps the front first.
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let cases = specimens(
        &k.path().join("spec"),
        DocType::CitizenId,
        &[Variant::Valid],
        21,
    );
    let front = cases[0].join("front.jpg");
    // The back scanned finer than the front: each page's density must follow it into the case.
    let back = k.path().join("back.jpg");
    let b = image::open(cases[0].join("back.jpg")).expect("back");
    b.resize(
        b.width() * 5 / 4,
        b.height() * 5 / 4,
        image::imageops::FilterType::Triangle,
    )
    .to_rgb8()
    .save(&back)
    .expect("saved");
    let o = k
        .cmd()
        .args(["process", "--json", "--out"])
        .arg(k.path().join("out"))
        .arg("--selfie")
        .arg(cases[0].join("selfie.jpg"))
        .arg(&back)
        .arg(&front)
        .output()
        .expect("run kiosk-agent");
    let r = json(&o);
    assert_eq!(r["face"]["portrait_detected"], true, "{r:#}");
    assert_eq!(r["decision"], "issue", "{r:#}");
    let case = db
        .registry()
        .get_case(r["case_id"].as_str().expect("id"))
        .expect("case");
    let sha = |p: &std::path::Path| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(p).expect("page")))
    };
    let stored: Vec<&str> = case.pages.iter().map(|p| p.sha256.as_str()).collect();
    assert_eq!(stored, [sha(&front), sha(&back)], "front first");
    let dpi = case.checks["details"]["page_dpi"]
        .as_array()
        .expect("page_dpi");
    let d = |k: usize| dpi[k].as_f64().expect("measured density");
    assert!(
        d(0) < d(1),
        "the front's density first, then the back's: {dpi:?}"
    );
}

#[test]
fn a_card_number_the_page_reading_garbles_is_read_again_from_its_box() {
    // On these three cards (fixed seed and date) the page's reading loses or garbles one digit
    // of the large bold number ("001…" read "01…", "0" read "("); the number's box is read
    // again and the card is not sent to an officer for an unread number.
    let dir = tempfile::tempdir().expect("tmp");
    let opts = truecopy_specimens::GenerateOptions {
        seed: 23,
        types: vec![DocType::CitizenId],
        variants: vec![Variant::Valid],
        repeat: 3,
        today: time::macros::date!(2026 - 12 - 03),
        photos_dir: common::tools().join("photos"),
        dpi_scale: 1.0,
    };
    let cases = truecopy_specimens::generate(dir.path(), &opts).expect("specimens");
    assert!(
        std::env::var_os("OMP_THREAD_LIMIT").is_some(),
        "set OMP_THREAD_LIMIT=1 (make test does)"
    );
    let mut ocr = truecopy_ocr::OcrEngine::new(&truecopy_ocr::OcrConfig::default())
        .expect("tesseract with vie+eng");
    let mut read_again = 0;
    for c in &cases {
        let pages: Vec<image::RgbImage> = c
            .files
            .pages
            .iter()
            .map(|p| {
                image::open(dir.path().join(&c.case_id).join(p))
                    .expect("page")
                    .to_rgb8()
            })
            .collect();
        let r = ocr.read(&pages).expect("read");
        assert_eq!(
            r.fields.get("id_number"),
            c.fields.get("id_number"),
            "{}: {:?}",
            c.case_id,
            r.page_text
        );
        read_again += usize::from(r.timings_ms.contains_key("ocr_id_number"));
    }
    assert!(
        read_again > 0,
        "the page's reading got every number right: this test no longer exercises the second \
         reading; choose a seed where it does (scripts/score.py on generated specimens)"
    );
}

#[test]
fn specimen_pages_the_flat_patch_check_once_misjudged_are_judged_right() {
    // Found on seeds 21–58 (`inspect_corpus`, 2026-12-07): two valid diplomas whose red bold
    // heading was refused as a flat correction patch, and altered pages whose patch, fitted
    // tightly around the retyped value on a skewed scan, passed. Then (2026-12-07, seeds 21–58)
    // three valid pages whose paper was a few levels off in one line's box, its fibres and
    // printed pattern all there, referred as a possible patch (fluid would have hidden them).
    // Fixed seed and date: the same pages every run.
    use truecopy_inspect::{Finding, PageKind, inspect_page};
    let cases = [
        (54, DocType::Diploma, Variant::Valid, 1),
        (55, DocType::Diploma, Variant::Valid, 2),
        (26, DocType::Diploma, Variant::Valid, 0),
        (31, DocType::BirthCertificate, Variant::Valid, 2),
        (49, DocType::BirthCertificate, Variant::Valid, 0),
        (24, DocType::BirthCertificate, Variant::Altered, 0),
        (25, DocType::Diploma, Variant::Altered, 2),
        (27, DocType::BirthCertificate, Variant::Altered, 0),
        (32, DocType::BirthCertificate, Variant::Altered, 2),
        (48, DocType::BirthCertificate, Variant::Altered, 0),
        (51, DocType::BirthCertificate, Variant::Altered, 1),
    ];
    let tools = common::tools();
    for (seed, t, v, n) in cases {
        let opts = truecopy_specimens::GenerateOptions {
            seed,
            types: vec![t],
            variants: vec![v],
            repeat: n + 1,
            today: time::macros::date!(2026 - 12 - 03),
            photos_dir: tools.join("photos"),
            dpi_scale: 1.0,
        };
        let c = truecopy_specimens::render_case(&opts, t, v, n).expect("specimen");
        let (name, jpeg) = &c.pages[0];
        let page = image::load_from_memory(jpeg).expect("page").to_rgb8();
        let r = inspect_page(&page, PageKind::A4Page);
        let what = format!(
            "{} {name}: {:?} {}",
            c.case.case_id, r.alteration.finding, r.alteration.detail
        );
        if v == Variant::Valid {
            assert_eq!(r.alteration.finding, Finding::Pass, "{what}");
        } else {
            assert_ne!(r.alteration.finding, Finding::Pass, "{what}");
        }
    }
}
