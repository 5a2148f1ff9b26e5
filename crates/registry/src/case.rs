//! Cases: one citizen's session at a kiosk, from the scans to a decision.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use truecopy_domain::{CaseEvent, CaseState, Decision, DocumentType};

use crate::db::DbConnection;
use crate::schema::{cases, kiosks};
use crate::{Registry, RegistryError, audit, from_json, now, parse_stored, to_json};

/// A scanned page (or the selfie) stored in the blob store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRef {
    /// The blob key (content address).
    pub blob: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    pub media_type: String,
    pub bytes: u64,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub kiosk_id: String,
    pub pages: Vec<PageRef>,
    pub selfie_blob: Option<String>,
    pub email: Option<String>,
    /// Identifies a delivered session (e.g. a hot-folder name + page digests) so that a restarted
    /// agent resumes it instead of opening a second case. Unique when set.
    pub session_key: Option<String>,
}

/// What the automated pipeline found.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub document_type: Option<DocumentType>,
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub checks: serde_json::Value,
    pub face: Option<serde_json::Value>,
    pub decision: Option<Decision>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cases)]
pub(crate) struct CaseRow {
    pub id: String,
    pub kiosk_id: String,
    pub received_at: String,
    pub state: String,
    pub version: i64,
    pub document_type: Option<String>,
    pub pages: String,
    pub selfie_blob: Option<String>,
    pub fields: String,
    pub checks: String,
    pub face: Option<String>,
    pub decision: Option<String>,
    pub reasons: String,
    pub email: Option<String>,
    pub assigned_to: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub updated_at: String,
    pub session_key: Option<String>,
    pub refusal_slip: Option<String>,
}

/// A case as read from the register.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRecord {
    pub id: String,
    pub kiosk_id: String,
    pub received_at: String,
    pub state: CaseState,
    /// Bumped by every change; a decision names the version it was made on.
    pub version: i64,
    pub document_type: Option<DocumentType>,
    pub pages: Vec<PageRef>,
    pub selfie_blob: Option<String>,
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub checks: serde_json::Value,
    pub face: Option<serde_json::Value>,
    pub decision: Option<Decision>,
    pub reasons: Vec<String>,
    pub email: Option<String>,
    pub assigned_to: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub updated_at: String,
    pub session_key: Option<String>,
    /// Blob key of the written refusal slip (PDF), when refused.
    pub refusal_slip: Option<String>,
}

impl TryFrom<CaseRow> for CaseRecord {
    type Error = RegistryError;
    fn try_from(r: CaseRow) -> Result<CaseRecord, RegistryError> {
        Ok(CaseRecord {
            state: parse_stored("case state", &r.state)?,
            document_type: r
                .document_type
                .as_deref()
                .map(|t| parse_stored("document type", t))
                .transpose()?,
            pages: from_json("case pages", &r.pages)?,
            fields: from_json("case fields", &r.fields)?,
            checks: from_json("case checks", &r.checks)?,
            face: r
                .face
                .as_deref()
                .map(|f| from_json("case face result", f))
                .transpose()?,
            decision: r
                .decision
                .as_deref()
                .map(|d| parse_stored("decision", d))
                .transpose()?,
            reasons: from_json("case reasons", &r.reasons)?,
            id: r.id,
            kiosk_id: r.kiosk_id,
            received_at: r.received_at,
            version: r.version,
            selfie_blob: r.selfie_blob,
            email: r.email,
            assigned_to: r.assigned_to,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            updated_at: r.updated_at,
            session_key: r.session_key,
            refusal_slip: r.refusal_slip,
        })
    }
}

/// Blob keys of the faces the kiosk compared (small JPEGs: the ID card's portrait and the
/// selfie's face), kept in the case's `checks.details.face_crops`. Personal data like the selfie:
/// for officers only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaceCrops {
    /// The face found on the ID card's portrait; `None` when there was none (or no card).
    pub portrait: Option<String>,
    /// The face found on the camera frame; `None` when there was none.
    pub selfie: Option<String>,
}

impl FaceCrops {
    /// Where they are kept in a case's `checks` JSON.
    pub const POINTER: &'static str = "/details/face_crops";
}

impl CaseRecord {
    /// The face crops recorded with the checks (none for cases recorded without them).
    pub fn face_crops(&self) -> FaceCrops {
        self.checks
            .pointer(FaceCrops::POINTER)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }
}

/// Maximum pages in one case (an original with more goes to an officer as several cases).
pub const MAX_PAGES: usize = 50;

pub(crate) fn load_case(conn: &mut DbConnection, id: &str) -> Result<CaseRecord, RegistryError> {
    let row: CaseRow = cases::table
        .filter(cases::id.eq(id))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| RegistryError::NotFound {
            entity: "case",
            id: id.to_string(),
        })?;
    row.try_into()
}

