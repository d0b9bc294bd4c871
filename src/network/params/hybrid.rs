//! Hybrid (H) and inverse-hybrid (G) parameters of two-ports, and their conversions to and
//! from Z and S (re-exported from [`crate::network::params`]).
//!
//! `[V1, I2]ᵀ = H [I1, V2]ᵀ` and `[I1, V2]ᵀ = G [V1, I2]ᵀ`, so `G = H⁻¹` (Frickey 1994,
//! "Conversions between S, Z, Y, h, ABCD, and T parameters which are valid for complex source
//! and load impedances", IEEE Trans. MTT 42(2)). The S conversions go straight from the wave
//! definitions of the parent module rather than through Z, so that networks without a Z
//! matrix (a series impedance) convert too.

use ndarray::{Array3, ArrayView2, ArrayView3};
use num_complex::Complex64;

use super::{k_and_inverse, waves_at};
use crate::error::{Error, Result};
use crate::network::WaveDef;
use crate::network::linalg::{
    CMatrix, ONE, ZERO, check_z0_dims, inverse, map_frequencies, matrix_at, scale_rows_cols,
    square_dims,
};

fn two_port_dims(a: &ArrayView3<Complex64>, what: &str) -> Result<usize> {
    let (nf, n) = square_dims(a, what)?;
    if n != 2 {
        return Err(Error::invalid(format!(
            "{what} parameters are defined for two-ports only, got {n} ports"
        )));
    }
    Ok(nf)
}

/// True when `pivot` is zero at the rounding level of the matrix `m` (or `m` is not finite).
fn negligible_pivot(pivot: Complex64, m: &[Complex64; 4]) -> bool {
    let finite = m.iter().all(|z| z.re.is_finite() && z.im.is_finite());
    let scale = m.iter().map(|z| z.norm()).fold(0.0, f64::max);
    !finite || pivot.norm() <= f64::EPSILON * scale
}

/// Exchanges the roles of `V2` and `I2` in a two-port description (a principal pivot on element
/// `(2,2)`): `[[Δ/m22, m12/m22], [−m21/m22, 1/m22]]`, `Δ = m11 m22 − m12 m21`. It maps Z to H
/// and H back to Z (Frickey 1994, IEEE Trans. MTT 42(2)).
fn pivot_on_port2(m: [Complex64; 4], op: &'static str, k: usize) -> Result<CMatrix> {
    let [m11, m12, m21, m22] = m;
    if negligible_pivot(m22, &m) {
        return Err(Error::singular(op, k));
    }
    let det = m11 * m22 - m12 * m21;
    Ok(CMatrix::from_row_slice(
        2,
        2,
        &[det / m22, m12 / m22, -m21 / m22, 1.0 / m22],
    ))
}

/// Exchanges the roles of `V1` and `I1` (a principal pivot on element `(1,1)`):
/// `[[1/m11, −m12/m11], [m21/m11, Δ/m11]]`. It maps Z to G and G back to Z (Frickey 1994).
fn pivot_on_port1(m: [Complex64; 4], op: &'static str, k: usize) -> Result<CMatrix> {
    let [m11, m12, m21, m22] = m;
    if negligible_pivot(m11, &m) {
        return Err(Error::singular(op, k));
    }
    let det = m11 * m22 - m12 * m21;
    Ok(CMatrix::from_row_slice(
        2,
        2,
        &[1.0 / m11, -m12 / m11, m21 / m11, det / m11],
    ))
}

fn map_two_port<F>(a: ArrayView3<Complex64>, what: &str, f: F) -> Result<Array3<Complex64>>
where
    F: Fn([Complex64; 4], usize) -> Result<CMatrix> + Sync,
{
    let nf = two_port_dims(&a, what)?;
    map_frequencies(nf, 2, 16, |k| {
        f([a[[k, 0, 0]], a[[k, 0, 1]], a[[k, 1, 0]], a[[k, 1, 1]]], k)
    })
}

/// Hybrid to impedance parameters (two-port only). With `[V1, I2]ᵀ = H [I1, V2]ᵀ`:
/// `Z = [[Δh/h22, h12/h22], [−h21/h22, 1/h22]]` (Frickey 1994).
/// Errors when `h22 = 0` (no Z matrix) or the input is not a two-port.
pub fn h2z(h: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    map_two_port(h, "H", |m, k| pivot_on_port2(m, "h2z: h22 = 0", k))
}

/// Impedance to hybrid parameters (two-port only):
/// `H = [[Δz/z22, z12/z22], [−z21/z22, 1/z22]]` (Frickey 1994).
pub fn z2h(z: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    map_two_port(z, "Z", |m, k| pivot_on_port2(m, "z2h: z22 = 0", k))
}

/// Inverse-hybrid to impedance parameters (two-port only). With `[I1, V2]ᵀ = G [V1, I2]ᵀ`
/// (so `G = H⁻¹`): `Z = [[1/g11, −g12/g11], [g21/g11, Δg/g11]]`.
pub fn g2z(g: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    map_two_port(g, "G", |m, k| pivot_on_port1(m, "g2z: g11 = 0", k))
}

