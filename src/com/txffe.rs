//! The Tx FFE of COM (IEEE 802.3 Annex 93A.1.6 step c, 93A-21): the candidate grid (README
//! pitfall 5: per tap `min + step·k`, cursor `1 − Σ|c_k|` inserted before the last three taps,
//! filtered by c(0) ≥ c0_min, index 0 = no EQ) and its effect on pulse responses, which on
//! COM's periodic grid is exactly a sum of whole-UI circular shifts; with [`PhaseGram`] the
//! per-phase energies of an equalised pulse become quadratic forms in the taps, so the search
//! evaluates each Tx candidate without forming its pulses.

use super::config::ComConfig;
use crate::kernels::accumulate::phase_energy;

/// The Tx FFE candidates with their grid positions, for MATLAB COM's local search.
#[derive(Debug, Clone, PartialEq)]
pub struct TxGrid {
    /// Each full tap vector c(-n_pre)…c(3), cursor included; index 0 is "no Tx EQ".
    pub taps: Vec<Vec<f64>>,
    /// The indices the search visits, in order.
    pub order: Vec<usize>,
    /// Per candidate, its index on each tap's grid (`None` for index 0).
    pub grid_ix: Vec<Option<Vec<usize>>>,
    /// Grid length per tap (cursor excluded).
    pub grid_len: Vec<usize>,
}

/// The Tx FFE candidates (93A.1.6 step c; README pitfall 5): each full tap vector
/// c(-n_pre)…c(3) with the cursor `1 − Σ|c_k|` inserted before the last three taps, filtered
/// by c(0) ≥ c0_min; index 0 is "no Tx EQ", visited first only when the grid lacks an
/// all-zero point.
pub fn tx_grid(cfg: &ComConfig) -> TxGrid {
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
    let mut combos: Vec<Vec<usize>> = vec![vec![]];
    for r in &ranges {
        combos = combos
            .iter()
            .flat_map(|c| {
                (0..r.len()).map(move |k| {
                    let mut n = c.clone();
                    n.push(k);
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
    let mut grid_ix = vec![None];
    for ix in combos {
        let c: Vec<f64> = ix.iter().zip(&ranges).map(|(&k, r)| r[k]).collect();
        if 1.0 - c.iter().map(|x| x.abs()).sum::<f64>() >= cfg.c0_min {
            all.push(full(&c));
            grid_ix.push(Some(ix));
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
    TxGrid {
        taps: all,
        order,
        grid_ix,
        grid_len: ranges.iter().map(|r| r.len()).collect(),
    }
}

/// [`tx_grid`]'s tap vectors and visiting order.
pub fn tx_candidates(cfg: &ComConfig) -> (Vec<Vec<f64>>, Vec<usize>) {
    let g = tx_grid(cfg);
    (g.taps, g.order)
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
                phase_energy(&series[a], &series[b], m, &mut e);
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

/// Indices of the Tx taps that are nonzero in some candidate.
pub fn active_taps(tx: &[Vec<f64>]) -> Vec<usize> {
    let n = tx.first().map_or(0, |t| t.len());
    (0..n).filter(|&k| tx.iter().any(|t| t[k] != 0.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_grid_has_60_candidates() {
        let Ok(t) = std::fs::read_to_string("../shared/com/configs/anchor_r53_ctle_dfe.toml")
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
    fn phase_energies_equal_direct_sums() {
        // Independent check of the quadratic form: direct Σ over the equalised pulse per phase.
        let m = 4;
        let p0: Vec<f64> = (0..42).map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.1).collect();
        let taps = [0.1, -0.2, 0.6, -0.1];
        let active = [0, 1, 2, 3];
        let g = PhaseGram::new(&p0, &active, m);
        let p = apply_tx(&p0, &taps, m);
        let w = g.weights(&taps);
        for ph in 0..m {
            let direct: f64 = p[..40].iter().skip(ph).step_by(m).map(|v| v * v).sum();
            assert!((g.energy(&w, ph) - direct).abs() < 1e-12);
        }
    }

    #[test]
    fn shift_is_circular_by_whole_uis() {
        let p = apply_tx(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[0.0, 1.0], 2);
        assert_eq!(p, vec![5.0, 6.0, 1.0, 2.0, 3.0, 4.0]);
    }
}