/// Moves a case along its state machine, compare-and-set on (state, version): a concurrent
/// change makes this fail with [`RegistryError::Conflict`] instead of overwriting it.
pub(crate) fn transition(
    conn: &mut DbConnection,
    case: &CaseRecord,
    event: CaseEvent,
    at: &str,
    actor: &str,
    officer: Option<&str>,
    detail: serde_json::Value,
) -> Result<CaseRecord, RegistryError> {
    let next = case.state.apply(event)?;
    let decided = matches!(
        event,
        CaseEvent::Approve | CaseEvent::Refuse | CaseEvent::RequestRescan
    );
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(&case.id))
            .filter(cases::state.eq(case.state.as_str()))
            .filter(cases::version.eq(case.version)),
    )
    .set((
        cases::state.eq(next.as_str()),
        cases::version.eq(case.version + 1),
        cases::updated_at.eq(at),
    ))
    .execute(conn)?;
    if n != 1 {
        let now_state = load_case(conn, &case.id)
            .map(|c| format!("{} v{}", c.state, c.version))
            .unwrap_or_else(|_| "gone".into());
        return Err(RegistryError::Conflict {
            entity: "case",
            id: case.id.clone(),
            now: now_state,
        });
    }
    if decided {
        diesel::update(cases::table.filter(cases::id.eq(&case.id)))
            .set((cases::decided_by.eq(officer), cases::decided_at.eq(at)))
            .execute(conn)?;
    }
    let mut detail = detail;
    if let Some(obj) = detail.as_object_mut() {
        obj.insert("from".into(), case.state.as_str().into());
        obj.insert("to".into(), next.as_str().into());
    }
    audit::append(conn, at, actor, "case", &case.id, event.as_str(), detail)?;
    load_case(conn, &case.id)
}

pub(crate) fn check_case_version(
    case: &CaseRecord,
    expected: Option<i64>,
) -> Result<(), RegistryError> {
    match expected {
        Some(v) if v != case.version => Err(RegistryError::Conflict {
            entity: "case",
            id: case.id.clone(),
            now: format!("{} v{}", case.state, case.version),
        }),
        _ => Ok(()),
    }
}

impl Registry {
    /// Records a new session in state `received`.
    pub fn create_case(&mut self, new: &NewCase, actor: &str) -> Result<CaseRecord, RegistryError> {
        if new.pages.is_empty() || new.pages.len() > MAX_PAGES {
            return Err(RegistryError::Invalid {
                what: "case",
                problem: format!("a case has 1 to {MAX_PAGES} pages, got {}", new.pages.len()),
            });
        }
        let at = now();
        let row = CaseRow {
            id: uuid::Uuid::now_v7().to_string(),
            kiosk_id: new.kiosk_id.clone(),
            received_at: at.clone(),
            state: CaseState::Received.as_str().into(),
            version: 0,
            document_type: None,
            pages: to_json(&new.pages)?,
            selfie_blob: new.selfie_blob.clone(),
            fields: "{}".into(),
            checks: "[]".into(),
            face: None,
            decision: None,
            reasons: "[]".into(),
            email: new.email.clone(),
            assigned_to: None,
            decided_by: None,
            decided_at: None,
            updated_at: at.clone(),
            session_key: new.session_key.clone(),
            refusal_slip: None,
        };
        self.conn.write(|conn| {
            let kiosk: i64 = kiosks::table
                .filter(kiosks::id.eq(&new.kiosk_id))
                .count()
                .get_result(conn)?;
            if kiosk == 0 {
                return Err(RegistryError::NotFound {
                    entity: "kiosk",
                    id: new.kiosk_id.clone(),
                });
            }
            diesel::insert_into(cases::table)
                .values(&row)
                .execute(conn)?;
            audit::append(
                conn,
                &at,
                actor,
                "case",
                &row.id,
                "create",
                serde_json::json!({
                    "kiosk": new.kiosk_id,
                    "pages": new.pages.iter().map(|p| &p.sha256).collect::<Vec<_>>(),
                    "selfie": new.selfie_blob,
                }),
            )?;
            load_case(conn, &row.id)
        })
    }

    pub fn get_case(&mut self, id: &str) -> Result<CaseRecord, RegistryError> {
        load_case(&mut self.conn, id)
    }

    /// The case opened for a delivered session, if any (see [`NewCase::session_key`]).
    pub fn find_case_by_session_key(
        &mut self,
        key: &str,
    ) -> Result<Option<CaseRecord>, RegistryError> {
        let row: Option<CaseRow> = cases::table
            .filter(cases::session_key.eq(key))
            .select(CaseRow::as_select())
            .first(&mut self.conn)
            .optional()?;
        row.map(CaseRecord::try_from).transpose()
    }

