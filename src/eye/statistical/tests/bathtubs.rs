//! The bathtubs against Gaussian tails: vertical and horizontal, and their agreement with the
//! eye's edges.

use super::*;

#[test]
fn bathtubs_agree_with_the_gaussian_tail_and_with_the_edges() {
    let sigma = 0.05;
    let (p, c) = per_ui(&[0.0, 1.0, 0.0]);
    let eye = stat_eye(&StatEyeInputs {
        noise_rms_v: sigma,
        ..StatEyeInputs::new(&p, c, &PAM4)
    })
    .unwrap();
    // at the centre of the middle eye, each level is 1/3 away: Q(1/(3σ)) = 1.30839e-11 (mpmath)
    let centre = 1.308_392_468_605_302_5e-11;
    for (_, pr) in eye.horizontal_bathtub(1).unwrap() {
        assert!(close(pr / centre, 1.0, 1e-6), "{pr}");
    }
    let vb = eye.vertical_bathtub(1).unwrap();
    assert_eq!(vb.len(), BATHTUB_POINTS);
    let (y, pr) = vb[vb.len() / 2];
    assert!(
        close(y, 0.0, 1e-15) && close(pr / centre, 1.0, 1e-6),
        "{y} {pr}"
    );
    // open exactly between the edges
    let (lo, hi) = eye.edges_v(1, M / 2, 1e-6).unwrap();
    for &(y, pr) in &vb {
        if y < lo - 1e-6 || y > hi + 1e-6 {
            assert!(pr > 1e-6, "{y} {pr}");
        } else if y > lo + 1e-6 && y < hi - 1e-6 {
            assert!(pr < 1e-6, "{y} {pr}");
        }
        // the closed form: max of the two one-sided Gaussian tails
        let expect = q((y + 1.0 / 3.0) / sigma).max(q((1.0 / 3.0 - y) / sigma));
        assert!(close(pr / expect, 1.0, 1e-6), "{y}: {pr} vs {expect}");
    }
    // a triangular pulse: p*(φ) = Q(h0(φ)/(3σ)) where that is above 1e-20
    let sigma = 0.02;
    let (p, c) = main_ui_only(|di| 1.0 - 2.0 * di.abs() / M as f64);
    let eye = stat_eye(&StatEyeInputs {
        noise_rms_v: sigma,
        ..StatEyeInputs::new(&p, c, &PAM4)
    })
    .unwrap();
    for (phase, pr) in eye.horizontal_bathtub(0).unwrap() {
        let expect = q((1.0 - 2.0 * phase.abs()) / (3.0 * sigma));
        if expect > 1e-20 {
            assert!(close(pr / expect, 1.0, 1e-3), "{phase}: {pr} vs {expect}");
        }
    }
    // no noise: an open eye never errs
    let (p, c) = per_ui(&[0.0, 1.0, 0.0]);
    let eye = stat_eye(&StatEyeInputs::new(&p, c, &PAM4)).unwrap();
    assert!(
        eye.horizontal_bathtub(2)
            .unwrap()
            .iter()
            .all(|&(_, pr)| pr == 0.0)
    );
}
