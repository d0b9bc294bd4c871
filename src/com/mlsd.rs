//! COM for the MLSD reference receiver of IEEE P802.3dj Annex 178A.1.10 (draft D3.3), as
//! PyChOpMarg 3.4.0's `calc_mlsd()` / `mlsd.py` and MATLAB COM compute it:
//! `COM = COM_DFE + 20·log10(−P_an⁻¹(DER_MLSD)/A_s)` (178A-49), taken only when it helps.
//!
//! 1. Added Rx noise (178A.1.10.1): the factor `g_an` by which the Rx noise at the FFE output
//!    is scaled up so that the DFE's noise-and-interference quantile at DER_0 grows by
//!    ΔCOM_an dB; `p_an` is that PMF (bisection, relative tolerance 1e-6).
//! 2. The noise-and-residual-ISI autocorrelation at the FFE output (178A-56), normalised: ρ.
//! 3. DER_MLSD (178A-50): the sum over error-event lengths j of
//!    `((L−1)/L)^(j−1)·P_j(−x_j)` with `x_j = A_s·(uᵀu)^{3/2}/√(uᵀVu)` for the event shape `u`
//!    (178A-51) and `V = toeplitz(ρ)`, `P_j` the PMF of 178A-54/55 built by convolutions of
//!    `p_an` scaled by `b` and `1 − b`, truncated once a term adds < 1e-4 of the sum.

use nalgebra::DMatrix;

use super::channel::{irfft, rfft};
use super::config::ComConfig;
use super::noise::{FinalPmfs, NoiseBudget, conv_full, conv_pmfs, quant_step};
use super::rxffe::{slopes, spectrum_lags};
use super::search::{CtleState, decimate, var_x};
use crate::error::{Error, Result};

/// The MLSD's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlsd {
    pub com_dfe_db: f64,
    pub delta_com_db: f64,
    pub g_an: f64,
    pub der_mlsd: f64,
    pub n_terms: usize,
}

/// `max(conv, 0)` normalised: the full convolution of two zero-centred PMFs (zero-centred).
fn conv_full_pmf(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut p: Vec<f64> = conv_full(a, b).iter().map(|v| v.max(0.0)).collect();
    let s: f64 = p.iter().sum();
    p.iter_mut().for_each(|v| *v /= s);
    p
}

/// First index with `c[i] ≥ x` in ascending `c` (numpy `searchsorted`, side left).
fn searchsorted(c: &[f64], x: f64) -> usize {
    c.partition_point(|&v| v < x)
}

/// Drops tails holding less than `tol` symmetrically, keeping the PMF zero-centred.
pub fn trim_pmf(p: &[f64], tol: f64) -> Vec<f64> {
    let mut c = Vec::with_capacity(p.len());
    let mut acc = 0.0;
    for v in p {
        acc += v;
        c.push(acc);
    }
    let last = acc;
    let rev: Vec<f64> = c.iter().rev().map(|v| last - v).collect();
    let n = searchsorted(&c, tol)
        .min(searchsorted(&rev, tol))
        .min((p.len() - 1) / 2);
    p[n..p.len() - n].to_vec()
}

/// `np.interp(x, xp, fp, left, right)` for ascending `xp`.
fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    if x <= xp[0] {
        return fp[0];
    }
    let n = xp.len();
    if x >= xp[n - 1] {
        return fp[n - 1];
    }
    let k = xp.partition_point(|&v| v <= x);
    let (x0, x1) = (xp[k - 1], xp[k]);
    fp[k - 1] + (fp[k] - fp[k - 1]) * (x - x0) / (x1 - x0)
}

