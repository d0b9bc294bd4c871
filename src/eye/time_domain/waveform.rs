//! The waveform of a symbol sequence through a pulse response, `y[n] = Σ_k a_k p[n − kM]`, by
//! FFT overlap-save on the polyphase components, with the direct sum as its oracle.
//!
//! Polyphase form: sample `jM + r` of the output is `Σ_i a_{j−i} p_r[i]` with `p_r[i] =
//! p[iM + r]`, so the waveform is `M` ordinary convolutions of the symbols with the `M` phases
//! of the pulse (each `L = ⌈len/M⌉` taps). Overlap-save (Oppenheim & Schafer, *Discrete-Time
//! Signal Processing*, 3rd ed., §8.7.3) cuts the symbols into blocks of `N` with `L − 1` of
//! overlap; each block's spectrum is computed once and shared by the `M` phases, each phase then
//! costs one complex product and one inverse real FFT of `N` for `N − L + 1` outputs. The FFTs
//! (realfft, planned once in [`WaveformPlan`], buffers and scratch reused) cost about
//! `M · N log N / (N − L + 1)` per symbol; [`WaveformPlan::new`] picks the power of two `N`
//! that minimises it.
//!
//! Measured (`benches/eye.rs`: 10^6 PAM4 symbols, a 200-UI pulse, M = 32, one core of a shared
//! machine): 76–80 ms with planning and allocation; `N` from 1024 to 8192 within 5 % of each
//! other (the model picks 2048), 512 and 16384 about 15 % slower. About a quarter of the time
//! is the transposition into time order, which writes the 256 MB output; the output is
//! allocated with huge-page advice (`crate::memory`), without which its first-touch page faults
//! cost as much again.

use std::sync::Arc;

use num_complex::Complex64;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::{check_response, check_symbols, waveform_len};
use crate::error::{Error, Result};
use crate::memory::with_huge_pages;
use crate::signal::pulse::Sampled;

/// The largest FFT a plan makes.
pub const MAX_FFT_LEN: usize = 1 << 22;

/// The most samples a waveform may have (2^28, 2 GiB of `f64`).
pub const MAX_WAVEFORM_SAMPLES: usize = 1 << 28;

/// The FFT length for pulse phases of `taps` taps: the power of two `N ≥ 2·taps` (and ≥ 64)
/// minimising `N log2 N / (N − taps + 1)`, the FFT work per output (module doc), or
/// [`MAX_FFT_LEN`] if none smaller.
fn choose_fft_len(taps: usize) -> usize {
    let mut best = (f64::INFINITY, MAX_FFT_LEN);
    let mut n = (2 * taps).next_power_of_two().max(64);
    while n <= MAX_FFT_LEN {
        let cost = n as f64 * (n as f64).log2() / (n - taps + 1) as f64;
        if cost < best.0 * (1.0 - 1e-9) {
            best = (cost, n);
        }
        n *= 2;
    }
    best.1
}

/// A waveform computation planned for one pulse response: the FFTs, the spectra of the pulse's
/// `M` phases and every buffer, reused for as many symbol sequences as needed.
pub struct WaveformPlan {
    m: usize,
    taps: usize,
    fft_len: usize,
    forward: Arc<dyn RealToComplex<f64>>,
    inverse: Arc<dyn ComplexToReal<f64>>,
    /// `M` spectra of `N/2 + 1` bins, phase `r` at `r (N/2 + 1)`, scaled by `1/N` (the inverse
    /// FFT's normalisation).
    phase_spectra: Vec<Complex64>,
    block: Vec<f64>,
    spectrum: Vec<Complex64>,
    product: Vec<Complex64>,
    phase_out: Vec<f64>,
    /// One block's outputs, phase-major: `M × (N − L + 1)`.
    tile: Vec<f64>,
    scratch: Vec<Complex64>,
}

