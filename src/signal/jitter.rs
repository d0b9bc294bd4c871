//! Transmitter clock jitter as one time offset per symbol edge: random jitter (Gaussian),
//! periodic jitter (a sinusoid) and duty-cycle distortion (even and odd edges apart), after the
//! jitter taxonomy of INCITS TR-35-2004 (Fibre Channel Methodologies for Jitter and Signal
//! Quality Specification, MJSQ) and M. P. Li, *Jitter, Noise, and Signal Integrity at
//! High-Speed* (Prentice Hall, 2007).
//!
//! Edge `k` (the start of symbol `k`, nominally at `k·UI`) is sent at `k·UI + τ_k`, with
//!
//! `τ_k = σ_RJ g_k + A_PJ sin(2π f_PJ k UI) + (−1)^k DCD/2`,
//!
//! `g_k` independent standard normal draws. Positive `τ_k` is late. The DCD term puts even edges
//! `DCD/2` late and odd edges `DCD/2` early: the edge positions spread by DCD peak to peak (its
//! dual-Dirac deterministic jitter) and consecutive symbols last `UI − DCD` and `UI + DCD`.
//!
//! The Gaussian draws come from ChaCha8 (`rand::rngs::ChaCha8Rng`) seeded with the caller's
//! `u64` and rand_distr's ziggurat normal sampler: the same seed gives the same offsets on every
//! platform and run. Jitter and receiver noise (`eye::time_domain::add_noise`) draw from
//! different ChaCha streams ([`JITTER_STREAM`], [`NOISE_STREAM`]), so one seed used for both
//! still gives independent jitter and noise.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;

use crate::error::{Error, Result};

/// The most offsets one call returns (2^28).
pub const MAX_SYMBOLS: usize = 1 << 28;

/// The ChaCha stream of the transmitter's random jitter.
pub const JITTER_STREAM: u64 = 1;

/// The ChaCha stream of the receiver's noise.
pub const NOISE_STREAM: u64 = 2;

/// Transmitter jitter: the parameters of `τ_k` (module doc). Times in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TxJitter {
    /// Random jitter, rms (s).
    pub rj_rms_s: f64,
    /// Periodic jitter amplitude, zero to peak (s); peak to peak is twice this.
    pub pj_amplitude_s: f64,
    /// Periodic jitter frequency (Hz).
    pub pj_frequency_hz: f64,
    /// Duty-cycle distortion, peak to peak (s).
    pub dcd_s: f64,
    /// Seed of the random jitter.
    pub seed: u64,
}

impl TxJitter {
    /// Checks that the parameters are finite and not negative.
    pub fn validate(&self) -> Result<()> {
        for (name, v) in [
            ("rj_rms_s", self.rj_rms_s),
            ("pj_amplitude_s", self.pj_amplitude_s),
            ("pj_frequency_hz", self.pj_frequency_hz),
            ("dcd_s", self.dcd_s),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(format!(
                    "jitter {name} must be finite and not negative, got {v}"
                )));
            }
        }
        Ok(())
    }

    /// The offsets `τ_k` (s) of the first `n_symbols` edges at unit interval `ui_s` (module doc).
    /// Errors: bad parameters, `ui_s` not positive and finite, `n_symbols` over [`MAX_SYMBOLS`].
    pub fn offsets(&self, n_symbols: usize, ui_s: f64) -> Result<Vec<f64>> {
        self.validate()?;
        if !(ui_s.is_finite() && ui_s > 0.0) {
            return Err(Error::invalid(format!(
                "the unit interval must be positive, got {ui_s} s"
            )));
        }
        if n_symbols > MAX_SYMBOLS {
            return Err(Error::invalid(format!(
                "{n_symbols} jitter offsets asked for; the limit is {MAX_SYMBOLS}"
            )));
        }
        let mut tau = vec![0.0; n_symbols];
        if self.rj_rms_s > 0.0 {
            fill_gaussian(&mut tau, self.rj_rms_s, self.seed, JITTER_STREAM);
        }
        let w = 2.0 * std::f64::consts::PI * self.pj_frequency_hz * ui_s;
        let half_dcd = self.dcd_s / 2.0;
        for (k, t) in tau.iter_mut().enumerate() {
            if self.pj_amplitude_s > 0.0 {
                *t += self.pj_amplitude_s * (w * k as f64).sin();
            }
            *t += if k % 2 == 0 { half_dcd } else { -half_dcd };
        }
        Ok(tau)
    }
}

