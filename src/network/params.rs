//! Conversions between network parameter sets — S, Z, Y, H (hybrid) and G (inverse hybrid) —
//! and changes of reference (renormalisation, change of wave definition), as free functions on
//! `[nfreq, n, n]` arrays with `z0` shaped `[nfreq, n]`.
//!
//! # One notation for the three wave definitions
//!
//! Every [`WaveDef`] defines, for a port with reference `z0`, voltage `V` and current `I` into the
//! port, an incident and a reflected wave
//!
//! ```text
//! a = k (V + z0 I)        b = k (V − r I)
//! ```
//!
//! | `WaveDef`   | `k`                  | `r`    | source                                  |
//! |-------------|----------------------|--------|-----------------------------------------|
//! | `Power`     | `1 / (2 √Re z0)`     | `z0*`  | Kurokawa 1965, IEEE Trans. MTT 13(2)    |
//! | `Pseudo`    | `√Re z0 / (2 abs z0)`| `z0`   | Marks & Williams 1992, J. Res. NIST 97(5) |
//! | `Traveling` | `1 / (2 √z0)`        | `z0`   | scikit-rf's `s_def="traveling"`         |
//!
//! With the diagonal matrices `K = diag(k)`, `G = diag(z0)`, `R = diag(r)` the conversions are
//! (multiplying `V = Z I` through and eliminating; diagonal matrices commute):
//!
//! ```text
//! Z = K⁻¹ (I − S)⁻¹ (S G + R) K          S = K (Z − R) (Z + G)⁻¹ K⁻¹
//! Y = K⁻¹ (S G + R)⁻¹ (I − S) K          S = K (I − R Y) (I + G Y)⁻¹ K⁻¹
//! ```
//!
//! These are scikit-rf's `s2z`/`z2s`/`s2y`/`y2s` (skrf/network.py) for each `s_def` (the
//! equation numbers below are the ones scikit-rf cites):
//! for `Power`, `K = F = diag(1/(2√Re z0))` and `Z = F⁻¹(I − S)⁻¹(S G + G*)F` (Kurokawa eq. 19);
//! for `Pseudo`, `K ∝ U = diag(√Re z0 / abs z0)` and `Z = (I − U⁻¹SU)⁻¹(I + U⁻¹SU) G`
//! (Marks & Williams eq. 74); for `Traveling`, `K = G^-½/2` and
//! `Z = √G (I − S)⁻¹ (I + S) √G`. For real, positive references the three coincide, and for
//! equal ones reduce to Pozar, *Microwave Engineering* 4th ed., §4.3: `Z = z0 (I + S)(I − S)⁻¹`.
//!
//! Inverses use the crate-private `network::linalg`: a matrix whose 1-norm condition number
//! exceeds 1e13 is reported as [`Error::singular`] (for example `I − S` of an ideal thru, which
//! has no Z).

use ndarray::{Array3, ArrayView2, ArrayView3};
use num_complex::Complex64;

use super::linalg::{
    CMatrix, ONE, ZERO, check_z0_dims, cubic_work, identity, inverse, map_frequencies, matrix_at,
    scale_rows_cols, square_dims,
};
use super::{Network, WaveDef};
use crate::error::{Error, Result};

mod hybrid;
pub use hybrid::{g2s, g2z, h2s, h2z, s2g, s2h, z2g, z2h};

/// The per-port constants `k`, `g = z0` and `r` of the module-level notation.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PortWave {
    k: Complex64,
    g: Complex64,
    r: Complex64,
}

impl PortWave {
    fn new(z0: Complex64, wave: WaveDef, freq_index: usize, port: usize) -> Result<PortWave> {
        let bad = |why: &str| {
            Err(Error::invalid(format!(
                "reference impedance {z0} ohm at frequency index {freq_index}, port {}: {why}",
                port + 1
            )))
        };
        if !(z0.re.is_finite() && z0.im.is_finite()) {
            return bad("not finite");
        }
        match wave {
            WaveDef::Power | WaveDef::Pseudo if z0.re <= 0.0 => {
                bad("power and pseudo waves need Re(z0) > 0")
            }
            WaveDef::Power => Ok(PortWave {
                k: Complex64::new(0.5 / z0.re.sqrt(), 0.0),
                g: z0,
                r: z0.conj(),
            }),
            WaveDef::Pseudo => Ok(PortWave {
                k: Complex64::new(z0.re.sqrt() / (2.0 * z0.norm()), 0.0),
                g: z0,
                r: z0,
            }),
            WaveDef::Traveling if z0 == ZERO => bad("travelling waves need z0 != 0"),
            WaveDef::Traveling => Ok(PortWave {
                k: 0.5 / z0.sqrt(),
                g: z0,
                r: z0,
            }),
        }
    }

