//! Tests of cascading against closed forms.

use super::*;
use crate::error::ErrorKind;
use crate::network::interp::{DcFill, Interpolation, extrapolate_to_dc};
use crate::network::mixed_mode::PortPairing;
use crate::network::params::s2z;
use crate::network::test_util::*;

/// A 4-port made of two uncoupled two-ports: `p` from port 0 to 2, `q` from port 1 to 3.
fn pair_of_two_ports(
    nf: usize,
    p: impl Fn(usize) -> [Complex64; 4],
    q: impl Fn(usize) -> [Complex64; 4],
) -> Array3<Complex64> {
    let mut s = Array3::zeros((nf, 4, 4));
    for k in 0..nf {
        let (p, q) = (p(k), q(k));
        for (m, (x, y)) in [(p, (0, 2)), (q, (1, 3))] {
            s[[k, x, x]] = m[0];
            s[[k, x, y]] = m[1];
            s[[k, y, x]] = m[2];
            s[[k, y, y]] = m[3];
        }
    }
    s
}

fn thru(_: usize) -> [Complex64; 4] {
    [ZERO, ONE, ONE, ZERO]
}

/// Lossy line: γ = α + jβ growing with frequency index.
fn gamma(k: usize, length: f64) -> Complex64 {
    c(0.3 + 0.05 * k as f64, 2.0 + 1.7 * k as f64) * length
}

#[test]
fn two_four_port_thrus_give_a_thru() {
    let t = pair_of_two_ports(3, thru, thru);
    let out = cascade_s(t.view(), t.view()).expect("cascade");
    assert!(max_abs_diff(out.view(), t.view()) < 1e-15);
}

#[test]
fn cascading_with_a_thru_is_identity() {
    let mut rng = Rng::new(11);
    for n in [2, 4, 6] {
        let s = random_matrices(&mut rng, 5, n, 0.4);
        let mut t = Array3::zeros((5, n, n));
        let h = n / 2;
        for k in 0..5 {
            for i in 0..h {
                t[[k, i, i + h]] = ONE;
                t[[k, i + h, i]] = ONE;
            }
        }
        let right = cascade_s(s.view(), t.view()).expect("s then thru");
        let left = cascade_s(t.view(), s.view()).expect("thru then s");
        assert!(max_abs_diff(right.view(), s.view()) < 1e-15, "n={n}");
        assert!(max_abs_diff(left.view(), s.view()) < 1e-15, "n={n}");
    }
}

#[test]
fn lossy_lines_add_their_lengths() {
    let zc = c(35.0, -4.0);
    let line = |len: f64| move |k: usize| abcd_to_s(line_abcd(gamma(k, len), zc), 50.0);
    let nf = 8;
    let a = two_port(nf, line(0.3));
    let b = two_port(nf, line(0.45));
    let ab = two_port(nf, line(0.75));
    let out = cascade_s(a.view(), b.view()).expect("2-port cascade");
    assert!(max_abs_diff(out.view(), ab.view()) < 1e-12);
    // The same as a 4-port of two different lines (block path).
    let zc2 = c(70.0, 3.0);
    let line2 = |len: f64| move |k: usize| abcd_to_s(line_abcd(gamma(k, len) * 1.3, zc2), 50.0);
    let a4 = pair_of_two_ports(nf, line(0.3), line2(0.2));
    let b4 = pair_of_two_ports(nf, line(0.45), line2(0.6));
    let ab4 = pair_of_two_ports(nf, line(0.75), line2(0.8));
    let out4 = cascade_s(a4.view(), b4.view()).expect("4-port cascade");
    assert!(max_abs_diff(out4.view(), ab4.view()) < 1e-12);
}

#[test]
fn network_cascade_with_complex_and_differing_references_matches_abcd() {
    // Independent reference: convert each two-port to Z (power waves), then ABCD, multiply, and
    // back to S at references [a port 1, b port 2].
    let mut rng = Rng::new(12);
    let nf = 6;
    let f = ghz_grid(nf);
    for wave in [WaveDef::Power, WaveDef::Pseudo, WaveDef::Traveling] {
        let a = Network::new(
            f.clone(),
            random_matrices(&mut rng, nf, 2, 0.4),
            random_complex_z0(&mut rng, nf, 2),
            wave,
        )
        .expect("a");
        let b = Network::new(
            f.clone(),
            random_matrices(&mut rng, nf, 2, 0.4),
            random_complex_z0(&mut rng, nf, 2),
            WaveDef::Power,
        )
        .expect("b");
        let out = cascade(&a, &b).expect("cascade");
        let za = a.z().expect("za");
        let zb = b.z().expect("zb");
        let z = two_port(nf, |k| {
            abcd_to_z(abcd_mul(z_to_abcd(at2(&za, k)), z_to_abcd(at2(&zb, k))))
        });
        let z_out = s2z(out.s.view(), out.z0.view(), out.wave).expect("z out");
        assert!(max_rel_diff(z_out.view(), z.view()) < 1e-12, "{wave:?}");
        assert_eq!(out.wave, wave);
        for k in 0..nf {
            assert_eq!(out.z0[[k, 0]], a.z0[[k, 0]]);
            assert_eq!(out.z0[[k, 1]], b.z0[[k, 1]]);
        }
    }
}

