//! Cascading 2N-port networks, and taking a subnetwork (a subset of the ports).
//!
//! # Port convention
//!
//! A 2N-port is cascaded with ports `1..N` on the left and `N+1..2N` on the right; cascading
//! `A` then `B` connects port `N+i` of `A` to port `i` of `B`. The result has `A`'s left ports
//! as `1..N` and `B`'s right ports as `N+1..2N` (for two-ports, N = 1: port 1 in, port 2 out).
//!
//! ```text
//!            +---------+             +---------+
//!   1    ----|         |---- N+1 ----|         |---- N+1
//!   2    ----|    A    |---- N+2 ----|    B    |---- N+2
//!   ...      |         |     ...     |         |     ...
//!   N    ----|         |---- 2N  ----|         |---- 2N
//!            +---------+             +---------+
//! ```
//!
//! (0-based in the API: ports `0..N` left, `N..2N` right.)

use nalgebra::DMatrix;
use ndarray::{Array2, Array3, ArrayView3, Axis, concatenate, s};
use num_complex::Complex64;

use super::linalg::{
    CMatrix, ONE, ZERO, cubic_work, identity, inverse, map_frequencies, matrix_at, square_dims,
};
use super::params::change_reference;
use super::{Network, WaveDef};
use crate::error::{Error, Result};

/// Half the port count of a 2N-port, or an error.
fn half_ports(n: usize, what: &str) -> Result<usize> {
    if n == 0 || !n.is_multiple_of(2) {
        return Err(Error::invalid(format!(
            "{what} must have an even, non-zero number of ports to cascade, got {n}"
        )));
    }
    Ok(n / 2)
}

/// Cascades two 2N-ports given as S arrays `[nfreq, 2N, 2N]` (port convention in the module
/// doc). With the N x N blocks `A = [[A11, A12], [A21, A22]]`, `B` likewise, and
/// `E = (I − A22 B11)⁻¹`:
///
/// ```text
/// S11 = A11 + A12 B11 E A21          S12 = A12 B12 + A12 B11 E A22 B12
/// S21 = B21 E A21                    S22 = B22 + B21 E A22 B12
/// ```
///
/// (`S12` is `A12 (I − B11 A22)⁻¹ B12` rewritten so that one inverse serves all four blocks.)
///
/// (the "star product" of scattering matrices, Redheffer 1962; for two-ports Pozar §4.5, signal
/// flow graphs). The waves leaving `A`'s right ports must be the waves entering `B`'s
/// left ports: pseudo or travelling waves with equal references, or any definition with equal
/// real references. [`cascade`] on [`Network`]s arranges this for any references.
///
/// Errors: shapes that differ or are not 2N-ports; `I − A22 B11` singular (for example two
/// ideal opens facing each other).
pub fn cascade_s(a: ArrayView3<Complex64>, b: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    let (nf, n) = square_dims(&a, "A")?;
    let (nfb, nb) = square_dims(&b, "B")?;
    if (nf, n) != (nfb, nb) {
        return Err(Error::invalid(format!(
            "cannot cascade a {n}-port over {nf} frequencies with a {nb}-port over {nfb}"
        )));
    }
    let h = half_ports(n, "a network")?;
    if h == 1 {
        return map_frequencies(nf, 2, 40, |k| {
            let (a11, a12, a21, a22) = (a[[k, 0, 0]], a[[k, 0, 1]], a[[k, 1, 0]], a[[k, 1, 1]]);
            let (b11, b12, b21, b22) = (b[[k, 0, 0]], b[[k, 0, 1]], b[[k, 1, 0]], b[[k, 1, 1]]);
            let den = ONE - a22 * b11;
            if den == ZERO || !(den.re.is_finite() && den.im.is_finite()) {
                return Err(Error::singular("cascade: 1 - A22 B11", k));
            }
            let e = 1.0 / den;
            Ok(CMatrix::from_row_slice(
                2,
                2,
                &[
                    a11 + a12 * b11 * e * a21,
                    a12 * b12 * e,
                    b21 * e * a21,
                    b22 + b21 * e * a22 * b12,
                ],
            ))
        });
    }
    map_frequencies(nf, n, 4 * cubic_work(h), |k| {
        let am = matrix_at(&a, k);
        let bm = matrix_at(&b, k);
        let block = |m: &CMatrix, r: usize, c: usize| -> CMatrix {
            m.view((r * h, c * h), (h, h)).into_owned()
        };
        let (a11, a12, a21, a22) = (
            block(&am, 0, 0),
            block(&am, 0, 1),
            block(&am, 1, 0),
            block(&am, 1, 1),
        );
        let (b11, b12, b21, b22) = (
            block(&bm, 0, 0),
            block(&bm, 0, 1),
            block(&bm, 1, 0),
            block(&bm, 1, 1),
        );
        let e = inverse(&(identity(h) - &a22 * &b11), "cascade: I - A22 B11", k)?;
        let b11_e = &b11 * &e;
        let s11 = &a11 + &a12 * &b11_e * &a21;
        let s12 = &a12 * &b12 + &a12 * &b11_e * &a22 * &b12;
        let s21 = &b21 * &e * &a21;
        let s22 = &b22 + &b21 * &e * &a22 * &b12;
        let mut out = DMatrix::zeros(n, n);
        out.view_mut((0, 0), (h, h)).copy_from(&s11);
        out.view_mut((0, h), (h, h)).copy_from(&s12);
        out.view_mut((h, 0), (h, h)).copy_from(&s21);
        out.view_mut((h, h), (h, h)).copy_from(&s22);
        Ok(out)
    })
}

