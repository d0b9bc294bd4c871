//! COM's equaliser search (IEEE 802.3 Annex 93A.1.6 with the MMSE figure of merit of
//! 178A.1.6, 178A-33…36, as PyChOpMarg 3.4.0 runs it): CTLE g_DC outer, g_DC2, then the Tx FFE
//! grid (first tap slowest), strictly-greater FOM wins. For each candidate the cursor is
//! searched over `ts_range` samples about the pulse peak. With a 1-tap Rx FFE (cursor fixed to
//! 1 relative) the MMSE system 178A-33 reduces to `w = 1/h0`, `b = clip(h(d+k)/h0)`, and the
//! MSE of 178A-35 with the noise autocorrelation at lag 0 (Rx 93A-35 folded, Tx 178A-21,
//! jitter 178A-23, crosstalk at each aggressor's own phase 178A-20).

use num_complex::Complex64;
use rayon::prelude::*;

use super::channel::{SystemGrid, ctle, irfft, rfft};
use super::config::ComConfig;
use crate::error::{Error, Result};

/// The Tx FFE candidates (93A.1.6 step c; README pitfall 5): each full tap vector
/// c(-n_pre)…c(3) with the cursor `1 − Σ|c_k|` inserted before the last three taps; index 0 is
/// "no Tx EQ". Returns the vectors and the indices the search visits, in order.
pub fn tx_candidates(cfg: &ComConfig) -> (Vec<Vec<f64>>, Vec<usize>) {
    let ranges: Vec<Vec<f64>> = cfg
        .tx_taps_min
        .iter()
        .zip(&cfg.tx_taps_max)
        .zip(&cfg.tx_taps_step)
        .map(|((&lo, &hi), &st)| {
            if st != 0.0 {
                let n = ((hi - lo) / st).round().max(0.0) as usize + 1;
                (0..n).map(|k| lo + st * k as f64).collect()
            } else {
                vec![0.0]
            }
        })
        .collect();
    let mut combos: Vec<Vec<f64>> = vec![vec![]];
    for r in &ranges {
        combos = combos
            .iter()
            .flat_map(|c| {
                r.iter().map(move |&v| {
                    let mut n = c.clone();
                    n.push(v);
                    n
                })
            })
            .collect();
    }
    let full = |taps: &[f64]| {
        let c0 = 1.0 - taps.iter().map(|c| c.abs()).sum::<f64>();
        let k = taps.len() - 3;
        let mut v = taps[..k].to_vec();
        v.push(c0);
        v.extend_from_slice(&taps[k..]);
        v
    };
    let n = cfg.tx_taps_min.len();
    let mut all = vec![full(&vec![0.0; n])];
    for c in combos {
        if 1.0 - c.iter().map(|x| x.abs()).sum::<f64>() >= cfg.c0_min {
            all.push(full(&c));
        }
    }
    let mut order: Vec<usize> = (1..all.len()).collect();
    let has_zero = order.iter().any(|&i| {
        all[i]
            .iter()
            .enumerate()
            .all(|(k, &v)| k == n - 3 || v.abs() < 1e-8)
    });
    if !has_zero {
        order.insert(0, 0);
    }
    (all, order)
}

/// `Σ_n b_n · p(t − n·UI)`, a circular shift (exact on COM's periodic grid).
pub fn apply_tx(p0: &[f64], taps: &[f64], m: usize) -> Vec<f64> {
    let n = p0.len();
    let mut out = vec![0.0; n];
    for (k, &b) in taps.iter().enumerate() {
        if b == 0.0 {
            continue;
        }
        let s = (k * m) % n;
        let (head, tail) = out.split_at_mut(s);
        for (o, v) in tail.iter_mut().zip(&p0[..n - s]) {
            *o += b * v;
        }
        for (o, v) in head.iter_mut().zip(&p0[n - s..]) {
            *o += b * v;
        }
    }
    out
}

/// Per-phase energies of an aggressor's Tx-equalised pulse as a quadratic form in the Tx taps:
/// `E_φ(b) = Σ_{k,l} b_k b_l G_φ(k, l)`, over whole UIs (178A-20), for the taps in `active`.
pub struct PhaseGram {
    active: Vec<usize>,
    /// `[pair][phase]`, pairs (k ≤ l) in `active` order.
    g: Vec<Vec<f64>>,
}

