//! Tests of the parameter conversions against round trips and closed forms.

use super::*;
use crate::error::ErrorKind;
use crate::network::test_util::*;
use ndarray::Array2;

const WAVES: [WaveDef; 3] = [WaveDef::Power, WaveDef::Pseudo, WaveDef::Traveling];

fn is_singular<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(
        r.map_err(|e| e.into_kind()),
        Err(ErrorKind::Singular { .. })
    )
}

fn is_invalid<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(
        r.map_err(|e| e.into_kind()),
        Err(ErrorKind::InvalidArgument(_))
    )
}

#[test]
fn s_z_y_round_trips_with_complex_z0_for_every_wave() {
    let mut rng = Rng::new(1);
    for n in [1, 2, 3, 4, 6] {
        let s = random_matrices(&mut rng, 20, n, 0.4);
        let z0 = random_complex_z0(&mut rng, 20, n);
        for wave in WAVES {
            let z = s2z(s.view(), z0.view(), wave).expect("s2z");
            let y = s2y(s.view(), z0.view(), wave).expect("s2y");
            let s_from_z = z2s(z.view(), z0.view(), wave).expect("z2s");
            let s_from_y = y2s(y.view(), z0.view(), wave).expect("y2s");
            assert!(
                max_abs_diff(s_from_z.view(), s.view()) < 1e-12,
                "{wave:?} n={n}"
            );
            assert!(
                max_abs_diff(s_from_y.view(), s.view()) < 1e-12,
                "{wave:?} n={n}"
            );
            let y_from_z = z2y(z.view()).expect("z2y");
            assert!(
                max_rel_diff(y_from_z.view(), y.view()) < 1e-12,
                "{wave:?} n={n}"
            );
            let z_back = y2z(y_from_z.view()).expect("y2z");
            assert!(
                max_rel_diff(z_back.view(), z.view()) < 1e-12,
                "{wave:?} n={n}"
            );
        }
    }
}

#[test]
fn one_port_closed_forms_for_each_wave() {
    // One port: S = (Z − r) / (Z + z0); k cancels.
    let z0 = Array2::from_elem((1, 1), c(30.0, 20.0));
    let zl = c(10.0, -45.0);
    let z = Array3::from_elem((1, 1, 1), zl);
    let power = z2s(z.view(), z0.view(), WaveDef::Power).expect("power");
    let pseudo = z2s(z.view(), z0.view(), WaveDef::Pseudo).expect("pseudo");
    let travel = z2s(z.view(), z0.view(), WaveDef::Traveling).expect("traveling");
    let zr = z0[[0, 0]];
    assert!((power[[0, 0, 0]] - (zl - zr.conj()) / (zl + zr)).norm() < 1e-15);
    assert!((pseudo[[0, 0, 0]] - (zl - zr) / (zl + zr)).norm() < 1e-15);
    assert!((travel[[0, 0, 0]] - (zl - zr) / (zl + zr)).norm() < 1e-15);
}

#[test]
fn matched_load_reflects_nothing() {
    // Power waves match the conjugate of the reference; pseudo and travelling waves the
    // reference itself.
    let zr = c(40.0, 25.0);
    let z0 = Array2::from_elem((1, 1), zr);
    let conj = Array3::from_elem((1, 1, 1), zr.conj());
    let same = Array3::from_elem((1, 1, 1), zr);
    let p = z2s(conj.view(), z0.view(), WaveDef::Power).expect("power");
    assert!(p[[0, 0, 0]].norm() < 1e-15);
    for wave in [WaveDef::Pseudo, WaveDef::Traveling] {
        let s = z2s(same.view(), z0.view(), wave).expect("z2s");
        assert!(s[[0, 0, 0]].norm() < 1e-15, "{wave:?}");
    }
    let p_same = z2s(same.view(), z0.view(), WaveDef::Power).expect("power");
    assert!(p_same[[0, 0, 0]].norm() > 0.1);
    // And back: a zero S is the matched impedance.
    let zero = Array3::zeros((1, 1, 1));
    let zp = s2z(zero.view(), z0.view(), WaveDef::Power).expect("s2z");
    assert!((zp[[0, 0, 0]] - zr.conj()).norm() < 1e-13);
}

/// Series impedance `zs` between two 50-ohm ports: Y = (1/zs)[[1, −1], [−1, 1]].
fn series_y(nf: usize, zs: Complex64) -> Array3<Complex64> {
    let y = 1.0 / zs;
    two_port(nf, |_| [y, -y, -y, y])
}

