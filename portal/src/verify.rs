//! `portal verify`: the offline verifier, on the same library as the portal.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use truecopy_certify::{CopyReport, CopyVerifier};
use truecopy_config::Config;
use truecopy_seal::Verdict;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["file", "qr"])))]
pub struct VerifyArgs {
    /// The PDF copy to verify (`-` reads standard input).
    pub file: Option<PathBuf>,
    /// Verify the text of a copy's QR code (the URL with its token, or the bare token) instead.
    #[arg(long, value_name = "TEXT")]
    pub qr: Option<String>,
    /// Print the full report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Trust root certificate(s) (PEM); default: [keys] ca_cert.
    #[arg(long, value_name = "PEM")]
    pub trust: Vec<PathBuf>,
    /// QR public key(s) (PEM); default: [keys] qr_pub.
    #[arg(long = "qr-key", value_name = "PEM")]
    pub qr_keys: Vec<PathBuf>,
}

#[derive(Debug)]
pub enum VerifyCliError {
    Usage(String),
    Other(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for VerifyCliError {
    fn from(e: E) -> Self {
        VerifyCliError::Other(e.into())
    }
}

fn exit_for(v: Verdict) -> ExitCode {
    if v == Verdict::Passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn verifier(cfg: &Config, args: &VerifyArgs) -> Result<CopyVerifier, VerifyCliError> {
    let roots: Vec<PathBuf> = if args.trust.is_empty() {
        vec![cfg.keys.ca_cert.clone()]
    } else {
        args.trust.clone()
    };
    let qr: Vec<PathBuf> = if args.qr_keys.is_empty() {
        vec![cfg.keys.qr_pub.clone()]
    } else {
        args.qr_keys.clone()
    };
    let roots: Vec<&std::path::Path> = roots.iter().map(PathBuf::as_path).collect();
    let qr: Vec<&std::path::Path> = qr.iter().map(PathBuf::as_path).collect();
    CopyVerifier::from_files(&roots, &qr).map_err(|e| VerifyCliError::Usage(e.to_string()))
}

fn read_input(file: &PathBuf) -> Result<Vec<u8>, VerifyCliError> {
    let limit = truecopy_pades::MAX_PDF_SIZE as u64;
    let too_big = |n: u64| {
        VerifyCliError::Usage(format!(
            "{} is {n} bytes; the verifier reads at most {limit} bytes",
            file.display()
        ))
    };
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().take(limit + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > limit {
            return Err(too_big(buf.len() as u64));
        }
        return Ok(buf);
    }
    let meta = std::fs::metadata(file)
        .map_err(|e| VerifyCliError::Usage(format!("cannot read {}: {e}", file.display())))?;
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    std::fs::read(file)
        .map_err(|e| VerifyCliError::Usage(format!("cannot read {}: {e}", file.display())))
}

pub fn run(cfg: &Config, args: &VerifyArgs) -> Result<ExitCode, VerifyCliError> {
    let verifier = verifier(cfg, args)?;
    if let Some(text) = &args.qr {
        let report = verifier.verify_qr(text);
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            println!("verdict: {}", report.verdict.as_str());
            print_reasons(&report.reasons);
            if let Some(p) = &report.payload {
                println!("code: {}", p.code);
                println!("register number: {}", p.register_number);
                println!("document type: {}", p.document_type);
                println!("issued: {} by {}", p.issue_date, p.center);
                println!("pages: {}", p.page_count);
            }
        }
        return Ok(exit_for(report.verdict));
    }
    let Some(file) = &args.file else {
        return Err(VerifyCliError::Usage("give a PDF file or --qr TEXT".into()));
    };
    let bytes = read_input(file)?;
    let report = verifier.verify_pdf(&bytes);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_pdf(&report);
    }
    Ok(exit_for(report.verdict))
}

fn print_reasons(reasons: &[truecopy_seal::Reason]) {
    for r in reasons {
        println!("  {}: {}", r.code(), r.text_en());
    }
}

fn print_pdf(r: &CopyReport) {
    println!("verdict: {}", r.verdict.as_str());
    print_reasons(&r.reasons);
    if let Some(code) = &r.code {
        println!("code: {code}");
    }
    if let Some(n) = &r.register_number {
        println!("register number: {n}");
    }
    println!("revisions: {}", r.pdf.revisions);
    for (i, s) in r.pdf.signatures.iter().enumerate() {
        println!(
            "signature {} ({}): {} — {}{}",
            i + 1,
            s.field,
            s.verdict.as_str(),
            s.signer_subject,
            s.signer_organization
                .as_deref()
                .map(|o| format!(", {o}"))
                .unwrap_or_default()
        );
        println!(
            "  intact: {}  trusted chain: {}  covers its revision: {}  signed: {}",
            s.intact,
            s.trusted,
            s.covers_revision,
            s.signing_time.as_deref().unwrap_or("?")
        );
        for m in &s.modified_after {
            println!("  modified after signing: {m}");
        }
        for reason in &s.reasons {
            println!("  {}: {}", reason.code(), reason.text_en());
        }
    }
}