#[test]
fn network_cascade_checks_grids_and_ports() {
    let f = ghz_grid(3);
    let t = two_port(3, thru);
    let a = Network::with_uniform_z0(f.clone(), t.clone(), 50.0).expect("a");
    let mut f2 = f.clone();
    f2[2] += 1.0;
    let b = Network::with_uniform_z0(f2, t.clone(), 50.0).expect("b");
    assert!(matches!(
        cascade(&a, &b).map_err(|e| e.into_kind()),
        Err(ErrorKind::InvalidArgument(_))
    ));
    let three = Network::with_uniform_z0(f.clone(), Array3::zeros((3, 3, 3)), 50.0).expect("3");
    assert!(cascade(&three, &three).is_err());
    let four =
        Network::with_uniform_z0(f.clone(), pair_of_two_ports(3, thru, thru), 50.0).expect("4");
    assert!(cascade(&a, &four).is_err());
    // Open facing open: no solution.
    let open =
        Network::with_uniform_z0(f, two_port(3, |_| [ONE, ZERO, ZERO, ONE]), 50.0).expect("open");
    assert!(matches!(
        cascade(&open, &open).map_err(|e| e.into_kind()),
        Err(ErrorKind::Singular { .. })
    ));
    let ok = cascade(&a, &a).expect("thru thru");
    assert!(max_abs_diff(ok.s.view(), t.view()) < 1e-15);
}

#[test]
fn subnetwork_picks_ports_in_order() {
    let mut rng = Rng::new(13);
    let s = random_matrices(&mut rng, 2, 4, 0.5);
    let mut net = Network::new(
        ghz_grid(2),
        s.clone(),
        random_complex_z0(&mut rng, 2, 4),
        WaveDef::Power,
    )
    .expect("net");
    net.port_names = Some(["a", "b", "c", "d"].map(String::from).to_vec());
    let sub = net.subnetwork(&[3, 1]).expect("sub");
    assert_eq!(sub.nports(), 2);
    assert_eq!(sub.s[[1, 0, 1]], s[[1, 3, 1]]);
    assert_eq!(sub.s[[0, 1, 0]], s[[0, 1, 3]]);
    assert_eq!(sub.z0[[1, 0]], net.z0[[1, 3]]);
    assert_eq!(sub.port_names, Some(vec!["d".to_string(), "b".to_string()]));
    assert!(net.subnetwork(&[]).is_err());
    assert!(net.subnetwork(&[4]).is_err());
    assert!(net.subnetwork(&[1, 1]).is_err());
}

#[test]
fn inconsistent_networks_are_errors_not_panics() {
    let t = two_port(2, thru);
    let good = Network::with_uniform_z0(ghz_grid(2), t, 50.0).expect("net");
    let mut narrow_z0 = good.clone();
    narrow_z0.z0 = ndarray::Array2::zeros((2, 1));
    let mut short_f = good.clone();
    short_f.frequency_hz = ghz_grid(1);
    for bad in [&narrow_z0, &short_f] {
        assert!(cascade(bad, &good).is_err());
        assert!(cascade(&good, bad).is_err());
        assert!(bad.subnetwork(&[1]).is_err());
        assert!(bad.to_mixed_mode(&PortPairing::Sequential).is_err());
        assert!(
            bad.interpolate(ghz_grid(1).view(), Interpolation::Linear)
                .is_err()
        );
        assert!(extrapolate_to_dc(bad, DcFill::PointOnly).is_err());
        assert!(bad.passivity().is_err());
        assert!(bad.reciprocity().is_err());
        assert!(
            bad.renormalised_uniform(c(75.0, 0.0), WaveDef::Power)
                .is_err()
        );
        assert!(bad.z().is_err());
    }
}
