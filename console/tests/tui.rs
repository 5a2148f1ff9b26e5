//! The terminal UI: every screen as a whole-screen `TestBackend` snapshot on a seeded database
//! (fixed clock and ids), the key table and key handling, and the worker driven by keys end to
//! end (log in, open, approve in three keys) on both backends.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::*;
use console::desk::{Desk, QueueFilter, QueueItem, queue_item};
use console::tui::app::{App, Ctx, Dialog, KEYS, Request, Response, Screen};
use console::tui::{Painter, view, worker};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use time::macros::datetime;
use truecopy_domain::{CaseState, CheckCode};
use truecopy_registry::CaseRecord;
use truecopy_tests::{TestDb, both_backends};

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
    let made = [
        flagged_case(&mut office, KIOSK, &[CheckCode::FaceMismatch], 11),
        flagged_case(&mut office, "K02", &[CheckCode::LowQuality], 12),
        flagged_case(&mut office, KIOSK, &[CheckCode::MrzVisualMismatch], 13),
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
    app.on_response(Response::Case(Box::new(c.clone()), pages));
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
    insta::assert_snapshot!("case", render(&app, &mut painter));
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
    // Preselected: the case's own reason.
    let Some(Dialog::Refuse { ground, .. }) = app.dialog.clone() else {
        panic!("refuse dialog")
    };
    assert_eq!(console::tui::app::grounds()[ground], CheckCode::LowQuality);
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
                console::tui::app::grounds()[ground_index(CheckCode::LowQuality) - 2]
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

fn ground_index(c: CheckCode) -> usize {
    console::tui::app::grounds()
        .iter()
        .position(|g| *g == c)
        .expect("ground")
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
