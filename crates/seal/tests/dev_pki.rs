//! Dev PKI and signer tests, checked independently with the `openssl` CLI.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use truecopy_seal::{
    DevPkiOptions, OfficerSpec, SealError, SignatureAlgorithm, Signer, SoftwareSigner,
    init_dev_pki, load_certificate_pem, load_private_key_pem, load_public_key_pem,
};

const CENTER: &str = "Trung tâm Phục vụ hành chính công thành phố Hà Nội";
const OFFICER_NAME: &str = "Nguyễn Thị Hương";
const OFFICER_TITLE: &str = "Công chức tư pháp - hộ tịch";
const PASS: &str = "mật khẩu đúng 123";

fn options(dir: &Path, force: bool) -> DevPkiOptions {
    DevPkiOptions {
        dir: dir.to_path_buf(),
        center_name: CENTER.to_string(),
        officers: vec![
            OfficerSpec {
                id: "huong".into(),
                full_name: OFFICER_NAME.into(),
                title: OFFICER_TITLE.into(),
                passphrase: PASS.into(),
            },
            OfficerSpec {
                id: "officer-2".into(),
                full_name: "Trần Văn Bình".into(),
                title: "Chuyên viên".into(),
                passphrase: "other-pass".into(),
            },
        ],
        force,
    }
}

/// Runs openssl; returns (success, stdout + stderr).
fn openssl(args: &[&str], cwd: &Path) -> (bool, String) {
    let out = Command::new("/usr/bin/openssl")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run openssl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut map = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                map.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    map
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    [
        "ca.cert.pem",
        "ca.key.pem",
        "seal.cert.pem",
        "seal.key.pem",
        "officers/huong.cert.pem",
        "officers/huong.key.pem",
        "officers/officer-2.cert.pem",
        "officers/officer-2.key.pem",
        "qr.key.pem",
        "qr.pub.pem",
        "token.key.pem",
        "token.pub.pem",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect()
}

fn sorted(mut v: Vec<PathBuf>) -> Vec<PathBuf> {
    v.sort();
    v
}

fn verify_with_openssl(dir: &Path, cert: &str, sig: &[u8], msg: &[u8]) -> (bool, String) {
    let work = tempfile::tempdir().unwrap();
    let pubkey = work.path().join("pub.pem");
    let (ok, out) = openssl(
        &[
            "x509",
            "-in",
            dir.join(cert).to_str().unwrap(),
            "-noout",
            "-pubkey",
            "-out",
            pubkey.to_str().unwrap(),
        ],
        work.path(),
    );
    assert!(ok, "{out}");
    fs::write(work.path().join("sig"), sig).unwrap();
    fs::write(work.path().join("msg"), msg).unwrap();
    openssl(
        &[
            "dgst",
            "-sha256",
            "-verify",
            "pub.pem",
            "-signature",
            "sig",
            "msg",
        ],
        work.path(),
    )
}

#[test]
fn creates_a_pki_that_openssl_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("keys/dev");
    let report = init_dev_pki(&options(&dir, false)).unwrap();
    assert_eq!(sorted(report.created), sorted(all_files(&dir)));
    assert!(report.kept.is_empty());

    for cert in [
        "seal.cert.pem",
        "officers/huong.cert.pem",
        "officers/officer-2.cert.pem",
    ] {
        let (ok, out) = openssl(
            &["verify", "-x509_strict", "-CAfile", "ca.cert.pem", cert],
            &dir,
        );
        assert!(ok && out.contains(&format!("{cert}: OK")), "{cert}: {out}");
    }

    // Vietnamese survives, as UTF8String.
    let (ok, subject) = openssl(
        &[
            "x509",
            "-in",
            "seal.cert.pem",
            "-noout",
            "-subject",
            "-nameopt",
            "utf8",
        ],
        &dir,
    );
    assert!(ok, "{subject}");
    assert!(subject.contains(&format!("CN={CENTER}")), "{subject}");
    assert!(subject.contains(&format!("O={CENTER}")), "{subject}");
    assert!(subject.contains("C=VN"), "{subject}");
    let (_, asn1) = openssl(&["asn1parse", "-in", "seal.cert.pem"], &dir);
    assert!(asn1.contains("UTF8STRING"), "{asn1}");
    assert!(
        asn1.contains("PRINTABLESTRING"),
        "country should be PrintableString: {asn1}"
    );

    let (_, officer) = openssl(
        &[
            "x509",
            "-in",
            "officers/huong.cert.pem",
            "-noout",
            "-subject",
            "-issuer",
            "-nameopt",
            "utf8",
        ],
        &dir,
    );
    assert!(officer.contains(&format!("CN={OFFICER_NAME}")), "{officer}");
    assert!(
        officer.contains(&format!("title={OFFICER_TITLE}")),
        "{officer}"
    );
    assert!(
        officer.contains("CN=truecopy DEV Root CA — NOT FOR PRODUCTION"),
        "{officer}"
    );

    let (_, ca_text) = openssl(&["x509", "-in", "ca.cert.pem", "-noout", "-text"], &dir);
    assert!(ca_text.contains("CA:TRUE"), "{ca_text}");
    assert!(ca_text.contains("Certificate Sign, CRL Sign"), "{ca_text}");
    assert!(ca_text.contains("prime256v1"), "{ca_text}");
    let (_, seal_text) = openssl(&["x509", "-in", "seal.cert.pem", "-noout", "-text"], &dir);
    assert!(
        seal_text.contains("Digital Signature, Non Repudiation"),
        "{seal_text}"
    );
    assert!(seal_text.contains("CA:FALSE"), "{seal_text}");
    assert!(seal_text.contains("ecdsa-with-SHA256"), "{seal_text}");

    // Validity: seal 5 years starting an hour ago, CA 10 years.
    let seal = load_certificate_pem(dir.join("seal.cert.pem")).unwrap();
    let v = &seal.tbs_certificate.validity;
    let nb = v.not_before.to_unix_duration().as_secs() as i64;
    let na = v.not_after.to_unix_duration().as_secs() as i64;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - 3700..=now - 3500).contains(&nb),
        "not before {nb} vs now {now}"
    );
    assert!(
        (na - nb - 5 * 365 * 86400).abs() < 3 * 86400,
        "5 years: {}",
        na - nb
    );
    let ca = load_certificate_pem(dir.join("ca.cert.pem")).unwrap();
    let v = &ca.tbs_certificate.validity;
    let years10 = v.not_after.to_unix_duration().as_secs() as i64
        - v.not_before.to_unix_duration().as_secs() as i64;
    assert!(
        (years10 - 10 * 365 * 86400).abs() < 4 * 86400,
        "10 years: {years10}"
    );
}