impl PhaseGram {
    /// The pulse `p0` shifted by each active tap's delay (whole UIs, circular).
    pub fn shifted(p0: &[f64], active: &[usize], m: usize) -> Vec<Vec<f64>> {
        active
            .iter()
            .map(|&k| {
                let mut t = vec![0.0; k + 1];
                t[k] = 1.0;
                apply_tx(p0, &t, m)
            })
            .collect()
    }

    /// The form of per-phase energies of `Σ b_k series_k` (sample `i` has phase `i mod m`).
    pub fn from_series(series: &[Vec<f64>], active: &[usize], m: usize) -> PhaseGram {
        let mut g = Vec::new();
        for a in 0..series.len() {
            for b in a..series.len() {
                let mut e = vec![0.0; m];
                let (x, y) = (&series[a], &series[b]);
                let full = x.len() / m * m;
                for (cx, cy) in x[..full].chunks_exact(m).zip(y[..full].chunks_exact(m)) {
                    for ((e, x), y) in e.iter_mut().zip(cx).zip(cy) {
                        *e += x * y;
                    }
                }
                for ((e, x), y) in e.iter_mut().zip(&x[full..]).zip(&y[full..]) {
                    *e += x * y;
                }
                g.push(e);
            }
        }
        PhaseGram {
            active: active.to_vec(),
            g,
        }
    }

    /// Over whole UIs (178A-20): the shifted pulses truncated to `n_UI·M` samples.
    pub fn new(p0: &[f64], active: &[usize], m: usize) -> PhaseGram {
        let len = p0.len() / m * m;
        let mut sh = PhaseGram::shifted(p0, active, m);
        sh.iter_mut().for_each(|v| v.truncate(len));
        PhaseGram::from_series(&sh, active, m)
    }

    /// Pair weights `b_k b_l` (doubled off the diagonal) for Tx taps `taps`.
    pub fn weights(&self, taps: &[f64]) -> Vec<f64> {
        let n = self.active.len();
        let mut w = Vec::with_capacity(self.g.len());
        for a in 0..n {
            for b in a..n {
                let f = if a == b { 1.0 } else { 2.0 };
                w.push(taps[self.active[a]] * taps[self.active[b]] * f);
            }
        }
        w
    }

    /// Energy at `phase` for pair weights `w`.
    pub fn energy(&self, w: &[f64], phase: usize) -> f64 {
        w.iter().zip(&self.g).map(|(w, g)| w * g[phase]).sum()
    }

    /// The phase of largest energy and that energy, for Tx taps `taps`.
    pub fn best(&self, taps: &[f64]) -> (usize, f64) {
        let w = self.weights(taps);
        let m = self.g.first().map_or(0, |v| v.len());
        let mut best = (0, f64::NEG_INFINITY);
        for ph in 0..m {
            let e = self.energy(&w, ph);
            if e > best.1 {
                best = (ph, e);
            }
        }
        best
    }
}

/// `irfft(S)[0]` over the first `len` bins (the lag-0 autocorrelation of a folded PSD).
pub(crate) fn lag0(s: &[f64], len: usize) -> f64 {
    let n = 2 * (len - 1);
    let mid: f64 = s[1..len - 1].iter().sum();
    (s[0] + 2.0 * mid + s[len - 1]) / n as f64
}

/// `irfft(|rfft(x)|²)[0]` over `len` bins: Σx² when `x` has `2(len − 1)` samples (Parseval).
pub(crate) fn power_lag0(x: &[f64], len: usize) -> f64 {
    if x.len() == 2 * (len - 1) {
        x.iter().map(|v| v * v).sum()
    } else {
        let s: Vec<f64> = rfft(x).iter().map(|z| z.norm_sqr()).collect();
        lag0(&s, len.min(s.len()))
    }
}

/// Every `m`-th sample from `phase`.
pub(crate) fn decimate(p: &[f64], phase: usize, m: usize) -> Vec<f64> {
    p.iter().skip(phase).step_by(m).copied().collect()
}

