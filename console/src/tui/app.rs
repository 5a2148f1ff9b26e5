//! The UI's state and key handling: pure, no I/O. A key becomes an [`Action`] through the ONE key
//! table [`KEYS`] (which also feeds the help bar); an action changes the state and may produce a
//! [`Request`] for the worker thread, which answers with a [`Response`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use image::DynamicImage;
use time::OffsetDateTime;
use truecopy_domain::RefusalGround;
use truecopy_registry::CaseRecord;

use truecopy_domain::AuditEntry;
use truecopy_registry::{CaseStatistics, RegisterEntry};

use super::component::Component;
use super::{audit, case, dialog, login, queue, register, stats};
use crate::desk::{QueueFilter, QueueItem};

/// What the UI asks the worker to do.
#[derive(Debug)]
pub enum Request {
    Login {
        officer: String,
        passphrase: String,
    },
    Queue(QueueFilter),
    Open(String),
    Assign(String),
    Approve {
        case: String,
        version: i64,
    },
    Refuse {
        case: String,
        version: i64,
        ground: RefusalGround,
        note: Option<String>,
    },
    Rescan {
        case: String,
        version: i64,
    },
    /// The register of a month (Vietnam time).
    Register {
        year: i32,
        month: u8,
    },
    /// Find a copy in the whole register (the loaded month did not list it).
    FindInRegister {
        query: String,
        year: i32,
    },
    /// First officer: ask for the revocation of an issued copy.
    RequestRevocation {
        code: String,
        decision: String,
        reason: String,
    },
    /// Second officer: confirm a requested revocation (four eyes).
    ConfirmRevocation {
        code: String,
    },
    /// The audit trail of a case or copy, and whether the whole chain verifies.
    Audit {
        entity_type: &'static str,
        id: String,
    },
    /// Case statistics of the days `from` to `to` (Vietnam dates, inclusive).
    Stats {
        from: time::Date,
        to: time::Date,
    },
}

/// What the worker answers.
#[derive(Debug)]
pub enum Response {
    LoggedIn {
        id: String,
        name: String,
    },
    LoginFailed(String),
    Queue(Vec<QueueItem>),
    /// A case opened: its record, its page images and the faces the kiosk compared.
    Case(Box<CaseRecord>, Vec<DynamicImage>, CaseFaces),
    /// An action succeeded (message for the status line); the queue follows.
    Done(String),
    /// An action failed (one line).
    Failed(String),
    /// The database cannot be reached; the worker keeps retrying.
    Offline(String),
    Online,
    Register {
        year: i32,
        month: u8,
        entries: Vec<RegisterEntry>,
    },
    /// A copy found in the whole register: the month that lists it, with the copy selected.
    Found {
        year: i32,
        month: u8,
        entries: Vec<RegisterEntry>,
        code: String,
    },
    Audit(Box<AuditView>),
    Stats(Box<CaseStatistics>),
}

/// Where the officer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Queue,
    Case,
    Register,
    Audit,
    Stats,
}

/// A dialog over the case view or the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    ConfirmApprove,
    ConfirmRescan,
    Refuse {
        ground: usize,
        note: String,
    },
    /// Revocation request for the copy `code`: the cancellation decision number and the reason.
    Revoke {
        code: String,
        decision: String,
        reason: String,
        field: RevokeField,
    },
    /// Confirm the pending revocation of the copy `code`.
    ConfirmRevocation {
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeField {
    Decision,
    Reason,
}

/// The context a key is read in (one row of the key table each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Login,
    Queue,
    Case,
    Confirm,
    Refuse,
    Register,
    /// Typing a register number or code to find in the register.
    Find,
    Revoke,
    Audit,
    Stats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
    Open,
    Back,
    Assign,
    Scope,
    Refresh,
    Approve,
    Refuse,
    Rescan,
    Yes,
    No,
    NextPage,
    Zoom,
    Rotate,
    NextField,
    Submit,
    PrevGround,
    NextGround,
    Register,
    Audit,
    PrevMonth,
    NextMonth,
    Find,
    RequestRevocation,
    ConfirmRevocation,
    Stats,
}

/// One binding: in `ctx`, `key` (shown as `shown`) does `action` (labelled `label`).
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub ctx: Ctx,
    pub key: KeyCode,
    pub shown: &'static str,
    pub label: &'static str,
    pub action: Action,
}