#[test]
fn software_signer_signature_verifies_with_openssl() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_dev_pki(&options(dir, false)).unwrap();

    let signer =
        SoftwareSigner::from_pem_files(dir.join("seal.key.pem"), dir.join("seal.cert.pem"))
            .unwrap();
    assert_eq!(signer.algorithm(), SignatureAlgorithm::EcdsaP256Sha256);
    assert!(signer.chain_der().is_empty());
    assert_eq!(
        signer.certificate_der(),
        pem_body(&fs::read_to_string(dir.join("seal.cert.pem")).unwrap())
    );
    let msg = "bản sao điện tử — signed attributes".as_bytes();
    let sig = signer.sign(msg).unwrap();
    let (ok, out) = verify_with_openssl(dir, "seal.cert.pem", &sig, msg);
    assert!(ok && out.contains("Verified OK"), "{out}");
    // And a tampered message fails, so the check above can fail.
    let (ok, out) = verify_with_openssl(dir, "seal.cert.pem", &sig, b"something else");
    assert!(!ok && out.contains("Verification failure"), "{out}");

    // Debug never shows key material.
    let debug = format!("{signer:?}");
    assert!(debug.contains("[redacted]"), "{debug}");
    let key_pem = fs::read_to_string(dir.join("seal.key.pem")).unwrap();
    let key_b64_line = key_pem.lines().nth(1).unwrap();
    assert!(!debug.contains(key_b64_line), "{debug}");

    // The signer is usable as a trait object across threads.
    let boxed: Box<dyn Signer> = Box::new(signer);
    std::thread::spawn(move || boxed.sign(b"x").unwrap())
        .join()
        .unwrap();
}

/// DER bytes of the first PEM block.
fn pem_body(pem: &str) -> Vec<u8> {
    let (_, der) = der::pem::decode_vec(pem.as_bytes()).unwrap();
    der
}

