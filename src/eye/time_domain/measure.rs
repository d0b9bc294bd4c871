//! Eye height and width at a probability `p`, measured on a simulated waveform with its symbols.
//!
//! The definition is the one shared with the statistical eye (`eye::statistical`): at sampling
//! phase `φ`, for PAM eye `e` between levels `L_e < L_{e+1}` (`e = 0` the lowest),
//! - the **upper edge** is the lower `p`-quantile of the samples whose current symbol is
//!   `L_{e+1}`;
//! - the **lower edge** is the upper `p`-quantile of the samples whose current symbol is `L_e`;
//! - the **height** `h(e, φ)` is upper edge − lower edge (negative: the eye is closed).
//!
//! Phases are counted in samples from the sampling instant `cursor_index + kM` of symbol `k`
//! ("current symbol" is always symbol `k`, also for phases in its neighbours' UIs), over
//! `−M ..= M`. Reported:
//! - heights at the common sampling phase `φ = 0` (the phase of `cursor_index`) for every eye,
//!   and each eye's best height over its own UI (`−⌊M/2⌋ ..< M − ⌊M/2⌋`) with that phase;
//! - widths: the span of phases around `φ = 0` where `h(e, φ) > 0`, from crossing to crossing,
//!   linearly interpolated between samples, in UI; 0 if the eye is closed at `φ = 0`, and at
//!   most 2 UI (the phases scanned).
//!
//! Quantiles of `n` samples are order statistics (Hyndman & Fan, "Sample quantiles in
//! statistical packages", *Am. Stat.* 50(4), 1996, definition 1, the inverse of the empirical
//! CDF): the lower `p`-quantile is the `⌈p n⌉`-th smallest, the upper `p`-quantile the
//! `⌈p n⌉`-th largest (so both tails are read alike). With `p n < 1` they are the minimum and
//! the maximum: the eye measured is the sequence's whole ISI range.
//!
//! Cost: one pass over the measured UIs per phase evaluated, with a selection (linear time) per
//! level; `M + 2` to `2M + 1` phases.

use super::check_waveform_shape;
use crate::error::{Error, Result};
use crate::signal::pam::check_levels;

/// The eye of a simulated waveform (module doc). Eyes are listed lowest first; voltages in V.
#[derive(Debug, Clone, PartialEq)]
pub struct TdEye {
    /// Height per eye at the sampling phase (the phase of `cursor_index`), V.
    pub heights_v: Vec<f64>,
    /// Width per eye around the sampling phase, UI.
    pub widths_ui: Vec<f64>,
    /// The smallest of `heights_v`.
    pub min_height_v: f64,
    /// The smallest of `widths_ui`.
    pub min_width_ui: f64,
    /// Best height per eye over its UI, V.
    pub best_heights_v: Vec<f64>,
    /// Phase of each best height, samples from the sampling phase.
    pub best_phase_offsets: Vec<isize>,
    /// The sampling phase within a UI of the waveform, `cursor_index mod M`.
    pub phase_index: usize,
    /// The probability the edges are taken at.
    pub p: f64,
    /// UIs measured, and how many of them carry each level (lowest first).
    pub symbols_measured: usize,
    pub level_counts: Vec<usize>,
}

/// Lower and upper `p`-quantiles of `buf` (module doc), reordering it.
fn tails(buf: &mut [f64], p: f64) -> (f64, f64) {
    let n = buf.len();
    // ⌈p n⌉ − 1, guarding p n that is an integer up to rounding
    let r = ((p * n as f64 - 1e-9).ceil().max(1.0) as usize - 1).min(n - 1);
    let (_, lo, right) = buf.select_nth_unstable_by(r, f64::total_cmp);
    let lo = *lo;
    let hi_rank = n - 1 - r; // ≥ r as p ≤ 1/2
    if hi_rank == r {
        return (lo, lo);
    }
    let (_, hi, _) = right.select_nth_unstable_by(hi_rank - r - 1, f64::total_cmp);
    (lo, *hi)
}

/// The samples of each level's UIs at one phase, and the eyes' heights there.
struct Heights<'a> {
    waveform: &'a [f64],
    /// Per level, the sampling instants `cursor + kM` of its measured UIs.
    instants: Vec<Vec<usize>>,
    p: f64,
    buf: Vec<f64>,
}

impl Heights<'_> {
    fn at(&mut self, phase: isize) -> Vec<f64> {
        let n_levels = self.instants.len();
        let mut lower_q = vec![0.0; n_levels];
        let mut upper_q = vec![0.0; n_levels];
        for (level, instants) in self.instants.iter().enumerate() {
            self.buf.clear();
            // instants are at least M from either end (measure), and |phase| ≤ M
            self.buf.extend(
                instants
                    .iter()
                    .map(|&c| self.waveform[c.wrapping_add_signed(phase)]),
            );
            (lower_q[level], upper_q[level]) = tails(&mut self.buf, self.p);
        }
        (0..n_levels - 1)
            .map(|e| lower_q[e + 1] - upper_q[e])
            .collect()
    }
}

