//! Certified copies: register numbers, identification codes, signatures and revocations.

use diesel::prelude::*;
use rand_core::OsRng;
use serde::Serialize;
use truecopy_domain::state::four_eyes;
use truecopy_domain::{CaseEvent, CopyEvent, CopyState, DocumentType, IdCode, RegisterNumber};

use crate::case::{CaseRecord, check_case_version, load_case, transition};
use crate::db::DbConnection;
use crate::schema::{copies, register_counters, revocations, signatures};
use crate::{Registry, RegistryError, audit, from_json, now, parse_stored, register_year, to_json};

/// What to issue, and on whose authority.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub case_id: String,
    /// `AutoIssue` (all checks passed) or `Approve` (an officer co-signs a flagged case).
    pub event: CaseEvent,
    /// The version of the case the decision was made on (an officer's view), if any.
    pub expected_version: Option<i64>,
    pub actor: String,
    pub officer_id: Option<String>,
    pub register_book: u16,
    /// The holder's name (the portal shows it masked).
    pub holder_name: Option<String>,
}

/// Handed to the renderer inside the issuing transaction.
#[derive(Debug, Clone)]
pub struct IssueContext {
    pub code: IdCode,
    pub register_number: RegisterNumber,
    /// RFC 3339 UTC.
    pub issued_at: String,
    pub case: CaseRecord,
}

/// A signature the renderer applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSignature {
    /// `seal` (the agency) or `officer`.
    pub role: String,
    pub officer_id: Option<String>,
    pub signer_subject: String,
    pub certificate_sha256: String,
}

/// What the renderer produced: the signed PDF, already in the blob store.
#[derive(Debug, Clone)]
pub struct RenderedCopy {
    pub pdf_blob: String,
    pub pdf_sha256: String,
    pub page_sha256: Vec<String>,
    pub signatures: Vec<NewSignature>,
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = copies)]
struct CopyRow {
    code: String,
    case_id: String,
    register_year: i32,
    register_book: i32,
    register_seq: i64,
    register_number: String,
    document_type: String,
    holder_name: Option<String>,
    issued_at: String,
    state: String,
    version: i64,
    pdf_blob: String,
    pdf_sha256: String,
    page_sha256: String,
}

/// An issued copy.
#[derive(Debug, Clone, Serialize)]
pub struct CopyRecord {
    pub code: IdCode,
    pub case_id: String,
    pub register_number: RegisterNumber,
    pub document_type: DocumentType,
    pub holder_name: Option<String>,
    pub issued_at: String,
    pub state: CopyState,
    pub version: i64,
    pub pdf_blob: String,
    pub pdf_sha256: String,
    pub page_sha256: Vec<String>,
}

