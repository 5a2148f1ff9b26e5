//! The public verification portal. Today: `portal verify`, the offline verifier for copies
//! (PDF files and QR texts) and `portal doctor`; the web routes land with issue 5.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use truecopy_runtime::{KeyNeeds, StartupError};

pub mod verify;

#[derive(Debug, Parser)]
#[command(
    name = "portal",
    version,
    about = "truecopy public verification portal"
)]
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
    /// Run the start-up checks of the portal (configuration, public keys, database, blobs).
    Doctor,
    /// Verify a copy offline: a PDF file, or the text of its QR code (--qr). Needs no database.
    /// Exit status 0 only for PASSED; 1 for FAILED or INDETERMINATE; 2 for bad input.
    Verify(verify::VerifyArgs),
}

/// The keys the portal verifies with.
pub const PORTAL_KEYS: KeyNeeds = KeyNeeds {
    ca: true,
    seal: false,
    qr_private: false,
    qr_public: true,
    token_private: true,
    token_public: true,
};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => truecopy_runtime::report(&e),
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cfg = truecopy_runtime::load_config(cli.config.as_deref(), cli.log_json)?;
    match cli.command {
        Command::Doctor => {
            for line in truecopy_runtime::doctor(&cfg, PORTAL_KEYS)?.lines {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify(args) => verify::run(&cfg, &args).map_err(|e| match e {
            verify::VerifyCliError::Usage(m) => StartupError::Usage(m).into(),
            verify::VerifyCliError::Other(e) => e,
        }),
    }
}
