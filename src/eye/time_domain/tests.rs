//! Closed-form checks of the whole chain: PRBS13Q/PRBS31Q symbols → waveform → DFE → noise →
//! measure.

use super::*;
use crate::signal::pam::{levels, symbol_values};
use crate::signal::prbs::{PrbsKind, prbs_q};

const UI: f64 = 1.0 / 53.125e9;

fn pam4() -> Vec<f64> {
    levels(4, 1.0).expect("levels")
}

/// Two periods of PRBS13Q as PAM4 voltages: every pair of consecutive symbols occurs.
fn prbs13q_values(n: usize) -> Vec<f64> {
    let s = prbs_q(PrbsKind::Prbs13, 0b0000010101011, n).expect("prbs");
    symbol_values(&s, &pam4()).expect("values")
}

/// `h0` for the first UI, `h1` for the second, then `tail_ui` UIs of zeros.
fn two_cursor_pulse(m: usize, h0: f64, h1: f64, tail_ui: usize) -> Sampled {
    let mut v = vec![h0; m];
    v.extend(std::iter::repeat_n(h1, m));
    v.extend(std::iter::repeat_n(0.0, tail_ui * m));
    Sampled {
        ui_s: UI,
        samples_per_ui: m,
        v,
    }
}

#[test]
fn ideal_channel_opens_fully_and_returns_the_symbols() {
    let m = 8;
    let pulse = two_cursor_pulse(m, 1.0, 0.0, 1);
    let a = prbs13q_values(2 * 8191);
    let y = waveform(&pulse, &a).expect("waveform");
    let cursor = m / 2;
    // the sampling instants give back the symbols
    for (k, &ak) in a.iter().enumerate() {
        assert!((y[cursor + k * m] - ak).abs() < 1e-12, "symbol {k}");
    }
    let eye = measure(&y, &a, m, cursor, warmup_symbols(&pulse), &pam4(), 1e-6).expect("eye");
    for e in 0..3 {
        // levels ±1, ±1/3: each eye 2/3 V
        assert!((eye.heights_v[e] - 2.0 / 3.0).abs() < 1e-12, "{eye:?}");
        assert!((eye.best_heights_v[e] - 2.0 / 3.0).abs() < 1e-12);
        // open over the whole UI: h = 2/3 at the UI's M samples, −2 one sample beyond on each
        // side (the neighbour's symbol, all levels); the crossings interpolate to 1/4 sample
        // outside the UI's first and last samples: width (M − 1 + 1/2)/M, within a sample of 1
        let want = (m as f64 - 0.5) / m as f64;
        assert!((eye.widths_ui[e] - want).abs() < 1e-12, "{eye:?}");
    }
    assert_eq!(eye.phase_index, cursor);
    assert_eq!(eye.level_counts.iter().sum::<usize>(), eye.symbols_measured);
}

#[test]
fn one_post_cursor_closes_by_twice_its_size_and_a_dfe_tap_restores() {
    let m = 6;
    for (h0, h1) in [(0.8, 0.12), (1.0, -0.15)] {
        let pulse = two_cursor_pulse(m, h0, h1, 2);
        let a = prbs13q_values(2 * 8191);
        let mut y = waveform(&pulse, &a).expect("waveform");
        let cursor = m / 2;
        let warm = warmup_symbols(&pulse);
        // y = h0 a_k + h1 a_{k−1}: the upper edge of eye e is h0 L_{e+1} − |h1|·1 and the lower
        // h0 L_e + |h1|·1 (levels ±1 outermost), so h = (2/3) h0 − 2|h1|
        let eye = measure(&y, &a, m, cursor, warm, &pam4(), 1e-6).expect("eye");
        let want = 2.0 / 3.0 * h0 - 2.0 * h1.abs();
        for h in &eye.heights_v {
            assert!((h - want).abs() < 1e-12, "h0 {h0} h1 {h1}: {eye:?}");
        }
        apply_dfe(&mut y, &a, m, cursor, &[h1]).expect("dfe");
        let eye = measure(&y, &a, m, cursor, warm, &pam4(), 1e-6).expect("eye");
        for h in &eye.heights_v {
            assert!((h - 2.0 / 3.0 * h0).abs() < 1e-12, "with DFE: {eye:?}");
        }
    }
}

