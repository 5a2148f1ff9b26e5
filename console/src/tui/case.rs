//! The case view: printed fields beside the MRZ, every check, the face score with the ID
//! portrait and the selfie side by side, and the pages (next page, zoom, rotate); approve,
//! refuse and rescan open their dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui_image::{Image, Resize};

use super::app::{Action, App, CaseView, Ctx, Dialog, Request, Screen, grounds};
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
                    .and_then(|c| {
                        c.record
                            .reasons
                            .iter()
                            .find_map(|r| all.iter().position(|g| g.as_str() == r))
                    })
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

/// What a side of the face panel says where the kiosk found no face.
pub const NO_FACE: &str = "không tìm thấy khuôn mặt\nno face found";

/// Rows of the face panel (borders included): what the case's text leaves, within these.
const FACE_ROWS: (u16, u16) = (9, 16);

/// The face score against the threshold, coloured by the outcome.
fn score_line(face: &serde_json::Value) -> Line<'static> {
    let score = face.get("score").and_then(|v| v.as_f64());
    let thr = face.get("threshold").and_then(|v| v.as_f64());
    match (score, thr) {
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
    }
}

/// What a side shows instead of a picture, from the kiosk's face result (`portrait_detected`,
/// `selfie_detected`): no face found, no portrait on this document, or none stored.
fn placeholder(face: &serde_json::Value, key: &str) -> (&'static str, Style) {
    match face.get(key) {
        Some(serde_json::Value::Bool(false)) => (NO_FACE, YELLOW),
        // `portrait_detected: null`: not an ID card, nothing to compare the selfie with.
        Some(serde_json::Value::Null) => ("(no ID portrait on this document)", DIM),
        _ => ("(no face image stored)", DIM),
    }
}

/// The face panel: score against threshold, then the ID portrait and the selfie side by side.
fn draw_faces(
    f: &mut Frame,
    area: Rect,
    cv: &CaseView,
    face: &serde_json::Value,
    painter: &mut Painter,
) {
    let block = Block::default().borders(Borders::ALL).title(" Face ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [score, captions, pictures] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(score_line(face)), score);
    let halves = |r: Rect| {
        let [a, _, b] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(r);
        [a, b]
    };
    let [cap_l, cap_r] = halves(captions);
    f.render_widget(
        Paragraph::new(Line::styled("ID card portrait", BOLD)),
        cap_l,
    );
    f.render_widget(Paragraph::new(Line::styled("Selfie", BOLD)), cap_r);
    let slots = halves(pictures);
    let images = [&cv.faces.portrait, &cv.faces.selfie];
    let key = (cv.record.id.clone(), slots[0].width, slots[0].height);
    if painter.faces.as_ref().map(|(k, _)| k) != Some(&key) {
        let encode = |img: &Option<image::DynamicImage>, slot: Rect| {
            img.as_ref().and_then(|i| {
                painter
                    .picker
                    .new_protocol(i.clone(), slot.into(), Resize::Fit(None))
                    .ok()
            })
        };
        let encoded = [encode(images[0], slots[0]), encode(images[1], slots[1])];
        painter.faces = Some((key, encoded));
    }
    let encoded = painter.faces.as_ref().map(|(_, p)| p);
    for (k, detected) in ["portrait_detected", "selfie_detected"].iter().enumerate() {
        match encoded.and_then(|p| p[k].as_ref()) {
            Some(p) => f.render_widget(Image::new(p), slots[k]),
            None => {
                let (text, style) = placeholder(face, detected);
                f.render_widget(
                    Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
                    slots[k],
                );
            }
        }
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
    // The face panel takes what the text leaves, within FACE_ROWS.
    let face_rows = match &c.face {
        Some(_) => left
            .height
            .saturating_sub(lines.len() as u16 + 2)
            .clamp(FACE_ROWS.0, FACE_ROWS.1)
            .min(left.height),
        None => {
            lines.push(Line::raw(""));
            lines.push(Line::styled("Face: not checked", DIM));
            0
        }
    };
    let [text, face_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(face_rows)]).areas(left);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Case ")),
        text,
    );
    if let Some(face) = &c.face {
        draw_faces(f, face_area, cv, face, painter);
    }
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