#[test]
fn series_impedance_closed_form() {
    let zs = c(30.0, 40.0);
    let z0 = uniform_z0(3, 2, 50.0);
    let s11 = zs / (zs + 100.0);
    let s21 = 100.0 / (zs + 100.0);
    let expected = two_port(3, |_| [s11, s21, s21, s11]);
    for wave in WAVES {
        let s = y2s(series_y(3, zs).view(), z0.view(), wave).expect("y2s");
        assert!(max_abs_diff(s.view(), expected.view()) < 1e-15, "{wave:?}");
        let y = s2y(expected.view(), z0.view(), wave).expect("s2y");
        assert!(max_abs_diff(y.view(), series_y(3, zs).view()) < 1e-15);
        // A series element has no Z matrix.
        assert!(is_singular(s2z(expected.view(), z0.view(), wave)));
    }
}

#[test]
fn shunt_admittance_closed_form() {
    // Shunt admittance ys across a 50-ohm line: Z = (1/ys) [[1, 1], [1, 1]];
    // S11 = −ys z0 / (2 + ys z0), S21 = 2 / (2 + ys z0).
    let ys = c(0.01, -0.02);
    let zz = 1.0 / ys;
    let z = two_port(2, |_| [zz, zz, zz, zz]);
    let z0 = uniform_z0(2, 2, 50.0);
    let s11 = -ys * 50.0 / (2.0 + ys * 50.0);
    let s21 = 2.0 / (2.0 + ys * 50.0);
    let expected = two_port(2, |_| [s11, s21, s21, s11]);
    for wave in WAVES {
        let s = z2s(z.view(), z0.view(), wave).expect("z2s");
        assert!(max_abs_diff(s.view(), expected.view()) < 1e-15, "{wave:?}");
        assert!(is_singular(s2y(expected.view(), z0.view(), wave)));
    }
}

#[test]
fn ideal_thru_has_neither_z_nor_y() {
    let thru = two_port(1, |_| [ZERO, ONE, ONE, ZERO]);
    let z0 = uniform_z0(1, 2, 50.0);
    assert!(is_singular(s2z(thru.view(), z0.view(), WaveDef::Power)));
    assert!(is_singular(s2y(thru.view(), z0.view(), WaveDef::Power)));
}

#[test]
fn bad_shapes_and_references_are_errors() {
    let s = Array3::<Complex64>::zeros((3, 2, 3));
    let z0 = uniform_z0(3, 2, 50.0);
    assert!(is_invalid(s2z(s.view(), z0.view(), WaveDef::Power)));
    let s = Array3::<Complex64>::zeros((3, 2, 2));
    let wrong_z0 = uniform_z0(2, 2, 50.0);
    assert!(is_invalid(z2s(s.view(), wrong_z0.view(), WaveDef::Power)));
    let negative = uniform_z0(3, 2, -50.0);
    assert!(is_invalid(s2z(s.view(), negative.view(), WaveDef::Power)));
    assert!(is_invalid(s2z(s.view(), negative.view(), WaveDef::Pseudo)));
    let zero = uniform_z0(3, 2, 0.0);
    assert!(is_invalid(s2z(s.view(), zero.view(), WaveDef::Traveling)));
    let s3 = Array3::<Complex64>::zeros((3, 3, 3));
    assert!(is_invalid(z2h(s3.view())));
    assert!(is_invalid(s2h(
        s3.view(),
        uniform_z0(3, 3, 50.0).view(),
        WaveDef::Power
    )));
}

#[test]
fn renormalise_there_and_back_is_identity() {
    let mut rng = Rng::new(2);
    let s = random_matrices(&mut rng, 10, 3, 0.5);
    let z0a = random_complex_z0(&mut rng, 10, 3);
    let z0b = random_complex_z0(&mut rng, 10, 3);
    for wave in WAVES {
        let there = renormalise_s(s.view(), z0a.view(), z0b.view(), wave).expect("there");
        let back = renormalise_s(there.view(), z0b.view(), z0a.view(), wave).expect("back");
        assert!(max_abs_diff(back.view(), s.view()) < 1e-12, "{wave:?}");
    }
}