#[test]
fn gaussian_noise_moves_each_edge_by_its_quantile() {
    let m = 4;
    let pulse = two_cursor_pulse(m, 1.0, 0.0, 0);
    let n = 400_000;
    let s = prbs_q(PrbsKind::Prbs31, 0x2AAA_AAAA, n).expect("prbs");
    let a = symbol_values(&s, &pam4()).expect("values");
    let mut y = waveform(&pulse, &a).expect("waveform");
    let sigma = 0.02;
    add_noise(&mut y, sigma, 11).expect("noise");
    let p = 0.01;
    let eye = measure(&y, &a, m, m / 2, 1, &pam4(), p).expect("eye");
    // each edge moves inwards by σ |Φ⁻¹(0.01)|, Φ⁻¹(0.01) = −2.326348 (normal table)
    let want = 2.0 / 3.0 - 2.0 * 2.326_348 * sigma;
    // sd of an order-statistic quantile √(p(1−p)/n_level)/φ(Φ⁻¹(p)) σ, φ(2.326) = 0.026652;
    // two edges per height; 5 sd
    let n_level = n as f64 / 4.0;
    let sd = (2.0f64).sqrt() * (p * (1.0 - p) / n_level).sqrt() / 0.026_652 * sigma;
    for h in &eye.heights_v {
        assert!(
            (h - want).abs() < 5.0 * sd,
            "height {h}, want {want} ± {}",
            5.0 * sd
        );
    }
}

#[test]
fn jittered_waveform_through_measure() {
    // ideal rectangle as a step: 0 then 1 from sample 0 — a step response s = 1; with DCD the
    // even symbols last UI − DCD and the odd UI + DCD. DCD of 2 samples: the even-symbol eyes
    // lose 2 samples of opening at their end
    let m = 16;
    let step = Sampled {
        ui_s: UI,
        samples_per_ui: m,
        v: vec![1.0],
    };
    let a = prbs13q_values(4000);
    let dt = step.dt_s();
    let tau: Vec<f64> = (0..a.len())
        .map(|k| if k % 2 == 0 { dt } else { -dt })
        .collect();
    let y = waveform_with_jitter(&step, &a, &tau).expect("jitter");
    // symbol k occupies samples from kM + τ_k to (k+1)M + τ_{k+1}: for even k, kM + 1 ..
    // (k+1)M − 1, for odd k, kM − 1 .. (k+1)M + 1
    for k in (2..a.len() - 1).step_by(2) {
        assert!((y[k * m + 1] - a[k]).abs() < 1e-12);
        assert!((y[(k + 1) * m - 2] - a[k]).abs() < 1e-12);
        assert!((y[k * m] - a[k - 1]).abs() < 1e-12);
    }
    let eye = measure(&y, &a, m, m / 2, 1, &pam4(), 1e-6).expect("eye");
    for h in &eye.heights_v {
        assert!((h - 2.0 / 3.0).abs() < 1e-12);
    }
    // the common eye is open only over the even symbols' shorter span, UI − 2 samples (ends
    // interpolated by 1/4 sample each side as for the ideal eye)
    for w in &eye.widths_ui {
        assert!(
            (w - (m as f64 - 2.0 - 0.5) / m as f64).abs() < 1e-12,
            "{eye:?}"
        );
    }
}

#[test]
fn histogram_of_the_ideal_eye() {
    let m = 8;
    let pulse = two_cursor_pulse(m, 1.0, 0.0, 0);
    let a = prbs13q_values(8191);
    let y = waveform(&pulse, &a).expect("waveform");
    let mut h = EyeHistogram::new(m, -1.2, 1.2, 8).expect("histogram");
    h.accumulate(&y, m / 2, warmup_symbols(&pulse));
    // bins 0.3 V wide: the levels −1, −1/3, 1/3, 1 fall in bins 0, 2, 5, 7 (0.67, 2.89, 5.11
    // and 7.33 bin widths from −1.2 V)
    let at_instant = h.counts.row(m);
    let occupied: Vec<usize> = (0..8).filter(|&i| at_instant[i] > 0).collect();
    assert_eq!(occupied, vec![0, 2, 5, 7]);
    assert_eq!(h.outside, 0);
}

#[test]
fn measure_refuses_bad_arguments() {
    let m = 4;
    let pulse = two_cursor_pulse(m, 1.0, 0.0, 0);
    let a = prbs13q_values(200);
    let y = waveform(&pulse, &a).expect("waveform");
    let l = pam4();
    assert!(measure(&y[1..], &a, m, 2, 1, &l, 0.01).is_err());
    assert!(measure(&y, &a, m, 2, 1, &l, 0.0).is_err());
    assert!(measure(&y, &a, m, 2, 1, &l, 0.6).is_err());
    assert!(measure(&y, &a, m, 2, 1, &[1.0, -1.0], 0.01).is_err());
    assert!(measure(&y, &a, m, 2, 1, &[-1.0, 1.0], 0.01).is_err()); // ±1/3 not levels
    assert!(measure(&y, &a, m, 2, 500, &l, 0.01).is_err()); // nothing after warm-up
    assert!(measure(&y, &a, 0, 2, 1, &l, 0.01).is_err());
    let mut bad = y.clone();
    bad[10] = f64::NAN;
    assert!(measure(&bad, &a, m, 2, 1, &l, 0.01).is_err());
    // a level never sent
    let ones = vec![1.0; 50];
    let y1 = waveform(&pulse, &ones).expect("waveform");
    assert!(measure(&y1, &ones, m, 2, 1, &l, 0.01).is_err());
}
