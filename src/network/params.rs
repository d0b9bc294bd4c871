//! TEMPORARY: replaced by the network-maths branch (full S/Z/Y/H/G with wave definitions).
use ndarray::{Array3, ArrayView2, ArrayView3};
use num_complex::Complex64;

use super::WaveDef;
use crate::error::{Error, Result};

type C = Complex64;

fn inv(m: nalgebra::DMatrix<C>, k: usize) -> Result<nalgebra::DMatrix<C>> {
    m.try_inverse()
        .ok_or_else(|| Error::singular("conversion", k))
}

/// Z to S for real references: S = (Z − G)(Z + G)⁻¹ with G = diag(z0) (power waves, real z0).
pub fn z2s(z: ArrayView3<C>, z0: ArrayView2<C>, _wave: WaveDef) -> Result<Array3<C>> {
    let (nf, n, _) = z.dim();
    let mut out = Array3::zeros((nf, n, n));
    for k in 0..nf {
        let zm = nalgebra::DMatrix::from_fn(n, n, |i, j| z[[k, i, j]]);
        let g =
            nalgebra::DMatrix::from_fn(
                n,
                n,
                |i, j| if i == j { z0[[k, i]] } else { C::new(0.0, 0.0) },
            );
        let sq = nalgebra::DMatrix::from_fn(n, n, |i, j| {
            if i == j {
                z0[[k, i]].sqrt()
            } else {
                C::new(0.0, 0.0)
            }
        });
        let sqi = nalgebra::DMatrix::from_fn(n, n, |i, j| {
            if i == j {
                1.0 / z0[[k, i]].sqrt()
            } else {
                C::new(0.0, 0.0)
            }
        });
        let s = &sqi * (&zm - &g) * inv(&zm + &g, k)? * &sq;
        for i in 0..n {
            for j in 0..n {
                out[[k, i, j]] = s[(i, j)];
            }
        }
    }
    Ok(out)
}

fn inv3(a: ArrayView3<C>) -> Result<Array3<C>> {
    let (nf, n, _) = a.dim();
    let mut out = Array3::zeros((nf, n, n));
    for k in 0..nf {
        let m = inv(nalgebra::DMatrix::from_fn(n, n, |i, j| a[[k, i, j]]), k)?;
        for i in 0..n {
            for j in 0..n {
                out[[k, i, j]] = m[(i, j)];
            }
        }
    }
    Ok(out)
}

pub fn y2s(y: ArrayView3<C>, z0: ArrayView2<C>, wave: WaveDef) -> Result<Array3<C>> {
    z2s(inv3(y)?.view(), z0, wave)
}

fn h2z(h: ArrayView3<C>) -> Result<Array3<C>> {
    let mut z = Array3::zeros(h.dim());
    for k in 0..h.dim().0 {
        let (h11, h12, h21, h22) = (h[[k, 0, 0]], h[[k, 0, 1]], h[[k, 1, 0]], h[[k, 1, 1]]);
        let d = h11 * h22 - h12 * h21;
        z[[k, 0, 0]] = d / h22;
        z[[k, 0, 1]] = h12 / h22;
        z[[k, 1, 0]] = -h21 / h22;
        z[[k, 1, 1]] = 1.0 / h22;
    }
    Ok(z)
}

pub fn h2s(h: ArrayView3<C>, z0: ArrayView2<C>, wave: WaveDef) -> Result<Array3<C>> {
    z2s(h2z(h)?.view(), z0, wave)
}

pub fn g2s(g: ArrayView3<C>, z0: ArrayView2<C>, wave: WaveDef) -> Result<Array3<C>> {
    z2s(h2z(inv3(g)?.view())?.view(), z0, wave)
}
