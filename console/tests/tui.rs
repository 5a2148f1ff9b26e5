//! The terminal UI: every screen as a whole-screen `TestBackend` snapshot on a seeded database
//! (fixed clock and ids), the key table and key handling, and the worker driven by keys end to
//! end (log in, open, approve in three keys) on both backends.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::*;
use console::desk::{Desk, FaceCropBytes, QueueFilter, QueueItem, queue_item};
use console::tui::app::{App, CaseFaces, Ctx, Dialog, KEYS, Level, Request, Response, Screen};
use console::tui::{Painter, view, worker};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use time::macros::datetime;
use truecopy_domain::{CaseState, CheckCode, RefusalGround};
use truecopy_registry::CaseRecord;
use truecopy_tests::{TestDb, both_backends};

use console::tui::app::{AuditView, RegisterView, RevokeField};
use truecopy_domain::{AuditEntry, CopyState, DocumentType, IdCode, RegisterNumber};
use truecopy_registry::{CaseStatistics, CoSigner, DayStats, OfficerTimes, RegisterEntry};

/// Wednesday 2 December 2026, 10:00 in Hanoi.
const NOW: OffsetDateTime = datetime!(2026-12-02 03:00 UTC);

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

fn render(app: &App, painter: &mut Painter) -> String {
    let mut t = Terminal::new(TestBackend::new(140, 36)).expect("terminal");
    t.draw(|f| view::draw(f, app, painter)).expect("draw");
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Fixed ids and times, so snapshots do not depend on when and where the test runs.
fn pin(mut c: CaseRecord, n: usize, received: &str) -> CaseRecord {
    c.id = format!("0190a000-0000-7000-8000-00000000000{n}");
    c.received_at = received.to_owned();
    c
}

struct Seeded {
    _db: TestDb,
    env: Env,
    cases: Vec<CaseRecord>,
    items: Vec<QueueItem>,
}

/// A seeded SQLite database with three flagged cases, read back through the desk.
fn seeded() -> Seeded {
    let db = TestDb::sqlite();
    let env = Env::new(&db);
    let mut office = env.office();
    // The case the snapshots open carries the faces the kiosk compared.
    let faces = Extra {
        face_crops: Some(FaceCropBytes {
            portrait: Some(face_jpeg([70, 90, 160], 150, 190)),
            selfie: Some(face_jpeg([200, 200, 190], 180, 220)),
        }),
        ..Extra::default()
    };
    let made = [
        flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 11),
        flagged_case(&mut office, "K02", &[CheckCode::LowQuality], 12),
        flagged_case_with(
            &mut office,
            KIOSK,
            &[CheckCode::MrzVisualMismatch],
            13,
            &faces,
        ),
    ];
    office
        .registry
        .assign_case(&made[1].id, Some("o1"), "officer:o1")
        .expect("assign");
    let mut desk = Desk::new(office, env.cfg.clone(), "o1").expect("desk");
    let listed = desk.queue(&QueueFilter::default(), NOW).expect("queue");
    assert_eq!(listed.len(), 3);
    // Received Tuesday 14:59 (due Tuesday: overdue now), Wednesday 08:00 (due today), and
    // Wednesday 15:30 local (due Thursday).
    let times = [
        "2026-12-01T07:59:00.000Z",
        "2026-12-02T01:00:00.000Z",
        "2026-12-02T08:30:00.000Z",
    ];
    let cases: Vec<CaseRecord> = listed
        .iter()
        .enumerate()
        .map(|(k, i)| pin(desk.case(&i.case_id).expect("case"), k + 1, times[k]))
        .collect();
    let items = cases
        .iter()
        .map(|c| queue_item(c.clone(), &[], NOW))
        .collect();
    Seeded {
        _db: db,
        env,
        cases,
        items,
    }
}

fn logged_in(s: &Seeded) -> App {
    let mut app = App::new(Some("o1".into()), NOW);
    app.on_response(Response::LoggedIn {
        id: "o1".into(),
        name: "Nguyễn Văn An".into(),
    });
    app.on_response(Response::Queue(s.items.clone()));
    app
}

fn open_case(app: &mut App, s: &Seeded, k: usize) {
    let mut office = s.env.office();
    let c = &s.cases[k];
    let stored = office.registry.get_case(&s.items[k].case_id);
    // The pinned id is not in the database: read pages through the stored record's blobs.
    let pages = c
        .pages
        .iter()
        .map(|p| worker::preview(&office.get_blob(&p.blob).expect("page")).expect("decodes"))
        .collect();
    assert!(stored.is_err(), "pinned ids are fixtures");
    let crops = c.face_crops();
    let face = |key: &Option<String>| {
        key.as_ref()
            .map(|k| worker::preview(&office.get_blob(k).expect("face crop")).expect("decodes"))
    };
    let faces = CaseFaces {
        portrait: face(&crops.portrait),
        selfie: face(&crops.selfie),
    };
    app.on_response(Response::Case(Box::new(c.clone()), pages, faces));
}

