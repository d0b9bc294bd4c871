//! Closed-form checks of the statistical eye: ideal and single-cursor channels, Gaussian noise
//! against `Q⁻¹`, a two-cursor ISI distribution against enumeration, the DFE and its limits,
//! jitter through a known slope, widths of a triangular pulse; the bathtubs in [`bathtubs`],
//! bad arguments and properties in [`robustness`].

use super::*;

mod bathtubs;
mod robustness;

pub(super) const M: usize = 32;
/// `Q⁻¹(p)` (mpmath, 30 digits): 1e-4, 1e-6, 1e-12, 1e-15.
pub(super) const Q_1E4: f64 = 3.719_016_485_455_680_6;
pub(super) const Q_1E6: f64 = 4.753_424_308_822_899;
pub(super) const Q_1E12: f64 = 7.034_483_825_301_132;
pub(super) const Q_1E15: f64 = 7.941_345_326_170_997;

/// A pulse of constant value per UI (`uis[1]` is the main UI), cursor in the middle of it.
pub(super) fn per_ui(uis: &[f64]) -> (Sampled, usize) {
    let v = uis
        .iter()
        .flat_map(|&x| std::iter::repeat_n(x, M))
        .collect();
    let p = Sampled {
        ui_s: 1.0 / 53.125e9,
        samples_per_ui: M,
        v,
    };
    (p, M + M / 2)
}

/// A pulse zero outside the main UI, `f(i − c)` inside it.
pub(super) fn main_ui_only(f: impl Fn(f64) -> f64) -> (Sampled, usize) {
    let c = M + M / 2;
    let v = (0..3 * M)
        .map(|i| {
            if (M..2 * M).contains(&i) {
                f(i as f64 - c as f64)
            } else {
                0.0
            }
        })
        .collect();
    let p = Sampled {
        ui_s: 1.0 / 53.125e9,
        samples_per_ui: M,
        v,
    };
    (p, c)
}

