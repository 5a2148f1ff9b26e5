//! Reports for the officers: the monthly register as a PDF for binding (`console register`)
//! and case statistics (`console stats`).
//!
//! Bad input (a malformed month or date, a missing output directory, missing seal keys) is
//! found before the database is opened and exits with status 2; the PDF is written to a
//! temporary file beside the target and renamed, so a failure leaves nothing behind.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use truecopy_domain::{CopyState, RegisterNumber};
use truecopy_registry::RegisterEntry;
use truecopy_runtime::{KeyNeeds, StartupError};

use crate::Cli;

/// Vietnam (UTC+7): the register's months and the statistics' days are Vietnamese dates.
const VIETNAM: time::UtcOffset = time::macros::offset!(+7);

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The month, as YYYY-MM (a month in Vietnam time, UTC+7).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// Where to write the PDF (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    pub pdf: PathBuf,
    /// Write it without the agency seal (no seal key needed).
    #[arg(long)]
    pub unsigned: bool,
    /// Print the month's entries as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// First day, YYYY-MM-DD (Vietnam); default: 29 days before --to.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (Vietnam), inclusive; default: today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

fn usage(msg: String) -> anyhow::Error {
    StartupError::Usage(msg).into()
}

/// `YYYY-MM` → (year, month).
pub fn parse_month(s: &str) -> anyhow::Result<(i32, u8)> {
    let bad = || usage(format!("--month {s:?}: expected YYYY-MM, e.g. 2026-11"));
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || year < 2000 {
        return Err(bad());
    }
    Ok((year, month))
}

