//! The audit view: the audit trail of one case or copy, oldest first, and whether the whole
//! hash chain verifies (read and checked on the worker thread).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::app::{Action, App, Ctx, Request, Screen};
use super::component::Component;
use super::view::{BOLD, DIM, GREEN, Painter, RED, short_time};

#[derive(Debug, Clone, Copy)]
pub struct Audit;

impl Component for Audit {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Audit
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let Some(a) = &app.audit else {
            return;
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" Audit · {} {} ", a.entity_type, a.entity_id));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [verdict, table] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        let line = match &a.broken {
            None => Line::from(vec![
                Span::styled("Chain ", BOLD),
                Span::styled(
                    if a.read_now < a.verified {
                        format!(
                            "intact: {} records verified ({} new since the last check)",
                            a.verified, a.read_now
                        )
                    } else {
                        format!("intact: {} records verified", a.verified)
                    },
                    GREEN,
                ),
            ]),
            Some(b) => Line::from(vec![
                Span::styled("Chain ", BOLD),
                Span::styled(
                    format!("BROKEN after {} sound records: {b}", a.verified),
                    RED,
                ),
            ]),
        };
        f.render_widget(Paragraph::new(line), verdict);
        let rows: Vec<Row> = a
            .entries
            .iter()
            .skip(a.scroll)
            .map(|e| {
                Row::new(vec![
                    Cell::from(e.seq.to_string()),
                    Cell::from(short_time(&e.at)),
                    Cell::from(e.actor.clone()),
                    Cell::from(e.action.clone()),
                    Cell::from(e.detail.clone()).style(DIM),
                ])
            })
            .collect();
        let empty = rows.is_empty();
        f.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(6),
                    Constraint::Length(11),
                    Constraint::Length(14),
                    Constraint::Length(20),
                    Constraint::Min(20),
                ],
            )
            .header(Row::new(["Seq", "At", "Actor", "Action", "Detail"]).style(BOLD)),
            table,
        );
        if empty {
            let [_, below] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(table);
            f.render_widget(Paragraph::new("No audit record.").style(DIM), below);
        }
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::Up => {
                if let Some(a) = &mut app.audit {
                    a.scroll = a.scroll.saturating_sub(1);
                }
                None
            }
            Action::Down => {
                if let Some(a) = &mut app.audit
                    && a.scroll + 1 < a.entries.len()
                {
                    a.scroll += 1;
                }
                None
            }
            Action::Back => {
                let back = app.audit.take().map_or(Screen::Queue, |a| a.back);
                app.screen = back;
                None
            }
            _ => None,
        }
    }
}
