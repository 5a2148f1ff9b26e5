//! The monthly register and the case statistics on both backends.
//!
//! Times are set with raw SQL after the records were made through the registry, so that the
//! month and day edges (Vietnam time, UTC+7) and the decision times are known. (This rewrites
//! audit timestamps, so the audit chain of these test databases no longer verifies: it is not
//! under test here.)

use truecopy_domain::{CaseEvent, CopyState, Decision, DocumentType};
use truecopy_registry::{
    IssueContext, IssueRequest, NewSignature, Registry, RegistryError, RenderedCopy,
};
use truecopy_tests::both_backends;
use truecopy_tests::fixtures::{auto_issue, checked_case, placeholder_render, seed};

const SEAL: &str = "CN=Trung tâm Phục vụ hành chính công (test seal)";

/// The placeholder PDF plus the signatures a real render records: the seal, and the
/// officer's when `officer` co-signs.
fn signed(
    officer: Option<&'static str>,
) -> impl FnMut(&IssueContext) -> Result<RenderedCopy, std::io::Error> {
    move |ctx| {
        let mut r = placeholder_render(ctx)?;
        r.signatures.push(NewSignature {
            role: "seal".into(),
            officer_id: None,
            signer_subject: SEAL.into(),
            certificate_sha256: "11".repeat(32),
        });
        if let Some(o) = officer {
            r.signatures.push(NewSignature {
                role: "officer".into(),
                officer_id: Some(o.into()),
                signer_subject: format!("CN={o}"),
                certificate_sha256: "22".repeat(32),
            });
        }
        Ok(r)
    }
}

fn flagged_case(reg: &mut Registry) -> String {
    let c = checked_case(reg, Decision::Flag);
    reg.transition_case(
        &c.id,
        CaseEvent::Flag,
        None,
        "kiosk:K01",
        None,
        serde_json::json!({}),
    )
    .expect("flag");
    c.id
}

fn approve(reg: &mut Registry, case_id: &str, officer: &'static str) {
    reg.issue_copy(
        &IssueRequest {
            case_id: case_id.into(),
            event: CaseEvent::Approve,
            expected_version: None,
            actor: format!("officer:{officer}"),
            officer_id: Some(officer.into()),
            register_book: 1,
            holder_name: None,
        },
        signed(Some(officer)),
    )
    .expect("approve");
}

fn auto(reg: &mut Registry) -> truecopy_registry::CopyRecord {
    let c = checked_case(reg, Decision::Issue);
    reg.issue_copy(&auto_issue(&c.id), signed(None))
        .expect("issue")
}

