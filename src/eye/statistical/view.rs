//! Reading a [`StatEye`]: edges, heights and widths at a probability, contours, and the
//! vertical and horizontal bathtubs.
//!
//! Bathtubs use the two one-sided probabilities of eye `e` at a threshold `y`:
//! `A(y) = P(L_{e+1}·h_0 + X + n < y)` (an upper-level sample below the threshold) and
//! `B(y) = P(L_e·h_0 + X + n > y)` (a lower-level sample above it), and report
//! `max(A, B)`: the eye is open at probability `p` exactly where `max(A, B) ≤ p`, between its
//! lower and upper edges, so a bathtub read at `p` gives back [`StatEye::height_v`] and
//! [`StatEye::width_ui`]. (`A + B` is at most twice that, the conditional error probability of
//! the two levels.)

use super::{P_MIN, PhaseEye, Pmf, StatEye};
use crate::error::{Error, Result};

/// Thresholds in a vertical bathtub.
pub const BATHTUB_POINTS: usize = 201;

impl StatEye {
    /// Number of eyes (levels − 1).
    pub fn eyes(&self) -> usize {
        self.levels.len() - 1
    }

    /// The symbol levels.
    pub fn levels(&self) -> &[f64] {
        &self.levels
    }

    /// The computed phases, UI from the sampling phase.
    pub fn phases_ui(&self) -> Vec<f64> {
        let m = self.samples_per_ui as f64;
        self.phases.iter().map(|p| p.offset as f64 / m).collect()
    }

    /// The main cursor `h_0` at the sampling phase, V.
    pub fn h0_v(&self) -> f64 {
        self.phases[self.sampling].h0_v
    }

    /// DFE taps `b_1..b_n`, V.
    pub fn dfe_taps_v(&self) -> &[f64] {
        &self.dfe_v
    }

    /// Standard deviation of the Gaussian part at each phase, V.
    pub fn sigma_v(&self) -> Vec<f64> {
        self.phases.iter().map(|p| p.dist.sigma_v).collect()
    }

    /// The PMF of the residual ISI and dual-Dirac jitter at phase index `phase` (into
    /// [`Self::phases_ui`]).
    pub fn isi_pmf(&self, phase: usize) -> Result<&Pmf> {
        self.phases
            .get(phase)
            .map(|p| &p.dist.pmf)
            .ok_or_else(|| Error::invalid(format!("phase index {phase} of {}", self.phases.len())))
    }

    /// `(lower, upper)` edges of eye `eye` at phase index `phase` and probability `p`, V.
    pub fn edges_v(&self, eye: usize, phase: usize, p: f64) -> Result<(f64, f64)> {
        self.check(eye, p)?;
        let ph = self.phases.get(phase).ok_or_else(|| {
            Error::invalid(format!("phase index {phase} of {}", self.phases.len()))
        })?;
        Ok(self.edges_at(ph, eye, p))
    }

    fn edges_at(&self, ph: &PhaseEye, eye: usize, p: f64) -> (f64, f64) {
        self.edges_from(ph, spread(ph, p), eye)
    }

    /// The edges of `eye` at a phase from its [`spread`].
    fn edges_from(&self, ph: &PhaseEye, (below, above): (f64, f64), eye: usize) -> (f64, f64) {
        (
            self.levels[eye] * ph.h0_v + below,
            self.levels[eye + 1] * ph.h0_v + above,
        )
    }

    /// Height of eye `eye` (0 lowest) at the sampling phase at probability `p`, V; negative
    /// when closed.
    pub fn height_v(&self, eye: usize, p: f64) -> Result<f64> {
        self.check(eye, p)?;
        let (lo, hi) = self.edges_at(&self.phases[self.sampling], eye, p);
        Ok(hi - lo)
    }

    /// Heights of every eye at the sampling phase at `p`, lowest eye first, V.
    pub fn heights_v(&self, p: f64) -> Result<Vec<f64>> {
        (0..self.eyes()).map(|e| self.height_v(e, p)).collect()
    }

    /// Per phase `(phase, lower edge, upper edge)` (UI, V, V) of eye `eye` at `p`, for contour
    /// plots; where the eye is closed the lower edge is above the upper.
    pub fn contour(&self, eye: usize, p: f64) -> Result<Vec<(f64, f64, f64)>> {
        self.check(eye, p)?;
        let m = self.samples_per_ui as f64;
        Ok(self
            .phases
            .iter()
            .map(|ph| {
                let (lo, hi) = self.edges_at(ph, eye, p);
                (ph.offset as f64 / m, lo, hi)
            })
            .collect())
    }

    /// Width of eye `eye` at `p`, UI: the span around the sampling phase where the height is
    /// positive, with the height interpolated linearly between computed phases. An eye still
    /// open at the first or last computed phase is counted half a sample beyond it (each phase
    /// stands for one sample of time), so an eye open at all `M` default phases is 1 UI wide.
    /// Zero when the eye is closed at the sampling phase.
    pub fn width_ui(&self, eye: usize, p: f64) -> Result<f64> {
        self.check(eye, p)?;
        let spreads: Vec<_> = self.phases.iter().map(|ph| spread(ph, p)).collect();
        Ok(self.open_span(eye, &spreads))
    }

    /// Widths of every eye at `p`, lowest first, UI ([`Self::width_ui`]; the quantiles of each
    /// phase are shared by the eyes).
    pub fn widths_ui(&self, p: f64) -> Result<Vec<f64>> {
        self.check(0, p)?;
        let spreads: Vec<_> = self.phases.iter().map(|ph| spread(ph, p)).collect();
        Ok((0..self.eyes())
            .map(|e| self.open_span(e, &spreads))
            .collect())
    }