impl TryFrom<CopyRow> for CopyRecord {
    type Error = RegistryError;
    fn try_from(r: CopyRow) -> Result<CopyRecord, RegistryError> {
        let seq = u64::try_from(r.register_seq).map_err(|_| RegistryError::Corrupt {
            what: "register number",
            problem: r.register_seq.to_string(),
        })?;
        let book = u16::try_from(r.register_book).map_err(|_| RegistryError::Corrupt {
            what: "register book",
            problem: r.register_book.to_string(),
        })?;
        Ok(CopyRecord {
            code: parse_stored("identification code", &r.code)?,
            register_number: RegisterNumber::new(r.register_year, book, seq),
            document_type: parse_stored("document type", &r.document_type)?,
            state: parse_stored("copy state", &r.state)?,
            page_sha256: from_json("page digests", &r.page_sha256)?,
            case_id: r.case_id,
            holder_name: r.holder_name,
            issued_at: r.issued_at,
            version: r.version,
            pdf_blob: r.pdf_blob,
            pdf_sha256: r.pdf_sha256,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = signatures)]
pub struct SignatureRecord {
    pub id: i64,
    pub copy_code: String,
    pub ordinal: i32,
    pub role: String,
    pub officer_id: Option<String>,
    pub signer_subject: String,
    pub certificate_sha256: String,
    pub signed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = revocations)]
pub struct RevocationRecord {
    pub id: i64,
    pub copy_code: String,
    pub decision_number: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_at: Option<String>,
}

/// Hands out the next number of a book and year. Runs inside the issuing transaction, so a
/// failed issue gives the number back (never skipped) and concurrent issuers queue on the
/// counter row (never reused).
fn next_register_seq(conn: &mut DbConnection, year: i32, book: u16) -> Result<u64, RegistryError> {
    let by_key = register_counters::table
        .filter(register_counters::register_year.eq(year))
        .filter(register_counters::register_book.eq(i32::from(book)));
    let updated = diesel::update(by_key)
        .set(register_counters::last_seq.eq(register_counters::last_seq + 1))
        .execute(conn)?;
    if updated == 0 {
        // First copy of the year in this book. Another issuer may insert the same row at the
        // same moment: its unique key makes one of us fail, and that caller retries.
        diesel::insert_into(register_counters::table)
            .values((
                register_counters::register_year.eq(year),
                register_counters::register_book.eq(i32::from(book)),
                register_counters::last_seq.eq(1i64),
            ))
            .execute(conn)?;
    }
    let seq: i64 = by_key.select(register_counters::last_seq).first(conn)?;
    u64::try_from(seq).map_err(|_| RegistryError::Corrupt {
        what: "register counter",
        problem: seq.to_string(),
    })
}

fn load_copy(conn: &mut DbConnection, code: &IdCode) -> Result<CopyRecord, RegistryError> {
    let row: CopyRow = copies::table
        .filter(copies::code.eq(code.as_str()))
        .select(CopyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| RegistryError::NotFound {
            entity: "copy",
            id: code.to_string(),
        })?;
    row.try_into()
}

fn set_copy_state(
    conn: &mut DbConnection,
    copy: &CopyRecord,
    event: CopyEvent,
    at: &str,
    actor: &str,
    detail: serde_json::Value,
) -> Result<CopyState, RegistryError> {
    let next = copy.state.apply(event)?;
    let n = diesel::update(
        copies::table
            .filter(copies::code.eq(copy.code.as_str()))
            .filter(copies::state.eq(copy.state.as_str()))
            .filter(copies::version.eq(copy.version)),
    )
    .set((
        copies::state.eq(next.as_str()),
        copies::version.eq(copy.version + 1),
    ))
    .execute(conn)?;
    if n != 1 {
        return Err(RegistryError::Conflict {
            entity: "copy",
            id: copy.code.to_string(),
            now: "changed".into(),
        });
    }
    let mut detail = detail;
    if let Some(obj) = detail.as_object_mut() {
        obj.insert("from".into(), copy.state.as_str().into());
        obj.insert("to".into(), next.as_str().into());
    }
    audit::append(
        conn,
        at,
        actor,
        "copy",
        copy.code.as_str(),
        event.as_str(),
        detail,
    )?;
    Ok(next)
}

fn open_revocation(
    conn: &mut DbConnection,
    code: &IdCode,
) -> Result<Option<RevocationRecord>, RegistryError> {
    Ok(revocations::table
        .filter(revocations::copy_code.eq(code.as_str()))
        .filter(revocations::confirmed_at.is_null())
        .filter(revocations::withdrawn_at.is_null())
        .order(revocations::id.desc())
        .select(RevocationRecord::as_select())
        .first(conn)
        .optional()?)
}

const ISSUE_ATTEMPTS: usize = 5;

impl Registry {
    /// Issues a copy: moves the case to `issued` (or `approved`), draws an identification code,
    /// takes the next register number, lets `render` produce and store the signed PDF, and records
    /// copy, signatures and audit entries, all in one transaction. If `render` fails nothing is
    /// recorded and the number is not used up.
    pub fn issue_copy<F, E>(
        &mut self,
        req: &IssueRequest,
        mut render: F,
    ) -> Result<CopyRecord, RegistryError>
    where
        F: FnMut(&IssueContext) -> Result<RenderedCopy, E>,
        E: std::error::Error + Send + Sync + 'static,
    {
        if !matches!(req.event, CaseEvent::AutoIssue | CaseEvent::Approve) {
            return Err(RegistryError::Invalid {
                what: "issue event",
                problem: format!("{} does not issue a copy", req.event),
            });
        }
        if req.event == CaseEvent::Approve && req.officer_id.is_none() {
            return Err(RegistryError::Invalid {
                what: "approval",
                problem: "an approval names the officer who co-signs".into(),
            });
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.issue_once(req, &mut render) {
                // Two first-of-the-year issuers raced to create the counter row: go again.
                Err(RegistryError::Database(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ))) if attempt < ISSUE_ATTEMPTS => continue,
                other => return other,
            }
        }
    }

