//! Mixed-mode (differential / common-mode) scattering parameters of a single-ended 2k-port
//! (Bockelman & Eisenstadt 1995, "Combined differential and common-mode scattering parameters:
//! theory and simulation", IEEE Trans. MTT 43(7); scikit-rf's `se2gmm`/`gmm2se`).
//!
//! # Pairings
//!
//! Each mixed-mode port is a pair of single-ended ports `(positive, negative)`. For a 4-port:
//!
//! ```text
//!   Sequential "1-2/3-4"          Interleaved "1-3/2-4"          mixed-mode result
//!        +-------+                     +-------+                   +-------+
//!   1 ---|       |--- 3           1 ---|       |--- 2        D1 ===|       |=== D2
//!   2 ---|       |--- 4           3 ---|       |--- 4        C1    |       |    C2
//!        +-------+                     +-------+                   +-------+
//!   pair 1 = (1, 2)               pair 1 = (1, 3)
//!   pair 2 = (3, 4)               pair 2 = (2, 4)
//! ```
//!
//! In general `Sequential` pairs `(1,2), (3,4), …` and `Interleaved` pairs port `i` with
//! `i + n/2`; `Explicit` lists the pairs. Mixed-mode ports are ordered `[D1..Dk, C1..Ck]`, so a
//! 4-port's mixed-mode matrix is `[[SDD, SDC], [SCD, SCC]]`.
//!
//! # Transformation
//!
//! For pair `i = (p, n)`: `a_Di = (a_p − a_n)/√2`, `a_Ci = (a_p + a_n)/√2`, and likewise for `b`.
//! With the orthogonal matrix `M` whose row `Di` is `(e_p − e_n)/√2` and row `Ci` is
//! `(e_p + e_n)/√2`: `S_mm = M S Mᵀ` and `S = Mᵀ S_mm M`. For example (sequential 4-port)
//! `SDD11 = (S11 − S12 − S21 + S22)/2`.
//!
//! The transformation is exact when the two ports of each pair have equal (uncoupled)
//! references `z0`; the mixed-mode references are then `2 z0` (differential) and `z0/2`
//! (common), for any [`WaveDef`](super::WaveDef). Unequal references are an error in
//! [`mixed_mode_z0`] and [`Network::to_mixed_mode`]: renormalise first.

use ndarray::{Array2, Array3, ArrayView2, ArrayView3, s};
use num_complex::Complex64;

use super::Network;
use super::linalg::square_dims;
use crate::error::{Error, Result};

/// How single-ended ports pair up into mixed-mode ports (see the module doc). There is no
/// default: the choice is always the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortPairing {
    /// `(1,2), (3,4), …`: ports 1-2 form pair 1.
    Sequential,
    /// Port `i` pairs with `i + n/2`: for 4 ports `(1,3), (2,4)`.
    Interleaved,
    /// Explicit 0-based `(positive, negative)` pairs, in mixed-mode port order.
    Explicit(Vec<(usize, usize)>),
}

