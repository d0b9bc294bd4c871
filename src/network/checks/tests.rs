//! Tests of the passivity and reciprocity checks.

use super::*;
use crate::network::test_util::{Rng, c, ghz_grid, random_matrices, two_port};
use nalgebra::DMatrix;
use ndarray::Array3;
use proptest::prelude::{any, prop_assert, prop_assert_eq, proptest};
use std::f64::consts::PI;

/// The unitary DFT matrix of size n.
fn dft(n: usize) -> DMatrix<Complex64> {
    DMatrix::from_fn(n, n, |j, k| {
        Complex64::from_polar(
            1.0 / (n as f64).sqrt(),
            -2.0 * PI * (j * k) as f64 / n as f64,
        )
    })
}

fn stack(mats: &[DMatrix<Complex64>]) -> Array3<Complex64> {
    let n = mats[0].nrows();
    Array3::from_shape_fn((mats.len(), n, n), |(k, i, j)| mats[k][(i, j)])
}

/// Independent reference: nalgebra's full SVD of every frequency.
fn svd_max(s: &Array3<Complex64>) -> Vec<f64> {
    let (nf, n, _) = s.dim();
    (0..nf)
        .map(|k| {
            let m = DMatrix::from_fn(n, n, |i, j| s[[k, i, j]]);
            m.svd(false, false).singular_values.max()
        })
        .collect()
}

#[test]
fn lossless_unitary_matrices_have_sigma_one() {
    for n in [1, 2, 3, 4, 8, 16] {
        let u = dft(n);
        let s = stack(&vec![u; 5]);
        let r = passivity(ghz_grid(5).view(), s.view(), 1e-9).expect("passivity");
        assert!(
            (r.max_singular_value - 1.0).abs() < 1e-12,
            "n={n}: {}",
            r.max_singular_value
        );
        assert!(r.passive);
    }
}

#[test]
fn known_singular_value_is_found_at_its_frequency() {
    // S_k = U diag(σ) V with U, V unitary; σ = (1.2, 0.3) at index 7, (0.9, 0.5) elsewhere.
    let u = dft(2);
    let v = DMatrix::from_row_slice(2, 2, &[c(0.6, 0.0), c(0.0, 0.8), c(0.0, 0.8), c(0.6, 0.0)]);
    let mats: Vec<_> = (0..20)
        .map(|k| {
            let sig = if k == 7 { [1.2, 0.3] } else { [0.9, 0.5] };
            let d = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![
                c(sig[0], 0.0),
                c(sig[1], 0.0),
            ]));
            &u * d * &v
        })
        .collect();
    let f = ghz_grid(20);
    let r = passivity(f.view(), stack(&mats).view(), 1e-6).expect("passivity");
    assert!((r.max_singular_value - 1.2).abs() < 1e-12);
    assert_eq!(r.worst_index, 7);
    assert_eq!(r.worst_frequency_hz, f[7]);
    assert!(!r.passive);
    // Plain diagonal too (where the norm bound is exact).
    let diag = two_port(20, |k| {
        let a = if k == 13 { 1.2 } else { 0.4 };
        [c(a, 0.0), c(0.0, 0.0), c(0.0, 0.0), c(0.3, 0.0)]
    });
    let r = passivity(f.view(), diag.view(), 1e-6).expect("passivity");
    assert_eq!((r.worst_index, r.max_singular_value), (13, 1.2));
}

#[test]
fn large_inputs_take_the_parallel_path_and_agree_with_svd() {
    let mut rng = Rng::new(31);
    for (nf, n) in [(20_000, 4), (600, 16)] {
        let s = random_matrices(&mut rng, nf, n, 0.3);
        let f = Array1::linspace(1e6, 1e10, nf);
        let r = passivity(f.view(), s.view(), 0.0).expect("passivity");
        let exact = svd_max(&s);
        let best = exact.iter().cloned().fold(0.0, f64::max);
        assert!(
            (r.max_singular_value - best).abs() <= 1e-12 * best,
            "{nf}x{n}"
        );
        assert!((exact[r.worst_index] - best).abs() <= 1e-12 * best);
        let per = max_singular_values(s.view()).expect("exact");
        assert!(
            per.iter()
                .zip(&exact)
                .all(|(a, b)| (a - b).abs() <= 1e-12 * b)
        );
    }
}

proptest! {
    #[test]
    fn bounded_scan_agrees_with_exact_svd(
        n in 1usize..7,
        nf in 1usize..40,
        scale in 0.01f64..2.0,
        seed in any::<u64>(),
    ) {
        let mut rng = Rng::new(seed);
        let s = random_matrices(&mut rng, nf, n, scale);
        let r = passivity(ghz_grid(nf).view(), s.view(), 1e-6).expect("passivity");
        let exact = svd_max(&s);
        let best = exact.iter().cloned().fold(0.0, f64::max);
        prop_assert!((r.max_singular_value - best).abs() <= 1e-12 * best);
        prop_assert!((exact[r.worst_index] - best).abs() <= 1e-12 * best);
        prop_assert_eq!(r.passive, r.max_singular_value <= 1.0 + 1e-6);
    }
}

