//! Filtering 10,000 loaded contacts per keystroke with `rolo::search::ContactFilter`
//! (criterion's statistics, then p50/p99 over every keystroke of many typed queries): typing
//! forward (each query extends the last, the usual case), and the worst case where every
//! keystroke filters all 10,000 afresh (backspace, or a query that is no extension).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use rolo::client::Match;
use rolo::search::ContactFilter;
use rolo::tui::modals::Rows;

const CONTACTS: usize = 10_000;

const FIRST: [&str; 24] = [
    "Olivia",
    "Noah",
    "Amelia",
    "Jack",
    "Isla",
    "William",
    "Mia",
    "Oliver",
    "Ava",
    "Lucas",
    "Grace",
    "Leo",
    "Chloe",
    "Henry",
    "Zoë",
    "Thomas",
    "Ella",
    "James",
    "Ruby",
    "Hugo",
    "Renée",
    "José",
    "Søren",
    "Ana María",
];
const LAST: [&str; 24] = [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin",
    "White", "Anderson", "Walker", "Thompson", "Harris", "Lee", "Ryan", "Robinson", "Kelly",
    "King", "Davis", "Müller", "García", "Brontë", "O'Connor",
];

/// "Name · e-mail · reference", as a picker would filter them.
fn contacts() -> Vec<String> {
    (0..CONTACTS)
        .map(|i| {
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len()) % LAST.len()];
            let mail = format!("{first}.{last}{i}@example.com")
                .to_lowercase()
                .replace(' ', "");
            format!(
                "{first} {last} · {mail} · ACC-{}/CONTACT_{i}",
                1000 + i % 97
            )
        })
        .collect()
}

/// Queries typed a character at a time.
const TYPED: [&str; 6] = [
    "olivia smith",
    "noah.jones",
    "zoe bronte",
    "acc-1042/contact_77",
    "muller",
    "xqz",
];

/// Each prefix of each query, in typing order: the keystrokes of a session.
fn keystrokes() -> Vec<String> {
    TYPED
        .iter()
        .flat_map(|q| {
            q.char_indices()
                .map(|(i, c)| q[..i + c.len_utf8()].to_string())
        })
        .collect()
}

/// `before` runs untimed ahead of each timed `step`.
fn percentiles(
    name: &str,
    rounds: usize,
    mut before: impl FnMut(usize),
    mut step: impl FnMut(usize),
) {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|n| {
            before(n);
            let t = Instant::now();
            step(n);
            t.elapsed()
        })
        .collect();
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "filter {name}: p50 {:?}  p99 {:?}  max {:?}  ({rounds} keystrokes, {CONTACTS} contacts)",
        at(0.50),
        at(0.99),
        times[times.len() - 1]
    );
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let texts = contacts();
    let keys = keystrokes();

    // Typing forward: the filter narrows from the previous hits; a new query starts afresh.
    let mut filter = ContactFilter::new(&texts);
    let mut n = 0;
    c.bench_function("filter_10k/typing", |b| {
        b.iter(|| {
            black_box(filter.matches(&keys[n % keys.len()]));
            n += 1;
        })
    });
    // Every keystroke over all 10,000: a fresh filter state each time.
    // (The empty query in between forgets the last hits; only the keystroke is timed.)
    let mut filter = ContactFilter::new(&texts);
    let mut n = 0;
    c.bench_function("filter_10k/afresh", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                filter.matches("");
                let t = Instant::now();
                black_box(filter.matches(&keys[n % keys.len()]));
                total += t.elapsed();
                n += 1;
            }
            total
        })
    });

    let rounds = keys.len() * 40;
    let typing = std::cell::RefCell::new(ContactFilter::new(&texts));
    percentiles(
        "typing",
        rounds,
        |_| {},
        |n| {
            black_box(typing.borrow_mut().matches(&keys[n % keys.len()]));
        },
    );
    let afresh = std::cell::RefCell::new(ContactFilter::new(&texts));
    percentiles(
        "afresh",
        rounds,
        |_| {
            afresh.borrow_mut().matches("");
        },
        |n| {
            black_box(afresh.borrow_mut().matches(&keys[n % keys.len()]));
        },
    );
    page_arriving(&texts);
    // Converting 10,000 texts once, when a page set is loaded (not per keystroke).
    c.bench_function("filter_10k/build", |b| {
        b.iter(|| black_box(ContactFilter::new(&texts)))
    });
    c.final_summary();
}

/// A page of 50 contacts arriving in the open-contact list while 10,000 are loaded and a text is
/// typed: `Rows::merge` (new rows converted, every row filtered again, the highlight kept), the
/// work a page or a search answer costs the UI thread.
fn page_arriving(texts: &[String]) {
    let row = |n: usize, text: &str| Match {
        reference: format!("REF-{n}"),
        name: text.split(" · ").next().unwrap_or("").to_string(),
        email: String::new(),
        label: text.to_string(),
    };
    let loaded: Vec<Match> = texts.iter().enumerate().map(|(n, t)| row(n, t)).collect();
    let rounds = 100;
    let mut times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut rows = Rows::default();
        rows.merge(loaded.clone());
        rows.set_query(["noah", "o", "zoe bronte", "muller"][round % 4]);
        let page: Vec<Match> = (0..50)
            .map(|i| {
                row(
                    CONTACTS + round * 50 + i,
                    &texts[(round * 50 + i) % texts.len()],
                )
            })
            .collect();
        let t = Instant::now();
        black_box(rows.merge(page));
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "filter page arriving: p50 {:?}  p99 {:?}  max {:?}  ({rounds} pages of 50 into {CONTACTS} rows)",
        times[rounds / 2],
        times[rounds * 99 / 100],
        times[rounds - 1]
    );
}
