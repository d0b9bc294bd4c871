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
use super::rxffe::{FixedLags, mmse};
use super::txffe::{PhaseGram, TxGrid, active_taps, apply_tx, tx_grid};
use crate::error::{Error, Result};
use crate::kernels::accumulate::phase_energy;

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
    phase_energy(&p[..n_ui * m], &p[..n_ui * m], m, &mut e);
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
    /// The Rx noise's folded spectrum (PyChOpMarg `Srn`, `T_b`-scaled), `n_bins` long.
    pub srn: Vec<f64>,
    /// Noise autocorrelation lags for a multi-tap Rx FFE (None for the cursor tap alone).
    pub lags: Option<FixedLags>,
}

/// Shared inputs: the system grid and each channel's `M·sinc·Ht·Hr·H21·A` on it.
pub struct Prepared<'a> {
    pub cfg: &'a ComConfig,
    pub grid: &'a SystemGrid,
    /// Per channel (victim, FEXT…, NEXT…), the pulses of the four CTLE basis terms.
    basis: Vec<[Vec<f64>; 4]>,
    n_fext: usize,
}

/// The CTLE (93A-22) is `g1·g2/D + g1·b/D + g2·a/D + a·b/D` with `a = j f/f_z`,
/// `b = j f/f_LF` and `D` its poles: each channel's pulse for any (g_DC, g_DC2) is the same
/// combination of four pulses, computed once.
fn ctle_basis(cfg: &ComConfig, f: f64) -> [Complex64; 4] {
    let j = Complex64::new(0.0, 1.0);
    let a = j * f / cfg.f_z_hz;
    let b = j * f / cfg.f_lf_hz;
    let d = (1.0 + j * f / cfg.f_p1_hz) * (1.0 + j * f / cfg.f_p2_hz) * (1.0 + j * f / cfg.f_p3_hz);
    [1.0 / d, b / d, a / d, a * b / d]
}

impl<'a> Prepared<'a> {
    /// From each channel's `M·sinc·Ht·Hr·H21·A` on the grid (victim, FEXT, NEXT).
    pub fn new(
        cfg: &'a ComConfig,
        grid: &'a SystemGrid,
        victim: Vec<Complex64>,
        fext: Vec<Vec<Complex64>>,
        next: Vec<Vec<Complex64>>,
    ) -> Prepared<'a> {
        let n_fext = fext.len();
        let basis_f: Vec<[Complex64; 4]> =
            grid.freqs_hz.iter().map(|&f| ctle_basis(cfg, f)).collect();
        let chans: Vec<Vec<Complex64>> = std::iter::once(victim).chain(fext).chain(next).collect();
        let basis = chans
            .par_iter()
            .map(|g| {
                std::array::from_fn(|t| {
                    let spec: Vec<Complex64> =
                        g.iter().zip(&basis_f).map(|(x, b)| x * b[t]).collect();
                    irfft(&spec, grid.n_times)
                })
            })
            .collect();
        Prepared {
            cfg,
            grid,
            basis,
            n_fext,
        }
    }

    fn pulse(&self, ch: usize, g_dc_db: f64, g_dc2_db: f64) -> Vec<f64> {
        let g1 = 10f64.powf(g_dc_db / 20.0);
        let g2 = 10f64.powf(g_dc2_db / 20.0);
        let [p0, p1, p2, p3] = &self.basis[ch];
        let w = [g1 * g2, g1, g2];
        p0.iter()
            .zip(p1)
            .zip(p2)
            .zip(p3)
            .map(|(((a, b), c), d)| w[0] * a + w[1] * b + w[2] * c + d)
            .collect()
    }
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
        let vic0 = self.pulse(0, g_dc_db, g_dc2_db);
        let fext0: Vec<Vec<f64>> = (1..=self.n_fext)
            .map(|c| self.pulse(c, g_dc_db, g_dc2_db))
            .collect();
        let next: Vec<Vec<f64>> = (1 + self.n_fext..self.basis.len())
            .map(|c| self.pulse(c, g_dc_db, g_dc2_db))
            .collect();
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
        let mut st = CtleState {
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
            srn,
            lags: None,
        };
        if !cfg.rx_ffe.is_single_tap() {
            st.lags = Some(FixedLags::new(cfg, &st, &st.srn));
        }
        st
    }
}

/// The cursor search's sample times: the pulse's (first) peak and every sample of
/// `ts_range` about it, inclusive, as MATLAB COM's `sample_adjustment`.
pub(crate) struct CursorTimes {
    pub peak: usize,
    pub samples: Vec<usize>,
}

