//! `rolo plan` / `rolo apply` against the sandbox over loopback: classification, rebuilds and
//! conflicts when the server moves, rate limits, and the 10,000-row run with faults killed
//! twice and resumed.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::home::Home;
use rolo::sandbox::chaos::{CALM_HEADER, Chaos};
use rolo::sandbox::{self, Running};
use serde_json::{Value as Json, json};

struct Bed {
    runtime: tokio::runtime::Runtime,
    sandbox: Running,
    home: Home,
    client: reqwest::Client,
}

impl Bed {
    fn new(chaos: Chaos) -> Self {
        Self::with(sandbox::Options {
            chaos,
            ..sandbox::Options::default()
        })
    }

    fn with(options: sandbox::Options) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime
            .block_on(sandbox::start_with(
                "127.0.0.1:0".parse().unwrap(),
                None,
                options,
            ))
            .unwrap();
        Bed {
            runtime,
            sandbox,
            home: Home::new(),
            client: reqwest::Client::new(),
        }
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![("ROLO_SANDBOX_URL", self.sandbox.url())]
    }

    fn rolo(&self, args: &[&str]) -> Output {
        let env = self.env();
        let extra: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.home.run(args, &extra)
    }

    fn spawn(&self, args: &[&str]) -> std::process::Child {
        let env = self.env();
        let extra: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.home
            .command(args, &extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn file(&self, name: &str) -> String {
        self.home.path().join(name).display().to_string()
    }

    fn auth(&self, vendor: &str) -> Vec<(&'static str, String)> {
        self.sandbox
            .credentials()
            .into_iter()
            .filter(|(v, _, _)| *v == vendor)
            .map(|(_, h, value)| (h, value))
            .collect()
    }

    /// A write of the test's own (spared the faults), as another user of the vendor would.
    async fn write(&self, path: &str, body: Json) -> bool {
        let mut request = self
            .client
            .patch(format!("{}{path}", self.sandbox.url()))
            .header(CALM_HEADER, "1")
            .json(&body);
        for (h, v) in self.auth(path.split('/').nth(1).unwrap()) {
            request = request.header(h, v);
        }
        request.send().await.is_ok_and(|r| r.status().is_success())
    }

    fn record(&self, vendor: &str, key: &str) -> Json {
        let ledger = self.sandbox.shared.ledger.lock().unwrap();
        ledger.get(vendor, key).unwrap().record.clone()
    }

    fn writes(&self, vendor: &str) -> HashMap<String, u64> {
        let url = format!("{}/_sandbox/writes/{vendor}", self.sandbox.url());
        let json: Json = self
            .runtime
            .block_on(async { self.client.get(url).send().await?.json().await })
            .unwrap();
        json.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect()
    }
}

fn text(output: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The results CSV as (row → (reference, outcome, message)); its lines must be in plan
/// order (rows finish out of order, `--jobs` at a time and across resumed runs).
fn results(path: &Path) -> BTreeMap<u64, (String, String, String)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut out = BTreeMap::new();
    let mut last = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let row: u64 = r[0].parse().unwrap();
        assert!(
            row > last,
            "row {row} after row {last}: results not in plan order"
        );
        last = row;
        let previous = out.insert(row, (r[1].to_string(), r[2].to_string(), r[4].to_string()));
        assert!(previous.is_none(), "row {row} has two outcomes");
    }
    out
}

fn clemta_id(i: usize) -> String {
    format!("65{i:022x}")
}

