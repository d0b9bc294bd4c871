//! COM's speed on the shared ck_CA_19p75dB set (thru + 7 FEXT + 8 NEXT). With `r53_ctle_dfe`:
//! one FOM evaluation (one Tx candidate at one CTLE setting, cursor search included), one CTLE
//! setting's pulses and noise forms, and the whole COM (1,980 candidates, rayon over CTLEs);
//! PyChOpMarg 3.4.0 takes 0.12–0.33 s per FOM evaluation and 674 s for this set. With
//! `dj_d3p3_cr_hl` (87-tap MMSE Rx FFE with floating taps, quantisation, MLSD): one MMSE FOM
//! evaluation and the whole COM (72 candidates); PyChOpMarg: 1.7–9.5 s per FOM, 743 s in all.
//! And the accumulation kernels the search uses, scalar against SIMD.
//! Run: `cargo bench --bench com` (skips without ../shared/com).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use num_complex::Complex64;
use sireach::com::channel::{ChannelKind, channel_h21, shaping};
use sireach::com::search::{Prepared, candidate_fom, evaluate};
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

/// The CA set's thru, FEXT and NEXT channels.
fn channels() -> (Network, Vec<Network>, Vec<Network>) {
    let thru = load("CA_19p75dB_thru.s4p.gz");
    let fext: Vec<Network> = (1..=7)
        .map(|i| load(&format!("CA_19p75dB_fext{i}.s4p.gz")))
        .collect();
    let next: Vec<Network> = (1..=8)
        .map(|i| load(&format!("CA_19p75dB_next{i}.s4p.gz")))
        .collect();
    (thru, fext, next)
}

/// The search's inputs for `cfg` on `grid`.
fn prepared<'a>(
    cfg: &'a ComConfig,
    grid: &'a SystemGrid,
    (thru, fext, next): &(Network, Vec<Network>, Vec<Network>),
) -> Prepared<'a> {
    let shape = shaping(cfg, grid);
    let scaled = |n: &Network, a: f64, kind: ChannelKind| -> Vec<Complex64> {
        let h = channel_h21(cfg, grid, n, kind).unwrap();
        h.iter().zip(&shape).map(|(x, s)| x * s * a).collect()
    };
    Prepared::new(
        cfg,
        grid,
        scaled(thru, cfg.a_v, ChannelKind::Thru),
        fext.iter()
            .map(|n| scaled(n, cfg.a_fe, ChannelKind::Fext))
            .collect(),
        next.iter()
            .map(|n| scaled(n, cfg.a_ne, ChannelKind::Next))
            .collect(),
    )
}

fn config(name: &str) -> Option<ComConfig> {
    let text = std::fs::read_to_string(format!("../shared/com/configs/anchor_{name}.toml")).ok()?;
    Some(ComConfig::from_toml_str(&text).unwrap())
}

fn bench(c: &mut Criterion) {
    let Some(cfg) = config("r53_ctle_dfe") else {
        eprintln!("no ../shared/com: skipped");
        return;
    };
    let chans = channels();
    let (thru, fext, next) = &chans;
    let grid = SystemGrid::new(&cfg).unwrap();
    let prep = prepared(&cfg, &grid, &chans);
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
        b.iter(|| compute(&cfg, thru, fext, next).unwrap())
    });
    g.finish();
}

fn bench_d3p3(c: &mut Criterion) {
    let Some(cfg) = config("dj_d3p3_cr_hl") else {
        return;
    };
    let chans = channels();
    let (thru, fext, next) = &chans;
    let grid = SystemGrid::new(&cfg).unwrap();
    let prep = prepared(&cfg, &grid, &chans);
    let (tx, order) = tx_candidates(&cfg);
    let active = active_taps(&tx);
    let st = prep.ctle_state(-15.0, -3.0, &active);
    let taps = &tx[order[0]];
    let mut g = c.benchmark_group("com_d3p3");
    g.sample_size(10);
    g.bench_function(
        "one MMSE FOM evaluation (87-tap Rx FFE, 2x4 floating, N_qb)",
        |b| b.iter(|| evaluate(&cfg, black_box(&st), black_box(taps)).unwrap()),
    );
    g.bench_function("whole COM, 72 candidates + MLSD", |b| {
        b.iter(|| compute(&cfg, thru, fext, next).unwrap())
    });
    g.finish();
}

fn bench_kernels(c: &mut Criterion) {
    use sireach::kernels::accumulate::{
        add_assign, add_assign_scalar, phase_energy, phase_energy_scalar,
    };
    let x: Vec<f64> = (0..340_000)
        .map(|i| ((i * 7919) % 1000) as f64 * 1e-3)
        .collect();
    let mut g = c.benchmark_group("kernels_accumulate");
    g.throughput(criterion::Throughput::Elements(x.len() as u64));
    g.bench_function("phase_energy scalar (340k samples, M = 32)", |b| {
        b.iter(|| {
            let mut e = [0.0; 32];
            phase_energy_scalar(black_box(&x), &x, 32, &mut e);
            e
        })
    });
    g.bench_function("phase_energy simd", |b| {
        b.iter(|| {
            let mut e = [0.0; 32];
            phase_energy(black_box(&x), &x, 32, &mut e);
            e
        })
    });
    let mut d = vec![0.0; x.len()];
    g.bench_function("add_assign scalar (340k)", |b| {
        b.iter(|| add_assign_scalar(black_box(&mut d), &x))
    });
    g.bench_function("add_assign simd", |b| {
        b.iter(|| add_assign(black_box(&mut d), &x))
    });
    g.finish();
}

criterion_group!(benches, bench, bench_d3p3, bench_kernels);
criterion_main!(benches);