    fn issue_once<F, E>(
        &mut self,
        req: &IssueRequest,
        render: &mut F,
    ) -> Result<CopyRecord, RegistryError>
    where
        F: FnMut(&IssueContext) -> Result<RenderedCopy, E>,
        E: std::error::Error + Send + Sync + 'static,
    {
        let now_t = time::OffsetDateTime::now_utc();
        let at = truecopy_domain::timefmt::format(now_t);
        let year = register_year(now_t);
        self.conn.write(|conn| {
            let case = load_case(conn, &req.case_id)?;
            check_case_version(&case, req.expected_version)?;
            // Validate the move first: no number is drawn for a case that may not be issued.
            case.state.apply(req.event)?;
            let document_type = case.document_type.ok_or_else(|| RegistryError::Invalid {
                what: "case",
                problem: "no document type was recorded; it cannot be issued".into(),
            })?;
            let seq = next_register_seq(conn, year, req.register_book)?;
            let register_number = RegisterNumber::new(year, req.register_book, seq);
            let code = IdCode::generate(&mut OsRng);
            let case = transition(
                conn,
                &case,
                req.event,
                &at,
                &req.actor,
                req.officer_id.as_deref(),
                serde_json::json!({ "copy": code.as_str(), "register_number": register_number.to_string() }),
            )?;
            let ctx = IssueContext {
                code: code.clone(),
                register_number,
                issued_at: at.clone(),
                case,
            };
            let rendered = render(&ctx).map_err(|e| RegistryError::Render(Box::new(e)))?;
            let row = CopyRow {
                code: code.as_str().to_string(),
                case_id: req.case_id.clone(),
                register_year: year,
                register_book: i32::from(req.register_book),
                register_seq: i64::try_from(seq).map_err(|_| RegistryError::Corrupt {
                    what: "register counter",
                    problem: seq.to_string(),
                })?,
                register_number: register_number.to_string(),
                document_type: document_type.as_str().to_string(),
                holder_name: req.holder_name.clone(),
                issued_at: at.clone(),
                state: CopyState::Valid.as_str().to_string(),
                version: 0,
                pdf_blob: rendered.pdf_blob.clone(),
                pdf_sha256: rendered.pdf_sha256.clone(),
                page_sha256: to_json(&rendered.page_sha256)?,
            };
            diesel::insert_into(copies::table).values(&row).execute(conn)?;
            for (i, s) in rendered.signatures.iter().enumerate() {
                diesel::insert_into(signatures::table)
                    .values((
                        signatures::copy_code.eq(code.as_str()),
                        signatures::ordinal.eq(i as i32 + 1),
                        signatures::role.eq(&s.role),
                        signatures::officer_id.eq(&s.officer_id),
                        signatures::signer_subject.eq(&s.signer_subject),
                        signatures::certificate_sha256.eq(&s.certificate_sha256),
                        signatures::signed_at.eq(&at),
                    ))
                    .execute(conn)?;
            }
            audit::append(
                conn,
                &at,
                &req.actor,
                "copy",
                code.as_str(),
                "issue",
                serde_json::json!({
                    "case": req.case_id,
                    "register_number": register_number.to_string(),
                    "pdf_sha256": rendered.pdf_sha256,
                    "page_sha256": rendered.page_sha256,
                    "signatures": rendered.signatures,
                }),
            )?;
            load_copy(conn, &code)
        })
    }

    pub fn get_copy(&mut self, code: &IdCode) -> Result<CopyRecord, RegistryError> {
        load_copy(&mut self.conn, code)
    }

    /// The copy issued for a case, if any (a case has at most one).
    pub fn copy_of_case(&mut self, case_id: &str) -> Result<Option<CopyRecord>, RegistryError> {
        let row: Option<CopyRow> = copies::table
            .filter(copies::case_id.eq(case_id))
            .select(CopyRow::as_select())
            .first(&mut self.conn)
            .optional()?;
        row.map(CopyRecord::try_from).transpose()
    }

