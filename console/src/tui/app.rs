//! The UI's state and key handling: pure, no I/O. A key becomes an [`Action`] through the ONE key
//! table [`KEYS`] (which also feeds the help bar); an action changes the state and may produce a
//! [`Request`] for the worker thread, which answers with a [`Response`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use image::DynamicImage;
use time::OffsetDateTime;
use truecopy_domain::CheckCode;
use truecopy_registry::CaseRecord;

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
        ground: CheckCode,
        note: Option<String>,
    },
    Rescan {
        case: String,
        version: i64,
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
    Case(Box<CaseRecord>, Vec<DynamicImage>),
    /// An action succeeded (message for the status line); the queue follows.
    Done(String),
    /// An action failed (one line).
    Failed(String),
    /// The database cannot be reached; the worker keeps retrying.
    Offline(String),
    Online,
}

/// Where the officer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Queue,
    Case,
}

/// A dialog over the case view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    ConfirmApprove,
    ConfirmRescan,
    Refuse { ground: usize, note: String },
}

/// The context a key is read in (one row of the key table each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Login,
    Queue,
    Case,
    Confirm,
    Refuse,
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
];

/// The refusal grounds offered, Decree 23 Art 22 grounds first.
pub fn grounds() -> Vec<CheckCode> {
    let mut v: Vec<CheckCode> = CheckCode::ALL
        .iter()
        .copied()
        .filter(|c| c.is_refusal_ground())
        .collect();
    v.extend(
        CheckCode::ALL
            .iter()
            .copied()
            .filter(|c| !c.is_refusal_ground()),
    );
    v
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

/// The open case and how its pages are shown.
#[derive(Debug)]
pub struct CaseView {
    pub record: CaseRecord,
    pub pages: Vec<DynamicImage>,
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
            status: None,
            online: true,
            busy: false,
            now,
            quit: false,
        }
    }

    /// The context keys are read in now.
    pub fn ctx(&self) -> Ctx {
        match (&self.dialog, self.screen) {
            (Some(Dialog::Refuse { .. }), _) => Ctx::Refuse,
            (Some(_), _) => Ctx::Confirm,
            (None, Screen::Login) => Ctx::Login,
            (None, Screen::Queue) => Ctx::Queue,
            (None, Screen::Case) => Ctx::Case,
        }
    }

    /// The help bar's entries for the current context, from [`KEYS`].
    pub fn commands(&self) -> Vec<(&'static str, &'static str)> {
        let ctx = self.ctx();
        KEYS.iter()
            .filter(|k| k.ctx == ctx && !k.shown.is_empty())
            .map(|k| (k.shown, k.label))
            .collect()
    }

    fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        let ctx = self.ctx();
        KEYS.iter()
            .find(|k| k.ctx == ctx && k.key == key.code)
            .map(|k| k.action)
    }

    fn selected_item(&self) -> Option<&QueueItem> {
        self.queue.get(self.selected)
    }

    /// Handles one key; returns what the worker must do, if anything.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Request> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return None;
        }
        let action = self.action_for(&key);
        // Text input: login fields and the refusal note take the characters no binding claims.
        if action.is_none() {
            match (self.ctx(), key.code) {
                (Ctx::Login, KeyCode::Char(c)) => self.login_field().push(c),
                (Ctx::Login, KeyCode::Backspace) => {
                    self.login_field().pop();
                }
                (Ctx::Refuse, KeyCode::Char(c)) => {
                    if let Some(Dialog::Refuse { note, .. }) = &mut self.dialog {
                        note.push(c);
                    }
                }
                (Ctx::Refuse, KeyCode::Backspace) => {
                    if let Some(Dialog::Refuse { note, .. }) = &mut self.dialog {
                        note.pop();
                    }
                }
                _ => {}
            }
            return None;
        }
        self.act(action?)
    }

    fn login_field(&mut self) -> &mut String {
        match self.login.focus {
            LoginField::Officer => &mut self.login.officer,
            LoginField::Passphrase => &mut self.login.passphrase,
        }
    }

    fn act(&mut self, action: Action) -> Option<Request> {
        match action {
            Action::Quit => {
                self.quit = true;
                None
            }
            Action::NextField => {
                self.login.focus = match self.login.focus {
                    LoginField::Officer => LoginField::Passphrase,
                    LoginField::Passphrase => LoginField::Officer,
                };
                None
            }
            Action::Submit if self.ctx() == Ctx::Login => {
                if self.login.officer.trim().is_empty() {
                    self.login.error = Some("enter your officer id".into());
                    self.login.focus = LoginField::Officer;
                    return None;
                }
                self.login.busy = true;
                self.login.error = None;
                Some(Request::Login {
                    officer: self.login.officer.trim().to_owned(),
                    passphrase: std::mem::take(&mut self.login.passphrase),
                })
            }
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                None
            }
            Action::Down => {
                if self.selected + 1 < self.queue.len() {
                    self.selected += 1;
                }
                None
            }
            Action::Open => {
                let id = self.selected_item()?.case_id.clone();
                self.busy = true;
                Some(Request::Open(id))
            }
            Action::Assign => self
                .selected_item()
                .map(|i| Request::Assign(i.case_id.clone())),
            Action::Scope => {
                self.filter.scope = self.filter.scope.next();
                self.selected = 0;
                Some(Request::Queue(self.filter.clone()))
            }
            Action::Refresh => Some(Request::Queue(self.filter.clone())),
            Action::Back => {
                self.screen = Screen::Queue;
                self.case = None;
                Some(Request::Queue(self.filter.clone()))
            }
            Action::Approve => {
                self.dialog = Some(Dialog::ConfirmApprove);
                None
            }
            Action::Rescan => {
                self.dialog = Some(Dialog::ConfirmRescan);
                None
            }
            Action::Refuse => {
                let all = grounds();
                let first = self
                    .case
                    .as_ref()
                    .and_then(|c| c.record.reasons.first())
                    .and_then(|r| all.iter().position(|g| g.as_str() == r))
                    .unwrap_or(0);
                self.dialog = Some(Dialog::Refuse {
                    ground: first,
                    note: String::new(),
                });
                None
            }
            Action::PrevGround | Action::NextGround => {
                let n = grounds().len();
                if let Some(Dialog::Refuse { ground, .. }) = &mut self.dialog {
                    *ground = if action == Action::PrevGround {
                        (*ground + n - 1) % n
                    } else {
                        (*ground + 1) % n
                    };
                }
                None
            }
            Action::No => {
                self.dialog = None;
                None
            }
            Action::Yes | Action::Submit => {
                let dialog = self.dialog.take()?;
                let case = self.case.as_ref()?;
                let (id, version) = (case.record.id.clone(), case.record.version);
                self.busy = true;
                Some(match dialog {
                    Dialog::ConfirmApprove => Request::Approve { case: id, version },
                    Dialog::ConfirmRescan => Request::Rescan { case: id, version },
                    Dialog::Refuse { ground, note } => Request::Refuse {
                        case: id,
                        version,
                        ground: grounds()[ground],
                        note: (!note.trim().is_empty()).then(|| note.trim().to_owned()),
                    },
                })
            }
            Action::NextPage => {
                if let Some(c) = &mut self.case
                    && !c.pages.is_empty()
                {
                    c.page = (c.page + 1) % c.pages.len();
                }
                None
            }
            Action::Zoom => {
                if let Some(c) = &mut self.case {
                    c.zoom = !c.zoom;
                }
                None
            }
            Action::Rotate => {
                if let Some(c) = &mut self.case {
                    c.quarter_turns = (c.quarter_turns + 1) % 4;
                }
                None
            }
        }
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
            Response::Case(record, pages) => {
                self.busy = false;
                self.case = Some(CaseView {
                    record: *record,
                    pages,
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
        }
    }
}