#[test]
fn officer_key_is_encrypted_under_the_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_dev_pki(&options(dir, false)).unwrap();
    let key = dir.join("officers/huong.key.pem");
    let cert = dir.join("officers/huong.cert.pem");

    let text = fs::read_to_string(&key).unwrap();
    assert!(
        text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{text}"
    );

    let signer = SoftwareSigner::from_encrypted_pem_files(&key, &cert, PASS).unwrap();
    let sig = signer.sign(b"officer").unwrap();
    let (ok, out) = verify_with_openssl(dir, "officers/huong.cert.pem", &sig, b"officer");
    assert!(ok && out.contains("Verified OK"), "{out}");

    let err = SoftwareSigner::from_encrypted_pem_files(&key, &cert, "zz-guess-42").unwrap_err();
    assert!(
        matches!(&err, SealError::WrongPassphrase { path } if *path == key),
        "{err:?}"
    );
    assert!(err.to_string().contains("huong.key.pem"), "{err}");
    assert!(
        !err.to_string().contains("zz-guess-42"),
        "passphrase leaked: {err}"
    );
    assert!(
        !format!("{err:?}").contains("zz-guess-42"),
        "passphrase leaked: {err:?}"
    );
    // The other officer's passphrase does not open it either.
    let err = SoftwareSigner::from_encrypted_pem_files(&key, &cert, "other-pass").unwrap_err();
    assert!(matches!(err, SealError::WrongPassphrase { .. }), "{err:?}");

    // The plain loader refuses an encrypted key with its own error.
    let err = SoftwareSigner::from_pem_files(&key, &cert).unwrap_err();
    assert!(matches!(err, SealError::KeyIsEncrypted { .. }), "{err:?}");

    // openssl decrypts it with the right passphrase (scrypt PBES2) and not with a wrong one.
    let pass_arg = format!("pass:{PASS}");
    let (ok, out) = openssl(
        &[
            "pkey",
            "-in",
            "officers/huong.key.pem",
            "-passin",
            &pass_arg,
            "-noout",
        ],
        dir,
    );
    assert!(ok, "openssl could not decrypt: {out}");
    let (ok, out) = openssl(
        &[
            "pkey",
            "-in",
            "officers/huong.key.pem",
            "-passin",
            "pass:wrong",
            "-noout",
        ],
        dir,
    );
    assert!(!ok, "openssl decrypted with a wrong passphrase: {out}");
    let (_, asn1) = openssl(&["asn1parse", "-in", "officers/huong.key.pem"], dir);
    assert!(
        asn1.contains("id-scrypt") || asn1.contains("scrypt"),
        "{asn1}"
    );
    assert!(asn1.contains("aes-256-cbc"), "{asn1}");
}

#[test]
fn rerun_keeps_every_file_and_force_regenerates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_dev_pki(&options(dir, false)).unwrap();
    let before = snapshot(dir);
    assert_eq!(before.len(), 12);

    let report = init_dev_pki(&options(dir, false)).unwrap();
    assert!(report.created.is_empty(), "{report:?}");
    assert_eq!(sorted(report.kept), sorted(all_files(dir)));
    assert_eq!(snapshot(dir), before);

    let report = init_dev_pki(&options(dir, true)).unwrap();
    assert_eq!(sorted(report.created), sorted(all_files(dir)));
    assert!(report.kept.is_empty());
    let after = snapshot(dir);
    assert_eq!(after.len(), 12);
    for (path, bytes) in &before {
        assert_ne!(
            after.get(path),
            Some(bytes),
            "{} not regenerated",
            path.display()
        );
    }
    let (ok, out) = openssl(&["verify", "-CAfile", "ca.cert.pem", "seal.cert.pem"], dir);
    assert!(ok, "{out}");
}

#[cfg(unix)]
#[test]
fn private_files_are_0600_and_dirs_0700() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("keys");
    init_dev_pki(&options(&dir, false)).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for f in all_files(&dir) {
        let expected = if f.to_string_lossy().ends_with(".key.pem") {
            0o600
        } else {
            0o644
        };
        assert_eq!(mode(&f), expected, "{}", f.display());
    }
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("officers")), 0o700);
    // force keeps the modes.
    init_dev_pki(&options(&dir, true)).unwrap();
    assert_eq!(mode(&dir.join("seal.key.pem")), 0o600);
    assert_eq!(mode(&dir.join("officers/huong.key.pem")), 0o600);
}