/// Impedance to inverse-hybrid parameters (two-port only):
/// `G = [[1/z11, −z12/z11], [z21/z11, Δz/z11]]`.
pub fn z2g(z: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    map_two_port(z, "Z", |m, k| pivot_on_port1(m, "z2g: z11 = 0", k))
}

/// Which hybrid description: which of each port's `(V, I)` is independent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hybrid {
    /// `[V1, I2] = H [I1, V2]`.
    H,
    /// `[I1, V2] = G [V1, I2]`.
    G,
}

/// Hybrid to S without going through Z (so that networks without a Z matrix, such as a series
/// impedance, convert). Writing the port voltages and currents as `V = Pv u`, `I = Pi u` in the
/// independent variables `u`, the waves are `a = K (Pv + G Pi) u`, `b = K (Pv − R Pi) u`, so
/// `S = K (Pv − R Pi) (Pv + G Pi)⁻¹ K⁻¹`.
fn hybrid_to_s(
    m: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
    kind: Hybrid,
) -> Result<Array3<Complex64>> {
    let nf = two_port_dims(&m, "hybrid")?;
    check_z0_dims(&z0, nf, 2)?;
    let op = match kind {
        Hybrid::H => "h2s",
        Hybrid::G => "g2s",
    };
    map_frequencies(nf, 2, 64, |k| {
        let w = waves_at(&z0, k, wave)?;
        let (kk, kinv) = k_and_inverse(&w);
        let (m11, m12, m21, m22) = (m[[k, 0, 0]], m[[k, 0, 1]], m[[k, 1, 0]], m[[k, 1, 1]]);
        let (pv, pi) = match kind {
            Hybrid::H => ([m11, m12, ZERO, ONE], [ONE, ZERO, m21, m22]),
            Hybrid::G => ([ONE, ZERO, m21, m22], [m11, m12, ZERO, ONE]),
        };
        let num = CMatrix::from_fn(2, 2, |i, j| pv[2 * i + j] - w[i].r * pi[2 * i + j]);
        let den = CMatrix::from_fn(2, 2, |i, j| pv[2 * i + j] + w[i].g * pi[2 * i + j]);
        let s = num * inverse(&den, op, k)?;
        Ok(scale_rows_cols(&s, &kk, &kinv))
    })
}

/// S to hybrid without going through Z: `V = D (R + G S) a`, `I = D (I − S) a` with
/// `D = diag(1/(k (z0 + r)))`; the hybrid matrix is `W U⁻¹` where `W` holds the rows of the
/// dependent variables and `U` those of the independent ones.
fn s_to_hybrid(
    s: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
    kind: Hybrid,
) -> Result<Array3<Complex64>> {
    let nf = two_port_dims(&s, "S")?;
    check_z0_dims(&z0, nf, 2)?;
    let op = match kind {
        Hybrid::H => "s2h",
        Hybrid::G => "s2g",
    };
    map_frequencies(nf, 2, 64, |k| {
        let w = waves_at(&z0, k, wave)?;
        let sk = matrix_at(&s, k);
        let v_row = |i: usize| {
            let d = w[i].d();
            [0, 1].map(|j| d * (w[i].g * sk[(i, j)] + if i == j { w[i].r } else { ZERO }))
        };
        let i_row = |i: usize| {
            let d = w[i].d();
            [0, 1].map(|j| d * (if i == j { ONE } else { ZERO } - sk[(i, j)]))
        };
        let (dep, ind) = match kind {
            Hybrid::H => ([v_row(0), i_row(1)], [i_row(0), v_row(1)]),
            Hybrid::G => ([i_row(0), v_row(1)], [v_row(0), i_row(1)]),
        };
        let dep = CMatrix::from_fn(2, 2, |i, j| dep[i][j]);
        let ind = CMatrix::from_fn(2, 2, |i, j| ind[i][j]);
        Ok(dep * inverse(&ind, op, k)?)
    })
}

/// Hybrid to S parameters (two-port only), `[V1, I2]ᵀ = H [I1, V2]ᵀ`. Computed directly from
/// the wave definitions (see `hybrid_to_s` in the source), which agrees with
/// `z2s(h2z(h))` (Frickey 1994) where Z exists and also covers networks without a Z matrix.
pub fn h2s(
    h: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    hybrid_to_s(h, z0, wave, Hybrid::H)
}

/// Inverse-hybrid to S parameters (two-port only), `[I1, V2]ᵀ = G [V1, I2]ᵀ`; like [`h2s`].
pub fn g2s(
    g: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    hybrid_to_s(g, z0, wave, Hybrid::G)
}

/// S to hybrid parameters (two-port only); agrees with `z2h(s2z(s))` where Z exists.
pub fn s2h(
    s: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    s_to_hybrid(s, z0, wave, Hybrid::H)
}

/// S to inverse-hybrid parameters (two-port only); agrees with `z2g(s2z(s))` where Z exists.
pub fn s2g(
    s: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    s_to_hybrid(s, z0, wave, Hybrid::G)
}
