//! Tails and quantiles of `X + n`: a grid PMF `X` (the ISI) plus independent Gaussian noise `n`
//! of standard deviation `σ`, accurate in relative terms down to [`super::P_MIN`].
//!
//! Both tails are sums of positive terms, never `1 − F`:
//! `P(X + n ≤ y) = Σ_i P_i·Φ((y − x_i)/σ)` and `P(X + n > y) = Σ_i P_i·Q((y − x_i)/σ)`, with
//! `Φ`/`Q` from [`super::gauss`]. Atoms more than `Z = 12` σ away contribute either all their
//! mass (a sum accumulated from that end, so small tails keep their precision) or less than
//! `Q(12) = 1.8e-33` of it. On the grid points `y_j = x_j` the Gaussian weights are one kernel
//! `Φ(m·Δ/σ)`, `|m| ≤ W = ⌈Zσ/Δ⌉`, so a tail is a dot product of length `2W + 1`; between grid
//! points the logarithm of a tail is interpolated linearly when `σ` spans many bins
//! (`W > EXACT_W`; the error is below `10⁻³σ` in the quantile), and the sum is evaluated exactly
//! with `erfc` otherwise. With `σ = 0` the tails are the PMF's own step functions.

use super::gauss::{phi, upper_tail_grid};
use super::isi::Pmf;

/// Gaussian tails are cut at this many standard deviations (`Q(12) = 1.8e-33`).
const Z: f64 = 12.0;
/// Below this kernel half-width the tails between grid points are summed exactly.
const EXACT_W: usize = 64;
/// Bins per stored partial sum.
const BLOCK: usize = 64;

/// The distribution of `X + n` at one phase.
#[derive(Debug, Clone)]
pub struct Dist {
    pub pmf: Pmf,
    /// Standard deviation of the Gaussian part, V.
    pub sigma_v: f64,
    /// `below[b] = Σ_{i < b·BLOCK} P_i`, accumulated from the low end.
    below: Vec<f64>,
    /// `above[b] = Σ_{i ≥ b·BLOCK} P_i`, accumulated from the high end.
    above: Vec<f64>,
    /// Kernel half-width `W`.
    w: usize,
    /// `phi_k[W + m] = Φ(m·Δ/σ)`, `m = −W..=W`.
    phi_k: Vec<f64>,
    /// `q_k[W + m] = Q(m·Δ/σ)`, the reverse of `phi_k`.
    q_k: Vec<f64>,
}

impl Dist {
    /// `w_max` bounds the kernel half-width; `None` when `σ` needs a longer one.
    pub fn new(pmf: Pmf, sigma_v: f64, w_max: usize) -> Option<Dist> {
        let n = pmf.p.len();
        let nb = n.div_ceil(BLOCK);
        let block = |b: usize| {
            pmf.p[b * BLOCK..((b + 1) * BLOCK).min(n)]
                .iter()
                .sum::<f64>()
        };
        let mut below = vec![0.0; nb + 1];
        for b in 0..nb {
            below[b + 1] = below[b] + block(b);
        }
        let mut above = vec![0.0; nb + 1];
        for b in (0..nb).rev() {
            above[b] = above[b + 1] + block(b);
        }
        let wf = if sigma_v > 0.0 {
            (Z * sigma_v / pmf.bin_v).ceil()
        } else {
            0.0
        };
        if wf > w_max as f64 {
            return None;
        }
        let w = wf as usize;
        let mut phi_k = vec![0.0; 2 * w + 1];
        if sigma_v > 0.0 {
            for (m, q) in upper_tail_grid(pmf.bin_v / sigma_v, w)
                .into_iter()
                .enumerate()
            {
                phi_k[w - m] = q;
                phi_k[w + m] = 1.0 - q;
            }
        }
        let q_k = phi_k.iter().rev().copied().collect();
        Some(Dist {
            pmf,
            sigma_v,
            below,
            above,
            w,
            phi_k,
            q_k,
        })
    }

    fn n(&self) -> i64 {
        self.pmf.p.len() as i64
    }

    fn grid_v(&self, j: i64) -> f64 {
        self.pmf.first_v + j as f64 * self.pmf.bin_v
    }

    /// `Σ_{i<k} P_i` for any `k`, summed from the low end.
    fn below_at(&self, k: i64) -> f64 {
        let k = k.clamp(0, self.n()) as usize;
        let b = k / BLOCK;
        self.below[b] + self.pmf.p[b * BLOCK..k].iter().sum::<f64>()
    }

    /// `Σ_{i≥k} P_i` for any `k`, summed from the high end.
    fn above_at(&self, k: i64) -> f64 {
        let k = k.clamp(0, self.n()) as usize;
        let b = k.div_ceil(BLOCK);
        let end = (b * BLOCK).min(self.pmf.p.len());
        self.above[b] + self.pmf.p[k..end].iter().sum::<f64>()
    }

