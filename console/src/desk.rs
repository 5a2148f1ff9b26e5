//! The officer's desk: every action of the console on the register, shared by the scriptable
//! subcommands (`console approve …`) and the terminal UI's worker thread, so both take the same
//! code path. A `Desk` owns the center's [`Office`] (register, blob store, issuing keys) and, once
//! an officer has logged in, the officer's unlocked signing key.
//!
//! Every decision names the case version the officer saw; a case decided by someone else
//! meanwhile fails with [`DeskError::AlreadyDecided`] (one line, who and when), never a second
//! decision.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use truecopy_config::Config;
use truecopy_domain::deadline::{self, ClockStatus};
use truecopy_domain::{CaseEvent, CaseState, CheckCode, DocumentType, IdCode, RefusalGround};
use truecopy_office::{Actor, IssuedCopy, Office, OfficeError};
use truecopy_registry::{
    CaseRecord, CopyRecord, OfficerRecord, Registry, RegistryError, RevocationRecord,
};
use truecopy_seal::{SealError, Signer, SoftwareSigner};

/// What can go wrong at the desk. Every message is one line.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Office(#[from] OfficeError),
    #[error(transparent)]
    Keys(#[from] SealError),
    #[error("officer {0} is not registered (add them with `console officer add`)")]
    UnknownOfficer(String),
    #[error("officer {0} has been deactivated")]
    Deactivated(String),
    #[error(
        "no signing key for officer {id}: {path} is missing (create it with `console keys init --officer …`)"
    )]
    NoKey { id: String, path: String },
    #[error("case {case} was already decided by {by}{at} (now {state}); nothing was done")]
    AlreadyDecided {
        case: String,
        by: String,
        at: String,
        state: CaseState,
    },
    #[error("case {case} is {state}, not flagged for an officer: nothing to decide")]
    NotFlagged { case: String, state: CaseState },
    #[error("log in first: this action needs the officer's signing key")]
    NotLoggedIn,
    #[error("{0}")]
    Invalid(String),
}

impl DeskError {
    /// True when the database could not be reached (the UI shows it and retries).
    pub fn is_connection(&self) -> bool {
        let reg = match self {
            DeskError::Registry(e) => e,
            DeskError::Office(OfficeError::Registry(e)) => e,
            _ => return false,
        };
        match reg {
            RegistryError::Connect { .. } => true,
            RegistryError::Database(e) => {
                let s = e.to_string().to_lowercase();
                s.contains("connection") || s.contains("terminat") || s.contains("closed")
            }
            _ => false,
        }
    }
}

/// Which flagged cases the queue shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Assigned to the logged-in officer.
    Mine,
    /// Assigned to nobody.
    Unassigned,
    /// Every flagged case.
    #[default]
    All,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::Mine => "mine",
            Scope::Unassigned => "unassigned",
            Scope::All => "all",
        }
    }

    /// The next scope in the UI's cycle.
    pub fn next(self) -> Scope {
        match self {
            Scope::All => Scope::Mine,
            Scope::Mine => Scope::Unassigned,
            Scope::Unassigned => Scope::All,
        }
    }
}

/// The queue's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub scope: Scope,
    pub reason: Option<CheckCode>,
    pub kiosk: Option<String>,
}

/// One flagged case in the queue, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueItem {
    pub case_id: String,
    pub version: i64,
    pub received_at: String,
    /// The legal clock: when the answer is due (RFC 3339, Vietnam time).
    pub due_at: String,
    pub clock: ClockStatus,
    pub kiosk_id: String,
    pub document_type: Option<DocumentType>,
    pub reasons: Vec<String>,
    pub assigned_to: Option<String>,
}

/// A decision's outcome, as printed by the CLI.
#[derive(Debug, Clone, Serialize)]
pub struct Decided {
    pub case_id: String,
    pub state: CaseState,
    pub copy: Option<CopyOut>,
    /// Blob key of the refusal slip, for a refusal.
    pub refusal_slip: Option<String>,
    /// The retrieval link sent to the citizen's address given at the kiosk, for an approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<truecopy_mail::Delivery>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CopyOut {
    pub code: String,
    pub register_number: String,
    pub pdf_blob: String,
    pub signatures: usize,
}

