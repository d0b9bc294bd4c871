//! Closed forms for ERL. With only the Gaussian edge (no Butterworth, no Tukey window) a
//! reflection `Γ0 e^{−j2πfτ}` has the impulse response `Γ0 g(t − τ)`, `g` the Gaussian density
//! of σ = T_r/1.6832, so the sampled pulse TDR is `PTDR(t_n) = Γ0 Σ_{i=n−M+1}^{n} dt g(i dt − τ)`
//! (the running sum of M impulse samples; aliasing and the spectrum's truncation at 850 GHz are
//! below 1e-12 on these grids). With NRZ (L = 2) and at most 13 samples above the PDF bin, the
//! lowest sum `−Σ|R_k|` has probability 2^-n ≥ 1.2e-4 > DER_0 = 1e-4, so
//! `R_peak = Σ_k |R_eff(t_φ + k T_b)|` for the phase φ of largest energy.

use std::f64::consts::PI;

use ndarray::{Array1, Array3};
use num_complex::Complex64;

use super::*;

const F_B: f64 = 53.125e9;

/// Gaussian edge only, NRZ, fine PDF bin, short window.
fn gaussian_only() -> ErlParams {
    ErlParams {
        butterworth: false,
        tukey_window: false,
        levels: 2,
        pdf_bin: 1e-7,
        n_ui: 200,
        ..ErlParams::ieee_8023ck_cable_assembly()
    }
}

/// 0 to 300 GHz in 50 MHz steps.
fn grid() -> Vec<f64> {
    (0..=6000).map(|k| k as f64 * 50e6).collect()
}

fn delayed(f: &[f64], gamma0: f64, tau_s: f64) -> Vec<Complex64> {
    f.iter()
        .map(|&f| gamma0 * Complex64::from_polar(1.0, -2.0 * PI * f * tau_s))
        .collect()
}

/// The gate of Annex 93A.5, written out again from the equation.
fn gate(t: f64, p: &ErlParams) -> f64 {
    let tb = 1.0 / p.signalling_rate_baud;
    let w = (p.n_bx + 1) as f64;
    let x = (t - p.fixture_delay_s) / tb;
    if x < 0.0 {
        0.0
    } else if x > w {
        1.0
    } else {
        p.rho_x
            * (1.0 + p.rho_x)
            * (-(x - w) * (x - w) / (w * w)).exp()
            * 10f64.powf(p.beta_x_hz * (t - p.fixture_delay_s - w * tb) / 20.0)
    }
}

/// The closed-form ERL (module doc) of `Γ0 e^{−j2πfτ}` and the number of samples it sums.
fn closed_form_erl_db(
    p: &ErlParams,
    gamma0: f64,
    tau_s: f64,
    t_from: f64,
    t_to: f64,
) -> (f64, usize) {
    let m = p.samples_per_ui;
    let dt = 1.0 / (p.signalling_rate_baud * m as f64);
    let sigma = p.transition_time_s / 1.6832;
    let g = |t: f64| (-(t * t) / (2.0 * sigma * sigma)).exp() / (sigma * (2.0 * PI).sqrt());
    let n_from = (t_from / dt).floor() as i64;
    let n_to = (t_to / dt).ceil() as i64;
    let r: Vec<f64> = (n_from..=n_to)
        .map(|n| {
            let pulse: f64 = (n - m as i64 + 1..=n)
                .map(|i| dt * g(i as f64 * dt - tau_s))
                .sum();
            gamma0 * pulse * gate(n as f64 * dt, p)
        })
        .collect();
    let best = (0..m)
        .max_by(|&a, &b| {
            let e = |phi: usize| r[phi..].iter().step_by(m).map(|x| x * x).sum::<f64>();
            e(a).total_cmp(&e(b))
        })
        .unwrap();
    let kept: Vec<f64> = r[best..]
        .iter()
        .step_by(m)
        .map(|x| x.abs())
        .filter(|x| *x > p.pdf_bin)
        .collect();
    (-20.0 * kept.iter().sum::<f64>().log10(), kept.len())
}

#[test]
fn a_matched_port_has_an_infinite_erl() {
    let f = grid();
    let r = erl_reflection(
        &f,
        &vec![Complex64::new(0.0, 0.0); f.len()],
        &gaussian_only(),
    )
    .unwrap();
    assert_eq!(r.erl_db, f64::INFINITY);
    assert_eq!(r.r_peak, 0.0);
    assert!(r.r_eff.iter().all(|x| x.abs() < 1e-15));
}

