//! Times a PAM4 statistical eye at 1e-12: a 200-UI equalised pulse at 53.125 GBd and 32
//! samples per UI (all 32 phases), a 3-tap DFE, 1.5 mV of noise, 0.01 UI RJ and 0.02 UI DJ.
//! The pulse is synthetic but shaped like a post-CTLE copper pulse: a Gaussian-smoothed
//! 1-UI rectangle (σ = 0.3 UI), a dielectric-like exponential tail, a slow tail spanning the
//! 200 UI, and two reflections (at 40 and 90 UI).
//!
//! `cargo run --release --example stat_eye_speed` (the time includes building the PMFs of
//! every phase, the heights of the three eyes and their widths, i.e. the edges at all phases).

use std::time::Instant;

use sireach::eye::statistical::{DfeSpec, PAM4, StatEyeInputs, stat_eye};
use sireach::signal::pulse::Sampled;

fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// The pulse at `t` UI from its centre.
fn pulse(t: f64) -> f64 {
    let rect = |t: f64| phi((t + 0.5) / 0.3) - phi((t - 0.5) / 0.3);
    let tail = |t: f64, tau: f64| {
        if t > 0.0 {
            (-t / tau).exp() * (1.0 - (-t / 0.5).exp())
        } else {
            0.0
        }
    };
    0.30 * rect(t) + 0.02 * tail(t, 3.0) + 0.0003 * tail(t, 60.0) + 0.004 * rect(t - 40.0)
        - 0.003 * rect(t - 90.0)
}

fn main() {
    let (m, n_ui, pre_ui) = (32usize, 200usize, 8usize);
    let v: Vec<f64> = (0..n_ui * m)
        .map(|i| pulse(i as f64 / m as f64 - pre_ui as f64))
        .collect();
    let cursor = (0..v.len())
        .max_by(|&a, &b| v[a].total_cmp(&v[b]))
        .unwrap_or(0);
    let p = Sampled {
        ui_s: 1.0 / 53.125e9,
        samples_per_ui: m,
        v,
    };
    let inp = StatEyeInputs {
        dfe: DfeSpec {
            taps: 3,
            limits: Some(vec![0.85, 0.3, 0.3]),
        },
        noise_rms_v: 1.5e-3,
        rj_rms_ui: 0.01,
        dj_dd_ui: 0.02,
        ..StatEyeInputs::new(&p, cursor, &PAM4)
    };
    // one run: the eye (PMFs of every phase), then the heights and widths at 1e-12
    let run = || -> sireach::error::Result<[f64; 2]> {
        let t0 = Instant::now();
        let eye = stat_eye(&inp)?;
        let t1 = Instant::now();
        eye.heights_v(1e-12)?;
        eye.widths_ui(1e-12)?;
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        Ok([ms(t0, t1), ms(t1, Instant::now())])
    };
    let mut times = Vec::new();
    for _ in 0..21 {
        match run() {
            Ok(t) => times.push(t),
            Err(e) => {
                println!("error: {e}");
                return;
            }
        }
    }
    let median = |f: &dyn Fn(&[f64; 2]) -> f64| {
        let mut v: Vec<f64> = times.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    if let Ok(eye) = stat_eye(&inp) {
        let bins: usize = (0..32)
            .filter_map(|i| eye.isi_pmf(i).ok().map(|p| p.p.len()))
            .sum();
        println!(
            "h0 {:.4} V, DFE {:?} V, σ at the cursor {:.3e} V, PMF bins over 32 phases {bins}",
            eye.h0_v(),
            eye.dfe_taps_v(),
            eye.sigma_v()[16]
        );
        if let (Ok(h), Ok(w)) = (eye.heights_v(1e-12), eye.widths_ui(1e-12)) {
            let mv: Vec<f64> = h.iter().map(|x| (x * 1e4).round() / 10.0).collect();
            let ui: Vec<f64> = w.iter().map(|x| (x * 1e3).round() / 1e3).collect();
            println!("heights at 1e-12 (mV): {mv:?}; widths (UI): {ui:?}");
        }
    }
    println!(
        "statistical eye, 200 UI x 32 phases, p = 1e-12: median {:.2} ms \
         (PMFs {:.2} ms + heights and widths {:.2} ms; {} runs)",
        median(&|t| t[0] + t[1]),
        median(&|t| t[0]),
        median(&|t| t[1]),
        times.len()
    );
}
