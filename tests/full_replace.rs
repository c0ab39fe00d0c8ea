//! A full-replace vendor (servicedesk) clears what a `PUT` leaves out, so the body carries every
//! member of the contact, also those rolo does not know. Those are kept as text and must go
//! back byte-equal in value (nested objects, arrays, escapes, numbers beyond f64, unicode),
//! taken from the fresh read the update is built on, never from an older one; a plan file
//! applied later carries them too.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use common::home::Home;
use common::raw_http::{Answer, Request, serve};
use rolo::client::{Secret, Session};
use rolo::config::{Config, HttpSettings};
use rolo::spec::Catalog;
use serde_json::value::RawValue;

const ID: &str = "93498506-9dde-4593-b844-e3c51c0e2bc2";

/// Members rolo does not know, odd ones included, with `tag` in the values that differ
/// between reads.
fn unknown_members(tag: &str) -> String {
    [
        format!(r#""version":"{tag}""#),
        r#""nested":{"a":{"b":[1,{"c":"d","e":null}],"f":{}}}"#.to_string(),
        r#""list" : [ 1, "two", null, true, {"x":[]} ]"#.to_string(),
        r#""escaped":"q\"uote \\ back\/slash \u00e9\n\t\u0000 \ud83d\ude00""#.to_string(),
        r#""big":1e400"#.to_string(),
        r#""bigger":-12345678901234567890123456789.000000000000000000001E-5"#.to_string(),
        r#""precise":0.10000000000000000555"#.to_string(),
        "\"unicode\":\"日本語 · 😀 · \u{202e}rtl\"".to_string(),
        r#""k\u0041y":"escaped key""#.to_string(),
        r#""empty":"""#.to_string(),
        r#""no":false"#.to_string(),
        format!(r#""only_{tag}":"{tag}""#),
    ]
    .join(",")
}

fn contact(tag: &str) -> String {
    format!(
        r#"{{"id":"{ID}","firstname":"Ann","lastname":"Lee","company_id":"11111111-2222-3333-4444-555555555555","dropped":null,{},"modified_dateutc":"2026-01-01T00:00:00"}}"#,
        unknown_members(tag)
    )
}

/// Each member's value text, by key (as serde_json reads keys: escapes decoded).
fn members(text: &str) -> BTreeMap<String, String> {
    let map: BTreeMap<String, &RawValue> = serde_json::from_str(text).unwrap();
    map.into_iter()
        .map(|(k, v)| (k, v.get().to_string()))
        .collect()
}

/// A servicedesk stand-in: reads answer `reads[n]` (the last one from then on), updates
/// answer an empty 200; every request is kept.
fn vendor(reads: Vec<String>) -> (u16, Arc<Mutex<Vec<Request>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let gets = Mutex::new(0usize);
    let port = serve(move |request: &Request| {
        kept.lock().unwrap().push(request.clone());
        let body = if request.method == "GET" {
            let mut n = gets.lock().unwrap();
            let body = reads[(*n).min(reads.len() - 1)].clone();
            *n += 1;
            body.into_bytes()
        } else {
            Vec::new()
        };
        Answer {
            status: "200 OK".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body,
        }
    });
    (port, seen)
}

fn puts(seen: &Mutex<Vec<Request>>) -> Vec<String> {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect()
}

/// Every unknown member of `read` is in `sent` with the same value text; `sent` has no member
/// `read` lacks but the fields rolo writes.
fn carries_unknown_members(sent: &str, read: &str) {
    let (sent, read) = (members(sent), members(read));
    for (key, value) in &read {
        match key.as_str() {
            // Written by rolo (a field), or left out (read-only; null).
            "firstname" | "lastname" | "company_id" | "id" | "modified_dateutc" | "dropped" => {}
            _ => assert_eq!(sent.get(key), Some(value), "member {key:?}"),
        }
    }
    for key in sent.keys() {
        assert!(read.contains_key(key), "{key:?} was not read");
    }
    assert!(!sent.contains_key("dropped"), "a null is left out");
    assert!(
        !sent.contains_key("modified_dateutc"),
        "read-only is left out"
    );
}

#[test]
fn the_body_carries_the_fresh_reads_unknown_members_as_written() {
    // The form is loaded from the first read; the server then changes members rolo does not
    // know; the update is built on the second read, as every send is.
    let (stale, fresh) = (contact("stale"), contact("fresh"));
    let (port, seen) = vendor(vec![stale, fresh.clone()]);
    let catalog = Catalog::built_in();
    let mut profile = Config::built_in(&catalog)
        .profile("sandbox-servicedesk")
        .unwrap()
        .clone();
    profile.base_url = format!("http://127.0.0.1:{port}");
    let session = Session::new(
        catalog.get("servicedesk").unwrap().clone(),
        &profile,
        Secret::new("sd-token"),
        HttpSettings::default(),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reference = session.reference(ID).unwrap();
    let (mut form, _) = runtime.block_on(session.load(&reference)).unwrap();
    let i = form.index("firstname").unwrap();
    form.set_text(i, "Anna").unwrap();
    let review = runtime
        .block_on(rolo::send::prepare(&session, &reference, &form))
        .unwrap();
    let reviewed = String::from_utf8(review.prepared.body.clone().unwrap().to_vec()).unwrap();
    runtime
        .block_on(session.send_update(&reference, review.prepared))
        .unwrap();
    let sent = puts(&seen);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0], reviewed, "what is reviewed is what is sent");
    carries_unknown_members(&sent[0], &fresh);
    let sent = members(&sent[0]);
    assert_eq!(sent["firstname"], r#""Anna""#);
    assert_eq!(sent["version"], r#""fresh""#);
    assert!(
        !sent.contains_key("only_stale"),
        "a member of the older read"
    );
    assert_eq!(sent["only_fresh"], r#""fresh""#);
    // The text as the vendor wrote it, not as serde_json writes it.
    assert_eq!(sent["big"], "1e400");
    assert_eq!(sent["list"], r#"[ 1, "two", null, true, {"x":[]} ]"#);
}

#[test]
fn a_plan_applied_later_carries_every_unknown_member() {
    let read = contact("planned");
    let (port, seen) = vendor(vec![read.clone()]);
    let home = Home::new();
    home.write_config(&format!(
        "[profiles.sd]\nvendor = \"servicedesk\"\nbase_url = \"http://127.0.0.1:{port}\"\nsecret = {{ env = \"SD_TOKEN\" }}\n"
    ));
    let env = [("SD_TOKEN", "sd-token-0000")];
    let csv = home.path().join("edits.csv");
    std::fs::write(&csv, format!("reference,firstname\n{ID},Anna\n")).unwrap();
    let plan = home.path().join("edits.plan");
    let (csv, plan) = (csv.to_str().unwrap(), plan.to_str().unwrap());
    let out = home.run(&["plan", "-p", "sd", csv, "-o", plan], &env);
    let said = |out: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let out = home.run(&["apply", plan], &env);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    let sent = puts(&seen);
    assert_eq!(sent.len(), 1, "{}", said(&out));
    carries_unknown_members(&sent[0], &read);
    assert_eq!(members(&sent[0])["firstname"], r#""Anna""#);
}