/// An aggressor's phase of largest energy over whole UIs (178A-20 / 93A-33) and that energy.
pub(crate) fn agg_phase(p: &[f64], m: usize) -> (usize, f64) {
    let n_ui = p.len() / m;
    let mut e = vec![0.0; m];
    for (i, v) in p[..n_ui * m].iter().enumerate() {
        e[i % m] += v * v;
    }
    let mut best = 0;
    for (k, &v) in e.iter().enumerate() {
        if v > e[best] {
            best = k;
        }
    }
    (best, e[best])
}

/// The pulse responses and noise terms of one CTLE setting, before the Tx FFE.
pub struct CtleState {
    pub hctf: Vec<Complex64>,
    /// Victim pulse (A_v-scaled), no Tx FFE.
    pub vic0: Vec<f64>,
    /// FEXT pulses (A_fe), no Tx FFE; NEXT pulses (A_ne, never Tx-equalised).
    pub fext0: Vec<Vec<f64>>,
    pub next: Vec<Vec<f64>>,
    /// Rx noise variance at the FFE input (folded, 93A-35), V².
    pub var_rn: f64,
    /// Σ of the NEXT crosstalk variances, V².
    pub var_next: f64,
    /// Tx noise variance (178A-21) per sampling phase, V².
    pub var_tn: Vec<f64>,
    /// Bins of the folded PSDs (`n_UI/2 + 1`).
    pub n_bins: usize,
    /// Per-phase energy forms of the FEXT pulses under the Tx FFE.
    pub fext_gram: Vec<PhaseGram>,
    /// Per-phase energy forms of the victim (all samples) and of its central difference
    /// (whole UIs, 178A-23), under the Tx FFE.
    pub vic_gram: PhaseGram,
    pub jit_gram: PhaseGram,
}

/// Shared inputs: the system grid and each channel's `M·sinc·Ht·Hr·H21·A` on it.
pub struct Prepared<'a> {
    pub cfg: &'a ComConfig,
    pub grid: &'a SystemGrid,
    pub victim: Vec<Complex64>,
    pub fext: Vec<Vec<Complex64>>,
    pub next: Vec<Vec<Complex64>>,
}

pub(crate) fn var_x(levels: usize) -> f64 {
    let l = levels as f64;
    (l * l - 1.0) / (3.0 * (l - 1.0) * (l - 1.0))
}

