//! The case view: printed fields beside the MRZ, every check, the face score, and the pages
//! (next page, zoom, rotate); approve, refuse and rescan open their dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui_image::{Image, Resize};

use super::app::{Action, App, Ctx, Dialog, Request, Screen, grounds};
use super::component::Component;
use super::view::{BOLD, DIM, GREEN, PageKey, Painter, RED, YELLOW, short_time};

#[derive(Debug, Clone, Copy)]
pub struct Case;

impl Component for Case {
    fn ctx(&self, _app: &App) -> Ctx {
        Ctx::Case
    }

    fn draw(&self, f: &mut Frame, area: Rect, app: &App, painter: &mut Painter) {
        draw_case(f, app, area, painter);
    }

    fn on_action(&self, app: &mut App, action: Action) -> Option<Request> {
        match action {
            Action::Back => {
                app.screen = Screen::Queue;
                app.case = None;
                Some(Request::Queue(app.filter.clone()))
            }
            Action::Approve => {
                app.dialog = Some(Dialog::ConfirmApprove);
                None
            }
            Action::Rescan => {
                app.dialog = Some(Dialog::ConfirmRescan);
                None
            }
            Action::Refuse => {
                let all = grounds();
                let first = app
                    .case
                    .as_ref()
                    .and_then(|c| c.record.reasons.first())
                    .and_then(|r| all.iter().position(|g| g.as_str() == r))
                    .unwrap_or(0);
                app.dialog = Some(Dialog::Refuse {
                    ground: first,
                    note: String::new(),
                });
                None
            }
            Action::NextPage => {
                if let Some(c) = &mut app.case
                    && !c.pages.is_empty()
                {
                    c.page = (c.page + 1) % c.pages.len();
                }
                None
            }
            Action::Zoom => {
                if let Some(c) = &mut app.case {
                    c.zoom = !c.zoom;
                }
                None
            }
            Action::Rotate => {
                if let Some(c) = &mut app.case {
                    c.quarter_turns = (c.quarter_turns + 1) % 4;
                }
                None
            }
            Action::Audit => {
                let id = app.case.as_ref()?.record.id.clone();
                app.open_audit("case", id)
            }
            _ => None,
        }
    }
}

/// The MRZ's value for a printed field, in the printed field's format.
fn mrz_value(td1: &serde_json::Value, field: &str) -> Option<String> {
    let s = |k: &str| td1.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let date = |yymmdd: String, future: bool| -> String {
        if yymmdd.len() != 6 {
            return yymmdd;
        }
        let yy: u32 = yymmdd[0..2].parse().unwrap_or(0);
        // Birth dates: 19xx above 30; expiry dates: 20xx.
        let century = if future || yy <= 30 { 2000 } else { 1900 };
        format!("{}-{}-{}", century + yy, &yymmdd[2..4], &yymmdd[4..6])
    };
    match field {
        "id_number" => s("id_number"),
        "date_of_birth" => s("birth_date").map(|d| date(d, false)),
        "expiry_date" => s("expiry_date").map(|d| date(d, true)),
        "sex" => s("sex").map(|x| match x.as_str() {
            "M" => "Nam".to_owned(),
            "F" => "Nữ".to_owned(),
            _ => x,
        }),
        _ => None,
    }
}

fn draw_case(f: &mut Frame, app: &App, area: Rect, painter: &mut Painter) {
    let Some(cv) = &app.case else {
        return;
    };
    let c = &cv.record;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    let item = app.queue.iter().find(|i| i.case_id == c.id);
    let due = item
        .map(|i| short_time(&i.due_at))
        .unwrap_or_else(|| "-".into());
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Case ", BOLD),
            Span::raw(format!("{}  v{}  {}", c.id, c.version, c.state)),
        ]),
        Line::raw(format!(
            "Kiosk {}  received {}  due {}  document {}  assigned {}",
            c.kiosk_id,
            short_time(&c.received_at),
            due,
            c.document_type.map(|t| t.as_str()).unwrap_or("?"),
            c.assigned_to.as_deref().unwrap_or("-")
        )),
        Line::raw(""),
        Line::styled(format!("{:<16}{:<26}{}", "Field", "Printed", "MRZ"), BOLD),
    ];
    let checks = c.checks.get("checks").unwrap_or(&c.checks);
    let td1 = c
        .checks
        .pointer("/details/mrz/td1")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    for (k, v) in &c.fields {
        let printed = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        let mrz = mrz_value(&td1, k);
        let mismatch = mrz.as_ref().is_some_and(|m| m != &printed);
        let style = if mismatch { RED } else { Style::new() };
        lines.push(Line::from(vec![
            Span::raw(format!("{k:<16}")),
            Span::styled(format!("{printed:<26}"), style),
            Span::styled(
                format!(
                    "{}{}",
                    mrz.unwrap_or_else(|| "-".into()),
                    if mismatch { "  ≠" } else { "" }
                ),
                style,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Checks", BOLD));
    for ch in checks.as_array().map(Vec::as_slice).unwrap_or_default() {
        let code = ch.get("code").and_then(|v| v.as_str()).unwrap_or("?");
        let status = ch.get("status").and_then(|v| v.as_str()).unwrap_or("?");
        let detail = ch.get("detail").and_then(|v| v.as_str()).unwrap_or("");
        let st = match status {
            "pass" => GREEN,
            "fail" => RED,
            "unknown" => YELLOW,
            _ => DIM,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{status:<8}"), st),
            Span::raw(format!("{code:<22}")),
            Span::styled(detail.to_owned(), DIM),
        ]));
    }
    lines.push(Line::raw(""));
    match &c.face {
        Some(face) => {
            let score = face.get("score").and_then(|v| v.as_f64());
            let thr = face.get("threshold").and_then(|v| v.as_f64());
            let line = match (score, thr) {
                (Some(s), Some(t)) => {
                    let ok = s >= t;
                    Line::from(vec![
                        Span::styled("Face ", BOLD),
                        Span::styled(
                            format!(
                                "score {s:.2} {} threshold {t:.2} ({})",
                                if ok { "≥" } else { "<" },
                                if ok { "match" } else { "no match" }
                            ),
                            if ok { GREEN } else { RED },
                        ),
                    ])
                }
                _ => Line::from(vec![
                    Span::styled("Face ", BOLD),
                    Span::styled("no score (no face compared)", YELLOW),
                ]),
            };
            lines.push(line);
        }
        None => lines.push(Line::styled("Face: not checked", DIM)),
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Case ")),
        left,
    );
    let title = format!(
        " Page {}/{}{}{} ",
        cv.page + 1,
        cv.pages.len().max(1),
        if cv.zoom { " · zoom" } else { "" },
        if cv.quarter_turns > 0 {
            format!(" · {}°", u16::from(cv.quarter_turns) * 90)
        } else {
            String::new()
        }
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(right);
    f.render_widget(block, right);
    let key: PageKey = (
        c.id.clone(),
        cv.page,
        cv.zoom,
        cv.quarter_turns,
        inner.width,
        inner.height,
    );
    if painter.cached.as_ref().map(|(k, _)| k) != Some(&key) {
        painter.cached = cv.shown_page().and_then(|img| {
            painter
                .picker
                .new_protocol(img, inner.into(), Resize::Fit(None))
                .ok()
                .map(|p| (key, p))
        });
    }
    match &painter.cached {
        Some((_, p)) => f.render_widget(Image::new(p), inner),
        None => f.render_widget(Paragraph::new("(no page image)").style(DIM), inner),
    }
}
