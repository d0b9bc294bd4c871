use super::*;

const BAUD: f64 = 53.125e9;

fn bare(m: usize) -> PulseOptions {
    PulseOptions {
        samples_per_ui: m,
        f_step_hz: 50e6,
        tx_rise_s: None,
        rx_bandwidth_hz: None,
        truncate_rel: 1e-6,
        pre_ui: 4,
    }
}

/// `H` on a uniform grid from DC to `f_max`.
fn sampled(f_max: f64, n: usize, h: impl Fn(f64) -> Complex64) -> (Vec<f64>, Vec<Complex64>) {
    let f: Vec<f64> = (0..n).map(|k| f_max * k as f64 / (n - 1) as f64).collect();
    let v = f.iter().map(|&x| h(x)).collect();
    (f, v)
}

#[test]
fn an_ideal_delay_gives_the_shifted_rectangle() {
    // τ = 37 samples: on the system grid e^{-j2πfτ} is an exact shift, so the pulse is the
    // 1-UI rectangle starting 37 samples late, to rounding
    let m = 16;
    let dt = 1.0 / (BAUD * m as f64);
    let tau = 37.0 * dt;
    let opts = bare(m);
    // data up to the grid's Nyquist so no extrapolation is involved
    let fmax = 0.5 / dt;
    let (f, h) = sampled(fmax, 20001, |x| {
        Complex64::from_polar(1.0, -2.0 * std::f64::consts::PI * x * tau)
    });
    let r = pulse_response(&f, &h, BAUD, &opts).unwrap();
    let v = &r.pulse.v;
    let start = (r.t0_s / dt).round() as usize;
    for (i, &x) in v.iter().enumerate() {
        let n = start + i;
        let want = if (37..37 + m).contains(&n) { 1.0 } else { 0.0 };
        // linear re-gridding of the phase between data points costs a little
        assert!((x - want).abs() < 2e-3, "sample {n}: {x} vs {want}");
    }
    assert!(r.pulse.v.len() > m);
    assert!(r.wrap_energy_fraction < 1e-6);
}

#[test]
fn a_single_pole_gives_the_analytic_step() {
    // H = 1/(1 + j f/f_c): step response 1 − exp(−t/τ), τ = 1/(2π f_c), sampled at the end of
    // each sample (the running sum of a sample-wide impulse)
    let fc = 5e9;
    let m = 32;
    let opts = bare(m);
    let dt = 1.0 / (BAUD * m as f64);
    let (f, h) = sampled(0.5 / dt, 40001, |x| Complex64::new(1.0, x / fc).inv());
    let r = pulse_response(&f, &h, BAUD, &opts).unwrap();
    let tau = 1.0 / (2.0 * std::f64::consts::PI * fc);
    // the discrete-time system is the pole sampled with aliasing: compare away from t = 0, where
    // the aliased tail (1/f roll-off) is below 1e-2
    for k in [20usize, 50, 100, 200, 400] {
        let t = (k as f64 + 1.0) * dt;
        let want = 1.0 - (-t / tau).exp();
        let got = r.step.v[k];
        assert!((got - want).abs() < 1e-2, "t = {t:e}: {got} vs {want}");
    }
    // and the pulse of a unit symbol peaks at 1 − exp(−T/τ)
    let ui = 1.0 / BAUD;
    let peak = r.pulse.v[r.peak_index];
    assert!((peak - (1.0 - (-ui / tau).exp())).abs() < 1e-2, "{peak}");
}

#[test]
fn filters_are_the_clause_equations() {
    // 93A-46 at f = 1.6832/(π T_r): exp(−2); 93A-20 is −3 dB at f_r and 1 at DC
    let tr = 4e-12;
    let f = 1.6832 / (std::f64::consts::PI * tr);
    assert!((tx_filter(f, tr) - (-2.0f64).exp()).abs() < 1e-15);
    let fr = 40e9;
    assert!((rx_filter(fr, fr).norm() - 0.5f64.sqrt()).abs() < 1e-6);
    assert_eq!(rx_filter(0.0, fr), Complex64::new(1.0, 0.0));
    // Butterworth: |H|² = 1/(1 + x⁸)
    for x in [0.3, 0.9, 2.0] {
        let h = rx_filter(x * fr, fr).norm_sqr();
        assert!((h - 1.0 / (1.0 + x.powi(8))).abs() < 1e-6, "{x}: {h}");
    }
}

#[test]
fn regridding_interpolates_and_extends() {
    // data 1..10 GHz without DC: a linear magnitude and a pure delay continue exactly
    let tau = 200e-12;
    let f: Vec<f64> = (1..=100).map(|k| k as f64 * 0.1e9).collect();
    let h: Vec<Complex64> = f
        .iter()
        .map(|&x| Complex64::from_polar(1.0 - x / 20e9, -2.0 * std::f64::consts::PI * x * tau))
        .collect();
    let grid: Vec<f64> = (0..=200).map(|k| k as f64 * 0.05e9).collect();
    let g = regrid(&f, &h, &grid).unwrap();
    assert!((g[0].re - 1.0).abs() < 1e-9 && g[0].im == 0.0, "{}", g[0]);
    for (k, &x) in grid.iter().enumerate().skip(1).take(199) {
        let want = Complex64::from_polar(1.0 - x / 20e9, -2.0 * std::f64::consts::PI * x * tau);
        assert!((g[k] - want).norm() < 1e-3, "{x}: {} vs {want}", g[k]);
    }
    // bad data is named
    let e = regrid(&[1.0, 1.0], &h[..2], &grid).unwrap_err().to_string();
    assert!(e.contains("increasing"), "{e}");
}

#[test]
fn bad_options_are_errors_not_panics() {
    let (f, h) = sampled(50e9, 101, |_| Complex64::new(1.0, 0.0));
    let mut o = bare(32);
    o.f_step_hz = 1.0; // a 1 s window
    assert!(pulse_response(&f, &h, BAUD, &o).is_err());
    assert!(pulse_response(&f, &h, -1.0, &bare(32)).is_err());
    let zero: Vec<Complex64> = h.iter().map(|_| Complex64::new(0.0, 0.0)).collect();
    assert!(pulse_response(&f, &zero, BAUD, &bare(32)).is_err());
}
