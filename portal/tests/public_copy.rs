//! `Registry::public_copy` (the portal's one-query lookup) against the register's own
//! separate reads, on both backends: signatures in order and not repeated by the join, the
//! confirmed revocation only, and only for a revoked copy.

use truecopy_domain::{CopyState, IdCode};
use truecopy_registry::{PublicCopy, Registry};
use truecopy_tests::both_backends;
use truecopy_tests::fixtures::{issue_signed, seed};

/// What `public_copy` must say, from the register's separate reads.
fn check(reg: &mut Registry, code: &IdCode) -> PublicCopy {
    let pc = reg.public_copy(code).expect("lookup").expect("present");
    let copy = reg.get_copy(code).expect("copy");
    assert_eq!(
        serde_json::to_value(&pc.copy).unwrap(),
        serde_json::to_value(&copy).unwrap()
    );
    let sigs = reg.copy_signatures(code).expect("signatures");
    assert_eq!(pc.signatures, sigs);
    let confirmed = reg
        .copy_revocations(code)
        .expect("revocations")
        .into_iter()
        .filter(|r| r.confirmed_at.is_some())
        .max_by_key(|r| r.id);
    if copy.state == CopyState::Revoked {
        assert!(confirmed.is_some());
        assert_eq!(pc.revocation, confirmed);
    } else {
        assert_eq!(pc.revocation, None);
    }
    pc
}

both_backends! {
    fn public_copy_reads_what_the_register_holds(db) {
        let mut reg = db.registry();
        seed(&mut reg);
        let bare = issue_signed(&mut reg, 0);
        let one = issue_signed(&mut reg, 1);
        let two = issue_signed(&mut reg, 2);
        assert!(check(&mut reg, &bare).signatures.is_empty());
        assert_eq!(check(&mut reg, &one).signatures.len(), 1);
        let pc = check(&mut reg, &two);
        assert_eq!(
            pc.signatures.iter().map(|s| s.ordinal).collect::<Vec<_>>(),
            [1, 2]
        );

        // Unknown codes: nothing, not an error.
        let unknown = loop {
            let c = IdCode::generate(&mut rand_core::OsRng);
            if ![&bare, &one, &two].contains(&&c) {
                break c;
            }
        };
        assert!(reg.public_copy(&unknown).expect("lookup").is_none());

        // A request that is withdrawn, then a pending one: still valid, no revocation shown.
        reg.request_revocation(&two, "1/QĐ", "first", "o1").expect("request");
        reg.withdraw_revocation(&two, "o2").expect("withdraw");
        reg.request_revocation(&two, "2/QĐ", "second", "o1").expect("request again");
        let pc = check(&mut reg, &two);
        assert_eq!(pc.copy.state, CopyState::RevocationRequested);
        assert_eq!(pc.signatures.len(), 2);

        // Confirmed: revoked, with that decision, signatures not repeated by the join.
        reg.confirm_revocation(&two, "o2").expect("confirm");
        let pc = check(&mut reg, &two);
        assert_eq!(pc.copy.state, CopyState::Revoked);
        let r = pc.revocation.expect("revocation");
        assert_eq!(r.decision_number, "2/QĐ");
        assert_eq!(r.reason, "second");
        assert_eq!(pc.signatures.len(), 2);

        // The others are untouched.
        assert_eq!(check(&mut reg, &one).copy.state, CopyState::Valid);
    }
}