#[test]
fn a_constant_reflection_gives_the_closed_form_erl() {
    let p = gaussian_only();
    let f = grid();
    for gamma0 in [0.05, 0.2] {
        let r = erl_reflection(&f, &delayed(&f, gamma0, 0.0), &p).unwrap();
        let (want, n) = closed_form_erl_db(&p, gamma0, 0.0, -0.2e-9, 0.3e-9);
        assert!(n <= 13, "{n} samples: the closed form needs at most 13");
        assert!(
            (r.erl_db - want).abs() < 1e-3,
            "Γ {gamma0}: {} vs {want}",
            r.erl_db
        );
        // the reflection at the port plane sits in the equalizer window: G_rr ≈ 0.37–0.6 there
        let peak = r.ptdr.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        assert!(
            (peak / gamma0 - 0.93).abs() < 0.05,
            "unit pulse peak {}",
            peak / gamma0
        );
        assert!(r.erl_db > -20.0 * (gamma0 * peak / gamma0).log10());
    }
    // the gate the result reports is the equation's
    for (t, g) in r_gate_samples(&p) {
        assert!(
            (g - gate(t, &p)).abs() < 1e-12,
            "t {t}: {g} vs {}",
            gate(t, &p)
        );
    }
}

fn r_gate_samples(p: &ErlParams) -> Vec<(f64, f64)> {
    let f = grid();
    let r = erl_reflection(&f, &delayed(&f, 0.1, 0.0), p).unwrap();
    r.time_s
        .iter()
        .copied()
        .zip(r.gate.iter().copied())
        .step_by(7)
        .collect()
}

#[test]
fn beta_x_lowers_the_gate_inside_the_equalizer_window_only() {
    let p = ErlParams {
        beta_x_hz: 1.7e9,
        fixture_delay_s: 0.1e-9,
        ..gaussian_only()
    };
    let samples = r_gate_samples(&p);
    let tb = 1.0 / F_B;
    for (t, g) in samples {
        assert!(
            (g - gate(t, &p)).abs() < 1e-12,
            "t {t}: {g} vs {}",
            gate(t, &p)
        );
        if t < 0.1e-9 - 1e-15 {
            assert_eq!(g, 0.0);
        }
        if t > 0.1e-9 + 13.0 * tb + 1e-15 {
            assert_eq!(g, 1.0);
        }
    }
}

#[test]
fn a_reflection_before_the_fixture_delay_is_excluded() {
    let f = grid();
    let p = ErlParams {
        fixture_delay_s: 0.2e-9,
        ..gaussian_only()
    };
    let r = erl_reflection(&f, &delayed(&f, 0.3, 0.1e-9), &p).unwrap();
    assert_eq!(r.erl_db, f64::INFINITY, "r_peak {}", r.r_peak);
    // the same reflection after the fixture delay counts
    let r = erl_reflection(&f, &delayed(&f, 0.3, 0.3e-9), &p).unwrap();
    assert!(r.erl_db.is_finite() && r.erl_db < 20.0, "{}", r.erl_db);
}

#[test]
fn a_reflection_beyond_the_equalizer_window_counts_in_full() {
    let p = gaussian_only();
    let f = grid();
    let tau = 1e-9; // far beyond T_fx + (N_bx + 1) T_b = 0.245 ns: G_rr G_loss = 1
    let r = erl_reflection(&f, &delayed(&f, 0.1, tau), &p).unwrap();
    let (want, n) = closed_form_erl_db(&p, 0.1, tau, 0.8e-9, 1.2e-9);
    assert!(n <= 13, "{n}");
    assert!((r.erl_db - want).abs() < 1e-3, "{} vs {want}", r.erl_db);
    // and, since the unit pulses sampled once per UI sum to ∫g = 1 (whatever the phase), a lone
    // reflection with all its samples kept has ERL = −20 log10 |Γ0| = 20 dB
    assert!((r.erl_db - 20.0).abs() < 1e-3, "{}", r.erl_db);
    // inside the window the same reflection is discounted by G_rr < 1
    let inside = erl_reflection(&f, &delayed(&f, 0.1, 0.1e-9), &p).unwrap();
    assert!(
        inside.erl_db > r.erl_db + 1.0,
        "{} vs {}",
        inside.erl_db,
        r.erl_db
    );
}

#[test]
fn grids_without_dc_or_uniform_steps_give_the_same_erl() {
    let p = gaussian_only();
    let f = grid();
    let tau = 0.5e-9;
    let reference = erl_reflection(&f, &delayed(&f, 0.1, tau), &p)
        .unwrap()
        .erl_db;
    // no DC point: 25 MHz to 300 GHz
    let no_dc: Vec<f64> = f.iter().skip(1).map(|x| x - 25e6).collect();
    let r = erl_reflection(&no_dc, &delayed(&no_dc, 0.1, tau), &p).unwrap();
    assert!(
        (r.erl_db - reference).abs() < 0.01,
        "{} vs {reference}",
        r.erl_db
    );
    // non-uniform: 20 MHz steps to 10 GHz, then 40 MHz
    let mixed: Vec<f64> = (0..500)
        .map(|k| k as f64 * 20e6)
        .chain((0..=7250).map(|k| 10e9 + k as f64 * 40e6))
        .collect();
    let r = erl_reflection(&mixed, &delayed(&mixed, 0.1, tau), &p).unwrap();
    assert!(
        (r.erl_db - reference).abs() < 0.01,
        "{} vs {reference}",
        r.erl_db
    );
}

