//! The public verification portal. Today it checks that the portal can start
//! (`doctor`); `serve` and `verify` land with issues 3 and 5.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use truecopy_runtime::KeyNeeds;

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
    }
}
