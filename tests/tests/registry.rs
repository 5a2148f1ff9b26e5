//! The system of record on both backends: migrations, register numbers, state machines,
//! four-eyes revocation, and the audit chain's break detection.

use std::sync::{Arc, Barrier};

use truecopy_domain::audit::ChainBreak;
use truecopy_domain::{CaseEvent, CaseState, CopyState, Decision, IdCode};
use truecopy_registry::{Registry, RegistryError};
use truecopy_tests::both_backends;
use truecopy_tests::fixtures::{auto_issue, checked_case, placeholder_render, seed};

fn table_exists(db: &truecopy_tests::TestDb, table: &str) -> bool {
    let mut conn = truecopy_registry::DbConnection::open(&db.url()).expect("connect");
    use diesel::RunQueryDsl;
    diesel::sql_query(format!("SELECT 1 FROM {table} LIMIT 1"))
        .execute(&mut conn)
        .is_ok()
}

both_backends! {
    fn migrations_run_up_and_down(db) {
        let mut reg = db.registry();
        assert!(reg.connection().pending_migrations().expect("pending").is_empty());
        for t in ["kiosks", "officers", "cases", "copies", "signatures", "revocations",
                  "email_links", "audit_log", "audit_head", "register_counters"] {
            assert!(table_exists(db, t), "{t} after up");
        }
        let reverted = reg.connection().revert_all_migrations().expect("down");
        assert!(reverted >= 2, "init and the later migrations, got {reverted}");
        for t in ["kiosks", "cases", "copies", "audit_log", "audit_head"] {
            assert!(!table_exists(db, t), "{t} after down");
        }
        assert_eq!(reg.connection().pending_migrations().expect("pending").len(), reverted);
        assert_eq!(reg.connection().run_pending_migrations().expect("up again"), reverted);
        // And the schema works after the round trip.
        seed(&mut reg);
        assert_eq!(reg.list_kiosks().expect("kiosks").len(), 1);
    }

    fn eight_concurrent_issuers_number_exactly_one_to_n(db) {
        const ISSUERS: usize = 8;
        const EACH: usize = 6;
        let mut reg = db.registry();
        seed(&mut reg);
        let cases: Vec<String> = (0..ISSUERS * EACH)
            .map(|_| checked_case(&mut reg, Decision::Issue).id)
            .collect();
        let barrier = Arc::new(Barrier::new(ISSUERS));
        let url = db.url();
        let handles: Vec<_> = cases
            .chunks(EACH)
            .map(|chunk| {
                let chunk = chunk.to_vec();
                let barrier = barrier.clone();
                let url = url.clone();
                std::thread::spawn(move || {
                    // Each issuer is a kiosk with its own connection.
                    let mut reg = Registry::open(&url).expect("issuer connects");
                    barrier.wait();
                    chunk
                        .iter()
                        .map(|id| {
                            reg.issue_copy(&auto_issue(id), placeholder_render)
                                .expect("issue")
                                .register_number
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut numbers: Vec<u64> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("issuer thread"))
            .map(|n| n.seq)
            .collect();
        numbers.sort_unstable();
        let expected: Vec<u64> = (1..=(ISSUERS * EACH) as u64).collect();
        assert_eq!(numbers, expected);
        // The register agrees, in number order, with one copy per case.
        let year = reg.list_register(time_year(), 1).expect("register");
        assert_eq!(year.len(), ISSUERS * EACH);
        let mut codes: Vec<String> = year.iter().map(|c| c.code.as_str().to_string()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ISSUERS * EACH);
        assert!(reg.audit_verify().expect("verify").is_intact());
    }

    fn a_failed_issue_uses_no_number_and_records_nothing(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let a = checked_case(&mut reg, Decision::Issue);
        let b = checked_case(&mut reg, Decision::Issue);
        let audit_before = reg.audit_len().expect("len");
        let failed = reg.issue_copy(&auto_issue(&a.id), |_ctx| {
            Err::<truecopy_registry::RenderedCopy, _>(std::io::Error::other("disk full"))
        });
        assert!(matches!(failed, Err(RegistryError::Render(_))), "{failed:?}");
        assert_eq!(reg.get_case(&a.id).expect("case").state, CaseState::Checked);
        assert_eq!(reg.audit_len().expect("len"), audit_before);
        let first = reg.issue_copy(&auto_issue(&b.id), placeholder_render).expect("issue b");
        assert_eq!(first.register_number.seq, 1);
        let second = reg.issue_copy(&auto_issue(&a.id), placeholder_render).expect("issue a");
        assert_eq!(second.register_number.seq, 2);
        // Issued once only.
        let again = reg.issue_copy(&auto_issue(&a.id), placeholder_render);
        assert!(matches!(again, Err(RegistryError::IllegalTransition(_))), "{again:?}");
    }

    fn illegal_moves_are_typed_errors_and_change_nothing(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let case = checked_case(&mut reg, Decision::Flag);
        // Approving needs the case to be flagged first.
        let mut req = auto_issue(&case.id);
        req.event = CaseEvent::Approve;
        req.officer_id = Some("o1".into());
        let err = reg.issue_copy(&req, placeholder_render);
        assert!(matches!(err, Err(RegistryError::IllegalTransition(_))), "{err:?}");
        let err = reg.transition_case(&case.id, CaseEvent::Refuse, None, "officer:o1", Some("o1"), serde_json::json!({}));
        match err {
            Err(RegistryError::IllegalTransition(t)) => {
                assert_eq!((t.from, t.event), ("checked", "refuse"));
            }
            other => panic!("expected an illegal transition, got {other:?}"),
        }
        let after = reg.get_case(&case.id).expect("case");
        assert_eq!((after.state, after.version), (case.state, case.version));

        // The legal path: flag, then an officer approves and the copy is issued.
        let flagged = reg
            .transition_case(&case.id, CaseEvent::Flag, Some(case.version), "kiosk:K01", None, serde_json::json!({}))
            .expect("flag");
        assert_eq!(flagged.state, CaseState::Flagged);
        req.expected_version = Some(flagged.version);
        let copy = reg.issue_copy(&req, placeholder_render).expect("approve");
        let approved = reg.get_case(&case.id).expect("case");
        assert_eq!(approved.state, CaseState::Approved);
        assert_eq!(approved.decided_by.as_deref(), Some("o1"));
        assert_eq!(copy.state, CopyState::Valid);
        // A final state takes nothing more.
        let err = reg.transition_case(&case.id, CaseEvent::RequestRescan, None, "officer:o2", Some("o2"), serde_json::json!({}));
        assert!(matches!(err, Err(RegistryError::IllegalTransition(_))), "{err:?}");
    }

    fn two_officers_deciding_at_once_exactly_one_wins(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        for _round in 0..5 {
            let case = checked_case(&mut reg, Decision::Flag);
            let flagged = reg
                .transition_case(&case.id, CaseEvent::Flag, None, "kiosk:K01", None, serde_json::json!({}))
                .expect("flag");
            let barrier = Arc::new(Barrier::new(2));
            let handles: Vec<_> = [("o1", CaseEvent::Refuse), ("o2", CaseEvent::RequestRescan)]
                .into_iter()
                .map(|(officer, event)| {
                    let url = db.url();
                    let id = flagged.id.clone();
                    let version = flagged.version;
                    let barrier = barrier.clone();
                    std::thread::spawn(move || {
                        let mut reg = Registry::open(&url).expect("connect");
                        barrier.wait();
                        reg.transition_case(&id, event, Some(version), &format!("officer:{officer}"), Some(officer), serde_json::json!({}))
                    })
                })
                .collect();
            let results: Vec<_> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
            let wins = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "{results:?}");
            for r in &results {
                if let Err(e) = r {
                    assert!(matches!(e, RegistryError::Conflict { .. }), "the loser is told: {e:?}");
                }
            }
            let final_state = reg.get_case(&flagged.id).expect("case").state;
            assert!(matches!(final_state, CaseState::Refused | CaseState::Rescan));
        }
    }

    fn revocation_needs_a_second_officer(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let case = checked_case(&mut reg, Decision::Issue);
        let copy = reg.issue_copy(&auto_issue(&case.id), placeholder_render).expect("issue");
        let confirm_first = reg.confirm_revocation(&copy.code, "o2");
        assert!(matches!(confirm_first, Err(RegistryError::IllegalTransition(_))), "{confirm_first:?}");
        reg.request_revocation(&copy.code, "15/QĐ-UBND", "Cấp nhầm", "o1").expect("request");
        assert_eq!(reg.get_copy(&copy.code).expect("copy").state, CopyState::RevocationRequested);
        let same = reg.confirm_revocation(&copy.code, "o1");
        assert!(matches!(same, Err(RegistryError::FourEyes(_))), "{same:?}");
        assert_eq!(reg.get_copy(&copy.code).expect("copy").state, CopyState::RevocationRequested);
        let unknown = reg.confirm_revocation(&copy.code, "o9");
        assert!(matches!(unknown, Err(RegistryError::NotFound { .. })), "{unknown:?}");
        let done = reg.confirm_revocation(&copy.code, "o2").expect("confirm");
        assert_eq!(done.requested_by, "o1");
        assert_eq!(done.confirmed_by.as_deref(), Some("o2"));
        assert_eq!(reg.get_copy(&copy.code).expect("copy").state, CopyState::Revoked);
        let actions: Vec<String> = reg
            .audit_trail("copy", copy.code.as_str())
            .expect("trail")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["issue", "request_revocation", "confirm_revocation"]);
    }

    fn email_links_are_recorded_and_revocable(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let case = checked_case(&mut reg, Decision::Issue);
        let copy = reg.issue_copy(&auto_issue(&case.id), placeholder_render).expect("issue");
        let link = reg
            .record_email_link("jti-1", &copy.code, "citizen@example.vn", "2026-12-25T00:00:00.000Z", "kiosk:K01")
            .expect("link");
        assert!(link.revoked_at.is_none());
        reg.mark_email_link_sent("jti-1").expect("sent");
        assert!(reg.get_email_link("jti-1").expect("get").sent_at.is_some());
        let revoked = reg.revoke_email_link("jti-1", "officer:o1").expect("revoke");
        assert!(revoked.revoked_at.is_some());
        assert!(reg.get_email_link("jti-1").expect("get").revoked_at.is_some());
        let missing = IdCode::generate(&mut rand_core::OsRng);
        assert!(matches!(
            reg.record_email_link("jti-2", &missing, "a@b.vn", "2026-12-25T00:00:00.000Z", "x"),
            Err(RegistryError::NotFound { .. })
        ));
        // The e-mail address is personal data and stays out of the audit log.
        let trail = reg.audit_trail("copy", copy.code.as_str()).expect("trail");
        assert!(trail.iter().all(|e| !e.detail.contains("citizen@example.vn")));
    }

    fn audit_chain_names_the_first_edited_record(db) {
        let mut reg = db.registry();
        seed(&mut reg); // records 1..=3
        let case = checked_case(&mut reg, Decision::Issue); // 4, 5
        reg.issue_copy(&auto_issue(&case.id), placeholder_render).expect("issue"); // 6, 7
        let report = reg.audit_verify().expect("verify");
        assert_eq!((report.verified, report.broken.clone()), (7, None));

        // An intruder edits record 5 straight in SQL.
        assert_eq!(db.execute_raw("UPDATE audit_log SET actor = 'officer:mallory' WHERE seq = 5"), 1);
        let report = reg.audit_verify().expect("verify");
        assert_eq!(report.broken, Some(ChainBreak::HashMismatch { seq: 5 }));
        assert_eq!(report.verified, 4);
    }

    fn audit_chain_resumes_from_a_checkpoint_and_sees_a_rewrite_reaching_it(db) {
        let mut reg = db.registry();
        seed(&mut reg); // records 1..=3
        let (report, cp) = reg.audit_verify_since(None).expect("verify");
        assert_eq!((report.verified, report.read_now, report.broken.clone()), (3, 3, None));
        let cp = cp.expect("checkpoint");
        assert_eq!((cp.seq, cp.verified), (3, 3));
        // Nothing new: nothing read, still intact.
        let (report, same) = reg.audit_verify_since(Some(&cp)).expect("verify");
        assert_eq!((report.verified, report.read_now, report.broken.clone()), (3, 0, None));
        assert_eq!(same.as_ref(), Some(&cp));
        // Four records later, only those four are read.
        let case = checked_case(&mut reg, Decision::Issue); // 4, 5
        reg.issue_copy(&auto_issue(&case.id), placeholder_render).expect("issue"); // 6, 7
        let (report, cp2) = reg.audit_verify_since(Some(&cp)).expect("verify");
        assert_eq!((report.verified, report.read_now, report.broken.clone()), (7, 4, None));
        let cp2 = cp2.expect("checkpoint");
        assert_eq!((cp2.seq, cp2.verified), (7, 7));
        // An intruder appends a record that does not chain on: seen from the checkpoint.
        let entries = reg.audit_trail("officer", "o1").expect("trail");
        assert_eq!(db.execute_raw(&format!(
            "UPDATE audit_log SET prev_hash = '{}' WHERE seq = 7",
            entries[0].hash
        )), 1);
        let (report, none) = reg.audit_verify_since(Some(&cp)).expect("verify");
        assert!(none.is_none());
        assert_eq!(report.broken.map(|b| b.first_broken_seq()), Some(7));
        // A rewrite that reaches the checkpoint's record (its hash recomputed): the checkpoint no
        // longer matches, so resuming from it cannot pass.
        db.execute_raw("UPDATE audit_log SET hash = 'f00d' WHERE seq = 7");
        let (report, none) = reg.audit_verify_since(Some(&cp2)).expect("verify");
        assert!(none.is_none());
        assert_eq!(report.broken, Some(ChainBreak::Rewritten { seq: 7 }));
    }

    fn audit_chain_sees_a_recomputed_hash_and_a_cut_tail(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let case = checked_case(&mut reg, Decision::Issue);
        let _ = case;
        // Record 2's hash recomputed by a careful intruder: record 3 no longer links to it.
        let entries = reg.audit_trail("officer", "o1").expect("trail");
        let mut e = entries[0].clone();
        assert_eq!(e.seq, 2);
        e.detail = "{\"full_name\":\"Someone Else\"}".into();
        let new_hash = e.expected_hash();
        db.execute_raw(&format!(
            "UPDATE audit_log SET detail = '{}', hash = '{new_hash}' WHERE seq = 2",
            e.detail
        ));
        let report = reg.audit_verify().expect("verify");
        assert_eq!(report.broken, Some(ChainBreak::BrokenLink { seq: 3, prev: 2 }));

        // On a fresh chain, deleting the newest record is seen through the head.
        let db2 = match db {
            truecopy_tests::TestDb::Sqlite { .. } => truecopy_tests::TestDb::sqlite(),
            truecopy_tests::TestDb::Postgres { .. } => truecopy_tests::TestDb::postgres(),
        };
        let mut reg2 = db2.registry();
        seed(&mut reg2);
        db2.execute_raw("DELETE FROM audit_log WHERE seq = 3");
        let report = reg2.audit_verify().expect("verify");
        assert_eq!(report.broken, Some(ChainBreak::HeadMismatch { last: 2, head: 3 }));
    }
}

fn time_year() -> i32 {
    // The register year is the calendar year in Vietnam.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
        + 7 * 3600;
    // Days since epoch to civil year (Howard Hinnant's algorithm).
    let days = now.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year as i32
}

both_backends! {
    fn a_session_key_finds_its_one_case(db) {
        use truecopy_registry::NewCase;
        let mut reg = db.registry();
        seed(&mut reg);
        let new = |key: &str| NewCase {
            kiosk_id: "K01".into(),
            pages: vec![truecopy_tests::fixtures::page(1)],
            selfie_blob: None,
            email: None,
            session_key: Some(key.into()),
        };
        assert!(reg.find_case_by_session_key("watch:K01:a").expect("find").is_none());
        let a = reg.create_case(&new("watch:K01:a"), "kiosk:K01").expect("case");
        let found = reg.find_case_by_session_key("watch:K01:a").expect("find").expect("some");
        assert_eq!(found.id, a.id);
        assert_eq!(found.session_key.as_deref(), Some("watch:K01:a"));
        // The key is unique: a second case for the same delivered session is refused.
        assert!(reg.create_case(&new("watch:K01:a"), "kiosk:K01").is_err());
        assert_eq!(reg.list_cases(None, 100).expect("list").len(), 1);
    }

    fn a_refusal_records_its_slip_and_is_final(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let case = checked_case(&mut reg, Decision::Reject);
        // Only refusal events refuse.
        let err = reg.refuse_case(&case.id, CaseEvent::Flag, None, "kiosk:K01", None, "sha256/x", serde_json::json!({}));
        assert!(matches!(err, Err(RegistryError::Invalid { .. })), "{err:?}");
        let refused = reg
            .refuse_case(&case.id, CaseEvent::AutoReject, None, "kiosk:K01", None, "sha256/slip", serde_json::json!({"reasons": ["not_an_original"]}))
            .expect("refuse");
        assert_eq!(refused.state, CaseState::Refused);
        assert_eq!(refused.refusal_slip.as_deref(), Some("sha256/slip"));
        // Refused is final: it can be neither refused again nor issued.
        assert!(reg.refuse_case(&case.id, CaseEvent::AutoReject, None, "kiosk:K01", None, "sha256/slip", serde_json::json!({})).is_err());
        assert!(reg.issue_copy(&auto_issue(&case.id), placeholder_render).is_err());
        assert!(reg.copy_of_case(&case.id).expect("query").is_none());
        let trail = reg.audit_trail("case", &case.id).expect("trail");
        assert!(trail.iter().any(|e| e.detail.contains("sha256/slip")), "the slip is in the audit trail");
    }

    fn copy_of_case_finds_the_issued_copy(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let case = checked_case(&mut reg, Decision::Issue);
        assert!(reg.copy_of_case(&case.id).expect("query").is_none());
        let copy = reg.issue_copy(&auto_issue(&case.id), placeholder_render).expect("issue");
        let found = reg.copy_of_case(&case.id).expect("query").expect("some");
        assert_eq!(found.code, copy.code);
    }
}

/// A server's pooled PostgreSQL connection gives up on a stalled statement (the request gets a
/// clear error) instead of holding its thread; the broken connection is not reused.
#[test]
fn a_pooled_postgres_statement_that_stalls_is_cut_off() {
    let db = truecopy_tests::TestDb::postgres();
    let pool = truecopy_registry::RegistryPool::open(&db.url(), 1).expect("pool");
    let started = std::time::Instant::now();
    let r = pool.with(|reg| {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT pg_sleep(30)")
            .execute(reg.connection())
            .map_err(RegistryError::from)
    });
    let err = r.expect_err("a 30 s statement must be cut off");
    assert!(err.to_string().contains("statement timeout"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "cut off by the pool's statement_timeout, not by the statement ending"
    );
    // The pool still answers.
    pool.with(|reg| reg.ping()).expect("ping after the timeout");
}