/// The PMF of `a·Y` on `Y`'s grid (178A-54/55 note): mass rebinned through the CDF, linear
/// between bin edges.
pub fn scale_pmf(p: &[f64], a: f64) -> Vec<f64> {
    let n = p.len();
    if a == 0.0 {
        let mut d = vec![0.0; n];
        d[n / 2] = 1.0;
        return d;
    }
    if a < 0.0 {
        let r: Vec<f64> = p.iter().rev().copied().collect();
        return scale_pmf(&r, -a);
    }
    let edges: Vec<f64> = (0..=n).map(|k| k as f64 - n as f64 / 2.0).collect();
    let mut cdf = Vec::with_capacity(n + 1);
    cdf.push(0.0);
    let mut acc = 0.0;
    for v in p {
        acc += v;
        cdf.push(acc);
    }
    let at: Vec<f64> = edges.iter().map(|e| interp(e / a, &edges, &cdf)).collect();
    let mut r: Vec<f64> = at.windows(2).map(|w| w[1] - w[0]).collect();
    let s: f64 = r.iter().sum();
    r.iter_mut().for_each(|v| *v /= s);
    r
}

/// A zero-mean Gaussian PMF of variance `var` on `n` zero-centred bins of `ystep`.
fn gauss_pmf(n: usize, ystep: f64, var: f64) -> Vec<f64> {
    let mut p = vec![0.0; n];
    if var <= 0.0 {
        p[n / 2] = 1.0;
        return p;
    }
    for (k, v) in p.iter_mut().enumerate() {
        let y = (k as f64 - (n / 2) as f64) * ystep;
        *v = (-y * y / (2.0 * var)).exp();
    }
    let s: f64 = p.iter().sum();
    p.iter_mut().for_each(|v| *v /= s);
    p
}

/// The `y` at which the zero-centred PMF's (unnormalised) cumulative sum first reaches `prob`.
pub fn inv_cdf(p: &[f64], ystep: f64, prob: f64) -> f64 {
    let mut acc = 0.0;
    let mut k = 0;
    for (i, v) in p.iter().enumerate() {
        acc += v;
        if acc >= prob {
            k = i;
            break;
        }
    }
    (k as f64 - (p.len() / 2) as f64) * ystep
}

/// The CDF at the first grid point at or above `y` (MATLAB COM's `CDF_ev()`).
pub fn cdf_at(p: &[f64], ystep: f64, y: f64) -> f64 {
    let n = p.len() as i64;
    let k = (y / ystep - 1e-9).ceil() as i64 + n / 2;
    if k < 0 {
        return 0.0;
    }
    if k >= n {
        return 1.0;
    }
    p[..=k as usize].iter().sum()
}

/// `g_an` and `p_an` of 178A.1.10.1 (PyChOpMarg `solve_g_an`).
fn solve_g_an(
    p_rest: &[f64],
    ystep: f64,
    var_g: f64,
    var_rn: f64,
    der0: f64,
    dcom_an_db: f64,
) -> Result<(f64, Vec<f64>)> {
    let n = p_rest.len();
    let p_an = |g: f64| conv_pmfs(p_rest, &gauss_pmf(n, ystep, var_g + g * var_rn));
    let target = inv_cdf(&p_an(0.0), ystep, der0) * 10f64.powf(dcom_an_db / 20.0);
    let (mut lo, mut hi) = (0.0, 1.0);
    let mut found = false;
    for _ in 0..200 {
        if inv_cdf(&p_an(hi), ystep, der0) <= target {
            found = true;
            break;
        }
        lo = hi;
        hi *= 2.0;
    }
    if !found {
        return Err(Error::invalid(format!(
            "COM MLSD: no added Rx noise (variance {var_rn:.3e} V²) gives a {dcom_an_db} dB penalty"
        )));
    }
    while hi - lo > 1e-6 * hi {
        let g = (lo + hi) / 2.0;
        if inv_cdf(&p_an(g), ystep, der0) <= target {
            hi = g;
        } else {
            lo = g;
        }
    }
    Ok((hi, p_an(hi)))
}

