//! The network maths against textbook closed forms, through the public API only.

use ndarray::{Array1, Array2, Array3};
use num_complex::Complex64;
use sireach::network::cascade::cascade;
use sireach::network::interp::{DcFill, extrapolate_to_dc};
use sireach::network::mixed_mode::{PortPairing, scd, sdc, sdd};
use sireach::network::params::{renormalise_s, z2s};
use sireach::network::{Network, WaveDef};

const WAVES: [WaveDef; 3] = [WaveDef::Power, WaveDef::Pseudo, WaveDef::Traveling];

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

fn max_abs_diff(a: &Array3<Complex64>, b: &Array3<Complex64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

fn two_port(nf: usize, f: impl Fn(usize) -> [Complex64; 4]) -> Array3<Complex64> {
    let mut a = Array3::zeros((nf, 2, 2));
    for k in 0..nf {
        let [m11, m12, m21, m22] = f(k);
        a[[k, 0, 0]] = m11;
        a[[k, 0, 1]] = m12;
        a[[k, 1, 0]] = m21;
        a[[k, 1, 1]] = m22;
    }
    a
}

/// S from ABCD with equal real references (Pozar, *Microwave Engineering* 4th ed., Table 4.2).
fn abcd_to_s([a, b, cc, d]: [Complex64; 4], z0: f64) -> [Complex64; 4] {
    let den = a + b / z0 + cc * z0 + d;
    [
        (a + b / z0 - cc * z0 - d) / den,
        2.0 * (a * d - b * cc) / den,
        2.0 / den,
        (-a + b / z0 - cc * z0 + d) / den,
    ]
}

fn abcd_mul(x: [Complex64; 4], y: [Complex64; 4]) -> [Complex64; 4] {
    [
        x[0] * y[0] + x[1] * y[2],
        x[0] * y[1] + x[1] * y[3],
        x[2] * y[0] + x[3] * y[2],
        x[2] * y[1] + x[3] * y[3],
    ]
}

/// A transmission line: ABCD (Pozar Table 4.1) and Z (`Zc coth γl`, `Zc csch γl`).
struct Line {
    gamma_l: Complex64,
    zc: Complex64,
}

impl Line {
    fn abcd(&self) -> [Complex64; 4] {
        let (ch, sh) = (self.gamma_l.cosh(), self.gamma_l.sinh());
        [ch, self.zc * sh, sh / self.zc, ch]
    }
    fn z(&self) -> [Complex64; 4] {
        let (coth, csch) = (1.0 / self.gamma_l.tanh(), 1.0 / self.gamma_l.sinh());
        [
            self.zc * coth,
            self.zc * csch,
            self.zc * csch,
            self.zc * coth,
        ]
    }
}

/// Lossy line at frequency index k: α and β grow with frequency.
fn lossy_line(k: usize, length: f64, zc: Complex64) -> Line {
    let f = (k + 1) as f64;
    Line {
        gamma_l: c(0.2 * f.sqrt() + 0.01 * f, 2.1 * f) * length,
        zc,
    }
}

fn grid(nf: usize) -> Array1<f64> {
    Array1::from_shape_fn(nf, |k| (k + 1) as f64 * 1e9)
}

#[test]
fn line_z_matrix_through_z2s_matches_abcd_closed_form() {
    let nf = 12;
    let zc = c(42.0, -3.0);
    let z = two_port(nf, |k| lossy_line(k, 0.37, zc).z());
    let expected = two_port(nf, |k| abcd_to_s(lossy_line(k, 0.37, zc).abcd(), 50.0));
    let z0 = Array2::from_elem((nf, 2), c(50.0, 0.0));
    for wave in WAVES {
        let s = z2s(z.view(), z0.view(), wave).expect("z2s");
        assert!(max_abs_diff(&s, &expected) < 1e-12, "{wave:?}");
    }
}

#[test]
fn lossless_line_renormalised_to_its_impedance_is_matched() {
    let nf = 10;
    let zc = 75.0;
    let line = |k: usize| Line {
        gamma_l: c(0.0, 0.3 * (k + 1) as f64),
        zc: c(zc, 0.0),
    };
    let s = two_port(nf, |k| abcd_to_s(line(k).abcd(), 50.0));
    let z50 = Array2::from_elem((nf, 2), c(50.0, 0.0));
    let zc_ref = Array2::from_elem((nf, 2), c(zc, 0.0));
    for wave in WAVES {
        let m = renormalise_s(s.view(), z50.view(), zc_ref.view(), wave).expect("renormalise");
        for k in 0..nf {
            assert!(m[[k, 0, 0]].norm() < 1e-14 && m[[k, 1, 1]].norm() < 1e-14);
            assert!((m[[k, 1, 0]].norm() - 1.0).abs() < 1e-14);
            let expected = (-line(k).gamma_l).exp();
            assert!((m[[k, 1, 0]] - expected).norm() < 1e-14);
        }
    }
}

#[test]
fn lossy_line_with_complex_impedance_matches_only_with_pseudo_waves() {
    // Renormalised to its own complex Zc, a line is matched in pseudo- (and travelling-) waves,
    // with S21 = exp(−γl); power waves match the conjugate, so S11 ≠ 0 there.
    let nf = 8;
    let zc = c(45.0, -12.0);
    let s = two_port(nf, |k| abcd_to_s(lossy_line(k, 0.5, zc).abcd(), 50.0));
    let z50 = Array2::from_elem((nf, 2), c(50.0, 0.0));
    let zc_ref = Array2::from_elem((nf, 2), zc);
    for wave in [WaveDef::Pseudo, WaveDef::Traveling] {
        let m = renormalise_s(s.view(), z50.view(), zc_ref.view(), wave).expect("renormalise");
        for k in 0..nf {
            assert!(m[[k, 0, 0]].norm() < 1e-13, "{wave:?}");
            let expected = (-lossy_line(k, 0.5, zc).gamma_l).exp();
            assert!((m[[k, 1, 0]] - expected).norm() < 1e-13, "{wave:?}");
        }
    }
    let p = renormalise_s(s.view(), z50.view(), zc_ref.view(), WaveDef::Power).expect("power");
    assert!(p[[0, 0, 0]].norm() > 1e-3);
}

#[test]
fn cascaded_lossy_lines_add_lengths_for_any_reference() {
    let nf = 10;
    let zc = c(60.0, -5.0);
    for (z0, wave) in [
        (c(50.0, 0.0), WaveDef::Power),
        (c(30.0, 15.0), WaveDef::Power),
        (c(30.0, 15.0), WaveDef::Pseudo),
    ] {
        let net = |len: f64| {
            // S of the line at reference z0: z2s of its Z matrix.
            let z = two_port(nf, |k| lossy_line(k, len, zc).z());
            let z0s = Array2::from_elem((nf, 2), z0);
            let s = z2s(z.view(), z0s.view(), wave).expect("z2s");
            Network::new(grid(nf), s, z0s, wave).expect("net")
        };
        let ab = cascade(&net(0.25), &net(0.6)).expect("cascade");
        assert!(max_abs_diff(&ab.s, &net(0.85).s) < 1e-12, "{z0} {wave:?}");
    }
}

#[test]
fn rc_low_pass_dc_value_is_recovered() {
    // Series R = 50 Ω then shunt C = 1 pF between 50-Ω ports: S21(0) = 2·50/(R + 100) = 2/3.
    // Corner ≈ 1/(2π C (R+50)‖50) ≈ 4.8 GHz; data from 100 MHz in 100 MHz steps.
    let (r, cap) = (50.0, 1e-12);
    let f = Array1::from_shape_fn(200, |k| (k + 1) as f64 * 1e8);
    let s = two_port(200, |k| {
        let y = c(0.0, 2.0 * std::f64::consts::PI * f[k] * cap);
        let series = [c(1.0, 0.0), c(r, 0.0), c(0.0, 0.0), c(1.0, 0.0)];
        let shunt = [c(1.0, 0.0), c(0.0, 0.0), y, c(1.0, 0.0)];
        abcd_to_s(abcd_mul(series, shunt), 50.0)
    });
    let net = Network::with_uniform_z0(f, s, 50.0).expect("net");
    let dc = extrapolate_to_dc(&net, DcFill::PointOnly).expect("dc");
    let s21 = dc.s[[0, 1, 0]];
    // Stated tolerance: 1e-6 (observed error 2.1e-7; the response is smooth on the 100 MHz
    // scale, so the even quadratic through the mirrored points is accurate).
    assert!((s21 - c(2.0 / 3.0, 0.0)).norm() < 1e-6, "{s21}");
    assert_eq!(s21.im, 0.0);
    let s11 = dc.s[[0, 0, 0]];
    assert!((s11 - c(50.0 / 150.0, 0.0)).norm() < 1e-6, "{s11}");
}

#[test]
fn differential_pair_of_lines_in_mixed_mode() {
    // Two identical uncoupled lossy lines: P from port 1 to 3, N from port 2 to 4 (sequential
    // numbering). Differential and common mode each see the line: SDD21 = SCC21 = S21(line),
    // no mode conversion, and differential references 100 Ω.
    let nf = 5;
    let zc = c(50.0, 0.0);
    let mut s = Array3::zeros((nf, 4, 4));
    for k in 0..nf {
        let [s11, s12, s21, s22] = abcd_to_s(lossy_line(k, 0.3, zc).abcd(), 50.0);
        for (a, b) in [(0, 2), (1, 3)] {
            s[[k, a, a]] = s11;
            s[[k, a, b]] = s12;
            s[[k, b, a]] = s21;
            s[[k, b, b]] = s22;
        }
    }
    let net = Network::with_uniform_z0(grid(nf), s.clone(), 50.0).expect("net");
    let mm = net
        .to_mixed_mode(&PortPairing::Sequential)
        .expect("mixed mode");
    let dd = sdd(mm.s.view()).expect("sdd");
    for k in 0..nf {
        let s21 = s[[k, 2, 0]];
        assert!((dd[[k, 1, 0]] - s21).norm() < 1e-15);
    }
    assert!(
        sdc(mm.s.view())
            .expect("sdc")
            .iter()
            .all(|z| z.norm() < 1e-15)
    );
    assert!(
        scd(mm.s.view())
            .expect("scd")
            .iter()
            .all(|z| z.norm() < 1e-15)
    );
    assert_eq!(mm.z0[[0, 0]], c(100.0, 0.0));
    assert_eq!(mm.z0[[0, 3]], c(25.0, 0.0));
}