    /// Refuses a case (`AutoReject` from `checked`, or an officer's `Refuse` from `flagged`) and
    /// records the blob key of its written refusal slip, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn refuse_case(
        &mut self,
        case_id: &str,
        event: CaseEvent,
        expected_version: Option<i64>,
        actor: &str,
        officer: Option<&str>,
        slip_blob: &str,
        detail: serde_json::Value,
    ) -> Result<CaseRecord, RegistryError> {
        if !matches!(event, CaseEvent::AutoReject | CaseEvent::Refuse) {
            return Err(RegistryError::Invalid {
                what: "refusal event",
                problem: format!("{event} does not refuse a case"),
            });
        }
        let at = now();
        self.conn.write(|conn| {
            let case = load_case(conn, case_id)?;
            check_case_version(&case, expected_version)?;
            let mut detail = detail;
            if let Some(obj) = detail.as_object_mut() {
                obj.insert("refusal_slip".into(), serde_json::json!(slip_blob));
            }
            transition(conn, &case, event, &at, actor, officer, detail)?;
            diesel::update(cases::table.filter(cases::id.eq(case_id)))
                .set(cases::refusal_slip.eq(slip_blob))
                .execute(conn)?;
            load_case(conn, case_id)
        })
    }

    /// Cases in a state, oldest first.
    pub fn list_cases(
        &mut self,
        state: Option<CaseState>,
        limit: i64,
    ) -> Result<Vec<CaseRecord>, RegistryError> {
        let mut q = cases::table
            .order(cases::received_at.asc())
            .limit(limit.clamp(1, 10_000))
            .select(CaseRow::as_select())
            .into_boxed();
        if let Some(s) = state {
            q = q.filter(cases::state.eq(s.as_str()));
        }
        let rows: Vec<CaseRow> = q.load(&mut self.conn)?;
        rows.into_iter().map(CaseRecord::try_from).collect()
    }

    /// Stores what the pipeline found and moves the case from `received` to `checked`.
    pub fn record_checks(
        &mut self,
        case_id: &str,
        outcome: &CheckOutcome,
        actor: &str,
    ) -> Result<CaseRecord, RegistryError> {
        let at = now();
        self.conn.write(|conn| {
            let case = load_case(conn, case_id)?;
            // Validate the move before writing anything.
            case.state.apply(CaseEvent::ChecksRecorded)?;
            diesel::update(
                cases::table
                    .filter(cases::id.eq(case_id))
                    .filter(cases::version.eq(case.version)),
            )
            .set((
                cases::document_type.eq(outcome.document_type.map(|t| t.as_str())),
                cases::fields.eq(to_json(&outcome.fields)?),
                cases::checks.eq(to_json(&outcome.checks)?),
                cases::face.eq(outcome.face.as_ref().map(to_json).transpose()?),
                cases::decision.eq(outcome.decision.map(|d| d.as_str())),
                cases::reasons.eq(to_json(&outcome.reasons)?),
            ))
            .execute(conn)?;
            transition(
                conn,
                &case,
                CaseEvent::ChecksRecorded,
                &at,
                actor,
                None,
                serde_json::json!({
                    "document_type": outcome.document_type,
                    "decision": outcome.decision,
                    "reasons": outcome.reasons,
                }),
            )
        })
    }

    /// Applies a case event that issues nothing (flag, reject, refuse, rescan, rescanned).
    /// `expected_version` is the version the decider saw; if the case moved since, the call fails
    /// with [`RegistryError::Conflict`]. Issuing goes through [`Registry::issue_copy`].
    pub fn transition_case(
        &mut self,
        case_id: &str,
        event: CaseEvent,
        expected_version: Option<i64>,
        actor: &str,
        officer: Option<&str>,
        detail: serde_json::Value,
    ) -> Result<CaseRecord, RegistryError> {
        if matches!(event, CaseEvent::AutoIssue | CaseEvent::Approve) {
            return Err(RegistryError::Invalid {
                what: "case event",
                problem: format!("{event} issues a copy: use issue_copy"),
            });
        }
        let at = now();
        self.conn.write(|conn| {
            let case = load_case(conn, case_id)?;
            check_case_version(&case, expected_version)?;
            transition(conn, &case, event, &at, actor, officer, detail)
        })
    }

    /// Assigns a flagged case to an officer (or releases it with `None`).
    pub fn assign_case(
        &mut self,
        case_id: &str,
        officer: Option<&str>,
        actor: &str,
    ) -> Result<CaseRecord, RegistryError> {
        let at = now();
        self.conn.write(|conn| {
            let case = load_case(conn, case_id)?;
            if case.state.is_final() {
                return Err(RegistryError::Conflict {
                    entity: "case",
                    id: case_id.to_string(),
                    now: format!("{} v{}", case.state, case.version),
                });
            }
            // The write transaction holds the lock (SQLite) or the update takes the row lock
            // (PostgreSQL) after the read; the version filter catches a change in between.
            let n = diesel::update(
                cases::table
                    .filter(cases::id.eq(case_id))
                    .filter(cases::version.eq(case.version)),
            )
            .set((
                cases::assigned_to.eq(officer),
                cases::version.eq(case.version + 1),
                cases::updated_at.eq(&at),
            ))
            .execute(conn)?;
            if n != 1 {
                return Err(RegistryError::Conflict {
                    entity: "case",
                    id: case_id.to_string(),
                    now: "changed".into(),
                });
            }
            audit::append(
                conn,
                &at,
                actor,
                "case",
                case_id,
                "assign",
                serde_json::json!({ "officer": officer }),
            )?;
            load_case(conn, case_id)
        })
    }
}
