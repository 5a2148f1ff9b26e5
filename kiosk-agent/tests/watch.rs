//! Hot-folder mode: sessions move to done/ or failed/ with their result; killing the agent at
//! any moment loses nothing and issues nothing twice.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Kiosk, specimens};
use truecopy_specimens::{DocType, Variant};
use truecopy_tests::both_backends;

fn deliver(inbox: &Path, case_dir: &Path, name: &str) -> PathBuf {
    let target = inbox.join(name);
    std::fs::create_dir_all(&target).expect("mkdir");
    for e in std::fs::read_dir(case_dir).expect("case").flatten() {
        std::fs::copy(e.path(), target.join(e.file_name())).expect("copy");
    }
    target
}

fn result_of(folder: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(folder.join("result.json"))
        .unwrap_or_else(|e| panic!("{}/result.json: {e}", folder.display()));
    serde_json::from_str(&text).expect("result.json is JSON")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn sessions_go_to_done_or_failed_with_their_result() {
    let db = truecopy_tests::TestDb::sqlite();
    let k = Kiosk::new(&db);
    let spec = specimens(
        &k.path().join("spec"),
        DocType::BirthCertificate,
        &[Variant::Valid],
        21,
    );
    let inbox = k.path().join("inbox");
    deliver(&inbox, &spec[0], "s1");
    // A session whose page was cut in transfer, and one with a bad e-mail in session.toml.
    let s2 = deliver(&inbox, &spec[0], "s2");
    let page = s2.join("page1.jpg");
    let bytes = std::fs::read(&page).expect("page");
    std::fs::write(&page, &bytes[..bytes.len() / 2]).expect("cut");
    let s3 = deliver(&inbox, &spec[0], "s3");
    std::fs::write(s3.join("session.toml"), "email = \"not an address\"\n").expect("toml");
    // A folder still being written (a dot name) is left alone.
    std::fs::create_dir_all(inbox.join(".incoming")).expect("mkdir");

    let o = k
        .cmd()
        .args(["watch", "--once", "--settle-ms", "0", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(names(&inbox.join("done")), vec!["s1"]);
    assert_eq!(names(&inbox.join("failed")), vec!["s2", "s3"]);
    assert!(names(&inbox.join(".processing")).is_empty());
    assert!(inbox.join(".incoming").is_dir());

    let r = result_of(&inbox.join("done/s1"));
    let case_id = r["case_id"].as_str().expect("case id");
    assert!(["issue", "flag", "reject"].contains(&r["decision"].as_str().expect("decision")));
    // The copy or the refusal slip lies beside the result, named relative to the folder.
    for key in ["copy", "refusal_slip"] {
        let name = if key == "copy" {
            r["copy"]["pdf"].as_str()
        } else {
            r[key].as_str()
        };
        if let Some(name) = name {
            assert!(inbox.join("done/s1").join(name).is_file(), "{key}: {name}");
        }
    }
    // The pages are still there, beside the result.
    assert!(inbox.join("done/s1/page1.jpg").is_file());
    let e2 = result_of(&inbox.join("failed/s2"))["error"]
        .as_str()
        .expect("error")
        .to_owned();
    assert!(e2.contains("truncated"), "{e2}");
    let e3 = result_of(&inbox.join("failed/s3"))["error"]
        .as_str()
        .expect("error")
        .to_owned();
    assert!(e3.contains("e-mail"), "{e3}");
    let mut reg = db.registry();
    let cases = reg.list_cases(None, 10).expect("cases");
    assert_eq!(cases.len(), 1, "only the good session opened a case");
    assert_eq!(cases[0].id, case_id);

    // The same session delivered again (a scanner retry) resumes its case: no second case.
    deliver(&inbox, &spec[0], "s1");
    let o = k
        .cmd()
        .args(["watch", "--once", "--settle-ms", "0", "--inbox"])
        .arg(&inbox)
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(names(&inbox.join("done")), vec!["s1", "s1.2"]);
    let again = result_of(&inbox.join("done/s1.2"));
    assert_eq!(again["case_id"], case_id);
    assert_eq!(again["resumed"], true);
    assert_eq!(reg.list_cases(None, 10).expect("cases").len(), 1);
}

both_backends! {
    fn killing_the_agent_loses_nothing_and_issues_nothing_twice(db) {
        let k = Kiosk::new(db);
        let spec = specimens(&k.path().join("spec"), DocType::CitizenId, &[Variant::Valid], 22);
        let inbox = k.path().join("inbox");
        let sessions = ["a", "b", "c"];
        for s in sessions {
            deliver(&inbox, &spec[0], s);
        }
        // Kill the running agent at several moments: as soon as the first case appears, then
        // after each further change of the register.
        let mut reg = db.registry();
        for round in 0..3 {
            let mut child = k
                .cmd()
                .args(["watch", "--settle-ms", "0", "--poll-ms", "50", "--inbox"])
                .arg(&inbox)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start watch");
            let before = reg.audit_len().expect("audit");
            let deadline = Instant::now() + Duration::from_secs(60);
            while reg.audit_len().expect("audit") == before && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            child.kill().expect("kill -9");
            child.wait().expect("reaped");
            assert!(Instant::now() < deadline, "round {round}: the agent made no progress");
        }
        // Restart and let it finish.
        let o = k.cmd().args(["watch", "--once", "--settle-ms", "0", "--inbox"]).arg(&inbox).output().expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(names(&inbox.join("done")), vec!["a", "b", "c"], "every session finished");
        assert!(names(&inbox.join(".processing")).is_empty());
        assert!(names(&inbox.join("failed")).is_empty());
        let cases = reg.list_cases(None, 100).expect("cases");
        assert_eq!(cases.len(), 3, "one case per session");
        for s in sessions {
            let r = result_of(&inbox.join("done").join(s));
            let case = cases.iter().find(|c| c.id == r["case_id"].as_str().expect("id")).expect("its case");
            // The folder lists back.jpg before front.jpg: the portrait is found on the front.
            assert_eq!(r["face"]["portrait_detected"], true, "{s}: {r:#}");
            assert!(case.state.is_final() || case.state == truecopy_domain::CaseState::Flagged, "{s}: {}", case.state);
            // At most one copy per case, and the result names it when there is one.
            match reg.copy_of_case(&case.id).expect("query") {
                Some(copy) => assert_eq!(r["copy"]["code"].as_str(), Some(copy.code.grouped().as_str()), "{s}"),
                None => assert!(r["copy"].is_null(), "{s}"),
            }
        }
        let year = time::OffsetDateTime::now_utc().year();
        let issued = reg.list_register(year, 1).expect("register").len()
            + reg.list_register(year + 1, 1).expect("register").len();
        let copies = cases.iter().filter(|c| reg.copy_of_case(&c.id).expect("q").is_some()).count();
        assert_eq!(issued, copies, "no copy without its case, none twice");
        assert!(reg.audit_verify().expect("audit").is_intact(), "the audit chain is intact after the kills");
    }
}