#[test]
fn every_screen_snapshot() {
    let s = seeded();
    let mut painter = Painter::halfblocks();

    let mut app = App::new(None, NOW);
    insta::assert_snapshot!("login", render(&app, &mut painter));
    for c in "o1".chars() {
        app.on_key(ch(c));
    }
    app.on_key(key(KeyCode::Tab));
    for c in "wrong pass".chars() {
        app.on_key(ch(c));
    }
    insta::assert_snapshot!("login_typing", render(&app, &mut painter));
    let req = app.on_key(key(KeyCode::Enter));
    assert!(
        matches!(req, Some(Request::Login { ref officer, ref passphrase }) if officer == "o1" && passphrase == "wrong pass")
    );
    app.on_response(Response::LoginFailed(
        "wrong passphrase for encrypted private key keys/officers/o1.key.pem".into(),
    ));
    insta::assert_snapshot!("login_wrong_passphrase", render(&app, &mut painter));

    let mut app = logged_in(&s);
    insta::assert_snapshot!("queue", render(&app, &mut painter));
    app.on_response(Response::Offline(
        "cannot open the database: connection refused".into(),
    ));
    insta::assert_snapshot!("queue_offline", render(&app, &mut painter));

    let mut app = logged_in(&s);
    open_case(&mut app, &s, 2);
    assert_eq!(app.screen, Screen::Case);
    let case = render(&app, &mut painter);
    insta::assert_snapshot!("case", case);
    assert!(
        case.contains("Face score 0.31 < threshold 0.50 (no match)")
            && case.contains("ID card portrait")
            && case.contains("Selfie"),
        "{case}"
    );
    let cv = app.case.as_ref().expect("case open");
    assert!(cv.faces.portrait.is_some() && cv.faces.selfie.is_some());
    assert!(
        !case.contains("no face found"),
        "both faces are pictured: {case}"
    );
    app.on_key(ch('y'));
    insta::assert_snapshot!("case_confirm_approve", render(&app, &mut painter));
    app.on_key(ch('n'));
    app.on_key(ch('x'));
    for c in "giấy tờ bị rách".chars() {
        app.on_key(ch(c));
    }
    insta::assert_snapshot!("case_refuse", render(&app, &mut painter));
    app.on_key(key(KeyCode::Esc));
    app.on_key(ch('s'));
    insta::assert_snapshot!("case_confirm_rescan", render(&app, &mut painter));
}

/// A side where the kiosk found no face says so, in both languages, beside the other's picture.
#[test]
fn a_face_not_found_is_a_placeholder_beside_the_other_picture() {
    let s = seeded();
    let mut painter = Painter::halfblocks();
    let mut app = logged_in(&s);
    let office = s.env.office();
    let mut c = s.cases[2].clone();
    c.face = Some(serde_json::json!({
        "detected": false,
        "portrait_detected": true,
        "selfie_detected": false,
        "score": null,
        "threshold": 0.55,
    }));
    let portrait = c.face_crops().portrait.expect("portrait stored");
    let faces = CaseFaces {
        portrait: worker::preview(&office.get_blob(&portrait).expect("blob")),
        selfie: None,
    };
    app.on_response(Response::Case(Box::new(c), vec![], faces));
    let screen = render(&app, &mut painter);
    insta::assert_snapshot!("case_no_selfie_face", screen);
    let face_panel: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("┌ Face"))
        .collect();
    let row = |needle: &str| {
        face_panel
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} in the face panel: {screen}"))
    };
    assert!(row("no score (no face compared)").starts_with("│Face "));
    // The placeholder is in the right half (the selfie), the portrait's picture in the left.
    let no_face = row("không tìm thấy khuôn mặt");
    let col = no_face.chars().position(|ch| ch == 'k').expect("col");
    assert!(col > 35, "{no_face}");
    assert!(row("no face found").contains('▀') || row("no face found").contains('▄'));
}

#[test]
fn graphics_are_asked_for_except_inside_a_multiplexer_unless_configured() {
    use console::tui::ask_for_graphics;
    assert!(ask_for_graphics(None, false));
    assert!(!ask_for_graphics(None, true));
    assert!(ask_for_graphics(Some("auto"), true));
    assert!(!ask_for_graphics(Some("halfblocks"), false));
}

#[test]
fn the_key_table_feeds_the_help_bar_and_has_no_duplicates() {
    for (i, a) in KEYS.iter().enumerate() {
        for b in &KEYS[i + 1..] {
            assert!(
                !(a.ctx == b.ctx && a.key == b.key),
                "{:?} {:?} bound twice",
                a.ctx,
                a.key
            );
        }
    }
    let app = App::new(None, NOW);
    assert_eq!(app.ctx(), Ctx::Login);
    let cmds = app.commands();
    assert_eq!(cmds[0], ("Tab", "next field"));
    assert!(cmds.contains(&("Enter", "log in")));
}

#[test]
fn a_flagged_case_is_decided_in_three_keys() {
    let s = seeded();
    let mut app = logged_in(&s);
    app.on_key(key(KeyCode::Down));
    assert_eq!(app.selected, 1);
    app.on_key(ch('k'));
    assert_eq!(app.selected, 0);
    // 1: Enter opens.
    let r = app.on_key(key(KeyCode::Enter));
    assert!(
        matches!(r, Some(Request::Open(ref id)) if *id == s.items[0].case_id),
        "{r:?}"
    );
    open_case(&mut app, &s, 0);
    // 2: y asks, 3: y confirms with the version seen.
    assert!(app.on_key(ch('y')).is_none());
    assert_eq!(app.dialog, Some(Dialog::ConfirmApprove));
    let r = app.on_key(ch('y'));
    assert!(
        matches!(r, Some(Request::Approve { ref case, version }) if *case == s.cases[0].id && version == s.cases[0].version),
        "{r:?}"
    );
    app.on_response(Response::Done("case approved".into()));
    assert_eq!(app.screen, Screen::Queue);
}