both_backends! {
    fn register_month_is_the_vietnamese_month_in_number_order(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        // Five copies, numbers 1..=5 in this order.
        let c1 = auto(&mut reg);
        let flagged = flagged_case(&mut reg);
        approve(&mut reg, &flagged, "o1");
        let c2 = reg.copy_of_case(&flagged).expect("read").expect("copy");
        let c3 = auto(&mut reg);
        let c4 = auto(&mut reg);
        let c5 = auto(&mut reg);
        let year = c1.register_number.year;
        for (c, at) in [
            // 23:59:59.999 on 31 October in Hanoi: October.
            (&c1, "2026-10-31T16:59:59.999Z"),
            // 00:00 on 1 November in Hanoi: November.
            (&c2, "2026-10-31T17:00:00.000Z"),
            // Later in November, but an earlier time than number 5: order is by number.
            (&c3, "2026-11-30T16:59:59.999Z"),
            // 00:00 on 1 December in Hanoi: December.
            (&c4, "2026-11-30T17:00:00.000Z"),
            (&c5, "2026-11-15T02:00:00.000Z"),
        ] {
            let n = db.execute_raw(&format!(
                "UPDATE copies SET issued_at = '{at}' WHERE code = '{}'",
                c.code.as_str()
            ));
            assert_eq!(n, 1);
        }
        reg.request_revocation(&c3.code, "12/QĐ-TTPVHCC", "sai sót", "o1").expect("request");
        reg.confirm_revocation(&c3.code, "o2").expect("confirm");
        reg.request_revocation(&c5.code, "13/QĐ-TTPVHCC", "kiểm tra lại", "o2").expect("request");

        let nov = reg.register_month(2026, 11).expect("november");
        let seqs: Vec<u64> = nov.iter().map(|e| e.register_number.seq).collect();
        assert_eq!(seqs, vec![2, 3, 5]);
        let codes: Vec<&str> = nov.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, vec![c2.code.as_str(), c3.code.as_str(), c5.code.as_str()]);
        assert_eq!(nov[0].issued_on, "2026-11-01");
        assert_eq!(nov[1].issued_on, "2026-11-30");
        assert_eq!(nov[0].register_number.year, year);
        assert_eq!(nov[0].document_type, DocumentType::CitizenId);

        // Who signed: the seal on all, the co-signing officer on the approved one.
        assert!(nov.iter().all(|e| e.seal_subject.as_deref() == Some(SEAL)));
        let co = nov[0].cosigner.as_ref().expect("co-signer");
        assert_eq!(co.officer_id, "o1");
        assert_eq!(co.full_name, "Nguyễn Văn An");
        assert_eq!(co.title, "Chuyên viên");
        assert!(nov[1].cosigner.is_none());

        // States and the cancellation decisions.
        assert_eq!(nov[0].state, CopyState::Valid);
        assert_eq!(nov[0].revocation_decision, None);
        assert_eq!(nov[1].state, CopyState::Revoked);
        assert_eq!(nov[1].revocation_decision.as_deref(), Some("12/QĐ-TTPVHCC"));
        assert_eq!(nov[2].state, CopyState::RevocationRequested);
        assert_eq!(nov[2].revocation_decision.as_deref(), Some("13/QĐ-TTPVHCC"));

        let oct: Vec<u64> = reg.register_month(2026, 10).expect("october")
            .iter().map(|e| e.register_number.seq).collect();
        assert_eq!(oct, vec![1]);
        let dec: Vec<u64> = reg.register_month(2026, 12).expect("december")
            .iter().map(|e| e.register_number.seq).collect();
        assert_eq!(dec, vec![4]);
        assert!(reg.register_month(2026, 9).expect("september").is_empty());
        for (y, m) in [(2026, 13), (2026, 0)] {
            assert!(matches!(reg.register_month(y, m), Err(RegistryError::Invalid { .. })));
        }
    }

    fn case_statistics_count_outcomes_per_vietnamese_day(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        // Day 1 (5 November in Hanoi): auto-issued, flagged → approved by o1, flagged →
        // refused by o2.
        let a = checked_case(&mut reg, Decision::Issue);
        reg.issue_copy(&auto_issue(&a.id), signed(None)).expect("issue");
        let b = flagged_case(&mut reg);
        approve(&mut reg, &b, "o1");
        let c = flagged_case(&mut reg);
        reg.refuse_case(&c, CaseEvent::Refuse, None, "officer:o2", Some("o2"), "slip",
                        serde_json::json!({})).expect("refuse");
        // Day 2 (6 November): refused automatically, flagged and pending, flagged → approved
        // by o1.
        let d = checked_case(&mut reg, Decision::Reject);
        reg.refuse_case(&d.id, CaseEvent::AutoReject, None, "kiosk:K01", None, "slip",
                        serde_json::json!({})).expect("auto reject");
        let e = flagged_case(&mut reg);
        let f = flagged_case(&mut reg);
        approve(&mut reg, &f, "o1");
        // 23:59 on 4 November in Hanoi: outside the period.
        let g = flagged_case(&mut reg);
        approve(&mut reg, &g, "o2");

        let received = [
            (&a.id, "2026-11-04T17:30:00.000Z"), // 00:30 on 5 November in Hanoi
            (&b, "2026-11-05T02:00:00.000Z"),
            (&c, "2026-11-05T03:00:00.000Z"),
            (&d.id, "2026-11-05T17:00:00.000Z"), // 00:00 on 6 November
            (&e, "2026-11-06T04:00:00.000Z"),
            (&f, "2026-11-06T05:00:00.000Z"),
            (&g, "2026-11-04T16:59:00.000Z"),
        ];
        for (id, at) in received {
            assert_eq!(db.execute_raw(&format!(
                "UPDATE cases SET received_at = '{at}' WHERE id = '{id}'")), 1);
        }
        // Flag → decision: b 60 s (o1), f 180 s (o1), c 30 s (o2), g 10 s (o2, outside).
        for (id, flag, decision, action) in [
            (&b, "2026-11-05T02:10:00.000Z", "2026-11-05T02:11:00.000Z", "approve"),
            (&f, "2026-11-06T05:10:00.000Z", "2026-11-06T05:13:00.000Z", "approve"),
            (&c, "2026-11-05T03:10:00.000Z", "2026-11-05T03:10:30.000Z", "refuse"),
            (&e, "2026-11-06T04:10:00.000Z", "", ""),
            (&g, "2026-11-05T00:00:00.000Z", "2026-11-05T00:00:10.000Z", "approve"),
        ] {
            assert_eq!(db.execute_raw(&format!(
                "UPDATE audit_log SET at = '{flag}' WHERE entity_type = 'case' \
                 AND entity_id = '{id}' AND action = 'flag'")), 1);
            if !action.is_empty() {
                assert_eq!(db.execute_raw(&format!(
                    "UPDATE audit_log SET at = '{decision}' WHERE entity_type = 'case' \
                     AND entity_id = '{id}' AND action = '{action}'")), 1);
            }
        }

        let from = time::macros::date!(2026-11-05);
        let to = time::macros::date!(2026-11-07);
        let s = reg.case_statistics(from, to).expect("statistics");
        assert_eq!(s.days.len(), 3);
        let day1 = &s.days[0];
        assert_eq!(day1.date.as_deref(), Some("2026-11-05"));
        assert_eq!(
            (day1.cases, day1.auto_issued, day1.flagged, day1.approved, day1.refused, day1.pending),
            (3, 1, 2, 1, 1, 0)
        );
        assert!((day1.share_auto_issued - 1.0 / 3.0).abs() < 1e-9);
        assert!((day1.share_flagged - 2.0 / 3.0).abs() < 1e-9);
        let day2 = &s.days[1];
        assert_eq!(
            (day2.cases, day2.auto_issued, day2.flagged, day2.approved, day2.refused, day2.pending),
            (3, 0, 2, 1, 1, 1)
        );
        assert!((day2.share_pending - 1.0 / 3.0).abs() < 1e-9);
        let day3 = &s.days[2];
        assert_eq!((day3.cases, day3.share_auto_issued), (0, 0.0));
        assert_eq!((s.total.cases, s.total.flagged, s.total.refused), (6, 4, 2));
        assert!((s.total.share_refused - 2.0 / 6.0).abs() < 1e-9);

        let officers: Vec<(&str, u64, f64)> = s.officers.iter()
            .map(|o| (o.officer_id.as_str(), o.decisions, o.median_seconds)).collect();
        assert_eq!(officers, vec![("o1", 2, 120.0), ("o2", 1, 30.0)]);

        // The day before holds only g, decided by o2 in 10 s.
        let before = reg.case_statistics(time::macros::date!(2026-11-04),
                                         time::macros::date!(2026-11-04)).expect("stats");
        assert_eq!((before.total.cases, before.total.approved), (1, 1));
        assert_eq!(before.officers.len(), 1);
        assert_eq!(before.officers[0].median_seconds, 10.0);

        assert!(matches!(reg.case_statistics(to, from), Err(RegistryError::Invalid { .. })));
        assert!(matches!(
            reg.case_statistics(from, time::macros::date!(2028-01-01)),
            Err(RegistryError::Invalid { .. })
        ));
    }
}
