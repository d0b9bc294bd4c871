//! Small dense linear algebra done once per frequency: copying one frequency's matrix out of an
//! `[nfreq, n, n]` array, inverting it with a conditioning check, and running a per-frequency
//! kernel over all frequencies (in parallel with rayon when the work is large).
//!
//! Private to the crate; the public maths in the sibling modules is written on top of it.

use nalgebra::DMatrix;
use ndarray::{Array3, ArrayView2, ArrayView3};
use num_complex::Complex64;
use rayon::prelude::*;

use crate::error::{Error, Result};

/// One frequency's complex matrix.
pub(crate) type CMatrix = DMatrix<Complex64>;

/// A matrix whose 1-norm condition number `‖A‖₁‖A⁻¹‖₁` exceeds this is treated as singular:
/// its inverse could carry a relative error of ~1e-3 or worse.
pub(crate) const MAX_CONDITION: f64 = 1e13;

/// Below this many floating-point operations in total, per-frequency kernels run on one thread.
const PARALLEL_MIN_WORK: usize = 1 << 16;

pub(crate) const ZERO: Complex64 = Complex64::new(0.0, 0.0);
pub(crate) const ONE: Complex64 = Complex64::new(1.0, 0.0);

/// Checks that `a` is `[nfreq, n, n]` and returns `(nfreq, n)`.
pub(crate) fn square_dims(a: &ArrayView3<Complex64>, what: &str) -> Result<(usize, usize)> {
    let (nf, n, m) = a.dim();
    if n != m {
        return Err(Error::invalid(format!(
            "{what} must be square at each frequency, got {n}x{m}"
        )));
    }
    Ok((nf, n))
}

/// Checks that `z0` is `[nfreq, n]`.
pub(crate) fn check_z0_dims(z0: &ArrayView2<Complex64>, nf: usize, n: usize) -> Result<()> {
    if z0.dim() != (nf, n) {
        return Err(Error::invalid(format!(
            "z0 must be [{nf}, {n}] (frequencies x ports), got {:?}",
            z0.dim()
        )));
    }
    Ok(())
}

/// The `n x n` matrix at frequency index `k`.
pub(crate) fn matrix_at(a: &ArrayView3<Complex64>, k: usize) -> CMatrix {
    let n = a.dim().1;
    CMatrix::from_fn(n, n, |i, j| a[[k, i, j]])
}

/// The identity of size `n`.
pub(crate) fn identity(n: usize) -> CMatrix {
    CMatrix::identity(n, n)
}

/// Maximum absolute column sum.
fn norm1(m: &CMatrix) -> f64 {
    m.column_iter()
        .map(|c| c.iter().map(|z| z.norm()).sum::<f64>())
        .fold(0.0, f64::max)
}

/// The inverse of `m`, or [`Error::singular`] when `m` is singular or numerically so (1-norm
/// condition number above [`MAX_CONDITION`], or a non-finite result). 2x2 matrices use the
/// adjugate formula; larger ones LU with partial pivoting.
pub(crate) fn inverse(m: &CMatrix, operation: &'static str, k: usize) -> Result<CMatrix> {
    let n = m.nrows();
    let inv = match n {
        0 => Some(m.clone()),
        2 => {
            let (a, b, c, d) = (m[(0, 0)], m[(0, 1)], m[(1, 0)], m[(1, 1)]);
            let det = a * d - b * c;
            if det == ZERO {
                None
            } else {
                Some(CMatrix::from_row_slice(
                    2,
                    2,
                    &[d / det, -b / det, -c / det, a / det],
                ))
            }
        }
        _ => m.clone().lu().try_inverse(),
    };
    let Some(inv) = inv else {
        return Err(Error::singular(operation, k));
    };
    let condition = norm1(m) * norm1(&inv);
    if !condition.is_finite() || condition > MAX_CONDITION {
        return Err(Error::singular(operation, k));
    }
    Ok(inv)
}

