//! The pulse TDR and its gate, planned once for a frequency grid and a parameter set and run for
//! as many reflections as needed (both ends of a cable, many cables on one grid).

use std::f64::consts::PI;
use std::sync::Arc;

use num_complex::Complex64;
use realfft::{ComplexToReal, RealFftPlanner};

use super::{ErlParams, ErlResult, on_uniform_grid, pdf};
use crate::error::{Error, Result};

/// A Gaussian step rises from 20 % to 80 % in this many standard deviations, 2 Φ⁻¹(0.8).
const GAUSSIAN_20_80: f64 = 1.6832;

/// Largest inverse FFT the plan will make.
const MAX_FFT_LEN: usize = 1 << 25;

/// Everything of the ERL computation that does not depend on the reflection: the uniform grid,
/// the filters `H_t H_r H_w` on it, the inverse FFT and its buffers, the time window and the gate.
pub struct PtdrPlan {
    params: ErlParams,
    frequency_hz: Vec<f64>,
    df_hz: f64,
    filter: Vec<Complex64>,
    inverse: Arc<dyn ComplexToReal<f64>>,
    spectrum: Vec<Complex64>,
    h: Vec<f64>,
    scratch: Vec<Complex64>,
    /// First sample of the window, in steps of `dt` from time 0 (negative: before the edge).
    n0: i64,
    /// Samples in the window.
    len: usize,
    dt_s: f64,
    gate: Vec<f64>,
}

fn check_grid(frequency_hz: &[f64], f_b: f64) -> Result<()> {
    let nf = frequency_hz.len();
    if nf < 2 {
        return Err(Error::invalid(format!(
            "ERL needs at least two frequencies, got {nf}"
        )));
    }
    if !(frequency_hz[0].is_finite() && frequency_hz[0] >= 0.0) {
        return Err(Error::invalid(format!(
            "ERL needs non-negative frequencies, the first is {} Hz",
            frequency_hz[0]
        )));
    }
    if let Some(k) =
        (1..nf).find(|&k| !(frequency_hz[k].is_finite() && frequency_hz[k] > frequency_hz[k - 1]))
    {
        return Err(Error::invalid(format!(
            "ERL needs finite, strictly increasing frequencies (index {k}: {} Hz after {} Hz)",
            frequency_hz[k],
            frequency_hz[k - 1]
        )));
    }
    let last = frequency_hz[nf - 1];
    if last < f_b * (1.0 - 1e-9) {
        return Err(Error::invalid(format!(
            "the data stop at {:.4} GHz, below f_b = {:.4} GHz, up to which the ERL filters reach \
             (extend the data first)",
            last / 1e9,
            f_b / 1e9
        )));
    }
    Ok(())
}

/// `H_t(f) H_r(f) H_w(f)` (module doc, step 1).
fn filter_at(f: f64, p: &ErlParams) -> Complex64 {
    let f_b = p.signalling_rate_baud;
    let sigma = p.transition_time_s / GAUSSIAN_20_80;
    let gaussian = (-2.0 * (PI * f * sigma).powi(2)).exp();
    let mut h = Complex64::new(gaussian, 0.0);
    let f_c = p.f_r * f_b;
    if p.butterworth {
        // fourth-order Butterworth: 1 + a1 s + a2 s² + a1 s³ + s⁴, s = j f / f_c
        let a1 = 2.0 * ((PI / 8.0).cos() + (3.0 * PI / 8.0).cos());
        let a2 = 2.0 + 2f64.sqrt();
        let s = Complex64::new(0.0, f / f_c);
        let den = (((s + a1) * s + a2) * s + a1) * s + 1.0;
        h /= den;
    }
    if p.tukey_window {
        let w = if f < f_c {
            1.0
        } else if f <= f_b {
            0.5 + 0.5 * (PI * (f - f_c) / (f_b - f_c)).cos()
        } else {
            0.0
        };
        h *= w;
    }
    h
}

/// `G_rr(t) G_loss(t)` (module doc, step 3).
fn gate_at(t: f64, p: &ErlParams) -> f64 {
    let ui = p.ui_s();
    let x = (t - p.fixture_delay_s) / ui;
    let end = (p.n_bx + 1) as f64;
    if x < -1e-9 {
        0.0
    } else if x <= end + 1e-9 {
        let g_rr = p.rho_x * (1.0 + p.rho_x) * (-(x - end).powi(2) / (end * end)).exp();
        let g_loss = if p.n_bx > 0 {
            10f64.powf(p.beta_x_hz * (x - end) * ui / 20.0)
        } else {
            1.0
        };
        g_rr * g_loss
    } else {
        1.0
    }
}

