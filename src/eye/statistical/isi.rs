//! The residual intersymbol interference of one sampling phase and its probability mass
//! function on a voltage grid.
//!
//! At phase `φ` (samples from the main cursor) the cursors are `h_k(φ) = v[c + φ + k·M]` for
//! every `k ≠ 0` whose sample lies in the pulse (samples outside it are 0). The DFE taps
//! `b_j` (V) are fixed at `φ = 0` and held across the UI, so the residual post-cursor at `φ` is
//! `r_j(φ) = h_j(φ) − b_j`; a DFE feeds back decided symbols, not the waveform, so it cannot
//! follow the pulse as the sampling instant moves.
//!
//! The PMF of `X = Σ a_k·r_k` with `a_k` independent and uniform over the symbol levels is the
//! convolution of the per-cursor PMFs, each `L` deltas of mass `1/L` at `a·r_k` rounded to the
//! nearest bin (IEEE 802.3 Annex 93A.1.7.1, eqs. 93A-39 to 93A-41; bins rounded half to even
//! as in PyChOpMarg, `../shared/com/README.md` pitfall 9).

use crate::error::{Error, Result};

/// Most bins a PMF may hold (8 MiB of `f64`).
pub const MAX_BINS: usize = 1 << 20;

/// Bins at either end of the PMF that together hold less than this are dropped after each
/// convolution: over a thousand cursors at most `2e-37` of mass is lost, `1e-12` of the
/// smallest probability an eye is evaluated at ([`super::P_MIN`]).
const TRIM_MASS: f64 = 1e-40;

/// A probability mass function on a uniform voltage grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Pmf {
    /// Bin width, V.
    pub bin_v: f64,
    /// Voltage of `p[0]`, V.
    pub first_v: f64,
    /// Probability of each bin (`p[i]` at `first_v + i·bin_v`).
    pub p: Vec<f64>,
}

impl Pmf {
    /// Voltage of bin `i`, V.
    pub fn value_v(&self, i: usize) -> f64 {
        self.first_v + i as f64 * self.bin_v
    }
    /// Total probability (1 up to rounding and the dropped tails, below `1e-36`).
    pub fn total(&self) -> f64 {
        self.p.iter().sum()
    }
    /// Mean, V.
    pub fn mean_v(&self) -> f64 {
        self.p
            .iter()
            .enumerate()
            .map(|(i, &p)| p * self.value_v(i))
            .sum::<f64>()
            / self.total()
    }
}

/// The pulse sample at index `i`, zero outside the pulse.
pub fn at(v: &[f64], i: i64) -> f64 {
    if i >= 0 && (i as usize) < v.len() {
        v[i as usize]
    } else {
        0.0
    }
}

/// DFE taps, V: `b_j = clip(h_j/h_0, ±limit_j)·h_0` at the sampling phase (93A-26), `j = 1..taps`.
pub fn dfe_taps(
    v: &[f64],
    m: usize,
    cursor: usize,
    taps: usize,
    limits: Option<&[f64]>,
) -> Vec<f64> {
    let h0 = v[cursor];
    (1..=taps)
        .map(|j| {
            let ratio = at(v, cursor as i64 + (j * m) as i64) / h0;
            let ratio = match limits {
                Some(l) => ratio.clamp(-l[j - 1], l[j - 1]),
                None => ratio,
            };
            ratio * h0
        })
        .collect()
}

/// One phase's cursors: the main cursor, the residual ISI cursors and the jitter slopes.
#[derive(Debug, Clone)]
pub struct PhaseCursors {
    /// `h_0(φ)`, V.
    pub h0_v: f64,
    /// Residual cursors `r_k(φ)` for `k ≠ 0` (pre-cursors, then post-cursors after the DFE), V.
    pub residual_v: Vec<f64>,
    /// Slopes `h'_k(φ)` of every cursor including the main one, V/UI, by central difference
    /// (93A-28).
    pub slopes_v_per_ui: Vec<f64>,
}