#[test]
fn network_passivity_uses_power_waves_for_complex_references() {
    // A capacitor (Z = −50j) seen with z0 = 50 + 50j: lossless, so |S| = 1 in power waves,
    // but the pseudo-wave reflection is (Z − z0)/(Z + z0) = −1 − 2j.
    let z0 = ndarray::Array2::from_elem((1, 1), c(50.0, 50.0));
    let s = Array3::from_elem((1, 1, 1), c(-1.0, -2.0));
    let net = Network::new(ghz_grid(1), s.clone(), z0, WaveDef::Pseudo).expect("net");
    let r = net.passivity().expect("passivity");
    assert!(
        (r.max_singular_value - 1.0).abs() < 1e-12,
        "{}",
        r.max_singular_value
    );
    let raw = passivity(ghz_grid(1).view(), s.view(), 0.0).expect("raw");
    assert!((raw.max_singular_value - 5f64.sqrt()).abs() < 1e-12);
}

#[test]
fn reciprocity_reports_the_worst_frequency_and_pair() {
    let mut rng = Rng::new(32);
    let mut s = random_matrices(&mut rng, 10, 4, 0.5);
    for k in 0..10 {
        for i in 0..4 {
            for j in 0..i {
                s[[k, i, j]] = s[[k, j, i]];
            }
        }
    }
    s[[2, 0, 1]] += c(0.05, 0.0);
    s[[5, 3, 1]] += c(0.0, -0.1);
    let f = ghz_grid(10);
    let r = reciprocity(f.view(), s.view(), 1e-6).expect("reciprocity");
    assert!((r.max_asymmetry - 0.1).abs() < 1e-12);
    assert_eq!(r.worst_index, 5);
    assert_eq!(r.worst_frequency_hz, f[5]);
    assert_eq!(r.worst_pair, (1, 3));
    assert!((r.per_frequency[2] - 0.05).abs() < 1e-12);
    assert_eq!(r.per_frequency[0], 0.0);
    assert!(!r.reciprocal);
}

#[test]
fn bad_inputs_are_errors() {
    let f = ghz_grid(3);
    let mut s = Array3::<Complex64>::zeros((3, 2, 2));
    assert!(passivity(f.view(), s.view(), -1.0).is_err());
    assert!(passivity(ghz_grid(2).view(), s.view(), 0.0).is_err());
    assert!(reciprocity(ghz_grid(2).view(), s.view(), 0.0).is_err());
    s[[1, 0, 1]] = c(f64::NAN, 0.0);
    assert!(passivity(f.view(), s.view(), 0.0).is_err());
    assert!(reciprocity(f.view(), s.view(), 0.0).is_err());
    assert!(max_singular_values(s.view()).is_err());
    let empty = Array3::<Complex64>::zeros((0, 2, 2));
    assert!(passivity(ghz_grid(0).view(), empty.view(), 0.0).is_err());
}

/// A realistic 2N-port: N lossy lines (loss growing with frequency), small reflections and
/// crosstalk. Left ports 0..N, right N..2N.
fn channel(nf: usize, n_lines: usize) -> (Array1<f64>, Array3<Complex64>) {
    let f = Array1::linspace(10e6, 50e9, nf);
    let n = 2 * n_lines;
    let s = Array3::from_shape_fn((nf, n, n), |(k, i, j)| {
        let x = f[k] / 1e9;
        let delay = Complex64::new(0.0, -2.0 * PI * x * 0.8).exp();
        let loss = (-0.02 * x - 0.01 * x.sqrt()).exp();
        let (li, lj) = (i % n_lines, j % n_lines);
        let same_side = (i < n_lines) == (j < n_lines);
        if !same_side && li == lj {
            delay * loss
        } else if i == j {
            Complex64::new(0.0, 0.05 * x.sqrt()).exp() * 0.05
        } else {
            delay * loss * 0.01 / (1.0 + (li as f64 - lj as f64).abs())
        }
    });
    (f, s)
}

#[test]
#[ignore = "timing; run with --release --ignored --nocapture"]
fn passivity_speed() {
    for (nf, lines) in [(100_000, 2), (10_000, 8)] {
        let (f, s) = channel(nf, lines);
        let t = std::time::Instant::now();
        let reps = 20;
        let mut r = None;
        for _ in 0..reps {
            r = Some(passivity(f.view(), s.view(), 1e-6).expect("passivity"));
        }
        let per = t.elapsed() / reps;
        let t = std::time::Instant::now();
        let exact = max_singular_values(s.view()).expect("exact");
        let full = t.elapsed();
        let r = r.expect("ran");
        let best = exact.iter().cloned().fold(0.0, f64::max);
        println!(
            "{nf} x {}-port: passivity {per:?} (exact everywhere {full:?}); σmax {} at {} (exact {best})",
            2 * lines,
            r.max_singular_value,
            r.worst_index
        );
        let t = std::time::Instant::now();
        let rec = reciprocity(f.view(), s.view(), 1e-6).expect("reciprocity");
        println!(
            "   reciprocity {:?} (max {})",
            t.elapsed(),
            rec.max_asymmetry
        );
    }
}
