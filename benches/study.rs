//! Reach studies: a 10⁵-point COM-free study (5 PMDs × 4 gauges × IL × 5000 Monte Carlo
//! samples: each point a cable draw, the twinax loss at Nyquist and a bisection), at 1 and 2
//! threads (the scaling), rows formatted as CSV as the CLI streams them; and COM points (one
//! COM reach search each: a scan and bisection, ~10–15 COM evaluations of two package cases),
//! from which a 10³-point COM study's time follows (it is too long to repeat 10 times here).
//! Run: `cargo bench --bench study`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sireach::presets::Presets;
use sireach::reach::study::{Study, StudyRun, media};

fn study(criteria: &str, samples: usize) -> Study {
    Study::from_toml_str(&format!(
        "[study]\nname = \"bench\"\npmds = [\"100GBASE-CR1\", \"50GBASE-CR\", \"200GBASE-CR1\", \"100GBASE-CR4\", \"800GBASE-CR8\"]\n\
         criteria = [{criteria}]\nseed = 1\n[[media]]\nkind = \"twinax\"\nawg = [24, 26, 28, 30]\n\
         [monte_carlo]\nsamples = {samples}\n[monte_carlo.sigma]\nsurface_factor = 0.05\neps_r = 0.02\ntan_delta = 0.1\n"
    ))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let presets = Presets::embedded().unwrap();
    let s = study("\"il\"", 4999);
    let run = StudyRun::new(&s, &presets, media(&s, &presets, &[]).unwrap()).unwrap();
    let points = run.points();
    assert_eq!(points.len(), 100_000);
    let mut g = c.benchmark_group("study");
    g.sample_size(10);
    g.throughput(Throughput::Elements(points.len() as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_function(format!("1e5 IL points, {threads} thread(s)"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let mut bytes = 0usize;
                    run.run(
                        &points,
                        |r| {
                            bytes += black_box(r.csv()).len();
                            Ok(())
                        },
                        |_| {},
                    )
                    .unwrap();
                    bytes
                })
            })
        });
    }
    g.finish();

    // COM: 100GBASE-CR1 and 50GBASE-CR have COM presets
    let s = Study::from_toml_str(
        "[study]\nname = \"com\"\npmds = [\"100GBASE-CR1\"]\ncriteria = [\"com\"]\n[[media]]\nkind = \"twinax\"\nawg = [26]\n",
    )
    .unwrap();
    let run = StudyRun::new(&s, &presets, media(&s, &presets, &[]).unwrap()).unwrap();
    let p = run.points()[0];
    let mut g = c.benchmark_group("study_com");
    g.sample_size(10);
    g.bench_function("one COM reach point (100GBASE-CR1, 26 AWG)", |b| {
        b.iter(|| run.evaluate(black_box(p)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