    pub fn get_copy_by_register_number(
        &mut self,
        n: &RegisterNumber,
    ) -> Result<CopyRecord, RegistryError> {
        let row: CopyRow = copies::table
            .filter(copies::register_number.eq(n.to_string()))
            .select(CopyRow::as_select())
            .first(&mut self.conn)
            .optional()?
            .ok_or_else(|| RegistryError::NotFound {
                entity: "copy",
                id: n.to_string(),
            })?;
        row.try_into()
    }

    /// Finds a copy in the whole register, not one month: by identification code, by register
    /// number as printed (`000123/Q01/2026-SCT/BS`), or by sequence number within `year` (digits
    /// alone; found only when one book of that year has it). Answers the copy and the Vietnam
    /// month (year, month) whose register lists it.
    pub fn find_in_register(
        &mut self,
        query: &str,
        year: i32,
    ) -> Result<Option<(CopyRecord, i32, u8)>, RegistryError> {
        let q = query.trim();
        let found = if let Ok(code) = IdCode::parse(q) {
            match self.get_copy(&code) {
                Ok(c) => Some(c),
                Err(RegistryError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            }
        } else if let Ok(n) = q.parse::<RegisterNumber>() {
            match self.get_copy_by_register_number(&n) {
                Ok(c) => Some(c),
                Err(RegistryError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            }
        } else if !q.is_empty() && q.len() <= 18 && q.bytes().all(|b| b.is_ascii_digit()) {
            let seq: i64 = q.parse().map_err(|_| RegistryError::NotFound {
                entity: "copy",
                id: q.to_owned(),
            })?;
            let mut rows: Vec<CopyRow> = copies::table
                .filter(copies::register_year.eq(year))
                .filter(copies::register_seq.eq(seq))
                .select(CopyRow::as_select())
                .limit(2)
                .load(&mut self.conn)?;
            if rows.len() == 1 {
                rows.pop().map(CopyRecord::try_from).transpose()?
            } else {
                None
            }
        } else {
            None
        };
        found
            .map(|c| {
                let d = vietnam_date(&c.issued_at)?;
                let (y, m) = (d.year(), u8::from(d.month()));
                Ok((c, y, m))
            })
            .transpose()
    }

    /// Copies of a register book and year, in number order.
    pub fn list_register(
        &mut self,
        year: i32,
        book: u16,
    ) -> Result<Vec<CopyRecord>, RegistryError> {
        let rows: Vec<CopyRow> = copies::table
            .filter(copies::register_year.eq(year))
            .filter(copies::register_book.eq(i32::from(book)))
            .order(copies::register_seq.asc())
            .select(CopyRow::as_select())
            .load(&mut self.conn)?;
        rows.into_iter().map(CopyRecord::try_from).collect()
    }

    pub fn copy_signatures(
        &mut self,
        code: &IdCode,
    ) -> Result<Vec<SignatureRecord>, RegistryError> {
        Ok(signatures::table
            .filter(signatures::copy_code.eq(code.as_str()))
            .order(signatures::ordinal.asc())
            .select(SignatureRecord::as_select())
            .load(&mut self.conn)?)
    }

    pub fn copy_revocations(
        &mut self,
        code: &IdCode,
    ) -> Result<Vec<RevocationRecord>, RegistryError> {
        Ok(revocations::table
            .filter(revocations::copy_code.eq(code.as_str()))
            .order(revocations::id.asc())
            .select(RevocationRecord::as_select())
            .load(&mut self.conn)?)
    }

    /// First step of a revocation: an officer asks, citing the cancellation decision.
    pub fn request_revocation(
        &mut self,
        code: &IdCode,
        decision_number: &str,
        reason: &str,
        officer_id: &str,
    ) -> Result<RevocationRecord, RegistryError> {
        for (what, v) in [("decision number", decision_number), ("reason", reason)] {
            if v.trim().is_empty() || v.chars().count() > 500 {
                return Err(RegistryError::Invalid {
                    what,
                    problem: "must be 1 to 500 characters".into(),
                });
            }
        }
        let at = now();
        let actor = format!("officer:{officer_id}");
        self.conn.write(|conn| {
            crate::officer::require_officer(conn, officer_id)?;
            let copy = load_copy(conn, code)?;
            set_copy_state(
                conn,
                &copy,
                CopyEvent::RequestRevocation,
                &at,
                &actor,
                serde_json::json!({ "decision_number": decision_number, "reason": reason }),
            )?;
            diesel::insert_into(revocations::table)
                .values((
                    revocations::copy_code.eq(code.as_str()),
                    revocations::decision_number.eq(decision_number),
                    revocations::reason.eq(reason),
                    revocations::requested_by.eq(officer_id),
                    revocations::requested_at.eq(&at),
                ))
                .execute(conn)?;
            open_revocation(conn, code)?.ok_or_else(|| RegistryError::NotFound {
                entity: "revocation",
                id: code.to_string(),
            })
        })
    }

    /// Second step: another officer confirms, and the copy is revoked.
    pub fn confirm_revocation(
        &mut self,
        code: &IdCode,
        officer_id: &str,
    ) -> Result<RevocationRecord, RegistryError> {
        self.close_revocation(code, officer_id, CopyEvent::ConfirmRevocation)
    }

    /// Withdraws a pending request; the copy is valid again.
    pub fn withdraw_revocation(
        &mut self,
        code: &IdCode,
        officer_id: &str,
    ) -> Result<RevocationRecord, RegistryError> {
        self.close_revocation(code, officer_id, CopyEvent::WithdrawRevocation)
    }

    fn close_revocation(
        &mut self,
        code: &IdCode,
        officer_id: &str,
        event: CopyEvent,
    ) -> Result<RevocationRecord, RegistryError> {
        let at = now();
        let actor = format!("officer:{officer_id}");
        self.conn.write(|conn| {
            crate::officer::require_officer(conn, officer_id)?;
            let copy = load_copy(conn, code)?;
            // The state machine speaks first: confirming a valid copy is an illegal move.
            copy.state.apply(event)?;
            let rev = open_revocation(conn, code)?.ok_or_else(|| RegistryError::NotFound {
                entity: "revocation request",
                id: code.to_string(),
            })?;
            if event == CopyEvent::ConfirmRevocation {
                four_eyes(&rev.requested_by, officer_id)?;
            }
            set_copy_state(
                conn,
                &copy,
                event,
                &at,
                &actor,
                serde_json::json!({ "revocation": rev.id, "decision_number": rev.decision_number }),
            )?;
            let target = revocations::table.filter(revocations::id.eq(rev.id));
            if event == CopyEvent::ConfirmRevocation {
                diesel::update(target)
                    .set((
                        revocations::confirmed_by.eq(officer_id),
                        revocations::confirmed_at.eq(&at),
                    ))
                    .execute(conn)?;
            } else {
                diesel::update(target)
                    .set((
                        revocations::withdrawn_by.eq(officer_id),
                        revocations::withdrawn_at.eq(&at),
                    ))
                    .execute(conn)?;
            }
            Ok(revocations::table
                .filter(revocations::id.eq(rev.id))
                .select(RevocationRecord::as_select())
                .first(conn)?)
        })
    }
}

/// A copy as the public portal shows it: the record, its signatures in order, and the
/// confirmed revocation when it is revoked.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCopy {
    pub copy: CopyRecord,
    pub signatures: Vec<SignatureRecord>,
    pub revocation: Option<RevocationRecord>,
}

impl Registry {
    /// The copy with its signatures and, if revoked, the confirmed revocation; `None` when the
    /// code is not in the register. Reads only, in one query (the copy by its key, left-joined
    /// with its signatures and its confirmed revocations, all by index), so the three parts are
    /// read together and a lookup costs one round trip.
    ///
    /// The query runs on the backend's own connection rather than through the multi-backend
    /// [`DbConnection`]: the latter serialises the whole statement to SQL text on every run
    /// (twice: once to decide whether it may be cached, once to bind), which cost about half
    /// of a portal lookup's CPU; the backend's connection finds its prepared statement by the
    /// query's type and only collects the bind value.
    pub fn public_copy(&mut self, code: &IdCode) -> Result<Option<PublicCopy>, RegistryError> {
        macro_rules! query {
            () => {
                copies::table
                    .left_join(signatures::table)
                    .left_join(
                        revocations::table.on(revocations::copy_code
                            .eq(copies::code)
                            .and(revocations::confirmed_at.is_not_null())),
                    )
                    .filter(copies::code.eq(code.as_str()))
                    .order((signatures::ordinal.asc(), revocations::id.desc()))
                    .select((
                        CopyRow::as_select(),
                        Option::<SignatureRecord>::as_select(),
                        Option::<RevocationRecord>::as_select(),
                    ))
            };
        }
        type Row = (CopyRow, Option<SignatureRecord>, Option<RevocationRecord>);
        let rows: Vec<Row> = match &mut self.conn {
            DbConnection::Sqlite(c) => query!().load(c)?,
            DbConnection::Postgres(c) => query!().load(c)?,
        };
        let mut rows = rows.into_iter();
        let Some((row, first_sig, first_rev)) = rows.next() else {
            return Ok(None);
        };
        let copy = CopyRecord::try_from(row)?;
        // One row per (signature, confirmed revocation): signatures come in order, each
        // repeated once per revocation; the latest confirmed revocation counts.
        let mut signatures: Vec<SignatureRecord> = first_sig.into_iter().collect();
        let mut revocation = first_rev;
        for (_, sig, rev) in rows {
            if let Some(s) = sig
                && signatures.last().is_none_or(|last| last.id != s.id)
            {
                signatures.push(s);
            }
            if let Some(r) = rev
                && revocation.as_ref().is_none_or(|best| r.id > best.id)
            {
                revocation = Some(r);
            }
        }
        if copy.state != CopyState::Revoked {
            revocation = None;
        }
        Ok(Some(PublicCopy {
            copy,
            signatures,
            revocation,
        }))
    }