#[test]
fn renormalise_agrees_with_the_route_via_z() {
    let mut rng = Rng::new(3);
    let s = random_matrices(&mut rng, 10, 4, 0.4);
    let z0a = random_complex_z0(&mut rng, 10, 4);
    let z0b = random_complex_z0(&mut rng, 10, 4);
    for wave in WAVES {
        let direct = renormalise_s(s.view(), z0a.view(), z0b.view(), wave).expect("direct");
        let z = s2z(s.view(), z0a.view(), wave).expect("s2z");
        let via_z = z2s(z.view(), z0b.view(), wave).expect("z2s");
        assert!(
            max_abs_diff(direct.view(), via_z.view()) < 1e-12,
            "{wave:?}"
        );
    }
}

#[test]
fn power_and_pseudo_renormalisation_differ_only_for_complex_references() {
    let mut rng = Rng::new(4);
    let s = random_matrices(&mut rng, 5, 2, 0.5);
    let z50 = uniform_z0(5, 2, 50.0);
    let real_new = uniform_z0(5, 2, 75.0);
    let complex_new = Array2::from_elem((5, 2), c(75.0, -20.0));
    let p = renormalise_s(s.view(), z50.view(), real_new.view(), WaveDef::Power).expect("p");
    let q = renormalise_s(s.view(), z50.view(), real_new.view(), WaveDef::Pseudo).expect("q");
    assert!(max_abs_diff(p.view(), q.view()) < 1e-14);
    let p = renormalise_s(s.view(), z50.view(), complex_new.view(), WaveDef::Power).expect("p");
    let q = renormalise_s(s.view(), z50.view(), complex_new.view(), WaveDef::Pseudo).expect("q");
    assert!(max_abs_diff(p.view(), q.view()) > 1e-3);
}

#[test]
fn renormalising_a_thru_works_without_z() {
    let thru = two_port(1, |_| [ZERO, ONE, ONE, ZERO]);
    let z50 = uniform_z0(1, 2, 50.0);
    let z75 = uniform_z0(1, 2, 75.0);
    let still_thru = renormalise_s(thru.view(), z50.view(), z75.view(), WaveDef::Power)
        .expect("thru renormalises");
    assert!(max_abs_diff(still_thru.view(), thru.view()) < 1e-15);
    // A thru between a 50-ohm and a 75-ohm port: S11 = 0.2, S21 = 2√(50·75)/125.
    let mixed = Array2::from_shape_vec((1, 2), vec![c(50.0, 0.0), c(75.0, 0.0)]).expect("z0");
    let step = renormalise_s(thru.view(), z50.view(), mixed.view(), WaveDef::Power).expect("step");
    let t = 2.0 * (50.0f64 * 75.0).sqrt() / 125.0;
    let expected = two_port(1, |_| [c(0.2, 0.0), c(t, 0.0), c(t, 0.0), c(-0.2, 0.0)]);
    assert!(max_abs_diff(step.view(), expected.view()) < 1e-15);
}

#[test]
fn convert_wave_matches_the_route_via_z_and_is_identity_for_real_z0() {
    let mut rng = Rng::new(5);
    let s = random_matrices(&mut rng, 6, 3, 0.4);
    let z0 = random_complex_z0(&mut rng, 6, 3);
    for from in WAVES {
        for to in WAVES {
            let direct = convert_wave(s.view(), z0.view(), from, to).expect("convert");
            let z = s2z(s.view(), z0.view(), from).expect("s2z");
            let via_z = z2s(z.view(), z0.view(), to).expect("z2s");
            assert!(
                max_abs_diff(direct.view(), via_z.view()) < 1e-12,
                "{from:?}->{to:?}"
            );
            let real =
                convert_wave(s.view(), uniform_z0(6, 3, 50.0).view(), from, to).expect("real");
            assert_eq!(real, s);
        }
    }
}

