//! The scriptable decisions on both backends: approve co-signs (two signatures pdfsig accepts),
//! refuse writes the sealed slip, rescan sends the case back, revocation needs two officers, and
//! two officers deciding one case: exactly one wins, the other is told who decided.

mod common;

use common::*;
use console::desk::{Desk, DeskError};
use truecopy_domain::{CaseState, CheckCode, CopyState, RefusalGround};
use truecopy_tests::both_backends;

fn pass() -> [(&'static str, &'static str); 1] {
    [("TRUECOPY_OFFICER_PASSPHRASE", PASSPHRASE)]
}

both_backends! {
    fn approve_cosigns_and_a_second_decider_is_told(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 1);
        let out = env.path("copy.pdf");
        let o = env.console(
            &["approve", &case.id, "--officer", "o1", "--out", out.to_str().unwrap(), "--json"],
            &pass(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["state"], "approved");
        assert_eq!(v["copy"]["signatures"], 2);
        assert_pdfsig_valid(&out, &env.ca(), 2);
        let stored = db.registry().get_case(&case.id).expect("case");
        assert_eq!(stored.state, CaseState::Approved);
        assert_eq!(stored.decided_by.as_deref(), Some("o1"));
        // The second officer arrives late: one line, nonzero, nothing changes.
        let o = env.console(
            &["refuse", &case.id, "--reason", "damaged_original", "--officer", "o2"],
            &[],
        );
        assert_ne!(o.status.code(), Some(0));
        let lines = error_lines(&o);
        assert_eq!(lines.len(), 1, "{}", stderr(&o));
        assert!(
            lines[0].contains(&format!("case {} was already decided by officer o1", case.id)),
            "{}",
            lines[0]
        );
        let after = db.registry().get_case(&case.id).expect("case");
        assert_eq!(after.state, CaseState::Approved);
        assert!(after.refusal_slip.is_none());
    }

    fn approving_sends_the_citizen_the_retrieval_link(db) {
        let env = Env::new(db);
        let sink = truecopy_tests::smtp::SmtpSink::start(&env.path("mail"));
        let mut office = env.office();
        let case = flagged_case_with(
            &mut office,
            KIOSK,
            &[CheckCode::FaceMismatch],
            5,
            &Extra {
                email: Some("citizen@example.vn"),
                ..Extra::default()
            },
        );
        let port = sink.port.to_string();
        let o = env.console(
            &["approve", &case.id, "--officer", "o1", "--json"],
            &[pass()[0], ("TRUECOPY_MAIL__PORT", &port)],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["email"]["sent"], true, "{v}");
        let code = v["copy"]["code"].as_str().expect("code").to_owned();
        let mail = sink.messages();
        assert_eq!(mail.len(), 1);
        assert!(mail[0].starts_with("X-Envelope-To: citizen@example.vn"), "{}", mail[0]);
        // The register holds the link it sent, tied to this copy.
        let id = code.parse().expect("code");
        let links = db.registry().email_links_of_copy(&id).expect("links");
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].email, "citizen@example.vn");
        assert!(links[0].sent_at.is_some(), "the link is recorded as sent");
    }

    fn an_approved_copy_prints_pages_at_the_density_the_kiosk_measured(db) {
        let env = Env::new(db);
        let mut office = env.office();
        // Page 1 measured at 400 dpi by the kiosk; page 2 left to what its file states.
        let case = flagged_case_with(
            &mut office,
            KIOSK,
            &[CheckCode::FaceMismatch],
            6,
            &Extra {
                page_dpi: Some(vec![Some(400.0), None]),
                ..Extra::default()
            },
        );
        let first = office.get_blob(&case.pages[0].blob).expect("page 1");
        let (w, h) = image::ImageReader::new(std::io::Cursor::new(&first[..]))
            .with_guessed_format()
            .expect("format")
            .into_dimensions()
            .expect("dimensions");
        let out = env.path("copy.pdf");
        let o = env.console(
            &["approve", &case.id, "--officer", "o1", "--out", out.to_str().unwrap()],
            &pass(),
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let info = std::process::Command::new("pdfinfo")
            .args(["-f", "1", "-l", "1"])
            .arg(&out)
            .output()
            .expect("pdfinfo (poppler-utils)");
        let text = String::from_utf8_lossy(&info.stdout).into_owned();
        let line = text
            .lines()
            .find(|l| l.starts_with("Page    1 size:"))
            .unwrap_or_else(|| panic!("{text}"));
        let nums: Vec<f64> = line
            .split_whitespace()
            .filter_map(|t| t.parse().ok())
            .collect();
        let (pw, ph) = (nums[1], nums[2]);
        let (ew, eh) = (f64::from(w) / 400.0 * 72.0, f64::from(h) / 400.0 * 72.0);
        // The scan spans the page's width at its true size; the page is taller by the band
        // that carries the code and the QR under the scan.
        assert!(
            (pw - ew).abs() < 1.0 && ph >= eh - 1.0,
            "page 1 is {pw} x {ph} pt, expected {ew:.1} pt wide and ≥ {eh:.1} pt tall (400 dpi): {line}"
        );
    }

    fn a_wrong_passphrase_is_one_line_and_decides_nothing(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 2);
        let o = env.console(
            &["approve", &case.id, "--officer", "o1"],
            &[("TRUECOPY_OFFICER_PASSPHRASE", "not the passphrase")],
        );
        assert_ne!(o.status.code(), Some(0));
        let lines = error_lines(&o);
        assert_eq!(lines.len(), 1, "{}", stderr(&o));
        assert!(lines[0].contains("wrong passphrase"), "{}", lines[0]);
        let c = db.registry().get_case(&case.id).expect("case");
        assert_eq!(c.state, CaseState::Flagged);
        assert_eq!(c.version, case.version);
        assert!(db.registry().copy_of_case(&case.id).expect("copy").is_none());
        // No passphrase at all (no terminal): says how to give one.
        let o = env.console(&["approve", &case.id, "--officer", "o1"], &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(error_lines(&o)[0].contains("TRUECOPY_OFFICER_PASSPHRASE"));
        // An unknown officer.
        let o = env.console(&["approve", &case.id, "--officer", "o9"], &pass());
        assert_ne!(o.status.code(), Some(0));
        assert!(error_lines(&o)[0].contains("officer o9 is not registered"), "{}", stderr(&o));
    }

    fn refuse_writes_the_sealed_slip_and_rescan_sends_back(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::NotAnOriginal], 3);
        let slip = env.path("slip.pdf");
        let o = env.console(
            &[
                "refuse", &case.id, "--reason", "not_an_original", "--note",
                "Bản photo có công chứng", "--officer", "o2", "--out", slip.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let c = db.registry().get_case(&case.id).expect("case");
        assert_eq!(c.state, CaseState::Refused);
        assert_eq!(c.decided_by.as_deref(), Some("o2"));
        assert!(c.refusal_slip.is_some());
        let text = truecopy_tests::validators::pdftotext(&slip);
        assert!(text.contains("Bản photo có công chứng"), "{text}");
        assert!(text.contains("Khoản 1 Điều 20"), "{text}");
        assert_pdfsig_valid(&slip, &env.ca(), 1);
        // An unknown reason code: usage error, nothing written.
        let other = flagged_case(&mut office, KIOSK, &[CheckCode::LowQuality], 4);
        let o = env.console(&["refuse", &other.id, "--reason", "ugly", "--officer", "o2"], &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(error_lines(&o)[0].contains("\"ugly\" is not a ground of refusal"), "{}", stderr(&o));
        // A check code that is not a legal ground (a poor scan) is not a refusal either.
        let o = env.console(&["refuse", &other.id, "--reason", "low_quality", "--officer", "o2"], &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(error_lines(&o)[0].contains("ask for a re-scan"), "{}", stderr(&o));
        assert_eq!(db.registry().get_case(&other.id).expect("case").state, CaseState::Flagged);
        // Rescan.
        let o = env.console(&["rescan", &other.id, "--officer", "o1"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let c = db.registry().get_case(&other.id).expect("case");
        assert_eq!(c.state, CaseState::Rescan);
        assert_eq!(c.decided_by.as_deref(), Some("o1"));
    }

    fn queue_json_filters_and_orders_oldest_first(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let a = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 5);
        let b = flagged_case(&mut office, "K02", &[CheckCode::LowQuality], 6);
        let c = flagged_case(&mut office, KIOSK, &[CheckCode::LowQuality, CheckCode::FaceNotFound], 7);
        office.registry.assign_case(&b.id, Some("o1"), "officer:o1").expect("assign");
        let ids = |args: &[&str]| -> Vec<String> {
            let mut full = vec!["queue", "--json", "--officer", "o1"];
            full.extend_from_slice(args);
            let o = env.console(&full, &[]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
            v.as_array().expect("array").iter().map(|i| i["case_id"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(ids(&[]), [a.id.clone(), b.id.clone(), c.id.clone()]);
        assert_eq!(ids(&["--mine"]), vec![b.id.clone()]);
        assert_eq!(ids(&["--unassigned"]), [a.id.clone(), c.id.clone()]);
        assert_eq!(ids(&["--reason", "low_quality"]), [b.id.clone(), c.id.clone()]);
        assert_eq!(ids(&["--kiosk", "K01", "--reason", "low_quality"]), vec![c.id.clone()]);
        let o = env.console(&["queue", "--json", "--officer", "o1"], &[]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v[0]["kiosk_id"], "K01");
        assert_eq!(v[0]["document_type"], "citizen_id");
        assert_eq!(v[0]["reasons"][0], "face_mismatch");
        assert!(v[0]["due_at"].as_str().unwrap().ends_with("T17:00:00+07:00"), "{v}");
        // Decided cases leave the queue.
        env.console(&["rescan", &a.id, "--officer", "o1"], &[]);
        assert_eq!(ids(&[]), [b.id.clone(), c.id.clone()]);
        let o = env.console(&["queue", "--officer", "o1", "--mine", "--all"], &[]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    }

    fn revocation_needs_a_second_officer(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 8);
        let o = env.console(&["approve", &case.id, "--officer", "o1", "--json"], &pass());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let code = v["copy"]["code"].as_str().expect("code").to_owned();
        let o = env.console(
            &["revoke", &code, "--decision", "12/QĐ-TTPVHCC", "--reason", "cấp nhầm", "--officer", "o1"],
            &[],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let o = env.console(&["confirm-revocation", &code, "--officer", "o1"], &[]);
        assert_ne!(o.status.code(), Some(0));
        let lines = error_lines(&o);
        assert_eq!(lines.len(), 1, "{}", stderr(&o));
        assert!(lines[0].contains("a second officer must"), "{}", lines[0]);
        let parsed = code.parse().expect("code");
        assert_eq!(db.registry().get_copy(&parsed).expect("copy").state, CopyState::RevocationRequested);
        let o = env.console(&["confirm-revocation", &code, "--officer", "o2"], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(db.registry().get_copy(&parsed).expect("copy").state, CopyState::Revoked);
    }

    fn two_officers_at_once_exactly_one_wins(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 9);
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let results: Vec<Result<String, DeskError>> = std::thread::scope(|s| {
            let handles: Vec<_> = ["o1", "o2"]
                .into_iter()
                .map(|who| {
                    let barrier = barrier.clone();
                    let (cfg, id, v) = (env.cfg.clone(), case.id.clone(), case.version);
                    s.spawn(move || {
                        let mut desk = Desk::new(console::desk::open_office(&cfg).expect("office"), cfg, who)
                            .expect("desk");
                        desk.unlock(PASSPHRASE).expect("unlock");
                        barrier.wait();
                        if who == "o1" {
                            desk.approve(&id, Some(v)).map(|_| who.to_owned())
                        } else {
                            desk.refuse(&id, &[RefusalGround::DamagedOriginal], None, Some(v)).map(|_| who.to_owned())
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        let winners: Vec<&String> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        let loser = results.iter().find_map(|r| r.as_ref().err()).expect("a loser");
        let msg = loser.to_string();
        assert!(
            msg.contains(&format!("already decided by officer {}", winners[0])) || msg.contains("changed by someone else"),
            "{msg}"
        );
        let c = db.registry().get_case(&case.id).expect("case");
        assert_eq!(c.decided_by.as_deref(), Some(winners[0].as_str()));
        let copy = db.registry().copy_of_case(&case.id).expect("copy");
        assert_eq!(copy.is_some(), winners[0] == "o1");
        assert_eq!(c.refusal_slip.is_some(), winners[0] == "o2");
    }
}
