//! The equaliser search: every CTLE candidate × every transmitter FFE candidate × every
//! sampling phase, with the DFE (and an MMSE receiver FFE when asked) adapted for each, ranked by
//! [`super::adapt::fom_db`] — the structure of the COM search of IEEE 802.3 Annex 93A.1.6 (CTLE
//! outer, Tx FFE inner, strictly greater wins), on a figure of merit without crosstalk.
//!
//! Noise: the receiver's input noise of one-sided density `η0` (V²/Hz) through the receiver
//! filter and CTLE, `σ² = η0 ∫ |H_r H_ctf|² df` (eq. 93A-35), then through the receiver FFE
//! (`× Σ w²`).

use num_complex::Complex64;
use rayon::prelude::*;

use super::adapt::{FomTerms, dfe_taps, fom_db, mmse_ffe, per_ui};
use super::ctle::Ctle;
use super::ffe::Ffe;
use crate::Par;
use crate::error::{Error, Result};
use crate::signal::pulse::{ChannelGrid, Sampled};

/// What to search.
#[derive(Debug, Clone, PartialEq)]
pub struct EqSearch {
    /// CTLE candidates; empty: no CTLE.
    pub ctle: Vec<Ctle>,
    /// Transmitter FFE candidates; empty: none.
    pub tx: Vec<Ffe>,
    /// Receiver FFE `(taps, pre-cursor taps)`, MMSE-adapted; `None`: none.
    pub rx_ffe: Option<(usize, usize)>,
    /// DFE taps and their limits (fractions of the cursor; missing: unlimited).
    pub dfe_taps: usize,
    pub dfe_limits: Vec<f64>,
    /// Symbol levels (normalised to ±1 outer levels).
    pub levels: Vec<f64>,
    /// Transmitter peak amplitude, V (the pulse of a symbol at level 1).
    pub amplitude_v: f64,
    /// Receiver input noise density, V²/Hz (one-sided).
    pub eta0_v2_per_hz: f64,
    /// Transmitter noise and jitter in the figure of merit.
    pub terms: FomTerms,
    /// Step of the sampling-phase search, samples.
    pub phase_step: usize,
}

/// The chosen equalisation and the equalised pulse.
#[derive(Debug, Clone, PartialEq)]
pub struct Equalised {
    /// Equalised pulse of a level-1 symbol, V (amplitude, Tx FFE, channel, filters, CTLE, Rx FFE).
    pub pulse: Sampled,
    /// The sampling phase: index of the main cursor in `pulse.v`.
    pub cursor_index: usize,
    pub ctle: Option<Ctle>,
    pub tx: Ffe,
    pub rx: Option<Ffe>,
    /// DFE taps, V (per level-1 symbol).
    pub dfe_v: Vec<f64>,
    /// Noise rms at the slicer, V.
    pub noise_rms_v: f64,
    pub fom_db: f64,
    /// Settings evaluated (CTLE × Tx × phases).
    pub evaluated: usize,
}

/// Variance of equiprobable `levels`.
pub fn level_variance(levels: &[f64]) -> f64 {
    let n = levels.len().max(1) as f64;
    let mean = levels.iter().sum::<f64>() / n;
    levels.iter().map(|l| (l - mean) * (l - mean)).sum::<f64>() / n
}

struct Best {
    fom: f64,
    ctle: Option<Ctle>,
    tx: Ffe,
    rx: Option<Ffe>,
    phase: usize,
    noise_var: f64,
    evaluated: usize,
}

