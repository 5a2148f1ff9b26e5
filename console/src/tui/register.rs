//! The register: the copies issued in a month (Vietnam time), found by register number or
//! identification code; on the selected copy, request a revocation (`v`), confirm one requested
//! by another officer (`c`, four eyes), or read its audit trail (`h`).

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use truecopy_domain::CopyState;
use truecopy_registry::RegisterEntry;

use super::app::{Action, App, Ctx, Dialog, Level, Request, RevokeField, Screen};
use super::component::{Component, edit};
use super::view::{BOLD, DIM, GREEN, Painter, RED, YELLOW, short_time};

#[derive(Debug, Clone, Copy)]
pub struct Register;

/// Who signed: the agency seal, and the officer who co-signed (if any).
fn signers(e: &RegisterEntry) -> String {
    let seal = if e.seal_subject.is_some() {
        "seal"
    } else {
        "no seal"
    };
    match &e.cosigner {
        Some(c) => format!("{seal} + {}", c.full_name),
        None => format!("{seal} (automatic)"),
    }
}

fn state_cell(e: &RegisterEntry) -> Cell<'static> {
    match e.state {
        CopyState::Valid => Cell::from("valid").style(GREEN),
        CopyState::RevocationRequested => Cell::from("revoke pending").style(YELLOW),
        CopyState::Revoked => Cell::from("revoked").style(RED),
    }
}

impl Component for Register {
    fn ctx(&self, app: &App) -> Ctx {
        if app.register.typing {
            Ctx::Find
        } else {
            Ctx::Register
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let reg = &app.register;
        let visible = reg.visible();
        let header = Row::new([
            "No.", "Issued", "Code", "Document", "Signers", "State", "Decision",
        ])
        .style(BOLD);
        let rows: Vec<Row> = visible
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let style = if k == reg.selected {
                    Style::new().bg(Color::DarkGray).fg(Color::White)
                } else {
                    Style::new()
                };
                Row::new(vec![
                    Cell::from(e.register_number.to_string()),
                    Cell::from(short_time(&e.issued_at)),
                    Cell::from(e.code.to_string()),
                    Cell::from(e.document_type.as_str()),
                    Cell::from(signers(e)),
                    state_cell(e),
                    Cell::from(e.revocation_decision.clone().unwrap_or_default()),
                ])
                .style(style)
            })
            .collect();
        let find = if reg.typing || !reg.find.is_empty() {
            format!(" · find: {}{}", reg.find, if reg.typing { "▏" } else { "" })
        } else {
            String::new()
        };
        let title = format!(
            " Register {:02}/{} · {} of {} copies{find} ",
            reg.month,
            reg.year,
            visible.len(),
            reg.entries.len()
        );
        let table = Table::new(
            rows,
            [
                Constraint::Length(22),
                Constraint::Length(11),
                Constraint::Length(29),
                Constraint::Length(17),
                Constraint::Min(20),
                Constraint::Length(14),
                Constraint::Length(16),
            ],
        )
        .header(header)
        .block(Block::default().borders(Borders::ALL).title(title));
        f.render_widget(table, area);
        if visible.is_empty() {
            let inner = area.inner(ratatui::layout::Margin::new(2, 2));
            let text = if reg.entries.is_empty() {
                "No copy issued this month."
            } else {
                "No copy matches."
            };
            f.render_widget(Paragraph::new(text).style(DIM), inner);
        }
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        let reg = &mut app.register;
        let month = |app: &mut App| {
            app.busy = true;
            Some(Request::Register {
                year: app.register.year,
                month: app.register.month,
            })
        };
        match action {
            Action::Up => {
                reg.selected = reg.selected.saturating_sub(1);
                None
            }
            Action::Down => {
                if reg.selected + 1 < reg.visible().len() {
                    reg.selected += 1;
                }
                None
            }
            Action::PrevMonth | Action::NextMonth => {
                reg.shift(if action == Action::PrevMonth { -1 } else { 1 });
                reg.entries.clear();
                month(app)
            }
            Action::Refresh => month(app),
            Action::Find => {
                reg.typing = true;
                None
            }
            // Enter: stop typing, keep what was found; when the loaded month lists nothing that
            // matches, look in the whole register.
            Action::Submit => {
                reg.typing = false;
                let query = reg.find.trim().to_owned();
                if query.is_empty() || !reg.visible().is_empty() {
                    return None;
                }
                app.busy = true;
                Some(Request::FindInRegister {
                    query,
                    year: reg.year,
                })
            }
            // Esc while typing: clear the search.
            Action::No => {
                reg.typing = false;
                reg.find.clear();
                reg.selected = 0;
                None
            }
            Action::RequestRevocation => {
                let e = reg.selected_entry()?;
                if e.state != CopyState::Valid {
                    let msg = format!("copy {} is {}: nothing to revoke", e.code, e.state);
                    app.status = Some((Level::Error, msg));
                    return None;
                }
                app.dialog = Some(Dialog::Revoke {
                    code: e.code.to_string(),
                    decision: String::new(),
                    reason: String::new(),
                    field: RevokeField::Decision,
                });
                None
            }
            Action::ConfirmRevocation => {
                let e = reg.selected_entry()?;
                if e.state != CopyState::RevocationRequested {
                    let msg = format!(
                        "copy {} is {}: no revocation waiting for confirmation",
                        e.code, e.state
                    );
                    app.status = Some((Level::Error, msg));
                    return None;
                }
                app.dialog = Some(Dialog::ConfirmRevocation {
                    code: e.code.to_string(),
                });
                None
            }
            Action::Audit => {
                let code = reg.selected_entry()?.code.as_str().to_owned();
                app.open_audit("copy", code)
            }
            Action::Back => {
                app.screen = Screen::Queue;
                Some(Request::Queue(app.filter.clone()))
            }
            _ => None,
        }
    }

    fn on_text(&self, app: &mut App, key: KeyCode) {
        if app.register.typing {
            edit(&mut app.register.find, key);
            app.register.selected = 0;
        }
    }
}