/// `Q(x)`, the upper Gaussian tail.
pub(super) fn q(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

pub(super) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn an_ideal_channel_has_open_eyes_of_one_ui() {
    let (p, c) = per_ui(&[0.0, 1.0, 0.0]);
    let eye = stat_eye(&StatEyeInputs::new(&p, c, &PAM4)).unwrap();
    assert_eq!(eye.eyes(), 3);
    assert_eq!(eye.phases_ui().len(), M);
    for pr in [1e-4, 1e-12, 1e-15] {
        for h in eye.heights_v(pr).unwrap() {
            assert!(close(h, 2.0 / 3.0, 1e-12), "{h}");
        }
        for e in 0..3 {
            let w = eye.width_ui(e, pr).unwrap();
            assert!(close(w, 1.0, 1e-12), "{w}");
        }
    }
    // NRZ: one eye of 2·h0
    let nrz = stat_eye(&StatEyeInputs::new(&p, c, &NRZ)).unwrap();
    assert_eq!(nrz.heights_v(1e-12).unwrap().len(), 1);
    assert!(close(nrz.height_v(0, 1e-12).unwrap(), 2.0, 1e-12));
    assert!(close(nrz.width_ui(0, 1e-12).unwrap(), 1.0, 1e-12));
}

#[test]
fn one_post_cursor_closes_each_eye_by_twice_its_size_and_a_dfe_tap_restores_it() {
    let h1 = 0.1;
    let (p, c) = per_ui(&[0.0, 1.0, h1, 0.0]);
    // PAM4 levels ±1: the ISI spans h1·[−1, 1]
    let eye = stat_eye(&StatEyeInputs::new(&p, c, &PAM4)).unwrap();
    for h in eye.heights_v(1e-6).unwrap() {
        assert!(close(h, 2.0 / 3.0 - 2.0 * h1, 1e-9), "{h}");
    }
    let nrz = stat_eye(&StatEyeInputs::new(&p, c, &NRZ)).unwrap();
    assert!(close(nrz.height_v(0, 1e-6).unwrap(), 2.0 - 2.0 * h1, 1e-9));
    // a 1-tap DFE cancels it at every phase (the post-cursor is flat across the UI)
    let dfe = StatEyeInputs {
        dfe: DfeSpec {
            taps: 1,
            limits: None,
        },
        ..StatEyeInputs::new(&p, c, &PAM4)
    };
    let eye = stat_eye(&dfe).unwrap();
    assert!(close(eye.dfe_taps_v()[0], h1, 1e-15));
    for h in eye.heights_v(1e-12).unwrap() {
        assert!(close(h, 2.0 / 3.0, 1e-12), "{h}");
    }
    assert!(close(eye.width_ui(1, 1e-12).unwrap(), 1.0, 1e-12));
    // the DFE leaves a pre-cursor alone
    let (p, _) = per_ui(&[0.08, 1.0, h1, 0.0]);
    let eye = stat_eye(&StatEyeInputs { pulse: &p, ..dfe }).unwrap();
    assert!(close(
        eye.height_v(1, 1e-6).unwrap(),
        2.0 / 3.0 - 0.16,
        1e-9
    ));
}

#[test]
fn the_dfe_tap_limit_clips() {
    let (p, c) = per_ui(&[0.0, 1.0, 0.1, 0.0]);
    let inp = StatEyeInputs {
        dfe: DfeSpec {
            taps: 1,
            limits: Some(vec![0.05]),
        },
        ..StatEyeInputs::new(&p, c, &PAM4)
    };
    let eye = stat_eye(&inp).unwrap();
    assert!(close(eye.dfe_taps_v()[0], 0.05, 1e-15));
    // residual 0.1 − 0.05
    assert!(close(eye.height_v(0, 1e-6).unwrap(), 2.0 / 3.0 - 0.1, 1e-9));
    // a negative post-cursor clips at −limit·h0
    let (p, c) = per_ui(&[0.0, 0.5, -0.2, 0.0]);
    let eye = stat_eye(&StatEyeInputs {
        pulse: &p,
        cursor_index: c,
        ..inp
    })
    .unwrap();
    assert!(close(eye.dfe_taps_v()[0], -0.025, 1e-15));
    assert!(close(
        eye.height_v(2, 1e-6).unwrap(),
        1.0 / 3.0 - 2.0 * 0.175,
        1e-9
    ));
}

#[test]
fn dfe_taps_are_held_across_the_ui() {
    // post-cursor h1(φ) = 0.1 + 0.1·φ/M: a tap set at φ = 0 leaves 0.1·φ/M at phase φ
    let c = M + M / 2;
    let v: Vec<f64> = (0..4 * M)
        .map(|i| match i / M {
            1 => 1.0,
            2 => 0.1 + 0.1 * (i as f64 - (c + M) as f64) / M as f64,
            _ => 0.0,
        })
        .collect();
    let p = Sampled {
        ui_s: 1e-11,
        samples_per_ui: M,
        v,
    };
    let inp = StatEyeInputs {
        dfe: DfeSpec {
            taps: 1,
            limits: None,
        },
        bin_v: Some(1e-6),
        ..StatEyeInputs::new(&p, c, &PAM4)
    };
    let eye = stat_eye(&inp).unwrap();
    for (phase_ui, lo, hi) in eye.contour(1, 1e-6).unwrap() {
        let expect = 2.0 / 3.0 - 2.0 * (0.1 * phase_ui).abs();
        assert!(
            close(hi - lo, expect, 2e-6),
            "{phase_ui}: {} vs {expect}",
            hi - lo
        );
    }
}

#[test]
fn gaussian_noise_closes_by_twice_sigma_times_the_inverse_tail() {
    let sigma = 0.01;
    let (p, c) = per_ui(&[0.0, 1.0, 0.0]);
    let inp = StatEyeInputs {
        noise_rms_v: sigma,
        ..StatEyeInputs::new(&p, c, &PAM4)
    };
    let eye = stat_eye(&inp).unwrap();
    for (pr, qv) in [(1e-4, Q_1E4), (1e-12, Q_1E12), (1e-15, Q_1E15)] {
        for h in eye.heights_v(pr).unwrap() {
            let expect = 2.0 / 3.0 - 2.0 * sigma * qv;
            assert!(close(h, expect, 1e-8), "{pr}: {h} vs {expect}");
        }
    }
    // a noise of fewer bins than the kernel interpolates takes the exact path
    let small = StatEyeInputs {
        noise_rms_v: 2e-5,
        ..inp
    };
    let eye = stat_eye(&small).unwrap();
    let h = eye.height_v(0, 1e-12).unwrap();
    assert!(close(h, 2.0 / 3.0 - 4e-5 * Q_1E12, 1e-10), "{h}");
}

#[test]
fn two_cursors_give_the_enumerated_isi_distribution() {
    let (pre, post) = (0.07, 0.19);
    let (p, c) = per_ui(&[pre, 1.0, post, 0.0]);
    let eye = stat_eye(&StatEyeInputs::new(&p, c, &PAM4)).unwrap();
    let mut sums: Vec<f64> = PAM4
        .iter()
        .flat_map(|a| PAM4.iter().map(move |b| a * pre + b * post))
        .collect();
    sums.sort_by(f64::total_cmp);
    let bin = 1e-5;
    // the PMF: 16 atoms of 1/16, each within a bin of its sum
    let s = eye.isi_pmf(M / 2).unwrap();
    assert!(close(s.total(), 1.0, 1e-14));
    let atoms: Vec<(f64, f64)> = (0..s.p.len())
        .filter(|&i| s.p[i] > 0.0)
        .map(|i| (s.value_v(i), s.p[i]))
        .collect();
    assert_eq!(atoms.len(), 16);
    for ((x, pr), want) in atoms.iter().zip(&sums) {
        assert!(
            close(*x, *want, bin) && close(*pr, 1.0 / 16.0, 1e-15),
            "{x} {want}"
        );
    }
    // quantiles: the upper edge is L·h0 + the ⌈16p⌉-th smallest sum, the lower edge
    // L·h0 + the (⌊16p⌋+1)-th largest
    let cont = |pr: f64| eye.contour(1, pr).unwrap()[M / 2];
    for pr in [1e-3, 0.07, 0.1, 0.2, 0.3, 0.45] {
        let (_, lo, hi) = cont(pr);
        let k_lo = (16.0 * pr).ceil() as usize - 1;
        let k_hi = 15 - (16.0 * pr).floor() as usize;
        assert!(close(hi - 1.0 / 3.0, sums[k_lo], bin), "{pr}: {hi}");
        assert!(close(lo + 1.0 / 3.0, sums[k_hi], bin), "{pr}: {lo}");
    }
}

#[test]
fn random_jitter_converts_through_the_slope() {
    // a ramp of slope 0.4 V/UI through the cursor, nothing else
    let (h0, slope, rj) = (0.5, 0.4, 0.02);
    let (p, c) = main_ui_only(|di| h0 + slope * di / M as f64);
    let nrz = StatEyeInputs {
        rj_rms_ui: rj,
        phases: Some(&[-1, 0, 1]),
        ..StatEyeInputs::new(&p, c, &NRZ)
    };
    let eye = stat_eye(&nrz).unwrap();
    let s = eye.sigma_v()[1];
    assert!(close(s, rj * slope, 1e-15), "{s}");
    let h = eye.height_v(0, 1e-12).unwrap();
    assert!(close(h, 2.0 * h0 - 2.0 * rj * slope * Q_1E12, 1e-8), "{h}");
    // PAM4: the symbol variance 5/9 scales the slope (COM's σ_X²·Σ h_J²)
    let pam4 = stat_eye(&StatEyeInputs {
        symbol_levels: &PAM4,
        ..nrz.clone()
    })
    .unwrap();
    let s4 = pam4.sigma_v()[1];
    assert!(close(s4, rj * slope * (5.0f64 / 9.0).sqrt(), 1e-15), "{s4}");
    // dual-Dirac ±A_DD·slope (±4 mV, whole bins) with the random part:
    // the upper tail ½Q((y − a)/σ) + ½Q((y + a)/σ) = p solved by bisection
    let dd = 0.01;
    let eye = stat_eye(&StatEyeInputs {
        dj_dd_ui: dd,
        ..nrz
    })
    .unwrap();
    let (a, sg) = (dd * slope, rj * slope);
    let tail = |y: f64| 0.5 * q((y - a) / sg) + 0.5 * q((y + a) / sg);
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if tail(mid) > 1e-12 {
            lo = mid
        } else {
            hi = mid
        }
    }
    let h = eye.height_v(0, 1e-12).unwrap();
    assert!(
        close(h, 2.0 * h0 - 2.0 * lo, 1e-8),
        "{h} vs {}",
        2.0 * h0 - 2.0 * lo
    );
}