#[test]
fn refuse_picks_a_ground_and_a_note_and_escape_cancels() {
    let s = seeded();
    let mut app = logged_in(&s);
    open_case(&mut app, &s, 1);
    app.on_key(ch('x'));
    // A poor scan is not a ground of refusal: the decree's first ground is preselected.
    let Some(Dialog::Refuse { ground, .. }) = app.dialog.clone() else {
        panic!("refuse dialog")
    };
    assert_eq!(
        console::tui::app::grounds()[ground],
        RefusalGround::AlteredOriginal
    );
    app.on_key(key(KeyCode::Up));
    app.on_key(key(KeyCode::Up));
    for c in "mờ".chars() {
        app.on_key(ch(c));
    }
    app.on_key(key(KeyCode::Backspace));
    app.on_key(ch('x'));
    let r = app.on_key(key(KeyCode::Enter));
    match r {
        Some(Request::Refuse { ground, note, .. }) => {
            assert_eq!(
                ground,
                console::tui::app::grounds()[console::tui::app::grounds().len() - 2]
            );
            assert_eq!(note.as_deref(), Some("mx"));
        }
        other => panic!("{other:?}"),
    }
    // Escape closes a dialog, then leaves the case.
    app.on_response(Response::Failed(
        "case was already decided by officer o2".into(),
    ));
    open_case(&mut app, &s, 1);
    app.on_key(ch('s'));
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.dialog, None);
    let r = app.on_key(key(KeyCode::Esc));
    assert!(matches!(r, Some(Request::Queue(_))));
    assert_eq!(app.screen, Screen::Queue);
    // Ctrl-C quits anywhere.
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

/// Drives the real worker with keys until `pred` holds for the app (or fails after a while).
fn pump(app: &mut App, rx: &mpsc::Receiver<Response>, what: &str, pred: impl Fn(&App) -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !pred(app) {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            app.status
        );
        if let Ok(r) = rx.recv_timeout(Duration::from_millis(200)) {
            app.on_response(r);
        }
    }
}

both_backends! {
    fn the_worker_logs_in_opens_and_approves(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 21);
        drop(office);
        let (req_tx, req_rx) = mpsc::channel();
        let (resp_tx, resp_rx) = mpsc::channel();
        let handle = worker::spawn(env.cfg.clone(), vec![], Duration::from_millis(300), req_rx, resp_tx);
        let mut app = App::new(Some("o1".into()), OffsetDateTime::now_utc());
        let send = |app: &mut App, k: KeyEvent| {
            if let Some(r) = app.on_key(k) {
                req_tx.send(r).expect("worker alive");
            }
        };
        // A wrong passphrase stays on the login screen with one line.
        for c in "nope nope".chars() {
            send(&mut app, ch(c));
        }
        send(&mut app, key(KeyCode::Enter));
        pump(&mut app, &resp_rx, "login failure", |a| a.login.error.is_some());
        assert_eq!(app.screen, Screen::Login);
        assert!(app.login.error.as_deref().unwrap().contains("wrong passphrase"), "{:?}", app.login.error);
        for c in PASSPHRASE.chars() {
            send(&mut app, ch(c));
        }
        send(&mut app, key(KeyCode::Enter));
        pump(&mut app, &resp_rx, "queue", |a| a.screen == Screen::Queue && !a.queue.is_empty());
        assert_eq!(app.queue[0].case_id, case.id);
        // `a` assigns it to me; `f` narrows the queue to mine.
        send(&mut app, ch('a'));
        pump(&mut app, &resp_rx, "assigned", |a| a.queue[0].assigned_to.as_deref() == Some("o1"));
        send(&mut app, ch('f'));
        assert_eq!(app.filter.scope, console::desk::Scope::Mine);
        pump(&mut app, &resp_rx, "mine", |a| a.queue.len() == 1);
        // Three keys.
        send(&mut app, key(KeyCode::Enter));
        pump(&mut app, &resp_rx, "case", |a| a.screen == Screen::Case);
        assert_eq!(app.case.as_ref().unwrap().pages.len(), 2);
        send(&mut app, ch('y'));
        send(&mut app, ch('y'));
        pump(&mut app, &resp_rx, "decision", |a| a.screen == Screen::Queue && a.status.is_some());
        let status = app.status.clone().unwrap().1;
        assert!(status.contains("approved"), "{status}");
        assert!(status.contains("2 signatures"), "{status}");
        pump(&mut app, &resp_rx, "queue emptied", |a| a.queue.is_empty());
        let mut reg = db.registry();
        assert_eq!(reg.get_case(&case.id).unwrap().state, CaseState::Approved);
        let copy = reg.copy_of_case(&case.id).unwrap().expect("copy");
        let pdf = env.office().get_blob(&copy.pdf_blob).expect("pdf");
        let path = env.path("copy.pdf");
        std::fs::write(&path, &pdf).expect("write");
        assert_pdfsig_valid(&path, &env.ca(), 2);
        drop(req_tx);
        handle.join().expect("worker ends when the UI goes");
    }
}