    /// [`Registry::public_copy`] for several codes in one query (`WHERE copies.code = ANY(…)`
    /// on PostgreSQL, `IN (…)` on SQLite): the same answer per code, keyed by code; codes not
    /// in the register are absent, and a code given twice is read once. The same left joins,
    /// ordered so that the rows of one copy are contiguous (by code, then signatures in order,
    /// then the latest revocation first), and run on the backend's own connection for the
    /// reason given at [`Registry::public_copy`]. For the portal, which answers the lookups
    /// that arrive together with one round trip.
    ///
    /// The outer error is the query's (the database not answering); a copy whose row cannot be
    /// read is an error for that code alone, so one bad row never fails the others' lookups.
    pub fn public_copies(
        &mut self,
        codes: &[IdCode],
    ) -> Result<std::collections::HashMap<IdCode, Result<PublicCopy, RegistryError>>, RegistryError>
    {
        use std::collections::HashMap;
        if codes.is_empty() {
            return Ok(HashMap::new());
        }
        let mut wanted: Vec<&str> = codes.iter().map(IdCode::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        macro_rules! query {
            () => {
                copies::table
                    .left_join(signatures::table)
                    .left_join(
                        revocations::table.on(revocations::copy_code
                            .eq(copies::code)
                            .and(revocations::confirmed_at.is_not_null())),
                    )
                    .filter(copies::code.eq_any(wanted.iter().copied()))
                    .order((
                        copies::code.asc(),
                        signatures::ordinal.asc(),
                        revocations::id.desc(),
                    ))
                    .select((
                        CopyRow::as_select(),
                        Option::<SignatureRecord>::as_select(),
                        Option::<RevocationRecord>::as_select(),
                    ))
            };
        }
        type Row = (CopyRow, Option<SignatureRecord>, Option<RevocationRecord>);
        type Gathered = (String, Result<PublicCopy, RegistryError>);
        let rows: Vec<Row> = match &mut self.conn {
            DbConnection::Sqlite(c) => query!().load(c)?,
            DbConnection::Postgres(c) => query!().load(c)?,
        };
        let mut out: HashMap<IdCode, Result<PublicCopy, RegistryError>> =
            HashMap::with_capacity(wanted.len());
        // The copy being gathered: its rows are contiguous, so it is done when the code changes.
        let mut current: Option<Gathered> = None;
        let finish = |out: &mut HashMap<IdCode, Result<PublicCopy, RegistryError>>,
                      (code, pc): Gathered| {
            // Keyed by the code as asked (the row's own code may be what failed to read).
            let Some(key) = codes.iter().find(|c| c.as_str() == code) else {
                return;
            };
            let pc = pc.map(|mut pc| {
                if pc.copy.state != CopyState::Revoked {
                    pc.revocation = None;
                }
                pc
            });
            out.insert(key.clone(), pc);
        };
        for (row, sig, rev) in rows {
            if current.as_ref().is_none_or(|(code, _)| *code != row.code) {
                if let Some(done) = current.take() {
                    finish(&mut out, done);
                }
                let code = row.code.clone();
                let pc = CopyRecord::try_from(row).map(|copy| PublicCopy {
                    copy,
                    signatures: Vec::new(),
                    revocation: None,
                });
                current = Some((code, pc));
            }
            let Some((_, Ok(pc))) = current.as_mut() else {
                continue;
            };
            // As in `public_copy`: one row per (signature, confirmed revocation); signatures
            // come in order, each repeated once per revocation; the latest confirmed one counts.
            if let Some(s) = sig
                && pc.signatures.last().is_none_or(|last| last.id != s.id)
            {
                pc.signatures.push(s);
            }
            if let Some(r) = rev
                && pc.revocation.as_ref().is_none_or(|best| r.id > best.id)
            {
                pc.revocation = Some(r);
            }
        }
        if let Some(done) = current {
            finish(&mut out, done);
        }
        Ok(out)
    }
}

/// The officer who co-signed a copy, as the register prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoSigner {
    pub officer_id: String,
    /// From the officers table; the certificate's subject when the officer is not (any more)
    /// on record.
    pub full_name: String,
    pub title: String,
}

/// One line of the monthly register (sổ chứng thực): a copy issued in the month.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterEntry {
    pub register_number: RegisterNumber,
    /// RFC 3339 UTC, as stored.
    pub issued_at: String,
    /// The date of issue in Vietnam (UTC+7), `YYYY-MM-DD`: the date the register records.
    pub issued_on: String,
    pub code: IdCode,
    pub document_type: DocumentType,
    /// Subject of the agency seal's certificate (`None` if no seal signature was recorded).
    pub seal_subject: Option<String>,
    /// The officer who co-signed (approved flagged cases); `None` for automatic issues.
    pub cosigner: Option<CoSigner>,
    pub state: CopyState,
    /// The cancellation decision: the confirmed one when revoked, the pending one when
    /// revocation is requested.
    pub revocation_decision: Option<String>,
}

