//! One send path: the request a review shows (the library's `send::prepare`, and `rolo patch
//! --dry-run --json`) is byte for byte the request the vendor receives, seen through a
//! recording proxy in front of the sandbox. Also: one read before a write, `--curl` sends
//! nothing, a 412 after review sends nothing more, and how applied-but-unreadable updates and
//! non-boolean success flags are reported.

mod common;

use common::http::{Api, start};
use common::proxy::{self, Proxy, Scripted};
use reqwest::Method;
use rolo::client::{ClientError, Redactor, SecretSource, Session};
use rolo::config::{Config, HttpSettings};
use rolo::spec::Catalog;
use serde_json::Value as Json;

/// Each vendor's demo contact and one edit of it.
const CASES: [(&str, &str, &str, &str); 5] = [
    (
        "clemta",
        "64b8f1a2e4b0c8d9f0123456",
        "billing.phone",
        "5550001111",
    ),
    (
        "exsited",
        "ACC-1001/CONTACT_1",
        "mobile.number",
        "400111222",
    ),
    ("contactreg", "1941877", "birthPlace", "MELBOURNE"),
    ("cro", "1001/5001", "notify_on_new_request", "True"),
    (
        "servicedesk",
        "93498506-9dde-4593-b844-e3c51c0e2bc2",
        "private_mobile",
        "+49 171 0000000",
    ),
];

const SERVICEDESK: &str = "93498506-9dde-4593-b844-e3c51c0e2bc2";

/// A session on a vendor's demo profile whose base URL is the proxy.
fn session(proxy: &Proxy, vendor: &str) -> Session {
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog);
    let mut profile = config
        .profile(&format!("sandbox-{vendor}"))
        .unwrap()
        .clone();
    profile.base_url = format!("{}/{vendor}", proxy.url());
    let SecretSource::BuiltIn(secret) = &profile.secret else {
        unreachable!("the demo profiles have built-in secrets")
    };
    Session::new(
        catalog.get(vendor).unwrap().clone(),
        &profile,
        secret.clone(),
        HttpSettings::default(),
    )
    .unwrap()
}

/// Received bytes as rolo shows any request: secrets masked the same way.
fn shown(vendor: &str, seen: &proxy::Seen) -> Option<String> {
    let users = rolo::sandbox::DemoUsers::built_in(&common::VENDORS).unwrap();
    let secret = users.get(vendor).unwrap().secret.clone();
    let redactor = Redactor::new(&common::spec(vendor), vec![secret.to_string()]);
    redactor
        .request(&seen.method, "", &seen.headers, Some(&seen.body))
        .body
        .map(String::from)
}

fn set(form: &mut rolo::edit::Form, name: &str, text: &str) {
    let i = form.index(name).unwrap();
    form.set_text(i, text).unwrap();
}