/// PostgreSQL only: an embedded SQLite file has no connection to lose.
#[test]
fn a_lost_database_connection_is_a_status_line_and_the_worker_reconnects() {
    let db = TestDb::postgres();
    let env = Env::new(&db);
    let mut office = env.office();
    let case = flagged_case(&mut office, KIOSK, &[CheckCode::LowQuality], 41);
    drop(office);
    let (req_tx, req_rx) = mpsc::channel();
    let (resp_tx, resp_rx) = mpsc::channel();
    let handle = worker::spawn(
        env.cfg.clone(),
        vec![],
        Duration::from_millis(200),
        req_rx,
        resp_tx,
    );
    let mut app = App::new(Some("o1".into()), OffsetDateTime::now_utc());
    for c in PASSPHRASE.chars() {
        app.on_key(ch(c));
    }
    req_tx
        .send(app.on_key(key(KeyCode::Enter)).expect("login request"))
        .expect("send");
    pump(&mut app, &resp_rx, "queue", |a| !a.queue.is_empty());
    // Cut every connection to the test database but this one.
    db.execute_raw(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    pump(&mut app, &resp_rx, "offline", |a| !a.online);
    let (level, msg) = app.status.clone().expect("status");
    assert_eq!(level, console::tui::app::Level::Error);
    assert!(msg.starts_with("database unreachable, retrying"), "{msg}");
    pump(&mut app, &resp_rx, "back online", |a| a.online);
    // And it works again: the queue still lists the case.
    app.queue.clear();
    pump(&mut app, &resp_rx, "queue again", |a| !a.queue.is_empty());
    assert_eq!(app.queue[0].case_id, case.id);
    drop(req_tx);
    handle.join().expect("worker ends");
}

// ---- register, revocation (four eyes) and audit ------------------------------------------------

/// A valid identification code made from `stem` (23 characters): the check character is found
/// through the public parser, so the fixture never hard-codes the checksum.
fn code(stem: &str) -> IdCode {
    "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        .chars()
        .find_map(|c| IdCode::parse(&format!("{stem}{c}")).ok())
        .expect("some check character fits")
}

/// Three copies of December 2026 with fixed numbers, codes and times: issued automatically,
/// co-signed with a revocation pending, and revoked.
fn register_entries() -> Vec<RegisterEntry> {
    let seal = Some("Trung tâm Phục vụ hành chính công thành phố Hà Nội".to_owned());
    let an = CoSigner {
        officer_id: "o1".into(),
        full_name: "Nguyễn Văn An".into(),
        title: "Chuyên viên".into(),
    };
    let doc = DocumentType::ALL[0];
    let e = |seq: u64,
             at: &str,
             stem: &str,
             cosigner: Option<CoSigner>,
             state,
             decision: Option<&str>| {
        RegisterEntry {
            register_number: RegisterNumber::new(2026, 1, seq),
            issued_at: at.into(),
            issued_on: "2026-12-01".into(),
            code: code(stem),
            document_type: doc,
            seal_subject: seal.clone(),
            cosigner,
            state,
            revocation_decision: decision.map(str::to_owned),
        }
    };
    vec![
        e(
            1,
            "2026-12-01T02:15:00.000Z",
            "7K3MQX2D94HATR3WE6BNVP0",
            None,
            CopyState::Valid,
            None,
        ),
        e(
            2,
            "2026-12-01T03:40:00.000Z",
            "AB12CD34EF56GH78JK90MNP",
            Some(an.clone()),
            CopyState::RevocationRequested,
            Some("12/QĐ-TTPVHCC"),
        ),
        e(
            3,
            "2026-12-02T01:05:00.000Z",
            "ZZ99YY88XX77WW66VV55TT4",
            Some(an),
            CopyState::Revoked,
            Some("09/QĐ-TTPVHCC"),
        ),
    ]
}

/// Logged in, on the register of December 2026 with the three fixture copies.
fn on_register(s: &Seeded) -> App {
    let mut app = logged_in(s);
    let r = app.on_key(ch('r'));
    assert!(
        matches!(
            r,
            Some(Request::Register {
                year: 2026,
                month: 12
            })
        ),
        "{r:?}"
    );
    assert_eq!(app.screen, Screen::Register);
    app.on_response(Response::Register {
        year: 2026,
        month: 12,
        entries: register_entries(),
    });
    app
}

fn audit_fixture() -> AuditView {
    let entries = register_entries();
    let c = entries[1].code.as_str().to_owned();
    let entry = |seq: i64, at: &str, actor: &str, action: &str, detail: &str| AuditEntry {
        seq,
        at: at.into(),
        actor: actor.into(),
        entity_type: "copy".into(),
        entity_id: c.clone(),
        action: action.into(),
        detail: detail.into(),
        prev_hash: "0".repeat(64),
        hash: "1".repeat(64),
    };
    AuditView {
        entity_type: "copy".into(),
        entity_id: c.clone(),
        entries: vec![
            entry(
                41,
                "2026-12-01T03:40:00.000Z",
                "officer:o1",
                "issue",
                r#"{"register_number":"000002/Q01/2026-SCT/BS"}"#,
            ),
            entry(
                57,
                "2026-12-02T02:10:00.000Z",
                "officer:o1",
                "request_revocation",
                r#"{"decision":"12/QĐ-TTPVHCC"}"#,
            ),
        ],
        verified: 64,
        read_now: 60,
        broken: None,
        scroll: 0,
        back: Screen::Queue,
    }
}

#[test]
fn register_revocation_and_audit_snapshots() {
    let s = seeded();
    let mut painter = Painter::halfblocks();
    let mut app = on_register(&s);
    insta::assert_snapshot!("register", render(&app, &mut painter));

    app.on_key(ch('/'));
    for c in "ab12".chars() {
        app.on_key(ch(c));
    }
    insta::assert_snapshot!("register_find", render(&app, &mut painter));
    app.on_key(key(KeyCode::Esc));

    app.on_key(ch('v'));
    for c in "15/QĐ-TTPVHCC".chars() {
        app.on_key(ch(c));
    }
    app.on_key(key(KeyCode::Tab));
    for c in "cấp nhầm bản".chars() {
        app.on_key(ch(c));
    }
    insta::assert_snapshot!("register_revoke", render(&app, &mut painter));
    app.on_key(key(KeyCode::Esc));

    app.on_key(key(KeyCode::Down));
    app.on_key(ch('c'));
    insta::assert_snapshot!("register_confirm_revocation", render(&app, &mut painter));

    let mut app = on_register(&s);
    app.on_response(Response::Audit(Box::new(audit_fixture())));
    insta::assert_snapshot!("audit", render(&app, &mut painter));
    let mut broken = audit_fixture();
    broken.broken = Some("audit record 57: its contents do not match its hash (edited)".into());
    broken.verified = 56;
    app.on_response(Response::Audit(Box::new(broken)));
    insta::assert_snapshot!("audit_broken", render(&app, &mut painter));
}

#[test]
fn find_looks_in_the_whole_register_when_the_month_has_no_match() {
    let s = seeded();
    let mut app = on_register(&s);
    // A match in the loaded month: Enter only stops typing.
    let first = app.register.entries[0].code.to_string();
    app.on_key(ch('/'));
    for c in first.chars() {
        app.on_key(ch(c));
    }
    assert_eq!(app.on_key(key(KeyCode::Enter)).map(|_| ()), None);
    assert_eq!(app.register.visible().len(), 1);
    // No match in December: Enter asks the worker to look in every month.
    app.on_key(ch('/'));
    app.on_key(key(KeyCode::Esc));
    assert!(app.register.find.is_empty());
    app.on_key(ch('/'));
    for c in "000007/Q01/2026-SCT/BS".chars() {
        app.on_key(ch(c));
    }
    let r = app.on_key(key(KeyCode::Enter));
    assert!(
        matches!(&r, Some(Request::FindInRegister { query, year: 2026 }) if query == "000007/Q01/2026-SCT/BS"),
        "{r:?}"
    );
    // Found in October: the register turns to October with the copy selected.
    let mut october = register_entries();
    october.truncate(1);
    october[0].register_number = RegisterNumber::new(2026, 1, 7);
    let code = october[0].code.to_string();
    app.on_response(Response::Found {
        year: 2026,
        month: 10,
        entries: october,
        code: code.clone(),
    });
    assert_eq!((app.register.year, app.register.month), (2026, 10));
    assert_eq!(
        app.register.selected_entry().map(|e| e.code.to_string()),
        Some(code)
    );
    assert!(!app.register.typing);
}

#[test]
fn register_months_are_vietnam_months_and_stale_answers_are_dropped() {
    // 30 November 18:00 UTC is already 1 December in Hanoi.
    let v = RegisterView::new(datetime!(2026-11-30 18:00 UTC));
    assert_eq!((v.year, v.month), (2026, 12));
    let v = RegisterView::new(datetime!(2026-11-30 16:59 UTC));
    assert_eq!((v.year, v.month), (2026, 11));

    let s = seeded();
    let mut app = on_register(&s);
    assert_eq!(app.register.visible().len(), 3);
    let r = app.on_key(key(KeyCode::Left));
    assert!(
        matches!(
            r,
            Some(Request::Register {
                year: 2026,
                month: 11
            })
        ),
        "{r:?}"
    );
    assert!(
        app.register.entries.is_empty(),
        "the old month is not shown as the new one"
    );
    app.on_key(key(KeyCode::Right));
    let r = app.on_key(key(KeyCode::Right));
    assert!(
        matches!(
            r,
            Some(Request::Register {
                year: 2027,
                month: 1
            })
        ),
        "{r:?}"
    );
    // December's answer arrives late: January stays empty.
    app.on_response(Response::Register {
        year: 2026,
        month: 12,
        entries: register_entries(),
    });
    assert!(app.register.entries.is_empty());
    // Esc goes back to the queue and asks for it.
    let r = app.on_key(key(KeyCode::Esc));
    assert!(matches!(r, Some(Request::Queue(_))), "{r:?}");
    assert_eq!(app.screen, Screen::Queue);
}

#[test]
fn register_finds_by_number_or_code() {
    let s = seeded();
    let mut app = on_register(&s);
    let entries = register_entries();
    let find = |app: &mut App, text: &str| -> Vec<u64> {
        app.on_key(ch('/'));
        assert_eq!(app.ctx(), Ctx::Find);
        for c in text.chars() {
            app.on_key(ch(c));
        }
        app.on_key(key(KeyCode::Enter));
        assert_eq!(app.ctx(), Ctx::Register);
        let seqs = app
            .register
            .visible()
            .iter()
            .map(|e| e.register_number.seq)
            .collect();
        // Esc in the register goes back to the queue; clear by typing mode instead.
        app.on_key(ch('/'));
        app.on_key(key(KeyCode::Esc));
        seqs
    };
    // The number as printed, or just the sequence.
    assert_eq!(find(&mut app, "000003/Q01/2026-SCT/BS"), vec![3]);
    assert_eq!(find(&mut app, "2"), vec![2]);
    // The code in lower case with its dashes, and a part of it without.
    let grouped = entries[2].code.to_string().to_lowercase();
    assert_eq!(find(&mut app, &grouped), vec![3]);
    assert_eq!(find(&mut app, &entries[0].code.as_str()[..6]), vec![1]);
    assert_eq!(find(&mut app, "nothing-like-it"), Vec::<u64>::new());
    assert!(app.register.find.is_empty());
    assert_eq!(app.register.visible().len(), 3);
}

#[test]
fn revocation_keys_ask_for_a_decision_and_a_reason_and_check_the_state() {
    let s = seeded();
    let mut app = on_register(&s);
    let entries = register_entries();
    // Valid copy: `v` opens the dialog; empty fields are refused with one line.
    assert!(app.on_key(ch('v')).is_none());
    assert_eq!(app.ctx(), Ctx::Revoke);
    assert!(app.on_key(key(KeyCode::Enter)).is_none());
    assert_eq!(app.status.as_ref().map(|s| s.0), Some(Level::Error));
    assert_eq!(app.ctx(), Ctx::Revoke, "the dialog stays open");
    for c in " 15/QĐ ".chars() {
        app.on_key(ch(c));
    }
    app.on_key(key(KeyCode::Backspace));
    assert!(app.on_key(key(KeyCode::Enter)).is_none(), "no reason yet");
    app.on_key(key(KeyCode::Tab));
    assert!(matches!(
        app.dialog,
        Some(Dialog::Revoke {
            field: RevokeField::Reason,
            ..
        })
    ));
    for c in "cấp nhầm".chars() {
        app.on_key(ch(c));
    }
    let r = app.on_key(key(KeyCode::Enter));
    let want = entries[0].code.to_string();
    assert!(
        matches!(&r, Some(Request::RequestRevocation { code, decision, reason })
            if *code == want && decision == "15/QĐ" && reason == "cấp nhầm"),
        "{r:?}"
    );
    assert!(app.dialog.is_none());
    // `c` on a valid copy: nothing to confirm.
    app.status = None;
    assert!(app.on_key(ch('c')).is_none());
    assert!(app.dialog.is_none());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .1
            .contains("no revocation waiting")
    );
    // Pending copy: `c`, `y` confirms it.
    app.on_key(key(KeyCode::Down));
    app.on_key(ch('c'));
    assert!(matches!(app.dialog, Some(Dialog::ConfirmRevocation { .. })));
    let r = app.on_key(ch('y'));
    let want = entries[1].code.to_string();
    assert!(
        matches!(&r, Some(Request::ConfirmRevocation { code }) if *code == want),
        "{r:?}"
    );
    // Revoked copy: neither key opens a dialog.
    app.on_key(key(KeyCode::Down));
    app.status = None;
    assert!(app.on_key(ch('v')).is_none());
    assert!(app.dialog.is_none());
    assert!(app.status.as_ref().unwrap().1.contains("nothing to revoke"));
    // A refusal from the desk (four eyes) stays on the register as a status line.
    app.on_response(Response::Failed(
        "the officer who requested it cannot confirm it".into(),
    ));
    assert_eq!(app.screen, Screen::Register);
    // `h` asks for the copy's audit trail; Esc comes back to the register.
    let r = app.on_key(ch('h'));
    let want = entries[2].code.as_str().to_owned();
    assert!(
        matches!(&r, Some(Request::Audit { entity_type: "copy", id }) if *id == want),
        "{r:?}"
    );
    app.on_response(Response::Audit(Box::new(audit_fixture())));
    assert_eq!(app.screen, Screen::Audit);
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Register);
}

