//! The kiosk agent: capture and the automated pipeline. Today it checks that a kiosk can start
//! (`doctor`); the pipeline (`process`, `watch`) lands with issue 4.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use truecopy_runtime::KeyNeeds;

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
    /// Run the start-up checks of a kiosk (configuration, seal and QR keys, database, blobs).
    Doctor,
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
            for line in truecopy_runtime::doctor(&cfg, KIOSK_KEYS)?.lines {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
