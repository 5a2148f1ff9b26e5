//! The queue: flagged cases, oldest first, with the legal clock.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::app::{Action, App, Ctx, Request, Screen};
use super::component::Component;
use super::view::{BOLD, DIM, Painter, clock_style, short_time};

#[derive(Debug, Clone, Copy)]
pub struct Queue;

impl Component for Queue {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Queue
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let header = Row::new([
            "Due", "Received", "Case", "Kiosk", "Document", "Reasons", "Assigned",
        ])
        .style(BOLD);
        let rows: Vec<Row> = app
            .queue
            .iter()
            .enumerate()
            .map(|(k, i)| {
                let style = if k == app.selected {
                    Style::new().bg(Color::DarkGray).fg(Color::White)
                } else {
                    Style::new()
                };
                Row::new(vec![
                    Cell::from(short_time(&i.due_at)).style(clock_style(i.clock)),
                    Cell::from(short_time(&i.received_at)),
                    Cell::from(i.case_id.clone()),
                    Cell::from(i.kiosk_id.clone()),
                    Cell::from(i.document_type.map(|t| t.as_str()).unwrap_or("?")),
                    Cell::from(i.reasons.join(", ")),
                    Cell::from(i.assigned_to.clone().unwrap_or_else(|| "-".into())),
                ])
                .style(style)
            })
            .collect();
        let title = format!(
            " Flagged cases · {} · {} waiting ",
            app.filter.scope.label(),
            app.queue.len()
        );
        let table = Table::new(
            rows,
            [
                Constraint::Length(11),
                Constraint::Length(11),
                Constraint::Length(36),
                Constraint::Length(6),
                Constraint::Length(16),
                Constraint::Min(20),
                Constraint::Length(9),
            ],
        )
        .header(header)
        .block(Block::default().borders(Borders::ALL).title(title));
        f.render_widget(table, area);
        if app.queue.is_empty() {
            let inner = area.inner(ratatui::layout::Margin::new(2, 2));
            f.render_widget(Paragraph::new("No flagged case waiting.").style(DIM), inner);
        }
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::Up => {
                app.selected = app.selected.saturating_sub(1);
                None
            }
            Action::Down => {
                if app.selected + 1 < app.queue.len() {
                    app.selected += 1;
                }
                None
            }
            Action::Open => {
                let id = app.selected_item()?.case_id.clone();
                app.busy = true;
                Some(Request::Open(id))
            }
            Action::Assign => app
                .selected_item()
                .map(|i| Request::Assign(i.case_id.clone())),
            Action::Scope => {
                app.filter.scope = app.filter.scope.next();
                app.selected = 0;
                Some(Request::Queue(app.filter.clone()))
            }
            Action::Refresh => Some(Request::Queue(app.filter.clone())),
            Action::Register => {
                app.screen = Screen::Register;
                app.busy = true;
                Some(Request::Register {
                    year: app.register.year,
                    month: app.register.month,
                })
            }
            Action::Audit => {
                let id = app.selected_item()?.case_id.clone();
                app.open_audit("case", id)
            }
            Action::Stats => app.open_stats(),
            _ => None,
        }
    }
}