/// DER_MLSD (178A-50) and the number of terms summed.
pub fn der_mlsd(
    p_an: &[f64],
    ystep: f64,
    a_s: f64,
    b: f64,
    rho: &[f64],
    levels: usize,
) -> (f64, usize) {
    let max_j = rho.len().saturating_sub(1);
    let p_1mb = trim_pmf(&scale_pmf(p_an, 1.0 - b), 1e-30);
    let mut p_j = trim_pmf(
        &conv_full_pmf(p_an, &trim_pmf(&scale_pmf(p_an, b), 1e-30)),
        1e-30,
    );
    let l = levels as f64;
    let mut der = 0.0;
    let mut j_last = 0;
    for j in 1..=max_j {
        j_last = j;
        let mut u = vec![1.0];
        for i in 2..=j {
            u.push(if (i - 1) % 2 == 0 { 1.0 } else { -1.0 } * (1.0 - b));
        }
        u.push(if (j + 1) % 2 == 0 { 1.0 } else { -1.0 } * b);
        let v = DMatrix::from_fn(j + 1, j + 1, |r, c| rho[r.abs_diff(c)]);
        let uu: f64 = u.iter().map(|x| x * x).sum();
        let uv = nalgebra::DVector::from_column_slice(&u);
        let uvu = uv.dot(&(&v * &uv));
        let x = a_s * uu.powf(1.5) / uvu.sqrt();
        let term = ((l - 1.0) / l).powi(j as i32 - 1) * cdf_at(&p_j, ystep, -x);
        der += term;
        if term <= 1e-4 * der {
            break;
        }
        p_j = trim_pmf(&conv_full_pmf(&p_j, &p_1mb), 1e-30);
    }
    (der, j_last)
}

/// `s += k·t` elementwise.
fn add(s: &mut [f64], t: &[f64], k: f64) {
    s.iter_mut().zip(t).for_each(|(a, b)| *a += k * b);
}

fn power_spectrum(x: &[f64]) -> Vec<f64> {
    rfft(x).iter().map(|z| z.norm_sqr()).collect()
}

