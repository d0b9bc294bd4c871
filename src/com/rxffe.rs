//! The MMSE receiver FFE of COM (IEEE P802.3dj Annex 178A.1.6, equations 178A-17…36, as
//! PyChOpMarg 3.4.0's `optimize.mmse()` and MATLAB COM's `MMSE()` compute it), with the
//! floating taps of 178A.1.8.1 (MATLAB COM's `FOM_rxffe_floating_taps()`).
//!
//! For each cursor time `t_s` in the search range, the victim pulse (Tx FFE and CTLE applied,
//! delayed by the FFE's `d_w` pre-cursor taps) is sampled once per UI, `h`, with the cursor at
//! `d = ⌊t_s/M⌋ + d_w`. The FFE taps `w`, DFE taps `b` and Lagrange multiplier `λ` solve the
//! bordered system (178A-33, unit cursor constraint `h0·w = 1`)
//!
//! ```text
//! [  R    −H_bᵀ  −h0 ] [w]   [h0]
//! [ −H_b    I     0  ] [b] = [ 0]      R = toeplitz(r_hh) + toeplitz(R_n)/σ_X²
//! [  h0ᵀ    0     0  ] [λ]   [ 1]
//! ```
//!
//! with `r_hh` the autocorrelation of `h` and `R_n` that of the noise at the FFE input: the folded
//! PSDs of the Rx noise (93A-35), crosstalk at each aggressor's own phase (178A-20), Tx noise
//! (178A-21) and jitter (178A-23). DFE taps beyond their limits are clipped and the FFE re-solved;
//! FFE taps are clipped relative to the cursor tap (178A-26) and renormalised to `h0·w = 1`. The
//! MSE is 178A-35 and the figure of merit `20·log10(R_LM/(L−1)/√MSE)` (178A-36).

use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;

use super::channel::{irfft, rfft};
use super::config::{ComConfig, RxFfeConfig};
use super::noise::quant_step;
use super::search::{CtleState, agg_phase, cursor_times, decimate, var_x};
use super::txffe::apply_tx;
use crate::error::{Error, Result};

/// `irfft(S, 2(n_bins − 1))[..n_lags]` for a real folded spectrum `S` (the autocorrelation of
/// the noise it describes, per lag of one UI, times `T_b`).
pub(crate) fn spectrum_lags(s: &[f64], n_bins: usize, n_lags: usize) -> Vec<f64> {
    let spec: Vec<Complex64> = s[..n_bins]
        .iter()
        .map(|&v| Complex64::new(v, 0.0))
        .collect();
    let mut r = irfft(&spec, 2 * (n_bins - 1));
    r.resize(n_lags.max(r.len()), 0.0);
    r.truncate(n_lags);
    r
}

/// `irfft(|rfft(x)|², 2(n_bins − 1))[..n_lags]`: the circular autocorrelation of `x` when it
/// has `2(n_bins − 1)` samples, as PyChOpMarg forms it otherwise.
pub(crate) fn psd_lags(x: &[f64], n_bins: usize, n_lags: usize) -> Vec<f64> {
    let s: Vec<f64> = rfft(x).iter().map(|z| z.norm_sqr()).collect();
    spectrum_lags(&s, n_bins.min(s.len()), n_lags)
}

/// `Σ_i x[i]·x[i + k]` for lags `k < n_lags` (linear, not circular), by FFT on a grid long
/// enough that nothing wraps.
pub(crate) fn linear_autocorrelation(x: &[f64], n_lags: usize) -> Vec<f64> {
    let n = (x.len() + n_lags).next_power_of_two();
    let mut padded = x.to_vec();
    padded.resize(n, 0.0);
    let s: Vec<Complex64> = rfft(&padded)
        .iter()
        .map(|z| Complex64::new(z.norm_sqr(), 0.0))
        .collect();
    let mut r = irfft(&s, n);
    r.truncate(n_lags);
    r
}

