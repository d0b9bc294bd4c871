//! COM's final noise and interference (IEEE 802.3 Annex 93A.1.7, with the 178A updates as
//! PyChOpMarg 3.4.0 computes them): signal amplitude A_s (93A-23), ISI at the cursor phase
//! with DFE cancellation (93A-26/27), crosstalk delta-PMFs at each aggressor's phase (93A-40,
//! 178A-20), Gaussian Tx (178A-21), RJ (93A-31) and Rx (93A-35) noise, dual-Dirac jitter as a
//! delta-PMF, the convolution (93A-45) and A_ni at DER_0, COM = 20·log10(A_s/A_ni) (93A-1).

use super::channel::{SystemGrid, irfft, rfft};
use super::config::ComConfig;
use num_complex::Complex64;

use super::rxffe::{delay, psd_lags, slopes};
use super::search::{CtleState, agg_phase, decimate, power_lag0, var_x};
use super::txffe::apply_tx;
use crate::error::{Error, Result};
use crate::kernels::accumulate::add_assign;

/// The noise budget of the final COM, V (rms) and the result.
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseBudget {
    pub as_v: f64,
    pub ani_v: f64,
    pub com_db: f64,
    pub sigma_tx_v: f64,
    pub sigma_g_v: f64,
    pub sigma_n_v: f64,
    pub sigma_j_v: f64,
    pub sigma_isi_v: f64,
    pub sigma_xt_v: f64,
    /// Quantisation noise at the detector σ_Q (178A-46) and the step Δ (178A-29), V.
    pub sigma_q_v: f64,
    pub quant_step_v: f64,
    pub dfe_taps: Vec<f64>,
    pub xt_phases: Vec<usize>,
}

/// Samples with |x| > 1e-3·A_s (Note 2 of 93A.1.7.1).
fn filt(x: &[f64], a_s: f64) -> Vec<f64> {
    x.iter().copied().filter(|v| v.abs() > a_s * 1e-3).collect()
}

/// numpy's round-half-to-even.
fn round_even(x: f64) -> i64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        (2.0 * (x / 2.0).round()) as i64
    } else {
        r as i64
    }
}

/// The delta-PMF of a set of samples on the grid (93A-39/40), as MATLAB COM / PyChOpMarg:
/// each sample's L level shifts rounded to bins, zero shifts dropped, renormalised each step.
pub fn delta_pmf(h: &[f64], levels: usize, npts: usize, ystep: f64) -> Result<Vec<f64>> {
    let zero = npts / 2;
    let l = levels as f64;
    let mut p = vec![0.0; npts];
    p[zero] = 1.0;
    let mut q = vec![0.0; npts];
    let (mut lo, mut hi) = (zero as i64, zero as i64 + 1);
    for &x in h {
        let shifts: Vec<i64> = (0..levels)
            .map(|k| round_even(x * (((k as f64) * (2.0 / (l - 1.0)) - 1.0) / ystep)))
            .filter(|&s| s != 0)
            .collect();
        if shifts.is_empty() {
            continue;
        }
        let smin = *shifts.iter().min().unwrap_or(&0);
        let smax = *shifts.iter().max().unwrap_or(&0);
        let (nlo, nhi) = (lo + smin.min(0), hi + smax.max(0));
        if nlo < 0 || nhi > npts as i64 {
            return Err(Error::invalid(
                "COM: a PMF's support exceeds its voltage grid",
            ));
        }
        q[nlo as usize..nhi as usize]
            .iter_mut()
            .for_each(|v| *v = 0.0);
        for &s in &shifts {
            let (a, b) = ((lo + s) as usize, (hi + s) as usize);
            add_assign(&mut q[a..b], &p[lo as usize..hi as usize]);
        }
        // q is zero outside the new support (it only grows), so its sum is over the support.
        let sum: f64 = q[nlo as usize..nhi as usize].iter().sum();
        for i in nlo..nhi {
            p[i as usize] = q[i as usize] / sum;
        }
        lo = nlo;
        hi = nhi;
    }
    Ok(p)
}

/// `fftconvolve(a, b, 'same')` clipped at 0 and renormalised (PyChOpMarg `_conv_pmfs`).
pub fn conv_pmfs(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = conv_same(a, b).iter().map(|v| v.max(0.0)).collect();
    let s: f64 = out.iter().sum();
    out.iter_mut().for_each(|v| *v /= s);
    out
}