pub(crate) fn cursor_times(cfg: &ComConfig, vic: &[f64]) -> Result<CursorTimes> {
    let mut peak = 0;
    for (i, &v) in vic.iter().enumerate() {
        if v > vic[peak] {
            peak = i;
        }
    }
    let samples = (cfg.ts_range.0..=cfg.ts_range.1)
        .map(|ofst| {
            let ts = peak as i64 + ofst;
            if ts < 0 || ts as usize >= vic.len() {
                Err(Error::invalid(
                    "COM: no room about the pulse peak for the cursor search",
                ))
            } else {
                Ok(ts as usize)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CursorTimes { peak, samples })
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
    let times = cursor_times(cfg, &vic)?;
    let peak = times.peak;
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
    for &ts in &times.samples {
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
    /// Rx FFE taps over the full span, normalised to a cursor tap of 1 (as MATLAB COM reports
    /// them; `[1.0]` for the cursor alone), and the positions in use.
    pub rx_taps: Vec<f64>,
    pub rx_cols: Vec<usize>,
    pub fom: Fom,
    pub n_evals: usize,
}

/// The FOM of one Tx candidate: the closed form of the cursor-only receiver, or the MMSE FFE.
pub fn evaluate(cfg: &ComConfig, st: &CtleState, taps: &[f64]) -> Result<Fom> {
    match &st.lags {
        None => candidate_fom(cfg, st, taps),
        Some(lags) => {
            let s = mmse(cfg, st, lags, taps)?;
            Ok(Fom {
                fom_db: s.fom_db,
                cursor_ix: s.cursor_ix,
                mse_v2: s.mse_v2,
            })
        }
    }
}

/// MATLAB COM's `OptFom_Local_Search()` skip rule (PyChOpMarg `opt_eq`'s `skip`): a swept Tx
/// tap more than `local_search` grid steps from the best's, once the loop just outside it (the
/// preceding tap, or g_DC2 for the first) is past its first value; and a g_DC2 more than
/// `local_search` steps from the best's, once g_DC is past its first value.
struct LocalSearch<'a> {
    steps: usize,
    grid: &'a TxGrid,
    /// Swept taps, longest grid first.
    swept: Vec<usize>,
}

impl LocalSearch<'_> {
    fn skip(&self, i_gdc: usize, i_gdc2: usize, tx: usize, best: Option<(usize, usize)>) -> bool {
        let Some((best_gdc2, best_tx)) = best else {
            return false;
        };
        if self.steps == 0 {
            return false;
        }
        if let (Some(ixs), Some(bix)) = (&self.grid.grid_ix[tx], &self.grid.grid_ix[best_tx]) {
            for &k in &self.swept {
                let outer = if k == 0 { i_gdc2 } else { ixs[k - 1] };
                if outer > 0 && ixs[k].abs_diff(bix[k]) > self.steps {
                    return true;
                }
            }
        }
        i_gdc > 0 && i_gdc2.abs_diff(best_gdc2) > self.steps
    }
}

/// Search over g_DC × g_DC2 × Tx FFE in MATLAB COM's order, CTLE settings in parallel. With
/// `local_search` > 0 every candidate's FOM is still computed (in parallel) and the serial
/// local search is replayed over them, which visits and picks exactly what it would alone.
pub fn search(prep: &Prepared) -> Result<Choice> {
    let cfg = prep.cfg;
    let grid = tx_grid(cfg);
    let (tx, order) = (&grid.taps, &grid.order);
    let active = active_taps(tx);
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
                .map(|&i| evaluate(cfg, &st, &tx[i]))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;
    let mut swept: Vec<usize> = (0..grid.grid_len.len())
        .filter(|&k| grid.grid_len[k] > 1)
        .collect();
    swept.sort_by_key(|&k| std::cmp::Reverse(grid.grid_len[k]));
    let local = LocalSearch {
        steps: cfg.local_search,
        grid: &grid,
        swept,
    };
    let n2 = cfg.g_dc2_db.len();
    let mut best: Option<(usize, usize, Fom)> = None;
    let mut n_evals = 0;
    for (ci, row) in foms.iter().enumerate() {
        let (i_gdc, i_gdc2) = (ci / n2, ci % n2);
        for (ti, f) in row.iter().enumerate() {
            let b = best.as_ref().map(|&(bc, bt, _)| (bc % n2, order[bt]));
            if local.skip(i_gdc, i_gdc2, order[ti], b) {
                continue;
            }
            n_evals += 1;
            if best.as_ref().is_none_or(|b| f.fom_db > b.2.fom_db) && f.fom_db > -1000.0 {
                best = Some((ci, ti, *f));
            }
        }
    }
    let (ci, ti, fom) =
        best.ok_or_else(|| Error::invalid("COM: no equaliser candidate gave a finite FOM"))?;
    let tx_taps = tx[order[ti]].clone();
    let (rx_taps, rx_cols) = if cfg.rx_ffe.is_single_tap() {
        (vec![1.0], vec![0])
    } else {
        // The winner's taps, recomputed (as PyChOpMarg does), then scaled to a unit cursor tap.
        let st = prep.ctle_state(ctles[ci].0, ctles[ci].1, &active);
        let lags = st
            .lags
            .as_ref()
            .ok_or_else(|| Error::invalid("COM: no noise lags for the Rx FFE"))?;
        let s = mmse(cfg, &st, lags, &tx_taps)?;
        let c = s.taps[cfg.rx_ffe.dw];
        (s.taps.iter().map(|w| w / c).collect(), s.cols)
    };
    Ok(Choice {
        g_dc_db: ctles[ci].0,
        g_dc2_db: ctles[ci].1,
        tx_taps,
        rx_taps,
        rx_cols,
        fom,
        n_evals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctle_basis_recombines_to_93a_22() {
        let Ok(t) = std::fs::read_to_string("../shared/com/configs/anchor_r53_ctle_dfe.toml")
        else {
            return;
        };
        let c = ComConfig::from_toml_str(&t).unwrap();
        for f in [0.0, 1e8, 13.28e9, 26.56e9, 80e9] {
            let (gdc, gdc2) = (-8.0, -3.0);
            let (g1, g2) = (10f64.powf(gdc / 20.0), 10f64.powf(gdc2 / 20.0));
            let b = ctle_basis(&c, f);
            let sum = g1 * g2 * b[0] + g1 * b[1] + g2 * b[2] + b[3];
            let want = super::super::channel::ctle(&c, f, gdc, gdc2);
            assert!((sum - want).norm() <= 1e-14 * want.norm().max(1.0), "f {f}");
        }
    }

    #[test]
    fn lag0_of_white_psd_is_its_level() {
        assert!((lag0(&[2.0; 5], 5) - 2.0).abs() < 1e-15);
    }
}
