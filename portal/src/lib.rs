//! The public verification portal: `portal serve` (web pages, API for verifiers, retrieval
//! links; see [`app`]), `portal verify`, the offline verifier for copies (PDF files and QR
//! texts), and `portal doctor`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use truecopy_runtime::{KeyNeeds, StartupError};

pub mod app;
pub mod error;
pub mod html;
pub mod i18n;
pub mod metrics;
pub mod routes;
pub mod state;
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
    /// Serve the web portal (pages, API, retrieval links) until interrupted.
    Serve(ServeArgs),
    /// Run the start-up checks of the portal (configuration, public keys, database, blobs).
    Doctor,
    /// Verify a copy offline: a PDF file, or the text of its QR code (--qr). Needs no database.
    /// Exit status 0 only for PASSED; 1 for FAILED or INDETERMINATE; 2 for bad input.
    Verify(verify::VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default: [portal] listen).
    #[arg(long)]
    pub listen: Option<std::net::SocketAddr>,
    /// Lookups per client per minute (0: unlimited, e.g. for load tests).
    #[arg(long, default_value_t = 120)]
    pub rate_limit: u32,
    /// Database connections in the pool.
    #[arg(long, default_value_t = 8)]
    pub db_connections: usize,
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
        Command::Serve(args) => {
            let opts = state::ServeOptions {
                lookups_per_minute: args.rate_limit,
                db_connections: args.db_connections,
            };
            let listen = args.listen.unwrap_or(cfg.listen);
            let state = app::build_state(cfg, &opts)?;
            app::serve(state, listen)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify(args) => verify::run(&cfg, &args).map_err(|e| match e {
            verify::VerifyCliError::Usage(m) => StartupError::Usage(m).into(),
            verify::VerifyCliError::Other(e) => e,
        }),
    }
}