    /// The smallest `k` with `Σ_{i<k} P_i ≥ p` (`n + 1` if none).
    fn first_below_reaching(&self, p: f64) -> i64 {
        let b = self.below.partition_point(|&c| c < p);
        if b == 0 {
            return 0;
        }
        if b == self.below.len() {
            return self.n() + 1;
        }
        let (mut k, mut s) = ((b - 1) * BLOCK, self.below[b - 1]);
        let end = (b * BLOCK).min(self.pmf.p.len());
        while s < p && k < end {
            s += self.pmf.p[k];
            k += 1;
        }
        k as i64
    }

    /// The smallest `k` with `Σ_{i≥k} P_i ≤ p`.
    fn first_above_within(&self, p: f64) -> i64 {
        let b = self.above.partition_point(|&c| c > p);
        if b == 0 {
            return 0;
        }
        let lo = (b - 1) * BLOCK;
        let mut k = (b * BLOCK).min(self.pmf.p.len());
        let mut s = self.above[b];
        while k > lo && s + self.pmf.p[k - 1] <= p {
            s += self.pmf.p[k - 1];
            k -= 1;
        }
        k as i64
    }

    /// `Σ_{i=j−W}^{j+W} P_i·kernel[W + i − j]` over the atoms that exist.
    fn window(&self, j: i64, kernel: &[f64]) -> f64 {
        let w = self.w as i64;
        let (a, b) = ((j - w).max(0), (j + w + 1).min(self.n()));
        if a >= b {
            return 0.0;
        }
        let k0 = (a - (j - w)) as usize;
        self.pmf.p[a as usize..b as usize]
            .iter()
            .zip(&kernel[k0..])
            .map(|(p, k)| p * k)
            .sum()
    }

    /// `P(X + n ≤ y_j)` at grid point `j` (σ > 0).
    fn lower_grid(&self, j: i64) -> f64 {
        self.below_at(j - self.w as i64) + self.window(j, &self.q_k)
    }

    /// `P(X + n > y_j)` at grid point `j` (σ > 0).
    fn upper_grid(&self, j: i64) -> f64 {
        self.above_at(j + self.w as i64 + 1) + self.window(j, &self.phi_k)
    }

    /// `P(X + n ≤ y)` summed exactly with `erfc` (σ > 0).
    fn lower_exact(&self, y: f64) -> f64 {
        let (j0, _) = self.cell(y);
        let w = self.w as i64 + 1;
        let (a, b) = ((j0 - w).max(0), (j0 + w + 2).min(self.n()));
        let mut s = self.below_at(a);
        for i in a..b {
            s += self.pmf.p[i as usize] * phi((y - self.grid_v(i)) / self.sigma_v);
        }
        s
    }

    /// `P(X + n > y)` summed exactly with `erfc` (σ > 0).
    fn upper_exact(&self, y: f64) -> f64 {
        let (j0, _) = self.cell(y);
        let w = self.w as i64 + 1;
        let (a, b) = ((j0 - w).max(0), (j0 + w + 2).min(self.n()));
        let mut s = self.above_at(b);
        for i in a..b {
            s += self.pmf.p[i as usize] * phi((self.grid_v(i) - y) / self.sigma_v);
        }
        s
    }

    /// The grid cell of `y`: `j` with `y_j ≤ y < y_{j+1}` and the fraction `(y − y_j)/Δ`.
    fn cell(&self, y: f64) -> (i64, f64) {
        let u = (y - self.pmf.first_v) / self.pmf.bin_v;
        let lim = (self.n() + self.w as i64 + 2) as f64;
        let j = u.floor().clamp(-lim, lim);
        (j as i64, (u - j).clamp(0.0, 1.0))
    }

    /// `P(X + n ≤ y)`.
    pub fn lower_tail(&self, y: f64) -> f64 {
        if self.sigma_v == 0.0 {
            return self.below_at(self.atom_index(y, true) + 1);
        }
        if self.w <= EXACT_W {
            return self.lower_exact(y);
        }
        let (j, f) = self.cell(y);
        log_interp(self.lower_grid(j), self.lower_grid(j + 1), f)
    }

    /// `P(X + n > y)`.
    pub fn upper_tail(&self, y: f64) -> f64 {
        if self.sigma_v == 0.0 {
            return self.above_at(self.atom_index(y, true) + 1);
        }
        if self.w <= EXACT_W {
            return self.upper_exact(y);
        }
        let (j, f) = self.cell(y);
        log_interp(self.upper_grid(j), self.upper_grid(j + 1), f)
    }

    /// `P(X + n < y)`: below `y` strictly (equal to [`Self::lower_tail`] when σ > 0).
    pub fn strictly_below(&self, y: f64) -> f64 {
        if self.sigma_v > 0.0 {
            return self.lower_tail(y);
        }
        self.below_at(self.atom_index(y, false))
    }

    /// The last atom at or below `y` (`at_or_below`) or the first at or above it, as an index
    /// that may lie outside the PMF; a point within `10⁻⁹` bin of an atom is on it.
    fn atom_index(&self, y: f64, at_or_below: bool) -> i64 {
        let u = (y - self.pmf.first_v) / self.pmf.bin_v;
        let lim = (self.n() + 2) as f64;
        let k = if at_or_below {
            (u + 1e-9).floor()
        } else {
            (u - 1e-9).ceil()
        };
        k.clamp(-lim, lim) as i64
    }

