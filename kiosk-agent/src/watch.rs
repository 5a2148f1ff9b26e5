//! Hot-folder mode. A scanner delivers one folder per session into the inbox:
//! pages (`*.jpg`, `*.jpeg`, `*.png`, processed in name order), an optional `selfie.*` (the
//! camera frame) and an optional `session.toml` (`email = "..."`).
//!
//! Crash safety, step by step:
//! 1. a folder is taken when nothing in it changed for `settle` (a scanner still writing is
//!    left alone; names starting with `.` are ignored) and is **renamed** into
//!    `<inbox>/.processing/` (atomic on one file system) — it is never copied or deleted;
//! 2. its session key (folder name + SHA-256 of its pages) is stored with the case, so after a
//!    crash the register's case is resumed — never a second case, never a second copy (the
//!    register issues at most one copy per case, in one transaction);
//! 3. `result.json` is written inside the folder (temp file + rename), the copy's PDF or the
//!    refusal slip beside it, then the folder is renamed to `done/` (or `failed/` when the
//!    input is unusable — no case is opened then).
//!
//! At start-up, folders left in `.processing/` by a crash are finished first. A database or
//! storage failure leaves the folder in `.processing/` and it is retried on the next pass.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::agent::{Agent, write_out};
use crate::input;

#[derive(Debug, serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SessionToml {
    email: Option<String>,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassStats {
    pub done: usize,
    pub failed: usize,
    pub retry: usize,
}

fn dirs(inbox: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        inbox.join(".processing"),
        inbox.join("done"),
        inbox.join("failed"),
    )
}

/// Newest modification time of a folder and its files.
fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    let mut newest = std::fs::metadata(dir).and_then(|m| m.modified()).ok()?;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        if let Ok(t) = e.metadata().and_then(|m| m.modified())
            && t > newest
        {
            newest = t;
        }
    }
    Some(newest)
}

fn is_image(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".jpg") || l.ends_with(".jpeg") || l.ends_with(".png")
}

/// Sessions ready in the inbox (settled), oldest name first.
fn ready(inbox: &Path, settle: Duration) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(inbox) else {
        return Vec::new();
    };
    let now = SystemTime::now();
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            !n.starts_with('.') && n != "done" && n != "failed"
        })
        .map(|e| e.path())
        .filter(|p| {
            newest_mtime(p)
                .map(|t| now.duration_since(t).unwrap_or_default() >= settle)
                .unwrap_or(false)
        })
        .collect();
    out.sort();
    out
}

fn in_progress(processing: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(processing) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// A free name in `dir` for `name` (a re-delivered folder of the same name gets a suffix).
fn free_target(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|k| dir.join(format!("{name}.{k}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// One pass over the inbox: finish interrupted sessions, then take the settled ones.
pub fn pass(
    agent: &mut Agent,
    inbox: &Path,
    settle: Duration,
    today: time::Date,
) -> anyhow::Result<PassStats> {
    let (processing, done, failed) = dirs(inbox);
    for d in [&processing, &done, &failed] {
        std::fs::create_dir_all(d).map_err(|e| anyhow::anyhow!("creating {}: {e}", d.display()))?;
    }
    let mut stats = PassStats::default();
    for folder in ready(inbox, settle) {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = free_target(&processing, &name);
        if let Err(e) = std::fs::rename(&folder, &target) {
            tracing::warn!(folder = %folder.display(), error = %e, "cannot take the session folder; will retry");
            stats.retry += 1;
        }
    }
    for folder in in_progress(&processing) {
        match one(agent, &folder, &done, &failed, today) {
            Ok(Outcome::Done) => stats.done += 1,
            Ok(Outcome::Failed) => stats.failed += 1,
            Err(e) => {
                tracing::error!(folder = %folder.display(), error = %format!("{e:#}"), "session not finished; it stays in .processing and is retried");
                stats.retry += 1;
            }
        }
    }
    Ok(stats)
}

enum Outcome {
    Done,
    Failed,
}

fn one(
    agent: &mut Agent,
    folder: &Path,
    done: &Path,
    failed: &Path,
    today: time::Date,
) -> anyhow::Result<Outcome> {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut pages = Vec::new();
    let mut selfie = None;
    let mut toml_text = None;
    let mut entries: Vec<_> = std::fs::read_dir(folder)?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if n.starts_with('.') || !p.is_file() {
            continue;
        }
        if n == "session.toml" {
            toml_text =
                Some(input::read_bounded(&p).map(|b| String::from_utf8_lossy(&b).into_owned()));
        } else if is_image(&n) && n.to_ascii_lowercase().starts_with("selfie.") {
            selfie = Some(p);
        } else if is_image(&n) {
            pages.push(p);
        }
    }
    let fail = |problem: String| -> anyhow::Result<Outcome> {
        let json = serde_json::json!({ "session": name, "error": problem });
        write_out(
            folder,
            "result.json",
            serde_json::to_string_pretty(&json)?.as_bytes(),
        )?;
        let target = free_target(failed, &name);
        std::fs::rename(folder, &target)?;
        tracing::warn!(session = %name, problem = %problem, "session refused as input; moved to failed/");
        Ok(Outcome::Failed)
    };
    let email = match toml_text {
        None => None,
        Some(Err(e)) => return fail(format!("session.toml: {e}")),
        Some(Ok(text)) => match toml::from_str::<SessionToml>(&text) {
            Ok(s) => s.email,
            Err(e) => return fail(format!("session.toml: {}", e.message())),
        },
    };
    if let Some(e) = &email
        && let Err(problem) = crate::check_email(e)
    {
        return fail(format!("session.toml: {problem}"));
    }
    let session = match input::load(&pages, selfie.as_deref(), email) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let mut h = Sha256::new();
    for p in &session.pages {
        h.update(Sha256::digest(&p.bytes));
    }
    let key = format!(
        "watch:{}:{}:{}",
        agent.kiosk_id,
        name,
        hex::encode(h.finalize())
    );
    let mut result = agent.process(&session, Some(&key), folder, today)?;
    // The folder moves on: name the copy and the slip relative to it ("beside the result").
    let beside = |p: &str| {
        Path::new(p)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if let Some(c) = result.copy.as_mut() {
        c.pdf = beside(&c.pdf);
    }
    if let Some(s) = result.refusal_slip.as_mut() {
        *s = beside(s);
    }
    write_out(
        folder,
        "result.json",
        serde_json::to_string_pretty(&result)?.as_bytes(),
    )?;
    let target = free_target(done, &name);
    std::fs::rename(folder, &target)?;
    tracing::info!(session = %name, case = %result.case_id, decision = %result.decision, "session done");
    Ok(Outcome::Done)
}