/// Holidays from `TRUECOPY_HOLIDAYS` (comma-separated `YYYY-MM-DD`, local dates).
pub fn holidays_from_env() -> Result<Vec<Date>, DeskError> {
    let Ok(list) = std::env::var("TRUECOPY_HOLIDAYS") else {
        return Ok(Vec::new());
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            Date::parse(s, &fmt).map_err(|_| {
                DeskError::Invalid(format!(
                    "TRUECOPY_HOLIDAYS: {s:?} is not a date (expected YYYY-MM-DD,YYYY-MM-DD,…)"
                ))
            })
        })
        .collect()
}

/// The face crops recorded with a case, as stored (JPEG bytes): the face on the ID card's
/// portrait and the selfie's face; `None` where there is none.
#[derive(Debug, Default)]
pub struct FaceCropBytes {
    pub portrait: Option<Vec<u8>>,
    pub selfie: Option<Vec<u8>>,
}

/// The desk of one officer.
pub struct Desk {
    pub office: Office,
    cfg: Config,
    officer: OfficerRecord,
    signer: Option<Box<dyn Signer>>,
    pub holidays: Vec<Date>,
    /// Where the last intact verification of the audit chain ended: the first audit view of a
    /// desk verifies the whole chain, later ones the records appended since.
    audit_checkpoint: Option<truecopy_registry::AuditCheckpoint>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("officer", &self.officer.id)
            .field("signer", &self.signer.is_some())
            .finish_non_exhaustive()
    }
}

/// Opens the center's office from the configuration (register, blobs, issuing keys).
pub fn open_office(cfg: &Config) -> anyhow::Result<Office> {
    let registry = truecopy_runtime::open_registry(cfg)?;
    let blobs = truecopy_runtime::open_blobs(cfg)?;
    let issuer = truecopy_certify::Issuer::from_config(cfg)?;
    Ok(Office::new(
        registry,
        blobs,
        issuer,
        cfg.center.register_book,
    )?)
}

impl Desk {
    /// The desk of `officer_id` (who must be registered and active); no key unlocked yet.
    pub fn new(office: Office, cfg: Config, officer_id: &str) -> Result<Desk, DeskError> {
        let mut office = office;
        let officer = find_officer(&mut office.registry, officer_id)?;
        Ok(Desk {
            office,
            cfg,
            officer,
            signer: None,
            holidays: Vec::new(),
            audit_checkpoint: None,
        })
    }

    pub fn officer(&self) -> &OfficerRecord {
        &self.officer
    }

    pub fn is_unlocked(&self) -> bool {
        self.signer.is_some()
    }

    /// Unlocks the officer's signing key with the passphrase (a wrong one gives one line).
    pub fn unlock(&mut self, passphrase: &str) -> Result<(), DeskError> {
        let (cert, key) = self.cfg.keys.officer(&self.officer.id);
        if !key.exists() {
            return Err(DeskError::NoKey {
                id: self.officer.id.clone(),
                path: key.display().to_string(),
            });
        }
        let signer = SoftwareSigner::from_encrypted_pem_files(&key, &cert, passphrase)?;
        self.signer = Some(Box::new(signer));
        Ok(())
    }

    /// Switches to another officer (the UI's login), dropping any unlocked key.
    pub fn switch_officer(&mut self, officer_id: &str) -> Result<(), DeskError> {
        self.officer = find_officer(&mut self.office.registry, officer_id)?;
        self.signer = None;
        Ok(())
    }

    /// Replaces the database connection (after it was lost).
    pub fn reconnect(&mut self) -> Result<(), DeskError> {
        self.office.registry = Registry::connect(&self.cfg.database)?;
        self.office.registry.ping()?;
        Ok(())
    }

    fn actor(&self) -> Actor {
        Actor::Officer {
            id: self.officer.id.clone(),
            name: self.officer.full_name.clone(),
            title: self.officer.title.clone(),
        }
    }

    fn audit_name(&self) -> String {
        format!("officer:{}", self.officer.id)
    }

    /// Flagged cases, oldest first, with their legal clock at `now`.
    pub fn queue(
        &mut self,
        filter: &QueueFilter,
        now: OffsetDateTime,
    ) -> Result<Vec<QueueItem>, DeskError> {
        let cases = self
            .office
            .registry
            .list_cases(Some(CaseState::Flagged), 10_000)?;
        let me = self.officer.id.as_str();
        Ok(cases
            .into_iter()
            .filter(|c| match filter.scope {
                Scope::All => true,
                Scope::Mine => c.assigned_to.as_deref() == Some(me),
                Scope::Unassigned => c.assigned_to.is_none(),
            })
            .filter(|c| {
                filter
                    .reason
                    .is_none_or(|r| c.reasons.iter().any(|x| x == r.as_str()))
            })
            .filter(|c| filter.kiosk.as_deref().is_none_or(|k| c.kiosk_id == k))
            .map(|c| queue_item(c, &self.holidays, now))
            .collect())
    }