/// `scipy.signal.fftconvolve(a, b, mode='same')`: the full convolution's centre, `a.len()` long.
pub fn conv_same(a: &[f64], b: &[f64]) -> Vec<f64> {
    let full = conv_full(a, b);
    let start = (b.len() - 1) / 2;
    full[start..start + a.len()].to_vec()
}

/// The full linear convolution of `a` and `b` by FFT (`a.len() + b.len() − 1` samples).
pub fn conv_full(a: &[f64], b: &[f64]) -> Vec<f64> {
    let n = a.len() + b.len() - 1;
    let nfft = n.next_power_of_two();
    let mut pa = a.to_vec();
    pa.resize(nfft, 0.0);
    let mut pb = b.to_vec();
    pb.resize(nfft, 0.0);
    let (fa, fb) = (rfft(&pa), rfft(&pb));
    let prod: Vec<_> = fa.iter().zip(&fb).map(|(x, y)| x * y).collect();
    let mut full = irfft(&prod, nfft);
    full.truncate(n);
    full
}

/// The quantisation step Δ of 178A.1.7.6 (178A-29/30): `2·V_qc/(2^N_qb − 1)` with
/// `P_sn(−V_qc) = P_qc/2` for the noisy signal at the quantiser: the per-UI victim samples
/// `sig` and each of `noise` as delta-PMFs (93A-40) on a grid of `npts` bins spanning their
/// full support plus 10σ, convolved with Gaussian noise of variance `var_noise` (PyChOpMarg
/// `NoiseCalc.quant_step`). 0 when `N_qb` is 0.
pub fn quant_step(
    cfg: &ComConfig,
    sig: &[f64],
    noise: &[Vec<f64>],
    var_noise: f64,
    npts: usize,
) -> Result<f64> {
    if cfg.n_qb == 0 {
        return Ok(0.0);
    }
    let abs_sum = |x: &[f64]| x.iter().map(|v| v.abs()).sum::<f64>();
    let sigma = var_noise.max(0.0).sqrt();
    let support = abs_sum(sig) + noise.iter().map(|h| abs_sum(h)).sum::<f64>() + 10.0 * sigma;
    let npts = npts | 1;
    let ystep = 2.0 * support / (npts - 1) as f64;
    if !(ystep.is_finite() && ystep > 0.0) {
        return Err(Error::invalid("COM: no signal at the quantiser"));
    }
    let half = npts / 2;
    let pmf = |x: &[f64]| -> Result<Vec<f64>> {
        let kept: Vec<f64> = x
            .iter()
            .copied()
            .filter(|v| v.abs() > ystep / 2.0)
            .collect();
        delta_pmf(&kept, cfg.levels, npts, ystep)
    };
    let mut psn = pmf(sig)?;
    for h in noise {
        psn = conv_same(&psn, &pmf(h)?);
    }
    if sigma > 0.0 {
        let g: Vec<f64> = (0..npts)
            .map(|k| {
                let y = (k as f64 - half as f64) * ystep;
                (-y * y / (2.0 * var_noise)).exp()
            })
            .collect();
        psn = conv_same(&psn, &g);
    }
    psn.iter_mut().for_each(|v| *v = v.max(0.0));
    let total: f64 = psn.iter().sum();
    let mut acc = 0.0;
    let mut k_clip = 0;
    for (k, p) in psn.iter().enumerate() {
        acc += p;
        if acc / total >= cfg.p_qc / 2.0 {
            k_clip = k;
            break;
        }
    }
    let v_qc = -((k_clip as f64 - half as f64) * ystep);
    Ok(2.0 * v_qc / (2f64.powi(cfg.n_qb as i32) - 1.0))
}

/// `H_ffe(f) = Σ_k w_k·e^{−j2πkT_b f}` (93A-21 with the taps at whole-UI delays).
fn ffe_response(w: &[f64], f: f64, tb: f64) -> Complex64 {
    let z = Complex64::from_polar(1.0, -2.0 * std::f64::consts::PI * tb * f);
    w.iter()
        .rev()
        .fold(Complex64::new(0.0, 0.0), |acc, &c| acc * z + c)
}

/// What the MLSD (178A.1.10) needs of the final COM: the PMFs on its voltage grid (ISI,
/// dual-Dirac jitter, crosstalk, quantisation), the residual ISI at the cursor phase, the
/// victim pulse at the Rx FFE input (delayed by `d_w` UI) and the Gaussian variance σ_G².
#[derive(Debug, Clone)]
pub struct FinalPmfs {
    pub ystep: f64,
    pub pisi: Vec<f64>,
    pub pj: Vec<f64>,
    pub pxt: Vec<f64>,
    pub pq: Vec<f64>,
    pub hisi: Vec<f64>,
    pub pre_vic: Vec<f64>,
    pub var_g: f64,
}