#[test]
fn audit_opens_from_the_queue_and_the_case() {
    let s = seeded();
    let mut app = logged_in(&s);
    let r = app.on_key(ch('h'));
    assert!(
        matches!(&r, Some(Request::Audit { entity_type: "case", id }) if *id == s.items[0].case_id),
        "{r:?}"
    );
    open_case(&mut app, &s, 1);
    let r = app.on_key(ch('h'));
    assert!(
        matches!(&r, Some(Request::Audit { entity_type: "case", id }) if *id == s.cases[1].id),
        "{r:?}"
    );
    app.on_response(Response::Audit(Box::new(audit_fixture())));
    assert_eq!(app.screen, Screen::Audit);
    app.on_key(key(KeyCode::Down));
    assert_eq!(app.audit.as_ref().unwrap().scroll, 1);
    app.on_key(key(KeyCode::Down));
    assert_eq!(
        app.audit.as_ref().unwrap().scroll,
        1,
        "stops at the last entry"
    );
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Case, "back to the case it came from");
    assert!(app.case.is_some());
}

/// Logs `officer` in through a fresh worker (another officer's desk) and waits for the queue.
fn desk_ui(
    env: &Env,
    officer: &str,
) -> (
    App,
    mpsc::Sender<Request>,
    mpsc::Receiver<Response>,
    std::thread::JoinHandle<()>,
) {
    let (req_tx, req_rx) = mpsc::channel();
    let (resp_tx, resp_rx) = mpsc::channel();
    let handle = worker::spawn(
        env.cfg.clone(),
        vec![],
        Duration::from_millis(300),
        req_rx,
        resp_tx,
    );
    let mut app = App::new(Some(officer.into()), OffsetDateTime::now_utc());
    for c in PASSPHRASE.chars() {
        app.on_key(ch(c));
    }
    req_tx
        .send(app.on_key(key(KeyCode::Enter)).expect("login"))
        .expect("worker");
    pump(&mut app, &resp_rx, "login", |a| a.screen == Screen::Queue);
    (app, req_tx, resp_rx, handle)
}

