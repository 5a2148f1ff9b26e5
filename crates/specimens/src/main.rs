//! `truecopy-specimens generate --out DIR [--seed N] [--types ...] [--variants ...]`

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use truecopy_specimens::{DocType, GenerateOptions, Variant};

#[derive(Debug, Parser)]
#[command(
    name = "truecopy-specimens",
    about = "Synthetic scanned originals with answers, for tests and the demo"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Writes DIR/<case>/{front,back|page1,selfie}.jpg + session.toml and DIR/answers.jsonl.
    Generate {
        /// Output folder (created).
        #[arg(long)]
        out: PathBuf,
        /// Seed (same seed, same files).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Document types, comma-separated: citizen_id,birth_certificate,diploma,decision (default all).
        #[arg(long, value_delimiter = ',')]
        types: Vec<String>,
        /// Variants, comma-separated: valid,mrz_checksum,mrz_mismatch,expired,photocopy,altered,
        /// unreadable,face_mismatch,no_face (default all that apply to each type).
        #[arg(long, value_delimiter = ',')]
        variants: Vec<String>,
        /// Cases per (type, variant).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        /// "Today" as YYYY-MM-DD (default: the real date, UTC).
        #[arg(long)]
        today: Option<String>,
        /// Face photos folder (default .tools/photos).
        #[arg(long, env = "TRUECOPY_PHOTOS")]
        photos: Option<PathBuf>,
        /// Resolution factor (1.0 = 200–600 dpi).
        #[arg(long, default_value_t = 1.0)]
        dpi_scale: f32,
    },
}

fn main() {
    if let Err(e) = run() {
        eprintln!("truecopy-specimens: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let Cmd::Generate {
        out,
        seed,
        types,
        variants,
        repeat,
        today,
        photos,
        dpi_scale,
    } = Cli::parse().cmd;
    let mut opts = GenerateOptions {
        seed,
        repeat,
        dpi_scale,
        ..GenerateOptions::default()
    };
    if !types.is_empty() {
        opts.types = types
            .iter()
            .map(|s| s.parse::<DocType>())
            .collect::<Result<_, _>>()?;
    }
    if !variants.is_empty() {
        opts.variants = variants
            .iter()
            .map(|s| s.parse::<Variant>())
            .collect::<Result<_, _>>()?;
    }
    if let Some(t) = today {
        opts.today = time::Date::parse(
            &t,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .with_context(|| format!("--today {t}: expected YYYY-MM-DD"))?;
    }
    if let Some(p) = photos {
        opts.photos_dir = p;
    }
    let start = Instant::now();
    let cases = truecopy_specimens::generate(&out, &opts)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} cases in {} ({:.2} s, {:.2} s per case); answers: {}",
        cases.len(),
        out.display(),
        secs,
        secs / cases.len().max(1) as f64,
        out.join("answers.jsonl").display()
    );
    Ok(())
}