    fn open_span(&self, eye: usize, spreads: &[(f64, f64)]) -> f64 {
        let h: Vec<f64> = self
            .phases
            .iter()
            .zip(spreads)
            .map(|(ph, &sp)| {
                let (lo, hi) = self.edges_from(ph, sp, eye);
                hi - lo
            })
            .collect();
        let x: Vec<f64> = self.phases.iter().map(|p| p.offset as f64).collect();
        let s = self.sampling;
        if h[s] <= 0.0 {
            return 0.0;
        }
        let cross = |i: usize, j: usize| x[i] + (x[j] - x[i]) * h[i] / (h[i] - h[j]);
        let mut r = s;
        while r + 1 < h.len() && h[r + 1] > 0.0 {
            r += 1;
        }
        let right = if r + 1 < h.len() {
            cross(r, r + 1)
        } else {
            x[r] + 0.5
        };
        let mut l = s;
        while l > 0 && h[l - 1] > 0.0 {
            l -= 1;
        }
        let left = if l > 0 { cross(l, l - 1) } else { x[l] - 0.5 };
        (right - left) / self.samples_per_ui as f64
    }

    /// `(A(y), B(y))` of eye `eye` at one phase (module doc).
    fn one_sided(&self, ph: &PhaseEye, eye: usize, y: f64) -> (f64, f64) {
        let (lo, hi) = (self.levels[eye], self.levels[eye + 1]);
        (
            ph.dist.strictly_below(y - hi * ph.h0_v),
            ph.dist.upper_tail(y - lo * ph.h0_v),
        )
    }

    /// Vertical bathtub of eye `eye` at the sampling phase: [`BATHTUB_POINTS`] thresholds from
    /// the mean sample of the lower level to that of the upper, each with `max(A, B)` (module
    /// doc): `(threshold, probability)`, V.
    pub fn vertical_bathtub(&self, eye: usize) -> Result<Vec<(f64, f64)>> {
        self.check(eye, 0.5)?;
        let ph = &self.phases[self.sampling];
        let mean = ph.dist.pmf.mean_v();
        let (y0, y1) = (
            self.levels[eye] * ph.h0_v + mean,
            self.levels[eye + 1] * ph.h0_v + mean,
        );
        let n = BATHTUB_POINTS;
        Ok((0..n)
            .map(|i| {
                let y = y0 + (y1 - y0) * i as f64 / (n - 1) as f64;
                let (a, b) = self.one_sided(ph, eye, y);
                (y, a.max(b))
            })
            .collect())
    }

    /// Horizontal bathtub of eye `eye`: at each phase `(phase, p*)` (UI), `p*` the smallest
    /// probability at which the eye is open there: `min_y max(A(y), B(y))`, reached at the
    /// threshold where the two one-sided probabilities meet (the eye's centre at that phase).
    /// The eye is open at phase `φ` and probability `p` exactly when `p* ≤ p`; 0 where no
    /// sample can cross (no noise, open eye).
    pub fn horizontal_bathtub(&self, eye: usize) -> Result<Vec<(f64, f64)>> {
        self.check(eye, 0.5)?;
        let m = self.samples_per_ui as f64;
        Ok(self
            .phases
            .iter()
            .map(|ph| (ph.offset as f64 / m, self.best_threshold(ph, eye)))
            .collect())
    }

    /// `min_y max(A(y), B(y))` at one phase, by bisection on `A − B` (non-decreasing in `y`).
    fn best_threshold(&self, ph: &PhaseEye, eye: usize) -> f64 {
        let d = &ph.dist;
        let (l0, l1) = (self.levels[eye] * ph.h0_v, self.levels[eye + 1] * ph.h0_v);
        let pad = 13.0 * d.sigma_v + 2.0 * d.pmf.bin_v;
        let last = d.pmf.value_v(d.pmf.p.len() - 1);
        let (mut lo, mut hi) = (l0.min(l1) + d.pmf.first_v - pad, l0.max(l1) + last + pad);
        let at = |y: f64| self.one_sided(ph, eye, y);
        let tol = 1e-3 * d.pmf.bin_v;
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if hi - lo <= tol || mid <= lo || mid >= hi {
                break;
            }
            let (a, b) = at(mid);
            if a < b {
                lo = mid;
            } else if a > b {
                hi = mid;
            } else {
                return a;
            }
        }
        let ((a0, b0), (a1, b1)) = (at(lo), at(hi));
        a0.max(b0).min(a1.max(b1))
    }

    fn check(&self, eye: usize, p: f64) -> Result<()> {
        if eye >= self.eyes() {
            return Err(Error::invalid(format!(
                "eye {eye} of {} (0 is the lowest)",
                self.eyes()
            )));
        }
        if !(P_MIN..=0.5).contains(&p) {
            return Err(Error::invalid(format!(
                "an eye probability must be in [{P_MIN:e}, 0.5], found {p}"
            )));
        }
        Ok(())
    }
}

/// `((1 − p)-quantile, p-quantile)` of `X + n` at a phase: the lower edge of eye `e` is
/// `L_e·h_0` plus the first, its upper edge `L_{e+1}·h_0` plus the second.
fn spread(ph: &PhaseEye, p: f64) -> (f64, f64) {
    (ph.dist.quantile_upper(p), ph.dist.quantile_lower(p))
}