/// `diag(left) · m · diag(right)`.
pub(crate) fn scale_rows_cols(m: &CMatrix, left: &[Complex64], right: &[Complex64]) -> CMatrix {
    CMatrix::from_fn(m.nrows(), m.ncols(), |i, j| left[i] * m[(i, j)] * right[j])
}

/// Runs `kernel(k)` for every frequency `k` and stacks the `n x n` results into
/// `[nfreq, n, n]`. `flops_per_frequency` decides whether to use rayon. On failure the error of
/// the lowest failing frequency index is returned, so results do not depend on scheduling.
pub(crate) fn map_frequencies<F>(
    nf: usize,
    n: usize,
    flops_per_frequency: usize,
    kernel: F,
) -> Result<Array3<Complex64>>
where
    F: Fn(usize) -> Result<CMatrix> + Sync,
{
    let mut out = vec![ZERO; nf * n * n];
    let write = |k: usize, chunk: &mut [Complex64]| -> Result<()> {
        let m = kernel(k)?;
        if m.shape() != (n, n) {
            return Err(Error::invalid(format!(
                "internal: kernel returned {:?}, expected ({n}, {n})",
                m.shape()
            )));
        }
        for i in 0..n {
            for j in 0..n {
                chunk[i * n + j] = m[(i, j)];
            }
        }
        Ok(())
    };
    if n > 0 {
        if nf.saturating_mul(flops_per_frequency) >= PARALLEL_MIN_WORK && nf > 1 {
            let first_error = out
                .par_chunks_mut(n * n)
                .enumerate()
                .filter_map(|(k, chunk)| write(k, chunk).err().map(|e| (k, e)))
                .min_by_key(|(k, _)| *k);
            if let Some((_, e)) = first_error {
                return Err(e);
            }
        } else {
            for (k, chunk) in out.chunks_mut(n * n).enumerate() {
                write(k, chunk)?;
            }
        }
    }
    Array3::from_shape_vec((nf, n, n), out)
        .map_err(|e| Error::invalid(format!("internal: result shape: {e}")))
}

/// Rough operation count of an `n x n` inversion plus a few products, for [`map_frequencies`].
pub(crate) fn cubic_work(n: usize) -> usize {
    8 * n * n * n + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_2x2_and_3x3() {
        let m = CMatrix::from_row_slice(
            2,
            2,
            &[
                Complex64::new(1.0, 1.0),
                Complex64::new(2.0, 0.0),
                Complex64::new(0.0, -1.0),
                Complex64::new(3.0, 0.5),
            ],
        );
        let inv = inverse(&m, "test", 0).expect("invertible");
        assert!((&m * &inv - identity(2)).norm() < 1e-14);
        let m3 = CMatrix::from_fn(3, 3, |i, j| {
            Complex64::new(
                (i * 3 + j) as f64 + if i == j { 5.0 } else { 0.0 },
                j as f64,
            )
        });
        let inv3 = inverse(&m3, "test", 0).expect("invertible");
        assert!((&m3 * &inv3 - identity(3)).norm() < 1e-13);
    }

    #[test]
    fn singular_and_nearly_singular_are_errors() {
        let thru = CMatrix::from_row_slice(2, 2, &[ONE, -ONE, -ONE, ONE]);
        assert!(inverse(&thru, "test", 3).is_err());
        let nearly = CMatrix::from_row_slice(2, 2, &[ONE, ONE, ONE, ONE * (1.0 + 1e-15)]);
        assert!(inverse(&nearly, "test", 3).is_err());
        let m3 = CMatrix::from_fn(3, 3, |i, j| Complex64::new((i + j) as f64, 0.0));
        assert!(inverse(&m3, "test", 0).is_err());
    }

    #[test]
    fn map_frequencies_reports_lowest_failing_index() {
        for nf in [10, 100_000] {
            let r = map_frequencies(nf, 1, cubic_work(1), |k| {
                if k >= 7 {
                    Err(Error::singular("test", k))
                } else {
                    Ok(identity(1))
                }
            });
            match r.map_err(|e| e.into_kind()) {
                Err(crate::error::ErrorKind::Singular {
                    frequency_index, ..
                }) => assert_eq!(frequency_index, 7),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}