fn press(app: &mut App, tx: &mpsc::Sender<Request>, k: KeyEvent) {
    if let Some(r) = app.on_key(k) {
        tx.send(r).expect("worker alive");
    }
}

both_backends! {
    fn revocation_takes_a_second_officer_and_the_audit_shows_it(db) {
        let env = Env::new(db);
        let mut office = env.office();
        let case = flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 31);
        let mut desk = Desk::new(office, env.cfg.clone(), "o1").expect("desk");
        desk.unlock(PASSPHRASE).expect("unlock");
        desk.approve(&case.id, None).expect("approve");
        drop(desk);
        let copy = db.registry().copy_of_case(&case.id).unwrap().expect("copy");

        // Officer o1 finds the copy in this month's register and requests its revocation.
        let (mut app, tx, rx, handle) = desk_ui(&env, "o1");
        press(&mut app, &tx, ch('r'));
        pump(&mut app, &rx, "register", |a| a.register.entries.len() == 1);
        assert_eq!(app.register.entries[0].code, copy.code);
        assert_eq!(app.register.entries[0].state, CopyState::Valid);
        press(&mut app, &tx, ch('v'));
        for c in "15/QĐ-TTPVHCC".chars() {
            press(&mut app, &tx, ch(c));
        }
        press(&mut app, &tx, key(KeyCode::Tab));
        for c in "cấp nhầm".chars() {
            press(&mut app, &tx, ch(c));
        }
        press(&mut app, &tx, key(KeyCode::Enter));
        pump(&mut app, &rx, "requested", |a| {
            a.register.entries.first().is_some_and(|e| e.state == CopyState::RevocationRequested)
        });
        assert_eq!(app.register.entries[0].revocation_decision.as_deref(), Some("15/QĐ-TTPVHCC"));
        // The same officer cannot confirm it: one line, nothing changes.
        app.status = None;
        press(&mut app, &tx, ch('c'));
        press(&mut app, &tx, ch('y'));
        pump(&mut app, &rx, "four eyes", |a| a.status.as_ref().is_some_and(|s| s.0 == Level::Error));
        let msg = app.status.clone().unwrap().1;
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains("cannot also confirm"), "{msg}");
        assert_eq!(app.screen, Screen::Register);
        assert_eq!(db.registry().get_copy(&copy.code).unwrap().state, CopyState::RevocationRequested, "{msg}");
        // The statistics of the last seven days count the case and o1's decision.
        press(&mut app, &tx, key(KeyCode::Esc));
        press(&mut app, &tx, ch('t'));
        assert_eq!(app.screen, Screen::Stats);
        pump(&mut app, &rx, "statistics", |a| a.stats.is_some());
        let stats = app.stats.clone().unwrap();
        assert_eq!(stats.days.len(), 7);
        assert_eq!((stats.total.cases, stats.total.approved, stats.total.flagged), (1, 1, 1));
        assert_eq!(stats.officers.len(), 1);
        assert_eq!((stats.officers[0].officer_id.as_str(), stats.officers[0].decisions), ("o1", 1));
        drop(tx);
        handle.join().expect("worker ends");

        // Officer o2 confirms it.
        let (mut app, tx, rx, handle) = desk_ui(&env, "o2");
        press(&mut app, &tx, ch('r'));
        pump(&mut app, &rx, "register", |a| a.register.entries.len() == 1);
        let this_month = (app.register.year, app.register.month);
        // From last month's (empty) register, finding the code turns back to the copy's month.
        press(&mut app, &tx, key(KeyCode::Left));
        assert_ne!((app.register.year, app.register.month), this_month);
        press(&mut app, &tx, ch('/'));
        for c in copy.code.to_string().chars() {
            press(&mut app, &tx, ch(c));
        }
        press(&mut app, &tx, key(KeyCode::Enter));
        pump(&mut app, &rx, "found", |a| (a.register.year, a.register.month) == this_month);
        assert_eq!(app.register.selected_entry().map(|e| e.code.clone()), Some(copy.code.clone()));
        press(&mut app, &tx, ch('c'));
        press(&mut app, &tx, ch('y'));
        pump(&mut app, &rx, "revoked", |a| {
            a.register.entries.first().is_some_and(|e| e.state == CopyState::Revoked)
        });
        assert_eq!(db.registry().get_copy(&copy.code).unwrap().state, CopyState::Revoked);
        // The copy's audit trail shows both officers, and the chain verifies.
        press(&mut app, &tx, ch('h'));
        pump(&mut app, &rx, "audit", |a| a.screen == Screen::Audit);
        let audit = app.audit.clone().expect("audit");
        let actions: Vec<(&str, &str)> = audit
            .entries
            .iter()
            .map(|e| (e.actor.as_str(), e.action.as_str()))
            .collect();
        assert!(actions.contains(&("officer:o1", "request_revocation")), "{actions:?}");
        assert!(actions.contains(&("officer:o2", "confirm_revocation")), "{actions:?}");
        assert!(audit.entries.iter().all(|e| e.entity_id == copy.code.as_str()));
        assert!(audit.broken.is_none(), "{:?}", audit.broken);
        assert!(audit.verified >= audit.entries.len() as u64);
        assert_eq!(audit.read_now, audit.verified, "the first check of a session reads it all");
        // The second look in the same session reads only what was appended since.
        press(&mut app, &tx, key(KeyCode::Esc));
        app.audit = None;
        press(&mut app, &tx, ch('h'));
        pump(&mut app, &rx, "audit again", |a| a.audit.is_some());
        let again = app.audit.clone().expect("audit");
        assert!(again.broken.is_none(), "{:?}", again.broken);
        assert_eq!(again.verified, audit.verified);
        assert_eq!(again.read_now, 0);
        drop(tx);
        handle.join().expect("worker ends");
    }
}

