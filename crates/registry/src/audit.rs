//! The hash-chained audit log: appended in the same transaction as every state change.

use diesel::prelude::*;
use serde::Serialize;
use truecopy_domain::audit::{AuditEntry, ChainBreak, ChainVerifier};

use crate::db::{BackendKind, DbConnection};
use crate::schema::{audit_head, audit_log};
use crate::{Registry, RegistryError};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    entity_type: String,
    entity_id: String,
    action: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            action: r.action,
            detail: r.detail,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Appends one entry. Must run inside a write transaction: the update of the head row takes its
/// lock first, so concurrent appenders queue and the chain never forks.
pub(crate) fn append(
    conn: &mut DbConnection,
    at: &str,
    actor: &str,
    entity_type: &str,
    entity_id: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<AuditEntry, RegistryError> {
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set(audit_head::seq.eq(audit_head::seq))
        .execute(conn)?;
    let (seq, hash): (i64, String) = audit_head::table
        .filter(audit_head::id.eq(1))
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    let prev = (seq > 0).then_some((seq, hash.as_str()));
    let e = AuditEntry::next(
        prev,
        at.to_string(),
        actor.to_string(),
        entity_type.to_string(),
        entity_id.to_string(),
        action.to_string(),
        detail.to_string(),
    );
    diesel::insert_into(audit_log::table)
        .values(AuditRow {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor.clone(),
            entity_type: e.entity_type.clone(),
            entity_id: e.entity_id.clone(),
            action: e.action.clone(),
            detail: e.detail.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        })
        .execute(conn)?;
    diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
        .set((audit_head::seq.eq(e.seq), audit_head::hash.eq(&e.hash)))
        .execute(conn)?;
    Ok(e)
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Records read and found sound (up to the first break).
    pub verified: u64,
    /// Records read by this verification (all of them, or those after a checkpoint).
    pub read_now: u64,
    /// The first break, if any.
    pub broken: Option<ChainBreak>,
}

/// Where an intact verification ended: resume from here with [`Registry::audit_verify_since`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheckpoint {
    pub seq: i64,
    pub hash: String,
    /// Records verified up to and including `seq`.
    pub verified: u64,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

const PAGE: i64 = 1000;

impl Registry {
    /// Recomputes the whole chain on one consistent snapshot and names the first broken record.
    pub fn audit_verify(&mut self) -> Result<AuditReport, RegistryError> {
        Ok(self.audit_verify_since(None)?.0)
    }

    /// Verifies the chain from a checkpoint an earlier verification returned (the whole chain
    /// when `None`), on one consistent snapshot. From a checkpoint it checks that the
    /// checkpoint's record still carries the hash verified then, that every later record chains
    /// on, and that the head matches: records appended since are verified, and a rewrite that
    /// reaches the checkpoint's record is caught. An edit of an older record that leaves every
    /// later hash alone is caught only by a whole verification, so callers verify the whole
    /// chain first (e.g. once a session) and resume after that.
    ///
    /// Answers the report (`verified` counts the checkpoint's records too) and, when the chain
    /// is intact, the checkpoint to resume from next time.
    pub fn audit_verify_since(
        &mut self,
        from: Option<&AuditCheckpoint>,
    ) -> Result<(AuditReport, Option<AuditCheckpoint>), RegistryError> {
        let kind = self.conn.kind();
        self.conn.transaction(|conn| {
            if kind == BackendKind::Postgres {
                diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(conn)?;
            }
            let (mut v, base, mut after) = match from {
                None => (ChainVerifier::new(), 0u64, 0i64),
                Some(c) => {
                    let stored: Option<String> = audit_log::table
                        .filter(audit_log::seq.eq(c.seq))
                        .select(audit_log::hash)
                        .first(conn)
                        .optional()?;
                    if stored.as_deref() != Some(c.hash.as_str()) {
                        let report = AuditReport {
                            verified: 0,
                            read_now: 1,
                            broken: Some(ChainBreak::Rewritten { seq: c.seq }),
                        };
                        return Ok((report, None));
                    }
                    (ChainVerifier::resume(c.seq, &c.hash), c.verified, c.seq)
                }
            };
            let mut read_now = 0u64;
            let mut last = from.map(|c| (c.seq, c.hash.clone()));
            loop {
                let rows: Vec<AuditRow> = audit_log::table
                    .filter(audit_log::seq.gt(after))
                    .order(audit_log::seq.asc())
                    .limit(PAGE)
                    .select(AuditRow::as_select())
                    .load(conn)?;
                let n = rows.len();
                for r in rows {
                    after = r.seq;
                    let e = AuditEntry::from(r);
                    if let Err(b) = v.push(&e) {
                        let report = AuditReport {
                            verified: base + read_now,
                            read_now: read_now + 1,
                            broken: Some(b),
                        };
                        return Ok((report, None));
                    }
                    read_now += 1;
                    last = Some((e.seq, e.hash));
                }
                if (n as i64) < PAGE {
                    break;
                }
            }
            let (seq, hash): (i64, String) = audit_head::table
                .filter(audit_head::id.eq(1))
                .select((audit_head::seq, audit_head::hash))
                .first(conn)?;
            let head = (seq > 0).then_some((seq, hash.as_str()));
            let verified = base + read_now;
            Ok(match v.finish(head) {
                Ok(_) => (
                    AuditReport {
                        verified,
                        read_now,
                        broken: None,
                    },
                    last.map(|(seq, hash)| AuditCheckpoint {
                        seq,
                        hash,
                        verified,
                    }),
                ),
                Err(b) => (
                    AuditReport {
                        verified,
                        read_now,
                        broken: Some(b),
                    },
                    None,
                ),
            })
        })
    }

    /// The audit entries about one entity, oldest first.
    pub fn audit_trail(
        &mut self,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>, RegistryError> {
        let rows: Vec<AuditRow> = audit_log::table
            .filter(audit_log::entity_type.eq(entity_type))
            .filter(audit_log::entity_id.eq(entity_id))
            .order(audit_log::seq.asc())
            .select(AuditRow::as_select())
            .load(&mut self.conn)?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// Number of audit entries.
    pub fn audit_len(&mut self) -> Result<i64, RegistryError> {
        Ok(audit_log::table.count().get_result(&mut self.conn)?)
    }
}