/// Circular delay by `k` samples.
pub(crate) fn delay(p: &[f64], k: usize) -> Vec<f64> {
    let n = p.len();
    let k = k % n;
    let mut out = Vec::with_capacity(n);
    out.extend_from_slice(&p[n - k..]);
    out.extend_from_slice(&p[..n - k]);
    out
}

/// The slope of the pulse about each per-UI sample of phase `ph` (178A-23, central difference
/// over one sample each side, zero outside the record), V/s.
pub(crate) fn slopes(p: &[f64], ph: usize, m: usize, dt: f64) -> Vec<f64> {
    let n = p.len();
    (0..n / m)
        .map(|k| {
            let i = ph + k * m;
            let hi = if i + 1 < n { p[i + 1] } else { 0.0 };
            let lo = if i >= 1 { p[i - 1] } else { 0.0 };
            (hi - lo) / (2.0 * dt)
        })
        .collect()
}

/// The noise autocorrelation lags of one CTLE setting that do not depend on the Tx FFE:
/// Rx noise plus NEXT, and the Tx noise per sampling phase, V².
pub struct FixedLags {
    pub rx_next: Vec<f64>,
    pub tx: Vec<Vec<f64>>,
}

impl FixedLags {
    /// From the Rx noise's folded spectrum `srn` (`T_b`-scaled, as PyChOpMarg's `Srn`).
    pub fn new(cfg: &ComConfig, st: &CtleState, srn: &[f64]) -> FixedLags {
        let m = cfg.samples_per_ui;
        let nw = cfg.rx_ffe.n_taps();
        let tb = cfg.ui_s();
        let nb = st.n_bins;
        let n_ui = st.vic0.len() / m;
        let vx = var_x(cfg.levels);
        let mut rx_next: Vec<f64> = spectrum_lags(srn, nb, nw).iter().map(|v| v / tb).collect();
        for p in &st.next {
            let (ph, _) = agg_phase(p, m);
            let r = psd_lags(&decimate(&p[..n_ui * m], ph, m), nb, nw);
            rx_next.iter_mut().zip(&r).for_each(|(a, b)| *a += vx * b);
        }
        let snr = 10f64.powf(-cfg.snr_tx_db / 10.0);
        let tx = (0..m)
            .map(|ph| {
                psd_lags(&decimate(&st.vic0, ph, m), nb, nw)
                    .iter()
                    .map(|v| snr * v)
                    .collect()
            })
            .collect();
        FixedLags { rx_next, tx }
    }
}

/// One MMSE solution (178A-33…36) for a set of FFE positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub fom_db: f64,
    pub mse_v2: f64,
    /// FFE taps at the chosen positions (cursor-constrained, `h0·w = 1`).
    pub w: Vec<f64>,
    pub b: Vec<f64>,
}

