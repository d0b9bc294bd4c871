//! Feed-forward equalisers on a pulse response: the transmitter FFE (IEEE 802.3 Clause
//! 162.9.3.1.1 / 136.9.3.1: taps `c(−2)…c(1)` in T spacing, cursor `c(0) = 1 − Σ|c(k)|`) and the
//! receiver FFE (T-spaced, the same operation on the received pulse).
//!
//! A T-spaced FFE with taps `c_0…c_{N−1}`, the cursor at index `n_pre`, turns a pulse `p` sampled
//! at `M` per UI into `y[n] = Σ_k c_k p[n − (k − n_pre)·M]`; the output starts `n_pre·M`
//! samples earlier, so its index `i` is the input's `i − n_pre·M`.

use crate::error::{Error, Result};
use crate::signal::pulse::Sampled;

/// A T-spaced FFE: taps in time order, the cursor at `n_pre`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ffe {
    pub taps: Vec<f64>,
    pub n_pre: usize,
}

impl Ffe {
    /// The IEEE transmitter FFE from its pre- and post-cursor taps: `c(0) = 1 − Σ|c(k)|`.
    /// Errors: a cursor below `c0_min` (e.g. 0.5 for Clause 162).
    pub fn transmitter(pre: &[f64], post: &[f64], c0_min: f64) -> Result<Ffe> {
        let side: f64 = pre.iter().chain(post).map(|c| c.abs()).sum();
        let c0 = 1.0 - side;
        if c0.is_nan() || c0 < c0_min {
            return Err(Error::invalid(format!(
                "transmitter FFE: the cursor 1 − Σ|c(k)| = {c0} is below its minimum {c0_min}"
            )));
        }
        let mut taps = pre.to_vec();
        taps.push(c0);
        taps.extend_from_slice(post);
        Ok(Ffe {
            taps,
            n_pre: pre.len(),
        })
    }

    /// Every transmitter FFE `c(−2) ∈ pre2`, `c(−1) ∈ pre1`, `c(1) ∈ post1` whose cursor is at
    /// least `c0_min`, in that nesting order (the first tap slowest, as COM searches).
    pub fn transmitter_grid(pre2: &[f64], pre1: &[f64], post1: &[f64], c0_min: f64) -> Vec<Ffe> {
        let mut out = Vec::new();
        for &c2 in pre2 {
            for &c1 in pre1 {
                for &p1 in post1 {
                    if let Ok(t) = Ffe::transmitter(&[c2, c1], &[p1], c0_min) {
                        out.push(t);
                    }
                }
            }
        }
        out
    }

    /// The grid `sireach eye` searches by default: `c(−2)` 0, 0.04, 0.08; `c(−1)` 0 to −0.3 in
    /// 0.05; `c(1)` 0, −0.1, −0.2; cursor ≥ 0.5.
    pub fn default_transmitter_grid() -> Vec<Ffe> {
        let pre1: Vec<f64> = (0..=6).map(|k| -0.05 * k as f64).collect();
        Ffe::transmitter_grid(&[0.0, 0.04, 0.08], &pre1, &[0.0, -0.1, -0.2], 0.5)
    }

    /// The identity (one tap, 1).
    pub fn identity() -> Ffe {
        Ffe {
            taps: vec![1.0],
            n_pre: 0,
        }
    }

    /// `p` through the FFE (module doc); the output is `(N − 1)·M` samples longer.
    pub fn apply(&self, p: &Sampled) -> Sampled {
        let m = p.samples_per_ui;
        let len = p.v.len() + (self.taps.len().saturating_sub(1)) * m;
        let mut v = vec![0.0; len];
        for (k, &c) in self.taps.iter().enumerate() {
            if c == 0.0 {
                continue;
            }
            // output index i = input index + k·M (the cursor lands n_pre·M later than tap 0)
            for (i, &x) in p.v.iter().enumerate() {
                v[i + k * m] += c * x;
            }
        }
        Sampled {
            ui_s: p.ui_s,
            samples_per_ui: m,
            v,
        }
    }

    /// Where the input's sample `i` lands in [`Ffe::apply`]'s output.
    pub fn cursor_shift(&self, samples_per_ui: usize) -> usize {
        self.n_pre * samples_per_ui
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_post_cursor_is_cancelled_by_its_tap() {
        // p = [1, 0.5] per UI (M = 1); FFE [1, -0.5] leaves 1, 0, -0.25
        let p = Sampled {
            ui_s: 1.0,
            samples_per_ui: 1,
            v: vec![1.0, 0.5],
        };
        let f = Ffe {
            taps: vec![1.0, -0.5],
            n_pre: 0,
        };
        assert_eq!(f.apply(&p).v, vec![1.0, 0.0, -0.25]);
        // at M = 2 the taps are one UI (two samples) apart
        let p2 = Sampled {
            ui_s: 1.0,
            samples_per_ui: 2,
            v: vec![1.0, 1.0, 0.5, 0.5],
        };
        assert_eq!(f.apply(&p2).v, vec![1.0, 1.0, 0.0, 0.0, -0.25, -0.25]);
        assert_eq!(Ffe::identity().apply(&p2), p2);
    }

    #[test]
    fn the_transmitter_cursor_takes_the_rest() {
        let f = Ffe::transmitter(&[0.04, -0.2], &[-0.1], 0.5).unwrap();
        assert_eq!(f.taps, vec![0.04, -0.2, 1.0 - 0.34, -0.1]);
        assert_eq!(f.n_pre, 2);
        assert!(Ffe::transmitter(&[-0.3], &[-0.3], 0.5).is_err());
        // the grid keeps only cursors ≥ c0_min: 3 × 7 × 3 = 63 less the 3 with Σ|c| > 0.5
        let g = Ffe::default_transmitter_grid();
        assert_eq!(g.len(), 60);
        assert!(g.iter().all(|f| f.taps[2] >= 0.5 - 1e-12));
    }
}
