//! The login screen: officer id and the passphrase that unlocks the officer's signing key.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::app::{Action, App, Ctx, LoginField, Request};
use super::component::{Component, edit};
use super::view::{Painter, RED, YELLOW};

#[derive(Debug, Clone, Copy)]
pub struct Login;

impl Component for Login {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Login
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let [_, mid, _] = Layout::vertical([
            Constraint::Min(0),
            Constraint::Length(8),
            Constraint::Min(0),
        ])
        .areas(area);
        let [_, mid, _] = Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length(60),
            Constraint::Min(0),
        ])
        .areas(mid);
        let field = |label: &str, value: String, focused: bool| {
            let style = if focused { YELLOW } else { Style::new() };
            Line::from(vec![
                Span::raw(format!("{label:<12}")),
                Span::styled(value, style),
                Span::styled(if focused { "▏" } else { "" }, style),
            ])
        };
        let mut lines = vec![
            field(
                "Officer id",
                app.login.officer.clone(),
                app.login.focus == LoginField::Officer,
            ),
            field(
                "Passphrase",
                "•".repeat(app.login.passphrase.chars().count()),
                app.login.focus == LoginField::Passphrase,
            ),
            Line::raw(""),
        ];
        if app.login.busy {
            lines.push(Line::styled("unlocking the signing key…", YELLOW));
        }
        if let Some(e) = &app.login.error {
            lines.push(Line::styled(e.clone(), RED));
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).title(" Log in ")),
            mid,
        );
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::NextField => {
                app.login.focus = match app.login.focus {
                    LoginField::Officer => LoginField::Passphrase,
                    LoginField::Passphrase => LoginField::Officer,
                };
                None
            }
            Action::Submit => {
                if app.login.officer.trim().is_empty() {
                    app.login.error = Some("enter your officer id".into());
                    app.login.focus = LoginField::Officer;
                    return None;
                }
                app.login.busy = true;
                app.login.error = None;
                Some(Request::Login {
                    officer: app.login.officer.trim().to_owned(),
                    passphrase: std::mem::take(&mut app.login.passphrase),
                })
            }
            _ => None,
        }
    }

    fn on_text(&self, app: &mut App, key: KeyCode) {
        let field = match app.login.focus {
            LoginField::Officer => &mut app.login.officer,
            LoginField::Passphrase => &mut app.login.passphrase,
        };
        edit(field, key);
    }
}