/// The MLSD's ΔCOM for the final COM (`budget`, `pmfs`) with Tx taps `taps`, Rx FFE `rx`,
/// aggressor pulses at the FFE input `pre` (FEXT with the Tx FFE, NEXT) and the cursor.
#[allow(clippy::too_many_arguments)]
pub fn mlsd(
    cfg: &ComConfig,
    st: &CtleState,
    budget: &NoiseBudget,
    pmfs: &FinalPmfs,
    pre: &[Vec<f64>],
    rx: &[f64],
    cursor_ix: usize,
) -> Result<Mlsd> {
    let m = cfg.samples_per_ui;
    let tb = cfg.ui_s();
    let dt = tb / m as f64;
    let vx = var_x(cfg.levels);
    let ph = cursor_ix % m;
    let nb = st.n_bins;
    let nn = 2 * (nb - 1);
    let mut sn: Vec<f64> = st.srn[..nb].to_vec();
    let mut sga = sn.clone();
    for (p, &i) in pre.iter().zip(&budget.xt_phases) {
        let x = power_spectrum(&decimate(p, i, m));
        add(&mut sn, &x, vx * tb);
        add(&mut sga, &x, vx * tb);
    }
    let snr = 10f64.powf(-cfg.snr_tx_db / 10.0);
    let t = power_spectrum(&decimate(&st.vic0, ph, m));
    add(&mut sn, &t, tb * snr);
    add(&mut sga, &t, tb * snr);
    let hj = power_spectrum(&slopes(&pmfs.pre_vic, ph, m, dt));
    let jit = (cfg.a_dd_ui.powi(2) + cfg.sigma_rj_ui.powi(2)) * vx * tb * tb * tb;
    add(&mut sn, &hj, jit);
    add(&mut sga, &hj, cfg.sigma_rj_ui.powi(2) * vx * tb * tb * tb);
    // Quantisation noise at the FFE input as in the search (178A-28, Δ with 2001 bins).
    let var_ga = spectrum_lags(&sga, nb, 1)[0] / tb;
    let q = quant_step(cfg, &decimate(&pmfs.pre_vic, ph, m), &[], var_ga, 2001)?;
    sn.iter_mut().for_each(|v| *v += tb * q * q / 12.0);
    let mut w = rx.to_vec();
    w.resize(nn, 0.0);
    let hw2 = power_spectrum(&w);
    let srn_w: Vec<f64> = st.srn[..nb].iter().zip(&hw2).map(|(a, b)| a * b).collect();
    let mut hisi = pmfs.hisi.clone();
    hisi.resize(nn, 0.0);
    let sisi: Vec<f64> = power_spectrum(&hisi).iter().map(|v| vx * v * tb).collect();
    let ani = budget.ani_v;
    let ystep = pmfs.ystep;
    let pad = (4.0 * ani * 10f64.powf(cfg.dcom_an_db / 20.0) / ystep)
        .ceil()
        .max(0.0) as usize;
    if pad > 20_000_000 {
        return Err(Error::invalid(
            "COM MLSD: the noise grid would be too large",
        ));
    }
    let core = conv_pmfs(
        &conv_pmfs(&conv_pmfs(&pmfs.pisi, &pmfs.pj), &pmfs.pxt),
        &pmfs.pq,
    );
    let mut p_rest = vec![0.0; pad];
    p_rest.extend_from_slice(&core);
    p_rest.resize(core.len() + 2 * pad, 0.0);
    let var_rn_w = spectrum_lags(&srn_w, nb, 1)[0] / tb;
    let (g_an, p_an) = solve_g_an(
        &p_rest,
        ystep,
        pmfs.var_g,
        var_rn_w,
        cfg.der0,
        cfg.dcom_an_db,
    )?;
    let sni: Vec<num_complex::Complex64> = (0..nb)
        .map(|k| num_complex::Complex64::new(sn[k] * hw2[k] + g_an * srn_w[k] + sisi[k], 0.0))
        .collect();
    let rni = irfft(&sni, nn);
    let rho: Vec<f64> = rni.iter().map(|v| v / rni[0]).collect();
    let b = budget.dfe_taps.first().copied().unwrap_or(0.0);
    let (der, n_terms) = der_mlsd(&p_an, ystep, budget.as_v, b, &rho, cfg.levels);
    let delta = 20.0 * (-inv_cdf(&p_an, ystep, der) / budget.as_v).log10();
    Ok(Mlsd {
        com_dfe_db: budget.com_db,
        delta_com_db: delta,
        g_an,
        der_mlsd: der,
        n_terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_a_pmf_by_two_spreads_it() {
        // Y uniform within its bins −1, 0, 1 (mass ¼, ½, ¼); 2Y spreads the centre over [−1, 1]
        // and the sides over ±[1, 3]; rebinned on edges ±0.5, ±1.5, ±2.5, ±3.5 (worked by hand)
        let p = [0.0, 0.0, 0.25, 0.5, 0.25, 0.0, 0.0];
        let q = scale_pmf(&p, 2.0);
        let want = [0.0625, 0.125, 0.1875, 0.25, 0.1875, 0.125, 0.0625];
        for (a, b) in q.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{q:?}");
        }
        assert_eq!(scale_pmf(&p, 0.0)[3], 1.0);
        assert_eq!(scale_pmf(&p, -2.0), q, "symmetric");
    }

    #[test]
    fn trim_keeps_the_centre() {
        let p = [0.0, 0.0, 0.2, 0.6, 0.2, 0.0, 1e-40];
        assert_eq!(trim_pmf(&p, 1e-30), vec![0.2, 0.6, 0.2]);
    }

    #[test]
    fn cdf_and_inverse_agree() {
        let p = [0.1, 0.2, 0.4, 0.2, 0.1];
        assert!((cdf_at(&p, 1.0, -1.0) - 0.3).abs() < 1e-15);
        assert_eq!(inv_cdf(&p, 1.0, 0.3), -1.0);
        assert_eq!(cdf_at(&p, 1.0, -9.0), 0.0);
        assert_eq!(cdf_at(&p, 1.0, 9.0), 1.0);
    }
}