/// The rows of the per-UI convolution matrix the solution needs: `H[d + r][i] = h[d + r − i]`
/// for the cursor (`r = 0`) and the DFE taps (`r = 1…N_b`), every FFE position `i`.
fn conv_rows(h: &[f64], d: usize, nb: usize, nw: usize) -> Vec<Vec<f64>> {
    (0..=nb)
        .map(|r| {
            (0..nw)
                .map(|i| {
                    let k = (d + r) as i64 - i as i64;
                    if k >= 0 && (k as usize) < h.len() {
                        h[k as usize]
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

/// The unit-cursor MMSE solution of 178A-33 by Cholesky: eliminating `b = H_b·w` leaves
/// `R'·w = (1 + λ)·h0` with `R' = R − H_bᵀH_b` (positive definite: `R` is `HᵀH` plus noise and
/// `H_bᵀH_b` removes the DFE's rows of `HᵀH`), so `w = R'⁻¹h0 / (h0ᵀR'⁻¹h0)`. `None` when `R'`
/// is not positive definite (then use [`bordered_solve`]).
fn unit_cursor_solve(
    r: &DMatrix<f64>,
    h0: &[f64],
    hb: &[Vec<f64>],
) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = h0.len();
    let mut rp = r.clone();
    for row in hb {
        for i in 0..n {
            for j in 0..n {
                rp[(i, j)] -= row[i] * row[j];
            }
        }
    }
    let u = rp.cholesky()?.solve(&DVector::from_column_slice(h0));
    let q: f64 = u.iter().zip(h0).map(|(a, b)| a * b).sum();
    if !(q.is_finite() && q != 0.0) {
        return None;
    }
    let w: Vec<f64> = u.iter().map(|v| v / q).collect();
    let b = hb
        .iter()
        .map(|row| row.iter().zip(&w).map(|(a, b)| a * b).sum())
        .collect();
    Some((w, b))
}

/// The bordered system of 178A-33 solved directly by LU (PyChOpMarg `_mmse_solve`), the
/// reference for [`unit_cursor_solve`].
fn bordered_solve(r: &DMatrix<f64>, h0: &[f64], hb: &[Vec<f64>]) -> Option<(Vec<f64>, Vec<f64>)> {
    let (n, nb) = (h0.len(), hb.len());
    let size = n + nb + 1;
    let mut a = DMatrix::zeros(size, size);
    a.view_mut((0, 0), (n, n)).copy_from(r);
    for k in 0..nb {
        for i in 0..n {
            a[(i, n + k)] = -hb[k][i];
            a[(n + k, i)] = -hb[k][i];
        }
        a[(n + k, n + k)] = 1.0;
    }
    for i in 0..n {
        a[(i, size - 1)] = -h0[i];
        a[(size - 1, i)] = h0[i];
    }
    let mut y = DVector::zeros(size);
    for i in 0..n {
        y[i] = h0[i];
    }
    y[size - 1] = 1.0;
    let x = a.lu().solve(&y)?;
    Some((
        x.iter().take(n).copied().collect(),
        x.iter().skip(n).take(nb).copied().collect(),
    ))
}

/// The FFE re-solved with the DFE taps fixed at their limits: `R·w − λ·h0 = h0 + c`,
/// `h0ᵀw = 1` with `c = H_bᵀb_lim`, by Cholesky of `R`:
/// `w = R⁻¹c + α·R⁻¹h0`, `α = (1 − h0ᵀR⁻¹c)/(h0ᵀR⁻¹h0)`.
fn dfe_limited_solve(r: &DMatrix<f64>, h0: &[f64], c: &[f64]) -> Option<Vec<f64>> {
    let ch = r.clone().cholesky()?;
    let v1 = ch.solve(&DVector::from_column_slice(h0));
    let v2 = ch.solve(&DVector::from_column_slice(c));
    let dot = |v: &DVector<f64>| v.iter().zip(h0).map(|(a, b)| a * b).sum::<f64>();
    let alpha = (1.0 - dot(&v2)) / dot(&v1);
    alpha.is_finite().then(|| {
        v2.iter()
            .zip(v1.iter())
            .map(|(a, b)| a + alpha * b)
            .collect()
    })
}

/// [`dfe_limited_solve`] by LU of the bordered system (PyChOpMarg's re-solve), its reference.
fn dfe_limited_bordered(r: &DMatrix<f64>, h0: &[f64], c: &[f64]) -> Option<Vec<f64>> {
    let n = h0.len();
    let mut a = DMatrix::zeros(n + 1, n + 1);
    a.view_mut((0, 0), (n, n)).copy_from(r);
    for i in 0..n {
        a[(i, n)] = -h0[i];
        a[(n, i)] = h0[i];
    }
    let mut y = DVector::zeros(n + 1);
    for i in 0..n {
        y[i] = h0[i] + c[i];
    }
    y[n] = 1.0;
    let x = a.lu().solve(&y)?;
    Some(x.iter().take(n).copied().collect())
}

/// The problem at one cursor time: `R` over the full span, the convolution rows, the limits.
struct Problem<'a> {
    r: DMatrix<f64>,
    rows: Vec<Vec<f64>>,
    cfg: &'a ComConfig,
}

impl Problem<'_> {
    /// `_mmse_solve` of PyChOpMarg for the positions `cols` (ascending; the cursor tap is
    /// `cols[dw]`).
    fn solve(&self, cols: &[usize]) -> Result<Solution> {
        let cfg = self.cfg;
        let n = cols.len();
        let nb = cfg.dfe_min.len();
        let h0: Vec<f64> = cols.iter().map(|&c| self.rows[0][c]).collect();
        let hb: Vec<Vec<f64>> = (1..=nb)
            .map(|r| cols.iter().map(|&c| self.rows[r][c]).collect())
            .collect();
        let r = DMatrix::from_fn(n, n, |i, j| self.r[(cols[i], cols[j])]);
        let singular = || Error::invalid("COM: the MMSE equations are singular (a zero pulse?)");
        let (mut w, b) = unit_cursor_solve(&r, &h0, &hb)
            .or_else(|| bordered_solve(&r, &h0, &hb))
            .ok_or_else(singular)?;
        let clamp_b = |b: &[f64]| -> Vec<f64> {
            b.iter()
                .enumerate()
                .map(|(k, v)| cfg.dfe_max[k].min(cfg.dfe_min[k].max(*v)))
                .collect()
        };
        let b_lim = clamp_b(&b);
        if b_lim != b {
            let c: Vec<f64> = (0..n)
                .map(|i| (0..nb).map(|k| hb[k][i] * b_lim[k]).sum::<f64>())
                .collect();
            w = dfe_limited_solve(&r, &h0, &c)
                .or_else(|| dfe_limited_bordered(&r, &h0, &c))
                .ok_or_else(singular)?;
        }
        Ok(finish(cfg, cols, &h0, &hb, w, b_lim, |i, j| r[(i, j)]))
    }
}

/// The end of PyChOpMarg's `_mmse_solve` for FFE taps `w` over `cols` (after any DFE-limited
/// re-solve) and DFE taps `b_lim`: the FFE limits relative to the cursor tap (178A-26,
/// `clip_taps`), renormalised to `h0·w = 1` with the DFE recomputed when any clipped, then
/// the MSE (178A-35) and FOM (178A-36). `r(i, j)` is `R` over the same positions.
fn finish(
    cfg: &ComConfig,
    cols: &[usize],
    h0: &[f64],
    hb: &[Vec<f64>],
    w: Vec<f64>,
    mut b_lim: Vec<f64>,
    r: impl Fn(usize, usize) -> f64,
) -> Solution {
    let ffe = &cfg.rx_ffe;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let curs = w[ffe.dw];
    let mut w_lim: Vec<f64> = w
        .iter()
        .zip(cols)
        .map(|(&v, &c)| (ffe.taps_max[c] * curs).min((ffe.taps_min[c] * curs).max(v)))
        .collect();
    if w_lim != w {
        let g = dot(h0, &w_lim);
        w_lim.iter_mut().for_each(|v| *v /= g);
        b_lim = hb
            .iter()
            .enumerate()
            .map(|(k, row)| cfg.dfe_max[k].min(cfg.dfe_min[k].max(dot(row, &w_lim))))
            .collect();
    }
    let n = cols.len();
    let wrw: f64 = (0..n)
        .map(|i| w_lim[i] * (0..n).map(|j| r(i, j) * w_lim[j]).sum::<f64>())
        .sum();
    let whb: f64 = hb
        .iter()
        .zip(&b_lim)
        .map(|(row, b)| dot(row, &w_lim) * b)
        .sum();
    let mse =
        var_x(cfg.levels) * (wrw + 1.0 + dot(&b_lim, &b_lim) - 2.0 * dot(&w_lim, h0) - 2.0 * whb);
    let fom_db = 20.0 * (cfg.rlm / (cfg.levels as f64 - 1.0) / mse.sqrt()).log10();
    Solution {
        fom_db,
        mse_v2: mse,
        w: w_lim,
        b: b_lim,
    }
}

/// A symmetric positive definite matrix over all FFE positions, factored on a fixed set `F`
/// so that systems over `F ∪ S` for many small blocks `S` cost a `|S|×|S|` Cholesky each:
/// `L = [[L_F, 0], [Z_Sᵀ, L_S]]` with `Z = L_F⁻¹·M_{F,·}` and `L_S = chol(M_SS − Z_SᵀZ_S)`.
struct BlockChol<'a> {
    full: &'a DMatrix<f64>,
    fixed: Vec<usize>,
    lf: DMatrix<f64>,
    z: DMatrix<f64>,
}

impl<'a> BlockChol<'a> {
    fn new(full: &'a DMatrix<f64>, fixed: &[usize]) -> Option<BlockChol<'a>> {
        let nf = fixed.len();
        let aff = DMatrix::from_fn(nf, nf, |i, j| full[(fixed[i], fixed[j])]);
        let lf = aff.cholesky()?.unpack();
        let rows = DMatrix::from_fn(nf, full.ncols(), |i, j| full[(fixed[i], j)]);
        let z = lf.solve_lower_triangular(&rows)?;
        Some(BlockChol {
            full,
            fixed: fixed.to_vec(),
            lf,
            z,
        })
    }

    /// Solves `M·x = rhs` over the positions `fixed ++ block` (in that order).
    fn solve(&self, block: &[usize], rhs: &[f64]) -> Option<Vec<f64>> {
        let (nf, k) = (self.fixed.len(), block.len());
        let zs = DMatrix::from_fn(nf, k, |i, j| self.z[(i, block[j])]);
        let mut sm = DMatrix::from_fn(k, k, |i, j| self.full[(block[i], block[j])]);
        sm -= zs.transpose() * &zs;
        let ls = sm.cholesky()?.unpack();
        let yf = self
            .lf
            .solve_lower_triangular(&DVector::from_column_slice(&rhs[..nf]))?;
        let ys = ls.solve_lower_triangular(
            &(DVector::from_column_slice(&rhs[nf..]) - zs.transpose() * &yf),
        )?;
        let xs = ls.transpose().solve_upper_triangular(&ys)?;
        let xf = self
            .lf
            .transpose()
            .solve_upper_triangular(&(yf - &zs * &xs))?;
        Some(xf.iter().chain(xs.iter()).copied().collect())
    }
}

/// The FOM of the fixed positions plus one floating block, as [`Problem::solve`] computes it,
/// with the Cholesky factors of `R'` (unconstrained) and `R` (DFE at its limits) shared by all
/// blocks; a solution that needs the FFE's tap limits is handed to [`Problem::solve`].
fn block_fom(p: &Problem, rp: &BlockChol, r: &BlockChol, block: &[usize]) -> Result<f64> {
    let cfg = p.cfg;
    let nb = cfg.dfe_min.len();
    let cols: Vec<usize> = rp.fixed.iter().chain(block).copied().collect();
    let generic = || -> Result<f64> {
        let mut sorted = cols.clone();
        sorted.sort_unstable();
        Ok(p.solve(&sorted)?.fom_db)
    };
    let h0: Vec<f64> = cols.iter().map(|&c| p.rows[0][c]).collect();
    let hb: Vec<Vec<f64>> = (1..=nb)
        .map(|k| cols.iter().map(|&c| p.rows[k][c]).collect())
        .collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let Some(u) = rp.solve(block, &h0) else {
        return generic();
    };
    let q = dot(&u, &h0);
    let mut w: Vec<f64> = u.iter().map(|v| v / q).collect();
    let b: Vec<f64> = hb.iter().map(|row| dot(row, &w)).collect();
    let b_lim: Vec<f64> = b
        .iter()
        .enumerate()
        .map(|(k, v)| cfg.dfe_max[k].min(cfg.dfe_min[k].max(*v)))
        .collect();
    if b_lim != b {
        let c: Vec<f64> = (0..cols.len())
            .map(|i| (0..nb).map(|k| hb[k][i] * b_lim[k]).sum::<f64>())
            .collect();
        let (Some(v1), Some(v2)) = (r.solve(block, &h0), r.solve(block, &c)) else {
            return generic();
        };
        let alpha = (1.0 - dot(&v2, &h0)) / dot(&v1, &h0);
        w = v2.iter().zip(&v1).map(|(a, b)| a + alpha * b).collect();
    }
    Ok(finish(cfg, &cols, &h0, &hb, w, b_lim, |i, j| {
        r.full[(cols[i], cols[j])]
    })
    .fom_db)
}

/// The FFE positions: the fixed ones, then each floating group placed in turn where it gives
/// the best FOM with the groups already placed, not overlapping them (178A.1.8.1; MATLAB COM's
/// `FOM_rxffe_floating_taps()`, earliest start on a tie).
fn float_tap_cols(p: &Problem, ffe: &RxFfeConfig) -> Result<Vec<usize>> {
    let nw = ffe.n_taps();
    let nb = p.cfg.dfe_min.len();
    // R' = R − H_bᵀH_b over every position (the DFE's rows removed), for the block solves.
    let mut r_prime = p.r.clone();
    for k in 1..=nb {
        for i in 0..nw {
            for j in 0..nw {
                r_prime[(i, j)] -= p.rows[k][i] * p.rows[k][j];
            }
        }
    }
    let mut chosen: Vec<usize> = Vec::new();
    for _ in 0..ffe.n_float_groups {
        let starts: Vec<usize> = (ffe.n_fix..(nw + 1).saturating_sub(ffe.n_float_taps))
            .filter(|&s| !(s..s + ffe.n_float_taps).any(|c| chosen.contains(&c)))
            .collect();
        let fixed: Vec<usize> = (0..ffe.n_fix).chain(chosen.iter().copied()).collect();
        let factors = BlockChol::new(&r_prime, &fixed).zip(BlockChol::new(&p.r, &fixed));
        let mut best: Option<(f64, usize)> = None;
        for &s in &starts {
            let block: Vec<usize> = (s..s + ffe.n_float_taps).collect();
            let fom = match &factors {
                Some((rp, r)) => block_fom(p, rp, r, &block)?,
                None => {
                    let mut cols: Vec<usize> = fixed.iter().copied().chain(block).collect();
                    cols.sort_unstable();
                    p.solve(&cols)?.fom_db
                }
            };
            if best.is_none_or(|(f, _)| fom > f) {
                best = Some((fom, s));
            }
        }
        let Some((_, s)) = best else { break };
        chosen.extend(s..s + ffe.n_float_taps);
    }
    chosen.sort_unstable();
    Ok((0..ffe.n_fix).chain(chosen).collect())
}

/// The best MMSE receiver for one Tx FFE candidate over the cursor search.
#[derive(Debug, Clone, PartialEq)]
pub struct Mmse {
    pub fom_db: f64,
    pub mse_v2: f64,
    /// Cursor sample in the victim pulse delayed by `d_w` UI (= in the pulse after the FFE).
    pub cursor_ix: usize,
    /// FFE taps over the full span (zeros at unused floating positions), `h0·w = 1`.
    pub taps: Vec<f64>,
    pub cols: Vec<usize>,
    pub dfe: Vec<f64>,
}

/// The MMSE FFE/DFE for the victim with Tx taps `taps` (PyChOpMarg `mmse()`, full sweep of
/// `ts_range` about the delayed pulse's peak; strictly-greater FOM wins).
pub fn mmse(cfg: &ComConfig, st: &CtleState, lags: &FixedLags, taps: &[f64]) -> Result<Mmse> {
    let m = cfg.samples_per_ui;
    let ffe = &cfg.rx_ffe;
    let nw = ffe.n_taps();
    let nb = cfg.dfe_min.len();
    let tb = cfg.ui_s();
    let dt = tb / m as f64;
    let vx = var_x(cfg.levels);
    let vic = delay(&apply_tx(&st.vic0, taps, m), ffe.dw * m);
    let n = vic.len();
    let n_ui = n / m;
    let mut xt = lags.rx_next.clone();
    for (g, p0) in st.fext_gram.iter().zip(&st.fext0) {
        // The aggressor's phase from its per-phase energy form, then the Tx FFE on the
        // per-UI samples (whole-UI circular shifts commute with sampling).
        let (ph, _) = g.best(taps);
        let x = apply_tx(&decimate(&p0[..n_ui * m], ph, m), taps, 1);
        let r = psd_lags(&x, st.n_bins, nw);
        xt.iter_mut().zip(&r).for_each(|(a, b)| *a += vx * b);
    }
    let var_jit = cfg.a_dd_ui.powi(2) + cfg.sigma_rj_ui.powi(2);
    let mut best: Option<Mmse> = None;
    for ts in cursor_times(cfg, &vic)?.samples {
        let (dh, ph) = (ts / m, ts % m);
        let h = decimate(&vic, ph, m);
        let d = dh + ffe.dw;
        let jl = psd_lags(&slopes(&vic, ph, m, dt), st.n_bins, nw);
        let mut rn: Vec<f64> = (0..nw)
            .map(|k| xt[k] + lags.tx[ph][k] + vx * var_jit * tb * tb * jl[k])
            .collect();
        if cfg.n_qb > 0 {
            // Quantisation noise (178A-28): Δ from the noise at the quantiser with only the
            // random part of the jitter (178A-31), white, so at lag 0 only.
            let var_ga = xt[0] + lags.tx[ph][0] + vx * cfg.sigma_rj_ui.powi(2) * tb * tb * jl[0];
            let q = quant_step(cfg, &h, &[], var_ga, 2001)?;
            rn[0] += q * q / 12.0;
        }
        let r_hh = linear_autocorrelation(&h, nw);
        let r = DMatrix::from_fn(nw, nw, |i, j| {
            let k = i.abs_diff(j);
            r_hh[k] + rn[k] / vx
        });
        let prob = Problem {
            r,
            rows: conv_rows(&h, d, nb, nw),
            cfg,
        };
        let cols = if ffe.has_floating() {
            float_tap_cols(&prob, ffe)?
        } else {
            (0..ffe.n_fix).collect()
        };
        let sol = prob.solve(&cols)?;
        if best.as_ref().is_none_or(|b| sol.fom_db > b.fom_db) {
            let mut full = vec![0.0; nw];
            for (&c, &w) in cols.iter().zip(&sol.w) {
                full[c] = w;
            }
            best = Some(Mmse {
                fom_db: sol.fom_db,
                mse_v2: sol.mse_v2,
                cursor_ix: ts,
                taps: full,
                cols,
                dfe: sol.b,
            });
        }
    }
    best.ok_or_else(|| Error::invalid("COM: empty cursor search range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psd_lags_are_the_circular_autocorrelation() {
        let x = [1.0, 2.0, -1.0, 0.5, 0.0, 3.0];
        let r = psd_lags(&x, 4, 4);
        for (k, rk) in r.iter().enumerate() {
            let want: f64 = (0..6).map(|i| x[i] * x[(i + k) % 6]).sum();
            assert!((rk - want).abs() < 1e-12, "lag {k}: {rk} vs {want}");
        }
    }

    #[test]
    fn linear_autocorrelation_matches_direct_sums() {
        let x: Vec<f64> = (0..37)
            .map(|i| ((i * 13 % 7) as f64 - 3.0) * 0.25)
            .collect();
        let r = linear_autocorrelation(&x, 40);
        for (k, rk) in r.iter().enumerate() {
            let want: f64 = if k < x.len() {
                x[..x.len() - k]
                    .iter()
                    .zip(&x[k..])
                    .map(|(a, b)| a * b)
                    .sum()
            } else {
                0.0
            };
            assert!((rk - want).abs() < 1e-12, "lag {k}: {rk} vs {want}");
        }
    }

    #[test]
    fn cholesky_solutions_equal_the_bordered_lu() {
        // A random positive definite R (GᵀG + I), pulse rows and DFE limits: both paths of
        // 178A-33 and of the DFE-limited re-solve agree.
        let n = 9;
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let g = DMatrix::from_fn(n + 4, n, |_, _| rnd());
        let r = g.transpose() * &g + DMatrix::identity(n, n) * 0.3;
        let h0: Vec<f64> = (0..n).map(|_| rnd()).collect();
        let hb: Vec<Vec<f64>> = (0..2)
            .map(|_| (0..n).map(|_| 0.3 * rnd()).collect())
            .collect();
        let (w1, b1) = unit_cursor_solve(&r, &h0, &hb).unwrap();
        let (w2, b2) = bordered_solve(&r, &h0, &hb).unwrap();
        for (a, b) in w1.iter().zip(&w2).chain(b1.iter().zip(&b2)) {
            assert!((a - b).abs() < 1e-10, "{a} vs {b}");
        }
        let cursor: f64 = w1.iter().zip(&h0).map(|(a, b)| a * b).sum();
        assert!((cursor - 1.0).abs() < 1e-12);
        let c: Vec<f64> = (0..n).map(|_| rnd()).collect();
        let x1 = dfe_limited_solve(&r, &h0, &c).unwrap();
        let x2 = dfe_limited_bordered(&r, &h0, &c).unwrap();
        for (a, b) in x1.iter().zip(&x2) {
            assert!((a - b).abs() < 1e-10, "{a} vs {b}");
        }
    }

    #[test]
    fn block_foms_equal_the_direct_solution() {
        // The floating-tap search's shared-factor FOMs against Problem::solve on the same
        // positions, for a pulse whose DFE tap stays inside and one that hits its limit.
        let toml = std::fs::read_to_string("../shared/com/configs/anchor_dj_d3p3_cr_hl.toml");
        let Ok(text) = toml else { return };
        let cfg = ComConfig::from_toml_str(&text).unwrap();
        let nw = cfg.rx_ffe.n_taps();
        for tail in [0.3, 1.4] {
            let h: Vec<f64> = (0..200)
                .map(|i| {
                    let x = i as f64 - 20.0;
                    if x < 0.0 {
                        0.02 * (x / 3.0).exp()
                    } else {
                        (-x / 4.0).exp() * (1.0 - tail * (x / 2.5).sin())
                    }
                })
                .collect();
            let d = 20 + cfg.rx_ffe.dw;
            let r_hh = linear_autocorrelation(&h, nw);
            let r = DMatrix::from_fn(nw, nw, |i, j| {
                r_hh[i.abs_diff(j)] + if i == j { 1e-3 } else { 0.0 }
            });
            let p = Problem {
                r,
                rows: conv_rows(&h, d, cfg.dfe_min.len(), nw),
                cfg: &cfg,
            };
            let fixed: Vec<usize> = (0..cfg.rx_ffe.n_fix).collect();
            let mut rp = p.r.clone();
            for i in 0..nw {
                for j in 0..nw {
                    rp[(i, j)] -= p.rows[1][i] * p.rows[1][j];
                }
            }
            let (a, b) = (
                BlockChol::new(&rp, &fixed).unwrap(),
                BlockChol::new(&p.r, &fixed).unwrap(),
            );
            for s in [15, 30, 60, 83] {
                let block: Vec<usize> = (s..s + 4).collect();
                let mut cols = fixed.clone();
                cols.extend(&block);
                let want = p.solve(&cols).unwrap().fom_db;
                let got = block_fom(&p, &a, &b, &block).unwrap();
                assert!(
                    (got - want).abs() < 1e-9,
                    "tail {tail}, start {s}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn delay_is_circular() {
        assert_eq!(delay(&[1.0, 2.0, 3.0, 4.0], 1), vec![4.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn conv_rows_hold_the_pulse_reversed() {
        let h = [0.1, 1.0, 0.5, 0.2];
        let rows = conv_rows(&h, 2, 1, 3);
        // cursor row: H[2][i] = h[2 − i]; DFE row: H[3][i] = h[3 − i]
        assert_eq!(rows[0], vec![0.5, 1.0, 0.1]);
        assert_eq!(rows[1], vec![0.2, 0.5, 1.0]);
    }
}
