//! The worker thread: owns the [`Desk`] (database, blob store, keys) and does all the I/O. The UI
//! sends [`Request`]s and reads [`Response`]s over std channels; the worker polls the queue every
//! `poll` while idle, and when the database is lost it reports it and retries at each poll.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use image::DynamicImage;
use time::OffsetDateTime;
use truecopy_config::Config;

use super::app::{AuditView, CaseFaces, Request, Response, Screen};
use crate::desk::{Desk, DeskError, QueueFilter, open_office};

/// Longest side of a page image sent to the UI (the terminal shows far fewer pixels).
const PREVIEW_PX: u32 = 900;

/// Starts the worker. It ends when the request channel is closed.
pub fn spawn(
    cfg: Config,
    holidays: Vec<time::Date>,
    poll: Duration,
    requests: Receiver<Request>,
    responses: Sender<Response>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut w = Worker {
            cfg,
            holidays,
            desk: None,
            filter: QueueFilter::default(),
            register: None,
            online: true,
            out: responses,
        };
        loop {
            match requests.recv_timeout(poll) {
                Ok(req) => w.handle(req),
                Err(RecvTimeoutError::Timeout) => w.tick(),
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
    })
}

struct Worker {
    cfg: Config,
    holidays: Vec<time::Date>,
    desk: Option<Desk>,
    filter: QueueFilter,
    /// The register month the UI shows (re-read after a revocation request or confirmation).
    register: Option<(i32, u8)>,
    online: bool,
    out: Sender<Response>,
}

impl Worker {
    fn send(&self, r: Response) {
        // The UI has gone away: nothing left to tell.
        let _ = self.out.send(r);
    }

    fn failed(&mut self, e: DeskError) {
        if e.is_connection() {
            self.online = false;
            self.send(Response::Offline(e.to_string()));
        } else {
            self.send(Response::Failed(e.to_string()));
        }
    }

    fn tick(&mut self) {
        if self.desk.is_none() {
            return;
        }
        if !self.online {
            let Some(desk) = self.desk.as_mut() else {
                return;
            };
            match desk.reconnect() {
                Ok(()) => {
                    self.online = true;
                    self.send(Response::Online);
                }
                Err(e) => {
                    self.send(Response::Offline(e.to_string()));
                    return;
                }
            }
        }
        self.refresh();
    }

    fn refresh(&mut self) {
        let Some(desk) = self.desk.as_mut() else {
            return;
        };
        match desk.queue(&self.filter, OffsetDateTime::now_utc()) {
            Ok(items) => self.send(Response::Queue(items)),
            Err(e) => self.failed(e),
        }
    }

    /// Re-reads the register month the UI shows, if it shows one.
    fn refresh_register(&mut self) {
        let (Some((year, month)), Some(desk)) = (self.register, self.desk.as_mut()) else {
            return;
        };
        match desk.register_month(year, month) {
            Ok(entries) => self.send(Response::Register {
                year,
                month,
                entries,
            }),
            Err(e) => self.failed(e),
        }
    }

    fn login(&mut self, officer: &str, passphrase: &str) -> Result<(String, String), String> {
        match self.desk.as_mut() {
            Some(d) => d.switch_officer(officer).map_err(|e| e.to_string())?,
            None => {
                let office = open_office(&self.cfg).map_err(|e| format!("{e:#}"))?;
                let mut d =
                    Desk::new(office, self.cfg.clone(), officer).map_err(|e| e.to_string())?;
                d.holidays = self.holidays.clone();
                self.desk = Some(d);
            }
        }
        let desk = self.desk.as_mut().ok_or("no desk")?;
        desk.unlock(passphrase).map_err(|e| e.to_string())?;
        Ok((desk.officer().id.clone(), desk.officer().full_name.clone()))
    }