#[test]
fn missing_pieces_are_filled_in_with_the_existing_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_dev_pki(&options(dir, false)).unwrap();
    let before = snapshot(dir);

    fs::remove_file(dir.join("seal.cert.pem")).unwrap();
    fs::remove_file(dir.join("officers/huong.cert.pem")).unwrap();
    fs::remove_file(dir.join("qr.pub.pem")).unwrap();
    let report = init_dev_pki(&options(dir, false)).unwrap();
    assert_eq!(
        sorted(report.created),
        sorted(vec![
            dir.join("seal.cert.pem"),
            dir.join("officers/huong.cert.pem"),
            dir.join("qr.pub.pem"),
        ])
    );
    let after = snapshot(dir);
    for name in [
        "ca.cert.pem",
        "ca.key.pem",
        "seal.key.pem",
        "officers/huong.key.pem",
    ] {
        assert_eq!(
            after[&dir.join(name)],
            before[&dir.join(name)],
            "{name} changed"
        );
    }
    // Same public key files as before (derived from the kept private key).
    assert_eq!(
        after[&dir.join("qr.pub.pem")],
        before[&dir.join("qr.pub.pem")]
    );
    for cert in ["seal.cert.pem", "officers/huong.cert.pem"] {
        let (ok, out) = openssl(&["verify", "-CAfile", "ca.cert.pem", cert], dir);
        assert!(ok, "{cert}: {out}");
    }
    // The re-issued certificates still pair with the kept keys.
    SoftwareSigner::from_pem_files(dir.join("seal.key.pem"), dir.join("seal.cert.pem")).unwrap();
    SoftwareSigner::from_encrypted_pem_files(
        dir.join("officers/huong.key.pem"),
        dir.join("officers/huong.cert.pem"),
        PASS,
    )
    .unwrap();
}

#[test]
fn a_new_ca_reissues_leaf_certificates_for_the_same_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_dev_pki(&options(dir, false)).unwrap();
    let before = snapshot(dir);
    fs::remove_file(dir.join("ca.cert.pem")).unwrap();
    fs::remove_file(dir.join("ca.key.pem")).unwrap();

    let report = init_dev_pki(&options(dir, false)).unwrap();
    let created = sorted(report.created);
    for name in [
        "ca.cert.pem",
        "ca.key.pem",
        "seal.cert.pem",
        "officers/huong.cert.pem",
        "officers/officer-2.cert.pem",
    ] {
        assert!(
            created.contains(&dir.join(name)),
            "{name} not in {created:?}"
        );
    }
    assert_eq!(created.len(), 5, "{created:?}");
    let after = snapshot(dir);
    assert_eq!(
        after[&dir.join("seal.key.pem")],
        before[&dir.join("seal.key.pem")]
    );
    let (ok, out) = openssl(&["verify", "-CAfile", "ca.cert.pem", "seal.cert.pem"], dir);
    assert!(ok, "{out}");
    SoftwareSigner::from_pem_files(dir.join("seal.key.pem"), dir.join("seal.cert.pem")).unwrap();
}

