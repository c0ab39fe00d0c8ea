//! One keystroke in the form, handled and drawn, for the largest vendor form and a 500-field
//! spec (criterion's statistics, then p50/p99 over 20,000 keystrokes each); the same beside a
//! raw pane showing a 5 MB answer at 200×60; and the raw pane's formatting and first draw of a
//! 5 MB answer.

#[path = "support.rs"]
mod support;

use std::time::{Duration, Instant};

use criterion::Criterion;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolo::client::{Exchange, RecordedRequest, RecordedResponse, Reference};
use rolo::config::Config;
use rolo::edit::Form;
use rolo::spec::Catalog;
use rolo::tui::app::App;
use rolo::tui::keymap::Keymap;
use rolo::tui::theme::Theme;
use std::hint::black_box;

/// The editor showing a form, as in a 120×40 terminal.
fn app_with(form: Form) -> App {
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog).with_sandbox_url("http://127.0.0.1:7878");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(
        config,
        catalog,
        Theme::load("dark", None).unwrap(),
        Keymap::default(),
        tx,
    );
    app.activate("sandbox-exsited").unwrap();
    let reference = Reference {
        text: "bench".into(),
        values: Default::default(),
    };
    app.show_contact(reference, form, None);
    app
}

/// Down (or Up at the end), then a frame: what one keystroke costs.
fn keystroke(app: &mut App, terminal: &mut Terminal<TestBackend>, n: usize) {
    let count = app.workspaces[app.active]
        .form
        .as_ref()
        .map_or(1, Form::len);
    let down = (n / count).is_multiple_of(2);
    let key = KeyEvent::new(
        if down { KeyCode::Down } else { KeyCode::Up },
        KeyModifiers::NONE,
    );
    app.on_key(key);
    let mut drawn = None;
    terminal
        .draw(|f| drawn = Some(rolo::tui::views::draw(f, app)))
        .unwrap();
    if let Some(drawn) = drawn {
        app.drawn(drawn);
    }
}

fn percentiles(name: &str, form: Form) {
    percentiles_in(name, app_with(form), 120, 40);
}

fn percentiles_in(name: &str, mut app: App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    for n in 0..2_000 {
        keystroke(&mut app, &mut terminal, n);
    }
    let mut times: Vec<Duration> = (0..20_000)
        .map(|n| {
            let t = Instant::now();
            keystroke(&mut app, &mut terminal, n);
            t.elapsed()
        })
        .collect();
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "keystroke+frame {name}: p50 {:?}  p99 {:?}  max {:?}  (20,000 keys, {width}x{height})",
        at(0.50),
        at(0.99),
        times[times.len() - 1]
    );
}

fn five_mb_exchange() -> Exchange {
    let items: Vec<serde_json::Value> = (0..42_000)
        .map(|i| serde_json::json!({"n": i, "name": format!("contact {i}"), "pad": "x".repeat(80)}))
        .collect();
    let body = serde_json::json!({"items": items}).to_string();
    assert!(body.len() > 5_000_000);
    Exchange {
        request: RecordedRequest {
            method: "GET".into(),
            url: "http://h/big".into(),
            headers: vec![],
            body: None,
        },
        response: Some(RecordedResponse {
            status: 200,
            headers: vec![],
            body: body.into(),
            elapsed: Duration::from_millis(5),
        }),
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for (name, form) in [
        ("exsited-43", support::largest_vendor_form()),
        ("synthetic-500", support::synthetic_form(500)),
    ] {
        let mut app = app_with(form.clone());
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut n = 0;
        c.bench_function(&format!("keystroke+frame/{name}"), |b| {
            b.iter(|| {
                n += 1;
                keystroke(&mut app, &mut terminal, n);
            })
        });
        percentiles(name, form);
    }
    // The raw pane: formatting a 5 MB answer (done off the render loop) and drawing it.
    let exchange = five_mb_exchange();
    c.bench_function("raw_pane/format_5MB", |b| {
        b.iter(|| black_box(rolo::tui::app::raw_lines(std::slice::from_ref(&exchange))))
    });
    let lines = std::sync::Arc::new(rolo::tui::app::raw_lines(std::slice::from_ref(&exchange)));
    // ↑/↓ in the form while the raw pane beside it shows the 5 MB answer, at 200×60.
    let mut app = app_with(support::largest_vendor_form());
    let ws = app.active;
    app.workspaces[ws].raw = lines.clone();
    app.workspaces[ws].raw_scroll = lines.len() / 2;
    percentiles_in("exsited-43 + 5 MB raw pane", app, 200, 60);
    let mut app = app_with(support::largest_vendor_form());
    let ws = app.active;
    app.workspaces[ws].raw = lines.clone();
    app.raw_maximized = true;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut scroll = 0;
    c.bench_function("raw_pane/draw_5MB_frame", |b| {
        b.iter(|| {
            scroll = (scroll + 997) % lines.len();
            app.workspaces[ws].raw_scroll = scroll;
            terminal
                .draw(|f| {
                    black_box(rolo::tui::views::draw(f, &app));
                })
                .unwrap();
        })
    });
    c.final_summary();
}