/// Final COM for the chosen CTLE state, Tx taps, Rx FFE taps `rx` (full span, unit cursor
/// tap; `[1.0]` for none) and cursor (PyChOpMarg `calc_noise`).
pub fn final_com(
    cfg: &ComConfig,
    grid: &SystemGrid,
    st: &CtleState,
    taps: &[f64],
    rx: &[f64],
    cursor_ix: usize,
) -> Result<(NoiseBudget, FinalPmfs)> {
    let m = cfg.samples_per_ui;
    let l = cfg.levels;
    let vx = var_x(l);
    let vic = apply_tx(&apply_tx(&st.vic0, taps, m), rx, m);
    let (curs_ui, ph) = (cursor_ix / m, cursor_ix % m);
    let h0 = vic[cursor_ix];
    let a_s = cfg.rlm * h0 / (l as f64 - 1.0);
    if !(a_s.is_finite() && a_s > 0.0) {
        return Err(Error::invalid("COM: the cursor is not positive"));
    }
    let tb = cfg.ui_s();
    // Rx noise (93A-35) through the Rx FFE, positive frequencies from Δf.
    let df = grid.fstep_hz;
    let var_n = cfg.eta0_v2_per_hz
        * grid.freqs_hz[1..]
            .iter()
            .zip(&st.hctf[1..])
            .map(|(&f, h)| {
                (crate::signal::pulse::rx_filter(f, cfg.f_r_hz) * h * ffe_response(rx, f, tb))
                    .norm_sqr()
            })
            .sum::<f64>()
        * df;
    // Tx noise (178A-21) through the Rx FFE, at the cursor phase.
    let var_tx = if rx.len() == 1 && rx[0] == 1.0 {
        st.var_tn[ph]
    } else {
        let tn = apply_tx(&st.vic0, rx, m);
        10f64.powf(-cfg.snr_tx_db / 10.0) * power_lag0(&decimate(&tn, ph, m), st.n_bins)
    };
    let hj = slopes(&vic, ph, m, 1.0 / m as f64);
    let hdd = filt(&hj.iter().map(|v| cfg.a_dd_ui * v).collect::<Vec<_>>(), a_s);
    let var_j = cfg.sigma_rj_ui.powi(2) * vx * hj.iter().map(|v| v * v).sum::<f64>();
    let var_g = var_tx + var_j + var_n;
    let mut hisi = decimate(&vic, ph, m);
    hisi[curs_ui] = 0.0;
    let nb = cfg.dfe_min.len();
    let mut dfe = Vec::new();
    for k in 0..nb {
        let i = curs_ui + 1 + k;
        if i >= hisi.len() {
            break;
        }
        let b = (hisi[i] / h0).clamp(cfg.dfe_min[k], cfg.dfe_max[k]);
        hisi[i] -= b * h0;
        dfe.push(b);
    }
    let var_isi = vx * hisi.iter().map(|v| v * v).sum::<f64>();
    let hisi_f = filt(&hisi, a_s);
    let mut hxts = Vec::new();
    let mut phases = Vec::new();
    // Each aggressor at the phase chosen at the Rx FFE input (178A-20), sampled after it.
    let pre: Vec<Vec<f64>> = st
        .fext0
        .iter()
        .map(|p0| apply_tx(p0, taps, m))
        .chain(st.next.iter().cloned())
        .collect();
    for p in &pre {
        let (i, _) = agg_phase(p, m);
        phases.push(i);
        hxts.push(filt(&decimate(&apply_tx(p, rx, m), i, m), a_s));
    }
    // Quantisation (178A.1.9): Δ from the noisy signal at the Rx FFE input, crosstalk and
    // dual-Dirac jitter as delta-PMFs, the rest Gaussian with RJ only (178A-44).
    let pre_vic = delay(&apply_tx(&st.vic0, taps, m), cfg.rx_ffe.dw * m);
    let q = if cfg.n_qb > 0 {
        let dt = tb / m as f64;
        let mut noise: Vec<Vec<f64>> = pre
            .iter()
            .zip(&phases)
            .map(|(p, &i)| decimate(p, i, m))
            .collect();
        noise.push(
            slopes(&pre_vic, ph, m, 1.0 / m as f64)
                .iter()
                .map(|v| cfg.a_dd_ui * v)
                .collect(),
        );
        let rj = psd_lags(&slopes(&pre_vic, ph, m, dt), st.n_bins, 1)[0];
        let var_gn = st.var_rn + st.var_tn[ph] + vx * cfg.sigma_rj_ui.powi(2) * tb * tb * rj;
        quant_step(cfg, &decimate(&pre_vic, ph, m), &noise, var_gn, 8001)?
    } else {
        0.0
    };
    let var_q = rx.iter().map(|w| w * w).sum::<f64>() * q * q / 12.0;
    let ystep = (a_s / 1000.0).min(1e-5);
    let abs_sum = |x: &[f64]| x.iter().map(|v| v.abs()).sum::<f64>();
    let support = abs_sum(&hisi_f)
        + hxts.iter().map(|h| abs_sum(h)).sum::<f64>()
        + abs_sum(&hdd)
        + abs_sum(rx) * q / 2.0;
    let ymax = (1.1 * a_s).max(support + 10.0 * var_g.sqrt() + 2.0 * ystep);
    let half = (ymax / ystep).ceil() as usize;
    if half > 20_000_000 {
        return Err(Error::invalid("COM: the noise grid would be too large"));
    }
    let npts = 2 * half + 1;
    let y: Vec<f64> = (0..npts)
        .map(|k| (k as f64 - half as f64) * ystep)
        .collect();
    let pj = delta_pmf(&hdd, l, npts, ystep)?;
    let pg: Vec<f64> = y
        .iter()
        .map(|v| {
            (-v * v / (2.0 * var_g)).exp() / (2.0 * std::f64::consts::PI * var_g).sqrt() * ystep
        })
        .collect();
    let pn = conv_pmfs(&pg, &pj);
    let pisi = delta_pmf(&hisi_f, l, npts, ystep)?;
    let mut pxt = vec![0.0; npts];
    pxt[half] = 1.0;
    for h in &hxts {
        pxt = conv_pmfs(&pxt, &delta_pmf(h, l, npts, ystep)?);
    }
    let var_xt: f64 = y.iter().zip(&pxt).map(|(v, p)| v * v * p).sum();
    // Quantisation noise at the detector: Δ's uniform PMF through each Rx FFE tap (178A-43, 46).
    let mut pq = vec![0.0; npts];
    pq[half] = 1.0;
    if q > 0.0 {
        for &w in rx {
            let k = round_even(w.abs() * q / 2.0 / ystep).max(0) as usize;
            if k > half {
                return Err(Error::invalid(
                    "COM: a quantisation PMF exceeds its voltage grid",
                ));
            }
            let mut pw = vec![0.0; npts];
            pw[half - k..=half + k]
                .iter_mut()
                .for_each(|v| *v = 1.0 / (2 * k + 1) as f64);
            pq = conv_pmfs(&pq, &pw);
        }
    }
    let py = conv_pmfs(&conv_pmfs(&conv_pmfs(&pisi, &pn), &pxt), &pq);
    let total: f64 = py.iter().sum();
    let mut acc = 0.0;
    let mut ani = f64::NAN;
    for (k, p) in py.iter().enumerate() {
        acc += p;
        if acc / total >= cfg.der0 {
            ani = -y[k];
            break;
        }
    }
    let com_db = 20.0 * (a_s / ani).log10();
    let budget = NoiseBudget {
        as_v: a_s,
        ani_v: ani,
        com_db,
        sigma_tx_v: var_tx.sqrt(),
        sigma_g_v: var_g.sqrt(),
        sigma_n_v: var_n.sqrt(),
        sigma_j_v: var_j.sqrt(),
        sigma_isi_v: var_isi.sqrt(),
        sigma_xt_v: var_xt.sqrt(),
        sigma_q_v: var_q.sqrt(),
        quant_step_v: q,
        dfe_taps: dfe,
        xt_phases: phases,
    };
    let detail = FinalPmfs {
        ystep,
        pisi,
        pj,
        pxt,
        pq,
        hisi,
        pre_vic,
        var_g,
    };
    Ok((budget, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_pmf_of_one_pam4_sample_has_four_equal_bins() {
        // h = 3 bins: shifts −3, −1, 1, 3, each with probability 1/4 (93A-39).
        let p = delta_pmf(&[3.0e-5], 4, 21, 1e-5).unwrap();
        for k in [7, 9, 11, 13] {
            assert!((p[k] - 0.25).abs() < 1e-15);
        }
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn round_half_even() {
        assert_eq!(round_even(0.5), 0);
        assert_eq!(round_even(1.5), 2);
        assert_eq!(round_even(-2.5), -2);
        assert_eq!(round_even(2.6), 3);
    }
}