impl PortPairing {
    /// Parses `"sequential"`, `"interleaved"` (any case) or a list of 1-based `p-n` pairs
    /// separated by `/` or `,` (`"1-2/3-4"`, `"1-3/2-4"`, `"1-2,3-4,5-6"`), which becomes
    /// [`PortPairing::Explicit`]. On a 4-port `"1-2/3-4"` pairs exactly as `Sequential` and
    /// `"1-3/2-4"` as `Interleaved`. Whether the pairs fit a network is checked by
    /// [`PortPairing::pairs`].
    pub fn parse(text: &str) -> Result<PortPairing> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("sequential") {
            return Ok(PortPairing::Sequential);
        }
        if t.eq_ignore_ascii_case("interleaved") {
            return Ok(PortPairing::Interleaved);
        }
        let bad = |why: &str| Error::invalid(format!("port pairing {text:?}: {why}"));
        let mut pairs = Vec::new();
        for token in t.split(['/', ',']) {
            let token = token.trim();
            let mut ends = token.split('-');
            let (Some(p), Some(n), None) = (ends.next(), ends.next(), ends.next()) else {
                return Err(bad(&format!("{token:?} is not of the form p-n")));
            };
            let port = |x: &str| -> Result<usize> {
                match x.trim().parse::<usize>() {
                    Ok(v) if v >= 1 => Ok(v - 1),
                    _ => Err(bad(&format!(
                        "{x:?} is not a port number (ports count from 1)"
                    ))),
                }
            };
            pairs.push((port(p)?, port(n)?));
        }
        Ok(PortPairing::Explicit(pairs))
    }

    /// The 0-based `(positive, negative)` pairs for an `nports`-port, checked: `nports` even and
    /// non-zero, every port in range and used exactly once.
    pub fn pairs(&self, nports: usize) -> Result<Vec<(usize, usize)>> {
        if nports == 0 || !nports.is_multiple_of(2) {
            return Err(Error::invalid(format!(
                "mixed-mode conversion needs an even, non-zero number of ports, got {nports}"
            )));
        }
        let k = nports / 2;
        let pairs: Vec<(usize, usize)> = match self {
            PortPairing::Sequential => (0..k).map(|i| (2 * i, 2 * i + 1)).collect(),
            PortPairing::Interleaved => (0..k).map(|i| (i, i + k)).collect(),
            PortPairing::Explicit(p) => p.clone(),
        };
        if pairs.len() != k {
            return Err(Error::invalid(format!(
                "{} pairs given for a {nports}-port, which needs {k}",
                pairs.len()
            )));
        }
        let mut used = vec![false; nports];
        for &(p, n) in &pairs {
            for port in [p, n] {
                if port >= nports {
                    return Err(Error::invalid(format!(
                        "port {} is out of range for a {nports}-port",
                        port + 1
                    )));
                }
                if std::mem::replace(&mut used[port], true) {
                    return Err(Error::invalid(format!(
                        "port {} is used more than once",
                        port + 1
                    )));
                }
            }
        }
        Ok(pairs)
    }
}

/// For each mixed-mode port `[D1..Dk, C1..Ck]`: `(positive, negative, sign of the negative)`.
fn mixed_mode_rows(pairs: &[(usize, usize)]) -> Vec<(usize, usize, f64)> {
    let diff = pairs.iter().map(|&(p, n)| (p, n, -1.0));
    let common = pairs.iter().map(|&(p, n)| (p, n, 1.0));
    diff.chain(common).collect()
}

/// Single-ended `[nfreq, 2k, 2k]` to mixed-mode `[nfreq, 2k, 2k]` ordered `[D1..Dk, C1..Ck]`:
/// `S_mm = M S Mᵀ` (module doc; Bockelman & Eisenstadt 1995). Errors for bad
/// pairings (odd port count, port out of range or repeated, wrong number of pairs).
pub fn se2mm(s: ArrayView3<Complex64>, pairing: &PortPairing) -> Result<Array3<Complex64>> {
    let (nf, n) = square_dims(&s, "S")?;
    let rows = mixed_mode_rows(&pairing.pairs(n)?);
    Ok(Array3::from_shape_fn((nf, n, n), |(k, r, c)| {
        let (pr, nr, sr) = rows[r];
        let (pc, nc, sc) = rows[c];
        0.5 * (s[[k, pr, pc]]
            + sc * s[[k, pr, nc]]
            + sr * s[[k, nr, pc]]
            + sr * sc * s[[k, nr, nc]])
    }))
}

/// Mixed-mode `[D1..Dk, C1..Ck]` back to single-ended: `S = Mᵀ S_mm M`, the inverse of
/// [`se2mm`] for the same pairing.
pub fn mm2se(smm: ArrayView3<Complex64>, pairing: &PortPairing) -> Result<Array3<Complex64>> {
    let (nf, n) = square_dims(&smm, "mixed-mode S")?;
    let pairs = pairing.pairs(n)?;
    let k = n / 2;
    // For each single-ended port: its pair index and polarity (+1 positive, −1 negative).
    let mut owner = vec![(0usize, 0.0f64); n];
    for (i, &(p, m)) in pairs.iter().enumerate() {
        owner[p] = (i, 1.0);
        owner[m] = (i, -1.0);
    }
    Ok(Array3::from_shape_fn((nf, n, n), |(f, x, y)| {
        let (i, sx) = owner[x];
        let (j, sy) = owner[y];
        0.5 * (sx * sy * smm[[f, i, j]]
            + sx * smm[[f, i, k + j]]
            + sy * smm[[f, k + i, j]]
            + smm[[f, k + i, k + j]])
    }))
}