impl Prepared<'_> {
    pub fn ctle_state(&self, g_dc_db: f64, g_dc2_db: f64, active: &[usize]) -> CtleState {
        let cfg = self.cfg;
        let grid = self.grid;
        let m = cfg.samples_per_ui;
        let n = grid.n_times;
        let tb = cfg.ui_s();
        let hctf: Vec<Complex64> = grid
            .freqs_hz
            .iter()
            .map(|&f| ctle(cfg, f, g_dc_db, g_dc2_db))
            .collect();
        let pulse = |g: &[Complex64]| {
            let spec: Vec<Complex64> = g.iter().zip(&hctf).map(|(a, b)| a * b).collect();
            irfft(&spec, n)
        };
        let vic0 = pulse(&self.victim);
        let fext0: Vec<Vec<f64>> = self.fext.iter().map(|g| pulse(g)).collect();
        let next: Vec<Vec<f64>> = self.next.iter().map(|g| pulse(g)).collect();
        let n_ui = n / m;
        let n_bins = n_ui / 2 + 1;
        let vx = var_x(cfg.levels);
        // Rx noise (PyChOpMarg NoiseCalc.Srn): η0/2·|Hr·Hctf|², folded by decimating its autocorrelation.
        let psd: Vec<Complex64> = grid
            .freqs_hz
            .iter()
            .zip(&hctf)
            .map(|(&f, h)| {
                let hr = crate::signal::pulse::rx_filter(f, cfg.f_r_hz);
                Complex64::new(cfg.eta0_v2_per_hz / 2.0 * (hr * h).norm_sqr(), 0.0)
            })
            .collect();
        let acf = decimate(&irfft(&psd, n), 0, m);
        let fmax = *grid.freqs_hz.last().unwrap_or(&0.0);
        let srn: Vec<f64> = rfft(&acf)
            .iter()
            .map(|z| z.norm() * 2.0 * fmax * tb)
            .collect();
        let var_rn = lag0(&srn, n_bins) / tb;
        let var_next = next
            .iter()
            .map(|p| {
                let (ph, _) = agg_phase(p, m);
                vx * power_lag0(&decimate(&p[..n_ui * m], ph, m), n_bins)
            })
            .sum();
        let snr = 10f64.powf(-cfg.snr_tx_db / 10.0);
        let var_tn = (0..m)
            .map(|ph| {
                let x = decimate(&vic0, ph, m);
                snr * power_lag0(&x, n_bins)
            })
            .collect();
        let fext_gram = fext0.iter().map(|p| PhaseGram::new(p, active, m)).collect();
        let sh = PhaseGram::shifted(&vic0, active, m);
        let vic_gram = PhaseGram::from_series(&sh, active, m);
        let diffs: Vec<Vec<f64>> = sh
            .iter()
            .map(|v| {
                (0..n_ui * m)
                    .map(|i| {
                        let hi = if i + 1 < n { v[i + 1] } else { 0.0 };
                        let lo = if i >= 1 { v[i - 1] } else { 0.0 };
                        hi - lo
                    })
                    .collect()
            })
            .collect();
        let jit_gram = PhaseGram::from_series(&diffs, active, m);
        CtleState {
            fext_gram,
            vic_gram,
            jit_gram,
            hctf,
            vic0,
            fext0,
            next,
            var_rn,
            var_next,
            var_tn,
            n_bins,
        }
    }
}

/// The MMSE FOM of one candidate (victim with Tx FFE applied, FEXT likewise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fom {
    pub fom_db: f64,
    pub cursor_ix: usize,
    pub mse_v2: f64,
}

pub fn candidate_fom(cfg: &ComConfig, st: &CtleState, taps: &[f64]) -> Result<Fom> {
    let m = cfg.samples_per_ui;
    let tb = cfg.ui_s();
    let vx = var_x(cfg.levels);
    let vic = apply_tx(&st.vic0, taps, m);
    let n = vic.len();
    let n_ui = n / m;
    let mut var_xt = st.var_next;
    if n_ui.is_multiple_of(2) {
        for g in &st.fext_gram {
            // Σx² at the best phase (Parseval: the folded PSD's lag 0 for an even number of UIs).
            var_xt += vx * g.best(taps).1;
        }
    } else {
        for p0 in &st.fext0 {
            let p = apply_tx(p0, taps, m);
            let (ph, _) = agg_phase(&p, m);
            var_xt += vx * power_lag0(&decimate(&p[..n_ui * m], ph, m), st.n_bins);
        }
    }
    let mut peak = 0;
    for (i, &v) in vic.iter().enumerate() {
        if v > vic[peak] {
            peak = i;
        }
    }
    let nb = cfg.dfe_min.len();
    let dt = tb / m as f64;
    let var_jit = cfg.a_dd_ui.powi(2) + cfg.sigma_rj_ui.powi(2);
    let rlm = cfg.rlm / (cfg.levels as f64 - 1.0);
    let wv = st.vic_gram.weights(taps);
    let wj = st.jit_gram.weights(taps);
    let mut best = Fom {
        fom_db: -1000.0,
        cursor_ix: peak,
        mse_v2: f64::NAN,
    };
    let mut found = false;
    for ofst in cfg.ts_range.0..=cfg.ts_range.1 {
        let ts = peak as i64 + ofst;
        if ts < 0 || ts as usize >= n {
            return Err(Error::invalid(
                "COM: no room about the pulse peak for the cursor search",
            ));
        }
        let ts = ts as usize;
        let ph = ts % m;
        let rhh = st.vic_gram.energy(&wv, ph);
        // Σ hJ² with hJ = (p(i+1) − p(i−1))/(2 dt) (178A-23).
        let sj = st.jit_gram.energy(&wj, ph) / (4.0 * dt * dt);
        let var_j = vx * var_jit * tb * tb * sj;
        let rn0 = st.var_rn + var_xt + st.var_tn[ph] + var_j;
        let r = rhh + rn0 / vx;
        let h0 = vic[ts];
        let w = 1.0 / h0;
        let mut bb = 0.0;
        let mut hbb = 0.0;
        for k in 0..nb {
            let hb = vic.get(ts + (k + 1) * m).copied().unwrap_or(0.0);
            let b = (hb / h0).clamp(cfg.dfe_min[k], cfg.dfe_max[k]);
            bb += b * b;
            hbb += hb * b;
        }
        let mse = vx * (w * w * r + 1.0 + bb - 2.0 * w * h0 - 2.0 * w * hbb);
        let fom = 20.0 * (rlm / mse.sqrt()).log10();
        if fom > best.fom_db {
            best = Fom {
                fom_db: fom,
                cursor_ix: ts,
                mse_v2: mse,
            };
            found = true;
        }
    }
    if !found {
        best.fom_db = f64::NAN;
    }
    Ok(best)
}

