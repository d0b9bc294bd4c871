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
