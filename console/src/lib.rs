//! The officers' console: the terminal UI (`console` or `console tui`, see [`tui`]) and the
//! scriptable subcommands that set up and inspect the system of record (database, dev keys,
//! kiosks, officers, audit chain) and decide flagged cases (`queue`, `approve`, `refuse`,
//! `rescan`, `revoke`, `confirm-revocation`, see [`decide`]). The UI and the subcommands act
//! through the same [`desk::Desk`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use truecopy_config::Config;
use truecopy_registry::NewOfficer;
use truecopy_runtime::{KeyNeeds, StartupError};

/// `println!` that does not panic when the reader went away (`console queue | head`): the
/// write error ends the command, and [`main`] treats a closed pipe as a normal end.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say_line(format_args!($($arg)*))?
    };
}

pub mod decide;
pub mod desk;
pub mod reports;
pub mod tui;

#[derive(Debug, Parser)]
#[command(name = "console", version, about = "truecopy officers' console")]
pub struct Cli {
    /// Configuration file (default: ./truecopy.toml when present, else built-in defaults).
    #[arg(long, global = true, env = "TRUECOPY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log as JSON lines on stderr.
    #[arg(long, global = true)]
    pub log_json: bool,
    /// Without a subcommand: the terminal UI.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Database: apply or inspect migrations.
    #[command(subcommand)]
    Db(DbCommand),
    /// Keys: the development PKI.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Kiosks.
    #[command(subcommand)]
    Kiosk(KioskCommand),
    /// Officers.
    #[command(subcommand)]
    Officer(OfficerCommand),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// What the system of record holds, and whether its audit chain verifies.
    Status(JsonFlag),
    /// The monthly register as a PDF for binding (sealed with the agency seal unless --unsigned).
    Register(reports::RegisterArgs),
    /// Case statistics: cases per day and their outcomes, officers' median decision times.
    Stats(reports::StatsArgs),
    /// Flagged cases waiting for an officer, oldest first, with their legal clock.
    Queue(decide::QueueArgs),
    /// Approve a flagged case: issue the copy, sealed and co-signed by the officer. The key's
    /// passphrase comes from TRUECOPY_OFFICER_PASSPHRASE or the terminal.
    Approve(decide::CaseArgs),
    /// Refuse a flagged case in writing (the sealed refusal slip).
    Refuse(decide::RefuseArgs),
    /// Send a flagged case back to its kiosk for a new scan.
    Rescan(decide::CaseArgs),
    /// Request the revocation of an issued copy (a second officer must confirm).
    Revoke(decide::RevokeArgs),
    /// Confirm a requested revocation (four eyes: not the officer who requested it).
    ConfirmRevocation(decide::ConfirmArgs),
    /// The terminal UI (also what `console` without a subcommand starts).
    Tui(TuiArgs),
}

#[derive(Debug, Args)]
pub struct TuiArgs {
    /// Prefill the login screen with this officer id.
    #[arg(long, value_name = "ID")]
    pub officer: Option<String>,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations (also done at every start).
    Migrate,
    /// List pending migrations.
    Status,
    /// Revert every migration, dropping all data. Needs --yes.
    RevertAll {
        /// Confirm that all data is to be dropped.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create the development PKI under [keys] dir: test root CA, agency seal, officers, QR and
    /// link-token keys. Existing files are kept unless --force. Officer key passphrases come from
    /// TRUECOPY_OFFICER_PASSPHRASE or the terminal, never from the command line.
    Init {
        /// Replace existing files.
        #[arg(long)]
        force: bool,
        /// An officer to issue a certificate for, as ID:FULL NAME:TITLE (repeatable).
        #[arg(long = "officer", value_name = "ID:NAME:TITLE")]
        officers: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KioskCommand {
    /// Register a kiosk.
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        location: String,
    },
    /// List kiosks.
    List(JsonFlag),
}

#[derive(Debug, Subcommand)]
pub enum OfficerCommand {
    /// Register an officer (with the public certificate from [keys] officers_dir when present).
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        title: String,
        /// The officer's certificate (PEM); default: <officers_dir>/<id>.cert.pem if it exists.
        #[arg(long)]
        cert: Option<PathBuf>,
    },
    /// List officers.
    List(JsonFlag),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit status 1 and the first broken record if it does not verify.
    Verify(JsonFlag),
    /// The audit entries about one entity (case, copy, kiosk, officer).
    Show {
        entity_type: String,
        entity_id: String,
        #[arg(long)]
        json: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => truecopy_runtime::report(&e),
    }
}

/// Writes one line on stdout (see `say!`).
pub(crate) fn say_line(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.write_all(b"\n")
}

/// The reader of stdout closed it: not a failure of the command.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn startup(cli: &Cli, needs: KeyNeeds) -> anyhow::Result<Config> {
    let cfg = truecopy_runtime::load_config(cli.config.as_deref(), cli.log_json)?;
    truecopy_runtime::check_keys(&cfg, needs)?;
    Ok(cfg)
}

fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    say!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let Some(command) = &cli.command else {
        return run_tui(&cli, None);
    };
    match command {
        Command::Tui(a) => run_tui(&cli, a.officer.clone()),
        Command::Queue(a) => decide::queue(&startup(&cli, KeyNeeds::NONE)?, a),
        Command::Approve(a) => decide::approve(&startup(&cli, KeyNeeds::NONE)?, a),
        Command::Refuse(a) => decide::refuse(&startup(&cli, KeyNeeds::NONE)?, a),
        Command::Rescan(a) => decide::rescan(&startup(&cli, KeyNeeds::NONE)?, a),
        Command::Revoke(a) => decide::revoke(&startup(&cli, KeyNeeds::NONE)?, a),
        Command::ConfirmRevocation(a) => {
            decide::confirm_revocation(&startup(&cli, KeyNeeds::NONE)?, a)
        }
        Command::Keys(KeysCommand::Init { force, officers }) => {
            let cfg = startup(&cli, KeyNeeds::NONE)?;
            keys_init(&cfg, *force, officers)
        }
        Command::Db(cmd) => {
            let cfg = startup(&cli, KeyNeeds::NONE)?;
            if let DbCommand::RevertAll { yes: false } = cmd {
                return Err(StartupError::Usage(
                    "db revert-all drops every table and record: add --yes to confirm".into(),
                )
                .into());
            }
            let mut reg =
                truecopy_registry::Registry::connect(&cfg.database).map_err(StartupError::from)?;
            let conn = reg.connection();
            match cmd {
                DbCommand::Migrate => {
                    let n = conn.run_pending_migrations()?;
                    say!("applied {n} migration(s) to {}", cfg.database);
                }
                DbCommand::Status => {
                    let pending = conn.pending_migrations()?;
                    if pending.is_empty() {
                        say!("{}: up to date", cfg.database);
                    } else {
                        say!(
                            "{}: {} pending: {}",
                            cfg.database,
                            pending.len(),
                            pending.join(", ")
                        );
                    }
                }
                DbCommand::RevertAll { .. } => {
                    let n = conn.revert_all_migrations()?;
                    say!("reverted {n} migration(s) on {}", cfg.database);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Kiosk(cmd) => {
            let cfg = startup(&cli, KeyNeeds::NONE)?;
            let mut reg = truecopy_runtime::open_registry(&cfg)?;
            match cmd {
                KioskCommand::Add { id, name, location } => {
                    let k = reg.add_kiosk(id, name, location, "console")?;
                    say!("kiosk {} registered", k.id);
                }
                KioskCommand::List(f) => {
                    let list = reg.list_kiosks()?;
                    if f.json {
                        print_json(&list)?;
                    } else {
                        for k in list {
                            say!("{}\t{}\t{}", k.id, k.name, k.location);
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Officer(cmd) => {
            let cfg = startup(&cli, KeyNeeds::NONE)?;
            match cmd {
                OfficerCommand::Add {
                    id,
                    name,
                    title,
                    cert,
                } => {
                    let cert_path = cert.clone().unwrap_or_else(|| cfg.keys.officer(id).0);
                    let certificate_pem = if cert.is_some() || cert_path.exists() {
                        // Parse it, so a broken file is refused before anything is written.
                        truecopy_seal::load_certificate_pem(&cert_path)
                            .map_err(StartupError::from)?;
                        Some(
                            std::fs::read_to_string(&cert_path)
                                .with_context(|| format!("cannot read {}", cert_path.display()))?,
                        )
                    } else {
                        None
                    };
                    let mut reg = truecopy_runtime::open_registry(&cfg)?;
                    let o = reg.add_officer(
                        &NewOfficer {
                            id: id.clone(),
                            full_name: name.clone(),
                            title: title.clone(),
                            certificate_pem,
                        },
                        "console",
                    )?;
                    say!(
                        "officer {} registered{}",
                        o.id,
                        if o.certificate_pem.is_some() {
                            " with certificate"
                        } else {
                            " (no certificate yet)"
                        }
                    );
                }
                OfficerCommand::List(f) => {
                    let mut reg = truecopy_runtime::open_registry(&cfg)?;
                    let list = reg.list_officers()?;
                    if f.json {
                        print_json(&list)?;
                    } else {
                        for o in list {
                            say!("{}\t{}\t{}", o.id, o.full_name, o.title);
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(cmd) => {
            let cfg = startup(&cli, KeyNeeds::NONE)?;
            let mut reg = truecopy_runtime::open_registry(&cfg)?;
            match cmd {
                AuditCommand::Verify(f) => {
                    let report = reg.audit_verify()?;
                    if f.json {
                        print_json(&report)?;
                    } else {
                        match &report.broken {
                            None => {
                                say!("audit chain intact: {} records verified", report.verified)
                            }
                            Some(b) => say!(
                                "audit chain BROKEN at record {}: {b} ({} records before it verified)",
                                b.first_broken_seq(),
                                report.verified
                            ),
                        }
                    }
                    Ok(if report.is_intact() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    })
                }
                AuditCommand::Show {
                    entity_type,
                    entity_id,
                    json,
                } => {
                    let trail = reg.audit_trail(entity_type, entity_id)?;
                    if *json {
                        print_json(&trail)?;
                    } else {
                        for e in trail {
                            say!(
                                "{}\t{}\t{}\t{}\t{}",
                                e.seq,
                                e.at,
                                e.actor,
                                e.action,
                                e.detail
                            );
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::Register(a) => reports::register(&cli, a),
        Command::Stats(a) => reports::stats(&cli, a),
        Command::Status(f) => {
            let cfg = startup(&cli, KeyNeeds::NONE)?;
            let mut reg = truecopy_runtime::open_registry(&cfg)?;
            let status = serde_json::json!({
                "database": cfg.database.redacted(),
                "backend": cfg.database.backend_name(),
                "kiosks": reg.list_kiosks()?.len(),
                "officers": reg.list_officers()?.len(),
                "audit_records": reg.audit_len()?,
                "audit": reg.audit_verify()?,
            });
            if f.json {
                print_json(&status)?;
            } else {
                say!(
                    "database      {}",
                    status["database"].as_str().unwrap_or_default()
                );
                say!("kiosks        {}", status["kiosks"]);
                say!("officers      {}", status["officers"]);
                say!("audit records {}", status["audit_records"]);
                let intact = status["audit"]["broken"].is_null();
                say!("audit chain   {}", if intact { "intact" } else { "BROKEN" });
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_tui(cli: &Cli, officer: Option<String>) -> anyhow::Result<ExitCode> {
    // Log lines on stderr would draw over the screen: only errors (or RUST_LOG) while the UI runs.
    let cfg = Config::load(cli.config.as_deref()).map_err(StartupError::from)?;
    truecopy_config::logging::init(cfg.log_format, "error");
    truecopy_runtime::check_keys(&cfg, decide::DESK_KEYS)?;
    if !std::io::stdout().is_terminal() {
        return Err(StartupError::Usage(
            "the console's UI needs a terminal: run it in one, or use the subcommands (see --help)"
                .into(),
        )
        .into());
    }
    let holidays = desk::holidays_from_env().map_err(|e| StartupError::Usage(e.to_string()))?;
    tui::run(cfg, holidays, officer)?;
    Ok(ExitCode::SUCCESS)
}

fn officer_passphrase() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("TRUECOPY_OFFICER_PASSPHRASE") {
        if p.chars().count() < 8 {
            return Err(StartupError::Usage(
                "TRUECOPY_OFFICER_PASSPHRASE must have at least 8 characters".into(),
            )
            .into());
        }
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("Passphrase for the officers' keys: ")?;
        if p.chars().count() < 8 {
            return Err(
                StartupError::Usage("a passphrase has at least 8 characters".into()).into(),
            );
        }
        return Ok(p);
    }
    Err(StartupError::Usage(
        "officer keys need a passphrase: set TRUECOPY_OFFICER_PASSPHRASE or run in a terminal"
            .into(),
    )
    .into())
}

fn keys_init(cfg: &Config, force: bool, officers: &[String]) -> anyhow::Result<ExitCode> {
    let mut specs = Vec::new();
    if !officers.is_empty() {
        let pass = officer_passphrase()?;
        for o in officers {
            let mut parts = o.splitn(3, ':');
            let (Some(id), Some(name), Some(title)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(StartupError::Usage(format!(
                    "--officer {o:?}: expected ID:FULL NAME:TITLE, e.g. o1:Nguyễn Văn An:Chuyên viên"
                ))
                .into());
            };
            specs.push(truecopy_seal::OfficerSpec {
                id: id.to_string(),
                full_name: name.to_string(),
                title: title.to_string(),
                passphrase: pass.clone(),
            });
        }
    }
    let report = truecopy_seal::init_dev_pki(&truecopy_seal::DevPkiOptions {
        dir: cfg.keys.dir.clone(),
        center_name: cfg.center.name.clone(),
        officers: specs,
        force,
    })?;
    for p in &report.created {
        say!("created {}", p.display());
    }
    for p in &report.kept {
        say!("kept    {}", p.display());
    }
    Ok(ExitCode::SUCCESS)
}