#[test]
fn errors_name_the_file_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let missing = dir.join("keys/dev/seal.key.pem");
    let err = SoftwareSigner::from_pem_files(&missing, dir.join("seal.cert.pem")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, SealError::Read { .. }), "{err:?}");
    assert!(msg.contains(&missing.display().to_string()), "{msg}");
    assert!(msg.contains("console keys init"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");

    let err = load_public_key_pem(dir.join("nope.pub.pem")).unwrap_err();
    assert!(err.to_string().contains("nope.pub.pem"), "{err}");
    let err = load_certificate_pem(dir.join("nope.cert.pem")).unwrap_err();
    assert!(err.to_string().contains("cannot read certificate"), "{err}");

    init_dev_pki(&options(dir, false)).unwrap();
    // A key paired with someone else's certificate.
    let err = SoftwareSigner::from_pem_files(dir.join("qr.key.pem"), dir.join("seal.cert.pem"))
        .unwrap_err();
    assert!(matches!(err, SealError::KeyMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("qr.key.pem"), "{err}");

    // A certificate file given as a key.
    let err = SoftwareSigner::from_pem_files(dir.join("seal.cert.pem"), dir.join("seal.cert.pem"))
        .unwrap_err();
    assert!(err.to_string().contains("CERTIFICATE"), "{err}");

    // A certificate whose key is gone cannot be completed without --force.
    fs::remove_file(dir.join("seal.key.pem")).unwrap();
    let err = init_dev_pki(&options(dir, false)).unwrap_err();
    assert!(matches!(err, SealError::IncompletePair { .. }), "{err:?}");
    assert!(err.to_string().contains("seal.key.pem"), "{err}");
    init_dev_pki(&options(dir, true)).unwrap();

    // Bad options.
    let mut opts = options(dir, false);
    opts.officers[0].id = "../evil".into();
    assert!(matches!(
        init_dev_pki(&opts),
        Err(SealError::InvalidOption(_))
    ));
    let mut opts = options(dir, false);
    opts.officers[1].id = opts.officers[0].id.clone();
    assert!(matches!(
        init_dev_pki(&opts),
        Err(SealError::InvalidOption(_))
    ));
}

#[test]
fn qr_and_token_keys_are_es256_pem_pairs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_dev_pki(&options(dir, false)).unwrap();
    for name in ["qr", "token"] {
        let key = load_private_key_pem(dir.join(format!("{name}.key.pem"))).unwrap();
        let public = load_public_key_pem(dir.join(format!("{name}.pub.pem"))).unwrap();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{key}");
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"), "{public}");
        // openssl: P-256, and the public file is the private key's public half.
        let (_, text) = openssl(
            &["pkey", "-in", &format!("{name}.key.pem"), "-noout", "-text"],
            dir,
        );
        assert!(
            text.contains("prime256v1") || text.contains("P-256"),
            "{text}"
        );
        let (ok, derived) = openssl(&["pkey", "-in", &format!("{name}.key.pem"), "-pubout"], dir);
        assert!(ok, "{derived}");
        assert_eq!(derived.trim(), public.trim());
    }
    let err = load_public_key_pem(dir.join("qr.key.pem")).unwrap_err();
    assert!(err.to_string().contains("PRIVATE KEY"), "{err}");
    let err = load_private_key_pem(dir.join("officers/huong.key.pem")).unwrap_err();
    assert!(matches!(err, SealError::KeyIsEncrypted { .. }), "{err:?}");
}

#[test]
fn openssl_made_keys_load_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // RSA-2048, EC P-256 (openssl's PKCS#8 carries the curve parameters), and an
    // openssl-encrypted key (PBKDF2 + AES-256-CBC).
    for (name, newkey) in [("rsa", "rsa:2048"), ("ec", "ec")] {
        let mut args = vec!["req", "-x509", "-newkey", newkey, "-nodes", "-keyout"];
        let key = format!("{name}.key.pem");
        let cert = format!("{name}.cert.pem");
        args.extend([
            key.as_str(),
            "-out",
            cert.as_str(),
            "-days",
            "2",
            "-subj",
            "/CN=t",
        ]);
        if name == "ec" {
            args.extend(["-pkeyopt", "ec_paramgen_curve:P-256"]);
        }
        let (ok, out) = openssl(&args, dir);
        assert!(ok, "{out}");
        let signer = SoftwareSigner::from_pem_files(dir.join(&key), dir.join(&cert)).unwrap();
        let expected = if name == "rsa" {
            SignatureAlgorithm::RsaPkcs1v15Sha256
        } else {
            SignatureAlgorithm::EcdsaP256Sha256
        };
        assert_eq!(signer.algorithm(), expected);
        let sig = signer.sign(b"payload").unwrap();
        let (ok, out) = verify_with_openssl(dir, &cert, &sig, b"payload");
        assert!(ok && out.contains("Verified OK"), "{name}: {out}");
    }
    let (ok, out) = openssl(
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "ec.key.pem",
            "-out",
            "ec.enc.pem",
            "-passout",
            "pass:s3cret",
        ],
        dir,
    );
    assert!(ok, "{out}");
    SoftwareSigner::from_encrypted_pem_files(
        dir.join("ec.enc.pem"),
        dir.join("ec.cert.pem"),
        "s3cret",
    )
    .unwrap();
    let err = SoftwareSigner::from_encrypted_pem_files(
        dir.join("ec.enc.pem"),
        dir.join("ec.cert.pem"),
        "nope",
    )
    .unwrap_err();
    assert!(matches!(err, SealError::WrongPassphrase { .. }), "{err:?}");
}

#[test]
fn officer_spec_debug_hides_the_passphrase() {
    let opts = options(Path::new("/x"), false);
    let debug = format!("{opts:?}");
    assert!(!debug.contains(PASS), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
}
