//! The kiosk agent: capture and the automated pipeline.
//!
//! - `doctor`: the start-up checks (configuration, keys, database, blobs, OCR and face models).
//! - `process`: one citizen's session from files → decision (issue / flag / reject) → the
//!   register, with `--json` printing the result object documented in ARCHITECTURE.md.
//! - `watch --inbox DIR`: hot-folder mode (see [`watch`]).

pub mod agent;
pub mod dpi;
pub mod input;
pub mod pipeline;
pub mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use truecopy_runtime::{KeyNeeds, StartupError};

#[derive(Debug, Parser)]
#[command(name = "kiosk-agent", version, about = "truecopy kiosk agent")]
pub struct Cli {
    /// Configuration file (default: ./truecopy.toml when present, else built-in defaults).
    #[arg(long, global = true, env = "TRUECOPY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log as JSON lines on stderr.
    #[arg(long, global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the start-up checks of a kiosk (configuration, keys, database, blobs, OCR, face models).
    Doctor,
    /// Process one citizen's session: FILEs are the scanned pages of ONE original.
    Process {
        /// The camera frame (selfie) taken at the kiosk.
        #[arg(long)]
        selfie: Option<PathBuf>,
        /// E-mail address for the retrieval link.
        #[arg(long)]
        email: Option<String>,
        /// This kiosk's id (default: [kiosk] id of the configuration).
        #[arg(long)]
        kiosk: Option<String>,
        /// Where to write the copy or refusal slip (default: [kiosk] out_dir).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
        /// Scanned pages, in order (e.g. front.jpg back.jpg).
        files: Vec<PathBuf>,
    },
    /// Hot-folder mode: process session folders delivered into DIR.
    Watch {
        #[arg(long)]
        inbox: PathBuf,
        /// This kiosk's id (default: [kiosk] id of the configuration).
        #[arg(long)]
        kiosk: Option<String>,
        /// One pass over the inbox, then exit.
        #[arg(long)]
        once: bool,
        /// A folder is taken when nothing in it changed for this many milliseconds.
        #[arg(long, default_value_t = 2000)]
        settle_ms: u64,
        /// Pause between passes, in milliseconds.
        #[arg(long, default_value_t = 1000)]
        poll_ms: u64,
    },
}

/// The keys a kiosk signs with.
pub const KIOSK_KEYS: KeyNeeds = KeyNeeds {
    ca: true,
    seal: true,
    qr_private: true,
    qr_public: false,
    token_private: true,
    token_public: false,
};

/// Tesseract's OpenMP threading is 5–9× slower on small machines: one thread per handle.
/// libgomp reads `OMP_THREAD_LIMIT` when it is loaded, before `main`, so setting it from inside
/// would be too late: this starts the program again with it set. Returns only on failure.
pub fn ensure_omp_thread_limit() -> Option<ExitCode> {
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    use std::os::unix::process::CommandExt as _;
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("OMP_THREAD_LIMIT", "1")
        .exec();
    eprintln!("error: cannot restart with OMP_THREAD_LIMIT=1 ({err}); set it yourself");
    Some(ExitCode::from(2))
}

pub fn main() -> ExitCode {
    if let Some(code) = ensure_omp_thread_limit() {
        return code;
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => truecopy_runtime::report(&e),
    }
}

/// A plausible e-mail address (the SMTP server has the last word).
pub fn check_email(e: &str) -> Result<(), String> {
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not an e-mail address (like name@example.vn)",
            e.chars().take(80).collect::<String>()
        ))
    }
}

fn today() -> time::Date {
    truecopy_domain::cccd::vietnam_date(time::OffsetDateTime::now_utc())
}

/// Opens everything a kiosk needs, in the order that keeps bad input harmless.
pub fn open_agent(
    cfg: &truecopy_config::Config,
    kiosk: Option<String>,
) -> anyhow::Result<agent::Agent> {
    truecopy_runtime::check_keys(cfg, KIOSK_KEYS)?;
    let pipeline = pipeline::Pipeline::new(cfg).map_err(|e| StartupError::Usage(e.to_string()))?;
    let registry = truecopy_runtime::open_registry(cfg)?;
    let blobs = truecopy_runtime::open_blobs(cfg)?;
    let issuer = truecopy_certify::Issuer::from_config(cfg)?;
    let office = truecopy_office::Office::new(registry, blobs, issuer, cfg.center.register_book)?;
    Ok(agent::Agent {
        pipeline,
        office,
        cfg: cfg.clone(),
        kiosk_id: kiosk.unwrap_or_else(|| cfg.kiosk.id.clone()),
        scan_dpi: cfg.kiosk.scan_dpi,
    })
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cfg = truecopy_runtime::load_config(cli.config.as_deref(), cli.log_json)?;
    match cli.command {
        Command::Doctor => {
            for line in truecopy_runtime::doctor(&cfg, KIOSK_KEYS)?.lines {
                println!("{line}");
            }
            pipeline::Pipeline::new(&cfg).map_err(|e| StartupError::Usage(e.to_string()))?;
            println!(
                "ok   OCR ({}) and face models ({})",
                cfg.kiosk.ocr_languages,
                cfg.kiosk.face_models_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Process {
            selfie,
            email,
            kiosk,
            out,
            json,
            files,
        } => {
            if let Some(e) = &email {
                check_email(e).map_err(|p| StartupError::Usage(format!("--email: {p}")))?;
            }
            // Bad files are found before anything is opened or written.
            let session = input::load(&files, selfie.as_deref(), email)
                .map_err(|e| StartupError::Usage(e.to_string()))?;
            let mut agent = open_agent(&cfg, kiosk)?;
            let out = out.unwrap_or_else(|| cfg.kiosk.out_dir.clone());
            let result = agent.process(&session, None, &out, today())?;
            if json {
                println!("{}", serde_json::to_string(&result)?);
            } else {
                println!("case      {}", result.case_id);
                println!("document  {}", result.document_type);
                println!("decision  {}", result.decision);
                if !result.reasons.is_empty() {
                    let r: Vec<&str> = result.reasons.iter().map(|r| r.as_str()).collect();
                    println!("reasons   {}", r.join(", "));
                }
                if let Some(c) = &result.copy {
                    println!("copy      {} ({})", c.code, c.register_number);
                    println!("pdf       {}", c.pdf);
                    println!("verify    {}", c.verify_url);
                }
                if let Some(s) = &result.refusal_slip {
                    println!("refusal   {s}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch {
            inbox,
            kiosk,
            once,
            settle_ms,
            poll_ms,
        } => {
            if !inbox.is_dir() {
                return Err(StartupError::Usage(format!(
                    "--inbox {}: not a directory",
                    inbox.display()
                ))
                .into());
            }
            let mut agent = open_agent(&cfg, kiosk)?;
            let settle = Duration::from_millis(settle_ms);
            loop {
                let stats = watch::pass(&mut agent, &inbox, settle, today())?;
                if stats.done + stats.failed > 0 {
                    tracing::info!(
                        done = stats.done,
                        failed = stats.failed,
                        retry = stats.retry,
                        "pass"
                    );
                }
                if once {
                    println!(
                        "done {} failed {} retry {}",
                        stats.done, stats.failed, stats.retry
                    );
                    return Ok(if stats.retry > 0 {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    });
                }
                std::thread::sleep(Duration::from_millis(poll_ms));
            }
        }
    }
}