/// The cursors of phase `phase` (samples from `cursor`) with the DFE taps `dfe_v` subtracted.
pub fn phase_cursors(
    v: &[f64],
    m: usize,
    cursor: usize,
    phase: i64,
    dfe_v: &[f64],
) -> PhaseCursors {
    let (mi, base) = (m as i64, cursor as i64 + phase);
    // every k with base + k·M or a neighbour of it inside the pulse, and every DFE tap
    let k_lo = -(base + 1).div_euclid(mi);
    let k_hi = (v.len() as i64 - base)
        .div_euclid(mi)
        .max(dfe_v.len() as i64);
    let mut residual_v = Vec::with_capacity((k_hi - k_lo + 1).max(0) as usize);
    let mut slopes = Vec::with_capacity(residual_v.capacity());
    for k in k_lo..=k_hi {
        let i = base + k * mi;
        slopes.push((at(v, i + 1) - at(v, i - 1)) * 0.5 * m as f64);
        if k == 0 {
            continue;
        }
        let b = if k >= 1 && (k as usize) <= dfe_v.len() {
            dfe_v[k as usize - 1]
        } else {
            0.0
        };
        residual_v.push(at(v, i) - b);
    }
    PhaseCursors {
        h0_v: at(v, base),
        residual_v,
        slopes_v_per_ui: slopes,
    }
}

/// A set of equally likely deltas to convolve in, as bin offsets.
struct Deltas {
    offsets: Vec<i64>,
    weight: f64,
}

impl Deltas {
    fn span(&self) -> i64 {
        let (lo, hi) = min_max(&self.offsets);
        hi - lo
    }
}

fn min_max(x: &[i64]) -> (i64, i64) {
    x.iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &o| (lo.min(o), hi.max(o)))
}

/// The PMF of `Σ a_k·r_k + d` (a_k uniform over `levels`, `d` a dual-Dirac `±dd_v` with mass ½
/// each) on a grid of `bin_v`, with the cursors too small to move any delta off bin 0 left out
/// and returned as `(mean, variance)` of their sum (V, V²) for the caller to add to the
/// Gaussian part.
pub fn isi_pmf(
    residual_v: &[f64],
    levels: &[f64],
    dd_v: f64,
    bin_v: f64,
) -> Result<(Pmf, (f64, f64))> {
    let nl = levels.len() as f64;
    let mean_a = levels.iter().sum::<f64>() / nl;
    let var_a = levels.iter().map(|a| (a - mean_a).powi(2)).sum::<f64>() / nl;
    let (mut skipped_mean, mut skipped_var) = (0.0, 0.0);
    let mut sets: Vec<Deltas> = Vec::with_capacity(residual_v.len() + 1);
    let to_bin = |x: f64| -> Result<i64> {
        let b = (x / bin_v).round_ties_even();
        if b.abs() > MAX_BINS as f64 {
            return Err(too_many_bins(bin_v));
        }
        Ok(b as i64)
    };
    for &r in residual_v {
        let offsets = levels
            .iter()
            .map(|&a| to_bin(a * r))
            .collect::<Result<Vec<_>>>()?;
        if offsets.iter().all(|&o| o == 0) {
            skipped_mean += mean_a * r;
            skipped_var += var_a * r * r;
        } else {
            sets.push(Deltas {
                offsets,
                weight: 1.0 / nl,
            });
        }
    }
    let dd = to_bin(dd_v)?;
    if dd != 0 {
        sets.push(Deltas {
            offsets: vec![-dd, dd],
            weight: 0.5,
        });
    }
    // small spans first: the support stays narrow for most of the work
    sets.sort_by_cached_key(Deltas::span);
    // the PMF is buf[a..b]; each step convolves it into the other buffer
    let mut first: i64 = 0;
    let (mut buf, mut out) = (vec![1.0], Vec::new());
    let (mut a, mut b) = (0, 1);
    let mut shifts: Vec<usize> = Vec::with_capacity(levels.len());
    for set in &sets {
        let (lo, hi) = min_max(&set.offsets);
        if b - a + (hi - lo) as usize > MAX_BINS {
            return Err(too_many_bins(bin_v));
        }
        shifts.clear();
        shifts.extend(set.offsets.iter().map(|&o| (o - lo) as usize));
        convolve(&buf[a..b], &shifts, set.weight, &mut out);
        std::mem::swap(&mut buf, &mut out);
        (a, b) = trimmed(&buf);
        first += lo + a as i64;
    }
    buf.truncate(b);
    buf.drain(..a);
    Ok((
        Pmf {
            bin_v,
            first_v: first as f64 * bin_v,
            p: buf,
        },
        (skipped_mean, skipped_var),
    ))
}

