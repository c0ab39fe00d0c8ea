//! Building the update with 1, 10 and all fields dirty, and validating a whole form, for the
//! largest vendor form and synthetic forms of 100 and 500 fields (to show the growth).

#[path = "support.rs"]
mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rolo::edit::Form;
use std::hint::black_box;

fn dirty(mut form: Form, count: usize) -> Form {
    for i in support::editable(&form).into_iter().take(count) {
        let v = support::edit_value(&form, i);
        form.set_text(i, &v).unwrap();
    }
    form
}

fn forms() -> Vec<(String, Form)> {
    vec![
        ("exsited-43".into(), support::largest_vendor_form()),
        ("synthetic-100".into(), support::synthetic_form(100)),
        ("synthetic-500".into(), support::synthetic_form(500)),
    ]
}

fn build_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("build_update");
    for (name, form) in forms() {
        let all = support::editable(&form).len();
        for (label, count) in [("1", 1), ("10", 10), ("all", all)] {
            let edited = dirty(form.clone(), count);
            assert_eq!(edited.dirty_count(), count.min(all));
            group.bench_with_input(BenchmarkId::new(&name, label), &edited, |b, f| {
                b.iter(|| black_box(f.build_update().unwrap()))
            });
        }
    }
    group.finish();
}

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate_form");
    for (name, form) in forms() {
        let all = support::editable(&form).len();
        let edited = dirty(form, all);
        group.bench_with_input(BenchmarkId::from_parameter(&name), &edited, |b, f| {
            b.iter(|| black_box(f.validate()))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = build_update, validate
}
criterion_main!(benches);