/// Vietnam's offset (UTC+7, no daylight saving time).
pub(crate) const VIETNAM: time::UtcOffset = time::macros::offset!(+7);

/// The instant a day starts in Vietnam, in the stored format.
pub(crate) fn vietnam_midnight(d: time::Date) -> String {
    truecopy_domain::timefmt::format(d.midnight().assume_offset(VIETNAM))
}

/// The date in Vietnam of a stored timestamp.
pub(crate) fn vietnam_date(stored: &str) -> Result<time::Date, RegistryError> {
    truecopy_domain::timefmt::parse(stored)
        .map(|t| t.to_offset(VIETNAM).date())
        .map_err(|e| RegistryError::Corrupt {
            what: "timestamp",
            problem: format!("{stored:?}: {e}"),
        })
}

/// `[start, end)` of a calendar month in Vietnam, as stored timestamps.
fn month_window(year: i32, month: u8) -> Result<(String, String), RegistryError> {
    let bad = || RegistryError::Invalid {
        what: "month",
        problem: format!(
            "{year:04}-{month:02} is not a month (years 2000 to 9998, months 1 to 12)"
        ),
    };
    if !(2000..=9998).contains(&year) {
        return Err(bad());
    }
    let m = time::Month::try_from(month).map_err(|_| bad())?;
    let first = time::Date::from_calendar_date(year, m, 1).map_err(|_| bad())?;
    let (ny, nm) = if m == time::Month::December {
        (year + 1, time::Month::January)
    } else {
        (year, m.next())
    };
    let next = time::Date::from_calendar_date(ny, nm, 1).map_err(|_| bad())?;
    Ok((vietnam_midnight(first), vietnam_midnight(next)))
}

