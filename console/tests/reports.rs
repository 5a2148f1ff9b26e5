//! `console register` and `console stats` as an operator runs them, on both backends: the
//! sealed register PDF (text, structure, seal), and bad input (one line, exit 2, nothing
//! written).

use std::path::Path;
use std::process::{Command, Output};

use truecopy_domain::{Decision, RegisterNumber};
use truecopy_registry::{IssueContext, NewSignature, RenderedCopy};
use truecopy_tests::both_backends;
use truecopy_tests::fixtures::{auto_issue, checked_case, placeholder_render, seed};
use truecopy_tests::validators;

const CONSOLE: &str = env!("CARGO_BIN_EXE_console");

fn console(dir: &Path, args: &[&str], db_url: &str) -> Output {
    let mut cmd = Command::new(CONSOLE);
    cmd.current_dir(dir).args(args);
    for var in ["TRUECOPY_CONFIG", "RUST_LOG", "TRUECOPY_OFFICER_PASSPHRASE"] {
        cmd.env_remove(var);
    }
    cmd.env("DATABASE_URL", db_url);
    cmd.output().expect("run console")
}

fn error_lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_string)
        .collect()
}

fn sealed(ctx: &IssueContext) -> Result<RenderedCopy, std::io::Error> {
    let mut r = placeholder_render(ctx)?;
    r.signatures.push(NewSignature {
        role: "seal".into(),
        officer_id: None,
        signer_subject: "CN=Test Seal".into(),
        certificate_sha256: "11".repeat(32),
    });
    Ok(r)
}

/// The current month in Vietnam, as the registry stamps a copy issued now.
fn this_month() -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7));
    format!("{:04}-{:02}", now.year(), u8::from(now.month()))
}

both_backends! {
    fn register_pdf_is_sealed_readable_and_grows_with_entries(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let dir = tempfile::tempdir().expect("tmp");
        let url = db.url_string();
        let o = console(dir.path(), &["keys", "init"], &url);
        assert!(o.status.success(), "{}", validators::text(&o));
        let month = this_month();

        let render = |name: &str| {
            let o = console(dir.path(), &["register", "--month", &month, "--pdf", name], &url);
            assert!(o.status.success(), "{}", validators::text(&o));
            dir.path().join(name)
        };
        let mut copies = Vec::new();
        for _ in 0..3 {
            let c = checked_case(&mut reg, Decision::Issue);
            copies.push(reg.issue_copy(&auto_issue(&c.id), sealed).expect("issue"));
        }
        let small = render("small.pdf");
        let text = validators::pdftotext(&small);
        assert!(text.contains("SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH"), "{text}");
        let book = RegisterNumber::new(copies[0].register_number.year, 1, 0).book_label();
        assert!(text.contains(&format!("Quyển số: {book}")), "{text}");
        for c in &copies {
            assert!(text.contains(&format!("{:06}", c.register_number.seq)), "{text}");
            assert!(text.contains(&c.code.grouped()), "{} in {text}", c.code.grouped());
        }
        assert!(text.contains("Căn cước"), "{text}");
        assert!(text.contains("ghi 3 số chứng thực, từ số 000001 đến số 000003"), "{text}");
        let q = validators::qpdf_check(&small);
        assert!(q.status.success(), "{}", validators::text(&q));
        let sig = validators::pdfsig(&small, &dir.path().join("keys/dev/ca.cert.pem"));
        let sig = validators::text(&sig);
        assert!(sig.contains("Signature is Valid."), "{sig}");
        assert!(sig.contains("Certificate is Trusted."), "{sig}");
        let pages = |p: &Path| -> u32 {
            validators::pdfinfo(p)
                .lines()
                .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().expect("n")))
                .expect("Pages: line")
        };
        let small_pages = pages(&small);

        for _ in 0..60 {
            let c = checked_case(&mut reg, Decision::Issue);
            reg.issue_copy(&auto_issue(&c.id), sealed).expect("issue");
        }
        let big = render("big.pdf");
        assert!(pages(&big) > small_pages, "{} vs {small_pages}", pages(&big));
        let text = validators::pdftotext(&big);
        assert!(text.contains("000063"), "{text}");
        assert!(text.contains(&format!("Trang {}/{}", pages(&big), pages(&big))), "{text}");
        assert!(validators::qpdf_check(&big).status.success());

        // Unsigned on request, and JSON of the entries.
        let o = console(dir.path(),
            &["register", "--month", &month, "--pdf", "plain.pdf", "--unsigned", "--json"], &url);
        assert!(o.status.success(), "{}", validators::text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v.as_array().map(Vec::len), Some(63));
        let sig = validators::text(&validators::pdfsig(
            &dir.path().join("plain.pdf"), &dir.path().join("keys/dev/ca.cert.pem")));
        assert!(!sig.contains("Signature is Valid."), "{sig}");
    }

    fn bad_input_is_one_line_exit_2_nothing_written(db) {
        let dir = tempfile::tempdir().expect("tmp");
        let url = db.url_string();
        for month in ["2026-13", "2026-1", "11-2026", "2026-00", "next"] {
            let o = console(dir.path(),
                &["register", "--month", month, "--pdf", "r.pdf", "--unsigned"], &url);
            assert_eq!(o.status.code(), Some(2), "{month}: {}", validators::text(&o));
            let errors = error_lines(&o);
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].contains("YYYY-MM"), "{errors:?}");
        }
        // No such directory for the PDF.
        let o = console(dir.path(),
            &["register", "--month", "2026-11", "--pdf", "missing/r.pdf", "--unsigned"], &url);
        assert_eq!(o.status.code(), Some(2), "{}", validators::text(&o));
        // Sealing without the seal key.
        let o = console(dir.path(), &["register", "--month", "2026-11", "--pdf", "r.pdf"], &url);
        assert_eq!(o.status.code(), Some(2), "{}", validators::text(&o));
        assert_eq!(error_lines(&o).len(), 1);

        for args in [
            vec!["stats", "--from", "2026-11-10", "--to", "2026-11-01"],
            vec!["stats", "--from", "2026-02-30"],
            vec!["stats", "--to", "tomorrow"],
            vec!["stats", "--from", "2020-01-01", "--to", "2026-01-01"],
        ] {
            let o = console(dir.path(), &args, &url);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", validators::text(&o));
            assert_eq!(error_lines(&o).len(), 1, "{args:?}");
        }
        // Nothing was written: no PDF, and no database file for SQLite (the database is opened
        // only after the input was found good).
        let mut left: Vec<String> = std::fs::read_dir(dir.path()).expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert!(left.is_empty(), "{left:?}");
        if let Some(scratch) = db.scratch_dir() {
            assert!(!scratch.join("data").exists(), "the SQLite database was created");
        }

        // And good input works on an empty database.
        let o = console(dir.path(), &["stats", "--from", "2026-11-01", "--to", "2026-11-03", "--json"], &url);
        assert!(o.status.success(), "{}", validators::text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["days"].as_array().map(Vec::len), Some(3));
        assert_eq!(v["total"]["cases"], 0);
    }
}