async fn sandbox_and_proxy() -> (Api, Proxy) {
    let api = start(None).await;
    let proxy = proxy::start(api.running.url()).await;
    (api, proxy)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reviewed_request_is_the_request_received_for_every_vendor() {
    let (_api, proxy) = sandbox_and_proxy().await;
    for (vendor, reference, field, value) in CASES {
        let s = session(&proxy, vendor);
        let r = s.reference(reference).unwrap();
        let (mut form, _) = s.load(&r).await.unwrap();
        set(&mut form, field, value);
        let review = rolo::send::prepare(&s, &r, &form).await.unwrap();
        let reviewed = s.record(&review.prepared);
        let bytes = review.prepared.body.clone().unwrap();
        proxy.clear();
        s.send_update(&r, review.prepared)
            .await
            .unwrap_or_else(|f| panic!("{vendor}: {}", f.error));
        let writes = proxy.writes();
        assert_eq!(writes.len(), 1, "{vendor}");
        let received = &writes[0];
        assert_eq!(
            received.body,
            bytes.to_vec(),
            "{vendor}: the prepared bytes"
        );
        assert_eq!(
            shown(vendor, received),
            reviewed.body.map(String::from),
            "{vendor}: what the review shows"
        );
        assert_eq!(received.method, reviewed.method, "{vendor}");
        assert!(reviewed.url.ends_with(&received.path), "{vendor}");
        for (name, value) in reviewed.headers.iter().filter(|(_, v)| !v.contains("***")) {
            assert_eq!(
                received.header(name),
                Some(value.as_str()),
                "{vendor}: {name}"
            );
        }
        // Nothing is sent that the review did not show (the transport's own Host and
        // Content-Length aside).
        for (name, _) in &received.headers {
            let name = name.to_ascii_lowercase();
            assert!(
                name == "host"
                    || name == "content-length"
                    || reviewed
                        .headers
                        .iter()
                        .any(|(shown, _)| shown.eq_ignore_ascii_case(&name)),
                "{vendor}: {name} was sent but not reviewed"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_replace_review_carries_another_members_server_change_and_is_what_is_received() {
    let (api, proxy) = sandbox_and_proxy().await;
    let s = session(&proxy, "servicedesk");
    let r = s.reference(SERVICEDESK).unwrap();
    let (mut form, _) = s.load(&r).await.unwrap();
    set(&mut form, "firstname", "Annabel");
    // A colleague changes another member between load and review.
    let mut theirs = common::seed("servicedesk", SERVICEDESK);
    theirs
        .as_object_mut()
        .unwrap()
        .shift_remove("modified_dateutc");
    theirs["notes"] = serde_json::json!("changed by a colleague");
    let path = format!("/api/contact/{SERVICEDESK}");
    let status = api
        .call(
            "servicedesk",
            Method::PUT,
            &path,
            &[],
            Some(&theirs.to_string()),
        )
        .await
        .status;
    assert_eq!(status, 200);
    let review = rolo::send::prepare(&s, &r, &form).await.unwrap();
    let body: Json = serde_json::from_slice(review.prepared.body.as_ref().unwrap()).unwrap();
    assert_eq!(body["notes"], "changed by a colleague");
    assert_eq!(body["firstname"], "Annabel");
    let reviewed = s.record(&review.prepared);
    let bytes = review.prepared.body.clone().unwrap();
    proxy.clear();
    let sent = s.send_update(&r, review.prepared).await.unwrap();
    let writes = proxy.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].body, bytes.to_vec());
    assert_eq!(
        shown("servicedesk", &writes[0]),
        reviewed.body.map(String::from)
    );
    // No body in the answer: the documented read back.
    assert_eq!(proxy.methods(), ["PUT", "GET"]);
    assert_eq!(sent.record().unwrap()["notes"], "changed by a colleague");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_412_between_review_and_send_sends_nothing_more() {
    let (api, proxy) = sandbox_and_proxy().await;
    let s = session(&proxy, "cro");
    let r = s.reference("1001/5001").unwrap();
    let (mut form, _) = s.load(&r).await.unwrap();
    set(&mut form, "name", "Mine");
    let review = rolo::send::prepare(&s, &r, &form).await.unwrap();
    // Another writer, after the review.
    let other = api
        .call(
            "cro",
            Method::PATCH,
            "/customers/1001/contacts/5001/",
            &[],
            Some(r#"{"fax":"+6189000002"}"#),
        )
        .await;
    assert_eq!(other.status, 200);
    proxy.clear();
    let failed = s.send_update(&r, review.prepared).await.unwrap_err();
    assert!(
        matches!(failed.error, ClientError::Status { status: 412, .. }),
        "{}",
        failed.error
    );
    assert_eq!(
        proxy.methods(),
        ["PATCH"],
        "one refused write, nothing after"
    );
    let stored = api
        .get("cro", "/customers/1001/contacts/5001/")
        .await
        .json();
    assert_eq!(stored["name"], "Dispatch Desk");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_flag_that_is_the_string_false_is_a_failure() {
    let (_api, proxy) = sandbox_and_proxy().await;
    let s = session(&proxy, "clemta");
    let r = s.reference("64b8f1a2e4b0c8d9f0123456").unwrap();
    let (mut form, _) = s.load(&r).await.unwrap();
    set(&mut form, "full_name", "Jane Doe");
    let review = rolo::send::prepare(&s, &r, &form).await.unwrap();
    proxy.script(Scripted {
        method: "PATCH",
        after_write: false,
        forward: false,
        status: 200,
        content_type: "application/json",
        body: r#"{"success":"false","message":"Contact was not updated","data":{"_id":"64b8f1a2e4b0c8d9f0123456"}}"#.into(),
    });
    let failed = s.send_update(&r, review.prepared).await.unwrap_err();
    let ClientError::Status {
        status, outcome, ..
    } = &failed.error
    else {
        panic!("{}", failed.error)
    };
    assert_eq!(*status, 200);
    assert_eq!(outcome.message.as_deref(), Some("Contact was not updated"));
    assert_eq!(failed.error.exit_code(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2xx_with_an_unreadable_body_is_applied_not_failed() {
    let (api, proxy) = sandbox_and_proxy().await;
    let s = session(&proxy, "cro");
    let r = s.reference("1001/5001").unwrap();
    let (mut form, _) = s.load(&r).await.unwrap();
    set(&mut form, "name", "Applied");
    let review = rolo::send::prepare(&s, &r, &form).await.unwrap();
    proxy.script(Scripted {
        method: "PATCH",
        after_write: false,
        forward: true,
        status: 200,
        content_type: "text/plain",
        body: "OK, but not JSON".into(),
    });
    let sent = s.send_update(&r, review.prepared).await.unwrap();
    assert!(
        matches!(sent.unread(), Some(ClientError::NotJson { .. })),
        "{sent:?}"
    );
    assert!(sent.record().is_none());
    let stored = api
        .get("cro", "/customers/1001/contacts/5001/")
        .await
        .json();
    assert_eq!(stored["name"], "Applied");
}

// ---- rolo patch, as a process ----

/// The sandbox on its own runtime, a proxy in front of it, and private folders for rolo.
struct Cli {
    vendor: common::pty::Vendor,
    proxy: Proxy,
}

impl Cli {
    fn new() -> Self {
        let vendor = common::pty::Vendor::start();
        let proxy = vendor.runtime.block_on(proxy::start(vendor.running.url()));
        Cli { vendor, proxy }
    }

    fn rolo(&self, args: &[&str]) -> std::process::Output {
        // Every request goes through the proxy.
        let url = self.proxy.url();
        self.vendor.home.run(
            args,
            &[("ROLO_SANDBOX_URL", url.as_str()), ("NO_COLOR", "1")],
        )
    }

    fn history(&self) -> String {
        std::fs::read_to_string(self.vendor.data_dir().join("history.jsonl")).unwrap_or_default()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn patch_dry_run_json_is_what_patch_then_sends_after_one_read_for_every_vendor() {
    let cli = Cli::new();
    for (vendor, reference, field, value) in CASES {
        let profile = format!("sandbox-{vendor}");
        let set = format!("{field}={value}");
        let args = ["patch", "-p", &profile, reference, "--set", &set];
        cli.proxy.clear();
        let dry = cli.rolo(&[&args[..], &["--dry-run", "--json"]].concat());
        assert_eq!(
            dry.status.code(),
            Some(0),
            "{vendor}: {}",
            text(&dry.stderr)
        );
        assert_eq!(
            cli.proxy.methods(),
            ["GET"],
            "{vendor}: a dry run only reads"
        );
        let printed: Json = serde_json::from_slice(&dry.stdout).unwrap();

        cli.proxy.clear();
        let sent = cli.rolo(&args);
        assert_eq!(
            sent.status.code(),
            Some(0),
            "{vendor}: {}",
            text(&sent.stderr)
        );
        let methods = cli.proxy.methods();
        let update = common::spec(vendor).update.method.clone();
        // One read before the write; servicedesk's update answers without a body, so it is
        // read back once after.
        let expected: Vec<&str> = if vendor == "servicedesk" {
            vec!["GET", &update, "GET"]
        } else {
            vec!["GET", &update]
        };
        assert_eq!(methods, expected, "{vendor}");
        let received = &cli.proxy.writes()[0];
        let received_shown = shown(vendor, received).unwrap();
        assert_eq!(
            printed["body"].to_string(),
            received_shown,
            "{vendor}: the dry run's body is the body received"
        );
        assert_eq!(printed["method"], received.method.as_str(), "{vendor}");
        assert!(
            printed["url"].as_str().unwrap().ends_with(&received.path),
            "{vendor}"
        );
        for (name, value) in printed["headers"].as_object().unwrap() {
            let value = value.as_str().unwrap();
            if !value.contains("***") {
                assert_eq!(received.header(name), Some(value), "{vendor}: {name}");
            }
        }
    }
}

#[test]
fn patch_curl_prints_the_request_and_sends_nothing() {
    let cli = Cli::new();
    let out = cli.rolo(&[
        "patch",
        "-p",
        "sandbox-cro",
        "1001/5001",
        "--set",
        "name=Desk",
        "--curl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let curl = text(&out.stdout);
    assert!(curl.starts_with("curl -X PATCH "), "{curl}");
    assert!(curl.contains(r#"--data-raw '{"name":"Desk"}'"#), "{curl}");
    assert_eq!(cli.proxy.methods(), ["GET"], "--curl sends nothing");
    assert_eq!(cli.history(), "");
}

#[test]
fn patch_json_with_nothing_to_change_prints_a_json_object() {
    let cli = Cli::new();
    let out = cli.rolo(&[
        "patch",
        "-p",
        "sandbox-cro",
        "1001/5001",
        "--set",
        "name=Dispatch Desk",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["sent"], false);
    assert_eq!(printed["changes"], serde_json::json!([]));
    assert!(
        printed["message"]
            .as_str()
            .unwrap()
            .starts_with("nothing to send"),
        "{printed}"
    );
    assert!(cli.proxy.writes().is_empty());
}

#[test]
fn an_update_applied_whose_read_back_fails_is_reported_applied() {
    let cli = Cli::new();
    cli.proxy.script(Scripted {
        method: "GET",
        after_write: true,
        forward: false,
        status: 503,
        content_type: "application/json",
        body: r#"{"message":"busy"}"#.into(),
    });
    let out = cli.rolo(&[
        "patch",
        "-p",
        "sandbox-servicedesk",
        SERVICEDESK,
        "--set",
        "firstname=Annabel",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the vendor applied the update (HTTP 200)"),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains("stored: not read back"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(cli.proxy.methods(), ["GET", "PUT", "GET"]);
    let history = cli.history();
    assert_eq!(history.lines().count(), 1, "{history}");
    assert!(history.contains("firstname"), "{history}");
}

// ---- the editor: review, then y ----

/// Feeds the app its background results until one matches.
async fn until(
    app: &mut rolo::tui::app::App,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<rolo::tui::app::Msg>,
    wanted: fn(&rolo::tui::app::Msg) -> bool,
) {
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
            .await
            .expect("a result within 20 s")
            .expect("the channel is open");
        let done = wanted(&msg);
        app.on_msg(msg);
        if done {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_412_the_editor_sends_nothing_more_and_reviews_again() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use rolo::tui::app::{App, Banner, Msg};
    use rolo::tui::modals::ReviewModal;
    let (api, proxy) = sandbox_and_proxy().await;
    let catalog = Catalog::built_in();
    let config = Config::built_in(&catalog).with_sandbox_url(&proxy.url());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut app = App::new(
        config,
        catalog,
        rolo::tui::theme::Theme::load("dark", None).unwrap(),
        rolo::tui::keymap::Keymap::default(),
        tx,
    );
    app.activate_now("sandbox-cro").await.unwrap();
    app.open_reference("1001/5001").unwrap();
    until(&mut app, &mut rx, |m| matches!(m, Msg::Loaded { .. })).await;
    let form = app.workspaces[app.active].form.as_mut().unwrap();
    set(form, "name", "Mine");
    app.act(rolo::tui::keymap::Action::Review);
    until(&mut app, &mut rx, |m| matches!(m, Msg::Reviewed { .. })).await;
    assert!(app.modals.top_is::<ReviewModal>());
    // Another writer changes the contact after the review.
    let other = api
        .call(
            "cro",
            Method::PATCH,
            "/customers/1001/contacts/5001/",
            &[],
            Some(r#"{"fax":"+6189000002"}"#),
        )
        .await;
    assert_eq!(other.status, 200);
    proxy.clear();
    let y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
    app.on_key(y);
    until(&mut app, &mut rx, |m| matches!(m, Msg::Sent { .. })).await;
    until(&mut app, &mut rx, |m| matches!(m, Msg::Reviewed { .. })).await;
    // The refused write, then only the read of the fresh review.
    assert_eq!(proxy.methods(), ["PATCH", "GET"]);
    assert!(app.modals.top_is::<ReviewModal>());
    // What changed is said on the screen, inside the review that covers the response pane.
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| {
            rolo::tui::views::draw(frame, &app);
        })
        .unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("HTTP 412") && screen.contains("Changed since: fax"),
        "{screen}"
    );
    let Some(Banner::Info(banner)) = &app.workspaces[app.active].banner else {
        panic!("{:?}", app.workspaces[app.active].banner)
    };
    assert!(
        banner.contains("HTTP 412") && banner.contains("fax"),
        "{banner}"
    );
    // y again sends the fresh review: the user's name, the other writer's fax.
    app.on_key(y);
    until(&mut app, &mut rx, |m| matches!(m, Msg::Sent { .. })).await;
    let stored = api
        .get("cro", "/customers/1001/contacts/5001/")
        .await
        .json();
    assert_eq!(stored["name"], "Mine");
    assert_eq!(stored["fax"], "+6189000002");
    assert_eq!(app.workspaces[app.active].unsaved(), 0);
}