    /// `d = 1 / (k (z0 + r))`, so that `V = d (r a + z0 b)` and `I = d (a − b)`.
    fn d(&self) -> Complex64 {
        1.0 / (self.k * (self.g + self.r))
    }
}

/// The port waves of every port at frequency index `k`.
fn waves_at(z0: &ArrayView2<Complex64>, k: usize, wave: WaveDef) -> Result<Vec<PortWave>> {
    z0.row(k)
        .iter()
        .enumerate()
        .map(|(p, &z)| PortWave::new(z, wave, k, p))
        .collect()
}

fn k_and_inverse(w: &[PortWave]) -> (Vec<Complex64>, Vec<Complex64>) {
    (
        w.iter().map(|p| p.k).collect(),
        w.iter().map(|p| 1.0 / p.k).collect(),
    )
}

/// `diag(left) + diag(scale) · m`.
fn diag_plus_scaled(left: &[Complex64], scale: &[Complex64], m: &CMatrix) -> CMatrix {
    CMatrix::from_fn(m.nrows(), m.ncols(), |i, j| {
        scale[i] * m[(i, j)] + if i == j { left[i] } else { ZERO }
    })
}

/// `m · diag(scale) + diag(right)` for `S G + R`.
fn scaled_plus_diag(m: &CMatrix, scale: &[Complex64], right: &[Complex64]) -> CMatrix {
    CMatrix::from_fn(m.nrows(), m.ncols(), |i, j| {
        m[(i, j)] * scale[j] + if i == j { right[i] } else { ZERO }
    })
}

fn checked(
    a: &ArrayView3<Complex64>,
    z0: &ArrayView2<Complex64>,
    what: &str,
) -> Result<(usize, usize)> {
    let (nf, n) = square_dims(a, what)?;
    check_z0_dims(z0, nf, n)?;
    Ok((nf, n))
}

/// S to impedance parameters: `Z = K⁻¹ (I − S)⁻¹ (S G + R) K` (module notation; Kurokawa 1965
/// eq. 19 for power waves, Marks & Williams 1992 eq. 74 for pseudo-waves; scikit-rf `s2z`).
///
/// Errors: shapes; references not allowed by `wave`; `I − S` singular (the network has no Z
/// matrix, e.g. an ideal thru).
pub fn s2z(
    s: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    let (nf, n) = checked(&s, &z0, "S")?;
    map_frequencies(nf, n, cubic_work(n), |k| {
        let w = waves_at(&z0, k, wave)?;
        let (kk, kinv) = k_and_inverse(&w);
        let g: Vec<_> = w.iter().map(|p| p.g).collect();
        let r: Vec<_> = w.iter().map(|p| p.r).collect();
        let sk = matrix_at(&s, k);
        let lhs = inverse(&(identity(n) - &sk), "s2z: I - S", k)?;
        let z = lhs * scaled_plus_diag(&sk, &g, &r);
        Ok(scale_rows_cols(&z, &kinv, &kk))
    })
}

/// Impedance to S parameters: `S = K (Z − R) (Z + G)⁻¹ K⁻¹` (module notation; Kurokawa 1965
/// eq. 18 for power waves, Marks & Williams 1992 eq. 73 for pseudo-waves; scikit-rf `z2s`).
///
/// Errors: shapes; references not allowed by `wave`; `Z + G` singular.
pub fn z2s(
    z: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    let (nf, n) = checked(&z, &z0, "Z")?;
    map_frequencies(nf, n, cubic_work(n), |k| {
        let w = waves_at(&z0, k, wave)?;
        let (kk, kinv) = k_and_inverse(&w);
        let zk = matrix_at(&z, k);
        let minus_r =
            CMatrix::from_fn(n, n, |i, j| zk[(i, j)] - if i == j { w[i].r } else { ZERO });
        let plus_g = CMatrix::from_fn(n, n, |i, j| zk[(i, j)] + if i == j { w[i].g } else { ZERO });
        let s = minus_r * inverse(&plus_g, "z2s: Z + z0", k)?;
        Ok(scale_rows_cols(&s, &kk, &kinv))
    })
}

