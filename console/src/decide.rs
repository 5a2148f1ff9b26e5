//! The scriptable decisions: `console queue|approve|refuse|rescan|revoke|confirm-revocation`.
//! Each is one call on the [`Desk`], the same code path the terminal UI's worker takes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use time::OffsetDateTime;
use truecopy_config::Config;
use truecopy_domain::{CheckCode, RefusalGround};
use truecopy_runtime::{KeyNeeds, StartupError};

use crate::desk::{Desk, QueueFilter, Scope, holidays_from_env, open_office};

#[derive(Debug, Args)]
pub struct OfficerArg {
    /// The officer acting (must be registered with `console officer add`).
    #[arg(long, value_name = "ID")]
    pub officer: String,
}

#[derive(Debug, Args)]
#[group(id = "scope", multiple = false)]
pub struct QueueArgs {
    #[command(flatten)]
    pub who: OfficerArg,
    /// Only cases assigned to me.
    #[arg(long, group = "scope")]
    pub mine: bool,
    /// Only cases assigned to nobody.
    #[arg(long, group = "scope")]
    pub unassigned: bool,
    /// Every flagged case (the default).
    #[arg(long, group = "scope")]
    pub all: bool,
    /// Only cases flagged for this reason code (e.g. face_mismatch).
    #[arg(long, value_name = "CODE")]
    pub reason: Option<String>,
    /// Only cases from this kiosk.
    #[arg(long, value_name = "ID")]
    pub kiosk: Option<String>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CaseArgs {
    /// The case id.
    pub case: String,
    #[command(flatten)]
    pub who: OfficerArg,
    /// Write the issued copy (approve) or the refusal slip (refuse) to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RefuseArgs {
    #[command(flatten)]
    pub case: CaseArgs,
    /// The ground of refusal (repeatable): not_an_original (Decree 23/2015 Art 20(1)),
    /// altered_original, damaged_original, secret_or_no_copy, unlawful_content, not_legalized,
    /// self_made_uncertified (Art 22(1)–(6)).
    #[arg(long = "reason", value_name = "GROUND", required = true)]
    pub reasons: Vec<String>,
    /// Free text for the slip.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The copy's identification code.
    pub code: String,
    /// The number of the cancellation decision.
    #[arg(long, value_name = "NO")]
    pub decision: String,
    /// Why the copy is revoked.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[command(flatten)]
    pub who: OfficerArg,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The copy's identification code.
    pub code: String,
    #[command(flatten)]
    pub who: OfficerArg,
}

/// The keys every desk needs: the office seals slips and copies.
pub const DESK_KEYS: KeyNeeds = KeyNeeds {
    ca: true,
    seal: true,
    qr_private: true,
    qr_public: false,
    token_private: false,
    token_public: false,
};

pub fn open_desk(cfg: &Config, officer: &str) -> anyhow::Result<Desk> {
    truecopy_runtime::check_keys(cfg, DESK_KEYS)?;
    let holidays = holidays_from_env().map_err(|e| StartupError::Usage(e.to_string()))?;
    let office = open_office(cfg)?;
    let mut desk = Desk::new(office, cfg.clone(), officer)?;
    desk.holidays = holidays;
    Ok(desk)
}

/// The passphrase that unlocks an officer's key: `TRUECOPY_OFFICER_PASSPHRASE` or the terminal,
/// never the command line.
pub fn unlock_passphrase(officer: &str) -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("TRUECOPY_OFFICER_PASSPHRASE") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(format!(
            "Passphrase for officer {officer}'s key: "
        ))?);
    }
    Err(StartupError::Usage(
        "the officer's key needs a passphrase: set TRUECOPY_OFFICER_PASSPHRASE or run in a terminal"
            .into(),
    )
    .into())
}

fn parse_reason(s: &str) -> anyhow::Result<CheckCode> {
    s.parse::<CheckCode>().map_err(|_| {
        let all: Vec<&str> = CheckCode::ALL.iter().map(|c| c.as_str()).collect();
        StartupError::Usage(format!(
            "unknown reason code {s:?}: one of {}",
            all.join(", ")
        ))
        .into()
    })
}

fn parse_ground(s: &str) -> anyhow::Result<RefusalGround> {
    s.parse::<RefusalGround>().map_err(|_| {
        let all: Vec<String> = RefusalGround::ALL
            .iter()
            .map(|g| format!("{g} ({})", g.provision()))
            .collect();
        StartupError::Usage(format!(
            "{s:?} is not a ground of refusal (Decree 23/2015 Art 20(1), Art 22); use one of {}; \
             for other problems ask for a re-scan",
            all.join(", ")
        ))
        .into()
    })
}