impl Registry {
    /// The register of one calendar month: every copy issued in it, in register-number order
    /// (book, then number), with who signed and its state.
    ///
    /// The month is the month **in Vietnam (UTC+7)**, because the register year and the date
    /// printed in the certification statement are Vietnamese dates too: a copy issued at
    /// 00:30 on 1 December in Hanoi (17:30 UTC on 30 November) belongs to December.
    ///
    /// Reads with four queries whatever the number of copies (copies, their signatures, their
    /// revocations, the officers).
    pub fn register_month(
        &mut self,
        year: i32,
        month: u8,
    ) -> Result<Vec<RegisterEntry>, RegistryError> {
        use std::collections::HashMap;
        let (start, end) = month_window(year, month)?;
        let in_month = copies::issued_at.ge(start).and(copies::issued_at.lt(end));
        let rows: Vec<CopyRow> = copies::table
            .filter(in_month.clone())
            .order((
                copies::register_year.asc(),
                copies::register_book.asc(),
                copies::register_seq.asc(),
            ))
            .select(CopyRow::as_select())
            .load(&mut self.conn)?;
        let sigs: Vec<SignatureRecord> = signatures::table
            .inner_join(copies::table)
            .filter(in_month.clone())
            .order((signatures::copy_code.asc(), signatures::ordinal.asc()))
            .select(SignatureRecord::as_select())
            .load(&mut self.conn)?;
        let revs: Vec<RevocationRecord> = revocations::table
            .inner_join(copies::table)
            .filter(in_month)
            .order(revocations::id.asc())
            .select(RevocationRecord::as_select())
            .load(&mut self.conn)?;
        let officers: HashMap<String, crate::OfficerRecord> = self
            .list_officers()?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        let mut sigs_by: HashMap<String, Vec<SignatureRecord>> = HashMap::new();
        for s in sigs {
            sigs_by.entry(s.copy_code.clone()).or_default().push(s);
        }
        let mut revs_by: HashMap<String, Vec<RevocationRecord>> = HashMap::new();
        for r in revs {
            revs_by.entry(r.copy_code.clone()).or_default().push(r);
        }
        rows.into_iter()
            .map(|row| {
                let copy = CopyRecord::try_from(row)?;
                let sigs = sigs_by.remove(copy.code.as_str()).unwrap_or_default();
                let seal_subject = sigs
                    .iter()
                    .find(|s| s.role == "seal")
                    .map(|s| s.signer_subject.clone());
                let cosigner = sigs.iter().find(|s| s.role == "officer").map(|s| {
                    let id = s.officer_id.clone().unwrap_or_default();
                    match officers.get(&id) {
                        Some(o) => CoSigner {
                            officer_id: id,
                            full_name: o.full_name.clone(),
                            title: o.title.clone(),
                        },
                        None => CoSigner {
                            officer_id: id,
                            full_name: s.signer_subject.clone(),
                            title: String::new(),
                        },
                    }
                });
                let revs = revs_by.remove(copy.code.as_str()).unwrap_or_default();
                let revocation_decision = match copy.state {
                    CopyState::Valid => None,
                    CopyState::Revoked => revs.iter().rev().find(|r| r.confirmed_at.is_some()),
                    CopyState::RevocationRequested => revs
                        .iter()
                        .rev()
                        .find(|r| r.confirmed_at.is_none() && r.withdrawn_at.is_none()),
                }
                .map(|r| r.decision_number.clone());
                Ok(RegisterEntry {
                    issued_on: vietnam_date(&copy.issued_at)?.to_string(),
                    register_number: copy.register_number,
                    issued_at: copy.issued_at,
                    code: copy.code,
                    document_type: copy.document_type,
                    seal_subject,
                    cosigner,
                    state: copy.state,
                    revocation_decision,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod month_tests {
    use super::*;

    #[test]
    fn month_window_is_vietnam_time() {
        let (a, b) = month_window(2026, 12).unwrap();
        assert_eq!(a, "2026-11-30T17:00:00.000Z");
        assert_eq!(b, "2026-12-31T17:00:00.000Z");
        let (a, b) = month_window(2026, 2).unwrap();
        assert_eq!(a, "2026-01-31T17:00:00.000Z");
        assert_eq!(b, "2026-02-28T17:00:00.000Z");
    }

    #[test]
    fn bad_months_are_refused() {
        for (y, m) in [(2026, 0), (2026, 13), (1999, 5), (9999, 1)] {
            assert!(matches!(
                month_window(y, m),
                Err(RegistryError::Invalid { what: "month", .. })
            ));
        }
    }

    #[test]
    fn vietnam_dates() {
        assert_eq!(
            vietnam_date("2026-11-30T17:00:00.000Z")
                .unwrap()
                .to_string(),
            "2026-12-01"
        );
        assert_eq!(
            vietnam_date("2026-11-30T16:59:59.999Z")
                .unwrap()
                .to_string(),
            "2026-11-30"
        );
        assert!(vietnam_date("yesterday").is_err());
    }
}