/// Cascades two [`Network`]s (port convention in the module doc).
///
/// The frequency grids must be identical. References may differ: both networks are first
/// re-expressed in pseudo-waves (Marks & Williams 1992), for which a junction of two ports with
/// equal references is transparent even when the references are complex, with `b`'s left ports
/// renormalised to `a`'s right-port references; [`cascade_s`] then applies, and the result is
/// returned in `a`'s wave definition with references `[a's left, b's right]`. (Power waves with
/// equal complex references are *not* transparent at a junction — the conjugate appears — which
/// is why the pseudo-wave detour is needed.) When the references already match and are real,
/// or the waves are already pseudo/travelling with matching references, `cascade_s` is applied
/// directly.
///
/// The result takes `a`'s name, port names `a`'s left + `b`'s right when both have names, and no
/// comments or noise parameters.
pub fn cascade(a: &Network, b: &Network) -> Result<Network> {
    a.check_shapes()?;
    b.check_shapes()?;
    if a.nports() != b.nports() {
        return Err(Error::invalid(format!(
            "cannot cascade a {}-port with a {}-port",
            a.nports(),
            b.nports()
        )));
    }
    let h = half_ports(a.nports(), "a network")?;
    check_same_grid(a, b)?;
    let a_right = a.z0.slice(s![.., h..]);
    let b_left = b.z0.slice(s![.., ..h]);
    let z0_out = concatenate(Axis(1), &[a.z0.slice(s![.., ..h]), b.z0.slice(s![.., h..])])
        .map_err(|e| Error::invalid(format!("internal: z0 shape: {e}")))?;
    let refs_match = a_right == b_left && a.wave == b.wave;
    let transparent = match a.wave {
        WaveDef::Power => a_right.iter().all(|z| z.im == 0.0),
        WaveDef::Pseudo | WaveDef::Traveling => true,
    };
    let s = if refs_match && transparent {
        cascade_s(a.s.view(), b.s.view())?
    } else {
        let pseudo = WaveDef::Pseudo;
        let a_p = change_reference(
            a.s.view(),
            a.z0.view(),
            a.wave,
            a.z0.view(),
            pseudo,
            "cascade",
        )?;
        let z0_b: Array2<Complex64> = concatenate(Axis(1), &[a_right, b.z0.slice(s![.., h..])])
            .map_err(|e| Error::invalid(format!("internal: z0 shape: {e}")))?;
        let b_p = change_reference(
            b.s.view(),
            b.z0.view(),
            b.wave,
            z0_b.view(),
            pseudo,
            "cascade",
        )?;
        let c = cascade_s(a_p.view(), b_p.view())?;
        change_reference(
            c.view(),
            z0_out.view(),
            pseudo,
            z0_out.view(),
            a.wave,
            "cascade",
        )?
    };
    let mut net = a.derived(a.frequency_hz.clone(), s, z0_out, a.wave);
    net.comments.clear();
    net.port_names = match (&a.port_names, &b.port_names) {
        (Some(pa), Some(pb)) if pa.len() == 2 * h && pb.len() == 2 * h => {
            Some(pa[..h].iter().chain(&pb[h..]).cloned().collect())
        }
        _ => None,
    };
    Ok(net)
}

/// Errors unless the two networks have bit-for-bit the same frequencies.
pub(crate) fn check_same_grid(a: &Network, b: &Network) -> Result<()> {
    if a.frequency_hz.len() != b.frequency_hz.len() {
        return Err(Error::invalid(format!(
            "frequency grids differ: {} points vs {}",
            a.frequency_hz.len(),
            b.frequency_hz.len()
        )));
    }
    if let Some((k, (fa, fb))) = a
        .frequency_hz
        .iter()
        .zip(b.frequency_hz.iter())
        .enumerate()
        .find(|(_, (fa, fb))| fa != fb)
    {
        return Err(Error::invalid(format!(
            "frequency grids differ at index {k}: {fa} Hz vs {fb} Hz (interpolate one first)"
        )));
    }
    Ok(())
}

impl Network {
    /// The network seen at `ports` (0-based, in the order given) with every other port
    /// terminated in its reference impedance: `S[ports, ports]`, `z0[:, ports]`. Noise
    /// parameters are kept only when `ports` is `[0, 1]` of a two-port.
    ///
    /// Errors: empty `ports`, a port out of range, or a port listed twice.
    pub fn subnetwork(&self, ports: &[usize]) -> Result<Network> {
        self.check_shapes()?;
        let n = self.nports();
        if ports.is_empty() {
            return Err(Error::invalid("subnetwork needs at least one port"));
        }
        let mut seen = vec![false; n];
        for &p in ports {
            if p >= n {
                return Err(Error::invalid(format!(
                    "port index {p} (0-based) out of range for a {n}-port"
                )));
            }
            if std::mem::replace(&mut seen[p], true) {
                return Err(Error::invalid(format!("port index {p} listed twice")));
            }
        }
        let m = ports.len();
        let s = Array3::from_shape_fn((self.nfreq(), m, m), |(k, i, j)| {
            self.s[[k, ports[i], ports[j]]]
        });
        let z0 = Array2::from_shape_fn((self.nfreq(), m), |(k, i)| self.z0[[k, ports[i]]]);
        let mut net = self.derived(self.frequency_hz.clone(), s, z0, self.wave);
        net.port_names = self
            .port_names
            .as_ref()
            .filter(|names| names.len() == n)
            .map(|names| ports.iter().map(|&p| names[p].clone()).collect());
        if n == 2 && ports == [0, 1] {
            net.noise = self.noise.clone();
        }
        Ok(net)
    }
}

#[cfg(test)]
mod tests;