fn block(smm: ArrayView3<Complex64>, row: usize, col: usize) -> Result<Array3<Complex64>> {
    let (_, n) = square_dims(&smm, "mixed-mode S")?;
    if n == 0 || !n.is_multiple_of(2) {
        return Err(Error::invalid(format!(
            "a mixed-mode matrix has an even, non-zero size, got {n}"
        )));
    }
    let k = n / 2;
    Ok(smm
        .slice(s![.., row * k..(row + 1) * k, col * k..(col + 1) * k])
        .to_owned())
}

/// Differential-to-differential block `SDD` (`[nfreq, k, k]`) of a mixed-mode matrix.
pub fn sdd(smm: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    block(smm, 0, 0)
}

/// `SDC`: differential response to common-mode stimulus.
pub fn sdc(smm: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    block(smm, 0, 1)
}

/// `SCD`: common-mode response to differential stimulus.
pub fn scd(smm: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    block(smm, 1, 0)
}

/// Common-to-common block `SCC`.
pub fn scc(smm: ArrayView3<Complex64>) -> Result<Array3<Complex64>> {
    block(smm, 1, 1)
}

/// Relative tolerance for "equal" references within a pair.
const PAIR_Z0_RTOL: f64 = 1e-12;

/// Mixed-mode references `[nfreq, 2k]` ordered `[D1..Dk, C1..Ck]`: `2 z0` for differential and
/// `z0/2` for common mode, where `z0` is the (equal, uncoupled) reference of the pair's two
/// ports. Errors when the two ports of a pair have references differing by more than 1e-12
/// relative, since the transformation of [`se2mm`] is then not exact.
pub fn mixed_mode_z0(
    z0: ArrayView2<Complex64>,
    pairing: &PortPairing,
) -> Result<Array2<Complex64>> {
    let (nf, n) = z0.dim();
    let pairs = pairing.pairs(n)?;
    let k = n / 2;
    let mut out = Array2::zeros((nf, n));
    for f in 0..nf {
        for (i, &(p, m)) in pairs.iter().enumerate() {
            let (zp, zm) = (z0[[f, p]], z0[[f, m]]);
            if (zp - zm).norm() > PAIR_Z0_RTOL * zp.norm().max(zm.norm()) {
                return Err(Error::invalid(format!(
                    "ports {} and {} have different references ({zp} and {zm} ohm at frequency \
                     index {f}); renormalise them to a common reference first",
                    p + 1,
                    m + 1
                )));
            }
            out[[f, i]] = 2.0 * zp;
            out[[f, k + i]] = 0.5 * zp;
        }
    }
    Ok(out)
}

impl Network {
    /// The mixed-mode network ([`se2mm`], [`mixed_mode_z0`]) with ports named `D1..Dk, C1..Ck`,
    /// in the same wave definition. Noise parameters are dropped.
    pub fn to_mixed_mode(&self, pairing: &PortPairing) -> Result<Network> {
        self.check_shapes()?;
        let z0 = mixed_mode_z0(self.z0.view(), pairing)?;
        let s = se2mm(self.s.view(), pairing)?;
        let k = self.nports() / 2;
        let mut net = self.derived(self.frequency_hz.clone(), s, z0, self.wave);
        let names = (1..=k)
            .map(|i| format!("D{i}"))
            .chain((1..=k).map(|i| format!("C{i}")));
        net.port_names = Some(names.collect());
        Ok(net)
    }

    /// The differential-mode network alone: the `SDD` block of [`Network::to_mixed_mode`]
    /// (ports `D1..Dk`, references `2 z0`). For a 4-port with `pairing` `1-3/2-4` this is the
    /// differential two-port whose `S[1,0]` is SDD21.
    pub fn differential(&self, pairing: &PortPairing) -> Result<Network> {
        let mm = self.to_mixed_mode(pairing)?;
        let k = self.nports() / 2;
        let s = sdd(mm.s.view())?;
        let z0 = mm.z0.slice(s![.., 0..k]).to_owned();
        let mut net = self.derived(self.frequency_hz.clone(), s, z0, self.wave);
        net.port_names = Some((1..=k).map(|i| format!("D{i}")).collect());
        Ok(net)
    }
}

#[cfg(test)]
mod tests;