fn write_out(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn print_json(v: &impl serde::Serialize) -> anyhow::Result<()> {
    say!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn queue(cfg: &Config, a: &QueueArgs) -> anyhow::Result<ExitCode> {
    let reason = a.reason.as_deref().map(parse_reason).transpose()?;
    let scope = if a.mine {
        Scope::Mine
    } else if a.unassigned {
        Scope::Unassigned
    } else {
        Scope::All
    };
    let mut desk = open_desk(cfg, &a.who.officer)?;
    let items = desk.queue(
        &QueueFilter {
            scope,
            reason,
            kiosk: a.kiosk.clone(),
        },
        OffsetDateTime::now_utc(),
    )?;
    if a.json {
        print_json(&items)?;
    } else {
        for i in items {
            say!(
                "{}\t{}\tdue {}\t{}\t{}\t{}\t{}",
                i.case_id,
                i.received_at,
                i.due_at,
                i.kiosk_id,
                i.document_type.map(|t| t.as_str()).unwrap_or("?"),
                i.reasons.join(","),
                i.assigned_to.as_deref().unwrap_or("-"),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn approve(cfg: &Config, a: &CaseArgs) -> anyhow::Result<ExitCode> {
    let mut desk = open_desk(cfg, &a.who.officer)?;
    let pass = unlock_passphrase(&a.who.officer)?;
    desk.unlock(&pass)?;
    let (decided, issued) = desk.approve(&a.case, None)?;
    if let Some(p) = &a.out {
        write_out(p, &issued.pdf)?;
    }
    if a.json {
        print_json(&decided)?;
    } else if let Some(c) = &decided.copy {
        say!(
            "case {} approved: copy {} register number {} ({} signatures)",
            decided.case_id,
            c.code,
            c.register_number,
            c.signatures
        );
        match &decided.email {
            Some(e) if e.sent => say!("retrieval link sent to {}", e.to),
            Some(e) => say!(
                "retrieval link NOT sent to {}: {} (the copy stands; the link can be re-sent)",
                e.to,
                e.error.as_deref().unwrap_or("unknown error")
            ),
            None => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn refuse(cfg: &Config, a: &RefuseArgs) -> anyhow::Result<ExitCode> {
    let reasons = a
        .reasons
        .iter()
        .map(|r| parse_ground(r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut desk = open_desk(cfg, &a.case.who.officer)?;
    let (decided, slip) = desk.refuse(&a.case.case, &reasons, a.note.as_deref(), None)?;
    if let Some(p) = &a.case.out {
        write_out(p, &slip)?;
    }
    if a.case.json {
        print_json(&decided)?;
    } else {
        say!(
            "case {} refused in writing (slip {})",
            decided.case_id,
            decided.refusal_slip.as_deref().unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rescan(cfg: &Config, a: &CaseArgs) -> anyhow::Result<ExitCode> {
    let mut desk = open_desk(cfg, &a.who.officer)?;
    let decided = desk.rescan(&a.case, None)?;
    if a.json {
        print_json(&decided)?;
    } else {
        say!(
            "case {} sent back to its kiosk for a new scan",
            decided.case_id
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn revoke(cfg: &Config, a: &RevokeArgs) -> anyhow::Result<ExitCode> {
    let mut desk = open_desk(cfg, &a.who.officer)?;
    let r = desk.request_revocation(&a.code, &a.decision, &a.reason)?;
    say!(
        "revocation of copy {} requested by {} (decision {}); a second officer must confirm it",
        r.copy_code,
        r.requested_by,
        r.decision_number
    );
    Ok(ExitCode::SUCCESS)
}

pub fn confirm_revocation(cfg: &Config, a: &ConfirmArgs) -> anyhow::Result<ExitCode> {
    let mut desk = open_desk(cfg, &a.who.officer)?;
    let r = desk.confirm_revocation(&a.code)?;
    say!(
        "copy {} revoked (decision {}, requested by {}, confirmed by {})",
        r.copy_code,
        r.decision_number,
        r.requested_by,
        r.confirmed_by.as_deref().unwrap_or("?")
    );
    Ok(ExitCode::SUCCESS)
}