impl WaveformPlan {
    /// Plans for `pulse` with the FFT length chosen from its length (module doc).
    /// Errors: an empty pulse, `M = 0`, a UI not positive, values not finite, a pulse so long
    /// that the FFT would exceed [`MAX_FFT_LEN`].
    pub fn new(pulse: &Sampled) -> Result<WaveformPlan> {
        check_response(pulse, "pulse")?;
        let taps = pulse.v.len().div_ceil(pulse.samples_per_ui);
        WaveformPlan::with_fft_len(pulse, choose_fft_len(taps))
    }

    /// Plans with an FFT of `fft_len` points (at least the pulse's length in UI, at most
    /// [`MAX_FFT_LEN`]): for tests and for measuring the block size.
    /// Errors: as [`WaveformPlan::new`], and an FFT length out of range.
    pub fn with_fft_len(pulse: &Sampled, fft_len: usize) -> Result<WaveformPlan> {
        check_response(pulse, "pulse")?;
        let m = pulse.samples_per_ui;
        let taps = pulse.v.len().div_ceil(m);
        if fft_len < taps.max(2) || fft_len > MAX_FFT_LEN {
            return Err(Error::invalid(format!(
                "an FFT of {fft_len} points for a pulse of {taps} UI (it must be from \
                 max(pulse UI, 2) to {MAX_FFT_LEN})"
            )));
        }
        if m.saturating_mul(fft_len) > MAX_WAVEFORM_SAMPLES {
            return Err(Error::invalid(format!(
                "{m} samples per UI × an FFT of {fft_len} points is too large to plan"
            )));
        }
        let mut planner = RealFftPlanner::<f64>::new();
        let forward = planner.plan_fft_forward(fft_len);
        let inverse = planner.plan_fft_inverse(fft_len);
        let bins = fft_len / 2 + 1;
        let scale = 1.0 / fft_len as f64;
        let mut block = forward.make_input_vec();
        let mut spectrum = forward.make_output_vec();
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        let mut scratch = vec![Complex64::new(0.0, 0.0); scratch_len];
        let mut phase_spectra = Vec::with_capacity(m * bins);
        for r in 0..m {
            block.fill(0.0);
            for (i, b) in block.iter_mut().enumerate().take(taps) {
                *b = pulse.v.get(i * m + r).copied().unwrap_or(0.0) * scale;
            }
            forward
                .process_with_scratch(&mut block, &mut spectrum, &mut scratch)
                .map_err(|e| Error::invalid(format!("internal: forward FFT: {e}")))?;
            phase_spectra.extend_from_slice(&spectrum);
        }
        Ok(WaveformPlan {
            m,
            taps,
            fft_len,
            phase_out: inverse.make_output_vec(),
            product: inverse.make_input_vec(),
            tile: vec![0.0; m * (fft_len - taps + 1)],
            forward,
            inverse,
            phase_spectra,
            block,
            spectrum,
            scratch,
        })
    }

    /// The FFT length `N`.
    pub fn fft_len(&self) -> usize {
        self.fft_len
    }

    /// Samples per UI `M`.
    pub fn samples_per_ui(&self) -> usize {
        self.m
    }

    /// The waveform of `symbols`: `symbols.len() × M` samples from the first symbol's start.
    /// Errors: symbols not finite; an output over [`MAX_WAVEFORM_SAMPLES`].
    pub fn waveform(&mut self, symbols: &[f64]) -> Result<Vec<f64>> {
        // hundreds of MB for long runs: huge pages spare most of the first-touch page faults
        let mut out = with_huge_pages(vec![0.0; waveform_len(symbols.len(), self.m)?]);
        self.waveform_into(symbols, &mut out)?;
        Ok(out)
    }