    /// One case, as stored.
    pub fn case(&mut self, id: &str) -> Result<CaseRecord, DeskError> {
        Ok(self.office.registry.get_case(id)?)
    }

    /// The page images of a case (bytes from the blob store).
    pub fn page(&mut self, case: &CaseRecord, index: usize) -> Result<Vec<u8>, DeskError> {
        let p = case.pages.get(index).ok_or_else(|| {
            DeskError::Invalid(format!("case {} has no page {}", case.id, index + 1))
        })?;
        Ok(self.office.get_blob(&p.blob)?.to_vec())
    }

    /// The face crops recorded with a case's checks (ID portrait, selfie): bytes from the blob
    /// store, `None` where the kiosk found no face (or recorded none).
    pub fn face_crops(&mut self, case: &CaseRecord) -> Result<FaceCropBytes, DeskError> {
        let refs = case.face_crops();
        let get = |key: Option<String>| -> Result<Option<Vec<u8>>, DeskError> {
            Ok(match key {
                Some(k) => Some(self.office.get_blob(&k)?.to_vec()),
                None => None,
            })
        };
        Ok(FaceCropBytes {
            portrait: get(refs.portrait)?,
            selfie: get(refs.selfie)?,
        })
    }

    /// Assigns a flagged case to the logged-in officer.
    pub fn assign_to_me(&mut self, case_id: &str) -> Result<CaseRecord, DeskError> {
        let case = self.flagged(case_id, None)?;
        let actor = self.audit_name();
        let id = self.officer.id.clone();
        let r = self
            .office
            .registry
            .assign_case(&case.id, Some(&id), &actor);
        self.explain(case_id, r)
    }

    /// Approves a flagged case: the copy is issued with the agency seal and the officer's
    /// co-signature. `expected_version`: the version the officer saw (default: as read now).
    pub fn approve(
        &mut self,
        case_id: &str,
        expected_version: Option<i64>,
    ) -> Result<(Decided, IssuedCopy), DeskError> {
        let signer = self.signer.as_deref().ok_or(DeskError::NotLoggedIn)?;
        let case = {
            let reg = &mut self.office.registry;
            flagged_case(reg, case_id, expected_version)?
        };
        let holder = case
            .fields
            .get("full_name")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let dpi = recorded_page_dpi(&case);
        let actor = self.actor();
        let version = Some(expected_version.unwrap_or(case.version));
        let r = self
            .office
            .issue_with(&case, &actor, &dpi, holder, version, Some(signer));
        let issued = match r {
            Ok(i) => i,
            Err(OfficeError::Registry(e)) => return Err(self.explain_err(case_id, e.into())),
            Err(e) => return Err(e.into()),
        };
        let sigs = self.office.registry.copy_signatures(&issued.record.code)?;
        let email = case
            .email
            .as_deref()
            .map(|to| self.send_link(&issued.record.code, to));
        Ok((
            Decided {
                case_id: case_id.to_owned(),
                state: CaseState::Approved,
                copy: Some(copy_out(&issued.record, sigs.len())),
                refusal_slip: None,
                email,
            },
            issued,
        ))
    }

    /// Sends the citizen the retrieval link of an approved copy, as the kiosk does for the copies it
    /// issues itself.
    fn send_link(&mut self, code: &IdCode, to: &str) -> truecopy_mail::Delivery {
        truecopy_mail::deliver_retrieval_link(&mut self.office.registry, &self.cfg, code, to)
    }

