//! Adaptation on the pulse response: the DFE taps (zero forcing on the post-cursors, with tap
//! limits) and the receiver FFE (zero forcing or MMSE with the DFE's cursors excluded, as the
//! MMSE receiver of IEEE 802.3dj Annex 178A.1.6 eq. 178A-33..36 does), and the figure of merit
//! that ranks equaliser settings (the signal-to-noise-and-ISI ratio of Annex 93A.1.6, eq. 93A-36,
//! without its crosstalk and jitter terms).
//!
//! Notation: `h` is the pulse sampled once per UI at the chosen phase, `h[d]` the cursor. The
//! DFE (decisions assumed correct: **error propagation is ignored**) cancels `h[d+1..=d+N]`
//! within its limits; whatever it cannot cancel, and every pre-cursor, is residual ISI.

use nalgebra::{DMatrix, DVector};

use super::ffe::Ffe;
use crate::error::{Error, Result};

/// DFE taps for post-cursors `post` (`h[d+1]…`, V) of cursor `h0` (V): `b_j = clip(h_j/h0,
/// ±limit_j)·h0`, `limits` per tap as fractions of the cursor (COM's `b_max(n)`; missing
/// entries mean unlimited). Returns as many taps as `n_taps` (zeros past the pulse).
pub fn dfe_taps(h0: f64, post: &[f64], n_taps: usize, limits: &[f64]) -> Vec<f64> {
    (0..n_taps)
        .map(|j| {
            let h = post.get(j).copied().unwrap_or(0.0);
            let lim = limits.get(j).copied().unwrap_or(f64::INFINITY);
            (h / h0).clamp(-lim, lim) * h0
        })
        .collect()
}

/// DFE taps with per-tap `(min, max)` bounds on `b_j/h0`: `b_j = clamp(h_j/h0, min_j, max_j)·h0`
/// (V), as PyBERT's LMS DFE clips each weight (a multiple of the cursor) to its tap tuner's
/// `min_val`/`max_val` (`DFE.step` in `pybert/models/dfe.py`, PyBERT 11.1.0); one tap per bound,
/// zeros past the pulse. The zero-forcing value it clips is what an LMS DFE converges to when
/// its decisions are right and the rest of the ISI is uncorrelated with them.
pub fn dfe_taps_bounded(h0: f64, post: &[f64], bounds: &[(f64, f64)]) -> Vec<f64> {
    bounds
        .iter()
        .enumerate()
        .map(|(j, &(lo, hi))| {
            let h = post.get(j).copied().unwrap_or(0.0);
            (h / h0).clamp(lo, hi) * h0
        })
        .collect()
}

/// `h` sampled once per UI through sample `index` of a pulse with `m` samples per UI: returns
/// the samples and the position of `index` among them.
pub fn per_ui(v: &[f64], m: usize, index: usize) -> (Vec<f64>, usize) {
    let first = index % m;
    let s: Vec<f64> = v.iter().skip(first).step_by(m).copied().collect();
    (s, index / m)
}

/// The MMSE receiver FFE with `n_taps` taps, `n_pre` of them before the cursor, for the
/// per-UI pulse `h` with cursor at `d`, a DFE of `n_dfe` taps cancelling the following
/// post-cursors, symbols of variance `var_a` and white noise of variance `var_n` at the FFE
/// input: `w = (var_a·H'ᵀH' + var_n·I)⁻¹ var_a·H'ᵀ e_d`, `H'` the convolution matrix without the
/// DFE's rows. `var_n = 0` gives the zero-forcing (least-squares) FFE. The taps are scaled so the
/// combined cursor is 1 (the noise scales with them; report it through [`Ffe::taps`]).
pub fn mmse_ffe(
    h: &[f64],
    d: usize,
    n_taps: usize,
    n_pre: usize,
    n_dfe: usize,
    var_a: f64,
    var_n: f64,
) -> Result<Ffe> {
    if n_taps == 0 || n_pre >= n_taps || h.is_empty() || d >= h.len() {
        return Err(Error::invalid(format!(
            "an FFE needs taps ({n_taps}), fewer pre-cursor taps ({n_pre}) and a cursor inside the pulse ({d} of {})",
            h.len()
        )));
    }
    // combined c[i] = Σ_k w_k h[i − k]; the cursor of c is at d + n_pre
    let rows = h.len() + n_taps - 1;
    let dc = d + n_pre;
    let keep: Vec<usize> = (0..rows)
        .filter(|&i| !(dc + 1..=dc + n_dfe).contains(&i))
        .collect();
    let hm = DMatrix::from_fn(keep.len(), n_taps, |r, k| {
        let i = keep[r];
        if i >= k && i - k < h.len() {
            h[i - k]
        } else {
            0.0
        }
    });
    let e = DVector::from_fn(keep.len(), |r, _| if keep[r] == dc { 1.0 } else { 0.0 });
    let a = hm.transpose() * &hm * var_a + DMatrix::identity(n_taps, n_taps) * var_n;
    let b = hm.transpose() * e * var_a;
    let w = a.lu().solve(&b).ok_or_else(|| {
        Error::invalid("the FFE's normal equations are singular (an all-zero pulse?)")
    })?;
    let cursor: f64 = (0..n_taps)
        .filter(|&k| dc >= k && dc - k < h.len())
        .map(|k| w[k] * h[dc - k])
        .sum();
    if !(cursor.is_finite() && cursor.abs() > 0.0) {
        return Err(Error::invalid("the FFE leaves no cursor"));
    }
    Ok(Ffe {
        taps: w.iter().map(|x| x / cursor).collect(),
        n_pre,
    })
}