#[test]
fn plan_classifies_and_apply_rebuilds_or_refuses_when_the_server_moved() {
    let bed = Bed::new(Chaos::default());
    let csv = bed.file("edits.csv");
    std::fs::write(
        &csv,
        "reference,fax,name\n\
         1001/6001,+61800000001,\n\
         1001/6002,,Planned Name\n\
         1001/6003,12,\n\
         1001/99,+61800000004,\n\
         1001/6005,+6189000005,\n\
         1001/6006,+61800000006,\n",
    )
    .unwrap();
    let plan = bed.file("edits.plan");
    let planned = bed.rolo(&["plan", "-p", "sandbox-cro", &csv, "-o", &plan]);
    assert_eq!(planned.status.code(), Some(3), "{}", text(&planned));
    let shown = bed.rolo(&["plan", "--show", &plan]);
    let shown_text = text(&shown);
    for expected in [
        "row 1 1001/6001 change",
        "fax: \"+6189000001\" → \"+61800000001\"",
        "If-Match: \"1\"",
        "row 3 1001/6003 invalid: fax: must be at least 7 characters",
        "row 4 1001/99 not_found",
        "row 5 1001/6005 unchanged",
    ] {
        assert!(
            shown_text.contains(expected),
            "{expected:?} in {shown_text}"
        );
    }
    // Another user changes two contacts between plan and apply: 6001 elsewhere (the row is
    // rebuilt and sent), 6002 on the row's own field (a conflict: not sent).
    bed.runtime.block_on(async {
        let base = "/cro/customers/1001/contacts";
        assert!(
            bed.write(&format!("{base}/6001/"), json!({"name": "Theirs"}))
                .await
        );
        assert!(
            bed.write(&format!("{base}/6002/"), json!({"name": "Theirs"}))
                .await
        );
    });
    let applied = bed.rolo(&["apply", &plan]);
    // A contact not found is the vendor's 404: exit 4, as for `patch`.
    assert_eq!(applied.status.code(), Some(4), "{}", text(&applied));
    let results = results(Path::new(&format!("{plan}.results.csv")));
    let outcome = |row: u64| results[&row].1.as_str();
    assert_eq!(
        (1..=6).map(outcome).collect::<Vec<_>>(),
        ["ok", "conflict", "invalid", "not_found", "unchanged", "ok"]
    );
    assert!(results[&1].2.contains("rebuilt"), "{:?}", results[&1]);
    let r6001 = bed.record("cro", "1001/6001");
    assert_eq!(
        (r6001["fax"].as_str(), r6001["name"].as_str()),
        (Some("+61800000001"), Some("Theirs"))
    );
    assert_eq!(
        bed.record("cro", "1001/6002")["name"],
        "Theirs",
        "the server's change stands"
    );
    let writes = bed.writes("cro");
    assert_eq!(writes.get("1001/6001"), Some(&2), "theirs and the row's");
    assert_eq!(writes.get("1001/6002"), Some(&1), "theirs only");
    assert_eq!(writes.get("1001/6006"), Some(&1));
    // Every applied row is in the history; the undo plan puts the old values back.
    let history = bed.rolo(&["history", "-p", "sandbox-cro"]);
    assert!(text(&history).contains("1001/6006"), "{}", text(&history));
    let undo = bed.file("undo.plan");
    let undone = bed.rolo(&[
        "plan",
        "--undo",
        &format!("{plan}.results.csv"),
        "-o",
        &undo,
    ]);
    assert_eq!(undone.status.code(), Some(0), "{}", text(&undone));
    let applied = bed.rolo(&["apply", &undo]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    assert_eq!(bed.record("cro", "1001/6006")["fax"], "+6189000006");
    assert_eq!(bed.record("cro", "1001/6001")["name"], "Theirs");
}

#[test]
fn a_vendor_rate_limit_slows_the_batch_down_and_every_row_lands() {
    let bed = Bed::new(Chaos {
        rate_limit: Some(20),
        faults: 0.0,
    });
    let csv = bed.file("edits.jsonl");
    let lines: Vec<String> = (1..=60)
        .map(|i| json!({"reference": format!("1001/{}", 6000 + i), "set": {"fax": format!("+618111{i:05}")}}).to_string())
        .collect();
    std::fs::write(&csv, lines.join("\n")).unwrap();
    let plan = bed.file("p.plan");
    let planned = bed.rolo(&[
        "plan",
        "-p",
        "sandbox-cro",
        &csv,
        "-o",
        &plan,
        "--jobs",
        "8",
    ]);
    assert_eq!(planned.status.code(), Some(0), "{}", text(&planned));
    let applied = bed.rolo(&["apply", &plan, "--jobs", "8"]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    let results = results(Path::new(&format!("{plan}.results.csv")));
    assert_eq!(results.len(), 60);
    assert!(results.values().all(|r| r.1 == "ok"), "{results:?}");
    assert!(bed.writes("cro").values().all(|n| *n == 1));
}

/// The fields the big run's rows set: row r sets `FIELDS[r % 10]` on contact r. Fields the
/// generated contacts hold and reads return, so that a re-read can tell whether a row landed
/// (clemta's `company_id` is accepted but never read back: a row on it whose outcome is
/// unknown is reported, not resent).
const FIELDS: [&str; 10] = [
    "full_name",
    "status",
    "description",
    "billing.email",
    "billing.phone",
    "billing.phone_code",
    "billing.address_1",
    "billing.postal_code",
    "billing.state",
    "billing.country",
];

/// The big run's rows, one per contact (the sandbox is started with as many generated
/// contacts): a row applied twice shows as a second write on its contact.
const ROWS: usize = 10_000;

fn field_of(row: usize) -> &'static str {
    FIELDS[row % FIELDS.len()]
}

fn value_of(field: &str, i: usize) -> String {
    if field.ends_with("email") {
        return format!("row-{i}@example.com");
    }
    format!("{}-{i}", field.replace('.', "-"))
}

/// The other user writes `billing.tax_id` (no row's field) on these contacts during the run,
/// so their rows find the contact moved (412) and are rebuilt on a fresh read. Their rows set
/// `full_name` (70 % 10 == 0).
fn written_by_them(i: usize) -> bool {
    i.is_multiple_of(70)
}

/// On these it also writes `full_name`, the row's own field: a conflict, not sent (or, when
/// the row landed first, their later change stands).
fn named_by_them(i: usize) -> bool {
    i.is_multiple_of(140)
}

fn wait_for_outcomes(journal: &Path, at_least: usize, child: &mut std::process::Child) {
    loop {
        let n = std::fs::read_to_string(journal)
            .map(|t| t.matches("\"event\":\"outcome\"").count())
            .unwrap_or(0);
        if n >= at_least {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("apply ended ({status}) before {at_least} outcomes ({n})");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// 10,000 rows, one per generated clemta contact, each on one of ten fields, with 5% faults
/// and a rate limit, another user writing to some contacts throughout, and `rolo apply`
/// killed with SIGKILL twice: every row ends with one outcome, none is applied twice (the
/// sandbox's write counts), none is lost, and every change of the other user stands.
#[test]
fn ten_thousand_rows_with_faults_killed_twice_end_with_one_outcome_each() {
    let bed = Bed::with(sandbox::Options {
        chaos: Chaos {
            rate_limit: Some(4000),
            faults: 0.05,
        },
        generated: ROWS,
    });
    let csv_path = bed.file("big.csv");
    let mut csv = String::from("reference");
    for f in FIELDS {
        csv.push(',');
        csv.push_str(f);
    }
    csv.push('\n');
    for row in 1..=ROWS {
        csv.push_str(&clemta_id(row));
        for field in FIELDS {
            csv.push(',');
            if field == field_of(row) {
                csv.push_str(&value_of(field, row));
            }
        }
        csv.push('\n');
    }
    std::fs::write(&csv_path, csv).unwrap();
    let plan = bed.file("big.plan");
    let planned = bed.rolo(&[
        "plan",
        "-p",
        "sandbox-clemta",
        &csv_path,
        "-o",
        &plan,
        "--jobs",
        "8",
    ]);
    assert_eq!(planned.status.code(), Some(0), "{}", text(&planned));
    assert!(
        text(&planned).contains("change     10000"),
        "{}",
        text(&planned)
    );

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let url = bed.sandbox.url();
        let auth = bed.auth("clemta");
        bed.runtime.spawn(async move {
            let client = reqwest::Client::new();
            let mut written: HashMap<usize, (u64, Option<String>)> = HashMap::new();
            let mut round = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                round += 1;
                for i in (1..=ROWS).filter(|i| written_by_them(*i)) {
                    let mut body = json!({"billing": {"tax_id": format!("tax-{round}-{i}")}});
                    if named_by_them(i) {
                        body["full_name"] = json!(format!("Theirs {round}"));
                    }
                    let mut request = client
                        .patch(format!("{url}/clemta/contacts/{}", clemta_id(i)))
                        .header(CALM_HEADER, "1")
                        .json(&body);
                    for (h, v) in &auth {
                        request = request.header(*h, v);
                    }
                    if request.send().await.is_ok_and(|r| r.status().is_success()) {
                        let entry = written.entry(i).or_default();
                        entry.0 += 1;
                        entry.1 = Some(format!("tax-{round}-{i}"));
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            written
        })
    };

    let journal = std::path::PathBuf::from(format!("{plan}.journal"));
    for kill_at in [2500, 6000] {
        let mut child = bed.spawn(&["apply", &plan, "--jobs", "8"]);
        wait_for_outcomes(&journal, kill_at, &mut child);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    let finished = bed.rolo(&["apply", &plan, "--resume", "--jobs", "8"]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = bed.runtime.block_on(writer).unwrap();
    // Conflicts (the other user's full_name) are refused before sending: exit 3.
    assert!(
        matches!(finished.status.code(), Some(0 | 3)),
        "{}",
        text(&finished)
    );

    let results = results(Path::new(&format!("{plan}.results.csv")));
    assert_eq!(results.len(), ROWS, "every row has exactly one outcome");
    assert_eq!(
        results.keys().copied().collect::<Vec<_>>(),
        (1..=ROWS as u64).collect::<Vec<_>>()
    );
    let writes = bed.writes("clemta");
    let (mut rebuilt, mut conflicts) = (0, 0);
    for (row, (reference, outcome, message)) in &results {
        let i = *row as usize;
        assert_eq!(reference, &clemta_id(i));
        let theirs = written.get(&i).map_or(0, |w| w.0);
        let ours = writes.get(reference).copied().unwrap_or(0) - theirs;
        rebuilt += usize::from(message.contains("rebuilt"));
        let record = bed.record("clemta", reference);
        if let Some((_, Some(tax))) = written.get(&i) {
            assert_eq!(
                record["billing"]["tax_id"],
                tax.as_str(),
                "contact {i}: their change stands"
            );
        }
        if named_by_them(i) {
            // Refused as a conflict, or landed before their change (which then stands); a
            // conflict row may have landed before a kill and been overwritten by them after.
            assert!(
                matches!(outcome.as_str(), "ok" | "conflict"),
                "row {row}: {outcome} {message}"
            );
            conflicts += usize::from(outcome == "conflict");
            let ok = u64::from(outcome == "ok");
            assert!(
                ours <= 1 && ours >= ok,
                "contact {i}: {ours} writes for {ok} ok rows"
            );
            continue;
        }
        assert_eq!(outcome, "ok", "row {row}: {message}");
        assert_eq!(ours, 1, "contact {i}: writes beyond the other user's");
        let field = field_of(i);
        let stored = field.split('.').fold(&record, |v, p| &v[p]);
        assert_eq!(stored, &json!(value_of(field, i)), "contact {i} {field}");
    }
    // The paths the run is for were taken: rows rebuilt after a 412, conflicts refused.
    assert!(
        rebuilt > 0 && conflicts > 0,
        "{rebuilt} rebuilt, {conflicts} conflicts"
    );
}
