//! Helpers shared by the unit tests of the network maths: a small deterministic random source
//! and array builders. Test-only.

use ndarray::{Array1, Array2, Array3, ArrayView3};
use num_complex::Complex64;

/// SplitMix64: deterministic, dependency-free pseudo-random numbers for tests.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Real and imaginary parts uniform in `[-scale, scale)`.
    pub(crate) fn complex(&mut self, scale: f64) -> Complex64 {
        Complex64::new(self.range(-scale, scale), self.range(-scale, scale))
    }
}

/// `[nf, n, n]` with entries from [`Rng::complex`].
pub(crate) fn random_matrices(rng: &mut Rng, nf: usize, n: usize, scale: f64) -> Array3<Complex64> {
    Array3::from_shape_fn((nf, n, n), |_| rng.complex(scale))
}

/// Complex references with real part in `[20, 80)` ohm and imaginary part in `[-30, 30)` ohm.
pub(crate) fn random_complex_z0(rng: &mut Rng, nf: usize, n: usize) -> Array2<Complex64> {
    Array2::from_shape_fn((nf, n), |_| {
        Complex64::new(rng.range(20.0, 80.0), rng.range(-30.0, 30.0))
    })
}

/// The same real reference everywhere.
pub(crate) fn uniform_z0(nf: usize, n: usize, ohm: f64) -> Array2<Complex64> {
    Array2::from_elem((nf, n), Complex64::new(ohm, 0.0))
}

/// Largest `|a − b|` over all elements (infinite when the shapes differ).
pub(crate) fn max_abs_diff(a: ArrayView3<Complex64>, b: ArrayView3<Complex64>) -> f64 {
    if a.dim() != b.dim() {
        return f64::INFINITY;
    }
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

/// Largest `|a − b| / max(1, |b|)`.
pub(crate) fn max_rel_diff(a: ArrayView3<Complex64>, b: ArrayView3<Complex64>) -> f64 {
    if a.dim() != b.dim() {
        return f64::INFINITY;
    }
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm() / y.norm().max(1.0))
        .fold(0.0, f64::max)
}

/// Stacks one 2x2 matrix per frequency from `f(k)` in row-major order.
pub(crate) fn two_port(nf: usize, f: impl Fn(usize) -> [Complex64; 4]) -> Array3<Complex64> {
    let mut a = Array3::zeros((nf, 2, 2));
    for k in 0..nf {
        let m = f(k);
        a[[k, 0, 0]] = m[0];
        a[[k, 0, 1]] = m[1];
        a[[k, 1, 0]] = m[2];
        a[[k, 1, 1]] = m[3];
    }
    a
}

/// `nf` frequencies from 1 GHz in 1 GHz steps.
pub(crate) fn ghz_grid(nf: usize) -> Array1<f64> {
    Array1::from_shape_fn(nf, |k| (k + 1) as f64 * 1e9)
}

pub(crate) fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

/// ABCD matrix `[A, B, C, D]` of a transmission line of propagation `γl` and impedance `zc`
/// (Pozar, Table 4.1).
pub(crate) fn line_abcd(gamma_l: Complex64, zc: Complex64) -> [Complex64; 4] {
    let (ch, sh) = (gamma_l.cosh(), gamma_l.sinh());
    [ch, zc * sh, sh / zc, ch]
}

/// S of a two-port from its ABCD matrix, equal real references `z0` (Pozar, Table 4.2).
pub(crate) fn abcd_to_s([a, b, cc, d]: [Complex64; 4], z0: f64) -> [Complex64; 4] {
    let den = a + b / z0 + cc * z0 + d;
    [
        (a + b / z0 - cc * z0 - d) / den,
        2.0 * (a * d - b * cc) / den,
        2.0 / den,
        (-a + b / z0 - cc * z0 + d) / den,
    ]
}

/// Product of two ABCD matrices.
pub(crate) fn abcd_mul(x: [Complex64; 4], y: [Complex64; 4]) -> [Complex64; 4] {
    [
        x[0] * y[0] + x[1] * y[2],
        x[0] * y[1] + x[1] * y[3],
        x[2] * y[0] + x[3] * y[2],
        x[2] * y[1] + x[3] * y[3],
    ]
}

/// ABCD from Z (Pozar, Table 4.2): `A = z11/z21, B = Δz/z21, C = 1/z21, D = z22/z21`.
pub(crate) fn z_to_abcd([z11, z12, z21, z22]: [Complex64; 4]) -> [Complex64; 4] {
    [
        z11 / z21,
        (z11 * z22 - z12 * z21) / z21,
        1.0 / z21,
        z22 / z21,
    ]
}

/// Z from ABCD: `z11 = A/C, z12 = Δ/C, z21 = 1/C, z22 = D/C`.
pub(crate) fn abcd_to_z([a, b, cc, d]: [Complex64; 4]) -> [Complex64; 4] {
    [a / cc, (a * d - b * cc) / cc, 1.0 / cc, d / cc]
}

/// The 2x2 matrix at frequency `k` of `[nf, 2, 2]`, row-major.
pub(crate) fn at2(a: &Array3<Complex64>, k: usize) -> [Complex64; 4] {
    [a[[k, 0, 0]], a[[k, 0, 1]], a[[k, 1, 0]], a[[k, 1, 1]]]
}
