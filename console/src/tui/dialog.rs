//! The dialogs: confirm (approve, rescan, confirm a revocation), refuse in writing (ground and
//! note), and the revocation request (cancellation decision number and reason).

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{Action, App, Ctx, Dialog, Level, Request, RevokeField, grounds};
use super::component::{Component, edit};
use super::view::{BOLD, DIM, Painter, YELLOW};

/// Draws a bordered box of height `h` centred in `area`.
fn boxed(f: &mut Frame, area: Rect, h: u16, title: &str, lines: Vec<Line>) {
    let w = area.width.min(70);
    let rect = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn case_id(app: &App) -> String {
    app.case
        .as_ref()
        .map(|c| c.record.id.clone())
        .unwrap_or_default()
}

/// Yes / no: approve, rescan, or confirm a pending revocation.
#[derive(Debug, Clone, Copy)]
pub struct ConfirmDialog;

impl Component for ConfirmDialog {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Confirm
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let case = case_id(app);
        let (title, lines) = match &app.dialog {
            Some(Dialog::ConfirmApprove) => (
                " Approve ",
                vec![
                    Line::raw(format!("Issue the copy of case {case},")),
                    Line::raw("sealed and co-signed with your key? (y / n)"),
                ],
            ),
            Some(Dialog::ConfirmRescan) => (
                " Rescan ",
                vec![
                    Line::raw(format!("Send case {case} back to its kiosk")),
                    Line::raw("for a new scan? (y / n)"),
                ],
            ),
            Some(Dialog::ConfirmRevocation { code }) => {
                let decision = app
                    .register
                    .entries
                    .iter()
                    .find(|e| e.code.to_string() == *code)
                    .and_then(|e| e.revocation_decision.clone())
                    .unwrap_or_else(|| "-".into());
                (
                    " Confirm revocation ",
                    vec![
                        Line::raw(format!("Revoke copy {code} now?")),
                        Line::raw(format!("Decision {decision}; this is final. (y / n)")),
                    ],
                )
            }
            _ => return,
        };
        boxed(f, area, 5, title, lines);
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::No => {
                app.dialog = None;
                None
            }
            Action::Yes => match app.dialog.take()? {
                Dialog::ConfirmRevocation { code } => {
                    app.busy = true;
                    Some(Request::ConfirmRevocation { code })
                }
                d => {
                    let case = app.case.as_ref()?;
                    let (id, version) = (case.record.id.clone(), case.record.version);
                    app.busy = true;
                    match d {
                        Dialog::ConfirmApprove => Some(Request::Approve { case: id, version }),
                        Dialog::ConfirmRescan => Some(Request::Rescan { case: id, version }),
                        _ => None,
                    }
                }
            },
            _ => None,
        }
    }
}

/// Refuse in writing: a ground of Decree 23/2015 (Art 22, Art 20(1)) and a free note.
#[derive(Debug, Clone, Copy)]
pub struct RefuseDialog;

impl Component for RefuseDialog {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Refuse
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let Some(Dialog::Refuse { ground, note }) = &app.dialog else {
            return;
        };
        let mut l = vec![Line::styled("Ground (Decree 23/2015/ND-CP):", BOLD)];
        for (k, g) in grounds().iter().enumerate() {
            let marker = if k == *ground { "▶ " } else { "  " };
            let style = if k == *ground { YELLOW } else { Style::new() };
            l.push(Line::styled(
                format!("{marker}{:<11} {}", g.provision(), g.text().1),
                style,
            ));
        }
        l.push(Line::raw(""));
        l.push(Line::from(vec![
            Span::styled("Note: ", BOLD),
            Span::raw(note.clone()),
            Span::styled("▏", YELLOW),
        ]));
        boxed(f, area, area.height.min(20), " Refuse in writing ", l);
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::PrevGround | Action::NextGround => {
                let n = grounds().len();
                if let Some(Dialog::Refuse { ground, .. }) = &mut app.dialog {
                    *ground = if action == Action::PrevGround {
                        (*ground + n - 1) % n
                    } else {
                        (*ground + 1) % n
                    };
                }
                None
            }
            Action::No => {
                app.dialog = None;
                None
            }
            Action::Submit => {
                let Some(Dialog::Refuse { ground, note }) = app.dialog.take() else {
                    return None;
                };
                let case = app.case.as_ref()?;
                let (id, version) = (case.record.id.clone(), case.record.version);
                app.busy = true;
                Some(Request::Refuse {
                    case: id,
                    version,
                    ground: grounds()[ground],
                    note: (!note.trim().is_empty()).then(|| note.trim().to_owned()),
                })
            }
            _ => None,
        }
    }

    fn on_text(&self, app: &mut App, key: KeyCode) {
        if let Some(Dialog::Refuse { note, .. }) = &mut app.dialog {
            edit(note, key);
        }
    }
}

/// Request the revocation of a copy: the cancellation decision number and the reason. It takes
/// effect only when a second officer confirms it.
#[derive(Debug, Clone, Copy)]
pub struct RevokeDialog;

impl Component for RevokeDialog {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Revoke
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let Some(Dialog::Revoke {
            code,
            decision,
            reason,
            field,
        }) = &app.dialog
        else {
            return;
        };
        let input = |label: &'static str, value: &str, focused: bool| {
            let style = if focused { YELLOW } else { Style::new() };
            Line::from(vec![
                Span::styled(format!("{label:<14}"), BOLD),
                Span::styled(value.to_owned(), style),
                Span::styled(if focused { "▏" } else { "" }, style),
            ])
        };
        let lines = vec![
            Line::raw(format!("Revoke copy {code}")),
            Line::styled("(takes effect when a second officer confirms it)", DIM),
            Line::raw(""),
            input("Decision no.", decision, *field == RevokeField::Decision),
            input("Reason", reason, *field == RevokeField::Reason),
        ];
        boxed(f, area, 7, " Request revocation ", lines);
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::No => {
                app.dialog = None;
                None
            }
            Action::NextField => {
                if let Some(Dialog::Revoke { field, .. }) = &mut app.dialog {
                    *field = match field {
                        RevokeField::Decision => RevokeField::Reason,
                        RevokeField::Reason => RevokeField::Decision,
                    };
                }
                None
            }
            Action::Submit => {
                let Some(Dialog::Revoke {
                    code,
                    decision,
                    reason,
                    ..
                }) = &app.dialog
                else {
                    return None;
                };
                if decision.trim().is_empty() || reason.trim().is_empty() {
                    app.status = Some((
                        Level::Error,
                        "enter the cancellation decision number and the reason".into(),
                    ));
                    return None;
                }
                let req = Request::RequestRevocation {
                    code: code.clone(),
                    decision: decision.trim().to_owned(),
                    reason: reason.trim().to_owned(),
                };
                app.dialog = None;
                app.busy = true;
                Some(req)
            }
            _ => None,
        }
    }

    fn on_text(&self, app: &mut App, key: KeyCode) {
        if let Some(Dialog::Revoke {
            decision,
            reason,
            field,
            ..
        }) = &mut app.dialog
        {
            match field {
                RevokeField::Decision => edit(decision, key),
                RevokeField::Reason => edit(reason, key),
            }
        }
    }
}
