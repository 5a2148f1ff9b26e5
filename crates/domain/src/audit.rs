//! The audit log's hash chain.
//!
//! Every state change is appended as an [`AuditEntry`] carrying the SHA-256 of the entry before it
//! (`prev_hash`); its own `hash` covers all its fields, `prev_hash` included. Editing, deleting or
//! reordering any stored entry breaks the chain at that entry, which [`verify_chain`] names.
//! The registry also keeps the head (last sequence number and hash) so that cutting entries off the
//! end is seen too.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    /// RFC 3339 UTC, see [`crate::timefmt`].
    pub at: String,
    /// Who: `officer:<id>`, `kiosk:<id>`, `system`.
    pub actor: String,
    /// What kind of thing changed: `case`, `copy`, `officer`, …
    pub entity_type: String,
    pub entity_id: String,
    /// What happened (an event name of the state machines, or `create`).
    pub action: String,
    /// JSON text with the particulars.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Computes the hash an entry must carry. `fields` are, in order: at, actor, entity_type,
/// entity_id, action, detail, prev_hash.
pub fn entry_hash(seq: i64, fields: [&str; 7]) -> String {
    let mut h = Sha256::new();
    h.update(b"truecopy-audit-v1\n");
    h.update(seq.to_be_bytes());
    for field in fields {
        // Length-prefixed, so that no two different entries serialize alike.
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditEntry {
    /// Builds the entry that follows `prev` (or the first one when `prev` is `None`).
    pub fn next(
        prev: Option<(i64, &str)>,
        at: String,
        actor: String,
        entity_type: String,
        entity_id: String,
        action: String,
        detail: String,
    ) -> AuditEntry {
        let (seq, prev_hash) = match prev {
            Some((seq, hash)) => (seq + 1, hash.to_string()),
            None => (1, GENESIS_HASH.to_string()),
        };
        let hash = entry_hash(
            seq,
            [
                &at,
                &actor,
                &entity_type,
                &entity_id,
                &action,
                &detail,
                &prev_hash,
            ],
        );
        AuditEntry {
            seq,
            at,
            actor,
            entity_type,
            entity_id,
            action,
            detail,
            prev_hash,
            hash,
        }
    }

    /// The hash this entry's fields call for.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            self.seq,
            [
                &self.at,
                &self.actor,
                &self.entity_type,
                &self.entity_id,
                &self.action,
                &self.detail,
                &self.prev_hash,
            ],
        )
    }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainBreak {
    #[error("audit record {seq}: its contents do not match its hash (edited)")]
    HashMismatch { seq: i64 },
    #[error(
        "audit record {seq}: it does not point to the hash of record {prev} (edited, removed or reordered)"
    )]
    BrokenLink { seq: i64, prev: i64 },
    #[error(
        "audit record {seq} changed since it was last verified (its stored hash is not the one verified)"
    )]
    Rewritten { seq: i64 },
    #[error("audit record {expected} is missing (found {found} next)")]
    Gap { expected: i64, found: i64 },
    #[error(
        "the log ends at record {last} but its head says {head} (records cut off the end, or the head edited)"
    )]
    HeadMismatch { last: i64, head: i64 },
}

impl ChainBreak {
    /// The first record that is not trustworthy.
    pub fn first_broken_seq(&self) -> i64 {
        match self {
            ChainBreak::HashMismatch { seq }
            | ChainBreak::BrokenLink { seq, .. }
            | ChainBreak::Rewritten { seq } => *seq,
            ChainBreak::Gap { expected, .. } => *expected,
            ChainBreak::HeadMismatch { last, head } => (*last).min(*head) + 1,
        }
    }
}

/// Incremental verifier: feed entries in `seq` order, then [`ChainVerifier::finish`] with the head.
#[derive(Debug, Default)]
pub struct ChainVerifier {
    last: Option<(i64, String)>,
    count: u64,
}

impl ChainVerifier {
    pub fn new() -> ChainVerifier {
        ChainVerifier::default()
    }

