//! Bit-by-bit (symbol-by-symbol) simulation: a symbol sequence through a channel's pulse
//! response, the receiver's DFE and noise, the 2-D eye histogram, and the eye height and width
//! per PAM eye measured on the waveform.
//!
//! The pieces, in the order a simulation uses them:
//! - [`waveform`] (and [`WaveformPlan`], [`waveform_naive`]): `y[n] = Σ_k a_k p[n − kM]`, the
//!   superposition of one pulse response `p` per symbol `a_k`, `M` samples per UI, by FFT
//!   overlap-save on the `M` polyphase components;
//! - [`waveform_with_jitter`]: the same from the step response with each symbol edge moved by the
//!   transmitter's jitter (`signal::jitter`), exact but direct;
//! - [`apply_dfe`] (ideal decisions) and [`add_noise`] (Gaussian, at the receiver);
//! - [`EyeHistogram`]: counts over 2 UI × voltage, for plotting;
//! - [`measure`] → [`TdEye`]: eye height and width at a probability, from the waveform and the
//!   symbols (each UI's samples conditioned on its own symbol), with the definition shared with
//!   the statistical eye.
//!
//! Conventions: the pulse response is a [`Sampled`] from `t = 0`; its main cursor is the sample
//! `cursor_index`, so the sampling instant of symbol `k` in the waveform is sample
//! `cursor_index + k M`. The first symbols see no ISI from symbols before the sequence: skip a
//! warm-up of [`warmup_symbols`] (the pulse's length in UI) before measuring.

mod histogram;
mod jittered;
mod measure;
mod receiver;
mod waveform;

pub use histogram::{EyeHistogram, MAX_CELLS};
pub use jittered::{MAX_OFFSET_UI, waveform_with_jitter};
pub use measure::{TdEye, measure};
pub use receiver::{add_noise, apply_dfe};
pub use waveform::{MAX_FFT_LEN, MAX_WAVEFORM_SAMPLES, WaveformPlan, waveform, waveform_naive};

use crate::error::{Error, Result};
use crate::signal::pulse::Sampled;

/// Symbols to skip before the waveform is in steady state: the pulse's length in UI, rounded up.
pub fn warmup_symbols(pulse: &Sampled) -> usize {
    pulse.v.len().div_ceil(pulse.samples_per_ui.max(1))
}

/// A pulse or step response fit to simulate with: at least one sample, `M ≥ 1`, finite values,
/// a positive finite UI.
fn check_response(r: &Sampled, what: &str) -> Result<()> {
    if r.samples_per_ui == 0 {
        return Err(Error::invalid(format!(
            "the {what} response has 0 samples per UI"
        )));
    }
    if r.v.is_empty() {
        return Err(Error::invalid(format!(
            "the {what} response has no samples"
        )));
    }
    if !(r.ui_s.is_finite() && r.ui_s > 0.0) {
        return Err(Error::invalid(format!(
            "the {what} response's UI must be positive, got {} s",
            r.ui_s
        )));
    }
    if let Some(i) = r.v.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(format!(
            "the {what} response's sample {i} is not finite"
        )));
    }
    Ok(())
}

/// Symbols that are all finite.
fn check_symbols(symbols: &[f64]) -> Result<()> {
    if let Some(i) = symbols.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(format!(
            "symbol {i} is {}, not finite",
            symbols[i]
        )));
    }
    Ok(())
}

/// `symbols × M` samples, within [`MAX_WAVEFORM_SAMPLES`].
fn waveform_len(n_symbols: usize, samples_per_ui: usize) -> Result<usize> {
    n_symbols
        .checked_mul(samples_per_ui)
        .filter(|&n| n <= MAX_WAVEFORM_SAMPLES)
        .ok_or_else(|| {
            Error::invalid(format!(
                "{n_symbols} symbols × {samples_per_ui} samples per UI exceed the limit of \
                 {MAX_WAVEFORM_SAMPLES} waveform samples"
            ))
        })
}

/// A waveform of `symbols × M` samples, as [`apply_dfe`] and [`measure`] take.
fn check_waveform_shape(waveform: &[f64], n_symbols: usize, samples_per_ui: usize) -> Result<()> {
    if samples_per_ui == 0 {
        return Err(Error::invalid("0 samples per UI"));
    }
    if n_symbols.checked_mul(samples_per_ui) != Some(waveform.len()) {
        return Err(Error::invalid(format!(
            "a waveform of {} samples for {n_symbols} symbols at {samples_per_ui} samples per UI \
             (it must be symbols × samples per UI)",
            waveform.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