/// A lossless 100 Ω line of one-way delay τ, as a two-port at 100 Ω.
fn line(f: &[f64], tau: f64) -> Network {
    let s = Array3::from_shape_fn((f.len(), 2, 2), |(k, i, j)| {
        if i == j {
            Complex64::new(0.0, 0.0)
        } else {
            Complex64::from_polar(1.0, -2.0 * PI * f[k] * tau)
        }
    });
    Network::with_uniform_z0(Array1::from(f.to_vec()), s, 100.0).unwrap()
}

#[test]
fn both_ends_are_referred_to_the_termination() {
    // 100 Ω line between 2 Z_t = 90 Ω: ρ = 10/190 at each end, the first echo (t = 0) gated
    // away by T_fx, the second −ρ(1 − ρ²) at 2τ = 1 ns counted in full, the third (4τ) beyond
    // the window T_fx + N T_b = 1.82 ns.
    let f = grid();
    let tau = 0.5e-9;
    let p = ErlParams {
        z_t_ohm: 45.0,
        fixture_delay_s: 0.5e-9,
        n_ui: 70,
        ..gaussian_only()
    };
    let rho: f64 = 10.0 / 190.0;
    let net = line(&f, tau);
    let [a, b] = erl_both_ends(&net, &p).unwrap();
    let (want, n) = closed_form_erl_db(&p, rho * (1.0 - rho * rho), 2.0 * tau, 0.8e-9, 1.2e-9);
    assert!(n <= 13, "{n}");
    assert!((a.erl_db - want).abs() < 1e-3, "{} vs {want}", a.erl_db);
    assert!((b.erl_db - want).abs() < 1e-3, "{} vs {want}", b.erl_db);
    // at 2 Z_t = 100 Ω the line is matched
    let matched = ErlParams {
        z_t_ohm: 50.0,
        ..p.clone()
    };
    let [a, b] = erl_both_ends(&net, &matched).unwrap();
    assert_eq!((a.erl_db, b.erl_db), (f64::INFINITY, f64::INFINITY));
    // a single port must already be referred to 2 Z_t
    assert!(erl(&net, 0, &p).is_err());
    assert_eq!(erl(&net, 1, &matched).unwrap().erl_db, f64::INFINITY);
}

#[test]
fn a_plan_gives_the_same_answer_every_run() {
    let p = gaussian_only();
    let f = grid();
    let mut plan = PtdrPlan::new(&f, &p).unwrap();
    let g = delayed(&f, 0.1, 0.7e-9);
    let first = plan.erl(&g).unwrap();
    plan.erl(&delayed(&f, 0.3, 0.2e-9)).unwrap();
    assert_eq!(plan.erl(&g).unwrap(), first);
}

#[test]
fn bad_input_is_a_typed_error_not_a_panic() {
    let p = gaussian_only();
    let f = grid();
    let g = delayed(&f, 0.1, 0.5e-9);
    let invalid = |r: Result<ErlResult>| {
        let e = r.expect_err("should fail");
        assert!(
            matches!(e.kind(), crate::error::ErrorKind::InvalidArgument(_)),
            "{e}"
        );
    };
    // data that stop below f_b
    let short: Vec<f64> = f.iter().copied().take_while(|&x| x < 50e9).collect();
    invalid(erl_reflection(&short, &g[..short.len()], &p));
    // lengths, values and grids
    invalid(erl_reflection(&f, &g[1..], &p));
    let mut nan = g.clone();
    nan[10] = Complex64::new(f64::NAN, 0.0);
    invalid(erl_reflection(&f, &nan, &p));
    let mut backwards = f.clone();
    backwards.swap(3, 4);
    invalid(erl_reflection(&backwards, &g, &p));
    let mut negative = f.clone();
    negative[0] = -1.0;
    invalid(erl_reflection(&negative, &g, &p));
    invalid(erl_reflection(&f[..1], &g[..1], &p));
    // parameters
    for bad in [
        ErlParams {
            der0: 1.0,
            ..p.clone()
        },
        ErlParams {
            levels: 1,
            ..p.clone()
        },
        ErlParams {
            samples_per_ui: 1,
            ..p.clone()
        },
        ErlParams {
            transition_time_s: f64::NAN,
            ..p.clone()
        },
        ErlParams {
            rho_x: -0.1,
            ..p.clone()
        },
        ErlParams {
            n_ui: 0,
            ..p.clone()
        },
        ErlParams {
            f_r: 1.2,
            tukey_window: true,
            ..p.clone()
        },
    ] {
        invalid(erl_reflection(&f, &g, &bad));
    }
    // ports
    let net = line(&f, 0.5e-9);
    assert!(erl(&net, 2, &p).is_err());
    let one_port = Network::with_uniform_z0(
        Array1::from(f.clone()),
        Array3::from_shape_fn((f.len(), 1, 1), |(k, _, _)| g[k]),
        100.0,
    )
    .unwrap();
    assert!(erl_both_ends(&one_port, &p).is_err());
}
