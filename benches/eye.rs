//! The time-domain eye's speed: 10⁶ PAM4 symbols (PRBS31Q) through a synthetic 200-UI pulse at
//! 32 samples per UI — the FFT overlap-save waveform (target: under 100 ms on one core), the
//! same at each FFT block length (to check the length `WaveformPlan::new` picks), the eye
//! measurement on it, and for scale the direct sum and the exact jittered waveform on 10⁴
//! symbols. Run: `cargo bench --bench eye`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sireach::eye::time_domain::{
    WaveformPlan, measure, warmup_symbols, waveform, waveform_naive, waveform_with_jitter,
};
use sireach::signal::jitter::TxJitter;
use sireach::signal::pam::{levels, symbol_values};
use sireach::signal::prbs::{PrbsKind, prbs_q};
use sireach::signal::pulse::Sampled;

const M: usize = 32;
const PULSE_UI: usize = 200;
const SYMBOLS: usize = 1_000_000;
const UI_S: f64 = 1.0 / 53.125e9;

/// A 1-UI rectangle through a Gaussian filter (σ = 0.45 UI) starting 3 UI in, plus a slow
/// reflection-like tail (5 % decaying over 40 UI): 200 UI, smooth, every sample non-zero.
fn step_value(t_ui: f64) -> f64 {
    let sigma = 0.45;
    let edge = 0.5 * (1.0 + libm::erf((t_ui - 3.0) / (sigma * std::f64::consts::SQRT_2)));
    let tail = if t_ui > 3.0 {
        0.05 * (1.0 - (-(t_ui - 3.0) / 40.0).exp())
    } else {
        0.0
    };
    edge + tail
}

fn step_response() -> Sampled {
    Sampled {
        ui_s: UI_S,
        samples_per_ui: M,
        v: (0..PULSE_UI * M)
            .map(|n| step_value(n as f64 / M as f64))
            .collect(),
    }
}

fn pulse_response() -> Sampled {
    Sampled {
        ui_s: UI_S,
        samples_per_ui: M,
        v: (0..PULSE_UI * M)
            .map(|n| {
                let t = n as f64 / M as f64;
                step_value(t) - step_value(t - 1.0)
            })
            .collect(),
    }
}

fn bench(c: &mut Criterion) {
    let pulse = pulse_response();
    let pam4 = levels(4, 1.0).expect("levels");
    let syms = prbs_q(PrbsKind::Prbs31, 0x7FFF_FFFF, SYMBOLS).expect("prbs");
    let a = symbol_values(&syms, &pam4).expect("values");
    // main cursor: the pulse's peak
    let cursor = (0..pulse.v.len())
        .max_by(|&i, &j| pulse.v[i].total_cmp(&pulse.v[j]))
        .expect("non-empty");

    let mut g = c.benchmark_group("time-domain eye, 1e6 PAM4 symbols, 200-UI pulse, M = 32");
    g.throughput(Throughput::Elements(SYMBOLS as u64));
    g.sample_size(10);
    g.bench_function("waveform (plan + FFT overlap-save)", |b| {
        b.iter(|| waveform(black_box(&pulse), black_box(&a)).expect("ok"))
    });
    let mut plan = WaveformPlan::new(&pulse).expect("plan");
    let mut out = vec![0.0; SYMBOLS * M];
    g.bench_function(
        format!("waveform_into, plan reused (N = {})", plan.fft_len()),
        |b| b.iter(|| plan.waveform_into(black_box(&a), &mut out).expect("ok")),
    );
    for n in [512, 1024, 2048, 4096, 8192, 16384] {
        let mut plan = WaveformPlan::with_fft_len(&pulse, n).expect("plan");
        g.bench_function(format!("waveform_into, FFT length {n}"), |b| {
            b.iter(|| plan.waveform_into(black_box(&a), &mut out).expect("ok"))
        });
    }
    let y = waveform(&pulse, &a).expect("waveform");
    let warm = warmup_symbols(&pulse);
    g.bench_function("measure (p = 1e-4, 3 eyes)", |b| {
        b.iter(|| {
            measure(black_box(&y), &a, M, cursor, warm, &pam4, 1e-4)
                .expect("eye")
                .min_height_v
        })
    });
    g.finish();

    let short = &a[..10_000];
    let mut g = c.benchmark_group("time-domain eye, 1e4 PAM4 symbols, 200-UI pulse, M = 32");
    g.throughput(Throughput::Elements(short.len() as u64));
    g.sample_size(10);
    g.bench_function("waveform (FFT)", |b| {
        b.iter(|| waveform(black_box(&pulse), black_box(short)).expect("ok"))
    });
    g.bench_function("waveform_naive (direct sum)", |b| {
        b.iter(|| waveform_naive(black_box(&pulse), black_box(short)).expect("ok"))
    });
    let step = step_response();
    let tau = TxJitter {
        rj_rms_s: 0.01 * UI_S,
        pj_amplitude_s: 0.05 * UI_S,
        pj_frequency_hz: 1e8,
        dcd_s: 0.02 * UI_S,
        seed: 1,
    }
    .offsets(short.len(), UI_S)
    .expect("offsets");
    g.bench_function("waveform_with_jitter (exact, direct)", |b| {
        b.iter(|| waveform_with_jitter(black_box(&step), black_box(short), &tau).expect("ok"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
