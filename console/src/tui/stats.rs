//! The statistics screen: the last seven days (Vietnam dates), cases per day and what became of
//! them, and each officer's median time from flag to decision.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use truecopy_registry::DayStats;

use super::app::{Action, App, Ctx, Request, Screen};
use super::component::Component;
use super::view::{BOLD, DIM, Painter};

#[derive(Debug, Clone, Copy)]
pub struct Stats;

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `95` → `1m 35s`, `7380` → `2h 03m`.
pub fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

fn day_row(d: &DayStats) -> Row<'static> {
    let date = d.date.as_deref().unwrap_or("total").to_owned();
    let cell = |n: u64, share: Option<f64>| match share {
        Some(x) => Cell::from(format!("{n:>5} {:>6}", pct(x))),
        None => Cell::from(format!("{n:>5}")),
    };
    let row = Row::new(vec![
        Cell::from(date),
        cell(d.cases, None),
        cell(d.auto_issued, Some(d.share_auto_issued)),
        cell(d.flagged, Some(d.share_flagged)),
        cell(d.approved, None),
        cell(d.refused, Some(d.share_refused)),
        cell(d.pending, Some(d.share_pending)),
    ]);
    if d.date.is_none() {
        row.style(BOLD)
    } else {
        row
    }
}

impl Component for Stats {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Stats
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, _painter: &mut Painter) {
        let Some(s) = &app.stats else {
            let block = Block::default().borders(Borders::ALL).title(" Statistics ");
            let inner = block.inner(area);
            f.render_widget(block, area);
            f.render_widget(Paragraph::new("reading the statistics…").style(DIM), inner);
            return;
        };
        let days_height = u16::try_from(s.days.len())
            .unwrap_or(u16::MAX)
            .saturating_add(4);
        let [days, officers] =
            Layout::vertical([Constraint::Length(days_height), Constraint::Min(3)]).areas(area);
        let rows: Vec<Row> = s
            .days
            .iter()
            .chain(std::iter::once(&s.total))
            .map(day_row)
            .collect();
        f.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(10),
                    Constraint::Length(6),
                    Constraint::Length(13),
                    Constraint::Length(13),
                    Constraint::Length(9),
                    Constraint::Length(13),
                    Constraint::Length(13),
                ],
            )
            .column_spacing(2)
            .header(
                Row::new([
                    "Day",
                    "Cases",
                    "Auto-issued",
                    "Flagged",
                    "Approved",
                    "Refused",
                    "Pending",
                ])
                .style(BOLD),
            )
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" Cases received {} to {} ", s.from, s.to)),
            ),
            days,
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" Officers: median time from flag to decision ");
        if s.officers.is_empty() {
            let inner = block.inner(officers);
            f.render_widget(block, officers);
            f.render_widget(
                Paragraph::new(Line::styled("No officer decision in the period.", DIM)),
                inner,
            );
            return;
        }
        let rows: Vec<Row> = s
            .officers
            .iter()
            .map(|o| {
                Row::new(vec![
                    Cell::from(o.officer_id.clone()),
                    Cell::from(format!("{:>9}", o.decisions)),
                    Cell::from(format!("{:>10}", duration(o.median_seconds))),
                ])
            })
            .collect();
        f.render_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(16),
                    Constraint::Length(9),
                    Constraint::Length(10),
                ],
            )
            .column_spacing(2)
            .header(Row::new(["Officer", "Decisions", "    Median"]).style(BOLD))
            .block(block),
            officers,
        );
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::Refresh => app.open_stats(),
            Action::Back => {
                app.screen = Screen::Queue;
                Some(Request::Queue(app.filter.clone()))
            }
            _ => None,
        }
    }
}