/// Eye heights and widths at probability `p` (module doc) of `waveform` (`symbols.len() ×
/// samples_per_ui` samples, e.g. from [`super::waveform`]), whose symbol `k` is `symbols[k]`,
/// one of `levels`, sampled at `cursor_index + k × samples_per_ui`. UIs before `warmup_symbols`
/// ([`super::warmup_symbols`]) and those within one UI of either end are not measured.
///
/// Errors: a waveform of another length or not finite; levels not increasing; a symbol that is
/// not one of the levels (to 1e-9 of their span); `p` outside (0, 1/2]; no UI left to measure;
/// a level that no measured UI carries.
pub fn measure(
    waveform: &[f64],
    symbols: &[f64],
    samples_per_ui: usize,
    cursor_index: usize,
    warmup_symbols: usize,
    levels: &[f64],
    p: f64,
) -> Result<TdEye> {
    check_waveform_shape(waveform, symbols.len(), samples_per_ui)?;
    check_levels(levels)?;
    if !(p > 0.0 && p <= 0.5) {
        return Err(Error::invalid(format!("p must be in (0, 1/2], got {p}")));
    }
    if let Some(i) = waveform.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(format!("waveform sample {i} is not finite")));
    }
    let m = samples_per_ui;
    let span = levels[levels.len() - 1] - levels[0];
    let tolerance = 1e-9 * span;
    // measured UIs: k ≥ warm-up, cursor + kM − M ≥ 0 and cursor + kM + M < len
    let first = warmup_symbols.max(m.saturating_sub(cursor_index).div_ceil(m));
    let mut instants = vec![Vec::new(); levels.len()];
    let mut measured = 0;
    for (k, &a) in symbols.iter().enumerate().skip(first) {
        let Some(c) = k.checked_mul(m).and_then(|x| x.checked_add(cursor_index)) else {
            break;
        };
        if c.checked_add(m).is_none_or(|end| end >= waveform.len()) {
            break;
        }
        let level = levels.partition_point(|&l| l < a - tolerance);
        if level == levels.len() || (levels[level] - a).abs() > tolerance {
            return Err(Error::invalid(format!(
                "symbol {k} is {a}, not one of the levels {levels:?}"
            )));
        }
        instants[level].push(c);
        measured += 1;
    }
    if measured == 0 {
        return Err(Error::invalid(format!(
            "no UI to measure: {} symbols, warm-up {warmup_symbols}, cursor at sample \
             {cursor_index}, {m} samples per UI",
            symbols.len()
        )));
    }
    if let Some(level) = instants.iter().position(Vec::is_empty) {
        return Err(Error::invalid(format!(
            "no measured UI carries level {level} ({} V): its eyes are undefined",
            levels[level]
        )));
    }
    let level_counts: Vec<usize> = instants.iter().map(Vec::len).collect();
    let largest = level_counts.iter().copied().max().unwrap_or(0);
    let mut heights = Heights {
        waveform,
        instants,
        p,
        buf: Vec::with_capacity(largest),
    };
    let mi = m as isize;
    // h(e, φ) for φ = −M ..= M, at index φ + M, computed when first needed
    let mut cache: Vec<Option<Vec<f64>>> = vec![None; 2 * m + 1];
    let mut h_at = |phase: isize| -> Vec<f64> {
        let slot = &mut cache[(phase + mi) as usize];
        slot.get_or_insert_with(|| heights.at(phase)).clone()
    };
    let n_eyes = levels.len() - 1;
    let mut best_heights_v = vec![f64::NEG_INFINITY; n_eyes];
    let mut best_phase_offsets = vec![0isize; n_eyes];
    let half = mi / 2;
    for phase in -half..mi - half {
        for (e, h) in h_at(phase).into_iter().enumerate() {
            if h > best_heights_v[e] {
                best_heights_v[e] = h;
                best_phase_offsets[e] = phase;
            }
        }
    }
    let heights_v = h_at(0);
    let mut widths_ui = vec![0.0; n_eyes];
    for (e, width) in widths_ui.iter_mut().enumerate() {
        if heights_v[e] <= 0.0 {
            continue;
        }
        let mut reach = [mi as f64; 2];
        for (side, dir) in [1isize, -1].into_iter().enumerate() {
            let mut inside = heights_v[e];
            for step in 1..=mi {
                let h = h_at(dir * step)[e];
                if h <= 0.0 {
                    reach[side] = (step - 1) as f64 + inside / (inside - h);
                    break;
                }
                inside = h;
            }
        }
        *width = (reach[0] + reach[1]) / m as f64;
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(TdEye {
        min_height_v: min(&heights_v),
        min_width_ui: min(&widths_ui),
        heights_v,
        widths_ui,
        best_heights_v,
        best_phase_offsets,
        phase_index: cursor_index % m,
        p,
        symbols_measured: measured,
        level_counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statistic_quantiles() {
        // 1..=100 shuffled: p = 0.05 → 5th smallest (5) and 5th largest (96)
        let mut v: Vec<f64> = (1..=100).map(|i| ((i * 37) % 101) as f64).collect();
        assert_eq!(tails(&mut v, 0.05), (5.0, 96.0));
        // p n < 1: the extremes
        let mut v: Vec<f64> = (1..=100).map(|i| i as f64).collect();
        assert_eq!(tails(&mut v, 1e-6), (1.0, 100.0));
        // p = 0.07, n = 100: ⌈7.000000000000001⌉ would be 8 without the guard
        let mut v: Vec<f64> = (1..=100).map(|i| i as f64).collect();
        assert_eq!(tails(&mut v, 0.07), (7.0, 94.0));
        // p = 1/2: the median from both sides, n odd
        let mut v = vec![3.0, 1.0, 2.0];
        assert_eq!(tails(&mut v, 0.5), (2.0, 2.0));
        let mut v = vec![4.0];
        assert_eq!(tails(&mut v, 0.1), (4.0, 4.0));
    }
}
