//! Signing and verification, checked against validators nobody here wrote: pdfsig
//! (poppler/NSS), pyHanko and `qpdf --check`.

mod common;

use std::path::PathBuf;

use common::{CENTER, KEYWORDS, OFFICER_NAME, Pki, make_pdf, pdfsig, pyhanko, qpdf_check, write};
use time::OffsetDateTime;
use time::macros::datetime;
use truecopy_pades::{PadesError, PdfReport, SignOptions, TrustStore, sign_pdf, verify_pdf};
use truecopy_seal::{Reason, Verdict, load_certificate_pem};

fn signing_time() -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7))
}

fn seal_opts() -> SignOptions {
    SignOptions {
        field_name: "seal".into(),
        signing_time: signing_time(),
        name: Some(CENTER.into()),
        reason: Some("Chứng thực bản sao từ bản chính".into()),
        location: Some("Hà Nội".into()),
        contact: None,
        ..SignOptions::default()
    }
}

fn officer_opts() -> SignOptions {
    SignOptions {
        field_name: "officer".into(),
        signing_time: signing_time(),
        name: Some(OFFICER_NAME.into()),
        reason: Some("Người thực hiện chứng thực".into()),
        ..SignOptions::default()
    }
}

fn trust(pki: &Pki) -> TrustStore {
    TrustStore::from_pem_files(&[pki.ca()]).expect("trust store")
}

fn verify(bytes: &[u8], pki: &Pki) -> PdfReport {
    let report = verify_pdf(bytes, &trust(pki), OffsetDateTime::now_utc());
    // The report always serializes.
    serde_json::to_string(&report).expect("report serializes");
    report
}

fn seal_signed(pki: &Pki) -> (Vec<u8>, Vec<u8>) {
    let pdf = make_pdf(50_000);
    let signed = sign_pdf(&pdf, &pki.seal(), &seal_opts()).expect("sign");
    (pdf, signed)
}

