//! What the receiver does to the waveform before the slicer: a decision-feedback equaliser with
//! ideal decisions, and additive Gaussian noise.
//!
//! DFE (e.g. Hall & Heck, *Advanced Signal Integrity for High-Speed Digital Designs*, Wiley
//! 2009, on equalisation; IEEE 802.3 Annex 93A models the same ideal-decision DFE in COM): the slicer's past decisions, weighted by the taps `b_j` (V, `j = 1..N`), are
//! subtracted from the waveform. Here the decisions are the transmitted symbols (ideal
//! decisions: error propagation, a wrong decision feeding back, is ignored), and the feedback for
//! symbol `k`, `Σ_j b_j a_{k−j}`, is held over that symbol's UI: the `M` samples centred on its
//! sampling instant, `cursor_index + kM − ⌊M/2⌋ ..< cursor_index + kM − ⌊M/2⌋ + M`. A tap `b_1`
//! equal to the pulse's first post-cursor `h_1` removes that cursor's ISI at the sampling
//! instant. Samples outside any symbol's window are left alone.

use super::check_waveform_shape;
use crate::error::{Error, Result};
use crate::signal::jitter::{NOISE_STREAM, fill_gaussian};

/// Subtracts the DFE feedback `Σ_j taps_v[j−1] a_{k−j}` over each symbol's UI (module doc).
/// `waveform` holds `symbols.len() × samples_per_ui` samples; `cursor_index` is the sample of
/// the pulse's main cursor (the sampling instant of symbol 0).
/// Errors: a waveform of another length, `samples_per_ui` 0, taps or symbols not finite.
pub fn apply_dfe(
    waveform: &mut [f64],
    symbols: &[f64],
    samples_per_ui: usize,
    cursor_index: usize,
    taps_v: &[f64],
) -> Result<()> {
    check_waveform_shape(waveform, symbols.len(), samples_per_ui)?;
    super::check_symbols(symbols)?;
    if let Some(j) = taps_v.iter().position(|b| !b.is_finite()) {
        return Err(Error::invalid(format!("DFE tap {} is not finite", j + 1)));
    }
    let m = samples_per_ui;
    let len = waveform.len();
    for k in 0..symbols.len() {
        let feedback: f64 = taps_v
            .iter()
            .zip(symbols[..k].iter().rev())
            .map(|(b, a)| b * a)
            .sum();
        if feedback == 0.0 {
            continue;
        }
        // window cursor + kM − ⌊M/2⌋ ..< cursor + kM + (M − ⌊M/2⌋), clipped to the waveform
        let centre = cursor_index.saturating_add(k * m);
        let start = centre.saturating_sub(m / 2);
        let end = centre.saturating_add(m - m / 2).min(len);
        if start < end {
            waveform[start..end].iter_mut().for_each(|y| *y -= feedback);
        }
    }
    Ok(())
}

/// Adds independent Gaussian noise of `rms_v` (V) to every sample, seeded with `seed`
/// (ChaCha8, reproducible; on its own stream, so independent of jitter drawn with the same seed:
/// `signal::jitter`). The noise is white at the sample rate: any one sampling phase sees rms
/// `rms_v`.
/// Errors: `rms_v` negative or not finite.
pub fn add_noise(waveform: &mut [f64], rms_v: f64, seed: u64) -> Result<()> {
    if !(rms_v.is_finite() && rms_v >= 0.0) {
        return Err(Error::invalid(format!(
            "noise rms must be finite and not negative, got {rms_v} V"
        )));
    }
    if rms_v > 0.0 {
        fill_gaussian(waveform, rms_v, seed, NOISE_STREAM);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_is_held_over_each_ui() {
        // M = 4, cursor at 2: symbol k's window is samples 4k .. 4k + 4
        let symbols = [1.0, -1.0, 1.0, 1.0];
        let mut y = vec![0.0; 16];
        apply_dfe(&mut y, &symbols, 4, 2, &[0.5, 0.25]).expect("ok");
        // k = 0: none; k = 1: 0.5·1; k = 2: 0.5·(−1) + 0.25·1; k = 3: 0.5·1 + 0.25·(−1)
        let want = [0.0, -0.5, 0.25, -0.25];
        for (n, v) in y.iter().enumerate() {
            assert_eq!(*v, want[n / 4], "sample {n}");
        }
        // cursor 0: windows start 2 samples early (the first is clipped at 0)
        let mut y = vec![0.0; 8];
        apply_dfe(&mut y, &[1.0, 1.0], 4, 0, &[1.0]).expect("ok");
        assert_eq!(y, vec![0.0, 0.0, -1.0, -1.0, -1.0, -1.0, 0.0, 0.0]);
    }

    #[test]
    fn noise_rms_and_seed() {
        let mut a = vec![0.0; 100_000];
        add_noise(&mut a, 0.01, 3).expect("ok");
        let rms = (a.iter().map(|v| v * v).sum::<f64>() / a.len() as f64).sqrt();
        // relative sd of a sample rms 1/√(2n) = 0.22 %: allow 5 sd
        assert!((rms / 0.01 - 1.0).abs() < 5.0 / (2.0 * a.len() as f64).sqrt());
        let mut b = vec![0.0; 100_000];
        add_noise(&mut b, 0.01, 3).expect("ok");
        assert_eq!(a, b);
        // the same seed's jitter is another stream: uncorrelated with this noise
        let j = crate::signal::jitter::TxJitter {
            rj_rms_s: 0.01,
            seed: 3,
            ..Default::default()
        }
        .offsets(a.len(), 1.0)
        .expect("ok");
        let corr = a.iter().zip(&j).map(|(x, y)| x * y).sum::<f64>() / (a.len() as f64 * 1e-4);
        assert!(
            corr.abs() < 5.0 / (a.len() as f64).sqrt(),
            "correlation {corr}"
        );
        assert!(add_noise(&mut b, -1.0, 3).is_err());
        assert!(add_noise(&mut b, f64::NAN, 3).is_err());
    }

    #[test]
    fn bad_arguments_are_errors() {
        let mut y = vec![0.0; 7];
        assert!(apply_dfe(&mut y, &[1.0, 1.0], 4, 0, &[0.1]).is_err());
        let mut y = vec![0.0; 8];
        assert!(apply_dfe(&mut y, &[1.0, 1.0], 4, 0, &[f64::NAN]).is_err());
        assert!(apply_dfe(&mut y, &[1.0, 1.0], 0, 0, &[0.1]).is_err());
    }
}