/// `out[j] = w·Σ_l p[j − shifts[l]]`, `out.len() = p.len() + max(shifts)`: where every shift
/// lands inside `p`, in one pass per four shifts (the first written, not added); at the ends,
/// shift by shift.
fn convolve(p: &[f64], shifts: &[usize], w: f64, out: &mut Vec<f64>) {
    let (n, span) = (p.len(), shifts.iter().copied().max().unwrap_or(0));
    out.clear();
    if span >= n || shifts.is_empty() {
        out.resize(n + span, 0.0);
        for &s in shifts {
            for (y, &x) in out[s..s + n].iter_mut().zip(p) {
                *y += w * x;
            }
        }
        return;
    }
    let sl = |s: usize| &p[span - s..n - s];
    out.resize(span, 0.0);
    let (first, rest) = shifts.split_at(shifts.len().min(4));
    match *first {
        [s0, s1, s2, s3] => out.extend(
            (sl(s0).iter().zip(sl(s1)).zip(sl(s2)).zip(sl(s3)))
                .map(|(((a, b), c), d)| w * (a + b + c + d)),
        ),
        [s0, s1, s2] => {
            out.extend((sl(s0).iter().zip(sl(s1)).zip(sl(s2))).map(|((a, b), c)| w * (a + b + c)))
        }
        [s0, s1] => out.extend(sl(s0).iter().zip(sl(s1)).map(|(a, b)| w * (a + b))),
        [s0] => out.extend(sl(s0).iter().map(|a| w * a)),
        _ => {}
    }
    out.resize(n + span, 0.0);
    let mid = &mut out[span..n];
    for g in rest.chunks(4) {
        match *g {
            [s0, s1, s2, s3] => {
                let it = mid
                    .iter_mut()
                    .zip(sl(s0))
                    .zip(sl(s1))
                    .zip(sl(s2))
                    .zip(sl(s3));
                for ((((y, a), b), c), d) in it {
                    *y += w * (a + b + c + d);
                }
            }
            _ => {
                for &s in g {
                    for (y, a) in mid.iter_mut().zip(sl(s)) {
                        *y += w * a;
                    }
                }
            }
        }
    }
    for &s in shifts {
        // the contributions that land before `span` or from `n` on
        for i in 0..span - s {
            out[i + s] += w * p[i];
        }
        for i in n - s..n {
            out[i + s] += w * p[i];
        }
    }
}

/// The range of `p` left after dropping end bins holding less than [`TRIM_MASS`] each side.
fn trimmed(p: &[f64]) -> (usize, usize) {
    let (mut a, mut mass) = (0, 0.0);
    while a + 1 < p.len() && mass + p[a] < TRIM_MASS {
        mass += p[a];
        a += 1;
    }
    let (mut b, mut mass) = (p.len(), 0.0);
    while b > a + 1 && mass + p[b - 1] < TRIM_MASS {
        mass += p[b - 1];
        b -= 1;
    }
    (a, b)
}

fn too_many_bins(bin_v: f64) -> Error {
    Error::invalid(format!(
        "the ISI distribution needs more than {MAX_BINS} bins of {bin_v:e} V; choose a larger bin_v"
    ))
}