const fn b(
    ctx: Ctx,
    key: KeyCode,
    shown: &'static str,
    label: &'static str,
    action: Action,
) -> Binding {
    Binding {
        ctx,
        key,
        shown,
        label,
        action,
    }
}

/// THE key table. The help bar lists the rows of the current context whose `shown` is not empty.
pub const KEYS: &[Binding] = &[
    b(
        Ctx::Login,
        KeyCode::Tab,
        "Tab",
        "next field",
        Action::NextField,
    ),
    b(
        Ctx::Login,
        KeyCode::Enter,
        "Enter",
        "log in",
        Action::Submit,
    ),
    b(Ctx::Login, KeyCode::Esc, "Esc", "quit", Action::Quit),
    b(Ctx::Queue, KeyCode::Enter, "Enter", "open", Action::Open),
    b(Ctx::Queue, KeyCode::Up, "↑↓", "move", Action::Up),
    b(Ctx::Queue, KeyCode::Down, "", "", Action::Down),
    b(Ctx::Queue, KeyCode::Char('k'), "", "", Action::Up),
    b(Ctx::Queue, KeyCode::Char('j'), "", "", Action::Down),
    b(
        Ctx::Queue,
        KeyCode::Char('a'),
        "a",
        "assign to me",
        Action::Assign,
    ),
    b(
        Ctx::Queue,
        KeyCode::Char('f'),
        "f",
        "mine/unassigned/all",
        Action::Scope,
    ),
    b(
        Ctx::Queue,
        KeyCode::Char('g'),
        "g",
        "refresh",
        Action::Refresh,
    ),
    b(Ctx::Queue, KeyCode::Char('q'), "q", "quit", Action::Quit),
    b(
        Ctx::Case,
        KeyCode::Char('y'),
        "y",
        "approve",
        Action::Approve,
    ),
    b(Ctx::Case, KeyCode::Char('x'), "x", "refuse", Action::Refuse),
    b(Ctx::Case, KeyCode::Char('s'), "s", "rescan", Action::Rescan),
    b(
        Ctx::Case,
        KeyCode::Char('n'),
        "n",
        "next page",
        Action::NextPage,
    ),
    b(Ctx::Case, KeyCode::Char('z'), "z", "zoom", Action::Zoom),
    b(Ctx::Case, KeyCode::Char('r'), "r", "rotate", Action::Rotate),
    b(Ctx::Case, KeyCode::Esc, "Esc", "back", Action::Back),
    b(
        Ctx::Confirm,
        KeyCode::Char('y'),
        "y",
        "confirm",
        Action::Yes,
    ),
    b(Ctx::Confirm, KeyCode::Enter, "", "", Action::Yes),
    b(Ctx::Confirm, KeyCode::Char('n'), "n", "cancel", Action::No),
    b(Ctx::Confirm, KeyCode::Esc, "", "", Action::No),
    b(Ctx::Refuse, KeyCode::Up, "↑↓", "ground", Action::PrevGround),
    b(Ctx::Refuse, KeyCode::Down, "", "", Action::NextGround),
    b(
        Ctx::Refuse,
        KeyCode::Enter,
        "Enter",
        "refuse in writing",
        Action::Submit,
    ),
    b(Ctx::Refuse, KeyCode::Esc, "Esc", "cancel", Action::No),
    // The register, audit and statistics screens.
    b(
        Ctx::Queue,
        KeyCode::Char('r'),
        "r",
        "register",
        Action::Register,
    ),
    b(Ctx::Queue, KeyCode::Char('h'), "h", "audit", Action::Audit),
    b(Ctx::Case, KeyCode::Char('h'), "h", "audit", Action::Audit),
    b(
        Ctx::Queue,
        KeyCode::Char('t'),
        "t",
        "statistics",
        Action::Stats,
    ),
    b(Ctx::Register, KeyCode::Up, "↑↓", "move", Action::Up),
    b(Ctx::Register, KeyCode::Down, "", "", Action::Down),
    b(Ctx::Register, KeyCode::Char('k'), "", "", Action::Up),
    b(Ctx::Register, KeyCode::Char('j'), "", "", Action::Down),
    b(
        Ctx::Register,
        KeyCode::Left,
        "←→",
        "month",
        Action::PrevMonth,
    ),
    b(Ctx::Register, KeyCode::Right, "", "", Action::NextMonth),
    b(
        Ctx::Register,
        KeyCode::Char('/'),
        "/",
        "find no./code",
        Action::Find,
    ),
    b(
        Ctx::Register,
        KeyCode::Char('v'),
        "v",
        "request revocation",
        Action::RequestRevocation,
    ),
    b(
        Ctx::Register,
        KeyCode::Char('c'),
        "c",
        "confirm revocation",
        Action::ConfirmRevocation,
    ),
    b(
        Ctx::Register,
        KeyCode::Char('h'),
        "h",
        "audit",
        Action::Audit,
    ),
    b(
        Ctx::Register,
        KeyCode::Char('g'),
        "g",
        "refresh",
        Action::Refresh,
    ),
    b(Ctx::Register, KeyCode::Esc, "Esc", "queue", Action::Back),
    b(Ctx::Find, KeyCode::Enter, "Enter", "done", Action::Submit),
    b(Ctx::Find, KeyCode::Esc, "Esc", "clear", Action::No),
    b(
        Ctx::Revoke,
        KeyCode::Tab,
        "Tab",
        "next field",
        Action::NextField,
    ),
    b(
        Ctx::Revoke,
        KeyCode::Enter,
        "Enter",
        "request revocation",
        Action::Submit,
    ),
    b(Ctx::Revoke, KeyCode::Esc, "Esc", "cancel", Action::No),
    b(Ctx::Audit, KeyCode::Up, "↑↓", "scroll", Action::Up),
    b(Ctx::Audit, KeyCode::Down, "", "", Action::Down),
    b(Ctx::Audit, KeyCode::Esc, "Esc", "back", Action::Back),
    b(
        Ctx::Stats,
        KeyCode::Char('g'),
        "g",
        "refresh",
        Action::Refresh,
    ),
    b(Ctx::Stats, KeyCode::Esc, "Esc", "queue", Action::Back),
];