    /// The lower `p`-quantile `inf{y : P(X + n ≤ y) ≥ p}`, `0 < p ≤ ½`.
    pub fn quantile_lower(&self, p: f64) -> f64 {
        if self.sigma_v == 0.0 {
            // the atom k with Σ_{i≤k} P_i ≥ p first
            let k = (self.first_below_reaching(p) - 1).clamp(0, self.n() - 1);
            return self.pmf.value_v(k as usize);
        }
        // g(j) = ln F(y_j) − ln p, increasing; the atoms alone bracket the root within ±W
        let k = self.first_below_reaching(p);
        let full = (-(self.w as i64) - 1, self.n() - 1 + self.w as i64);
        let guess = (k - self.w as i64 - 2, k + self.w as i64);
        let g = |j: i64| self.lower_grid(j).ln() - p.ln();
        let (j0, g0, g1) = search(guess, full, g);
        let y0 = self.grid_v(j0);
        if self.w <= EXACT_W {
            return bisect(y0, y0 + self.pmf.bin_v, |y| self.lower_exact(y) < p);
        }
        y0 + root_frac(g0, g1) * self.pmf.bin_v
    }

    /// The upper `p`-quantile `inf{y : P(X + n > y) ≤ p}` (the `(1 − p)`-quantile), `0 < p ≤ ½`.
    pub fn quantile_upper(&self, p: f64) -> f64 {
        if self.sigma_v == 0.0 {
            // the atom k with Σ_{i>k} P_i ≤ p first
            let k = (self.first_above_within(p) - 1).clamp(0, self.n() - 1);
            return self.pmf.value_v(k as usize);
        }
        // g(j) = ln p − ln U(y_j), increasing
        let k = self.first_above_within(p);
        let full = (-(self.w as i64) - 1, self.n() + self.w as i64);
        let guess = (k - self.w as i64 - 2, k + self.w as i64);
        let g = |j: i64| p.ln() - self.upper_grid(j).ln();
        let (j0, g0, g1) = search(guess, full, g);
        let y0 = self.grid_v(j0);
        if self.w <= EXACT_W {
            return bisect(y0, y0 + self.pmf.bin_v, |y| self.upper_exact(y) > p);
        }
        y0 + root_frac(g0, g1) * self.pmf.bin_v
    }
}

/// For an increasing `g` on the integers with `g(full.0) < 0 ≤ g(full.1)`: the `j` with
/// `g(j) < 0 ≤ g(j + 1)`, and `g(j)`, `g(j + 1)`. Starts from `guess` when it brackets the
/// root, then steps by linear interpolation of `g` (the log of a tail, nearly linear or
/// quadratic in `y`), falling back to halving whenever an interpolation step does not at least
/// halve the bracket.
fn search(guess: (i64, i64), full: (i64, i64), g: impl Fn(i64) -> f64) -> (i64, f64, f64) {
    let (a, b) = (guess.0.max(full.0), guess.1.min(full.1));
    let (ga, gb) = (g(a), g(b));
    let (mut lo, mut hi, mut glo, mut ghi) = if a < b && ga < 0.0 && gb >= 0.0 {
        (a, b, ga, gb)
    } else {
        (full.0, full.1, g(full.0), g(full.1))
    };
    let mut interpolate = true;
    while hi - lo > 1 {
        let width = hi - lo;
        let mid = if interpolate && glo.is_finite() && ghi.is_finite() && ghi > glo {
            let t = -glo / (ghi - glo);
            (lo + (t * width as f64).round() as i64).clamp(lo + 1, hi - 1)
        } else {
            lo + width / 2
        };
        let gm = g(mid);
        if gm < 0.0 {
            (lo, glo) = (mid, gm);
        } else {
            (hi, ghi) = (mid, gm);
        }
        interpolate = 2 * (hi - lo) <= width;
    }
    (lo, glo, ghi)
}

/// Where between two grid points the log-linear interpolation of a tail crosses `p`, as a
/// fraction of a bin, from `g = ln(tail/p)` (lower tail) or `ln(p/tail)` (upper) at both ends.
fn root_frac(g0: f64, g1: f64) -> f64 {
    if !g0.is_finite() {
        1.0
    } else if !g1.is_finite() || g1 <= g0 {
        0.0
    } else {
        (-g0 / (g1 - g0)).clamp(0.0, 1.0)
    }
}

/// `exp((1 − f)·ln a + f·ln b)`, with zeros handled.
fn log_interp(a: f64, b: f64, f: f64) -> f64 {
    if a <= 0.0 || b <= 0.0 {
        return if f < 1.0 { a } else { b };
    }
    (a.ln() * (1.0 - f) + b.ln() * f).exp()
}

/// The point of `[lo, hi]` where `left_of(y)` turns false, to a millionth of the interval
/// (`left_of(lo)` true, `left_of(hi)` false).
fn bisect(mut lo: f64, mut hi: f64, left_of: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..20 {
        let mid = 0.5 * (lo + hi);
        if left_of(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}
