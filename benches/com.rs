//! COM's speed on the shared ck_CA_19p75dB set (thru + 7 FEXT + 8 NEXT, `r53_ctle_dfe`): one
//! FOM evaluation (one Tx candidate at one CTLE setting, cursor search included), one CTLE
//! setting's pulses and noise forms, and the whole COM (1,980 candidates, rayon over CTLEs).
//! PyChOpMarg 3.4.0 takes 0.12–0.33 s per FOM evaluation and 674 s for this set.
//! Run: `cargo bench --bench com` (skips without ../shared/com).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use num_complex::Complex64;
use sireach::com::channel::{ChannelKind, channel_h21, shaping};
use sireach::com::search::{Prepared, candidate_fom};
use sireach::com::txffe::{active_taps, tx_candidates};
use sireach::com::{ComConfig, SystemGrid, compute};
use sireach::network::{Network, PortPairing};
use sireach::touchstone::{ReadOptions, read_path};

const DIR: &str = "../shared/com/channels/ck_CA_19p75dB";

fn load(name: &str) -> Network {
    let t = read_path(&Path::new(DIR).join(name), &ReadOptions::default()).unwrap();
    t.network
        .differential(&PortPairing::parse("1-3/2-4").unwrap())
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string("../shared/com/configs/anchor_r53_ctle_dfe.toml") else {
        eprintln!("no ../shared/com: skipped");
        return;
    };
    let cfg = ComConfig::from_toml_str(&text).unwrap();
    let thru = load("CA_19p75dB_thru.s4p.gz");
    let fext: Vec<Network> = (1..=7)
        .map(|i| load(&format!("CA_19p75dB_fext{i}.s4p.gz")))
        .collect();
    let next: Vec<Network> = (1..=8)
        .map(|i| load(&format!("CA_19p75dB_next{i}.s4p.gz")))
        .collect();
    let grid = SystemGrid::new(&cfg).unwrap();
    let shape = shaping(&cfg, &grid);
    let scaled = |n: &Network, a: f64, kind: ChannelKind| -> Vec<Complex64> {
        let h = channel_h21(&cfg, &grid, n, kind).unwrap();
        h.iter().zip(&shape).map(|(x, s)| x * s * a).collect()
    };
    let prep = Prepared::new(
        &cfg,
        &grid,
        scaled(&thru, cfg.a_v, ChannelKind::Thru),
        fext.iter()
            .map(|n| scaled(n, cfg.a_fe, ChannelKind::Fext))
            .collect(),
        next.iter()
            .map(|n| scaled(n, cfg.a_ne, ChannelKind::Next))
            .collect(),
    );
    let (tx, order) = tx_candidates(&cfg);
    let active = active_taps(&tx);
    let st = prep.ctle_state(-12.0, -3.0, &active);
    let taps = &tx[order[20]];
    let mut g = c.benchmark_group("com");
    g.sample_size(10);
    g.bench_function("one FOM evaluation (15 aggressors)", |b| {
        b.iter(|| candidate_fom(&cfg, black_box(&st), black_box(taps)).unwrap())
    });
    g.bench_function("one CTLE setting: 16 pulses + noise forms", |b| {
        b.iter(|| prep.ctle_state(black_box(-12.0), -3.0, &active))
    });
    g.bench_function("whole COM, 1980 candidates", |b| {
        b.iter(|| compute(&cfg, &thru, &fext, &next).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
