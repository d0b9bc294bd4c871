//! The optical link model's speed: one budget (the shared sheet at 400 m), and sweeps of 10⁶
//! (inputs, length) points in parallel with rayon — 1,000 input variations (EMB, spectral width,
//! wavelength, Tx rise time) × 1,000 lengths, first with one `LinkModel` per variation reused
//! over its lengths, then with `evaluate` (checking the inputs and building the model) at every
//! point. Run: `cargo bench --bench optical`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use sireach::optical::link_model::{LinkInputs, LinkModel, evaluate};

const VARIATIONS: usize = 1000;
const LENGTHS: usize = 1000;

fn variation(base: &LinkInputs, k: usize) -> LinkInputs {
    let u = k as f64 / VARIATIONS as f64;
    let mut i = *base;
    i.emb_hz_m = (1500.0 + 3200.0 * u) * 1e9;
    i.rms_spectral_width_m = (0.2 + 0.45 * ((k * 7) % 13) as f64 / 13.0) * 1e-9;
    i.wavelength_m = (840.0 + 20.0 * ((k * 3) % 11) as f64 / 11.0) * 1e-9;
    i.tx_t2080_s = (25.0 + 15.0 * ((k * 5) % 7) as f64 / 7.0) * 1e-12;
    i
}

fn length_m(j: usize) -> f64 {
    // 0 to 600 m: open and closed eyes both.
    600.0 * j as f64 / LENGTHS as f64
}

fn bench(c: &mut Criterion) {
    let base = LinkInputs::example_850s2000();
    let model = LinkModel::new(&base).expect("valid inputs");
    c.bench_function("link model: one budget (evaluate, 400 m)", |b| {
        b.iter(|| evaluate(black_box(&base), black_box(400.0)).expect("valid"))
    });
    c.bench_function("link model: one budget (LinkModel::at, 400 m)", |b| {
        b.iter(|| model.at_unchecked(black_box(400.0)))
    });

    // Where the time of one budget goes: its 7 erf and 10 log10 calls alone.
    c.bench_function("link model: 7 x libm::erf (as in one budget)", |b| {
        b.iter(|| {
            let x = black_box(0.6766f64);
            libm::erf(x)
                + libm::erf(x * 1.1)
                + libm::erf(x * 0.9)
                + libm::erf(x * 1.2)
                + libm::erf(x * 0.8)
                + libm::erf(x * 1.3)
                + libm::erf(x * 0.7)
        })
    });
    c.bench_function("link model: 10 x log10 (as in one budget)", |b| {
        b.iter(|| {
            let x = black_box(0.6766f64);
            (1..=10).map(|k| (x * k as f64).log10()).sum::<f64>()
        })
    });

    let variations: Vec<LinkInputs> = (0..VARIATIONS).map(|k| variation(&base, k)).collect();
    let mut g = c.benchmark_group("link model sweep 1e6 points, rayon");
    g.throughput(Throughput::Elements((VARIATIONS * LENGTHS) as u64));
    g.sample_size(20);
    g.bench_function("model per variation, at() per length", |b| {
        b.iter(|| {
            variations
                .par_iter()
                .map(|i| {
                    let m = LinkModel::new(i).expect("valid");
                    (0..LENGTHS)
                        .map(|j| m.at_unchecked(length_m(j)).margin_db.max(-100.0))
                        .sum::<f64>()
                })
                .sum::<f64>()
        })
    });
    g.bench_function("evaluate() per point", |b| {
        b.iter(|| {
            (0..VARIATIONS * LENGTHS)
                .into_par_iter()
                .map(|p| {
                    let i = &variations[p / LENGTHS];
                    evaluate(i, length_m(p % LENGTHS))
                        .expect("valid")
                        .margin_db
                        .max(-100.0)
                })
                .sum::<f64>()
        })
    });
    g.finish();
    lane_budgets(c);
}

/// The PMD lane budget (`optical::budget`): one PAM4 budget, and 10⁵ (PMD, fibre, length,
/// spectral-width variation) points in parallel (each runs the 5-tap FFE design twice).
fn lane_budgets(c: &mut Criterion) {
    use sireach::optical::budget::lane_budget;
    use sireach::presets::Presets;
    let p = Presets::embedded().expect("presets");
    let (sr8, _) = p.optics.pmd("400GBASE-SR8").expect("pmd");
    let om4 = p.optics.fibre("OM4").expect("fibre");
    c.bench_function(
        "lane budget: 400GBASE-SR8, 70 m OM4 (PAM4, FFE penalty)",
        |b| {
            b.iter(|| {
                lane_budget(black_box(sr8), om4, black_box(70.0), 1.5)
                    .expect("ok")
                    .margin_db
            })
        },
    );
    let model = sireach::optical::budget::LaneModel::new(sr8, om4, 1.5).expect("model");
    c.bench_function(
        "lane budget: LaneModel::at (length-independent terms reused)",
        |b| b.iter(|| model.at(black_box(70.0)).expect("ok").margin_db),
    );
    let pairs: Vec<_> = p
        .optics
        .families
        .iter()
        .flat_map(|f| f.reach_objective_m.keys().map(move |n| (f, n.clone())))
        .map(|(f, n)| (f, p.optics.fibre(&n).expect("fibre")))
        .collect();
    const POINTS: usize = 100_000;
    let mut g = c.benchmark_group("lane budget sweep 1e5 points, rayon");
    g.throughput(Throughput::Elements(POINTS as u64));
    g.sample_size(10);
    g.bench_function("PMD x fibre x length x spectral width", |b| {
        b.iter(|| {
            (0..POINTS)
                .into_par_iter()
                .map(|k| {
                    let (fam, fibre) = pairs[k % pairs.len()];
                    let fam = sireach::presets::optics::OpticalFamily {
                        rms_spectral_width_nm: fam.rms_spectral_width_nm
                            * (0.5 + (k % 7) as f64 / 12.0),
                        ..fam.clone()
                    };
                    let len = 1.0 + (k / pairs.len() % 100) as f64;
                    lane_budget(&fam, fibre, len, 0.0)
                        .expect("ok")
                        .margin_db
                        .max(-100.0)
                })
                .sum::<f64>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
