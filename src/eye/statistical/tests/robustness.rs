//! Bad arguments are errors, and properties over random pulses: the PMF sums to 1 and the
//! heights shrink as the probability falls.

use super::*;
use proptest::prelude::*;

#[test]
fn bad_arguments_are_errors() {
    let (p, c) = per_ui(&[0.0, 1.0, 0.1, 0.0]);
    let ok = StatEyeInputs::new(&p, c, &PAM4);
    let empty = Sampled {
        ui_s: 1e-11,
        samples_per_ui: M,
        v: vec![],
    };
    let nan = Sampled {
        v: vec![f64::NAN; 3 * M],
        ..p.clone()
    };
    let bad = [
        StatEyeInputs::new(&empty, 0, &PAM4),
        StatEyeInputs::new(&nan, c, &PAM4),
        StatEyeInputs::new(&p, 10 * M, &PAM4),
        StatEyeInputs::new(&p, 0, &PAM4), // h0 = 0
        StatEyeInputs::new(&p, c, &[1.0, -1.0]),
        StatEyeInputs::new(&p, c, &[1.0]),
        StatEyeInputs {
            noise_rms_v: -1e-3,
            ..ok.clone()
        },
        StatEyeInputs {
            rj_rms_ui: f64::INFINITY,
            ..ok.clone()
        },
        StatEyeInputs {
            bin_v: Some(0.0),
            ..ok.clone()
        },
        StatEyeInputs {
            dfe: DfeSpec {
                taps: 2,
                limits: Some(vec![0.5]),
            },
            ..ok.clone()
        },
        StatEyeInputs {
            dfe: DfeSpec {
                taps: MAX_DFE_TAPS + 1,
                limits: None,
            },
            ..ok.clone()
        },
        StatEyeInputs {
            phases: Some(&[-1, 1]),
            ..ok.clone()
        },
        StatEyeInputs {
            phases: Some(&[0, 2 * M as i64]),
            ..ok.clone()
        },
        // 0.1 V of ISI in 1 nV bins: 2e8 bins
        StatEyeInputs {
            bin_v: Some(1e-9),
            ..ok.clone()
        },
        // noise of 1 V in 10 µV bins
        StatEyeInputs {
            noise_rms_v: 1.0,
            ..ok.clone()
        },
    ];
    for (i, inp) in bad.iter().enumerate() {
        assert!(stat_eye(inp).is_err(), "case {i}");
    }
    let eye = stat_eye(&ok).unwrap();
    assert!(eye.height_v(3, 1e-6).is_err());
    assert!(eye.height_v(0, 0.0).is_err());
    assert!(eye.height_v(0, 0.7).is_err());
    assert!(eye.height_v(0, f64::NAN).is_err());
    assert!(eye.width_ui(0, 1e-30).is_err());
    assert!(eye.vertical_bathtub(5).is_err());
    assert!(eye.isi_pmf(M).is_err());
    assert!(eye.edges_v(0, M, 1e-6).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn pmf_sums_to_one_and_heights_are_monotone_in_p(
        cursors in proptest::collection::vec(-0.2f64..0.2, 2..8),
        sigma in prop_oneof![Just(0.0), 0.0f64..0.03],
        pam4 in any::<bool>(),
    ) {
        let m = 4;
        let mut v = vec![0.0; m];
        v.extend(std::iter::repeat_n(1.0, m));
        for &x in &cursors {
            v.extend(std::iter::repeat_n(x, m));
        }
        let p = Sampled { ui_s: 1e-11, samples_per_ui: m, v };
        let levels: &[f64] = if pam4 { &PAM4 } else { &NRZ };
        let eye = stat_eye(&StatEyeInputs {
            noise_rms_v: sigma,
            bin_v: Some(1e-4),
            ..StatEyeInputs::new(&p, m + m / 2, levels)
        })
        .unwrap();
        for i in 0..m {
            let t = eye.isi_pmf(i).unwrap().total();
            prop_assert!((t - 1.0).abs() < 1e-12, "{}", t);
        }
        for e in 0..eye.eyes() {
            let mut last = f64::INFINITY;
            for pr in [0.5, 0.3, 0.1, 1e-2, 1e-4, 1e-8, 1e-12, 1e-15, 1e-20] {
                let h = eye.height_v(e, pr).unwrap();
                prop_assert!(h <= last + 1e-12, "{} at {}: {} > {}", e, pr, h, last);
                last = h;
            }
        }
    }
}