/// Shows a validator's output when run with `--nocapture`.
fn show(tool: &str, code: i32, out: &str) {
    eprintln!("----- {tool} (exit {code})\n{out}");
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn seal_signature_is_valid_for_every_validator() {
    let pki = Pki::new();
    let (pdf, signed) = seal_signed(&pki);
    assert_eq!(
        &signed[..pdf.len()],
        &pdf[..],
        "input bytes are kept as they are"
    );
    let file = write(pki.dir.path(), "seal.pdf", &signed);

    let (code, out) = qpdf_check(&file);
    show("qpdf_check", code, &out);
    assert!(
        code == 0 && out.contains("No syntax or stream encoding errors found"),
        "qpdf: {out}"
    );
    let (code, out) = pdfsig(&pki, &file);
    show("pdfsig", code, &out);
    assert!(out.contains("Signature is Valid."), "pdfsig: {out}");
    assert!(out.contains("Certificate is Trusted."), "pdfsig: {out}");
    assert!(out.contains("ETSI.CAdES.detached"), "pdfsig: {out}");
    assert!(out.contains("Total document signed"), "pdfsig: {out}");
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert!(
        code == 0 && out.contains("judged VALID"),
        "pyHanko ({code}): {out}"
    );

    let report = verify(&signed, &pki);
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert!(report.reasons.is_empty());
    assert_eq!(report.revisions, 2);
    assert_eq!(report.info_keywords.as_deref(), Some(KEYWORDS));
    assert_eq!(report.signatures.len(), 1);
    let s = &report.signatures[0];
    assert_eq!(s.field, "seal");
    assert_eq!(s.signer_subject, CENTER);
    assert_eq!(s.signer_organization.as_deref(), Some(CENTER));
    let seal_cert = std::fs::read_to_string(pki.path("seal.cert.pem")).unwrap();
    let (_, der) = der_of_pem(&seal_cert);
    assert_eq!(
        s.signer_cert_sha256,
        truecopy_seal::certificate_fingerprint_sha256(&der)
    );
    assert_eq!(s.chain.len(), 2, "{:?}", s.chain);
    assert!(s.chain[1].contains("truecopy DEV Root CA"), "{:?}", s.chain);
    assert!(s.trusted && s.intact && s.covers_revision);
    assert!(s.modified_after.is_empty());
    let t = s.signing_time.as_deref().expect("signing time");
    assert!(t.ends_with("+07:00"), "{t}");
}

fn der_of_pem(pem: &str) -> (String, Vec<u8>) {
    let (label, der) = der::pem::decode_vec(pem.as_bytes()).expect("pem");
    (label.to_string(), der)
}

#[test]
fn seal_then_officer_both_valid() {
    let pki = Pki::new();
    let (_, sealed) = seal_signed(&pki);
    let both = sign_pdf(&sealed, &pki.officer(), &officer_opts()).expect("officer signs");
    assert_eq!(&both[..sealed.len()], &sealed[..]);
    let file = write(pki.dir.path(), "both.pdf", &both);

    let (code, out) = qpdf_check(&file);
    show("qpdf_check", code, &out);
    assert!(
        code == 0 && out.contains("No syntax or stream encoding errors found"),
        "qpdf: {out}"
    );
    let (code, out) = pdfsig(&pki, &file);
    show("pdfsig", code, &out);
    assert_eq!(count(&out, "Signature is Valid."), 2, "pdfsig: {out}");
    assert_eq!(count(&out, "Certificate is Trusted."), 2, "pdfsig: {out}");
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert_eq!(code, 0, "pyHanko: {out}");
    assert_eq!(count(&out, "judged VALID"), 2, "pyHanko: {out}");
    assert!(!out.contains("INVALID"), "pyHanko: {out}");
    assert!(
        out.contains("All modifications relate to signing and form filling operations"),
        "pyHanko sees the officer's update as an acceptable modification: {out}"
    );

    let report = verify(&both, &pki);
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(report.revisions, 3);
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(report.signatures[0].field, "seal");
    assert_eq!(report.signatures[1].field, "officer");
    assert_eq!(report.signatures[1].signer_subject, OFFICER_NAME);
    assert_eq!(
        report.signatures[1].signer_organization.as_deref(),
        Some(CENTER)
    );
    for s in &report.signatures {
        assert!(s.intact && s.trusted && s.covers_revision, "{s:#?}");
        assert!(s.modified_after.is_empty(), "{s:#?}");
    }
    assert_eq!(report.info_keywords.as_deref(), Some(KEYWORDS));

    // The same field name twice is refused.
    let Err(err) = sign_pdf(&both, &pki.seal(), &seal_opts()) else {
        panic!("duplicate field name accepted")
    };
    assert!(matches!(err, PadesError::FieldExists(_)), "{err}");
}

#[test]
fn flipped_byte_is_a_digest_mismatch() {
    let pki = Pki::new();
    let (_, signed) = seal_signed(&pki);
    let mut bad = signed.clone();
    let at = find(&bad, b"Page 1 original").expect("page text");
    bad[at + 5] = b'7';
    let file = write(pki.dir.path(), "tampered.pdf", &bad);

    let (code, out) = pdfsig(&pki, &file);
    show("pdfsig", code, &out);
    assert!(out.contains("Digest Mismatch."), "pdfsig: {out}");
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert!(
        code != 0 && out.contains("INVALID"),
        "pyHanko ({code}): {out}"
    );

    let report = verify(&bad, &pki);
    assert_eq!(report.verdict, Verdict::Failed);
    assert!(
        report.reasons.contains(&Reason::DigestMismatch),
        "{report:#?}"
    );
    assert!(!report.signatures[0].intact);
}

/// Facts about the latest revision of a file, read with lopdf.
struct Latest {
    size: u32,
    root: (u32, u16),
    info: Option<(u32, u16)>,
    startxref: usize,
    page1: (u32, u16),
    page1_contents: (u32, u16),
}

fn latest(bytes: &[u8]) -> Latest {
    let doc = lopdf::Document::load_mem(bytes).expect("lopdf reads the file");
    let page1 = *doc.get_pages().get(&1).expect("page 1");
    let page = doc.get_dictionary(page1).unwrap();
    let text = String::from_utf8_lossy(&bytes[bytes.len() - 64..]).into_owned();
    let startxref = text.rsplit("startxref").next().unwrap();
    Latest {
        size: doc.trailer.get(b"Size").unwrap().as_i64().unwrap() as u32,
        root: doc.trailer.get(b"Root").unwrap().as_reference().unwrap(),
        info: doc
            .trailer
            .get(b"Info")
            .ok()
            .and_then(|i| i.as_reference().ok()),
        startxref: startxref
            .trim()
            .trim_end_matches("%%EOF")
            .trim()
            .parse()
            .unwrap(),
        page1,
        page1_contents: page.get(b"Contents").unwrap().as_reference().unwrap(),
    }
}

/// The latest text of object `id` (from `N G obj` to just before `endobj`).
fn object_text(bytes: &[u8], id: (u32, u16)) -> String {
    let text = String::from_utf8_lossy(bytes);
    let header = format!("\n{} {} obj\n", id.0, id.1);
    let start = text.rfind(&header).expect("object") + 1;
    let end = start + text[start..].find("endobj").unwrap();
    text[start..end].to_string()
}

/// Appends an incremental update with these objects (full `N G obj ... ` text without
/// `endobj`), a classic xref section and a trailer chained with /Prev.
fn append_update(bytes: &[u8], objects: &[((u32, u16), String)]) -> Vec<u8> {
    let l = latest(bytes);
    let mut out = bytes.to_vec();
    let mut offsets = Vec::new();
    for (id, text) in objects {
        offsets.push((*id, out.len()));
        out.extend_from_slice(text.as_bytes());
        out.extend_from_slice(b"endobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    let mut size = l.size;
    for ((num, gen_), off) in offsets {
        out.extend_from_slice(format!("{num} 1\n{off:010} {gen_:05} n\r\n").as_bytes());
        size = size.max(num + 1);
    }
    let info = l
        .info
        .map(|(n, g)| format!(" /Info {n} {g} R"))
        .unwrap_or_default();
    out.extend_from_slice(
        format!(
            "trailer\n<</Size {size} /Root {} {} R{info} /Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            l.root.0, l.root.1, l.startxref
        )
        .as_bytes(),
    );
    out
}

/// Appends an incremental update replacing page 1's content stream.
fn replace_page_content(signed: &[u8]) -> Vec<u8> {
    let l = latest(signed);
    let content = "BT /F1 24 Tf 72 720 Td (Page 1 FORGED) Tj ET";
    let stream = format!(
        "{} 0 obj\n<</Length {}>>\nstream\n{content}\nendstream\n",
        l.size,
        content.len()
    );
    let page = object_text(signed, l.page1).replace(
        &format!("/Contents {} {} R", l.page1_contents.0, l.page1_contents.1),
        &format!("/Contents {} 0 R", l.size),
    );
    assert!(
        page.contains(&format!("/Contents {} 0 R", l.size)),
        "{page}"
    );
    append_update(signed, &[((l.size, 0), stream), (l.page1, page)])
}

#[test]
fn page_content_replaced_after_signing_is_detected() {
    let pki = Pki::new();
    let (_, signed) = seal_signed(&pki);
    let forged = replace_page_content(&signed);
    let file = write(pki.dir.path(), "forged.pdf", &forged);

    let (code, out) = qpdf_check(&file);
    show("qpdf_check", code, &out);
    assert!(
        code == 0,
        "the forged file is a well-formed PDF (qpdf): {out}"
    );
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert!(
        code != 0 && out.contains("judged INVALID") && out.contains("incompatible"),
        "pyHanko should reject the change ({code}): {out}"
    );

    let report = verify(&forged, &pki);
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert!(
        report.reasons.contains(&Reason::ModifiedAfterSigning),
        "{report:#?}"
    );
    let s = &report.signatures[0];
    assert!(s.intact, "the signed revision itself is intact");
    assert!(s.covers_revision);
    assert!(
        s.modified_after.iter().any(|m| m.contains("/Contents")),
        "{:?}",
        s.modified_after
    );
}

#[test]
fn untrusted_signer_is_indeterminate() {
    let pki = Pki::new();
    let other = Pki::new();
    let signed = sign_pdf(&make_pdf(0), &other.seal(), &seal_opts()).unwrap();
    let report = verify(&signed, &pki);
    assert_eq!(report.verdict, Verdict::Indeterminate, "{report:#?}");
    assert_eq!(report.reasons, vec![Reason::UntrustedSigner]);
    assert!(!report.signatures[0].trusted);
    assert!(report.signatures[0].intact);
    // Trusting the other CA as well makes it pass.
    let both = TrustStore::from_pem_files(&[pki.ca(), other.ca()]).unwrap();
    let report = verify_pdf(&signed, &both, OffsetDateTime::now_utc());
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
}

#[test]
fn expired_certificate_at_signing_time() {
    let pki = Pki::new();
    let mut opts = seal_opts();
    opts.signing_time = datetime!(2001-01-01 0:00 UTC);
    let signed = sign_pdf(&make_pdf(0), &pki.seal(), &opts).unwrap();
    let report = verify(&signed, &pki);
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert_eq!(report.reasons, vec![Reason::CertificateExpired]);
}

#[test]
fn not_a_pdf_never_panics() {
    let pki = Pki::new();
    let trust = trust(&pki);
    let now = OffsetDateTime::now_utc();
    for input in [
        &b""[..],
        b"hello world",
        b"%PDF-1.7\n",
        b"%PDF-1.7\nstartxref\n999999\n%%EOF",
        &[0u8; 4096],
    ] {
        let report = verify_pdf(input, &trust, now);
        assert_eq!(report.reasons, vec![Reason::NotAPdf], "{input:?}");
        assert_eq!(report.verdict, Verdict::Failed);
    }
    // Every truncation and many single-byte corruptions of a signed file: no panic.
    let (_, signed) = seal_signed(&pki);
    let step = (signed.len() / 300).max(1);
    for cut in (0..signed.len()).step_by(step) {
        let report = verify_pdf(&signed[..cut], &trust, now);
        assert_ne!(report.verdict, Verdict::Passed, "truncated at {cut}");
    }
    let tail = signed.len().saturating_sub(20_000);
    for at in (tail..signed.len()).step_by(7) {
        let mut bad = signed.clone();
        bad[at] ^= 0x5a;
        let _ = verify_pdf(&bad, &trust, now);
    }
    // Random mutations anywhere, biased towards PDF syntax bytes (deterministic LCG).
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let syntax = b"<>[]()/0123456789 \nRobjendstreamxref%";
    for _ in 0..1500 {
        let mut bad = signed.clone();
        for _ in 0..1 + next() % 4 {
            let at = next() % bad.len();
            bad[at] = syntax[next() % syntax.len()];
        }
        let report = verify_pdf(&bad, &trust, now);
        serde_json::to_string(&report).unwrap();
    }
    // Too large.
    let huge = vec![b' '; truecopy_pades::MAX_PDF_SIZE + 1];
    assert_eq!(
        verify_pdf(&huge, &trust, now).reasons,
        vec![Reason::TooLarge]
    );
}

#[test]
fn unsigned_pdf_is_not_signed() {
    let pki = Pki::new();
    let report = verify(&make_pdf(0), &pki);
    assert_eq!(report.reasons, vec![Reason::NotSigned]);
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(report.info_keywords.as_deref(), Some(KEYWORDS));
}

#[test]
fn xref_stream_input_is_refused() {
    let pki = Pki::new();
    let pdf = common::make_pdf_xref_stream();
    let Err(err) = sign_pdf(&pdf, &pki.seal(), &seal_opts()) else {
        panic!("xref stream input accepted")
    };
    assert!(matches!(err, PadesError::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("cross-reference stream"), "{err}");
}

#[test]
fn bad_options_are_refused() {
    let pki = Pki::new();
    let pdf = make_pdf(0);
    for name in ["", "a.b", "x\ny"] {
        let Err(err) = sign_pdf(&pdf, &pki.seal(), &SignOptions::new(name)) else {
            panic!("field name {name:?} accepted")
        };
        assert!(matches!(err, PadesError::InvalidOption(_)), "{err}");
    }
    // Leaf + CA certificate in the CMS: well over the minimum reserve of 1024 bytes.
    let ca_der = der_of_pem(&std::fs::read_to_string(pki.ca()).unwrap()).1;
    let signer = pki.seal().with_chain(vec![ca_der]);
    let mut opts = SignOptions::new("s");
    opts.reserve = 1024;
    let Err(err) = sign_pdf(&pdf, &signer, &opts) else {
        panic!("a 1024-byte reserve is too small for two certificates")
    };
    assert!(matches!(err, PadesError::ReserveTooSmall { .. }), "{err}");
    assert!(matches!(
        sign_pdf(b"not a pdf", &pki.seal(), &SignOptions::new("s")),
        Err(PadesError::NotAPdf(_))
    ));
}

#[test]
fn signer_certificate_loads_back() {
    // The seal certificate in the CMS is the one on disk.
    let pki = Pki::new();
    let cert = load_certificate_pem(pki.path("seal.cert.pem")).unwrap();
    let trust_store = TrustStore::from_certificates(vec![load_certificate_pem(pki.ca()).unwrap()]);
    let (_, signed) = seal_signed(&pki);
    let report = verify_pdf(&signed, &trust_store, OffsetDateTime::now_utc());
    assert_eq!(report.verdict, Verdict::Passed);
    let _ = cert;
    let _: PathBuf = pki.ca();
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A two-page PDF written by printpdf 0.12.8 (compressed streams, PDF 1.3 header), with the
/// keywords our renderer writes.
fn printpdf_document() -> Vec<u8> {
    use printpdf::{
        BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
        TextItem,
    };
    let mut doc = PdfDocument::new("Bản sao điện tử");
    doc.metadata.info.keywords = vec![KEYWORDS.to_string()];
    let page = |text: &str| {
        PdfPage::new(
            Mm(210.0),
            Mm(297.0),
            vec![
                Op::StartTextSection,
                Op::SetTextCursor {
                    pos: Point::new(Mm(20.0), Mm(270.0)),
                },
                Op::SetFont {
                    font: PdfFontHandle::Builtin(BuiltinFont::Helvetica),
                    size: Pt(18.0),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text.to_string())],
                },
                Op::EndTextSection,
            ],
        )
    };
    let mut warnings = Vec::new();
    doc.with_pages(vec![page("Trang 1"), page("Trang 2")])
        .save(&PdfSaveOptions::default(), &mut warnings)
}

#[test]
fn printpdf_output_signs_twice_and_validates() {
    let pki = Pki::new();
    let pdf = printpdf_document();
    let sealed = sign_pdf(&pdf, &pki.seal(), &seal_opts()).expect("seal signs printpdf output");
    let both = sign_pdf(&sealed, &pki.officer(), &officer_opts()).expect("officer signs");
    let file = write(pki.dir.path(), "printpdf.pdf", &both);

    let (code, out) = qpdf_check(&file);
    show("qpdf_check", code, &out);
    assert!(
        code == 0 && out.contains("No syntax or stream encoding errors found"),
        "qpdf: {out}"
    );
    let (code, out) = pdfsig(&pki, &file);
    show("pdfsig", code, &out);
    assert_eq!(count(&out, "Signature is Valid."), 2, "pdfsig: {out}");
    assert_eq!(count(&out, "Certificate is Trusted."), 2, "pdfsig: {out}");
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert!(
        code == 0 && count(&out, "judged VALID") == 2,
        "pyHanko ({code}): {out}"
    );

    let report = verify(&both, &pki);
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(report.info_keywords.as_deref(), Some(KEYWORDS));
}

#[test]
fn annotation_added_after_signing_is_detected() {
    // A visible "signature" widget laid over the page (shadow/overlay attack) is not what a
    // further hidden signature adds: the seal reports it.
    let pki = Pki::new();
    let (_, sealed) = seal_signed(&pki);
    let l = latest(&sealed);
    let annot = format!(
        "{} 0 obj\n<</Type /Annot /Subtype /FreeText /Rect [0 0 595 842] /Contents (FORGED) /DA (/Helv 40 Tf 0 g)>>\n",
        l.size
    );
    let page =
        object_text(&sealed, l.page1).replace("/Annots [", &format!("/Annots [{} 0 R ", l.size));
    let overlay = append_update(&sealed, &[((l.size, 0), annot), (l.page1, page)]);
    let file = write(pki.dir.path(), "overlay.pdf", &overlay);
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert!(
        code != 0 && out.contains("judged INVALID"),
        "pyHanko ({code}): {out}"
    );
    let report = verify(&overlay, &pki);
    assert_eq!(report.verdict, Verdict::Failed, "{report:#?}");
    assert_eq!(report.reasons, vec![Reason::ModifiedAfterSigning]);
    assert!(
        report.signatures[0]
            .modified_after
            .iter()
            .any(|m| m.contains("annotation added")),
        "{:?}",
        report.signatures[0].modified_after
    );
}

#[test]
fn rsa_signer_is_verified() {
    // An RSA-2048 certificate issued by the dev CA with the openssl CLI.
    let pki = Pki::new();
    let openssl = common::tool("/usr/bin/openssl", "openssl");
    let dir = pki.dir.path();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&openssl)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        "rsa.key.pem",
    ]);
    run(&[
        "req",
        "-new",
        "-key",
        "rsa.key.pem",
        "-subj",
        "/C=VN/O=RSA Test Org/CN=RSA Seal",
        "-out",
        "rsa.csr",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "keyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "rsa.csr",
        "-CA",
        "ca.cert.pem",
        "-CAkey",
        "ca.key.pem",
        "-CAcreateserial",
        "-days",
        "30",
        "-sha256",
        "-extfile",
        "ext.cnf",
        "-out",
        "rsa.cert.pem",
    ]);
    let signer = truecopy_seal::SoftwareSigner::from_pem_files(
        dir.join("rsa.key.pem"),
        dir.join("rsa.cert.pem"),
    )
    .expect("RSA signer");
    let signed = sign_pdf(&make_pdf(0), &signer, &seal_opts()).expect("RSA signs");
    let file = write(dir, "rsa.pdf", &signed);
    let (code, out) = pdfsig(&pki, &file);
    show("pdfsig", code, &out);
    assert!(
        out.contains("Signature is Valid.") && out.contains("Certificate is Trusted."),
        "pdfsig: {out}"
    );
    let (code, out) = pyhanko(&pki, &file);
    show("pyhanko", code, &out);
    assert!(code == 0 && out.contains("judged VALID"), "pyHanko: {out}");

    let report = verify(&signed, &pki);
    assert_eq!(report.verdict, Verdict::Passed, "{report:#?}");
    assert_eq!(report.signatures[0].signer_subject, "RSA Seal");
    assert_eq!(
        report.signatures[0].signer_organization.as_deref(),
        Some("RSA Test Org")
    );
}