    /// Refuses a flagged case in writing with `reasons` and an optional note.
    pub fn refuse(
        &mut self,
        case_id: &str,
        reasons: &[RefusalGround],
        note: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<(Decided, Vec<u8>), DeskError> {
        if reasons.is_empty() {
            return Err(DeskError::Invalid(
                "a refusal names at least one reason".into(),
            ));
        }
        if let Some(n) = note
            && n.chars().count() > 1000
        {
            return Err(DeskError::Invalid(
                "the note has at most 1000 characters".into(),
            ));
        }
        let case = flagged_case(&mut self.office.registry, case_id, expected_version)?;
        let actor = self.actor();
        let version = Some(expected_version.unwrap_or(case.version));
        match self.office.refuse(&case, &actor, reasons, note, version) {
            Ok((c, pdf)) => Ok((
                Decided {
                    case_id: c.id.clone(),
                    state: c.state,
                    copy: None,
                    refusal_slip: c.refusal_slip.clone(),
                    email: None,
                },
                pdf,
            )),
            Err(OfficeError::Registry(e)) => Err(self.explain_err(case_id, e.into())),
            Err(e) => Err(e.into()),
        }
    }

    /// Sends a flagged case back to its kiosk for a new scan.
    pub fn rescan(
        &mut self,
        case_id: &str,
        expected_version: Option<i64>,
    ) -> Result<Decided, DeskError> {
        let case = flagged_case(&mut self.office.registry, case_id, expected_version)?;
        let actor = self.audit_name();
        let id = self.officer.id.clone();
        let r = self.office.registry.transition_case(
            &case.id,
            CaseEvent::RequestRescan,
            Some(expected_version.unwrap_or(case.version)),
            &actor,
            Some(&id),
            serde_json::json!({}),
        );
        let c = self.explain(case_id, r)?;
        Ok(Decided {
            case_id: c.id,
            state: c.state,
            copy: None,
            refusal_slip: None,
            email: None,
        })
    }

    /// Asks for the revocation of an issued copy (first of two officers).
    pub fn request_revocation(
        &mut self,
        code: &str,
        decision: &str,
        reason: &str,
    ) -> Result<RevocationRecord, DeskError> {
        let code = parse_code(code)?;
        let id = self.officer.id.clone();
        Ok(self
            .office
            .registry
            .request_revocation(&code, decision, reason, &id)?)
    }

    /// Confirms a requested revocation (a second officer: four eyes).
    pub fn confirm_revocation(&mut self, code: &str) -> Result<RevocationRecord, DeskError> {
        let code = parse_code(code)?;
        let id = self.officer.id.clone();
        Ok(self.office.registry.confirm_revocation(&code, &id)?)
    }

    /// The copies issued in a month (Vietnam time), in register order.
    pub fn register_month(
        &mut self,
        year: i32,
        month: u8,
    ) -> Result<Vec<truecopy_registry::RegisterEntry>, DeskError> {
        Ok(self.office.registry.register_month(year, month)?)
    }

    /// Finds a copy in the whole register (code, register number, or sequence number within
    /// `year`) and reads the month that lists it: `(year, month, entries, code)`.
    #[allow(clippy::type_complexity)]
    pub fn find_in_register(
        &mut self,
        query: &str,
        year: i32,
    ) -> Result<Option<(i32, u8, Vec<truecopy_registry::RegisterEntry>, IdCode)>, DeskError> {
        let Some((copy, y, m)) = self.office.registry.find_in_register(query, year)? else {
            return Ok(None);
        };
        let entries = self.office.registry.register_month(y, m)?;
        Ok(Some((y, m, entries, copy.code)))
    }

    /// The audit trail of one case or copy (`entity_type` `case` or `copy`), and the check of
    /// the hash chain: the whole chain the first time, then the records appended since the last
    /// intact check (and that its last record is unchanged).
    pub fn audit(
        &mut self,
        entity_type: &str,
        id: &str,
    ) -> Result<
        (
            Vec<truecopy_domain::AuditEntry>,
            truecopy_registry::AuditReport,
        ),
        DeskError,
    > {
        let trail = self.office.registry.audit_trail(entity_type, id)?;
        let (report, checkpoint) = self
            .office
            .registry
            .audit_verify_since(self.audit_checkpoint.as_ref())?;
        self.audit_checkpoint = checkpoint;
        Ok((trail, report))
    }

    /// Case statistics of the days `from` to `to` (Vietnam dates, inclusive).
    pub fn case_statistics(
        &mut self,
        from: Date,
        to: Date,
    ) -> Result<truecopy_registry::CaseStatistics, DeskError> {
        Ok(self.office.registry.case_statistics(from, to)?)
    }

    fn flagged(&mut self, case_id: &str, v: Option<i64>) -> Result<CaseRecord, DeskError> {
        flagged_case(&mut self.office.registry, case_id, v)
    }

    /// Turns a lost race into "already decided by …" when the case left `flagged`.
    fn explain<T>(&mut self, case_id: &str, r: Result<T, RegistryError>) -> Result<T, DeskError> {
        r.map_err(|e| self.explain_err(case_id, e.into()))
    }

    fn explain_err(&mut self, case_id: &str, e: DeskError) -> DeskError {
        let conflict = matches!(
            &e,
            DeskError::Registry(RegistryError::Conflict { .. })
                | DeskError::Registry(RegistryError::IllegalTransition(_))
        );
        if conflict
            && let Ok(c) = self.office.registry.get_case(case_id)
            && c.state != CaseState::Flagged
        {
            return decided_error(&c);
        }
        e
    }
}

fn find_officer(reg: &mut Registry, id: &str) -> Result<OfficerRecord, DeskError> {
    match reg.get_officer(id) {
        Ok(o) if o.deactivated_at.is_some() => Err(DeskError::Deactivated(o.id)),
        Ok(o) => Ok(o),
        Err(RegistryError::NotFound { .. }) => Err(DeskError::UnknownOfficer(id.to_owned())),
        Err(e) => Err(e.into()),
    }
}

fn parse_code(code: &str) -> Result<IdCode, DeskError> {
    code.parse::<IdCode>()
        .map_err(|e| DeskError::Invalid(format!("{code:?} is not an identification code: {e}")))
}

fn decided_error(c: &CaseRecord) -> DeskError {
    let by = match (&c.decided_by, c.state) {
        (Some(o), _) => format!("officer {o}"),
        (None, CaseState::Issued | CaseState::Refused) => "the kiosk (automatically)".into(),
        (None, _) => "someone else".into(),
    };
    DeskError::AlreadyDecided {
        case: c.id.clone(),
        by,
        at: c
            .decided_at
            .as_deref()
            .map(|a| format!(" at {a}"))
            .unwrap_or_default(),
        state: c.state,
    }
}

/// Reads a case that an officer may decide: flagged, and at the version the officer saw.
fn flagged_case(
    reg: &mut Registry,
    case_id: &str,
    expected_version: Option<i64>,
) -> Result<CaseRecord, DeskError> {
    let c = reg.get_case(case_id)?;
    match c.state {
        CaseState::Flagged => {}
        CaseState::Issued | CaseState::Approved | CaseState::Refused | CaseState::Rescan => {
            return Err(decided_error(&c));
        }
        state => return Err(DeskError::NotFlagged { case: c.id, state }),
    }
    if let Some(v) = expected_version
        && v != c.version
    {
        return Err(RegistryError::Conflict {
            entity: "case",
            id: c.id.clone(),
            now: format!("{} v{}", c.state, c.version),
        }
        .into());
    }
    Ok(c)
}

fn copy_out(r: &CopyRecord, signatures: usize) -> CopyOut {
    CopyOut {
        code: r.code.to_string(),
        register_number: r.register_number.to_string(),
        pdf_blob: r.pdf_blob.clone(),
        signatures,
    }
}

/// A queue line for a case at `now`.
pub fn queue_item(c: CaseRecord, holidays: &[Date], now: OffsetDateTime) -> QueueItem {
    let received = truecopy_domain::timefmt::parse(&c.received_at).unwrap_or(now);
    let due = deadline::due(received, holidays);
    let due_at = due
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    QueueItem {
        clock: deadline::status(due, now),
        due_at,
        case_id: c.id,
        version: c.version,
        received_at: c.received_at,
        kiosk_id: c.kiosk_id,
        document_type: c.document_type,
        reasons: c.reasons,
        assigned_to: c.assigned_to,
    }
}

/// The density the kiosk rendered each page at (`details.page_dpi`, recorded with the checks:
/// stated by the file, else measured from the document's known size), so that an approved copy
/// prints at the same true size as one the kiosk issues. Pages without one fall back to what
/// the file states (else 300 dpi).
fn recorded_page_dpi(case: &CaseRecord) -> Vec<Option<f32>> {
    let recorded = case
        .checks
        .get("details")
        .and_then(|d| d.get("page_dpi"))
        .and_then(|v| v.as_array());
    (0..case.pages.len())
        .map(|i| {
            recorded
                .and_then(|a| a.get(i))
                .and_then(serde_json::Value::as_f64)
                .map(|d| d as f32)
                .filter(|d| d.is_finite() && *d > 0.0)
        })
        .collect()
}
