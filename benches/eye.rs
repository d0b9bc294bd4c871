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

/// The statistical eye (every phase of one UI, heights and widths at 1e-12) of the same
/// synthetic pulse with a 12-tap DFE, noise and jitter; the pulse response of a real channel
/// (the 802.3ck 19.75 dB cable assembly, 170 000-sample COM grid); and the whole `sireach eye`
/// pipeline on it (grid, 63 CTLE × 60 Tx FFE × 33 phases search, statistical eye).
fn bench_statistical(c: &mut Criterion) {
    use sireach::Par;
    use sireach::eye::link::{EyeSetup, link_eye};
    use sireach::eye::statistical::{DfeSpec, PAM4, StatEyeInputs, stat_eye};
    use sireach::network::PortPairing;
    use sireach::serdes::adapt::FomTerms;
    use sireach::serdes::ctle::Ctle;
    use sireach::serdes::ffe::Ffe;
    use sireach::serdes::optimise::EqSearch;
    use sireach::signal::pulse::{ChannelGrid, PulseOptions, differential_s21};
    use sireach::touchstone::{ReadOptions, read_path};

    let pulse = pulse_response();
    let cursor = pulse
        .v
        .iter()
        .enumerate()
        .fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b })
        .0;
    let mut g = c.benchmark_group("statistical eye");
    g.bench_function(
        "200-UI pulse, M = 32, 32 phases, 12-tap DFE, heights + widths at 1e-12",
        |b| {
            b.iter(|| {
                let inp = StatEyeInputs {
                    dfe: DfeSpec {
                        taps: 12,
                        limits: None,
                    },
                    noise_rms_v: 1e-3,
                    rj_rms_ui: 0.01,
                    dj_dd_ui: 0.02,
                    ..StatEyeInputs::new(black_box(&pulse), cursor, &PAM4)
                };
                let e = stat_eye(&inp).expect("eye");
                (
                    e.heights_v(1e-12).expect("h"),
                    e.widths_ui(1e-12).expect("w"),
                )
            })
        },
    );
    let path = std::path::Path::new("../shared/com/channels/ck_CA_19p75dB/CA_19p75dB_thru.s4p.gz");
    let Ok(t) = read_path(path, &ReadOptions::default()) else {
        eprintln!("skipping the channel benches: {} not found", path.display());
        g.finish();
        return;
    };
    let (f, h) = differential_s21(&t.network, &PortPairing::parse("1-3/2-4").expect("pairing"))
        .expect("sdd21");
    let baud = 53.125e9;
    let opts = PulseOptions::com_defaults(baud);
    g.bench_function(
        "pulse response of CA 19.75 dB (re-grid + filters + 170k-point irfft)",
        |b| {
            b.iter(|| {
                ChannelGrid::new(black_box(&f), black_box(&h), baud, &opts)
                    .and_then(|g| g.pulse(|_| num_complex::Complex64::new(1.0, 0.0)))
                    .expect("pulse")
            })
        },
    );
    let grid = ChannelGrid::new(&f, &h, baud, &opts).expect("grid");
    let ctle = Ctle::ieee_8023ck(baud, -8.0, -3.0).responses(&grid.grid_hz);
    g.bench_function("pulse through one CTLE on a planned grid", |b| {
        b.iter(|| grid.pulse_times(black_box(&ctle)).expect("pulse"))
    });
    let tx = Ffe::default_transmitter_grid();
    let mut dfe_limits = vec![0.3; 12];
    dfe_limits[0] = 0.85;
    let setup = EyeSetup {
        baud,
        pulse: opts.clone(),
        search: EqSearch {
            ctle: Ctle::grid(baud, -20.0, 1.0, &[0.0, -3.0, -6.0]).expect("ctle"),
            tx,
            rx_ffe: None,
            dfe_taps: 12,
            dfe_limits,
            levels: PAM4.to_vec(),
            amplitude_v: 0.413,
            eta0_v2_per_hz: 8.2e-18,
            terms: FomTerms {
                snr_tx_db: 32.5,
                rj_rms_ui: 0.01,
                dj_dd_ui: 0.02,
            },
            phase_step: 1,
        },
        rj_rms_ui: 0.01,
        dj_dd_ui: 0.02,
        ber: 1e-4,
    };
    g.sample_size(10);
    for (name, par) in [("one core", Par::Seq), ("all cores", Par::Rayon(0))] {
        g.bench_function(
            format!("sireach eye pipeline on CA 19.75 dB, {name}"),
            |b| b.iter(|| link_eye(black_box(&f), black_box(&h), &setup, par).expect("eye")),
        );
    }
    g.finish();
}

criterion_group!(benches, bench, bench_statistical);
criterion_main!(benches);
