//! Tests of interpolation and DC extrapolation.

use super::*;
use crate::network::WaveDef;
use crate::network::test_util::*;

fn grid(values: &[f64]) -> Array1<f64> {
    Array1::from(values.to_vec())
}

fn column(values: &[Complex64]) -> Array2<Complex64> {
    Array2::from_shape_fn((values.len(), 1), |(i, _)| values[i])
}

#[test]
fn linear_and_cubic_are_exact_on_linear_data() {
    let f = Array1::linspace(1e9, 10e9, 10);
    let line = |x: f64| c(2.0, 3.0) + c(0.5, -1.0) * (x / 1e9);
    let s = Array3::from_shape_fn((10, 2, 2), |(k, i, j)| line(f[k]) * (1 + i + 2 * j) as f64);
    let f_new = grid(&[1e9, 1.3e9, 4.77e9, 9.99e9, 10e9]);
    for kind in [Interpolation::Linear, Interpolation::Cubic] {
        let out = interpolate_s(f.view(), s.view(), f_new.view(), kind).expect("interp");
        let expected = Array3::from_shape_fn((5, 2, 2), |(k, i, j)| {
            line(f_new[k]) * (1 + i + 2 * j) as f64
        });
        assert!(
            max_abs_diff(out.view(), expected.view()) < 1e-12,
            "{kind:?}"
        );
    }
}

#[test]
fn cubic_matches_hand_computed_natural_spline() {
    // Through (0,0), (1,1), (2,0): M1 = −3, so S(x) = 1.5 x − 0.5 x³ on [0, 1]; S(0.5) = 0.6875.
    let f = grid(&[0.0, 1.0, 2.0]);
    let v = column(&[c(0.0, 0.0), c(1.0, -2.0), c(0.0, 0.0)]);
    let out = interpolate_rows(
        f.view(),
        v.view(),
        grid(&[0.5, 1.5]).view(),
        Interpolation::Cubic,
    )
    .expect("spline");
    assert!((out[[0, 0]] - c(0.6875, -1.375)).norm() < 1e-15);
    assert!((out[[1, 0]] - c(0.6875, -1.375)).norm() < 1e-15);
    // Through x³ at 0, 1, 2, 3 (GHz): M1 = 4.8, M2 = 16.8, so
    // S(1.5) = (1 + 8)/2 + ((0.125 − 0.5)(4.8 + 16.8))/6 = 3.15 (the cubic itself gives 3.375).
    // The imaginary part is linear, which the spline reproduces.
    let f = grid(&[0.0, 1e9, 2e9, 3e9]);
    let v = column(&[c(0.0, 0.0), c(1.0, 2.0), c(8.0, 4.0), c(27.0, 6.0)]);
    let out = interpolate_rows(
        f.view(),
        v.view(),
        grid(&[1.5e9]).view(),
        Interpolation::Cubic,
    )
    .expect("spline");
    assert!((out[[0, 0]] - c(3.15, 3.0)).norm() < 1e-13);
}

#[test]
fn cubic_is_accurate_on_a_smooth_response() {
    let f = Array1::linspace(0.0, 1.0, 101);
    let g = |x: f64| Complex64::new(0.0, -6.0 * x).exp() * (1.0 + x);
    let v = Array2::from_shape_fn((101, 1), |(k, _)| g(f[k]));
    let f_new = Array1::linspace(0.1, 0.9, 37);
    let out = interpolate_rows(f.view(), v.view(), f_new.view(), Interpolation::Cubic).expect("ok");
    let lin =
        interpolate_rows(f.view(), v.view(), f_new.view(), Interpolation::Linear).expect("ok");
    let err = |o: &Array2<Complex64>| {
        (0..37)
            .map(|k| (o[[k, 0]] - g(f_new[k])).norm())
            .fold(0.0, f64::max)
    };
    assert!(err(&out) < 1e-6, "cubic error {}", err(&out));
    assert!(err(&lin) > 1e-4, "linear error {}", err(&lin));
}

#[test]
fn out_of_range_and_bad_grids_are_errors() {
    let f = grid(&[1.0, 2.0, 3.0]);
    let v = column(&[c(1.0, 0.0); 3]);
    for kind in [Interpolation::Linear, Interpolation::Cubic] {
        for bad in [0.999, 3.001, f64::NAN] {
            assert!(interpolate_rows(f.view(), v.view(), grid(&[2.0, bad]).view(), kind).is_err());
        }
        assert!(interpolate_rows(f.view(), v.view(), grid(&[1.0, 3.0]).view(), kind).is_ok());
    }
    let lin = Interpolation::Linear;
    let at2 = grid(&[2.0]);
    assert!(interpolate_rows(grid(&[1.0, 1.0, 3.0]).view(), v.view(), at2.view(), lin).is_err());
    assert!(interpolate_rows(grid(&[3.0, 2.0, 1.0]).view(), v.view(), at2.view(), lin).is_err());
    assert!(interpolate_rows(grid(&[1.0, 2.0]).view(), v.view(), at2.view(), lin).is_err());
    let one = column(&[c(1.0, 0.0)]);
    assert!(interpolate_rows(grid(&[2.0]).view(), one.view(), at2.view(), lin).is_err());
}