/// S to admittance parameters: `Y = K⁻¹ (S G + R)⁻¹ (I − S) K` (module notation; the inverse
/// of [`s2z`]; scikit-rf `s2y`).
///
/// Errors: shapes; references not allowed by `wave`; `S G + R` singular (no Y matrix, e.g. an
/// ideal thru).
pub fn s2y(
    s: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    let (nf, n) = checked(&s, &z0, "S")?;
    map_frequencies(nf, n, cubic_work(n), |k| {
        let w = waves_at(&z0, k, wave)?;
        let (kk, kinv) = k_and_inverse(&w);
        let g: Vec<_> = w.iter().map(|p| p.g).collect();
        let r: Vec<_> = w.iter().map(|p| p.r).collect();
        let sk = matrix_at(&s, k);
        let lhs = inverse(&scaled_plus_diag(&sk, &g, &r), "s2y: S z0 + r", k)?;
        let y = lhs * (identity(n) - sk);
        Ok(scale_rows_cols(&y, &kinv, &kk))
    })
}

/// Admittance to S parameters: `S = K (I − R Y) (I + G Y)⁻¹ K⁻¹` (module notation; [`z2s`]
/// with `Z = Y⁻¹`; scikit-rf `y2s`).
///
/// Errors: shapes; references not allowed by `wave`; `I + G Y` singular.
pub fn y2s(
    y: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    let (nf, n) = checked(&y, &z0, "Y")?;
    map_frequencies(nf, n, cubic_work(n), |k| {
        let w = waves_at(&z0, k, wave)?;
        let (kk, kinv) = k_and_inverse(&w);
        let g: Vec<_> = w.iter().map(|p| p.g).collect();
        let minus_r: Vec<_> = w.iter().map(|p| -p.r).collect();
        let ones = vec![ONE; n];
        let yk = matrix_at(&y, k);
        let num = diag_plus_scaled(&ones, &minus_r, &yk);
        let den = diag_plus_scaled(&ones, &g, &yk);
        let s = num * inverse(&den, "y2s: I + z0 Y", k)?;
        Ok(scale_rows_cols(&s, &kk, &kinv))
    })
}

fn invert_each(
    a: ArrayView3<Complex64>,
    what: &str,
    op: &'static str,
) -> Result<Array3<Complex64>> {
    let (nf, n) = square_dims(&a, what)?;
    map_frequencies(nf, n, cubic_work(n), |k| inverse(&matrix_at(&a, k), op, k))
}

/// Impedance to admittance: `Y = Z⁻¹` (Pozar §4.2). Errors when `Z` is singular.
pub fn z2y(z: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    invert_each(z, "Z", "z2y")
}

/// Admittance to impedance: `Z = Y⁻¹` (Pozar §4.2). Errors when `Y` is singular.
pub fn y2z(y: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    invert_each(y, "Y", "y2z")
}

/// Re-expresses `s` from waves `(z0_old, wave_old)` to waves `(z0_new, wave_new)`.
///
/// Per port, `V = d (r a + z0 b)` and `I = d (a − b)` in the old waves, so the new waves are
/// `a' = T11 a + T12 b`, `b' = T21 a + T22 b` with (primes for the new constants)
/// `T11 = k'd (r + z0')`, `T12 = k'd (z0 − z0')`, `T21 = k'd (r − r')`, `T22 = k'd (z0 + r')`.
/// With `b = S a`: `S' = (T21 + T22 S) (T11 + T12 S)⁻¹`.
pub(crate) fn change_reference(
    s: ArrayView3<Complex64>,
    z0_old: ArrayView2<Complex64>,
    wave_old: WaveDef,
    z0_new: ArrayView2<Complex64>,
    wave_new: WaveDef,
    op: &'static str,
) -> Result<Array3<Complex64>> {
    let (nf, n) = checked(&s, &z0_old, "S")?;
    check_z0_dims(&z0_new, nf, n)?;
    map_frequencies(nf, n, cubic_work(n), |k| {
        let old = waves_at(&z0_old, k, wave_old)?;
        let new = waves_at(&z0_new, k, wave_new)?;
        let sk = matrix_at(&s, k);
        let same_z0 = z0_old.row(k) == z0_new.row(k);
        let all_real = z0_old.row(k).iter().all(|z| z.im == 0.0);
        if same_z0 && (wave_old == wave_new || all_real) {
            return Ok(sk);
        }
        let kd: Vec<_> = old.iter().zip(&new).map(|(o, n)| n.k * o.d()).collect();
        let t = |f: fn(&PortWave, &PortWave) -> Complex64| -> Vec<Complex64> {
            old.iter()
                .zip(&new)
                .zip(&kd)
                .map(|((o, n), c)| c * f(o, n))
                .collect()
        };
        let t11 = t(|o, n| o.r + n.g);
        let t12 = t(|o, n| o.g - n.g);
        let t21 = t(|o, n| o.r - n.r);
        let t22 = t(|o, n| o.g + n.r);
        let num = diag_plus_scaled(&t21, &t22, &sk);
        let den = diag_plus_scaled(&t11, &t12, &sk);
        Ok(num * inverse(&den, op, k)?)
    })
}

