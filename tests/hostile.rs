//! Hostile input: parsers fed arbitrary text never panic, and hostile answers (100 MB, deep
//! nesting, invalid UTF-8, one byte a second) end in a clear error without exhausting memory.

mod common;

use std::time::Duration;

use proptest::prelude::*;
use rolo::client::{ClientError, Outcome, Reference, SecretSource, Session};
use rolo::config::{Config, HttpSettings};
use rolo::spec::{Catalog, Template, parse_spec};

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_spec_loader_never_panics_on_text(text in ".{0,400}") {
        let _ = parse_spec("fuzz.toml", &text);
    }

    /// Real specs with a few bytes changed: the loader reports, never panics.
    #[test]
    fn the_spec_loader_never_panics_on_damaged_specs(vendor in 0usize..5, edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let mut bytes = rolo::spec::BUILT_IN[vendor].1.as_bytes().to_vec();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = parse_spec("damaged.toml", &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn the_config_loader_never_panics(text in ".{0,300}", tail in "(\\[profiles\\.[a-z]{1,4}\\]\\n(vendor|base_url|secret|tenant_id|headers) = .{0,30}\\n){0,4}") {
        let catalog = Catalog::built_in();
        let _ = Config::parse(std::path::Path::new("config.toml"), &text, &catalog);
        let _ = Config::parse(std::path::Path::new("config.toml"), &tail, &catalog);
    }

    #[test]
    fn the_reference_and_template_parsers_never_panic(text in "\\PC{0,60}") {
        let catalog = Catalog::built_in();
        for spec in catalog.specs() {
            if let Ok(r) = Reference::parse(spec, &text) {
                prop_assert!(!r.values.values().any(|v| v.contains('/') || v == ".."));
            }
        }
        let _ = Template::parse(&text);
    }

    #[test]
    fn the_envelope_reader_never_panics(json in arbitrary_json()) {
        let catalog = Catalog::built_in();
        for spec in catalog.specs() {
            let outcome = Outcome::read(&spec.envelope, &json);
            let _ = outcome.summary();
            let _ = rolo::edit::Form::from_response(spec.clone(), &json);
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        "\\PC{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::vec(
                (
                    prop_oneof![
                        "success",
                        "message",
                        "error",
                        "code",
                        "details",
                        "data",
                        "account",
                        "contacts",
                        "\\PC{1,8}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A session on the sandbox's clemta, with one fault on every request and a short timeout.
fn session(api: &common::http::Api, fault: &str, timeout: Duration) -> Session {
    let catalog = Catalog::built_in();
    let mut profile = Config::built_in(&catalog)
        .with_sandbox_url(&api.running.url())
        .profile("sandbox-clemta")
        .unwrap()
        .clone();
    profile
        .headers
        .insert("x-sandbox-fault".into(), fault.into());
    let SecretSource::BuiltIn(secret) = profile.secret.clone() else {
        unreachable!()
    };
    let settings = HttpSettings {
        timeout,
        ..HttpSettings::default()
    };
    Session::new(
        catalog.get("clemta").unwrap().clone(),
        &profile,
        secret,
        settings,
    )
    .unwrap()
}

async fn read_error(api: &common::http::Api, fault: &str, timeout: Duration) -> ClientError {
    let s = session(api, fault, timeout);
    s.read(&s.reference("64b8f1a2e4b0c8d9f0123456").unwrap())
        .await
        .unwrap_err()
        .error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_end_in_clear_errors() {
    let api = common::http::start(None).await;
    // 100 MB: refused at the 64 MiB cap, without holding the rest.
    let e = read_error(&api, "huge=100", Duration::from_secs(60)).await;
    assert_eq!(
        e,
        ClientError::TooLarge {
            limit: 64 * 1024 * 1024
        },
        "{e}"
    );
    assert!(e.to_string().contains("raise max_body_mb"), "{e}");
    // 10,000 nested arrays: not a stack overflow, an unreadable answer.
    let e = read_error(&api, "deep=10000", Duration::from_secs(10)).await;
    assert!(matches!(e, ClientError::NotJson { status: 200, .. }), "{e}");
    // Invalid UTF-8: read, and found to hold no contact.
    let e = read_error(&api, "binary", Duration::from_secs(10)).await;
    assert!(matches!(e, ClientError::NoContact { .. }), "{e}");
    // One byte a second: the total timeout ends it.
    let e = read_error(&api, "trickle", Duration::from_millis(1500)).await;
    assert!(matches!(e, ClientError::Timeout { .. }), "{e}");
}

#[test]
fn a_slow_answer_shows_progress_and_can_be_cancelled() {
    use common::pty::Vendor;
    let vendor = Vendor::start();
    let url = vendor.running.url();
    vendor.write_config(&format!(
        "[profiles.slow]\nvendor = \"clemta\"\nbase_url = \"{url}/clemta\"\nsecret = {{ env = \"K\" }}\nheaders = {{ \"x-sandbox-fault\" = \"trickle\" }}\n"
    ));
    let mut tty = vendor.rolo_with(
        &["-p", "slow", "64b8f1a2e4b0c8d9f0123456"],
        &[("K", "sandbox-clemta-key")],
    );
    // The bytes received so far and the time spent show while it trickles in.
    tty.wait_until("progress", |s| {
        s.contains("bytes · ") && s.contains("Esc cancels")
    });
    tty.keys("\x1b");
    tty.wait_for("Cancelled (reading");
    // Still responsive.
    tty.keys("?");
    tty.wait_for("Keys");
}