    /// [`WaveformPlan::waveform`] into `out`, which must hold `symbols.len() × M` samples.
    pub fn waveform_into(&mut self, symbols: &[f64], out: &mut [f64]) -> Result<()> {
        check_symbols(symbols)?;
        let k = symbols.len();
        let (m, n, l) = (self.m, self.fft_len, self.taps);
        if waveform_len(k, m)? != out.len() {
            return Err(Error::invalid(format!(
                "an output of {} samples for {k} symbols at {m} samples per UI",
                out.len()
            )));
        }
        let valid_per_block = n - l + 1;
        let bins = n / 2 + 1;
        let mut start = 0;
        while start < k {
            let valid = valid_per_block.min(k - start);
            // block[i] = a[start + i − (L − 1)], zero outside the sequence
            self.block.fill(0.0);
            let first = start.saturating_sub(l - 1);
            let last = (start + valid_per_block).min(k); // exclusive
            let offset = first + (l - 1) - start;
            self.block[offset..offset + (last - first)].copy_from_slice(&symbols[first..last]);
            self.forward
                .process_with_scratch(&mut self.block, &mut self.spectrum, &mut self.scratch)
                .map_err(|e| Error::invalid(format!("internal: forward FFT: {e}")))?;
            for r in 0..m {
                let p = &self.phase_spectra[r * bins..(r + 1) * bins];
                for ((o, s), h) in self.product.iter_mut().zip(&self.spectrum).zip(p) {
                    *o = s * h;
                }
                // real signals: DC (and Nyquist for even N) are real; clear rounding residue
                self.product[0].im = 0.0;
                if n % 2 == 0 {
                    self.product[bins - 1].im = 0.0;
                }
                self.inverse
                    .process_with_scratch(&mut self.product, &mut self.phase_out, &mut self.scratch)
                    .map_err(|e| Error::invalid(format!("internal: inverse FFT: {e}")))?;
                self.tile[r * valid_per_block..r * valid_per_block + valid]
                    .copy_from_slice(&self.phase_out[l - 1..l - 1 + valid]);
            }
            transpose_into(
                &self.tile,
                valid_per_block,
                valid,
                &mut out[start * m..(start + valid) * m],
                m,
            );
            start += valid;
        }
        Ok(())
    }
}

/// `dst[j·m + r] = tile[r·stride + j]` for `j < rows`, `r < m`: the phase-major block into
/// time order, `ROWS` output rows at a time so that their cache lines stay in L1 while each
/// phase's run is read in order.
fn transpose_into(tile: &[f64], stride: usize, rows: usize, dst: &mut [f64], m: usize) {
    const ROWS: usize = 8;
    for (chunk_index, chunk) in dst[..rows * m].chunks_mut(ROWS * m).enumerate() {
        let j0 = chunk_index * ROWS;
        let n_rows = chunk.len() / m;
        for (r, run) in tile.chunks(stride).take(m).enumerate() {
            for (jj, &v) in run[j0..j0 + n_rows].iter().enumerate() {
                chunk[jj * m + r] = v;
            }
        }
    }
}

/// The waveform of `symbols` through `pulse`: `y[n] = Σ_k a_k p[n − kM]` for `n` in
/// `0..symbols.len() × M` (module doc). Plans once; use [`WaveformPlan`] to reuse a plan.
/// Errors: as [`WaveformPlan::new`] and [`WaveformPlan::waveform`].
pub fn waveform(pulse: &Sampled, symbols: &[f64]) -> Result<Vec<f64>> {
    WaveformPlan::new(pulse)?.waveform(symbols)
}