    fn handle(&mut self, req: Request) {
        if let Request::Login {
            officer,
            passphrase,
        } = &req
        {
            match self.login(officer, passphrase) {
                Ok((id, name)) => {
                    self.send(Response::LoggedIn { id, name });
                    self.refresh();
                }
                Err(e) => self.send(Response::LoginFailed(e)),
            }
            return;
        }
        let Some(desk) = self.desk.as_mut() else {
            self.send(Response::Failed("log in first".into()));
            return;
        };
        let result: Result<Option<Response>, DeskError> = match req {
            Request::Login { .. } => Ok(None),
            Request::Queue(f) => {
                self.filter = f;
                self.register = None;
                Ok(None)
            }
            Request::Register { year, month } => {
                self.register = Some((year, month));
                desk.register_month(year, month).map(|entries| {
                    Some(Response::Register {
                        year,
                        month,
                        entries,
                    })
                })
            }
            Request::FindInRegister { query, year } => match desk.find_in_register(&query, year) {
                Ok(Some((year, month, entries, code))) => {
                    self.register = Some((year, month));
                    Ok(Some(Response::Found {
                        year,
                        month,
                        entries,
                        code: code.to_string(),
                    }))
                }
                Ok(None) => Ok(Some(Response::Failed(format!(
                    "no copy {query:?} in the register: type a code, a register number, or a number of {year}"
                )))),
                Err(e) => Err(e),
            },
            Request::RequestRevocation {
                code,
                decision,
                reason,
            } => desk
                .request_revocation(&code, &decision, &reason)
                .map(|_| {
                    Some(Response::Done(format!(
                        "revocation of copy {code} requested (decision {decision}); a second officer must confirm it"
                    )))
                }),
            Request::ConfirmRevocation { code } => desk
                .confirm_revocation(&code)
                .map(|_| Some(Response::Done(format!("copy {code} is revoked")))),
            Request::Stats { from, to } => desk
                .case_statistics(from, to)
                .map(|s| Some(Response::Stats(Box::new(s)))),
            Request::Audit { entity_type, id } => {
                desk.audit(entity_type, &id).map(|(entries, report)| {
                    Some(Response::Audit(Box::new(AuditView {
                        entity_type: entity_type.to_owned(),
                        entity_id: id,
                        entries,
                        verified: report.verified,
                        read_now: report.read_now,
                        broken: report.broken.map(|b| b.to_string()),
                        scroll: 0,
                        back: Screen::Queue,
                    })))
                })
            }
            Request::Open(id) => desk.case(&id).and_then(|c| {
                let mut pages = Vec::new();
                for k in 0..c.pages.len() {
                    let bytes = desk.page(&c, k)?;
                    pages.push(preview(&bytes));
                }
                let crops = desk.face_crops(&c)?;
                let faces = CaseFaces {
                    portrait: crops.portrait.and_then(|b| preview(&b)),
                    selfie: crops.selfie.and_then(|b| preview(&b)),
                };
                Ok(Some(Response::Case(
                    Box::new(c),
                    pages.into_iter().flatten().collect(),
                    faces,
                )))
            }),
            Request::Assign(id) => desk
                .assign_to_me(&id)
                .map(|c| Some(Response::Done(format!("case {} assigned to you", c.id)))),
            Request::Approve { case, version } => {
                desk.approve(&case, Some(version)).map(|(d, _)| {
                    let mail = match &d.email {
                        Some(e) if e.sent => format!("; link e-mailed to {}", e.to),
                        Some(e) => format!("; e-mail to {} NOT sent, re-send later", e.to),
                        None => String::new(),
                    };
                    Some(Response::Done(match d.copy {
                        Some(c) => format!(
                            "case {case} approved: copy {} no. {} ({} signatures){mail}",
                            c.code, c.register_number, c.signatures
                        ),
                        None => format!("case {case} approved{mail}"),
                    }))
                })
            }
            Request::Refuse {
                case,
                version,
                ground,
                note,
            } => desk
                .refuse(&case, &[ground], note.as_deref(), Some(version))
                .map(|_| {
                    Some(Response::Done(format!(
                        "case {case} refused in writing ({ground})"
                    )))
                }),
            Request::Rescan { case, version } => desk.rescan(&case, Some(version)).map(|_| {
                Some(Response::Done(format!(
                    "case {case} sent back for a new scan"
                )))
            }),
        };
        match result {
            Ok(Some(r)) => {
                let done = matches!(r, Response::Done(_));
                self.send(r);
                if done {
                    self.refresh_register();
                }
                self.refresh();
            }
            Ok(None) => self.refresh(),
            Err(e) => self.failed(e),
        }
    }
}

/// Decodes a page and shrinks it for the terminal (an undecodable page is left out).
pub fn preview(bytes: &[u8]) -> Option<DynamicImage> {
    let img = image::load_from_memory(bytes).ok()?;
    Some(if img.width().max(img.height()) > PREVIEW_PX {
        img.thumbnail(PREVIEW_PX, PREVIEW_PX)
    } else {
        img
    })
}