fn stats_fixture() -> CaseStatistics {
    let day = |k: u8, cases: u64, auto: u64, flagged: u64, approved: u64, refused: u64| DayStats {
        date: Some(format!(
            "2026-{}",
            [
                "11-26", "11-27", "11-28", "11-29", "11-30", "12-01", "12-02"
            ][usize::from(k)]
        )),
        cases,
        auto_issued: auto,
        flagged,
        approved,
        refused,
        pending: cases - auto - approved - refused,
        share_auto_issued: if cases == 0 {
            0.0
        } else {
            auto as f64 / cases as f64
        },
        share_flagged: if cases == 0 {
            0.0
        } else {
            flagged as f64 / cases as f64
        },
        share_refused: if cases == 0 {
            0.0
        } else {
            refused as f64 / cases as f64
        },
        share_pending: if cases == 0 {
            0.0
        } else {
            (cases - auto - approved - refused) as f64 / cases as f64
        },
    };
    let days = vec![
        day(0, 40, 31, 9, 6, 2),
        day(1, 52, 44, 8, 7, 1),
        day(2, 0, 0, 0, 0, 0),
        day(3, 0, 0, 0, 0, 0),
        day(4, 61, 50, 11, 9, 1),
        day(5, 47, 39, 8, 5, 1),
        day(6, 12, 9, 3, 0, 0),
    ];
    let mut total = DayStats::default();
    for d in &days {
        total.cases += d.cases;
        total.auto_issued += d.auto_issued;
        total.flagged += d.flagged;
        total.approved += d.approved;
        total.refused += d.refused;
        total.pending += d.pending;
    }
    let t = total.cases as f64;
    total.share_auto_issued = total.auto_issued as f64 / t;
    total.share_flagged = total.flagged as f64 / t;
    total.share_refused = total.refused as f64 / t;
    total.share_pending = total.pending as f64 / t;
    CaseStatistics {
        from: "2026-11-26".into(),
        to: "2026-12-02".into(),
        days,
        total,
        officers: vec![
            OfficerTimes {
                officer_id: "o1".into(),
                decisions: 21,
                median_seconds: 95.0,
            },
            OfficerTimes {
                officer_id: "o2".into(),
                decisions: 12,
                median_seconds: 7380.0,
            },
        ],
    }
}

