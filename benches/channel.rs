//! The copper layer's speed: the twinax model over a 5,000-point grid (Z, Y and the two-port
//! of a 2 m line), and the whole default DAC reach table (`sireach reach` without printing).
//! Run: `cargo bench --bench channel`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sireach::channel::twinax::{TwinaxParams, loss_db_per_metre, network};
use sireach::presets::Presets;
use sireach::reach::dac_table;

fn bench(c: &mut Criterion) {
    let f: Vec<f64> = (0..5000).map(|k| (k + 1) as f64 * 20e6).collect();
    let p = TwinaxParams::awg(26.0);
    let mut g = c.benchmark_group("twinax_5000_points");
    g.throughput(Throughput::Elements(f.len() as u64));
    g.bench_function("loss per metre", |b| {
        b.iter(|| loss_db_per_metre(&p, &f).expect("valid"))
    });
    g.bench_function("2 m two-port network", |b| {
        b.iter(|| network(&p, &f, 2.0, 100.0).expect("valid"))
    });
    g.finish();
    let presets = Presets::embedded().expect("embedded presets");
    c.bench_function("default DAC reach table (48 rows)", |b| {
        b.iter(|| dac_table(&presets).expect("table"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
