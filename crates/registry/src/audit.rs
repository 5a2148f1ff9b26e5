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
    /// The first break, if any.
    pub broken: Option<ChainBreak>,
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
        let kind = self.conn.kind();
        self.conn.transaction(|conn| {
            if kind == BackendKind::Postgres {
                diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(conn)?;
            }
            let mut v = ChainVerifier::new();
            let mut verified = 0u64;
            let mut after = 0i64;
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
                        return Ok(AuditReport {
                            verified,
                            broken: Some(b),
                        });
                    }
                    verified += 1;
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
            Ok(match v.finish(head) {
                Ok(_) => AuditReport {
                    verified,
                    broken: None,
                },
                Err(b) => AuditReport {
                    verified,
                    broken: Some(b),
                },
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