    /// Continues a chain already verified up to record `seq` whose hash is `hash`: the next
    /// record must be `seq + 1` and point to `hash`. Counts only the records pushed from here.
    pub fn resume(seq: i64, hash: &str) -> ChainVerifier {
        ChainVerifier {
            last: (seq > 0).then(|| (seq, hash.to_owned())),
            count: 0,
        }
    }

    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        let (expected_seq, expected_prev) = match &self.last {
            Some((seq, hash)) => (seq + 1, hash.as_str()),
            None => (1, GENESIS_HASH),
        };
        if e.seq != expected_seq {
            return Err(ChainBreak::Gap {
                expected: expected_seq,
                found: e.seq,
            });
        }
        if e.expected_hash() != e.hash {
            return Err(ChainBreak::HashMismatch { seq: e.seq });
        }
        if e.prev_hash != expected_prev {
            return Err(ChainBreak::BrokenLink {
                seq: e.seq,
                prev: expected_seq - 1,
            });
        }
        self.last = Some((e.seq, e.hash.clone()));
        self.count += 1;
        Ok(())
    }

    /// Checks the stored head (`None` when the log is empty) against what was read.
    pub fn finish(self, head: Option<(i64, &str)>) -> Result<u64, ChainBreak> {
        let last_seq = self.last.as_ref().map(|l| l.0).unwrap_or(0);
        match (head, &self.last) {
            (None, None) => Ok(0),
            (Some((hs, hh)), Some((ls, lh))) if hs == *ls && hh == lh => Ok(self.count),
            (head, _) => Err(ChainBreak::HeadMismatch {
                last: last_seq,
                head: head.map(|h| h.0).unwrap_or(0),
            }),
        }
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    head: Option<(i64, &str)>,
) -> Result<u64, ChainBreak> {
    let mut v = ChainVerifier::new();
    for e in entries {
        v.push(e)?;
    }
    v.finish(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            let e = AuditEntry::next(
                prev,
                format!("2026-11-25T12:00:{i:02}.000Z"),
                "system".into(),
                "case".into(),
                format!("c{i}"),
                "create".into(),
                "{}".into(),
            );
            out.push(e);
        }
        out
    }

    fn head(c: &[AuditEntry]) -> Option<(i64, &str)> {
        c.last().map(|e| (e.seq, e.hash.as_str()))
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify_chain(&c, head(&c)), Ok(5));
        assert_eq!(verify_chain(&[], None), Ok(0));
        assert_eq!(c[0].prev_hash, GENESIS_HASH);
        assert_eq!(c[1].prev_hash, c[0].hash);
    }

    #[test]
    fn edited_field_is_named() {
        let mut c = chain(5);
        c[2].detail = "{\"x\":1}".into();
        let h = head(&c).map(|(s, h)| (s, h.to_string()));
        let h = h.as_ref().map(|(s, h)| (*s, h.as_str()));
        assert_eq!(
            verify_chain(&c, h),
            Err(ChainBreak::HashMismatch { seq: 3 })
        );
    }

    #[test]
    fn rehashed_edit_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].actor = "officer:mallory".into();
        c[2].hash = c[2].expected_hash();
        let h = head(&c).map(|(s, h)| (s, h.to_string()));
        let h = h.as_ref().map(|(s, h)| (*s, h.as_str()));
        assert_eq!(
            verify_chain(&c, h),
            Err(ChainBreak::BrokenLink { seq: 4, prev: 3 })
        );
    }

    #[test]
    fn removed_and_truncated_entries_are_seen() {
        let c = chain(5);
        let full_head = head(&c).map(|(s, h)| (s, h.to_string()));
        let fh = full_head.as_ref().map(|(s, h)| (*s, h.as_str()));
        let mut gap = c.clone();
        gap.remove(1);
        assert_eq!(
            verify_chain(&gap, fh),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );
        let cut = &c[..3];
        let err = verify_chain(cut, fh);
        assert_eq!(err, Err(ChainBreak::HeadMismatch { last: 3, head: 5 }));
        assert_eq!(err.map_err(|e| e.first_broken_seq()), Err(4));
    }

    #[test]
    fn field_boundaries_matter() {
        let a = entry_hash(1, ["t", "ab", "c", "", "", "", GENESIS_HASH]);
        let b = entry_hash(1, ["t", "a", "bc", "", "", "", GENESIS_HASH]);
        assert_ne!(a, b);
    }
}
