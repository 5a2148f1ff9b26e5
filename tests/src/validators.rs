//! The independent validators the tests trust, nobody here wrote them: poppler's `pdfsig`
//! (with an NSS database trusting the dev CA), pyHanko (`.tools/venv`, made by scripts/setup.sh),
//! `qpdf --check`, and `zbarimg` on pages rendered by `pdftoppm`. A missing tool FAILS the test
//! with the command that installs it; nothing is skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

fn tool(path: &Path, install: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run `bash scripts/setup.sh` (it installs {install})",
        path.display()
    );
    path.to_path_buf()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Text of stdout and stderr together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `pdfsig` trusting `ca_pem` through a fresh NSS database.
pub fn pdfsig(pdf: &Path, ca_pem: &Path) -> Output {
    let pdfsig = tool(Path::new("/usr/bin/pdfsig"), "poppler-utils");
    let certutil = tool(Path::new("/usr/bin/certutil"), "libnss3-tools");
    let nss = tempfile::tempdir().expect("nss dir");
    let db = format!("sql:{}", nss.path().display());
    let o = run(Command::new(&certutil).args(["-N", "-d", &db, "--empty-password"]));
    assert!(o.status.success(), "certutil -N: {}", text(&o));
    let o = run(Command::new(&certutil)
        .args([
            "-A",
            "-d",
            &db,
            "-n",
            "truecopy-dev-ca",
            "-t",
            "CT,C,C",
            "-i",
        ])
        .arg(ca_pem));
    assert!(o.status.success(), "certutil -A: {}", text(&o));
    run(Command::new(pdfsig).args(["-nssdir", &db]).arg(pdf))
}

/// `pyhanko sign validate` trusting only `ca_pem`.
pub fn pyhanko_validate(pdf: &Path, ca_pem: &Path) -> Output {
    let py = tool(
        &workspace_root().join(".tools/venv/bin/pyhanko"),
        "pyHanko into .tools/venv",
    );
    run(Command::new(py)
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ])
        .arg(ca_pem)
        .arg(pdf))
}

/// `qpdf --check`.
pub fn qpdf_check(pdf: &Path) -> Output {
    let qpdf = tool(Path::new("/usr/bin/qpdf"), "qpdf");
    run(Command::new(qpdf).arg("--check").arg(pdf))
}

/// Renders page `page` (1-based) with `pdftoppm -r dpi` and decodes QR codes with `zbarimg`.
/// Returns the decoded texts.
pub fn zbar_page(pdf: &Path, page: u32, dpi: u32) -> Vec<String> {
    let pdftoppm = tool(Path::new("/usr/bin/pdftoppm"), "poppler-utils");
    let zbarimg = tool(Path::new("/usr/bin/zbarimg"), "zbar-tools");
    let dir = tempfile::tempdir().expect("tmp");
    let prefix = dir.path().join("page");
    let p = page.to_string();
    let o = run(Command::new(pdftoppm)
        .args([
            "-r",
            &dpi.to_string(),
            "-png",
            "-f",
            &p,
            "-l",
            &p,
            "-singlefile",
        ])
        .arg(pdf)
        .arg(&prefix));
    assert!(o.status.success(), "pdftoppm: {}", text(&o));
    let png = prefix.with_extension("png");
    let o = run(Command::new(zbarimg)
        .args(["--raw", "-q", "-Sbinary"])
        .arg(&png));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// `pdfinfo` output.
pub fn pdfinfo(pdf: &Path) -> String {
    let pdfinfo = tool(Path::new("/usr/bin/pdfinfo"), "poppler-utils");
    text(&run(Command::new(pdfinfo).arg(pdf)))
}

/// `pdftotext -layout` of the whole document.
pub fn pdftotext(pdf: &Path) -> String {
    let pdftotext = tool(Path::new("/usr/bin/pdftotext"), "poppler-utils");
    let o = run(Command::new(pdftotext).arg("-layout").arg(pdf).arg("-"));
    assert!(o.status.success(), "pdftotext: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}
