//! Accumulation kernels of the COM search and its noise PMFs:
//! - [`phase_energy`]: `out[k] += Σ_c x[c·m + k]·y[c·m + k]`, the per-sampling-phase inner
//!   products of two pulses over whole UIs of `m` samples (the aggressor phase of 178A-20 /
//!   93A-33 and the Tx-FFE energy forms of `com::txffe::PhaseGram`);
//! - [`add_assign`]: `dst[i] += src[i]`, one shifted copy of a PMF in the delta-PMF
//!   convolution of 93A-39/40 (`com::noise::delta_pmf`).
//!
//! Each has a scalar twin (`*_scalar`) that defines the result; the SIMD versions run through
//! `pulp`'s run-time dispatch (AVX2 + FMA on x86-64, NEON on aarch64, scalar elsewhere or
//! when `SIREACH_FORCE_SCALAR=1`). Multiplies and adds are not fused, so both paths round
//! alike per product; only the association of the sums over `c` can differ (see the tests).

use pulp::{Arch, Simd, WithSimd};

use super::simd_enabled;

/// Scalar reference of [`phase_energy`].
pub fn phase_energy_scalar(x: &[f64], y: &[f64], m: usize, out: &mut [f64]) {
    let n = x.len().min(y.len());
    let full = n / m * m;
    for (cx, cy) in x[..full].chunks_exact(m).zip(y[..full].chunks_exact(m)) {
        for ((e, a), b) in out.iter_mut().zip(cx).zip(cy) {
            *e += a * b;
        }
    }
    for ((e, a), b) in out.iter_mut().zip(&x[full..n]).zip(&y[full..n]) {
        *e += a * b;
    }
}

struct PhaseEnergy<'a> {
    x: &'a [f64],
    y: &'a [f64],
    m: usize,
    out: &'a mut [f64],
}

impl WithSimd for PhaseEnergy<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
        let PhaseEnergy { x, y, m, out } = self;
        let n = x.len().min(y.len());
        let full = n / m * m;
        let (acc, acc_tail) = S::as_mut_simd_f64s(&mut out[..m]);
        for (cx, cy) in x[..full].chunks_exact(m).zip(y[..full].chunks_exact(m)) {
            let (vx, tx) = S::as_simd_f64s(cx);
            let (vy, ty) = S::as_simd_f64s(cy);
            for ((e, a), b) in acc.iter_mut().zip(vx).zip(vy) {
                *e = simd.add_f64s(*e, simd.mul_f64s(*a, *b));
            }
            for ((e, a), b) in acc_tail.iter_mut().zip(tx).zip(ty) {
                *e += a * b;
            }
        }
        for ((e, a), b) in out.iter_mut().zip(&x[full..n]).zip(&y[full..n]) {
            *e += a * b;
        }
    }
}

/// `out[k] += Σ_c x[c·m + k]·y[c·m + k]` over the whole chunks of `m` samples, then the
/// partial last chunk (sample `i` has phase `i mod m`); `out` holds `m` phases.
pub fn phase_energy(x: &[f64], y: &[f64], m: usize, out: &mut [f64]) {
    assert!(out.len() >= m && m > 0, "phase_energy: out needs m entries");
    if simd_enabled() {
        Arch::new().dispatch(PhaseEnergy { x, y, m, out });
    } else {
        phase_energy_scalar(x, y, m, out);
    }
}

/// Scalar reference of [`add_assign`].
pub fn add_assign_scalar(dst: &mut [f64], src: &[f64]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

struct AddAssign<'a> {
    dst: &'a mut [f64],
    src: &'a [f64],
}

impl WithSimd for AddAssign<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
        let n = self.dst.len().min(self.src.len());
        let (vd, td) = S::as_mut_simd_f64s(&mut self.dst[..n]);
        let (vs, ts) = S::as_simd_f64s(&self.src[..n]);
        for (d, s) in vd.iter_mut().zip(vs) {
            *d = simd.add_f64s(*d, *s);
        }
        for (d, s) in td.iter_mut().zip(ts) {
            *d += s;
        }
    }
}

/// `dst[i] += src[i]` over the shorter length (exactly the scalar result: one add each).
pub fn add_assign(dst: &mut [f64], src: &[f64]) {
    if simd_enabled() {
        Arch::new().dispatch(AddAssign { dst, src });
    } else {
        add_assign_scalar(dst, src);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e3f64..1e3,
            Just(0.0),
            Just(f64::MIN_POSITIVE / 4.0),
            -1e150f64..1e150,
        ]
    }

    proptest! {
        #[test]
        fn add_assign_matches_scalar_exactly(
            a in prop::collection::vec(values(), 0..70),
            b in prop::collection::vec(values(), 0..70),
        ) {
            let mut x = a.clone();
            let mut y = a.clone();
            add_assign(&mut x, &b);
            add_assign_scalar(&mut y, &b);
            prop_assert_eq!(x, y);
        }

        #[test]
        fn phase_energy_matches_scalar(
            m in 1usize..40,
            a in prop::collection::vec(-1e3f64..1e3, 0..300),
            b in prop::collection::vec(-1e3f64..1e3, 0..300),
        ) {
            let mut e1 = vec![0.5; m];
            let mut e2 = vec![0.5; m];
            phase_energy(&a, &b, m, &mut e1);
            phase_energy_scalar(&a, &b, m, &mut e2);
            // same products, same order of accumulation per phase: equal to the last bit
            prop_assert_eq!(e1, e2);
        }
    }

    #[test]
    fn phase_energy_sums_each_phase() {
        let x: Vec<f64> = (0..10).map(|i| i as f64).collect();
        let mut e = vec![0.0; 4];
        phase_energy(&x, &x, 4, &mut e);
        // phases: 0,4,8 | 1,5,9 | 2,6 | 3,7
        assert_eq!(e, vec![80.0, 107.0, 40.0, 58.0]);
    }
}