/// Adds `rms ·` independent standard normal draws to each element of `out` (ChaCha8 seeded with
/// `seed`, on `stream`; module doc). The caller checks `rms`.
pub(crate) fn fill_gaussian(out: &mut [f64], rms: f64, seed: u64, stream: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    for x in out.iter_mut() {
        let g: f64 = rng.sample(StandardNormal);
        *x += rms * g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UI: f64 = 1.0 / 53.125e9;

    #[test]
    fn random_jitter_has_its_rms_and_gaussian_tails() {
        let j = TxJitter {
            rj_rms_s: 0.01 * UI,
            seed: 7,
            ..TxJitter::default()
        };
        let n = 200_000;
        let tau = j.offsets(n, UI).expect("ok");
        let mean = tau.iter().sum::<f64>() / n as f64;
        let rms = (tau.iter().map(|t| t * t).sum::<f64>() / n as f64).sqrt();
        // sample mean sd σ/√n; sample rms relative sd 1/√(2n) = 0.16 %: allow 5 sd
        assert!(
            mean.abs() < 5.0 * j.rj_rms_s / (n as f64).sqrt(),
            "mean {mean}"
        );
        assert!(
            (rms / j.rj_rms_s - 1.0).abs() < 5.0 / (2.0 * n as f64).sqrt(),
            "rms {rms}"
        );
        // P(|g| > 2) = 2(1 − Φ(2)) = 0.045500 (normal table); binomial sd √(p(1−p)/n)
        let beyond = tau.iter().filter(|t| t.abs() > 2.0 * j.rj_rms_s).count() as f64 / n as f64;
        let sd = (0.0455 * (1.0 - 0.0455) / n as f64).sqrt();
        assert!(
            (beyond - 0.045500).abs() < 5.0 * sd,
            "tail fraction {beyond}"
        );
    }

    #[test]
    fn periodic_jitter_reaches_its_amplitude() {
        // f = 1/(16 UI): k·UI·f = k/16 of a cycle, so k = 4 (mod 16) is the crest, 12 the trough
        let a = 3e-12;
        let j = TxJitter {
            pj_amplitude_s: a,
            pj_frequency_hz: 1.0 / (16.0 * UI),
            ..TxJitter::default()
        };
        let tau = j.offsets(64, UI).expect("ok");
        let max = tau.iter().copied().fold(f64::MIN, f64::max);
        let min = tau.iter().copied().fold(f64::MAX, f64::min);
        assert!((max - a).abs() < 1e-15 * a && (min + a).abs() < 1e-15 * a);
        assert!((tau[4] - a).abs() < 1e-15 * a && (tau[12] + a).abs() < 1e-15 * a);
        assert!(tau[0].abs() < 1e-30 && tau[8].abs() < 1e-15 * a);
        // sin(2π/16) at k = 1
        assert!((tau[1] - a * 0.382_683_432_365_089_8).abs() < 1e-14 * a);
    }

    #[test]
    fn dcd_alternates() {
        let d = 2e-12;
        let j = TxJitter {
            dcd_s: d,
            ..TxJitter::default()
        };
        let tau = j.offsets(9, UI).expect("ok");
        for (k, t) in tau.iter().enumerate() {
            let want = if k % 2 == 0 { d / 2.0 } else { -d / 2.0 };
            assert_eq!(*t, want);
        }
        // symbol k lasts UI + τ_{k+1} − τ_k: UI − DCD after an even edge, UI + DCD after odd
        assert!(((UI + tau[1] - tau[0]) - (UI - d)).abs() < 1e-27);
        assert!(((UI + tau[2] - tau[1]) - (UI + d)).abs() < 1e-27);
    }

    #[test]
    fn seeded_and_deterministic() {
        let j = TxJitter {
            rj_rms_s: 1e-13,
            pj_amplitude_s: 1e-12,
            pj_frequency_hz: 1e6,
            dcd_s: 5e-13,
            seed: 42,
        };
        let a = j.offsets(1000, UI).expect("ok");
        assert_eq!(a, j.offsets(1000, UI).expect("ok"));
        let other = TxJitter { seed: 43, ..j };
        assert_ne!(a, other.offsets(1000, UI).expect("ok"));
        // a longer run starts with the shorter one
        assert_eq!(a[..], j.offsets(2000, UI).expect("ok")[..1000]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let j = TxJitter::default();
        assert!(j.offsets(10, 0.0).is_err());
        assert!(j.offsets(10, f64::NAN).is_err());
        assert!(j.offsets(MAX_SYMBOLS + 1, UI).is_err());
        let bad = TxJitter {
            rj_rms_s: -1e-12,
            ..j
        };
        assert!(bad.offsets(10, UI).is_err());
        let bad = TxJitter {
            pj_frequency_hz: f64::INFINITY,
            ..j
        };
        assert!(bad.offsets(10, UI).is_err());
        assert_eq!(j.offsets(0, UI).expect("ok"), Vec::<f64>::new());
    }
}