/// The refusal grounds offered, in the order of the decree (Art 22(1)–(6), then Art 20(1)).
pub fn grounds() -> &'static [RefusalGround] {
    RefusalGround::ALL
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    Officer,
    Passphrase,
}

#[derive(Debug, Clone)]
pub struct LoginForm {
    pub officer: String,
    pub passphrase: String,
    pub focus: LoginField,
    pub error: Option<String>,
    pub busy: bool,
}

/// The faces the kiosk compared (decoded crops of the ID card's portrait and of the selfie),
/// shown side by side in the case view; `None` where none was stored.
#[derive(Debug, Default)]
pub struct CaseFaces {
    pub portrait: Option<DynamicImage>,
    pub selfie: Option<DynamicImage>,
}

/// The open case and how its pages are shown.
#[derive(Debug)]
pub struct CaseView {
    pub record: CaseRecord,
    pub pages: Vec<DynamicImage>,
    pub faces: CaseFaces,
    pub page: usize,
    pub zoom: bool,
    pub quarter_turns: u8,
}

impl CaseView {
    /// The page as shown: rotated, and zoomed to its central half.
    pub fn shown_page(&self) -> Option<DynamicImage> {
        let img = self.pages.get(self.page)?;
        let img = match self.quarter_turns % 4 {
            1 => img.rotate90(),
            2 => img.rotate180(),
            3 => img.rotate270(),
            _ => img.clone(),
        };
        Some(if self.zoom {
            let (w, h) = (img.width(), img.height());
            img.crop_imm(w / 4, h / 4, (w / 2).max(1), (h / 2).max(1))
        } else {
            img
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// The register screen: one month of issued copies, narrowed by what the officer typed.
#[derive(Debug, Clone)]
pub struct RegisterView {
    pub year: i32,
    pub month: u8,
    pub entries: Vec<RegisterEntry>,
    /// A register number or identification code (or part of one) to find.
    pub find: String,
    pub typing: bool,
    /// Index into [`RegisterView::visible`].
    pub selected: usize,
}

impl RegisterView {
    /// The month of `now` in Vietnam time.
    pub fn new(now: OffsetDateTime) -> RegisterView {
        let local = now.to_offset(truecopy_domain::deadline::VIETNAM);
        RegisterView {
            year: local.year(),
            month: u8::from(local.month()),
            entries: Vec::new(),
            find: String::new(),
            typing: false,
            selected: 0,
        }
    }

    /// The entries matching [`RegisterView::find`]: digits alone are a register sequence number
    /// (`123` or `000123`); anything else is a part of the register number as printed
    /// (`000123/Q01/2026-SCT/BS`) or of the code (dashes, spaces and case ignored).
    pub fn visible(&self) -> Vec<&RegisterEntry> {
        let norm = |s: &str| -> String {
            s.chars()
                .filter(|c| *c != '-' && *c != ' ')
                .flat_map(char::to_uppercase)
                .collect()
        };
        let want = norm(self.find.trim());
        if want.is_empty() {
            return self.entries.iter().collect();
        }
        if want.chars().all(|c| c.is_ascii_digit()) {
            let seq = want.parse::<u64>().ok();
            return self
                .entries
                .iter()
                .filter(|e| Some(e.register_number.seq) == seq)
                .collect();
        }
        self.entries
            .iter()
            .filter(|e| {
                norm(&e.register_number.to_string()).contains(&want)
                    || norm(e.code.as_str()).contains(&want)
            })
            .collect()
    }

    pub fn selected_entry(&self) -> Option<&RegisterEntry> {
        self.visible().get(self.selected).copied()
    }

    /// Moves by `delta` months.
    pub fn shift(&mut self, delta: i32) {
        let m = self.year * 12 + i32::from(self.month) - 1 + delta;
        self.year = m.div_euclid(12);
        self.month = u8::try_from(m.rem_euclid(12) + 1).unwrap_or(1);
        self.selected = 0;
    }
}

/// The audit trail of one case or copy and the verdict on the whole chain.
#[derive(Debug, Clone)]
pub struct AuditView {
    pub entity_type: String,
    pub entity_id: String,
    pub entries: Vec<AuditEntry>,
    /// Records of the whole chain found sound.
    pub verified: u64,
    /// Of those, the records read by this check (the rest were verified earlier this session).
    pub read_now: u64,
    /// The first break of the chain, if any (one line).
    pub broken: Option<String>,
    /// First entry shown.
    pub scroll: usize,
    /// The screen to go back to.
    pub back: Screen,
}

/// How many days the statistics screen covers.
pub const STATS_DAYS: i64 = 7;

/// The whole UI state.
#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub dialog: Option<Dialog>,
    pub login: LoginForm,
    pub officer: Option<(String, String)>,
    pub filter: QueueFilter,
    pub queue: Vec<QueueItem>,
    pub selected: usize,
    pub case: Option<CaseView>,
    pub register: RegisterView,
    pub audit: Option<AuditView>,
    pub stats: Option<CaseStatistics>,
    pub status: Option<(Level, String)>,
    pub online: bool,
    pub busy: bool,
    /// The clock the legal deadlines are shown against (set by the caller: fixed in tests).
    pub now: OffsetDateTime,
    pub quit: bool,
}

impl App {
    pub fn new(officer: Option<String>, now: OffsetDateTime) -> App {
        let focus = if officer.is_some() {
            LoginField::Passphrase
        } else {
            LoginField::Officer
        };
        App {
            screen: Screen::Login,
            dialog: None,
            login: LoginForm {
                officer: officer.unwrap_or_default(),
                passphrase: String::new(),
                focus,
                error: None,
                busy: false,
            },
            officer: None,
            filter: QueueFilter::default(),
            queue: Vec::new(),
            selected: 0,
            case: None,
            register: RegisterView::new(now),
            audit: None,
            stats: None,
            status: None,
            online: true,
            busy: false,
            now,
            quit: false,
        }
    }

    /// The component of the current screen (under any dialog).
    pub fn screen_component(&self) -> &'static dyn Component {
        match self.screen {
            Screen::Login => &login::Login,
            Screen::Queue => &queue::Queue,
            Screen::Case => &case::Case,
            Screen::Register => &register::Register,
            Screen::Audit => &audit::Audit,
            Screen::Stats => &stats::Stats,
        }
    }

    /// The component that reads keys now: the dialog if one is open, else the screen.
    pub fn component(&self) -> &'static dyn Component {
        match &self.dialog {
            Some(Dialog::Refuse { .. }) => &dialog::RefuseDialog,
            Some(Dialog::Revoke { .. }) => &dialog::RevokeDialog,
            Some(_) => &dialog::ConfirmDialog,
            None => self.screen_component(),
        }
    }

    /// The context keys are read in now.
    pub fn ctx(&self) -> Ctx {
        self.component().ctx(self)
    }

    /// The help bar's entries for the current context, from [`KEYS`].
    pub fn commands(&self) -> Vec<(&'static str, &'static str)> {
        self.component().commands(self)
    }

    fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        let ctx = self.ctx();
        KEYS.iter()
            .find(|k| k.ctx == ctx && k.key == key.code)
            .map(|k| k.action)
    }