/// Renormalises `s` from references `z0_old` to `z0_new`, both in wave definition `wave`.
///
/// Mathematically `z2s(s2z(s, z0_old, wave), z0_new, wave)` — scikit-rf's `renormalize_s`,
/// via Z (Kurokawa 1965 for power waves; Marks & Williams 1992 for pseudo-waves) — but
/// computed as a direct change of wave basis (`change_reference` in the source) so that
/// networks without a Z matrix, such as an ideal thru, can be renormalised too.
/// For complex references the result depends on `wave`; for real ones it does not.
pub fn renormalise_s(
    s: ArrayView3<Complex64>,
    z0_old: ArrayView2<Complex64>,
    z0_new: ArrayView2<Complex64>,
    wave: WaveDef,
) -> Result<Array3<Complex64>> {
    change_reference(s, z0_old, wave, z0_new, wave, "renormalise_s")
}

/// Re-expresses `s` (references `z0`) from wave definition `from` to `to`, keeping `z0`; the
/// identity when every reference is real. Same method as [`renormalise_s`] (equal to
/// `z2s(s2z(s, z0, from), z0, to)` where Z exists).
pub fn convert_wave(
    s: ArrayView3<Complex64>,
    z0: ArrayView2<Complex64>,
    from: WaveDef,
    to: WaveDef,
) -> Result<Array3<Complex64>> {
    change_reference(s, z0, from, z0, to, "convert_wave")
}

impl Network {
    /// Impedance parameters, `[nfreq, n, n]` ([`s2z`]).
    pub fn z(&self) -> Result<Array3<Complex64>> {
        s2z(self.s.view(), self.z0.view(), self.wave)
    }

    /// Admittance parameters, `[nfreq, n, n]` ([`s2y`]).
    pub fn y(&self) -> Result<Array3<Complex64>> {
        s2y(self.s.view(), self.z0.view(), self.wave)
    }

    /// Hybrid parameters of a two-port ([`s2h`]).
    pub fn h(&self) -> Result<Array3<Complex64>> {
        s2h(self.s.view(), self.z0.view(), self.wave)
    }

    /// Inverse-hybrid parameters of a two-port ([`s2g`]).
    pub fn g(&self) -> Result<Array3<Complex64>> {
        s2g(self.s.view(), self.z0.view(), self.wave)
    }

    /// The same network with references `z0_new` (`[nfreq, nports]`), expressed in wave
    /// definition `wave` ([`renormalise_s`] after [`convert_wave`], done in one step).
    /// Noise parameters are dropped when the references or the wave definition change (their
    /// `gamma_opt` is referred to the old port-1 reference).
    pub fn renormalised(&self, z0_new: ArrayView2<Complex64>, wave: WaveDef) -> Result<Network> {
        self.check_shapes()?;
        let s = change_reference(
            self.s.view(),
            self.z0.view(),
            self.wave,
            z0_new,
            wave,
            "renormalised",
        )?;
        let unchanged = self.wave == wave && self.z0.view() == z0_new;
        let mut net = self.derived(self.frequency_hz.clone(), s, z0_new.to_owned(), wave);
        if unchanged {
            net.noise = self.noise.clone();
        }
        Ok(net)
    }

    /// [`Network::renormalised`] to the same reference `z0_ohm` on every port and frequency.
    pub fn renormalised_uniform(&self, z0_ohm: Complex64, wave: WaveDef) -> Result<Network> {
        let z0 = ndarray::Array2::from_elem(self.z0.dim(), z0_ohm);
        self.renormalised(z0.view(), wave)
    }

    /// The same network, references unchanged, in wave definition `wave` ([`convert_wave`]).
    pub fn with_wave(&self, wave: WaveDef) -> Result<Network> {
        self.renormalised(self.z0.view(), wave)
    }
}

#[cfg(test)]
mod tests;