/// The chosen equaliser.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub g_dc_db: f64,
    pub g_dc2_db: f64,
    pub tx_taps: Vec<f64>,
    pub fom: Fom,
    pub n_evals: usize,
}

/// Indices of the Tx taps that are nonzero in some candidate.
pub fn active_taps(tx: &[Vec<f64>]) -> Vec<usize> {
    let n = tx.first().map_or(0, |t| t.len());
    (0..n).filter(|&k| tx.iter().any(|t| t[k] != 0.0)).collect()
}

/// Full search over g_DC × g_DC2 × Tx FFE, CTLE settings in parallel.
pub fn search(prep: &Prepared) -> Result<Choice> {
    let cfg = prep.cfg;
    let (tx, order) = tx_candidates(cfg);
    let active = active_taps(&tx);
    let ctles: Vec<(f64, f64)> = cfg
        .g_dc_db
        .iter()
        .flat_map(|&a| cfg.g_dc2_db.iter().map(move |&b| (a, b)))
        .collect();
    let foms: Vec<Vec<Fom>> = ctles
        .par_iter()
        .map(|&(a, b)| {
            let st = prep.ctle_state(a, b, &active);
            order
                .iter()
                .map(|&i| candidate_fom(cfg, &st, &tx[i]))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;
    let mut best: Option<(usize, usize, Fom)> = None;
    for (ci, row) in foms.iter().enumerate() {
        for (ti, f) in row.iter().enumerate() {
            if best.as_ref().is_none_or(|b| f.fom_db > b.2.fom_db) && f.fom_db > -1000.0 {
                best = Some((ci, ti, *f));
            }
        }
    }
    let (ci, ti, fom) =
        best.ok_or_else(|| Error::invalid("COM: no equaliser candidate gave a finite FOM"))?;
    Ok(Choice {
        g_dc_db: ctles[ci].0,
        g_dc2_db: ctles[ci].1,
        tx_taps: tx[order[ti]].clone(),
        fom,
        n_evals: ctles.len() * order.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_grid_has_60_candidates() {
        let Ok(t) = std::fs::read_to_string("/work/shared/com/configs/anchor_r53_ctle_dfe.toml")
        else {
            return;
        };
        let c = ComConfig::from_toml_str(&t).unwrap();
        let (all, order) = tx_candidates(&c);
        // 3 × 7 × 3 = 63 grid points; c0 ≥ 0.5 removes |c-2|+|c-1|+|c1| > 0.5: (0.08,0.3,0.2),
        // (0.04,0.3,0.2), (0.08,0.25,0.2) → 60 (the anchor's system_grid.n_tx_ffe_candidates).
        assert_eq!(order.len(), 60);
        assert_eq!(all.len(), 61);
        assert_eq!(all[order[0]], vec![0.0, 0.0, -0.3, 0.5, -0.2, 0.0, 0.0]);
    }

    #[test]
    fn lag0_of_white_psd_is_its_level() {
        assert!((lag0(&[2.0; 5], 5) - 2.0).abs() < 1e-15);
    }
}