/// `YYYY-MM-DD` → a date.
pub fn parse_day(flag: &str, s: &str) -> anyhow::Result<time::Date> {
    let bad = || {
        usage(format!(
            "{flag} {s:?}: expected a date YYYY-MM-DD, e.g. 2026-11-05"
        ))
    };
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let day: u8 = d.parse().map_err(|_| bad())?;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

/// The wording of one register line.
pub fn register_row(e: &RegisterEntry, several_books: bool) -> truecopy_render::RegisterRow {
    let n = e.register_number;
    let number = if several_books {
        format!("{:06}/Q{:02}", n.seq, n.book)
    } else {
        format!("{:06}", n.seq)
    };
    let date = match e.issued_on.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => e.issued_on.clone(),
    };
    let mut signers = format!(
        "Con dấu: {}",
        e.seal_subject
            .as_deref()
            .unwrap_or("(không có chữ ký con dấu)")
    );
    if let Some(o) = &e.cosigner {
        let who = [o.title.as_str(), o.full_name.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        signers.push_str(&format!("; ký: {who} ({})", o.officer_id));
    }
    let decision = e
        .revocation_decision
        .as_deref()
        .map(|d| format!(" (QĐ số {d})"))
        .unwrap_or_default();
    let remarks = match e.state {
        CopyState::Valid => "Còn hiệu lực".to_owned(),
        CopyState::RevocationRequested => format!("Đang đề nghị hủy{decision}"),
        CopyState::Revoked => format!("Đã hủy{decision}"),
    };
    truecopy_render::RegisterRow {
        number,
        date,
        code: e.code.grouped(),
        document: e.document_type.name_vi().to_owned(),
        signers,
        remarks,
    }
}

/// `console register --month YYYY-MM --pdf FILE`.
pub fn register(cli: &Cli, a: &RegisterArgs) -> anyhow::Result<ExitCode> {
    let (year, month) = parse_month(&a.month)?;
    let dir = match a.pdf.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(usage(format!(
            "--pdf {}: the directory {} does not exist",
            a.pdf.display(),
            dir.display()
        )));
    }
    let needs = if a.unsigned {
        KeyNeeds::NONE
    } else {
        KeyNeeds {
            seal: true,
            ..KeyNeeds::NONE
        }
    };
    let cfg = crate::startup(cli, needs)?;
    let signer = if a.unsigned {
        None
    } else {
        Some(
            truecopy_seal::SoftwareSigner::from_pem_files(&cfg.keys.seal_key, &cfg.keys.seal_cert)
                .map_err(StartupError::from)?,
        )
    };
    let mut reg = truecopy_runtime::open_registry(&cfg)?;
    let entries = reg.register_month(year, month)?;

    let mut books: Vec<u16> = entries.iter().map(|e| e.register_number.book).collect();
    books.dedup();
    books.sort_unstable();
    books.dedup();
    if books.is_empty() {
        books.push(cfg.center.register_book);
    }
    let book = books
        .iter()
        .map(|b| RegisterNumber::new(year, *b, 0).book_label())
        .collect::<Vec<_>>()
        .join(", ");
    let now = time::OffsetDateTime::now_utc().to_offset(VIETNAM);
    let input = truecopy_render::RegisterBook {
        center_name: cfg.center.name.clone(),
        place: cfg.center.place.clone(),
        year,
        month,
        book,
        rows: entries
            .iter()
            .map(|e| register_row(e, books.len() > 1))
            .collect(),
        created: now,
    };
    let unsigned = truecopy_render::render_register(&input).context("rendering the register")?;
    let pdf = match &signer {
        None => unsigned,
        Some(s) => {
            let opts = truecopy_pades::SignOptions {
                name: Some(cfg.center.name.clone()),
                reason: Some(format!(
                    "Sổ chứng thực bản sao từ bản chính, tháng {month:02}/{year}"
                )),
                location: Some(cfg.center.place.clone()),
                ..truecopy_pades::SignOptions::new("TruecopySeal").at(now)
            };
            truecopy_pades::sign_pdf(&unsigned, s, &opts).context("sealing the register")?
        }
    };
    write_atomically(&a.pdf, &dir, &pdf)?;
    if a.json {
        crate::print_json(&entries)?;
    } else {
        say!(
            "register {year:04}-{month:02}: {} entr{} written to {} ({})",
            entries.len(),
            if entries.len() == 1 { "y" } else { "ies" },
            a.pdf.display(),
            if signer.is_some() {
                "sealed"
            } else {
                "unsigned"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to a temporary file in `dir`, then renames it to `path`.
fn write_atomically(path: &Path, dir: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "register.pdf".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// `console stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]`.
pub fn stats(cli: &Cli, a: &StatsArgs) -> anyhow::Result<ExitCode> {
    let to = match &a.to {
        Some(s) => parse_day("--to", s)?,
        None => time::OffsetDateTime::now_utc().to_offset(VIETNAM).date(),
    };
    let from = match &a.from {
        Some(s) => parse_day("--from", s)?,
        None => to - time::Duration::days(29),
    };
    if from > to {
        return Err(usage(format!("--from {from} comes after --to {to}")));
    }
    let days = (to - from).whole_days() + 1;
    if days > truecopy_registry::stats::MAX_STAT_DAYS {
        return Err(usage(format!(
            "{from} to {to} is {days} days: at most {} at a time",
            truecopy_registry::stats::MAX_STAT_DAYS
        )));
    }
    let cfg = crate::startup(cli, KeyNeeds::NONE)?;
    let mut reg = truecopy_runtime::open_registry(&cfg)?;
    let s = reg.case_statistics(from, to)?;
    if a.json {
        crate::print_json(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |x: f64| format!("{:>5.1}%", x * 100.0);
    say!(
        "{:<10}  {:>6}  {:>6}  {:>6}  {:>6}  {:>6}  {:>8}",
        "day",
        "cases",
        "auto",
        "flag",
        "refuse",
        "pend",
        "approved"
    );
    for d in s.days.iter().chain(std::iter::once(&s.total)) {
        say!(
            "{:<10}  {:>6}  {}  {}  {}  {}  {:>8}",
            d.date.as_deref().unwrap_or("total"),
            d.cases,
            pct(d.share_auto_issued),
            pct(d.share_flagged),
            pct(d.share_refused),
            pct(d.share_pending),
            d.approved
        );
    }
    if s.officers.is_empty() {
        say!("no officer decisions on cases received in this period");
    }
    for o in &s.officers {
        say!(
            "officer {:<12} {:>5} decision(s), median {:.1} s from flag to decision",
            o.officer_id,
            o.decisions,
            o.median_seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(parse_month("2026-11").unwrap(), (2026, 11));
        assert_eq!(parse_month("2027-01").unwrap(), (2027, 1));
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026/11",
            "",
            "abcd-ef",
            "2026-11-01",
        ] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn days() {
        assert_eq!(
            parse_day("--to", "2026-02-28").unwrap().to_string(),
            "2026-02-28"
        );
        for bad in ["2026-02-30", "2026-2-01", "yesterday", "2026-13-01"] {
            assert!(parse_day("--to", bad).is_err(), "{bad}");
        }
    }
}