impl PtdrPlan {
    /// Plans the computation for reflections sampled at `frequency_hz` with `params`.
    /// Errors: bad parameters or grid (see [`super::erl_reflection`]), or a grid so fine or a
    /// window so long that the inverse FFT would exceed 2^25 points.
    pub fn new(frequency_hz: &[f64], params: &ErlParams) -> Result<PtdrPlan> {
        params.validate()?;
        let f_b = params.signalling_rate_baud;
        check_grid(frequency_hz, f_b)?;
        let m = params.samples_per_ui;
        let ui = params.ui_s();
        let dt_s = ui / m as f64;
        // window: from one UI and 3 T_r before the edge to T_fx + N T_b
        let n0 = -((m as f64 + (3.0 * params.transition_time_s / dt_s).ceil()) as i64);
        let n1 = ((params.fixture_delay_s + params.n_ui as f64 * ui) / dt_s + 1e-6).floor() as i64;
        let len = usize::try_from(n1 - n0 + 1)
            .map_err(|_| Error::invalid("internal: ERL window length"))?;
        // frequency step: the data's own when uniform, else the smallest; fine enough that one
        // period 1/Δf holds the window and one more UI
        let steps: Vec<f64> = frequency_hz.windows(2).map(|w| w[1] - w[0]).collect();
        let step0 = steps[0];
        let uniform = steps.iter().all(|s| (s - step0).abs() <= 1e-6 * step0);
        let mut df = if uniform {
            step0
        } else {
            steps.iter().copied().fold(f64::INFINITY, f64::min)
        };
        let period_needed = (len + m) as f64 * dt_s;
        if 1.0 / df < period_needed {
            df = 1.0 / period_needed;
        }
        let f_max = 0.5 / dt_s;
        let bins = (f_max / df - 1e-9).ceil();
        if !(bins.is_finite() && bins >= 1.0 && 2.0 * bins <= MAX_FFT_LEN as f64) {
            return Err(Error::invalid(format!(
                "ERL would need an inverse FFT of {} points (step {df} Hz to {f_max} Hz); \
                 the limit is {MAX_FFT_LEN}",
                2.0 * bins
            )));
        }
        let bins = bins as usize;
        let df_hz = f_max / bins as f64;
        let fft_len = 2 * bins;
        if len > fft_len {
            return Err(Error::invalid("internal: ERL window longer than the FFT"));
        }
        let filter = (0..=bins)
            .map(|k| filter_at(k as f64 * df_hz, params))
            .collect();
        let mut planner = RealFftPlanner::<f64>::new();
        let inverse = planner.plan_fft_inverse(fft_len);
        let gate = (0..len)
            .map(|j| gate_at((n0 + j as i64) as f64 * dt_s, params))
            .collect();
        Ok(PtdrPlan {
            params: params.clone(),
            frequency_hz: frequency_hz.to_vec(),
            df_hz,
            filter,
            spectrum: inverse.make_input_vec(),
            h: inverse.make_output_vec(),
            scratch: inverse.make_scratch_vec(),
            inverse,
            n0,
            len,
            dt_s,
            gate,
        })
    }

    /// The frequency step of the uniform grid the spectrum is put on, Hz.
    pub fn df_hz(&self) -> f64 {
        self.df_hz
    }

    /// ERL of the reflection `gamma`, one value per frequency of the plan's grid.
    /// Errors: a length other than the grid's, values that are not finite.
    pub fn erl(&mut self, gamma: &[Complex64]) -> Result<ErlResult> {
        if gamma.len() != self.frequency_hz.len() {
            return Err(Error::invalid(format!(
                "{} reflection values for {} frequencies",
                gamma.len(),
                self.frequency_hz.len()
            )));
        }
        if let Some(k) = gamma
            .iter()
            .position(|g| !(g.re.is_finite() && g.im.is_finite()))
        {
            return Err(Error::invalid(format!(
                "the reflection is not finite at {} Hz",
                self.frequency_hz[k]
            )));
        }
        let bins = self.spectrum.len();
        let on_grid = on_uniform_grid(&self.frequency_hz, gamma, self.df_hz, bins)?;
        for ((x, g), h) in self.spectrum.iter_mut().zip(&on_grid).zip(&self.filter) {
            *x = g * h;
        }
        // a real signal's spectrum is real at DC and at the Nyquist bin
        self.spectrum[0].im = 0.0;
        self.spectrum[bins - 1].im = 0.0;
        self.inverse
            .process_with_scratch(&mut self.spectrum, &mut self.h, &mut self.scratch)
            .map_err(|e| Error::invalid(format!("inverse FFT: {e}")))?;
        let fft_len = self.h.len();
        let scale = 1.0 / fft_len as f64;
        let at = |n: i64| self.h[n.rem_euclid(fft_len as i64) as usize] * scale;
        // the pulse: a running sum of M impulse samples (a rectangular pulse one UI long)
        let m = self.params.samples_per_ui;
        let mut acc: f64 = (0..m as i64).map(|i| at(self.n0 - i)).sum();
        let mut ptdr = Vec::with_capacity(self.len);
        for j in 0..self.len as i64 {
            if j > 0 {
                let n = self.n0 + j;
                acc += at(n) - at(n - m as i64);
            }
            ptdr.push(acc);
        }
        let r_eff: Vec<f64> = ptdr.iter().zip(&self.gate).map(|(p, g)| p * g).collect();
        // the phase with the most energy
        let mut phase = 0;
        let mut best = -1.0;
        for phi in 0..m.min(self.len) {
            let energy: f64 = r_eff[phi..].iter().step_by(m).map(|r| r * r).sum();
            if energy > best {
                best = energy;
                phase = phi;
            }
        }
        let samples: Vec<f64> = r_eff[phase..].iter().step_by(m).copied().collect();
        let time_s: Vec<f64> = (0..self.len)
            .map(|j| (self.n0 + j as i64) as f64 * self.dt_s)
            .collect();
        let sample_time_s = time_s[phase..].iter().step_by(m).copied().collect();
        let p = &self.params;
        let r_peak = pdf::r_peak(&samples, p.levels, p.der0, p.pdf_bin)?;
        let erl_db = if r_peak > 0.0 {
            -20.0 * r_peak.log10()
        } else {
            f64::INFINITY
        };
        Ok(ErlResult {
            erl_db,
            r_peak,
            time_s,
            ptdr,
            gate: self.gate.clone(),
            r_eff,
            phase,
            sample_time_s,
            samples,
        })
    }
}