fn search_one(grid: &ChannelGrid, s: &EqSearch, ctle: Option<Ctle>, var_a: f64) -> Result<Best> {
    let hc: Vec<Complex64> = match ctle {
        Some(c) => c.responses(&grid.grid_hz),
        None => vec![Complex64::new(1.0, 0.0); grid.grid_hz.len()],
    };
    let df = grid.grid_hz.get(1).copied().unwrap_or(0.0);
    let noise_in: f64 = s.eta0_v2_per_hz
        * df
        * grid
            .grid_hz
            .iter()
            .zip(&hc)
            .map(|(&f, c)| {
                // |H_r|² of the 4th-order Butterworth is 1/(1 + (f/f_r)⁸)
                let r2 = grid
                    .opts
                    .rx_bandwidth_hz
                    .map_or(1.0, |fr| 1.0 / (1.0 + (f / fr).powi(8)));
                r2 * c.norm_sqr()
            })
            .sum::<f64>();
    let base = grid.pulse_times(&hc)?;
    let m = base.pulse.samples_per_ui;
    let txs = if s.tx.is_empty() {
        vec![Ffe::identity()]
    } else {
        s.tx.clone()
    };
    let mut best = Best {
        fom: f64::NEG_INFINITY,
        ctle,
        tx: Ffe::identity(),
        rx: None,
        phase: 0,
        noise_var: noise_in,
        evaluated: 0,
    };
    let (mut h, mut ha, mut hb, mut slope) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut cbuf = Vec::new();
    for tx in &txs {
        let mut p = tx.apply(&base.pulse);
        p.v.iter_mut().for_each(|v| *v *= s.amplitude_v);
        let peak = base.peak_index + tx.cursor_shift(m);
        let lo = peak.saturating_sub(m / 2);
        let hi = (peak + m / 2).min(p.v.len() - 1);
        for phase in (lo..=hi).step_by(s.phase_step.max(1)) {
            let d = phase / m;
            strided(&p.v, m, phase, &mut h);
            // slope per UI by central difference over ±1 sample
            strided(&p.v, m, (phase + 1).min(p.v.len() - 1), &mut ha);
            strided(&p.v, m, phase.saturating_sub(1), &mut hb);
            slope.clear();
            slope.extend(ha.iter().zip(&hb).map(|(a, b)| (a - b) * m as f64 / 2.0));
            let extra = s.terms.variance(&h, &slope, var_a);
            let (dc, rx, noise_var) = match s.rx_ffe {
                Some((n, n_pre)) => {
                    let w = mmse_ffe(&h, d, n, n_pre, s.dfe_taps, var_a, noise_in)?;
                    cbuf.clear();
                    cbuf.resize(h.len() + n - 1, 0.0);
                    for (k, wk) in w.taps.iter().enumerate() {
                        for (i, hi) in h.iter().enumerate() {
                            cbuf[i + k] += wk * hi;
                        }
                    }
                    let g: f64 = w.taps.iter().map(|x| x * x).sum();
                    (d + n_pre, Some(w), noise_in * g)
                }
                None => (d, None, noise_in),
            };
            let c: &[f64] = if rx.is_some() { &cbuf } else { &h };
            let h0 = c[dc];
            let dfe = dfe_taps(h0, &c[dc + 1..], s.dfe_taps, &s.dfe_limits);
            let fom = fom_db(c, dc, &dfe, var_a, noise_var + extra);
            best.evaluated += 1;
            if h0 > 0.0 && fom > best.fom {
                best.fom = fom;
                best.tx = tx.clone();
                best.rx = rx;
                best.phase = phase;
                best.noise_var = noise_var;
            }
        }
    }
    Ok(best)
}

/// `v` every `m` samples from the phase of `index` into `out` (no allocation once warm).
fn strided(v: &[f64], m: usize, index: usize, out: &mut Vec<f64>) {
    out.clear();
    out.extend(v.iter().skip(index % m).step_by(m));
}

/// Search `s` on `grid` (module doc) and return the best setting with its equalised pulse.
pub fn optimise(grid: &ChannelGrid, s: &EqSearch, par: Par) -> Result<Equalised> {
    if s.levels.len() < 2
        || !(s.amplitude_v.is_finite() && s.amplitude_v > 0.0)
        || !(s.eta0_v2_per_hz.is_finite() && s.eta0_v2_per_hz >= 0.0)
    {
        return Err(Error::invalid(format!(
            "an equaliser search needs ≥ 2 levels, a positive amplitude and a non-negative noise density (found {} levels, {} V, {} V²/Hz)",
            s.levels.len(),
            s.amplitude_v,
            s.eta0_v2_per_hz
        )));
    }
    let var_a = level_variance(&s.levels);
    let ctles: Vec<Option<Ctle>> = if s.ctle.is_empty() {
        vec![None]
    } else {
        s.ctle.iter().copied().map(Some).collect()
    };
    let results: Vec<Result<Best>> = match par {
        Par::Seq => ctles
            .iter()
            .map(|c| search_one(grid, s, *c, var_a))
            .collect(),
        Par::Rayon(_) => ctles
            .par_iter()
            .map(|c| search_one(grid, s, *c, var_a))
            .collect(),
    };
    let mut evaluated = 0;
    let mut best: Option<Best> = None;
    // in candidate order, strictly greater wins (COM's tie rule)
    for r in results {
        let b = r?;
        evaluated += b.evaluated;
        if best.as_ref().is_none_or(|x| b.fom > x.fom) {
            best = Some(b);
        }
    }
    let b = best.ok_or_else(|| Error::invalid("no equaliser candidate"))?;
    if !b.fom.is_finite() {
        return Err(Error::invalid(
            "no equaliser setting leaves a positive cursor: the channel is too lossy for this search",
        ));
    }
    // rebuild the winner's pulse at full rate
    let hctf = |f: f64| b.ctle.map_or(Complex64::new(1.0, 0.0), |c| c.response(f));
    let base = grid.pulse(hctf)?;
    let mut p = b.tx.apply(&base.pulse);
    p.v.iter_mut().for_each(|v| *v *= s.amplitude_v);
    let (pulse, cursor_index) = match &b.rx {
        Some(w) => (w.apply(&p), b.phase + w.cursor_shift(p.samples_per_ui)),
        None => (p, b.phase),
    };
    let (h, d) = per_ui(&pulse.v, pulse.samples_per_ui, cursor_index);
    let dfe_v = dfe_taps(h[d], &h[d + 1..], s.dfe_taps, &s.dfe_limits);
    Ok(Equalised {
        pulse,
        cursor_index,
        ctle: b.ctle,
        tx: b.tx,
        rx: b.rx,
        dfe_v,
        noise_rms_v: b.noise_var.sqrt(),
        fom_db: b.fom,
        evaluated,
    })
}