#[test]
fn width_of_a_triangular_pulse_shrinks_with_noise_as_its_closed_form() {
    // h0(φ) = 1 − 2|φ|/M and no ISI: the height (2/3)h0 − 2σq is zero at |φ|/M = (1 − 3σq)/2
    let (p, c) = main_ui_only(|di| 1.0 - 2.0 * di.abs() / M as f64);
    let mut last = 1.0;
    for sigma in [0.005, 0.01, 0.02] {
        let eye = stat_eye(&StatEyeInputs {
            noise_rms_v: sigma,
            ..StatEyeInputs::new(&p, c, &PAM4)
        })
        .unwrap();
        for e in 0..3 {
            let w = eye.width_ui(e, 1e-12).unwrap();
            let expect = 1.0 - 3.0 * sigma * Q_1E12;
            assert!(close(w, expect, 1e-8), "σ {sigma}: {w} vs {expect}");
            assert!(w < last);
        }
        last = 1.0 - 3.0 * sigma * Q_1E12;
    }
}

#[test]
fn noise_on_a_post_cursor_follows_the_half_mass_tail() {
    // NRZ with one post-cursor and noise: 2 − 2·h1 − 2σq is exact for the worst-case atom only
    // when the other atom is far away; here h1 = 0.2 and σ = 0.01 put it 40σ away
    let (p, c) = per_ui(&[0.0, 1.0, 0.2, 0.0]);
    let eye = stat_eye(&StatEyeInputs {
        noise_rms_v: 0.01,
        ..StatEyeInputs::new(&p, c, &NRZ)
    })
    .unwrap();
    // the worst atom carries half the mass: the tail is ½Q(z) = p, z = Q⁻¹(2p)
    let (mut lo, mut hi) = (0.0, 20.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if 0.5 * q(mid) > 1e-6 {
            lo = mid
        } else {
            hi = mid
        }
    }
    let h = eye.height_v(0, 1e-6).unwrap();
    assert!(close(h, 2.0 - 0.4 - 0.02 * lo, 1e-8), "{h}");
    assert!(lo < Q_1E6);
}

#[test]
fn unipolar_levels_keep_the_mean_of_the_isi_and_of_the_jitter() {
    // levels {0, 1}: a post-cursor h1 < 0 puts X at {0, h1}; upper edge h0 + h1, lower edge 0
    let (p, c) = per_ui(&[0.0, 0.8, -0.1, 0.0]);
    let eye = stat_eye(&StatEyeInputs::new(&p, c, &[0.0, 1.0])).unwrap();
    let (lo, hi) = eye.edges_v(0, M / 2, 1e-6).unwrap();
    assert!(close(lo, 0.0, 1e-12) && close(hi, 0.7, 1e-9), "{lo} {hi}");
    // jitter: E[(a·h')²] = E[a²]·s² = s²/2 with one slope
    let (pulse, c) = main_ui_only(|di| 0.5 + 0.4 * di / M as f64);
    let eye = stat_eye(&StatEyeInputs {
        rj_rms_ui: 0.02,
        ..StatEyeInputs::new(&pulse, c, &[0.0, 1.0])
    })
    .unwrap();
    let s = eye.sigma_v()[M / 2];
    assert!(close(s, 0.02 * 0.4 * 0.5f64.sqrt(), 1e-15), "{s}");
}