#[test]
fn network_interpolation_also_interpolates_z0() {
    let f = ghz_grid(3);
    let s = Array3::from_shape_fn((3, 1, 1), |(k, _, _)| c(k as f64, 0.0));
    let z0 = Array2::from_shape_fn((3, 1), |(k, _)| c(50.0 + 10.0 * k as f64, -(k as f64)));
    let net = Network::new(f, s, z0, WaveDef::Pseudo).expect("net");
    let out = net
        .interpolate(grid(&[1.5e9, 2.5e9]).view(), Interpolation::Linear)
        .expect("ok");
    assert!((out.z0[[0, 0]] - c(55.0, -0.5)).norm() < 1e-12);
    assert!((out.s[[1, 0, 0]] - c(1.5, 0.0)).norm() < 1e-12);
    assert_eq!(out.frequency_hz.to_vec(), vec![1.5e9, 2.5e9]);
    assert_eq!(out.wave, WaveDef::Pseudo);
}

/// `a + b f²` real (even) plus `j c f` imaginary (odd), f in GHz.
fn even_odd(f: f64) -> Complex64 {
    let x = f / 1e9;
    c(0.7 - 0.01 * x * x, -0.2 * x)
}

#[test]
fn dc_point_from_even_real_and_odd_imaginary_parts() {
    let f = Array1::linspace(0.5e9, 20e9, 40);
    let s = Array3::from_shape_fn((40, 1, 1), |(k, _, _)| even_odd(f[k]));
    let net = Network::with_uniform_z0(f.clone(), s, 50.0).expect("net");
    let dc = extrapolate_to_dc(&net, DcFill::PointOnly).expect("dc");
    assert_eq!(dc.nfreq(), 41);
    assert_eq!(dc.frequency_hz[0], 0.0);
    assert_eq!(dc.s[[0, 0, 0]].im, 0.0);
    assert!(
        (dc.s[[0, 0, 0]].re - 0.7).abs() < 1e-12,
        "{}",
        dc.s[[0, 0, 0]]
    );
    assert_eq!(dc.s.slice(ndarray::s![1.., .., ..]), net.s);
    assert_eq!(dc.z0[[0, 0]], c(50.0, 0.0));
    // Filling the grid: step 0.5 GHz from 0.5 GHz is just DC; from 2 GHz it is 0, 0.5, 1, 1.5.
    let f2 = Array1::linspace(2e9, 21.5e9, 40);
    let s2 = Array3::from_shape_fn((40, 1, 1), |(k, _, _)| even_odd(f2[k]));
    let net2 = Network::with_uniform_z0(f2, s2, 50.0).expect("net");
    let filled = extrapolate_to_dc(&net2, DcFill::UniformGrid).expect("fill");
    assert_eq!(
        filled.frequency_hz.slice(ndarray::s![..5]).to_vec(),
        vec![0.0, 0.5e9, 1e9, 1.5e9, 2e9]
    );
    for k in 0..4 {
        let expected = even_odd(filled.frequency_hz[k]);
        assert!((filled.s[[k, 0, 0]] - expected).norm() < 1e-9, "k={k}");
    }
}

#[test]
fn dc_extrapolation_edge_cases() {
    let s = Array3::from_elem((2, 1, 1), c(0.5, 0.0));
    let at_dc = Network::with_uniform_z0(grid(&[0.0, 1.0]), s.clone(), 50.0).expect("net");
    assert_eq!(
        extrapolate_to_dc(&at_dc, DcFill::UniformGrid).expect("same"),
        at_dc
    );
    let negative = Network::with_uniform_z0(grid(&[-1.0, 1.0]), s.clone(), 50.0).expect("net");
    assert!(extrapolate_to_dc(&negative, DcFill::PointOnly).is_err());
    let one = Network::with_uniform_z0(grid(&[1.0]), Array3::zeros((1, 1, 1)), 50.0).expect("net");
    assert!(extrapolate_to_dc(&one, DcFill::PointOnly).is_err());
    let huge = Network::with_uniform_z0(grid(&[1e9, 1e9 + 1.0]), s, 50.0).expect("net");
    assert!(extrapolate_to_dc(&huge, DcFill::UniformGrid).is_err());
}