    pub fn selected_item(&self) -> Option<&QueueItem> {
        self.queue.get(self.selected)
    }

    /// Handles one key; returns what the worker must do, if anything.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Request> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return None;
        }
        let component = self.component();
        match self.action_for(&key) {
            Some(Action::Quit) => {
                self.quit = true;
                None
            }
            Some(action) => component.on_action(self, action),
            // Text input: the fields take the characters no binding claims.
            None => {
                component.on_text(self, key.code);
                None
            }
        }
    }

    /// Asks for the audit trail of a case or copy, remembering where to come back to.
    pub fn open_audit(&mut self, entity_type: &'static str, id: String) -> Option<Request> {
        self.busy = true;
        Some(Request::Audit { entity_type, id })
    }

    /// Opens the statistics of the last [`STATS_DAYS`] days (Vietnam dates, today included).
    pub fn open_stats(&mut self) -> Option<Request> {
        self.screen = Screen::Stats;
        self.busy = true;
        let to = self
            .now
            .to_offset(truecopy_domain::deadline::VIETNAM)
            .date();
        Some(Request::Stats {
            from: to - time::Duration::days(STATS_DAYS - 1),
            to,
        })
    }

    /// Applies the worker's answer.
    pub fn on_response(&mut self, r: Response) {
        match r {
            Response::LoggedIn { id, name } => {
                self.login.busy = false;
                self.login.error = None;
                self.officer = Some((id, name));
                self.screen = Screen::Queue;
            }
            Response::LoginFailed(msg) => {
                self.login.busy = false;
                self.login.error = Some(msg);
                self.login.focus = LoginField::Passphrase;
            }
            Response::Queue(items) => {
                // Keep the same case selected when the list moves under it.
                let keep = self.selected_item().map(|i| i.case_id.clone());
                self.queue = items;
                self.selected = keep
                    .and_then(|id| self.queue.iter().position(|i| i.case_id == id))
                    .unwrap_or(self.selected.min(self.queue.len().saturating_sub(1)));
            }
            Response::Case(record, pages, faces) => {
                self.busy = false;
                self.case = Some(CaseView {
                    record: *record,
                    pages,
                    faces,
                    page: 0,
                    zoom: false,
                    quarter_turns: 0,
                });
                self.screen = Screen::Case;
            }
            Response::Done(msg) => {
                self.busy = false;
                self.status = Some((Level::Info, msg));
                if self.screen == Screen::Case {
                    self.screen = Screen::Queue;
                    self.case = None;
                }
            }
            Response::Failed(msg) => {
                self.busy = false;
                self.status = Some((Level::Error, msg));
            }
            Response::Offline(msg) => {
                self.busy = false;
                self.online = false;
                self.status = Some((
                    Level::Error,
                    format!("database unreachable, retrying: {msg}"),
                ));
            }
            Response::Online => {
                self.online = true;
                self.status = Some((Level::Info, "database reachable again".into()));
            }
            Response::Register {
                year,
                month,
                entries,
            } => {
                self.busy = false;
                let reg = &mut self.register;
                // An answer for a month the officer already left is stale.
                if (reg.year, reg.month) != (year, month) {
                    return;
                }
                let keep = reg.selected_entry().map(|e| e.code.clone());
                reg.entries = entries;
                let visible = reg.visible();
                reg.selected = keep
                    .and_then(|c| visible.iter().position(|e| e.code == c))
                    .unwrap_or(reg.selected.min(visible.len().saturating_sub(1)));
            }
            Response::Found {
                year,
                month,
                entries,
                code,
            } => {
                self.busy = false;
                let reg = &mut self.register;
                reg.year = year;
                reg.month = month;
                reg.entries = entries;
                reg.find = code;
                reg.typing = false;
                reg.selected = 0;
                self.status = Some((
                    Level::Info,
                    format!("found in the register of {month:02}/{year}"),
                ));
            }
            Response::Stats(s) => {
                self.busy = false;
                self.stats = Some(*s);
            }
            Response::Audit(view) => {
                self.busy = false;
                let mut view = *view;
                view.back = match self.screen {
                    Screen::Audit => self.audit.as_ref().map_or(Screen::Queue, |a| a.back),
                    s => s,
                };
                self.audit = Some(view);
                self.screen = Screen::Audit;
            }
        }
    }
}