#[test]
fn statistics_cover_the_last_seven_days() {
    let s = seeded();
    let mut painter = Painter::halfblocks();
    let mut app = logged_in(&s);
    // Wednesday 2 December in Hanoi: 26 November to 2 December.
    let r = app.on_key(ch('t'));
    assert!(
        matches!(r, Some(Request::Stats { from, to })
            if from == time::macros::date!(2026-11-26) && to == time::macros::date!(2026-12-02)),
        "{r:?}"
    );
    assert_eq!(app.screen, Screen::Stats);
    insta::assert_snapshot!("stats_loading", render(&app, &mut painter));
    app.on_response(Response::Stats(Box::new(stats_fixture())));
    insta::assert_snapshot!("stats", render(&app, &mut painter));
    assert!(matches!(app.on_key(ch('g')), Some(Request::Stats { .. })));
    let r = app.on_key(key(KeyCode::Esc));
    assert!(matches!(r, Some(Request::Queue(_))), "{r:?}");
    assert_eq!(app.screen, Screen::Queue);
}

#[test]
fn decision_times_read_as_minutes_or_hours() {
    use console::tui::stats::duration;
    assert_eq!(duration(42.4), "42s");
    assert_eq!(duration(95.0), "1m 35s");
    assert_eq!(duration(7380.0), "2h 03m");
    assert_eq!(duration(-3.0), "0s");
}