/// The same sum as [`waveform`], computed directly: `O(symbols × pulse length)`. The oracle the
/// FFT version is tested against; fine for short sequences.
/// Errors: as [`waveform`].
pub fn waveform_naive(pulse: &Sampled, symbols: &[f64]) -> Result<Vec<f64>> {
    check_response(pulse, "pulse")?;
    check_symbols(symbols)?;
    let m = pulse.samples_per_ui;
    let mut y = vec![0.0; waveform_len(symbols.len(), m)?];
    let total = y.len();
    for (k, &a) in symbols.iter().enumerate() {
        let start = k * m;
        let end = (start + pulse.v.len()).min(total);
        for (out, &p) in y[start..end].iter_mut().zip(&pulse.v) {
            *out += a * p;
        }
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn max_abs(v: &[f64]) -> f64 {
        v.iter().fold(0.0, |m, x| m.max(x.abs()))
    }

    fn agree(pulse: &Sampled, symbols: &[f64], fft_len: Option<usize>) -> f64 {
        let want = waveform_naive(pulse, symbols).expect("naive");
        let got = match fft_len {
            Some(n) => WaveformPlan::with_fft_len(pulse, n)
                .expect("plan")
                .waveform(symbols)
                .expect("fft"),
            None => waveform(pulse, symbols).expect("fft"),
        };
        assert_eq!(got.len(), want.len());
        let diff: Vec<f64> = got.iter().zip(&want).map(|(a, b)| a - b).collect();
        max_abs(&diff) / max_abs(&want).max(f64::MIN_POSITIVE)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// FFT overlap-save and the direct sum agree to 1e-12 relative (to the waveform's
        /// largest magnitude), for random pulses, oversampling, lengths and block sizes,
        /// including sequences that are not a whole number of blocks.
        #[test]
        fn fft_matches_direct_sum(
            m in 1usize..9,
            pulse in prop::collection::vec(-1.0f64..1.0, 1..300),
            symbols in prop::collection::vec(-1.0f64..1.0, 0..700),
            extra in 0usize..3,
        ) {
            let pulse = Sampled { ui_s: 1e-11, samples_per_ui: m, v: pulse };
            let taps = pulse.v.len().div_ceil(m);
            let fft_len = (taps.max(2) + 1).next_power_of_two() << extra;
            prop_assert!(agree(&pulse, &symbols, Some(fft_len)) < 1e-12);
            prop_assert!(agree(&pulse, &symbols, None) < 1e-12);
        }
    }

    #[test]
    fn odd_fft_lengths_and_exact_fit() {
        let pulse = Sampled {
            ui_s: 1e-11,
            samples_per_ui: 3,
            v: (0..20).map(|i| (i as f64 * 0.7).sin()).collect(),
        };
        let symbols: Vec<f64> = (0..101).map(|i| ((i * 37 % 11) as f64) - 5.0).collect();
        for n in [7, 8, 9, 15, 64, 101] {
            assert!(agree(&pulse, &symbols, Some(n)) < 1e-12, "N = {n}");
        }
    }

    #[test]
    fn block_length_choice() {
        // N log2 N / (N − L + 1) for L = 200: 1024 → 12.41, 2048 → 12.18, 4096 → 12.61
        assert_eq!(choose_fft_len(200), 2048);
        assert_eq!(choose_fft_len(1), 64);
        assert!(choose_fft_len(MAX_FFT_LEN) == MAX_FFT_LEN);
    }

    #[test]
    fn bad_pulses_are_errors() {
        let ok = Sampled {
            ui_s: 1e-11,
            samples_per_ui: 4,
            v: vec![1.0; 4],
        };
        let empty = Sampled {
            v: vec![],
            ..ok.clone()
        };
        let m0 = Sampled {
            samples_per_ui: 0,
            ..ok.clone()
        };
        let nan = Sampled {
            v: vec![f64::NAN],
            ..ok.clone()
        };
        for p in [&empty, &m0, &nan] {
            assert!(waveform(p, &[1.0]).is_err());
            assert!(waveform_naive(p, &[1.0]).is_err());
        }
        assert!(waveform(&ok, &[f64::INFINITY]).is_err());
        assert!(WaveformPlan::with_fft_len(&ok, 1).is_err());
        assert!(WaveformPlan::with_fft_len(&ok, MAX_FFT_LEN * 2).is_err());
        let mut plan = WaveformPlan::new(&ok).expect("plan");
        assert!(plan.waveform_into(&[1.0, 2.0], &mut [0.0; 7]).is_err());
        assert_eq!(plan.waveform(&[]).expect("empty"), Vec::<f64>::new());
    }
}