#[test]
fn h_and_g_of_series_impedance_and_shunt_admittance() {
    let zs = c(30.0, 40.0);
    let ys = c(0.01, -0.02);
    let z0 = uniform_z0(1, 2, 50.0);
    // Series zs: V1 = zs I1 + V2, I2 = −I1.
    let h_series = two_port(1, |_| [zs, ONE, -ONE, ZERO]);
    let g_series = two_port(1, |_| [ZERO, -ONE, ONE, zs]);
    let (a, b) = (zs / (zs + 100.0), 100.0 / (zs + 100.0));
    let s_series = two_port(1, |_| [a, b, b, a]);
    // Shunt ys: V1 = V2, I1 + I2 = ys V2.
    let h_shunt = two_port(1, |_| [ZERO, ONE, -ONE, ys]);
    let g_shunt = two_port(1, |_| [ys, -ONE, ONE, ZERO]);
    let (a, b) = (-ys * 50.0 / (2.0 + ys * 50.0), 2.0 / (2.0 + ys * 50.0));
    let s_shunt = two_port(1, |_| [a, b, b, a]);
    for wave in WAVES {
        for (h, g, s) in [
            (&h_series, &g_series, &s_series),
            (&h_shunt, &g_shunt, &s_shunt),
        ] {
            let hs = h2s(h.view(), z0.view(), wave).expect("h2s");
            let gs = g2s(g.view(), z0.view(), wave).expect("g2s");
            assert!(max_abs_diff(hs.view(), s.view()) < 1e-15);
            assert!(max_abs_diff(gs.view(), s.view()) < 1e-15);
            let sh = s2h(s.view(), z0.view(), wave).expect("s2h");
            let sg = s2g(s.view(), z0.view(), wave).expect("s2g");
            assert!(max_abs_diff(sh.view(), h.view()) < 1e-13);
            assert!(max_abs_diff(sg.view(), g.view()) < 1e-13);
        }
    }
    // Z of the shunt element exists: all entries 1/ys.
    let zz = 1.0 / ys;
    let z_shunt = two_port(1, |_| [zz, zz, zz, zz]);
    let h = z2h(z_shunt.view()).expect("z2h");
    let g = z2g(z_shunt.view()).expect("z2g");
    assert!(max_abs_diff(h.view(), h_shunt.view()) < 1e-15);
    assert!(max_abs_diff(g.view(), g_shunt.view()) < 1e-15);
    assert!(max_abs_diff(h2z(h.view()).expect("h2z").view(), z_shunt.view()) < 1e-13);
    assert!(max_abs_diff(g2z(g.view()).expect("g2z").view(), z_shunt.view()) < 1e-13);
    // The series element has no Z.
    assert!(is_singular(h2z(h_series.view())));
    assert!(is_singular(g2z(g_series.view())));
}

#[test]
fn hybrid_routes_agree_with_z_route_on_random_two_ports() {
    let mut rng = Rng::new(6);
    let s = random_matrices(&mut rng, 10, 2, 0.45);
    let z0 = random_complex_z0(&mut rng, 10, 2);
    for wave in WAVES {
        let z = s2z(s.view(), z0.view(), wave).expect("s2z");
        let h = s2h(s.view(), z0.view(), wave).expect("s2h");
        let g = s2g(s.view(), z0.view(), wave).expect("s2g");
        assert!(max_rel_diff(h.view(), z2h(z.view()).expect("z2h").view()) < 1e-12);
        assert!(max_rel_diff(g.view(), z2g(z.view()).expect("z2g").view()) < 1e-12);
        let back_h = h2s(h.view(), z0.view(), wave).expect("h2s");
        let back_g = g2s(g.view(), z0.view(), wave).expect("g2s");
        assert!(max_abs_diff(back_h.view(), s.view()) < 1e-12);
        assert!(max_abs_diff(back_g.view(), s.view()) < 1e-12);
        // G = H⁻¹.
        let h_inv = z2y(h.view()).expect("inverse");
        assert!(max_rel_diff(h_inv.view(), g.view()) < 1e-12);
    }
}

#[test]
fn network_methods_delegate() {
    let mut rng = Rng::new(7);
    let s = random_matrices(&mut rng, 4, 2, 0.4);
    let z0 = random_complex_z0(&mut rng, 4, 2);
    let net = Network::new(ghz_grid(4), s.clone(), z0.clone(), WaveDef::Pseudo).expect("net");
    assert_eq!(
        net.z().expect("z"),
        s2z(s.view(), z0.view(), WaveDef::Pseudo).expect("z")
    );
    assert_eq!(
        net.y().expect("y"),
        s2y(s.view(), z0.view(), WaveDef::Pseudo).expect("y")
    );
    let power = net.with_wave(WaveDef::Power).expect("power");
    assert_eq!(power.wave, WaveDef::Power);
    let z_power = power.z().expect("z");
    assert!(max_rel_diff(z_power.view(), net.z().expect("z").view()) < 1e-12);
    let to50 = net
        .renormalised_uniform(c(50.0, 0.0), WaveDef::Power)
        .expect("50");
    assert!(to50.z0.iter().all(|&z| z == c(50.0, 0.0)));
    assert!(max_rel_diff(to50.z().expect("z").view(), net.z().expect("z").view()) < 1e-12);
}