/// The noise terms of the figure of merit beyond the receiver's own (Annex 93A.1.6):
/// transmitter noise `σ_TX² = var_a·10^(−SNR_TX/10)·Σ h²` (eq. 93A-30) and jitter through the
/// pulse's slope `σ_J² = var_a·(A_DD² + σ_RJ²)·Σ h'²` (eq. 93A-31, `h'` per UI, jitter in UI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FomTerms {
    pub snr_tx_db: f64,
    pub rj_rms_ui: f64,
    pub dj_dd_ui: f64,
}

impl FomTerms {
    /// No transmitter noise, no jitter.
    pub const NONE: FomTerms = FomTerms {
        snr_tx_db: f64::INFINITY,
        rj_rms_ui: 0.0,
        dj_dd_ui: 0.0,
    };

    /// `σ_TX² + σ_J²` for per-UI samples `h` and per-UI slopes `slope` (V per UI).
    pub fn variance(&self, h: &[f64], slope: &[f64], var_a: f64) -> f64 {
        let tx = if self.snr_tx_db.is_finite() {
            var_a * 10f64.powf(-self.snr_tx_db / 10.0) * h.iter().map(|x| x * x).sum::<f64>()
        } else {
            0.0
        };
        let j = var_a
            * (self.dj_dd_ui * self.dj_dd_ui + self.rj_rms_ui * self.rj_rms_ui)
            * slope.iter().map(|x| x * x).sum::<f64>();
        tx + j
    }
}

/// Figure of merit, dB: `10·log10(h0² / (var_a·Σ residual² + var_n))` with `residual` every
/// per-UI sample of the equalised pulse but the cursor `d` and the DFE's `dfe` taps
/// (subtracted), and `var_n` the noise variance at the slicer (receiver, transmitter and jitter
/// terms: [`FomTerms`]).
pub fn fom_db(h: &[f64], d: usize, dfe: &[f64], var_a: f64, var_n: f64) -> f64 {
    let h0 = h.get(d).copied().unwrap_or(0.0);
    let isi: f64 = h
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != d)
        .map(|(i, &x)| {
            let b = if i > d {
                dfe.get(i - d - 1).copied().unwrap_or(0.0)
            } else {
                0.0
            };
            (x - b) * (x - b)
        })
        .sum();
    10.0 * (h0 * h0 / (var_a * isi + var_n)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dfe_cancels_within_its_limits() {
        let b = dfe_taps(0.5, &[0.25, -0.1, 0.05], 4, &[0.3, 1.0]);
        // tap 1 clipped to 0.3·h0; tap 2 free; tap 3 unlimited; tap 4 past the pulse
        assert_eq!(b, vec![0.15, -0.1, 0.05, 0.0]);
    }

    #[test]
    fn bounded_dfe_clips_each_side() {
        // PyBERT's default bounds for taps 1..3
        let b = dfe_taps_bounded(
            2.0,
            &[-0.6, 0.1, 0.5],
            &[(-0.2, 0.4), (-0.15, 0.15), (-0.05, 0.1)],
        );
        assert_eq!(b, vec![-0.4, 0.1, 0.2]);
        assert_eq!(dfe_taps_bounded(1.0, &[], &[(-1.0, 1.0)]), vec![0.0]);
    }

    #[test]
    fn zero_forcing_inverts_a_one_post_cursor_channel() {
        // h = [1, 0.5]: the ZF FFE is the truncated series 1 − 0.5 z + 0.25 z² …; with many taps
        // the combined response approaches a delta
        let h = [1.0, 0.5];
        let f = mmse_ffe(&h, 0, 12, 0, 0, 1.0, 0.0).unwrap();
        for (k, w) in f.taps.iter().enumerate() {
            assert!((w - (-0.5f64).powi(k as i32)).abs() < 1e-3, "{k}: {w}");
        }
        // with a 1-tap DFE the FFE has nothing to do: w = [1]
        let g = mmse_ffe(&h, 0, 3, 0, 1, 1.0, 0.0).unwrap();
        assert!(
            (g.taps[0] - 1.0).abs() < 1e-12 && g.taps[1].abs() < 1e-12,
            "{:?}",
            g.taps
        );
    }

    #[test]
    fn mmse_backs_off_under_noise_and_fom_is_the_snr() {
        let h = [0.1, 1.0, 0.4, 0.1];
        let zf = mmse_ffe(&h, 1, 5, 1, 0, 1.0, 0.0).unwrap();
        let mmse = mmse_ffe(&h, 1, 5, 1, 0, 1.0, 0.5).unwrap();
        let norm = |f: &Ffe| f.taps.iter().map(|x| x * x).sum::<f64>();
        assert!(norm(&mmse) < norm(&zf));
        // FOM: h0 = 1, ISI 0.01 + 0.16 + 0.01 with var_a 5/9 and noise 0.1
        let want = 10.0 * (1.0 / (5.0 / 9.0 * 0.18 + 0.1f64)).log10();
        assert!((fom_db(&h, 1, &[], 5.0 / 9.0, 0.1) - want).abs() < 1e-12);
        // a DFE tap equal to the post-cursor removes it
        let want1 = 10.0 * (1.0 / (5.0 / 9.0 * 0.02 + 0.1f64)).log10();
        assert!((fom_db(&h, 1, &[0.4], 5.0 / 9.0, 0.1) - want1).abs() < 1e-12);
        assert!(mmse_ffe(&h, 9, 5, 1, 0, 1.0, 0.0).is_err());
    }

    #[test]
    fn per_ui_sampling_keeps_the_cursor() {
        let v: Vec<f64> = (0..10).map(|x| x as f64).collect();
        assert_eq!(per_ui(&v, 3, 7), (vec![1.0, 4.0, 7.0], 2));
    }
}
